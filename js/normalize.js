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

const ctor = (value) => {
  try {
    const proto = Object.getPrototypeOf(value);
    return proto && proto.constructor ? proto.constructor.name : 'null prototype';
  } catch { return 'Object'; }
};

/** Sentry's stringifyValue: a marker for a non-plain value, or `[object Name]` for objects to visit. */
function mark(value) {
  try {
    switch (typeof value) {
      case 'number': return `[${value}]`;
      case 'function': return `[Function: ${get(value, 'name') || '<anonymous>'}]`;
      case 'symbol': return `[${String(value)}]`;
      case 'bigint': return `[BigInt: ${String(value)}]`;
    }
    if (value === globalObject.window) return '[Window]';
    if (value === globalObject.document) return '[Document]';
    const constructorName = ctor(value);
    if (/^HTML(\w*)Element$/.test(constructorName) && get(value, 'nodeType') === 1) return `[HTMLElement: ${selector(value)}]`;
    return `[object ${constructorName}]`;
  } catch (e) {
    return `**non-serializable** (${e})`;
  }
}

// Own enumerable properties, with Errors' and Events' interesting non-enumerable ones first.
function plain(value) {
  if (isError(value)) return { message: get(value, 'message'), name: get(value, 'name'), stack: get(value, 'stack'), ...value };
  if (typeof Event == 'function' && value instanceof Event) {
    const detail = get(value, 'detail');
    return { type: get(value, 'type'), target: get(value, 'target'), currentTarget: get(value, 'currentTarget'), ...(detail ? { detail } : {}), ...value };
  }
  return value;
}

/**
 * A JSON-safe copy of `value`, `depth` levels deep (Sentry's normalizeDepth default is 3). `budget`
 * bounds the values visited over the whole call.
 */
export function normalize(value, depth = 3, seen = new WeakSet(), budget = { n: 2000 }) {
  if (value == null || typeof value == 'boolean' || typeof value == 'string' || (typeof value == 'number' && isFinite(value))) return value;
  const marker = mark(value);
  if (!marker.startsWith('[object ')) return marker;
  if (depth <= 0) return marker.replace('object ', '');
  if (seen.has(value)) return '[Circular ~]';
  if (--budget.n < 0) return '[MaxProperties ~]';
  try {
    const toJSON = get(value, 'toJSON');
    if (typeof toJSON == 'function') {
      try { return normalize(toJSON.call(value), depth - 1, seen, budget); } catch {}
    }
    seen.add(value);
    // Entries, then one object: a field named like a setter the page put on Object.prototype
    // (`value`, `type`...) is written as data, never through the setter.
    const out = [], arr = Array.isArray(value);
    const fields = plain(value);
    for (const key of Object.keys(fields)) {
      if (arr && !/^\d+$/.test(key)) continue;  // an array's own named fields are not JSON
      if (--budget.n < 0) {
        out.push([key, '[MaxProperties ~]']);
        break;
      }
      let item;
      try { item = fields[key]; } catch (error) { item = `**non-serializable** (${error})`; }
      out.push([key, normalize(item, depth - 1, seen, budget)]);
    }
    seen.delete(value);
    if (!arr) return Object.fromEntries(out);
    const array = [];
    for (const [index, item] of out) array[index] = item;
    return array;
  } catch (error) {
    return `**non-serializable** (${error})`;
  }
}
