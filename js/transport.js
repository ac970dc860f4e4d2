// Faultline transport: sends envelopes with retry + back-off + jitter, honours Sentry rate limits
// (429, Retry-After, X-Sentry-Rate-Limits), gzips large bodies, delivers on page hide with
// keepalive/sendBeacon, and keeps undeliverable envelopes in an IndexedDB offline queue shared
// safely by tabs (each record is leased before it is sent, deleted after a 2xx).
// Every envelope that is not delivered is counted as dropped with a reason.

const DB = 'faultline-offline';
const STORE = 'envelopes';
const LEASE_MS = 30000;
const KEEPALIVE_BUDGET = 60000; // bytes; browsers cap in-flight keepalive bodies at 64 KiB

// Sentry's default when a limit gives no usable delay, and the longest delay obeyed: a header that
// says "ten years" (or 1e308, or a date far ahead) stops this page for an hour at most, as a
// misconfigured proxy must not silence error reporting for good.
export const DEFAULT_RETRY_MS = 60000;
export const MAX_RETRY_MS = 3600000;

/**
 * One delay, in ms, from a Retry-After value or the <retry_after> field of X-Sentry-Rate-Limits:
 * seconds (a non-negative decimal number), or for Retry-After an HTTP date; anything else
 * (negative, non-finite, garbage, empty) is the 60 s default. Capped at an hour.
 */
export function parseDelay(v, now, dates) {
  const t = String(v ?? '').trim();
  let ms = DEFAULT_RETRY_MS;
  if (/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
    const n = Number(t) * 1000;
    if (Number.isFinite(n) || n === Infinity) ms = n;
  } else if (dates && /^[a-z]{3}/i.test(t)) {  // HTTP dates start with a day name
    const d = Date.parse(t);
    if (Number.isFinite(d)) ms = Math.max(0, d - now);
  }
  return Math.min(ms, MAX_RETRY_MS);
}

/**
 * Rate limits from a response: X-Sentry-Rate-Limits (`<secs>:<cat;cat>:<scope>:<reason>, ...`,
 * no categories = all) wins over Retry-After; without either a 429 means 60 s for everything.
 * Returns category -> time (ms) until which it is limited.
 */
export function parseRateLimits(header, retryAfter, now) {
  const limits = Object.create(null);  // a category named __proto__ is just a name
  if (header) {
    for (const part of String(header).split(',')) {
      if (!part.trim()) continue;
      const [secs, cats] = part.split(':');
      const until = now + parseDelay(secs, now, false);
      const list = (cats || '').split(';').map((c) => c.trim()).filter(Boolean);
      for (const c of list.length ? list : ['all']) limits[c] = Math.max(limits[c] || 0, until);
    }
    return limits;
  }
  limits.all = now + (retryAfter ? parseDelay(retryAfter, now, true) : DEFAULT_RETRY_MS);
  return limits;
}

import { P } from './util.js';

const G = typeof window !== 'undefined' ? window : globalThis;
const later = G.setTimeout, unlater = G.clearTimeout;
export function createTransport(o) {
  const fetchImpl = o.fetchImpl || (typeof fetch === 'function' ? fetch.bind(globalThis) : null);
  const timeoutMs = o.requestTimeoutMs || 30000;  // a request that has not answered by then is retried
  const url = o.url;
  const maxAttempts = o.maxAttempts || 5;
  const baseDelay = o.baseDelayMs || 1000;
  const queueCap = o.queueCap || 100;
  const onDrop = o.onDrop || (() => {});
  const debug = o.debug ? (...a) => console.warn('[faultline]', ...a) : () => {};
  const tabId = Math.random().toString(36).slice(2);
  const stats = { sent: 0, failed: 0, retried: 0, offline_saved: 0, offline_sent: 0, requests: 0, bytes: 0 };
  let limits = Object.create(null);
  let inflight = new Set();
  let pending = []; // envelopes waiting for a retry timer
  let parked = [];
  let keepaliveBytes = 0; // bodies of keepalive requests not answered yet (browsers cap them at 64 KiB) // envelopes that could not leave as the page was hidden (the SDK stashes them)
  let dbPromise = null;

  const limited = (cat, now = Date.now()) => (limits.all || 0) > now || (limits[cat] || 0) > now;

  // The database and what transactions return travel through promises boxed (no prototype): with
  // a `then` on Object.prototype, a promise resolved with the IDBDatabase or an array would call
  // the page's `then` instead, and the envelope waiting for it would be lost uncounted.
  const box = (v) => Object.assign(Object.create(null), { v });

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((done) => {
      const resolve = (db) => done(box(db));
      try {
        if (typeof indexedDB === 'undefined') return resolve(null);
        const req = indexedDB.open(DB, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => resolve(null);
        req.onblocked = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
    return dbPromise;
  }

  function tx(db, mode, fn) {
    return new Promise((resolve) => {
      try {
        const t = db.transaction(STORE, mode);
        const out = fn(t.objectStore(STORE));
        t.oncomplete = () => resolve(box(out && 'result' in out ? out.result : out));
        t.onerror = t.onabort = () => resolve(box(undefined));
      } catch {
        resolve(box(undefined));
      }
    });
  }

  async function saveOffline(env) {
    env.saving = true;
    const db = (await openDb()).v;
    if (!db) {
      onDrop('network_error', env.occurrences);
      return false;
    }
    const all = (await tx(db, 'readonly', (s) => s.getAll())).v || [];
    let evict = all.length + 1 - queueCap;
    await tx(db, 'readwrite', (s) => {
      for (const rec of all) {
        if (evict-- <= 0) break;
        s.delete(rec.id);
        onDrop('queue_overflow', rec.occurrences || 1);
      }
      s.add({ body: env.body, occurrences: env.occurrences || 1, lease: 0, owner: '', saved: Date.now() });
    });
    stats.offline_saved += 1;
    return true;
  }

  // Sends what the offline queue holds; each record is leased in a readwrite transaction first so
  // two tabs never send the same record at the same time.
  async function replayOffline() {
    const db = (await openDb()).v;
    if (!db || (typeof navigator !== 'undefined' && navigator.onLine === false)) return;
    const now = Date.now();
    const claimed = (await tx(db, 'readwrite', (s) => {
      const mine = [];
      const req = s.openCursor();
      req.onsuccess = () => {
        const cur = req.result;
        if (!cur) return;
        const rec = cur.value;
        if (!rec.lease || rec.lease < now) {
          rec.lease = now + LEASE_MS;
          rec.owner = tabId;
          cur.update(rec);
          mine.push(rec);
        }
        cur.continue();
      };
      return { get result() { return mine; } };
    })).v;
    for (const rec of claimed || []) {
      if (limited('error')) break;
      const res = await post(rec.body, false);
      if (res === 'ok' || res === 'drop') {
        await tx(db, 'readwrite', (s) => s.delete(rec.id));
        if (res === 'ok') stats.offline_sent += 1;
        else onDrop('send_error', rec.occurrences);
      } else {
        await tx(db, 'readwrite', (s) => {
          rec.lease = 0;
          s.put(rec);
        });
        break;
      }
    }
  }

  async function compress(body) {
    if (typeof CompressionStream === 'undefined' || body.length < 1024) return null;
    try {
      const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch {
      return null;
    }
  }

  // Returns 'ok', 'retry' (network/5xx), 'limited' (429) or 'drop' (other 4xx).
  async function post(body, keepalive) {
    if (!fetchImpl) return 'drop';
    stats.requests += 1;
    if (Object.prototype.hasOwnProperty.call(Object.prototype, 'then')) {
      // A `then` on Object.prototype captures fetch's Response (a promise resolved with an object
      // adopts it): the beacon, which answers synchronously, is the one way out left.
      stats.bytes += body.length;
      try { return P.beacon.call(navigator, url, body) ? 'ok' : 'retry'; } catch { return 'retry'; }
    }
    try {
      const headers = { 'Content-Type': 'text/plain;charset=UTF-8' };
      let payload = body;
      if (!keepalive && o.compress !== false) {
        const gz = await compress(body);
        if (gz) {
          payload = gz;
          headers['Content-Encoding'] = 'gzip';
        }
      }
      stats.bytes += typeof payload === 'string' ? payload.length : payload.byteLength;
      // A request that never settles (a dead connection, a stuck proxy) is aborted and retried.
      const ctl = typeof AbortController === 'function' ? new AbortController() : null;
      let timer;
      const res = await Promise.race([
        fetchImpl(url, { method: 'POST', body: payload, headers, keepalive: !!keepalive, credentials: 'omit', signal: ctl ? ctl.signal : undefined }),
        new Promise((resolve, reject) => { timer = later.call(G, () => { try { ctl && ctl.abort(); } catch {} reject(Error('request timed out')); }, timeoutMs); }),
      ]).finally(() => unlater.call(G, timer));
      const rl = res.headers && res.headers.get ? res.headers.get('X-Sentry-Rate-Limits') : null;
      if (res.status === 429 || rl) {
        const ra = res.headers && res.headers.get ? res.headers.get('Retry-After') : null;
        const next = parseRateLimits(rl, ra, Date.now());
        for (const k of Object.keys(next)) limits[k] = Math.max(limits[k] || 0, next[k]);
        if (res.status === 429) return 'limited';
      }
      if (res.ok) return 'ok';
      if (res.status >= 500) return 'retry';
      debug('endpoint refused an envelope', res.status);
      return 'drop';
    } catch (err) {
      debug('send failed', err && err.message);
      return 'retry';
    }
  }

  // Every envelope from send() until it is settled (delivered, dropped with a reason, or saved
  // offline). sendOnHide takes over whatever is still here, in flight or waiting for a retry, so an
  // unload in the middle of a request loses nothing; `handed` stops the original attempt. If both
  // arrive, the receiver drops the second by its event_id, as Sentry does.
  const live = new Set();

  async function deliver(env) {
    if (env.handed) return;
    if (limited(env.category || 'error')) {
      onDrop('ratelimit_backoff', env.occurrences);
      return;
    }
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      await saveOffline(env);
      return;
    }
    const res = await post(env.body, false);
    if (env.handed) return;
    if (res === 'ok') {
      stats.sent += 1;
      return;
    }
    if (res === 'limited') {
      onDrop('ratelimit_backoff', env.occurrences);
      return;
    }
    if (res === 'drop') {
      stats.failed += 1;
      onDrop('send_error', env.occurrences);
      return;
    }
    env.attempts = (env.attempts || 0) + 1;
    if (env.attempts >= maxAttempts) {
      await saveOffline(env);
      return;
    }
    stats.retried += 1;
    const delay = Math.random() * baseDelay * 2 ** env.attempts; // full jitter
    await new Promise((resolve) => {
      const timer = later.call(G, resolve, delay);
      pending.push({ env, timer, resolve });
    }).then(() => {
      pending = pending.filter((p) => p.env !== env);
    });
    await deliver(env);
  }

  function track(p) {
    inflight.add(p);
    p.finally(() => inflight.delete(p));
    return p;
  }

  function send(envelopes) {
    for (const env of envelopes) {
      live.add(env);
      track(deliver(env).catch(() => onDrop('internal_sdk_error', env.occurrences)).finally(() => live.delete(env)));
    }
  }

  // The answer to a keepalive request, when the page lives to see it (hidden, not unloaded):
  // a failure sends the envelope to the offline queue; a refusal is counted like any other.
  function hideAnswered(env, res) {
    if (res && res.ok) return;
    stats.sent -= 1;
    stats.failed += 1;
    if (res && res.status === 429) onDrop('ratelimit_backoff', env.occurrences);
    else if (res && res.status < 500) onDrop('send_error', env.occurrences);
    else saveOffline(env).catch(() => onDrop('internal_sdk_error', env.occurrences));
  }

  // Page is going away: no time for retries. keepalive fetch within its budget, then sendBeacon;
  // what neither takes (over the browser's 64 KiB in-flight budget, or offline) is parked: the SDK
  // writes it synchronously to storage for the next page (the offline queue would first have to
  // open its database, and a write waiting for that is lost with the page), or sends it normally
  // if the page comes back.
  function sendOnHide(envelopes) {
    let budget = KEEPALIVE_BUDGET - keepaliveBytes;  // shared by every keepalive still in flight
    for (const p of pending) unlater.call(G, p.timer);
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    for (const env of live) {
      env.handed = true;
      envelopes.push(env);  // offline, also when its IndexedDB save started: that may not finish
    }
    live.clear();
    for (const p of pending) p.resolve();
    pending = [];
    for (const env of envelopes) {
      if (limited(env.category || 'error')) {
        onDrop('ratelimit_backoff', env.occurrences);
        continue;
      }
      const size = env.body.length;
      if (offline) {
        parked.push(env);
        continue;
      }
      if (size <= budget && fetchImpl) {
        budget -= size;
        stats.requests += 1;
        stats.bytes += size;
        try {
          const done = () => { keepaliveBytes -= size; };
          const req = fetchImpl(url, { method: 'POST', body: env.body, keepalive: true, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, credentials: 'omit' });
          keepaliveBytes += size;
          req.then((r) => { done(); hideAnswered(env, r); }, () => { done(); hideAnswered(env, null); });
          stats.sent += 1;
          continue;
        } catch {
          /* fall through */
        }
      }
      if (typeof navigator !== 'undefined' && P.beacon && size <= 65000) {
        try {
          if (P.beacon.call(navigator, url, env.body)) {
            stats.sent += 1;
            continue;
          }
        } catch {
          /* fall through */
        }
      }
      parked.push(env);
    }
  }

  // The SDK stashes what is parked; if the page comes back, it leaves the normal way.
  function unpark(drop) {
    const l = parked;
    parked = [];
    if (!drop) send(l);
  }

  async function flush(timeoutMs = 2000) {
    const all = [...inflight].reduce((p, x) => p.then(() => x), Promise.resolve()).then(() => true);
    const timeout = new Promise((r) => later.call(G, () => r(false), timeoutMs));
    return Promise.race([all, timeout]).then((ok) => ok && !parked.length);
  }

  if (typeof addEventListener === 'function') {
    addEventListener('online', () => replayOffline().catch(() => {}));
  }

  return {
    send,
    sendOnHide,
    parked: () => parked.map((e) => ({ body: e.body, occurrences: e.occurrences || 0, category: e.category || 'error' })),
    unpark,
    flush,
    replayOffline: () => replayOffline().catch(() => {}),
    isRateLimited: (cat) => limited(cat || 'error'),
    stats: () => ({ ...stats, pending: pending.length, inflight: inflight.size, limits: { ...limits } }),
  };
}
