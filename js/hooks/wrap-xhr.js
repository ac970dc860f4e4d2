// XMLHttpRequest's on* handlers (onload, onerror, onprogress, onreadystatechange), wrapped as
// @sentry/browser's browserApiErrorsIntegration wraps them: at send(), the handlers the app
// assigned are replaced in place by wrappers that capture an error with the mechanism
// `auto.browser.browserapierrors.xhr.<handler>` and rethrow it; a handler read back from the object
// is the wrapper, which calls the original. Installed by the lazily loaded client (the timers and
// listeners are wrapped from init(), on the critical path, by hooks/wrap.js; an XHR sent before
// this part loads keeps its handlers unwrapped, and their errors still arrive through
// window.onerror).
import { globalObject } from '../util.js';
import { guard } from './wrap.js';

export function install(hub, on) {
  const X = globalObject.XMLHttpRequest;
  if (!on('browserApiErrors') || !X) return;
  const ours = new WeakSet();
  // Each handler is guarded as hooks/wrap.js guards a listener: a throw is captured (client.js
  // fromApi() builds Sentry's mechanism), marked so that window.onerror does not report it again,
  // and rethrown as it was.
  // (Named send, as the http hook's wrapper is: the request's call stack starts below both, in every engine.)
  hub.wrap(X.prototype, 'send', (orig) => ({ __faultline_wrap__() {
    if (!hub.stopped_) {
      for (const p of ['onload', 'onerror', 'onprogress', 'onreadystatechange']) {
        try {
          const f = this[p];
          if (typeof f == 'function' && !ours.has(f)) ours.add((this[p] = guard(hub, f, 'xhr.' + p)));
        } catch (e) {
          hub.fail(e);
        }
      }
    }
    return orig.apply(this, arguments);
  } }).__faultline_wrap__, 1);
}
