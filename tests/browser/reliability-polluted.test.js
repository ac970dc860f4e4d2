// Polluted prototypes and a broken platform, in Chromium and Firefox ESR (promise adoption, the
// beacon and IndexedDB are the engines' own): whatever a page puts on Object.prototype (an
// enumerable `then`, throwing setters) or breaks (JSON, TextEncoder, addEventListener,
// getRandomValues), every capture is delivered as a well-formed event carrying nothing of the
// pollution, or counted as dropped with a reason, and nothing throws into the page. The console
// hook runs no getter and no data-property read of a logged object, Proxies included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, wasmBuilt } from './pages/sdk-common/harness.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';
import { word, settle } from './lib/accounting.js';
import { crumbsOf } from './lib/events.js';

const W = `(${word})`;
// ('value' last: once Object.prototype has a `value`, every later accessor descriptor inherits it and is invalid.)
const SETTERS = ['event_id', 'type', 'timestamp', 'mechanism', 'exceptions', 'stack', 'value'];
// An enumerable `then` that swallows: a promise resolved with any plain object never settles.
const POLLUTE_THEN = `Object.prototype.then = function () { window.thenCalls = (window.thenCalls || 0) + 1; };`;
// The test drivers' own in-page code resolves promises with objects too: the pollution lives only
// inside one evaluate and is removed (and the platform restored) before it returns a string.
const SAVE = `const saved = { stringify: JSON.stringify, parse: JSON.parse, TE: window.TextEncoder, ael: EventTarget.prototype.addEventListener, grv: crypto.getRandomValues };`;
const UNPOLLUTE = `delete Object.prototype.then; for (const k of ${JSON.stringify(SETTERS)}) delete Object.prototype[k];
  Object.assign(JSON, { stringify: saved.stringify, parse: saved.parse }); window.TextEncoder = saved.TE;
  EventTarget.prototype.addEventListener = saved.ael; crypto.getRandomValues = saved.grv;`;
/** Waits in the page (timers and booleans only: no promise of an object) until `cond` or `ms`. */
const WAIT = `const wait = (cond, ms) => new Promise((r) => { const end = Date.now() + ms; const t = () => (cond() || Date.now() > end ? r(true) : setTimeout(t, 50)); t(); });`;
const SET_THROWING_SETTERS = `for (const k of ${JSON.stringify(SETTERS)})
  Object.defineProperty(Object.prototype, k, { set() { throw new Error('setter ' + k); }, configurable: true });`;

for (const [name, launch] of [['chromium', launchChromium], ['firefox', launchFirefox]]) {
  let browser;
  before(async () => {
    if (!wasmBuilt()) throw new Error('dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  async function scenario(serverOpts, fn) {
    const server = await startServer(serverOpts);
    const page = await browser.newPage();
    const pageErrors = [];
    if (name == 'chromium') page.raw.on('pageerror', (e) => pageErrors.push(String(e && e.message)));
    else page.raw.on('pageerror', (e) => pageErrors.push(String(e && e.message)));
    try {
      await page.goto(server.origin + '/pages/sdk-basic/');
      await page.evaluate(`(async () => { window.F = await import('/esm/index.js'); })()`);
      return await fn(page, server, pageErrors);
    } finally {
      await page.close();
      await server.close();
    }
  }

  /** Nothing of the pollution in what reached the collector. */
  function clean(server) {
    for (const ev of server.events()) {
      const text = JSON.stringify(ev);
      assert.ok(!/"then"|thenCalls|setter /.test(text), `no trace of the page's prototype in the event: ${text.slice(0, 400)}`);
      assert.match(ev.event_id, /^[0-9a-f]{32}$/);
    }
  }

  test(`${name}: an enumerable Object.prototype.then set before init: the JS fallback core delivers every event, with its scope and breadcrumbs`, async () => {
    await scenario({}, async (page, server, pageErrors) => {
      const r = JSON.parse(await page.evaluate(`(async () => {
        ${SAVE} ${WAIT}
        ${POLLUTE_THEN}
        F.init({ dsn: ${JSON.stringify(server.dsn)}, aggregation: { windowMs: 0 } });
        F.setTag('area', 'checkout'); F.setExtra('cart', { items: 2 }); F.setContext('app', { build: 7 }); F.setUser({ id: 'u1' });
        console.log('before the errors', { plain: 1 });
        for (let i = 0; i < 12; i++) F.captureException(new Error('polluted then ' + ${W}(i)));
        F.captureMessage('polluted message');
        F.captureException(new Error('polluted then ' + ${W}(0)));  // a repeat: counted into a summary
        const mode = await F.ready(15000);
        const flushed = await F.flush(5000);
        await wait(() => false, 500);
        const s = F.getStats(), out = { mode, flushed, dropped: { ...s.dropped }, internal: s.internal_errors, thenCalls: window.thenCalls || 0 };
        ${UNPOLLUTE}
        return JSON.stringify(out);
      })()`));
      assert.equal(r.mode, 'js-fallback', 'the platform promises of objects are captured by the page: the core that needs none');
      assert.equal(r.flushed, true);
      assert.deepEqual(r.dropped, {});
      assert.equal(r.internal, 0);
      const a = await settle(server, 14, 15000, 500);
      assert.equal(a.total, 14, JSON.stringify(a));
      assert.equal(a.delivered, 14, JSON.stringify(a));
      clean(server);
      const errs = server.events().filter((e) => e.exception && !e.logentry);  // (the message has a stack too: attachStacktrace)
      assert.equal(errs.length, 13);  // 12 distinct + the summary of the repeat
      for (const ev of server.events()) {
        assert.equal(ev.tags.area, 'checkout');
        assert.equal(ev.tags['faultline.core'], 'js-fallback');
        assert.deepEqual(ev.extra.cart, { items: 2 });
        assert.deepEqual(ev.contexts.app, { build: 7 });
        assert.equal(ev.user.id, 'u1');
        const con = crumbsOf(ev).filter((b) => b.category === 'console');
        assert.equal(con.length, 1, JSON.stringify(crumbsOf(ev)));
        assert.equal(con[0].message, 'before the errors [object Object]');
      }
      assert.deepEqual(pageErrors, []);
    });
  });

  // Descriptor literals inherit from Object.prototype: with an accessor named `value` (even a
  // setter alone) every {get, enumerable} descriptor is invalid, and esbuild's module helpers in the
  // script-tag build threw at load (window.Faultline undefined; the page's init then threw).
  const DESCRIPTOR_NAMES = ['value', 'writable', 'get', 'set', 'enumerable', 'configurable'];
  test(`${name}: accessors on Object.prototype named ${DESCRIPTOR_NAMES.join(', ')} before the script tag: the IIFE loads and delivers`, async () => {
    await scenario({}, async (page, server, pageErrors) => {
      const r = await page.evaluate(`(async () => {
        ${WAIT}
        window.sets = 0;
        for (const k of ${JSON.stringify(DESCRIPTOR_NAMES)})
          Object.defineProperty(Object.prototype, k, { __proto__: null, set() { window.sets++; }, configurable: true });
        const loaded = await new Promise((ok) => { const s = document.createElement('script'); s.src = '/dist/faultline.iife.js'; s.onload = () => ok('loaded'); s.onerror = () => ok('error'); document.head.append(s); });
        let out = loaded + ' ' + typeof window.Faultline;
        try {
          const FL = window.Faultline;
          FL.init({ dsn: ${JSON.stringify(server.dsn)}, aggregation: { windowMs: 0 } });
          FL.setTag('polluted', 'descriptors');
          for (let i = 0; i < 5; i++) FL.captureException(new Error('descriptor pollution ' + ${W}(i)));
          await wait(() => (FL.getStats().transport || {}).sent >= 5, 10000);
          out += ' ' + FL.getStats().core;
        } catch (e) { out += ' threw ' + e.message; }
        for (const k of ${JSON.stringify(DESCRIPTOR_NAMES)}) delete Object.prototype[k];
        return out;
      })()`);
      assert.match(r, /^loaded object (wasm|js-fallback)$/, r);
      const a = await settle(server, 5, 15000, 500);
      assert.equal(a.delivered, 5, JSON.stringify(a));
      for (const ev of server.events()) assert.equal(ev.tags.polluted, 'descriptors');
      assert.deepEqual(pageErrors, []);
    });
  });

  test(`${name}: Object.prototype.then set after the WASM core is ready: events leave with the beacon, none lost`, async () => {
    await scenario({}, async (page, server, pageErrors) => {
      await page.evaluate(`F.init({ dsn: ${JSON.stringify(server.dsn)}, aggregation: { windowMs: 0 } }); F.ready(15000)`);
      assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
      await page.evaluate(`(async () => {
        ${SAVE} ${WAIT}
        ${POLLUTE_THEN}
        F.setTag('late', 'yes');
        for (let i = 0; i < 8; i++) F.captureException(new TypeError('late pollution ' + ${W}(i)));
        await wait(() => F.getStats().transport.sent >= 8, 8000);
        ${UNPOLLUTE}
        return 1;
      })()`);
      const a = await settle(server, 8, 15000, 500);
      assert.equal(a.delivered, 8, JSON.stringify(a));
      clean(server);
      for (const ev of server.events()) assert.equal(ev.tags.late, 'yes');
      assert.deepEqual(pageErrors, []);
    });
  });

  test(`${name}: JS fallback core under throwing setters, a swallowing then, and broken JSON, TextEncoder, addEventListener and getRandomValues: distinct ids, every capture accounted for`, async () => {
    await scenario({ blockWasm: true }, async (page, server, pageErrors) => {
      await page.evaluate(`F.init({ dsn: ${JSON.stringify(server.dsn)}, aggregation: { windowMs: 0 } })`);
      assert.equal(await page.evaluate('F.ready(15000)'), 'js-fallback');
      await page.evaluate(`(async () => {
        ${SAVE} ${WAIT}
        ${SET_THROWING_SETTERS}
        ${POLLUTE_THEN}
        crypto.getRandomValues = (a) => a;  // does nothing: all zeros
        JSON.stringify = () => { throw new Error('no JSON'); };
        JSON.parse = () => { throw new Error('no JSON'); };
        window.TextEncoder = function () { throw new Error('no TextEncoder'); };
        EventTarget.prototype.addEventListener = () => { throw new Error('no listeners'); };
        F.setTag('type', 'a tag named like a setter'); F.setExtra('value', 'an extra named like a setter');
        for (let i = 0; i < 20; i++) F.captureException(new Error('hostile fallback ' + ${W}(i)));
        crypto.getRandomValues = () => { throw new Error('no entropy'); };
        for (let i = 20; i < 40; i++) F.captureException(new Error('hostile fallback ' + ${W}(i)));
        await F.flush(5000);
        await wait(() => false, 500);
        ${UNPOLLUTE}
        return 1;
      })()`);
      const a = await settle(server, 40, 15000, 500);
      assert.equal(a.total, 40, JSON.stringify(a));
      assert.equal(a.delivered, 40, JSON.stringify(a));
      clean(server);
      const evs = server.events();
      assert.equal(new Set(evs.map((e) => e.event_id)).size, evs.length, 'no two events share an id');
      for (const ev of evs) {
        assert.equal(ev.tags.type, 'a tag named like a setter');
        assert.equal(ev.extra.value, 'an extra named like a setter');
        assert.equal(ev.exception.values.at(-1).type, 'Error');
      }
      assert.deepEqual(pageErrors, []);
    });
  });

  test(`${name}: the console hook runs no getter and no data-property read of a logged object or Proxy beyond what the console itself does`, async () => {
    await scenario({}, async (page, server) => {
      // The same object and Proxy logged without the SDK (the engine's own console, which a
      // connected devtools client may make read more), then with the SDK's hook.
      const log = `(() => {
        const traps = [];
        const target = { plain: 1, nested: { deep: 2 }, get secret() { traps.push('getter'); return 'ran'; } };
        const trap = (n) => (...a) => { traps.push(n + ':' + String(typeof a[1] == 'symbol' ? a[1].description : a[1] ?? '')); return Reflect[n](...a); };
        const handler = {};
        for (const n of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply']) handler[n] = trap(n);
        console.log('proxy', new Proxy(target, handler));
        console.log('object', target);
        return traps;
      })()`;
      const baseline = await page.evaluate(log);
      await page.evaluate(`F.init({ dsn: ${JSON.stringify(server.dsn)} })`);
      assert.equal(await page.evaluate('F.ready(15000)'), 'wasm');
      const withSdk = await page.evaluate(log);
      await page.evaluate(`F.captureMessage('after the logs'); F.flush(5000)`);
      // What the hook added to what the console does.
      const added = [...withSdk];
      for (const t of baseline) { const i = added.indexOf(t); if (i >= 0) added.splice(i, 1); }
      // What is possible without knowing a Proxy (JavaScript cannot tell one): its own names and
      // one descriptor each are read (ownKeys, getOwnPropertyDescriptor), its prototype and
      // Symbol.toStringTag looked at (as Object.prototype.toString and instanceof do); no getter,
      // no `get` of a named property, no `has`, `set` or definition.
      const named = added.filter((t) => !/^(ownKeys|getOwnPropertyDescriptor|getPrototypeOf):|^get:Symbol\.toStringTag$/.test(t));
      assert.deepEqual(named, [], `traps beyond the own-key snapshot: ${added.join(', ')}`);
      assert.ok(added.filter((t) => t.startsWith('ownKeys')).length <= 1, added.join(', '));
      assert.ok(added.filter((t) => t.startsWith('getOwnPropertyDescriptor')).length <= 3, 'one descriptor per own key: ' + added.join(', '));
      await server.waitFor(() => server.events().length >= 1);
      const crumbs = crumbsOf(server.events()[0]).filter((b) => b.category === 'console');
      assert.equal(crumbs.length, 2);
      for (const b of crumbs) {
        const o = b.data.arguments[1];
        assert.equal(o.plain, 1);
        assert.ok(o.secret === '[Getter]' || o.secret === '[Filtered]', JSON.stringify(o));
      }
    });
  });
}
