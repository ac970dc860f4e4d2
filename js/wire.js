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
const put = (o, k, v) => Object.defineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true });

/** A tag value as Relay's lenient string reads it: undefined when Relay would drop it. */
function tagValue(v) {
  if (v === null || typeof v == 'string') return v;
  if (typeof v == 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v == 'boolean') return String(v);
  return undefined;
}

function crumb(b) {
  if (!isObj(b) || !own.call(b, 'level')) return b;
  const out = { ...b }, l = typeof b.level == 'string' && own.call(LEVELS, b.level) ? LEVELS[b.level] : undefined;
  if (l) out.level = l;
  else delete out.level;
  return out;
}

/** The wire form of one event (a new object; the argument is not changed). */
export function toWire(event) {
  if (!isObj(event)) return event;
  const ev = { ...event };
  if (typeof ev.message == 'string' || isObj(ev.message)) {
    const m = ev.message, le = isObj(ev.logentry) ? { ...ev.logentry } : {};
    if (typeof m == 'string') { if (le.formatted == null) le.formatted = m; }
    else for (const k of ['formatted', 'message', 'params']) if (le[k] == null && m[k] != null) le[k] = m[k];
    ev.logentry = le;
    delete ev.message;
  } else if (ev.message != null) delete ev.message;
  if (Array.isArray(ev.breadcrumbs)) ev.breadcrumbs = { values: ev.breadcrumbs.map(crumb) };
  else if (isObj(ev.breadcrumbs) && Array.isArray(ev.breadcrumbs.values)) ev.breadcrumbs = { ...ev.breadcrumbs, values: ev.breadcrumbs.values.map(crumb) };
  if (typeof ev.level == 'string') {
    if (own.call(LEVELS, ev.level)) ev.level = LEVELS[ev.level];
    else delete ev.level;
  }
  if (isObj(ev.tags)) {
    const tags = {};
    for (const k in ev.tags) {
      if (!own.call(ev.tags, k)) continue;
      const v = tagValue(ev.tags[k]);
      if (v !== undefined) put(tags, k, v);
    }
    ev.tags = tags;
  }
  if (isObj(ev.user)) {
    const user = {}, data = {};
    let extra = 0;
    for (const k in ev.user) {
      if (!own.call(ev.user, k)) continue;
      if (own.call(USER, k)) put(user, k, ev.user[k]);
      else { put(data, k, ev.user[k]); extra = 1; }
    }
    if (typeof user.id == 'number' || typeof user.id == 'boolean') user.id = String(user.id);
    if (extra) user.data = isObj(user.data) ? { ...data, ...user.data } : data;
    ev.user = user;
  }
  const xs = isObj(ev.exception) && Array.isArray(ev.exception.values) ? ev.exception.values : null;
  const frames = (x) => (isObj(x) && isObj(x.stacktrace) && Array.isArray(x.stacktrace.frames) ? x.stacktrace.frames : []);
  const meta = (f) => isObj(f) && own.call(f, 'module_metadata');
  if (xs && xs.some((x) => frames(x).some(meta))) {
    ev.exception = { ...ev.exception, values: xs.map((x) => (frames(x).some(meta) ? { ...x, stacktrace: { ...x.stacktrace, frames: x.stacktrace.frames.map((f) => {
      if (!meta(f)) return f;
      const g = { ...f };
      delete g.module_metadata;
      return g;
    }) } } : x)) };
  }
  return ev;
}
