// Faultline browser SDK. The public API mirrors @sentry/browser; the work (stack parsing,
// grouping, aggregation, scrubbing, event and envelope building) happens in the WASM core,
// which loads lazily. Nothing here throws into the host page: every entry point is guarded and
// internal failures are counted (see getStats(); logged with debug: true).
import { createTransport } from './transport.js';

const SDK = { name: 'faultline.javascript.browser', version: '0.1.0' };
const G = typeof window !== 'undefined' ? window : globalThis;
const MAX_EARLY_OPS = 1000; // operations buffered before the core is ready
const MAX_STACK = 256 * 1024;

let opts = null;
let core = null; // Embind Core once loaded
let coreFailed = false;
let early = []; // [method, argument] replayed in order when the core is ready
let transport = null;
let drainTimer = null;
let windowTimer = null;
let lastId;
let origFetch = null;
const dropped = {}; // JS-side drops by reason (also reported as client reports)
const counts = { captured: 0, aggregated: 0, queued: 0, sent_envelopes: 0, internal_errors: 0 };
const traceId = hex(32);
const rootSpan = hex(16);
let fallback = null; // JS fallback module when WASM cannot load
const failedRequests = new WeakMap(); // error -> "METHOD url" for errors that rejected a fetch

function hex(n) {
  let s = '';
  const c = G.crypto;
  if (c && c.getRandomValues) {
    const b = new Uint8Array(n / 2);
    c.getRandomValues(b);
    for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
    return s;
  }
  while (s.length < n) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

function log(...a) {
  if (opts && opts.debug) console.warn('[faultline]', ...a);
}

function drop(reason, n = 1) {
  dropped[reason] = (dropped[reason] || 0) + n;
}

// Runs fn, never letting an exception escape into the page.
function guard(fn) {
  return function guarded(...args) {
    try {
      return fn.apply(this, args);
    } catch (err) {
      counts.internal_errors += 1;
      log('internal error', err);
      return undefined;
    }
  };
}

function safeString(v, max = 8192) {
  try {
    if (typeof v === 'string') return v.length > max ? v.slice(0, max) : v;
    if (typeof v === 'symbol' || typeof v === 'bigint') return String(v);
    const s = String(v);
    return s.length > max ? s.slice(0, max) : s;
  } catch {
    return '[unprintable]';
  }
}

function safeGet(obj, key) {
  try {
    return obj[key];
  } catch {
    return undefined;
  }
}

function describe(value) {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object' && t !== 'function') return `${t} ${safeString(value, 200)}`;
  let keys = [];
  try {
    keys = Object.keys(value).slice(0, 10);
  } catch {
    /* proxy that throws */
  }
  return keys.length ? `keys: ${keys.join(', ')}` : 'no keys';
}

function isErrorLike(v) {
  if (!v || typeof v !== 'object') return false;
  try {
    return v instanceof Error || (typeof safeGet(v, 'stack') === 'string' && typeof safeGet(v, 'message') === 'string');
  } catch {
    return false;
  }
}

// The thrown value, its causes and AggregateError members, as the core's exception inputs.
function exceptionsOf(value, mechanism) {
  const out = [];
  const seen = new Set();
  const visit = (v, parent, source) => {
    if (out.length >= 8) return;
    if (v && typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
    }
    const index = out.length;
    if (isErrorLike(v)) {
      out.push({
        type: safeString(safeGet(v, 'name') || 'Error', 200),
        value: safeString(safeGet(v, 'message') || '', 8192),
        stack: safeString(safeGet(v, 'stack') || '', MAX_STACK),
        stacktrace: typeof safeGet(v, 'stacktrace') === 'string' ? safeString(v.stacktrace, MAX_STACK) : undefined,
        framesToPop: safeGet(v, 'framesToPop'),
        request: failedRequests.get(v),
      });
    } else {
      const event = typeof ErrorEvent !== 'undefined' && v instanceof ErrorEvent ? v : null;
      out.push({
        type: event ? 'Error' : (mechanism && mechanism.type === 'onunhandledrejection' ? 'UnhandledRejection' : 'Error'),
        value: typeof v === 'string' ? safeString(v)
          : `Non-Error ${mechanism && mechanism.type === 'onunhandledrejection' ? 'promise rejection' : 'exception'} captured with ${describe(v)}`,
        synthetic: true,
      });
    }
    if (index === 0) out[0].mechanism = mechanism;
    else {
      out[index].parent = parent;
      out[index].mechanism = { type: 'chained', source };
    }
    if (!isErrorLike(v)) return;
    const cause = safeGet(v, 'cause');
    if (cause !== undefined && cause !== null) visit(cause, index, 'cause');
    const members = safeGet(v, 'errors');
    if (Array.isArray(members)) members.slice(0, 5).forEach((m, i) => visit(m, index, `errors[${i}]`));
  };
  visit(value, 0, '');
  return out;
}

function matches(list, text) {
  if (!list || !text) return false;
  for (const p of list) {
    try {
      if (typeof p === 'string' ? text.includes(p) : p.test(text)) return true;
    } catch {
      /* bad pattern */
    }
  }
  return false;
}

function topFileOf(stack) {
  const m = /(https?:\/\/[^\s)]+?|file:\/\/[^\s)]+?)(?::\d+){1,2}\)?\s*$/m.exec(stack || '');
  return m ? m[1] : '';
}

function traceContext() {
  return { trace: { trace_id: traceId, span_id: rootSpan } };
}

function request() {
  const r = { url: G.location ? G.location.href : undefined, headers: {} };
  if (G.navigator && G.navigator.userAgent) r.headers['User-Agent'] = G.navigator.userAgent;
  return r;
}

// ---- core plumbing -----------------------------------------------------------------------

function call(method, arg) {
  if (core) return core[method](arg);
  if (fallback) return fallback[method](arg);
  if (early.length >= MAX_EARLY_OPS) {
    if (method === 'capture') drop('queue_overflow');
    return undefined;
  }
  early.push([method, arg]);
  return undefined;
}

function scheduleDrain(delay) {
  if (drainTimer) return;
  drainTimer = setTimeout(guard(() => {
    drainTimer = null;
    drain(false);
  }), delay);
}

function drain(force) {
  const engine = core || fallback;
  if (!engine || !transport) return;
  const per = opts.transport.multiEvent ? opts.transport.maxEvents : 1;
  const out = JSON.parse(engine.drain(Date.now(), force, per));
  let envelopes = out.envelopes;
  if (opts.beforeSend) envelopes = applyBeforeSend(envelopes);
  counts.sent_envelopes += envelopes.length;
  if (envelopes.length) transport.send(envelopes.map((e) => ({ body: e.body, occurrences: e.occurrences, category: 'error' })));
  reportDrops();
  return envelopes;
}

function applyBeforeSend(envelopes) {
  const kept = [];
  for (const env of envelopes) {
    const lines = env.body.split('\n');
    const header = lines[0];
    const items = [];
    let occurrences = 0;
    for (let i = 1; i + 1 < lines.length; i += 2) {
      const ih = JSON.parse(lines[i]);
      let event = JSON.parse(lines[i + 1]);
      const n = (event.contexts && event.contexts.faultline && event.contexts.faultline.count) || 1;
      try {
        event = opts.beforeSend(event, {});
      } catch (err) {
        log('beforeSend threw; event kept', err);
      }
      if (!event) {
        drop('before_send', n);
        continue;
      }
      occurrences += n;
      const payload = JSON.stringify(event);
      ih.length = new TextEncoder().encode(payload).length;
      items.push(JSON.stringify(ih), payload);
    }
    if (items.length) kept.push({ body: [header, ...items].join('\n') + '\n', occurrences });
  }
  return kept;
}

let lastReport = 0;
function reportDrops(force) {
  const engine = core || fallback;
  if (!engine || !transport || (!force && Date.now() - lastReport < 10000)) return;
  if (transport.isRateLimited('internal')) return; // keep the counts until the report can go out
  const list = Object.entries(dropped).map(([reason, quantity]) => ({ reason, category: 'error', quantity }));
  const body = engine.clientReport(JSON.stringify(list), Date.now());
  for (const k of Object.keys(dropped)) delete dropped[k];
  lastReport = Date.now();
  if (body) transport.send([{ body, occurrences: 0, category: 'internal' }]);
}

function onCaptured(resultJson) {
  if (!resultJson) return undefined;
  const r = JSON.parse(resultJson);
  if (r.status === 'queued') {
    counts.queued += 1;
    lastId = r.event_id;
    scheduleDrain(opts.transport.maxAgeMs);
  } else if (r.status === 'aggregated') {
    counts.aggregated += 1;
    if (!windowTimer) {
      windowTimer = setTimeout(guard(() => {
        windowTimer = null;
        drain(false);
      }), opts.aggregation.windowMs + 50);
    }
  } else {
    log('capture dropped', r.reason, r.error);
  }
  return r.event_id;
}

function replay() {
  const ops = early;
  early = [];
  for (const [method, arg] of ops) {
    const r = (core || fallback)[method](arg);
    if (method === 'capture') onCaptured(r);
  }
}

async function loadCore() {
  const wasmUrl = opts.wasmUrl || new URL('../dist/faultline.wasm', import.meta.url).href;
  const mod = await import('../dist/faultline-core.mjs');
  // We fetch the .wasm ourselves (with the unwrapped fetch, so the SDK's own download is not an
  // app breadcrumb) and fall back to non-streaming instantiation when the server's MIME type is off.
  const instance = await new Promise((resolve, reject) => {
    mod.default({
      instantiateWasm(imports, done) {
        (async () => {
          const res = await (origFetch || G.fetch)(wasmUrl, { credentials: 'same-origin', __faultline: true });
          if (!res.ok) throw new Error(`faultline.wasm: HTTP ${res.status}`);
          let out;
          try {
            out = await WebAssembly.instantiateStreaming(res.clone(), imports);
          } catch {
            out = await WebAssembly.instantiate(await res.arrayBuffer(), imports);
          }
          done(out.instance, out.module);
        })().catch(reject);
        return {};
      },
    }).then(resolve, reject);
  });
  return new instance.Core(JSON.stringify(coreOptions()));
}

function coreOptions() {
  return {
    dsn: opts.dsn, release: opts.release, environment: opts.environment, maxBreadcrumbs: opts.maxBreadcrumbs,
    sendDefaultPii: !!opts.sendDefaultPii, inAppInclude: opts.inAppInclude, inAppExclude: opts.inAppExclude,
    firstPartyOrigins: opts.firstPartyOrigins || (G.location && G.location.origin && G.location.origin !== 'null' ? [G.location.origin] : []),
    scrub: opts.scrub || {}, aggregation: opts.aggregation, maxValueLength: opts.maxValueLength, maxQueue: opts.transport.queueCap, sdk: SDK,
  };
}

// ---- public API --------------------------------------------------------------------------

export const init = guard((options = {}) => {
  if (opts) close(0);
  opts = {
    enabled: true, sampleRate: 1, maxBreadcrumbs: 100, maxValueLength: 8192, debug: false,
    integrations: {}, ...options,
    transport: { maxEvents: 50, maxAgeMs: 250, queueCap: 100, multiEvent: false, ...(options.transport || {}) },
    aggregation: { windowMs: 60000, perGroupBudget: 1, maxGroups: 1000, ...(options.aggregation || {}) },
  };
  if (!opts.enabled) return;
  const endpoint = opts.tunnel || envelopeUrl(opts.dsn);
  if (!endpoint) {
    log('no valid DSN; Faultline is disabled');
    opts.enabled = false;
    return;
  }
  try {
    Error.stackTraceLimit = Math.max(Error.stackTraceLimit || 0, 50);
  } catch {
    /* frozen */
  }
  origFetch = origFetch || (typeof G.fetch === 'function' ? G.fetch.bind(G) : null);
  transport = createTransport({ url: endpoint, fetchImpl: origFetch, queueCap: opts.transport.queueCap, debug: opts.debug,
    compress: opts.transport.compress, maxAttempts: opts.transport.maxAttempts, baseDelayMs: opts.transport.baseDelayMs,
    onDrop: (reason, n) => {
      if (n !== 0) drop(reason, n === undefined ? 1 : n); // client-report envelopes carry no events
    } });
  installHooks(opts.integrations);
  transport.replayOffline();
  loadCore().then(
    (c) => {
      core = c;
      replay();
    },
    async (err) => {
      coreFailed = true;
      log('WASM core unavailable, using the JS fallback:', err && err.message);
      try {
        const m = await import('./fallback.js');
        fallback = m.createFallbackCore(coreOptions());
        replay();
      } catch (e) {
        drop('internal_sdk_error', early.filter(([m]) => m === 'capture').length);
        early = [];
      }
    },
  );
});

function envelopeUrl(dsn) {
  const m = /^(https?):\/\/([\w.~-]+)(?::[^@]*)?@([^/?#]+)((?:\/[\w.~-]+)*)\/([\w.~-]+)\/?$/.exec(String(dsn || '').trim());
  if (!m) return null;
  return `${m[1]}://${m[3]}${m[4]}/api/${m[5]}/envelope/?sentry_key=${m[2]}&sentry_version=7&sentry_client=${SDK.name}%2F${SDK.version}`;
}

function captureInput(value, mechanism, ctx) {
  const input = { exceptions: exceptionsOf(value, mechanism), timestamp: Date.now() / 1000, request: request(), contexts: traceContext() };
  if (ctx) applyContext(input, ctx);
  return input;
}

function applyContext(input, ctx) {
  if (typeof ctx === 'string') {
    input.level = ctx;
    return;
  }
  if (!ctx || typeof ctx !== 'object') return;
  for (const k of ['level', 'fingerprint', 'tags', 'extra', 'user']) if (ctx[k] !== undefined) input[k] = ctx[k];
  if (ctx.contexts) Object.assign(input.contexts, ctx.contexts);
}

function shouldSend(input) {
  if (!opts || !opts.enabled) return false;
  counts.captured += 1;
  const top = input.exceptions && input.exceptions[0];
  const text = top ? `${top.type}: ${top.value}` : input.message;
  if (opts.ignoreErrors && matches(opts.ignoreErrors, text)) {
    drop('ignored');
    return false;
  }
  const file = top && (top.filename || topFileOf(top.stack));
  if (file && opts.denyUrls && matches(opts.denyUrls, file)) {
    drop('deny_url');
    return false;
  }
  if (file && opts.allowUrls && opts.allowUrls.length && !matches(opts.allowUrls, file)) {
    drop('deny_url');
    return false;
  }
  if (opts.sampleRate < 1 && Math.random() >= opts.sampleRate) {
    drop('sample_rate');
    return false;
  }
  return true;
}

function capture(input) {
  if (!shouldSend(input)) return undefined;
  const id = onCaptured(call('capture', JSON.stringify(input)));
  return id || lastId;
}

export const captureException = guard((error, captureContext) => capture(captureInput(error, { type: 'generic', handled: true }, captureContext)));

export const captureMessage = guard((message, levelOrContext) => {
  const input = { message: safeString(message), level: 'info', timestamp: Date.now() / 1000, request: request(), contexts: traceContext() };
  applyContext(input, levelOrContext);
  return capture(input);
});

export const addBreadcrumb = guard((crumb) => {
  if (!opts || !opts.enabled || !crumb) return;
  let c = { timestamp: Date.now() / 1000, ...crumb };
  if (opts.beforeBreadcrumb) {
    try {
      c = opts.beforeBreadcrumb(c);
    } catch (err) {
      log('beforeBreadcrumb threw', err);
    }
    if (!c) return;
  }
  call('addBreadcrumb', JSON.stringify(c, (k, v) => (typeof v === 'bigint' ? String(v) : v)));
});

const patch = (p) => {
  if (opts && opts.enabled) call('setScope', JSON.stringify(p));
};
export const setUser = guard((user) => patch({ user: user || null }));
export const setTag = guard((key, value) => patch({ tags: { [key]: value } }));
export const setTags = guard((tags) => patch({ tags }));
export const setExtra = guard((key, value) => patch({ extra: { [key]: value } }));
export const setExtras = guard((extras) => patch({ extra: extras }));
export const setContext = guard((name, context) => patch({ contexts: { [name]: context } }));

function scopeObject() {
  return {
    setUser, setTag, setTags, setExtra, setExtras, setContext,
    setLevel: guard((level) => patch({ level })),
    setFingerprint: guard((fingerprint) => patch({ fingerprint })),
    setTransactionName: guard((transaction) => patch({ transaction })),
  };
}

export const withScope = (callback) => {
  let pushed = false;
  try {
    if (opts && opts.enabled) {
      call('pushScope');
      pushed = true;
    }
  } catch {
    /* counted by guard elsewhere */
  }
  try {
    return callback(scopeObject()); // the callback's own errors are the app's: let them through
  } finally {
    if (pushed) {
      try {
        call('popScope');
      } catch {
        counts.internal_errors += 1;
      }
    }
  }
};

export const flush = async (timeout = 2000) => {
  try {
    if (!opts || !opts.enabled) return true;
    const start = Date.now();
    while (!core && !fallback && Date.now() - start < timeout) await new Promise((r) => setTimeout(r, 20));
    drain(true);
    reportDrops(true);
    return await transport.flush(Math.max(0, timeout - (Date.now() - start)));
  } catch (err) {
    counts.internal_errors += 1;
    log('flush failed', err);
    return false;
  }
};

export const close = async (timeout = 2000) => {
  const ok = await flush(timeout);
  try {
    uninstallHooks();
    if (core) core.delete();
  } catch {
    /* already gone */
  }
  core = null;
  fallback = null;
  opts = null;
  early = [];
  return ok;
};

export const lastEventId = () => lastId;

/** Counters for dashboards and the demo page (not part of Sentry's API). */
export const getStats = () => {
  let coreStats = {};
  try {
    coreStats = core ? JSON.parse(core.stats()) : {};
  } catch {
    /* ignore */
  }
  return { ...counts, dropped: { ...dropped, ...(coreStats.dropped || {}) }, core: core ? 'wasm' : fallback ? 'js-fallback' : coreFailed ? 'failed' : 'loading',
    heap_bytes: coreStats.heap_bytes, groups: coreStats.groups, transport: transport ? transport.stats() : {} };
};

/** Resolves once the WASM core (or the JS fallback) is ready. */
export const ready = async (timeout = 10000) => {
  const start = Date.now();
  while (!core && !fallback && Date.now() - start < timeout) await new Promise((r) => setTimeout(r, 10));
  return core ? 'wasm' : fallback ? 'js-fallback' : 'loading';
};

// ---- hooks -------------------------------------------------------------------------------

const undo = [];

function wrap(obj, name, make) {
  const original = obj && obj[name];
  if (typeof original !== 'function') return;
  const wrapped = make(original);
  try {
    obj[name] = wrapped;
    undo.push(() => {
      if (obj[name] === wrapped) obj[name] = original;
    });
  } catch {
    /* read-only */
  }
}

function listen(target, type, fn, capture) {
  if (!target || !target.addEventListener) return;
  target.addEventListener(type, fn, capture);
  undo.push(() => target.removeEventListener(type, fn, capture));
}

function uninstallHooks() {
  while (undo.length) {
    try {
      undo.pop()();
    } catch {
      /* ignore */
    }
  }
}

function selectorOf(el) {
  try {
    const parts = [];
    for (let n = el, depth = 0; n && n.nodeType === 1 && depth < 4; n = n.parentElement, depth++) {
      let s = n.tagName.toLowerCase();
      if (n.id) s += `#${n.id}`;
      const cls = typeof n.className === 'string' ? n.className.trim().split(/\s+/).filter(Boolean).slice(0, 2) : [];
      for (const c of cls) s += `.${c}`;
      for (const a of ['name', 'type', 'aria-label', 'data-testid']) {
        const v = n.getAttribute && n.getAttribute(a);
        if (v && a !== 'type') s += `[${a}="${v.slice(0, 30)}"]`;
      }
      parts.unshift(s);
      if (n.id) break;
    }
    return parts.join(' > ');
  } catch {
    return '<unknown>';
  }
}

function propagates(url) {
  try {
    const u = new URL(url, G.location && G.location.href);
    const targets = opts.tracePropagationTargets;
    if (!targets) return !!G.location && u.origin === G.location.origin;
    return matches(targets, u.href);
  } catch {
    return false;
  }
}

function traceHeaders() {
  const span = hex(16);
  const baggage = [`sentry-trace_id=${traceId}`, opts.release && `sentry-release=${encodeURIComponent(opts.release)}`,
    opts.environment && `sentry-environment=${encodeURIComponent(opts.environment)}`,
    /\/\/([\w.~-]+)[:@]/.test(opts.dsn || '') && `sentry-public_key=${RegExp.$1}`].filter(Boolean).join(',');
  return { 'sentry-trace': `${traceId}-${span}`, traceparent: `00-${traceId}-${span}-00`, baggage };
}

function installHooks(enabled) {
  const on = (k) => enabled[k] !== false;
  if (on('onerror')) {
    listen(G, 'error', guard((e) => {
      if (!e || e.target && e.target !== G && !(e instanceof ErrorEvent)) return; // resource load errors
      const input = e.error !== undefined && e.error !== null
        ? captureInput(e.error, { type: 'onerror', handled: false })
        : { exceptions: [{ type: 'Error', value: safeString(e.message || 'Script error.'), filename: e.filename || '', lineno: e.lineno || 0,
            colno: e.colno || 0, synthetic: true, mechanism: { type: 'onerror', handled: false } }], timestamp: Date.now() / 1000, request: request(), contexts: traceContext() };
      capture(input);
    }));
  }
  if (on('onunhandledrejection')) {
    listen(G, 'unhandledrejection', guard((e) => capture(captureInput(e && 'reason' in e ? e.reason : e, { type: 'onunhandledrejection', handled: false }))));
  }
  if (on('fetch') && typeof G.fetch === 'function') {
    wrap(G, 'fetch', (original) => function fetch(input, init) {
      if (init && init.__faultline) return original.apply(this, arguments);
      let method = 'GET';
      let url = '';
      let args = arguments;
      try {
        method = String((init && init.method) || (input && input.method) || 'GET').toUpperCase();
        url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input && input.url) || '';
        if (propagates(url) && !(input instanceof Request)) {
          const headers = new Headers((init && init.headers) || undefined);
          for (const [k, v] of Object.entries(traceHeaders())) if (!headers.has(k)) headers.set(k, v);
          args = [input, { ...(init || {}), headers }];
        }
      } catch {
        args = arguments;
      }
      const start = Date.now();
      const p = original.apply(this, args);
      try {
        p.then(
          guard((res) => addBreadcrumb({ type: 'http', category: 'fetch', level: res.status >= 400 ? 'error' : 'info',
            data: { method, url: safeString(url, 2048), status_code: res.status, duration_ms: Date.now() - start } })),
          guard((err) => {
            if (err && typeof err === 'object') failedRequests.set(err, `${method} ${new URL(url, G.location && G.location.href).href}`);
            addBreadcrumb({ type: 'http', category: 'fetch', level: 'error',
              data: { method, url: safeString(url, 2048), error: safeString(err && err.message), duration_ms: Date.now() - start } });
          }),
        );
      } catch {
        /* not a promise */
      }
      return p;
    });
  }
  if (on('xhr') && G.XMLHttpRequest) {
    const proto = G.XMLHttpRequest.prototype;
    wrap(proto, 'open', (original) => function open(method, url) {
      try {
        this.__fl = { method: String(method).toUpperCase(), url: safeString(url, 2048), headers: {} };
      } catch {
        /* ignore */
      }
      return original.apply(this, arguments);
    });
    wrap(proto, 'setRequestHeader', (original) => function setRequestHeader(name) {
      try {
        if (this.__fl) this.__fl.headers[String(name).toLowerCase()] = true;
      } catch {
        /* ignore */
      }
      return original.apply(this, arguments);
    });
    wrap(proto, 'send', (original) => function send() {
      const info = this.__fl;
      if (info) {
        try {
          if (propagates(info.url)) {
            for (const [k, v] of Object.entries(traceHeaders())) if (!info.headers[k]) this.setRequestHeader(k, v);
          }
          const start = Date.now();
          this.addEventListener('loadend', guard(() => addBreadcrumb({ type: 'http', category: 'xhr', level: this.status === 0 || this.status >= 400 ? 'error' : 'info',
            data: { method: info.method, url: info.url, status_code: this.status, duration_ms: Date.now() - start } })));
        } catch {
          /* ignore */
        }
      }
      return original.apply(this, arguments);
    });
  }
  if (on('console') && G.console) {
    for (const level of ['debug', 'info', 'warn', 'error', 'log', 'assert']) {
      wrap(G.console, level, (original) => function consoleMethod(...args) {
        try {
          if (level !== 'assert' || !args[0]) {
            const parts = level === 'assert' ? args.slice(1) : args;
            addBreadcrumb({ category: 'console', level: level === 'warn' ? 'warning' : level === 'log' || level === 'assert' ? (level === 'assert' ? 'error' : 'info') : level,
              message: parts.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ').slice(0, 1024) });
          }
        } catch {
          /* never break console */
        }
        return original.apply(this, args);
      });
    }
  }
  if (on('dom') && G.document) {
    listen(G.document, 'click', guard((e) => addBreadcrumb({ category: 'ui.click', message: selectorOf(e.target) })), true);
    let lastInput = null;
    listen(G.document, 'input', guard((e) => {
      if (e.target === lastInput) return; // one crumb per field focus, never the typed value
      lastInput = e.target;
      addBreadcrumb({ category: 'ui.input', message: selectorOf(e.target) });
    }), true);
  }
  if (on('history') && G.history && G.location) {
    let from = G.location.href;
    const nav = (to) => {
      const next = new URL(to, G.location.href).href;
      addBreadcrumb({ category: 'navigation', data: { from, to: next } });
      from = next;
    };
    for (const m of ['pushState', 'replaceState']) {
      wrap(G.history, m, (original) => function historyMethod(state, title, url) {
        const r = original.apply(this, arguments);
        if (url !== undefined && url !== null) guard(nav)(String(url));
        return r;
      });
    }
    listen(G, 'popstate', guard(() => nav(G.location.href)));
  }
  // Delivery on page hide: everything pending leaves now (keepalive / beacon / offline queue).
  const onHide = guard(() => {
    const engine = core || fallback;
    if (!engine || !transport) return;
    const per = opts.transport.multiEvent ? opts.transport.maxEvents : 1;
    let envs = JSON.parse(engine.drain(Date.now(), true, per)).envelopes;
    if (opts.beforeSend) envs = applyBeforeSend(envs);
    const list = envs.map((e) => ({ body: e.body, occurrences: e.occurrences, category: 'error' }));
    const report = engine.clientReport(JSON.stringify(Object.entries(dropped).map(([reason, quantity]) => ({ reason, category: 'error', quantity }))), Date.now());
    for (const k of Object.keys(dropped)) delete dropped[k];
    if (report) list.push({ body: report, occurrences: 0, category: 'internal' });
    transport.sendOnHide(list);
  });
  listen(G, 'pagehide', onHide);
  if (G.document) listen(G.document, 'visibilitychange', () => G.document.visibilityState === 'hidden' && onHide());
}

function safeJson(v) {
  try {
    const seen = new WeakSet();
    return JSON.stringify(v, (k, x) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (typeof x === 'symbol') return String(x);
      if (x && typeof x === 'object') {
        if (seen.has(x)) return '[Circular]';
        seen.add(x);
      }
      return x;
    }) ?? String(v);
  } catch {
    return safeString(v);
  }
}
