// fetch and XMLHttpRequest: an `http` breadcrumb per request as @sentry/browser records it
// (method, url, status_code; level warning for 4xx, error for 5xx and network failures) and trace propagation headers on
// requests to tracePropagationTargets (same origin by default). The app sees the same behaviour and
// results as without the SDK; headers it set itself are never replaced.
import { globalObject, get, printable } from '../util.js';

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

// The call of the SDK's fetch wrapper running now (a fetch polyfill sending an XHR from it).
let fetchCall = 0;

const level = (status) => (!status || status >= 500 ? 'error' : status >= 400 ? 'warning' : undefined);

function crumb(hub, category, method, url, started, status, error, hint) {
  const data = { method, url };
  if (status) data.status_code = status;
  if (error) data.error = error;
  hub.crumb({ type: 'http', category, level: level(status), data }, { ...hint, startTimestamp: started, endTimestamp: performance.now() });
}

export function install(hub, enabled) {
  // httpClientIntegration (integrations.js, hub.captureResponse_) needs the responses even without breadcrumbs,
  // and the stack of the app's call (`stack`): taken by `new Error()` in the body of the wrapper the app
  // called, so its top frame is that wrapper's and the next one the app's, in every engine (no SDK
  // frame between them that a tail call could elide) and wherever a bundler puts the SDK's code.
  const lazy = hub.options_._lazy, failures = !!(lazy && lazy.HttpClient), fetchCrumbs = enabled('fetch'), xhrCrumbs = enabled('xhr');
  // A response for httpClientIntegration; one that completes before the lazy part has loaded waits
  // in the early queue, with its time, and is handed over in order (client.js run('resp')).
  // (After close(), call() and capture() do nothing.)
  const response = (kind, details) => failures && (hub.captureResponse_ ? hub.captureResponse_(kind, details) : hub.call('resp', [kind, details, Date.now() / 1000]));
  if ((fetchCrumbs || failures) && typeof globalObject.fetch == 'function') wrapFetch(hub, fetchCrumbs, response, failures);
  const XHR = globalObject.XMLHttpRequest;
  if ((xhrCrumbs || failures) && XHR) wrapXhr(hub, XHR.prototype, xhrCrumbs, response, failures);
}

// fetch: breadcrumbs (when `crumbs`), trace headers, the response for httpClientIntegration.
function wrapFetch(hub, crumbs, response, failures) {
  // (The wrappers are methods named __faultline_wrap__, a name minifiers keep: client.js cuts
  // their frames from the stacks of errors thrown through them.)
  hub.wrap(globalObject, 'fetch', (orig) => ({ __faultline_wrap__(input, init) {
    let args = arguments;
    let method, url, started;
    const call = {}, outer = fetchCall;
    try {
      const req = typeof Request == 'function' && input instanceof Request;
      url = req ? input.url : String(input);  // what fetch itself does with a non-Request
      // ...once: fetch gets the string, so a stateful toString is not run a second time.
      if (!req && typeof input != 'string') args = [url, ...[].slice.call(arguments, 1)];
      method = String((init && get(init, 'method')) || (req ? input.method : 'GET')).toUpperCase();
      if (hub.stopped_ || hub.isOwnRequest_(url)) url = 0;
      const trace = url && hub.traceHeaders(url);
      const plain = !init || Object.getPrototypeOf(init) == Object.prototype;
      if (trace && plain) {
        const headers = new Headers((init && init.headers) || (req ? input.headers : undefined));
        if (hub.addHeaders(trace, (k) => headers.get(k), (k, v) => headers.append(k, v))) args = [args[0], { ...init, headers }];
      }
      started = performance.now();
      call.stack_ = failures && new Error().stack;
    } catch (error) {
      hub.fail(error);
      url = 0;
    }
    // A fetch implemented over XHR (a polyfill, installed before the SDK or wrapping it) sends its
    // request from here: the XHR hook sees fetchCall, records that request once (as @sentry/browser,
    // an `xhr` breadcrumb and event) with this call's stack, and marks the call (xhr_) so that
    // the fetch adds no second breadcrumb and event. (A polyfill that sends later, after an await,
    // is not recognised: two of each.)
    let promise;
    fetchCall = call;
    try { promise = orig.apply(this, args); } finally { fetchCall = outer; }
    if (!url) return promise;
    // The app gets a promise settling exactly like the original one: same value, same rejection
    // (still unhandled if the app does not handle it).
    return promise.then((res) => {
      try {
        if (!call.xhr_) {
          if (crumbs) crumb(hub, 'fetch', method, url, started, res.status, 0, { input: [...arguments], response: res });
          response('fetch', { method, url: res.url || url, status: res.status, input: args, res, stack: call.stack_ });
        }
      } catch (e) { hub.fail(e); }
      return res;
    }, (err) => {
      try {
        if (crumbs && !call.xhr_) crumb(hub, 'fetch', method, url, started, 0, printable(get(err, 'message') ?? err), { input: [...arguments], data: err });
        if (err && typeof err == 'object' && !failedRequests.has(err)) failedRequests.set(err, `${method} ${url}`.slice(0, 2048));
      } catch (e) { hub.fail(e); }
      throw err;
    });
  } }).__faultline_wrap__);
}

// XMLHttpRequest (`proto` its prototype): the same, from open/setRequestHeader/send.
function wrapXhr(hub, proto, crumbs, response, failures) {
  const info = new WeakMap(), hooked = new WeakSet();
  const setHeader = proto.setRequestHeader;
  hub.wrap(proto, 'open', (orig) => function open(method, url) {
    hub.safe(() => {
      // (A URL object as XHR reads it, once: open() gets the string.)
      if (typeof url != 'string') arguments[1] = url = String(url);
      info.set(this, { method_: String(method).toUpperCase(), url_: url, headers_: {} });
      // Listening from open() on, the crumb is recorded before the readyState-4 handlers the page
      // adds later run, so an event captured there already has its own request. An XHR object
      // may be reused: one listener, reading the current request.
      if (!hooked.has(this)) {
        hooked.add(this);
        this.addEventListener('readystatechange', () => hub.safe(() => {
          const request = info.get(this);
          if (this.readyState == 4 && request.started_) {
            if (crumbs) crumb(hub, 'xhr', request.method_, request.url_, request.started_, this.status, 0, { xhr: this });
            request.started_ = 0;
            response('xhr', { method: request.method_, url: this.responseURL || request.url_, status: this.status, headers: request.headers_, xhr: this, stack: request.stack_ });
          }
        }));
      }
    });
    return orig.apply(this, arguments);
  });
  hub.wrap(proto, 'setRequestHeader', (orig) => function setRequestHeader(name, value) {
    hub.safe(() => { const request = info.get(this); if (request) request.headers_[String(name).toLowerCase()] = String(value); });
    return orig.apply(this, arguments);
  });
  // The one SDK wrapper of send: the lazy part's handler wrapping (hooks/wrap-xhr.js) runs in it
  // (hub.xhrSend_), so no other SDK frame is between this one and the app's call.
  hub.xhrSend_ = 0;
  hub.wrap(proto, 'send', (orig) => ({ __faultline_wrap__() {
    const within = fetchCall, stack = within ? within.stack_ : failures && new Error().stack;
    hub.safe(() => {
      const request = info.get(this);
      if (request && !hub.stopped_ && !hub.isOwnRequest_(request.url_)) {
        if (within) within.xhr_ = 1;
        const trace = hub.traceHeaders(request.url_);
        // setRequestHeader appends to a header the app already set, as Headers.append does.
        if (trace) hub.addHeaders(trace, (k) => request.headers_[k], (k, v) => setHeader.call(this, k, v));
        request.started_ = performance.now();
        request.stack_ = stack;
      }
      if (hub.xhrSend_) hub.xhrSend_(this);
    });
    return orig.apply(this, arguments);
  } }).__faultline_wrap__);
}
