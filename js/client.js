// The part of the SDK that talks to the core and the transport. It is imported lazily by
// index.js together with them, so it is not on the critical path: until it runs, index.js queues
// every operation (bounded). It loads the WASM core (or, when WASM cannot load, the JS fallback
// core), replays the queue in order, decides when to drain the core into envelopes, runs
// beforeSend on the final events, sends client reports, and implements flush/close.
import { G, log, get, str, cut, norm, isErr, tagOf, matches } from './util.js';
import { failedRequests, moduleUrl as hookUrl } from './hooks/http.js';

/**
 * Where the SDK's own modules are served from, so that their frames (e.g. the fetch wrapper on a
 * failed request) are never in-app whatever path serves them ('/js/', '/vendor/faultline/'…).
 * Only when the SDK runs as separate modules: bundled into the app, import.meta.url is the app's
 * bundle, the same for this module and the hooks, and claiming it would hide the app's frames.
 */
export function sdkUrls(self = (() => { try { return String(import.meta.url || ''); } catch { return ''; } })(), hook = hookUrl) {
  if (!self || !hook || self == hook || !/^[a-z][\w+.-]*:\/\//i.test(self)) return [];
  const dir = self.slice(0, self.lastIndexOf('/') + 1).replace(/[?#].*$/, '');
  return hook.startsWith(dir) ? [dir] : [];
}

export const SDK = { name: 'faultline.javascript.browser', version: '0.1.0' };
const thenable = (x) => x && typeof x.then == 'function';
const USER = ['id', 'email', 'username', 'name', 'segment', 'ip_address'];

// Sentry's user: known fields are strings, `geo` an object, everything else belongs in `data`.
function user(u) {
  if (!u || typeof u != 'object') return u;
  const out = {}, data = { ...(u.data && typeof u.data == 'object' ? u.data : {}) };
  for (const k in u) {
    const v = u[k];
    if (USER.includes(k)) out[k] = v == null || typeof v == 'string' ? v : typeof v == 'object' ? JSON.stringify(v) : String(v);
    else if (k == 'geo' && v && typeof v == 'object') out.geo = v;
    else if (k != 'data') data[k] = v;
  }
  if (Object.keys(data).length) out.data = data;
  return out;
}
const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(r, ms))]);

// Sentry's wording for the values that are not Errors, so issues read the same after a switch.
function describe(v, rejection) {
  const what = rejection ? 'promise rejection' : 'exception';
  if (v && typeof v == 'object') {
    const t = tagOf(v);
    if (t.endsWith('Event]')) return `Event \`${str(get(v, 'type'))}\` captured as ${what}`;
    let keys;
    try { keys = Object.keys(v).sort().slice(0, 10).join(', '); } catch {}
    return `Object captured as ${what} with keys: ${keys || '[object has no keys]'}`;
  }
  return rejection ? 'Non-Error promise rejection captured with value: ' + str(v) : str(v);
}

function one(e, rejection) {
  if (!isErr(e)) return { type: rejection ? 'UnhandledRejection' : 'Error', value: describe(e, rejection), synthetic: true };
  let type = get(e, 'name');
  if (typeof type != 'string' || !type) type = 'Error';
  const ctor = get(get(e, 'constructor'), 'name');
  if (type == 'Error' && typeof ctor == 'string' && ctor && ctor != 'Object') type = ctor;  // class X extends Error without name
  const x = { type, value: cut(str(get(e, 'message') ?? ''), 16384) };
  for (const k of ['stack', 'stacktrace']) {  // stacktrace: old Opera
    const s = get(e, k);
    if (typeof s == 'string') x[k] = cut(s, 262144);
  }
  const f = get(e, 'framesToPop');  // React's invariant(): frames of the helper, not of the bug
  if (f > 0) x.framesToPop = f;
  const req = failedRequests.get(e);  // a fetch this error rejected: grouped by its endpoint
  if (req) x.request = req;
  return x;
}

/**
 * The thrown value followed by its `cause` chain and AggregateError members, as the core's
 * exception inputs (bounded: 8 exceptions, 5 levels deep, cycles cut).
 */
export function exceptions(value, mechanism) {
  const out = [];
  const seen = [];
  const rejection = mechanism.type == 'onunhandledrejection';
  const visit = (v, parent, source, depth) => {
    if (out.length >= 8 || depth > 5 || (v && typeof v == 'object' && seen.includes(v))) return;
    seen.push(v);
    const i = out.length;
    const x = one(v, rejection && !i);
    if (i) { x.parent = parent; x.mechanism = { type: 'chained', source }; } else x.mechanism = mechanism;
    out.push(x);
    if (!isErr(v)) return;
    const errs = get(v, 'errors');
    try { if (Array.isArray(errs)) for (let k = 0; k < errs.length && k < 8; k++) visit(errs[k], i, `errors[${k}]`, depth + 1); } catch {}
    const c = get(v, 'cause');
    if (c !== undefined) visit(c, i, 'cause', depth + 1);
  };
  visit(value, 0, '', 0);
  return out;
}

/** The URL of the innermost frame of a stack (V8, SpiderMonkey and JavaScriptCore formats). */
export function topUrl(stack) {
  for (const l of String(stack || '').split('\n', 60)) {
    const m = /^\s*at |@/.test(l) && /[a-z][\w+.-]*:\/\/[^\s()@]+/i.exec(l);
    if (m) return m[0].replace(/(:\d+){1,2}$/, '');
  }
  return '';
}

/**
 * The texts of a capture that the core's signature covers (see Client::capture in src/), as the
 * key under which the SDK remembers the fingerprint the core gave them; '' when the capture is
 * not eligible (a message, its own fingerprint, texts too long to keep as a key).
 */
export function signature(a) {
  const xs = a.exceptions, s = a.scope;
  if (!xs || !xs.length || a.fingerprint || (s && s.fingerprint)) return '';
  let k = '';
  for (const x of xs) {
    k += `${x.type}\u0001${x.value}\u0001${x.stack || ''}\u0001${x.stacktrace || ''}\u0001${x.filename || ''}\u0001${x.request || ''}` +
      `\u0001${x.framesToPop || 0}\u0001${x.synthetic ? 1 : 0}\u0001${x.lineno || 0}\u0002`;
  }
  return k.length > 16384 ? '' : k;
}

/**
 * Moves the exceptions' stacks out of a capture input, as the core's captureWithStacks takes them:
 * one NUL-separated segment per exception. Stacks are most of a capture's bytes; outside the JSON
 * they are neither escaped here nor lexed by the core. '' when there is no stack to move.
 */
export function takeStacks(a) {
  let out = '', any = 0;
  for (const x of a.exceptions || []) {
    const s = x.stack;
    if (typeof s == 'string') {
      any = 1;
      delete x.stack;
      out += s.includes('\0') ? s.replace(/\0/g, '\ufffd') : s;
    }
    out += '\0';
  }
  return any ? out : '';
}

export class Client {
  constructor(hub) {
    const o = hub.o, t = o.transport || {}, loc = G.location;
    this.h = hub;
    this.fps = new Map();  // signature(capture) -> fingerprint, learned from the core's answers
    this.scopeFp = 0;  // a scope fingerprint was set (popScope may change it)
    this.o = o;
    this.pc = 0;  // events queued since the last drain
    this.per = t.multiEvent ? t.maxEvents || 50 : 1;
    this.pend = new Set();  // beforeSend promises in flight
    const tp = import('./transport.js').then((m) => {
      // (url: for transports that take the endpoint rather than the DSN)
      this.tp = m.createTransport({ ...t, dsn: o.dsn, tunnel: o.tunnel, url: hub.tunnel || `${hub.ingest}?sentry_key=${hub.key}&sentry_version=7&sentry_client=${SDK.name}%2F${SDK.version}`,
        batch: { maxEvents: t.maxEvents, maxAgeMs: t.maxAgeMs }, multiEvent: !!t.multiEvent, debug: !!o.debug,
        onDrop: (r, n, cat) => {
          if (r && typeof r == 'object') ({ reason: r, quantity: n, category: cat } = r);
          if (n !== 0) hub.drop(r, n, cat);  // 0: a client report, which carries no events
        } });
      if (this.tp.replayOffline) this.tp.replayOffline();
      this.schedule(0);
    });
    const json = JSON.stringify({ dsn: o.dsn, release: o.release, environment: o.environment, dist: o.dist, maxBreadcrumbs: o.maxBreadcrumbs,
      sendDefaultPii: !!o.sendDefaultPii, inAppInclude: o.inAppInclude, inAppExclude: o.inAppExclude, sdkUrls: sdkUrls(),
      firstPartyOrigins: o.firstPartyOrigins || (loc && loc.origin != 'null' ? [loc.origin] : []), scrub: o.scrub, aggregation: o.aggregation,
      maxValueLength: o.maxValueLength, normalizeDepth: o.normalizeDepth, maxQueue: t.queueCap, sdk: SDK });
    const say = (s) => log(o.debug, s);
    const core = (typeof WebAssembly == 'object' ? import('../dist/faultline-core.mjs') : Promise.reject(Error('no WebAssembly')))
      .then((m) => new Promise((ok, no) => {
        setTimeout(() => no(Error('WASM core load timed out')), o.wasmTimeout || 30000);
        // We fetch and instantiate the .wasm ourselves, with the page's fetch as it was before the
        // SDK hooked it (no breadcrumb, no trace headers), and see the failure directly.
        const url = o.wasmUrl || (o.locateFile ? o.locateFile('faultline.wasm', '') : new URL('../dist/faultline.wasm', import.meta.url).href);
        m.default({
          print: say, printErr: say,
          // Given locateFile, the glue never derives the URL from import.meta.url, which is empty
          // in the single-file script-tag build.
          locateFile: () => url,
          instantiateWasm: (imports, done) => {
            Promise.resolve(url).then((u) => hub.fetch.call(G, u, { credentials: 'same-origin' }))
              .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(Error(`${url}: HTTP ${r.status}`))))
              .then((b) => WebAssembly.instantiate(b, imports))
              .then((r) => done(r.instance, r.module), no);
            return {};
          },
        }).then(ok, no);
      }))
      .then((mod) => ['wasm', new mod.Core(json)], (e) => {
        log(o.debug, 'WASM core unavailable, using the JS fallback:', e);
        return import('./fallback.js').then((m) => ['js-fallback', new m.FallbackCore(json)]);
      })
      .then(([mode, c]) => {
        if (hub.off) return c.delete();
        this.core = c;
        hub.mode = mode;
        const err = JSON.parse(c.stats()).options_error;
        if (err) log(o.debug, 'options:', err);
        const q = hub.q;
        hub.q = [];
        hub.nq = hub.nc = 0;
        for (const [m, a] of q) this.run(m, a);
      });
    this.ready = Promise.all([core.catch((e) => {
      hub.mode = 'failed';
      hub.fail(e);
      if (hub.nq) hub.drop('internal_sdk_error', hub.nq);
      hub.q = [];
    }), tp.catch((e) => hub.fail(e))]);
  }

  /** Runs one core operation (JSON in, JSON out). */
  run(m, a) {
    const h = this.h, fps = this.fps;
    try {
      const c = this.core;
      // A scope fingerprint changes what a capture's texts group under: the learned ones go.
      if (m == 'popScope' ? this.scopeFp : m == 'setScope' && 'fingerprint' in a && (this.scopeFp = 1)) fps.clear();
      if (a === undefined) return c[m]();
      for (const x of [a, a.scope]) if (x && x.user) x.user = user(x.user);
      let key = '';
      if (m == 'capture') {
        if (this.build(a)) return;
        // A repeat of texts whose fingerprint the core told us: one small call, no JSON.
        key = signature(a);
        const fp = key && fps.get(key);
        if (fp && c.countRepeat && c.countRepeat(fp, a.timestamp)) {
          h.n.fast_repeats++;
          return this.counted(a);
        }
        if (!a.request) h.context(a);
      }
      const st = m == 'capture' && c.captureWithStacks && takeStacks(a);
      const r = JSON.parse(st ? c.captureWithStacks(JSON.stringify(a), st) : c[m](JSON.stringify(a)));
      if (m != 'capture') {
        if (r.ok === false) log(this.o.debug, m, r.error);
        return;
      }
      if (key && r.fingerprint) {
        if (fps.size >= 256) fps.clear();
        fps.set(key, r.fingerprint);
      }
      if (r.status == 'queued') {
        h.n.queued++;
        const t = this.o.transport || {};
        this.schedule(t.multiEvent && ++this.pc < this.per ? t.maxAgeMs ?? 250 : 0);
      } else if (r.status == 'aggregated') {
        this.counted(a);
      } else {
        log(this.o.debug, 'event dropped by the core:', r.reason, r.error);
      }
    } catch (e) {
      h.fail(e);
    }
  }

  /** A repeat counted in the core; its summary leaves when the group's window closes. */
  counted(a) {
    this.h.n.aggregated++;
    this.h.orig.delete(a.event_id);  // no event of its own: beforeSend will not ask for it
    if (!this.wt) this.wt = setTimeout(() => { this.wt = 0; this.pump(); }, ((this.o.aggregation || {}).windowMs ?? 60000) + 50);
  }

  /**
   * Completes a capture input: the thrown value becomes the exception inputs, then ignoreErrors,
   * denyUrls and allowUrls apply. Returns true when the event is filtered out (counted).
   */
  build(a) {
    const h = this.h, o = this.o;
    if ('raw' in a) {
      const v = a.raw;
      a.exceptions = exceptions(v, a.mechanism);
      if (!isErr(v) && v && typeof v == 'object') a.extra = { ...a.extra, __serialized__: norm(v) };
      delete a.raw;
      delete a.mechanism;
    }
    const x = a.exceptions && a.exceptions[0];
    if (x && a.loc && !x.stack) {
      // One frame where the engine says it happened, written as a V8 stack line for the core's parser.
      [x.filename, x.lineno, x.colno] = a.loc;
      x.stack = `${x.type}: ${x.value}\n    at ${a.loc.join(':')}`;
    }
    delete a.loc;
    const url = x && (o.denyUrls || o.allowUrls) && (topUrl(x.stack) || x.filename);
    if (matches(o.ignoreErrors, x ? [`${x.type}: ${x.value}`, x.value] : [a.message]) ||
        (url && (matches(o.denyUrls, [url]) || (o.allowUrls && o.allowUrls.length && !matches(o.allowUrls, [url]))))) {
      h.n.captured--;
      h.orig.delete(a.event_id);
      h.drop('event_processor');
      return true;
    }
  }

  schedule(ms) {
    if (this.st && ms) return;
    clearTimeout(this.st);
    this.st = setTimeout(() => { this.st = 0; this.pump(); }, ms);
  }

  /** Drains the core's queue (force: also the pending aggregation summaries) to the transport. */
  pump(force, hiding) {
    const c = this.core, tp = this.tp;
    if (!c || !tp) return;
    try {
      this.pc = 0;
      const envs = JSON.parse(c.drain(Date.now(), !!force, this.per)).envelopes;
      const send = (l) => {
        l = l.filter(Boolean);
        if (l.length) (hiding && tp.sendOnHide ? tp.sendOnHide(l) : tp.send(l));
      };
      const bs = this.o.beforeSend;
      if (!envs.length) return hiding && tp.sendOnHide && tp.sendOnHide([]);  // still hands over the retries
      if (!bs) return send(envs);
      const out = envs.map((e) => this.before(e, bs));
      if (!out.some(thenable)) return send(out);
      const p = Promise.all(out).then(send).catch((e) => this.h.fail(e)).then(() => this.pend.delete(p));
      this.pend.add(p);
    } catch (e) {
      this.h.fail(e);
    }
  }

  /**
   * Runs beforeSend on every event of an envelope and re-frames what it keeps. Returns the
   * envelope, null when everything was dropped, or a promise of either if beforeSend is async.
   * (The core serializes compact JSON, so an envelope is header, then item-header/payload lines.)
   */
  before(env, bs) {
    const h = this.h;
    const [head, ...lines] = env.body.split('\n');
    const items = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const ih = JSON.parse(lines[i]);
      if (ih.type != 'event') {
        items.push([ih, lines[i + 1], 0]);
        continue;
      }
      const ev = JSON.parse(lines[i + 1]), id = ev.event_id;
      const n = get(get(ev.contexts, 'faultline'), 'count') || 1;
      const done = (r, threw) => {
        let p;
        try { p = !threw && r && typeof r == 'object' && JSON.stringify(r); } catch (e) { threw = e; }
        if (p) return [ih, p, n, get(r, 'event_id') || id];
        if (threw) h.fail(threw);  // a throwing beforeSend drops the event: it may have been meant to scrub it
        h.drop(threw ? 'internal_sdk_error' : 'before_send', n);
        return null;
      };
      const hint = { event_id: id, originalException: h.orig.get(id) };
      h.orig.delete(id);
      try {
        const r = bs(ev, hint);
        items.push(thenable(r) ? Promise.resolve(r).then(done, (e) => done(0, e || 1)) : done(r));
      } catch (e) {
        items.push(done(0, e || 1));
      }
    }
    const frame = (list) => {
      list = list.filter(Boolean);
      if (!list.length) return null;
      const enc = new TextEncoder();
      let body = head + '\n';
      for (const [ih, p] of list) body += JSON.stringify({ ...ih, length: enc.encode(p).length }) + '\n' + p + '\n';
      return { body, event_ids: list.map((x) => x[3]).filter(Boolean), occurrences: list.reduce((s, x) => s + x[2], 0) };
    };
    return items.some(thenable) ? Promise.all(items).then(frame) : frame(items);
  }

  /** Sends the drops seen in JS (and, via the core, the core's own) as a client report. */
  report() {
    const c = this.core, tp = this.tp, h = this.h;
    if (!c || !tp || (tp.isRateLimited && tp.isRateLimited('internal'))) return;  // keep the counts until it can go
    try {
      const d = Object.entries(h.dropped).map(([k, quantity]) => {
        const [reason, category] = k.split(':');
        return { reason, category, quantity };
      });
      h.dropped = {};
      const body = c.clientReport(JSON.stringify(d), Date.now());
      if (body) tp.sendClientReport ? tp.sendClientReport(body) : tp.send([{ body, occurrences: 0, category: 'internal' }]);
    } catch (e) {
      h.fail(e);
    }
  }

  /** The page is being hidden or unloaded: everything pending leaves now, summaries included. */
  hide() {
    this.pump(true, 1);
    this.report();
  }

  async flush(ms = 2000) {
    const end = Date.now() + ms, left = () => Math.max(0, end - Date.now());
    await within(this.ready, left());
    this.pump(true);
    await within(Promise.all(this.pend), left());
    this.report();
    return this.tp ? !!(await this.tp.flush(left())) : false;
  }

  async close(ms) {
    const ok = await this.flush(ms);
    try { if (this.tp && this.tp.close) await this.tp.close(ms); } catch (e) { this.h.fail(e); }
    try { if (this.core) this.core.delete(); } catch {}
    this.core = null;
    return ok;
  }

  stats() {
    const h = this.h;
    let s = {}, tp = {};
    try { if (this.core) s = JSON.parse(this.core.stats()); } catch {}
    try { if (this.tp) tp = this.tp.stats(); } catch {}
    const dropped = { ...s.dropped };
    for (const k in h.n.dropped) dropped[k] = (dropped[k] || 0) + h.n.dropped[k];
    return { ...h.n, core: h.mode, dropped, early: h.q.length, heap_bytes: s.heap_bytes, groups: s.groups, transport: tp };
  }
}
