// Small, defensive helpers shared by the SDK. Nothing here may throw: every read of a value that
// came from the page goes through get() or a try, because it can be a Proxy, have throwing
// getters, be cyclic, or be a Symbol/BigInt that breaks string concatenation and JSON.
export const globalObject = typeof window != 'undefined' ? window : globalThis;
const console_ = globalObject.console;
// The console methods as they were when the SDK loaded: debug output never becomes a breadcrumb.
const warn = console_ && console_.warn;

export function log(enabled, ...args) {
  if (enabled && warn) try { warn.call(console_, '[faultline]', ...args); } catch {}
}

// The platform functions the SDK relies on, as they were when it loaded, before page code can
// replace or wrap them: a later fetch wrapper (adding the app's Authorization header, or never
// resolving), a throwing JSON.stringify or addEventListener, a broken getRandomValues does not see
// or break the SDK's own work. (The transport also avoids a fetch that was wrapped before load.)
const read = (object, key) => { try { return object && object[key]; } catch {} };
const eventTarget = read(globalObject.EventTarget, 'prototype');
export const platform = {
  fetch_: read(globalObject, 'fetch'), stringify_: JSON.stringify, parse_: JSON.parse,
  setTimeout_: globalObject.setTimeout, clearTimeout_: globalObject.clearTimeout,
  crypto_: read(globalObject, 'crypto'), getRandomValues_: read(read(globalObject, 'crypto'), 'getRandomValues'),
  addEventListener_: read(eventTarget, 'addEventListener'), removeEventListener_: read(eventTarget, 'removeEventListener'),
  sendBeacon_: read(globalObject.navigator, 'sendBeacon'), keys_: Object.keys, hasOwn_: Object.prototype.hasOwnProperty,
  Promise_: Promise, promiseThen_: Promise.prototype.then,
};
// A scope bag (tags, extra, contexts) of `owner` with the keys of `v` merged in: in place when
// `owner` made the bag, in a copy (made once, then owned) otherwise, so a setter costs its own keys
// and not the bag's size (a copy per call was quadratic: 4 000 setTag took 45 s). Keys are defined
// as a spread defines them (no setter on Object.prototype runs, `__proto__` is a key). A bag handed
// out (getScopeData, a capture's scope) is `shared` first, so later setters copy instead.
const bagOwner = new WeakMap();
export function mergeBag(owner, key, values) {
  let bag = owner[key];
  if (!bag || bagOwner.get(bag) !== owner) bagOwner.set(bag = owner[key] = { ...bag }, owner);
  for (const name of platform.keys_(values)) Object.defineProperty(bag, name, { __proto__: null, value: values[name], writable: true, enumerable: true, configurable: true });
  return bag;
}
export const shared = (data) => {
  for (const key of platform.keys_(data)) if (data[key] && typeof data[key] == 'object') bagOwner.delete(data[key]);
  return { ...data };
};
// A toJSON the page put on Object.prototype or Array.prototype (one that throws, or rewrites every
// value) is not honoured for the SDK's own data: when one is there, the value is first copied into
// prototype-less objects and arrays (own enumerable keys), so only a class's own toJSON (Date's)
// still applies. Without one, JSON.stringify as captured at load does it all.
const objectProto = Object.prototype, arrayProto = Array.prototype, isArray = Array.isArray, setPrototype = Object.setPrototypeOf;
function bare(value, ancestors) {
  if (!value || typeof value != 'object') return value;
  let toJSON;
  try { toJSON = value.toJSON; } catch {}
  if (typeof toJSON == 'function' && toJSON !== objectProto.toJSON && toJSON !== arrayProto.toJSON) return value;
  if (ancestors.indexOf(value) >= 0) throw TypeError('cyclic value');
  ancestors.push(value);
  let copy;
  if (isArray(value)) {
    copy = setPrototype([], null);  // still an array to JSON.stringify, with nothing inherited
    for (let i = 0; i < value.length; i++) copy[i] = bare(value[i], ancestors);
  } else {
    copy = Object.create(null);
    for (const key of platform.keys_(value)) copy[key] = bare(value[key], ancestors);
  }
  ancestors.pop();
  return copy;
}
export const toJson = (value) => platform.stringify_.call(JSON,
  platform.hasOwn_.call(objectProto, 'toJSON') || platform.hasOwn_.call(arrayProto, 'toJSON') ? bare(value, []) : value);
export const fromJson = (s) => platform.parse_.call(JSON, s);
export const later = (f, ms) => platform.setTimeout_.call(globalObject, f, ms);
export const cancel = (t) => platform.clearTimeout_.call(globalObject, t);
/** addEventListener as it was at load (a throwing or replaced one in the page does not matter). */
export function listen(target, type, handler, capture, remove) {
  try { (remove ? platform.removeEventListener_ : platform.addEventListener_).call(target, type, handler, capture); return 1; } catch {}
}

export const STASH_PREFIX = 'faultline:stash:';  // localStorage records of what a page could not send before it went
// Storage that survives the page: localStorage, because an unloading page can still write it
// synchronously (an IndexedDB write in pagehide is only kept when the connection was opened
// before; measured in the README). Undefined where it is unavailable (opaque origins, disabled
// storage).
export function storage() {
  try { const store = globalObject.localStorage; store.length; return store; } catch {}
}

// Random bytes come from a pool refilled 256 at a time: getRandomValues costs microseconds per call.
// When getRandomValues throws, or returns constant bytes or the same bytes again (a broken or stubbed
// crypto), the pool comes from a generator of our own (xorshift, seeded from the clocks and
// Math.random) so that event ids stay distinct: a backend drops events with a repeated id.
let pool, poolIndex = 256, previousHead = '', xorshift = (Date.now() ^ (Math.random() * 4294967296)) | 1;

/** `byteCount` random bytes as 2 × byteCount lowercase hex characters. */
export function randomHex(byteCount) {
  let hex = '';
  while (byteCount--) {
    if (poolIndex > 255) {
      pool = new Uint8Array(256);
      poolIndex = 0;
      let looksRandom;
      try {
        platform.getRandomValues_.call(platform.crypto_, pool);
        const head = pool.slice(0, 32).join();
        looksRandom = head != previousHead && new Set(pool.subarray(0, 32)).size > 8;  // 32 random bytes have ~30 distinct values
        previousHead = head;
      } catch {}
      if (!looksRandom) {
        xorshift = (xorshift ^ (typeof performance == 'object' ? performance.now() * 1000 : 0) ^ Date.now()) || 1;
        for (let i = 0; i < 256; i++) {
          xorshift ^= xorshift << 13; xorshift ^= xorshift >>> 17; xorshift ^= xorshift << 5;
          pool[i] = (xorshift ^ (Math.random() * 256)) & 255;
        }
      }
    }
    const byte = pool[poolIndex++];
    hex += HEX[byte] || (HEX[byte] = (byte + 256).toString(16).slice(1));  // number-to-text once per byte value
  }
  return hex;
}
const HEX = [];

export function get(object, key) {
  try { return object[key]; } catch {}
}

export const tagOf = (v) => { try { return Object.prototype.toString.call(v); } catch { return '[object Object]'; } };

export function isError(value) {
  if (!value || typeof value != 'object') return false;
  try { if (value instanceof Error) return true; } catch { return false; }
  return /^\[object (Error|DOMException|Exception)\]$/.test(tagOf(value));  // also Errors from other frames
}

export const truncate = (s, n) => (s.length > n ? s.slice(0, n) + '\u2026' : s);

/**
 * A JSON-safe copy of any value: cycles become "[Circular]", depth and width are bounded, throwing
 * getters and Proxies degrade to markers, BigInt/Symbol/functions become strings.
 */
export function jsonSafe(value, depth = 3, seen = [], peek) {
  try {
    switch (typeof value) {
      case 'string': return truncate(value, 2000);
      case 'number': return isFinite(value) ? value : String(value);
      case 'boolean': case 'undefined': return value;
      case 'bigint': return value + 'n';
      case 'symbol': return value.toString();
      case 'function': return `[Function: ${get(value, 'name') || '<anonymous>'}]`;
    }
    if (value === null) return null;
    if (seen.includes(value)) return '[Circular]';
    // A budget over the whole value: wide and deep objects cost at most ~500 visited values.
    if ((seen.n = (seen.n || 0) + 1) > 500) return '[\u2026]';
    if (isError(value)) return `${printable(get(value, 'name'))}: ${printable(get(value, 'message'))}`;
    if (peek && typeof Node == 'function' && value instanceof Node) return `[${value.nodeName}]`;
    if (!peek && typeof get(value, 'nodeType') == 'number') return `[${get(value, 'nodeName')}]`;
    const arr = Array.isArray(value);
    const tag = tagOf(value);
    if (!arr && tag != '[object Object]') return tag == '[object Date]' ? value.toISOString() : tag;
    if (depth <= 0) return arr ? '[Array]' : '[Object]';
    seen.push(value);
    const out = [];  // entries, then one object: no setter on Object.prototype runs
    // peek: what is there without running the page's code (a getter is named, not called): the
    // own names (one ownKeys trap of a Proxy) and one descriptor each, the enumerable ones kept.
    const keys = peek ? Object.getOwnPropertyNames(value) : platform.keys_(value);
    for (let i = 0; i < keys.length && out.length < 100; i++) {
      let item;
      try {
        const descriptor = peek && Object.getOwnPropertyDescriptor(value, keys[i]);
        if (peek && !(descriptor && descriptor.enumerable)) continue;
        item = !peek ? value[keys[i]] : platform.hasOwn_.call(descriptor, 'value') ? descriptor.value : '[Getter]';
      } catch { item = '[Throws]'; }
      out.push([keys[i], jsonSafe(item, depth - 1, seen, peek)]);
    }
    seen.pop();
    return arr ? out.map((e) => e[1]) : Object.fromEntries(out);
  } catch {
    return '[Unserializable]';
  }
}

/** A readable string for any value; never throws. peek: without calling the value's getters. */
export function printable(value, peek) {
  if (typeof value == 'string') return value;
  if (value === undefined) return 'undefined';
  try {
    const safe = jsonSafe(value, 2, [], peek);
    return typeof safe == 'string' ? safe : toJson(safe);
  } catch {
    return '[Unserializable]';
  }
}

/** A string for any value as String() gives it (Sentry's formatting); never throws. */
export function asString(value) {
  try { return typeof value == 'string' ? value : String(value); } catch { return tagOf(value); }
}

/** Does any of the strings match one of the patterns (string = substring, RegExp)? */
export function matches(list, texts) {
  if (!list) return false;
  for (const pattern of list) {
    for (const text of texts) {
      try { if (typeof text == 'string' && (typeof pattern == 'string' ? text.includes(pattern) : text.search(pattern) >= 0)) return true; } catch {}
    }
  }
  return false;
}
