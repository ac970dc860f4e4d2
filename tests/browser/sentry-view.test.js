// What a Sentry user sees, checked with Sentry's own code: every envelope the SDK sends from real
// Chromium (all fault kinds, storm summaries, client reports, offline replay, sessions) is parsed
// with @sentry/core's parseEnvelope, every event is validated against Sentry's event schema, and
// the Relay rules that matter here are applied (IP inference, DSN key format, one event per
// envelope, counts as Sentry computes them). Also: the wrapped browser APIs (browserApiErrors) and
// release health (sessions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { parseEnvelope } from '@sentry/core';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { crumbsOf } from './lib/events.js';
import { startRecorder } from './lib/recorder.js';
import { validateEvent } from '../node/lib/schema.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';
const RELEASE = 'shop@1.0.0';

// Page code with named functions, so frames and groups are what an app's would be.
const APP = `
function renderCart(cart) { return cart.items.length; }
function checkPrice(p) { if (p > 100) throw new RangeError('price ' + p + ' out of range'); return p; }
function saveOrder(id) { throw new Error('order ' + id + ' could not be saved'); }
function checkout(cart) { return renderCart(cart); }
function onBuy() { checkout(null); }
`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>sentry view</title>
<script src="/app.js"></script>
<script type="module">
import * as F from '/esm/index.js';
window.F = F;
const cfg = JSON.parse(new URLSearchParams(location.search).get('config') || '{}');
const { sessionLifecycle, ...rest } = cfg;
F.init({ dsn: 'http://${KEY}@' + location.host + '/1', release: '${RELEASE}', environment: 'test', ...rest,
  ...(sessionLifecycle && { integrations: [F.browserSessionIntegration({ lifecycle: sessionLifecycle })] }) });
F.ready().then((c) => { document.body.dataset.ready = c; });
</script></head><body><button id="buy">Buy</button><button id="other">Other</button></body></html>`;

let rec, other, browser;

before(async () => {
  rec = await startRecorder({ '/page.html': PAGE, '/app.js': APP });
  // Another origin: its script's errors reach window.onerror as "Script error." unless caught by a wrapper.
  other = await startRecorder({ '/cross.js': "setTimeout(function crossOriginTick() { throw new Error('thrown in a cross-origin script'); }, 0);" });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});

after(async () => {
  await browser?.close();
  await rec?.close();
  await other?.close();
});

async function open(config = {}) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${rec.url}/page.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'wasm');
  return { page, ctx, pageErrors };
}
const flush = (page) => page.evaluate(() => window.F.flush(10000));
const dec = new TextDecoder();

/** Every recorded envelope through @sentry/core's parser: [{ header, items: [{ header, payload }] }]. */
function parsed() {
  return rec.envelopes.map((e) => {
    const [header, items] = parseEnvelope(new Uint8Array(e.body));
    return {
      query: e.query, header,
      items: items.map(([h, p]) => ({ header: h, payload: p instanceof Uint8Array ? JSON.parse(dec.decode(p)) : p, bytes: p instanceof Uint8Array ? p.length : -1 })),
    };
  });
}
const ofType = (envs, type) => envs.flatMap((e) => e.items.filter((i) => i.header.type === type).map((i) => i.payload));
const top = (ev) => ev.exception.values.at(-1);

// Relay's IP inference (relay-event-normalization normalize_ip_addresses, with ClientSdkSettings):
// would Relay store the sender's address as user.ip_address for this event?
function relayInfersIp(ev) {
  const setting = ev.sdk && ev.sdk.settings && ev.sdk.settings.infer_ip;
  const ip = ev.user && ev.user.ip_address;
  if (setting === 'auto') return !ip || ip === '{{auto}}';
  if (setting !== undefined && setting !== 'legacy') return false;  // 'never', or invalid (Relay reads that as never)
  if (ip === '{{auto}}') return true;
  return !ip && ['javascript', 'cocoa', 'objc'].includes(ev.platform);
}
// How an issue's event count weighs an event where Sentry's error upsampling is on (else: 1).
const weight = (ev) => 1 / ((ev.contexts.error_sampling && ev.contexts.error_sampling.client_sample_rate) || 1);

test('envelopes from every fault kind, a storm, client reports and offline replay parse with Sentry\'s parser and pass Relay\'s rules', async () => {
  rec.clear();
  const { page, ctx } = await open();
  await page.click('#buy');
  await page.evaluate(async () => {
    const F = window.F;
    setTimeout(() => renderCart(null));                                     // uncaught, in a timer
    Promise.reject(new Error('rejected order 5'));                          // unhandled rejection
    setTimeout(() => { throw 'a plain string'; });                          // non-Error throw
    F.captureException(new Error('outer failure', { cause: new TypeError('inner cause') }));
    F.captureMessage('inventory sync degraded', 'warning');
    const failed = fetch('http://127.0.0.1:9/unreachable').catch((e) => F.captureException(e));  // failed fetch
    document.getElementById('other').addEventListener('click', onBuy);
    document.getElementById('other').click();                               // listener
    requestAnimationFrame(function frame() { saveOrder('raf'); });
    const x = new XMLHttpRequest();
    x.open('GET', '/app.js');
    x.onload = function loaded() { checkPrice(1000); };
    const loadend = new Promise((r) => x.addEventListener('loadend', r));
    x.send();
    window.dispatchEvent(new ErrorEvent('error', { message: 'Script error.' }));  // cross-origin, no information
    // Until the request, the refused fetch and the frame have run their callbacks (a fixed 800 ms
    // was a guess a loaded machine can outrun), at most 15 s; then one more task for the timers and
    // the rejection's report queued before it.
    const frame = new Promise((r) => requestAnimationFrame(r));  // after frame() in the same frame
    await Promise.race([Promise.all([failed, loadend, frame]), new Promise((r) => setTimeout(r, 15000))]);
    await new Promise((r) => setTimeout(r, 0));
  }).catch(() => {});
  await flush(page);
  // Offline: kept in IndexedDB, replayed when the browser is back online.
  await ctx.setOffline(true);
  await page.evaluate(() => window.F.captureException(new Error('captured while offline')));
  await flush(page);
  await ctx.setOffline(false);
  await page.waitForFunction(() => window.F.getStats().transport.sent >= 1, null, { timeout: 10000 });
  const deadline = Date.now() + 15000;
  while (!parsed().some((e) => ofType([e], 'event').some((ev) => ev.exception && top(ev).value === 'captured while offline')) && Date.now() < deadline) await page.waitForTimeout(200);
  const stats = await page.evaluate(() => window.F.getStats());
  await ctx.close();

  const envs = parsed();
  assert.ok(envs.length > 10, `${envs.length} envelopes`);
  for (const e of envs) {
    assert.match(e.query.sentry_key, /^[0-9a-f]{32}$/, 'Relay wants a 32-hex-character public key');
    if (e.header.dsn) assert.match(new URL(e.header.dsn).username, /^[0-9a-f]{32}$/);
    const events = e.items.filter((i) => i.header.type === 'event');
    assert.ok(events.length <= 1, 'Sentry takes one event per envelope');
    for (const i of e.items) {
      assert.ok(['event', 'session', 'client_report'].includes(i.header.type), i.header.type);
      if (i.header.length !== undefined) assert.equal(i.bytes, i.header.length, 'item length is the payload\'s byte length');
    }
    if (events.length) assert.equal(e.header.event_id, events[0].payload.event_id);
  }
  const events = ofType(envs, 'event');
  for (const ev of events) {
    assert.deepEqual(validateEvent(ev), [], JSON.stringify(ev).slice(0, 300));
    assert.equal(ev.sdk.settings.infer_ip, 'never');
    assert.equal(relayInfersIp(ev), false, 'Relay would not store the sender\'s IP address');
    assert.ok(ev.sdk.integrations.includes('BrowserApiErrors') && ev.sdk.integrations.includes('GlobalHandlers'));
    assert.deepEqual(ev.sdk.packages, [{ name: 'npm:faultline', version: ev.sdk.version }]);
    assert.equal(ev.release, RELEASE);
  }
  const byValue = (v) => events.find((ev) => ev.exception && top(ev).value.includes(v));
  assert.equal(top(byValue('a plain string')).mechanism.type, 'auto.browser.browserapierrors.setTimeout');
  assert.equal(top(byValue('rejected order 5')).mechanism.type, 'auto.browser.global_handlers.onunhandledrejection');
  assert.equal(byValue('outer failure').exception.values.length, 2);
  assert.equal(top(byValue('raf')).mechanism.type, 'auto.browser.browserapierrors.requestAnimationFrame');
  assert.equal(top(byValue('price 1000')).mechanism.type, 'auto.browser.browserapierrors.xhr.onload');
  assert.ok(events.some((ev) => ev.logentry && ev.logentry.formatted === 'inventory sync degraded'));
  assert.ok(byValue('captured while offline'), 'the offline event was replayed');
  assert.ok(!events.some((ev) => ev.exception && top(ev).value === 'Script error.'), 'filtered');
  assert.equal(stats.filtered.script_error, 1);
  const reports = ofType(envs, 'client_report');
  assert.ok(reports.some((r) => r.discarded_events.some((d) => d.reason === 'event_processor' && d.category === 'error' && d.quantity >= 1)),
    'the filtered event is reported as Sentry\'s eventFilters reports it');

});

test('a storm of 3 000 errors from 3 bugs is 3 issues of 1 000 each as Sentry counts them, whose newest event has a stack and breadcrumbs', async () => {
  rec.clear();
  const { page, ctx } = await open();
  await page.click('#buy');
  await page.evaluate(() => {
    for (let i = 0; i < 1000; i++) {
      try { renderCart(null); } catch (e) { window.F.captureException(e); }
      try { checkPrice(101 + i); } catch (e) { window.F.captureException(e); }
      try { saveOrder(i); } catch (e) { window.F.captureException(e); }
    }
  });
  await flush(page);
  await ctx.close();
  const envs = parsed();
  for (const e of envs) assert.ok(e.items.filter((i) => i.header.type === 'event').length <= 1);
  const events = ofType(envs, 'event');
  for (const ev of events) assert.deepEqual(validateEvent(ev), []);
  // Sentry groups by `fingerprint` (sent: these groupings rest on in-app frames). An event weighs
  // 1 / client_sample_rate where error upsampling is on, 1 elsewhere; contexts.faultline.count and
  // the faultline.repeats tag carry the true count for everyone.
  const issues = new Map();
  for (const ev of events) {
    assert.ok(Array.isArray(ev.fingerprint), 'Faultline is confident here, so its fingerprint is sent');
    const k = JSON.stringify(ev.fingerprint);
    if (!issues.has(k)) issues.set(k, []);
    issues.get(k).push(ev);
  }
  assert.equal(issues.size, 3, 'three issues for three bugs');
  for (const evs of issues.values()) {
    assert.equal(evs.length, 2, 'a full event and a summary: what Sentry stores');
    assert.ok(Math.abs(evs.reduce((s, ev) => s + weight(ev), 0) - 1000) < 1e-6, 'Sentry\'s upsampled count is 1 000');
    assert.equal(evs.reduce((s, ev) => s + ev.contexts.faultline.count, 0), 1000);
    const newest = evs.reduce((a, b) => (b.timestamp >= a.timestamp ? b : a));
    assert.equal(newest.contexts.faultline.summary, true, 'the newest event is the summary');
    assert.equal(newest.contexts.faultline.count, 999);
    assert.equal(newest.tags['faultline.repeats'], '100-999');
    assert.ok(top(newest).stacktrace.frames.length > 0, 'with a stack');
    assert.ok(crumbsOf(newest).some((b) => b.category === 'ui.click'), 'and breadcrumbs');
    assert.equal(newest.contexts.trace.trace_id.length, 32);
    assert.ok(newest.request.url.startsWith(rec.url));
    assert.equal(relayInfersIp(newest), false);
    assert.equal(newest.user, undefined, 'no IP-only user: one person stays one affected user');
  }
});

test('sessions: one per page load (and per navigation with lifecycle: route), errored on a handled error, crashed on an unhandled one, none without a release', async () => {
  const sessions = () => ofType(parsed(), 'session');
  // Sentry's default lifecycle, 'page': a navigation keeps the page load's session.
  rec.clear();
  let { page, ctx } = await open();
  await page.evaluate(() => { try { checkPrice(500); } catch (e) { window.F.captureException(e); } });
  await flush(page);
  await page.evaluate(() => history.pushState({}, '', '/page.html?step=2'));
  await flush(page);
  await ctx.close();
  assert.deepEqual(sessions().map((x) => [x.init, x.status, x.errors]), [[true, 'ok', 0], [false, 'ok', 1]], 'one session for the page load, errored');
  // lifecycle: 'route': a handled error, then a navigation.
  rec.clear();
  ({ page, ctx } = await open({ sessionLifecycle: 'route' }));
  await page.evaluate(() => { try { checkPrice(500); } catch (e) { window.F.captureException(e); } });
  await flush(page);
  await page.evaluate(() => history.pushState({}, '', '/page.html?step=2'));
  await flush(page);
  await ctx.close();
  let s = sessions();
  const first = s[0].sid;
  assert.deepEqual(s.filter((x) => x.sid === first).map((x) => [x.init, x.status, x.errors]), [[true, 'ok', 0], [false, 'ok', 1], [false, 'exited', 1]],
    'started healthy, errored (errors: 1, as Relay counts errored sessions), ended by the navigation');
  const second = s.filter((x) => x.sid !== first);
  assert.deepEqual(second.map((x) => [x.init, x.status, x.errors]), [[true, 'ok', 0]], 'the navigation started a healthy session');
  for (const x of s) {
    assert.equal(x.attrs.release, RELEASE);
    assert.equal(x.attrs.environment, 'test');
    assert.ok(x.attrs.user_agent.includes('Chrome'));
    assert.equal(x.attrs.ip_address, undefined, 'no IP without sendDefaultPii');
    assert.match(x.sid, /^[0-9a-f]{32}$/);
    assert.ok(Date.parse(x.started) <= Date.parse(x.timestamp));
  }
  // An unhandled error crashes the session.
  rec.clear();
  ({ page, ctx } = await open());
  await page.evaluate(() => setTimeout(() => renderCart(null)));
  await page.waitForFunction((n) => window.F.getStats().captured >= n, 1, { timeout: 15000 });  // (the timer's throw: waited for, not a fixed pause)
  await flush(page);
  await ctx.close();
  s = sessions();
  assert.deepEqual(s.map((x) => [x.init, x.status, x.errors]), [[true, 'ok', 0], [false, 'crashed', 1]]);
  // A healthy page: one session, nothing else.
  rec.clear();
  ({ page, ctx } = await open());
  await page.click('#buy');
  await flush(page);
  await ctx.close();
  assert.deepEqual(sessions().map((x) => [x.init, x.status, x.errors, x.attrs.release]), [[true, 'ok', 0, RELEASE]]);
  // No release: no session (as Sentry).
  rec.clear();
  ({ page, ctx } = await open({ release: null }));
  await page.evaluate(() => window.F.captureException(new Error('no release here')));
  await flush(page);
  await ctx.close();
  assert.equal(sessions().length, 0);
  assert.equal(ofType(parsed(), 'event').length, 1);
});

test('wrapped browser APIs capture errors with their stack and mechanism and leave the page\'s behaviour unchanged', async () => {
  rec.clear();
  const { page, ctx, pageErrors } = await open();
  await page.evaluate((o) => { window.OTHER = o; }, other.url);
  const r = await page.evaluate(async () => {
    const out = { seenByPage: [] };
    window.addEventListener('error', (e) => out.seenByPage.push(e.message));
    const b = document.getElementById('buy');
    // this, return value, duplicate registration, removal with the original function
    let calls = 0, self = null;
    function h() { calls++; self = this; return 42; }
    b.addEventListener('click', h);
    b.addEventListener('click', h);
    b.click();
    out.once = calls === 1;
    out.thisIsTarget = self === b;
    b.removeEventListener('click', h);
    b.click();
    out.removed = calls === 1;
    // handleEvent objects: called with the object as this, looked up when the event fires
    const obj = { n: 0, handleEvent() { this.n++; } };
    b.addEventListener('click', obj);
    b.click();
    obj.handleEvent = function () { this.n += 10; };
    b.click();
    b.removeEventListener('click', obj);
    b.click();
    out.handleEvent = obj.n;
    // timers: ids, clearTimeout, extra arguments
    out.args = await new Promise((res) => setTimeout((a, c) => res([a, c]), 0, 'x', 'y'));
    let fired = false;
    const id = setTimeout(() => { fired = true; }, 0);
    out.idIsNumber = typeof id === 'number';
    clearTimeout(id);
    await new Promise((res) => setTimeout(res, 20));
    out.cleared = !fired;
    // errors in each wrapped API
    b.addEventListener('click', function onBuyClick() { onBuy(); });
    b.click();
    const iv = setInterval(function tick() { clearInterval(iv); saveOrder('interval'); }, 1);
    const x = new XMLHttpRequest();
    x.open('GET', '/app.js');
    x.onreadystatechange = function ready() { if (x.readyState === 4) checkPrice(777); };
    x.send();
    // A cross-origin script's error, thrown in its own timer callback
    const s = document.createElement('script');
    const ran = new Promise((res) => { s.onload = s.onerror = res; });
    s.src = window.OTHER + '/cross.js';
    document.head.appendChild(s);
    // Until the request and the script have run (a fixed 500 ms was a guess a loaded machine can
    // outrun), at most 15 s; then a 0 ms timer, which fires after the one the script set as it ran.
    const done = new Promise((res) => x.addEventListener('loadend', res));
    await Promise.race([Promise.all([ran, done]), new Promise((res) => setTimeout(res, 15000))]);
    await new Promise((res) => setTimeout(res, 0));
    return out;
  }).catch((e) => ({ error: e.message }));
  await flush(page);
  const events = ofType(parsed(), 'event');
  assert.equal(r.once, true, 'adding the same listener twice registers it once');
  assert.equal(r.thisIsTarget, true);
  assert.equal(r.removed, true, 'removeEventListener with the original function removes it');
  assert.equal(r.handleEvent, 11, 'handleEvent looked up at dispatch, this is the object, removable');
  assert.deepEqual(r.args, ['x', 'y']);
  assert.equal(r.idIsNumber, true);
  assert.equal(r.cleared, true);
  const find = (type) => events.filter((ev) => ev.exception && top(ev).mechanism.type === type);
  const click = find('auto.browser.browserapierrors.addEventListener');
  assert.equal(click.length, 1, 'one event per error: the rethrow is not reported again');
  assert.equal(top(click[0]).mechanism.handled, false);
  assert.equal(top(click[0]).mechanism.data.handler, 'onBuyClick');
  assert.deepEqual(top(click[0]).stacktrace.frames.slice(-3).map((f) => f.function), ['onBuy', 'checkout', 'renderCart']);
  assert.equal(find('auto.browser.browserapierrors.setInterval').length, 1);
  assert.equal(top(find('auto.browser.browserapierrors.setInterval')[0]).stacktrace.frames.at(-1).function, 'saveOrder');
  assert.equal(find('auto.browser.browserapierrors.xhr.onreadystatechange').length, 1);
  const cross = events.filter((ev) => ev.exception && top(ev).value === 'thrown in a cross-origin script');
  assert.equal(cross.length, 1, 'the cross-origin script\'s error keeps its message');
  assert.equal(top(cross[0]).stacktrace.frames.at(-1).function, 'crossOriginTick');
  assert.ok(!events.some((ev) => ev.exception && top(ev).value === 'Script error.'));
  assert.ok(r.seenByPage.includes('Uncaught TypeError: Cannot read properties of null (reading \'items\')'), 'the page still sees its errors');
  assert.ok(pageErrors.length >= 3, 'and so does the browser');

  // close(): the original functions are back; a listener added before close can still be removed.
  const after = await page.evaluate(async () => {
    const b = document.getElementById('buy');
    let n = 0;
    const h2 = () => { n++; };
    b.addEventListener('click', h2);
    await window.F.close(2000);
    const native = (f) => /\[native code\]/.test(Function.prototype.toString.call(f));
    const out = { setTimeout: native(window.setTimeout), setInterval: native(window.setInterval), raf: native(window.requestAnimationFrame),
      add: native(EventTarget.prototype.addEventListener) };
    b.click();
    b.removeEventListener('click', h2);
    b.click();
    out.removedAfterClose = n === 1;
    return out;
  });
  assert.deepEqual(after, { setTimeout: true, setInterval: true, raf: true, add: true, removedAfterClose: true });
  await ctx.close();
});
