// Field extraction from stored events. Every function here runs in time linear in its input and
// never uses a regular expression that can backtrack over event data: event fields come from
// untrusted pages (a 720 KB User-Agent must cost microseconds, not seconds). Inputs are cut to a
// bounded length before any scan.
import crypto from 'node:crypto';

const MAX_FIELD = 512;

export const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v, max = MAX_FIELD) => (typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
const arr = (v) => (Array.isArray(v) ? v : []);

// Digits starting at `from` in `text` (at most 6), or ''.
function digitsAt(text, from) {
  let end = from;
  while (end < text.length && end - from < 6 && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return text.slice(from, end);
}

// "Firefox/123.0" -> "123" for token "Firefox/"; '' when absent.
function versionAfter(userAgent, token) {
  const at = userAgent.indexOf(token);
  return at < 0 ? null : digitsAt(userAgent, at + token.length);
}

/** Browser name and major version from a User-Agent string, by substring search only. */
export function parseUserAgent(given) {
  const userAgent = str(given, MAX_FIELD);
  if (!userAgent) return null;
  let major;
  if ((major = versionAfter(userAgent, 'Edg/')) !== null) return { name: 'Edge', version: major };
  if ((major = versionAfter(userAgent, 'Firefox/')) !== null) return { name: 'Firefox', version: major };
  if ((major = versionAfter(userAgent, 'Chrome/')) !== null) return { name: 'Chrome', version: major };
  if ((major = versionAfter(userAgent, 'Chromium/')) !== null) return { name: 'Chrome', version: major };
  if (userAgent.indexOf('AppleWebKit') >= 0) {
    const safari = userAgent.indexOf('Safari');
    const ver = userAgent.indexOf('Version/');
    const version = ver >= 0 && safari > ver ? digitsAt(userAgent, ver + 8) : '';
    return { name: safari >= 0 && userAgent.indexOf('Mobile') < 0 && version ? 'Safari' : 'WebKit', version };
  }
  if ((major = versionAfter(userAgent, 'node/')) !== null || (major = versionAfter(userAgent, 'Node/')) !== null) return { name: 'Node', version: major };
  return null;
}

/** "Chrome 120" style browser tag, or '' when nothing is known. */
export function browserOf(event, userAgent) {
  const contexts = isObj(event.contexts) ? event.contexts : {};
  const browser = isObj(contexts.browser) ? contexts.browser : null;
  if (browser && str(browser.name)) {
    const ver = str(browser.version);
    const dot = ver.indexOf('.');
    return { name: str(browser.name, 64), version: (dot >= 0 ? ver.slice(0, dot) : ver).slice(0, 16) };
  }
  // Without a browser context, the User-Agent names the browser only for an event from a browser
  // (platform javascript, no runtime context): a server's event carries its client's request
  // headers and a runtime (contexts.runtime), and neither is a browser.
  if (!isBrowserEvent(event, contexts)) return null;
  const req = isObj(event.request) ? event.request : {};
  const headers = isObj(req.headers) ? req.headers : {};
  return parseUserAgent(str(headers['User-Agent']) || str(headers['user-agent']) || userAgent);
}

function isBrowserEvent(event, contexts) {
  const platform = event.platform;
  return (platform === undefined || platform === null || platform === '' || platform === 'javascript') && !isObj(contexts.runtime);
}

export function exceptionValues(event) {
  const exception = event.exception;
  if (Array.isArray(exception)) return exception.filter(isObj);
  if (isObj(exception)) {
    if (Array.isArray(exception.values)) return exception.values.filter(isObj);
    if (isObj(exception.values)) return Object.values(exception.values).filter(isObj);
  }
  return [];
}

export function messageOf(event) {
  const logentry = event.logentry;
  if (isObj(logentry)) return str(logentry.formatted, 2000) || str(logentry.message, 2000);
  if (isObj(event.message)) return str(event.message.formatted, 2000) || str(event.message.message, 2000);
  return str(event.message, 2000);
}

function firstLine(text) {
  const newline = text.indexOf('\n');
  return newline < 0 ? text : text.slice(0, newline);
}

// Sentry's mechanism.synthetic: the exception was made by the SDK to carry a stack (a message
// with attachStacktrace, a non-Error rejection, an ErrorEvent without an error object); its type
// and value say nothing of the bug, so Sentry neither titles nor attributes the issue by them.
const isSynthetic = (v) => isObj(v) && isObj(v.mechanism) && v.mechanism.synthetic === true;

// The function of the frame nearest the crash, as Sentry's title of a synthetic exception takes it
// (sentry/eventtypes/error.py, get_crash_location): the in-app frame nearest the throw with a
// function name, else the nearest frame with one; '' when no frame has one.
function crashFunction(exception) {
  const frames = framesOf(exception);
  let fallback = '';
  for (let i = frames.length - 1; i >= 0; i--) {
    const name = str(frames[i].function, 200);
    if (!name || name === '<redacted>' || name === '<unknown>') continue;
    if (frames[i].in_app === true) return name;
    if (!fallback) fallback = name;
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
  const message = messageOf(event);
  if (message) return message;
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  return last && isSynthetic(last) ? str(last.value, 2000) : '';
}

function framesOf(exception) {
  const stacktrace = isObj(exception.stacktrace) ? exception.stacktrace : {};
  return arr(stacktrace.frames).filter(isObj);
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
  const functionName = str(pick.function, 120);
  const file = str(pick.filename, 200) || str(pick.abs_path, 200) || str(pick.module, 200);
  return `${functionName || '?'}${file ? ` (${file})` : ''}`.slice(0, 300);
}

export function issueKey(event) {
  const fingerprint = Array.isArray(event.fingerprint) ? event.fingerprint.filter((p) => typeof p === 'string').slice(0, 32) : typeof event.fingerprint === 'string' ? [event.fingerprint] : [];
  // Faultline's own group key: used when the SDK left the event to the server's grouping (its
  // `grouping` option), so no fingerprint or one with `{{ default }}` still meets its group here.
  const faultlineKey = isObj(event.contexts) && isObj(event.contexts.faultline) && typeof event.contexts.faultline.fingerprint === 'string' ? event.contexts.faultline.fingerprint : '';
  const serverDefault = fingerprint.some((p) => p === '{{ default }}' || p === '{{default}}');
  if (fingerprint.length && !(fingerprint.length === 1 && serverDefault) && !(faultlineKey && serverDefault)) return 'fp:' + fingerprint.join('|').slice(0, 2000);
  if (faultlineKey) return 'fp:' + faultlineKey.slice(0, 2000);
  const values = exceptionValues(event);
  const last = values[values.length - 1];
  if (last) return `ex:${str(last.type, 200)}:${str(last.value, 1000)}`;
  return `msg:${messageOf(event).slice(0, 1000)}`;
}

export function issuePublicId(project, key) {
  return crypto.createHash('sha1').update(project + '\0' + key).digest('hex').slice(0, 12);
}

export function toSeconds(value, fallback) {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? value / 1000 : value;
  if (typeof value === 'string' && value.length < 64) {
    const number = Number(value);
    if (value && Number.isFinite(number)) return number;
    const millis = Date.parse(value);
    if (!Number.isNaN(millis)) return millis / 1000;
  }
  return fallback;
}

/**
 * Occurrences this event stands for, as Sentry counts them: 1 / contexts.error_sampling
 * .client_sample_rate when present (error upsampling; Faultline sends sampleRate / count there),
 * else Faultline's contexts.faultline.count (repeats counted in the page), else 1.
 */
export function occurrencesOf(event) {
  const contexts = isObj(event.contexts) ? event.contexts : {};
  const sampling = isObj(contexts.error_sampling) ? contexts.error_sampling : {};
  const rate = sampling.client_sample_rate;
  if (typeof rate === 'number' && rate > 0 && rate < 1) return Math.min(Math.max(1, Math.round(1 / rate)), MAX_OCCURRENCES_PER_EVENT);
  const faultline = isObj(contexts.faultline) ? contexts.faultline : {};
  if (Number.isFinite(faultline.count) && faultline.count >= 1) return Math.min(Math.floor(faultline.count), MAX_OCCURRENCES_PER_EVENT);
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
  const user = isObj(event.user) ? event.user : null;
  if (!user) return '';
  const id = str(user.id, 200);
  if (id) return 'id:' + id;
  if (str(user.email, 200)) return 'email:' + str(user.email, 200);
  if (str(user.username, 200)) return 'username:' + str(user.username, 200);
  if (str(user.ip_address, 64)) return 'ip:' + str(user.ip_address, 64);
  return '';
}

export function traceOf(event) {
  const contexts = isObj(event.contexts) ? event.contexts : {};
  const trace = isObj(contexts.trace) ? contexts.trace : {};
  const hex = (value, length) => {
    const text = str(value, 64).toLowerCase();
    if (text.length !== length) return '';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return '';
    }
    return text;
  };
  return { trace_id: hex(trace.trace_id, 32), span_id: hex(trace.span_id, 16), parent_span_id: hex(trace.parent_span_id, 16), op: str(trace.op, 100), status: str(trace.status, 50) };
}

const LEVELS = new Set(['fatal', 'error', 'warning', 'info', 'debug', 'log']);
export function levelOf(event) {
  const level = str(event.level, 16).toLowerCase();
  if (level === 'warn') return 'warning';
  return LEVELS.has(level) ? level : 'error';
}

/** Tags to index for an event: Sentry's own tags plus the derived ones the search uses. */
export function tagsOf(event, browser) {
  const out = [];
  const add = (rawKey, rawValue) => {
    const key = str(rawKey, 64);
    const val = str(rawValue, 200);
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
    const query = url.indexOf('?');
    add('url', query >= 0 ? url.slice(0, query) : url);
  }
  const contexts = isObj(event.contexts) ? event.contexts : {};
  if (isObj(contexts.os) && str(contexts.os.name)) add('os.name', contexts.os.name);
  // A server's runtime, tagged as Sentry tags its context: `runtime` (name and version) and
  // `runtime.name`.
  if (isObj(contexts.runtime) && str(contexts.runtime.name)) {
    add('runtime', str(contexts.runtime.version) ? `${str(contexts.runtime.name, 64)} ${str(contexts.runtime.version, 64)}` : contexts.runtime.name);
    add('runtime.name', contexts.runtime.name);
  }
  const tags = event.tags;
  let count = 0;
  if (isObj(tags)) {
    for (const key in tags) {
      if (count++ >= 50) break;
      if (key === 'release' || key === 'environment' || key === 'level' || key === 'browser') continue;
      add(key, tags[key]);
    }
  } else if (Array.isArray(tags)) {
    for (const tag of tags.slice(0, 50)) if (Array.isArray(tag)) add(tag[0], tag[1]);
  }
  return out;
}

/** Compares two release strings: semver-ish numeric parts after the last '@', else null. */
export function compareReleases(releaseA, releaseB) {
  const parts = (release) => {
    const text = str(release, 200);
    const at = text.lastIndexOf('@');
    const version = at >= 0 ? text.slice(at + 1) : text;
    const out = [];
    let cur = '';
    for (const ch of version) {
      if (ch >= '0' && ch <= '9') cur += ch;
      else if (ch === '.' || ch === '-' || ch === '+') {
        if (!cur) return null;
        out.push(Number(cur));
        cur = '';
        if (ch !== '.') break;
      } else return null;
    }
    if (cur) out.push(Number(cur));
    return { pkg: at >= 0 ? text.slice(0, at) : '', nums: out };
  };
  const partsA = parts(releaseA);
  const partsB = parts(releaseB);
  if (!partsA || !partsB || !partsA.nums.length || !partsB.nums.length || partsA.pkg !== partsB.pkg) return null;
  for (let i = 0; i < Math.max(partsA.nums.length, partsB.nums.length); i++) {
    const difference = (partsA.nums[i] || 0) - (partsB.nums[i] || 0);
    if (difference) return Math.sign(difference);
  }
  return 0;
}
