// Faultline browser SDK. The public API mirrors @sentry/browser, so switching is an import
// change. Stack parsing, grouping, aggregation, scrubbing and event/envelope building happen in
// the WASM core. This file, util.js and the hooks are all a page loads before it can capture:
// client.js, the transport and the core are imported lazily, and until they are ready every
// operation is queued (bounded) and replayed in order. If WASM cannot load, the JS fallback core
// takes over. Nothing here throws into the page: every entry point and hook is guarded, internal
// failures are counted (getStats().internal_errors) and logged with `debug: true`.
import { VERSION } from './version.js';
import { dsnParts, envelopeUrl } from './dsn-rule.js';
import { globalObject, platform, toJson, fromJson, STASH_PREFIX, storage, listen, later, log, randomHex, get, jsonSafe, printable, asString, truncate, matches, isError, tagOf, mergeBag, shared } from './util.js';
import { install as errorHooks, onError, onRejection } from './hooks/errors.js';
import { install as httpHooks } from './hooks/http.js';
import { install as consoleHook } from './hooks/console.js';
import { install as domHooks } from './hooks/dom.js';
import { install as historyHooks } from './hooks/history.js';
import { install as wrapHooks } from './hooks/wrap.js';

const MAX_EARLY = 100;  // captures waiting for the core; more are dropped as queue_overflow
const STASH_MAX = 2e6;  // characters in one record (localStorage holds about 5 MB per origin)
const box = (v) => Object.assign(Object.create(null), v);  // no inherited setters or `then`

// A capture input as JSON can keep it (to be stashed): a thrown Error becomes its name, message
// and stack (client.js rebuilds an Error from them), any other value its normalized copy.
function raw(input) {
  if (!platform.hasOwn_.call(input, 'raw')) return input;
  const value = input.raw;
  return { ...input, raw: isError(value) ? { __err: [printable(get(value, 'name')), printable(get(value, 'message')), printable(get(value, 'stack') ?? ''), tagOf(value) == '[object DOMException]'] } : jsonSafe(value) };
}

/** Occurrences in what earlier pages stashed and this page took (captures [b, operations], envelopes). */
const earlierCount = (restored) => restored.captures_.reduce((n, x) => n + x[1].filter((o) => o[0] == 'capture').length, 0) + restored.envelopes_.reduce((n, e) => n + (e.occurrences || 0), 0);

// What the hooks and the API talk to: options, filters, the early queue, trace state.
class Hub {
  constructor(options) {
    this.options_ = options;
    this.queue_ = [];  // [core method, argument] made before the core was ready
    this.queuedCaptures_ = this.queuedCrumbs_ = 0;  // captures / breadcrumbs in queue_
    this.dropped_ = {};  // "reason:category" -> n, not yet sent in a client report
    this.stats_ = { captured: 0, internal_errors: 0, dropped: {} };  // getStats() (client.js adds its counters)
    this.undo_ = [];
    this.originals_ = new Map();  // event_id -> original exception, for beforeSend's hint
    this.eventProcessors_ = new Map();  // event_id -> the event processors of its scopes (client.js runs them before beforeSend)
    this.integrationProcessors_ = [];  // the processors of the app's own integrations (processEvent), run first, as Sentry's client runs them
    this.seenErrors_ = new WeakSet();
    this.mode_ = 'loading';
    this.stashKey_ = STASH_PREFIX + randomHex(8);  // this page's stash record
    this.restored_ = { captures_: [], envelopes_: [] };  // what earlier pages stashed: [b, early operations] per page, envelopes
    this.on_ = () => 1;  // hook switches (init sets them)
    this.newTrace();
    // The DSN by the core's rules (js/dsn.js, the expression form): what it rejects disables the SDK.
    const dsn = dsnParts(options.dsn);
    if ((this.dsnValid_ = !!dsn)) {
      this.publicKey_ = dsn.publicKey;
      this.ingestUrl_ = envelopeUrl(dsn);
    }
    try { this.tunnel_ = options.tunnel && new URL(options.tunnel, globalObject.location.href).href; } catch {}
  }

  /** The event processors for an event without a capture's own (summaries): the integrations', the page's scope's. */
  defaultProcessors_() { return [...this.integrationProcessors_, ...root.processors_]; }

  fail(error) {
    this.stats_.internal_errors++;
    log(this.options_.debug, 'internal error', error);
  }

  /** fn() as the SDK's own work beside the page's: a throw is counted (fail), never the page's. */
  safe(fn) {
    try { fn(); } catch (e) { this.fail(e); }
  }

  drop(reason, count = 1, category = 'error') {
    const key = reason + ':' + category, droppedStats = this.stats_.dropped;
    this.dropped_[key] = (this.dropped_[key] || 0) + count;
    if (category == 'error') droppedStats[reason] = (droppedStats[reason] || 0) + count;  // getStats().dropped: occurrences
  }

  on(target, type, listener, capture) {
    if (!target) return;
    const handler = (event) => this.stopped_ || this.safe(() => listener(event));
    if (listen(target, type, handler, capture)) this.undo_.push(() => listen(target, type, handler, capture, 1));
  }

  /**
   * The page is going (pagehide, or hidden, which may be the last thing it sees): writes,
   * synchronously, a record of everything that cannot leave now — operations still waiting for
   * the core (captures with their scope and breadcrumbs), envelopes over the keepalive budget or
   * made offline, drops not yet reported — for the next page of this origin to send. If the page
   * comes back, unsave() takes the record back and it carries on as before.
   */
  save(gone) {
    const store = storage(), lazyClient = this.client_, earlier = this.restored_;
    try {
      // Earlier pages' records this page took and has not sent yet (its core or transport still
      // loading: a redirect chain, where this page leaves at once too) go into this record: their
      // envelopes with its own, their captures in p, each page's with its b (restore() in client.js).
      const envelopes = [...(lazyClient ? lazyClient.parked() : []), ...earlier.envelopes_], earlierCaptures = earlier.captures_;
      const captures = lazyClient && lazyClient.core_ ? [] : this.queue_.map(([m, a]) => [m, m == 'capture' ? raw(a) : a]);
      const dropped = this.dropped_;
      if (!captures.length && !envelopes.length && !earlierCaptures.length && !platform.keys_(dropped).length && !(lazyClient && lazyClient.waiting())) return store && store.removeItem(this.stashKey_);
      const waiting = lazyClient ? lazyClient.waiting() : 0;  // events still in beforeSend: dropped unless this page carries on
      const reportedDrops = waiting ? { ...dropped, 'before_send:error': (dropped['before_send:error'] || 0) + waiting } : dropped;
      // b: this page has a beforeSend, which its captures c never went through (parked envelopes e
      // did): the next page replays them through its own beforeSend, or counts them (restore()).
      const replayThroughBeforeSend = typeof this.options_.beforeSend == 'function' ? 1 : 0;
      let overflow = 0, record = toJson({ k: this.ingestUrl_, b: replayThroughBeforeSend, c: captures, e: envelopes, p: earlierCaptures, d: reportedDrops });
      while (record.length > STASH_MAX && (captures.length || envelopes.length)) {  // over the budget: the newest go, counted
        if (captures.length) { if (captures.pop()[0] == 'capture') overflow++; } else overflow += envelopes.pop().occurrences || 0;
        record = toJson({ k: this.ingestUrl_, b: replayThroughBeforeSend, c: captures, e: envelopes, p: earlierCaptures, d: { ...reportedDrops, 'queue_overflow:error': (reportedDrops['queue_overflow:error'] || 0) + overflow } });
      }
      store.setItem(this.stashKey_, record);
      this.saved_ = 1;
      // Unloaded for good (not kept in the back/forward cache): the record carries them now, and
      // the little time this page may still run must not deliver them a second time.
      // (Anything after this — a later visibilitychange, an error in an unload handler — goes to
      // a record of its own.)
      if (gone) {
        this.queue_ = [];
        this.queuedCaptures_ = this.queuedCrumbs_ = 0;
        this.dropped_ = {};
        this.restored_ = { captures_: [], envelopes_: [] };
        if (lazyClient) { lazyClient.unpark(1); lazyClient.abandon(); }
        this.stashKey_ = STASH_PREFIX + randomHex(8);
        this.saved_ = 0;
      }
    } catch (error) {
      // Nowhere to keep them (storage full or refused). Only hidden: they stay in memory, still on
      // their way (the page may carry on, and a pagehide tries again); counting them now as well
      // would count them twice when they are delivered. Unloaded for good: they are counted, the
      // count reported now if a beacon can still leave, and they are let go, so that the little
      // time this page may still run does not deliver them as well (each is either delivered or
      // counted, never both).
      if (gone) {
        const waiting = lazyClient ? lazyClient.waiting() : 0;
        this.drop('internal_sdk_error', this.queuedCaptures_ + (lazyClient ? lazyClient.parked().reduce((s, x) => s + (x.occurrences || 0), 0) : 0) + earlierCount(earlier));
        if (waiting) this.drop('before_send', waiting);
        this.queue_ = [];
        this.queuedCaptures_ = this.queuedCrumbs_ = 0;
        this.restored_ = { captures_: [], envelopes_: [] };
        if (lazyClient) { lazyClient.unpark(1); lazyClient.abandon(); }
        this.beacon();
      }
      this.fail(error);
    }
  }

  /** The page is back: its record is taken back (what it holds is still in memory). */
  unsave() {
    if (!this.saved_) return;
    this.saved_ = 0;
    try { storage().removeItem(this.stashKey_); } catch {}
    if (this.client_) this.client_.unpark();
  }

  /**
   * Nothing can deliver what waits here any more (no core could load): it is counted and reported,
   * a moment later. A load that failed because the page is going (Firefox cancels a navigating
   * page's pending loads before its pagehide) leaves what waits to the stash pagehide writes: 300
   * ms later, or 10 s after a beforeunload (the next page may take seconds to answer).
   */
  lost() {
    return new platform.Promise_((done) => later(() => { this.countLost_(); done(); }, Date.now() - this.leaving_ < 5000 ? 1e4 : 300));  // ready() resolves after
  }

  countLost_() {
    const lost = this.queuedCaptures_ + earlierCount(this.restored_);
    this.queue_ = [];
    this.queuedCaptures_ = this.queuedCrumbs_ = 0;
    this.restored_ = { captures_: [], envelopes_: [] };
    if (lost) this.drop('internal_sdk_error', lost);
    this.beacon();
  }

  /**
   * The drops not yet reported, as a Sentry client report sent with a beacon: for when there is no
   * core or transport to send it (the lazy chunk failed to load, or the page is going).
   */
  beacon() {
    const dropped = this.dropped_, keys = platform.keys_(dropped);
    if (!keys.length) return;
    try {
      const timestamp = Date.now() / 1000;
      const body = `{}\n{"type":"client_report"}\n` + toJson({ timestamp, discarded_events: keys.map((x) => ({ reason: x.split(':')[0], category: x.split(':')[1], quantity: dropped[x] })) });
      const url = this.tunnel_ || `${this.ingestUrl_}?sentry_key=${this.publicKey_}&sentry_version=7`;
      if (platform.sendBeacon_.call(globalObject.navigator, url, body)) this.dropped_ = {};
    } catch {}
  }

  // Replaces obj[name] with make(original). Wrappers pass through after close(); with `undo`,
  // close() puts the original back unless someone has since wrapped ours (then ours stays).
  wrap(obj, name, make, undo) {
    try {
      const original = obj && obj[name];
      if (typeof original != 'function') return;
      const wrapper = make(original);
      try { Object.defineProperty(wrapper, 'name', { __proto__: null, value: original.name }); } catch {}
      obj[name] = wrapper;
      if (undo) this.undo_.push(() => { if (obj[name] === wrapper) obj[name] = original; });
    } catch (e) {
      this.fail(e);
    }
  }

  /** Is this request the SDK's own delivery? */
  isOwnRequest_(url) {
    try {
      const href = new URL(url, globalObject.location.href).href;
      return href.startsWith(this.ingestUrl_) || (this.tunnel_ && href.startsWith(this.tunnel_));
    } catch {}
  }

  newTrace() {
    this.traceId_ = randomHex(16);
    this.spanId_ = randomHex(8);
  }

  /**
   * Trace headers for a request to `url`, or nothing when it is not a propagation target. Sentry's
   * rule, whatever the form of fetch's input (a string, a Request, a URL: all end up as `url`): the
   * targets are tested against the absolute URL and, for a same-origin request, its path.
   */
  traceHeaders(url) {
    const targets = this.options_.tracePropagationTargets, loc = globalObject.location;
    const resolved = new URL(url, loc.href), same = resolved.origin == loc.origin;
    if (targets ? !matches(targets, [resolved.href, same && resolved.pathname]) : !same) return;
    return this.traceData_();
  }

  traceData_() {
    const options = this.options_, span = randomHex(8);
    // W3C traceparent only with `propagateTraceparent: true`, as in Sentry (its default is false: a
    // header a server's CORS rules do not allow makes the browser block the request).
    return {
      ...(options.propagateTraceparent && { traceparent: `00-${this.traceId_}-${span}-00` }),
      'sentry-trace': `${this.traceId_}-${span}`,
      baggage: [['trace_id', this.traceId_], ['public_key', this.publicKey_], ['release', options.release], ['environment', options.environment]]
        .filter((x) => x[1]).map(([k, v]) => `sentry-${k}=${encodeURIComponent(v)}`).join(','),
    };
  }

  /** Adds the headers the app did not set (`set` appends); a trace the app set is kept whole. */
  addHeaders(headers, get, set) {
    if (get('traceparent') != null || get('sentry-trace') != null) return;
    const baggage = get('baggage');
    if (baggage != null && /(^|,)\s*sentry-/.test(baggage)) delete headers.baggage;
    for (const k of platform.keys_(headers)) set(k, headers[k]);
    return 1;
  }

  crumb(breadcrumb, hint) {
    if (this.stopped_ || this.options_.maxBreadcrumbs === 0) return;
    try {
      breadcrumb = { timestamp: Date.now() / 1000, ...breadcrumb };
      const beforeBreadcrumb = this.options_.beforeBreadcrumb;
      if (beforeBreadcrumb) {
        try { breadcrumb = beforeBreadcrumb(breadcrumb, hint); } catch (error) { breadcrumb = 0; this.fail(error); }  // a throwing filter drops the crumb
        // A promise is not a breadcrumb (Sentry's beforeBreadcrumb is synchronous): it is dropped,
        // and its rejection handled, so that it never surfaces as an unhandled rejection.
        if (breadcrumb instanceof platform.Promise_) {
          try { platform.promiseThen_.call(breadcrumb, null, (error) => this.fail(error)); } catch {}
          breadcrumb = 0;
        }
      }
      if (breadcrumb && typeof breadcrumb == 'object') this.call('addBreadcrumb', breadcrumb);  // normalized when the core takes it
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * input: {raw, mechanism} (a thrown value; client.js builds the exceptions), {exceptions} or
   * {message}, plus scope/extra; original: the thrown value, for beforeSend's hint.
   */
  capture(input, original, timestamp) {
    const options = this.options_, eventId = randomHex(16);
    if (this.stopped_) return eventId;
    input = box(input);  // setters on Object.prototype (event_id, type, ...) never run
    const ownScope = input.ownScope_;  // the capture's own scope (captureContext), for its event processors
    delete input.ownScope_;
    if (isError(original)) {
      if (this.seenErrors_.has(original)) return eventId;  // captured, then rethrown to onerror: one event
      this.seenErrors_.add(original);
    }
    // Sampling and rate limits are decided now; ignoreErrors/allowUrls/denyUrls when the event is built.
    const transport = this.client_ && this.client_.transport_;
    const reason = Math.random() >= (options.sampleRate ?? 1) ? 'sample_rate' : transport && transport.isRateLimited && transport.isRateLimited('error') ? 'ratelimit_backoff' : 0;
    if (reason) {
      this.drop(reason);
      return eventId;
    }
    input.event_id = eventId;
    input.timestamp = timestamp || Date.now() / 1000;
    // Page and trace context now if the capture waits for the core; otherwise client.js adds it
    // just before building a full event (a counted repeat never needs it). A capture that names
    // its request (httpClientIntegration) has its context already.
    if (!(this.client_ && this.client_.core_) && !input.request) this.context(input);
    if (original !== undefined) {
      this.originals_.set(eventId, original);
      if (this.originals_.size > MAX_EARLY) this.originals_.delete(this.originals_.keys().next().value);
    }
    // The event processors of this capture's scopes (global/isolation, current, its own), after
    // the integrations', as Sentry's client orders them; run on the event before beforeSend.
    const processors = [...new Set([...this.integrationProcessors_, ...root.processors_, ...current.processors_, ...(ownScope ? ownScope.processors_ : [])])];
    if (processors.length) {
      this.eventProcessors_.set(eventId, processors);
      if (this.eventProcessors_.size > 1000) this.eventProcessors_.delete(this.eventProcessors_.keys().next().value);
    }
    if (this.call('capture', input) !== false) this.lastEventId_ = eventId;
    return eventId;
  }

  /** The page's URL, user agent and referrer, and the active trace, as of now. */
  context(input) {
    const loc = globalObject.location, nav = globalObject.navigator;
    // The user agent and the referrer do not change during a page's life: read once.
    const requestHeaders = this.requestHeaders_ || (this.requestHeaders_ = { 'User-Agent': nav && nav.userAgent, ...(globalObject.document && globalObject.document.referrer && { Referer: globalObject.document.referrer }) });
    input.request = { url: loc && loc.href, headers: { ...requestHeaders } };
    input.contexts = { ...input.contexts, trace: { trace_id: this.traceId_, span_id: this.spanId_ } };
  }

  /** Runs a core operation now, or queues it (bounded) until the core is ready. */
  call(method, argument) {
    if (this.stopped_) return false;
    const queue = this.queue_, lazyClient = this.client_;
    if (method == 'capture') {
      if (!(lazyClient && lazyClient.core_) && (this.queuedCaptures_ >= MAX_EARLY || this.mode_ == 'failed')) {
        this.drop(this.queuedCaptures_ >= MAX_EARLY ? 'queue_overflow' : 'internal_sdk_error');
        if (this.mode_ == 'failed' && !this.beaconTimer_) this.beaconTimer_ = later(() => { this.beaconTimer_ = 0; this.beacon(); }, 1000);
        return false;
      }
      this.stats_.captured++;
    }
    if (lazyClient && lazyClient.core_) return lazyClient.run(method, argument);
    if (method == 'capture') this.queuedCaptures_++;
    else if (method == 'addBreadcrumb') {
      // The core keeps only the newest maxBreadcrumbs; so does the queue.
      if (++this.queuedCrumbs_ > (this.options_.maxBreadcrumbs ?? 100)) {
        queue.splice(queue.findIndex((e) => e[0] == method), 1);
        this.queuedCrumbs_--;
      }
    } else if (queue.length > 2000) {
      return this.fail('early queue full');
    }
    queue.push([method, argument]);
  }
}

let currentHub = null;  // the hub of the current init()

// Public entry points are methods named __faultline_api__ (a property key: bundlers and minifiers
// keep it), so that the stack of a captureMessage (attachStacktrace) loses the SDK's own frames:
// everything up to the outermost such frame (client.js build()).
const guard = (entryPoint) => ({ __faultline_api__() {
  try { return entryPoint.apply(this, arguments); } catch (error) { if (currentHub) currentHub.fail(error); }
} }).__faultline_api__;

// A per-capture scope patch, or the core's current scope (`put`), from a Scope's setters.
const put = (patch) => currentHub && currentHub.call('setScope', patch);
const merge = (target, patch) => {
  for (const key of platform.keys_(patch)) {
    const value = patch[key];
    if (key == 'tags' || key == 'extra' || key == 'contexts') {
      if (!value) target[key] = value;
      else if (mergeBag(target, key, value) && key == 'contexts' && typeof value == 'object') for (const name of platform.keys_(value)) if (value[name] == null) delete target[key][name];
    } else target[key] = value;
  }
};

/**
 * @sentry/browser's Scope: tags, extra, contexts, user, level, fingerprint, transaction name and
 * breadcrumbs. The scopes getCurrentScope()/getIsolationScope()/getGlobalScope() and withScope()
 * return write through to the core; a `new Scope()` is data to pass as a captureContext (or to
 * capture from). Values are kept as given and normalized when an event is built, as in Sentry.
 * Setters return the scope; nothing throws.
 */
export class Scope {
  constructor() {
    this.data_ = {};  // only what was set: a patch over the core's scope
    this.breadcrumbs_ = [];
    this.processors_ = [];  // event processors
  }

  patch_(patch) {
    try {
      merge(this.data_, patch);
      if (this.live_) put(patch);
    } catch (error) { if (currentHub) currentHub.fail(error); }
    return this;
  }

  setTag(k, v) { return this.patch_({ tags: { [k]: v } }); }
  setTags(t) { return this.patch_({ tags: t }); }
  setExtra(k, v) { return this.patch_({ extra: { [k]: v } }); }
  setExtras(x) { return this.patch_({ extra: x }); }
  /** A context object; null removes it. */
  setContext(k, v) { return this.patch_({ contexts: { [k]: v === undefined ? null : v } }); }
  /**
   * null (or undefined) clears the user. As in Sentry, where the user of the isolation scope and
   * of the current scope are merged when an event is built, a withScope() scope's user is sent
   * over the page's (root) user: its keys win, the others stay.
   */
  setUser(user) {
    const fields = user && typeof user == 'object' ? user : {};
    merge(this.data_, { user: fields });
    if (this.live_) {
      // (Sentry's setUser(null) sets id, email, ip_address and username to undefined: they go, the page's other keys stay.)
      const merged = this === root ? fields : { ...root.data_.user, ...fields };
      if (merged !== fields && fields !== user) for (const k of ['id', 'email', 'ip_address', 'username']) delete merged[k];
      put({ user: merged });
    }
    return this;
  }
  /** Sentry's scope.addEventProcessor: processor(event, hint) runs on each event captured with this scope, before beforeSend; it may change the event, return null to drop it (counted as event_processor), or a promise of either. */
  addEventProcessor(processor) {
    if (typeof processor == 'function') this.processors_.push(processor);
    return this;
  }
  setLevel(l) { return this.patch_({ level: l }); }
  setFingerprint(f) { return this.patch_({ fingerprint: Array.isArray(f) ? f : [f] }); }
  setTransactionName(n) { return this.patch_({ transaction: n }); }
  getUser() { return this.data_.user || {}; }

  /** Sentry's update(captureContext): a Scope, an object of fields, or a function of this scope. */
  update(captureContext) {
    try {
      if (typeof captureContext == 'function') return this.update(captureContext(this));
      if (captureContext instanceof Scope) return this.patch_(captureContext.data_);
      if (captureContext && typeof captureContext == 'object') this.patch_(pick(captureContext));
    } catch (error) { if (currentHub) currentHub.fail(error); }
    return this;
  }

  addBreadcrumb(breadcrumb, max) {
    if (this.live_) addBreadcrumb(breadcrumb);
    else if (this.breadcrumbs_.push({ timestamp: Date.now() / 1000, ...breadcrumb }) > (max ?? 100)) this.breadcrumbs_.shift();
    return this;
  }
  clearBreadcrumbs() {
    this.breadcrumbs_ = [];
    if (this.live_) currentHub && currentHub.call('clearBreadcrumbs');
    return this;
  }
  /** Forgets everything set on this scope. */
  clear() {
    this.data_ = {};
    this.breadcrumbs_ = [];
    return this.live_ ? this.patch_({ tags: null, extra: null, contexts: null, user: null, level: null, fingerprint: null, transaction: null }) : this;
  }
  /** A copy that no longer writes through to the core. */
  clone() {
    const copy = new Scope();
    merge(copy.data_, this.data_);
    copy.breadcrumbs_ = [...this.breadcrumbs_];
    copy.processors_ = [...this.processors_];
    copy.client_ = this.client_;
    return copy;
  }
  /** What was set on this scope (tags, extra, contexts, user, level, fingerprint, transaction) and its breadcrumbs. */
  getScopeData() { return { tags: {}, extra: {}, contexts: {}, user: {}, fingerprint: [], ...shared(this.data_), breadcrumbs: [...this.breadcrumbs_] }; }
  setClient(cl) { this.client_ = cl; }
  getClient() { return this.client_ || client; }
  captureException(e) { return captureException(e, this); }
  captureMessage(m, level) { return captureMessage(m, level ? this.clone().setLevel(level) : this); }
  captureEvent(e) { return captureEvent(e, this); }
}
// (Entry points too: a message's stack starts below them.)
for (const k of ['captureException', 'captureMessage', 'captureEvent']) Scope.prototype[k] = guard(Scope.prototype[k]);
const FIELDS = ['tags', 'extra', 'contexts', 'user', 'level', 'fingerprint'];
const pick = (x) => { const p = {}; for (const k of FIELDS) if (x[k] !== undefined) p[k] = x[k]; return p; };

const live = () => { const s = new Scope(); s.live_ = 1; return s; };
let root = live(), current = root;

export const getCurrentScope = () => current;
/** The page has one isolation and one global scope, both the root scope (as in a browser, where Sentry has one of each). */
export const getIsolationScope = () => root;
export const getGlobalScope = () => root;

// captureContext: a level, a Scope, an object {tags, extra, user, contexts, level, fingerprint},
// or a function receiving a copy of the current scope, as in Sentry. Becomes the per-capture
// scope patch (over the core's scope).
function context(ctx) {
  if (typeof ctx == 'string') return { level: ctx };
  if (!ctx) return {};
  let scope = ctx;
  if (!(ctx instanceof Scope)) {
    scope = new Scope();
    currentHub.safe(() => scope.update(typeof ctx == 'function' ? ctx(current.clone()) : ctx));
  }
  const data = shared(scope.data_);
  // A capture's user replaces the current scope's and is merged over the page's, as in Sentry.
  if (data.user) data.user = { ...root.data_.user, ...data.user };
  return { scope: data, ownScope_: scope };
}

// Integrations: the factories return plain option objects that init() reads. `h` says what
// Faultline does with one: 1 its options turn hooks on/off, 2 built in (always on), 3 its
// options are init options (filters), 4 implemented in the lazy part (integrations.js) with its
// options; 0 not supported: accepted and ignored, with a debug warning.
const integration = (name, handling) => (o) => ({ name, _h: handling, _o: o || {} });
export const breadcrumbsIntegration = /* @__PURE__ */ integration('Breadcrumbs', 1);
export const globalHandlersIntegration = /* @__PURE__ */ integration('GlobalHandlers', 1);
export const browserApiErrorsIntegration = /* @__PURE__ */ integration('BrowserApiErrors', 1);
export const consoleIntegration = /* @__PURE__ */ integration('Console', 1);
export const httpContextIntegration = /* @__PURE__ */ integration('HttpContext', 2);
export const linkedErrorsIntegration = /* @__PURE__ */ integration('LinkedErrors', 2);
export const dedupeIntegration = /* @__PURE__ */ integration('Dedupe', 2);
export const functionToStringIntegration = /* @__PURE__ */ integration('FunctionToString', 2);
export const browserSessionIntegration = /* @__PURE__ */ integration('BrowserSession', 2);
// Sentry 11 names its filters EventFilters (and no longer exports inboundFiltersIntegration): kept as an alias.
export const eventFiltersIntegration = /* @__PURE__ */ integration('EventFilters', 3);
export const inboundFiltersIntegration = eventFiltersIntegration;
export const httpClientIntegration = /* @__PURE__ */ integration('HttpClient', 4);
export const captureConsoleIntegration = /* @__PURE__ */ integration('CaptureConsole', 4);
export const contextLinesIntegration = /* @__PURE__ */ integration('ContextLines', 4);
export const extraErrorDataIntegration = /* @__PURE__ */ integration('ExtraErrorData', 4);
export const reportingObserverIntegration = /* @__PURE__ */ integration('ReportingObserver', 4);
export const rewriteFramesIntegration = /* @__PURE__ */ integration('RewriteFrames', 4);
export const moduleMetadataIntegration = /* @__PURE__ */ integration('ModuleMetadata', 4);
export const thirdPartyErrorFilterIntegration = /* @__PURE__ */ integration('ThirdPartyErrorsFilter', 4);
export const browserTracingIntegration = /* @__PURE__ */ integration('BrowserTracing', 0);
export const replayIntegration = /* @__PURE__ */ integration('Replay', 0);
export const replayCanvasIntegration = /* @__PURE__ */ integration('ReplayCanvas', 0);
export const feedbackIntegration = /* @__PURE__ */ integration('Feedback', 0);
export const feedbackAsyncIntegration = feedbackIntegration;
export const browserProfilingIntegration = /* @__PURE__ */ integration('BrowserProfiling', 0);
export const consoleLoggingIntegration = /* @__PURE__ */ integration('ConsoleLogging', 0);
export const featureFlagsIntegration = /* @__PURE__ */ integration('FeatureFlags', 0);
export const zodErrorsIntegration = /* @__PURE__ */ integration('ZodErrors', 0);
export const graphqlClientIntegration = /* @__PURE__ */ integration('GraphQLClient', 0);
export const spotlightBrowserIntegration = /* @__PURE__ */ integration('SpotlightBrowser', 0);
export const webWorkerIntegration = /* @__PURE__ */ integration('WebWorker', 0);
export const cultureContextIntegration = /* @__PURE__ */ integration('CultureContext', 4);
export const webVitalsIntegration = /* @__PURE__ */ integration('WebVitals', 0);
export const interactionsIntegration = /* @__PURE__ */ integration('Interactions', 0);
export const userTimingIntegration = /* @__PURE__ */ integration('UserTiming', 0);
export const elementTimingIntegration = /* @__PURE__ */ integration('ElementTiming', 0);
export const bfcacheMetricsIntegration = /* @__PURE__ */ integration('BfcacheMetrics', 0);
export const fetchStreamPerformanceIntegration = /* @__PURE__ */ integration('FetchStreamPerformance', 0);
export const spanStreamingIntegration = /* @__PURE__ */ integration('SpanStreaming', 0);
export const viewHierarchyIntegration = /* @__PURE__ */ integration('ViewHierarchy', 0);
export const feedbackSyncIntegration = feedbackIntegration;
export const launchDarklyIntegration = /* @__PURE__ */ integration('LaunchDarkly', 0);
export const openFeatureIntegration = /* @__PURE__ */ integration('OpenFeature', 0);
export const unleashIntegration = /* @__PURE__ */ integration('Unleash', 0);
export const statsigIntegration = /* @__PURE__ */ integration('Statsig', 0);
export const growthbookIntegration = /* @__PURE__ */ integration('GrowthBook', 0);
export const supabaseIntegration = /* @__PURE__ */ integration('Supabase', 0);

/** @sentry/browser's defaults for error monitoring. */
export const getDefaultIntegrations = () => [eventFiltersIntegration, functionToStringIntegration, browserApiErrorsIntegration,
  breadcrumbsIntegration, consoleIntegration, globalHandlersIntegration, linkedErrorsIntegration, dedupeIntegration, httpContextIntegration,
  cultureContextIntegration, browserSessionIntegration].map((f) => f());

/** The hook switch for init's options: the integrations list of Sentry's forms, or Faultline's object form. */
function switches(options) {
  let list = options.integrations;
  if (!Array.isArray(list) && typeof list != 'function') {
    if (options.defaultIntegrations === false) return () => false;
    list = list || {};
    options._lazy = { CultureContext: {} };  // a default that is more than a hook switch
    return (k) => list[k] !== false;
  }
  const def = options.defaultIntegrations === false ? [] : Array.isArray(options.defaultIntegrations) ? options.defaultIntegrations : getDefaultIntegrations();
  if (typeof list == 'function') {
    try { list = list(def); } catch (error) { log(true, 'integrations() threw; using the defaults', error); list = def; }
    if (!Array.isArray(list)) list = def;
  } else {
    list = [...def.filter((d) => !list.some((i) => get(i, 'name') == d.name)), ...list];
  }
  const byName = {};
  for (const integration of list) {
    const name = get(integration, 'name');
    if (typeof name != 'string') continue;
    byName[name] = integration;
    if (integration._h === 4) (options._lazy = options._lazy || {})[name] = integration._o;
  }
  // The app's own integrations (Sentry's { name, setup, processEvent, … }), set up by init().
  options._own = list.filter((i) => i && get(i, '_h') === undefined && typeof get(i, 'name') == 'string');
  // By name: the lazy part applies the filters' options, warns about the unsupported ones
  // (integrations.js) and names those that run in sdk.integrations (client.js sdkInfo).
  options._by = byName;
  // Console breadcrumbs: @sentry/browser 11 records them in consoleIntegration, earlier versions in
  // breadcrumbsIntegration; either turns them on, and breadcrumbsIntegration({ console: false }) off.
  return (hook) => {
    // Which integration owns each hook switch.
    const integration = byName[hook == 'browserApiErrors' ? 'BrowserApiErrors' : hook == 'browserSession' ? 'BrowserSession' : hook[0] == 'o' ? 'GlobalHandlers' : 'Breadcrumbs'];
    return hook == 'console' ? (!!integration || !!byName.Console) && get(integration && integration._o, hook) !== false : !!integration && get(integration._o, hook) !== false;
  };
}

export const init = guard((given) => {
  const options = { ...given }, old = currentHub;
  if (old) {
    close(0);
    old.stopped_ = 1;
  }
  const hub = (currentHub = new Hub(options));
  if (old && !old.disabled_ && !(old.client_ && old.client_.core_)) {
    // The previous init's operations never reached a core: this one takes them over, with its drops.
    [hub.queue_, hub.queuedCaptures_, hub.queuedCrumbs_, hub.dropped_, hub.restored_] = [old.queue_, old.queuedCaptures_, old.queuedCrumbs_, old.dropped_, old.restored_];
    old.queue_ = [];
    old.queuedCaptures_ = 0;
    old.dropped_ = {};
  }
  // The page's scope lives before and across init(), as Sentry's isolation scope does: what the
  // app set before (setUser, setTag… while the SDK was not initialized) goes into this client.
  current = root;
  hub.browserClient_ = client = pending;
  pending = 0;
  if (options.enabled === false || !hub.dsnValid_) {
    hub.stopped_ = hub.disabled_ = 1;
    hub.mode_ = 'disabled';
    if (options.enabled !== false) log(true, 'no valid DSN; Faultline is disabled');
    return;
  }
  try { if (!(Error.stackTraceLimit >= 50)) Error.stackTraceLimit = 50; } catch {}
  const enabled = (hub.on_ = options._on = switches(options));
  for (const install of [errorHooks, httpHooks, consoleHook, domHooks, historyHooks, wrapHooks]) install(hub, enabled);
  if (platform.keys_(root.data_).length) put(shared(root.data_));
  if (options.initialScope) root.update(options.initialScope);  // an object of scope fields, or a function of the scope
  // Delivery when the page goes away; registered now, so it runs before the transport's own. What
  // cannot leave is stashed for the next page; if this one comes back, it takes the stash back.
  const hide = (event) => {
    if (hub.client_) hub.client_.hide();
    hub.save(event.type == 'pagehide' && !event.persisted);
  };
  const doc = globalObject.document;
  hub.on(globalObject, 'pagehide', hide);
  hub.on(globalObject, 'pageshow', () => hub.unsave());
  hub.on(doc, 'visibilitychange', (e) => (doc.visibilityState == 'hidden' ? hide(e) : hub.unsave()));
  // Errors the tiny loader (js/loader.js) buffered before the SDK arrived, oldest first.
  const loader = globalObject.__faultline_loader;
  if (loader && loader.stop) {
    loader.stop();
    for (const [event, timestamp] of loader.q) (event.type == 'error' ? onError : onRejection)(hub, event, timestamp);
    if (loader.n) hub.drop('queue_overflow', loader.n);
  }
  // While the lazy part loads: beforeunload tells lost() that the page is leaving (Firefox rejects
  // a navigating page's pending loads as the navigation starts, well before its pagehide).
  const leaving = () => { hub.leaving_ = Date.now(); };
  listen(globalObject, 'beforeunload', leaving);
  hub.ready_ = import('./client.js').then((clientModule) => {
    if (!hub.stopped_) return (hub.client_ = new clientModule.Client(hub)).ready_;
  }).catch((error) => {
    // The SDK's own code could not load: what waits is counted and reported, never left waiting.
    hub.mode_ = 'failed';
    hub.fail(error);
    return hub.lost();
  });
  const stop = () => listen(globalObject, 'beforeunload', leaving, 0, 1);
  platform.promiseThen_.call(hub.ready_, stop, stop);
});

// Messages and non-Error captures carry the stack of the call (Sentry's synthetic exception; its
// attachStacktrace is true by default in version 11); client.js cuts the SDK's own frames off.
const trace = () => currentHub && currentHub.options_.attachStacktrace !== false && { stack: new Error().stack };

export const captureException = guard((exception, ctx) => {
  if (!currentHub) return randomHex(16);  // before init: an id, as Sentry's scope gives one
  // The second argument is a captureContext or Sentry's event hint ({ mechanism, captureContext, ... }).
  // (An ErrorEvent stands for its error: client.js build().)
  const hint = ctx && typeof ctx == 'object' && !(ctx instanceof Scope) && ctx;
  return currentHub.capture({ raw: exception, mechanism: { type: 'generic', handled: true, ...(hint && hint.mechanism) }, ...context((hint && hint.captureContext) || ctx), ...(!isError(exception) && trace()) }, exception);
});

/** A message; `parameterize` templates keep their template and values (logentry.message/params). */
// (Its text and template are read by the lazy part, client.js message().)
// (The message is the hint's originalException for beforeSend, as Sentry gives it.)
export const captureMessage = guard((msg, ctx) => (currentHub ? currentHub.capture({ message: msg, ...context(ctx), ...trace() }, msg) : randomHex(16)));

/** A whole event of Sentry's shape: its message or exception, level, tags, extra, user, contexts, fingerprint. */
export const captureEvent = guard((event, ctx) => {
  if (!currentHub) return randomHex(16);
  if (!event || typeof event != 'object') return;
  if (event.type == 'transaction') {  // not sent (no tracing); remembered as Sentry's breadcrumb for the next event (client.js)
    const id = event.event_id || randomHex(16);
    currentHub.call('transaction', [id, event.transaction]);
    return id;
  }
  const captureContext = context(ctx);
  captureContext.scope = { ...captureContext.scope, ...pick(event) };
  return currentHub.capture({ event, ...captureContext }, event);
});

export const addBreadcrumb = guard((b, hint) => currentHub && currentHub.crumb(b && typeof b == 'object' ? b : {}, hint));

/** Sentry's addEventProcessor: on the page's scope, so it runs on every event (see Scope.addEventProcessor). */
export const addEventProcessor = (fn) => { root.addEventProcessor(fn); };

export const setUser = (u) => { root.setUser(u); };
export const setTag = (k, v) => { root.setTag(k, v); };
export const setTags = (t) => { root.setTags(t); };
export const setContext = (k, v) => { root.setContext(k, v); };
export const setExtra = (k, v) => { root.setExtra(k, v); };
export const setExtras = (x) => { root.setExtras(x); };

/** Runs callback with a scope of its own (pushed before, popped after; the callback's own errors pass). */
export function withScope(scopeOrCallback, callbackAfterScope) {
  const callback = typeof scopeOrCallback == 'function' ? scopeOrCallback : callbackAfterScope;
  if (typeof callback != 'function') return;
  let pushed;
  const prev = current;
  try {
    pushed = currentHub && currentHub.call('pushScope') !== false;
    current = prev.clone();
    current.live_ = 1;
    if (scopeOrCallback instanceof Scope) current.update(scopeOrCallback);
  } catch (error) { currentHub.fail(error); }
  try {
    return callback(current);
  } finally {
    current = prev;
    if (pushed) currentHub.safe(() => currentHub.call('popScope'));
  }
}
export const withIsolationScope = withScope;

/** Sentry's parameterize`text ${x}`: a String with the template and values, sent as logentry.message/params. */
export function parameterize(strings, ...values) {
  const text = new String(String.raw(strings, ...values));
  text.__sentry_template_string__ = strings.join('\x00').replace(/%/g, '%%').replace(/\0/g, '%s');
  text.__sentry_template_values__ = values;
  return text;
}

// The client of the current init(): what Sentry's getClient() gives apps (options, flush, close,
// captures). new BrowserClient(options) + client.init() (or getCurrentScope().setClient(client))
// is init(options).
export class BrowserClient {
  constructor(options) { this.options_ = options || {}; }
  init() { pending = this; init(this.options_); }
  getOptions() { return this.options_; }
  getDsn() { return this.options_.dsn; }
  /** The integration of that name that runs (Sentry's defaults too when the list was not given). */
  getIntegrationByName(name) {
    const options = currentHub && currentHub.options_;
    if (!options) return;
    const byName = { ...(options._by || Object.fromEntries(getDefaultIntegrations().map((i) => [i.name, i]))), ...options._add };
    return platform.hasOwn_.call(byName, name) ? byName[name] : undefined;
  }
  /**
   * Sentry's addIntegration after init: Faultline's integrations that are more than hook switches
   * (httpClient, captureConsole, contextLines…) start now, an app's own is set up; the hook
   * switches (breadcrumbs, globalHandlers…) are read at init only (debug warning).
   */
  addIntegration(integration) {
    const hub = currentHub, name = get(integration, 'name');
    if (!hub || hub.stopped_ || typeof name != 'string' || this.getIntegrationByName(name)) return;
    const options = hub.options_, handling = get(integration, '_h');
    (options._add = options._add || {})[name] = integration;
    if (handling === undefined) (hub.client_ ? hub.client_.own([integration]) : (options._own = [...(options._own || []), integration]));
    else if (handling === 4) {
      (options._lazy = options._lazy || {})[name] = integration._o;
      if (hub.client_) hub.client_.add({ [name]: integration._o });
    } else if (handling !== 2 && handling !== 3) log(options.debug, `addIntegration(${name}): ${handling ? 'read at init only' : 'not supported by Faultline'}`);
  }
  // (Entry points: fields, so that nothing runs when the module loads and the class stays tree-shakable.)
  captureException = guard((e, hint, scope) => captureException(e, scope));
  captureMessage = guard((m, level, hint, scope) => captureMessage(m, scope ? scope.clone().setLevel(level) : level));
  captureEvent = guard((e, hint, scope) => captureEvent(e, scope));
  flush(ms) { return flush(ms); }
  close(ms) { return close(ms); }
  on() { return () => {}; }
  emit() {}
}
let client, pending;
export const getClient = () => (currentHub && !currentHub.stopped_ ? (currentHub.browserClient_ = client || (client = new BrowserClient(currentHub.options_))) : undefined);
/** Sentry's setCurrentClient(client): that client is getClient()'s (client.init() starts it). */
export const setCurrentClient = (cl) => { client = cl; current.setClient(cl); };
/** Sentry's addIntegration: to the current client. */
export const addIntegration = (i) => { const cl = getClient(); if (cl) cl.addIntegration(i); };
export const isInitialized = () => !!getClient();
export const isEnabled = isInitialized;
// Sentry's transport API (js/transport/sentry.js): makeFetchTransport as `transport` is Faultline's
// own transport; a factory of the app's own gets every envelope in Sentry's structure.
export { makeFetchTransport, makeBrowserOfflineTransport, createTransport, makeMultiplexedTransport, MULTIPLEXED_TRANSPORT_EXTRA_KEY } from './transport/sentry.js';
/** Faultline parses stacks in its core: this exists so client-building code runs unchanged. */
export const defaultStackParser = () => [];
export const SDK_VERSION = VERSION;

// work(client) once the SDK's code has loaded, or false after ms (a chunk that never loads does not hang).
const after = (hub, work, ms) => (hub ? platform.Promise_.race([platform.Promise_.resolve(hub.ready_).then(() => (hub.client_ ? work(hub.client_) : false)), new platform.Promise_((resolve) => later(() => resolve(false), ms))]).catch(() => false) : platform.Promise_.resolve(false));

/** Sends everything pending (aggregation summaries included); false if it did not finish in time. */
export const flush = (ms = 2000) => {
  const hub = currentHub;
  return after(hub, (lazyClient) => !hub.stopped_ && lazyClient.flush(ms), ms + 50);
};

/** Flushes, then stops the SDK: hooks detach (wrappers pass through), the core is released. */
export const close = (ms = 2000) => {
  const hub = currentHub;
  const closed = after(hub, (lazyClient) => lazyClient.close(ms), ms + 50);
  if (hub) closed.then(() => { hub.stopped_ = 1; for (const undo of hub.undo_) try { undo(); } catch {} });
  return closed;
};

export const lastEventId = () => (currentHub ? currentHub.lastEventId_ : undefined);

// Release health by hand, as Sentry's: startSession() ends the current session (exited if it was
// healthy) and starts one, sent at once (as browserSessionIntegration sends its own);
// endSession() ends it; captureSession(end) sends its state (and ends it). Needs a `release`.
const sess = (op) => currentHub && !currentHub.stopped_ && (currentHub.client_ ? currentHub.client_.session(op) : (currentHub.earlySessionOps_ = currentHub.earlySessionOps_ || []).push(op));
export const startSession = () => { sess('start'); };
export const endSession = () => { sess('end'); };
export const captureSession = (end) => { sess(end ? 'end' : 'send'); };

/**
 * Sentry's user feedback dialog: Faultline has none. Accepted (so an app calling it runs), nothing
 * is shown or sent; said with `debug: true`.
 */
/** Replay and feedback are not part of Faultline: there is no such integration to return (as Sentry without them). */
export const getReplay = () => undefined;
export const getFeedback = () => undefined;
/** Sentry's loader API: the SDK is already here, so the callback runs now; forceLoad has nothing to load. */
export const onLoad = (cb) => { if (typeof cb == 'function') cb(); };
export const forceLoad = () => {};

export const showReportDialog = () => { log(currentHub && currentHub.options_.debug, 'showReportDialog: Faultline has no feedback dialog; nothing was shown'); };

/**
 * Sentry's lazyLoadIntegration(name): Faultline's factory of that name (its integrations ship with
 * the package, nothing is fetched from a CDN); an unknown name is rejected as Sentry rejects it.
 */
export const lazyLoadIntegration = (name) => {
  const factories = { replayIntegration, replayCanvasIntegration, feedbackIntegration, feedbackAsyncIntegration, captureConsoleIntegration,
    contextLinesIntegration, linkedErrorsIntegration, dedupeIntegration, extraErrorDataIntegration, httpClientIntegration,
    reportingObserverIntegration, rewriteFramesIntegration, browserProfilingIntegration, moduleMetadataIntegration,
    graphqlClientIntegration, spotlightBrowserIntegration, browserTracingIntegration, featureFlagsIntegration };
  return platform.hasOwn_.call(factories, name) ? platform.Promise_.resolve(factories[name]) : platform.Promise_.reject(new Error(`Cannot lazy load integration: ${name}`));
};

// Tracing: Faultline sends no spans or transactions. Sentry's span API runs as it does with tracing
// off: callbacks run (their return values, promises included, pass through, their errors are
// rethrown), spans are inert (not recording) and carry the page's trace id.
class Span {
  constructor(name) {
    this.name_ = name;
    this.traceId_ = currentHub ? currentHub.traceId_ : randomHex(16);
    this.spanId_ = randomHex(8);
  }
  spanContext() { return { traceId: this.traceId_, spanId: this.spanId_, traceFlags: 0 }; }
  isRecording() { return false; }
  updateName(n) { this.name_ = n; return this; }
  end() {}
  setAttribute() { return this; }
  setAttributes() { return this; }
  setStatus() { return this; }
  addEvent() { return this; }
  addLink() { return this; }
  addLinks() { return this; }
  recordException() {}
}
let active;
const spanOf = (o) => new Span(o && typeof o == 'object' ? o.name : undefined);
/** callback(scope) with `span` as getActiveSpan()'s, for the callback's synchronous part. */
export const withActiveSpan = (span, callback) => {
  const previous = active;
  active = span || undefined;
  try { return callback(current); } finally { active = previous; }
};
export const startSpan = (o, cb) => { const s = spanOf(o); return withActiveSpan(s, () => cb(s)); };
export const startSpanManual = (o, cb) => { const s = spanOf(o); return withActiveSpan(s, () => cb(s, () => s.end())); };
export const startInactiveSpan = (o) => spanOf(o);
export const getActiveSpan = () => active;
export const getRootSpan = (s) => s;
export const getSpanDescendants = (s) => [s];
export const updateSpanName = (s, n) => { if (s instanceof Span) s.updateName(n); };
export const setHttpStatus = () => {};
export const setMeasurement = () => {};
export const suppressTracing = (cb) => cb();
export const spanToJSON = (span) => {
  const context = span && typeof span.spanContext == 'function' ? span.spanContext() : {};
  return { span_id: context.spanId, trace_id: context.traceId, description: span && span.name_, data: {}, start_timestamp: 0 };
};
export const spanToTraceHeader = (s) => { const x = s.spanContext(); return `${x.traceId}-${x.spanId}-0`; };
/** The trace headers Faultline adds to requests (sentry-trace, baggage; traceparent with propagateTraceparent), for an app to pass on itself. */
export const getTraceData = () => (currentHub && currentHub.dsnValid_ ? currentHub.traceData_() : {});
export const spanToBaggageHeader = () => getTraceData().baggage;
// callback runs in another trace (startNewTrace: a new one; continueTrace: the one an incoming
// sentry-trace header names); the page's trace is back afterwards.
const inTrace = (traceId, callback) => {
  const hub = currentHub, previous = hub && [hub.traceId_, hub.spanId_];
  if (hub && traceId) { hub.traceId_ = traceId; hub.spanId_ = randomHex(8); }
  try { return callback(); } finally { if (hub) [hub.traceId_, hub.spanId_] = previous; }
};
export const startNewTrace = (cb) => inTrace(randomHex(16), cb);
export const continueTrace = (incoming, callback) => {
  const match = /^\s*([0-9a-f]{32})-[0-9a-f]{16}/i.exec(printable(incoming && incoming.sentryTrace));
  return inTrace(match && match[1].toLowerCase(), callback);
};

/**
 * Sentry's logs API (logger.info(message, attributes), …, logger.fmt`…`). Faultline sends no Sentry
 * logs: with `enableLogs: true` each log becomes a breadcrumb (category `log`, the level, the
 * attributes as data; through beforeSendLog, then beforeBreadcrumb), so the next event shows it;
 * without it, as in Sentry, nothing is recorded.
 */
const logAt = (level) => (message, attributes) => {
  const hub = currentHub;
  if (!hub || !hub.options_.enableLogs) return;
  let entry = { level, message: asString(message), attributes: attributes || {} };
  const beforeSendLog = hub.options_.beforeSendLog;
  if (typeof beforeSendLog == 'function') try { entry = beforeSendLog(entry); } catch (error) { entry = 0; hub.fail(error); }
  if (entry && typeof entry == 'object') hub.crumb({ category: 'log', level: { trace: 'debug', warn: 'warning' }[entry.level] || entry.level, message: entry.message, data: entry.attributes });
};
export const logger = /* @__PURE__ */ (() => ({ trace: logAt('trace'), debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error'), fatal: logAt('fatal'), fmt: parameterize }))();

/** Counters for dashboards and tests (not part of Sentry's API). */
export const getStats = () => (currentHub ? (currentHub.client_ ? currentHub.client_.stats() : { ...currentHub.stats_, core: currentHub.mode_, early: currentHub.queue_.length, transport: {} }) : {});

/** Resolves with the core in use ('wasm', 'js-fallback', 'failed', 'loading', 'disabled'). */
export const ready = (ms = 10000) => {
  const hub = currentHub;
  return after(hub, () => 0, ms).then(() => (hub ? hub.mode_ : 'disabled'));
};
