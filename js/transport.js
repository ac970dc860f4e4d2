// Faultline transport: sends envelopes with retry + back-off + jitter and accounts for every one
// that is not delivered (dropped with a reason). The jobs around it are modules of their own, as
// sentry-javascript splits transports/base, utils/ratelimit and transports/offline:
//   transport/request.js       one HTTP request (gzip, time-out) and what its answer means
//   transport/rate-limits.js   Sentry's 429, Retry-After and X-Sentry-Rate-Limits
//   transport/offline-store.js the IndexedDB queue for what could not be delivered, shared by tabs
//   transport/page-hide.js     keepalive/sendBeacon delivery as the page goes away

import { later, cancel } from './util.js';
import { createRateLimiter } from './transport/rate-limits.js';
import { createRequester } from './transport/request.js';
import { createOfflineStore, isOffline } from './transport/offline-store.js';
import { createPageHideSender } from './transport/page-hide.js';

export { DEFAULT_RETRY_MS, MAX_RETRY_MS, parseDelay, parseRateLimits } from './transport/rate-limits.js';

/**
 * options: { url, fetchImpl, requestTimeoutMs, maxAttempts, baseDelayMs, queueCap, compress,
 * headers, fetchOptions, onDrop(reason, quantity, category), debug, custom(rateLimiter) }.
 * Envelopes are { body, occurrences, category }. `custom` gives an app's own Sentry transport
 * (transport/sentry.js customTransport) or null: its send replaces the request; with a plain
 * custom transport (not wrapped by makeBrowserOfflineTransport) an envelope is handed to it once,
 * a failure is counted as network_error, nothing is retried or kept offline, and as the page
 * hides envelopes go to its send like any other (it owns delivery, as in @sentry/browser).
 */
export function createTransport(options) {
  const fetchImpl = options.fetchImpl || (typeof fetch === 'function' ? fetch.bind(globalThis) : null);
  const url = options.url;
  const maxAttempts = options.maxAttempts || 5;
  const baseDelayMs = options.baseDelayMs || 1000;
  const report = options.onDrop || (() => {});
  // What a lost envelope counts for, as Sentry's client reports count it: its occurrences in their
  // category ('error' unless said), one session for a session envelope, nothing for a client report.
  const onDrop = (reason, envelope) => {
    const category = envelope.category || 'error';
    const quantity = category == 'session' ? 1 : typeof envelope.occurrences == 'number' ? envelope.occurrences : 1;
    if (quantity && category != 'internal') report(reason, quantity, category);
  };
  const debug = options.debug ? (...args) => console.warn('[faultline]', ...args) : () => {};
  const stats = { sent: 0, failed: 0, retried: 0, offline_saved: 0, offline_sent: 0, requests: 0, bytes: 0 };
  const rateLimiter = createRateLimiter();
  const custom = options.custom ? options.custom(rateLimiter) : null;
  // A plain custom transport: one attempt, no offline queue (a failure is counted).
  const once = custom && !custom.offline;
  const post = custom ? (body) => { stats.requests += 1; return custom.post(body); }
    : createRequester({ url, fetchImpl, timeoutMs: options.requestTimeoutMs || 30000, compress: options.compress, headers: options.headers, fetchOptions: options.fetchOptions, rateLimiter, stats, debug });
  const store = createOfflineStore({ capacity: options.queueCap || 100, onDrop, stats });
  const offlineStore = once ? { save: async (envelope) => { stats.failed += 1; onDrop('network_error', envelope); }, replay: async () => {} } : store;
  const sendBeforeUnload = createPageHideSender({ url, fetchImpl, headers: options.headers, fetchOptions: options.fetchOptions, rateLimiter, stats, onDrop, saveOffline: offlineStore.save });
  const isLimited = (category) => rateLimiter.isLimited(category || 'error');

  const inflight = new Set();  // delivery promises, for flush()
  let retryWaits = [];  // { envelope, timer, resume }: envelopes waiting for their retry timer
  let parked = [];  // envelopes that could not leave as the page was hidden (the SDK stashes them)
  // Every envelope from send() until it is settled (delivered, dropped with a reason, or saved
  // offline). sendOnHide takes over whatever is still here, in flight or waiting for a retry, so an
  // unload in the middle of a request loses nothing; `handed` stops the original attempt. If both
  // arrive, the receiver drops the second by its event_id, as Sentry does.
  const live = new Set();
  // What carries no event_id (a client report, a session update: small) cannot be deduplicated by
  // the receiver: it leaves with keepalive, which the browser keeps going after an unload, and one
  // in flight is not handed over (a second copy would count its drops or its session twice).
  const noId = (envelope) => envelope.category == 'internal' || envelope.category == 'session';

  async function deliver(envelope) {
    if (envelope.handed) return;
    if (isLimited(envelope.category)) {
      onDrop('ratelimit_backoff', envelope);
      return;
    }
    if (isOffline() && !once) {
      await offlineStore.save(envelope);
      return;
    }
    const keep = noId(envelope) && envelope.body.length < 8192;
    envelope.kept = keep;
    const outcome = await post(envelope.body, keep);
    envelope.kept = false;
    // Away: it was on its way with keepalive as the page hid, and was left to the browser. A
    // failure seen since (Chromium rejects the page's side of it as the page unloads, while the
    // browser still delivers it) is not retried: a second copy would count twice.
    if (envelope.handed || (envelope.away && outcome === 'retry')) return;
    if (outcome === 'ok') {
      stats.sent += 1;
      return;
    }
    if (outcome === 'limited') {
      onDrop('ratelimit_backoff', envelope);
      return;
    }
    if (outcome === 'drop') {
      stats.failed += 1;
      onDrop('send_error', envelope);
      return;
    }
    envelope.attempts = (envelope.attempts || 0) + 1;
    if (once || envelope.attempts >= maxAttempts) {
      await offlineStore.save(envelope);
      return;
    }
    stats.retried += 1;
    const delay = Math.random() * baseDelayMs * 2 ** envelope.attempts; // full jitter
    await new Promise((resume) => {
      retryWaits.push({ envelope, timer: later(resume, delay), resume });
    }).then(() => {
      retryWaits = retryWaits.filter((wait) => wait.envelope !== envelope);
    });
    await deliver(envelope);
  }

  function send(envelopes) {
    for (const envelope of envelopes) {
      live.add(envelope);
      const delivery = deliver(envelope).catch(() => onDrop('internal_sdk_error', envelope)).finally(() => live.delete(envelope));
      inflight.add(delivery);
      delivery.finally(() => inflight.delete(delivery));
    }
  }

  // Page is going away: everything still live (in flight or waiting for a retry) is handed to the
  // page-hide sender with the new envelopes; what it cannot send is parked.
  function sendOnHide(envelopes) {
    if (custom) {
      // The app's transport gets them now, those waiting for a retry included; it owns delivery.
      for (const wait of retryWaits) { cancel(wait.timer); wait.resume(); }
      retryWaits = [];
      return send(envelopes);
    }
    for (const wait of retryWaits) cancel(wait.timer);
    for (const envelope of live) {
      if (envelope.kept) {  // a keepalive request on its way: it outlives the page
        envelope.away = true;
        continue;
      }
      envelope.handed = true;
      envelopes.push(envelope);  // offline, also when its IndexedDB save started: that may not finish
      live.delete(envelope);
    }
    for (const wait of retryWaits) wait.resume();
    retryWaits = [];
    parked.push(...sendBeforeUnload(envelopes));
  }

  // The SDK stashes what is parked; if the page comes back, it leaves the normal way.
  function unpark(drop) {
    const envelopes = parked;
    parked = [];
    if (!drop) send(envelopes);
  }

  async function flush(timeoutMs = 2000) {
    const all = [...inflight].reduce((chain, delivery) => chain.then(() => delivery), Promise.resolve()).then(() => true);
    const timeout = new Promise((resolve) => later(() => resolve(false), timeoutMs));
    const ok = await Promise.race([all, timeout]);
    // An app's transport flushes its own buffer too (what its send has not finished).
    return ok && !parked.length && (!custom || await custom.flush(timeoutMs));
  }

  const replayOffline = () => offlineStore.replay({ post, isLimited }).catch(() => {});
  if (typeof addEventListener === 'function') addEventListener('online', replayOffline);

  return {
    send,
    sendOnHide,
    parked: () => parked.map((envelope) => ({ body: envelope.body, occurrences: envelope.occurrences || 0, category: envelope.category || 'error' })),
    unpark,
    flush,
    replayOffline,
    isRateLimited: isLimited,
    stats: () => ({ ...stats, pending: retryWaits.length, inflight: inflight.size, limits: rateLimiter.snapshot() }),
  };
}
