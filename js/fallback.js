// The JS fallback core, loaded only when the WASM core cannot load (a CSP without
// 'wasm-unsafe-eval', a browser without WebAssembly, the .wasm failing to download). It has the
// WASM Core's interface (JSON text in, JSON text out; see bindings/README.md), so the client and
// the transport work unchanged, and builds minimal, valid Sentry events: exception type/value,
// frames from a simple line parser (V8 "at f (url:l:c)", SpiderMonkey/JavaScriptCore "f@url:l:c"),
// scope, breadcrumbs, request, trace context. What it lacks against the core: cross-engine
// grouping (Sentry groups these events itself). It scrubs with the WASM core's rules and algorithm
// (js/scrub.js; tests/node/scrub-parity.test.js holds the two equal). Repeats are still
// counted rather than sent one by one, so a storm cannot flood the endpoint, and counts add up.
// Every event carries the tag faultline.core = "js-fallback".

import { createScrubber } from './scrub.js';
import { platform, toJson, fromJson, randomHex } from './util.js';
import { frameEnvelope } from './envelope.js';
import { parseDsn } from './dsn.js';
import { VERSION } from './version.js';

const V8 = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
const GECKO = /^\s*(.*?)@(.+?):(\d+):(\d+)\s*$/;
const NOT_APP = /\/node_modules\/|^(?:chrome|moz|safari(?:-web)?)-extension:/;
const LEVELS = ['fatal', 'error', 'warning', 'log', 'info', 'debug'];
const obj = (v) => (v && typeof v == 'object' && !Array.isArray(v) ? v : {});
// Own keys only, everywhere: the page may have put enumerable properties on Object.prototype (a
// `then`, a setter), which `for…in` and `in` would see on every parsed object.
const keys = (v) => platform.keys_(obj(v));
const has = (v, k) => platform.hasOwn_.call(v, k);
// Objects the fallback builds have no prototype: counters keyed by reason see no inherited names,
// and a field it adds never runs a setter the page put on Object.prototype (event_id, type...).
const dict = () => Object.create(null);
// Writes a field named by the page without running a setter the page put on Object.prototype.
// (The descriptor has no prototype: an Object.prototype.get or .set would make it invalid.)
const put = (target, key, value) => Object.defineProperty(target, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true });

// Event ids from the SDK's id source (util.js): distinct even when getRandomValues is broken.
const hex32 = () => randomHex(16);

// Each of the first 200 lines is read through its first 1 KiB, as the core's parser reads them:
// the lazy groups of V8 and GECKO backtrack, and on one long line that was quadratic (seconds for
// 16 KB: the attack report's A1).
export function parseFrames(stack) {
  const out = [], text = String(stack || '');
  for (let start = 0, lineCount = 0; start <= text.length && lineCount < 200; lineCount++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 1024));
    start = end + 1;
    const match = V8.exec(line) || GECKO.exec(line);
    if (match && out.length < 100) {
      const file = match[2];
      out.push({ function: match[1] || '?', filename: file, abs_path: file, lineno: +match[3], colno: +match[4], in_app: !NOT_APP.test(file) });
    }
  }
  return out.reverse();  // Sentry wants the oldest frame first
}

// As the core merges: tag values kept as sent (strings cut to 200); a null context is removed,
// null tags and extras kept.
function merge(target, patch, tags, nullRemoves) {
  for (const key of keys(patch)) {
    const value = patch[key];
    if (value === null && nullRemoves) delete target[key];
    else if (!tags) put(target, key, value);
    else if (key && key.length <= 200) put(target, key, typeof value == 'string' ? value.slice(0, 200) : value);
  }
}

// The in-page aggregation key: which captures are counted together into one summary. This core
// sends no fingerprint (Sentry groups its events), so the key decides only what the page counts
// as one bug's repeats, and precision comes first: it is the title, the message and every frame
// (file, function, line, column, in-app) of every exception of the chain with its type. An exact repeat
// (a loop, a storm: one stack, one message) is one key; two bugs that share their innermost frame
// (two callers of one library function, two classes' same-named method calling one helper,
// anonymous callbacks of one file) are two. A user fingerprint replaces it, with `{{ default }}`
// standing for it (as the WASM core expands it). Hashed (two 32-bit FNV-1a with other primes, 64
// bits) so that a group costs a few bytes whatever its stack.
function groupKey(title, message, values, fingerprint) {
  let text = title + '\u0002' + message, h1 = 0x811c9dc5, h2 = 0x2545f491;
  for (const exception of values) text += '\u0002' + exception.type + toJson(exception.stacktrace ? exception.stacktrace.frames : 0);
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x5bd1e995);
  }
  const own = (h1 >>> 0) + '.' + (h2 >>> 0);
  return fingerprint.length ? fingerprint.map((f) => (/^\s*\{\{ ?default ?\}\}\s*$/.test(f) ? own : f)).join('\n') : own;
}

const newScope = () => ({ user: dict(), tags: dict(), extra: dict(), contexts: dict(), level: '', fingerprint: [], transaction: '' });

export class FallbackCore {
  constructor(optionsJson) {
    this.options_ = { maxBreadcrumbs: 100, maxQueue: 100, maxValueLength: 8192, aggregation: {}, sdk: { name: 'faultline.javascript.browser', version: VERSION } };
    this.scopes = [newScope()];
    this.crumbs = [];
    this.queue = [];
    this.groups = new Map();  // key -> {title, start, sent, counted, first, last}
    this.dropped = dict();
    this.unreported = dict();
    this.counters_ = { captured: 0, queued: 0, aggregated: 0, sent_events: 0 };
    this.configure(optionsJson);
  }

  configure(json) {
    try {
      const options = fromJson(json);
      for (const key of keys(options)) if (options[key] !== undefined && options[key] !== null) put(this.options_, key, options[key]);
      this.scrubber = null;
      const dsn = this.options_.dsn;
      this.error = dsn ? parseDsn(dsn).error || '' : '';
      return toJson(this.error ? { ok: false, error: this.error } : { ok: true });
    } catch {
      return '{"ok":false,"error":"options must be a JSON object"}';
    }
  }

  count(reason, quantity = 1) {
    this.dropped[reason] = (this.dropped[reason] || 0) + quantity;
    this.unreported[reason] = (this.unreported[reason] || 0) + quantity;
  }

  scope() {
    return this.scopes[this.scopes.length - 1];
  }

  // The current scope as an immutable copy, made once per change of it: a group keeps the one of
  // its last counted occurrence, and its summary is built with it (as the WASM core's snapshots).
  snapshot() {
    const scope = this.scope();
    return (scope.snap ||= { ...scope, snap: 0, user: { __proto__: null, ...scope.user }, tags: { __proto__: null, ...scope.tags }, extra: { __proto__: null, ...scope.extra }, contexts: { __proto__: null, ...scope.contexts } });
  }

  setScope(json) {
    let patch;
    try {
      patch = fromJson(json);
      this.scope().snap = null;
      this.patch(this.scope(), patch);
    } catch {
      return '{"ok":false,"error":"scope patch is not valid JSON"}';
    }
    const result = { ok: true };
    // A new user: the session's distinct id, as Sentry takes it (id, else e-mail, else username:
    // the first that is not empty), scrubbed as user.id is (as the WASM core does).
    if (patch && typeof patch == 'object' && has(patch, 'user')) {
      let did = '';
      const user = patch.user;
      if (user && typeof user == 'object' && !Array.isArray(user)) {
        for (const field of ['id', 'email', 'username']) {
          const candidate = has(user, field) ? user[field] : undefined;
          if (typeof candidate == 'string') did = candidate;
          else if (Number.isSafeInteger(candidate) && candidate != 0) did = String(candidate);
          if (did) break;
        }
      }
      result.did = (this.scrubber ||= createScrubber(this.options_)).text(did);
    }
    return toJson(result);
  }

  patch(scope, patch) {
    patch = obj(patch);
    if (has(patch, 'user')) scope.user = { __proto__: null, ...obj(patch.user) };
    for (const k of ['tags', 'extra', 'contexts']) if (has(patch, k)) patch[k] === null ? (scope[k] = dict()) : merge(scope[k], patch[k], k == 'tags', k == 'contexts');
    if (has(patch, 'level')) scope.level = LEVELS.includes(patch.level) ? patch.level : '';
    if (has(patch, 'fingerprint')) scope.fingerprint = Array.isArray(patch.fingerprint) ? patch.fingerprint.filter((x) => typeof x == 'string') : [];
    if (has(patch, 'transaction')) scope.transaction = typeof patch.transaction == 'string' ? patch.transaction : '';
  }

  pushScope() {
    const scope = this.scope();
    if (this.scopes.length < 100) this.scopes.push({ ...scope, user: { __proto__: null, ...scope.user }, tags: { __proto__: null, ...scope.tags }, extra: { __proto__: null, ...scope.extra }, contexts: { __proto__: null, ...scope.contexts } });
  }

  popScope() {
    if (this.scopes.length > 1) this.scopes.pop();
  }

  addBreadcrumb(json) {
    let given;
    try { given = fromJson(json); } catch {}
    if (!given || typeof given != 'object' || Array.isArray(given)) return '{"ok":false,"error":"breadcrumb must be a JSON object"}';
    const crumb = { __proto__: null, timestamp: given.timestamp > 0 ? given.timestamp : Date.now() / 1000 };
    for (const field of ['type', 'category', 'message', 'event_id']) if (has(given, field) && given[field] != null) crumb[field] = String(given[field]);
    if (has(given, 'level') && given.level) crumb.level = String(given.level).slice(0, 32);
    if (has(given, 'data') && given.data && typeof given.data == 'object') crumb.data = given.data;
    this.crumbs.push(crumb);
    while (this.crumbs.length > this.options_.maxBreadcrumbs) this.crumbs.shift();
    return '{"ok":true}';
  }

  capture(json) {
    this.counters_.captured++;
    let input;
    try { input = fromJson(json); } catch {}
    if (!input || typeof input != 'object' || Array.isArray(input)) {
      this.count('invalid_input');
      return '{"status":"dropped","reason":"invalid_input"}';
    }
    let timestamp = +input.timestamp;
    if (!(timestamp > 0)) timestamp = Date.now() / 1000;
    const { event, key, title } = this.event(input, timestamp);

    // Repeats: the first `perGroupBudget` per window are sent, the others counted into a summary,
    // which is the latest counted occurrence built in full (its input kept, at most 64 KB).
    const options = this.options_, now = timestamp * 1000, agg = obj(options.aggregation), windowMs = agg.windowMs ?? 60000;
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= (agg.maxGroups || 1000)) this.evict();
      this.groups.set(key, (group = { key, title: title.slice(0, 200), start: now, sent: 0, counted: 0 }));
    }
    if (now - group.start >= windowMs) Object.assign(group, { start: now, sent: 0 });
    if (group.sent >= (agg.perGroupBudget || 1)) {
      if (!group.counted) group.first = timestamp;
      group.last = timestamp;
      group.counted++;
      if (json.length <= 65536) [group.input, group.scope] = [json, this.snapshot()];
      this.counters_.aggregated++;
      return toJson({ status: 'aggregated', fingerprint: key });  // the page keeps the repeat for its summary's judging
    }
    group.sent++;
    this.addCount_(event, 1, timestamp, timestamp, false);
    return this.enqueue(event, 1) ? toJson({ status: 'queued', event_id: event.event_id }) : '{"status":"dropped","reason":"queue_overflow"}';
  }

  /**
   * The event for a capture input, its group key and title. (One function, field after field in
   * the order Client::build_event in src/event_builder.cpp writes them, so that the two cores can
   * be compared side by side: tests/node/core-parity.test.js holds them equal.)
   */
  event(input, timestamp, eventId, crumbsUntil, base) {
    const options = this.options_, max = options.maxValueLength;
    const chain = (Array.isArray(input.exceptions) ? input.exceptions : []).filter((x) => x && typeof x == 'object').slice(0, 8);
    const text = (v) => (v == null ? '' : typeof v == 'string' ? v : toJson(v)).slice(0, max);
    const values = chain.map((source, index) => {
      const exception = { __proto__: null, type: text(source.type).slice(0, 256) || 'Error', value: text(source.value) };
      let frames = parseFrames(source.stack);
      if (!frames.length && source.filename) frames = [{ function: '?', filename: String(source.filename), abs_path: String(source.filename), lineno: +source.lineno || 0, colno: +source.colno || 0, in_app: true }];
      if (frames.length) exception.stacktrace = { frames };
      const mechanism = obj(source.mechanism);
      exception.mechanism = index
        ? { __proto__: null, type: 'chained', source: typeof mechanism.source == 'string' ? mechanism.source : 'cause', handled: true, exception_id: index, parent_id: source.parent >= 0 && source.parent < index ? source.parent : index - 1 }
        : { __proto__: null, ...mechanism, type: typeof mechanism.type == 'string' ? mechanism.type : 'generic', handled: typeof mechanism.handled == 'boolean' ? mechanism.handled : true, ...(chain.length > 1 && { exception_id: 0 }) };
      if (exception.type == 'AggregateError') exception.mechanism.is_exception_group = true;
      if (source.synthetic) exception.mechanism.synthetic = true;
      return exception;
    });
    const message = text(input.message) || (chain.length ? '' : '<empty capture>');
    const scope = { ...(base || this.scope()) };
    for (const k of ['user', 'tags', 'extra', 'contexts']) scope[k] = { __proto__: null, ...scope[k] };
    if (has(input, 'scope')) this.patch(scope, input.scope);
    merge(scope.tags, input.tags, true);
    merge(scope.extra, input.extra);
    merge(scope.contexts, input.contexts);
    merge(scope.user, input.user);
    const fingerprint = Array.isArray(input.fingerprint) ? input.fingerprint.filter((x) => typeof x == 'string') : scope.fingerprint;
    const top = values[0];
    const title = top ? `${top.type}: ${top.value}` : message;
    const key = groupKey(title, message, values, fingerprint);

    eventId = eventId || (/^[0-9a-f]{32}$/.test(input.event_id) ? input.event_id : hex32());
    const event = this.base(eventId, timestamp, LEVELS.includes(input.level) ? input.level : scope.level || (LEVELS.includes(input.default_level) ? input.default_level : message ? 'info' : 'error'));
    if (chain.length) event.exception = { values: values.reverse() };
    // debug_meta.images for the files of the frames that registered a debug ID, as the WASM core
    // writes them (this core does not resolve frames with symbol tables).
    const ids = obj(input.debugIds), images = [];
    for (const exception of values) for (const frame of exception.stacktrace ? exception.stacktrace.frames : []) {
      const file = frame.abs_path || frame.filename;
      if (Object.prototype.hasOwnProperty.call(ids, file) && typeof ids[file] == 'string' && images.length < 32 && !images.some((i) => i.code_file == file)) images.push({ type: 'sourcemap', code_file: file, debug_id: ids[file] });
    }
    if (images.length) event.debug_meta = { images };
    if (message) {  // a message, possibly with its stack as a synthetic exception (attachStacktrace)
      event.message = message;
      const template = obj(input.template);
      if (typeof template.message == 'string') event.logentry = { message: template.message, params: Array.isArray(template.params) ? template.params : [] };
    }
    const crumbs = crumbsUntil ? this.crumbs.filter((c) => c.timestamp <= crumbsUntil) : this.crumbs.slice();
    if (crumbs.length) event.breadcrumbs = crumbs;
    Object.assign(event.tags, scope.tags, { 'faultline.core': 'js-fallback' });
    for (const k of keys(scope.contexts)) if (!scope.contexts[k] || typeof scope.contexts[k] != 'object' || k == 'faultline' || k == 'error_sampling') delete scope.contexts[k];
    event.contexts = scope.contexts;
    if (Object.keys(scope.extra).length) event.extra = scope.extra;
    if (Object.keys(scope.user).length) event.user = scope.user;
    if (scope.transaction) event.transaction = scope.transaction;
    const req = obj(input.request);
    if (typeof req.url == 'string' || req.headers) {
      event.request = dict();
      for (const k of ['url', 'method']) if (typeof req[k] == 'string' && req[k]) event.request[k] = req[k].slice(0, 2048);
      const headers = dict();
      for (const k of keys(req.headers)) if (typeof req.headers[k] == 'string') put(headers, k, req.headers[k]);
      if (Object.keys(headers).length) event.request.headers = headers;
    }
    if (fingerprint.length) event.fingerprint = fingerprint;
    return { event, key, title };
  }

  /** How many occurrences the event stands for: as the WASM core says it (see add_count in src/client.cpp). */
  addCount_(event, count, first, last, summary, evicted) {
    event.contexts.faultline = { type: 'faultline', count, first_seen: first, last_seen: last, summary, ...(summary && { evicted: !!evicted }) };
    const rate = (this.options_.sampleRate > 0 && this.options_.sampleRate <= 1 ? this.options_.sampleRate : 1) / count;
    if (rate < 1) event.contexts.error_sampling = { type: 'error_sampling', client_sample_rate: rate };
    const bucket = 10 ** Math.min(5, Math.floor(Math.log10(count)));
    if (count > 1) event.tags['faultline.repeats'] = bucket < 10 ? '2-9' : bucket >= 100000 ? '100000+' : `${bucket}-${bucket * 10 - 1}`;
  }

  base(eventId, timestamp, level) {
    const options = this.options_, sdk = { ...options.sdk, settings: { infer_ip: options.sendDefaultPii ? 'auto' : 'never' } };
    // As the WASM core (base_event in src/event_builder.cpp): the SDK's packages, or this package.
    if (!(Array.isArray(sdk.packages) && sdk.packages.length)) sdk.packages = [{ name: 'npm:faultline', version: sdk.version }];
    const event = { __proto__: null, event_id: eventId, timestamp, platform: 'javascript', level, sdk, tags: dict() };
    for (const k of ['release', 'environment', 'dist']) if (options[k]) event[k] = String(options[k]);
    return event;
  }

  evict() {
    let oldest, key;
    for (const [k, g] of this.groups) if (!oldest || g.start < oldest.start) [oldest, key] = [g, k];
    this.groups.delete(key);
    if (oldest.counted) this.summary(oldest, true);
  }

  summary(group, evicted) {
    let event;
    try { if (group.input) event = this.event(fromJson(group.input), group.last, hex32(), group.last + 0.001, group.scope).event; } catch {}
    if (!event) {
      event = this.base(hex32(), group.last, 'error');
      event.tags['faultline.core'] = 'js-fallback';
      event.message = group.title || 'Repeated error';
      event.contexts = dict();
    }
    this.addCount_(event, group.counted, group.first, group.last, true, evicted);
    event.contexts.faultline.fingerprint = group.key;  // the page's key of the group (whose repeats it judges), as the WASM core's
    this.enqueue(event, group.counted);
    group.counted = 0;
    group.input = group.scope = '';
  }

  enqueue(event, occurrences) {
    if (this.queue.length >= this.options_.maxQueue * (occurrences > 1 ? 2 : 1)) {
      this.count('queue_overflow', occurrences);
      return false;
    }
    this.scrub(event);
    this.counters_.queued++;
    this.queue.push({ id: event.event_id, payload: toJson(event), occurrences });
    return true;
  }

  // Bounds string length as the core's normalization does, then scrubs as the core does.
  scrub(event) {
    const max = this.options_.maxValueLength;
    const cut = (value, depth) => {
      if (typeof value == 'string') return value.length > max ? value.slice(0, max) + '\u2026' : value;
      if (!value || typeof value != 'object') return value;
      if (depth > 8) return '[Object]';
      for (const k of platform.keys_(value)) put(value, k, cut(value[k], depth + 1));
      return value;
    };
    for (const k of platform.keys_(event)) if (k != 'sdk') event[k] = cut(event[k], 0);
    const scrubber = (this.scrubber ||= createScrubber(this.options_));
    scrubber.event(event);
    if (has(event, 'message')) event.message = scrubber.value(event.message, '', 1);
  }

  header(eventId, now) {
    const header = { __proto__: null, sent_at: new Date(now).toISOString(), sdk: this.options_.sdk };
    if (eventId) header.event_id = eventId;
    if (this.options_.dsn && !this.error) header.dsn = this.options_.dsn;
    return toJson(header);
  }

  drain(now, force, perEnvelope) {
    now = now > 0 ? now : Date.now();
    const windowMs = obj(this.options_.aggregation).windowMs ?? 60000;
    for (const group of this.groups.values()) if (group.counted && (force || now - group.start >= windowMs)) this.summary(group);
    perEnvelope = Math.min(Math.max(1, perEnvelope | 0), 1000);
    const envelopes = [];
    while (this.queue.length) {
      const batch = this.queue.splice(0, perEnvelope);
      const body = frameEnvelope(this.header(batch.length == 1 ? batch[0].id : '', now), batch.map((e) => ({ type: 'event', content_type: 'application/json', payload: e.payload })), toJson);
      this.counters_.sent_events += batch.length;
      envelopes.push({ body, event_ids: batch.map((e) => e.id), occurrences: batch.reduce((s, e) => s + e.occurrences, 0) });
    }
    return toJson({ envelopes });
  }

  clientReport(json, now) {
    now = now > 0 ? now : Date.now();
    const totals = dict();
    let list = [];
    try { list = fromJson(json); } catch {}
    for (const item of Array.isArray(list) ? list : []) {
      if (item && has(item, 'reason') && item.reason && item.quantity >= 1) {
        const key = `${item.reason}\n${item.category || 'error'}`;
        totals[key] = (totals[key] || 0) + Math.floor(item.quantity);
      }
    }
    for (const reason of platform.keys_(this.unreported)) totals[`${reason}\nerror`] = (totals[`${reason}\nerror`] || 0) + this.unreported[reason];
    this.unreported = dict();
    const discarded_events = Object.entries(totals).map(([key, quantity]) => {
      const [reason, category] = key.split('\n');
      return { reason, category, quantity };
    });
    if (!discarded_events.length) return '';
    const payload = toJson({ timestamp: now / 1000, discarded_events });
    return frameEnvelope(this.header('', now), [{ type: 'client_report', content_type: 'application/json', payload }], toJson);
  }

  stats() {
    let pending = 0;
    for (const g of this.groups.values()) pending += g.counted;
    return toJson({ ...this.counters_, dropped: { ...this.dropped }, queue_length: this.queue.length, groups: this.groups.size, pending,
      breadcrumbs: this.crumbs.length, scope_depth: this.scopes.length, heap_bytes: 0, ...(this.error && { options_error: this.error }) });
  }

  delete() {}
}
