// Field extraction from stored events. Every function here runs in time linear in its input and
// never uses a regular expression that can backtrack over event data: event fields come from
// untrusted pages (a 720 KB User-Agent must cost microseconds, not seconds). Inputs are cut to a
// bounded length before any scan.
import crypto from 'node:crypto';

const MAX_FIELD = 512;

export const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v, max = MAX_FIELD) => (typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
const arr = (v) => (Array.isArray(v) ? v : []);

// Digits starting at `from` in `s` (at most 6), or ''.
function digitsAt(s, from) {
  let end = from;
  while (end < s.length && end - from < 6 && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  return s.slice(from, end);
}

// "Firefox/123.0" -> "123" for token "Firefox/"; '' when absent.
function versionAfter(ua, token) {
  const i = ua.indexOf(token);
  return i < 0 ? null : digitsAt(ua, i + token.length);
}

/** Browser name and major version from a User-Agent string, by substring search only. */
export function parseUserAgent(uaIn) {
  const ua = str(uaIn, MAX_FIELD);
  if (!ua) return null;
  let v;
  if ((v = versionAfter(ua, 'Edg/')) !== null) return { name: 'Edge', version: v };
  if ((v = versionAfter(ua, 'Firefox/')) !== null) return { name: 'Firefox', version: v };
  if ((v = versionAfter(ua, 'Chrome/')) !== null) return { name: 'Chrome', version: v };
  if ((v = versionAfter(ua, 'Chromium/')) !== null) return { name: 'Chrome', version: v };
  if (ua.indexOf('AppleWebKit') >= 0) {
    const safari = ua.indexOf('Safari');
    const ver = ua.indexOf('Version/');
    const version = ver >= 0 && safari > ver ? digitsAt(ua, ver + 8) : '';
    return { name: safari >= 0 && ua.indexOf('Mobile') < 0 && version ? 'Safari' : 'WebKit', version };
  }
  if ((v = versionAfter(ua, 'node/')) !== null || (v = versionAfter(ua, 'Node/')) !== null) return { name: 'Node', version: v };
  return null;
}

/** "Chrome 120" style browser tag, or '' when nothing is known. */
export function browserOf(event, userAgent) {
  const c = isObj(event.contexts) ? event.contexts : {};
  const b = isObj(c.browser) ? c.browser : null;
  if (b && str(b.name)) {
    const ver = str(b.version);
    const dot = ver.indexOf('.');
    return { name: str(b.name, 64), version: (dot >= 0 ? ver.slice(0, dot) : ver).slice(0, 16) };
  }
  // Without a browser context, the User-Agent names the browser only for an event from a browser
  // (platform javascript, no runtime context): a server's event carries its client's request
  // headers and a runtime (contexts.runtime), and neither is a browser.
  if (!isBrowserEvent(event, c)) return null;
  const req = isObj(event.request) ? event.request : {};
  const h = isObj(req.headers) ? req.headers : {};
  return parseUserAgent(str(h['User-Agent']) || str(h['user-agent']) || userAgent);
}

function isBrowserEvent(event, c) {
  const p = event.platform;
  return (p === undefined || p === null || p === '' || p === 'javascript') && !isObj(c.runtime);
}

export function exceptionValues(event) {
  const e = event.exception;
  if (Array.isArray(e)) return e.filter(isObj);
  if (isObj(e)) {
    if (Array.isArray(e.values)) return e.values.filter(isObj);
    if (isObj(e.values)) return Object.values(e.values).filter(isObj);
  }
  return [];
}

export function messageOf(event) {
  const le = event.logentry;
  if (isObj(le)) return str(le.formatted, 2000) || str(le.message, 2000);
  if (isObj(event.message)) return str(event.message.formatted, 2000) || str(event.message.message, 2000);
  return str(event.message, 2000);
}

function firstLine(s) {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

// Sentry's mechanism.synthetic: the exception was made by the SDK to carry a stack (a message
// with attachStacktrace, a non-Error rejection, an ErrorEvent without an error object); its type
// and value say nothing of the bug, so Sentry neither titles nor attributes the issue by them.
const isSynthetic = (v) => isObj(v) && isObj(v.mechanism) && v.mechanism.synthetic === true;

// The function of the frame nearest the crash, as Sentry's title of a synthetic exception takes it
// (sentry/eventtypes/error.py, get_crash_location): the in-app frame nearest the throw with a
// function name, else the nearest frame with one; '' when no frame has one.
function crashFunction(v) {
  const frames = framesOf(v);
  let fallback = '';
  for (let i = frames.length - 1; i >= 0; i--) {
    const fn = str(frames[i].function, 200);
    if (!fn || fn === '<redacted>' || fn === '<unknown>') continue;
    if (frames[i].in_app === true) return fn;
    if (!fallback) fallback = fn;
  }
  return fallback;
}

/**
 * The issue title as Sentry computes it: "Type: first line of the value" for an exception; for a
 * synthetic exception the function of the crash frame (or "<unknown>"), the type and value
 * being the SDK's, not the bug's (the message then shows under the title, see messageLineOf);
 * a message event's first line; a transaction's name.
 */
export function titleOf(event) {
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  if (last) {
    if (isSynthetic(last)) return (crashFunction(last) || '<unknown>').slice(0, 300);
    const type = str(last.type, 200) || 'Error';
    const value = firstLine(str(last.value, 1000));
    return (value ? `${type}: ${value}` : type).slice(0, 300);
  }
  if (event.type === 'transaction') return str(event.transaction, 300) || '(transaction)';
  return firstLine(messageOf(event)).slice(0, 300) || '(no message)';
}

/**
 * The message line shown under an issue's title: the event's message, else (as Sentry shows its
 * metadata.value for a synthetic exception titled by its function) the synthetic exception's value.
 */
export function messageLineOf(event) {
  const m = messageOf(event);
  if (m) return m;
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  return last && isSynthetic(last) ? str(last.value, 2000) : '';
}

function framesOf(v) {
  const st = isObj(v.stacktrace) ? v.stacktrace : {};
  return arr(st.frames).filter(isObj);
}

/** The in-app frame nearest the throw ("culprit"), as Sentry shows under the title. */
export function culpritOf(event) {
  if (str(event.culprit)) return str(event.culprit, 300);
  if (str(event.transaction)) return str(event.transaction, 300);
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  // Sentry derives no culprit from a synthetic exception's frames (sentry/culprit.py); the
  // event's transaction, when it has one, still is its culprit (above).
  if (!last || isSynthetic(last)) return '';
  const frames = framesOf(last);
  let pick = null;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i].in_app === true) {
      pick = frames[i];
      break;
    }
  }
  if (!pick) pick = frames[frames.length - 1];
  if (!pick) return '';
  const fn = str(pick.function, 120);
  const file = str(pick.filename, 200) || str(pick.abs_path, 200) || str(pick.module, 200);
  return `${fn || '?'}${file ? ` (${file})` : ''}`.slice(0, 300);
}

export function issueKey(event) {
  const fp = Array.isArray(event.fingerprint) ? event.fingerprint.filter((p) => typeof p === 'string').slice(0, 32) : typeof event.fingerprint === 'string' ? [event.fingerprint] : [];
  // Faultline's own group key: used when the SDK left the event to the server's grouping (its
  // `grouping` option), so no fingerprint or one with `{{ default }}` still meets its group here.
  const fl = isObj(event.contexts) && isObj(event.contexts.faultline) && typeof event.contexts.faultline.fingerprint === 'string' ? event.contexts.faultline.fingerprint : '';
  const serverDefault = fp.some((p) => p === '{{ default }}' || p === '{{default}}');
  if (fp.length && !(fp.length === 1 && serverDefault) && !(fl && serverDefault)) return 'fp:' + fp.join('|').slice(0, 2000);
  if (fl) return 'fp:' + fl.slice(0, 2000);
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  if (last) return `ex:${str(last.type, 200)}:${str(last.value, 1000)}`;
  return `msg:${messageOf(event).slice(0, 1000)}`;
}

export function issuePublicId(project, key) {
  return crypto.createHash('sha1').update(project + '\0' + key).digest('hex').slice(0, 12);
}

export function toSeconds(ts, fallback) {
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts > 1e11 ? ts / 1000 : ts;
  if (typeof ts === 'string' && ts.length < 64) {
    const n = Number(ts);
    if (ts && Number.isFinite(n)) return n;
    const d = Date.parse(ts);
    if (!Number.isNaN(d)) return d / 1000;
  }
  return fallback;
}

/**
 * Occurrences this event stands for, as Sentry counts them: 1 / contexts.error_sampling
 * .client_sample_rate when present (error upsampling; Faultline sends sampleRate / count there),
 * else Faultline's contexts.faultline.count (repeats counted in the page), else 1.
 */
export function occurrencesOf(event) {
  const c = isObj(event.contexts) ? event.contexts : {};
  const es = isObj(c.error_sampling) ? c.error_sampling : {};
  const rate = es.client_sample_rate;
  if (typeof rate === 'number' && rate > 0 && rate < 1) return Math.min(Math.max(1, Math.round(1 / rate)), MAX_OCCURRENCES_PER_EVENT);
  const fl = isObj(c.faultline) ? c.faultline : {};
  if (Number.isFinite(fl.count) && fl.count >= 1) return Math.min(Math.floor(fl.count), MAX_OCCURRENCES_PER_EVENT);
  return 1;
}

/**
 * The most occurrences one event may stand for. The weight is the sender's word (the DSN key is
 * public, so any page can post an event claiming a count of 1e308): a page's summary stands for
 * the repeats of one aggregation window, and a million is far beyond what one page raises there,
 * while one forged event can no longer make an issue the biggest by a billion.
 */
export const MAX_OCCURRENCES_PER_EVENT = 1e6;

export function userKeyOf(event) {
  const u = isObj(event.user) ? event.user : null;
  if (!u) return '';
  const id = str(u.id, 200);
  if (id) return 'id:' + id;
  if (str(u.email, 200)) return 'email:' + str(u.email, 200);
  if (str(u.username, 200)) return 'username:' + str(u.username, 200);
  if (str(u.ip_address, 64)) return 'ip:' + str(u.ip_address, 64);
  return '';
}

export function traceOf(event) {
  const c = isObj(event.contexts) ? event.contexts : {};
  const t = isObj(c.trace) ? c.trace : {};
  const hex = (s, n) => {
    const v = str(s, 64).toLowerCase();
    if (v.length !== n) return '';
    for (let i = 0; i < v.length; i++) {
      const ch = v.charCodeAt(i);
      if (!((ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 102))) return '';
    }
    return v;
  };
  return { trace_id: hex(t.trace_id, 32), span_id: hex(t.span_id, 16), parent_span_id: hex(t.parent_span_id, 16), op: str(t.op, 100), status: str(t.status, 50) };
}

const LEVELS = new Set(['fatal', 'error', 'warning', 'info', 'debug', 'log']);
export function levelOf(event) {
  const l = str(event.level, 16).toLowerCase();
  if (l === 'warn') return 'warning';
  return LEVELS.has(l) ? l : 'error';
}

/** Tags to index for an event: Sentry's own tags plus the derived ones the search uses. */
export function tagsOf(event, browser) {
  const out = [];
  const add = (k, v) => {
    const key = str(k, 64);
    const val = str(v, 200);
    if (key && val) out.push([key, val]);
  };
  if (browser) {
    add('browser', browser.version ? `${browser.name} ${browser.version}` : browser.name);
    add('browser.name', browser.name);
  }
  add('release', event.release);
  add('environment', event.environment);
  add('level', levelOf(event));
  // user.id is not repeated here: the store answers it from its users table (userKeyOf).
  const req = isObj(event.request) ? event.request : null;
  if (req && str(req.url)) {
    const url = str(req.url, 500);
    const q = url.indexOf('?');
    add('url', q >= 0 ? url.slice(0, q) : url);
  }
  const c = isObj(event.contexts) ? event.contexts : {};
  if (isObj(c.os) && str(c.os.name)) add('os.name', c.os.name);
  // A server's runtime, tagged as Sentry tags its context: `runtime` (name and version) and
  // `runtime.name`.
  if (isObj(c.runtime) && str(c.runtime.name)) {
    add('runtime', str(c.runtime.version) ? `${str(c.runtime.name, 64)} ${str(c.runtime.version, 64)}` : c.runtime.name);
    add('runtime.name', c.runtime.name);
  }
  const tags = event.tags;
  let n = 0;
  if (isObj(tags)) {
    for (const k in tags) {
      if (n++ >= 50) break;
      if (k === 'release' || k === 'environment' || k === 'level' || k === 'browser') continue;
      add(k, tags[k]);
    }
  } else if (Array.isArray(tags)) {
    for (const t of tags.slice(0, 50)) if (Array.isArray(t)) add(t[0], t[1]);
  }
  return out;
}

/** Compares two release strings: semver-ish numeric parts after the last '@', else null. */
export function compareReleases(a, b) {
  const parts = (r) => {
    const s = str(r, 200);
    const at = s.lastIndexOf('@');
    const v = at >= 0 ? s.slice(at + 1) : s;
    const out = [];
    let cur = '';
    for (const ch of v) {
      if (ch >= '0' && ch <= '9') cur += ch;
      else if (ch === '.' || ch === '-' || ch === '+') {
        if (!cur) return null;
        out.push(Number(cur));
        cur = '';
        if (ch !== '.') break;
      } else return null;
    }
    if (cur) out.push(Number(cur));
    return { pkg: at >= 0 ? s.slice(0, at) : '', nums: out };
  };
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb || !pa.nums.length || !pb.nums.length || pa.pkg !== pb.pkg) return null;
  for (let i = 0; i < Math.max(pa.nums.length, pb.nums.length); i++) {
    const d = (pa.nums[i] || 0) - (pb.nums[i] || 0);
    if (d) return Math.sign(d);
  }
  return 0;
}
