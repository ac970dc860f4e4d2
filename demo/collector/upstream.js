// Store-and-forward to an upstream Sentry / GlitchTip DSN (FAULTLINE_UPSTREAM_DSN): every
// envelope the collector accepts is written to a bounded disk queue first, then sent in order,
// retried with capped exponential backoff (honouring Retry-After) until the upstream answers 2xx.
// Delivery is at-least-once: a file leaves the queue only after a 2xx, so a crash or restart
// resends it, and the upstream drops the copy by event_id. A permanent refusal (4xx other than
// 408/429) is dropped and counted; a full queue refuses new envelopes and counts them.
import fs from 'node:fs';
import path from 'node:path';
import { parseDsn as parseDsnText, envelopeUrl } from '../../js/dsn.js';

/** Parses a DSN (with the SDK's and the core's rules, js/dsn.js) into the envelope URL and the auth header of the upstream. */
export function parseDsn(dsn) {
  const parsed = parseDsnText(String(dsn));
  if (!parsed.ok) throw new Error(`FAULTLINE_UPSTREAM_DSN: ${parsed.error} (expected https://KEY@host/PROJECT_ID)`);
  return {
    dsn: String(dsn),
    url: envelopeUrl(parsed.dsn),
    auth: `Sentry sentry_version=7, sentry_key=${parsed.dsn.publicKey}, sentry_client=faultline-collector/1`,
  };
}

// The envelope header names the DSN it was sent to; upstream it must name the upstream's.
function rewriteHeader(body, dsn) {
  const newline = body.indexOf(0x0a);
  const head = body.subarray(0, newline < 0 ? body.length : newline).toString('utf8');
  let header;
  try {
    header = JSON.parse(head || '{}');
  } catch {
    return body;
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return body;
  if (header.dsn !== undefined) header.dsn = dsn;
  return Buffer.concat([Buffer.from(JSON.stringify(header)), newline < 0 ? Buffer.alloc(0) : body.subarray(newline)]);
}

export class Upstream {
  constructor({ dsn, dir, maxBytes = 256 * 1024 * 1024, baseDelayMs = 1000, maxDelayMs = 5 * 60 * 1000, timeoutMs = 15000, log = () => {} }) {
    this.target = parseDsn(dsn);
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.timeoutMs = timeoutMs;
    this.log = log;
    this.logged = new Set(); // permanent refusals already logged (one line per distinct error)
    this.stats = { queued: 0, queued_bytes: 0, sent: 0, retries: 0, rejected: 0, dropped_queue_full: 0, last_error: null };
    this.seq = 0;
    this.attempt = 0;
    this.closed = false;
    this.timer = null;
    this.sending = null;
    fs.mkdirSync(dir, { recursive: true });
    // What a previous run left (tmp files are writes that never completed).
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
      else if (name.endsWith('.env')) {
        this.stats.queued += 1;
        this.stats.queued_bytes += fs.statSync(path.join(dir, name)).size;
      }
    }
    this.schedule(0);
  }

  files() {
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.env')).sort();
  }

  /** Queues one accepted envelope (uncompressed bytes). Returns false when the queue is full. */
  enqueue(body) {
    if (this.closed) return false;
    if (this.stats.queued_bytes + body.length > this.maxBytes) {
      this.stats.dropped_queue_full += 1;
      return false;
    }
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.seq++).padStart(9, '0')}`;
    const tmp = path.join(this.dir, name + '.tmp');
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, path.join(this.dir, name + '.env'));
    this.stats.queued += 1;
    this.stats.queued_bytes += body.length;
    if (!this.sending && !this.timer) this.schedule(0);
    return true;
  }

  schedule(delayMs) {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sending = this.pump().finally(() => {
        this.sending = null;
      });
    }, delayMs);
    this.timer.unref?.();
  }

  async pump() {
    for (;;) {
      if (this.closed) return;
      const [next] = this.files();
      if (!next) return;
      const file = path.join(this.dir, next);
      let body;
      try {
        body = fs.readFileSync(file);
      } catch {
        continue;
      }
      let res;
      try {
        const controller = new AbortController();
        const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
        try {
          res = await fetch(this.target.url, {
            method: 'POST', body: rewriteHeader(body, this.target.dsn), signal: controller.signal,
            headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': this.target.auth },
          });
          res.detail = (await res.text().catch(() => '')).slice(0, 300);
        } finally {
          clearTimeout(timeout);
        }
      } catch (err) {
        return this.retry(null, String(err && err.message ? err.message : err));
      }
      if (res.status >= 200 && res.status < 300) {
        this.done(file, body.length);
        this.stats.sent += 1;
        this.attempt = 0;
        continue;
      }
      if (res.status === 429 || res.status === 408 || res.status >= 500) return this.retry(res, `upstream answered ${res.status}`);
      // A permanent refusal: resending the same bytes cannot succeed.
      this.done(file, body.length);
      this.stats.rejected += 1;
      this.stats.last_error = `upstream refused an envelope with ${res.status}${res.detail ? `: ${res.detail}` : ''}`;
      this.stats.last_rejection = { status: res.status, detail: res.detail || '', at: new Date().toISOString() };
      // Logged once per distinct error (a wrong key refuses every envelope: one line, not one per
      // envelope); every refusal is counted in /__stats upstream.rejected.
      const key = `${res.status} ${res.detail || ''}`;
      if (!this.logged.has(key) && this.logged.size < 100) {
        this.logged.add(key);
        const hint = res.status === 401 || res.status === 403 ? ' (check the key and project of the upstream DSN)' : '';
        this.log(`[collector] upstream: ${this.stats.last_error}${hint}; the envelope is dropped, not retried. Further envelopes refused with this error are counted in /__stats upstream.rejected, not logged.`);
      }
    }
  }

  done(file, size) {
    fs.rmSync(file, { force: true });
    this.stats.queued = Math.max(0, this.stats.queued - 1);
    this.stats.queued_bytes = Math.max(0, this.stats.queued_bytes - size);
  }

  retry(res, message) {
    this.stats.retries += 1;
    this.stats.last_error = message;
    this.attempt += 1;
    let delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.attempt - 1, 20));
    const retryAfterSeconds = res && Number(res.headers.get('retry-after'));
    if (Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) delay = Math.min(this.maxDelayMs, Math.max(delay, retryAfterSeconds * 1000));
    this.log(`[collector] upstream: ${message}; retry in ${Math.round(delay / 1000)} s`);
    this.schedule(delay);
  }

  async close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.sending) await this.sending.catch(() => {});
  }
}
