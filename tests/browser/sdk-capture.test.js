// The SDK's capture paths in real headless Chromium with the real WASM core: uncaught errors and
// rejections, synthesized events, cause chains, scope, beforeSend, filters with their client
// reports, and hostile values. A loopback server serves the page and records the envelopes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, wasmBuilt, scenario as run } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

let browser;
before(async () => {
  assert.ok(wasmBuilt(), 'dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
  browser = await launch();
});
after(async () => { await browser?.close(); });

const top = (ev) => ev.exception.values.at(-1);
const msg = (ev) => ev.logentry && ev.logentry.formatted;  // the wire form (js/wire.js)

const scenario = (opts, fn) => run(browser, opts, fn);

const basic = (extra = '') => `(F, dsn) => F.init({ dsn, release: 'app@2.0.0', environment: 'test', aggregation: { windowMs: 0 } ${extra} })`;

test('an uncaught TypeError in a timer callback becomes an unhandled event (Sentry\'s setTimeout mechanism) with the page frames, and still reaches the page', async () => {
  await scenario({ init: basic() }, async ({ page, server, pageErrors }) => {
    await page.evaluate(() => throwLater(renderCart, null));
    const [ev] = await server.waitFor(() => server.events().length && server.events(), 8000, 'the event');
    assert.deepEqual(validateEvent(ev), []);
    const ex = top(ev);
    assert.equal(ex.type, 'TypeError');
    assert.match(ex.value, /Cannot read properties of null \(reading 'items'\)/);
    assert.deepEqual([ex.mechanism.type, ex.mechanism.handled], ['auto.browser.browserapierrors.setTimeout', false]);
    const last = ex.stacktrace.frames.at(-1);
    assert.equal(last.function, 'renderCart');
    assert.match(last.filename, /\/pages\/sdk-basic\/app\.js$/);
    assert.equal(ev.release, 'app@2.0.0');
    assert.match(ev.request.url, /^http:\/\/.+\/pages\/sdk-basic\/$/);  // the core masks the IP in the host
    assert.match(ev.contexts.trace.trace_id, /^[0-9a-f]{32}$/);
    // The SDK observes; the browser's own handling of the error is unchanged.
    await server.waitFor(() => pageErrors.length, 5000, 'the page error');
    assert.equal(pageErrors.length, 1);
    assert.match(pageErrors[0], /reading 'items'/);
  });
});

test('an ErrorEvent without an error object is rebuilt from its message, file and position', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    await page.evaluate((file) => {
      window.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RangeError: index 9 is out of range', filename: file, lineno: 3, colno: 10 }));
    }, server.origin + '/pages/sdk-basic/app.js');
    await flush();
    const [ev] = server.events();
    const ex = top(ev);
    assert.equal(ex.type, 'RangeError');
    assert.equal(ex.value, 'index 9 is out of range');
    assert.equal(ex.mechanism.synthetic, true);
    assert.equal(ex.mechanism.type, 'auto.browser.global_handlers.onerror');
    assert.deepEqual(ex.stacktrace.frames.map((f) => [f.filename, f.lineno, f.colno]), [[server.origin + '/pages/sdk-basic/app.js', 3, 10]]);
    assert.deepEqual(validateEvent(ev), []);
  });
});

test('a cross-origin script failure is dropped by the default scriptError filter (counted), or with the filter off arrives as "Script error."; nothing of the third party leaks', async () => {
  const third = await startServer();
  try {
    await scenario({ init: basic() }, async ({ page, server, flush }) => {
      await page.evaluate((src) => new Promise((resolve) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = s.onerror = resolve;
        document.head.append(s);
      }), third.origin + '/pages/sdk-basic/third-party.js');
      await flush();
      assert.deepEqual(server.events(), []);
      assert.equal((await page.evaluate(() => F.getStats())).filtered.script_error, 1);
      assert.ok(server.reports().some((r) => r.discarded_events.some((d) => d.reason === 'event_processor')), 'reported as Sentry reports a filtered event');
      assert.ok(!server.envelopes.some((e) => e.raw.includes('secret third-party detail')));
    });
    await scenario({ init: basic(', inboundFilters: { scriptError: false }') }, async ({ page, server, flush }) => {
      await page.evaluate((src) => new Promise((resolve) => {
        const s = document.createElement('script');  // no crossorigin attribute: the browser hides the details
        s.src = src;
        s.onload = s.onerror = resolve;
        document.head.append(s);
      }), third.origin + '/pages/sdk-basic/third-party.js');
      await flush();
      const [ev] = server.events();
      assert.equal(top(ev).value, 'Script error.');
      assert.equal(top(ev).mechanism.synthetic, true);
      assert.ok(!server.envelopes.some((e) => e.raw.includes('secret third-party detail')));
      assert.deepEqual(validateEvent(ev), []);
    });
  } finally {
    await third.close();
  }
});

test('unhandled rejections keep Error types and stacks; other reasons become synthetic events in Sentry wording; the browser still reports each one', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush, pageErrors }) => {
    await page.evaluate(() => {
      rejectLater(new SyntaxError('unexpected token in config'));
      rejectLater('plain string reason');
      rejectLater(null);
      rejectLater({ code: 7, detail: 'x' });
      rejectLater(Symbol('sym'));
      rejectLater(12345678901234567890n);
    });
    await page.waitForFunction((n) => window.F.getStats().captured >= n, 6, { timeout: 15000 });  // (the reports are tasks of their own: waited for, not a fixed pause)
    await flush();
    const evs = server.events();
    assert.equal(evs.length, 6);
    for (const ev of evs) {
      assert.deepEqual(validateEvent(ev), []);
      assert.deepEqual([top(ev).mechanism.type, top(ev).mechanism.handled], ['auto.browser.global_handlers.onunhandledrejection', false]);
    }
    const byValue = Object.fromEntries(evs.map((e) => [top(e).value, top(e)]));
    const err = byValue['unexpected token in config'];
    assert.equal(err.type, 'SyntaxError');
    assert.ok(err.stacktrace.frames.length >= 1);
    assert.equal(err.mechanism.synthetic, undefined);
    for (const v of ['Non-Error promise rejection captured with value: plain string reason', 'Non-Error promise rejection captured with value: null',
      'Object captured as promise rejection with keys: code, detail', 'Non-Error promise rejection captured with value: Symbol(sym)',
      'Non-Error promise rejection captured with value: 12345678901234567890']) {
      assert.ok(byValue[v], `missing ${v}; got ${Object.keys(byValue).join(' | ')}`);
      assert.equal(byValue[v].type, 'UnhandledRejection');
      assert.equal(byValue[v].mechanism.synthetic, true);
    }
    // The SDK observes: the browser's own "Uncaught (in promise)" report is not cancelled (a
    // window.onunhandledrejection that returns false would cancel it).
    await server.waitFor(() => pageErrors.length >= 6, 5000, 'the page errors');
    assert.equal(pageErrors.length, 6);
    assert.ok(pageErrors.some((m) => /unexpected token in config/.test(m)));
  });
});

test('error.cause chains and AggregateError members become linked exceptions, bounded in depth and safe from cycles', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    await page.evaluate(() => {
      try { checkout(null); } catch (e) { F.captureException(e); }
      F.captureException(new AggregateError([new Error('first member'), new TypeError('second member')], 'several uploads failed'));
      const loop = new Error('cause loop');
      loop.cause = loop;
      F.captureException(loop);
      let deep = new Error('level 0');
      for (let i = 1; i < 20; i++) deep = new Error(`level ${i}`, { cause: deep });
      F.captureException(deep);
    });
    await flush();
    const evs = server.events();
    assert.equal(evs.length, 4);
    for (const ev of evs) assert.deepEqual(validateEvent(ev), []);
    const find = (v) => evs.find((e) => top(e).value === v).exception.values;

    const chain = find('checkout failed');
    assert.deepEqual(chain.map((x) => x.type), ['TypeError', 'Error'], 'the thrown error is last, its cause before it');
    assert.equal(chain[0].mechanism.type, 'chained');
    assert.equal(chain[0].mechanism.source, 'cause');
    assert.equal(chain[0].mechanism.parent_id, chain[1].mechanism.exception_id);
    assert.equal(chain[0].stacktrace.frames.at(-1).function, 'renderCart');
    assert.equal(chain[1].mechanism.handled, true);

    const agg = find('several uploads failed');
    assert.equal(agg.length, 3);
    assert.equal(agg.at(-1).type, 'AggregateError');
    assert.equal(agg.at(-1).mechanism.is_exception_group, true);
    assert.deepEqual(agg.slice(0, 2).map((x) => x.mechanism.source).sort(), ['errors[0]', 'errors[1]']);
    assert.deepEqual(agg.slice(0, 2).map((x) => x.value).sort(), ['first member', 'second member']);

    assert.equal(find('cause loop').length, 1);
    const deep = find('level 19');
    assert.equal(deep.length, 6, 'the cause chain is cut at depth 5');
    assert.deepEqual(deep.map((x) => x.value), ['level 14', 'level 15', 'level 16', 'level 17', 'level 18', 'level 19']);
  });
});

test('scope setters, withScope and per-call capture contexts shape events; ids match lastEventId', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    const ids = await page.evaluate(() => {
      F.setUser({ id: 42, segment: 'beta', plan_started: 2019 });
      F.setTag('plan', 'pro');
      F.setTags({ region: 'eu', shard: 3 });
      F.setExtra('cart', { items: 3 });
      F.setExtras({ flags: ['a', 'b'] });
      F.setContext('app', { build: 'b7' });
      const inside = F.withScope((scope) => {
        scope.setTag('inner', 'yes').setLevel('warning').setFingerprint(['custom-group']);
        return F.captureMessage('inside the scope');
      });
      F.withScope((scope) => {
        scope.setFingerprint(['custom-group']);
        F.captureMessage('a different message in the same custom group');
      });
      const outside = F.captureMessage('outside the scope', 'debug');
      const ctx = F.captureException(new Error('with a context'), { tags: { via: 'object' }, extra: { k: 'v' }, level: 'fatal' });
      const fn = F.captureException(new Error('with a scope function'), (scope) => scope.setTag('via', 'function').setUser({ id: 'u-2' }));
      return { inside, outside, ctx, fn, last: F.lastEventId() };
    });
    await flush();
    const evs = server.events();
    const by = (pred) => evs.find(pred);
    const inside = by((e) => msg(e) === 'inside the scope');
    const outside = by((e) => msg(e) === 'outside the scope');
    const ctx = by((e) => e.exception && top(e).value === 'with a context');
    const fn = by((e) => e.exception && top(e).value === 'with a scope function');
    assert.equal(inside.event_id, ids.inside);
    assert.equal(outside.event_id, ids.outside);
    assert.equal(ids.last, ids.fn);
    assert.equal(fn.event_id, ids.fn);
    assert.deepEqual(inside.tags, { plan: 'pro', region: 'eu', shard: '3', inner: 'yes' });  // as Relay stores them (beforeSend sees 3)
    assert.equal(inside.level, 'warning');
    // A custom fingerprint travels as Sentry's list, so a Sentry server groups by it too.
    const sameGroup = by((e) => msg(e) === 'a different message in the same custom group');
    assert.deepEqual(inside.fingerprint, ['custom-group']);
    assert.deepEqual(sameGroup.fingerprint, ['custom-group']);
    assert.equal(inside.contexts.faultline.fingerprint, sameGroup.contexts.faultline.fingerprint, 'one group in the core');
    assert.deepEqual(outside.tags, { plan: 'pro', region: 'eu', shard: '3' }, 'the scope was popped');
    assert.notDeepEqual(outside.fingerprint, inside.fingerprint);
    assert.equal(outside.level, 'debug');
    assert.deepEqual(outside.user, { id: '42', segment: 'beta', data: { plan_started: 2019 } }, 'the user as Relay stores it: unknown keys under data');
    assert.deepEqual(outside.extra, { cart: { items: 3 }, flags: ['a', 'b'] });
    assert.equal(outside.contexts.app.build, 'b7');
    assert.equal(ctx.level, 'fatal');
    assert.equal(ctx.tags.via, 'object');
    assert.equal(ctx.extra.k, 'v');
    assert.equal(fn.tags.via, 'function');
    assert.equal(fn.user.id, 'u-2');
    for (const ev of evs) assert.deepEqual(validateEvent(ev), []);
  });
});

test('repeats of a known error are counted without re-sending their texts, counts add up exactly, and a scope fingerprint starts its own group', async () => {
  const init = `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 60000 } })`;
  await scenario({ init }, async ({ page, server, flush }) => {
    const stats = await page.evaluate(() => {
      // 60 errors with the same texts (one throw site, one call path), captured in three stretches.
      const boom = (id) => { throw new TypeError(`cart ${id} is empty`); };
      const errs = Array.from({ length: 60 }, () => { try { boom(7); } catch (e) { return e; } });
      errs.slice(0, 40).forEach((e) => F.captureException(e));
      F.withScope((s) => { s.setFingerprint(['tenant-x']); errs.slice(40, 45).forEach((e) => F.captureException(e)); });
      errs.slice(45).forEach((e) => F.captureException(e));
      return F.getStats();
    });
    await flush();
    assert.equal(stats.captured, 60);
    assert.equal(stats.aggregated, 58, 'two full events: the bug, and the bug under its own fingerprint');
    assert.ok(stats.fast_repeats >= 50, `the repeats took the fast path: ${stats.fast_repeats}`);
    const byFp = {};
    for (const ev of server.events()) {
      const fp = ev.fingerprint[0];
      byFp[fp] = (byFp[fp] || 0) + ev.contexts.faultline.count;
      assert.deepEqual(validateEvent(ev), []);
    }
    assert.deepEqual(Object.values(byFp).sort((a, b) => a - b), [5, 55], JSON.stringify(byFp));
  });
});

test('a summary carries the scope of the last repeat it counts, not the scope at flush: scope changed between repeats, the fast path, per-call data, withScope', async () => {
  const init = `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 60000 } })`;
  await scenario({ init }, async ({ page, server, flush }) => {
    const stats = await page.evaluate(() => {
      const fail = (kind) => { try { throw new TypeError(`${kind} failed`); } catch (e) { return e; } };
      F.setTag('plan', 'free');
      for (let i = 0; i < 5; i++) { F.setTag('attempt', String(i)); F.captureException(fail('a')); }  // the scope changes before each repeat
      F.setUser({ id: 'u-1' });
      F.setContext('order', { id: 'o-1' });
      window.bErrors = Array.from({ length: 8 }, () => fail('b'));  // one stack: 5 now, 3 after the flush below
      for (const e of bErrors.slice(0, 5)) F.captureException(e);  // a steady scope: the fast path
      for (let i = 0; i < 5; i++) F.captureException(fail('c'), { tags: { step: String(i) } });  // the capture's own data
      F.withScope((scope) => { scope.setTag('inner', 'yes'); for (let i = 0; i < 3; i++) F.captureException(fail('d')); });
      F.setTag('attempt', 'after');
      F.setTag('plan', 'pro');
      F.setUser({ id: 'later' });
      F.setContext('order', { id: 'later' });
      return F.getStats();
    });
    await flush();
    assert.ok(stats.fast_repeats >= 4, `repeats under a steady scope took the fast path: ${stats.fast_repeats}`);
    const summary = (kind) => {
      const found = server.events().filter((e) => e.contexts.faultline.summary && top(e).value === `${kind} failed`);
      assert.equal(found.length, 1, `one summary of ${kind}`);
      assert.deepEqual(validateEvent(found[0]), []);
      return found[0];
    };
    const a = summary('a'), b = summary('b'), c = summary('c'), d = summary('d');
    assert.deepEqual([a.contexts.faultline.count, b.contexts.faultline.count, c.contexts.faultline.count, d.contexts.faultline.count], [4, 4, 4, 2]);
    assert.deepEqual([a.tags.attempt, a.tags.plan, a.user], ['4', 'free', undefined], 'a: the scope of its last repeat');
    assert.deepEqual([b.tags.attempt, b.tags.plan, b.user, b.contexts.order], ['4', 'free', { id: 'u-1' }, { id: 'o-1' }], 'b: counted on the fast path');
    assert.equal(c.tags.step, '4', 'c: its last repeat\'s own tags');
    assert.equal(d.tags.inner, 'yes', 'd: counted inside withScope');
    // The scope at flush is the page's now: a new capture shows it. Repeats after the flush, in the
    // same window, get a summary in full again (the flush took the kept input with its summary).
    const before = server.events().length;
    await page.evaluate(() => {
      F.captureException(new Error('after all'));
      for (const e of bErrors.slice(5)) F.captureException(e);
    });
    await flush();
    const later = server.events().slice(before);
    assert.equal(later.find((e) => e.exception && top(e).value === 'after all').tags.plan, 'pro');
    const again = later.find((e) => e.contexts.faultline.summary);
    assert.equal(again.contexts.faultline.count, 3);
    assert.equal(top(again).value, 'b failed', 'the summary is the last repeat in full, not the count alone');
    assert.equal(again.tags.plan, 'pro');
  });
});

test('an error captured by the app and then rethrown to onerror is one event', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush }) => {
    await page.evaluate(() => setTimeout(() => {
      const err = new Error('handled then rethrown');
      F.captureException(err);
      throw err;
    }));
    await page.waitForFunction((n) => window.F.getStats().captured >= n, 1, { timeout: 15000 });  // (the timer ran: its rethrow to onerror was in the same task)
    await flush();
    assert.deepEqual(server.events().map((e) => [top(e).value, top(e).mechanism.type]), [['handled then rethrown', 'generic']]);
  });
});

test('beforeSend can change, drop or delay events; a throwing beforeSend drops its event and never the page', async () => {
  const init = `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 },
    beforeSend(event, hint) {
      const m = event.message ? event.message : event.exception.values.at(-1).value;  // beforeSend: @sentry/browser's shape
      if (m === 'drop me') return null;
      if (m === 'explode') throw new Error('bug in beforeSend');
      if (event.message) event.tags = { ...event.tags, hint: String(hint.originalException) };  // Sentry's hint for a message: its text
      if (m === 'later') return new Promise((resolve) => setTimeout(() => resolve({ ...event, tags: { ...event.tags, async: 'yes' } }), 50));
      event.tags = { ...event.tags, original: String(hint.originalException && hint.originalException.name), id_in_hint: String(hint.event_id === event.event_id) };
      return event;
    } })`;
  await scenario({ init }, async ({ page, server, flush, pageErrors }) => {
    const threw = await page.evaluate(() => {
      try {
        F.captureMessage('drop me');
        F.captureMessage('explode');
        F.captureMessage('later');
        F.captureException(new RangeError('keep me'));
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(threw, false);
    await flush();
    const evs = server.events();
    assert.deepEqual(evs.map((e) => msg(e) || top(e).value).sort(), ['keep me', 'later']);
    const kept = evs.find((e) => !msg(e));  // (messages carry a stack too: attachStacktrace is on by default)
    assert.equal(kept.tags.original, 'RangeError');
    assert.equal(kept.tags.id_in_hint, 'true');
    assert.equal(evs.find((e) => msg(e) === 'later').tags.async, 'yes');
    assert.equal(evs.find((e) => msg(e) === 'later').tags.hint, 'later');
    for (const ev of evs) assert.deepEqual(validateEvent(ev), []);
    const discarded = server.reports().flatMap((r) => r.discarded_events);
    assert.deepEqual(discarded.filter((d) => d.category === 'error').map((d) => [d.reason, d.quantity]).sort(), [['before_send', 1], ['internal_sdk_error', 1]]);
    assert.deepEqual(pageErrors, []);
  });
});

test('ignoreErrors, denyUrls and sampleRate filter events before they are built, and the drops are reported', async () => {
  const init = `(F, dsn) => F.init({ dsn, aggregation: { windowMs: 0 }, ignoreErrors: ['ResizeObserver loop', /^Ignored by pattern/], denyUrls: [/sdk-basic\\/app\\.js/] })`;
  await scenario({ init }, async ({ page, server, flush }) => {
    await page.evaluate(() => {
      F.captureMessage('ResizeObserver loop limit exceeded');
      F.captureException(new Error('Ignored by pattern, really'));
      try { renderCart(null); } catch (e) { F.captureException(e); }  // thrown in app.js: denied
      F.captureMessage('this one is sent');
    });
    await flush();
    assert.deepEqual(server.events().map(msg), ['this one is sent']);
    const discarded = server.reports().flatMap((r) => r.discarded_events);
    assert.deepEqual(discarded, [{ reason: 'event_processor', category: 'error', quantity: 3 }]);
    // getStats() adds up: every capture is delivered or dropped, the filtered ones by their rule.
    const stats = await page.evaluate(() => F.getStats());
    assert.equal(stats.captured, 4);
    assert.deepEqual(stats.dropped, { event_processor: 3 });
    assert.deepEqual(stats.filtered, { ignore_errors: 2, deny_urls: 1 });
  });
  await scenario({ init: `(F, dsn) => F.init({ dsn, sampleRate: 0 })` }, async ({ page, server, flush }) => {
    await page.evaluate(() => { for (let i = 0; i < 5; i++) F.captureMessage(`sampled out ${i}`); });
    await flush();
    assert.equal(server.events().length, 0);
    assert.deepEqual(server.reports().flatMap((r) => r.discarded_events), [{ reason: 'sample_rate', category: 'error', quantity: 5 }]);
  });
});

test('hostile values and misuse of the API never throw into the page, and what is captured is well-formed', async () => {
  await scenario({ init: basic() }, async ({ page, server, flush, pageErrors }) => {
    const thrown = await page.evaluate(() => {
      const out = [];
      const attempt = (label, fn) => { try { fn(); } catch (e) { out.push(`${label}: ${e}`); } };
      const cyclic = { name: 'cyc' };
      cyclic.self = cyclic;
      cyclic.list = [cyclic, { back: cyclic }];
      const throwing = { get a() { throw new Error('getter'); }, toString() { throw new Error('toString'); }, toJSON() { throw new Error('toJSON'); } };
      const { proxy: revoked, revoke } = Proxy.revocable({}, {});
      revoke();
      const trap = () => { throw new Error('trap'); };
      const evil = new Proxy(new Error('proxied'), { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
      const wide = {};
      for (let i = 0; i < 5000; i++) wide['k' + i] = { deep: { deeper: { deepest: i } } };
      for (const v of [cyclic, throwing, revoked, evil, wide, Symbol('s'), 10n, NaN, undefined, () => 1, Object.create(null)]) {
        attempt('captureException', () => F.captureException(v));
        attempt('setExtra', () => F.setExtra('v', v));
        attempt('setTag', () => F.setTag('v', v));
        attempt('setContext', () => F.setContext('v', v));
        attempt('setUser', () => F.setUser(v));
        attempt('addBreadcrumb', () => F.addBreadcrumb({ message: 'm', data: { v } }));
        attempt('captureMessage', () => F.captureMessage(v));
        attempt('captureContext', () => F.captureException(new Error('ctx'), v));
      }
      attempt('addBreadcrumb(null)', () => F.addBreadcrumb(null));
      attempt('withScope(non-function)', () => F.withScope(42));
      attempt('withScope(throwing scope use)', () => F.withScope((s) => s.setExtra('x', revoked)));
      attempt('console', () => console.log(cyclic, throwing, revoked, Symbol('c'), 1n));
      return out;
    });
    assert.deepEqual(thrown, []);
    await flush();
    const evs = server.events();
    assert.ok(evs.length >= 11, `only ${evs.length} events`);
    for (const ev of evs) {
      assert.deepEqual(validateEvent(ev), []);
      assert.ok(JSON.stringify(ev).length < 200000, 'bounded');
    }
    assert.ok(evs.some((e) => top(e || {})?.value === 'Object captured as exception with keys: list, name, self'));
    assert.deepEqual(pageErrors, []);
    const stats = await page.evaluate(() => F.getStats());
    assert.equal(stats.core, 'wasm');
  });
});

test('the API is inert and silent before init, with enabled: false, without a DSN and after close', async () => {
  const server = await startServer();
  const p = await newPage(browser);
  try {
    await p.page.goto(server.origin + '/pages/sdk-basic/');
    const r = await p.page.evaluate(async (dsn) => {
      const F = await import('/esm/index.js');
      const out = [];
      const use = () => {
        F.captureException(new Error('x'));
        F.captureMessage('y');
        F.addBreadcrumb({ message: 'z' });
        F.setUser({ id: 1 });
        F.setTag('a', 'b');
        F.withScope((s) => s.setLevel('error'));
      };
      try { use(); out.push(await F.flush(100), F.lastEventId() ?? 'none'); } catch (e) { out.push('threw ' + e); }
      F.init({ dsn, enabled: false });
      try { use(); out.push(F.getStats().core); } catch (e) { out.push('threw ' + e); }
      F.init({ dsn: 'not a dsn' });
      try { use(); out.push(F.getStats().core); } catch (e) { out.push('threw ' + e); }
      F.init({ dsn });
      out.push(await F.ready(15000));
      out.push(await F.close(3000));
      try { use(); out.push(await F.flush(100)); } catch (e) { out.push('threw ' + e); }
      return out;
    }, server.dsn);
    assert.deepEqual(r, [false, 'none', 'disabled', 'disabled', 'wasm', true, false]);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(server.events().length, 0, 'nothing was sent');
    assert.deepEqual(p.pageErrors, []);
  } finally {
    await p.close();
    await server.close();
  }
});
