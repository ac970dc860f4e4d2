// Faultline browser SDK. The public API mirrors @sentry/browser, so switching is an import
// change. Stack parsing, grouping, aggregation, scrubbing and event/envelope building happen in
// the WASM core. This file, util.js and the hooks are all a page loads before it can capture:
// client.js, the transport and the core are imported lazily, and until they are ready every
// operation is queued (bounded) and replayed in order. If WASM cannot load, the JS fallback core
// takes over. Nothing here throws into the page: every entry point and hook is guarded, internal
// failures are counted (getStats().internal_errors) and logged with `debug: true`.
import { G, P, J, unJ, STASH, store, listen, later, log, hex, get, norm, str, cut, matches, isErr } from './util.js';
import { install as errorHooks, onError, onRejection } from './hooks/errors.js';
import { install as httpHooks } from './hooks/http.js';
import { install as consoleHook } from './hooks/console.js';
import { install as domHooks } from './hooks/dom.js';
import { install as historyHooks } from './hooks/history.js';

const MAX_EARLY = 100;  // captures waiting for the core; more are dropped as queue_overflow
const STASH_MAX = 2e6;  // characters in one record (localStorage holds about 5 MB per origin)
const box = (v) => Object.assign(Object.create(null), v);  // no inherited setters or `then`

// A capture input as JSON can keep it (to be stashed): a thrown Error becomes its name, message
// and stack (client.js rebuilds an Error from them), any other value its normalized copy.
function raw(a) {
  if (!('raw' in a)) return a;
  const v = a.raw;
  return { ...a, raw: isErr(v) ? { __err: [str(get(v, 'name')), str(get(v, 'message')), str(get(v, 'stack') ?? '')] } : norm(v) };
}

// What the hooks and the API talk to: options, filters, the early queue, trace state.
class Hub {
  constructor(o) {
    this.o = o;
    this.q = [];  // [core method, argument] made before the core was ready
    this.nq = this.nc = 0;  // captures / breadcrumbs in q
    this.dropped = {};  // "reason:category" -> n, not yet sent in a client report
    this.n = { captured: 0, queued: 0, aggregated: 0, fast_repeats: 0, internal_errors: 0, dropped: {} };
    this.undo = [];
    this.orig = new Map();  // event_id -> original exception, for beforeSend's hint
    this.seen = new WeakSet();
    this.mode = 'loading';
    this.fetch = P.fetch;  // as it was when the SDK loaded
    this.sk = STASH + hex(8);  // this page's stash record
    this.rec = { c: [], e: [] };  // what earlier pages stashed: early operations, envelopes
    this.newTrace();
    try {
      const u = new URL(o.dsn), path = u.pathname.split('/'), project = path.pop();
      this.key = decodeURIComponent(u.username);
      this.ingest = `${u.protocol}//${u.host}${path.join('/')}/api/${project}/envelope/`;
      this.tunnel = o.tunnel && new URL(o.tunnel, G.location.href).href;
      this.ok = this.key && /^\w+$/.test(project) && /^https?:$/.test(u.protocol);
    } catch {}
  }

  fail(e) {
    this.n.internal_errors++;
    log(this.o.debug, 'internal error', e);
  }

  drop(reason, n = 1, category = 'error') {
    const k = reason + ':' + category, d = this.n.dropped;
    this.dropped[k] = (this.dropped[k] || 0) + n;
    d[reason] = (d[reason] || 0) + n;
  }

  on(t, type, fn, capture) {
    if (!t) return;
    const h = (e) => { if (!this.off) try { fn(e); } catch (x) { this.fail(x); } };
    if (listen(t, type, h, capture)) this.undo.push(() => listen(t, type, h, capture, 1));
  }

  /**
   * The page is going (pagehide, or hidden, which may be the last thing it sees): writes,
   * synchronously, a record of everything that cannot leave now — operations still waiting for
   * the core (captures with their scope and breadcrumbs), envelopes over the keepalive budget or
   * made offline, drops not yet reported — for the next page of this origin to send. If the page
   * comes back, unsave() takes the record back and it carries on as before.
   */
  save(gone) {
    const st = store(), cl = this.cl;
    try {
      const e = cl ? cl.parked() : [];
      const c = cl && cl.core ? [] : this.q.map(([m, a]) => [m, m == 'capture' ? raw(a) : a]);
      const d = this.dropped;
      if (!c.length && !e.length && !P.keys(d).length && !(cl && cl.waiting())) return st && st.removeItem(this.sk);
      const w = cl ? cl.waiting() : 0;  // events still in beforeSend: dropped unless this page carries on
      const rd = w ? { ...d, 'before_send:error': (d['before_send:error'] || 0) + w } : d;
      let n = 0, t = J({ k: this.ingest, c, e, d: rd });
      while (t.length > STASH_MAX && (c.length || e.length)) {  // over the budget: the newest go, counted
        if (c.length) { if (c.pop()[0] == 'capture') n++; } else n += e.pop().occurrences || 0;
        t = J({ k: this.ingest, c, e, d: { ...rd, 'queue_overflow:error': (rd['queue_overflow:error'] || 0) + n } });
      }
      st.setItem(this.sk, t);
      this.saved = 1;
      // Unloaded for good (not kept in the back/forward cache): the record carries them now, and
      // the little time this page may still run must not deliver them a second time.
      // (Anything after this — a later visibilitychange, an error in an unload handler — goes to
      // a record of its own.)
      if (gone) {
        this.q = [];
        this.nq = this.nc = 0;
        this.dropped = {};
        if (cl) cl.unpark(1);
        this.sk = STASH + hex(8);
        this.saved = 0;
      }
    } catch (x) {
      // Nowhere to keep them: counted, and reported now if a beacon can still leave.
      this.drop('internal_sdk_error', this.nq + (cl ? cl.parked().reduce((s, x) => s + (x.occurrences || 0), 0) : 0));
      this.beacon();
      this.fail(x);
    }
  }

  /** The page is back: its record is taken back (what it holds is still in memory). */
  unsave() {
    if (!this.saved) return;
    this.saved = 0;
    try { store().removeItem(this.sk); } catch {}
    if (this.cl) this.cl.unpark();
  }

  /** Nothing can deliver what waits here any more (no core could load): it is counted and reported. */
  lost() {
    let n = this.nq;
    for (const e of this.rec.e) n += e.occurrences || 0;
    for (const c of this.rec.c) n += c.filter((o) => o[0] == 'capture').length;
    this.q = [];
    this.nq = this.nc = 0;
    this.rec = { c: [], e: [] };
    if (n) this.drop('internal_sdk_error', n);
    this.beacon();
  }

  /**
   * The drops not yet reported, as a Sentry client report sent with a beacon: for when there is no
   * core or transport to send it (the lazy chunk failed to load, or the page is going).
   */
  beacon() {
    const d = this.dropped, k = P.keys(d);
    if (!k.length) return;
    try {
      const ts = Date.now() / 1000;
      const body = `{}\n{"type":"client_report"}\n` + J({ timestamp: ts, discarded_events: k.map((x) => ({ reason: x.split(':')[0], category: x.split(':')[1], quantity: d[x] })) });
      const url = this.tunnel || `${this.ingest}?sentry_key=${this.key}&sentry_version=7`;
      if (P.beacon.call(G.navigator, url, body)) this.dropped = {};
    } catch {}
  }

  // Wrappers stay installed after close() (someone may have wrapped ours); they pass through then.
  wrap(obj, name, make) {
    try {
      const f = obj[name];
      if (typeof f != 'function') return;
      const w = make(f);
      try { Object.defineProperty(w, 'name', { value: f.name }); } catch {}
      obj[name] = w;
    } catch (e) {
      this.fail(e);
    }
  }

  /** Is this request the SDK's own delivery? */
  ours(url) {
    try {
      const h = new URL(url, G.location.href).href;
      return h.startsWith(this.ingest) || (this.tunnel && h.startsWith(this.tunnel));
    } catch {}
  }

  newTrace() {
    this.tid = hex(16);
    this.sid = hex(8);
  }

  /** Trace headers for a request to `url`, or nothing when it is not a propagation target. */
  traceHeaders(url) {
    const o = this.o, t = o.tracePropagationTargets, loc = G.location;
    const u = new URL(url, loc.href);
    if (t ? !matches(t, [url, u.href]) : u.origin != loc.origin) return;
    const span = hex(8);
    return {
      traceparent: `00-${this.tid}-${span}-00`,
      'sentry-trace': `${this.tid}-${span}`,
      baggage: [['trace_id', this.tid], ['public_key', this.key], ['release', o.release], ['environment', o.environment]]
        .filter((x) => x[1]).map(([k, v]) => `sentry-${k}=${encodeURIComponent(v)}`).join(','),
    };
  }

  /** Adds the headers the app did not set (`set` appends); a trace the app set is kept whole. */
  addHeaders(h, get, set) {
    if (get('traceparent') != null || get('sentry-trace') != null) return;
    const b = get('baggage');
    if (b != null && /(^|,)\s*sentry-/.test(b)) delete h.baggage;
    for (const k in h) set(k, h[k]);
    return 1;
  }

  crumb(b, hint) {
    if (this.off || this.o.maxBreadcrumbs === 0) return;
    try {
      b = { timestamp: Date.now() / 1000, ...b };
      const f = this.o.beforeBreadcrumb;
      if (f) {
        try { b = f(b, hint); } catch (e) { b = 0; this.fail(e); }  // a throwing filter drops the crumb
        // A promise is not a breadcrumb (Sentry's beforeBreadcrumb is synchronous): it is dropped,
        // and its rejection handled, so that it never surfaces as an unhandled rejection.
        if (b instanceof P.Pr) {
          try { P.pthen.call(b, null, (e) => this.fail(e)); } catch {}
          b = 0;
        }
      }
      if (b && typeof b == 'object') this.call('addBreadcrumb', norm(b, 5));
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * input: {raw, mechanism} (a thrown value; client.js builds the exceptions), {exceptions} or
   * {message}, plus scope/extra; original: the thrown value, for beforeSend's hint.
   */
  capture(input, original, ts) {
    const o = this.o, id = hex(16);
    if (this.off) return id;
    input = box(input);  // setters on Object.prototype (event_id, type, ...) never run
    if (isErr(original)) {
      if (this.seen.has(original)) return id;  // captured, then rethrown to onerror: one event
      this.seen.add(original);
    }
    // Sampling and rate limits are decided now; ignoreErrors/allowUrls/denyUrls when the event is built.
    const tp = this.cl && this.cl.tp;
    const reason = Math.random() >= (o.sampleRate ?? 1) ? 'sample_rate' : tp && tp.isRateLimited && tp.isRateLimited('error') ? 'ratelimit_backoff' : 0;
    if (reason) {
      this.drop(reason);
      return id;
    }
    input.event_id = id;
    input.timestamp = ts || Date.now() / 1000;
    // Page and trace context now if the capture waits for the core; otherwise client.js adds it
    // just before building a full event (a counted repeat never needs it).
    if (!(this.cl && this.cl.core)) this.context(input);
    if (original !== undefined) {
      this.orig.set(id, original);
      if (this.orig.size > MAX_EARLY) this.orig.delete(this.orig.keys().next().value);
    }
    if (this.call('capture', input) !== false) this.last = id;
    return id;
  }

  /** The page's URL, user agent and referrer, and the active trace, as of now. */
  context(input) {
    const loc = G.location, nav = G.navigator;
    // The user agent and the referrer do not change during a page's life: read once.
    const hd = this.hd || (this.hd = { 'User-Agent': nav && nav.userAgent, ...(G.document && G.document.referrer && { Referer: G.document.referrer }) });
    input.request = { url: loc && loc.href, headers: { ...hd } };
    input.contexts = { ...input.contexts, trace: { trace_id: this.tid, span_id: this.sid } };
  }

  /** Runs a core operation now, or queues it (bounded) until the core is ready. */
  call(m, a) {
    if (this.off) return false;
    const q = this.q, cl = this.cl;
    if (m == 'capture') {
      if (!(cl && cl.core) && (this.nq >= MAX_EARLY || this.mode == 'failed')) {
        this.drop(this.nq >= MAX_EARLY ? 'queue_overflow' : 'internal_sdk_error');
        if (this.mode == 'failed' && !this.bt) this.bt = later(() => { this.bt = 0; this.beacon(); }, 1000);
        return false;
      }
      this.n.captured++;
    }
    if (cl && cl.core) return cl.run(m, a);
    if (m == 'capture') this.nq++;
    else if (m == 'addBreadcrumb') {
      // The core keeps only the newest maxBreadcrumbs; so does the queue.
      if (++this.nc > (this.o.maxBreadcrumbs ?? 100)) {
        q.splice(q.findIndex((e) => e[0] == m), 1);
        this.nc--;
      }
    } else if (q.length > 2000) {
      return this.fail('early queue full');
    }
    q.push([m, a]);
  }
}

let c = null;  // the hub of the current init()

const guard = (f) => function () {
  try { return f.apply(this, arguments); } catch (e) { if (c) c.fail(e); }
};

// The scope setters, writing a patch through `put` (the core's current scope, or a per-call patch);
// chainable (`self`) on the scope objects handed to callbacks, returning nothing at the top level.
function scope(put, self) {
  const s = {
    setUser: (u) => put({ user: u == null ? null : norm(u) }),
    setTag: (k, v) => put({ tags: { [str(k)]: norm(v, 0) } }),
    setTags: (t) => put({ tags: norm(t, 1) }),
    setExtra: (k, v) => put({ extra: { [str(k)]: norm(v) } }),
    setExtras: (x) => put({ extra: norm(x, 4) }),
    setContext: (k, v) => put({ contexts: { [str(k)]: v == null ? null : norm(v) } }),
    setLevel: (l) => put({ level: l }),
    setFingerprint: (f) => put({ fingerprint: norm(f, 1) }),
    setTransactionName: (n) => put({ transaction: str(n) }),
    addBreadcrumb: (b) => addBreadcrumb(b),
  };
  for (const k in s) {
    const f = s[k];
    s[k] = guard(function () {
      f.apply(null, arguments);
      if (self) return s;
    });
  }
  return s;
}

const put = (p) => c && c.call('setScope', p);
const S = scope(put, 1);

// captureContext: a level, an object {tags, extra, user, contexts, level, fingerprint}, or a
// function receiving a scope, as in Sentry. Becomes the per-capture scope patch.
function context(ctx) {
  if (typeof ctx == 'string') return { level: ctx };
  const p = {};
  if (typeof ctx == 'function') {
    try {
      ctx(scope((x) => { for (const k in x) p[k] = p[k] && typeof x[k] == 'object' && !Array.isArray(x[k]) ? { ...p[k], ...x[k] } : x[k]; }, 1));
    } catch (e) {
      c.fail(e);
    }
  } else if (ctx && typeof ctx == 'object') {
    for (const k of ['tags', 'extra', 'user', 'contexts', 'level', 'fingerprint']) {
      const v = get(ctx, k);
      if (v !== undefined) p[k] = norm(v, k == 'tags' || k == 'fingerprint' ? 1 : 4);
    }
  }
  return { scope: p };
}

export const init = guard((options) => {
  const o = { ...options }, old = c;
  if (old) {
    close(0);
    old.off = 1;
  }
  const h = (c = new Hub(o));
  if (old && !old.disabled && !(old.cl && old.cl.core)) {
    // The previous init's operations never reached a core: this one takes them over, with its drops.
    [h.q, h.nq, h.nc, h.dropped, h.rec] = [old.q, old.nq, old.nc, old.dropped, old.rec];
    old.q = [];
    old.nq = 0;
    old.dropped = {};
  }
  if (o.enabled === false || !h.ok) {
    h.off = h.disabled = 1;
    h.mode = 'disabled';
    if (o.enabled !== false) log(true, 'no valid DSN; Faultline is disabled');
    return;
  }
  try { if (!(Error.stackTraceLimit >= 50)) Error.stackTraceLimit = 50; } catch {}
  const ints = o.integrations || {};
  const on = (k) => ints[k] !== false;
  for (const f of [errorHooks, httpHooks, consoleHook, domHooks, historyHooks]) f(h, on);
  // Delivery when the page goes away; registered now, so it runs before the transport's own. What
  // cannot leave is stashed for the next page; if this one comes back, it takes the stash back.
  const hide = (e) => {
    if (h.cl) h.cl.hide();
    h.save(e.type == 'pagehide' && !e.persisted);
  };
  const d = G.document;
  h.on(G, 'pagehide', hide);
  h.on(G, 'pageshow', () => h.unsave());
  h.on(d, 'visibilitychange', (e) => (d.visibilityState == 'hidden' ? hide(e) : h.unsave()));
  // Errors the tiny loader (js/loader.js) buffered before the SDK arrived, oldest first.
  const L = G.__faultline_loader;
  if (L && L.stop) {
    L.stop();
    for (const [e, ts] of L.q) (e.type == 'error' ? onError : onRejection)(h, e, ts);
    if (L.n) h.drop('queue_overflow', L.n);
  }
  h.ready = import('./client.js').then((m) => {
    if (!h.off) return (h.cl = new m.Client(h)).ready;
  }).catch((e) => {
    // The SDK's own code could not load: what waits is counted and reported, never left waiting.
    h.mode = 'failed';
    h.fail(e);
    h.lost();
  });
});

export const captureException = guard((e, ctx) => {
  if (!c) return;
  let v = e;
  try { if (typeof ErrorEvent == 'function' && e instanceof ErrorEvent && e.error != null) v = e.error; } catch {}
  return c.capture({ raw: v, mechanism: { type: 'generic', handled: true }, ...context(ctx) }, v);
});

export const captureMessage = guard((msg, ctx) => c && c.capture({ message: cut(str(msg), 16384), ...context(ctx) }));

export const addBreadcrumb = guard((b) => { if (c && b && typeof b == 'object') c.crumb(b); });

export const { setUser, setTag, setTags, setContext, setExtra, setExtras } = scope(put);

/** Runs cb with a scope of its own (pushed before, popped after; the callback's own errors pass). */
export function withScope(cb) {
  if (typeof cb != 'function') return;
  let pushed;
  try { pushed = c && c.call('pushScope') !== false; } catch (e) { c.fail(e); }
  try {
    return cb(S);
  } finally {
    try { if (pushed) c.call('popScope'); } catch (e) { c.fail(e); }
  }
}

// f(client) once the SDK's code has loaded, or false after ms (a chunk that never loads does not hang).
const after = (h, f, ms) => (h ? P.Pr.race([P.Pr.resolve(h.ready).then(() => (h.cl ? f(h.cl) : false)), new P.Pr((r) => later(r, ms, false))]).catch(() => false) : P.Pr.resolve(false));

/** Sends everything pending (aggregation summaries included); false if it did not finish in time. */
export const flush = (ms = 2000) => {
  const h = c;
  return after(h, (cl) => !h.off && cl.flush(ms), ms + 50);
};

/** Flushes, then stops the SDK: hooks detach (wrappers pass through), the core is released. */
export const close = (ms = 2000) => {
  const h = c;
  const p = after(h, (cl) => cl.close(ms), ms + 50);
  if (h) p.then(() => { h.off = 1; for (const u of h.undo) try { u(); } catch {} });
  return p;
};

export const lastEventId = () => (c ? c.last : undefined);

/** Counters for dashboards and tests (not part of Sentry's API). */
export const getStats = () => (c ? (c.cl ? c.cl.stats() : { ...c.n, core: c.mode, early: c.q.length, transport: {} }) : {});

/** Resolves with the core in use ('wasm', 'js-fallback', 'failed', 'loading', 'disabled'). */
export const ready = (ms = 10000) => {
  const h = c;
  return P.Pr.race([h && h.ready, new P.Pr((r) => later(r, ms))]).then(() => (h ? h.mode : 'disabled'));
};
