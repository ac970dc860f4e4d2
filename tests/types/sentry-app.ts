// An app typed against @sentry/browser 11, compiled against Faultline's declarations
// (tests/node/types.test.js: tsc --strict --noEmit). The @ts-expect-error lines must stay errors:
// the declarations are not `any`.
import * as Sentry from 'faultline';
import type { BrowserOptions, ErrorEvent, Event, EventHint, Breadcrumb, BreadcrumbHint, Integration, Scope, Span, Exception, StackFrame, Contexts, User } from 'faultline';

const options: BrowserOptions = {
  dsn: 'https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/1',
  release: 'shop@1.0.0',
  tracesSampleRate: 0.2,
  tracesSampler: () => 0.5,
  tracePropagationTargets: ['localhost', /^\/api/],
  replaysSessionSampleRate: 0.1,
  replaysOnErrorSampleRate: 1,
  profilesSampleRate: 0,
  sendClientReports: true,
  normalizeMaxBreadth: 1000,
  ignoreTransactions: ['health'],
  enableLogs: true,
  initialScope: { tags: { team: 'checkout' }, user: { id: '1' } },
  integrations: [Sentry.httpClientIntegration(), Sentry.contextLinesIntegration({ frameContextLines: 5 })],
  beforeSend(event: ErrorEvent, hint: EventHint): ErrorEvent | null {
    const top: Exception | undefined = event.exception?.values?.[0];
    const frames: StackFrame[] = top?.stacktrace?.frames ?? [];
    if (hint.originalException instanceof Error && frames.length) event.fingerprint = ['{{ default }}', top?.type ?? ''];
    const c: Contexts | undefined = event.contexts;
    return c ? event : null;
  },
  beforeBreadcrumb(b: Breadcrumb, hint?: BreadcrumbHint) { return b.category === 'console' && hint ? null : b; },
};
Sentry.init(options);
Sentry.init({ ...options, initialScope: (scope: Scope) => scope.setTag('a', 'b') });

const client = Sentry.getClient<Sentry.BrowserClient>();
const release: string | undefined = client?.getOptions().release;
const id: string = Sentry.captureMessage('hello', 'warning');
const id2: string = Sentry.captureException(new Error('x'), { tags: { t: 'v' }, fingerprint: ['f'] });
Sentry.addEventProcessor((event: Event, hint: EventHint) => (hint.originalException ? event : null));
Sentry.getCurrentScope().addEventProcessor(async (event) => event);
Sentry.startSession();
Sentry.captureSession();
Sentry.endSession();
const n: number = Sentry.startSpan({ name: 'work', op: 'task' }, (span: Span) => { span.setAttribute('k', 1); return 42; });
const p: Promise<string> = Sentry.startSpan({ name: 'async' }, async () => 'done');
const inactive: Span = Sentry.startInactiveSpan({ name: 'bg' });
inactive.end();
const active: Span | undefined = Sentry.getActiveSpan();
Sentry.withActiveSpan(inactive, () => undefined);
const headers: { 'sentry-trace'?: string; baggage?: string } = Sentry.getTraceData();
Sentry.logger.info('signed in', { plan: 'pro' });
Sentry.logger.warn(Sentry.logger.fmt`cart ${3}`);
Sentry.showReportDialog({ eventId: id });
const mine: Integration = { name: 'Mine', processEvent: (event) => event };
Sentry.addIntegration(mine);
Sentry.lazyLoadIntegration('replayIntegration').then((f) => Sentry.addIntegration(f()));
const user: User = { id: 1, email: 'a@b.c' };
Sentry.setUser(user);
Sentry.setCurrentClient(new Sentry.BrowserClient(options));

// @ts-expect-error tracesSampleRate is a number
Sentry.init({ tracesSampleRate: 'all' });
// @ts-expect-error an unknown option is still an error
Sentry.init({ tracesSampleRat: 1 });
// @ts-expect-error captureMessage returns a string, not a number
const wrong: number = Sentry.captureMessage('x');

export { release, id2, n, p, active, headers, wrong };
