// Simulated failures for tests (the control route POST /__faults, only with --control): the next
// ingest requests are answered with a 429 (with Retry-After / X-Sentry-Rate-Limits as given), a
// 500, a dropped connection, a delay, or a crash of the ingest worker while it holds the request.
// `count` limits how many requests the fault applies to; then it is off again.
import { isObj } from './fields.js';
import { HttpError } from './ingest.js';

const MODES = ['none', '429', '500', 'slow', 'drop', 'worker_crash'];

export class Faults {
  /** stats: the collector's counters (faults_applied); send(res, status, body, headers): its JSON answer. */
  constructor(stats, send) {
    this.stats = stats;
    this.send = send;
    this.current = { mode: 'none' };  // as /__stats and /__faults show it
  }

  /** The configuration of POST /__faults (its body as text); throws an HttpError when it is not one. */
  configure(text) {
    let config;
    try {
      config = JSON.parse(text || '{}');
    } catch {
      throw new HttpError(400, 'fault config is not valid JSON', 'bad_json');
    }
    if (!isObj(config) || !MODES.includes(config.mode)) throw new HttpError(400, 'mode must be none, 429, 500, slow, drop or worker_crash', 'bad_fault');
    this.current = { mode: config.mode, retryAfter: config.retryAfter, rateLimits: config.rateLimits, delayMs: config.delayMs, count: Number.isFinite(config.count) ? config.count : undefined };
    return this.current;
  }

  /**
   * Applies the configured fault, if any, to an ingest request. Returns true when the request was
   * answered, 'crash' when the ingest worker is to crash while it holds it, false otherwise.
   */
  async apply(req, res) {
    let fault = this.current;
    if (fault.mode === 'none') return false;
    if (Number.isFinite(fault.count)) {
      if (fault.count <= 0) {
        this.current = { mode: 'none' };
        return false;
      }
      fault.count -= 1;
    }
    this.stats.faults_applied += 1;
    const mode = fault.mode;
    // The ingest worker crashes while it holds this request (the request gets a retryable 503).
    if (mode === 'worker_crash') return 'crash';
    if (mode === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, Math.min(fault.delayMs || 2000, 30000)));
      return false; // then handled normally
    }
    req.resume();
    if (mode === '429') {
      const headers = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.rateLimits) headers['x-sentry-rate-limits'] = String(fault.rateLimits);
      this.send(res, 429, { detail: 'rate limited (simulated)' }, headers);
      return true;
    }
    if (mode === '500') {
      this.send(res, 500, { detail: 'internal error (simulated)' });
      return true;
    }
    if (mode === 'drop') {
      req.socket.destroy();
      return true;
    }
    return false;
  }
}
