// Refreshes docs/viewer.png and docs/viewer-trace.png: runs the demo page in headless Chromium
// (every fault button and a failing backend call), then photographs the viewer.
//   node scripts/viewer-screenshot.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../demo/collector/server.js';
import { startDemoBackend } from '../demo/backend/launch.js';
import { launchChromium } from '../tests/browser/lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-shot-'));
const c = await startCollector({ port: 0, dataDir: dir });
const backend = await startDemoBackend({ dsn: c.dsn() });
c.setDemoBackend(backend.url);
const b = await launchChromium();
try {
  const p = await b.newPage();
  p.raw.on('pageerror', (e) => console.error('[viewer error]', e.message));
  p.raw.on('console', (m) => m.type() === 'error' && console.error('[console]', m.text()));
  await p.goto(c.url + '/demo/');
  await p.waitFor(() => document.body.dataset.ready === 'wasm', undefined, 30000);
  for (const id of ['user', 'type-error', 'rejection', 'non-error', 'with-cause', 'failed-fetch', 'console-error', 'storm']) await p.click('#' + id);
  await new Promise((r) => setTimeout(r, 1500));
  await p.evaluate(async () => (await import('/esm/index.js')).flush(5000));
  // A fresh page load starts a fresh trace: the backend calls get one of their own.
  await p.goto(c.url + '/demo/');
  await p.waitFor(() => document.body.dataset.ready === 'wasm', undefined, 30000);
  await p.click('#trace-ok');
  await new Promise((r) => setTimeout(r, 300));
  await p.click('#trace-fail');
  await p.waitFor(() => document.querySelector('#trace-status a[data-trace]'));
  const traceId = await p.evaluate(() => document.querySelector('#trace-status a[data-trace]').dataset.trace);
  await new Promise((r) => setTimeout(r, 2500));
  await p.evaluate(async () => (await import('/esm/index.js')).flush(5000));
  await new Promise((r) => setTimeout(r, 1500));
  const [issue] = await (await fetch(c.url + '/api/issues?query=CheckoutError')).json();
  await p.raw.setViewportSize({ width: 1280, height: 900 });
  await p.goto(`${c.url}/?issue=${issue.id}`);
  await p.waitFor(() => document.querySelector('#d-exception'));
  await new Promise((r) => setTimeout(r, 1500));
  await p.raw.screenshot({ path: path.join(repo, 'docs/viewer.png') });
  await p.goto(`${c.url}/?trace=${traceId}`);
  await p.waitFor(() => document.querySelectorAll('#waterfall .err-mark').length === 2);
  await p.raw.screenshot({ path: path.join(repo, 'docs/viewer-trace.png') });
  console.log('wrote docs/viewer.png and docs/viewer-trace.png');
} finally {
  await b.close();
  await backend.stop();
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
