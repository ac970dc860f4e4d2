// Transport faults against the collector's fault modes, in Chromium. The invariant checked every
// time: each captured event is either delivered exactly once or counted as dropped with a reason —
// never silently lost, never duplicated.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { startSdkSite } from './lib/site.js';

let site;
let browser;
before(async () => {
  site = await startSdkSite();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});
after(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(() => site.reset());

const FAST_RETRY = { transport: { maxAgeMs: 10, maxAttempts: 4, baseDelayMs: 50 }, aggregation: { windowMs: 0 } };

async function open(ctx, config = FAST_RETRY) {
  const page = await ctx.newPage();
  // Session updates are requests of their own; these tests count and fault the events' requests.
  config = { ...config, integrations: { browserSession: false, ...config.integrations } };
  await page.goto(`${site.url}/demo/sdk.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  return page;
}

const capture = (page, messages) => page.evaluate((ms) => ms.forEach((m) => window.SDK.captureException(new Error(m))), messages);
const sdkStats = (page) => page.evaluate(() => window.SDK.getStats());

async function delivered(expected, timeoutMs = 15000) {
  const start = Date.now();
  let values = [];
  while (Date.now() - start < timeoutMs) {
    values = (await site.events()).map((e) => e.exception && e.exception.values.at(-1).value).filter(Boolean);
    if (values.length >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return values;
}

test('5xx answers are retried with back-off and the event arrives exactly once', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await site.fault({ mode: '500', count: 2 });
  await capture(page, ['survives two 500s']);
  const values = await delivered(1);
  await page.waitForTimeout(500);
  assert.deepEqual(await delivered(1), ['survives two 500s'], 'exactly once');
  const s = await sdkStats(page);
  assert.ok(s.transport.retried >= 2, JSON.stringify(s.transport));
  assert.deepEqual(values, ['survives two 500s']);
  await ctx.close();
});

test('a dropped connection and then a slow endpoint still deliver every event exactly once', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await site.fault({ mode: 'drop', count: 1 });
  await capture(page, ['after a dropped connection']);
  await delivered(1);
  await site.fault({ mode: 'slow', delayMs: 1500, count: 1 });
  await capture(page, ['through a slow endpoint']);
  const values = await delivered(2);
  await page.waitForTimeout(500);
  assert.deepEqual((await delivered(2)).sort(), ['after a dropped connection', 'through a slow endpoint']);
  assert.equal(values.length, 2);
  await ctx.close();
});

test('a 429 without Retry-After backs off and every event it stops is counted as dropped', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await site.fault({ mode: '429', count: 1 });
  await capture(page, ['rejected by the 429']);
  await page.waitForFunction(() => (window.SDK.getStats().dropped || {}).ratelimit_backoff >= 1, null, { timeout: 10000 });
  await capture(page, ['while backing off', 'still backing off']);
  await page.evaluate(() => window.SDK.flush(3000));
  const s = await sdkStats(page);
  assert.equal((await site.events()).length, 0, 'nothing sent during the default 60 s back-off');
  assert.equal(s.dropped.ratelimit_backoff, 3, JSON.stringify(s.dropped));
  await ctx.close();
});

test('an envelope waiting for a retry or still in flight when the page unloads is handed to keepalive and arrives exactly once', async () => {
  const ctx = await browser.newContext();
  const slow = { transport: { maxAgeMs: 10, maxAttempts: 10, baseDelayMs: 3000 }, aggregation: { windowMs: 0 } };
  const page = await open(ctx, slow);
  await site.fault({ mode: 'drop' });
  await capture(page, ['waiting for its retry', 'in flight at unload']);
  await page.waitForFunction(() => window.SDK.getStats().transport.pending >= 1, null, { timeout: 10000 });
  await site.fault({ mode: 'slow', delayMs: 3000 });
  await capture(page, ['cut by the unload']);
  await page.waitForFunction(() => window.SDK.getStats().transport.requests >= 3, null, { timeout: 10000 });
  await site.fault({ mode: 'none' });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  const values = await delivered(3, 15000);
  await page.waitForTimeout(3500);  // the slow request, if the server completes it, must not add a copy
  const final = (await delivered(3)).sort();
  assert.deepEqual(final, ['cut by the unload', 'in flight at unload', 'waiting for its retry'], `each exactly once: ${final.join(', ')}`);
  assert.equal(values.length, 3);
  await ctx.close();
});

test('a browser that goes offline keeps every event in IndexedDB and sends each once when it is online again, without a reload', async () => {
  const ctx = await browser.newContext();
  const page = await open(ctx);
  await ctx.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false, null, { timeout: 5000 });
  await capture(page, ['offline one', 'offline two', 'offline three']);
  await page.waitForFunction(() => window.SDK.getStats().transport.offline_saved >= 3, null, { timeout: 10000 });
  await page.waitForTimeout(500);
  assert.equal((await site.events()).length, 0, 'nothing leaves while offline');
  const before = await sdkStats(page);
  assert.equal(before.transport.requests, 0, 'no request is even tried while the browser says it is offline');
  await ctx.setOffline(false);  // the 'online' event replays the queue
  const values = await delivered(3, 15000);
  await page.waitForTimeout(500);
  assert.deepEqual((await delivered(3)).sort(), ['offline one', 'offline three', 'offline two']);
  assert.equal(values.length, 3);
  assert.deepEqual((await sdkStats(page)).dropped, {}, 'nothing dropped');
  await ctx.close();
});

test('with the endpoint down, events wait offline; two tabs sharing the queue deliver each exactly once', async () => {
  const ctx = await browser.newContext(); // one profile: both tabs share one IndexedDB
  const [a, b] = [await open(ctx), await open(ctx)];
  await site.fault({ mode: 'drop' });
  await capture(a, ['tab A #1', 'tab A #2']);
  await capture(b, ['tab B #1']);
  for (const p of [a, b]) {
    await p.waitForFunction(() => window.SDK.getStats().transport.offline_saved >= 1, null, { timeout: 20000 });
  }
  assert.equal((await site.events()).length, 0);
  await site.fault({ mode: 'none' });
  // Both tabs come back at once and race for the same queued records.
  await Promise.all([a.reload(), b.reload()]);
  await Promise.all([a, b].map((p) => p.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 })));
  const values = await delivered(3, 20000);
  await a.waitForTimeout(1500);
  const final = (await delivered(3)).sort();
  assert.deepEqual(final, ['tab A #1', 'tab A #2', 'tab B #1'], `each exactly once: ${final.join(', ')}`);
  assert.equal(values.length, 3);
  await ctx.close();
});
