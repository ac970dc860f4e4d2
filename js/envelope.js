// Sentry envelopes (https://develop.sentry.dev/sdk/envelopes/), framed and parsed in one place for
// the SDK, the JS fallback core and the local collector (the C++ core frames its own in
// src/envelope.cpp with the same rules): a header line (a JSON object), then for each item an
// item-header line (a JSON object with a string `type` and, when framed here, the payload's
// `length` in UTF-8 bytes) and the payload. A payload without `length` runs to the next newline.
// Parsing works on text (the SDK re-reading what a core framed) and on bytes (a request body in
// Node); both give the same answers, and a malformed envelope is an EnvelopeError with a reason,
// never a partial result.

/**
 * The character at i: its UTF-8 bytes × 4 + the code units it spans (a lone surrogate is written
 * as U+FFFD, 3 bytes, as TextEncoder writes it).
 */
function char(s, i) {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 5;
  if (c < 0x800) return 9;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 18;
  }
  return 13;
}

/** Bytes of a string in UTF-8, as TextEncoder would count them (without it: a page may replace it). */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length;) {
    const v = char(s, i);
    n += v >> 2;
    i += v & 3;
  }
  return n;
}

/**
 * An envelope's text. `header`: the envelope header as JSON text; `items`: [{ type, payload, ... }]
 * where payload is JSON text and the other fields go into the item header (`length` is computed).
 * `stringify` is the JSON.stringify to use (the SDK passes the one it captured at load).
 */
export function frameEnvelope(header, items, stringify = JSON.stringify) {
  let body = header + '\n';
  for (const { payload, ...ih } of items) body += stringify({ ...ih, length: utf8Length(payload) }) + '\n' + payload + '\n';
  return body;
}

export class EnvelopeError extends Error {
  /** reason: 'malformed_envelope' or 'too_many_items'. */
  constructor(message, reason = 'malformed_envelope') {
    super(message);
    this.reason = reason;
  }
}

const isObject = (v) => !!v && typeof v == 'object' && !Array.isArray(v);

// The two inputs as one reader: positions are string indexes for text, byte offsets for bytes.
function reader(input) {
  if (typeof input == 'string') {
    return {
      size: input.length,
      newline: (from) => input.indexOf('\n', from),
      text: (a, b) => input.slice(a, b),
      // The position `bytes` UTF-8 bytes after `from` (-1: the text ends before that).
      skip(from, bytes) {
        let i = from;
        while (bytes > 0 && i < input.length) {
          const v = char(input, i);
          bytes -= v >> 2;
          i += v & 3;
        }
        return bytes === 0 ? i : bytes < 0 ? -2 : -1;
      },
      payload: (a, b) => input.slice(a, b),
      at: (i) => input[i],
    };
  }
  const decoder = new TextDecoder();
  return {
    size: input.length,
    newline: (from) => input.indexOf(0x0a, from),
    text: (a, b) => decoder.decode(input.subarray(a, b)),
    skip: (from, bytes) => (from + bytes <= input.length ? from + bytes : -1),
    payload: (a, b) => input.subarray(a, b),
    at: (i) => (input[i] === 0x0a ? '\n' : ''),
  };
}

function json(text, what, parse) {
  let v;
  try { v = parse(text); } catch { throw new EnvelopeError(`${what} is not valid JSON`); }
  if (!isObject(v)) throw new EnvelopeError(`${what} is not an object`);
  return v;
}

/**
 * Parses an envelope given as text or bytes (Uint8Array/Buffer). Returns { header, items: [{ header,
 * payload }] } where each payload is text for a text input and a subarray for bytes. An empty
 * header line is an empty header. Throws EnvelopeError; at most `maxItems` items. `parse` is the
 * JSON.parse to use (the SDK passes the one it captured at load).
 */
export function parseEnvelope(input, parse = JSON.parse, maxItems = 10000) {
  const r = reader(input);
  let nl = r.newline(0);
  const headText = r.text(0, nl < 0 ? r.size : nl);
  const header = headText.trim() ? json(headText, 'envelope header', parse) : {};
  const items = [];
  let pos = nl < 0 ? r.size : nl + 1;
  while (pos < r.size) {
    nl = r.newline(pos);
    const end = nl < 0 ? r.size : nl;
    const line = r.text(pos, end);
    pos = end + 1;
    if (!line.trim()) continue;
    const ih = json(line, 'item header', parse);
    if (typeof ih.type != 'string') throw new EnvelopeError('item header needs a type');
    let payload;
    if (Number.isInteger(ih.length) && ih.length >= 0) {
      const stop = r.skip(pos, ih.length);
      // The last payload may lack its newline; a length past the end, or inside a character, is an error.
      if (stop < 0) throw new EnvelopeError(stop == -1 ? 'item length runs past the end of the envelope' : 'item length ends inside a character');
      payload = r.payload(pos, stop);
      pos = stop;
      if (r.at(pos) === '\n') pos += 1;
    } else {
      nl = r.newline(pos);
      const e = nl < 0 ? r.size : nl;
      payload = r.payload(pos, e);
      pos = e + 1;
    }
    items.push({ header: ih, payload });
    if (items.length > maxItems) throw new EnvelopeError('too many items', 'too_many_items');
  }
  return { header, items };
}
