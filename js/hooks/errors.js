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

const GH = 'auto.browser.global_handlers.';

export function onError(hub, e, ts) {
  if (hub.rethrown_) return (hub.rethrown_ = 0);  // rethrown by a wrapped callback (hooks/wrap.js), captured already
  const mechanism = { type: GH + 'onerror', handled: false };
  const err = e.error;
  // Where the engine says it happened: a frame for a value that carries no stack of its own (an
  // inline script has no filename: the page's URL, as in Sentry).
  const input = { loc: e.filename || e.lineno > 0 ? [printable(e.filename || get(globalObject.location, 'href')), +e.lineno || 0, +e.colno || 0] : 0 };
  if (err != null) {
    Object.assign(input, { raw: err, mechanism });
  } else {
    // No error object: a cross-origin script ("Script error.") or an engine that does not provide
    // one. Rebuild what we can from the message.
    const m = /^(?:uncaught (?:exception: )?)?(?:(\w*Error): )?([\s\S]*)$/i.exec(printable(e.message || ''));
    input.exceptions = [{ type: (m && m[1]) || 'Error', value: m ? m[2] : '', synthetic: true, mechanism }];
  }
  hub.capture(input, err, ts);
}

export function onRejection(hub, e, ts) {
  // The reason; a PromiseRejectionEvent cast to a CustomEvent (some extensions do) has it in `detail`.
  let r = e;
  if (e && typeof e == 'object') {
    const d = get(e, 'detail');
    r = 'reason' in e ? get(e, 'reason') : d && typeof d == 'object' && 'reason' in d ? get(d, 'reason') : e;
  }
  hub.capture({ raw: r, mechanism: { type: GH + 'onunhandledrejection', handled: false } }, r, ts);
}

// window.onerror(message, source, lineno, colno, error) called by hand.
const fake = (a) => ({ message: a[0], filename: a[1], lineno: a[2], colno: a[3], error: a[4] });

function prop(hub, name, fn) {
  try {
    const prev = globalObject[name];
    globalObject[name] = function (e) {
      try { if (!hub.stopped_ && get(globalObject.event, 'type') != name.slice(2)) fn(arguments); } catch (x) { hub.fail(x); }
      // Without a previous handler, return nothing: an event handler property that returns false
      // cancels its event (except `error` on window), and a cancelled unhandledrejection is no
      // longer reported by the browser ("Uncaught (in promise)" in the console, the page's tools).
      if (typeof prev == 'function') return prev.apply(this, arguments);
    };
  } catch {}
}

export function install(hub, on) {
  // Only ErrorEvents reach window in the bubbling phase; resource load errors do not bubble.
  if (on('onerror')) {
    hub.on(globalObject, 'error', (e) => 'message' in e && onError(hub, e));
    prop(hub, 'onerror', (a) => onError(hub, typeof Event == 'function' && a[0] instanceof Event ? a[0] : fake(a)));
  }
  if (on('onunhandledrejection')) {
    hub.on(globalObject, 'unhandledrejection', (e) => onRejection(hub, e));
    prop(hub, 'onunhandledrejection', (a) => onRejection(hub, a[0]));
  }
}
