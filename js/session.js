// Release health, as @sentry/browser's browserSessionIntegration: a session starts when the page
// loads (init) and again on each History API navigation; it is sent as a Sentry `session`
// envelope item when it starts (init: true), when its first error happens (errors: 1), when it
// crashes (an unhandled error: status 'crashed'), and when a navigation ends it (status 'exited'
// if it was still 'ok'). Relay counts a session as errored when errors > 0 and as crashed when its
// status is 'crashed'; Sentry shows crash-free sessions and users per release from these. As in
// Sentry, there is no session without a `release`, and durations are not tracked in the browser.
import { globalObject, randomHex, toJson } from './util.js';

const iso = (ms) => new Date(ms).toISOString();

export class Sessions {
  constructor(hub, send, manual) {
    this.hub_ = hub;
    this.out = send;  // (envelope body) => void
    this.s = null;
    // The page's session starts when the page did (not when the app starts them: startSession()).
    const p = globalObject.performance;
    if (!manual) this.start(Math.round((p && p.timeOrigin) || Date.now()));
  }

  /** endSession(): the current session ends (exited if it was healthy) and is sent. */
  end(now = Date.now()) {
    const s = this.s;
    if (!s) return;
    if (s.status == 'ok') s.status = 'exited';
    this.emit(now);
    this.s = null;
  }

  /** captureSession(): the current session's state is sent. */
  send(now = Date.now()) {
    if (this.s) this.emit(now);
  }

  /** Ends the current session (exited if it was healthy) and starts a new one. */
  start(now = Date.now()) {
    const options = this.hub_.options_;
    if (!options.release) return;  // as Sentry: a session without a release is discarded
    const s = this.s;
    if (s) {
      if (s.status == 'ok') s.status = 'exited';
      this.emit(now);
    }
    this.s = { sid: randomHex(16), init: true, started: now, status: 'ok', errors: 0 };
    this.emit(now);
  }

  /** An error event was captured: handled ones make the session errored, unhandled ones crash it. */
  error(handled, now = Date.now()) {
    const s = this.s;
    if (!s || s.status != 'ok') return;  // crashed and exited sessions are final
    if (handled && s.errors) return;  // already errored: nothing new to tell
    s.errors = s.errors || 1;
    if (!handled) s.status = 'crashed';
    this.emit(now);
  }

  emit(now) {
    const s = this.s, o = this.hub_.options_, nav = globalObject.navigator;
    const attrs = { release: String(o.release) };
    if (o.environment) attrs.environment = String(o.environment);
    if (nav && nav.userAgent) attrs.user_agent = nav.userAgent;
    if (o.sendDefaultPii) attrs.ip_address = '{{auto}}';  // as Sentry: Relay fills it only when PII is allowed
    const payload = { sid: s.sid, init: s.init, started: iso(s.started), timestamp: iso(now), status: s.status, errors: s.errors, attrs };
    if (this.did) payload.did = this.did;
    s.init = false;
    this.out(toJson(payload));
  }
}
