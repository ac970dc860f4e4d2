// fetch and XMLHttpRequest: an `http` breadcrumb per request as @sentry/browser records it
// (method, url, status_code; level warning for 4xx, error for 5xx and network failures) and trace propagation headers on
// requests to tracePropagationTargets (same origin by default). The app sees the same behaviour and
// results as without the SDK; headers it set itself are never replaced.
import { G, get, str } from '../util.js';

// This module's URL when it is served as its own file ('' in the script-tag build, where the
// bundler leaves no import.meta). client.js compares it with its own to tell whether the SDK runs
// as separate modules (then their directory holds only SDK frames) or bundled into the app.
export const moduleUrl = (() => { try { return String(import.meta.url || ''); } catch { return ''; } })();

// The request whose failure an error object reports ("GET https://api.example/orders/17"), kept
// beside the error (the app's object is never modified) so that a network failure groups by the
// endpoint that failed, whether the app catches it and calls captureException or leaves the
// rejection unhandled: Chromium gives the TypeError a stack, Firefox and Safari do not, and the
// three wordings ("Failed to fetch", "NetworkError when…", "Load failed") name no URL.
export const failedRequests = new WeakMap();

const level = (s) => (!s || s >= 500 ? 'error' : s >= 400 ? 'warning' : undefined);

function crumb(c, category, method, url, t0, status, err, hint) {
  const data = { method, url };
  if (status) data.status_code = status;
  if (err) data.error = err;
  c.crumb({ type: 'http', category, level: level(status), data }, { ...hint, startTimestamp: t0, endTimestamp: performance.now() });
}

export function install(c, on) {
  // httpClientIntegration (integrations.js, c.resp) needs the responses even without breadcrumbs;
  // its virtual stack is taken at the call, as Sentry's is.
  const L = c.o._lazy, fails = !!(L && L.HttpClient), cf = on('fetch'), cx = on('xhr');
  const vs = () => (fails ? new Error().stack : '');
  // A response for httpClientIntegration; one that completes before the lazy part has loaded waits
  // in the early queue, with its time, and is handed over in order (client.js run('resp')).
  // (After close(), call() and capture() do nothing.)
  const rs = (k, d) => fails && (c.resp ? c.resp(k, d) : c.call('resp', [k, d, Date.now() / 1000]));
  if ((cf || fails) && typeof G.fetch == 'function') {
    // (The wrappers are methods named __faultline_wrap__, a name minifiers keep: client.js cuts
    // their frames from stacks, integrations.js from the request's stack.)
    c.wrap(G, 'fetch', (orig) => ({ __faultline_wrap__(input, init) {
      let args = arguments;
      let method, url, t0, stack;
      try {
        const req = typeof Request == 'function' && input instanceof Request;
        url = req ? input.url : String(input);  // what fetch itself does with a non-Request
        // ...once: fetch gets the string, so a stateful toString is not run a second time.
        if (!req && typeof input != 'string') args = [url, ...[].slice.call(arguments, 1)];
        method = String((init && get(init, 'method')) || (req ? input.method : 'GET')).toUpperCase();
        if (c.off || c.ours(url)) url = 0;
        const h = url && c.traceHeaders(url);
        const plain = !init || Object.getPrototypeOf(init) == Object.prototype;
        if (h && plain) {
          const headers = new Headers((init && init.headers) || (req ? input.headers : undefined));
          if (c.addHeaders(h, (k) => headers.get(k), (k, v) => headers.append(k, v))) args = [args[0], { ...init, headers }];
        }
        t0 = performance.now();
        stack = vs();
      } catch (e) {
        c.fail(e);
        url = 0;
      }
      const p = orig.apply(this, args);
      if (!url) return p;
      // The app gets a promise settling exactly like the original one: same value, same rejection
      // (still unhandled if the app does not handle it).
      return p.then((res) => {
        try {
          if (cf) crumb(c, 'fetch', method, url, t0, res.status, 0, { input: [...arguments], response: res });
          rs('fetch', { method, url: res.url || url, status: res.status, input: args, res, stack });
        } catch (e) { c.fail(e); }
        return res;
      }, (err) => {
        try {
          if (cf) crumb(c, 'fetch', method, url, t0, 0, str(get(err, 'message') ?? err), { input: [...arguments], data: err });
          if (err && typeof err == 'object' && !failedRequests.has(err)) failedRequests.set(err, `${method} ${url}`.slice(0, 2048));
        } catch (e) { c.fail(e); }
        throw err;
      });
    } }).__faultline_wrap__);
  }

  const X = G.XMLHttpRequest;
  if ((cx || fails) && X) {
    const P = X.prototype;
    const info = new WeakMap(), hooked = new WeakSet();
    const setHeader = P.setRequestHeader;
    c.wrap(P, 'open', (orig) => function open(method, url) {
      c.safe(() => {
        info.set(this, { m: String(method).toUpperCase(), u: str(url), h: {} });
        // Listening from open() on, the crumb is recorded before the readyState-4 handlers the page
        // adds later run, so an event captured there already has its own request. An XHR object
        // may be reused: one listener, reading the current request.
        if (!hooked.has(this)) {
          hooked.add(this);
          this.addEventListener('readystatechange', () => c.safe(() => {
            const d = info.get(this);
            if (this.readyState == 4 && d.t) {
              if (cx) crumb(c, 'xhr', d.m, d.u, d.t, this.status, 0, { xhr: this });
              d.t = 0;
              rs('xhr', { method: d.m, url: this.responseURL || d.u, status: this.status, headers: d.h, xhr: this, stack: d.s });
            }
          }));
        }
      });
      return orig.apply(this, arguments);
    });
    c.wrap(P, 'setRequestHeader', (orig) => function setRequestHeader(name, value) {
      c.safe(() => { const d = info.get(this); if (d) d.h[String(name).toLowerCase()] = String(value); });
      return orig.apply(this, arguments);
    });
    c.wrap(P, 'send', (orig) => ({ __faultline_wrap__() {
      c.safe(() => {
        const d = info.get(this);
        if (d && !c.off && !c.ours(d.u)) {
          const h = c.traceHeaders(d.u);
          // setRequestHeader appends to a header the app already set, as Headers.append does.
          if (h) c.addHeaders(h, (k) => d.h[k], (k, v) => setHeader.call(this, k, v));
          d.t = performance.now();
          d.s = vs();
        }
      });
      return orig.apply(this, arguments);
    } }).__faultline_wrap__);
  }
}
