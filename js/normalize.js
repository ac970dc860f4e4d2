// Values from the page as @sentry/browser normalizes them (its normalize() with the browser's
// stringifier), so extra, contexts, tags, user and breadcrumb data read the same after a switch:
// NaN/Infinity -> "[NaN]"/"[Infinity]", functions -> "[Function: name]", symbols -> "[Symbol(x)]",
// BigInts -> "[BigInt: 1]", window/document -> "[Window]"/"[Document]", HTML elements ->
// "[HTMLElement: body > div#id]", objects past the depth -> "[Object]"/"[Array]"/"[Map]", cycles ->
// "[Circular ~]", toJSON() honoured, Errors and Events unpacked. Imported lazily (client.js): the
// page only pays for it once the core is loading. Never throws: throwing getters and Proxies give
// markers, and a budget over the whole value bounds the work on huge objects.
import { globalObject, get, isError } from './util.js';
import { selector } from './hooks/dom.js';

const ctor = (v) => {
  try {
    const p = Object.getPrototypeOf(v);
    return p && p.constructor ? p.constructor.name : 'null prototype';
  } catch { return 'Object'; }
};

/** Sentry's stringifyValue: a marker for a non-plain value, or `[object Name]` for objects to visit. */
function mark(v) {
  try {
    switch (typeof v) {
      case 'number': return `[${v}]`;
      case 'function': return `[Function: ${get(v, 'name') || '<anonymous>'}]`;
      case 'symbol': return `[${String(v)}]`;
      case 'bigint': return `[BigInt: ${String(v)}]`;
    }
    if (v === globalObject.window) return '[Window]';
    if (v === globalObject.document) return '[Document]';
    const n = ctor(v);
    if (/^HTML(\w*)Element$/.test(n) && get(v, 'nodeType') === 1) return `[HTMLElement: ${selector(v)}]`;
    return `[object ${n}]`;
  } catch (e) {
    return `**non-serializable** (${e})`;
  }
}

// Own enumerable properties, with Errors' and Events' interesting non-enumerable ones first.
function plain(v) {
  if (isError(v)) return { message: get(v, 'message'), name: get(v, 'name'), stack: get(v, 'stack'), ...v };
  if (typeof Event == 'function' && v instanceof Event) {
    const d = get(v, 'detail');
    return { type: get(v, 'type'), target: get(v, 'target'), currentTarget: get(v, 'currentTarget'), ...(d ? { detail: d } : {}), ...v };
  }
  return v;
}

/**
 * A JSON-safe copy of `v`, `depth` levels deep (Sentry's normalizeDepth default is 3). `budget`
 * bounds the values visited over the whole call.
 */
export function normalize(v, depth = 3, seen = new WeakSet(), budget = { n: 2000 }) {
  if (v == null || typeof v == 'boolean' || typeof v == 'string' || (typeof v == 'number' && isFinite(v))) return v;
  const s = mark(v);
  if (!s.startsWith('[object ')) return s;
  if (depth <= 0) return s.replace('object ', '');
  if (seen.has(v)) return '[Circular ~]';
  if (--budget.n < 0) return '[MaxProperties ~]';
  try {
    const j = get(v, 'toJSON');
    if (typeof j == 'function') {
      try { return normalize(j.call(v), depth - 1, seen, budget); } catch {}
    }
    seen.add(v);
    // Entries, then one object: a field named like a setter the page put on Object.prototype
    // (`value`, `type`...) is written as data, never through the setter.
    const out = [], arr = Array.isArray(v);
    const o = plain(v);
    for (const k of Object.keys(o)) {
      if (arr && !/^\d+$/.test(k)) continue;  // an array's own named fields are not JSON
      if (--budget.n < 0) {
        out.push([k, '[MaxProperties ~]']);
        break;
      }
      let x;
      try { x = o[k]; } catch (e) { x = `**non-serializable** (${e})`; }
      out.push([k, normalize(x, depth - 1, seen, budget)]);
    }
    seen.delete(v);
    if (!arr) return Object.fromEntries(out);
    const a = [];
    for (const [k, x] of out) a[k] = x;
    return a;
  } catch (e) {
    return `**non-serializable** (${e})`;
  }
}
