// The SDK's breadcrumb hooks in real headless Chromium: console, clicks and typing, fetch and XHR,
// history navigation; their order, beforeBreadcrumb/maxBreadcrumbs, turning hooks off, and that the
// page's own console/fetch/XHR/history behave exactly as without the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const basic = (extra = '') => `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 } ${extra} })`;
const msg = (ev) => ev.logentry && ev.logentry.formatted;  // the wire form (js/wire.js)

/** Captures a marker message, flushes, and returns that event's breadcrumbs. */
async function crumbsAt(page, server, marker = 'marker') {
  await page.evaluate((m) => F.captureMessage(m), marker);
  await page.evaluate(() => F.flush(5000));
  const ev = server.events().find((e) => msg(e) === marker);
  assert.ok(ev, `no event ${marker}`);
  assert.deepEqual(validateEvent(ev), []);
  return ev.breadcrumbs ? ev.breadcrumbs.values : [];
}

test('console calls become breadcrumbs while the console prints, returns and binds exactly as before', async () => {
  await scenario({ init: basic() }, async ({ page, server, consoleMessages }) => {
    const r = await page.evaluate(() => {
      const results = [console.log('plain', 1, { b: 2 }), console.warn('careful'), console.error(new TypeError('bad thing')),
        console.info('fyi'), console.debug('details'), console.assert(false, 'invariant', 3), console.assert(true, 'holds')];
      const bound = console.log.bind(console);
      bound('bound call');
      return { results, names: ['log', 'warn', 'error', 'info', 'debug', 'assert'].map((m) => console[m].name) };
    });
    assert.deepEqual(r.results, Array(7).fill(undefined));  // as returned by the originals
    assert.deepEqual(r.names, ['log', 'warn', 'error', 'info', 'debug', 'assert']);
    const printed = consoleMessages.map((m) => [m.type, m.text]);
    for (const want of [['log', 'plain 1 {b: 2}'], ['warning', 'careful'], ['info', 'fyi'], ['debug', 'details'], ['assert', 'invariant 3'], ['log', 'bound call']]) {
      assert.ok(printed.some(([t, x]) => t === want[0] && x === want[1]), `console printed ${JSON.stringify(want)}; got ${JSON.stringify(printed)}`);
    }
    assert.ok(printed.some(([t, x]) => t === 'error' && x.startsWith('TypeError: bad thing')));
    const crumbs = (await crumbsAt(page, server)).filter((b) => b.category === 'console');
    assert.deepEqual(crumbs.map((b) => [b.level, b.message]), [
      ['info', 'plain 1 [object Object]'], ['warning', 'careful'], ['error', 'TypeError: bad thing'], ['info', 'fyi'], ['debug', 'details'],
      ['info', 'Assertion failed: invariant 3'], ['info', 'bound call'],
    ]);  // @sentry/browser's levels (`log` stored as `info` on the wire, as Relay does) and String() formatting
    assert.ok(crumbs.every((b) => b.data.logger === 'console'));
    assert.deepEqual(crumbs[0].data.arguments, ['plain', 1, { b: 2 }]);
    assert.deepEqual(crumbs[5].data.arguments, ['invariant', 3]);
  });
});

test('clicks and typing become ui breadcrumbs with readable selectors, one per typing burst, never the typed value', async () => {
  await scenario({ init: basic() }, async ({ page, server }) => {
    await page.click('#save');
    await page.locator('#email').pressSequentially('alice.secret@example.org', { delay: 5 });
    await page.click('span.item');
    await page.locator('#card').pressSequentially('4111 1111 1111 1111', { delay: 5 });
    const crumbs = (await crumbsAt(page, server)).filter((b) => b.category.startsWith('ui.'));
    assert.deepEqual(crumbs.map((b) => [b.category, b.message]), [
      // @sentry/browser's selectors: up to 5 levels below <html>, within 80 characters
      ['ui.click', 'main#app.shell > form.login > button#save.primary[type="button"][name="x"]'],
      ['ui.input', 'form.login > input#email.field.wide[type="email"][name="email"]'],
      ['ui.click', 'body > main#app.shell > div#list > span.item[title="An item"]'],
      ['ui.input', 'body > main#app.shell > form.login > input#card[type="text"][name="card"]'],
    ]);
    for (const e of server.envelopes) {
      assert.ok(!/alice|secret@|4111/.test(e.raw), 'the typed value is never recorded');
    }
  });
});

test('typing after a second without events is a new breadcrumb even when the page was too busy to run its timers', async () => {
  await scenario({ init: basic() }, async ({ page, server }) => {
    // One task: type, keep the main thread busy for 1.2 s (no timer can run), type again, then again
    // at once. The events' own times decide, as a user would: two bursts, not one.
    await page.evaluate(() => {
      const email = document.querySelector('#email');
      const type = () => email.dispatchEvent(new Event('input', { bubbles: true }));
      type();
      for (const start = performance.now(); performance.now() - start < 1200;);
      type();
      type();
    });
    const crumbs = (await crumbsAt(page, server)).filter((b) => b.category === 'ui.input');
    assert.equal(crumbs.length, 2, JSON.stringify(crumbs));
  });
});

test('fetch and XHR become http breadcrumbs with method, url and status; failures are errors; the app sees the same results', async () => {
  await scenario({ init: basic() }, async ({ page, server }) => {
    const app = await page.evaluate(async () => {
      const out = {};
      out.json = await (await fetch('/echo', { headers: { 'x-app': '1' } })).json();
      out.notFound = (await fetch('/status/404')).status;
      out.posted = (await fetch(new Request('/status/503', { method: 'POST', body: 'x' }))).status;
      out.slow = await (await fetch('/slow/150')).text();
      try { await fetch('http://127.0.0.1:1/refused'); out.refused = 'resolved?!'; } catch (e) { out.refused = `${e.name}: ${e.message}`; }
      const xhr = (method, url) => new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open(method, url);
        x.onreadystatechange = () => { if (x.readyState === 4) resolve([x.status, x.responseText]); };
        x.send();
      });
      out.xhr500 = await xhr('get', '/status/500');
      out.xhrRefused = await xhr('GET', 'http://127.0.0.1:1/refused');
      return out;
    });
    assert.equal(app.json['x-app'], '1');
    assert.equal(app.notFound, 404);
    assert.equal(app.posted, 503);
    assert.equal(app.slow, 'slow');
    assert.equal(app.refused, 'TypeError: Failed to fetch');
    assert.deepEqual(app.xhr500, [500, 'status']);
    assert.deepEqual(app.xhrRefused, [0, '']);
    const crumbs = (await crumbsAt(page, server)).filter((b) => b.type === 'http');
    const rows = crumbs.map((b) => [b.category, b.data.method, b.data.url.replace(/^http:\/\/(\[ip\]|127\.0\.0\.1):\d+/, ''), b.data.status_code ?? null, b.level ?? null]);
    assert.deepEqual(rows, [
      ['fetch', 'GET', '/echo', 200, null],
      ['fetch', 'GET', '/status/404', 404, 'warning'],
      ['fetch', 'POST', '/status/503', 503, 'error'],
      ['fetch', 'GET', '/slow/150', 200, null],
      ['fetch', 'GET', '/refused', null, 'error'],
      ['xhr', 'GET', '/status/500', 500, 'error'],
      ['xhr', 'GET', '/refused', null, 'error'],
    ]);
    assert.equal(crumbs[4].data.error, 'Failed to fetch');
    assert.ok(crumbs.every((b) => !('duration' in b.data)), 'data as @sentry/browser has it');
    assert.ok(!crumbs.some((b) => /envelope|faultline\.wasm/.test(b.data.url)), 'the SDK\'s own requests are not breadcrumbs');
  });
});

test('a failed fetch the app does not handle is still an unhandled rejection, reported as such', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    await page.evaluate(() => { fetch('http://127.0.0.1:1/nobody-listens'); });
    await server.waitFor(() => server.events().length, 8000, 'the rejection event');
    await flush();
    const [ev] = server.events();
    const ex = ev.exception.values.at(-1);
    assert.deepEqual([ex.type, ex.value, ex.mechanism.type], ['TypeError', 'Failed to fetch', 'auto.browser.global_handlers.onunhandledrejection']);
  });
});

// A fetch polyfill built on XHR (as hostile pages and old polyfills have), installed before the SDK
// (the SDK wraps it) or after it (it replaces the SDK's wrapper): one failed request is one
// httpClientIntegration event and one breadcrumb, the XHR's, as @sentry/browser sends. Before, the
// polyfill installed first gave two of each (auto.http.client.fetch and .xhr).
const POLYFILL = `window.fetch = function polyFetch(url, opts = {}) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest(); x.open(opts.method || 'GET', String(url));
    x.onload = () => resolve({ ok: x.status < 400, status: x.status, url: String(url), headers: { get: () => null }, text: async () => x.responseText });
    x.onerror = () => reject(new TypeError('Network request failed'));
    x.send(opts.body || null);
  });
};`;
for (const order of ['before', 'after']) {
  test(`a fetch polyfill over XHR installed ${order} the SDK: one failed request is one event and one breadcrumb`, async () => {
    const init = `(F, dsn) => { ${order == 'before' ? POLYFILL : ''} F.init({ dsn, aggregation: { windowMs: 0 }, integrations: [F.httpClientIntegration()] }); ${order == 'after' ? POLYFILL : ''} }`;
    await scenario({ init }, async ({ page, server }) => {
      const status = await page.evaluate(async () => {
        if (/native code/.test(String(window.fetch))) return 'the polyfill is not installed';
        const res = await window.fetch('/failed/503', { method: 'POST', body: 'x' });
        return res.status;
      });
      assert.equal(status, 503);
      const crumbs = await crumbsAt(page, server);
      const http = crumbs.filter((c) => c.type == 'http' && /\/failed\/503/.test(c.data.url));
      assert.deepEqual(http.map((c) => [c.category, c.data.method, c.data.status_code]), [['xhr', 'POST', 503]], JSON.stringify(http));
      const evs = server.events().filter((e) => e.exception && /HTTP Client Error/.test(e.exception.values.at(-1).value));
      assert.deepEqual(evs.map((e) => [e.exception.values.at(-1).mechanism.type, e.request.method]), [['auto.http.client.xhr', 'POST']]);
    });
  });
}

test('history navigation becomes navigation breadcrumbs and every navigation starts a new trace', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    const traces = await page.evaluate(async () => {
      const trace = async () => (await (await fetch('/echo')).json())['sentry-trace'].split('-')[0];
      const t = [await trace()];
      history.pushState({ step: 2 }, '', '/pages/sdk-basic/step-2');
      t.push(await trace());
      F.captureMessage('on step 2');
      history.replaceState({ step: 2 }, '', '/pages/sdk-basic/step-2?tab=3#top');
      t.push(await trace());
      history.replaceState({ step: 2 }, '', '/pages/sdk-basic/step-2?tab=3#top');  // same URL: not a navigation
      t.push(await trace());
      history.pushState({ step: 3 }, '', '/pages/sdk-basic/step-3');
      t.push(await trace());
      const back = new Promise((resolve) => addEventListener('popstate', resolve, { once: true }));
      history.back();
      await back;
      t.push(await trace());
      return t;
    });
    assert.equal(traces[2], traces[3], 'no navigation, same trace');
    assert.equal(new Set(traces).size, 5, `trace ids ${traces}`);
    const crumbs = (await crumbsAt(page, server)).filter((b) => b.category === 'navigation');
    assert.deepEqual(crumbs.map((b) => [b.data.from, b.data.to]), [
      ['/pages/sdk-basic/', '/pages/sdk-basic/step-2'],
      ['/pages/sdk-basic/step-2', '/pages/sdk-basic/step-2?tab=3#top'],
      ['/pages/sdk-basic/step-2?tab=3#top', '/pages/sdk-basic/step-3'],
      ['/pages/sdk-basic/step-3', '/pages/sdk-basic/step-2?tab=3#top'],
    ]);
    await flush();
    const step2 = server.events().find((e) => msg(e) === 'on step 2');
    assert.equal(step2.contexts.trace.trace_id, traces[1]);
  });
});

test('breadcrumbs from every source keep the order things happened in', async () => {
  await scenario({ init: basic() }, async ({ page, server }) => {
    await page.evaluate(() => console.log('one'));
    await page.click('#save');
    await page.evaluate(async () => {
      F.addBreadcrumb({ category: 'custom', message: 'three', data: { n: 3 } });
      await fetch('/echo');
      history.pushState({}, '', '/pages/sdk-basic/five');
      console.warn('six');
      await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', '/echo');
        x.onloadend = resolve;
        x.send();
      });
    });
    const crumbs = await crumbsAt(page, server);
    assert.deepEqual(crumbs.map((b) => b.category), ['console', 'ui.click', 'custom', 'fetch', 'navigation', 'console', 'xhr']);
    const ts = crumbs.map((b) => b.timestamp);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'timestamps ascend');
    assert.deepEqual(crumbs[2].data, { n: 3 });
  });
});

test('beforeBreadcrumb can rewrite or drop breadcrumbs and maxBreadcrumbs keeps the newest', async () => {
  const init = `(F, dsn) => F.init({ dsn, maxBreadcrumbs: 4,
    beforeBreadcrumb(b, hint) {
      if (b.category === 'console' && b.message.includes('private')) return null;
      if (b.category === 'ui.click') return { ...b, message: 'clicked via ' + hint.event.type };
      if (b.message === 'boom') throw new Error('bug in beforeBreadcrumb');
      return b;
    } })`;
  await scenario({ init }, async ({ page, server, pageErrors }) => {
    await page.evaluate(() => {
      for (let i = 0; i < 6; i++) console.log(`public ${i}`);
      console.log('private token 123');
      F.addBreadcrumb({ message: 'boom' });
    });
    await page.click('#save');
    const crumbs = await crumbsAt(page, server);
    assert.deepEqual(crumbs.map((b) => b.message), ['public 3', 'public 4', 'public 5', 'clicked via click']);
    assert.deepEqual(pageErrors, []);
  });
});

test('each hook can be turned off, and then the page\'s own functions are untouched', async () => {
  const init = `(F, dsn) => F.init({ dsn, integrations: { onerror: false, onunhandledrejection: false, fetch: false, xhr: false, console: false, dom: false, history: false, browserApiErrors: false } })`;
  const server0 = { context: async (ctx) => ctx.addInitScript(() => {
    window.__originals = [window.fetch, console.log, console.error, XMLHttpRequest.prototype.open, XMLHttpRequest.prototype.send, history.pushState,
      window.setTimeout, window.setInterval, window.requestAnimationFrame, EventTarget.prototype.addEventListener, EventTarget.prototype.removeEventListener];
  }) };
  await scenario({ init, ...server0 }, async ({ page, server, flush }) => {
    const same = await page.evaluate(() => {
      const now = [window.fetch, console.log, console.error, XMLHttpRequest.prototype.open, XMLHttpRequest.prototype.send, history.pushState,
        window.setTimeout, window.setInterval, window.requestAnimationFrame, EventTarget.prototype.addEventListener, EventTarget.prototype.removeEventListener];
      return now.map((f, i) => f === window.__originals[i]);
    });
    assert.deepEqual(same, same.map(() => true));
    const headers = await page.evaluate(async () => {
      console.log('not a crumb');
      history.pushState({}, '', '/pages/sdk-basic/elsewhere');
      setTimeout(() => { throw new Error('not reported'); });
      Promise.reject(new Error('not reported either'));
      return (await fetch('/echo')).json();
    });
    await page.click('#save');
    assert.equal(headers.traceparent, undefined);
    await page.waitForTimeout(200);
    const crumbs = await crumbsAt(page, server);
    assert.deepEqual(crumbs, []);
    await flush();
    assert.deepEqual(server.events().map(msg), ['marker']);
  });
});
