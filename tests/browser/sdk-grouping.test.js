// Grouping of network failures and SDK frames in real headless Chromium, with the SDK served as
// separate modules from /js/ (as the demo serves it): each failing endpoint (method +
// parameterized path) is its own group whether the app catches the rejection and calls
// captureException or leaves it unhandled, and the SDK's own fetch wrapper frame is never in-app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';

const scenario = useChromiumScenarios();
const init = `(F, dsn) => F.init({ dsn, release: 'web@1.0' })`;

test('two failing endpoints are two groups, one captured and one unhandled, and the SDK frame is not in-app', async () => {
  await scenario({ init }, async ({ page, server, flush }) => {
    await page.evaluate(async () => {
      // Nothing listens on port 9: connection refused, "TypeError: Failed to fetch".
      await fetch('http://127.0.0.1:9/unreachable').catch((err) => F.captureException(err));
      fetch('http://127.0.0.1:9/orders/17');  // unhandled rejection
      // Until the second request's rejection is captured (a fixed 500 ms was a guess), up to 15 s.
      for (const end = Date.now() + 15000; F.getStats().captured < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
    });
    await flush();
    const evs = server.events().filter((e) => e.exception);
    assert.equal(evs.length, 2, JSON.stringify(evs.map((e) => e.exception.values[0].value)));
    const group = (e) => e.contexts.faultline.grouping;
    const byReq = Object.fromEntries(evs.map((e) => [group(e).request, e]));
    assert.deepEqual(Object.keys(byReq).sort(), ['request:GET http://127.0.0.1:9/orders/<num>', 'request:GET http://127.0.0.1:9/unreachable']);
    const fp = (e) => e.contexts.faultline.fingerprint;
    const unreachable = byReq['request:GET http://127.0.0.1:9/unreachable'];
    const orders = [byReq['request:GET http://127.0.0.1:9/orders/<num>']];
    assert.notEqual(fp(unreachable), fp(orders[0]), 'two failing endpoints are two groups');
    assert.equal(unreachable.exception.values.at(-1).mechanism.handled, true);
    assert.equal(orders[0].exception.values.at(-1).mechanism.handled, false);
    assert.equal(group(unreachable).confident, true);
    // Chromium gives the failed fetch a stack through the SDK's wrapper in /esm/hooks/http.js.
    const frames = evs.flatMap((e) => e.exception.values.flatMap((v) => v.stacktrace?.frames || []));
    const sdk = frames.filter((f) => String(f.filename).includes('/esm/hooks/http.js'));
    assert.ok(sdk.length >= 1, JSON.stringify(frames));
    assert.ok(sdk.every((f) => f.in_app === false), JSON.stringify(sdk));
  });
});

test('an app error class named like a DOMException keeps its message apart; a real DOMException groups by its name', async () => {
  await scenario({ init: `(F, dsn) => F.init({ dsn, release: 'web@1.0', aggregation: { windowMs: 0 } })` }, async ({ page, server, flush }) => {
    await page.evaluate(() => {
      class NotFoundError extends Error { constructor(m) { super(m); this.name = 'NotFoundError'; } }
      function find(kind, id) { throw new NotFoundError(`${kind} ${id} not found`); }
      for (const [kind, id] of [['order', 17], ['order', 912], ['user', 3]]) {
        try { find(kind, id); } catch (e) { F.captureException(e, { tags: { case: kind } }); }
      }
      // The platform's own: removing a node that is not a child.
      try { document.body.removeChild(document.createElement('p')); } catch (e) { F.captureException(e, { tags: { case: 'dom' } }); }
    });
    await flush();
    const evs = server.events().filter((e) => e.exception);
    const by = (c) => evs.filter((e) => e.tags.case === c);
    const group = (e) => e.contexts.faultline.grouping, fp = (e) => e.contexts.faultline.fingerprint;
    assert.deepEqual(by('order').map((e) => group(e).message), ['msg:order <num> not found', 'msg:order <num> not found'], JSON.stringify(evs.map(group)));
    assert.equal(fp(by('order')[0]), fp(by('order')[1]), 'one bug, two ids');
    assert.equal(group(by('user')[0]).message, 'msg:user <num> not found');
    assert.notEqual(fp(by('user')[0]), fp(by('order')[0]), 'two messages of the app: two bugs');
    assert.equal(group(by('dom')[0]).message, 'dom:NotFoundError', 'the browser\'s wording is not the key');
  });
});

// A failed request's summary (the repeats of its group counted in the aggregation window) carries
// request.method as its first event does, in both cores, for fetch and XHR. Before, the method was
// added to the first event only, by the lazy client after the core had built it, so the summary
// had `{url}` alone.
for (const core of ['wasm', 'js-fallback']) {
  for (const kind of ['fetch', 'xhr']) {
    test(`${core}: an httpClient ${kind} failure's summary keeps request.method, as its first event`, async () => {
      const init = `(F, dsn) => F.init({ dsn, integrations: [F.httpClientIntegration()], aggregation: { windowMs: 60000 } })`;
      await scenario({ server: core == 'wasm' ? {} : { blockWasm: true }, core, init }, async ({ page, server, flush }) => {
        await page.evaluate(async (kind) => {
          const x = new XMLHttpRequest();
          for (let i = 0; i < 3; i++) {
            if (kind == 'fetch') await fetch('/failed/503', { method: 'POST', body: 'x' });
            else await new Promise((r) => { x.open('PUT', '/failed/503'); x.onloadend = r; x.send('y'); });
          }
          for (const end = Date.now() + 15000; F.getStats().captured < 3 && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
        }, kind);
        await flush();
        const evs = server.events().filter((e) => e.exception && /HTTP Client Error/.test(e.exception.values.at(-1).value));
        const method = kind == 'fetch' ? 'POST' : 'PUT';
        const shown = JSON.stringify(evs.map((e) => [e.request, e.contexts.faultline.summary, e.contexts.faultline.count]));
        // (The cores differ in how many full events precede the summary: the WASM core one, the JS fallback two.)
        assert.ok(evs.length >= 2 && !evs[0].contexts.faultline.summary && evs.at(-1).contexts.faultline.summary, `a first event, then a summary: ${shown}`);
        assert.deepEqual(evs.map((e) => [e.request.method, new URL(e.request.url).pathname]), evs.map(() => [method, '/failed/503']), shown);
      });
    });
  }
}
