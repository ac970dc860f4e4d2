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
const put = (o, k, v) => Object.defineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true });

// Event ids from the SDK's id source (util.js): distinct even when getRandomValues is broken.
const hex32 = () => randomHex(16);

// Each of the first 200 lines is read through its first 1 KiB, as the core's parser reads them:
// the lazy groups of V8 and GECKO backtrack, and on one long line that was quadratic (seconds for
// 16 KB: the attack report's A1).
export function parseFrames(stack) {
  const out = [], text = String(stack || '');
  for (let start = 0, n = 0; start <= text.length && n < 200; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 1024));
    start = end + 1;
    const m = V8.exec(line) || GECKO.exec(line);
    if (m && out.length < 100) {
      const file = m[2];
      out.push({ function: m[1] || '?', filename: file, abs_path: file, lineno: +m[3], colno: +m[4], in_app: !NOT_APP.test(file) });
    }
  }
  return out.reverse();  // Sentry wants the oldest frame first
}

// As the core merges: tag values kept as sent (strings cut to 200); a null context is removed,
// null tags and extras kept.
function merge(target, patch, tags, nullRemoves) {
  for (const k of keys(patch)) {
    const v = patch[k];
    if (v === null && nullRemoves) delete target[k];
    else if (!tags) put(target, k, v);
    else if (k && k.length <= 200) put(target, k, typeof v == 'string' ? v.slice(0, 200) : v);
  }
}

const newScope = () => ({ user: dict(), tags: dict(), extra: dict(), contexts: dict(), level: '', fingerprint: [], transaction: '' });

export class FallbackCore {
  constructor(optionsJson) {
    this.o = { maxBreadcrumbs: 100, maxQueue: 100, maxValueLength: 8192, aggregation: {}, sdk: { name: 'faultline.javascript.browser', version: VERSION } };
    this.scopes = [newScope()];
    this.crumbs = [];
    this.queue = [];
    this.groups = new Map();  // key -> {title, start, sent, counted, first, last}
    this.dropped = dict();
    this.unreported = dict();
    this.n = { captured: 0, queued: 0, aggregated: 0, sent_events: 0 };
    this.configure(optionsJson);
  }

  configure(json) {
    try {
      const o = fromJson(json);
      for (const k of keys(o)) if (o[k] !== undefined && o[k] !== null) put(this.o, k, o[k]);
      this.scrubber = null;
      const dsn = this.o.dsn;
      this.error = dsn ? parseDsn(dsn).error || '' : '';
      return toJson(this.error ? { ok: false, error: this.error } : { ok: true });
    } catch {
      return '{"ok":false,"error":"options must be a JSON object"}';
    }
  }

  count(reason, n = 1) {
    this.dropped[reason] = (this.dropped[reason] || 0) + n;
    this.unreported[reason] = (this.unreported[reason] || 0) + n;
  }

  scope() {
    return this.scopes[this.scopes.length - 1];
  }

  setScope(json) {
    let p;
    try {
      p = fromJson(json);
      this.patch(this.scope(), p);
    } catch {
      return '{"ok":false,"error":"scope patch is not valid JSON"}';
    }
    const r = { ok: true };
    // A new user: the session's distinct id, as Sentry takes it (id, else e-mail, else username:
    // the first that is not empty), scrubbed as user.id is (as the WASM core does).
    if (p && typeof p == 'object' && has(p, 'user')) {
      let did = '';
      const u = p.user;
      if (u && typeof u == 'object' && !Array.isArray(u)) {
        for (const k of ['id', 'email', 'username']) {
          const f = has(u, k) ? u[k] : undefined;
          if (typeof f == 'string') did = f;
          else if (Number.isSafeInteger(f) && f != 0) did = String(f);
          if (did) break;
        }
      }
      r.did = (this.scrubber ||= createScrubber(this.o)).text(did);
    }
    return toJson(r);
  }

  patch(s, p) {
    p = obj(p);
    if (has(p, 'user')) s.user = { __proto__: null, ...obj(p.user) };
    for (const k of ['tags', 'extra', 'contexts']) if (has(p, k)) p[k] === null ? (s[k] = dict()) : merge(s[k], p[k], k == 'tags', k == 'contexts');
    if (has(p, 'level')) s.level = LEVELS.includes(p.level) ? p.level : '';
    if (has(p, 'fingerprint')) s.fingerprint = Array.isArray(p.fingerprint) ? p.fingerprint.filter((x) => typeof x == 'string') : [];
    if (has(p, 'transaction')) s.transaction = typeof p.transaction == 'string' ? p.transaction : '';
  }

  pushScope() {
    const s = this.scope();
    if (this.scopes.length < 100) this.scopes.push({ ...s, user: { __proto__: null, ...s.user }, tags: { __proto__: null, ...s.tags }, extra: { __proto__: null, ...s.extra }, contexts: { __proto__: null, ...s.contexts } });
  }

  popScope() {
    if (this.scopes.length > 1) this.scopes.pop();
  }

  addBreadcrumb(json) {
    let c;
    try { c = fromJson(json); } catch {}
    if (!c || typeof c != 'object' || Array.isArray(c)) return '{"ok":false,"error":"breadcrumb must be a JSON object"}';
    const crumb = { __proto__: null, timestamp: c.timestamp > 0 ? c.timestamp : Date.now() / 1000 };
    for (const k of ['type', 'category', 'message', 'event_id']) if (has(c, k) && c[k] != null) crumb[k] = String(c[k]);
    if (has(c, 'level') && c.level) crumb.level = String(c.level).slice(0, 32);
    if (has(c, 'data') && c.data && typeof c.data == 'object') crumb.data = c.data;
    this.crumbs.push(crumb);
    while (this.crumbs.length > this.o.maxBreadcrumbs) this.crumbs.shift();
    return '{"ok":true}';
  }

  capture(json) {
    this.n.captured++;
    let input;
    try { input = fromJson(json); } catch {}
    if (!input || typeof input != 'object' || Array.isArray(input)) {
      this.count('invalid_input');
      return '{"status":"dropped","reason":"invalid_input"}';
    }
    let ts = +input.timestamp;
    if (!(ts > 0)) ts = Date.now() / 1000;
    const { ev, key, title } = this.event(input, ts);

    // Repeats: the first `perGroupBudget` per window are sent, the others counted into a summary,
    // which is the latest counted occurrence built in full (its input kept, at most 64 KB).
    const o = this.o, now = ts * 1000, agg = obj(o.aggregation), windowMs = agg.windowMs ?? 60000;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= (agg.maxGroups || 1000)) this.evict();
      this.groups.set(key, (g = { title: title.slice(0, 200), start: now, sent: 0, counted: 0 }));
    }
    if (now - g.start >= windowMs) Object.assign(g, { start: now, sent: 0 });
    if (g.sent >= (agg.perGroupBudget || 1)) {
      if (!g.counted) g.first = ts;
      g.last = ts;
      g.counted++;
      g.input = json.length <= 65536 ? json : g.input;
      this.n.aggregated++;
      return '{"status":"aggregated"}';
    }
    g.sent++;
    this.count1(ev, 1, ts, ts, false);
    return this.enqueue(ev, 1) ? toJson({ status: 'queued', event_id: ev.event_id }) : '{"status":"dropped","reason":"queue_overflow"}';
  }

  /** The event for a capture input, its group key and title. */
  event(input, ts, id, crumbsUntil) {
    const o = this.o, max = o.maxValueLength;
    const chain = (Array.isArray(input.exceptions) ? input.exceptions : []).filter((x) => x && typeof x == 'object').slice(0, 8);
    const text = (v) => (v == null ? '' : typeof v == 'string' ? v : toJson(v)).slice(0, max);
    const values = chain.map((x, k) => {
      const v = { __proto__: null, type: text(x.type).slice(0, 256) || 'Error', value: text(x.value) };
      let frames = parseFrames(x.stack);
      if (!frames.length && x.filename) frames = [{ function: '?', filename: String(x.filename), abs_path: String(x.filename), lineno: +x.lineno || 0, colno: +x.colno || 0, in_app: true }];
      if (frames.length) v.stacktrace = { frames };
      const m = obj(x.mechanism);
      v.mechanism = k
        ? { __proto__: null, type: 'chained', source: typeof m.source == 'string' ? m.source : 'cause', handled: true, exception_id: k, parent_id: x.parent >= 0 && x.parent < k ? x.parent : k - 1 }
        : { __proto__: null, ...m, type: typeof m.type == 'string' ? m.type : 'generic', handled: typeof m.handled == 'boolean' ? m.handled : true, ...(chain.length > 1 && { exception_id: 0 }) };
      if (v.type == 'AggregateError') v.mechanism.is_exception_group = true;
      if (x.synthetic) v.mechanism.synthetic = true;
      return v;
    });
    const message = text(input.message) || (chain.length ? '' : '<empty capture>');
    const s = { ...this.scope() };
    for (const k of ['user', 'tags', 'extra', 'contexts']) s[k] = { __proto__: null, ...s[k] };
    if (has(input, 'scope')) this.patch(s, input.scope);
    merge(s.tags, input.tags, true);
    merge(s.extra, input.extra);
    merge(s.contexts, input.contexts);
    merge(s.user, input.user);
    const fingerprint = Array.isArray(input.fingerprint) ? input.fingerprint.filter((x) => typeof x == 'string') : s.fingerprint;
    const top = values[0];
    const title = top ? `${top.type}: ${top.value}` : message;
    const key = fingerprint.length ? fingerprint.join('\n') : title + '\n' + toJson(top && top.stacktrace ? top.stacktrace.frames.slice(-1) : '');

    id = id || (/^[0-9a-f]{32}$/.test(input.event_id) ? input.event_id : hex32());
    const ev = this.base(id, ts, LEVELS.includes(input.level) ? input.level : s.level || (LEVELS.includes(input.default_level) ? input.default_level : message ? 'info' : 'error'));
    if (chain.length) ev.exception = { values: values.reverse() };
    // debug_meta.images for the files of the frames that registered a debug ID, as the WASM core
    // writes them (this core does not resolve frames with symbol tables).
    const ids = obj(input.debugIds), images = [];
    for (const v of values) for (const f of v.stacktrace ? v.stacktrace.frames : []) {
      const u = f.abs_path || f.filename;
      if (Object.prototype.hasOwnProperty.call(ids, u) && typeof ids[u] == 'string' && images.length < 32 && !images.some((i) => i.code_file == u)) images.push({ type: 'sourcemap', code_file: u, debug_id: ids[u] });
    }
    if (images.length) ev.debug_meta = { images };
    if (message) {  // a message, possibly with its stack as a synthetic exception (attachStacktrace)
      ev.message = message;
      const t = obj(input.template);
      if (typeof t.message == 'string') ev.logentry = { message: t.message, params: Array.isArray(t.params) ? t.params : [] };
    }
    const crumbs = crumbsUntil ? this.crumbs.filter((c) => c.timestamp <= crumbsUntil) : this.crumbs.slice();
    if (crumbs.length) ev.breadcrumbs = crumbs;
    Object.assign(ev.tags, s.tags, { 'faultline.core': 'js-fallback' });
    for (const k of keys(s.contexts)) if (!s.contexts[k] || typeof s.contexts[k] != 'object' || k == 'faultline' || k == 'error_sampling') delete s.contexts[k];
    ev.contexts = s.contexts;
    if (Object.keys(s.extra).length) ev.extra = s.extra;
    if (Object.keys(s.user).length) ev.user = s.user;
    if (s.transaction) ev.transaction = s.transaction;
    const req = obj(input.request);
    if (typeof req.url == 'string' || req.headers) {
      ev.request = dict();
      if (typeof req.url == 'string') ev.request.url = req.url.slice(0, 2048);
      const h = dict();
      for (const k of keys(req.headers)) if (typeof req.headers[k] == 'string') put(h, k, req.headers[k]);
      if (Object.keys(h).length) ev.request.headers = h;
    }
    if (fingerprint.length) ev.fingerprint = fingerprint;
    return { ev, key, title };
  }

  /** How many occurrences the event stands for: as the WASM core says it (see add_count in src/client.cpp). */
  count1(ev, count, first, last, summary, evicted) {
    ev.contexts.faultline = { type: 'faultline', count, first_seen: first, last_seen: last, summary, ...(summary && { evicted: !!evicted }) };
    const rate = (this.o.sampleRate > 0 && this.o.sampleRate <= 1 ? this.o.sampleRate : 1) / count;
    if (rate < 1) ev.contexts.error_sampling = { type: 'error_sampling', client_sample_rate: rate };
    const lo = 10 ** Math.min(5, Math.floor(Math.log10(count)));
    if (count > 1) ev.tags['faultline.repeats'] = lo < 10 ? '2-9' : lo >= 100000 ? '100000+' : `${lo}-${lo * 10 - 1}`;
  }

  base(id, ts, level) {
    const o = this.o, sdk = { ...o.sdk, settings: { infer_ip: o.sendDefaultPii ? 'auto' : 'never' } };
    // As the WASM core (base_event in src/event_builder.cpp): the SDK's packages, or this package.
    if (!(Array.isArray(sdk.packages) && sdk.packages.length)) sdk.packages = [{ name: 'npm:faultline', version: sdk.version }];
    const ev = { __proto__: null, event_id: id, timestamp: ts, platform: 'javascript', level, sdk, tags: dict() };
    for (const k of ['release', 'environment', 'dist']) if (o[k]) ev[k] = String(o[k]);
    return ev;
  }

  evict() {
    let oldest, key;
    for (const [k, g] of this.groups) if (!oldest || g.start < oldest.start) [oldest, key] = [g, k];
    this.groups.delete(key);
    if (oldest.counted) this.summary(oldest, true);
  }

  summary(g, evicted) {
    let ev;
    try { if (g.input) ev = this.event(fromJson(g.input), g.last, hex32(), g.last + 0.001).ev; } catch {}
    if (!ev) {
      ev = this.base(hex32(), g.last, 'error');
      ev.tags['faultline.core'] = 'js-fallback';
      ev.message = g.title || 'Repeated error';
      ev.contexts = dict();
    }
    this.count1(ev, g.counted, g.first, g.last, true, evicted);
    this.enqueue(ev, g.counted);
    g.counted = 0;
    g.input = '';
  }

  enqueue(ev, occurrences) {
    if (this.queue.length >= this.o.maxQueue * (occurrences > 1 ? 2 : 1)) {
      this.count('queue_overflow', occurrences);
      return false;
    }
    this.scrub(ev);
    this.n.queued++;
    this.queue.push({ id: ev.event_id, payload: toJson(ev), occurrences });
    return true;
  }

  // Bounds string length as the core's normalization does, then scrubs as the core does.
  scrub(ev) {
    const max = this.o.maxValueLength;
    const cut = (v, depth) => {
      if (typeof v == 'string') return v.length > max ? v.slice(0, max) + '\u2026' : v;
      if (!v || typeof v != 'object') return v;
      if (depth > 8) return '[Object]';
      for (const k of platform.keys_(v)) put(v, k, cut(v[k], depth + 1));
      return v;
    };
    for (const k of platform.keys_(ev)) if (k != 'sdk') ev[k] = cut(ev[k], 0);
    const sc = (this.scrubber ||= createScrubber(this.o));
    sc.event(ev);
    if (has(ev, 'message')) ev.message = sc.value(ev.message, '', 1);
  }

  header(id, now) {
    const h = { __proto__: null, sent_at: new Date(now).toISOString(), sdk: this.o.sdk };
    if (id) h.event_id = id;
    if (this.o.dsn && !this.error) h.dsn = this.o.dsn;
    return toJson(h);
  }

  drain(now, force, per) {
    now = now > 0 ? now : Date.now();
    const windowMs = obj(this.o.aggregation).windowMs ?? 60000;
    for (const g of this.groups.values()) if (g.counted && (force || now - g.start >= windowMs)) this.summary(g);
    per = Math.min(Math.max(1, per | 0), 1000);
    const envelopes = [];
    while (this.queue.length) {
      const batch = this.queue.splice(0, per);
      const body = frameEnvelope(this.header(batch.length == 1 ? batch[0].id : '', now), batch.map((e) => ({ type: 'event', content_type: 'application/json', payload: e.payload })), toJson);
      this.n.sent_events += batch.length;
      envelopes.push({ body, event_ids: batch.map((e) => e.id), occurrences: batch.reduce((s, e) => s + e.occurrences, 0) });
    }
    return toJson({ envelopes });
  }

  clientReport(json, now) {
    now = now > 0 ? now : Date.now();
    const totals = dict();
    let list = [];
    try { list = fromJson(json); } catch {}
    for (const x of Array.isArray(list) ? list : []) {
      if (x && has(x, 'reason') && x.reason && x.quantity >= 1) {
        const k = `${x.reason}\n${x.category || 'error'}`;
        totals[k] = (totals[k] || 0) + Math.floor(x.quantity);
      }
    }
    for (const r of platform.keys_(this.unreported)) totals[`${r}\nerror`] = (totals[`${r}\nerror`] || 0) + this.unreported[r];
    this.unreported = dict();
    const discarded_events = Object.entries(totals).map(([k, quantity]) => {
      const [reason, category] = k.split('\n');
      return { reason, category, quantity };
    });
    if (!discarded_events.length) return '';
    const payload = toJson({ timestamp: now / 1000, discarded_events });
    return frameEnvelope(this.header('', now), [{ type: 'client_report', content_type: 'application/json', payload }], toJson);
  }

  stats() {
    let pending = 0;
    for (const g of this.groups.values()) pending += g.counted;
    return toJson({ ...this.n, dropped: { ...this.dropped }, queue_length: this.queue.length, groups: this.groups.size, pending,
      breadcrumbs: this.crumbs.length, scope_depth: this.scopes.length, heap_bytes: 0, ...(this.error && { options_error: this.error }) });
  }

  delete() {}
}
