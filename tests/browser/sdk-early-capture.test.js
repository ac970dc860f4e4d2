// What an app does right after init(), while the SDK's lazy part (client.js, the transport, the
// core) is still loading. Listeners and timers: they are wrapped from init() on, as Sentry wraps them
// in init, so their errors are captured with browserApiErrors' mechanism and the callback's
// arguments (not through window.onerror), rethrown so the page sees them as before, and reported
// once. The page's listener semantics hold (this, duplicates, removal, once, capture flags,
// handleEvent objects). Failed requests that complete then: reported by httpClientIntegration
// when the lazy part arrives, with the time they failed. The lazy part is held back 1.5 s by the
// server so that all of it happens before it loads. In Chromium and Firefox ESR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, wasmBuilt } from './pages/sdk-common/harness.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

const API = 'auto.browser.browserapierrors.';

// Runs in the page: init, then (synchronously, the lazy part not loaded) listeners and timers.
async function pageCode({ dsn }) {
  const F = await import('/esm/index.js');
  window.F = F;
  const out = { pageSaw: [] };
  // The page's own error listener (registered before init: not wrapped) sees every rethrow.
  window.addEventListener('error', (e) => out.pageSaw.push(String(e.message)));
  const seen = (window._seen = []);
  F.init({ dsn, beforeSend: (e) => { seen.push(JSON.parse(JSON.stringify(e))); return e; } });
  out.coreBefore = F.getStats().core;
  const b = document.createElement('button');
  b.id = 'buy';
  document.body.append(b);
  // A listener registered before the wrappers, removed after: removed.
  let early = 0;
  const pre = () => { early++; };
  out.preAdded = true;
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
  // { once: true }
  let n1 = 0;
  b.addEventListener('click', () => { n1++; }, { once: true });
  b.click();
  b.click();
  out.onceOption = n1;
  // an options object with capture: removal needs the same capture flag, as without the SDK
  let n2 = 0;
  const h2 = () => { n2++; };
  b.addEventListener('click', h2, { capture: true, passive: true });
  b.removeEventListener('click', h2);
  b.click();
  b.removeEventListener('click', h2, { capture: true });
  b.click();
  out.captureFlag = n2;
  // a handleEvent object: called with itself as this, looked up when the event fires, removable
  const obj = { n: 0, handleEvent() { this.n++; out.objThis = this === obj; } };
  b.addEventListener('click', obj);
  b.click();
  obj.handleEvent = function () { this.n += 10; };
  b.click();
  b.removeEventListener('click', obj);
  b.click();
  out.handleEvent = obj.n;
  // the same function on two targets, and a listener added before init removed after it
  const d = document.createElement('div');
  document.body.append(d);
  EventTarget.prototype.addEventListener.call(d, 'x', pre);  // (wrapped too: registered after init)
  d.dispatchEvent(new Event('x'));
  d.removeEventListener('x', pre);
  d.dispatchEvent(new Event('x'));
  out.preRemoved = early === 1;
  // Errors: a named listener, a handleEvent object, a thrown string, a timer
  b.addEventListener('click', function onBuyClick() { throw new Error('early listener error'); });
  b.click();
  b.addEventListener('keydown', { handleEvent() { throw new TypeError('early handleEvent error'); } });
  b.dispatchEvent(new KeyboardEvent('keydown', { key: 'x' }));
  b.addEventListener('focus', () => { throw 'early string thrown'; });
  b.dispatchEvent(new FocusEvent('focus'));
  await new Promise((r) => setTimeout(function tick() { r(); throw new RangeError('early timer error'); }, 0));
  await new Promise((r) => setTimeout(r, 50));
  out.coreAfter = F.getStats().core;
  return out;
}

for (const [engine, launchIt] of [['chromium', launchChromium], ['firefox', launchFirefox]]) {
  let browser;
  before(async () => {
    assert.ok(wasmBuilt(), 'dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launchIt();
  });
  after(async () => { await browser?.close(); });

  test(`[${engine}] listeners and timers registered before the lazy part loads are wrapped: Sentry's mechanism and arguments, rethrown, reported once, page semantics kept`, async () => {
    const server = await startServer({ slow: [/^\/esm\/client\.js$/, 1500] });
    const page = await browser.newPage();
    try {
      await page.goto(server.origin + '/pages/conformance/');
      const r = await page.evaluate(pageCode, { dsn: server.dsn });
      assert.equal(r.coreBefore, 'loading');
      assert.equal(r.coreAfter, 'loading', 'all of it happened before the lazy part loaded');
      assert.equal(r.once, true, 'adding the same listener twice registers it once');
      assert.equal(r.thisIsTarget, true, 'this is the target');
      assert.equal(r.removed, true, 'removeEventListener with the original function removes it');
      assert.equal(r.onceOption, 1, '{ once: true } fires once');
      assert.equal(r.captureFlag, 1, 'removal needs the capture flag it was added with');
      assert.equal(r.handleEvent, 11, 'handleEvent: looked up at dispatch, this is the object, removable');
      assert.equal(r.objThis, true);
      assert.equal(r.preRemoved, true);
      // The page still sees each error (rethrown), in the engine's words.
      for (const m of ['early listener error', 'early handleEvent error', 'early string thrown', 'early timer error']) {
        assert.ok(r.pageSaw.some((s) => s.includes(m)), `the page saw "${m}": ${JSON.stringify(r.pageSaw)}`);
      }
      assert.equal(await page.evaluate(() => window.F.ready(15000)), 'wasm');
      await server.waitFor(() => server.events().length >= 4, 10000, 'four events');
      await page.evaluate(() => window.F.flush(5000));
      const wire = server.events();
      for (const ev of wire) assert.deepEqual(validateEvent(ev), [], 'schema');
      assert.equal(wire.length, 4, `one event per error, none again through onerror: ${JSON.stringify(wire.map((e) => e.exception.values.at(-1).mechanism))}`);
      const seen = await page.evaluate(() => window._seen);
      const by = (v) => seen.find((e) => e.exception.values.at(-1).value.includes(v));
      const top = (ev) => ev.exception.values.at(-1);
      const click = by('early listener error');
      assert.deepEqual(top(click).mechanism, { type: API + 'addEventListener', handled: false, data: { handler: 'onBuyClick', target: 'EventTarget' } });
      // Its own stack (the page code here is evaluated, without a URL of its own); the SDK's wrapper frame is never in-app.
      const fr = top(click).stacktrace.frames;
      assert.ok(fr.length && fr.filter((f) => /\/js\//.test(f.filename)).every((f) => !f.in_app), JSON.stringify(fr));
      assert.equal(click.extra.arguments.length, 1, 'the listener\'s arguments, as Sentry adds them');
      assert.equal(click.extra.arguments[0].type, 'click');
      const obj = by('early handleEvent error');
      assert.equal(top(obj).type, 'TypeError');
      assert.deepEqual(top(obj).mechanism, { type: API + 'handleEvent', handled: false, data: { handler: '<anonymous>', target: 'EventTarget' } });
      assert.equal(obj.extra.arguments[0].type, 'keydown');
      const str = by('early string thrown');
      assert.deepEqual(top(str).mechanism, { type: API + 'addEventListener', handled: false, synthetic: true, data: { handler: '<anonymous>', target: 'EventTarget' } }, 'a thrown string: synthetic, as in Sentry');
      const timer = by('early timer error');
      assert.equal(top(timer).type, 'RangeError');
      assert.deepEqual(top(timer).mechanism, { type: API + 'setTimeout', handled: false }, 'Sentry\'s timer mechanism has no data');
      assert.deepEqual(timer.extra.arguments, []);
    } finally {
      await page.close();
      await server.close();
    }
  });

  test(`[${engine}] httpClientIntegration reports failed requests that completed before the lazy part loaded, with the time they failed`, async () => {
    const server = await startServer({ slow: [/^\/esm\/client\.js$/, 1500] });
    const page = await browser.newPage();
    try {
      await page.goto(server.origin + '/pages/conformance/');
      const r = await page.evaluate(async ({ dsn }) => {
        const F = await import('/esm/index.js');
        window.F = F;
        const seen = (window._seen = []);
        F.init({ dsn, integrations: [F.httpClientIntegration()], beforeSend: (e) => { seen.push(JSON.parse(JSON.stringify(e))); return e; } });
        const U = location.origin;
        const xhr = new Promise((res) => { const x = new XMLHttpRequest(); x.open('GET', U + '/failed/502'); x.onloadend = res; x.send(); });
        await Promise.all([fetch(U + '/failed/500', { method: 'POST', body: 'x' }), fetch(U + '/status/200'), fetch(U + '/status/404'), xhr]);
        return { core: F.getStats().core, done: Date.now() / 1000 };
      }, { dsn: server.dsn });
      assert.equal(r.core, 'loading', 'the requests completed before the lazy part loaded');
      assert.equal(await page.evaluate(() => window.F.ready(15000)), 'wasm');
      await server.waitFor(() => server.events().length >= 1, 10000, 'an event');
      await page.evaluate(() => window.F.flush(5000));  // (a repeat of the group leaves as a summary)
      const wire = server.events();
      for (const ev of wire) assert.deepEqual(validateEvent(ev), [], 'schema');
      // The 500 and the 502 (not the 200, nor the 404 outside the default codes), each accounted
      // for once: one group where the engine's stacks of the two requests share their key (the
      // second then leaves as the group's summary: V8 gives these requests no frame here), two
      // where they do not (SpiderMonkey shows them made in anonymous code on two lines, and an
      // unsure anonymous key takes its line).
      assert.equal(wire.length, 2, `the 500 and the 502: ${JSON.stringify(wire.map((e) => e.request))}`);
      const groups = new Set(wire.map((e) => e.contexts.faultline.fingerprint));
      assert.equal(wire.filter((e) => e.contexts.faultline.summary).length, groups.size == 1 ? 1 : 0);
      assert.equal(wire.reduce((n, e) => n + (e.contexts.faultline.count || 1), 0), 2);
      const seen = await page.evaluate(() => window._seen);
      for (const [kind, status, method] of [['fetch', 500, 'POST'], ['xhr', 502, 'GET']]) {
        const ev = seen.find((e) => e.message == `HTTP Client Error with status code: ${status}`);
        assert.ok(ev, `the ${kind} ${status}`);
        assert.deepEqual(ev.exception.values[0].mechanism, { type: `auto.http.client.${kind}`, handled: false });
        assert.equal(ev.request.url, `${server.origin}/failed/${status}`);
        if (!ev.contexts.faultline.summary) assert.equal(ev.request.method, method);
        assert.equal(ev.contexts.response.status_code, status);
        assert.equal(ev.contexts.response.body_size, 45);
        assert.ok(ev.timestamp <= r.done + 0.01, `the event has the time the request failed (${ev.timestamp}), not the time the lazy part arrived (after ${r.done})`);
      }
    } finally {
      await page.close();
      await server.close();
    }
  });
}
