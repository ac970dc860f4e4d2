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

// The stack of the app's call into one of the SDK's wrappers (fetch, XMLHttpRequest.send, a console
// method), taken by `new Error()` in the wrapper's own body: without its top frame, that wrapper's,
// exactly one whatever the engine and the bundle (no name or file to recognise). V8 heads a stack
// with the error's line ("Error"); SpiderMonkey's and JavaScriptCore's lines are all frames
// (`fn@url:line:col`).
export const callerStack = (stack) => {
  const lines = String(stack).split('\n');
  lines.splice(/^\s*at |@/.test(lines[0]) ? 0 : 1, 1);
  return lines.join('\n');
};
const inStatus = (codes, status) => codes.some((r) => (typeof r == 'number' ? r === status : Array.isArray(r) && status >= r[0] && status <= r[1]));
const inTargets = (targets, url) => targets.some((target) => (typeof target == 'string' ? url.includes(target) : target instanceof RegExp && target.test(url)));
const one = (v) => (v && typeof v == 'object' ? (isError(v) ? `${get(v, 'name')}: ${get(v, 'message')}` : Object.prototype.toString.call(v)) : String(v));
const join = (values) => values.map((v) => { try { return one(v); } catch { return '[value cannot be serialized]'; } }).join(' ');

/** Sentry's ExtraErrorData: what an Error carries beyond its name, message and stack. */
export function errorData(error, includeCause = true, max = 0) {
  const out = {};
  try {
    for (const key of Object.keys(error)) {
      if (NATIVE.includes(key)) continue;
      const value = error[key];
      out[key] = isError(value) || typeof value == 'string' ? (max ? String(value).slice(0, max) : String(value)) : value;
    }
    const cause = get(error, 'cause');
    if (includeCause && cause !== undefined) out.cause = isError(cause) ? { [printable(get(cause, 'name') || get(get(cause, 'constructor'), 'name'))]: errorData(cause, false, max) } : cause;
    if (typeof get(error, 'toJSON') == 'function') {
      const json = error.toJSON();
      if (json && typeof json == 'object') for (const key of Object.keys(json)) out[key] = isError(json[key]) ? String(json[key]) : json[key];
    }
  } catch {
    return null;
  }
  return out;
}

/** Sentry's RewriteFrames as an event processor (the event in @sentry/browser's shape). */
export function rewriteFrames(options) {
  const prefix = options.prefix || 'app:///', root = options.root;
  const iteratee = typeof options.iteratee == 'function' ? options.iteratee : (frame) => {
    if (root && typeof frame.filename == 'string' && frame.filename.indexOf(root) === 0) frame.filename = frame.filename.replace(root, prefix);
    return frame;
  };
  return (event) => {
    const exceptions = event.exception && event.exception.values;
    if (Array.isArray(exceptions)) {
      for (const exception of exceptions) {
        const frames = exception && exception.stacktrace && exception.stacktrace.frames;
        if (Array.isArray(frames)) exception.stacktrace.frames = frames.map((frame) => iteratee(frame) || frame);
      }
    }
    return event;
  };
}

/**
 * Sets up the integrations init() recorded. Returns the event processors to run on each event
 * before beforeSend (in @sentry/browser's shape). (ExtraErrorData's per-capture contexts come from
 * extraContexts(), which client.js calls as it builds a capture input.)
 */
export function setup(hub, only) {
  const options = hub.options_, requested = only || options._lazy || {}, processors = [];
  // Given as Sentry's list: inboundFilters/eventFilters options are init options (applied when an
  // event is built, so here, before the first); those Faultline does not support are named.
  // (only: integrations added after init, addIntegration.)
  if (!only) for (const [name, integration] of Object.entries(options._by || {})) {
    if (integration._h === 3) for (const k of ['ignoreErrors', 'denyUrls', 'allowUrls']) if (integration._o[k]) options[k] = [...(options[k] || []), ...integration._o[k]];
    if (integration._h === 0) log(options.debug, `${name} is not supported by Faultline and was ignored`);
  }
  // Fields the core does not carry (logger): added to the event of that id.
  const finishers = hub.eventFinishers_ || (hub.eventFinishers_ = new Map());
  if (!only) processors.push((event) => {
    const finish = finishers.get(event.event_id);
    if (finish) { finishers.delete(event.event_id); finish(event); }
    return event;
  });
  const finishEvent = (id, finish) => { if (finishers.size > 200) finishers.delete(finishers.keys().next().value); finishers.set(id, finish); };
  if (requested.HttpClient) httpClient(hub, requested.HttpClient, !!options.sendDefaultPii);
  if (requested.CaptureConsole) captureConsole(hub, requested.CaptureConsole, options, finishEvent);
  if (requested.RewriteFrames) processors.push(rewriteFrames(requested.RewriteFrames));
  if (requested.ReportingObserver && typeof globalObject.ReportingObserver == 'function') reportingObserver(hub, requested.ReportingObserver, options);
  if (requested.CultureContext) processors.push(cultureContext);
  if (requested.ContextLines) {
    const processor = contextLinesProcessor(hub, requested.ContextLines, options);
    if (processor) processors.push(processor);
  }
  // Sentry applies module metadata to frames for either integration (the filter reads it there).
  if (requested.ModuleMetadata || requested.ThirdPartyErrorsFilter) processors.push(frameMetadata());
  if (requested.ThirdPartyErrorsFilter) processors.push(thirdParty(requested.ThirdPartyErrorsFilter, hub.sdkUrls_ || []));
  return processors;
}

/**
 * httpClientIntegration: hub.captureResponse_ turns a failed response the http hook hands over
 * into an event. `pii`: sendDefaultPii (the request's and response's headers are sent only then).
 */
function httpClient(hub, httpOptions, pii) {
  const codes = Array.isArray(httpOptions.failedRequestStatusCodes) ? httpOptions.failedRequestStatusCodes : [[500, 599]];
  const targets = Array.isArray(httpOptions.failedRequestTargets) ? httpOptions.failedRequestTargets : [/.*/];
  // kind: 'fetch' ({input: fetch's arguments, res}) or 'xhr' ({headers: set by the page, xhr});
  // both: method, url (the response's), status, stack (taken at the call). timestamp: when a response
  // that completed before this part loaded arrived (it waited in the early queue: client.js).
  hub.captureResponse_ = (kind, details, timestamp) => {
    if (!inStatus(codes, details.status) || !inTargets(targets, details.url) || hub.isOwnRequest_(details.url)) return;
    const message = `HTTP Client Error with status code: ${details.status}`;
    const responseHeaders = {}, requestHeaders = {};
    // (A response that waited in an earlier page's stash has lost its objects: no headers.)
    try {
      if (kind == 'fetch') {
        details.res.headers.forEach((v, k) => { responseHeaders[k] = v; });  // (a response's Set-Cookie is never exposed to the page)
        if (pii) {
          const [resource, init] = details.input, RequestClass = globalObject.Request;
          const headers = new Headers((init && get(init, 'headers')) || (RequestClass && resource instanceof RequestClass ? resource.headers : undefined));
          headers.forEach((v, k) => { requestHeaders[k] = v; });
        }
      } else {
        for (const line of String(details.xhr.getAllResponseHeaders() || '').split('\r\n')) {
          const [name, value] = line.split(': ');
          if (name && value) responseHeaders[name] = value;
        }
        Object.assign(requestHeaders, details.headers);
      }
    } catch {}
    for (const k in requestHeaders) if (/^cookie$/i.test(k)) delete requestHeaders[k];  // cookies are never sent
    const contentLength = responseHeaders['content-length'];
    const response = { status_code: details.status, ...(pii && { headers: responseHeaders }), ...(contentLength && { body_size: parseInt(contentLength, 10) }) };
    const input = {
      // Sentry's event has no level (so the scope's, else error as Sentry shows it); a message
      // with an exception would otherwise default to info, as a captureMessage with a stack.
      message, default_level: 'error',
      exceptions: [{ type: 'Error', value: message, ...(details.stack && { stack: callerStack(details.stack) }), request: `${details.method} ${details.url}`.slice(0, 2048),
        synthetic: !details.stack, mechanism: { type: `auto.http.client.${kind}`, handled: false } }],
      contexts: { response },
    };
    hub.context(input);
    // (The method with the input, in the core's request: a group's summary has it too.)
    input.request = { url: details.url, method: details.method, headers: pii ? requestHeaders : {} };
    hub.capture(input, undefined, timestamp);
  };
}

/** captureConsoleIntegration: hub.captureConsole_ turns a console call the console hook hands over into an event. */
function captureConsole(hub, consoleOptions, options, finishEvent) {
  const levels = Array.isArray(consoleOptions.levels) ? consoleOptions.levels : CONSOLE_LEVELS, handled = consoleOptions.handled ?? true;
  hub.captureConsole_ = (method, args, call) => {
    if (!levels.includes(method)) return;
    const level = SEVERITY[method] || method;
    let consoleArgs = [...args], input;
    const mechanism = { type: 'auto.core.capture_console', handled };
    if (method == 'assert') {
      if (consoleArgs[0]) return;
      consoleArgs = consoleArgs.slice(1);
      input = { message: `Assertion failed: ${join(consoleArgs) || 'console.assert'}` };
    } else {
      const error = consoleArgs.find(isError);
      input = error ? { raw: error, mechanism } : { message: join(consoleArgs) };
    }
    // (On by default, as in Sentry 11: the stack of the app's console call, taken in the console hook's wrapper.)
    if (options.attachStacktrace !== false && input.message && call) input.stack = callerStack(call.stack);
    input.scope = { level, extra: { arguments: consoleArgs.map((x) => normalize(x, 3)) } };
    const eventId = hub.capture(input, input.raw);
    finishEvent(eventId, (event) => {
      event.logger = 'console';
      const exceptions = event.exception && event.exception.values;
      if (exceptions && exceptions.length) exceptions[exceptions.length - 1].mechanism = { ...exceptions[exceptions.length - 1].mechanism, ...mechanism };
    });
  };
}

/** reportingObserverIntegration: the browser's reports become messages. */
function reportingObserver(hub, observerOptions, options) {
  const types = Array.isArray(observerOptions.types) ? observerOptions.types : ['crash', 'deprecation', 'intervention'];
  try {
    const observer = new globalObject.ReportingObserver((reports) => {
      if (hub.stopped_) return;
      for (const report of reports) {
        try {
          const rawBody = get(report, 'body'), body = {};
          let details = 'No details available';
          if (rawBody) {
            for (const k in rawBody) body[k] = rawBody[k];
            details = (get(report, 'type') == 'crash' ? [body.crashId || '', body.reason || ''].join(' ').trim() : printable(body.message || '')) || details;
          }
          hub.capture({ message: `ReportingObserver [${asString(get(report, 'type'))}]: ${details}`, scope: { extra: { url: get(report, 'url'), ...(rawBody && { body }) } } });
        } catch (error) { hub.fail(error); }
      }
    }, { buffered: true, types });
    observer.observe();
    hub.undo_.push(() => observer.disconnect());
  } catch (error) { log(options.debug, 'ReportingObserver unavailable', error); }
}

// Sentry 11's default cultureContextIntegration: the browser's locale, time zone and calendar.
function cultureContext(event) {
  try {
    const resolved = globalObject.Intl.DateTimeFormat().resolvedOptions();
    event.contexts = { ...event.contexts, culture: { locale: resolved.locale, timezone: resolved.timeZone, calendar: resolved.calendar, ...get(event.contexts, 'culture') } };
  } catch {}
  return event;
}

/** contextLinesIntegration's event processor (none when frameContextLines is 0). */
function contextLinesProcessor(hub, contextOptions, options) {
  const lineCount = contextOptions.frameContextLines ?? 5;
  // The page's HTML may show personal data: its lines pass the scrubber the JS core uses (same
  // rules as the WASM core's), loaded before the first event leaves (client.js waits for hub.needed_).
  if (lineCount > 0) {
    let scrub = null;
    hub.needed_ = import('./scrub.js').then((scrubModule) => { scrub = scrubModule.createScrubber(options).text; }, (error) => log(options.debug, 'contextLines: no scrubber, no context lines', error));
    return (event) => (scrub ? contextLines(event, lineCount, scrub) : event);
  }
}

const bare = (url) => String(url || '').replace(/[?#].*$/, '');
const framesOf = (event) => {
  const exceptions = get(event.exception, 'values');
  return Array.isArray(exceptions) ? exceptions.flatMap((x) => (x && x.stacktrace && Array.isArray(x.stacktrace.frames) ? x.stacktrace.frames : [])) : [];
};

/** Sentry's snipLine: a line over 150 characters cut to 140 around `col`, marked `{snip}`. */
export function snip(line, col) {
  const length = line.length;
  if (length <= 150) return line;
  let start = Math.max(Math.min(col, length) - 60, 0);
  if (start < 5) start = 0;
  let end = Math.min(start + 140, length);
  if (end > length - 5) end = length;
  if (end == length) start = Math.max(end - 140, 0);
  return (start > 0 ? "'{snip} " : '') + line.slice(start, end) + (end < length ? ' {snip}' : '');
}

/**
 * Sentry's contextLinesIntegration: each frame of the page itself (its file is the page's URL,
 * query and fragment aside; its line past 2) gets `lineCount` lines before and after its line from
 * the page's HTML as the DOM has it now (documentElement.innerHTML between `<!DOCTYPE html>`, `<html>` and `</html>`,
 * as Sentry numbers them), each line cut by snip() and scrubbed.
 */
export function contextLines(event, lineCount, scrub, doc = globalObject.document, href = globalObject.location && globalObject.location.href) {
  const page = bare(href);
  let lines;
  for (const frame of framesOf(event)) {
    // Lines 1 and 2 stand for the doctype and <html> (innerHTML has neither): no code is there.
    // (SpiderMonkey numbers an inline handler attribute's frame from the attribute, at 1.)
    if (!frame || !(frame.lineno > 2) || !page || bare(frame.abs_path || frame.filename) != page) continue;
    if (!lines) {
      const html = doc && doc.documentElement && doc.documentElement.innerHTML;
      if (!html) return event;
      lines = ['<!DOCTYPE html>', '<html>', ...html.split('\n'), '</html>'];
    }
    const index = Math.max(Math.min(lines.length - 1, frame.lineno - 1), 0), cut = (line) => scrub(snip(line, 0));
    frame.pre_context = lines.slice(Math.max(0, index - lineCount), index).map(cut);
    frame.context_line = scrub(snip(lines[index], frame.colno || 0));
    frame.post_context = lines.slice(index + 1, index + 1 + lineCount).map(cut);
  }
  return event;
}

/**
 * The metadata the Sentry bundler plugins register as each bundle runs (`_sentryModuleMetadata`:
 * the stack of that moment -> the bundle's metadata; the stack's innermost file is the bundle), as
 * `module_metadata` on the frames of that file, as Sentry's applyFrameMetadata does. Stacks are
 * read once each (bundles loaded later register later).
 */
function frameMetadata() {
  const byFile = new Map(), seen = new Set();
  return (event) => {
    const meta = globalObject._sentryModuleMetadata;
    if (meta && typeof meta == 'object') {
      for (const stack of Object.keys(meta)) {
        if (seen.has(stack)) continue;
        seen.add(stack);
        const file = topFile(stack);
        if (file) byFile.set(file, meta[stack]);
      }
    }
    if (byFile.size) {
      for (const frame of framesOf(event)) {
        if (!frame || frame.module_metadata) continue;
        const metadata = byFile.get(frame.abs_path) || byFile.get(frame.filename);
        if (metadata) frame.module_metadata = metadata;
      }
    }
    return event;
  };
}

/** The file of a stack's innermost frame that names one (V8 "at f (url:1:2)", "at url:1:2"; SpiderMonkey/JavaScriptCore "f@url:1:2"). */
function topFile(stack) {
  for (const line of String(stack).split('\n')) {
    const match = /^\s*at (?:.*? \()?(.+?):\d+:\d+\)?\s*$/.exec(line) || /@(.+?):\d+:\d+\s*$/.exec(line);
    if (match) return match[1];
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
function thirdParty(filterOptions, sdkUrls) {
  const want = Array.isArray(filterOptions.filterKeys) ? filterOptions.filterKeys : [], behaviour = String(filterOptions.behaviour || '');
  const some = /-if-contains-/.test(behaviour), drop = behaviour.startsWith('drop-');
  return (event) => {
    const exceptions = get(event.exception, 'values');
    if (!Array.isArray(exceptions) || !exceptions.length || exceptions.some((x) => !x || !x.stacktrace || !Array.isArray(x.stacktrace.frames))) return event;
    const frames = framesOf(event).filter((frame) => {
      const file = frame.abs_path || frame.filename;
      return file && (frame.lineno > 0 || frame.colno > 0) && !sdkUrls.some((u) => String(file).startsWith(u));
    });
    const third = (f) => !Object.keys(f.module_metadata || {}).some((k) => k.startsWith(APP_KEY) && want.includes(k.slice(APP_KEY.length)));
    if (!(some ? frames.some(third) : frames.every(third))) return event;
    if (drop) return null;
    event.tags = { ...event.tags, third_party_code: true };
    return event;
  };
}

/** ExtraErrorData for a capture input being built from a thrown value (client.js build()). */
export function extraContexts(hub, thrown) {
  const extraOptions = (hub.options_._lazy || {}).ExtraErrorData;
  if (!extraOptions || !isError(thrown)) return;
  const data = errorData(thrown, extraOptions.captureErrorCause ?? true, hub.options_.maxValueLength);
  if (!data) return;
  const normalized = normalize(data, extraOptions.depth ?? 3);
  if (!normalized || typeof normalized != 'object' || Array.isArray(normalized)) return;
  return { [printable(get(thrown, 'name') || get(get(thrown, 'constructor'), 'name') || 'Error')]: normalized };
}
