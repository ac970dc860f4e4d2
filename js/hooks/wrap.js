// Errors thrown inside callbacks the browser calls later — setTimeout, setInterval,
// requestAnimationFrame, event listeners (EventTarget.prototype.addEventListener, handleEvent
// objects included) and XMLHttpRequest's on* handlers — are caught where they happen, as
// @sentry/browser's browserApiErrorsIntegration does: captured with their own stack and the
// mechanism {type: 'auto.browser.browserapierrors.<api>', handled: false}, then rethrown, so the
// page sees exactly what it saw before (console, window.onerror, other listeners). Caught here, an
// error from a cross-origin script keeps its message and stack instead of becoming `Script error.`.
//
// The page's behaviour is unchanged: a callback runs with the same `this`, arguments and return
// value; adding the same listener twice registers it once; removeEventListener with the original
// function (or handleEvent object) removes it; handleEvent is looked up when the event fires, as
// the DOM does. close() puts the original functions back; removeEventListener stays patched so that
// listeners registered while the SDK ran can still be removed with the functions the page holds.
import { G, get } from '../util.js';

const API = 'auto.browser.browserapierrors.';

export function install(c, on) {
  if (!on('browserApiErrors')) return;
  // One wrapper per listener (function or handleEvent object), so the DOM's duplicate check and
  // removeEventListener behave as without the SDK.
  const listeners = new WeakMap();
  const caught = (e, mechanism) => {
    try {
      // The rethrown error reaches window.onerror next (as `Script error.` if cross-origin): that
      // one report is skipped; the mark lapses at the end of the task if it never comes.
      const mark = (c.ign = { v: e });
      setTimeout(() => { if (c.ign === mark) c.ign = 0; });
      c.capture({ raw: e, mechanism }, e);
    } catch (x) {
      c.fail(x);
    }
  };
  // A function the browser will call: errors are captured and rethrown; nothing else changes.
  const guard = (fn, mechanism) => function () {
    if (c.off) return fn.apply(this, arguments);
    try {
      return fn.apply(this, arguments);
    } catch (e) {
      caught(e, mechanism);
      throw e;
    }
  };
  const name = (f) => get(f, 'name') || '<anonymous>';

  // Replaces obj[key] with make(original); close() restores the original unless someone has since
  // wrapped ours (then ours stays and passes through).
  const patch = (obj, key, make, keep) => {
    try {
      const orig = obj && obj[key];
      if (typeof orig != 'function') return;
      const w = make(orig);
      try { Object.defineProperty(w, 'name', { value: orig.name }); } catch {}
      try { Object.defineProperty(w, 'length', { value: orig.length }); } catch {}
      obj[key] = w;
      if (!keep) c.undo.push(() => { if (obj[key] === w) obj[key] = orig; });
    } catch (e) {
      c.fail(e);
    }
  };

  for (const t of ['setTimeout', 'setInterval']) {
    patch(G, t, (orig) => function (cb) {
      const args = [...arguments];
      if (typeof cb == 'function' && !c.off) args[0] = guard(cb, { type: API + t, handled: false, data: { handler: name(cb) } });
      return orig.apply(this, args);
    });
  }
  patch(G, 'requestAnimationFrame', (orig) => function (cb) {
    const args = [...arguments];
    if (typeof cb == 'function' && !c.off) args[0] = guard(cb, { type: API + 'requestAnimationFrame', handled: false, data: { handler: name(cb) } });
    return orig.apply(this, args);
  });

  const X = G.XMLHttpRequest;
  if (X) {
    // At send(), the handlers the app assigned are wrapped in place (as Sentry does); a handler
    // read back from the object is the wrapper, which calls the original.
    const wrapped = new WeakSet();
    patch(X.prototype, 'send', (orig) => function () {
      if (!c.off) {
        for (const p of ['onload', 'onerror', 'onprogress', 'onreadystatechange']) {
          try {
            const f = this[p];
            if (typeof f == 'function' && !wrapped.has(f)) {
              const w = guard(f, { type: `${API}xhr.${p}`, handled: false, data: { handler: name(f) } });
              wrapped.add(w);
              this[p] = w;
            }
          } catch (e) {
            c.fail(e);
          }
        }
      }
      return orig.apply(this, arguments);
    });
  }

  const ET = G.EventTarget && G.EventTarget.prototype;
  if (!ET) return;
  const listener = (fn) => {
    let w = listeners.get(fn);
    if (w) return w;
    const isObj = typeof fn != 'function';
    const handler = isObj ? name(get(fn, 'constructor')) : name(fn);
    w = function (e) {
      const f = isObj ? get(fn, 'handleEvent') : fn;
      // A handleEvent object is called with itself as `this`, as the DOM does.
      if (c.off) return isObj ? f.call(fn, e) : f.apply(this, arguments);
      try {
        return isObj ? f.call(fn, e) : f.apply(this, arguments);
      } catch (x) {
        // The prototype whose addEventListener is wrapped, as Sentry names it (in browsers of today
        // only EventTarget.prototype has its own addEventListener), not the listener's element.
        caught(x, { type: API + (isObj ? 'handleEvent' : 'addEventListener'), handled: false, data: { handler, target: 'EventTarget' } });
        throw x;
      }
    };
    listeners.set(fn, w);
    return w;
  };
  patch(ET, 'addEventListener', (orig) => function (type, fn, options) {
    if (c.off || !fn || (typeof fn != 'function' && typeof fn != 'object')) return orig.apply(this, arguments);
    let w = fn;
    try { w = listener(fn); } catch (e) { c.fail(e); }
    const args = [...arguments];
    args[1] = w;
    return orig.apply(this, args);
  });
  patch(ET, 'removeEventListener', (orig) => function (type, fn) {
    try {
      const w = fn && listeners.get(fn);
      if (w) {
        const args = [...arguments];
        args[1] = w;
        orig.apply(this, args);
      }
    } catch (e) {
      c.fail(e);
    }
    return orig.apply(this, arguments);  // also a listener registered before the SDK, unwrapped
  }, true);
}
