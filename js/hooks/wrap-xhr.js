// XMLHttpRequest's on* handlers (onload, onerror, onprogress, onreadystatechange), wrapped as
// @sentry/browser's browserApiErrorsIntegration wraps them: at send(), the handlers the app
// assigned are replaced in place by wrappers that capture an error with the mechanism
// `auto.browser.browserapierrors.xhr.<handler>` and rethrow it; a handler read back from the object
// is the wrapper, which calls the original. Installed by the lazily loaded client (the timers and
// listeners are wrapped from init(), on the critical path, by hooks/wrap.js; an XHR sent before
// this part loads keeps its handlers unwrapped, and their errors still arrive through
// window.onerror).
import { G, later } from '../util.js';

export function install(c, on) {
  const X = G.XMLHttpRequest;
  if (!on('browserApiErrors') || !X) return;
  const ours = new WeakSet();
  // As hooks/wrap.js guards a listener (a copy, so that the critical path need not export it):
  // a throw is captured (client.js fromApi() builds Sentry's mechanism), marked so that
  // window.onerror does not report it again, and rethrown as it was.
  const guard = (f, api) => function () {
    try {
      return f.apply(this, arguments);
    } catch (e) {
      try {
        const m = (c.ign = [e]);
        later(() => c.ign == m && (c.ign = 0));
        c.capture({ raw: e, api: [api, f, [...arguments]] }, e);
      } catch (x) { c.fail(x); }
      throw e;
    }
  };
  // (Named send, as the http hook's wrapper is: the request's call stack starts below both, in every engine.)
  c.wrap(X.prototype, 'send', (orig) => function send() {
    if (!c.off) {
      for (const p of ['onload', 'onerror', 'onprogress', 'onreadystatechange']) {
        try {
          const f = this[p];
          if (typeof f == 'function' && !ours.has(f)) ours.add((this[p] = guard(f, 'xhr.' + p)));
        } catch (e) {
          c.fail(e);
        }
      }
    }
    return orig.apply(this, arguments);
  }, 1);
}
