// Stalls and hijacks an independent attacker found: a beforeSend that never answers when the page
// leaves, captures stashed at unload by a page with a beforeSend, a .wasm whose server never
// answers, and the page replacing what serialization relies on after the SDK is ready. In each,
// every occurrence is delivered or counted exactly once with a reason, nothing skips the
// beforeSend of the page that made it, and flush() answers a boolean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, wasmBuilt } from './pages/sdk-common/harness.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';
import { initSrc, arrivedAt, basicPage } from './lib/navigation.js';
import { word, settle } from './lib/accounting.js';

const tagging = (v) => `{ beforeSend: (e) => { e.tags = { ...e.tags, scrubbed_by: '${v}' }; return e; } }`;

/** Runs `body` in the page, then leaves it for `next` `ms` later. */
async function leave(page, body, next, ms = 0) {
  await page.evaluate(`(() => { ${body}; setTimeout(() => { location.replace(${JSON.stringify(next)}); }, ${ms}); return 1; })()`);
  await arrivedAt(page, next);
}

const launchers = [['chromium', launchChromium], ['firefox', launchFirefox]];
for (const [name, launch] of launchers) {
  let browser;
  before(async () => {
    if (!wasmBuilt()) throw new Error('dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  const scenario = (serverOpts, fn) => basicPage(browser, serverOpts, fn, startServer);

  test(`${name}: events whose beforeSend never answers, then the page leaves: each counted once, none sent by the next page`, async () => {
    await scenario({}, async (page, server) => {
      const n = 10;
      await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 }, beforeSend: () => new Promise(() => {}) }'));
      assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
      await leave(page, `for (let i = 0; i < ${n}; i++) F.captureException(new Error('never approved ' + (${word})(i)))`, '/pages/sdk-basic/?next', 300);
      await page.evaluate(initSrc(server.dsn));  // no beforeSend here
      await page.evaluate('F.flush(5000)');  // its client report carries what the record counted
      const a = await settle(server, n, 15000, 1500);
      assert.equal(a.delivered, 0, `nothing the page's beforeSend did not approve is sent: ${JSON.stringify(a)}`);
      assert.deepEqual(a.dropped, { before_send: n }, `each counted once: ${JSON.stringify(a)}`);
    });
  });

  // held: the SDK's transport module still loading as the page leaves (Firefox rejects it as the
  // navigation starts; that load once made an 8th capture of 7 there, the SDK's own rejection).
  for (const held of [0, 1]) test(`${name}: captures stashed before the core was ready${held ? ' (the transport module still loading)' : ''} by a page with a beforeSend: the next page sends them only through its own beforeSend`, async () => {
    for (const next of [null, 'next-page']) {
      await scenario({ delayWasmMs: 1500, ...(held && { slow: [/^\/esm\/transport\.js$/, 3000] }) }, async (page, server) => {
        const n = 7;
        await page.evaluate(initSrc(server.dsn, tagging('first-page')));
        if (held) await server.waitFor(() => server.requests.some((r) => r.path === '/esm/transport.js'), 10000, 'the transport module requested');
        await leave(page, `for (let i = 0; i < ${n}; i++) F.captureException(new TypeError('stashed ' + (${word})(i)))`, '/pages/sdk-basic/?next');
        await page.evaluate(initSrc(server.dsn, next ? tagging(next) : '{}'));
        await page.evaluate('F.flush(8000)');
        const a = await settle(server, n, 15000, 1000);
        assert.equal(a.total, n, JSON.stringify(a));
        if (!next) {
          assert.equal(a.delivered, 0, `no capture skips the beforeSend of the page that made it: ${JSON.stringify(a)}`);
          assert.deepEqual(a.dropped, { before_send: n });
        } else {
          assert.equal(a.delivered, n, JSON.stringify(a));
          for (const ev of server.events()) assert.equal(ev.tags.scrubbed_by, next, 'replayed through the next page\'s beforeSend');
        }
      });
    }
  });
}

// Engine-independent SDK logic: Chromium only.
{
  let browser;
  before(async () => { browser = await launchChromium(); });
  after(async () => { await browser?.close(); });
  const scenario = (serverOpts, fn) => basicPage(browser, serverOpts, fn, startServer);

  test('chromium: a .wasm whose server never answers: flush() says false (a boolean), then the JS fallback takes over after wasmTimeout and delivers', async () => {
    await scenario({ holdWasm: true }, async (page, server) => {
      await page.evaluate(initSrc(server.dsn, '{ wasmTimeout: 1500 }'));
      const early = await page.evaluate(`(async () => { for (let i = 0; i < 3; i++) F.captureException(new Error('while the wasm hangs ' + (${word})(i))); return await F.flush(300); })()`);
      assert.equal(early, false, 'flush() answers false while nothing could be delivered');
      assert.equal(await page.evaluate('F.ready(10000)'), 'js-fallback');
      assert.equal(await page.evaluate('F.flush(5000)'), true);
      const a = await settle(server, 3, 5000);
      assert.equal(a.delivered, 3, JSON.stringify(a));
    });
  });

  // What the page replaces after the SDK is ready; each restored after its run.
  const hijacks = {
    'a throwing Array.prototype.toJSON': [`Array.prototype.toJSON = function () { throw new Error('hijacked'); }`, 'delete Array.prototype.toJSON'],
    'an Object.prototype.toJSON that rewrites everything': [`Object.prototype.toJSON = function () { return 'rewritten'; }`, 'delete Object.prototype.toJSON'],
    'throwing JSON.stringify and JSON.parse': [`window.__J = [JSON.stringify, JSON.parse]; JSON.stringify = JSON.parse = () => { throw new Error('hijacked'); }`, '[JSON.stringify, JSON.parse] = window.__J'],
    'a throwing TextEncoder': [`window.__T = TextEncoder; window.TextEncoder = function () { throw new Error('hijacked'); }`, 'window.TextEncoder = window.__T'],
  };
  for (const core of ['wasm', 'js-fallback']) {
    for (const [what, [set, undo]] of Object.entries(hijacks)) {
      test(`chromium, ${core} core: ${what} after ready: every capture delivered intact`, async () => {
        await scenario(core === 'wasm' ? {} : { blockWasm: true }, async (page, server) => {
          const n = 13;
          await page.evaluate(initSrc(server.dsn, '{ aggregation: { windowMs: 0 } }'));
          assert.equal(await page.evaluate('F.ready(15000)'), core);
          const r = await page.evaluate(`(async () => {
            F.addBreadcrumb({ category: 'app', message: 'before', data: { list: [1, 2, 3] } });
            F.setExtra('list', [1, { a: [2] }]);
            ${set};
            let flushed;
            try {
              for (let i = 0; i < ${n} - 1; i++) F.captureException(new Error('hijacked serialization ' + (${word})(i)));
              F.captureMessage('hijacked message');
              flushed = await F.flush(8000);
            } finally { ${undo}; }
            return { flushed, stats: F.getStats() };
          })()`);
          const a = await settle(server, n, 5000);
          assert.equal(r.flushed, true, JSON.stringify(r.stats));
          assert.equal(a.delivered, n, `${JSON.stringify(a)} ${JSON.stringify(r.stats)}`);
          const evs = server.events();
          const values = evs.map((e) => e.exception?.values?.at(-1)?.value || e.logentry?.formatted || e.message).sort();
          assert.equal(new Set(values).size, n, values.join('|'));
          for (const ev of evs) {
            assert.deepEqual(ev.extra.list, [1, { a: [2] }], 'the SDK\'s data as the page set it before');
            const crumbs = Array.isArray(ev.breadcrumbs) ? ev.breadcrumbs : ev.breadcrumbs.values;
            assert.ok(crumbs.some((b) => b.message === 'before'), 'breadcrumbs kept');
          }
        });
      });
    }
  }
}
