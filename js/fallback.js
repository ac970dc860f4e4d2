// The JS fallback core, used only when the WASM core cannot load (a CSP without
// 'wasm-unsafe-eval', an old browser, the .wasm failing to download). It keeps errors flowing as
// well-formed Sentry events with the same API as the WASM Core, but without grouping across
// engines, aggregation or the full scrubber: such events carry the tag faultline.core=js-fallback.

const LINE_V8 = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
const LINE_GECKO = /^\s*(.*?)@(.+?):(\d+):(\d+)\s*$/;
const EMAIL = /[\w.+%-]+@[\w-]+(?:\.[\w-]+)+/g;
const SECRET_KV = /\b((?:pass(?:word|wd)?|secret|token|api[_-]?key|auth\w*|session\w*)=)[^&\s]+/gi;

function frames(stack) {
  const out = [];
  for (const line of String(stack || '').split('\n').slice(0, 100)) {
    const m = LINE_V8.exec(line) || LINE_GECKO.exec(line);
    if (m) out.push({ function: m[1] || '?', filename: m[2], abs_path: m[2], lineno: +m[3], colno: +m[4], in_app: true });
  }
  return out.reverse();
}

function hex(n) {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

export function createFallbackCore(options) {
  const scrub = (t) => (typeof t === 'string' ? t.replace(SECRET_KV, '$1[Filtered]').replace(options.sendDefaultPii ? /$^/ : EMAIL, '[email]') : t);
  const crumbs = [];
  const scopes = [{ user: {}, tags: {}, extra: {}, contexts: {} }];
  const queue = [];
  const dropped = {};
  const scope = () => scopes[scopes.length - 1];
  const dsnKey = /\/\/([\w.~-]+)@/.exec(options.dsn || '');
  return {
    setScope(json) {
      const p = JSON.parse(json);
      const s = scope();
      for (const k of ['tags', 'extra', 'contexts']) if (p[k]) Object.assign(s[k], p[k]);
      if ('user' in p) s.user = p.user || {};
      if ('level' in p) s.level = p.level;
      if ('fingerprint' in p) s.fingerprint = p.fingerprint;
      return '{"ok":true}';
    },
    pushScope() {
      const s = scope();
      scopes.push({ ...s, user: { ...s.user }, tags: { ...s.tags }, extra: { ...s.extra }, contexts: { ...s.contexts } });
    },
    popScope() {
      if (scopes.length > 1) scopes.pop();
    },
    addBreadcrumb(json) {
      crumbs.push(JSON.parse(json));
      if (crumbs.length > (options.maxBreadcrumbs ?? 100)) crumbs.shift();
      return '{"ok":true}';
    },
    capture(json) {
      const input = JSON.parse(json);
      const s = scope();
      const id = hex(32);
      const ev = {
        event_id: id, timestamp: input.timestamp, platform: 'javascript', level: input.level || (input.exceptions ? 'error' : 'info'),
        sdk: options.sdk, release: options.release, environment: options.environment,
        tags: { ...s.tags, ...(input.tags || {}), 'faultline.core': 'js-fallback' }, extra: { ...s.extra, ...(input.extra || {}) },
        contexts: { ...s.contexts, ...(input.contexts || {}), faultline: { count: 1, summary: false } },
        user: { ...s.user, ...(input.user || {}) }, request: input.request,
        breadcrumbs: { values: crumbs.map((c) => ({ ...c, message: scrub(c.message) })) },
      };
      if (!options.sendDefaultPii) delete ev.user.email, delete ev.user.ip_address;
      if (input.fingerprint || s.fingerprint) ev.fingerprint = input.fingerprint || s.fingerprint;
      if (input.exceptions) {
        ev.exception = { values: input.exceptions.map((x, i) => ({ type: x.type || 'Error', value: scrub(x.value),
          stacktrace: { frames: frames(x.stack) }, mechanism: i === 0 ? { handled: true, type: 'generic', ...(x.mechanism || {}), exception_id: 0 } : { type: 'chained', source: 'cause', exception_id: i, parent_id: x.parent || 0 } })).reverse() };
      } else {
        ev.logentry = { formatted: scrub(input.message) };
      }
      if (queue.length >= (options.maxQueue || 100)) {
        dropped.queue_overflow = (dropped.queue_overflow || 0) + 1;
        return JSON.stringify({ status: 'dropped', reason: 'queue_overflow' });
      }
      queue.push(ev);
      return JSON.stringify({ status: 'queued', event_id: id });
    },
    drain(now, force, per) {
      const envelopes = [];
      while (queue.length) {
        const batch = queue.splice(0, Math.max(1, per));
        const header = JSON.stringify({ event_id: batch.length === 1 ? batch[0].event_id : undefined, sent_at: new Date(now).toISOString(), sdk: options.sdk, dsn: options.dsn });
        const items = batch.map((e) => {
          const payload = JSON.stringify(e);
          return `${JSON.stringify({ type: 'event', length: new TextEncoder().encode(payload).length })}\n${payload}`;
        });
        envelopes.push({ body: `${header}\n${items.join('\n')}\n`, event_ids: batch.map((e) => e.event_id), occurrences: batch.length });
      }
      return JSON.stringify({ envelopes });
    },
    clientReport(json, now) {
      const list = JSON.parse(json);
      for (const [reason, quantity] of Object.entries(dropped)) list.push({ reason, category: 'error', quantity });
      for (const k of Object.keys(dropped)) delete dropped[k];
      if (!list.length) return '';
      const payload = JSON.stringify({ timestamp: now / 1000, discarded_events: list });
      return `${JSON.stringify({ sent_at: new Date(now).toISOString(), dsn: options.dsn })}\n{"type":"client_report"}\n${payload}\n`;
    },
    stats() {
      return JSON.stringify({ dropped, queue_length: queue.length, core: 'js-fallback', key: dsnKey && dsnKey[1] });
    },
    delete() {},
  };
}
