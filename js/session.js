// Release health, as @sentry/browser's browserSessionIntegration: a session starts when the page
// loads (init), and again on each History API navigation with `lifecycle: 'route'` (Sentry's
// default is 'page': one session per page load); it is sent as a Sentry `session`
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
    this.deliver_ = send;  // (envelope body) => void
    this.current_ = null;
    // The page's session starts when the page did (not when the app starts them: startSession()).
    const p = globalObject.performance;
    if (!manual) this.start(Math.round((p && p.timeOrigin) || Date.now()));
  }

  /** endSession(): the current session ends (exited if it was healthy) and is sent. */
  end(now = Date.now()) {
    const session = this.current_;
    if (!session) return;
    if (session.status == 'ok') session.status = 'exited';
    this.emit(now);
    this.current_ = null;
  }

  /** captureSession(): the current session's state is sent. */
  send(now = Date.now()) {
    if (this.current_) this.emit(now);
  }

  /** Ends the current session (exited if it was healthy) and starts a new one. */
  start(now = Date.now()) {
    const options = this.hub_.options_;
    if (!options.release) return;  // as Sentry: a session without a release is discarded
    const session = this.current_;
    if (session) {
      if (session.status == 'ok') session.status = 'exited';
      this.emit(now);
    }
    this.current_ = { sid: randomHex(16), init: true, started: now, status: 'ok', errors: 0 };
    this.emit(now);
  }

  /** An error event was captured: handled ones make the session errored, unhandled ones crash it. */
  error(handled, now = Date.now()) {
    const session = this.current_;
    if (!session || session.status != 'ok') return;  // crashed and exited sessions are final
    if (handled && session.errors) return;  // already errored: nothing new to tell
    session.errors = session.errors || 1;
    if (!handled) session.status = 'crashed';
    this.emit(now);
  }

  emit(now) {
    const session = this.current_, options = this.hub_.options_, nav = globalObject.navigator;
    const attrs = { release: String(options.release) };
    if (options.environment) attrs.environment = String(options.environment);
    if (nav && nav.userAgent) attrs.user_agent = nav.userAgent;
    if (options.sendDefaultPii) attrs.ip_address = '{{auto}}';  // as Sentry: Relay fills it only when PII is allowed
    const payload = { sid: session.sid, init: session.init, started: iso(session.started), timestamp: iso(now), status: session.status, errors: session.errors, attrs };
    if (this.did) payload.did = this.did;
    session.init = false;
    this.deliver_(toJson(payload));
  }
}
