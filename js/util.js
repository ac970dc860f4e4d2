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

// The platform functions the SDK relies on, as they were when it loaded, before page code can
// replace or wrap them: a later fetch wrapper (adding the app's Authorization header, or never
// resolving), a throwing JSON.stringify or addEventListener, a broken getRandomValues does not see
// or break the SDK's own work. (The transport also avoids a fetch that was wrapped before load.)
const pick = (o, k) => { try { return o && o[k]; } catch {} };
const ET = pick(G.EventTarget, 'prototype');
export const P = {
  fetch: pick(G, 'fetch'), stringify: JSON.stringify, parse: JSON.parse, setTimeout: G.setTimeout, clearTimeout: G.clearTimeout,
  crypto: pick(G, 'crypto'), grv: pick(pick(G, 'crypto'), 'getRandomValues'), on: pick(ET, 'addEventListener'), off: pick(ET, 'removeEventListener'),
  beacon: pick(G.navigator, 'sendBeacon'), keys: Object.keys, own: Object.prototype.hasOwnProperty, Pr: Promise, pthen: Promise.prototype.then,
};
// A scope bag (tags, extra, contexts) of `owner` with the keys of `v` merged in: in place when
// `owner` made the bag, in a copy (made once, then owned) otherwise, so a setter costs its own keys
// and not the bag's size (a copy per call was quadratic: 4 000 setTag took 45 s). Keys are defined
// as a spread defines them (no setter on Object.prototype runs, `__proto__` is a key). A bag handed
// out (getScopeData, a capture's scope) is `shared` first, so later setters copy instead.
const OWN = new WeakMap();
export function mergeBag(owner, k, v) {
  let b = owner[k];
  if (!b || OWN.get(b) !== owner) OWN.set(b = owner[k] = { ...b }, owner);
  for (const n of P.keys(v)) Object.defineProperty(b, n, { __proto__: null, value: v[n], writable: true, enumerable: true, configurable: true });
  return b;
}
export const shared = (d) => { for (const k of P.keys(d)) if (d[k] && typeof d[k] == 'object') OWN.delete(d[k]); return { ...d }; };
// A toJSON the page put on Object.prototype or Array.prototype (one that throws, or rewrites every
// value) is not honoured for the SDK's own data: when one is there, the value is first copied into
// prototype-less objects and arrays (own enumerable keys), so only a class's own toJSON (Date's)
// still applies. Without one, JSON.stringify as captured at load does it all.
const OP = Object.prototype, AP = Array.prototype, isArr = Array.isArray, setProto = Object.setPrototypeOf;
function bare(v, up) {
  if (!v || typeof v != 'object') return v;
  let t;
  try { t = v.toJSON; } catch {}
  if (typeof t == 'function' && t !== OP.toJSON && t !== AP.toJSON) return v;
  if (up.indexOf(v) >= 0) throw TypeError('cyclic value');
  up.push(v);
  let o;
  if (isArr(v)) {
    o = setProto([], null);  // still an array to JSON.stringify, with nothing inherited
    for (let i = 0; i < v.length; i++) o[i] = bare(v[i], up);
  } else {
    o = Object.create(null);
    for (const k of P.keys(v)) o[k] = bare(v[k], up);
  }
  up.pop();
  return o;
}
export const J = (v) => P.stringify.call(JSON, P.own.call(OP, 'toJSON') || P.own.call(AP, 'toJSON') ? bare(v, []) : v);
export const unJ = (s) => P.parse.call(JSON, s);
export const later = (f, ms) => P.setTimeout.call(G, f, ms);
export const cancel = (t) => P.clearTimeout.call(G, t);
/** addEventListener as it was at load (a throwing or replaced one in the page does not matter). */
export function listen(t, type, h, capture, remove) {
  try { (remove ? P.off : P.on).call(t, type, h, capture); return 1; } catch {}
}

export const STASH = 'faultline:stash:';  // localStorage records of what a page could not send before it went
// Storage that survives the page: localStorage, because an unloading page can still write it
// synchronously (an IndexedDB write in pagehide is only kept when the connection was opened
// before; measured in the README). Undefined where it is unavailable (opaque origins, disabled
// storage).
export function store() {
  try { const s = G.localStorage; s.length; return s; } catch {}
}

// Random bytes come from a pool refilled 256 at a time: getRandomValues costs microseconds per call.
// When getRandomValues throws, or returns constant bytes or the same bytes again (a broken or stubbed
// crypto), the pool comes from a generator of our own (xorshift, seeded from the clocks and
// Math.random) so that event ids stay distinct: a backend drops events with a repeated id.
let pool, at = 256, prev = '', x32 = (Date.now() ^ (Math.random() * 4294967296)) | 1;

/** n random bytes as 2n lowercase hex characters. */
export function hex(n) {
  let s = '';
  while (n--) {
    if (at > 255) {
      pool = new Uint8Array(256);
      at = 0;
      let ok;
      try {
        P.grv.call(P.crypto, pool);
        const head = pool.slice(0, 32).join();
        ok = head != prev && new Set(pool.subarray(0, 32)).size > 8;  // 32 random bytes have ~30 distinct values
        prev = head;
      } catch {}
      if (!ok) {
        x32 = (x32 ^ (typeof performance == 'object' ? performance.now() * 1000 : 0) ^ Date.now()) || 1;
        for (let i = 0; i < 256; i++) {
          x32 ^= x32 << 13; x32 ^= x32 >>> 17; x32 ^= x32 << 5;
          pool[i] = (x32 ^ (Math.random() * 256)) & 255;
        }
      }
    }
    const x = pool[at++];
    s += HEX[x] || (HEX[x] = (x + 256).toString(16).slice(1));  // number-to-text once per byte value
  }
  return s;
}
const HEX = [];

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
export function norm(v, d = 3, seen = [], peek) {
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
    if (peek && typeof Node == 'function' && v instanceof Node) return `[${v.nodeName}]`;
    if (!peek && typeof get(v, 'nodeType') == 'number') return `[${get(v, 'nodeName')}]`;
    const arr = Array.isArray(v);
    const t = tagOf(v);
    if (!arr && t != '[object Object]') return t == '[object Date]' ? v.toISOString() : t;
    if (d <= 0) return arr ? '[Array]' : '[Object]';
    seen.push(v);
    const out = [];  // entries, then one object: no setter on Object.prototype runs
    // peek: what is there without running the page's code (a getter is named, not called): the
    // own names (one ownKeys trap of a Proxy) and one descriptor each, the enumerable ones kept.
    const keys = peek ? Object.getOwnPropertyNames(v) : P.keys(v);
    for (let i = 0; i < keys.length && out.length < 100; i++) {
      let x;
      try {
        const p = peek && Object.getOwnPropertyDescriptor(v, keys[i]);
        if (peek && !(p && p.enumerable)) continue;
        x = !peek ? v[keys[i]] : P.own.call(p, 'value') ? p.value : '[Getter]';
      } catch { x = '[Throws]'; }
      out.push([keys[i], norm(x, d - 1, seen, peek)]);
    }
    seen.pop();
    return arr ? out.map((e) => e[1]) : Object.fromEntries(out);
  } catch {
    return '[Unserializable]';
  }
}

/** A readable string for any value; never throws. peek: without calling the value's getters. */
export function str(v, peek) {
  if (typeof v == 'string') return v;
  if (v === undefined) return 'undefined';
  try {
    const n = norm(v, 2, [], peek);
    return typeof n == 'string' ? n : J(n);
  } catch {
    return '[Unserializable]';
  }
}

/** A string for any value as String() gives it (Sentry's formatting); never throws. */
export function text(v) {
  try { return typeof v == 'string' ? v : String(v); } catch { return tagOf(v); }
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
