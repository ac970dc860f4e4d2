// A hostile world, in Chromium: a core pushed towards its memory limit, a core that aborts, the
// SDK's own code failing to load, init twice, a beforeSend that never answers, and page code that
// wraps or breaks the platform functions the SDK uses. In every case each occurrence is delivered
// or counted as dropped with a reason (in getStats and in the client reports the collector gets),
// and nothing throws into the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { word, settle as settleAll } from './lib/accounting.js';

const scenario = useChromiumScenarios();
const W = `(${word})`;

const settle = (server, expected, ms = 10000) => settleAll(server, expected, ms, 300);
const sum = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);

test('large breadcrumbs, extras and contexts, then 70 distinct errors in one task: no abort, every error accounted for', async () => {
  await scenario({ init: `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 }, transport: { queueCap: 1000 } })` }, async ({ page, server, pageErrors }) => {
    const stats = await page.evaluate(`(() => {
      const kb2 = 'x'.repeat(2000);
      for (let i = 0; i < 100; i++) console.log('crumb ' + i + ' ' + kb2, { blob: kb2, more: [kb2, kb2] });
      for (let i = 0; i < 50; i++) F.setExtra('extra' + i, { a: kb2, b: kb2, c: [kb2, kb2, kb2] });
      for (let i = 0; i < 20; i++) F.setContext('ctx' + i, { a: kb2, b: kb2 });
      for (let i = 0; i < 70; i++) F.captureException(new Error('distinct failure ' + ${W}(i)));
      return F.getStats();
    })()`);
    assert.equal(stats.core, 'wasm');
    assert.ok(!stats.restarts, 'the core never aborted');
    await page.evaluate('F.flush(8000)');
    const a = await settle(server, 70);
    assert.equal(a.total, 70, JSON.stringify(a));
    assert.equal(a.delivered, 70, 'the budgets trim events, they do not drop them');
    for (const e of server.envelopes) assert.ok(e.raw.length < 600 * 1024, `an envelope of ${e.raw.length} bytes`);
    const after = await page.evaluate('F.getStats()');
    assert.equal(after.core, 'wasm');
    assert.ok(after.heap_bytes <= 32 * 1024 * 1024, `heap ${after.heap_bytes}`);
    assert.deepEqual(pageErrors, []);
  });
});

test('a WASM abort is survived: the core restarts with its scope and breadcrumbs, the lost capture is counted', async () => {
  await scenario({ core: null }, async ({ page, server, pageErrors }) => {
    await page.evaluate(`(async () => {
      // Keep the module's imports, to call its abort() as a failed memory growth would.
      const inst = WebAssembly.instantiate;
      WebAssembly.instantiate = function (m, imports) { window.wasmImports = imports; return inst.apply(this, arguments); };
      const F = await import('/esm/index.js');
      window.F = F;
      F.init({ dsn: ${JSON.stringify('DSN')}.replace('DSN', window.dsn), aggregation: { windowMs: 0 } });
    })()`.replace('window.dsn', JSON.stringify(server.dsn)));
    assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
    const r = await page.evaluate(`(() => {
      F.setTag('tenant', 'acme');
      console.log('before the abort');
      F.captureException(new Error('queued before the abort'));
      const env = window.wasmImports.env || window.wasmImports.a;
      // The glue's abort import (what a failed memory growth or a C++ abort calls): named _abort
      // in a plain build; Closure Compiler (scripts/build.sh) renames it, and it reads
      // function(){X("")}: a call of the glue's abort(what) with no reason.
      const isAbort = (f) => typeof f == 'function' && (/abort/i.test(f.name) || (f.length === 0 && /^function\\s*[\\w$]*\\(\\)\\s*\\{\\s*[\\w$]+\\(""\\)\\s*;?\\s*\\}$/.test(String(f))));
      const aborts = Object.values(env).filter(isAbort);
      if (aborts.length !== 1) return 'the abort import was not recognized: ' + aborts.length + ' candidates';
      const abort = aborts[0];
      let threw = '';
      try { abort(); } catch (e) { threw = e.name; }
      F.captureException(new Error('after the abort'));
      return threw;
    })()`);
    assert.equal(r, 'RuntimeError');
    assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
    await page.evaluate('F.flush(5000)');
    await server.waitFor(() => server.events().some((e) => e.exception && e.exception.values.at(-1).value === 'after the abort'));
    const ev = server.events().find((e) => e.exception && e.exception.values.at(-1).value === 'after the abort');
    assert.deepEqual(ev.tags, { tenant: 'acme' }, 'the scope was rebuilt');
    assert.ok(ev.breadcrumbs.values.some((b) => b.message === 'before the abort'), 'the breadcrumbs were rebuilt');
    const stats = await page.evaluate('F.getStats()');
    assert.equal(stats.restarts, 1);
    const a = await settle(server, 2);
    assert.equal(a.total, 2, `the queued event is delivered or counted: ${JSON.stringify(a)}`);
    assert.deepEqual(pageErrors, []);
  });
});

for (const [what, block, mode] of [
  ['the lazy client.js chunk', /\/esm\/client\.js$/, 'failed'],
  ['both cores (.wasm and the JS fallback)', /\.wasm$|\/esm\/fallback\.js$/, 'failed'],
]) {
  test(`${what} returning 404: waiting captures are counted and reported, not left waiting`, async () => {
    await scenario({ server: { block }, core: null, init: `(F, dsn) => F.init({ dsn })` }, async ({ page, server, pageErrors }) => {
      await page.evaluate(`for (let i = 0; i < 130; i++) F.captureException(new Error('no core ' + ${W}(i)))`);
      assert.equal(await page.evaluate('F.ready(15000)'), mode);
      assert.equal(await page.evaluate('F.flush(500)'), false, 'flush does not claim success');
      await page.evaluate(`for (let i = 0; i < 20; i++) F.captureException(new Error('after the failure ' + i))`);
      const stats = await page.evaluate('F.getStats()');
      assert.equal(sum(stats.dropped), 150, JSON.stringify(stats));
      const a = await settle(server, 150);
      assert.equal(a.total, 150, JSON.stringify(a));
      assert.equal(a.delivered, 0);
      assert.equal((a.dropped.internal_sdk_error || 0) + (a.dropped.queue_overflow || 0), 150);
      assert.deepEqual(pageErrors, []);
    });
  });
}

test('init twice in a row: the first init\'s captures are handed over and delivered', async () => {
  await scenario({ server: { delayWasmMs: 300 }, core: null }, async ({ page, server }) => {
    await page.evaluate(`(async () => {
      const F = await import('/esm/index.js');
      window.F = F;
      F.init({ dsn: ${JSON.stringify(server.dsn)}, release: 'one' });
      F.captureException(new Error('captured on the first hub'));
      F.init({ dsn: ${JSON.stringify(server.dsn)}, release: 'two' });
      F.captureException(new Error('captured on the second hub'));
    })()`);
    assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
    assert.equal(await page.evaluate('F.flush(5000)'), true);
    const a = await settle(server, 2);
    assert.equal(a.delivered, 2, JSON.stringify(a));
  });
});

test('a beforeSend that never answers: flush says false, the event is counted as dropped after the time-out', async () => {
  await scenario({ init: `(F, dsn) => F.init({ dsn, beforeSendTimeout: 400, beforeSend: (ev) => ev.message === 'x' ? ev : new Promise(() => {}) })` }, async ({ page, server }) => {
    await page.evaluate(`F.captureException(new Error('answer never comes'))`);
    assert.equal(await page.evaluate('F.flush(200)'), false);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.evaluate('F.flush(2000)'), true);
    const stats = await page.evaluate('F.getStats()');
    assert.equal(stats.dropped.before_send, 1);
    const a = await settle(server, 1);
    assert.deepEqual([a.delivered, a.dropped.before_send], [0, 1]);
  });
});

test('the SDK\'s requests never go through the page\'s fetch wrappers, and a fetch that never settles does not hold them', async () => {
  await scenario({ core: null }, async ({ page, server, pageErrors }) => {
    await page.evaluate(`(async () => {
      // An app's fetch wrapper, installed before the SDK loads: adds its bearer token everywhere.
      window.seen = [];
      const orig = window.fetch;
      window.fetch = function (input, init) {
        window.seen.push(String(input && input.url || input));
        const h = new Headers(init && init.headers);
        h.set('Authorization', 'Bearer app-secret-token');
        return orig.call(this, input, { ...init, headers: h });
      };
      const F = await import('/esm/index.js');
      window.F = F;
      F.init({ dsn: ${JSON.stringify(server.dsn)}, aggregation: { windowMs: 0 }, transport: { requestTimeoutMs: 1000 } });
      await F.ready(15000);
      F.captureException(new Error('through a wrapped fetch'));
      await F.flush(3000);
      // Now a replacement that never settles.
      window.fetch = () => new Promise(() => {});
      F.captureException(new Error('while fetch hangs'));
    })()`);
    await page.evaluate('F.flush(4000)');
    const a = await settle(server, 2);
    assert.equal(a.delivered, 2, JSON.stringify(a));
    const posts = server.requests.filter((r) => r.path.startsWith('/api/'));
    assert.ok(posts.length >= 2);
    for (const r of posts) assert.equal(r.headers.authorization, undefined, 'no page header on the SDK\'s requests');
    const seen = await page.evaluate('window.seen');
    assert.ok(!seen.some((u) => u.includes('/api/') || u.endsWith('.wasm')), `the wrapper saw ${seen}`);
    assert.deepEqual(pageErrors, []);
  });
});

test('polluted prototypes and broken platform functions: distinct ids, every event delivered, nothing thrown', async () => {
  await scenario({ init: `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 }, beforeBreadcrumb: (b) => b.category === 'console' ? Promise.reject(new Error('async filter')) : b })` },
    async ({ page, server, pageErrors }) => {
      await page.evaluate(`(() => {
        // Setters only ('value' last: an inherited 'value' makes later accessor descriptors invalid).
        for (const k of ['event_id', 'type', 'timestamp', 'stack', 'exceptions', 'mechanism', 'value'])
          Object.defineProperty(Object.prototype, k, { set() { throw new Error('setter ' + k); }, configurable: true });
        crypto.getRandomValues = (a) => a;  // does nothing: all zeros
        JSON.stringify = () => { throw new Error('no JSON'); };
        JSON.parse = () => { throw new Error('no JSON'); };
        window.TextEncoder = function () { throw new Error('no TextEncoder'); };
        EventTarget.prototype.addEventListener = () => { throw new Error('no listeners'); };
        window.setTimeout = () => 0;
        console.log('a crumb whose filter rejects');
        for (let i = 0; i < 10; i++) F.captureException(new Error('hostile ' + ${W}(i)));
      })()`);
      await page.evaluate('F.flush(5000)');
      await new Promise((r) => setTimeout(r, 300));
      await page.evaluate(`(() => { for (const k of ['event_id', 'type', 'timestamp', 'stack', 'exceptions', 'mechanism', 'value']) delete Object.prototype[k]; })()`);
      const a = await settle(server, 10);
      assert.equal(a.delivered, 10, JSON.stringify(a));
      const ids = new Set(server.events().map((e) => e.event_id));
      assert.equal(ids.size, 10, 'distinct event ids without getRandomValues');
      // A getRandomValues that throws, then one that always returns the same bytes.
      await page.evaluate(`(() => {
        crypto.getRandomValues = () => { throw new Error('no entropy'); };
        for (let i = 0; i < 300; i++) F.captureException(new Error('throwing crypto ' + ${W}(i)));
        crypto.getRandomValues = (a) => a.fill(7);
        for (let i = 0; i < 300; i++) F.captureException(new Error('constant crypto ' + ${W}(i)));
      })()`);
      await page.evaluate('F.flush(8000)');
      const b = await settle(server, 610, 15000);
      assert.equal(b.total, 610, JSON.stringify(b));
      assert.equal(new Set(server.events().map((e) => e.event_id)).size, server.events().length, 'no two events share an id');
      assert.deepEqual(pageErrors, [], 'no unhandled rejection from the rejected beforeBreadcrumb');
    });
});

test('the console hook calls no getters of logged objects; fetch(obj) converts obj to a URL once', async () => {
  await scenario({ init: `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 } })` }, async ({ page, server }) => {
    const r = await page.evaluate(`(async () => {
      let gets = 0, strs = 0;
      const obj = { plain: 1, get secret() { gets++; return 'getter ran'; } };
      console.log('state', obj);
      const url = { toString() { strs++; return strs === 1 ? '/echo?first' : '/echo?second'; } };
      const res = await fetch(url);
      F.captureMessage('after');
      await F.flush(3000);
      return { gets, strs, status: res.status };
    })()`);
    assert.deepEqual(r, { gets: 0, strs: 1, status: 200 });
    const ev = server.events().find((e) => e.logentry?.formatted === 'after');
    const crumbs = ev.breadcrumbs.values;
    // Sentry's message format ("state [object Object]"); the arguments are a snapshot of the data
    // properties (the getter is named, not called; its key is then scrubbed as sensitive).
    assert.ok(crumbs.some((b) => b.category === 'console' && b.message === 'state [object Object]' && b.data.arguments[1].plain === 1 && 'secret' in b.data.arguments[1]), JSON.stringify(crumbs));
    assert.ok(crumbs.some((b) => b.category === 'fetch' && b.data.url.includes('/echo?first')));
    assert.ok(server.requests.some((q) => q.path === '/echo' && q.search === '?first'));
    assert.ok(!server.requests.some((q) => q.search === '?second'));
  });
});
