// Uncaught errors (window `error`) and unhandled promise rejections, with @sentry/browser's
// mechanism types. Also used to replay the events the tiny loader (js/loader.js) buffered before
// the SDK arrived, with their own timestamps. The thrown value travels raw; client.js turns it
// into the core's exception inputs.
//
// Like Sentry's global handlers, `window.onerror` and `window.onunhandledrejection` become
// callable functions (page code and frameworks call them by hand); each calls the handler that
// was there before. When the browser itself runs them while dispatching the event our listener
// already saw (window.event is an `error` / `unhandledrejection` event), they do not capture again.
import { globalObject, get, printable } from '../util.js';

const GLOBAL_HANDLERS = 'auto.browser.global_handlers.';

export function onError(hub, event, timestamp) {
  const err = event.error, rethrown = hub.rethrown_;
  // The error a wrapped callback captured and rethrew (hooks/wrap.js) is not reported again: that
  // very error (NaN is not itself), or one the page may not read (a cross-origin "Script error."
  // has no error object). Another error is reported: a rethrow the app caught left the mark set
  // until its timer ran, and the next uncaught error was skipped, lost and not counted.
  if (rethrown && ((hub.rethrown_ = 0), err == null || err === rethrown[0] || err !== err)) return;
  const mechanism = { type: GLOBAL_HANDLERS + 'onerror', handled: false };
  // Where the engine says it happened: a frame for a value that carries no stack of its own (an
  // inline script has no filename: the page's URL, as in Sentry).
  const input = { loc: event.filename || event.lineno > 0 ? [printable(event.filename || get(globalObject.location, 'href')), +event.lineno || 0, +event.colno || 0] : 0 };
  if (err != null) {
    Object.assign(input, { raw: err, mechanism });
  } else {
    // No error object: a cross-origin script ("Script error.") or an engine that does not provide
    // one. Rebuild what we can from the message.
    const match = /^(?:uncaught (?:exception: )?)?(?:(\w*Error): )?([\s\S]*)$/i.exec(printable(event.message || ''));
    input.exceptions = [{ type: (match && match[1]) || 'Error', value: match ? match[2] : '', synthetic: true, mechanism }];
  }
  hub.capture(input, err, timestamp);
}

export function onRejection(hub, event, timestamp) {
  // The reason; a PromiseRejectionEvent cast to a CustomEvent (some extensions do) has it in `detail`.
  let reason = event;
  if (event && typeof event == 'object') {
    const detail = get(event, 'detail');
    reason = 'reason' in event ? get(event, 'reason') : detail && typeof detail == 'object' && 'reason' in detail ? get(detail, 'reason') : event;
  }
  hub.capture({ raw: reason, mechanism: { type: GLOBAL_HANDLERS + 'onunhandledrejection', handled: false } }, reason, timestamp);
}

// window.onerror(message, source, lineno, colno, error) called by hand.
const fake = (a) => ({ message: a[0], filename: a[1], lineno: a[2], colno: a[3], error: a[4] });

function prop(hub, name, handle) {
  try {
    const prev = globalObject[name];
    globalObject[name] = function (event) {
      try { if (!hub.stopped_ && get(globalObject.event, 'type') != name.slice(2)) handle(arguments); } catch (x) { hub.fail(x); }
      // Without a previous handler, return nothing: an event handler property that returns false
      // cancels its event (except `error` on window), and a cancelled unhandledrejection is no
      // longer reported by the browser ("Uncaught (in promise)" in the console, the page's tools).
      if (typeof prev == 'function') return prev.apply(this, arguments);
    };
  } catch {}
}

export function install(hub, enabled) {
  // Only ErrorEvents reach window in the bubbling phase; resource load errors do not bubble.
  if (enabled('onerror')) {
    hub.on(globalObject, 'error', (e) => 'message' in e && onError(hub, e));
    prop(hub, 'onerror', (a) => onError(hub, typeof Event == 'function' && a[0] instanceof Event ? a[0] : fake(a)));
  }
  if (enabled('onunhandledrejection')) {
    hub.on(globalObject, 'unhandledrejection', (e) => onRejection(hub, e));
    prop(hub, 'onunhandledrejection', (a) => onRejection(hub, a[0]));
  }
}
