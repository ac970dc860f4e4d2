// Errors thrown inside callbacks the browser calls later — setTimeout, setInterval,
// requestAnimationFrame, event listeners (EventTarget.prototype.addEventListener, handleEvent
// objects included) and XMLHttpRequest's on* handlers — are caught where they happen, as
// @sentry/browser's browserApiErrorsIntegration does: captured with their own stack, Sentry's
// mechanism {type: 'auto.browser.browserapierrors.<api>', handled: false, data} and the callback's
// arguments as `extra.arguments`, then rethrown, so the page sees exactly what it saw before
// (console, window.onerror, other listeners) and window.onerror does not report it a second time.
// Caught here, an error from a cross-origin script keeps its message and stack instead of becoming
// `Script error.`.
//
// Installed synchronously by init() (on the critical path, as Sentry installs its wrappers in
// init), so the listeners and timers an app registers at startup are wrapped even though the rest
// of the SDK is still loading; a capture made then waits in the early queue like any other. Kept
// small: the capture itself is the hub's.
//
// The page's behaviour is unchanged: a callback runs with the same `this`, arguments and return
// value; adding the same listener twice registers it once (one wrapper per listener); options
// (capture, once, passive, signal) pass through; removeEventListener with the original function
// (or handleEvent object) removes it, also one registered before init; handleEvent is looked up
// when the event fires, as the DOM does. close() puts the original functions back;
// removeEventListener stays patched so that listeners registered while the SDK ran can still be
// removed with the functions the page holds.
import { globalObject, later } from '../util.js';

/**
 * `fn` (a handleEvent object's handleEvent when `obj`, called as the DOM calls it) wrapped for the
 * browser to call: a throw is captured with the api's mechanism and the call's arguments, then
 * rethrown as it was.
 */
// A method named __faultline_wrap__ (a name bundlers and minifiers keep): client.js cuts its frame
// from the error's stack, as Sentry cuts its sentryWrapped frame.
export const guard = (hub, fn, type, obj) => ({ __faultline_wrap__() {
  try {
    return obj ? fn.handleEvent(arguments[0]) : fn.apply(this, arguments);
  } catch (e) {
    try {
      // The rethrown error reaches window.onerror next (as `Script error.` if cross-origin):
      // that one report is skipped; the mark lapses at the end of the task if it never comes.
      // (After close(), capture() does nothing.)
      const m = (hub.rethrown_ = [e]);
      later(() => hub.rethrown_ == m && (hub.rethrown_ = 0));
      hub.capture({ raw: e, api: [type, fn, [...arguments]] }, e);  // in Sentry's terms: client.js fromApi()
    } catch (x) { hub.fail(x); }
    throw e;
  }
} }).__faultline_wrap__;

export function install(hub, on) {
  if (!on('browserApiErrors')) return;
  const ls = new WeakMap();  // listener -> its wrapper

  // Timers: Sentry's mechanism has no data; requestAnimationFrame's names the API.
  for (const t of ['setTimeout', 'setInterval', 'requestAnimationFrame']) {
    // (Also a __faultline_wrap__ method: SpiderMonkey shows it in the callback's async stack.)
    hub.wrap(globalObject, t, (orig) => ({ __faultline_wrap__(cb) {
      const a = [...arguments];
      if (typeof cb == 'function') a[0] = guard(hub, cb, t);
      return orig.apply(this, a);
    } }).__faultline_wrap__, 1);
  }

  // Listeners: one wrapper per function or handleEvent object. Sentry names the prototype whose
  // addEventListener is wrapped (only EventTarget.prototype has its own in browsers of today), and
  // '<anonymous>' as the handler of an object.
  const ET = globalObject.EventTarget.prototype;
  hub.wrap(ET, 'addEventListener', (orig) => ({ __faultline_wrap__(type, fn, listenerOptions) {
    let w;
    if (fn === Object(fn)) {
      const f = typeof fn == 'function';
      if (!(w = ls.get(fn))) ls.set(fn, (w = guard(hub, fn, f ? 'addEventListener' : 'handleEvent', !f)));
    }
    return w ? orig.call(this, type, w, listenerOptions) : orig.apply(this, arguments);
  } }).__faultline_wrap__, 1);
  // The wrapper is removed, then the listener itself (one registered before init, unwrapped).
  hub.wrap(ET, 'removeEventListener', (orig) => function (type, fn, listenerOptions) {
    const w = ls.get(fn);
    if (w) orig.call(this, type, w, listenerOptions);
    return orig.apply(this, arguments);
  });
}
