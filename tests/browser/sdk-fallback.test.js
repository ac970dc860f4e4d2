// The JS fallback in real headless Chromium: when the WASM core cannot load (the .wasm fails to
// download, or the page's CSP forbids WebAssembly compilation), errors are still reported as
// valid Sentry events through the same transport, marked faultline.core = js-fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromiumScenarios } from './pages/sdk-common/harness.js';
import { validateEvent } from '../node/lib/schema.js';

const scenario = useChromiumScenarios();
const top = (ev) => ev.exception.values.at(-1);
const msg = (ev) => ev.logentry && ev.logentry.formatted;  // the wire form (js/wire.js)
const init = `(F, dsn) => F.init({ dsn, release: 'fb@1', environment: 'test' })`;

test('when the .wasm cannot be downloaded, the JS fallback reports valid events with frames, scope and breadcrumbs', async () => {
  await scenario({ server: { blockWasm: true }, init, core: 'js-fallback' }, async ({ page, server, flush, pageErrors }) => {
    await page.evaluate(() => {
      F.setUser({ id: 'u-9' });
      F.setTag('plan', 'pro');
      console.log('a crumb before the error');
      throwLater(renderCart, null);
    });
    await page.waitForFunction((n) => window.F.getStats().captured >= n, 1, { timeout: 15000 });  // (the timer's throw: waited for, not a fixed pause)
    await page.evaluate(() => {
      try { checkout(null); } catch (e) { F.captureException(e); }
      F.captureMessage('fallback message', 'warning');
    });
    await flush();
    const evs = server.events();
    assert.equal(evs.length, 3);
    for (const ev of evs) {
      assert.deepEqual(validateEvent(ev), []);
      assert.equal(ev.tags['faultline.core'], 'js-fallback');
      assert.equal(ev.tags.plan, 'pro');
      assert.deepEqual(ev.user, { id: 'u-9' });
      assert.equal(ev.release, 'fb@1');
      assert.equal(ev.platform, 'javascript');
      assert.match(ev.event_id, /^[0-9a-f]{32}$/);
      assert.match(ev.contexts.trace.trace_id, /^[0-9a-f]{32}$/);
    }
    const uncaught = evs.find((e) => e.exception && top(e).mechanism.type === 'auto.browser.browserapierrors.setTimeout');
    assert.equal(top(uncaught).type, 'TypeError');
    assert.equal(top(uncaught).mechanism.handled, false);
    const last = top(uncaught).stacktrace.frames.at(-1);
    assert.equal(last.function, 'renderCart');
    assert.match(last.filename, /\/pages\/sdk-basic\/app\.js$/);
    assert.ok(last.lineno > 0 && last.colno > 0);
    assert.deepEqual(uncaught.breadcrumbs.values.map((b) => b.message).filter(Boolean), ['a crumb before the error']);
    const chained = evs.find((e) => e.exception && top(e).value === 'checkout failed').exception.values;
    assert.deepEqual(chained.map((x) => x.type), ['TypeError', 'Error']);
    assert.equal(chained[0].mechanism.type, 'chained');
    assert.equal(evs.find((e) => msg(e) === 'fallback message').level, 'warning');
    // The failed module load is the SDK's business, not the page's.
    assert.deepEqual(pageErrors, ["Cannot read properties of null (reading 'items')"]);
    assert.ok(!evs.some((e) => JSON.stringify(e).includes('faultline.wasm')), 'the SDK\'s own load failure is not reported as an app error');
    assert.equal((await page.evaluate(() => F.getStats())).core, 'js-fallback');
  });
});

test('a CSP without wasm-unsafe-eval makes the JS fallback take over; allowing it runs WASM', async () => {
  const csp = "default-src 'self'; script-src 'self' 'unsafe-inline'";
  await scenario({ server: { csp }, init, core: 'js-fallback' }, async ({ page, server, flush }) => {
    await page.evaluate(() => F.captureException(new TypeError('under a strict CSP')));
    await flush();
    const [ev] = server.events();
    assert.equal(top(ev).value, 'under a strict CSP');
    assert.equal(ev.tags['faultline.core'], 'js-fallback');
    assert.deepEqual(validateEvent(ev), []);
  });
  await scenario({ server: { csp: csp.replace("'unsafe-inline'", "'unsafe-inline' 'wasm-unsafe-eval'") }, init, core: 'wasm' }, async ({ page, server, flush }) => {
    await page.evaluate(() => F.captureException(new TypeError('WASM allowed')));
    await flush();
    const [ev] = server.events();
    assert.equal(ev.tags, undefined, 'no fallback tag from the WASM core');
    assert.equal(ev.contexts.faultline.count, 1);
  });
});

test('the fallback counts repeats instead of sending each one, and the counts add up', async () => {
  await scenario({ server: { blockWasm: true }, init, core: 'js-fallback' }, async ({ page, server, flush }) => {
    await page.evaluate(() => { for (let i = 0; i < 40; i++) { try { renderCart(null); } catch (e) { F.captureException(e); } } });
    await flush();
    const evs = server.events();
    assert.equal(evs.length, 2, 'one full event and one summary');
    assert.equal(evs.reduce((s, e) => s + e.contexts.faultline.count, 0), 40);
    const summary = evs.find((e) => e.contexts.faultline.summary);
    assert.equal(summary.contexts.faultline.count, 39);
    assert.equal(top(summary).type, 'TypeError', 'the summary is the last repeat in full');
    assert.ok(top(summary).stacktrace.frames.length > 0);
    assert.equal(summary.contexts.error_sampling.client_sample_rate, 1 / 39, 'Sentry weighs it as 39 occurrences');
    assert.equal(summary.tags['faultline.repeats'], '10-99');
    for (const ev of evs) assert.deepEqual(validateEvent(ev), []);
  });
});

test('the fallback\'s summaries carry the scope of their last repeat, not the scope at flush; two bugs through one function are two groups', async () => {
  await scenario({ server: { blockWasm: true }, init, core: 'js-fallback' }, async ({ page, server, flush }) => {
    await page.evaluate(() => {
      const fail = (kind) => { try { throw new TypeError(`${kind} failed`); } catch (e) { return e; } };
      for (let i = 0; i < 5; i++) { F.setTag('attempt', String(i)); F.captureException(fail('a')); }
      for (let i = 0; i < 3; i++) F.captureException(fail('c'), { tags: { step: String(i) } });
      F.setTag('attempt', 'after');
      // One helper throwing for two callers (the old key, title + innermost frame, merged them).
      const check = (v) => { if (!v) throw new TypeError('invalid input'); };
      const checkOrder = (v) => check(v), checkUser = (v) => check(v);
      for (let i = 0; i < 3; i++) { try { checkOrder(0); } catch (e) { F.captureException(e); } try { checkUser(0); } catch (e) { F.captureException(e); } }
    });
    await flush();
    const evs = server.events(), summaries = evs.filter((e) => e.contexts.faultline.summary);
    const of = (value) => summaries.filter((e) => top(e).value === value);
    assert.equal(of('a failed')[0].tags.attempt, '4');
    assert.equal(of('c failed')[0].tags.step, '2');
    assert.deepEqual(of('invalid input').map((e) => e.contexts.faultline.count), [2, 2], 'checkOrder\'s and checkUser\'s repeats apart');
    const callers = of('invalid input').map((e) => top(e).stacktrace.frames.at(-2).function).sort();
    assert.deepEqual(callers, ['checkOrder', 'checkUser']);
    assert.equal(evs.reduce((s, e) => s + e.contexts.faultline.count, 0), 14);
  });
});

test('the fallback filters secrets and, by default, e-mail and IP addresses', async () => {
  await scenario({ server: { blockWasm: true }, init, core: 'js-fallback' }, async ({ page, server, flush }) => {
    await page.evaluate(() => {
      F.setExtra('password', 'hunter2');
      F.setContext('session', { sessionId: 'abc', note: 'fine' });
      F.addBreadcrumb({ category: 'auth', message: 'GET /login?token=s3cr3t&page=2', data: { authorization: 'Bearer abcdefghijkl' } });
      F.captureMessage('mail alice@example.com from 10.1.2.3 with api_key=XYZ123');
    });
    await flush();
    const [ev] = server.events();
    const raw = JSON.stringify(ev);
    for (const secret of ['hunter2', 's3cr3t', 'abcdefghijkl', 'alice@example.com', '10.1.2.3', 'XYZ123']) assert.ok(!raw.includes(secret), secret);
    assert.equal(ev.extra.password, '[Filtered]');
    assert.equal(ev.breadcrumbs.values.at(-1).message, 'GET /login?token=[Filtered]&page=2');
    assert.match(msg(ev), /^mail \[email\] from \[ip\] with api_key=\[Filtered\]$/);
    assert.deepEqual(validateEvent(ev), []);
  });
});
