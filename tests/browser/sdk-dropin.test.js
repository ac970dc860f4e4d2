// What an app written for @sentry/browser 11 calls, in Chromium: the exports it imports exist and
// behave as Sentry's (addEventProcessor, sessions, addIntegration, setCurrentClient,
// lazyLoadIntegration, showReportDialog, the span API with tracing off, logger), initialScope,
// scope data set before init(), captures before init returning ids, attachStacktrace on by default
// with the SDK's own frames cut, scope.setUser merged over the page's user, Sentry 11's
// integration names and CultureContext, and flush() waiting for events captured inside an async
// beforeSend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { startRecorder } from './lib/recorder.js';
import { validateEvent } from '../node/lib/schema.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';

// The page records every envelope its transport gets and every event beforeSend sees; `pre` runs
// before init (scope data set early), `cfg` is merged into the options.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>drop-in</title>
<script type="module">
import * as F from '/esm/index.js';
window.F = F;
window.sent = [];
window.seen = [];
window.log = [];
const q = new URLSearchParams(location.search);
const cfg = JSON.parse(q.get('config') || '{}');
const transport = () => ({ send(env) { window.sent.push(JSON.parse(JSON.stringify(env))); return Promise.resolve({ statusCode: 200 }); }, flush: () => Promise.resolve(true) });
window.start = (extra = {}) => F.init({ dsn: 'http://${KEY}@' + location.host + '/1', transport, aggregation: { windowMs: 0 },
  integrations: { browserSession: false }, beforeSend: (e) => { window.seen.push(JSON.parse(JSON.stringify(e))); return e; }, ...cfg, ...extra });
window.events = () => window.sent.flatMap((e) => e[1]).filter((i) => i[0].type == 'event').map((i) => i[1]);
window.sessions = () => window.sent.flatMap((e) => e[1]).filter((i) => i[0].type == 'session').map((i) => i[1]);
document.body.dataset.ready = 1;
</script></head><body></body></html>`;

let rec, browser;
before(async () => {
  rec = await startRecorder({ '/page.html': PAGE });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});
after(async () => {
  await browser?.close();
  await rec?.close();
});

async function open(config = {}) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${rec.url}/page.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => document.body.dataset.ready);
  return { page, ctx, pageErrors };
}

test('addEventProcessor (top level, on a scope, in withScope) runs on events before beforeSend; null drops the event, counted as event_processor', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    start();
    F.addEventProcessor((e, hint) => { e.tags = { ...e.tags, ep: 1, hinted: typeof hint.event_id }; return e; });
    F.getCurrentScope().addEventProcessor((e) => (e.message == 'drop me' ? null : e));
    F.getCurrentScope().addEventProcessor(async (e) => { await new Promise((r) => setTimeout(r, 10)); e.extra = { ...e.extra, async: true }; return e; });
    F.withScope((s) => {
      s.addEventProcessor((e) => { e.tags.scoped = 'yes'; return e; });
      F.captureMessage('in scope');
    });
    F.captureMessage('outside');
    F.captureMessage('drop me');
    F.captureException(new Error('boom'));
    await F.flush(3000);
    return { events: events(), seen: seen.length, stats: F.getStats() };
  });
  const by = (m) => r.events.find((e) => (e.logentry && e.logentry.formatted) == m || (e.exception && e.exception.values.at(-1).value == m));
  assert.equal(r.events.length, 3, 'three events sent, the dropped one not');
  for (const e of r.events) {
    assert.equal(e.tags.ep, '1', 'the top-level processor ran on every event');
    assert.equal(e.tags.hinted, 'string', 'processors get the hint');
    assert.equal(e.extra.async, true, 'an async processor is awaited');
    assert.deepEqual(validateEvent(e), []);
  }
  assert.equal(by('in scope').tags.scoped, 'yes', 'the withScope processor ran inside');
  assert.equal(by('outside').tags.scoped, undefined, 'and not outside it');
  assert.equal(by('drop me'), undefined);
  assert.equal(r.seen, 3, 'beforeSend never saw the dropped event');
  assert.equal(r.stats.dropped.event_processor, 1, 'the drop is counted');
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('initialScope (object or function) and scope data set before init() are on the events; captures before init return ids', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    F.setUser({ id: 'pre-user' });
    F.setTag('pre', 'tag');
    const ids = [F.captureMessage('too early'), F.captureException(new Error('too early')), F.captureEvent({ message: 'x' })];
    start({ initialScope: { tags: { fromInitialScope: 'yes' }, extra: { k: 1 } } });
    F.captureMessage('one');
    await F.flush(3000);
    const a = events();
    sent.length = 0;
    start({ initialScope: (scope) => { scope.setTag('fn', 'yes'); scope.setUser({ id: 'init-user' }); return scope; } });
    F.captureMessage('two');
    await F.flush(3000);
    return { ids, a, b: events() };
  });
  for (const id of r.ids) assert.match(id, /^[0-9a-f]{32}$/, 'an event id before init, as Sentry returns');
  assert.equal(r.a.length, 1, 'nothing captured before init is sent');
  assert.equal(r.a[0].tags.fromInitialScope, 'yes');
  assert.equal(r.a[0].tags.pre, 'tag', 'setTag before init applies');
  assert.equal(r.a[0].user.id, 'pre-user', 'setUser before init applies');
  assert.equal(r.a[0].extra.k, 1);
  assert.equal(r.b[0].tags.fn, 'yes', 'initialScope as a function of the scope');
  assert.equal(r.b[0].user.id, 'init-user');
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('attachStacktrace is on by default: messages and non-Error captures carry the stack of the call without the SDK\'s frames; repeats through one call site still aggregate', async () => {
  const { page, ctx, pageErrors } = await open();
  await page.addScriptTag({ content: `
    window.fromApp = function fromApp(m) { return F.captureMessage(m); };
    window.stringApp = function stringApp() { return F.captureException('a string'); };
    window.scopeApp = function scopeApp() { return F.getCurrentScope().captureMessage('via scope'); };
    window.elsewhere = function elsewhere(m) { return F.captureMessage(m); };
  ` });
  const r = await page.evaluate(async () => {
    start({ aggregation: { windowMs: 60000 } });
    for (let i = 0; i < 3; i++) fromApp('order 12' + i + ' failed');
    stringApp();
    scopeApp();
    await F.flush(3000);
    const a = events();
    sent.length = 0;
    start({ attachStacktrace: false, aggregation: { windowMs: 0 } });
    fromApp('no stack');
    fromApp('order 777 failed');
    elsewhere('order 778 failed');
    await F.flush(3000);
    return { a, b: events(), stats: F.getStats() };
  });
  const msg = r.a.find((e) => e.logentry && /^order/.test(e.logentry.formatted) && !(e.contexts.faultline || {}).summary);
  const frames = msg.exception.values[0].stacktrace.frames;
  assert.equal(frames.at(-1).function, 'fromApp', 'the innermost frame is the app\'s caller');
  assert.ok(!frames.some((f) => /__faultline|captureMessage|trace/.test(f.function || '')), 'no SDK frame');
  assert.equal(msg.exception.values[0].mechanism.synthetic, true);
  const str = r.a.find((e) => e.exception && e.exception.values[0].value == 'a string');
  assert.equal(str.exception.values[0].stacktrace.frames.at(-1).function, 'stringApp');
  const sc = r.a.find((e) => e.logentry && e.logentry.formatted == 'via scope');
  assert.equal(sc.exception.values[0].stacktrace.frames.at(-1).function, 'scopeApp', 'Scope.captureMessage\'s frames are cut too');
  const orders = r.a.filter((e) => e.logentry && /^order/.test(e.logentry.formatted));
  assert.equal(orders.length, 2, 'three messages of one template through one call site: one event and a summary');
  assert.equal(orders.find((e) => e.contexts.faultline.summary).contexts.faultline.count, 2, 'the summary counts the two repeats');
  assert.equal(r.b[0].exception, undefined, 'attachStacktrace: false turns it off');
  // Grouped by the message's text, not by the stack: the same issue with or without the stack, from any call site.
  const fp = (e) => e.contexts.faultline.fingerprint;
  const plain = r.b.filter((e) => /^order/.test(e.logentry.formatted));
  assert.equal(plain.length, 2);
  assert.equal(fp(msg), fp(plain[0]), 'a message groups as without its stack');
  assert.equal(fp(plain[0]), fp(plain[1]));
  for (const e of [...r.a, ...r.b]) assert.deepEqual(validateEvent(e), []);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('startSession/endSession/captureSession send sessions; scope.setUser in withScope merges over the page\'s user; EventFilters, Dedupe and CultureContext as in Sentry 11', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    start({ release: 'app@1', integrations: undefined });
    F.startSession();
    F.captureSession();
    F.endSession();
    F.setUser({ id: 'u1', username: 'ann' });
    F.withScope((s) => { s.setUser({ id: 'scoped' }); F.captureMessage('scoped'); });
    F.captureMessage('plain', { user: { segment: 'b' } });
    await F.flush(3000);
    const cl = F.getClient();
    return {
      sessions: sessions(), events: events(),
      names: ['EventFilters', 'Dedupe', 'CultureContext', 'InboundFilters'].map((n) => !!cl.getIntegrationByName(n)),
      inbound: F.inboundFiltersIntegration().name,
      defaults: F.getDefaultIntegrations().map((i) => i.name),
    };
  });
  const mine = r.sessions.filter((s) => s.status == 'ok' || s.status == 'exited');
  assert.ok(mine.some((s) => s.status == 'exited'), 'endSession sends the session ended');
  assert.ok(new Set(r.sessions.map((s) => s.sid)).size >= 2, 'startSession started a session of its own');
  const scoped = r.events.find((e) => e.logentry.formatted == 'scoped');
  assert.deepEqual([scoped.user.id, scoped.user.username], ['scoped', 'ann'], 'the scope\'s user is merged over the page\'s');
  const plain = r.events.find((e) => e.logentry.formatted == 'plain');
  assert.deepEqual([plain.user.id, plain.user.username, plain.user.segment], ['u1', 'ann', 'b']);
  assert.deepEqual(r.names, [true, true, true, false]);
  assert.equal(r.inbound, 'EventFilters');
  assert.ok(r.defaults.includes('CultureContext') && r.defaults[0] == 'EventFilters');
  for (const e of r.events) {
    assert.equal(typeof e.contexts.culture.locale, 'string', 'contexts.culture as Sentry 11 sends it');
    assert.equal(typeof e.contexts.culture.timezone, 'string');
    assert.deepEqual(validateEvent(e), []);
  }
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('the span API runs callbacks with tracing off; lazyLoadIntegration, addIntegration, setCurrentClient, showReportDialog and logger behave as documented', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async (KEY) => {
    const out = {};
    out.sync = F.startSpan({ name: 'a' }, (span) => { out.active = F.getActiveSpan() === span; return 41 + 1; });
    out.after = F.getActiveSpan() === undefined;
    out.async = await F.startSpan({ name: 'b' }, async () => 'p');
    out.manual = F.startSpanManual({ name: 'c' }, (span, finish) => { finish(); return span.isRecording(); });
    const s = F.startInactiveSpan({ name: 'd' });
    out.inactive = [typeof s.spanContext().traceId, s.setAttribute('k', 1) === s, s.isRecording()];
    try { F.startSpan({ name: 'e' }, () => { throw new Error('cb threw'); }); } catch (e) { out.threw = e.message; }
    out.withActive = F.withActiveSpan(s, () => F.getActiveSpan() === s);
    const client = new F.BrowserClient({ dsn: 'http://' + KEY + '@' + location.host + '/1', transport: () => ({ send(env) { window.sent.push(JSON.parse(JSON.stringify(env))); return Promise.resolve({}); }, flush: () => Promise.resolve(true) }),
      enableLogs: true, integrations: { browserSession: false } });
    F.setCurrentClient(client);
    client.init();
    out.current = F.getClient() === client;
    out.trace = F.getTraceData()['sentry-trace'];
    out.lazy = (await F.lazyLoadIntegration('httpClientIntegration')) === F.httpClientIntegration;
    out.unknown = await F.lazyLoadIntegration('nopeIntegration').then(() => 'resolved', (e) => e.message);
    F.showReportDialog({ eventId: 'x' });
    const seen = [];
    F.addIntegration({ name: 'Mine', processEvent(e) { seen.push(e.event_id); e.tags = { ...e.tags, mine: 1 }; return e; } });
    F.addIntegration(F.extraErrorDataIntegration());
    F.logger.info('user signed in', { plan: 'pro' });
    F.logger.warn(F.logger.fmt`cart ${3} items`);
    const e = new Error('with data');
    e.code = 'E42';
    F.captureException(e);
    await F.flush(3000);
    const ev = events().at(-1);
    out.mine = ev.tags.mine;
    out.extraData = ev.contexts.Error && ev.contexts.Error.code;
    out.logs = ev.breadcrumbs.values.filter((b) => b.category == 'log').map((b) => [b.level, b.message, b.data && b.data.plan]);
    out.sdk = ev.sdk.integrations.includes('Mine') && ev.sdk.integrations.includes('ExtraErrorData');
    out.byName = F.getClient().getIntegrationByName('Mine').name;
    let loaded = 0;
    F.onLoad(() => { loaded++; });
    out.loader = [loaded, F.getReplay(), F.getFeedback(), F.webVitalsIntegration().name];
    return out;
  }, KEY);
  assert.equal(r.sync, 42, 'startSpan returns the callback\'s value');
  assert.equal(r.active, true, 'the span is active inside');
  assert.equal(r.after, true, 'and not after');
  assert.equal(r.async, 'p', 'a promise passes through');
  assert.equal(r.manual, false, 'startSpanManual gets the span and a finish function; spans do not record');
  assert.deepEqual(r.inactive, ['string', true, false]);
  assert.equal(r.threw, 'cb threw', 'the callback\'s error is rethrown');
  assert.equal(r.withActive, true);
  assert.equal(r.current, true, 'setCurrentClient + client.init(): getClient() is that client');
  assert.match(r.trace, /^[0-9a-f]{32}-[0-9a-f]{16}$/);
  assert.equal(r.lazy, true, 'lazyLoadIntegration resolves to Faultline\'s factory');
  assert.equal(r.unknown, 'Cannot lazy load integration: nopeIntegration');
  assert.equal(r.mine, '1', 'an added integration\'s processEvent runs');
  assert.equal(r.extraData, 'E42', 'an added Faultline integration runs');
  assert.equal(r.sdk, true);
  assert.equal(r.byName, 'Mine');
  assert.deepEqual(r.loader, [1, undefined, undefined, 'WebVitals'], 'onLoad runs its callback; no replay or feedback integration to get');
  assert.deepEqual(r.logs, [['info', 'user signed in', 'pro'], ['warning', 'cart 3 items', undefined]], 'with enableLogs, logs are breadcrumbs');
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('flush() resolves only after an event captured inside an async beforeSend has been handed to the transport', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    let nested = 0;
    start({ beforeSend: async (e) => {
      await new Promise((r) => setTimeout(r, 20));
      if (!nested++) F.captureMessage('from-beforeSend');
      return e;
    } });
    F.captureMessage('first');
    const ok = await F.flush(3000);
    return { ok, messages: events().map((e) => e.logentry.formatted) };
  });
  assert.equal(r.ok, true);
  assert.deepEqual(r.messages.sort(), ['first', 'from-beforeSend']);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

// Repeats aggregate before beforeSend; what Sentry gets must still be what the app's filters keep:
// each counted repeat is judged with its own thrown value (the hint's originalException) and
// processors when its group's summary leaves, and every occurrence dropped is counted.
test('beforeSend and event processors judge every repeat of a storm: a dropped occurrence is counted as dropped, never into a summary', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    const hints = [];
    start({ aggregation: { windowMs: 60000 }, beforeSend: (e, hint) => {
      hints.push({ summary: !!(e.contexts.faultline || {}).summary, orig: hint.originalException ? hint.originalException.message + (hint.originalException.dropMe ? ' (dropMe)' : '') : null });
      return hint.originalException && hint.originalException.dropMe ? null : e;
    } });
    const site = (msg, flag) => { const e = new Error(msg); if (flag) e.dropMe = true; throw e; };
    const out = {};
    // All ten flagged: nothing is sent, ten counted as before_send.
    for (let i = 0; i < 10; i++) { try { site('expected abort', true); } catch (e) { F.captureException(e); } }
    await F.flush(3000);
    out.all = { events: events(), dropped: { ...F.getStats().dropped } };
    sent.length = 0;
    hints.length = 0;
    // Every other one flagged: five kept (the first in full, a summary of four), five dropped.
    for (let i = 0; i < 10; i++) { try { site('sometimes expected', i % 2 == 1); } catch (e) { F.captureException(e); } }
    await F.flush(3000);
    out.mixed = { events: events(), dropped: { ...F.getStats().dropped }, hints: hints.slice() };
    sent.length = 0;
    // An event processor that drops the flagged ones: counted as event_processor.
    F.addEventProcessor((e, hint) => (hint.originalException && hint.originalException.skip ? null : e));
    for (let i = 0; i < 6; i++) { try { const e = new Error('processor judged'); e.skip = i >= 2; throw e; } catch (e) { F.captureException(e); } }
    await F.flush(3000);
    out.proc = { events: events(), dropped: { ...F.getStats().dropped } };
    return out;
  });
  assert.deepEqual(r.all.events, [], 'no occurrence of the dropped error reaches Sentry');
  assert.equal(r.all.dropped.before_send, 10, 'each of the ten counted as before_send');
  const m = r.mixed.events;
  assert.equal(m.length, 2, 'the first occurrence and a summary');
  assert.equal(m[0].contexts.faultline.count, 1);
  assert.equal(m[1].contexts.faultline.summary, true);
  assert.equal(m[1].contexts.faultline.count, 4, 'the summary counts only the four repeats beforeSend kept');
  assert.equal(m[1].tags['faultline.repeats'], '2-9');
  assert.equal(r.mixed.dropped.before_send, 15, 'the five flagged ones counted as dropped');
  for (const e of m) assert.deepEqual(validateEvent(e), []);
  const sh = r.mixed.hints.filter((h) => h.summary);
  assert.equal(sh.length, 9, 'beforeSend judged each of the nine repeats on the summary');
  assert.ok(sh.every((h) => h.orig && h.orig.startsWith('sometimes expected')), 'each with its own thrown value as originalException: ' + JSON.stringify(sh));
  assert.equal(sh.filter((h) => h.orig.endsWith('(dropMe)')).length, 5);
  const p = r.proc.events;
  assert.equal(p.length, 2);
  assert.equal(p[1].contexts.faultline.count, 1, 'one repeat kept (the second), four dropped by the processor');
  assert.equal(p[1].tags['faultline.repeats'], undefined, 'a count of one has no repeats tag');
  assert.equal(r.proc.dropped.event_processor, 4);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

// Sentry adds its sentry.event breadcrumb only for an event its client sends: an event beforeSend
// or a processor dropped (here an internal message the app must not report) never shows on a
// later event, neither its id nor its text.
test('an event beforeSend or a processor dropped leaves no sentry.event breadcrumb on later events; a sent one does', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    start({ beforeSend: (e) => (e.tags && e.tags.drop == 'me' ? null : e) });
    F.addEventProcessor((e) => (e.tags && e.tags.proc == 'drop' ? null : e));
    const dropped = F.captureException(new Error('internal: customer 8812 has overdue invoice, do not report'), { tags: { drop: 'me' } });
    const byProc = F.captureMessage('processor drops this one', { tags: { proc: 'drop' } });
    const kept = F.captureMessage('kept and sent');
    F.captureException(new Error('later unrelated error'));
    await F.flush(3000);
    F.captureException(new Error('after the flush'));
    await F.flush(3000);
    return { ids: { dropped, byProc, kept }, events: events(), stats: F.getStats() };
  });
  assert.equal(r.events.length, 3);
  for (const e of r.events) {
    assert.deepEqual(validateEvent(e), []);
    const crumbs = (e.breadcrumbs && e.breadcrumbs.values) || [];
    assert.ok(!JSON.stringify(crumbs).includes('8812'), 'the dropped event\'s text is on no event sent');
    assert.ok(!crumbs.some((b) => b.event_id == r.ids.dropped || b.event_id == r.ids.byProc), 'nor its id');
  }
  const last = r.events.find((e) => e.exception && e.exception.values.at(-1).value == 'after the flush');
  assert.ok(last.breadcrumbs.values.some((b) => b.category == 'sentry.event' && b.event_id == r.ids.kept), 'the event sent is there as a breadcrumb');
  assert.equal(r.stats.dropped.before_send, 1);
  assert.equal(r.stats.dropped.event_processor, 1);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

// What beforeSend returns is sent as @sentry/browser sends it where JSON cannot take it (a BigInt,
// a cycle: normalized, `[BigInt: 10]`, `[Circular ~]`), and held to the bounds and the shape of the
// events the SDK builds itself: a 2 MB extra value becomes the 16 KiB note, a number where the
// exception's type belongs its text, frames that are not a list are left out; each fix counted.
test('an event beforeSend changed is normalized, bounded and well-formed before it is sent (BigInt, cycle, 2 MB extra, wrong types)', async () => {
  const { page, ctx, pageErrors } = await open();
  const r = await page.evaluate(async () => {
    start({ beforeSend: (e) => {
      const m = e.exception ? e.exception.values.at(-1).value : e.message;
      if (m == 'bigint and cycle') { const o = { name: 'loop' }; o.self = o; e.extra = { ...e.extra, big: 10n, loop: o }; }
      if (m == 'huge extra') e.extra = { ...e.extra, blob: 'x'.repeat(2 * 1024 * 1024), small: 'kept' };
      if (m == 'wrong types') { const x = e.exception.values.at(-1); x.type = 42; x.stacktrace = { frames: 'nope' }; e.release = 7; e.contexts = { ...e.contexts, bad: 'not an object' }; }
      return e;
    } });
    F.captureException(new Error('bigint and cycle'));
    F.captureException(new Error('huge extra'));
    F.captureException(new Error('wrong types'));
    await F.flush(3000);
    return { events: events(), stats: F.getStats(), bytes: sent.map((x) => JSON.stringify(x).length) };
  });
  const by = (v) => r.events.find((e) => e.exception.values.at(-1).value == v);
  assert.equal(r.events.length, 3, 'all three sent, none dropped: ' + JSON.stringify(r.stats.dropped));
  for (const e of r.events) assert.deepEqual(validateEvent(e), [], 'validates: ' + e.exception.values.at(-1).value);
  const a = by('bigint and cycle');
  assert.equal(a.extra.big, '[BigInt: 10]');
  assert.equal(a.extra.loop.self, '[Circular ~]');
  const b = by('huge extra');
  assert.match(b.extra.blob, /^\[Filtered: 2097154 bytes, over the 16384-byte limit\]$/);
  assert.equal(b.extra.small, 'kept');
  assert.ok(Math.max(...r.bytes) < 300000, 'no envelope carries the 2 MB');
  const c = by('wrong types');
  assert.equal(c.exception.values.at(-1).type, '42');
  assert.equal(c.exception.values.at(-1).stacktrace, undefined);
  assert.equal(c.release, '7');
  assert.equal(c.contexts.bad, undefined);
  assert.ok(r.stats.before_send_fixes >= 5, 'each fix counted: ' + r.stats.before_send_fixes);
  assert.equal(r.stats.internal_errors || 0, 0);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});
