// Uncaught errors (window `error`) and unhandled promise rejections. Also used to replay the
// events the tiny loader (js/loader.js) buffered before the SDK arrived, with their own timestamps.
import { G, exceptions, isErr, str } from '../util.js';

export function onError(c, e, ts) {
  const mechanism = { type: 'onerror', handled: false };
  const err = e.error;
  let ex;
  if (err != null) {
    ex = exceptions(err, mechanism);
  } else {
    // No error object: a cross-origin script ("Script error.") or an engine that does not provide
    // one. Rebuild what we can from the message and the location.
    const m = /^(?:uncaught (?:exception: )?)?(?:(\w*Error): )?([\s\S]*)$/i.exec(str(e.message || ''));
    ex = [{ type: (m && m[1]) || 'Error', value: m ? m[2] : '', synthetic: true, mechanism }];
  }
  // Where the engine says it happened, for a value that carries no stack: one frame, written as a
  // V8 stack line so the core parses it like any other (the core only groups on filename/lineno).
  if (!isErr(err) && e.filename) {
    const x = ex[0];
    Object.assign(x, { filename: str(e.filename), lineno: +e.lineno || 0, colno: +e.colno || 0 });
    x.stack = `${x.type}: ${x.value}\n    at ${x.filename}:${x.lineno}:${x.colno}`;
  }
  c.capture({ exceptions: ex }, err, ts);
}

export function onRejection(c, e, ts) {
  const r = e.reason;
  c.capture({ exceptions: exceptions(r, { type: 'onunhandledrejection', handled: false }) }, r, ts);
}

export function install(c, on) {
  // Only ErrorEvents reach window in the bubbling phase; resource load errors do not bubble.
  if (on('onerror')) c.on(G, 'error', (e) => 'message' in e && onError(c, e));
  if (on('onunhandledrejection')) c.on(G, 'unhandledrejection', (e) => onRejection(c, e));
}
