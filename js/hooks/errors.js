// Uncaught errors (window `error`) and unhandled promise rejections. Also used to replay the
// events the tiny loader (js/loader.js) buffered before the SDK arrived, with their own timestamps.
// The thrown value travels raw; client.js turns it into the core's exception inputs.
import { G, str } from '../util.js';

export function onError(c, e, ts) {
  if (c.ign) return (c.ign = 0);  // rethrown by a wrapped callback (hooks/wrap.js), captured already
  const mechanism = { type: 'onerror', handled: false };
  const err = e.error;
  // Where the engine says it happened: a frame for a value that carries no stack of its own.
  const input = { loc: e.filename ? [str(e.filename), +e.lineno || 0, +e.colno || 0] : 0 };
  if (err != null) {
    Object.assign(input, { raw: err, mechanism });
  } else {
    // No error object: a cross-origin script ("Script error.") or an engine that does not provide
    // one. Rebuild what we can from the message.
    const m = /^(?:uncaught (?:exception: )?)?(?:(\w*Error): )?([\s\S]*)$/i.exec(str(e.message || ''));
    input.exceptions = [{ type: (m && m[1]) || 'Error', value: m ? m[2] : '', synthetic: true, mechanism }];
  }
  c.capture(input, err, ts);
}

export function onRejection(c, e, ts) {
  const r = e.reason;
  c.capture({ raw: r, mechanism: { type: 'onunhandledrejection', handled: false } }, r, ts);
}

export function install(c, on) {
  // Only ErrorEvents reach window in the bubbling phase; resource load errors do not bubble.
  if (on('onerror')) c.on(G, 'error', (e) => 'message' in e && onError(c, e));
  if (on('onunhandledrejection')) c.on(G, 'unhandledrejection', (e) => onRejection(c, e));
}
