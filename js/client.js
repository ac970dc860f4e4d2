// The part of the SDK that talks to the core and the transport. It is imported lazily by
// index.js together with them, so it is not on the critical path: until it runs, index.js queues
// every operation (bounded). It loads the WASM core (or, when WASM cannot load, the JS fallback
// core), replays the queue in order, decides when to drain the core into envelopes, runs
// beforeSend on the final events, sends client reports, and implements flush/close.
import { globalObject, platform, toJson, fromJson, STASH_PREFIX, storage, later, cancel, log, get, printable, asString, truncate, jsonSafe, isError, tagOf, matches, mergeBag } from './util.js';
import { normalize } from './normalize.js';
import { VERSION } from './version.js';
import { parseEnvelope, frameEnvelope } from './envelope.js';
import { toWire, wellFormed, fitted, EVENT_BYTES } from './wire.js';
import { setup as integrations, extraContexts } from './integrations.js';
import { failedRequests, moduleUrl as hookUrl } from './hooks/http.js';
import { customTransport } from './transport/custom.js';
import { jscStack, runningJsc, SCAN_MAX_BYTES } from './scan.js';

/** New scripts one capture may have scanned (the page's scan): the rest group as without a table. */
const SCANS_PER_CAPTURE = 4;
// JavaScriptCore: the modules a capture's frames call into by an import, scanned for the core's
// linking (symbols()), at most this many per capture.
const LINKS_PER_CAPTURE = 2;
// Operations held behind a capture that waits for a symbol table, at most (see run()).
// How long the page's scan may download a script (a server that sends it ever so slowly).
const SCAN_MAX_MS = 20000;
const HOLD_MAX = 1000;
// Counted repeats kept with their thrown value and event processors until their summary is judged (see counted()).
const REPEATS_KEPT = 1000;

/**
 * A response's bytes, read up to `max`; over that (announced or read) the request is aborted
 * (`stop`: its AbortController's abort) and the reading cancelled, and it fails.
 */
function readBounded(r, max, url, stop) {
  const over = () => {
    stop();
    return platform.Promise_.reject(Error(`${url}: over ${max} bytes`));
  };
  if (+r.headers.get('content-length') > max) return over();
  const body = r.body;
  if (!body || typeof body.getReader != 'function') return r.arrayBuffer().then((b) => (b.byteLength > max ? over() : new Uint8Array(b)));
  const reader = body.getReader(), parts = [];
  let n = 0;
  const next = () => reader.read().then(({ done, value }) => {
    if (done) {
      const all = new Uint8Array(n);
      let at = 0;
      for (const p of parts) { all.set(p, at); at += p.length; }
      return all;
    }
    n += value.length;
    if (n > max) {
      reader.cancel().catch(() => {});
      return over();
    }
    parts.push(value);
    return next();
  });
  return next();
}

/**
 * Where the SDK's own modules are served from, so that their frames (e.g. the fetch wrapper on a
 * failed request) are never in-app whatever path serves them ('/js/', '/vendor/faultline/'…).
 * Only when the SDK runs as its own separate modules, recognized by their layout: this module is
 * `<dir>/client.js` and the http hook `<dir>/hooks/http.js`. Bundled into the app, the modules are
 * chunks of the app's build: one URL for all of them, or (code-split, as Vite and webpack split
 * this lazily imported module) chunks side by side in the app's assets directory, whose other
 * files are the app's own code, so claiming that directory would hide every app frame.
 */
export function sdkUrls(self = (() => { try { return String(import.meta.url || ''); } catch { return ''; } })(), hook = hookUrl) {
  const bare = (u) => String(u || '').replace(/[?#].*$/, '');
  const me = bare(self), http = bare(hook);
  if (!/^[a-z][\w+.-]*:\/\//i.test(me) || !me.endsWith('/client.js')) return [];
  const dir = me.slice(0, -'client.js'.length);
  return http == dir + 'hooks/http.js' ? [dir] : [];
}
import { Sessions } from './session.js';
import { install as xhrHandlers } from './hooks/wrap-xhr.js';

const SELF = (() => { try { return String(import.meta.url || ''); } catch { return ''; } })();
export const SDK = { name: 'faultline.javascript.browser', version: VERSION };
// A promise, or an object with a `then` of its own (not one a page put on Object.prototype).
const own = Object.prototype.hasOwnProperty;
const thenable = (x) => x instanceof platform.Promise_ || (!!x && typeof x == 'object' && own.call(x, 'then') && typeof x.then == 'function');
const BAGS = { tags: 1, extra: 1, contexts: 1 };
// A breadcrumb's long texts (its message, the strings of its data and of data.arguments) cut before
// they are copied around (kept for a restart, serialized, copied into the core), to two UTF-16
// units more than the core keeps: it cuts at maxValueLength UTF-8 bytes (data strings at fewer),
// and every unit is at least one byte, so what it keeps is the same. (A 2 MB console.log was
// serialized whole three times before the core cut it to 8 KiB: the attack report's A2.)
export function trimCrumb(b, max) {
  const n = (max >= 16 && max <= 1 << 20 ? Math.floor(max) : 8192) + 2;
  const t = (s) => (typeof s == 'string' && s.length > n ? s.slice(0, n) : s);
  const long = (v) => typeof v == 'string' && v.length > n;
  const d = b && b.data, args = d && typeof d == 'object' && !Array.isArray(d) && Array.isArray(d.arguments) ? d.arguments : null;
  const dl = d && typeof d == 'object' && !Array.isArray(d) && (platform.keys_(d).some((k) => long(d[k])) || (args && args.some(long)));
  if (!long(b && b.message) && !dl) return b;
  // (Written as data: no setter the page put on Object.prototype runs.)
  const put = (o, k, v) => Object.defineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true });
  const out = { ...b };
  if (long(b.message)) put(out, 'message', t(b.message));
  if (dl) {
    const data = put(out, 'data', { ...d }).data;
    for (const k of platform.keys_(d)) if (long(d[k])) put(data, k, t(d[k]));
    if (args) put(data, 'arguments', args.map(t));
  }
  return out;
}
// Marks a capture input build() completed (its thrown value made exception inputs): a capture that
// waited (for a symbol table, a restart) is built once, and one that was not is always built.
const BUILT = Symbol('built');
const HELD = Symbol('held');  // when a capture that waits behind a table was captured
const on = (o, k) => (o._on ? o._on(k) : (o.integrations || {})[k] !== false);  // the switches init() derived from the integrations
// Cross-origin scripts' errors as window.onerror reports them, with nothing to locate them.
const SCRIPT_ERROR = /^(?:Script error\.?|Javascript error: Script error\.? on line 0)$/;
// Browser extensions' own code (Relay's browser-extensions inbound filter looks at the same frames).
const EXTENSION = /^(?:chrome-extension|moz-extension|safari(?:-web)?-extension|ms-browser-extension|edge-extension):/i;

/**
 * captureMessage's argument as the event's message: its text (bounded), and the template and
 * values of Sentry's parameterize (logentry.message/params).
 */
function message(a) {
  const m = a.message;
  a.message = truncate(asString(m), 16384);
  const t = get(m, '__sentry_template_string__');
  if (t) a.template = { message: asString(t), params: get(m, '__sentry_template_values__') };
}

/**
 * A capture from a wrapped browser API (hooks/wrap.js, which stays small on the critical path:
 * `api: [api, callback, arguments]`) in Sentry's terms: the mechanism
 * {type: 'auto.browser.browserapierrors.<api>', handled: false, data} with Sentry's data (none for
 * the timers; the API's name for requestAnimationFrame; the callback's name, '<anonymous>' for a
 * handleEvent object, and the prototype whose addEventListener is wrapped for listeners), and the
 * callback's arguments as `extra.arguments`, as Sentry's wrap() adds them.
 */
function fromApi(a) {
  const [t, fn, args] = a.api, handler = (typeof fn == 'function' && get(fn, 'name')) || '<anonymous>';
  delete a.api;
  const data = t == 'requestAnimationFrame' ? { handler: t } : /^(addE|handleE)/.test(t) ? { handler, target: 'EventTarget' } : /^xhr\./.test(t) ? { handler } : 0;
  a.mechanism = { type: 'auto.browser.browserapierrors.' + t, handled: false, ...(data && { data }) };
  a.scope = { ...a.scope, extra: { ...(a.scope && a.scope.extra), arguments: args } };
}

/** What the SDK reports as `sdk` (integrations named as @sentry/browser names its equivalents). */
export function sdkInfo(options) {
  const f = options.inboundFilters || {}, list = [];
  // Integrations given as Sentry's list (or function): every one Faultline runs, named as given.
  // (installed and working, as Sentry names them; the ignored ones are not listed)
  const by = options._by;
  if (by) return { ...SDK, integrations: [...platform.keys_(by).filter((n) => by[n]._h !== 0), ...platform.keys_(options._add || {})], packages: [{ name: 'npm:faultline', version: SDK.version }] };
  if (on(options, 'onerror') || on(options, 'onunhandledrejection')) list.push('GlobalHandlers');
  if (on(options, 'browserApiErrors')) list.push('BrowserApiErrors');
  if (['console', 'dom', 'fetch', 'xhr', 'history'].some((k) => on(options, k))) list.push('Breadcrumbs');
  list.push('LinkedErrors', 'HttpContext');
  if (f.scriptError !== false || f.browserExtensions !== false || options.ignoreErrors || options.denyUrls || options.allowUrls) list.push('EventFilters');
  if (on(options, 'browserSession') && options.release) list.push('BrowserSession');
  list.push('CultureContext', ...platform.keys_(options._add || {}));
  return { ...SDK, integrations: list, packages: [{ name: 'npm:faultline', version: SDK.version }] };
}
// A scope patch with its values normalized as Sentry normalizes an event's fields (depth 3). A null
// tag or extra is kept (Sentry sends it); a null context removes the context.
function patch(p) {
  const out = {};
  for (const k of platform.keys_(p)) {
    const v = p[k];
    out[k] = k == 'tags' || k == 'extra' || k == 'contexts'
      ? v && typeof v == 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => k != 'tags' || !/^(function|symbol)$/.test(typeof x))  // Sentry sends tags as JSON has them
        .map(([n, x]) => [n, x == null ? x : normalize(x, 3)])) : null
      : k == 'fingerprint' && Array.isArray(v) ? v.map(asString) : k == 'level' || k == 'transaction' ? (v == null ? null : asString(v)) : normalize(v, 4);
  }
  return out;
}
const within = (p, ms) => Promise.race([p, new Promise((r) => later(r, ms))]);
// Values handed through promises are boxed: with a `then` on Object.prototype, resolving a promise
// with a plain object or array would call the page's `then` instead.
const box = (v) => Object.assign(Object.create(null), { v });
/** Promise.all without resolving a promise with an array: resolves with box(values). */
function all(list) {
  const out = [];
  return list.reduce((p, x, i) => p.then(() => x).then((v) => { out[i] = v; }), platform.Promise_.resolve()).then(() => box(out));
}
/** A `then` on Object.prototype: the platform's promises of objects (fetch, WebAssembly) are captured by it. */
export const polluted = () => own.call(Object.prototype, 'then');
const BEFORE_SEND_MS = 10000;  // an event whose async beforeSend has not answered by then is counted
const res = (o) => Object.assign(Object.create(null), o);  // a result handed through promises (no prototype)
// As the core's add_count (src/event_builder.cpp): a summary standing for k occurrences.
function recount(ev, k, rate) {
  const c = get(ev, 'contexts'), fl = get(c, 'faultline');
  if (!fl || typeof fl != 'object') return;
  fl.count = k;
  const x = (rate > 0 && rate <= 1 ? rate : 1) / k;
  if (x < 1) c.error_sampling = { type: 'error_sampling', client_sample_rate: x };
  else delete c.error_sampling;
  const lo = 10 ** Math.min(5, Math.floor(Math.log10(k)));
  if (k > 1) ev.tags = { ...get(ev, 'tags'), 'faultline.repeats': lo < 10 ? '2-9' : lo >= 100000 ? '100000+' : `${lo}-${lo * 10 - 1}` };
  else if (ev.tags && typeof ev.tags == 'object') delete ev.tags['faultline.repeats'];
}

const isEvent = (v) => { try { return typeof Event == 'function' && v instanceof Event; } catch {} };
const isPlain = (v) => tagOf(v) == '[object Object]';

// @sentry/browser's type and text for a thrown value that is not an Error, so issues read the same
// after a switch: plain objects and class instances by their sorted keys, DOM Events by their class
// and type, an ErrorEvent without error by its message, anything else (strings, numbers, null,
// built-in instances such as Response) as String() gives it.
function describe(v, rejection) {
  const what = rejection ? 'promise rejection' : 'exception';
  const ev = isEvent(v);
  if (v && typeof v == 'object' && (ev || isPlain(v))) {
    let keys, ctor = 'Event';
    try {
      const o = ev ? { type: 0, target: 0, currentTarget: 0, ...(get(v, 'detail') ? { detail: 0 } : {}), ...v } : v;
      keys = Object.keys(o).sort().join(', ');
      ctor = Object.getPrototypeOf(v).constructor.name;
    } catch {}
    const type = ev ? ctor : rejection ? 'UnhandledRejection' : 'Error';
    if (tagOf(v) == '[object ErrorEvent]') return [type, `Event \`ErrorEvent\` captured as ${what} with message \`${printable(get(v, 'message'))}\``];
    if (ev) return [type, `Event \`${ctor}\` (type=${printable(get(v, 'type'))}) captured as ${what}`];
    return [type, `Object captured as ${what} with keys: ${keys || '[object has no keys]'}`];
  }
  return rejection ? ['UnhandledRejection', 'Non-Error promise rejection captured with value: ' + asString(v)] : ['Error', asString(v)];
}

// The SDK's wrappers of browser APIs (timers, listeners, fetch, XHR: hooks/wrap.js, hooks/http.js)
// are methods named __faultline_wrap__, a name bundlers and minifiers keep: their frames are cut
// from every stack (V8 `at Object.__faultline_wrap__ [as x] (…)`, SpiderMonkey/JavaScriptCore
// `__faultline_wrap__@…`), as Sentry cuts its sentryWrapped frames, so that the app's own frame is
// the top one and groups as it does without the SDK.
const WRAP = /^.*__faultline_wrap__.*\n?/gm;
export const unwrapped = (s) => (s.includes('__faultline_wrap__') ? s.replace(WRAP, '') : s);
// The stack taken in a public entry point (attachStacktrace): the frames below its outermost
// __faultline_api__ frame (index.js guard), those of the app.
export function below(s) {
  const l = String(s).split('\n');
  let i = l.length;
  while (i-- && !l[i].includes('__faultline_api__'));
  if (i < 0) return s;
  return [...(/^\w*Error\b/.test(l[0]) ? [l[0]] : []), ...l.slice(i + 1)].join('\n');
}

function one(e, rejection) {
  if (!isError(e)) {
    const [type, value] = describe(e, rejection);
    // Objects without a prototype: a setter a page put on Object.prototype (stack, mechanism...) never runs.
    return Object.assign(Object.create(null), { type, value, synthetic: true });
  }
  let type = get(e, 'name');
  if (typeof type != 'string' || !type) type = 'Error';
  const ctor = get(get(e, 'constructor'), 'name');
  if (type == 'Error' && typeof ctor == 'string' && ctor && ctor != 'Object') type = ctor;  // class X extends Error without name
  const x = Object.assign(Object.create(null), { type, value: truncate(printable(get(e, 'message') ?? ''), 16384) });
  // An Error that is no DOMException: a DOMException's name in its type (`NotFoundError`) is the
  // app's own class, and its message the developer's (the core groups a DOMException by name).
  if (tagOf(e) != '[object DOMException]' && !wasDom.has(e)) x.dom = false;
  // This engine elides a function that ends in `return f(x)` (proper tail calls): the core then
  // keys an app frame just outside a library's frame only where a table says nothing was elided.
  if (runningJsc()) x.ptc = true;
  for (const k of ['stack', 'stacktrace']) {  // stacktrace: old Opera
    const s = get(e, k);
    if (typeof s == 'string') x[k] = truncate(unwrapped(s), 262144);
  }
  const f = get(e, 'framesToPop');  // React's invariant(): frames of the helper, not of the bug
  if (f > 0) x.framesToPop = f;
  const req = failedRequests.get(e);  // a fetch this error rejected: grouped by its endpoint
  if (req) x.request = req;
  return x;
}

/**
 * The thrown value followed by its `cause` chain and AggregateError members, as the core's
 * exception inputs (bounded: 8 exceptions, 5 levels deep, cycles cut).
 */
export function exceptions(value, mechanism) {
  const out = [];
  const seen = [];
  const rejection = /onunhandledrejection$/.test(mechanism.type);
  const visit = (v, parent, source, depth) => {
    if (out.length >= 8 || depth > 5 || (v && typeof v == 'object' && seen.includes(v))) return;
    seen.push(v);
    const i = out.length;
    const x = one(v, rejection && !i);
    const errs = isError(v) && get(v, 'errors');
    if (i) { x.parent = parent; x.mechanism = { type: 'chained', source }; } else x.mechanism = Array.isArray(errs) ? { ...mechanism, is_exception_group: true } : mechanism;
    out.push(x);
    if (!isError(v)) return;
    // As Sentry's linkedErrors orders them: the cause first, then the members of an
    // AggregateError (of any class: a subclass is an exception group too).
    const c = get(v, 'cause');
    if (c !== undefined) visit(c, i, 'cause', depth + 1);
    try { if (Array.isArray(errs)) for (let k = 0; k < errs.length && k < 8; k++) visit(errs[k], i, `errors[${k}]`, depth + 1); } catch {}
  };
  // A plain object holding an Error (as some libraries reject with) is described by that Error, as in Sentry.
  if (!isError(value) && value && typeof value == 'object' && isPlain(value)) {
    try { for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k) && isError(value[k])) { value = value[k]; break; } } catch {}
  }
  visit(value, 0, '', 0);
  return out;
}

// The first URL of a frame line: a line starting with `at ` (V8) or holding an `@` (SpiderMonkey,
// JavaScriptCore). Lines end at \n only, as the engines write them (not at \r or \u2028), and each
// is read through its first 1 KiB, as the core's parser reads them (src/stack_parser.h).
//
// Linear time: a URL's scheme is looked for only where a run of scheme characters starts (after
// the line's start or a character outside [\w+.-]), and at that run's first letter. The plain
// /[a-z][\w+.-]*:\/\//i retried every position inside a long run and rescanned the rest of it:
// quadratic, 16 KB of one word took seconds (the attack report's A1).
const LINE_MAX = 1024;
const URL_IN_LINE = /(?:^|[^\w+.-])[\d_+.-]*([a-zA-Z][\w+.-]*:\/\/[^\s()@]+)/;
const FRAME_LINE = /^[^\S\n]*at |@/;
let lastStack = '', lastTopUrl = '';

/** Calls fn(line) for the first `max` lines of text (each cut to LINE_MAX) until it returns true. */
function eachLine(text, max, fn) {
  for (let start = 0, n = 0; start <= text.length && n < max; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (fn(text.slice(start, Math.min(end, start + LINE_MAX)))) return;
    start = end + 1;
  }
}

/**
 * The URL of the innermost frame of a stack (V8, SpiderMonkey and JavaScriptCore formats), looked
 * for in its first 60 lines. Every capture asks (the inbound filters); a storm asks about one stack
 * again and again, so the last answer is kept.
 */
export function topUrl(stack) {
  const text = String(stack || '');
  if (text === lastStack) return lastTopUrl;
  let url = '';
  eachLine(text, 60, (line) => {
    const m = FRAME_LINE.test(line) && URL_IN_LINE.exec(line);
    if (m) url = m[1].replace(/(:\d+){1,2}$/, '');
    return !!m;
  });
  lastStack = text;
  return (lastTopUrl = url);
}

// Every URL a stack's frames point at (V8 `at f (URL:1:2)`, SpiderMonkey/JavaScriptCore `f@URL:1:2`),
// as the core's parser writes them in abs_path: in the first 64 KiB, each line through its first 1 KiB.
const FRAME_URL = /(?:^|[^\w+.-])[\d_+.-]*([a-z][\w+.-]*:\/\/[^\s()]+?):\d+:(\d+)/gi;
export function stackUrls(stack, out = new Set()) {
  eachLine(String(stack || '').slice(0, 65536), Infinity, (line) => {
    for (const m of line.matchAll(FRAME_URL)) out.add(m[1]);
  });
  return out;
}

// JavaScriptCore's frames (`name@URL:line:column`), each as [, URL, line, column] (1-based), within
// the first 64 KiB as stackUrls.
export const jscFrames = (stack) => String(stack || '').slice(0, 65536).matchAll(/@([a-z][\w+.-]*:\/\/\S+?):(\d+):(\d+)$/gim);

/**
 * A module's calls of its imported bindings, read from its symbol table's text (src/symbol_table.h
 * "modules", "import_calls": per call (line delta, column, module delta, name delta) in Base64 VLQ,
 * the column a delta on the same line): 'line:column' (1-based, the caller's frame there) -> the
 * specifier. Empty for a table without them or one that does not read.
 */
export function importCalls(txt) {
  const out = new Map(), v = [];
  let j, n = 0, shift = 0, line = 0, col = 0, m = -1;
  try { j = txt.includes('"import_calls"') && JSON.parse(txt); } catch {}
  for (const ch of (j && j.import_calls) || '') {
    const d = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(ch);
    if (d < 0) return out;
    n += (d & 31) * 2 ** shift;
    shift = d & 32 ? shift + 5 : (v.push(n % 2 ? (1 - n) / 2 : n / 2), n = 0);
  }
  for (let i = 0; i + 3 < v.length; i += 4) {
    col = v[i] ? v[i + 1] : col + v[i + 1];
    line += v[i];
    m += v[i + 2];
    if (typeof j.modules[m] == 'string') out.set(line + 1 + ':' + (col + 1), j.modules[m]);
  }
  return out;
}

/**
 * A module specifier resolved against the importing module's URL as the core resolves it
 * (grouping.cpp resolve_module_url) and as the browser loaded it: `./`, `../`, `/` or a full URL,
 * of the importer's origin; '' for a bare specifier (an import map decides) or another origin.
 */
export function moduleUrl(importer, spec) {
  try {
    const u = new URL(spec, importer);
    return /^(\.\.?\/|\/[^/]|\w[\w+.-]*:\/\/)/.test(spec) && u.origin == new URL(importer).origin ? u.href : '';
  } catch { return ''; }
}

/**
 * The URLs whose frames in a stack show minified code, by the core's evidence (src/grouping.cpp,
 * `minified_files`): a frame's column past 250 (no hand-written line reaches it), or two frames of
 * one file with different names of 1 or 2 characters (a minifier's; `Store.go`, a short property of
 * a named object, is no evidence, and one short name alone is not either). Each line's last
 * location is its frame's; the same bounds as stackUrls.
 */
export function minifiedUrls(stack, out = new Set()) {
  const short = new Map();  // url -> the first short name seen there
  eachLine(String(stack || '').slice(0, 65536), Infinity, (line) => {
    let m;
    for (const x of line.matchAll(FRAME_URL)) m = x;
    if (!m) return;
    const u = m[1];
    if (+m[2] > 250) return void out.add(u);
    // The name before the location, last word: V8 `at async Cart.add [as add] (`, SpiderMonkey
    // `add@` or `async*add@` (string operations only: a line is scanned in linear time).
    let name = line.slice(0, m.index + m[0].indexOf(u)).trim();
    const as = name.indexOf(' [as ');
    if (as >= 0) name = name.slice(0, as);
    else if (name.endsWith('(') || name.endsWith('@')) name = name.slice(0, -1).trimEnd();
    name = name.slice(Math.max(name.lastIndexOf(' '), name.lastIndexOf('/'), name.lastIndexOf('*')) + 1);
    const parts = name.split('.'), last = parts.pop();
    if (!/^[\w$]{1,2}$/.test(last) || (parts.length && parts.every((p) => /^[\w$]{3,}$/.test(p)))) return;
    if (!short.has(u)) short.set(u, last);
    else if (short.get(u) != last) out.add(u);
  });
  return out;
}

/**
 * The bundles that registered themselves at load (see `faultline sourcemaps inject`): URL -> {id,
 * table}. Each key of `_sentryDebugIds` (and of `_debugIds`, Vercel's) is the stack of an Error made
 * in the bundle, whose innermost frame is the bundle's URL, as @sentry/browser reads them;
 * `_faultlineSymbolTables` names the bundle's symbol table the same way, relative to its URL.
 * Recomputed only when the number of registrations changes (bundles loaded later register later).
 */
export function registry(g = globalObject, cache = {}) {
  const lists = [], n = [];
  for (const k of ['_sentryDebugIds', '_debugIds', '_faultlineSymbolTables']) {
    let v;
    try { v = g[k]; } catch {}
    const e = v && typeof v == 'object' ? Object.entries(v) : [];
    lists.push(e);
    n.push(e.length);
  }
  const key = n.join();
  if (cache.k == key) return cache.m;
  const m = new Map(), at = (stack) => { const u = topUrl(stack); if (u && !m.has(u)) m.set(u, {}); return u && m.get(u); };
  lists.forEach((e, i) => {
    for (const [stack, v] of e) {
      const r = typeof v == 'string' && at(stack);
      if (!r) continue;
      if (i < 2) r.id = v;
      else try { r.table = new URL(v, topUrl(stack)).href; } catch {}
    }
  });
  cache.k = key;
  return (cache.m = m);
}

/**
 * The texts of a capture that the core's signature covers (see Client::capture in src/), as the
 * key under which the SDK remembers the fingerprint the core gave them; '' when the capture is
 * not eligible (a message, its own fingerprint, texts too long to keep as a key). The capture's own
 * scope data (a captureContext's tags, a wrapped callback's arguments, a level) are part of it: a
 * summary shows its last repeat's, so a repeat with other data takes the full path, where the
 * core keeps its input.
 */
export function signature(a) {
  const xs = a.exceptions, s = a.scope;
  if (!xs || !xs.length || a.fingerprint || (s && s.fingerprint)) return '';
  let k = '';
  for (const x of xs) {
    k += `${x.type}\u0001${x.value}\u0001${x.stack || ''}\u0001${x.stacktrace || ''}\u0001${x.filename || ''}\u0001${x.request || ''}` +
      `\u0001${x.framesToPop || 0}\u0001${x.synthetic ? 1 : 0}\u0001${x.lineno || 0}\u0002`;
  }
  if (s || a.level || a.tags || a.extra || a.user || a.contexts) k += toJson([s, a.level, a.tags, a.extra, a.user, a.contexts]);
  return k.length > 16384 ? '' : k;
}

/**
 * Moves the exceptions' stacks out of a capture input, as the core's captureWithStacks takes them:
 * one NUL-separated segment per exception. Stacks are most of a capture's bytes; outside the JSON
 * they are neither escaped here nor lexed by the core. '' when there is no stack to move.
 */
export function takeStacks(a) {
  let out = '', any = 0;
  for (const x of a.exceptions || []) {
    const s = x.stack;
    if (typeof s == 'string') {
      any = 1;
      delete x.stack;
      out += s.includes('\0') ? s.replace(/\0/g, '\ufffd') : s;
    }
    out += '\0';
  }
  return any ? out : '';
}

const nativeCode = /\{\s*\[native code\]\s*\}\s*$/;
const fnText = Function.prototype.toString;

/**
 * The platform's own fetch, never a page wrapper: `f` (fetch as it was when the SDK loaded) when it
 * is native; otherwise (an app wrapped fetch before the SDK loaded: it would see our envelopes and
 * could add its own headers, or never resolve) the fetch of a fresh same-origin iframe, as Sentry's
 * getNativeImplementation does. Called with the page's window as `this`.
 */
export function pristineFetch(f) {
  let impl = f;
  try {
    if (typeof f !== 'function' || !nativeCode.test(fnText.call(f))) {
      const d = globalObject.document, frame = d.createElement('iframe');
      frame.hidden = true;
      (d.head || d.documentElement).appendChild(frame);
      const w = frame.contentWindow;
      if (w && typeof w.fetch === 'function') impl = w.fetch;
      frame.remove();
    }
  } catch {
    /* keep f */
  }
  return typeof impl === 'function' ? (url, init) => impl.call(globalObject, url, init) : null;
}

// Errors rebuilt from a stash record that were DOMExceptions when the earlier page captured them.
const wasDom = new WeakSet();

/** A capture input from a stash record (see raw() in index.js): the thrown Error rebuilt. */
function unraw(a) {
  a = Object.assign(Object.create(null), a);
  const e = a.raw && a.raw.__err;
  if (e) {
    const x = Error(e[1]);
    x.name = e[0];
    x.stack = e[2];
    if (e[3]) wasDom.add(x);
    a.raw = x;
  }
  return a;
}

/**
 * Takes over the records earlier pages of this origin left for this DSN as they went (see save()
 * in index.js): their operations (replayed once the core is ready), envelopes (sent once the
 * transport is), and drops (reported).
 */
/**
 * The page is hidden and wrote its stash record (Hub.save: hidden may be the last thing it sees,
 * a tab discarded in the background gets no pagehide), then carried on and handed over some of
 * what the record holds (the early queue to the core, earlier pages' envelopes to the transport,
 * drops in a client report): the record is written again with what is still pending, so that the
 * next page does not send those events again or count those drops twice.
 */
const resave = (hub) => hub.saved_ && hub.save();

function restore(hub, st) {
  if (!st) return;
  try {
    for (let i = st.length; i--;) {
      const k = st.key(i);
      // (Not this page's own: hidden before this part loaded, it wrote one, still in memory.)
      if (!k || !k.startsWith(STASH_PREFIX) || k == hub.stashKey_) continue;
      const r = fromJson(st.getItem(k));
      if (!r || r.k != hub.ingestUrl_) continue;
      st.removeItem(k);
      // Captures of a page with a beforeSend (which they never went through) are replayed only
      // through this page's own; without one they are counted, never sent unscrubbed. p: those of
      // earlier pages that the page writing the record had taken and not sent (Hub.save).
      for (const [b, c] of [[r.b, r.c], ...(r.p || [])]) {
        if (c && b && typeof hub.options_.beforeSend != 'function') {
          const n = c.filter((o) => o[0] == 'capture').length;
          if (n) hub.drop('before_send', n);
        } else if (c && c.length) hub.restored_.captures_.push([b, c]);
      }
      hub.restored_.envelopes_.push(...(r.e || []));
      for (const x of platform.keys_(r.d || {})) hub.dropped_[x] = (hub.dropped_[x] || 0) + r.d[x];
    }
    hub.stats_.recovered = hub.restored_.captures_.reduce((s, x) => s + x[1].filter((o) => o[0] == 'capture').length, 0) + hub.restored_.envelopes_.length;
  } catch (e) {
    hub.fail(e);
  }
}

export class Client {
  constructor(hub) {
    // Faultline's transport settings: `transport: {…}`, or with a Sentry transport factory as
    // `transport`, `transportOptions` (where Sentry's headers and fetchOptions are too).
    const options = hub.options_, fn = typeof options.transport == 'function', t = (fn ? options.transportOptions : options.transport) || {}, loc = globalObject.location, dc = options.dataCollection;
    this.transportSettings_ = t;
    // @sentry/browser 10's dataCollection.userInfo says what sendDefaultPii says about the user (IP).
    if (options.sendDefaultPii === undefined && dc && typeof dc == 'object' && dc.userInfo !== undefined) options.sendDefaultPii = !!dc.userInfo;
    this.hub_ = hub;
    Object.assign(hub.stats_, { queued: 0, aggregated: 0, fast_repeats: 0 });  // getStats(), beside the hub's
    restore(hub, storage());
    this.fetch_ = pristineFetch(platform.fetch_);  // for the .wasm and the transport
    // signature(capture) -> {f: fingerprint}, learned from the core's answers; and fingerprint -> the
    // entry of the group's latest capture that reached the core (see run()).
    this.fingerprints_ = new Map();
    this.unsent_ = new Set();  // events not sent after all, whose sentry.event breadcrumbs are taken out (unsent())
    this.repeats_ = new Map();  // fingerprint -> {l: the counted repeats to judge, over: those past REPEATS_KEPT}
    this.repeatsKept_ = 0;
    this.registryCache_ = {};  // registry() cache
    this.symbolTables_ = new Map();  // bundle URL -> {s: 'wait'|'ok'|'failed'|'timeout', txt}: symbol tables, fetched once
    this.held_ = null;  // operations held while a capture waits for its bundle's symbol table
    this.holdWaiters_ = [];  // flush() calls waiting for the hold to end
    this.scopeFingerprint_ = 0;  // a scope fingerprint was set (popScope may change it)
    this.options_ = options;
    this.queuedSinceDrain_ = 0;  // events queued since the last drain
    this.eventsPerEnvelope_ = t.multiEvent ? t.maxEvents || 50 : 1;
    this.beforeSendPending_ = new Set();  // beforeSend promises in flight
    // (Integrations that need a module before the first event leaves set hub.needed_: contextLines.)
    // start() waits for it: no core takes a capture before the transport that will send it is
    // there (Firefox rejects a navigating page's pending import() as the navigation starts; a core
    // holding events no transport can send was left out of the stash at pagehide, lost uncounted).
    const transportReady = this.transportReady_ = import('./transport.js').then((m) => platform.Promise_.resolve(hub.needed_).then(() => m)).then((m) => {
      // The transport's own settings (transport: {maxAttempts, baseDelayMs, queueCap, requestTimeoutMs,
      // compress}); batching (maxEvents, maxAgeMs, multiEvent) is the client's (run, schedule, pump).
      const url = hub.tunnel_ || `${hub.ingestUrl_}?sentry_key=${hub.publicKey_}&sentry_version=7&sentry_client=${SDK.name}%2F${SDK.version}`, to = options.transportOptions || {};
      this.transport_ = m.createTransport({ fetchImpl: this.fetch_, ...t, headers: to.headers, fetchOptions: to.fetchOptions, url,
        debug: !!options.debug,
        onDrop: (r, n, cat) => {
          if (n !== 0) hub.drop(r, n, cat);  // 0: a client report, which carries no events
        },
        // An app's own Sentry transport (a factory as `transport`), called as @sentry/browser calls it.
        custom: fn && ((limits) => customTransport(options, options.tunnel || url, (r, cat = 'error', n = 1) => hub.drop(r, n, cat), limits, (e) => hub.fail(e))) });
      if (this.transport_.replayOffline) this.transport_.replayOffline();
      // Envelopes earlier pages of this origin stashed as they went.
      const rec = hub.restored_.envelopes_;
      hub.restored_.envelopes_ = [];
      if (rec.length) this.transport_.send(rec.map((e) => ({ body: e.body, occurrences: e.occurrences || 0, category: e.category || 'error' })));
      resave(hub);
      for (const b of this.sessionQueue_.splice(0)) this.sendSession(b);
      this.schedule(0);
    });
    // Handled now, not only once a core is ready: a rejection nobody listens to reaches the page's
    // unhandledrejection listeners, the SDK's own among them, which captured the SDK's cancelled
    // load as an error of the page (a sixth event for five captures in Firefox).
    transportReady.catch(() => {});
    // Release health and the wrapped XHR handlers start with this (lazily loaded) part of the SDK.
    this.sessionQueue_ = [];  // session envelopes waiting for the transport
    if (on(options, 'browserSession')) {
      this.sessions_ = new Sessions(hub, (p) => this.sendSession(p));
      // Every History navigation starts a new trace (hooks/history.js), and a new session with
      // browserSessionIntegration({ lifecycle: 'route' }); Sentry's default, 'page', keeps the
      // page load's session across navigations (crash-free rates as Sentry's for the same app).
      const session = (options._by || {}).BrowserSession;
      if (session && session._o.lifecycle == 'route') {
        const nt = hub.newTrace;
        hub.newTrace = () => { nt.call(hub); if (!hub.stopped_) this.sessions_.start(); };
      }
    }
    try { xhrHandlers(hub, (k) => on(options, k)); } catch (e) { hub.fail(e); }
    this.own(options._own || []);  // the app's own integrations
    for (const op of hub.earlySessionOps_ || []) this.session(op);  // startSession()… before this part loaded
    hub.earlySessionOps_ = 0;
    this.processors_ = [];  // event processors of the integrations, run before beforeSend
    // The SDK's own files, when it is served as its own (its modules' directory, the single-file
    // build's script): frames there are never the app's (httpClientIntegration's request stack).
    hub.sdkUrls_ = [...sdkUrls(), ...(typeof options._self == 'string' && options._self ? [options._self] : [])];
    try { this.processors_ = integrations(hub); } catch (e) { hub.fail(e); }
    const json = toJson({ dsn: options.dsn, release: options.release, environment: options.environment, dist: options.dist, maxBreadcrumbs: options.maxBreadcrumbs,
      sendDefaultPii: !!options.sendDefaultPii, inAppInclude: options.inAppInclude, inAppExclude: options.inAppExclude, sdkUrls: sdkUrls(),
      firstPartyOrigins: options.firstPartyOrigins || (loc && loc.origin != 'null' ? [loc.origin] : []), scrub: options.scrub, aggregation: options.aggregation,
      maxValueLength: options.maxValueLength, normalizeDepth: options.normalizeDepth, maxQueue: t.queueCap, sdk: sdkInfo(options),
      sampleRate: options.sampleRate, grouping: options.grouping });
    this.coreOptions_ = json;
    this.coreHeld_ = 0;  // occurrences the core holds (queued or counted) that no drain has taken yet
    this.scopeStack_ = [{}];  // the scope stack as patches, and the newest breadcrumbs: what a restart rebuilds
    this.crumbs_ = [];
    this.ready_ = this.start().catch((e) => {
      hub.mode_ = 'failed';
      hub.fail(e);
      return hub.lost();  // neither core could load: what waits is counted and reported
    }).then(() => transportReady).catch((e) => hub.fail(e));
  }

  /**
   * Loads a core: the WASM one (its module compiled once, instantiated again after an abort), or
   * the JS fallback when WASM cannot load or has aborted too often. Then rebuilds the state a
   * restarted core lost (scope, newest breadcrumbs), replays the records earlier pages stashed and
   * the operations queued while it loaded.
   */
  start() {
    const options = this.options_, hub = this.hub_, json = this.coreOptions_, say = (s) => log(options.debug, s);
    const url = options.wasmUrl || (options.locateFile ? options.locateFile('faultline.wasm', '') : new URL('../dist/faultline.wasm', import.meta.url).href);
    const wasm = (this.restarts_ || 0) > 3 ? Promise.reject(Error('the WASM core aborted too often'))
      : polluted() ? Promise.reject(Error('Object.prototype.then is set: the JS fallback needs no platform promise'))
      : typeof WebAssembly != 'object' ? Promise.reject(Error('no WebAssembly'))
      : import('../dist/faultline-core.mjs').then((m) => new Promise((resolve, reject) => {
        const timer = later(() => reject(Error('WASM core load timed out')), options.wasmTimeout || 30000);
        const ok = (v) => { cancel(timer); resolve(v); }, no = (e) => { cancel(timer); reject(e); };
        // We fetch and instantiate the .wasm ourselves, with fetch as it was when the SDK loaded
        // (no breadcrumb, no trace headers, no page wrapper), and see the failure directly.
        const arg = {
          print: say, printErr: say,
          // Given locateFile, the glue never derives the URL from import.meta.url, which is empty
          // in the single-file script-tag build.
          locateFile: () => url,
          onAbort: () => { this.aborted_ = 1; },
          // The glue's own promise resolves with the module object (a `then` on Object.prototype
          // would capture it): readiness comes through this callback instead.
          onRuntimeInitialized: () => ok(box(arg)),
          instantiateWasm: (imports, done) => {
            const inst = (mod) => WebAssembly.instantiate(mod, imports).then((i) => { done(i, mod); });
            (this.wasmModule_ ? inst(this.wasmModule_) : Promise.resolve(url).then((u) => this.fetch_(u, { credentials: 'same-origin' }))
              .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(Error(`${url}: HTTP ${r.status}`))))
              .then((b) => WebAssembly.compile(b)).then((mod) => { this.wasmModule_ = mod; return inst(mod); })).catch(no);
            return {};
          },
        };
        m.default(arg).catch(no);
      }));
    return wasm.then((b) => box(['wasm', new b.v.Core(json)]), (e) => {
      log(options.debug, 'WASM core unavailable, using the JS fallback:', e);
      return import('./fallback.js').then((m) => box(['js-fallback', new m.FallbackCore(json)]));
    }).then((b) => this.transportReady_.then(() => b, (e) => {
      // No transport: what waits stays in the early queue (stashed at pagehide, else counted).
      try { b.v[1].delete(); } catch {}
      throw e;
    })).then((b) => {
      const [mode, c] = b.v;
      if (hub.stopped_) return c.delete();
      this.core_ = c;
      this.aborted_ = 0;
      hub.mode_ = mode;
      for (const [u, t] of this.symbolTables_) if (t.txt && c.addSymbolTable) c.addSymbolTable(u, t.txt);  // after a restart
      const err = fromJson(c.stats()).options_error;
      if (err) log(options.debug, 'options:', err);
      // After a restart: the scope and the newest breadcrumbs, as the dead core had them.
      const scopeStack = this.scopeStack_, cr = this.crumbs_;
      this.scopeStack_ = [{}];
      this.crumbs_ = [];
      scopeStack.forEach((p, i) => { if (i) this.run('pushScope'); this.run('setScope', p); });
      for (const t of cr) this.run('addBreadcrumb', fromJson(t));
      // What earlier pages stashed: each page's operations in a scope of their own, its
      // breadcrumbs cleared afterwards; then envelopes once the transport is there.
      const rec = hub.restored_.captures_;
      hub.restored_.captures_ = [];
      const nb = toJson({ maxBreadcrumbs: options.maxBreadcrumbs ?? 100 });
      for (const [, ops] of rec) {
        this.run('pushScope');
        for (const [m, a] of ops) this.run(m, m == 'capture' ? unraw(a) : a ?? undefined);
        this.run('popScope');
        c.configure('{"maxBreadcrumbs":0}');
        c.configure(nb);
        if (c.crumbs) c.crumbs = [];
        this.crumbs_ = [];
      }
      const q = hub.queue_;
      hub.queue_ = [];
      hub.queuedCaptures_ = hub.queuedCrumbs_ = 0;
      for (const [m, a] of q) this.run(m, a);
      resave(hub);
    });
  }

  /**
   * The WASM module aborted (memory, a bug): a new instance takes over with the same options,
   * scope and newest breadcrumbs; what the dead one held (the failing call, events and counted
   * repeats not drained yet) is counted as dropped. getStats().restarts says how often.
   */
  restart(e) {
    const hub = this.hub_;
    hub.fail(e);
    if (!this.core_) return;
    this.core_ = null;
    this.restarts_ = (this.restarts_ || 0) + 1;
    hub.stats_.restarts = this.restarts_;
    hub.drop('internal_sdk_error', this.coreHeld_ + (this.captureInCore_ ? 1 : 0));
    this.coreHeld_ = 0;
    this.fingerprints_.clear();
    this.repeats_.clear();  // their counts were lost with the core (counted above)
    this.repeatsKept_ = 0;
    hub.mode_ = 'loading';
    this.start().catch((x) => {
      hub.mode_ = 'failed';
      hub.fail(x);
      hub.lost();
    });
  }

  /** Runs one core operation (JSON in, JSON out). */
  run(m, a) {
    const hub = this.hub_, fps = this.fingerprints_;
    if (m == 'capture') {
      if (a.api) fromApi(a);
      if (platform.hasOwn_.call(a, 'message') && typeof a.message != 'string') message(a);
    }
    // A response that completed before this part loaded (hooks/http.js), for httpClientIntegration;
    // one from an earlier page's stash has lost its objects and is ignored there (no status).
    if (m == 'resp') return hub.captureResponse_ && hub.captureResponse_(...a);
    if (m == 'transaction') {  // captureEvent({ type: 'transaction' }): Sentry's breadcrumb for the next event, in order
      const [id, name] = a;
      return hub.on_('sentry') && hub.crumb({ category: 'sentry.transaction', event_id: id, message: asString(name || id) });
    }
    if (this.aborted_) this.restart(Error('the WASM core aborted'));
    if (!this.core_) {  // restarting: waits with the early queue
      hub.queue_.push([m, a]);
      if (m == 'capture') hub.queuedCaptures_++;
      return;
    }
    if (this.held_) {  // after a capture that waits for a symbol table: in order, after it
      // Built now, as Sentry builds an event when it is captured (the thrown value as it is now,
      // the filters now); it reaches the core when the hold ends.
      if (m == 'capture' && !a[BUILT]) {
        try {
          if (this.build(a)) return;
        } catch (e) {
          return this.broke(e, 1);
        }
      }
      if (m == 'capture') a[HELD] = Date.now();
      this.held_.push([m, a]);
      // A storm while a capture waits (a loop of errors in one task, before any table can come):
      // at most HOLD_MAX operations are kept, then what is held goes now, as at the timeout (its
      // tables still on their way marked `pending`, and so are the storm's later captures, which
      // then group as its first ones did; a table that arrives serves the errors after it).
      if (this.held_.length >= HOLD_MAX) this.release(1);
      return;
    }
    try {
      const core = this.core_;
      // A scope fingerprint changes what a capture's texts group under: the learned ones go.
      if (m == 'popScope' ? this.scopeFingerprint_ : m == 'setScope' && platform.hasOwn_.call(a, 'fingerprint') && (this.scopeFingerprint_ = 1)) fps.clear();
      if (m == 'addBreadcrumb') a = trimCrumb(a, this.options_.maxValueLength);
      this.keep(m, a);
      if (a === undefined) return core[m]();
      // Values are normalized now, as Sentry does when it builds an event: the page may have
      // handed anything (cycles, DOM nodes, Proxies) and the core takes JSON.
      if (m == 'setScope') a = patch(a);
      else if (m == 'addBreadcrumb') a = normalize(a, 4);
      else if (a.scope) a.scope = patch(a.scope);
      if (a.template) a.template.params = normalize(a.template.params, 3);
      let key = '';
      if (m == 'capture') {
        if (!a[BUILT] && this.build(a)) return;
        // The first error in a bundle with a symbol table waits for it (bounded), so that it groups
        // as its repeats will; everything after it waits too, in order.
        if (this.symbols(a)) {
          if (!a.request) hub.context(a);
          this.held_ = [[m, a]];
          return;
        }
        const x = this.sessions_ && a.exceptions && a.exceptions[0];
        if (x) this.sessions_.error(!x.mechanism || x.mechanism.handled !== false);
        // A repeat of texts whose fingerprint the core told us: one small call, no JSON. Only when
        // these texts (and capture data) were its group's latest in the core: the group's summary
        // is that input, rebuilt with the scope of its last repeat (the core keeps a snapshot of
        // the scope with each count).
        key = signature(a);
        const known = key && fps.get(key);
        this.captureInCore_ = 1;  // the capture in the core: counted as lost if the core aborts now
        if (known && fps.get(known.f) === known && core.countRepeat && core.countRepeat(known.f, a.timestamp)) {
          hub.stats_.fast_repeats++;
          this.captureInCore_ = 0;
          return this.counted(a, known.f);
        }
        if (!a.request) hub.context(a);
      }
      const st = m == 'capture' && core.captureWithStacks && takeStacks(a);
      const r = fromJson(st ? core.captureWithStacks(toJson(a), st) : core[m](toJson(a)));
      this.captureInCore_ = 0;
      if (m != 'capture') {
        if (r.ok === false) log(this.options_.debug, m, r.error);
        // The session's distinct user: the core takes it as Sentry does and scrubs it as user.id.
        if (m == 'setScope' && platform.hasOwn_.call(a, 'user') && this.sessions_) this.sessions_.did = typeof r.did == 'string' ? r.did : '';
        return;
      }
      if (r.fingerprint) {
        if (fps.size >= 512) fps.clear();
        // (Fingerprints and signatures cannot collide: a signature has \u0001 in it.)
        const entry = { f: r.fingerprint };
        if (key) fps.set(key, entry);
        fps.set(r.fingerprint, key && entry);
      }
      if (r.status == 'queued') {
        hub.stats_.queued++;
        this.coreHeld_++;
        // Sentry's `sentry.event` breadcrumb: the next event shows this one (taken out again if it is not sent: unsent()).
        if (hub.on_('sentry')) {
          const x = a.exceptions && a.exceptions[0], s = a.scope || {};
          hub.crumb({ category: 'sentry.event', timestamp: a.timestamp, event_id: r.event_id, level: a.level || s.level || (x ? 'error' : 'info'),
            message: a.message || (x ? (x.value && x.type ? `${x.type}: ${x.value}` : x.type || x.value) : a.message) }, { event: a });  // Sentry's getEventDescription: the message first
        }
        const t = this.transportSettings_;
        // Many events in one task (a loop of distinct errors): drained now, not at the end of the
        // task, so the core's queue (and heap) stays small.
        if (++this.queuedSinceDrain_ >= 8 && this.queuedSinceDrain_ >= this.eventsPerEnvelope_) this.pump();
        else this.schedule(t.multiEvent && this.queuedSinceDrain_ < this.eventsPerEnvelope_ ? t.maxAgeMs ?? 250 : 0);
      } else if (r.status == 'aggregated') {
        this.counted(a, r.fingerprint);
      } else {
        log(this.options_.debug, 'event dropped by the core:', r.reason, r.error);
      }
    } catch (e) {
      this.broke(e, m == 'capture');
    }
  }

  /**
   * Debug IDs and symbol tables of the bundles in a capture's stacks: sets `debugIds` (the core
   * writes debug_meta.images from them) and `symbols` (tables that could not be had), and starts
   * fetching a table the first time an error shows a frame of its bundle. True when the capture
   * must wait for a table still on its way.
   */
  symbols(a) {
    // The registrations are read once per task: a bundle registers as its script runs, in a task of
    // its own, and reading three globals of the page costs a capture microseconds.
    if (!this.registryRead_) {
      this.registry_ = registry(globalObject, this.registryCache_);
      this.registryRead_ = 1;
      platform.promiseThen_.call(platform.Promise_.resolve(), () => { this.registryRead_ = 0; });
    }
    const reg = this.registry_, c = this.core_;
    // The page's scan (scanSources), in every engine, only with the WASM core (the JS fallback
    // does not resolve): see scanWanted().
    const scan = this.options_.scanSources !== false && !!c.addSymbolTable;
    if ((!reg.size && !scan) || !a.exceptions) return false;
    const ids = {}, st = {}, k = a.exceptions.map((x) => x.stack).join('\0');
    // A storm repeats one stack: its URLs are read once (and, when asked, whether it is
    // JavaScriptCore's and which of its files show minified code).
    const urls = k == this.stackKey_ ? this.stackUrls_ : (this.stackUrls_ = new Set());
    if (k != this.stackKey_) {
      for (const x of a.exceptions) stackUrls(x.stack, urls);
      this.stackIsJsc_ = this.stackMinified_ = undefined;
    }
    this.stackKey_ = k;
    let wait = false, news = 0;
    // One event waits for its tables symbolTableTimeout at most in all, from its capture (also
    // when it was held behind another event, or its tables started later).
    const now = Date.now(), left = (a[HELD] || (a[HELD] = now)) + (this.options_.symbolTableTimeout ?? 3000) - now;
    // Whether script u's table is on its way (`scan`: may start the page's scan of it), and the
    // event's mark when it cannot be had.
    const look = (u, scan) => {
      let t = this.symbolTables_.get(u);
      if (!t && scan) {
        t = this.table(u, undefined, scan);  // scan: the URL the page loaded it from (scannable)
        news++;
      }
      if (!t || t.s == 'refused') return;
      if (t.s == 'wait') {
        // A storm went out without this table (HOLD_MAX): the rest of it does too, rather than
        // wait and group with the table, apart from its first events (one bug, one key).
        if (this.hurry_ || t.hurried) {
          st[u] = 'pending';
          t.hurried = 1;
        } else if (left > 0) wait = true;
        else {
          st[u] = 'timeout';
          this.late(t);
        }
      } else if (t.s != 'ok') st[u] = t.s;
    };
    for (const u of urls) {
      const r = reg.get(u);
      if (r && r.id) ids[u] = r.id;
      // The chunk that holds this module is the SDK's own (its wrappers are on many stacks): its
      // frames never decide a group, its table is not fetched.
      if (!c.addSymbolTable || u == SELF) continue;
      // A registered table is fetched; without one the app's script is scanned (js/scan.js), at
      // most SCANS_PER_CAPTURE new scripts per capture (a stack names few of the app's scripts).
      if (!this.symbolTables_.get(u) && r && r.table) this.table(u, r.table);
      look(u, !this.symbolTables_.get(u) && scan && news < SCANS_PER_CAPTURE && this.scanWanted(a, u));
    }
    // ES module linking: JavaScriptCore elides a function that ends in `return f(x)`, and with it
    // the only frame of an imported module whose function that was (`parseConfig` of
    // ./parsers.js, called from app.js). Once the frames' tables are in, the modules their frames
    // call into by an import (the table's import_calls at the frame's position) that have no
    // table are scanned too, in the same wait, so that the core follows the call into their table
    // (grouping.cpp reconstruct_tail_calls): at most LINKS_PER_CAPTURE, by the scan's rules (a
    // module's registered table, `sourcemaps inject`, is fetched instead); `linked` counts them.
    if (!wait && scan && this.jsc(a)) {
      for (const u of this.links(a)) {
        const r = reg.get(u), fresh = !this.symbolTables_.get(u) && ((r && r.table) || this.scanWanted(a, u));
        if (fresh && r && r.table) this.table(u, r.table);
        look(u, !this.symbolTables_.get(u) && fresh);
        if (fresh) this.hub_.stats_.symbol_tables.linked = (this.hub_.stats_.symbol_tables.linked || 0) + 1;
      }
    }
    if (wait) {
      cancel(this.holdTimer_);
      this.holdTimer_ = later(() => this.release(), left);
      return true;
    }
    if (platform.keys_(ids).length) a.debugIds = ids;
    if (platform.keys_(st).length) a.symbols = st;
    return false;
  }

  /** Whether capture `a`'s stacks are JavaScriptCore's (read once per stack). */
  jsc(a) {
    if (this.stackIsJsc_ === undefined) this.stackIsJsc_ = a.exceptions.some((x) => x.stack && jscStack(x.stack));
    return this.stackIsJsc_;
  }

  /**
   * The modules capture `a`'s JavaScriptCore frames call into by an import, resolved (moduleUrl)
   * from their tables' import_calls (read once per table), innermost first, at most
   * LINKS_PER_CAPTURE, other than the SDK's own.
   */
  links(a) {
    const out = new Set();
    for (const x of a.exceptions) {
      for (const [, u, line, col] of jscFrames(x.stack)) {
        const t = this.symbolTables_.get(u), spec = t && t.s == 'ok' && (t.ic || (t.ic = importCalls(t.txt))).get(line + ':' + col), m = spec && moduleUrl(u, spec);
        if (m && m != SELF && out.size < LINKS_PER_CAPTURE) out.add(m);
      }
    }
    return out;
  }

  /**
   * Whether capture `a`'s frames in script `u` (no table registered, none built yet) start the
   * page's scan of it. In a JavaScriptCore stack, when scannable(u): the table puts back the frames
   * its proper tail calls drop. In a V8 or SpiderMonkey stack (they elide no frame, the table gives
   * the functions' names: a method's class, where an anonymous function is defined) only when
   * the stack's frames there show no minified code (minifiedUrls: the scan would refuse it, the
   * page pays nothing). A script judged not to be scanned is not looked at again on this page.
   */
  scanWanted(a, u) {
    const no = this.noScan_ || (this.noScan_ = new Set());
    if (no.has(u)) return false;
    if (!this.jsc(a)) {
      if (!this.stackMinified_) {
        this.stackMinified_ = new Set();
        for (const x of a.exceptions) minifiedUrls(x.stack, this.stackMinified_);
      }
      if (this.stackMinified_.has(u)) return no.add(u) && false;
    }
    return this.scannable(u) || (no.add(u) && false);
  }

  /**
   * Whether the page's scan may fetch this script: http(s), of a first-party origin (the core's
   * in-app rule: firstPartyOrigins, default the page's), not excluded by inAppExclude, not a
   * dependency (/node_modules/), not the SDK's own files, not the page itself (inline scripts: the
   * document is HTML, not the script).
   */
  scannable(u) {
    const options = this.options_, loc = globalObject.location, hub = this.hub_;
    if (!/^https?:\/\//i.test(u) || u.includes('/node_modules/')) return false;
    let origin;
    try { origin = new URL(u).origin; } catch { return false; }
    const first = options.firstPartyOrigins || (loc && loc.origin != 'null' ? [loc.origin] : []);
    if (!first.includes(origin)) return false;
    const pre = (xs) => Array.isArray(xs) && xs.some((p) => typeof p == 'string' && p && u.startsWith(p));
    if (pre(options.inAppExclude) || pre(hub.sdkUrls_)) return false;
    const path = (x) => String(x).replace(/[?#].*$/, '');
    if (loc && path(loc.href) == path(u)) return false;
    // Only a script this page loaded (a <script src>, or a script or module the browser fetched as
    // such, by its resource timing): a URL written into a stack by the page is not fetched. The
    // URL it was loaded from is returned: JavaScriptCore's frames drop a script's query
    // (`app.js?v=7` is `app.js` on its stack), so a stack URL without one is the loaded URL whose
    // path it is, when the page loaded one such URL only.
    const doc = globalObject.document, perf = globalObject.performance;
    const loaded = (e) => e.initiatorType == 'script' || e.initiatorType == 'other';
    try {
      if (doc && [].some.call(doc.scripts || [], (e) => e.src == u)) return u;
      if (perf && perf.getEntriesByName(u, 'resource').some(loaded)) return u;
      if (/[?#]/.test(u)) return false;
      const found = new Set();
      for (const e of (doc && doc.scripts) || []) if (e.src && path(e.src) == u) found.add(e.src);
      for (const e of (perf && perf.getEntriesByType('resource')) || []) if (loaded(e) && path(e.name) == u) found.add(e.name);
      return found.size == 1 ? [...found][0] : false;
    } catch { return false; }
  }

  /**
   * A bundle's symbol table, once per URL, handed to the core: fetched (`file`, its registration)
   * with the platform's fetch, or, without `file`, built in the page from the script's own code
   * (js/scan.js: the script fetched as the browser cached it, the scan module loaded beside the
   * core's .wasm).
   */
  table(url, file, from) {
    const hub = this.hub_, t = { s: 'wait' }, n = hub.stats_.symbol_tables || (hub.stats_.symbol_tables = { fetched: 0, scanned: 0, refused: 0, failed: 0, timeouts: 0 });
    this.symbolTables_.set(url, t);
    // The scan's download is aborted past SCAN_MAX_BYTES and after SCAN_MAX_MS (a body that
    // never ends is not downloaded on), not at the first error's timeout: a slow server's script
    // still gives the table that serves the next errors, as a table's fetch does.
    const ac = !file && globalObject.AbortController ? new globalObject.AbortController() : 0, stop = () => ac && ac.abort();
    const hard = ac ? later(stop, SCAN_MAX_MS) : 0;
    // The first error of the bundle waits this long at most; a table arriving later still serves the next ones.
    const to = later(() => {
      if (t.s != 'wait') return;
      t.s = 'timeout';
      this.late(t);
      this.release();
    }, this.options_.symbolTableTimeout ?? 3000);
    // The script as the page loaded it: the browser's cached copy first (force-cache), so a
    // redeploy under the same URL does not give the scan another version than the one running.
    const get = (u, scan) => platform.Promise_.resolve(u).then((v) => this.fetch_(v, { credentials: 'same-origin', ...(scan && { cache: 'force-cache', signal: ac ? ac.signal : undefined }) }))
      .then((r) => (r.ok ? r : platform.Promise_.reject(Error(`${u}: HTTP ${r.status}`))));
    (file ? get(file).then((r) => r.text())
      : get(from || url, 1).then((r) => readBounded(r, SCAN_MAX_BYTES, url, stop))
        .then((code) => this.scanner(n).then((x) => x.scan(url, code)))
        .then((r) => {
          if (r.table !== undefined) return r.table;
          // Refused (minified: the event groups as without a table, unmarked) or skipped (too large
          // for the main thread, where no Worker could start: the event says so).
          const k = r.refused !== undefined ? 'refused' : 'skipped';
          if (t.s == 'wait' || t.s == 'timeout') t.s = k;
          n[k] = (n[k] || 0) + 1;
          log(this.options_.debug, 'no table built from', url + ':', r[k]);
        }))
      .then((txt) => {
        if (txt === undefined) return;
        const core = this.core_, r = core ? fromJson(core.addSymbolTable(url, txt)) : { ok: true };  // no core now: start() adds it
        if (r.ok === false) throw Error(`${file || url}: ${r.error}`);
        t.txt = txt;
        t.s = 'ok';
        n[file ? 'fetched' : 'scanned']++;
        this.forget();  // texts grouped without the table group differently with it
      })
      .catch((e) => {
        if (t.s == 'wait' || t.s == 'timeout') t.s = 'failed';
        n.failed++;
        log(this.options_.debug, 'symbol table unavailable:', e);
      })
      .then(() => { cancel(to); cancel(hard); this.release(); });
    return t;
  }

  /**
   * The page's scanner (js/scan.js Scanner: in a Worker, else bounded on this thread), from the
   * module that is also the Worker's script, imported at the first scan (a failure is forgotten).
   */
  scanner(n) {
    const w = this.scanUrl(1), s = this.scannerModule_ || (this.scannerModule_ = import(/* @vite-ignore */ /* webpackIgnore: true */ w)
      .then((m) => new m.Scanner(this.scanUrl(), w, this.fetch_, n, this.options_.debug)));
    s.catch(() => { this.scannerModule_ = 0; });
    return s;
  }

  /** A table an event stopped waiting for: counted once in `timeouts`. */
  late(t) {
    if (!t.to) this.hub_.stats_.symbol_tables.timeouts++;
    t.to = 1;
  }

  /** The scan module's URL (`w`: its Worker's script): beside the core's .wasm, found as start() finds it. */
  scanUrl(w) {
    const options = this.options_, f = w ? 'faultline-scan-worker.mjs' : 'faultline-scan.wasm';
    return options.wasmUrl ? new URL(f, options.wasmUrl).href : options.locateFile ? options.locateFile(f, '')
      : w ? new URL('../dist/faultline-scan-worker.mjs', import.meta.url).href : new URL('../dist/faultline-scan.wasm', import.meta.url).href;
  }

  /** Runs what the hold kept, in order, until a capture must wait again (hurry: never). */
  release(hurry) {
    const q = this.held_;
    if (!q) return;
    this.held_ = null;
    this.hurry_ = hurry;
    while (q.length && !this.held_) {
      const [m, a] = q.shift();
      this.run(m, a);
    }
    this.hurry_ = 0;
    if (this.held_) this.held_.push(...q);
    else for (const w of this.holdWaiters_.splice(0)) w();
  }

  /**
   * An exception from the core: an abort restarts it (the capture in it is counted there),
   * anything else is counted as internal, and a capture it stopped as dropped.
   */
  broke(e, capture) {
    if (this.aborted_ || get(e, 'name') == 'RuntimeError') this.restart(e);
    else {
      this.hub_.fail(e);
      if (capture) this.hub_.drop('internal_sdk_error');
    }
    this.captureInCore_ = 0;
  }

  /** What a restarted core must get back: the scope stack (as merged patches), the newest crumbs. */
  keep(m, a) {
    const scopeStack = this.scopeStack_, top = scopeStack[scopeStack.length - 1];
    if (m == 'setScope') {
      for (const k of platform.keys_(a)) if (!(BAGS[k] && a[k] && typeof a[k] == 'object' && mergeBag(top, k, a[k]))) top[k] = a[k];  // in place: O(keys set)
    } else if (m == 'pushScope') {
      scopeStack.push({ ...top });
    } else if (m == 'popScope') {
      if (scopeStack.length > 1) scopeStack.pop();
    } else if (m == 'addBreadcrumb') {
      this.crumbs_.push(toJson(a));
      if (this.crumbs_.length > (this.options_.maxBreadcrumbs ?? 100)) this.crumbs_.shift();
    }
  }

  /**
   * A repeat counted in the core; its summary leaves when the group's window closes. The group's
   * window opened no later than now, so it closes by now + windowMs: that time is kept (in order;
   * the repeats of one second share their latest) and the window timer fires at the earliest kept
   * time, then at the next, until none is left. (One timer, armed by the first repeat alone, fired
   * before the windows of the groups repeated after it closed, and nothing drained their summaries
   * until the next event, flush or pagehide: minutes or hours on an idle page.)
   */
  counted(a, f) {
    const hub = this.hub_, id = a.event_id;
    this.coreHeld_++;
    hub.stats_.aggregated++;
    // With beforeSend or event processors, each repeat is judged by them when its group's summary
    // leaves (before()): its thrown value and processors are kept with the group until then, for
    // at most REPEATS_KEPT repeats of the page in all (past that a repeat shares the decision on
    // the last one kept of its group).
    const ps = f && (hub.eventProcessors_.get(id) || hub.defaultProcessors_());
    if (f && (typeof this.options_.beforeSend == 'function' || ps.length)) {
      const g = this.repeats_.get(f) || (this.repeats_.set(f, { l: [], over: 0 }), this.repeats_.get(f));
      if (this.repeatsKept_ < REPEATS_KEPT) {
        g.l.push({ id, o: hub.originals_.get(id), ps });
        this.repeatsKept_++;
      } else g.over++;
    }
    hub.originals_.delete(id);
    hub.eventProcessors_.delete(id);
    const w = ((this.options_.aggregation || {}).windowMs ?? 60000) + 50, due = Date.now() + w, dues = this.windowDues_ || (this.windowDues_ = []);
    const last = dues[dues.length - 1];  // [first, latest] time of one second's repeats
    if (last && due - last[0] < Math.min(1000, w / 4)) last[1] = due;
    else dues.push([due, due]);
    if (!this.windowTimer_) this.windowTimer_ = later(() => this.windowDue(), w);
  }

  /** The window timer: drains the summaries whose windows closed, and waits for the next kept time. */
  windowDue() {
    this.windowTimer_ = 0;
    this.pump();
    const dues = this.windowDues_, now = Date.now();
    while (dues.length && dues[0][1] <= now) dues.shift();
    if (dues.length) this.windowTimer_ = later(() => this.windowDue(), dues[0][1] - now);
  }

  /**
   * Completes a capture input: the thrown value becomes the exception inputs, then ignoreErrors,
   * denyUrls and allowUrls apply. Returns true when the event is filtered out (counted).
   */
  build(a) {
    const hub = this.hub_, o = this.options_;
    if (platform.hasOwn_.call(a, 'event')) {  // captureEvent(): an event of Sentry's shape
      const ev = a.event, xs = get(get(ev, 'exception'), 'values'), le = get(ev, 'logentry');
      delete a.event;
      const x = Array.isArray(xs) && xs[xs.length - 1];  // Sentry lists the thrown exception last
      if (x) a.exceptions = [{ type: printable(get(x, 'type') ?? 'Error'), value: printable(get(x, 'value') ?? ''), synthetic: true, mechanism: { type: 'generic', handled: true, ...get(x, 'mechanism') } }];
      else a.message = truncate(printable(get(ev, 'message') ?? get(le, 'formatted') ?? get(le, 'message') ?? ''), 16384);
    }
    if (a.stack) a.stack = below(a.stack);
    if (a.stack && !platform.hasOwn_.call(a, 'raw')) {  // attachStacktrace: the message with the stack of its call, as a synthetic exception
      // (An empty message stays an empty capture, counted below.)
      // ("attached": the core groups it as the message it is, by its text; the stack is for display.)
      if (a.message) {
        a.exceptions = [{ value: a.message, stack: a.stack, synthetic: true, mechanism: { type: 'generic', handled: true } }];
        a.attached = true;
      }
      delete a.stack;
    }
    if (platform.hasOwn_.call(a, 'raw')) {
      let v = a.raw;
      // captureException(errorEvent) with an error: that error, as Sentry reports it.
      try { if (typeof ErrorEvent == 'function' && v instanceof ErrorEvent && v.error != null) v = v.error; } catch {}
      a.exceptions = exceptions(v, a.mechanism);
      // A thrown value that is not an Error has no stack: the capture's (attachStacktrace), as Sentry's synthetic exception.
      if (a.stack && !a.exceptions[0].stack) a.exceptions[0].stack = a.stack;
      delete a.stack;
      const cx = extraContexts(hub, v);  // extraErrorDataIntegration
      if (cx) a.contexts = { ...a.contexts, ...cx };
      if (!isError(v) && v && typeof v == 'object') a.extra = { ...a.extra, __serialized__: normalize(v, 3) };
      delete a.raw;
      delete a.mechanism;
    }
    const x = a.exceptions && a.exceptions[0];
    // Sentry's default inbound filters, each an option (on by default), counted when they drop.
    const f = o.inboundFilters || {};
    const kind = x && (f.scriptError !== false && SCRIPT_ERROR.test(x.value) && !x.stack && !a.loc ? 'script_error'
      : f.browserExtensions !== false && EXTENSION.test(topUrl(x.stack) || x.filename || '') ? 'browser_extension' : 0);
    // A filtered capture stays in `captured` (captured = delivered + dropped) and is counted as
    // dropped (event_processor, as Sentry's eventFilters reports it) and in `filtered` by rule.
    const filtered = (rule) => {
      hub.originals_.delete(a.event_id);
      hub.drop('event_processor');
      hub.stats_.filtered = { ...hub.stats_.filtered, [rule]: ((hub.stats_.filtered || {})[rule] || 0) + 1 };
      return true;
    };
    if (kind) return filtered(kind);
    if (x && a.loc && !x.stack) {
      // One frame where the engine says it happened, written as a V8 stack line for the core's parser.
      // A data: URL (a worker or script the page built) is named as Sentry names it:
      // <data:text/javascript,base64>, or <data:mime> when not base64.
      const f = a.loc[0];
      if (typeof f == 'string' && /^data:/i.test(f)) {
        const m = /^data:([^;,]+)/i.exec(f);
        a.loc[0] = `<data:${m ? m[1] : 'text/javascript'}${/^data:[^,]*;base64,/i.test(f) ? ',base64' : ''}>`;
      }
      [x.filename, x.lineno, x.colno] = a.loc;
      x.stack = `${x.type}: ${x.value}\n    at ${a.loc.join(':')}`;
    }
    delete a.loc;
    const url = x && (o.denyUrls || o.allowUrls) && (topUrl(x.stack) || x.filename);
    if (matches(o.ignoreErrors, x ? [`${x.type}: ${x.value}`, x.value] : [a.message])) return filtered('ignore_errors');
    if (url && matches(o.denyUrls, [url])) return filtered('deny_urls');
    if (url && o.allowUrls && o.allowUrls.length && !matches(o.allowUrls, [url])) return filtered('allow_urls');
    a[BUILT] = 1;
    // Nothing to report (captureMessage(''), captureEvent({})): the core sends it as "<empty capture>",
    // counted here so that it is never a silent stand-in for a lost error.
    if (!x && !printable(a.message ?? '')) {
      hub.stats_.empty_captures = (hub.stats_.empty_captures || 0) + 1;
      log(o.debug, 'a capture with neither an exception nor a message: sent as "<empty capture>"');
    }
  }

  /** startSession/endSession/captureSession (index.js): 'start', 'end' or 'send'. */
  session(op) {
    const s = this.sessions_ || (this.sessions_ = new Sessions(this.hub_, (p) => this.sendSession(p), 1));
    if (op == 'start') s.start();
    else if (op == 'end') s.end();
    else s.send();
  }

  /**
   * The app's own integrations (Sentry's interface: setupOnce, setup(client), preprocessEvent,
   * processEvent(event, hint, client), afterAllSetup), set up when this part of the SDK loads; their
   * processors run on every event, first, as Sentry's client runs its integrations'.
   */
  own(list) {
    // getClient()'s client when there is one (the app asked for it, or init came from BrowserClient),
    // else what integrations read of a client (the whole class stays off the critical path).
    const hub = this.hub_, o = this.options_, cl = hub.browserClient_ || { getOptions: () => o, getDsn: () => o.dsn, on: () => () => {}, emit() {} };
    for (const i of list) {
      const f = (k) => typeof get(i, k) == 'function';
      try {
        if (f('setupOnce')) i.setupOnce();
        if (f('setup')) i.setup(cl);
        if (f('preprocessEvent')) hub.integrationProcessors_.push((e, x) => { i.preprocessEvent(e, x, cl); return e; });
        if (f('processEvent')) hub.integrationProcessors_.push((e, x) => i.processEvent(e, x, cl));
        if (f('afterAllSetup')) i.afterAllSetup(cl);
      } catch (e) { hub.fail(e); }
    }
  }

  /** Integrations added after init (addIntegration): their processors join the others. */
  add(only) {
    try { this.processors_.push(...integrations(this.hub_, only)); } catch (e) { this.hub_.fail(e); }
  }

  /** A session update as its own envelope (Sentry takes sessions beside events, never inside them). */
  sendSession(payload) {
    const transport = this.transport_;
    if (!transport) return this.sessionQueue_.length < 20 && this.sessionQueue_.push(payload);
    const head = { sent_at: new Date().toISOString(), sdk: { name: SDK.name, version: SDK.version } };
    if (this.options_.tunnel) head.dsn = this.options_.dsn;
    try { transport.send([{ body: frameEnvelope(toJson(head), [{ type: 'session', payload }], toJson), occurrences: 0, category: 'session' }]); } catch (e) { this.hub_.fail(e); }
  }

  schedule(ms) {
    if (this.sendTimer_ && ms) return;
    cancel(this.sendTimer_);
    this.sendTimer_ = later(() => { this.sendTimer_ = 0; this.pump(); }, ms);
  }

  /** Forgets the fingerprints learned from the core's answers: the next capture of each text takes the full path. */
  forget() {
    this.fingerprints_.clear();
  }

  /** Drains the core's queue (force: also the pending aggregation summaries) to the transport. */
  pump(force, hiding) {
    if (this.aborted_) this.restart(Error('the WASM core aborted'));
    const core = this.core_, transport = this.transport_;
    if (!core || !transport) return;
    try {
      this.queuedSinceDrain_ = 0;
      const envs = fromJson(core.drain(Date.now(), !!force, this.eventsPerEnvelope_)).envelopes;
      // The summaries took their groups' kept inputs: the next repeat of each takes the full path
      // once, so that its group keeps an input again (else its summary would be the count alone).
      if (force) this.forget();
      for (const e of envs) this.coreHeld_ = Math.max(0, this.coreHeld_ - (e.occurrences || 0));
      const send = (l) => {
        l = l.filter(Boolean);
        if (l.length) (hiding && transport.sendOnHide ? transport.sendOnHide(l) : transport.send(l));
      };
      const bs = this.options_.beforeSend;
      if (!envs.length) return hiding && transport.sendOnHide && transport.sendOnHide([]);  // still hands over the retries
      // Every event goes through before(): beforeSend (if any) sees @sentry/browser's shapes, the
      // wire gets the form Relay stores (wire.js).
      const out = envs.map((e) => this.before(e, bs));
      if (!out.some(thenable)) return send(out);
      const p = all(out).then((b) => send(b.v)).catch((e) => this.hub_.fail(e)).then(() => { this.beforeSendPending_.delete(p); });
      this.beforeSendPending_.add(p);
    } catch (e) {
      this.broke(e);
    }
  }

  /**
   * The page is gone for good and its stash record counted the events still in beforeSend
   * (waiting()): a late answer neither sends nor counts them again.
   */
  abandon() {
    this.generation_ = (this.generation_ || 0) + 1;
    this.waitingBeforeSend_ = 0;
  }

  /** Occurrences whose async beforeSend has not answered yet. */
  waiting() {
    return this.waitingBeforeSend_ || 0;
  }

  /** Envelopes that could not leave as the page was hidden (the transport keeps them). */
  parked() {
    return (this.transport_ && this.transport_.parked && this.transport_.parked()) || [];
  }

  /** The page is visible again: they go the normal way (drop: they were stashed for good). */
  unpark(drop) {
    if (this.transport_ && this.transport_.unpark) this.transport_.unpark(drop);
  }

  /**
   * Runs beforeSend (if given) on every event of an envelope, turns what it keeps into the wire
   * form (toWire) and re-frames it. Returns the envelope, null when everything was dropped, or a
   * promise of either if beforeSend is async.
   * (The core serializes compact JSON, so an envelope is header, then item-header/payload lines.)
   */
  before(env, bs) {
    const hub = this.hub_;
    const head = env.body.slice(0, env.body.indexOf('\n')), items = [];
    for (const { header: ih, payload } of parseEnvelope(env.body, platform.parse_).items) {
      if (ih.type != 'event') {
        items.push(Object.assign(Object.create(null), { ih, p: payload, n: 0 }));
        continue;
      }
      let ev = fromJson(payload);
      const id = ev.event_id;
      this.strip(ev);
      const n = get(get(ev.contexts, 'faultline'), 'count') || 1;
      // A summary's repeats kept for judging (counted()), taken whatever becomes of the summary.
      const fl = get(ev.contexts, 'faultline'), fp = get(fl, 'summary') && get(fl, 'fingerprint'), g = fp && this.repeats_.get(fp);
      if (g) {
        this.repeats_.delete(fp);
        this.repeatsKept_ -= g.l.length;
      }
      let gone = 0;
      for (const f of this.processors_) {
        // null: an integration drops the event (thirdPartyErrorFilterIntegration), counted as Sentry counts it
        try { const r = f(ev); if (r === null) { gone = 1; break; } ev = r || ev; } catch (e) { hub.fail(e); }
      }
      if (gone) {
        hub.drop('event_processor', n);
        this.unsent(id, fl);
        continue;
      }
      let settled = 0, async = 0;
      const gen = this.generation_;
      // The occurrences the processors and beforeSend judge, each [hint, processors, how many it
      // stands for]: the event's, standing for its n; or, for a summary whose repeats were kept
      // (counted()), each repeat with its own thrown value and processors, on a copy of the
      // summary (past REPEATS_KEPT, a repeat shares the decision on the last one kept).
      let judged;
      if (g && g.l.length) {
        const l = g.l.slice(-n);
        judged = l.map((x) => [{ event_id: x.id, originalException: x.o }, x.ps, 1]);
        judged[judged.length - 1][2] += Math.max(0, n - l.length);
      } else judged = [[{ event_id: id, originalException: hub.originals_.get(id) }, hub.eventProcessors_.get(id) || hub.defaultProcessors_(), n]];
      hub.originals_.delete(id);
      hub.eventProcessors_.delete(id);
      // What the judgements came to: the last event kept, how many occurrences were kept, and the
      // drops by reason (a processor's null: event_processor; beforeSend's: before_send; a throw:
      // internal_sdk_error, reported).
      const decide = (list) => {
        const d = res({ r: null, kept: 0, drops: {} });
        list.forEach((x, i) => {
          const w = judged[i][2];
          if (!x.threw && x.r && typeof x.r == 'object') {
            d.r = x.r;
            d.kept += w;
            return;
          }
          if (x.threw && x.threw !== 1) hub.fail(x.threw);  // a throwing beforeSend drops the event: it may have been meant to scrub it
          const k = x.threw ? 'internal_sdk_error' : x.why || 'before_send';
          d.drops[k] = (d.drops[k] || 0) + w;
        });
        return d;
      };
      // Each item is a box (no prototype): promises carrying it never meet a polluted `then`.
      const done = (d) => {  // d: decide()'s answer; 0 when an async answer did not come in time
        if (settled) return null;  // answered after its time-out: already counted
        settled = 1;
        if (gen !== this.generation_) return null;  // abandoned at unload: the stash record counted it
        if (async) this.waitingBeforeSend_ -= n;
        if (!d) {
          hub.drop('before_send', n);
          return this.unsent(id, fl);
        }
        for (const k of platform.keys_(d.drops)) hub.drop(k, d.drops[k]);
        const r = d.r;
        if (!r) return this.unsent(id, fl);
        let p;
        try {
          if (d.kept != n) recount(r, d.kept, this.options_.sampleRate);  // the summary stands for the repeats kept
          this.strip(r);
          p = d.raw ? toJson(toWire(r)) : this.wire(r);  // raw: as the core built it, no callback ran
        } catch (e) {
          hub.fail(e);
          hub.drop('internal_sdk_error', d.kept);
          return this.unsent(id, fl);
        }
        if (!p) {  // over the per-event limit even with breadcrumbs, extra and contexts shed
          log(this.options_.debug, 'the event beforeSend returned is over', EVENT_BYTES, 'bytes: dropped');
          hub.drop('oversized_input', d.kept);
          return this.unsent(id, fl);
        }
        // A summary (the repeats of a group counted in its window) is an event sent: like
        // Sentry's sentry.event breadcrumb for each event its client sends, the next event shows it.
        // (A new event's crumb is added when it is queued, see run().)
        if (get(get(r.contexts, 'faultline'), 'summary') && hub.on_('sentry')) {
          const xs = get(get(r, 'exception'), 'values'), x = Array.isArray(xs) && xs[xs.length - 1];
          hub.crumb({ category: 'sentry.event', event_id: get(r, 'event_id') || id, level: get(r, 'level') || 'error',
            message: printable(get(r, 'message') ?? get(get(r, 'logentry'), 'formatted') ?? '') || (x ? (x.value && x.type ? `${x.type}: ${x.value}` : x.type || x.value) : '') }, { event: r });
        }
        return Object.assign(Object.create(null), { ih, p, n: d.kept, id: get(r, 'event_id') || id });
      };
      if (!bs && judged.every((j) => !j[1].length)) {
        items.push(done(res({ r: ev, kept: n, drops: {}, raw: 1 })));
        continue;
      }
      // The event processors of the capture's scopes (addEventProcessor), then beforeSend, as
      // Sentry chains them: each may change the event, drop it (null: counted as event_processor)
      // or answer with a promise; a throw drops it (internal_sdk_error).
      const chain = (e, hint, ps) => {
        let why = 0;
        const go = (e, i) => {
          for (; i < ps.length; i++) {
            const r = ps[i](e, hint);
            if (thenable(r)) return platform.Promise_.resolve(r).then((x) => (x == null ? ((why = 'event_processor'), null) : go(x, i + 1)));
            if (r == null) {
              why = 'event_processor';
              return null;
            }
            e = r;
          }
          return bs ? bs(e, hint) : e;
        };
        try {
          const r = go(e, 0);
          return thenable(r) ? platform.Promise_.resolve(r).then((x) => res({ r: x, why }), (x) => res({ threw: x || 1 })) : res({ r, why });
        } catch (x) {
          return res({ threw: x || 1 });
        }
      };
      const copy = judged.length > 1 && toJson(ev);
      const list = judged.map(([hint, ps], i) => chain(i < judged.length - 1 ? fromJson(copy) : ev, hint, ps));
      if (list.some(thenable)) {
        // An answer that never comes is counted after BEFORE_SEND_MS (flush() says false until then).
        async = 1;
        this.waitingBeforeSend_ = (this.waitingBeforeSend_ || 0) + n;
        items.push(platform.Promise_.race([all(list).then((b) => done(decide(b.v))),
          new platform.Promise_((ok) => later(ok, this.options_.beforeSendTimeout || BEFORE_SEND_MS)).then(() => {
            if (!settled) log(this.options_.debug, 'beforeSend did not answer in time; event dropped');
            return done(0);
          })]));
      } else items.push(done(decide(list)));
    }
    const frame = (list) => {
      list = list.filter(Boolean);
      if (!list.length) return null;
      const body = frameEnvelope(head, list.map((x) => ({ ...x.ih, payload: x.p })), toJson);
      return Object.assign(Object.create(null), { body, event_ids: list.map((x) => x.id).filter(Boolean), occurrences: list.reduce((s, x) => s + x.n, 0) });
    };
    return items.some(thenable) ? all(items).then((b) => frame(b.v)) : frame(items);
  }

  /**
   * An event not sent after all (beforeSend, a processor or an integration dropped it, or it timed
   * out): its `sentry.event` breadcrumb, added when it was queued, is taken out of every event sent
   * after (strip()), as Sentry adds one only for an event it sends. The ids of the last
   * max(100, maxBreadcrumbs) such events are kept: an older one's crumb has left the ring. Null.
   */
  unsent(id, fl) {
    const u = this.unsent_;
    if (id && !get(fl, 'summary')) {
      u.add(id);
      if (u.size > Math.max(100, this.options_.maxBreadcrumbs || 0)) u.delete(u.values().next().value);
    }
    return null;
  }

  /** Takes the breadcrumbs of events not sent out of an event (see unsent()). */
  strip(ev) {
    const u = this.unsent_, b = u.size && get(ev, 'breadcrumbs'), gone = (x) => !!x && get(x, 'category') == 'sentry.event' && u.has(get(x, 'event_id'));
    if (Array.isArray(b) && b.some(gone)) ev.breadcrumbs = b.filter((x) => !gone(x));
  }

  /**
   * The JSON an event returned by beforeSend or the processors is sent as: well-formed and within
   * the budgets of the events the core builds (wire.js wellFormed, fitted), in the wire form; a
   * value JSON cannot take (a BigInt, a cycle) normalized as Sentry's serializer does then
   * (`[BigInt: 10]`, `[Circular ~]`). Each field changed is counted in
   * getStats().before_send_fixes (and said under `debug`). '' when it is still too large.
   */
  wire(r) {
    const hub = this.hub_, fix = (what) => {
      hub.stats_.before_send_fixes = (hub.stats_.before_send_fixes || 0) + 1;
      log(this.options_.debug, 'beforeSend returned a malformed or oversized field, fixed:', what);
    };
    const make = (e) => fitted(toWire(wellFormed(e, fix)), toJson, fix);
    try {
      return make(r);
    } catch {
      fix('normalized');
      return make(normalize(r, 100, new WeakSet(), { n: 100000 }));
    }
  }

  /** Sends the drops seen in JS (and, via the core, the core's own) as a client report. */
  report(hiding) {
    const core = this.core_, transport = this.transport_, hub = this.hub_;
    if (!core || !transport || (transport.isRateLimited && transport.isRateLimited('internal'))) return;  // keep the counts until it can go
    try {
      const d = Object.entries(hub.dropped_).map(([k, quantity]) => {
        const [reason, category] = k.split(':');
        return { reason, category, quantity };
      });
      hub.dropped_ = {};
      const body = core.clientReport(toJson(d), Date.now());
      const env = [{ body, occurrences: 0, category: 'internal' }];
      if (body) (hiding && transport.sendOnHide ? transport.sendOnHide(env) : transport.send(env));
      resave(hub);
    } catch (e) {
      this.broke(e);
    }
  }

  /** The page is being hidden or unloaded: everything pending leaves now, summaries included. */
  hide() {
    this.release(1);  // the page may not come back: captures waiting for a table go unresolved now
    this.pump(true, 1);
    this.report(1);
  }

  /** True only when everything captured so far has been delivered or counted as dropped. */
  async flush(ms = 2000) {
    const end = Date.now() + ms, left = () => Math.max(0, end - Date.now());
    await within(this.ready_, left());
    if (!this.core_) return false;  // still loading (or restarting): the early queue is waiting
    if (this.held_) await within(new platform.Promise_((r) => this.holdWaiters_.push(r)), left());  // a capture waits for a symbol table
    if (this.held_) return false;
    // Until nothing is left: an async beforeSend or processor may capture again (its event is
    // queued in the core meanwhile), and that event must be handed over too.
    do {
      this.pump(true);
      await within(all([...this.beforeSendPending_]), left());
    } while ((this.beforeSendPending_.size || this.queuedSinceDrain_) && this.core_ && this.transport_ && left() > 0);
    this.report();
    const ok = this.transport_ ? !!(await this.transport_.flush(left())) : false;
    return ok && !this.beforeSendPending_.size && !this.hub_.queuedCaptures_;
  }

  async close(ms) {
    const ok = await this.flush(ms);
    try { if (this.core_) this.core_.delete(); } catch {}
    this.core_ = null;
    return ok;
  }

  stats() {
    const hub = this.hub_;
    let s = {}, tp = {};
    try { if (this.core_ && !this.aborted_) s = fromJson(this.core_.stats()); } catch {}
    try { if (this.transport_) tp = this.transport_.stats(); } catch {}
    const dropped = { ...s.dropped };
    for (const k of platform.keys_(hub.stats_.dropped)) dropped[k] = (dropped[k] || 0) + hub.stats_.dropped[k];
    return { ...hub.stats_, core: hub.mode_, dropped, early: hub.queue_.length, held: this.held_ ? this.held_.length : 0, heap_bytes: s.heap_bytes, groups: s.groups, transport: tp };
  }
}
