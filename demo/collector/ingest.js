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
export function normalizeEventId(v) {
  const s = str(v, 64);
  const h = s.length === 36 && s[8] === '-' && s[13] === '-' && s[18] === '-' && s[23] === '-' ? s.replace(/-/g, '') : s;
  return /^[0-9a-fA-F]{32}$/.test(h) ? h.toLowerCase() : '';
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
  const id = forced || own || newEventId();
  if (given === id) return raw;
  if (given !== undefined && given !== null && !own) {
    payload.errors = [...(Array.isArray(payload.errors) ? payload.errors.slice(0, 99) : []), { type: 'invalid_data', name: 'event_id', value: typeof given === 'string' ? given.slice(0, 200) : given }];
  }
  payload.event_id = id;
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
    const c = buf[i];
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = buf[i];
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth === max + 1) from = i;
    } else if (c === 0x7d || c === 0x5d) {
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
export function tooDeep(v, room = MAX_DEPTH) {
  if (room === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null && tooDeep(x, room - 1)) return true;
    }
  } else {
    for (const k in v) {
      const x = v[k];
      if (typeof x === 'object' && x !== null && tooDeep(x, room - 1)) return true;
    }
  }
  return false;
}

// Envelopes are parsed by the module the SDK and the JS fallback core frame them with
// (js/envelope.js); its errors become 400 (413 for too many items).
export function parseEnvelope(buf) {
  try {
    return parseEnvelopeBytes(buf);
  } catch (e) {
    if (e instanceof EnvelopeError) throw new HttpError(e.reason == 'too_many_items' ? 413 : 400, e.message, e.reason);
    throw e;
  }
}

export function parseJsonItem(payload, what) {
  let v;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new HttpError(400, `${what} item is not valid JSON`, 'bad_json');
  }
  if (!isObj(v)) throw new HttpError(400, `${what} item payload must be an object`, 'bad_json');
  return v;
}

/**
 * Adds n to counter `key` of a counts object. The key is a user-given name (an item type, a
 * reason): set as an own data property, so `__proto__`, `constructor` or `toString` are counted
 * like any other name, never read from or written to Object.prototype.
 */
export function tally(obj, key, n = 1) {
  const was = Object.hasOwn(obj, key) ? obj[key] : 0;
  Object.defineProperty(obj, key, { value: was + n, enumerable: true, writable: true, configurable: true });
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
  const { project, received, ua } = req;
  const records = [];
  let firstId = null;
  let envelope = false;
  if (req.legacy) {
    if (body.length > limits.maxEventBytes) {
      refuse('event_too_large');
      throw new HttpError(413, `event larger than ${limits.maxEventBytes} bytes`, 'event_too_large');
    }
    const event = parseJsonItem(body, 'event');
    const raw = isObj(event) ? assignEventId(event, body, '') : body;
    records.push({ kind: 'event', project, received, ua, event, raw });
    firstId = normalizeEventId(event.event_id) || null;
  } else {
    const env = parseEnvelope(body);
    // As Relay does (processing/utils/event.rs `finalize`: "to be defensive, we always overwrite"),
    // the event is stored under the envelope header's event_id, the id the reply names, whether
    // its item has no event_id or another one; an envelope carries one event, so only its first
    // event item takes the header's id. Without a header id, the item's own id is kept.
    let headerId = normalizeEventId(env.header.event_id) || null;
    for (const item of env.items) {
      const type = item.header.type;
      if (!KNOWN_ITEMS.has(type)) {
        const t = type.slice(0, 40);
        tally(counts.ignored, t);
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
    firstId = firstId || normalizeEventId(env.header.event_id) || null;
    envelope = true;
  }
  // Stored bytes per minute: past the budget the whole request is refused (and counted), with a
  // Retry-After the SDK honours.
  let bytes = 0;
  let withBody = 0;
  for (const r of records) {
    if (!r.raw) continue;
    bytes += r.raw.length;
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
  return { records, firstId, envelope, body };
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
export function readTimestamp(v, received) {
  if (v === undefined || v === null) return { ts: received, invalid: false };
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() && v.length < 64 ? Number(v) : NaN;
  if (Number.isNaN(n) && typeof v === 'string' && v.length < 64) {
    const d = Date.parse(v);
    if (!Number.isNaN(d)) return { ts: d / 1000, invalid: false };
  }
  if (!Number.isFinite(n)) return { ts: received, invalid: true };
  return n > 1e11 ? { ts: n / 1000, invalid: true } : { ts: n, invalid: false };
}

/**
 * An event or transaction record with its parsed `event` → the flat columns the store writes
 * (the parsed event is dropped; `raw` stays for the block packer). Other records pass unchanged.
 */
export function normalizeRecord(r) {
  if (r.kind !== 'event' && r.kind !== 'transaction') return r;
  const ev = r.event;
  const received = Number.isFinite(r.received) ? r.received : Date.now() / 1000;
  const isTx = r.kind === 'transaction' || ev.type === 'transaction';
  const c = isObj(ev.contexts) ? ev.contexts : {};
  const fl = isObj(c.faultline) ? c.faultline : {};
  let raw = r.raw && tooDeep(ev) ? boundDepth(r.raw) || r.raw : r.raw;
  // A timestamp the collector cannot read as seconds (a string that is no date, true, an object)
  // takes the arrival time, and one in milliseconds (a number past 1e11: year 5138 as seconds) is
  // read as ms / 1000. Relay's timestamp rule: an event more than a minute ahead of its arrival,
  // or older than the retention window (30 days), takes the time it arrived. Either way the
  // stored event has the seconds it is indexed by, and keeps the value as sent in `errors`
  // ({type: invalid_data | future_timestamp | past_timestamp, name: timestamp, value}), as
  // Sentry's processing errors show it. A transaction's start moves with it (its duration stays).
  const read = readTimestamp(ev.timestamp, received);
  let ts = read.ts;
  const drift = ts > received + MAX_FUTURE_S ? 'future_timestamp' : ts < received - MAX_PAST_S ? 'past_timestamp' : null;
  let shift = 0;
  if (drift || read.invalid) {
    if (drift) shift = received - ts;
    const fixed = raw ? JSON.parse(raw.toString('utf8')) : {};
    if (isObj(fixed)) {
      if (isTx && typeof fixed.start_timestamp === 'number' && drift) fixed.start_timestamp += shift;
      fixed.errors = [...(Array.isArray(fixed.errors) ? fixed.errors : []), { type: drift || 'invalid_data', name: 'timestamp', value: ev.timestamp }];
      fixed.timestamp = drift ? received : ts;
      if (raw) raw = Buffer.from(JSON.stringify(fixed));
    }
    if (drift) ts = received;
  }
  const inWindow = (t) => Number.isFinite(t) && t <= received + MAX_FUTURE_S && t >= received - MAX_PAST_S;
  const browser = browserOf(ev, r.ua);
  const out = {
    kind: r.kind, project: r.project, received, raw, normalized: true,
    eventId: normalizeEventId(ev.event_id) || crypto.randomUUID().replace(/-/g, ''),
    isTx, count: isTx ? 1 : occurrencesOf(ev), summary: fl.summary === true ? 1 : 0, ts,
    browserTag: browser ? (browser.version ? `${browser.name} ${browser.version}` : browser.name) : '',
    trace: traceOf(ev), level: isTx ? 'info' : levelOf(ev), release: str(ev.release, 200) || null, environment: str(ev.environment, 100) || null,
    userKey: userKeyOf(ev), title: titleOf(ev),
    first: inWindow(fl.first_seen) ? fl.first_seen : ts, last: inWindow(fl.last_seen) ? fl.last_seen : ts,
  };
  if (isTx) {
    out.tx = {
      service: str(isObj(c.runtime) ? c.runtime.name : '', 50) || str(ev.platform, 50), description: str(ev.transaction, 300) || null,
      start: toSeconds(ev.start_timestamp, ts - shift) + shift, spans: Array.isArray(ev.spans) ? ev.spans.slice(0, 1000) : [],
    };
  } else {
    out.key = issueKey(ev);
    out.culprit = culpritOf(ev);
    out.message = messageLineOf(ev).slice(0, 1000);
    out.fingerprint = Array.isArray(ev.fingerprint) ? JSON.stringify(ev.fingerprint.slice(0, 32)) : null;
    out.tags = joinTags(tagsOf(ev, browser));
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
  let s = '';
  for (let i = 0; i < tags.length; i++) {
    const k = tags[i][0];
    const v = tags[i][1];
    if (k.includes('\u0000') || k.includes('\u0001') || v.includes('\u0001')) return tags;
    s += i ? `\u0001${k}\u0000${v}` : `${k}\u0000${v}`;
  }
  return s;
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

  add(r) {
    if (!r.raw) return;
    this.chunk.push(r);
    this.bytes += r.raw.length;
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
    for (const r of chunk) {
      r.block = block;
      r.boff = off;
      r.blen = r.raw.length;
      off += r.raw.length;
      r.raw = undefined;
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
