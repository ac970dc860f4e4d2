// Sentry envelopes (https://develop.sentry.dev/sdk/envelopes/), framed and parsed in one place for
// the SDK, the JS fallback core and the local collector (the C++ core frames its own in
// src/envelope.cpp with the same rules): a header line (a JSON object), then for each item an
// item-header line (a JSON object with a string `type` and, when framed here, the payload's
// `length` in UTF-8 bytes) and the payload. A payload without `length` runs to the next newline.
// Parsing works on text (the SDK re-reading what a core framed) and on bytes (a request body in
// Node); both give the same answers, and a malformed envelope is an EnvelopeError with a reason,
// never a partial result.

/**
 * The character at `index`: its UTF-8 bytes × 4 + the code units it spans (a lone surrogate is
 * written as U+FFFD, 3 bytes, as TextEncoder writes it).
 */
function char(text, index) {
  const code = text.charCodeAt(index);
  if (code < 0x80) return 5;
  if (code < 0x800) return 9;
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 18;
  }
  return 13;
}

/** Bytes of a string in UTF-8, as TextEncoder would count them (without it: a page may replace it). */
export function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    const packed = char(text, i);
    bytes += packed >> 2;
    i += packed & 3;
  }
  return bytes;
}

/**
 * An envelope's text. `header`: the envelope header as JSON text; `items`: [{ type, payload, ... }]
 * where payload is JSON text and the other fields go into the item header (`length` is computed).
 * `stringify` is the JSON.stringify to use (the SDK passes the one it captured at load).
 */
export function frameEnvelope(header, items, stringify = JSON.stringify) {
  let body = header + '\n';
  for (const { payload, ...itemHeader } of items) body += stringify({ ...itemHeader, length: utf8Length(payload) }) + '\n' + payload + '\n';
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
          const packed = char(input, i);
          bytes -= packed >> 2;
          i += packed & 3;
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
  let value;
  try { value = parse(text); } catch { throw new EnvelopeError(`${what} is not valid JSON`); }
  if (!isObject(value)) throw new EnvelopeError(`${what} is not an object`);
  return value;
}

/**
 * Parses an envelope given as text or bytes (Uint8Array/Buffer). Returns { header, items: [{ header,
 * payload }] } where each payload is text for a text input and a subarray for bytes. An empty
 * header line is an empty header. Throws EnvelopeError; at most `maxItems` items. `parse` is the
 * JSON.parse to use (the SDK passes the one it captured at load).
 */
export function parseEnvelope(input, parse = JSON.parse, maxItems = 10000) {
  const source = reader(input);
  let newline = source.newline(0);
  const headText = source.text(0, newline < 0 ? source.size : newline);
  const header = headText.trim() ? json(headText, 'envelope header', parse) : {};
  const items = [];
  let pos = newline < 0 ? source.size : newline + 1;
  while (pos < source.size) {
    newline = source.newline(pos);
    const end = newline < 0 ? source.size : newline;
    const line = source.text(pos, end);
    pos = end + 1;
    if (!line.trim()) continue;
    const itemHeader = json(line, 'item header', parse);
    if (typeof itemHeader.type != 'string') throw new EnvelopeError('item header needs a type');
    let payload;
    if (Number.isInteger(itemHeader.length) && itemHeader.length >= 0) {
      const stop = source.skip(pos, itemHeader.length);
      // The last payload may lack its newline; a length past the end, or inside a character, is an error.
      if (stop < 0) throw new EnvelopeError(stop == -1 ? 'item length runs past the end of the envelope' : 'item length ends inside a character');
      payload = source.payload(pos, stop);
      pos = stop;
      if (source.at(pos) === '\n') pos += 1;
    } else {
      newline = source.newline(pos);
      const lineEnd = newline < 0 ? source.size : newline;
      payload = source.payload(pos, lineEnd);
      pos = lineEnd + 1;
    }
    items.push({ header: itemHeader, payload });
    if (items.length > maxItems) throw new EnvelopeError('too many items', 'too_many_items');
  }
  return { header, items };
}
