// An app's own Sentry transport factory inside Faultline's transport (the lazy part): the factory
// is called as @sentry/browser's client calls it, and its `send` takes the place of the request.
// makeFetchTransport and makeBrowserOfflineTransport (transport/sentry.js) are known by their marks.
import { platform, fromJson, log } from '../util.js';
import { parseEnvelope } from '../envelope.js';

const isObj = (v) => !!v && typeof v == 'object';

/** An envelope's text as Sentry's structure; JSON payloads parsed, item headers without `length`. */
export function toSentryEnvelope(body) {
  const env = parseEnvelope(body, platform.parse_);
  const items = env.items.map(({ header, payload }) => {
    const ih = { ...header };
    delete ih.length;
    let p = payload;
    try { p = fromJson(payload); } catch {}
    return [ih, p];
  });
  return [env.header, items];
}

/**
 * What the SDK's transport uses instead of its own fetch for a custom `transport` factory, or null
 * for Faultline's own (none given, an object of settings, makeFetchTransport, or the offline
 * wrapper of it). `recordDroppedEvent(reason, category, count)` counts as Sentry's does. Returns
 * { post(body) -> 'ok' | 'retry' | 'limited' | 'drop', flush(ms), offline } or null; a factory that
 * throws or gives no `send` is reported under `debug` and Faultline's own transport sends.
 */
export function customTransport(options, url, recordDroppedEvent, rateLimiter, fail) {
  let make = options.transport;
  if (typeof make != 'function' || make.own_) return null;
  const offline = !!make.offline_;
  if (offline) make = make.offline_;
  if (make.own_) return null;
  let t;
  try {
    t = make({ tunnel: options.tunnel, recordDroppedEvent, ...options.transportOptions, url });
    if (!t || typeof t.send != 'function') throw TypeError('the transport factory gave no send()');
  } catch (e) {
    fail(e);
    log(options.debug, 'custom transport unavailable, sending with the built-in one:', e);
    return null;
  }
  return {
    offline,
    post: (body) => {
      let answer;
      try {
        answer = t.send(toSentryEnvelope(body));
      } catch (e) {
        log(options.debug, 'custom transport send threw', e);
        return platform.Promise_.resolve('retry');
      }
      return platform.Promise_.resolve(answer).then((r) => {
        const status = isObj(r) ? r.statusCode : undefined, h = isObj(r) && isObj(r.headers) ? r.headers : {};
        // The answer as a Response for the rate limiter (Sentry's lower-case header names, or as written).
        const limited = rateLimiter.update({ status, headers: { get: (k) => h[k.toLowerCase()] ?? h[k] ?? null } });
        if (limited) return 'limited';
        return status >= 400 ? 'drop' : 'ok';
      }, (e) => {
        log(options.debug, 'custom transport send failed', e);
        return 'retry';
      });
    },
    flush: (ms) => {
      try {
        return platform.Promise_.resolve(typeof t.flush == 'function' ? t.flush(ms) : true).then((ok) => ok !== false, () => false);
      } catch {
        return platform.Promise_.resolve(false);
      }
    },
  };
}
