// The viewer in real engines (Chromium, Firefox ESR, WebKitGTK): list with badges and sparklines, search and
// its errors, paging, the URL following the selection, an issue's event / events / tags, opening
// any event, resolve by keyboard, incremental live updates (rows updated in place), the trace
// waterfall, the metrics page, an 800 px wide layout, and events of hostile shapes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';

const KEY = 'viewer-key';
const NOW = Date.now() / 1000;
const TRACE = '5f'.repeat(16);
let dir;
let c;
let seq = 0;

function ev(over = {}) {
  seq += 1;
  const { type = 'TypeError', value = 'boom', ...rest } = over;
  return {
    event_id: (seq.toString(16).padStart(6, '0') + 'e'.repeat(32)).slice(0, 32), timestamp: NOW - seq, platform: 'javascript', level: 'error', release: 'shop@1.0.0', environment: 'production',
    exception: { values: [
      { type: 'SyntaxError', value: 'bad json', mechanism: { type: 'chained' } },
      { type, value, mechanism: { type: 'onerror', handled: false }, stacktrace: { frames: [{ function: 'lib', filename: 'https://cdn.example/lib.js', lineno: 1, colno: 2, in_app: false },
        { function: 'checkout', filename: 'https://shop.example/app.js', lineno: 10, colno: 5, in_app: true, pre_context: ['function checkout(cart) {'], context_line: '  return cart.items.length;', post_context: ['}'] }] } }] },
    breadcrumbs: { values: [{ timestamp: NOW - seq - 2, category: 'ui.click', message: 'button#pay' }, { timestamp: NOW - seq - 1, category: 'fetch', type: 'http', data: { method: 'GET', url: '/api/cart', status_code: 500 }, level: 'error' }] },
    user: { id: 'u' + (seq % 3) }, tags: { plan: seq % 2 ? 'pro' : 'free' }, extra: { cartSize: seq },
    contexts: { faultline: { count: 1, grouping: { source: 'stack', parts: ['checkout', 'app.js'] } }, browser: { name: 'Chrome', version: '120' } },
    ...rest,
  };
}

async function send(items) {
  const lines = [JSON.stringify({})];
  for (const [type, payload] of items) {
    const t = JSON.stringify(payload);
    lines.push(JSON.stringify({ type, length: Buffer.byteLength(t) }), t);
  }
  const r = await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: lines.join('\n') + '\n' });
  assert.equal(r.status, 200);
}
const issueId = async (q) => {
  const list = await (await fetch(`${c.url}/api/issues?query=${encodeURIComponent(q)}`)).json();
  assert.ok(list.length, `an issue for ${q}`);
  return list[0].id;
};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-viewer-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  const items = [];
  for (let i = 0; i < 30; i++) items.push(['event', ev({ value: `failure number ${i}` })]);
  items.push(['event', ev({ value: 'cart is null' })], ['event', ev({ value: 'cart is null', release: 'shop@2.0.0' })]);
  items.push(['event', ev({ type: 'CheckoutError', value: 'backend said 500', contexts: { faultline: { count: 1 }, trace: { trace_id: TRACE, span_id: 'a1'.repeat(8) } } })]);
  items.push(['transaction', { event_id: 'c'.repeat(32), type: 'transaction', transaction: 'POST /api/checkout', start_timestamp: NOW - 3, timestamp: NOW - 2, platform: 'node',
    contexts: { trace: { trace_id: TRACE, span_id: 'b2'.repeat(8), parent_span_id: 'a1'.repeat(8), op: 'http.server', status: 'internal_error' } },
    spans: [{ span_id: 'c3'.repeat(8), parent_span_id: 'b2'.repeat(8), op: 'db', description: 'SELECT cart', start_timestamp: NOW - 2.9, timestamp: NOW - 2.5 }] }]);
  items.push(['event', { event_id: 'd'.repeat(32), timestamp: NOW - 2.2, platform: 'node', message: 'payment backend down', level: 'error', contexts: { trace: { trace_id: TRACE, span_id: 'b2'.repeat(8) } }, sdk: { name: 'sentry.javascript.node' } }]);
  items.push(['session', { sid: 's1', did: 'u1', init: true, status: 'crashed', errors: 1, started: new Date().toISOString(), timestamp: new Date().toISOString(), attrs: { release: 'shop@1.0.0' } }],
    ['session', { sid: 's2', did: 'u2', init: true, status: 'exited', started: new Date().toISOString(), timestamp: new Date().toISOString(), attrs: { release: 'shop@1.0.0' } }]);
  // Hostile shapes.
  items.push(['event', { message: 'odd 1', exception: { values: { 0: { type: 'ObjError', value: 'values is an object', stacktrace: { frames: { a: { function: 'x' } } } } } }, breadcrumbs: { values: 42 }, fingerprint: 'a string' }]);
  items.push(['event', { message: { formatted: 'odd 2' }, exception: [null, 1, 'x'], breadcrumbs: [null, { message: 'crumb in an array', timestamp: 'yesterday' }], tags: 'not tags', user: 'bob', contexts: { trace: 'x', browser: 5 }, extra: [1, 2], request: { url: { not: 'a string' } }, timestamp: 'never' }]);
  items.push(['event', { message: 'odd 3', exception: { values: [{ type: { nested: true }, value: ['a'], stacktrace: 'frames', mechanism: 'm' }] }, breadcrumbs: { values: [{ data: 'd', category: { c: 1 } }] } }]);
  await send(items);
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(launch) {
  const browser = await launch();
  const errors = [];
  try {
    const page = await browser.newPage();
    let press;
    let setViewport;
    if (page.raw) {
      page.raw.on('pageerror', (e) => errors.push(String(e && e.message ? e.message : e)));
      press = (k) => page.raw.keyboard.press(k);
      setViewport = (w, h) => (page.raw.setViewportSize ? page.raw.setViewportSize({ width: w, height: h }) : page.raw.setViewport({ width: w, height: h }));
    } else {
      // WebDriver (WebKitGTK): uncaught errors and rejections are recorded by a listener added
      // after each load and read before the next one.
      const collect = async () => errors.push(...((await page.evaluate(() => window.__errors || [])) || []));
      const goto = page.goto;
      page.goto = async (url) => {
        await collect();
        await goto(url);
        await page.evaluate(() => {
          window.__errors = [];
          addEventListener('error', (e) => window.__errors.push(String(e.message)));
          addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
        });
      };
      page.close = collect;
      press = page.press;
      setViewport = page.setViewport;
    }
    await setViewport(1280, 900);
    await page.goto(c.url + '/');
    // List: 25 rows on the first page, each with a level badge and a sparkline.
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);
    const row = await page.evaluate(() => {
      const tr = document.querySelector('#issues tbody tr');
      return { badge: !!tr.querySelector('.badge'), spark: tr.querySelectorAll('svg.spark rect').length, when: tr.querySelector('time').textContent };
    });
    assert.ok(row.badge);
    assert.ok(row.spark >= 1);
    assert.match(row.when, /just now|min ago/);
    // Paging.
    await page.click('#next');
    await page.waitFor(() => location.search.includes('cursor=') && document.querySelectorAll('#issues tbody tr').length > 0 && document.querySelectorAll('#issues tbody tr').length < 25);
    await page.click('#prev');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);
    // Search with the query language; the URL follows.
    await page.evaluate(() => {
      document.querySelector('#q').value = 'release:shop@2.0.0';
      document.querySelector('#search button[type=submit]').click();
    });
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 1 && location.search.includes('release'));
    assert.match(await page.evaluate(() => document.querySelector('#issues tbody .title').textContent), /cart is null/);
    // A bad query shows the error and its position, the list stays.
    await page.evaluate(() => {
      document.querySelector('#q').value = 'is:sleeping';
      document.querySelector('#search button[type=submit]').click();
    });
    await page.waitFor(() => !document.querySelector('#query-error').hidden);
    assert.match(await page.evaluate(() => document.querySelector('#query-error').textContent), /position 3/);
    // Filter chips toggle terms.
    await page.evaluate(() => {
      document.querySelector('#q').value = '';
      document.querySelector('#search button[type=submit]').click();
    });
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);
    // Open an issue from the URL: exception chain with source context, breadcrumbs, raw JSON, why grouped.
    const cart = await issueId('"cart is null"');
    await page.goto(`${c.url}/?issue=${cart}`);
    await page.waitFor(() => document.querySelector('#d-exception .frames li'));
    const detail = await page.evaluate(() => ({
      chain: [...document.querySelectorAll('#d-exception .exc-head')].map((e) => e.textContent),
      context: document.querySelector('#d-exception .context .hl')?.textContent,
      crumbs: document.querySelectorAll('#d-crumbs li').length,
      raw: document.querySelector('.raw pre').textContent.includes('"event_id"'),
      why: document.body.textContent.includes('Why grouped'),
      selected: document.querySelector(`#issues tbody tr[aria-selected=true]`)?.dataset.id,
    }));
    assert.match(detail.chain[0], /TypeError: cart is null/);
    assert.match(detail.chain[1], /caused by SyntaxError/);
    assert.match(detail.context, /cart\.items\.length/);
    assert.equal(detail.crumbs, 2);
    assert.ok(detail.raw && detail.why);
    // Events tab: open the other (older) event; the URL names it.
    await page.click('#tab-events');
    await page.waitFor(() => document.querySelectorAll('#d-events tbody tr').length === 2);
    const older = await page.evaluate(() => document.querySelectorAll('#d-events tbody tr')[1].dataset.event);
    await page.evaluate(() => document.querySelectorAll('#d-events tbody tr')[1].click());
    await page.waitFor((id) => location.search.includes(`event=${id}`) && (document.querySelector('#d-event .event-nav')?.textContent || '').includes(id), older);
    // Tags tab.
    await page.click('#tab-tags');
    await page.waitFor(() => document.querySelector('#d-tags') && document.querySelector('#d-tags').textContent.includes('browser'));
    // Resolve by keyboard.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await press('r');
    await page.waitFor(() => document.querySelector('#act-unresolve'));
    assert.equal((await (await fetch(`${c.url}/api/issues/${cart}`)).json()).status, 'resolved');
    await press('u');
    await page.waitFor(() => document.querySelector('#act-resolve'));
    // Live update: the row is updated in place, not re-rendered.
    await page.goto(c.url + '/');
    await page.waitFor(() => document.querySelectorAll('#issues tbody tr').length === 25);
    const target = await page.evaluate(() => {
      const tr = document.querySelector('#issues tbody tr');
      tr.dataset.marker = 'kept';
      window.__rowNode = tr;
      return { id: tr.dataset.id, count: tr.querySelector('.count').textContent, title: tr.querySelector('.title').textContent };
    });
    const detailOf = await (await fetch(`${c.url}/api/issues/${target.id}`)).json();
    await send([['event', { ...detailOf.latest, event_id: undefined, timestamp: Date.now() / 1000 }]]);
    await page.waitFor((t) => {
      const tr = document.querySelector(`#issues tbody tr[data-id="${t.id}"]`);
      return tr && tr === window.__rowNode && tr.dataset.marker === 'kept' && tr.querySelector('.count').textContent !== t.count;
    }, target);
    // Trace waterfall: the backend transaction, its span, and errors on it.
    await page.goto(`${c.url}/?trace=${TRACE}`);
    await page.waitFor(() => document.querySelectorAll('#waterfall .span-row').length >= 2);
    const trace = await page.evaluate(() => ({ rows: document.querySelectorAll('#waterfall .span-row').length, marks: document.querySelectorAll('#waterfall .err-mark').length,
      errors: [...document.querySelectorAll('#trace-errors li')].map((l) => l.textContent) }));
    assert.ok(trace.rows >= 2);
    assert.equal(trace.marks, 2);
    assert.ok(trace.errors.some((t) => t.includes('payment backend down')) && trace.errors.some((t) => t.includes('backend said 500')));
    // Metrics page.
    await page.goto(`${c.url}/?view=metrics`);
    await page.waitFor(() => document.querySelectorAll('#eqt tbody tr').length > 0 && document.querySelectorAll('#health tbody tr').length === 1);
    assert.match(await page.evaluate(() => document.querySelector('#health tbody tr').textContent), /shop@1\.0\.0.*50\.00 %/);
    // Hostile shapes render.
    for (const q of ['"odd 1"', '"odd 2"', '"odd 3"', 'ObjError']) {
      const id = await issueId(q);
      await page.goto(`${c.url}/?issue=${id}`);
      await page.waitFor(() => document.querySelector('#d-event .raw'));
    }
    // 800 px: one column, nothing wider than the window.
    await setViewport(800, 900);
    await page.goto(`${c.url}/?issue=${cart}`);
    await page.waitFor(() => document.querySelector('#d-exception'));
    const width = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, list: getComputedStyle(document.querySelector('#issues-pane')).display }));
    assert.ok(width.doc <= 800, `page is ${width.doc}px wide at 800px`);
    assert.equal(width.list, 'none', 'at 800 px the detail replaces the list');
    await press('Escape');
    await page.waitFor(() => getComputedStyle(document.querySelector('#issues-pane')).display !== 'none' && !location.search.includes('issue='));
    await page.close();
  } finally {
    await browser.close();
  }
  assert.deepEqual(errors, [], 'no exception in the viewer');
}

test('the viewer works in Chromium', { timeout: 180000 }, async () => {
  await run(launchChromium);
});

test('the viewer works in Firefox ESR', { timeout: 240000 }, async () => {
  await run(launchFirefox);
});

test('the viewer works in WebKitGTK', { timeout: 240000 }, async () => {
  await run(launchWebKit);
});
