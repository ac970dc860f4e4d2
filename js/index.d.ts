// Type declarations for the Faultline browser SDK (js/index.js). The API mirrors @sentry/browser.

export type SeverityLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

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
  level?: SeverityLevel;
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
  message?: string;
  logentry?: { formatted?: string; message?: string; params?: unknown[] };
  exception?: {
    values: Array<{
      type?: string;
      value?: string;
      stacktrace?: { frames: Array<{ function?: string; filename?: string; abs_path?: string; lineno?: number; colno?: number; in_app?: boolean }> };
      mechanism?: { type: string; handled?: boolean; synthetic?: boolean; source?: string; exception_id?: number; parent_id?: number; is_exception_group?: boolean; data?: Record<string, unknown> };
    }>;
  };
  breadcrumbs?: { values: Breadcrumb[] };
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
  user?: User;
  /** contexts.trace: {trace_id, span_id}; contexts.faultline: {count, first_seen, last_seen, summary, grouping}. */
  contexts?: Record<string, Record<string, unknown>>;
  request?: { url?: string; headers?: Record<string, string> };
  fingerprint?: string[];
  transaction?: string;
  sdk?: { name: string; version: string };
  [key: string]: unknown;
}

export interface EventHint {
  event_id?: string;
  /** The value that was thrown or passed to captureException. */
  originalException?: unknown;
}

/** Scope setters, as passed to withScope() callbacks and function captureContexts. Each returns the scope. */
export interface Scope {
  setUser(user: User | null): this;
  setTag(key: string, value: string | number | boolean | null): this;
  setTags(tags: Record<string, string | number | boolean | null>): this;
  setExtra(key: string, extra: unknown): this;
  setExtras(extras: Record<string, unknown>): this;
  setContext(name: string, context: Record<string, unknown> | null): this;
  setLevel(level: SeverityLevel): this;
  setFingerprint(fingerprint: string[]): this;
  setTransactionName(name: string): this;
  addBreadcrumb(breadcrumb: Breadcrumb): this;
}

export interface CaptureContextObject {
  tags?: Record<string, string | number | boolean>;
  extra?: Record<string, unknown>;
  user?: User;
  contexts?: Record<string, Record<string, unknown>>;
  level?: SeverityLevel;
  fingerprint?: string[];
}
export type CaptureContext = CaptureContextObject | ((scope: Scope) => unknown);

export type Pattern = string | RegExp;

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
  beforeSend?: (event: Event, hint: EventHint) => Event | null | PromiseLike<Event | null>;
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
  /** Requests that get traceparent / sentry-trace / baggage headers. Default: same origin only. */
  tracePropagationTargets?: Pattern[];
  /** Send envelopes to this URL (same origin proxy) instead of the DSN's host. */
  tunnel?: string;
  transport?: {
    /** Events per envelope/request when multiEvent is on. */
    maxEvents?: number;
    /** How long events may wait to be batched, in ms. */
    maxAgeMs?: number;
    /** Envelopes kept when the endpoint cannot be reached. */
    queueCap?: number;
    /** Pack several events into one envelope (Faultline's collector accepts this; Sentry wants one). */
    multiEvent?: boolean;
    compress?: boolean;
  };
  /** Log internal failures and decisions to the console. */
  debug?: boolean;
  /** false: the SDK does nothing. */
  enabled?: boolean;
  /** Turn hooks off one by one (all on by default). */
  integrations?: {
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
  /** URL of faultline.wasm, when it is not next to faultline-core.mjs. */
  wasmUrl?: string;
  /** Emscripten's locateFile(path, scriptDirectory), for full control over where the module's files come from. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** Give up on the WASM core after this long and use the JS fallback. Default 30000 ms. */
  wasmTimeout?: number;
  /** Core options passed through: see bindings/README.md. */
  inAppInclude?: string[];
  inAppExclude?: string[];
  firstPartyOrigins?: string[];
  scrub?: { keys?: string[]; patterns?: string[]; safeKeys?: string[] };
  aggregation?: { windowMs?: number; perGroupBudget?: number; maxGroups?: number };
  maxValueLength?: number;
  normalizeDepth?: number;
}

export function init(options: Options): void;
/** Returns the event id (also when the event is filtered out, as in Sentry). */
export function captureException(exception: unknown, captureContext?: CaptureContext): string | undefined;
export function captureMessage(message: string, captureContext?: SeverityLevel | CaptureContext): string | undefined;
export function addBreadcrumb(breadcrumb: Breadcrumb): void;
export function setUser(user: User | null): void;
export function setTag(key: string, value: string | number | boolean | null): void;
export function setTags(tags: Record<string, string | number | boolean | null>): void;
export function setContext(name: string, context: Record<string, unknown> | null): void;
export function setExtra(key: string, extra: unknown): void;
export function setExtras(extras: Record<string, unknown>): void;
export function withScope<T>(callback: (scope: Scope) => T): T | undefined;
/** Sends everything pending (aggregation summaries included). Resolves false if that did not finish in time. */
export function flush(timeout?: number): Promise<boolean>;
/** flush(), then stop: hooks detach, the core is released. */
export function close(timeout?: number): Promise<boolean>;
export function lastEventId(): string | undefined;

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
  /** Events dropped by the inbound filters, by filter. */
  filtered?: { script_error?: number; browser_extension?: number };
  /** Operations waiting for the core. */
  early: number;
  heap_bytes?: number;
  groups?: number;
  transport?: Record<string, unknown>;
}
export function getStats(): Stats | Record<string, never>;
/** Faultline extension: resolves with the core in use once it is ready (or after `timeout` ms). */
export function ready(timeout?: number): Promise<Stats['core']>;
