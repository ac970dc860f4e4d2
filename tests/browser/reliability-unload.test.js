// Occurrences at navigation, in Chromium and Firefox ESR (what an unloading page can still do is
// engine-specific): errors captured just before the page goes — more than the keepalive budget
// carries, before the core is ready ("error, then redirect to login"), in the middle of a storm,
// offline — are each delivered (by this page, or by the next page of the origin from the SDK's
// stash) or counted as dropped with a reason in a client report. Never lost uncounted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer, wasmBuilt, parseEnvelope } from './pages/sdk-common/harness.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';
import { initSrc, arrivedAt, basicPage } from './lib/navigation.js';
import { word, settle as settleAll } from './lib/accounting.js';
import { crumbsOf, messageOf } from './lib/events.js';

const settle = (server, expected, ms = 15000) => settleAll(server, expected, ms, 500);

/**
 * A receiver (another origin, as a `tunnel` is) that records each envelope as it arrives and
 * answers `ms` later: a request the page leaves before it is answered.
 */
async function slowReceiver(ms) {
  const items = [], timers = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        if (req.method === 'POST') items.push(...parseEnvelope(body).items);
      } catch { /* not an envelope */ }
      const t = setTimeout(() => { timers.delete(t); res.writeHead(200, { 'Access-Control-Allow-Origin': '*' }); res.end('{}'); }, ms);
      timers.add(t);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/tunnel`,
    items,
    close: () => new Promise((r) => { for (const t of timers) clearTimeout(t); server.closeAllConnections(); server.close(() => r()); }),
  };
}


async function waitUntil(pred, what, ms = 10000) {
  for (const end = Date.now() + ms; !pred(); await new Promise((r) => setTimeout(r, 25))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

/** Runs `body` in the page, then leaves it for `next` at once (in the same task). */
async function leave(page, body, next) {
  await page.evaluate(`(() => { ${body}; setTimeout(() => { location.href = ${JSON.stringify(next)}; }, 0); return 1; })()`);
  await arrivedAt(page, next);
}

for (const [name, launch] of [['chromium', launchChromium], ['firefox', launchFirefox]]) {
  let browser;
  before(async () => {
    if (!wasmBuilt()) throw new Error('dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  const scenario = (serverOpts, fn) => basicPage(browser, serverOpts, fn, startServer);

  for (const n of [20, 95]) {
    test(`${name}: ${n} distinct errors, then the page unloads at once: every one delivered or counted`, async () => {
      await scenario({}, async (page, server) => {
        await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
        assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
        await leave(page, `for (let i = 0; i < ${n}; i++) F.captureException(new Error('unload failure ' + (${word})(i)))`, '/pages/sdk-basic/?next');
        await page.evaluate(initSrc(server.dsn));  // the next page of the origin sends what was stashed
        const a = await settle(server, n);
        assert.equal(a.total, n, `delivered ${a.delivered} + dropped ${JSON.stringify(a.dropped)} must be exactly ${n}`);
        assert.ok(a.delivered >= n * 0.9, `most are delivered, not dropped: ${JSON.stringify(a)}`);
      });
    });
  }

  test(`${name}: errors before the core is ready, then a redirect ("error, then redirect to login"): delivered by the next page`, async () => {
    await scenario({ delayWasmMs: 1500 }, async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      await leave(page, `console.log('before the redirect'); F.setTag('phase', 'login');
        for (let i = 0; i < 5; i++) F.captureException(new TypeError('session expired ' + (${word})(i)))`, '/pages/sdk-basic/?login');
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      const a = await settle(server, 5);
      assert.equal(a.total, 5, JSON.stringify(a));
      assert.equal(a.delivered, 5, JSON.stringify(a) + JSON.stringify(server.events().map((e) => [e.event_id, e.exception?.values?.at(-1)?.value, e.message, e.contexts?.faultline])));
      const evs = server.events();
      for (const ev of evs) {
        assert.equal(ev.exception.values.at(-1).type, 'TypeError');
        assert.equal(ev.tags.phase, 'login', 'the scope of the page it happened in');
        assert.equal(ev.request.url, server.origin + '/pages/sdk-basic/', 'the URL of the page it happened in');
        // The console crumb of the page it happened in; beside it only Sentry's `sentry.event`
        // crumbs of the captures before it (as the page would have recorded them), stamped with
        // their capture time, not the replay's.
        const crumbs = crumbsOf(ev), con = crumbs.filter((b) => b.category === 'console');
        assert.equal(con.length, 1, JSON.stringify(crumbs));
        assert.equal(con[0].message, 'before the redirect', JSON.stringify(crumbs));
        assert.deepEqual(con[0].data.arguments, ['before the redirect']);
        for (const b of crumbs) {
          assert.ok(b.category === 'console' || b.category === 'sentry.event', JSON.stringify(b));
          assert.ok(b.timestamp <= ev.timestamp, `a crumb recorded before its event: ${JSON.stringify(b)} vs ${ev.timestamp}`);
        }
      }
      // The next page's own events do not carry the old page's breadcrumbs or scope.
      await page.evaluate(`F.captureMessage('on the login page'); F.flush(5000)`);
      await server.waitFor(() => server.events().some((e) => messageOf(e) === 'on the login page'));
      const own = server.events().find((e) => messageOf(e) === 'on the login page');
      assert.equal(own.tags, undefined);
      assert.equal(own.breadcrumbs, undefined);
    });
  });

  // The engine behaviour the next tests build on, on a page without the SDK.
  test(`${name}: a leaving page's pending fetch and import() are rejected ${name === 'firefox' ? 'before' : 'no earlier than'} its pagehide`, async () => {
    await scenario({}, async (page) => {
      await page.evaluate(`(() => {
        const log = (s) => localStorage.setItem('order', JSON.stringify([...JSON.parse(localStorage.getItem('order') || '[]'), s]));
        addEventListener('pagehide', () => log('pagehide'));
        addEventListener('unhandledrejection', () => log('unhandledrejection'));
        fetch('/slow/4000').catch(() => log('fetch rejected'));
        import('/slow/4000?handled').catch(() => log('import rejected'));
        import('/slow/4000?unhandled');
        setTimeout(() => { location.href = '/pages/sdk-basic/?next'; }, 0);
      })()`);
      await arrivedAt(page, '?next');
      const order = JSON.parse(await page.evaluate(`localStorage.getItem('order')`));
      if (name === 'firefox') {
        // As the navigation starts: the page still runs, its unhandledrejection listeners too.
        assert.deepEqual(order.slice(0, 3).sort(), ['fetch rejected', 'import rejected', 'unhandledrejection'], order.join());
        assert.equal(order.at(-1), 'pagehide', order.join());
      } else {
        assert.equal(order[0], 'pagehide', order.join());
      }
    });
  });

  // Firefox rejects a navigating page's pending loads (fetch, import()) as the navigation starts,
  // before its pagehide, and fires unhandledrejection for those nobody handles; Chromium lets them
  // run until the page unloads. The SDK's lazy transport module still loading when the page leaves
  // (as on a loaded machine or a slow network, where the redirect test above once delivered 6
  // events for 5 captures in Firefox): built here on purpose by holding it back at the server.
  const transportHeld = (ms) => ({ delayWasmMs: 1500, slow: [/^\/esm\/transport\.js$|^\/pages\/sdk-basic\/index\.html$/, ms] });
  const sdkOwn = (server) => server.events().filter((e) => /dynamically imported module|transport\.js/.test(JSON.stringify(e.exception || '')));
  const transportRequested = (server) => server.waitFor(() => server.requests.some((r) => r.path === '/esm/transport.js'), 10000, 'the transport module requested');

  test(`${name}: the SDK's transport module still loading when the page redirects: no event of the SDK's own, the captures delivered by the next page`, async () => {
    await scenario(transportHeld(3000), async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      await transportRequested(server);
      await leave(page, `for (let i = 0; i < 5; i++) F.captureException(new TypeError('held transport ' + (${word})(i)))`, '/pages/sdk-basic/?login');
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      const a = await settle(server, 5, 15000);
      assert.deepEqual(sdkOwn(server).map((e) => e.exception.values.at(-1).value), [], 'the SDK\'s own cancelled load is not the page\'s error');
      assert.equal(a.total, 5, JSON.stringify(a));
      assert.equal(a.delivered, 5, JSON.stringify(a));
    });
  });

  test(`${name}: the transport module still loading, and the next page slow to answer (a core is ready meanwhile): the captures delivered by the next page`, async () => {
    await scenario(transportHeld(1200), async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      await transportRequested(server);
      await leave(page, `for (let i = 0; i < 5; i++) F.captureException(new TypeError('held transport ' + (${word})(i)))`, '/pages/sdk-basic/index.html?login');
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      const a = await settle(server, 5, 15000);
      assert.deepEqual(sdkOwn(server).map((e) => e.exception.values.at(-1).value), [], 'the SDK\'s own cancelled load is not the page\'s error');
      // Before: Firefox's JS fallback core took the captures while no transport could load, and
      // the page left with them in it: nothing stashed, nothing counted (total 0); then, 300 ms
      // after the failed load, they were counted (internal_sdk_error) before the pagehide came.
      assert.equal(a.total, 5, JSON.stringify(a));
      assert.equal(a.delivered, 5, JSON.stringify(a));
    });
  });

  test(`${name}: a redirect chain (error, redirect, and the next page redirects again before its core is ready): the first page's captures delivered by the third`, async () => {
    await scenario({ delayWasmMs: 1500 }, async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      await leave(page, `for (let i = 0; i < 5; i++) F.captureException(new TypeError('first hop ' + (${word})(i)))`, '/pages/sdk-basic/?sso');
      // The second page takes the first one's record (its lazy part has loaded) and leaves too.
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      await page.waitFor(() => !Object.keys(localStorage).some((k) => k.startsWith('faultline:stash:')), undefined, 10000);
      await leave(page, '', '/pages/sdk-basic/?back');
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      const a = await settle(server, 5, 15000);
      // Before: the second page took the record and left without writing it back (0 of 5).
      assert.equal(a.total, 5, JSON.stringify(a));
      assert.equal(a.delivered, 5, JSON.stringify(a));
      assert.deepEqual(server.events().map((e) => e.request.url), Array(5).fill(server.origin + '/pages/sdk-basic/'), 'each with the URL of the page it happened in');
    });
  });

  // A tab hidden (switched away from) while the SDK loads: its record is written, since hidden may
  // be the last thing a page sees (a background tab discarded gets no pagehide); the page then
  // carries on, the core takes what waited, and the tab is discarded later. early: hidden before
  // the SDK's lazy part had even loaded (its module held back at the server).
  for (const early of [0, 1]) test(`${name}: hidden before the ${early ? 'lazy part has loaded' : 'core is ready'}, delivered while hidden, then the tab discarded (no pagehide): nothing sent or counted twice`, async () => {
    await scenario({ delayWasmMs: 1500, ...(early && { slow: [/^\/esm\/client\.js$/, 1500] }) }, async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      if (!early) await transportRequested(server);  // the lazy part has loaded (it asks for the transport as it starts)
      // 105 captures while the core loads: 100 wait in the early queue, 5 are counted (queue_overflow).
      await page.evaluate(`for (let i = 0; i < 105; i++) F.captureException(new Error('hidden ' + (${word})(i)))`);
      await page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'))`);
      assert.equal(await page.evaluate('F.flush(15000)'), true, 'the page carries on in the background and delivers');
      // Discarded while hidden: the storage stays as it is now, for the next page of the origin.
      const left = await page.evaluate(`JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith('faultline:stash:')))`);
      await page.goto(server.origin + '/pages/sdk-basic/?next');
      await page.evaluate(`(() => { localStorage.clear(); for (const [k, v] of ${left}) localStorage.setItem(k, v); })()`);
      await page.evaluate(initSrc(server.dsn));
      await page.evaluate('F.flush(5000)');
      const a = await settle(server, 105, 15000, 1500);
      // Before: the record still held the 100 captures and the 5 drops the page then delivered and
      // reported, so the next page sent the 100 again and counted 110; with the lazy part loading
      // after the record was written, the page took its own record back: 110, every event sent twice.
      assert.equal(a.total, 105, JSON.stringify(a));
      assert.equal(server.events().length, a.events, 'no event sent twice');
    });
  });

  // What carries no event_id (a client report, a session update) cannot be deduplicated by the
  // receiver: one still unanswered as the page leaves must not leave a second time.
  test(`${name}: a client report and a session update unanswered when the page leaves: each received once`, async () => {
    const receiver = await slowReceiver(3000);
    try {
      await scenario({}, async (page, server) => {
        const opts = `{ tunnel: ${JSON.stringify(receiver.url)}, sampleRate: 0, release: 'unload@1' }`;
        await page.evaluate(initSrc(server.dsn, opts));
        assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
        const sessions = () => receiver.items.filter((i) => i.header.type === 'session' && i.payload.init);
        await waitUntil(() => sessions().length === 1, 'the session update received');
        await page.evaluate(`for (let i = 0; i < 5; i++) F.captureException(new Error('sampled out ' + (${word})(i)))`);
        assert.equal(await page.evaluate('F.flush(300)'), false, 'the client report is still unanswered');
        const reports = () => receiver.items.filter((i) => i.header.type === 'client_report');
        await waitUntil(() => reports().length === 1, 'the client report received');
        await leave(page, '', '/pages/sdk-basic/?next');
        await new Promise((r) => setTimeout(r, 1500));
        const dropped = reports().flatMap((r) => r.payload.discarded_events).reduce((n, d) => n + d.quantity, 0);
        // Before: both were handed to keepalive/sendBeacon at pagehide and arrived twice (10 drops).
        assert.equal(dropped, 5, JSON.stringify(reports().map((r) => r.payload)));
        assert.equal(new Set(sessions().map((s) => s.payload.sid)).size, sessions().length, `each session started once: ${JSON.stringify(sessions().map((s) => s.payload.sid))}`);
      });
    } finally {
      await receiver.close();
    }
  });

  for (const held of [0, 1]) test(`${name}: localStorage full, errors before the core is ready${held ? ' (the transport module still loading)' : ''}, then a redirect: each delivered or counted, never both`, async () => {
    await scenario(held ? transportHeld(3000) : { delayWasmMs: 1500 }, async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
      if (held) await transportRequested(server);
      const filled = await page.evaluate(`(() => {
        let n = 0;
        for (const size of [1 << 20, 1 << 16, 1 << 10, 64, 1]) {
          const chunk = 'x'.repeat(size);
          try { for (let i = 0; i < 20000; i++) { localStorage.setItem('fill' + size + '_' + i, chunk); n += size; } } catch {}
        }
        return n;
      })()`);
      assert.ok(filled > 1e6, `storage filled with ${filled} bytes`);
      await leave(page, `for (let i = 0; i < 10; i++) F.captureException(new Error('storage full ' + (${word})(i)))`, '/pages/sdk-basic/?full');
      await page.evaluate('localStorage.clear()');
      await page.evaluate(initSrc(server.dsn));
      // Before: Chromium delivered the 10 and also reported them dropped (internal_sdk_error: 10);
      // with the transport held, Firefox counted 11 (its cancelled load, captured as the page's error).
      const a = await settle(server, 10, 15000);
      assert.equal(a.total, 10, `delivered ${a.delivered} + dropped ${JSON.stringify(a.dropped)} must be exactly 10`);
    });
  });

  test(`${name}: unload in the middle of a storm: the storm's occurrences and the distinct errors all accounted for`, async () => {
    await scenario({}, async (page, server) => {
      await page.evaluate(initSrc(server.dsn));
      assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
      await page.evaluate(`(() => { window.stormed = 0; const bugs = [() => null.x, () => undefined.y(), () => JSON.parse('{')];
        window.storm = setInterval(() => { for (let i = 0; i < 50; i++) { try { bugs[i % 3](); } catch (e) { F.captureException(e); window.stormed++; } } }, 5); })()`);
      // The storm is under way (over 100 captures) before the page leaves: waited for, not
      // assumed after a fixed 300 ms (the fresh-clone CI once counted fewer by then).
      let before = 0;
      for (const deadline = Date.now() + 10000; (before = await page.evaluate('window.stormed')) <= 100 && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(before > 100, `the storm is under way: ${before} captures`);
      await leave(page, `clearInterval(window.storm); for (let i = 0; i < 40; i++) F.captureException(new Error('mid-storm ' + (${word})(i))); window.name = String(window.stormed + 40)`, '/pages/sdk-basic/?after');
      const total = Number(await page.evaluate('window.name'));
      assert.ok(total >= before + 40);
      await page.evaluate(initSrc(server.dsn));
      const a = await settle(server, total);
      assert.equal(a.total, total, `storm of ${total}: ${JSON.stringify(a)}`);
    });
  });
}

test('chromium: offline, and the tab is closed at once: the next page of the origin delivers them', async () => {
  const b = await launchChromium();
  const server = await startServer();
  try {
    const ctx = await b.browser.newContext();
    const p1 = await ctx.newPage();
    await p1.goto(server.origin + '/pages/sdk-basic/');
    await p1.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
    assert.equal(await p1.evaluate('F.ready(15000)'), 'wasm');
    await ctx.setOffline(true);
    await p1.evaluate(`for (let i = 0; i < 30; i++) F.captureException(new Error('offline ' + (${word})(i)))`);
    await p1.close({ runBeforeUnload: false });
    await ctx.setOffline(false);
    const p2 = await ctx.newPage();
    await p2.goto(server.origin + '/pages/sdk-basic/');
    await p2.evaluate(initSrc(server.dsn));
    const a = await settle(server, 30);
    assert.equal(a.total, 30, JSON.stringify(a));
    assert.equal(a.delivered, 30);
    await ctx.close();
  } finally {
    await server.close();
    await b.close();
  }
});
