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
