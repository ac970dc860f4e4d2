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

export function install(hub, enabled) {
  const XHR = globalObject.XMLHttpRequest;
  if (!enabled('browserApiErrors') || !XHR) return;
  const ours = new WeakSet();
  // Each handler is guarded as hooks/wrap.js guards a listener: a throw is captured (client.js
  // fromApi() builds Sentry's mechanism), marked so that window.onerror does not report it again,
  // and rethrown as it was.
  const guardHandlers = (xhr) => {
    if (!hub.stopped_) {
      for (const handlerName of ['onload', 'onerror', 'onprogress', 'onreadystatechange']) {
        try {
          const handler = xhr[handlerName];
          if (typeof handler == 'function' && !ours.has(handler)) ours.add((xhr[handlerName] = guard(hub, handler, 'xhr.' + handlerName)));
        } catch (e) {
          hub.fail(e);
        }
      }
    }
  };
  // Inside the http hook's wrapper of send when there is one (it takes the request's stack: no
  // second SDK frame between it and the app's call); else a wrapper of its own.
  if (hub.xhrSend_ === 0) {
    hub.xhrSend_ = guardHandlers;
    hub.undo_.push(() => { hub.xhrSend_ = 0; });
  } else {
    hub.wrap(XHR.prototype, 'send', (orig) => ({ __faultline_wrap__() {
      guardHandlers(this);
      return orig.apply(this, arguments);
    } }).__faultline_wrap__, 1);
  }
}
