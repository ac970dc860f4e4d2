// The event as it is written on the wire: the form Relay stores and Sentry's published event
// schema describes, from the @sentry/browser shapes the core builds and user callbacks see
// (beforeSend, event processors). Relay normalizes @sentry/browser's forms to exactly these on
// ingestion, so Sentry shows the same event; sending them as stored means every event Faultline
// emits validates against the published schema as sent.
//   message (string)        -> logentry.formatted (logentry.message/params of parameterize kept)
//   breadcrumbs (array)     -> breadcrumbs.values; a crumb's level `log` -> `info`, a level Relay
//                              does not know is left out (Relay drops it too)
//   level `log`             -> `info`
//   tags {k: 3.14 | false}  -> strings ("3.14", "false"); null kept; objects and arrays left out
//                              (Relay drops a tag whose value is not a lenient string)
//   user {id: 42, plan: x}  -> {id: "42", data: {plan: x}} (keys the User interface does not name)
//   frames' module_metadata -> left out (client-side only: Sentry strips it before sending, and
//                              the schema's Frame has no such field)

const LEVELS = { debug: 'debug', info: 'info', log: 'info', warning: 'warning', error: 'error', fatal: 'fatal' };
const USER = { id: 1, email: 1, ip_address: 1, username: 1, name: 1, geo: 1, segment: 1, data: 1, sentry_user: 1 };
const own = Object.prototype.hasOwnProperty;
const isObj = (v) => !!v && typeof v == 'object' && !Array.isArray(v);
// Writes a key the page named (a tag, a user field) as data: a setter a page put on
// Object.prototype (`type`, `value`...) never runs. (The descriptor has no prototype either.)
const put = (target, key, value) => Object.defineProperty(target, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true });

/** A tag value as Relay's lenient string reads it: undefined when Relay would drop it. */
function tagValue(value) {
  if (value === null || typeof value == 'string') return value;
  if (typeof value == 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value == 'boolean') return String(value);
  return undefined;
}

function crumb(breadcrumb) {
  if (!isObj(breadcrumb) || !own.call(breadcrumb, 'level')) return breadcrumb;
  const out = { ...breadcrumb }, level = typeof breadcrumb.level == 'string' && own.call(LEVELS, breadcrumb.level) ? LEVELS[breadcrumb.level] : undefined;
  if (level) out.level = level;
  else delete out.level;
  return out;
}

/** The wire form of one event (a new object; the argument is not changed). */
export function toWire(event) {
  if (!isObj(event)) return event;
  const wire = { ...event };
  if (typeof wire.message == 'string' || isObj(wire.message)) {
    const message = wire.message, logentry = isObj(wire.logentry) ? { ...wire.logentry } : {};
    if (typeof message == 'string') { if (logentry.formatted == null) logentry.formatted = message; }
    else for (const field of ['formatted', 'message', 'params']) if (logentry[field] == null && message[field] != null) logentry[field] = message[field];
    wire.logentry = logentry;
    delete wire.message;
  } else if (wire.message != null) delete wire.message;
  if (Array.isArray(wire.breadcrumbs)) wire.breadcrumbs = { values: wire.breadcrumbs.map(crumb) };
  else if (isObj(wire.breadcrumbs) && Array.isArray(wire.breadcrumbs.values)) wire.breadcrumbs = { ...wire.breadcrumbs, values: wire.breadcrumbs.values.map(crumb) };
  if (typeof wire.level == 'string') {
    if (own.call(LEVELS, wire.level)) wire.level = LEVELS[wire.level];
    else delete wire.level;
  }
  if (isObj(wire.tags)) {
    const tags = {};
    for (const key in wire.tags) {
      if (!own.call(wire.tags, key)) continue;
      const value = tagValue(wire.tags[key]);
      if (value !== undefined) put(tags, key, value);
    }
    wire.tags = tags;
  }
  if (isObj(wire.user)) {
    const user = {}, data = {};
    let extra = 0;
    for (const key in wire.user) {
      if (!own.call(wire.user, key)) continue;
      if (own.call(USER, key)) put(user, key, wire.user[key]);
      else { put(data, key, wire.user[key]); extra = 1; }
    }
    if (typeof user.id == 'number' || typeof user.id == 'boolean') user.id = String(user.id);
    if (extra) user.data = isObj(user.data) ? { ...data, ...user.data } : data;
    wire.user = user;
  }
  const exceptions = isObj(wire.exception) && Array.isArray(wire.exception.values) ? wire.exception.values : null;
  const frames = (x) => (isObj(x) && isObj(x.stacktrace) && Array.isArray(x.stacktrace.frames) ? x.stacktrace.frames : []);
  const meta = (f) => isObj(f) && own.call(f, 'module_metadata');
  if (exceptions && exceptions.some((x) => frames(x).some(meta))) {
    wire.exception = { ...wire.exception, values: exceptions.map((exception) => (frames(exception).some(meta) ? { ...exception, stacktrace: { ...exception.stacktrace, frames: exception.stacktrace.frames.map((frame) => {
      if (!meta(frame)) return frame;
      const copy = { ...frame };
      delete copy.module_metadata;
      return copy;
    }) } } : exception)) };
  }
  return wire;
}

// What beforeSend (or an event processor) returns is made as well-formed and as bounded as the
// events the SDK builds itself, before it takes the wire form: a field of the wrong type is
// converted where the conversion is plain (a number or boolean where a string belongs) and left
// out otherwise; the values of extra, contexts and user are held to the core's budgets (16 KiB
// each, replaced by a note beyond; 64 KiB per bag; 200 tags), the event to 256 KiB (breadcrumbs,
// then extra, then contexts shed first). `fix(what)` is called for each field changed, so that
// nothing changes unseen (getStats().before_send_fixes). Returns the event (a copy where changed).
const VALUE_BYTES = 16384, BAG_BYTES = 65536, MAX_TAGS = 200;
export const EVENT_BYTES = 262144;
const STRINGS = ['release', 'environment', 'dist', 'transaction', 'server_name', 'logger', 'platform', 'culprit', 'type'];
const isNum = (v) => typeof v == 'number' && Number.isFinite(v);
/** UTF-8 bytes of a string (its length when that already decides `limit`). */
export function utf8(s, limit) {
  if (s.length > limit || s.length * 3 <= limit) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}
// A string field: kept, converted from a number or boolean, or left out (false).
function str(o, k, fix, path) {
  const v = o[k];
  if (v == null || typeof v == 'string') return;
  if (isNum(v) || typeof v == 'boolean') o[k] = String(v);
  else delete o[k];
  fix(path + k);
}
function frame(f, fix) {
  if (!isObj(f)) return fix('frame'), null;
  f = { ...f };
  for (const k of ['filename', 'function', 'module', 'abs_path', 'context_line', 'platform', 'package', 'instruction_addr', 'raw_function']) str(f, k, fix, 'frame.');
  for (const k of ['lineno', 'colno']) if (f[k] != null && !(isNum(f[k]) && f[k] >= 0)) { const n = +f[k]; if (isNum(n) && n >= 0) f[k] = Math.floor(n); else delete f[k]; fix('frame.' + k); }
  if (f.in_app != null && typeof f.in_app != 'boolean') { f.in_app = !!f.in_app; fix('frame.in_app'); }
  for (const k of ['pre_context', 'post_context']) if (f[k] != null && !(Array.isArray(f[k]) && f[k].every((x) => typeof x == 'string'))) { delete f[k]; fix('frame.' + k); }
  if (f.vars != null && !isObj(f.vars)) { delete f.vars; fix('frame.vars'); }
  return f;
}
function exception(x, fix) {
  if (!isObj(x)) return fix('exception'), null;
  x = { ...x };
  str(x, 'type', fix, 'exception.');
  str(x, 'value', fix, 'exception.');
  str(x, 'module', fix, 'exception.');
  if (x.stacktrace != null) {
    const st = x.stacktrace;
    if (!isObj(st) || !Array.isArray(st.frames)) { delete x.stacktrace; fix('exception.stacktrace'); }
    else x.stacktrace = { ...st, frames: st.frames.map((f) => frame(f, fix)).filter(Boolean) };
  }
  if (x.mechanism != null) {
    if (!isObj(x.mechanism)) { delete x.mechanism; fix('exception.mechanism'); }
    else {
      const m = x.mechanism = { ...x.mechanism };
      str(m, 'type', fix, 'mechanism.');
      if (typeof m.type != 'string') put(m, 'type', 'generic');
      if (m.handled != null && typeof m.handled != 'boolean') { m.handled = !!m.handled; fix('mechanism.handled'); }
      if (m.data != null && !isObj(m.data)) { delete m.data; fix('mechanism.data'); }
    }
  }
  if (x.type == null && x.value == null) return fix('exception'), null;  // Relay wants one of them
  return x;
}
/** A bag (extra, contexts, user) held to the value and bag budgets. */
function bag(o, name, fix, ctx) {
  const out = {};
  let total = 2;
  for (const k of Object.keys(o)) {
    let v = o[k];
    if (ctx && !isObj(v)) { fix(name + '.' + k); continue; }  // a context is an object
    let j = toJsonText(v), n = utf8(j, VALUE_BYTES);
    if (n > VALUE_BYTES && !(ctx && (k == 'faultline' || k == 'error_sampling'))) {
      v = `[Filtered: ${utf8(j, Infinity)} bytes, over the ${VALUE_BYTES}-byte limit]`;
      j = JSON.stringify(v);
      n = j.length;
      fix(name + '.' + k);
    }
    if (total + n + k.length + 4 > BAG_BYTES) { fix(name + '.' + k); continue; }
    total += n + k.length + 4;
    put(out, k, v);
  }
  return out;
}
const toJsonText = (v) => JSON.stringify(v) ?? 'null';
export function wellFormed(event, fix) {
  const ev = { ...event };
  for (const k of STRINGS) str(ev, k, fix, '');
  if (ev.event_id != null && !(typeof ev.event_id == 'string' && /^[0-9a-f]{32}$/.test(ev.event_id.replace(/-/g, '').toLowerCase()))) { delete ev.event_id; fix('event_id'); }
  if (ev.timestamp != null && !isNum(ev.timestamp) && typeof ev.timestamp != 'string') { delete ev.timestamp; fix('timestamp'); }
  if (ev.fingerprint != null) {
    if (!Array.isArray(ev.fingerprint)) { delete ev.fingerprint; fix('fingerprint'); }
    else if (!ev.fingerprint.every((x) => typeof x == 'string')) { ev.fingerprint = ev.fingerprint.filter((x) => x != null && typeof x != 'object').map(String); fix('fingerprint'); }
  }
  if (ev.exception != null) {
    const xs = isObj(ev.exception) && Array.isArray(ev.exception.values) ? ev.exception.values : null;
    if (!xs) { delete ev.exception; fix('exception'); }
    else ev.exception = { ...ev.exception, values: xs.map((x) => exception(x, fix)).filter(Boolean) };
  }
  const crumbs = Array.isArray(ev.breadcrumbs) ? ev.breadcrumbs : isObj(ev.breadcrumbs) && Array.isArray(ev.breadcrumbs.values) ? ev.breadcrumbs.values : null;
  if (ev.breadcrumbs != null && !crumbs) { delete ev.breadcrumbs; fix('breadcrumbs'); }
  else if (crumbs) {
    const l = crumbs.filter((b) => isObj(b) || (fix('breadcrumb'), false)).map((b) => {
      b = { ...b };
      for (const k of ['type', 'category', 'message', 'event_id']) str(b, k, fix, 'breadcrumb.');
      if (b.data != null && !isObj(b.data)) { delete b.data; fix('breadcrumb.data'); }
      if (b.timestamp != null && !isNum(b.timestamp) && typeof b.timestamp != 'string') { delete b.timestamp; fix('breadcrumb.timestamp'); }
      return b;
    });
    ev.breadcrumbs = Array.isArray(ev.breadcrumbs) ? l : { ...ev.breadcrumbs, values: l };
  }
  for (const k of ['extra', 'contexts', 'user', 'request', 'sdk', 'tags', 'debug_meta', 'logentry']) if (ev[k] != null && !isObj(ev[k])) { delete ev[k]; fix(k); }
  if (ev.message != null && typeof ev.message != 'string' && !isObj(ev.message)) str(ev, 'message', fix, '');
  for (const k of ['extra', 'contexts', 'user']) if (ev[k]) ev[k] = bag(ev[k], k, fix, k == 'contexts');
  if (ev.tags) {
    const keys = Object.keys(ev.tags);
    if (keys.length > MAX_TAGS) { const t = {}; for (const k of keys.slice(0, MAX_TAGS)) put(t, k, ev.tags[k]); ev.tags = t; fix('tags'); }
  }
  return ev;
}

/**
 * The event's JSON within EVENT_BYTES: breadcrumbs, then extra, then contexts (but Faultline's
 * counts) shed, as the core sheds them (fit_event); '' when it is still too large.
 */
export function fitted(ev, stringify, fix) {
  let p = stringify(ev);
  for (const k of ['breadcrumbs', 'extra', 'contexts']) {
    if (utf8(p, EVENT_BYTES) <= EVENT_BYTES) return p;
    if (ev[k] == null) continue;
    if (k == 'contexts') {
      const keep = {};
      for (const c of ['faultline', 'error_sampling']) if (isObj(ev.contexts) && ev.contexts[c]) keep[c] = ev.contexts[c];
      ev.contexts = keep;
    } else delete ev[k];
    fix(k);
    p = stringify(ev);
  }
  return utf8(p, EVENT_BYTES) <= EVENT_BYTES ? p : '';
}
