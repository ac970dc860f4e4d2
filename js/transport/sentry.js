// Sentry's transport API, for apps that pass their own `transport` (a proxy, a logger, a test
// double, a router) or build one with Sentry's helpers. A Sentry transport is a factory
// `(options) => ({ send(envelope), flush(timeout) })`: `options` is what @sentry/browser's client
// passes (`url`, `tunnel`, `recordDroppedEvent`, and `transportOptions`: `headers`, `fetchOptions`,
// `bufferSize`...); `send` takes the envelope as a structure, `[headers, [[itemHeaders, payload],
// ...]]`, and answers `{ statusCode, headers: { 'x-sentry-rate-limits', 'retry-after' } }`.
//
// Faultline's own transport (js/transport.js) keeps the retries, gzip, rate limits, the offline
// queue and the page-hide delivery. With a custom factory it hands each envelope to the factory's
// `send` instead of posting it (transport/custom.js): the answer drives the rate limits, a
// rejection or a throw is counted as `network_error` and an HTTP error as `send_error`.
// Sentry's own `makeFetchTransport` given as `transport` is Faultline's transport, as before;
// `makeFetchTransport` called by an app (inside a wrapper of its own) is a real fetch transport.
// This module is what an app imports (through index.js); the SDK's lazy part never imports it
// (so that it stays off the critical path unless the app uses it): it knows makeFetchTransport and
// the offline wrapper by the marks they carry (transport/custom.js).
import { platform, globalObject, toJson, later } from '../util.js';
import { dsnParts, envelopeUrl } from '../dsn-rule.js';
import { VERSION } from '../version.js';

const isObj = (v) => !!v && typeof v == 'object';

/** Sentry's serializeEnvelope: header, then each item header and its payload, one line each. */
export function serializeEnvelope(envelope) {
  const [headers, items] = Array.isArray(envelope) ? envelope : [{}, []];
  let out = toJson(headers || {});
  for (const item of items || []) {
    const [ih, payload] = Array.isArray(item) ? item : [{}, ''];
    out += '\n' + toJson(ih || {}) + '\n' + (typeof payload == 'string' ? payload : payload instanceof Uint8Array ? new TextDecoder().decode(payload) : toJson(payload));
  }
  return out;
}

/**
 * Sentry's createTransport(options, makeRequest): a transport whose send serializes the envelope
 * and hands `{ body }` to makeRequest, at most `options.bufferSize` (64) requests at once (more are
 * counted as `queue_overflow` through options.recordDroppedEvent). Rate limits, and the counting
 * of failed requests, are done once, by the SDK around it.
 */
export function createTransport(options, makeRequest) {
  const o = isObj(options) ? options : {}, pending = new Set(), cap = o.bufferSize || 64;
  return {
    send(envelope) {
      if (pending.size >= cap) {
        try {
          for (const [ih] of envelope[1]) if (ih.type != 'client_report') o.recordDroppedEvent('queue_overflow', ih.type == 'event' ? 'error' : ih.type);
        } catch {}
        return platform.Promise_.resolve({});
      }
      const request = platform.Promise_.resolve().then(() => makeRequest({ body: serializeEnvelope(envelope) }));
      pending.add(request);
      const done = () => pending.delete(request);
      request.then(done, done);
      return request;
    },
    flush: (timeout) => settled([...pending], timeout),
  };
}

/** True once every promise has settled; false if `timeout` ms pass first. */
function settled(list, timeout) {
  const all = list.reduce((chain, p) => chain.then(() => p).catch(() => {}), platform.Promise_.resolve()).then(() => true);
  return timeout ? platform.Promise_.race([all, new platform.Promise_((r) => later(() => r(false), timeout))]) : all;
}

/**
 * Sentry's makeFetchTransport: posts each envelope to `options.url` with fetch as it was when the
 * SDK loaded (or `nativeFetch`), `options.headers` and `options.fetchOptions`, keepalive while
 * under the browser's 64 KiB budget. Given itself as `transport`, Faultline's own transport sends.
 */
export function makeFetchTransport(options, nativeFetch) {
  const o = isObj(options) ? options : {}, f = nativeFetch || platform.fetch_;
  let bytes = 0, n = 0;
  return createTransport(o, ({ body }) => {
    const size = body.length;
    bytes += size;
    n++;
    return platform.Promise_.resolve().then(() => f.call(globalObject, o.url, { body, method: 'POST', referrerPolicy: 'strict-origin', headers: o.headers,
      keepalive: bytes <= 60000 && n < 15, ...o.fetchOptions }))
      .then((r) => ({ statusCode: r.status, headers: { 'x-sentry-rate-limits': r.headers.get('X-Sentry-Rate-Limits'), 'retry-after': r.headers.get('Retry-After') } }))
      .finally(() => { bytes -= size; n--; });
  });
}
makeFetchTransport.own_ = 1;

/**
 * Sentry's makeBrowserOfflineTransport(make): the transport `make` gives, with the envelopes it
 * fails to send (a rejection) retried and kept in IndexedDB until they can leave. Given as
 * `transport`, Faultline's retries and offline queue do that around `make`'s send (with
 * makeFetchTransport it is Faultline's own transport, which has them anyway).
 */
export function makeBrowserOfflineTransport(make = makeFetchTransport) {
  const t = (options) => make(options);
  t.offline_ = make;
  return t;
}


/** Sentry's key in event.extra for the default route of makeMultiplexedTransport: [{ dsn, release? }]. */
export const MULTIPLEXED_TRANSPORT_EXTRA_KEY = 'MULTIPLEXED_TRANSPORT_EXTRA_KEY';

/** The last item of one of `types` in an envelope (Sentry's eventFromEnvelope). */
function eventOf(envelope, types) {
  for (const [ih, payload] of envelope[1]) if (types.includes(ih.type)) return payload;
}

/**
 * Sentry's makeMultiplexedTransport(make, matcher): each envelope goes to the DSNs the matcher
 * names (`matcher({ envelope, getEvent(types = ['event']) })` -> [dsn | { dsn, release }]; by
 * default the event's extra[MULTIPLEXED_TRANSPORT_EXTRA_KEY]), each through a transport `make`
 * gives for that DSN's endpoint (and the release set on the event when given), with the DSN in the
 * envelope header; to the init's DSN when it names none. Used as `transport`, it is an app's own
 * transport for Faultline (transport/custom.js): the first answer drives the rate limits.
 */
export function makeMultiplexedTransport(make, matcher) {
  return (options) => {
    const fallback = make(options), others = new Map();
    const match = typeof matcher == 'function' ? matcher : ({ getEvent }) => {
      const ev = getEvent(), to = ev && ev.extra && ev.extra[MULTIPLEXED_TRANSPORT_EXTRA_KEY];
      return Array.isArray(to) ? to : [];
    };
    function route(dsn, release) {
      const key = release ? `${dsn}:${release}` : dsn;
      if (!others.has(key)) {
        const d = dsnParts(dsn);
        if (!d) return;
        const url = options.tunnel || `${envelopeUrl(d)}?sentry_key=${d.publicKey}&sentry_version=7&sentry_client=faultline.javascript.browser%2F${VERSION}`;
        const t = make({ ...options, url });
        others.set(key, release ? { ...t, send: (env) => {
          const ev = eventOf(env, ['event', 'transaction', 'profile', 'replay_event']);
          if (ev) ev.release = release;
          return t.send(env);
        } } : t);
      }
      return [dsn, others.get(key)];
    }
    return {
      send(envelope) {
        const getEvent = (types) => eventOf(envelope, types && types.length ? types : ['event']);
        const to = match({ envelope, getEvent }).map((r) => (typeof r == 'string' ? route(r) : r && route(r.dsn, r.release))).filter(Boolean);
        const targets = to.length ? to : [['', fallback]];
        return platform.Promise_.all(targets.map(([dsn, t]) => t.send(dsn ? [{ ...envelope[0], dsn }, envelope[1]] : envelope))).then((r) => r[0]);
      },
      flush: (timeout) => platform.Promise_.all([...others.values(), fallback].map((t) => t.flush(timeout))).then((r) => r.every(Boolean)),
    };
  };
}
