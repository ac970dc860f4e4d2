// Uncaught errors (window `error`) and unhandled promise rejections, with @sentry/browser's
// mechanism types. Also used to replay the events the tiny loader (js/loader.js) buffered before
// the SDK arrived, with their own timestamps. The thrown value travels raw; client.js turns it
// into the core's exception inputs.
//
// Like Sentry's global handlers, `window.onerror` and `window.onunhandledrejection` become
// callable functions (page code and frameworks call them by hand); each calls the handler that
// was there before. When the browser itself runs them while dispatching the event our listener
// already saw (window.event is an `error` / `unhandledrejection` event), they do not capture again.
import { G, get, str } from '../util.js';

const GH = 'auto.browser.global_handlers.';

export function onError(c, e, ts) {
  if (c.ign) return (c.ign = 0);  // rethrown by a wrapped callback (hooks/wrap.js), captured already
  const mechanism = { type: GH + 'onerror', handled: false };
  const err = e.error;
  // Where the engine says it happened: a frame for a value that carries no stack of its own (an
  // inline script has no filename: the page's URL, as in Sentry).
  const input = { loc: e.filename || e.lineno > 0 ? [str(e.filename || get(G.location, 'href')), +e.lineno || 0, +e.colno || 0] : 0 };
  if (err != null) {
    Object.assign(input, { raw: err, mechanism });
  } else {
    // No error object: a cross-origin script ("Script error.") or an engine that does not provide
    // one. Rebuild what we can from the message.
    const m = /^(?:uncaught (?:exception: )?)?(?:(\w*Error): )?([\s\S]*)$/i.exec(str(e.message || ''));
    input.exceptions = [{ type: (m && m[1]) || 'Error', value: m ? m[2] : '', synthetic: true, mechanism }];
  }
  c.capture(input, err, ts);
}

export function onRejection(c, e, ts) {
  // The reason; a PromiseRejectionEvent cast to a CustomEvent (some extensions do) has it in `detail`.
  let r = e;
  if (e && typeof e == 'object') {
    const d = get(e, 'detail');
    r = 'reason' in e ? get(e, 'reason') : d && typeof d == 'object' && 'reason' in d ? get(d, 'reason') : e;
  }
  c.capture({ raw: r, mechanism: { type: GH + 'onunhandledrejection', handled: false } }, r, ts);
}

// window.onerror(message, source, lineno, colno, error) called by hand.
const fake = (a) => ({ message: a[0], filename: a[1], lineno: a[2], colno: a[3], error: a[4] });

function prop(c, name, fn) {
  try {
    const prev = G[name];
    G[name] = function (e) {
      try { if (!c.off && get(G.event, 'type') != name.slice(2)) fn(arguments); } catch (x) { c.fail(x); }
      // Without a previous handler, return nothing: an event handler property that returns false
      // cancels its event (except `error` on window), and a cancelled unhandledrejection is no
      // longer reported by the browser ("Uncaught (in promise)" in the console, the page's tools).
      if (typeof prev == 'function') return prev.apply(this, arguments);
    };
  } catch {}
}

export function install(c, on) {
  // Only ErrorEvents reach window in the bubbling phase; resource load errors do not bubble.
  if (on('onerror')) {
    c.on(G, 'error', (e) => 'message' in e && onError(c, e));
    prop(c, 'onerror', (a) => onError(c, typeof Event == 'function' && a[0] instanceof Event ? a[0] : fake(a)));
  }
  if (on('onunhandledrejection')) {
    c.on(G, 'unhandledrejection', (e) => onRejection(c, e));
    prop(c, 'onunhandledrejection', (a) => onRejection(c, a[0]));
  }
}
