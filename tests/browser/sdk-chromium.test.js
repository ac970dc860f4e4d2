// The browser SDK in real headless Chromium against the real collector on loopback.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { startSdkSite } from './lib/site.js';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

let site;
let collector;
let browser;
let thirdParty;
const thirdPartyHeaders = [];

before(async () => {
  site = await startSdkSite();
  collector = site.collector;
  thirdParty = http.createServer((req, res) => {
    thirdPartyHeaders.push(req.headers);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise((r) => thirdParty.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await new Promise((r) => thirdParty.close(r));
});

beforeEach(() => site.reset());

async function open(config = {}, extra = '', context) {
  const ctx = context || (await browser.newContext());
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${collector.url}/demo/sdk.html?config=${encodeURIComponent(JSON.stringify(config))}${extra}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  return { page, ctx, errors };
}

const events = () => site.events();
const stats = () => site.stats();
const flush = (page) => page.evaluate(() => window.SDK.flush(5000));
const top = (ev) => ev.exception.values[ev.exception.values.length - 1];

test('an uncaught error becomes an onerror event with the throw site last', async () => {
  const { page, ctx } = await open();
  await page.evaluate(() => { queueMicrotask(window.explode); });  // not a wrapped API: reported through window.onerror
  await page.waitForFunction((n) => window.SDK.getStats().captured >= n, 1, { timeout: 15000 });  // (the capture itself, not a fixed pause)
  await flush(page);
  const [ev] = await events();
  assert.equal(top(ev).type, 'TypeError');
  assert.deepEqual(top(ev).mechanism.type, 'auto.browser.global_handlers.onerror');
  assert.equal(top(ev).mechanism.handled, false);
  assert.equal(top(ev).stacktrace.frames.at(-1).function, 'explode');
  assert.deepEqual(validateEvent(ev), []);
  await ctx.close();
});

test('an unhandled rejection with a non-Error reason becomes a synthetic onunhandledrejection event', async () => {
  const { page, ctx } = await open();
  await page.evaluate(() => { Promise.reject({ code: 42 }); });
  await page.waitForFunction((n) => window.SDK.getStats().captured >= n, 1, { timeout: 15000 });  // (its report is a task of its own: waited for, not a fixed pause)
  await flush(page);
  const [ev] = await events();
  assert.equal(top(ev).mechanism.type, 'auto.browser.global_handlers.onunhandledrejection');
  assert.equal(top(ev).value, 'Object captured as promise rejection with keys: code');  // Sentry's wording
  await ctx.close();
});

test('breadcrumbs from console, clicks, inputs, fetch and navigation arrive in order, never the typed value', async () => {
  const { page, ctx } = await open();
  await page.evaluate(() => console.log('step one'));
  await page.click('#buy');
  await page.fill('#email', 'secret-typed-value@example.com');
  await page.evaluate(async () => {
    await fetch('/__echo');
    history.pushState({}, '', '/demo/checkout');
    window.SDK.captureException(new Error('after the trail'));
  });
  await flush(page);
  const [ev] = await events();
  const trail = ev.breadcrumbs.values.map((b) => b.category);
  const want = ['console', 'ui.click', 'ui.input', 'fetch', 'navigation'];
  assert.deepEqual(trail.filter((c) => want.includes(c)), want);
  const click = ev.breadcrumbs.values.find((b) => b.category === 'ui.click');
  assert.match(click.message, /button#buy/);
  assert.ok(!JSON.stringify(ev).includes('secret-typed-value'), 'typed value never recorded');
  const fetchCrumb = ev.breadcrumbs.values.find((b) => b.category === 'fetch');
  assert.equal(fetchCrumb.data.status_code, 200);
  await ctx.close();
});

test('errors raised before the WASM core is ready are not lost', async () => {
  const { page, ctx } = await open({}, '&early=1');
  await page.waitForFunction((n) => window.SDK.getStats().captured >= n, 2, { timeout: 15000 });  // (the timer's throw and the rejection's report: waited for, not a fixed pause)
  await flush(page);
  const values = (await events()).map((e) => top(e).value).sort();
  assert.deepEqual(values, ['early failure before the core is ready', 'early rejection']);
  await ctx.close();
});

test('a 429 with Retry-After stops sending until it expires, and the drops are reported', async () => {
  // (sessions off: their requests would be counted and faulted with the events')
  const { page, ctx } = await open({ transport: { maxAgeMs: 10 }, integrations: { browserSession: false } });
  await fetch(collector.url + '/__faults', { method: 'POST', body: JSON.stringify({ mode: '429', retryAfter: 2, count: 1 }) });
  await page.evaluate(() => window.SDK.captureMessage('first, rejected with 429'));
  await flush(page);
  const envelopesAfterLimit = (await stats()).envelopes;
  await page.evaluate(() => window.SDK.captureMessage('second, while limited'));
  await flush(page);
  const sdk = await page.evaluate(() => window.SDK.getStats());
  assert.equal(sdk.transport.requests, 1, 'nothing was sent while the limit held');
  assert.equal((await stats()).envelopes, envelopesAfterLimit);
  await page.waitForTimeout(2100);
  await page.evaluate(() => window.SDK.captureMessage('third, after expiry'));
  await flush(page);
  const msgs = (await events()).map((e) => e.logentry.formatted);
  assert.deepEqual(msgs, ['third, after expiry']);
  const discarded = (await stats()).discarded;
  assert.equal(discarded['ratelimit_backoff:error'], 2, JSON.stringify(discarded));
  await ctx.close();
});

test('an offline page keeps its events in IndexedDB and sends them once after reload', async () => {
  const ctx = await browser.newContext();
  const { page } = await open({ transport: { maxAgeMs: 10, maxAttempts: 2, baseDelayMs: 20 } }, '', ctx);
  await fetch(collector.url + '/__faults', { method: 'POST', body: JSON.stringify({ mode: 'drop' }) });
  await page.evaluate(() => window.SDK.captureException(new Error('made while offline')));
  await page.waitForFunction(() => window.SDK.getStats().transport.offline_saved >= 1, null, { timeout: 10000 });
  assert.equal((await events()).length, 0);
  await fetch(collector.url + '/__faults', { method: 'POST', body: '{"mode":"none"}' });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  // The stored records replay one by one (the session update saved beside the event may go first):
  // wait for the event itself, then check that it came exactly once.
  const deadline = Date.now() + 10000;
  while ((await events()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await page.waitForFunction(() => window.SDK.getStats().transport.offline_sent >= 1, null, { timeout: 10000 });
  const evs = await events();
  assert.deepEqual(evs.map((e) => top(e).value), ['made while offline'], 'delivered exactly once');
  await ctx.close();
});

test('events still queued when the page is hidden are delivered on the way out', async () => {
  const { page, ctx } = await open({ transport: { multiEvent: true, maxEvents: 50, maxAgeMs: 60000 } });
  await page.evaluate(() => window.SDK.captureException(new Error('sent on pagehide')));
  assert.equal((await events()).length, 0, 'not sent yet: the batch is waiting');
  await page.close({ runBeforeUnload: true });
  const start = Date.now();
  // (page.close returns before the page is gone: up to 15 s, a bound for a loaded machine, not a margin)
  while ((await events()).length === 0 && Date.now() - start < 15000) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual((await events()).map((e) => top(e).value), ['sent on pagehide']);
  await ctx.close();
});

test('traceparent (with propagateTraceparent) reaches same-origin calls and not third-party ones, and events carry the trace', async () => {
  const { page, ctx } = await open({ propagateTraceparent: true });
  const third = `http://127.0.0.1:${thirdParty.address().port}/x`;
  const same = await page.evaluate(async (url) => {
    const mine = await (await fetch('/__echo')).json();
    await fetch(url);
    const xhr = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', '/__echo');
      x.onload = () => resolve(JSON.parse(x.responseText));
      x.send();
    });
    window.SDK.captureException(new Error('traced'));
    return { mine, xhr };
  }, third);
  const tp = same.mine.headers.traceparent;
  assert.match(tp, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  assert.match(same.mine.headers['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}$/);
  assert.match(same.mine.headers.baggage, /sentry-trace_id=/);
  assert.match(same.xhr.headers.traceparent, /^00-/);
  assert.equal(thirdPartyHeaders.at(-1).traceparent, undefined);
  assert.equal(thirdPartyHeaders.at(-1)['sentry-trace'], undefined);
  await flush(page);
  const [ev] = await events();
  assert.equal(ev.contexts.trace.trace_id, tp.split('-')[1]);
  await ctx.close();
});

test('each group\'s summary leaves when its own window closes, with no flush and nothing else happening on the page', async () => {
  // Two groups whose repeats come while the first group's window is still open: one window timer
  // was armed by the first repeat and fired before the second group's window closed; nothing armed
  // it again, so that summary waited for the next event, flush or pagehide (minutes on an idle page).
  const { page, ctx } = await open({ aggregation: { windowMs: 2000 }, integrations: { browserSession: false } });
  const capture = (name) => page.evaluate((n) => {
    const fail = { alpha: function alpha() { throw new Error('alpha failed'); }, beta: function beta() { throw new RangeError('beta out of range'); } }[n];
    try { fail(); } catch (e) { window.SDK.captureException(e); }
  }, name);
  await capture('alpha');
  await capture('alpha');  // counted: alpha's summary is due when its window closes (2 s)
  await page.waitForTimeout(1000);
  await capture('beta');
  await capture('beta');  // counted while alpha's timer is armed: beta's window closes 1 s after alpha's
  const summary = async (v) => (await events()).find((e) => e.contexts.faultline.summary && top(e).value === v);
  for (const deadline = Date.now() + 15000; !(await summary('beta out of range')) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 200));
  assert.ok(await summary('alpha failed'), 'alpha\'s summary left');
  assert.ok(await summary('beta out of range'), 'beta\'s summary left without a flush');
  assert.equal((await summary('beta out of range')).contexts.faultline.count, 1);
  await ctx.close();
});

test('an error rethrown by a wrapped handler and caught by the app does not hide the next uncaught error', async () => {
  // The wrapper marks its rethrow so that window.onerror does not report it twice; an app that
  // calls the wrapped handler itself and catches the rethrow left the mark set until a timer ran,
  // and the next uncaught error (another error object) was skipped: lost, and not counted.
  const { page, ctx } = await open({ aggregation: { windowMs: 0 } });
  await page.evaluate(() => new Promise((done) => {
    const x = (window.xhr = new XMLHttpRequest());
    x.open('GET', '/__echo');
    x.onload = function onLoaded() { throw new TypeError('handler failed'); };
    x.send();  // the handler is wrapped at send(); the browser's own call of it is not awaited here
    x.addEventListener('loadend', () => setTimeout(done, 0));
  }));
  await page.evaluate(() => queueMicrotask(() => {  // (not a wrapped API: its throw reaches window.onerror)
    try { window.xhr.onload(); } catch (e) { /* the app handles it */ }
    throw new RangeError('uncaught after the handled one');
  }));
  // The browser's call of the handler, the app's, and the uncaught error: up to 15 s.
  for (const end = Date.now() + 15000; (await page.evaluate(() => window.SDK.getStats().captured)) < 3 && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
  await flush(page);
  const values = (await events()).map((e) => [top(e).value, top(e).mechanism.type]);
  assert.ok(values.some(([v, m]) => v === 'uncaught after the handled one' && m === 'auto.browser.global_handlers.onerror'), JSON.stringify(values));
  await ctx.close();
});

test('hostile values never throw into the page and still yield well-formed events', async () => {
  const { page, ctx, errors } = await open({ aggregation: { windowMs: 0 } });
  const threw = await page.evaluate(() => {
    const thrown = [];
    const hostile = [
      'a string', 42, null, undefined, Symbol('s'), 10n, Object.freeze({ a: 1 }),
      { get message() { throw new Error('getter'); }, toString() { throw new Error('toString'); } },
      new Proxy({}, { get() { throw new Error('proxy'); }, ownKeys() { throw new Error('proxy keys'); } }),
      (() => { const o = {}; o.self = o; return o; })(),
      new Error('x'.repeat(10 * 1024 * 1024)),
      new Error('lone \ud800 surrogate'),
      new DOMException('dom failure', 'NotFoundError'),
      new ErrorEvent('error', { message: 'event without error' }),
      (() => { const f = document.createElement('iframe'); document.body.append(f); return new f.contentWindow.TypeError('from another realm'); })(),
    ];
    for (const v of hostile) {
      try { window.SDK.captureException(v); } catch (e) { thrown.push(String(e)); }
    }
    try { window.SDK.addBreadcrumb({ data: { big: 10n, sym: Symbol('x') } }); } catch (e) { thrown.push(String(e)); }
    try { window.SDK.setUser(new Proxy({}, { ownKeys() { throw new Error('p'); } })); } catch (e) { thrown.push(String(e)); }
    return thrown;
  });
  assert.deepEqual(threw, []);
  await flush(page);
  const evs = await events();
  assert.ok(evs.length >= 13, `events: ${evs.length}`);
  const realm = evs.find((e) => e.exception && e.exception.values.at(-1).value === 'from another realm');
  assert.equal(realm.exception.values.at(-1).type, 'TypeError', 'an Error from another realm is still an Error');
  assert.ok(realm.exception.values.at(-1).stacktrace, 'with its stack');
  for (const ev of evs) {
    assert.deepEqual(validateEvent(ev), []);
    assert.ok(JSON.stringify(ev).length < 100000);
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('when WASM cannot load, the JS fallback still reports errors', async () => {
  const ctx = await browser.newContext();
  await ctx.route('**/faultline.wasm', (route) => route.fulfill({ status: 404, body: 'blocked' }));
  const { page } = await open({}, '', ctx);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'js-fallback');
  await page.evaluate(() => window.SDK.captureException(new Error('reported without WASM')));
  await flush(page);
  const [ev] = await events();
  assert.equal(top(ev).value, 'reported without WASM');
  assert.equal(ev.tags['faultline.core'], 'js-fallback');
  assert.deepEqual(validateEvent(ev), []);
  await ctx.close();
});
