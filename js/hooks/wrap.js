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
 * `callback` (a handleEvent object's handleEvent when `isHandlerObject`, called as the DOM calls
 * it) wrapped for the browser to call: a throw is captured with the api's mechanism and the call's
 * arguments, then rethrown as it was.
 */
// A method named __faultline_wrap__ (a name bundlers and minifiers keep): client.js cuts its frame
// from the error's stack, as Sentry cuts its sentryWrapped frame.
export const guard = (hub, callback, type, isHandlerObject) => ({ __faultline_wrap__() {
  try {
    return isHandlerObject ? callback.handleEvent(arguments[0]) : callback.apply(this, arguments);
  } catch (error) {
    try {
      // The rethrown error reaches window.onerror next (as `Script error.` if cross-origin):
      // that one report is skipped (hooks/errors.js: that error, or one without an error object);
      // the mark lapses at the end of the task if it never comes (the app caught it).
      // (After close(), capture() does nothing.)
      const mark = (hub.rethrown_ = [error]);
      later(() => hub.rethrown_ == mark && (hub.rethrown_ = 0));
      hub.capture({ raw: error, api: [type, callback, [...arguments]] }, error);  // in Sentry's terms: client.js fromApi()
    } catch (x) { hub.fail(x); }
    throw error;
  }
} }).__faultline_wrap__;

export function install(hub, enabled) {
  if (!enabled('browserApiErrors')) return;
  const wrappers = new WeakMap();  // listener -> its wrapper

  // Timers: Sentry's mechanism has no data; requestAnimationFrame's names the API.
  for (const api of ['setTimeout', 'setInterval', 'requestAnimationFrame']) {
    // (Also a __faultline_wrap__ method: SpiderMonkey shows it in the callback's async stack.)
    hub.wrap(globalObject, api, (orig) => ({ __faultline_wrap__(callback) {
      const args = [...arguments];
      if (typeof callback == 'function') args[0] = guard(hub, callback, api);
      return orig.apply(this, args);
    } }).__faultline_wrap__, 1);
  }

  // Listeners: one wrapper per function or handleEvent object. Sentry names the prototype whose
  // addEventListener is wrapped (only EventTarget.prototype has its own in browsers of today), and
  // '<anonymous>' as the handler of an object.
  const eventTarget = globalObject.EventTarget.prototype;
  hub.wrap(eventTarget, 'addEventListener', (orig) => ({ __faultline_wrap__(type, listener, listenerOptions) {
    let wrapper;
    if (listener === Object(listener)) {
      const isFunction = typeof listener == 'function';
      if (!(wrapper = wrappers.get(listener))) wrappers.set(listener, (wrapper = guard(hub, listener, isFunction ? 'addEventListener' : 'handleEvent', !isFunction)));
    }
    return wrapper ? orig.call(this, type, wrapper, listenerOptions) : orig.apply(this, arguments);
  } }).__faultline_wrap__, 1);
  // The wrapper is removed, then the listener itself (one registered before init, unwrapped).
  hub.wrap(eventTarget, 'removeEventListener', (orig) => function (type, listener, listenerOptions) {
    const wrapper = wrappers.get(listener);
    if (wrapper) orig.call(this, type, wrapper, listenerOptions);
    return orig.apply(this, arguments);
  });
}
