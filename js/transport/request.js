// One HTTP request of an envelope to the endpoint, and what its answer means for the envelope:
// 'ok' (2xx), 'retry' (network error, time-out, 5xx), 'limited' (429) or 'drop' (other 4xx).
// Bodies of 1 KiB or more are gzipped where CompressionStream exists; a request that has not
// answered after `timeoutMs` is aborted and retried; every response updates the rate limits.

import { platform, later, cancel } from '../util.js';

export const TEXT_PLAIN = { 'Content-Type': 'text/plain;charset=UTF-8' };

async function gzip(body) {
  if (typeof CompressionStream === 'undefined' || body.length < 1024) return null;
  try {
    const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return null;
  }
}

/**
 * options: { url, fetchImpl, timeoutMs, compress (false: never gzip), headers and fetchOptions (as
 * Sentry's transportOptions give them: added to each request), rateLimiter, stats, debug }.
 * Returns post(body, keepalive) -> Promise<'ok' | 'retry' | 'limited' | 'drop'>; keepalive: the
 * request outlives the page (the browser keeps it going after an unload; small bodies only).
 */
export function createRequester({ url, fetchImpl, timeoutMs, compress, headers: extra, fetchOptions, rateLimiter, stats, debug }) {
  return async function post(body, keepalive) {
    if (!fetchImpl) return 'drop';
    stats.requests += 1;
    if (Object.prototype.hasOwnProperty.call(Object.prototype, 'then')) {
      // A `then` on Object.prototype captures fetch's Response (a promise resolved with an object
      // adopts it): the beacon, which answers synchronously, is the one way out left.
      stats.bytes += body.length;
      try { return platform.sendBeacon_.call(navigator, url, body) ? 'ok' : 'retry'; } catch { return 'retry'; }
    }
    try {
      const headers = { ...TEXT_PLAIN, ...extra };
      let payload = body;
      if (compress !== false) {
        const compressed = await gzip(body);
        if (compressed) {
          payload = compressed;
          headers['Content-Encoding'] = 'gzip';
        }
      }
      stats.bytes += typeof payload === 'string' ? payload.length : payload.byteLength;
      // A request that never settles (a dead connection, a stuck proxy) is aborted and retried.
      const controller = typeof AbortController === 'function' ? new AbortController() : null;
      let timer;
      const response = await Promise.race([
        fetchImpl(url, { keepalive: !!keepalive, credentials: 'omit', signal: controller ? controller.signal : undefined, ...fetchOptions, method: 'POST', body: payload, headers }),
        new Promise((resolve, reject) => {
          timer = later(() => { try { controller && controller.abort(); } catch {} reject(Error('request timed out')); }, timeoutMs);
        }),
      ]).finally(() => cancel(timer));
      if (rateLimiter.update(response)) return 'limited';
      if (response.ok) return 'ok';
      if (response.status >= 500) return 'retry';
      debug('endpoint refused an envelope', response.status);
      return 'drop';
    } catch (err) {
      debug('send failed', err && err.message);
      return 'retry';
    }
  };
}
