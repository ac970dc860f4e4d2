// Type declarations for the Faultline browser SDK (js/index.js). The API mirrors @sentry/browser.

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'log' | 'info' | 'debug';

export interface User {
  id?: string | number;
  email?: string;
  username?: string;
  ip_address?: string;
  segment?: string;
  [key: string]: unknown;
}

export interface Breadcrumb {
  type?: string;
  category?: string;
  /** Sentry's levels; custom strings are kept. */
  level?: SeverityLevel | string;
  event_id?: string;
  message?: string;
  data?: Record<string, unknown>;
  /** Seconds since the epoch; set when missing. */
  timestamp?: number;
}

export interface BreadcrumbHint {
  /** DOM breadcrumbs: the click/input event. */
  event?: Event;
  /** console breadcrumbs: the arguments and the console method. */
  input?: ArrayLike<unknown>;
  level?: string;
  [key: string]: unknown;
}

/** A Sentry event as built by the core (https://develop.sentry.dev/sdk/event-payloads/). */
export interface Event {
  event_id: string;
  timestamp: number;
  platform: 'javascript';
  level?: SeverityLevel;
  release?: string;
  environment?: string;
  /** The message of captureMessage() / captureEvent(), as @sentry/browser sends it. */
  message?: string;
  /** For parameterize`...` messages: the template (`%s` per value) and the values. */
  logentry?: { formatted?: string; message?: string; params?: unknown[] };
  exception?: {
    values?: Exception[];
  };
  /** Oldest first, as @sentry/browser sends them. */
  breadcrumbs?: Breadcrumb[];
  /** Values as set (strings, numbers, booleans, null), as @sentry/browser sends them. */
  tags?: Record<string, Primitive | unknown>;
  extra?: Record<string, unknown>;
  user?: User;
  /** contexts.trace: {trace_id, span_id}; contexts.faultline: {count, first_seen, last_seen, summary, grouping}; contexts.culture. */
  contexts?: Contexts;
  request?: RequestEventData;
  fingerprint?: string[];
  transaction?: string;
  type?: 'transaction' | 'feedback' | undefined;
  sdk?: SdkInfo;
  [key: string]: unknown;
}

export interface EventHint {
  event_id?: string;
  /** The value that was thrown or passed to captureException. */
  originalException?: unknown;
  syntheticException?: Error | null;
  mechanism?: Partial<Mechanism>;
  data?: unknown;
  captureContext?: CaptureContext;
  [key: string]: unknown;
}
/** An error or message event, as beforeSend gets it (Sentry's ErrorEvent: an Event without a type). */
export type ErrorEvent = Event & { type?: undefined };
/** Sentry's names for the parts of an event. */
export type Context = Record<string, unknown>;
export type Contexts = Record<string, Context | undefined>;
export interface Mechanism { type: string; handled?: boolean; synthetic?: boolean; source?: string; exception_id?: number; parent_id?: number; is_exception_group?: boolean; data?: Record<string, unknown> }
export interface Stacktrace { frames?: StackFrame[] }
export interface Exception { type?: string; value?: string; module?: string; thread_id?: number; stacktrace?: Stacktrace; mechanism?: Mechanism }
export interface SdkInfo { name: string; version: string; integrations?: string[]; packages?: { name: string; version: string }[]; settings?: Record<string, unknown> }
export interface RequestEventData { url?: string; method?: string; data?: unknown; query_string?: unknown; cookies?: Record<string, string>; env?: Record<string, string>; headers?: Record<string, string> }
export type EventProcessor = (event: Event, hint: EventHint) => PromiseLike<Event | null> | Event | null;
/** Sentry's second argument of captureException: a captureContext or an event hint. */
export type ExclusiveEventHintOrCaptureContext = (CaptureContextObject & Partial<{ [K in keyof EventHint]: never }>) | (EventHint & Partial<{ [K in keyof CaptureContextObject]: never }>);
export interface Session { sid: string; did?: string; init: boolean; started: string; timestamp: string; status: 'ok' | 'exited' | 'crashed' | 'abnormal'; errors: number; attrs?: { release?: string; environment?: string; user_agent?: string; ip_address?: string } }
export interface SpanContextData { traceId: string; spanId: string; traceFlags: number }
export interface StartSpanOptions { name: string; op?: string; attributes?: Record<string, unknown>; forceTransaction?: boolean; onlyIfParent?: boolean; parentSpan?: Span | null; startTime?: number; [key: string]: unknown }
/** Faultline sends no spans: spans are inert (not recording) and carry the page's trace id. */
export interface Span {
  spanContext(): SpanContextData;
  isRecording(): boolean;
  end(endTimestamp?: number): void;
  setAttribute(key: string, value: unknown): this;
  setAttributes(attributes: Record<string, unknown>): this;
  setStatus(status: { code: number; message?: string }): this;
  updateName(name: string): this;
  addEvent(name: string, attributes?: unknown, startTime?: number): this;
  addLink(link: unknown): this;
  addLinks(links: unknown[]): this;
  recordException(exception: unknown, time?: number): void;
}
export interface SpanJSON { span_id?: string; trace_id?: string; description?: string; data: Record<string, unknown>; start_timestamp: number }

export type Primitive = string | number | boolean | bigint | symbol | null | undefined;

export interface ScopeData {
  tags: Record<string, Primitive>;
  extra: Record<string, unknown>;
  contexts: Record<string, Record<string, unknown>>;
  user: User;
  level?: SeverityLevel;
  fingerprint: string[];
  transaction?: string;
  breadcrumbs: Breadcrumb[];
}

/**
 * @sentry/browser's Scope. getCurrentScope()/getIsolationScope()/getGlobalScope() and the scope a
 * withScope() callback receives write through to the events captured; `new Scope()` is data to
 * pass as a captureContext or to capture from. Setters return the scope; nothing throws.
 */
export declare class Scope {
  constructor();
  setUser(user: User | null): this;
  setTag(key: string, value: Primitive): this;
  setTags(tags: Record<string, Primitive>): this;
  setExtra(key: string, extra: unknown): this;
  setExtras(extras: Record<string, unknown>): this;
  /** null removes the context. */
  setContext(name: string, context: Record<string, unknown> | null): this;
  setLevel(level: SeverityLevel): this;
  setFingerprint(fingerprint: string[]): this;
  setTransactionName(name?: string): this;
  addBreadcrumb(breadcrumb: Breadcrumb, maxBreadcrumbs?: number): this;
  clearBreadcrumbs(): this;
  clear(): this;
  clone(): Scope;
  update(captureContext?: CaptureContext): this;
  getUser(): User;
  getScopeData(): ScopeData;
  setClient(client: BrowserClient | undefined): void;
  getClient<C extends BrowserClient = BrowserClient>(): C | undefined;
  /** fn runs on each event captured with this scope, before beforeSend; null drops the event (counted). */
  addEventProcessor(fn: EventProcessor): this;
  captureException(exception: unknown, hint?: unknown): string;
  captureMessage(message: string, level?: SeverityLevel): string;
  captureEvent(event: Partial<Event>): string;
}

export interface CaptureContextObject {
  tags?: Record<string, string | number | boolean>;
  extra?: Record<string, unknown>;
  user?: User;
  contexts?: Record<string, Record<string, unknown>>;
  level?: SeverityLevel;
  fingerprint?: string[];
}
export type CaptureContext = Scope | CaptureContextObject | ((scope: Scope) => Scope | unknown);

export type Pattern = string | RegExp;
/** A stack frame as event processors and beforeSend see it. */
export interface StackFrame { filename?: string; abs_path?: string; function?: string; module?: string; lineno?: number; colno?: number; in_app?: boolean; pre_context?: string[]; context_line?: string; post_context?: string[]; module_metadata?: Record<string, unknown>; [key: string]: unknown }

export interface Options {
  /** Sentry DSN: https://<public key>@<host>/<project id>. Without a valid DSN the SDK stays disabled. */
  dsn?: string;
  release?: string;
  environment?: string;
  dist?: string;
  /** Probability (0..1) that an error event is sent; the rest are counted as dropped (sample_rate). Default 1. */
  sampleRate?: number;
  /** Breadcrumbs kept (oldest dropped first). Default 100, at most 1000; 0 disables breadcrumbs. */
  maxBreadcrumbs?: number;
  /** Called with each final event; return it (possibly changed), or null to drop it (counted as before_send). May be async. A throwing beforeSend drops the event. */
  beforeSend?: (event: ErrorEvent, hint: EventHint) => ErrorEvent | null | PromiseLike<ErrorEvent | null>;
  /** Scope data every event starts with: the fields of a captureContext, or a function of the scope. */
  initialScope?: CaptureContextObject | Scope | ((scope: Scope) => Scope);
  /** Messages and non-Error captures carry the stack of the call (default true, as in Sentry 11); false turns it off. */
  attachStacktrace?: boolean;
  /** Sentry's logs API: with true, logger.info(…) etc. become breadcrumbs (Faultline sends no Sentry logs). */
  enableLogs?: boolean;
  beforeSendLog?: (log: { level: string; message: string; attributes: Record<string, unknown> }) => { level: string; message: string; attributes: Record<string, unknown> } | null;
  // Accepted for @sentry/browser compatibility and ignored (Faultline has no tracing, replay, profiling or feedback):
  tracesSampleRate?: number;
  tracesSampler?: (context: Record<string, unknown>) => number | boolean;
  enableTracing?: boolean;
  replaysSessionSampleRate?: number;
  replaysOnErrorSampleRate?: number;
  profilesSampleRate?: number;
  profileSessionSampleRate?: number;
  profileLifecycle?: 'manual' | 'trace';
  beforeSendTransaction?: (event: Event, hint: EventHint) => Event | null | PromiseLike<Event | null>;
  beforeSendSpan?: (span: SpanJSON) => SpanJSON | null;
  ignoreTransactions?: Pattern[];
  ignoreSpans?: unknown[];
  propagateTraceparent?: boolean;
  sendClientReports?: boolean;
  normalizeMaxBreadth?: number;
  skipBrowserExtensionCheck?: boolean;
  spotlight?: boolean | string;
  cdnBaseUrl?: string;
  /** Called with each breadcrumb; return it (possibly changed), or null to drop it. */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb, hint?: BreadcrumbHint) => Breadcrumb | null;
  /** Errors whose "Type: message" or message matches (string = substring) are not sent. */
  ignoreErrors?: Pattern[];
  /** Errors whose innermost frame's URL matches are not sent. */
  denyUrls?: Pattern[];
  /** When set, only errors whose innermost frame's URL matches are sent. */
  allowUrls?: Pattern[];
  /** Keep e-mail and IP addresses in events (the core scrubs them otherwise). Default false. */
  sendDefaultPii?: boolean;
  /** @sentry/browser 10: `userInfo` stands for sendDefaultPii when that is not given. */
  dataCollection?: { userInfo?: boolean; [key: string]: unknown };
  /** Requests that get traceparent / sentry-trace / baggage headers. Default: same origin only. */
  tracePropagationTargets?: Pattern[];
  /** Send envelopes to this URL (same origin proxy) instead of the DSN's host. */
  tunnel?: string;
  /**
   * A Sentry transport factory (`makeFetchTransport`: Faultline's own transport; your own factory:
   * called with `TransportOptions`, its `send` gets every envelope in Sentry's structure), or
   * Faultline's transport settings.
   */
  transport?: ((options: TransportOptions) => Transport) | {
    /** Events per envelope/request when multiEvent is on. */
    maxEvents?: number;
    /** How long events may wait to be batched, in ms. */
    maxAgeMs?: number;
    /** Envelopes kept when the endpoint cannot be reached. */
    queueCap?: number;
    /** Pack several events into one envelope (Faultline's collector accepts this; Sentry wants one). */
    multiEvent?: boolean;
    compress?: boolean;
    /** Tries per envelope (5), with full-jitter back-off from baseDelayMs (1000). */
    maxAttempts?: number;
    baseDelayMs?: number;
    /** A request not answered after this long is aborted and retried (30000 ms). */
    requestTimeoutMs?: number;
  };
  /**
   * Sentry's transportOptions: `headers` and `fetchOptions` are added to every request (Faultline's
   * own transport too), the whole object is passed to a transport factory; with a factory as
   * `transport`, Faultline's transport settings (maxAttempts, queueCap…) are read here.
   */
  transportOptions?: { headers?: Record<string, string>; fetchOptions?: RequestInit; bufferSize?: number; [key: string]: unknown };
  /** Log internal failures and decisions to the console. */
  debug?: boolean;
  /** false: the SDK does nothing. */
  enabled?: boolean;
  /**
   * Sentry's forms: a list of integrations (merged with the defaults by name) or a function of the
   * defaults returning the list. Faultline's object form turns hooks off one by one (all on by default).
   */
  integrations?: Integration[] | ((defaults: Integration[]) => Integration[]) | {
    onerror?: boolean;
    onunhandledrejection?: boolean;
    fetch?: boolean;
    xhr?: boolean;
    console?: boolean;
    dom?: boolean;
    history?: boolean;
    /** Wrap setTimeout, setInterval, requestAnimationFrame, addEventListener and XHR handlers so their errors are captured with their own stack (as @sentry/browser's browserApiErrorsIntegration). */
    browserApiErrors?: boolean;
    /** Release health: a session per page load and per navigation, sent as Sentry session items (needs `release`). */
    browserSession?: boolean;
  };
  /** Sentry's default inbound filters, applied in the page and counted (client reports, getStats().filtered). Both on by default. */
  inboundFilters?: {
    /** Drop cross-origin `Script error.` reports that carry no stack and no location. */
    scriptError?: boolean;
    /** Drop errors whose innermost frame is a browser extension's code (chrome-extension://, moz-extension://, ...). */
    browserExtensions?: boolean;
  };
  /** Who groups: 'client' sends Faultline's fingerprint on every event, 'server' never (Sentry groups), 'auto' (default) only when Faultline's grouping is confident. A fingerprint you set always wins. */
  grouping?: 'client' | 'server' | 'auto';
  /** false: only the integrations listed in `integrations`; a list: these instead of getDefaultIntegrations(). */
  defaultIntegrations?: false | Integration[];
  /** Accepted for @sentry/browser compatibility (client-built apps pass defaultStackParser); Faultline parses stacks in its core. */
  stackParser?: unknown;
  /** URL of faultline.wasm, when it is not next to faultline-core.mjs. */
  wasmUrl?: string;
  /** Emscripten's locateFile(path, scriptDirectory), for full control over where the module's files come from. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** Give up on the WASM core after this long and use the JS fallback. Default 30000 ms. */
  wasmTimeout?: number;
  /**
   * How long one event waits, in all from its capture, for the symbol tables of its bundles
   * (`faultline sourcemaps inject`, or the page's scan) before it is grouped without those it
   * lacks (marked `timeout`; a table that comes later serves the next errors). The scan's fetch of a
   * script is aborted then. Default 3000 ms.
   */
  symbolTableTimeout?: number;
  /**
   * In every engine, when an error's stack has frames in a first-party script without a symbol
   * table, fetch that script's own source once (after the error; the browser's cache normally
   * serves it) and build its symbol table in a Worker (dist/faultline-scan-worker.mjs with
   * dist/faultline-scan.wasm): the functions' names as a source map's table gives them (a class
   * method's `Class.method`, an anonymous function by where it is defined), so every engine groups
   * alike, and in JavaScriptCore (Safari) the call graph that puts back the frames its proper tail
   * calls drop. In Chromium and Firefox a script whose frames in that stack show minified code (a
   * column past 250, or two different 1–2-character function names) is not fetched. Where no
   * Worker can start, only scripts up to 16 KiB (64 KiB per page) are scanned, on the page's
   * thread. Minified scripts and build outputs with a source map are refused (run `faultline
   * sourcemaps inject` for them). Waits like a fetched table (`symbolTableTimeout`). Default true;
   * false turns it off.
   */
  scanSources?: boolean;
  /** Core options passed through: see bindings/README.md. */
  inAppInclude?: string[];
  inAppExclude?: string[];
  firstPartyOrigins?: string[];
  scrub?: { keys?: string[]; patterns?: string[]; safeKeys?: string[] };
  aggregation?: { windowMs?: number; perGroupBudget?: number; maxGroups?: number };
  maxValueLength?: number;
  normalizeDepth?: number;
}

/** An integration as the factories return it (plain options Faultline reads at init). */
export interface Integration {
  name: string;
  setupOnce?(): void;
  setup?(client: BrowserClient): void;
  afterAllSetup?(client: BrowserClient): void;
  preprocessEvent?(event: Event, hint: EventHint | undefined, client: BrowserClient): void;
  processEvent?(event: Event, hint: EventHint, client: BrowserClient): Event | null | PromiseLike<Event | null>;
  [key: string]: unknown;
}
type Factory<O = Record<string, unknown>> = (options?: O) => Integration;

/** Configure Faultline's hooks with Sentry's option names. */
export declare const breadcrumbsIntegration: Factory<{ console?: boolean; dom?: boolean | Record<string, unknown>; fetch?: boolean; xhr?: boolean; history?: boolean; sentry?: boolean }>;
/** Console breadcrumbs (@sentry/browser 11); breadcrumbsIntegration({ console: false }) still turns them off. */
export declare const consoleIntegration: Factory<{ levels?: string[] }>;
export declare const globalHandlersIntegration: Factory<{ onerror?: boolean; onunhandledrejection?: boolean }>;
export declare const browserApiErrorsIntegration: Factory<{ setTimeout?: boolean; setInterval?: boolean; requestAnimationFrame?: boolean; XMLHttpRequest?: boolean; eventTarget?: boolean | string[] }>;
/** Their options become init options (ignoreErrors, denyUrls, allowUrls). */
export declare const inboundFiltersIntegration: Factory<{ ignoreErrors?: Pattern[]; denyUrls?: Pattern[]; allowUrls?: Pattern[] }>;
export declare const eventFiltersIntegration: typeof inboundFiltersIntegration;
/** Built into Faultline (always on): accepted. Dedupe: Faultline counts repeats instead of dropping them. */
export declare const httpContextIntegration: Factory;
export declare const linkedErrorsIntegration: Factory<{ key?: string; limit?: number }>;
export declare const dedupeIntegration: Factory;
export declare const functionToStringIntegration: Factory;
export declare const browserSessionIntegration: Factory;
/** Failed fetch/XHR responses become events (status in failedRequestStatusCodes, default [[500, 599]]; URL in failedRequestTargets). */
export declare const httpClientIntegration: Factory<{ failedRequestStatusCodes?: (number | [number, number])[]; failedRequestTargets?: Pattern[] }>;
/** console calls at `levels` become events (an Error argument as an exception). */
export declare const captureConsoleIntegration: Factory<{ levels?: string[]; handled?: boolean }>;
/** An Error's own enumerable properties (and toJSON(), and its cause's) become contexts[<error name>]. */
export declare const extraErrorDataIntegration: Factory<{ depth?: number; captureErrorCause?: boolean }>;
/** The browser's crash/deprecation/intervention reports become messages. */
export declare const reportingObserverIntegration: Factory<{ types?: ('crash' | 'deprecation' | 'intervention')[] }>;
/** Frame filenames under `root` get `prefix` ('app:///'), or `iteratee` rewrites each frame (after grouping, before beforeSend). */
export declare const rewriteFramesIntegration: Factory<{ root?: string; prefix?: string; iteratee?: (frame: StackFrame) => StackFrame }>;
/**
 * Error events with frames from bundles not marked (by the Sentry bundler plugins' applicationKey,
 * window._sentryModuleMetadata) with one of `filterKeys` are dropped or tagged third_party_code: true.
 */
export declare const thirdPartyErrorFilterIntegration: Factory<{
  filterKeys: string[];
  behaviour: 'drop-error-if-contains-third-party-frames' | 'drop-error-if-exclusively-contains-third-party-frames'
    | 'apply-tag-if-contains-third-party-frames' | 'apply-tag-if-exclusively-contains-third-party-frames';
  /** The outermost frame of an error caught by a wrapped browser API (the SDK's wrapper) does not count. */
  ignoreSentryInternalFrames?: boolean;
}>;
/** Frames of the page's own inline scripts get pre_context/context_line/post_context from its HTML (scrubbed), `frameContextLines` (5) each side; 0 turns it off. */
export declare const contextLinesIntegration: Factory<{ frameContextLines?: number }>;
/** Sentry 11's default: contexts.culture (locale, timezone, calendar) from Intl. */
export declare const cultureContextIntegration: Factory;
/** Frames of bundles registered in window._sentryModuleMetadata (Sentry's bundler plugins) get `module_metadata` for event processors and beforeSend; it is not sent. */
export declare const moduleMetadataIntegration: Factory;
/** Not supported by Faultline: accepted and ignored, with a warning when `debug` is on. */
export declare const browserTracingIntegration: Factory;
export declare const replayIntegration: Factory;
export declare const replayCanvasIntegration: Factory;
export declare const feedbackIntegration: Factory;
export declare const feedbackAsyncIntegration: Factory;
export declare const browserProfilingIntegration: Factory;
export declare const consoleLoggingIntegration: Factory;
export declare const featureFlagsIntegration: Factory;
export declare const zodErrorsIntegration: Factory;
export declare const graphqlClientIntegration: Factory;
export declare const spotlightBrowserIntegration: Factory;
export declare const webWorkerIntegration: Factory;
export declare const webVitalsIntegration: Factory;
export declare const interactionsIntegration: Factory;
export declare const userTimingIntegration: Factory;
export declare const elementTimingIntegration: Factory;
export declare const bfcacheMetricsIntegration: Factory;
export declare const fetchStreamPerformanceIntegration: Factory;
export declare const spanStreamingIntegration: Factory;
export declare const viewHierarchyIntegration: Factory;
export declare const feedbackSyncIntegration: Factory;
export declare const launchDarklyIntegration: Factory;
export declare const openFeatureIntegration: Factory;
export declare const unleashIntegration: Factory;
export declare const statsigIntegration: Factory;
export declare const growthbookIntegration: Factory;
export declare const supabaseIntegration: Factory;
/** No replay or feedback in Faultline: undefined, as Sentry without those integrations. */
export declare function getReplay(): undefined;
export declare function getFeedback(): undefined;
/** Sentry's loader API: the callback runs at once (the SDK is loaded). */
export declare function onLoad(callback: () => void): void;
export declare function forceLoad(): void;
/** @sentry/browser's default integrations for error monitoring. */
export declare function getDefaultIntegrations(options?: Options): Integration[];

/** new BrowserClient(options) + client.init() (or scope.setClient(client); client.init()) is init(options). */
export declare class BrowserClient {
  constructor(options: Options);
  init(): void;
  getOptions(): Options;
  getDsn(): string | undefined;
  getIntegrationByName(name: string): Integration | undefined;
  addIntegration(integration: Integration): void;
  captureException(exception: unknown, hint?: unknown, scope?: Scope): string | undefined;
  captureMessage(message: string, level?: SeverityLevel, hint?: unknown, scope?: Scope): string | undefined;
  captureEvent(event: Partial<Event>, hint?: unknown, scope?: Scope): string | undefined;
  flush(timeout?: number): Promise<boolean>;
  close(timeout?: number): Promise<boolean>;
  on(hook: string, callback: (...args: unknown[]) => void): () => void;
  emit(hook: string, ...args: unknown[]): void;
}
/** An envelope as Sentry's transports get it: headers, then items of [item headers, payload]. */
export type Envelope = [Record<string, unknown>, Array<[{ type: string; [key: string]: unknown }, unknown]>];
export interface TransportMakeRequestResponse {
  statusCode?: number;
  headers?: { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null; [key: string]: string | null | undefined };
}
export interface Transport {
  send(envelope: Envelope): PromiseLike<TransportMakeRequestResponse | void>;
  flush(timeout?: number): PromiseLike<boolean>;
}
/** What a transport factory is called with, as @sentry/browser calls it (plus `transportOptions`). */
export interface TransportOptions {
  url: string;
  tunnel?: string;
  headers?: Record<string, string>;
  fetchOptions?: RequestInit;
  bufferSize?: number;
  recordDroppedEvent(reason: string, category: string, count?: number): void;
  [key: string]: unknown;
}
/** Sentry's fetch transport. Given as `transport`, Faultline's own transport sends; called by a wrapper of yours, it posts each envelope with fetch. */
export declare function makeFetchTransport(options: TransportOptions, nativeFetch?: typeof fetch): Transport;
/** Sentry's createTransport: serializes each envelope and hands `{ body }` to makeRequest. */
export declare function createTransport(options: TransportOptions, makeRequest: (request: { body: string }) => PromiseLike<TransportMakeRequestResponse>): Transport;
/** The transport `make` gives, with failed envelopes retried and kept offline (IndexedDB) by Faultline. */
export declare function makeBrowserOfflineTransport(make?: (options: TransportOptions) => Transport): (options: TransportOptions) => Transport;
/** Sentry's key in event.extra for makeMultiplexedTransport's default route: [{ dsn, release? }]. */
export declare const MULTIPLEXED_TRANSPORT_EXTRA_KEY: 'MULTIPLEXED_TRANSPORT_EXTRA_KEY';
/** Sends each envelope to the DSNs `matcher` names (each through a transport `make` gives for it), else to the init's DSN. */
export declare function makeMultiplexedTransport(
  make: (options: TransportOptions) => Transport,
  matcher?: (param: { envelope: Envelope; getEvent(types?: string[]): Record<string, any> | undefined }) => Array<string | { dsn: string; release?: string }>,
): (options: TransportOptions) => Transport;
export declare function defaultStackParser(stack: string): unknown[];
export declare const SDK_VERSION: string;

/** @sentry/browser's name for the options; `transport` as Sentry types it (a factory). */
export interface BrowserOptions extends Omit<Options, 'transport'> {
  transport?: (options: TransportOptions) => Transport;
}
export type BrowserClientOptions = BrowserOptions;

export declare function init(options: Options): void;
export declare function getClient<C extends BrowserClient = BrowserClient>(): C | undefined;
/** That client is getClient()'s; new BrowserClient(o) + setCurrentClient(client) + client.init() is init(o). */
export declare function setCurrentClient(client: BrowserClient): void;
/** An event processor on the page's scope: runs on every event before beforeSend (null drops it, counted as event_processor). */
export declare function addEventProcessor(fn: EventProcessor): void;
/** An integration after init: Faultline's start now (hook switches are read at init only); an app's own is set up and its processEvent runs on every event. */
export declare function addIntegration(integration: Integration): void;
/** Resolves to Faultline's factory of that name (nothing is fetched); rejects for a name it does not know, as Sentry does. */
export declare function lazyLoadIntegration(name: string, scriptNonce?: string): Promise<(options?: any) => Integration>;
/** Faultline has no feedback dialog: accepted, nothing is shown (said with debug). */
export declare function showReportDialog(options?: Record<string, unknown>): void;
/** Ends the current session (exited if healthy) and starts one, sent at once (needs a release). */
export declare function startSession(context?: Record<string, unknown>): Session | undefined | void;
export declare function endSession(): void;
/** Sends the current session's state; with true, ends it. */
export declare function captureSession(end?: boolean): void;
/** The span API with tracing off, as in Sentry: callbacks run and their values pass through; spans are inert. */
export declare function startSpan<T>(options: StartSpanOptions, callback: (span: Span) => T): T;
export declare function startSpanManual<T>(options: StartSpanOptions, callback: (span: Span, finish: () => void) => T): T;
export declare function startInactiveSpan(options: StartSpanOptions): Span;
export declare function getActiveSpan(): Span | undefined;
export declare function withActiveSpan<T>(span: Span | null, callback: (scope: Scope) => T): T;
export declare function getRootSpan(span: Span): Span;
export declare function getSpanDescendants(span: Span): Span[];
export declare function updateSpanName(span: Span, name: string): void;
export declare function setHttpStatus(span: Span, httpStatus: number): void;
export declare function setMeasurement(name: string, value: number, unit?: string, activeSpan?: Span): void;
export declare function suppressTracing<T>(callback: () => T): T;
export declare function spanToJSON(span: Span): SpanJSON;
export declare function spanToTraceHeader(span: Span): string;
export declare function spanToBaggageHeader(span: Span): string | undefined;
/** The headers Faultline adds to requests (sentry-trace, baggage, traceparent), for the app to pass on. */
export declare function getTraceData(options?: Record<string, unknown>): { 'sentry-trace'?: string; baggage?: string; traceparent?: string };
/** callback runs in a new trace; the page's is back afterwards. */
export declare function startNewTrace<T>(callback: () => T): T;
/** callback runs in the trace an incoming sentry-trace header names. */
export declare function continueTrace<T>(options: { sentryTrace?: string | string[]; baggage?: string | string[] }, callback: () => T): T;
type LogFn = (message: string, attributes?: Record<string, unknown>) => void;
/** Sentry's logs API: with enableLogs, each log is a breadcrumb (category `log`); otherwise nothing. */
export declare const logger: { trace: LogFn; debug: LogFn; info: LogFn; warn: LogFn; error: LogFn; fatal: LogFn; fmt: (strings: TemplateStringsArray, ...values: unknown[]) => string };
export declare function isInitialized(): boolean;
export declare function isEnabled(): boolean;
export declare function getCurrentScope(): Scope;
export declare function getIsolationScope(): Scope;
export declare function getGlobalScope(): Scope;
/** A whole event of Sentry's shape (its message or exception, level, tags, extra, user, contexts, fingerprint). Transactions become a `sentry.transaction` breadcrumb. */
export declare function captureEvent(event: Partial<Event>, captureContext?: CaptureContext): string;
/** Tagged template: the message keeps its template and values (event.logentry.message / params). */
export declare function parameterize(strings: TemplateStringsArray, ...values: unknown[]): string;
export declare function withIsolationScope<T>(callback: (scope: Scope) => T): T | undefined;
/** Returns the event id (also before init() and when the event is filtered out, as in Sentry). */
export declare function captureException(exception: unknown, captureContextOrHint?: CaptureContext | ExclusiveEventHintOrCaptureContext | { mechanism?: Partial<Mechanism>; captureContext?: CaptureContext }): string;
export declare function captureMessage(message: string, captureContext?: SeverityLevel | CaptureContext): string;
export declare function addBreadcrumb(breadcrumb?: Breadcrumb, hint?: BreadcrumbHint): void;
export declare function setUser(user: User | null): void;
export declare function setTag(key: string, value: string | number | boolean | null): void;
export declare function setTags(tags: Record<string, string | number | boolean | null>): void;
export declare function setContext(name: string, context: Record<string, unknown> | null): void;
export declare function setExtra(key: string, extra: unknown): void;
export declare function setExtras(extras: Record<string, unknown>): void;
export declare function withScope<T>(callback: (scope: Scope) => T): T | undefined;
export declare function withScope<T>(scope: Scope | undefined, callback: (scope: Scope) => T): T | undefined;
/** Sends everything pending (aggregation summaries included). Resolves false if that did not finish in time. */
export declare function flush(timeout?: number): Promise<boolean>;
/** flush(), then stop: hooks detach, the core is released. */
export declare function close(timeout?: number): Promise<boolean>;
export declare function lastEventId(): string | undefined;

/** Faultline extension: counters for dashboards and tests. */
export interface Stats {
  core: 'loading' | 'wasm' | 'js-fallback' | 'failed' | 'disabled';
  captured: number;
  queued: number;
  aggregated: number;
  /** Repeats counted without sending their texts to the core again (a fingerprint it gave before). */
  fast_repeats: number;
  internal_errors: number;
  dropped: Record<string, number>;
  /** Fields of events returned by beforeSend or event processors that were fixed (normalized, converted, left out, over a budget) before sending. */
  before_send_fixes?: number;
  /** Events dropped by the inbound filters, by filter. */
  filtered?: { script_error?: number; browser_extension?: number };
  /** Operations waiting for the core. */
  early: number;
  heap_bytes?: number;
  groups?: number;
  transport?: Record<string, unknown>;
}
export declare function getStats(): Stats | Record<string, never>;
/** Faultline extension: resolves with the core in use once it is ready (or after `timeout` ms). */
export declare function ready(timeout?: number): Promise<Stats['core']>;
