// Delivery as the page goes away: no time for retries or compression. Each envelope leaves with a
// keepalive fetch while the browser's keepalive budget lasts, else with sendBeacon; what neither
// takes (over the 64 KiB in-flight budget, or offline) is returned to the transport, which parks
// it: the SDK writes parked envelopes synchronously to storage for the next page (the offline
// queue would first have to open its database, and a write waiting for that is lost with the
// page), or sends them normally if the page comes back.

import { platform } from '../util.js';
import { TEXT_PLAIN } from './request.js';
import { isOffline } from './offline-store.js';

const KEEPALIVE_BUDGET = 60000; // bytes; browsers cap in-flight keepalive bodies at 64 KiB
const BEACON_LIMIT = 65000;

/**
 * options: { url, fetchImpl, headers, fetchOptions, rateLimiter, stats, onDrop(reason, envelope), saveOffline }.
 * Returns send(envelopes) -> the envelopes that could not leave.
 */
export function createPageHideSender({ url, fetchImpl, headers, fetchOptions, rateLimiter, stats, onDrop, saveOffline }) {
  let keepaliveBytes = 0; // bodies of keepalive requests not answered yet, shared by every page hide

  // The answer to a keepalive request, when the page lives to see it (hidden, not unloaded):
  // a failure sends the envelope to the offline queue; a refusal is counted like any other.
  function answered(envelope, response) {
    if (response && response.ok) return;
    stats.sent -= 1;
    stats.failed += 1;
    if (response && response.status === 429) onDrop('ratelimit_backoff', envelope);
    else if (response && response.status < 500) onDrop('send_error', envelope);
    else saveOffline(envelope).catch(() => onDrop('internal_sdk_error', envelope));
  }

  // One way of sending: true, counted as sent, when `start` took the envelope; false when it
  // refused it or threw.
  function attempt(start) {
    try {
      if (!start()) return false;
      stats.sent += 1;
      return true;
    } catch {
      return false;
    }
  }

  function sendKeepalive(envelope, size) {
    stats.requests += 1;
    stats.bytes += size;
    return attempt(() => {
      const settled = () => { keepaliveBytes -= size; };
      const request = fetchImpl(url, { credentials: 'omit', ...fetchOptions, method: 'POST', body: envelope.body, keepalive: true, headers: { ...TEXT_PLAIN, ...headers } });
      keepaliveBytes += size;
      request.then((response) => { settled(); answered(envelope, response); }, () => { settled(); answered(envelope, null); });
      return true;
    });
  }

  function sendBeacon(envelope, size) {
    if (typeof navigator === 'undefined' || !platform.sendBeacon_ || size > BEACON_LIMIT) return false;
    return attempt(() => platform.sendBeacon_.call(navigator, url, envelope.body));
  }

  return function send(envelopes) {
    let budget = KEEPALIVE_BUDGET - keepaliveBytes;  // shared by every keepalive still in flight
    const offline = isOffline();
    const left = [];
    for (const envelope of envelopes) {
      if (rateLimiter.isLimited(envelope.category || 'error')) {
        onDrop('ratelimit_backoff', envelope);
        continue;
      }
      const size = envelope.body.length;
      if (offline) {
        left.push(envelope);
        continue;
      }
      if (size <= budget && fetchImpl) {
        budget -= size;
        if (sendKeepalive(envelope, size)) continue;
      }
      if (!sendBeacon(envelope, size)) left.push(envelope);
    }
    return left;
  };
}
