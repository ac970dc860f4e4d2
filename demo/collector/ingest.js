// The CPU-heavy half of ingest, kept apart from SQLite so it can run on a worker thread
// (ingest-worker.js) while the main thread answers HTTP and writes the database: decoding a
// request's body (gzip/deflate/br), parsing its envelope and items, turning each event into a flat
// record of the columns the store writes (title, issue key, tags, user, trace, counts, …), and
// deflating event bodies together in blocks. Every function here is pure: the same code runs in the
// worker and, when no worker is available (or for the store's own callers), on the main thread.
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { parseEnvelope as parseEnvelopeBytes, EnvelopeError } from '../../js/envelope.js';
import {
  browserOf, culpritOf, isObj, issueKey, levelOf, messageLineOf, occurrencesOf, str, tagsOf, titleOf, toSeconds, traceOf, userKeyOf,
} from './fields.js';

export class HttpError extends Error {
  constructor(status, detail, reason, headers) {
    super(detail);
    this.status = status;
    this.reason = reason || `http_${status}`;
    this.headers = headers;
  }
}

// Event bodies are stored deflated with a preset dictionary of the keys every Sentry event repeats
// (never change it for an existing dictionary id: stored rows name the one they were written with).
export const DICTS = {
  1: Buffer.from('{"event_id":"","timestamp":,"platform":"javascript","level":"error","release":"","environment":"production",'
    + '"sdk":{"name":"faultline.javascript","version":"","integrations":[],"packages":[{"name":"npm:faultline","version":""}]},'
    + '"exception":{"values":[{"type":"TypeError","value":"Cannot read properties of undefined (reading \'","mechanism":{"type":"onerror","handled":false},'
    + '"stacktrace":{"frames":[{"filename":"http://127.0.0.1:","function":"","lineno":,"colno":,"in_app":true},{"filename":"","function":"","in_app":false}]}}]},'
    + '"breadcrumbs":{"values":[{"timestamp":,"category":"ui.click","message":"","type":"default","level":"info","data":{}},{"category":"fetch","type":"http","data":{"method":"GET","url":"","status_code":}},{"category":"console","message":""}]},'
    + '"contexts":{"trace":{"trace_id":"","span_id":""},"faultline":{"count":1,"first_seen":,"last_seen":,"summary":false,"grouping":{"source":"","parts":[]}},"browser":{"name":"Chrome","version":""},"os":{"name":"Linux"}},'
    + '"request":{"url":"http://127.0.0.1:","headers":{"User-Agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/ Safari/537.36"}},'
    + '"user":{"id":"","username":"","ip_address":"{{auto}}"},"tags":{},"extra":{},"fingerprint":[],"transaction":"","spans":[],"start_timestamp":,"type":"transaction"}'),
};
export const DICT_ID = 1;

// A block is many events of one shape: level 1 with the full 32 KiB window (which reaches back over
// a dozen ~2 KB events) is both faster and smaller than a higher level with a 4 KiB window, which
// barely reaches the previous event (64 bench events: 7 vs 22 µs of CPU and 181 vs 272 B per
// event against level 4, windowBits 12). Any window inflates with the default (15) one.
export function packBody(raw) {
  return zlib.deflateRawSync(raw, { level: 1, windowBits: 15, memLevel: 8, dictionary: DICTS[DICT_ID] });
}
export function unpackBody(buf, dict = DICT_ID) {
  return zlib.inflateRawSync(buf, { dictionary: DICTS[dict] }).toString('utf8');
}

// A block holds at most this many events or bytes (before compression): reading one event
// inflates its block (about 0.3 ms for 64 events of 2 KB).
export const BLOCK_EVENTS = 64;
export const BLOCK_BYTES = 256 * 1024;

// A UUID with dashes is the same id as its 32 hex digits (Sentry accepts both); anything else is
// kept as sent (bounded).
/** An event id as stored: 32 lower-case hex digits (a UUID's dashes dropped), or '' when `v` is none. */
export function normalizeEventId(value) {
  const text = str(value, 64);
  const compact = text.length === 36 && text[8] === '-' && text[13] === '-' && text[18] === '-' && text[23] === '-' ? text.replace(/-/g, '') : text;
  return /^[0-9a-fA-F]{32}$/.test(compact) ? compact.toLowerCase() : '';
}

const newEventId = () => crypto.randomUUID().replace(/-/g, '');

/**
 * Gives an event (or transaction) item the id it is stored and answered under: `forced` (the
 * envelope header's, as Relay's `finalize` always overwrites), else its own when it is one, else a
 * new one; an id that is not one (`"zz"`, a number) is kept in `errors` as Relay's `invalid_data`.
 * Returns the raw bytes to store: the item's own when nothing changed, else the rewritten item.
 */
function assignEventId(payload, raw, forced) {
  const given = payload.event_id;
  const own = normalizeEventId(given);
  const eventId = forced || own || newEventId();
  if (given === eventId) return raw;
  if (given !== undefined && given !== null && !own) {
    payload.errors = [...(Array.isArray(payload.errors) ? payload.errors.slice(0, 99) : []), { type: 'invalid_data', name: 'event_id', value: typeof given === 'string' ? given.slice(0, 200) : given }];
  }
  payload.event_id = eventId;
  return Buffer.from(JSON.stringify(payload));
}

export function decodeBody(buf, encoding, maxOut) {
  const enc = String(encoding || '').toLowerCase();
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(buf, { maxOutputLength: maxOut });
    if (enc === 'deflate') return zlib.inflateSync(buf, { maxOutputLength: maxOut });
    if (enc === 'br') return zlib.brotliDecompressSync(buf, { maxOutputLength: maxOut });
  } catch (err) {
    if (err && (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)) throw new HttpError(413, `decompressed body larger than ${maxOut} bytes`, 'too_large');
    throw new HttpError(400, `body is not valid ${enc}`, 'bad_encoding');
  }
  if (enc && enc !== 'identity') throw new HttpError(415, 'unsupported content-encoding', 'bad_encoding');
  return buf;
}

// Values nested deeper than this many arrays/objects below the event are kept as a JSON string of
// themselves, as Relay's trimming keeps a data bag's containers past its depth limit (Relay stops
// at 5-7 levels inside `extra`, `contexts` or a frame's `vars`; this bound is looser, only so that
// no stored body is too deep to serialize or render: JSON.parse reads any depth, JSON.stringify
// and a recursive renderer overflow their stack at a few thousand).
export const MAX_DEPTH = 32;

/**
 * `buf` (JSON bytes of one value) with every container opened deeper than `max` levels replaced
 * by a JSON string of its text, or null when nothing is that deep (the usual case: one linear
 * scan of the bytes, no allocation). Strings are skipped with their escapes; the input is valid
 * JSON (it was parsed), so brackets outside strings always balance.
 */
export function boundDepth(buf, max = MAX_DEPTH) {
  const parts = [];
  let depth = 0;
  let last = 0;
  let from = -1;
  for (let i = 0, n = buf.length; i < n; i++) {
    const byte = buf[i];
    if (byte === 0x22) {
      for (i++; i < n; i++) {
        const stringByte = buf[i];
        if (stringByte === 0x5c) i++;
        else if (stringByte === 0x22) break;
      }
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth === max + 1) from = i;
    } else if (byte === 0x7d || byte === 0x5d) {
      if (depth-- === max + 1) {
        parts.push(buf.subarray(last, from), Buffer.from(JSON.stringify(buf.toString('utf8', from, i + 1))));
        last = i + 1;
      }
    }
  }
  if (!parts.length) return null;
  parts.push(buf.subarray(last));
  return Buffer.concat(parts);
}

/**
 * Whether the parsed value `v` holds a container more than `room` levels below it (`v` itself
 * being the first). Walks the parsed tree, which costs less than scanning the bytes (20 000 bench
 * events of 2.2 KB: ~6 µs vs ~12 µs each, against ~45 µs for JSON.parse), so ingest scans the
 * bytes only for the rare event that is too deep.
 */
export function tooDeep(value, room = MAX_DEPTH) {
  if (room === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      if (typeof child === 'object' && child !== null && tooDeep(child, room - 1)) return true;
    }
  } else {
    for (const key in value) {
      const child = value[key];
      if (typeof child === 'object' && child !== null && tooDeep(child, room - 1)) return true;
    }
  }
  return false;
}

// Envelopes are parsed by the module the SDK and the JS fallback core frame them with
// (js/envelope.js); its errors become 400 (413 for too many items).
export function parseEnvelope(buf) {
  try {
    return parseEnvelopeBytes(buf);
  } catch (error) {
    if (error instanceof EnvelopeError) throw new HttpError(error.reason == 'too_many_items' ? 413 : 400, error.message, error.reason);
    throw error;
  }
}

export function parseJsonItem(payload, what) {
  let parsed;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new HttpError(400, `${what} item is not valid JSON`, 'bad_json');
  }
  if (!isObj(parsed)) throw new HttpError(400, `${what} item payload must be an object`, 'bad_json');
  return parsed;
}

/**
 * Adds n to counter `key` of a counts object. The key is a user-given name (an item type, a
 * reason): set as an own data property, so `__proto__`, `constructor` or `toString` are counted
 * like any other name, never read from or written to Object.prototype.
 */
export function tally(obj, key, amount = 1) {
  const was = Object.hasOwn(obj, key) ? obj[key] : 0;
  Object.defineProperty(obj, key, { value: was + amount, enumerable: true, writable: true, configurable: true });
}

const KNOWN_ITEMS = new Set(['event', 'transaction', 'client_report', 'session', 'sessions', 'span']);

/**
 * One ingest request's body → store records, or an HttpError. `counts` receives what was refused
 * or ignored (refused.<reason>, ignored.<item type>), so the caller's /__stats stay exact however
 * the request ends. `budget` ({start, bytes}) is the stored-bytes budget of the current minute.
 * Event and transaction records keep their parsed `event` and `raw` bytes for normalizeRecord.
 */
export function parseRequest(req, limits, budget, counts) {
  const refuse = (reason, n = 1) => {
    tally(counts.refused, reason, n);
  };
  const body = decodeBody(req.body, req.encoding, limits.maxDecompressedBytes);
  const { records, firstId, envelope } = req.legacy ? legacyRecords(req, body, limits, refuse) : envelopeRecords(req, body, limits, counts, refuse);
  chargeBudget(records, limits, budget, refuse);
  return { records, firstId, envelope, body };
}

// The store endpoint's body: one event.
function legacyRecords({ project, received, ua }, body, limits, refuse) {
  if (body.length > limits.maxEventBytes) {
    refuse('event_too_large');
    throw new HttpError(413, `event larger than ${limits.maxEventBytes} bytes`, 'event_too_large');
  }
  const event = parseJsonItem(body, 'event');
  const raw = isObj(event) ? assignEventId(event, body, '') : body;
  return { records: [{ kind: 'event', project, received, ua, event, raw }], firstId: normalizeEventId(event.event_id) || null, envelope: false };
}

// An envelope's items, each as its record (unknown item types counted in counts.ignored).
function envelopeRecords({ project, received, ua }, body, limits, counts, refuse) {
  const records = [];
  let firstId = null;
  const parsedEnvelope = parseEnvelope(body);
  // As Relay does (processing/utils/event.rs `finalize`: "to be defensive, we always overwrite"),
  // the event is stored under the envelope header's event_id, the id the reply names, whether
  // its item has no event_id or another one; an envelope carries one event, so only its first
  // event item takes the header's id. Without a header id, the item's own id is kept.
  let headerId = normalizeEventId(parsedEnvelope.header.event_id) || null;
  for (const item of parsedEnvelope.items) {
    const type = item.header.type;
    if (!KNOWN_ITEMS.has(type)) {
      const name = type.slice(0, 40);
      tally(counts.ignored, name);
      continue;
    }
    if (item.payload.length > limits.maxEventBytes) {
      refuse(`${type}_too_large`);
      continue;
    }
    const payload = parseJsonItem(item.payload, type);
    if (type === 'event' || type === 'transaction') {
      const raw = isObj(payload) ? assignEventId(payload, item.payload, headerId || '') : item.payload;
      headerId = null;
      records.push({ kind: type, project, received, ua, event: payload, raw });
      if (type === 'event') firstId = firstId || normalizeEventId(payload.event_id) || null;
    } else if (type === 'client_report') records.push({ kind: 'client_report', project, received, report: payload });
    else if (type === 'session') records.push({ kind: 'session', project, received, session: payload });
    else if (type === 'sessions') records.push({ kind: 'sessions', project, received, aggregates: payload });
    else {
      const list = Array.isArray(payload.items) ? payload.items.slice(0, 1000) : [payload];
      for (const span of list) records.push({ kind: 'span', project, received, span });
    }
  }
  firstId = firstId || normalizeEventId(parsedEnvelope.header.event_id) || null;
  return { records, firstId, envelope: true };
}

// Stored bytes per minute: past the budget the whole request is refused (and counted), with a
// Retry-After the SDK honours.
function chargeBudget(records, limits, budget, refuse) {
  let bytes = 0;
  let withBody = 0;
  for (const record of records) {
    if (!record.raw) continue;
    bytes += record.raw.length;
    withBody += 1;
  }
  const now = Date.now();
  if (now - budget.start >= 60000) {
    budget.start = now;
    budget.bytes = 0;
  }
  if (bytes && limits.maxBytesPerMinute > 0 && budget.bytes + bytes > limits.maxBytesPerMinute) {
    refuse('bytes_per_minute', withBody);
    const retry = Math.max(1, Math.ceil((budget.start + 60000 - now) / 1000));
    throw new HttpError(429, 'stored-bytes budget for this minute is spent', 'bytes_per_minute', { 'retry-after': String(retry), 'x-sentry-rate-limits': `${retry}::organization` });
  }
  budget.bytes += bytes;
}

// Timestamps further ahead of arrival or older than this are replaced by the arrival time (Relay's
// `max_secs_in_future` default, and a 30-day retention window as Sentry's default).
export const MAX_FUTURE_S = 60;
export const MAX_PAST_S = 30 * 86400;

/**
 * An event's `timestamp` → {ts: seconds, invalid}. Seconds as a number or a numeric string, or an
 * RFC 3339 date, are read as they are; no timestamp is the arrival time; a number past 1e11 is
 * milliseconds (invalid: stored as seconds); anything else is unreadable (invalid: arrival time).
 */
export function readTimestamp(value, received) {
  if (value === undefined || value === null) return { ts: received, invalid: false };
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() && value.length < 64 ? Number(value) : NaN;
  if (Number.isNaN(seconds) && typeof value === 'string' && value.length < 64) {
    const millis = Date.parse(value);
    if (!Number.isNaN(millis)) return { ts: millis / 1000, invalid: false };
  }
  if (!Number.isFinite(seconds)) return { ts: received, invalid: true };
  return seconds > 1e11 ? { ts: seconds / 1000, invalid: true } : { ts: seconds, invalid: false };
}

/**
 * An event or transaction record with its parsed `event` → the flat columns the store writes
 * (the parsed event is dropped; `raw` stays for the block packer). Other records pass unchanged.
 */
export function normalizeRecord(record) {
  if (record.kind !== 'event' && record.kind !== 'transaction') return record;
  const event = record.event;
  const received = Number.isFinite(record.received) ? record.received : Date.now() / 1000;
  const isTx = record.kind === 'transaction' || event.type === 'transaction';
  const contexts = isObj(event.contexts) ? event.contexts : {};
  const faultline = isObj(contexts.faultline) ? contexts.faultline : {};
  let raw = record.raw && tooDeep(event) ? boundDepth(record.raw) || record.raw : record.raw;
  // A timestamp the collector cannot read as seconds (a string that is no date, true, an object)
  // takes the arrival time, and one in milliseconds (a number past 1e11: year 5138 as seconds) is
  // read as ms / 1000. Relay's timestamp rule: an event more than a minute ahead of its arrival,
  // or older than the retention window (30 days), takes the time it arrived. Either way the
  // stored event has the seconds it is indexed by, and keeps the value as sent in `errors`
  // ({type: invalid_data | future_timestamp | past_timestamp, name: timestamp, value}), as
  // Sentry's processing errors show it. A transaction's start moves with it (its duration stays).
  const read = readTimestamp(event.timestamp, received);
  let timestamp = read.ts;
  const drift = timestamp > received + MAX_FUTURE_S ? 'future_timestamp' : timestamp < received - MAX_PAST_S ? 'past_timestamp' : null;
  let shift = 0;
  if (drift || read.invalid) {
    if (drift) shift = received - timestamp;
    const fixed = raw ? JSON.parse(raw.toString('utf8')) : {};
    if (isObj(fixed)) {
      if (isTx && typeof fixed.start_timestamp === 'number' && drift) fixed.start_timestamp += shift;
      fixed.errors = [...(Array.isArray(fixed.errors) ? fixed.errors : []), { type: drift || 'invalid_data', name: 'timestamp', value: event.timestamp }];
      fixed.timestamp = drift ? received : timestamp;
      if (raw) raw = Buffer.from(JSON.stringify(fixed));
    }
    if (drift) timestamp = received;
  }
  const inWindow = (t) => Number.isFinite(t) && t <= received + MAX_FUTURE_S && t >= received - MAX_PAST_S;
  const browser = browserOf(event, record.ua);
  const out = {
    kind: record.kind, project: record.project, received, raw, normalized: true,
    eventId: normalizeEventId(event.event_id) || crypto.randomUUID().replace(/-/g, ''),
    isTx, count: isTx ? 1 : occurrencesOf(event), summary: faultline.summary === true ? 1 : 0, ts: timestamp,
    browserTag: browser ? (browser.version ? `${browser.name} ${browser.version}` : browser.name) : '',
    trace: traceOf(event), level: isTx ? 'info' : levelOf(event), release: str(event.release, 200) || null, environment: str(event.environment, 100) || null,
    userKey: userKeyOf(event), title: titleOf(event),
    first: inWindow(faultline.first_seen) ? faultline.first_seen : timestamp, last: inWindow(faultline.last_seen) ? faultline.last_seen : timestamp,
  };
  if (isTx) {
    out.tx = {
      service: str(isObj(contexts.runtime) ? contexts.runtime.name : '', 50) || str(event.platform, 50), description: str(event.transaction, 300) || null,
      start: toSeconds(event.start_timestamp, timestamp - shift) + shift, spans: Array.isArray(event.spans) ? event.spans.slice(0, 1000) : [],
    };
  } else {
    out.key = issueKey(event);
    out.culprit = culpritOf(event);
    out.message = messageLineOf(event).slice(0, 1000);
    out.fingerprint = Array.isArray(event.fingerprint) ? JSON.stringify(event.fingerprint.slice(0, 32)) : null;
    out.tags = joinTags(tagsOf(event, browser));
  }
  return out;
}

/**
 * An event's tags as one string of "key\0value" pairs joined by \x01, the form the store keys its
 * tag counts by. The worker hands records to the main thread by structured clone, and one string
 * crosses far cheaper than an array of pairs (800 bench records: 11 -> 6 µs per record to
 * deserialize on the main thread, 6 -> 3.4 to serialize). Tags whose key holds \0 or \x01, or
 * whose value holds \x01, stay an array of pairs (the store takes both).
 */
export function joinTags(tags) {
  let joined = '';
  for (let i = 0; i < tags.length; i++) {
    const key = tags[i][0];
    const value = tags[i][1];
    if (key.includes('\u0000') || key.includes('\u0001') || value.includes('\u0001')) return tags;
    joined += i ? `\u0001${key}\u0000${value}` : `${key}\u0000${value}`;
  }
  return joined;
}

/**
 * Groups consecutive event bodies into blocks (at most BLOCK_EVENTS events or BLOCK_BYTES bytes)
 * and deflates each once. A packed record gets `block` (its index in `blocks`), `boff` and `blen`
 * and loses `raw`; the store gives each stored event its share of the block's bytes.
 */
export class BlockPacker {
  constructor() {
    this.blocks = [];
    this.chunk = [];
    this.bytes = 0;
  }

  add(record) {
    if (!record.raw) return;
    this.chunk.push(record);
    this.bytes += record.raw.length;
    if (this.chunk.length >= BLOCK_EVENTS || this.bytes >= BLOCK_BYTES) this.pack();
  }

  pack() {
    const chunk = this.chunk;
    if (!chunk.length) return;
    const raw = chunk.length === 1 ? chunk[0].raw : Buffer.concat(chunk.map((r) => r.raw), this.bytes);
    const data = packBody(raw);
    const block = this.blocks.length;
    this.blocks.push({ dict: DICT_ID, raw_size: raw.length, data });
    let off = 0;
    for (const record of chunk) {
      record.block = block;
      record.boff = off;
      record.blen = record.raw.length;
      off += record.raw.length;
      record.raw = undefined;
    }
    this.chunk = [];
    this.bytes = 0;
  }

  /** The blocks packed so far (the open one closed) and a fresh packer state. */
  take() {
    this.pack();
    const blocks = this.blocks;
    this.blocks = [];
    return blocks;
  }
}
