// The @sentry/browser integrations that are more than hook switches, with Sentry's options and
// behaviour (read from getsentry/sentry-javascript; written here for Faultline's pipeline). Loaded
// with the lazy part of the SDK (client.js): init() only records which were asked for
// (hub.options_._lazy: name -> options); the hooks on the critical path hand their raw data over through
// hub.captureResponse_ (fetch/XHR responses) and hub.captureConsole_ (console calls) once this module has set them.
//   HttpClient        a failed fetch/XHR response (status in failedRequestStatusCodes, default
//                     [[500, 599]]; URL in failedRequestTargets, default all; never the SDK's own
//                     delivery) becomes an event: "HTTP Client Error with status code: N", mechanism
//                     auto.http.client.fetch|xhr (unhandled), the request (url, method; headers only
//                     with sendDefaultPii) and contexts.response (status_code, body_size; headers only
//                     with sendDefaultPii). Cookies are never sent. Headers pass the core's scrubber.
//   CaptureConsole    console calls at `levels` (default all) become events: an Error argument is
//                     captured as an exception, anything else as a message (console.assert only when
//                     it fails), level from the method, extra.arguments, logger "console".
//   ExtraErrorData    the thrown Error's own enumerable properties (and toJSON(), and its cause's)
//                     become contexts[<error name>], normalized `depth` deep (3).
//   RewriteFrames     frames' filenames under `root` get `prefix` ('app:///') instead, or `iteratee`
//                     rewrites each frame (after grouping, before beforeSend).
//   ReportingObserver the browser's crash/deprecation/intervention reports become messages
//                     "ReportingObserver [type]: details" with extra url and body.
//   ContextLines      frames of the page's own inline scripts (file = the page's URL) get
//                     pre_context/context_line/post_context from the page's HTML, frameContextLines
//                     (5, as Sentry 11) each side, through the scrubber (the JS core's rules, loaded with it).
//   ModuleMetadata    (and ThirdPartyErrorsFilter, as in Sentry) frames of a bundle the Sentry
//                     bundler plugins registered in _sentryModuleMetadata get its metadata as
//                     module_metadata, for event processors and beforeSend; the wire leaves it out.
import { globalObject, get, printable, asString, isError, log } from './util.js';
import { normalize } from './normalize.js';

const CONSOLE_LEVELS = ['debug', 'info', 'warn', 'error', 'log', 'assert', 'trace'];
const SEVERITY = { warn: 'warning', assert: 'error', trace: 'log' };
const NATIVE = ['name', 'message', 'stack', 'line', 'column', 'fileName', 'lineNumber', 'columnNumber', 'toJSON'];

// A stack taken inside the SDK's fetch/XHR wrappers, without their frames: the frame that took it,
// then the wrappers' (named fetch / send, as the originals). V8 heads its stacks with the error's
// "Error" line; SpiderMonkey and JavaScriptCore do not.
const dropTop = (s, own = []) => {
  const l = String(s).split('\n'), i = /^\w*Error\b/.test(l[0]) ? 1 : 0;
  l.splice(i, 1);
  // The wrappers of fetch/send (ours, the page's): by name, or, ours, by the SDK's own files (in
  // the minified single-file build SpiderMonkey names a frame by its minified source name).
  while (i < l.length && (l[i].includes('__faultline_wrap__') || /(?:^|[\s.])(?:fetch|send)\s*$/.test(l[i].replace(/(?:\s*\(|@).*$/, '')) || own.some((u) => l[i].includes(u)))) l.splice(i, 1);
  return l.join('\n');
};
const inStatus = (codes, s) => codes.some((r) => (typeof r == 'number' ? r === s : Array.isArray(r) && s >= r[0] && s <= r[1]));
const inTargets = (ts, url) => ts.some((t) => (typeof t == 'string' ? url.includes(t) : t instanceof RegExp && t.test(url)));
const one = (v) => (v && typeof v == 'object' ? (isError(v) ? `${get(v, 'name')}: ${get(v, 'message')}` : Object.prototype.toString.call(v)) : String(v));
const join = (a) => a.map((v) => { try { return one(v); } catch { return '[value cannot be serialized]'; } }).join(' ');

/** Sentry's ExtraErrorData: what an Error carries beyond its name, message and stack. */
export function errorData(e, cause = true, max = 0) {
  const out = {};
  try {
    for (const k of Object.keys(e)) {
      if (NATIVE.includes(k)) continue;
      const v = e[k];
      out[k] = isError(v) || typeof v == 'string' ? (max ? String(v).slice(0, max) : String(v)) : v;
    }
    const c = get(e, 'cause');
    if (cause && c !== undefined) out.cause = isError(c) ? { [printable(get(c, 'name') || get(get(c, 'constructor'), 'name'))]: errorData(c, false, max) } : c;
    if (typeof get(e, 'toJSON') == 'function') {
      const j = e.toJSON();
      if (j && typeof j == 'object') for (const k of Object.keys(j)) out[k] = isError(j[k]) ? String(j[k]) : j[k];
    }
  } catch {
    return null;
  }
  return out;
}

/** Sentry's RewriteFrames as an event processor (the event in @sentry/browser's shape). */
export function rewriteFrames(options) {
  const prefix = options.prefix || 'app:///', root = options.root;
  const it = typeof options.iteratee == 'function' ? options.iteratee : (f) => {
    if (root && typeof f.filename == 'string' && f.filename.indexOf(root) === 0) f.filename = f.filename.replace(root, prefix);
    return f;
  };
  return (ev) => {
    const xs = ev.exception && ev.exception.values;
    if (Array.isArray(xs)) {
      for (const x of xs) {
        const fr = x && x.stacktrace && x.stacktrace.frames;
        if (Array.isArray(fr)) x.stacktrace.frames = fr.map((f) => it(f) || f);
      }
    }
    return ev;
  };
}

/**
 * Sets up the integrations init() recorded. Returns the event processors to run on each event
 * before beforeSend (in @sentry/browser's shape), and fills `cx`: per-capture additions the
 * client puts into a capture input as the core takes it (contexts from ExtraErrorData).
 */
export function setup(hub, only) {
  const options = hub.options_, L = only || options._lazy || {}, procs = [];
  // Given as Sentry's list: inboundFilters/eventFilters options are init options (applied when an
  // event is built, so here, before the first); those Faultline does not support are named.
  // (only: integrations added after init, addIntegration.)
  if (!only) for (const [n, i] of Object.entries(options._by || {})) {
    if (i._h === 3) for (const k of ['ignoreErrors', 'denyUrls', 'allowUrls']) if (i._o[k]) options[k] = [...(options[k] || []), ...i._o[k]];
    if (i._h === 0) log(options.debug, `${n} is not supported by Faultline and was ignored`);
  }
  // Fields the core does not carry (request.method, logger): added to the event of that id.
  const post = hub.eventFinishers_ || (hub.eventFinishers_ = new Map());
  if (!only) procs.push((ev) => {
    const f = post.get(ev.event_id);
    if (f) { post.delete(ev.event_id); f(ev); }
    return ev;
  });
  const later = (id, f) => { if (post.size > 200) post.delete(post.keys().next().value); post.set(id, f); };
  const pii = !!options.sendDefaultPii;

  if (L.HttpClient) {
    const httpClient = L.HttpClient;
    const codes = Array.isArray(httpClient.failedRequestStatusCodes) ? httpClient.failedRequestStatusCodes : [[500, 599]];
    const targets = Array.isArray(httpClient.failedRequestTargets) ? httpClient.failedRequestTargets : [/.*/];
    // kind: 'fetch' ({input: fetch's arguments, res}) or 'xhr' ({headers: set by the page, xhr});
    // both: method, url (the response's), status, stack (taken at the call). ts: when a response
    // that completed before this part loaded arrived (it waited in the early queue: client.js).
    hub.captureResponse_ = (kind, r, ts) => {
      if (!inStatus(codes, r.status) || !inTargets(targets, r.url) || hub.isOwnRequest_(r.url)) return;
      const message = `HTTP Client Error with status code: ${r.status}`;
      const res = {}, req = {};
      // (A response that waited in an earlier page's stash has lost its objects: no headers.)
      try {
        if (kind == 'fetch') {
          r.res.headers.forEach((v, k) => { res[k] = v; });  // (a response's Set-Cookie is never exposed to the page)
          if (pii) {
            const [i, init] = r.input, R = globalObject.Request;
            const hs = new Headers((init && get(init, 'headers')) || (R && i instanceof R ? i.headers : undefined));
            hs.forEach((v, k) => { req[k] = v; });
          }
        } else {
          for (const l of String(r.xhr.getAllResponseHeaders() || '').split('\r\n')) {
            const [k, v] = l.split(': ');
            if (k && v) res[k] = v;
          }
          Object.assign(req, r.headers);
        }
      } catch {}
      for (const k in req) if (/^cookie$/i.test(k)) delete req[k];  // cookies are never sent
      const len = res['content-length'];
      const response = { status_code: r.status, ...(pii && { headers: res }), ...(len && { body_size: parseInt(len, 10) }) };
      const input = {
        // Sentry's event has no level (so the scope's, else error as Sentry shows it); a message
        // with an exception would otherwise default to info, as a captureMessage with a stack.
        message, default_level: 'error',
        exceptions: [{ type: 'Error', value: message, ...(r.stack && { stack: dropTop(r.stack, hub.sdkUrls_) }), request: `${r.method} ${r.url}`.slice(0, 2048),
          synthetic: !r.stack, mechanism: { type: `auto.http.client.${kind}`, handled: false } }],
        contexts: { response },
      };
      hub.context(input);
      input.request = { url: r.url, headers: pii ? req : {} };
      const id = hub.capture(input, undefined, ts);
      later(id, (ev) => { if (ev.request) ev.request.method = r.method; });
    };
  }

  if (L.CaptureConsole) {
    const consoleOptions = L.CaptureConsole, levels = Array.isArray(consoleOptions.levels) ? consoleOptions.levels : CONSOLE_LEVELS, handled = consoleOptions.handled ?? true;
    hub.captureConsole_ = (m, args) => {
      if (!levels.includes(m)) return;
      const level = SEVERITY[m] || m;
      let a = [...args], input;
      const mech = { type: 'auto.core.capture_console', handled };
      if (m == 'assert') {
        if (a[0]) return;
        a = a.slice(1);
        input = { message: `Assertion failed: ${join(a) || 'console.assert'}` };
      } else {
        const e = a.find(isError);
        input = e ? { raw: e, mechanism: mech } : { message: join(a) };
      }
      if (options.attachStacktrace !== false && input.message) input.stack = new Error().stack;  // (on by default, as in Sentry 11)
      input.scope = { level, extra: { arguments: a.map((x) => normalize(x, 3)) } };
      const id = hub.capture(input, input.raw);
      later(id, (ev) => {
        ev.logger = 'console';
        const x = ev.exception && ev.exception.values;
        if (x && x.length) x[x.length - 1].mechanism = { ...x[x.length - 1].mechanism, ...mech };
      });
    };
  }

  if (L.RewriteFrames) procs.push(rewriteFrames(L.RewriteFrames));

  if (L.ReportingObserver && typeof globalObject.ReportingObserver == 'function') {
    const types = Array.isArray(L.ReportingObserver.types) ? L.ReportingObserver.types : ['crash', 'deprecation', 'intervention'];
    try {
      const obs = new globalObject.ReportingObserver((reports) => {
        if (hub.stopped_) return;
        for (const r of reports) {
          try {
            const b = get(r, 'body'), body = {};
            let details = 'No details available';
            if (b) {
              for (const k in b) body[k] = b[k];
              details = (get(r, 'type') == 'crash' ? [body.crashId || '', body.reason || ''].join(' ').trim() : printable(body.message || '')) || details;
            }
            hub.capture({ message: `ReportingObserver [${asString(get(r, 'type'))}]: ${details}`, scope: { extra: { url: get(r, 'url'), ...(b && { body }) } } });
          } catch (e) { hub.fail(e); }
        }
      }, { buffered: true, types });
      obs.observe();
      hub.undo_.push(() => obs.disconnect());
    } catch (e) { log(options.debug, 'ReportingObserver unavailable', e); }
  }

  // Sentry 11's default cultureContextIntegration: the browser's locale, time zone and calendar.
  if (L.CultureContext) {
    procs.push((ev) => {
      try {
        const r = globalObject.Intl.DateTimeFormat().resolvedOptions();
        ev.contexts = { ...ev.contexts, culture: { locale: r.locale, timezone: r.timeZone, calendar: r.calendar, ...get(ev.contexts, 'culture') } };
      } catch {}
      return ev;
    });
  }

  if (L.ContextLines) {
    const n = L.ContextLines.frameContextLines ?? 5;
    // The page's HTML may show personal data: its lines pass the scrubber the JS core uses (same
    // rules as the WASM core's), loaded before the first event leaves (client.js waits for hub.needed_).
    if (n > 0) {
      let scrub = null;
      hub.needed_ = import('./scrub.js').then((m) => { scrub = m.createScrubber(options).text; }, (e) => log(options.debug, 'contextLines: no scrubber, no context lines', e));
      procs.push((ev) => (scrub ? contextLines(ev, n, scrub) : ev));
    }
  }
  // Sentry applies module metadata to frames for either integration (the filter reads it there).
  if (L.ModuleMetadata || L.ThirdPartyErrorsFilter) procs.push(frameMetadata());
  if (L.ThirdPartyErrorsFilter) procs.push(thirdParty(L.ThirdPartyErrorsFilter, hub.sdkUrls_ || []));
  return procs;
}

const bare = (u) => String(u || '').replace(/[?#].*$/, '');
const framesOf = (ev) => {
  const xs = get(ev.exception, 'values');
  return Array.isArray(xs) ? xs.flatMap((x) => (x && x.stacktrace && Array.isArray(x.stacktrace.frames) ? x.stacktrace.frames : [])) : [];
};

/** Sentry's snipLine: a line over 150 characters cut to 140 around `col`, marked `{snip}`. */
export function snip(line, col) {
  const n = line.length;
  if (n <= 150) return line;
  let a = Math.max(Math.min(col, n) - 60, 0);
  if (a < 5) a = 0;
  let b = Math.min(a + 140, n);
  if (b > n - 5) b = n;
  if (b == n) a = Math.max(b - 140, 0);
  return (a > 0 ? "'{snip} " : '') + line.slice(a, b) + (b < n ? ' {snip}' : '');
}

/**
 * Sentry's contextLinesIntegration: each frame of the page itself (its file is the page's URL,
 * query and fragment aside; its line past 2) gets `n` lines before and after its line from the page's HTML as the
 * DOM has it now (documentElement.innerHTML between `<!DOCTYPE html>`, `<html>` and `</html>`,
 * as Sentry numbers them), each line cut by snip() and scrubbed.
 */
export function contextLines(ev, n, scrub, doc = globalObject.document, href = globalObject.location && globalObject.location.href) {
  const page = bare(href);
  let lines;
  for (const f of framesOf(ev)) {
    // Lines 1 and 2 stand for the doctype and <html> (innerHTML has neither): no code is there.
    // (SpiderMonkey numbers an inline handler attribute's frame from the attribute, at 1.)
    if (!f || !(f.lineno > 2) || !page || bare(f.abs_path || f.filename) != page) continue;
    if (!lines) {
      const html = doc && doc.documentElement && doc.documentElement.innerHTML;
      if (!html) return ev;
      lines = ['<!DOCTYPE html>', '<html>', ...html.split('\n'), '</html>'];
    }
    const i = Math.max(Math.min(lines.length - 1, f.lineno - 1), 0), cut = (l) => scrub(snip(l, 0));
    f.pre_context = lines.slice(Math.max(0, i - n), i).map(cut);
    f.context_line = scrub(snip(lines[i], f.colno || 0));
    f.post_context = lines.slice(i + 1, i + 1 + n).map(cut);
  }
  return ev;
}

/**
 * The metadata the Sentry bundler plugins register as each bundle runs (`_sentryModuleMetadata`:
 * the stack of that moment -> the bundle's metadata; the stack's innermost file is the bundle), as
 * `module_metadata` on the frames of that file, as Sentry's applyFrameMetadata does. Stacks are
 * read once each (bundles loaded later register later).
 */
function frameMetadata() {
  const byFile = new Map(), seen = new Set();
  return (ev) => {
    const meta = globalObject._sentryModuleMetadata;
    if (meta && typeof meta == 'object') {
      for (const st of Object.keys(meta)) {
        if (seen.has(st)) continue;
        seen.add(st);
        const f = topFile(st);
        if (f) byFile.set(f, meta[st]);
      }
    }
    if (byFile.size) {
      for (const f of framesOf(ev)) {
        if (!f || f.module_metadata) continue;
        const m = byFile.get(f.abs_path) || byFile.get(f.filename);
        if (m) f.module_metadata = m;
      }
    }
    return ev;
  };
}

/** The file of a stack's innermost frame that names one (V8 "at f (url:1:2)", "at url:1:2"; SpiderMonkey/JavaScriptCore "f@url:1:2"). */
function topFile(stack) {
  for (const l of String(stack).split('\n')) {
    const m = /^\s*at (?:.*? \()?(.+?):\d+:\d+\)?\s*$/.exec(l) || /@(.+?):\d+:\d+\s*$/.exec(l);
    if (m) return m[1];
  }
}

const APP_KEY = '_sentryBundlerPluginAppKey:';

/**
 * @sentry/browser's thirdPartyErrorFilterIntegration({ filterKeys, behaviour,
 * ignoreSentryInternalFrames }): the Sentry bundler plugins (applicationKey) mark each bundle of
 * the app with the key `_sentryBundlerPluginAppKey:<key>` in its module metadata, which
 * frameMetadata() has put on the frames. An error event whose frames (every exception's; the frames
 * with a file and a position; not the SDK's own files) are some or all (`…-contains-…` or
 * `…-exclusively-contains-…`) without one of filterKeys is dropped (counted as event_processor, as
 * Sentry counts it) or tagged third_party_code: true, as Sentry does. ignoreSentryInternalFrames is
 * accepted and has nothing to do: the SDK's wrapper frames are cut from every stack (client.js unwrapped).
 */
function thirdParty(opt, own) {
  const want = Array.isArray(opt.filterKeys) ? opt.filterKeys : [], b = String(opt.behaviour || '');
  const some = /-if-contains-/.test(b), drop = b.startsWith('drop-');
  return (ev) => {
    const xs = get(ev.exception, 'values');
    if (!Array.isArray(xs) || !xs.length || xs.some((x) => !x || !x.stacktrace || !Array.isArray(x.stacktrace.frames))) return ev;
    const frames = framesOf(ev).filter((f) => {
      const file = f.abs_path || f.filename;
      return file && (f.lineno > 0 || f.colno > 0) && !own.some((u) => String(file).startsWith(u));
    });
    const third = (f) => !Object.keys(f.module_metadata || {}).some((k) => k.startsWith(APP_KEY) && want.includes(k.slice(APP_KEY.length)));
    if (!(some ? frames.some(third) : frames.every(third))) return ev;
    if (drop) return null;
    ev.tags = { ...ev.tags, third_party_code: true };
    return ev;
  };
}

/** ExtraErrorData for a capture input being built from a thrown value (client.js build()). */
export function extraContexts(hub, v) {
  const x = (hub.options_._lazy || {}).ExtraErrorData;
  if (!x || !isError(v)) return;
  const d = errorData(v, x.captureErrorCause ?? true, hub.options_.maxValueLength);
  if (!d) return;
  const n = normalize(d, x.depth ?? 3);
  if (!n || typeof n != 'object' || Array.isArray(n)) return;
  return { [printable(get(v, 'name') || get(get(v, 'constructor'), 'name') || 'Error')]: n };
}
