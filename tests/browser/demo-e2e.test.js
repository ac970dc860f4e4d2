// The whole loop in three real engines: the demo page's faults are captured by the SDK, grouped in
// the page by the WASM core, delivered to the local collector, and stored as issues. The same bug
// from Chromium (V8), Firefox (SpiderMonkey) and WebKitGTK (JavaScriptCore) must be one issue, and
// the storm's counts must add up exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

const FAULTS = ['type-error', 'rejection', 'non-error', 'with-cause', 'failed-fetch', 'console-error', 'user', 'storm'];
// storm 3000 + one each: type-error, rejection, non-error, with-cause, failed-fetch, captureMessage ('user' only sets scope)
const PER_ENGINE = 3006;
let dir;
let collector;
const delivered = {};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  collector = await startCollector({ port: 0, dataDir: dir });
});
after(async () => {
  await collector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stats() {
  return (await fetch(collector.url + '/__stats')).json();
}

async function runDemo(launch) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const before = (await stats()).stored.occurrences;
    await page.goto(collector.url + '/demo/');
    await page.waitFor(() => document.body.dataset.ready === 'wasm', undefined, 30000);
    for (const id of FAULTS) {
      // The storm comes once the page's scan of demo.js (started by an earlier fault's error) has
      // settled: an error grouped before its script's table arrives keys an anonymous function
      // by its line, and with the table by where it is defined (README, Not done yet), so a storm
      // that outran a slow engine's scan would be one issue per engine, not one across them.
      if (id == 'storm') {
        for (let i = 0; i < 150; i++) {
          const t = await page.evaluate(async () => (await import('/esm/index.js')).getStats().symbol_tables || {});
          if ((t.scanned || 0) + (t.refused || 0) + (t.failed || 0) + (t.timeouts || 0) >= 1) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await page.click(`#${id}`);
    }
    // Until every fault has been captured (the timers' throws, the rejected fetch of the collector,
    // the refused one: a fixed 1.5 s was a guess that a loaded machine can outrun), up to 30 s;
    // then flush everything, summaries included. A capture too many still shows in the count.
    for (const deadline = Date.now() + 30000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100)))
      if ((await page.evaluate(async () => (await import('/esm/index.js')).getStats().captured)) >= PER_ENGINE) break;
    const sdk = await page.evaluate(async () => {
      const m = await import('/esm/index.js');
      await m.flush(5000);
      return m.getStats();
    });
    await new Promise((r) => setTimeout(r, 300));
    delivered[browser.name] = { occurrences: (await stats()).stored.occurrences - before, sdk };
    await page.close();
  } finally {
    await browser.close();
  }
}

test('Chromium runs the demo and everything it captured reaches the collector', { timeout: 120000 }, async () => {
  await runDemo(launchChromium);
  const d = delivered.chromium;
  assert.equal(d.sdk.core, 'wasm');
  assert.equal(d.occurrences, d.sdk.captured, `captured ${d.sdk.captured}, delivered ${d.occurrences}`);
  assert.equal(d.sdk.captured, PER_ENGINE);
  assert.ok(d.sdk.transport.requests <= 10, `requests ${d.sdk.transport.requests}`);
});

test('Firefox ESR runs the demo and everything it captured reaches the collector', { timeout: 180000 }, async () => {
  await runDemo(launchFirefox);
  const d = delivered.firefox;
  assert.equal(d.sdk.core, 'wasm');
  assert.equal(d.occurrences, d.sdk.captured);
  assert.equal(d.sdk.captured, PER_ENGINE);
});

test('WebKitGTK runs the demo and everything it captured reaches the collector', { timeout: 180000 }, async () => {
  await runDemo(launchWebKit);
  const d = delivered.webkit;
  assert.equal(d.sdk.core, 'wasm');
  assert.equal(d.occurrences, d.sdk.captured);
  assert.equal(d.sdk.captured, PER_ENGINE);
});

test('the same bug from the three engines is one issue, and storm counts add up exactly', async () => {
  assert.deepEqual(Object.keys(delivered).sort(), ['chromium', 'firefox', 'webkit'], 'all three engines ran');
  const issues = await (await fetch(collector.url + '/api/issues')).json();
  const find = (re) => issues.filter((i) => re.test(i.title));
  const nullRead = find(/TypeError: (Cannot read properties of null|can't access property "items"|null is not an object)/);
  assert.equal(nullRead.length, 1, `one issue for renderCart(null): ${nullRead.map((i) => i.title).join(' | ')}`);
  assert.equal(nullRead[0].count, 3);
  assert.equal(Object.keys(nullRead[0].browsers).length, 3, JSON.stringify(nullRead[0].browsers));
  for (const re of [/order \d+ has no line items/, /page \d+ out of range/, /session \d+ expired/]) {
    const storm = find(re);
    assert.equal(storm.length, 1, `one issue for ${re}: ${storm.map((i) => i.title).join(' | ')}`);
    assert.equal(storm[0].count, 3000, `${re}: 1000 per engine x 3`);
  }
  const payment = find(/PaymentError/);
  assert.equal(payment.length, 1);
  assert.equal(payment[0].count, 3);
  const total = issues.reduce((s, i) => s + i.count, 0);
  assert.equal(total, Object.values(delivered).reduce((s, d) => s + d.sdk.captured, 0), 'nothing lost, nothing duplicated');
  // 6 single faults + 3 storm bugs; the same 9 issues whatever the engine.
  assert.equal(issues.length, 9, issues.map((i) => `${i.count} ${i.title} ${JSON.stringify(i.browsers)}`).join('\n'));
});

test('stored events validate against the Sentry schema, carry breadcrumbs and no default PII', async () => {
  const events = await (await fetch(collector.url + '/api/events?limit=1000')).json();
  assert.ok(events.length > 10);
  for (const { event } of events) assert.deepEqual(validateEvent(event), [], JSON.stringify(event).slice(0, 500));
  const withCause = events.map((e) => e.event).find((e) => e.exception && e.exception.values.some((v) => v.type === 'PaymentError'));
  assert.equal(withCause.exception.values.length, 2, 'the cause travels with the error');
  const crumbs = withCause.breadcrumbs.values.map((b) => b.category);
  assert.ok(crumbs.includes('ui.click'), crumbs.join(','));
  const dump = JSON.stringify(events);
  assert.ok(!dump.includes('ada@example.com'), 'e-mail scrubbed by default');
  assert.ok(dump.includes('"username":"ada"'));
});
