// Early errors in real headless Chromium: errors raised before the SDK arrives (caught by the tiny
// loader) and before the WASM core is ready (queued by the SDK) are delivered once it is, in order,
// with their own timestamps; the queue is bounded and its overflow is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const top = (ev) => ev.exception.values.at(-1);
const msg = (ev) => ev.logentry && ev.logentry.formatted;  // the wire form (js/wire.js)

test('errors thrown before the SDK is even loaded are buffered by the loader and reported with the time they happened', async () => {
  await scenario({ pagePath: '/pages/sdk-early/', core: null }, async ({ page, server, pageErrors }) => {
    await page.waitForFunction(() => window.F, null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.F.ready(15000)), 'wasm');
    await page.evaluate(() => window.F.flush(5000));
    const evs = server.events();
    assert.equal(evs.length, 2);
    const earlyAt = await page.evaluate(() => window.earlyAt);
    const err = evs.find((e) => top(e).mechanism.type === 'auto.browser.global_handlers.onerror');
    const rej = evs.find((e) => top(e).mechanism.type === 'auto.browser.global_handlers.onunhandledrejection');
    assert.equal(top(err).type, 'TypeError');
    assert.match(top(err).value, /Cannot read properties of undefined \(reading 'apiBase'\)/);
    assert.equal(top(err).stacktrace.frames.at(-1).function, 'bootConfig');
    assert.deepEqual([top(rej).type, top(rej).value], ['RangeError', 'early rejection before the SDK']);
    for (const ev of evs) {
      assert.deepEqual(validateEvent(ev), []);
      assert.equal(ev.release, 'early@1');
      // Their own time, not the SDK's init (1 s later; the rejection's report is a task of its own,
      // which a loaded machine may run a little after the page's stamp).
      assert.ok(Math.abs(ev.timestamp - earlyAt) < 0.5, `timestamp ${ev.timestamp} vs ${earlyAt}`);
    }
    assert.equal(pageErrors.length, 2, 'the page still sees its own errors');
  });
});

test('errors and breadcrumbs made before the core is ready are replayed in order once it is', async () => {
  await scenario({ server: { delayWasmMs: 700 }, core: null }, async ({ page, server }) => {
    const state = await page.evaluate(async (dsn) => {
      const F = await import('/esm/index.js');
      window.F = F;
      F.init({ dsn, aggregation: { windowMs: 0 } });
      console.log('first crumb, before the core');
      F.setTag('phase', 'early');
      F.withScope((s) => { s.setTag('scoped', 'yes'); F.captureMessage('early message in a scope'); });
      setTimeout(() => { console.warn('second crumb'); renderCart(null); });
      await new Promise((r) => setTimeout(r, 100));
      return F.getStats();
    }, server.dsn);
    assert.equal(state.core, 'loading', 'the core was not ready while these happened');
    assert.equal(state.early > 0, true);
    assert.equal(server.events().length, 0);
    assert.equal(await page.evaluate(() => F.ready(15000)), 'wasm');
    await page.evaluate(() => F.flush(5000));
    const evs = server.events();
    assert.equal(evs.length, 2);
    const scoped = evs.find((e) => msg(e) === 'early message in a scope');
    assert.deepEqual(scoped.tags, { phase: 'early', scoped: 'yes' });
    assert.deepEqual(scoped.breadcrumbs.values.map((b) => b.message), ['first crumb, before the core']);
    const thrown = evs.find((e) => !msg(e));  // (the message carries a stack too: attachStacktrace)
    assert.equal(top(thrown).stacktrace.frames.at(-1).function, 'renderCart');
    assert.deepEqual(thrown.tags, { phase: 'early' }, 'the scope was popped before the throw');
    // The earlier event is among them as Sentry's `sentry.event` breadcrumb, in its place.
    assert.deepEqual(thrown.breadcrumbs.values.map((b) => b.message), ['first crumb, before the core', 'early message in a scope', 'second crumb']);
    assert.equal(thrown.breadcrumbs.values[1].category, 'sentry.event');
    assert.equal(thrown.breadcrumbs.values[1].event_id, scoped.event_id);
    assert.ok(thrown.timestamp < Date.now() / 1000 - 0.3, 'kept the time it happened');
  });
});

test('the early queue is bounded: 100 errors wait for the core, the rest are counted as queue_overflow', async () => {
  await scenario({ server: { delayWasmMs: 500 }, core: null }, async ({ page, server }) => {
    await page.evaluate(async (dsn) => {
      const F = await import('/esm/index.js');
      window.F = F;
      F.init({ dsn, aggregation: { windowMs: 0 }, transport: { queueCap: 1000 } });
      for (let i = 0; i < 130; i++) F.captureMessage(`early ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))} happened`);
    }, server.dsn);
    assert.equal(await page.evaluate(() => F.ready(15000)), 'wasm');
    await page.evaluate(() => F.flush(5000));
    const evs = server.events();
    assert.equal(evs.length, 100);
    const name = (i) => `early ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))} happened`;
    assert.deepEqual(evs.map(msg).sort(), Array.from({ length: 100 }, (_, i) => name(i)).sort(), 'the first ones are kept');
    const discarded = server.reports().flatMap((r) => r.discarded_events);
    assert.deepEqual(discarded, [{ reason: 'queue_overflow', category: 'error', quantity: 30 }]);
    const stats = await page.evaluate(() => F.getStats());
    assert.equal(stats.captured, 100);
    assert.equal(stats.dropped.queue_overflow, 30);
  });
});
