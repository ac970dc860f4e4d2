// Small, defensive helpers shared by the SDK. Nothing here may throw: every read of a value that
// came from the page goes through get() or a try, because it can be a Proxy, have throwing
// getters, be cyclic, or be a Symbol/BigInt that breaks string concatenation and JSON.
export const G = typeof window != 'undefined' ? window : globalThis;
const C = G.console;
// The console methods as they were when the SDK loaded: debug output never becomes a breadcrumb.
const warn = C && C.warn;

export function log(on, ...a) {
  if (on && warn) try { warn.call(C, '[faultline]', ...a); } catch {}
}

// Random bytes come from a pool refilled 256 at a time: getRandomValues costs microseconds per call.
let pool, at = 256;

/** n random bytes as 2n lowercase hex characters. */
export function hex(n) {
  let s = '';
  while (n--) {
    if (at > 255) {
      pool = new Uint8Array(256);
      at = 0;
      try { G.crypto.getRandomValues(pool); } catch { for (let i = 0; i < 256; i++) pool[i] = Math.random() * 256; }
    }
    const x = pool[at++];
    s += (x < 16 ? '0' : '') + x.toString(16);
  }
  return s;
}

export function get(o, k) {
  try { return o[k]; } catch {}
}

export const tagOf = (v) => { try { return Object.prototype.toString.call(v); } catch { return '[object Object]'; } };

export function isErr(v) {
  if (!v || typeof v != 'object') return false;
  try { if (v instanceof Error) return true; } catch { return false; }
  return /^\[object (Error|DOMException|Exception)\]$/.test(tagOf(v));  // also Errors from other frames
}

export const cut = (s, n) => (s.length > n ? s.slice(0, n) + '\u2026' : s);

/**
 * A JSON-safe copy of any value: cycles become "[Circular]", depth and width are bounded, throwing
 * getters and Proxies degrade to markers, BigInt/Symbol/functions become strings.
 */
export function norm(v, d = 3, seen = []) {
  try {
    switch (typeof v) {
      case 'string': return cut(v, 2000);
      case 'number': return isFinite(v) ? v : String(v);
      case 'boolean': case 'undefined': return v;
      case 'bigint': return v + 'n';
      case 'symbol': return v.toString();
      case 'function': return `[Function: ${get(v, 'name') || '<anonymous>'}]`;
    }
    if (v === null) return null;
    if (seen.includes(v)) return '[Circular]';
    // A budget over the whole value: wide and deep objects cost at most ~500 visited values.
    if ((seen.n = (seen.n || 0) + 1) > 500) return '[\u2026]';
    if (isErr(v)) return `${str(get(v, 'name'))}: ${str(get(v, 'message'))}`;
    if (typeof get(v, 'nodeType') == 'number') return `[${get(v, 'nodeName')}]`;
    const arr = Array.isArray(v);
    const t = tagOf(v);
    if (!arr && t != '[object Object]') return t == '[object Date]' ? v.toISOString() : t;
    if (d <= 0) return arr ? '[Array]' : '[Object]';
    seen.push(v);
    const out = arr ? [] : {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length && i < 100; i++) {
      let x;
      try { x = v[keys[i]]; } catch { x = '[Throws]'; }
      out[arr ? i : keys[i]] = norm(x, d - 1, seen);
    }
    seen.pop();
    return out;
  } catch {
    return '[Unserializable]';
  }
}

/** A readable string for any value; never throws. */
export function str(v) {
  if (typeof v == 'string') return v;
  if (v === undefined) return 'undefined';
  try {
    const n = norm(v, 2);
    return typeof n == 'string' ? n : JSON.stringify(n);
  } catch {
    return '[Unserializable]';
  }
}

/** Does any of the strings match one of the patterns (string = substring, RegExp)? */
export function matches(list, texts) {
  if (!list) return false;
  for (const p of list) {
    for (const t of texts) {
      try { if (typeof t == 'string' && (typeof p == 'string' ? t.includes(p) : t.search(p) >= 0)) return true; } catch {}
    }
  }
  return false;
}
