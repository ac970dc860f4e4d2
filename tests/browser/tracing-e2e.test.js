// Distributed tracing end to end: the demo page (Faultline in Chromium) calls the demo backend
// (a Node API instrumented with Sentry's own @sentry/node), which fails; the page fails because of
// it. The browser's error, the backend's error and the backend's spans share one trace id (from the
// sentry-trace/baggage headers Faultline propagates) and the viewer shows them as one waterfall.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { startDemoBackend } from '../../demo/backend/launch.js';
import { launchChromium } from './lib/browsers.js';

let dir;
let collector;
let backend;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-tracing-'));
  collector = await startCollector({ port: 0, dataDir: dir });
  backend = await startDemoBackend({ dsn: collector.dsn() });
  collector.setDemoBackend(backend.url);
});
after(async () => {
  if (backend) await backend.stop();
  await collector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor(fn, what, timeoutMs = 30000) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a failing backend call: browser error, backend error and backend spans in one trace, shown as a waterfall', { timeout: 180000 }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    await page.goto(collector.url + '/demo/');
    await page.waitFor(() => document.body.dataset.ready === 'wasm', undefined, 30000);
    await page.click('#trace-fail');
    await page.waitFor(() => document.querySelector('#trace-status a[data-trace]'));
    const traceId = await page.evaluate(() => document.querySelector('#trace-status a[data-trace]').dataset.trace);
    assert.match(traceId, /^[0-9a-f]{32}$/);
    await new Promise((r) => setTimeout(r, 500));
    await page.evaluate(async () => (await import('/esm/index.js')).flush(5000));
    const trace = await waitFor(async () => {
      const r = await fetch(`${collector.url}/api/traces/${traceId}`);
      if (r.status !== 200) return null;
      const t = await r.json();
      const browserErr = t.errors.find((e) => e.platform === 'javascript' && /CheckoutError/.test(e.title));
      const backendErr = t.errors.find((e) => e.platform === 'node' && /PaymentDeclined/.test(e.title));
      const server = t.spans.find((s) => s.op === 'http.server');
      return browserErr && backendErr && server && t.spans.length >= 4 ? { t, browserErr, backendErr, server } : null;
    }, 'the browser error, the backend error and the backend spans under one trace id');
    const { t, browserErr, backendErr, server } = trace;
    assert.match(browserErr.title, /backend answered 500/);
    assert.match(browserErr.sdk, /^faultline\.javascript/);
    assert.equal(backendErr.sdk, 'sentry.javascript.node');
    assert.match(server.description, /GET \/api\/checkout/);
    assert.ok(server.parent_span_id, 'the backend span continues the span the page sent in sentry-trace');
    assert.ok(!t.spans.some((s) => s.span_id === server.parent_span_id), 'the parent is the browser request, not a stored span');
    const charge = t.spans.find((s) => s.description === 'charge card');
    assert.equal(charge.parent_span_id, server.span_id);
    assert.equal(charge.status, 'error');
    assert.equal(backendErr.span_id, charge.span_id, 'the backend error happened inside the charge span');
    // Both errors are issues of their own, searchable by the trace.
    const issues = await (await fetch(`${collector.url}/api/issues?query=${encodeURIComponent('trace:' + traceId)}`)).json();
    assert.deepEqual(issues.map((i) => i.title.split(':')[0]).sort(), ['CheckoutError', 'PaymentDeclined']);
    // The viewer's trace view: a waterfall of the backend spans with both errors on it.
    await page.goto(`${collector.url}/?trace=${traceId}`);
    await page.waitFor(() => document.querySelectorAll('#waterfall .span-row').length >= 4 && document.querySelectorAll('#waterfall .err-mark').length === 2);
    const view = await page.evaluate(() => ({
      labels: [...document.querySelectorAll('#waterfall .span-label')].map((l) => l.textContent),
      errors: [...document.querySelectorAll('#trace-errors li')].map((l) => l.textContent),
      failed: document.querySelectorAll('#waterfall .span-bar.failed').length,
    }));
    assert.ok(view.labels.some((l) => l.includes('http.server') && l.includes('GET /api/checkout')), view.labels.join(' | '));
    assert.ok(view.labels.some((l) => l.includes('db.query')));
    assert.ok(view.errors.some((e) => e.includes('CheckoutError')) && view.errors.some((e) => e.includes('PaymentDeclined')));
    assert.ok(view.failed >= 2, 'the failed spans are marked');
    // From the browser error's issue page, the trace is one click away.
    await page.goto(`${collector.url}/?issue=${browserErr.issue}&event=${browserErr.event_id}`);
    await page.waitFor((id) => [...document.querySelectorAll('#d-event a')].some((a) => a.textContent === id), traceId);
    assert.deepEqual(pageErrors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});
