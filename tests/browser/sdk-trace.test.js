// Trace propagation in real headless Chromium: same-origin fetch/XHR carry sentry-trace and
// baggage (and W3C traceparent with propagateTraceparent, off by default as in Sentry) of the page's trace (a fresh span per request); third-party calls get
// nothing (so no CORS preflight is ever added) unless listed in tracePropagationTargets; headers
// the app set are kept; events carry the trace. The "third party" is a second loopback server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, wasmBuilt, startServer, scenario as run } from './pages/sdk-common/harness.js';

let browser;
let third;
before(async () => {
  assert.ok(wasmBuilt(), 'dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
  browser = await launch();
  third = await startServer({ cors: true });
});
after(async () => {
  await browser?.close();
  await third?.close();
});

const scenario = (opts, fn) => run(browser, opts, fn);
// propagateTraceparent: W3C traceparent too (Sentry's option; off by default, tested below).
const init = (extra = '', traceparent = true) => `(F, dsn) => F.init({ dsn, release: 'web@1.0 beta', environment: 'prod', propagateTraceparent: ${traceparent} ${extra} })`;
const TRACE_HEADERS = ['traceparent', 'sentry-trace', 'baggage'];

test('same-origin fetch and XHR carry the page trace with a fresh span each, and events carry the trace', async () => {
  await scenario({ init: init() }, async ({ page, server, flush }) => {
    const seen = await page.evaluate(async () => {
      const echo = async (input, init) => (await fetch(input, init)).json();
      const xhr = () => new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', '/echo');
        x.onload = () => resolve(JSON.parse(x.responseText));
        x.send();
      });
      const out = [await echo('/echo'), await echo('/echo', { method: 'POST', body: 'x' }), await xhr(), await echo(new Request('/echo')),
        await echo(new URL('/echo', location.href))];
      F.captureException(new Error('traced'));
      return out;
    });
    const parsed = seen.map((h) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(h.traceparent));
    assert.ok(parsed.every(Boolean), JSON.stringify(seen.map((h) => h.traceparent)));
    const traceId = parsed[0][1];
    assert.ok(parsed.every((m) => m[1] === traceId), 'one trace per page load');
    assert.equal(new Set(parsed.map((m) => m[2])).size, parsed.length, 'a fresh span id per request');
    seen.forEach((h, i) => {
      assert.equal(h['sentry-trace'], `${traceId}-${parsed[i][2]}`);
      assert.equal(h.baggage, `sentry-trace_id=${traceId},sentry-public_key=7e57c0de7e57c0de7e57c0de7e57c0de,sentry-release=web%401.0%20beta,sentry-environment=prod`);
    });
    await flush();
    const [ev] = server.events();
    assert.equal(ev.contexts.trace.trace_id, traceId);
    assert.match(ev.contexts.trace.span_id, /^[0-9a-f]{16}$/);
    const posts = server.requests.filter((r) => r.path.includes('/envelope'));
    assert.ok(posts.length >= 1);
    assert.ok(posts.every((r) => TRACE_HEADERS.every((h) => r.headers[h] === undefined)), 'the SDK\'s own delivery is not traced');
  });
});

test('by default (as in Sentry) requests carry sentry-trace and baggage but no traceparent, which a server\'s CORS rules may not allow', async () => {
  await scenario({ init: init('', false) }, async ({ page }) => {
    const r = await page.evaluate(async () => ({
      fetch: await (await fetch('/echo')).json(),
      xhr: await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', '/echo');
        x.onload = () => resolve(JSON.parse(x.responseText));
        x.send();
      }),
      data: F.getTraceData(),
    }));
    for (const h of [r.fetch, r.xhr, r.data]) {
      assert.equal(h.traceparent, undefined);
      assert.match(h['sentry-trace'], /^[0-9a-f]{32}-[0-9a-f]{16}$/);
      assert.match(h.baggage, /^sentry-trace_id=[0-9a-f]{32},/);
    }
  });
});

test('third-party fetch and XHR get no trace headers, so no CORS preflight is added', async () => {
  third.requests.length = 0;
  await scenario({ init: init() }, async ({ page }) => {
    const r = await page.evaluate(async (origin) => {
      const a = await (await fetch(origin + '/echo')).json();
      const b = await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', origin + '/echo');
        x.onload = () => resolve(JSON.parse(x.responseText));
        x.send();
      });
      return [a, b];
    }, third.origin);
    for (const h of r) for (const name of TRACE_HEADERS) assert.equal(h[name], undefined, name);
    assert.deepEqual(third.requests.map((q) => q.method), ['GET', 'GET'], 'no OPTIONS preflight');
  });
});

test('tracePropagationTargets opts third parties in, and then only what it lists is traced', async () => {
  third.requests.length = 0;
  await scenario({ init: init(`, tracePropagationTargets: [${JSON.stringify(third.origin)}, /\\/api\\/orders/]`) }, async ({ page }) => {
    const r = await page.evaluate(async (origin) => ({
      third: await (await fetch(origin + '/echo')).json(),
      same: await (await fetch('/echo')).json(),
      listed: (await fetch('/api/orders/7')).status,
    }), third.origin);
    assert.match(r.third.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    assert.equal(r.same.traceparent, undefined, 'same origin is not a target when targets are given');
    assert.ok(third.requests.some((q) => q.method === 'OPTIONS'), 'the app opted in: the browser preflights');
  });
  await scenario({ init: init(`, tracePropagationTargets: [/\\/api\\/orders/]`) }, async ({ page, server }) => {
    await page.evaluate(() => fetch('/api/orders/7'));
    const q = server.requests.find((x) => x.path === '/api/orders/7');
    assert.match(q.headers.traceparent, /^00-/);
  });
});

// As @sentry/browser decides (the targets tested against the absolute URL and, same origin, its
// path): a same-origin Request or URL object is traced by a path target as the string is. Before,
// the targets were tested against the string the app passed, so /^\/api\// missed the absolute URL
// of `new Request('/api/…')` and `new URL('/api/…', location.href)`.
test('a path target traces a same-origin fetch whatever its input: string, Request, URL; XHR too; a path target does not match another origin', async () => {
  third.requests.length = 0;
  await scenario({ init: init(`, tracePropagationTargets: [/^\\/api\\//]`) }, async ({ page, server }) => {
    await page.evaluate(async (origin) => {
      await fetch('/api/orders/1');
      await fetch(new Request('/api/orders/2'));
      await fetch(new URL('/api/orders/3', location.href));
      await fetch(new Request('/api/orders/4', { method: 'POST', body: 'x' }), { headers: { 'X-App': 'init' } });
      await new Promise((resolve) => { const x = new XMLHttpRequest(); x.open('GET', new URL('/api/orders/5', location.href)); x.onloadend = resolve; x.send(); });
      await fetch(origin + '/api/orders/6').catch(() => {});
      await fetch('/echo');
    }, third.origin);
    for (const n of [1, 2, 3, 4, 5]) {
      const q = server.requests.find((x) => x.path === `/api/orders/${n}`);
      assert.ok(q, `request ${n} arrived`);
      assert.match(q.headers['sentry-trace'] || '', /^[0-9a-f]{32}-[0-9a-f]{16}$/, `request ${n} is traced`);
      assert.match(q.headers.baggage || '', /sentry-trace_id=/);
    }
    assert.equal(server.requests.find((x) => x.path === '/api/orders/4').headers['x-app'], 'init', 'the init headers still win over the Request\'s');
    assert.equal(server.requests.find((x) => x.path === '/echo').headers['sentry-trace'], undefined, 'a same-origin path the targets do not list is not traced');
    const other = third.requests.find((x) => x.path === '/api/orders/6' && x.method !== 'OPTIONS');
    assert.ok(!third.requests.some((x) => x.method === 'OPTIONS') && other && other.headers['sentry-trace'] === undefined, 'another origin\'s /api/ path is not a target of a path rule');
  });
});

test('trace headers the app set are kept, and its baggage is extended rather than replaced', async () => {
  await scenario({ init: init() }, async ({ page }) => {
    const appTrace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const r = await page.evaluate(async (appTrace) => {
      const echo = async (init) => (await fetch('/echo', init)).json();
      const init = Object.freeze({ headers: Object.freeze({ traceparent: appTrace }) });
      const out = {
        ownTrace: await echo(init),
        ownBaggage: await echo({ headers: new Headers({ baggage: 'userId=alice,isProduction=false', 'x-app': 'kept' }) }),
        ownSentryBaggage: await echo({ headers: [['baggage', 'sentry-trace_id=mine']] }),
        xhr: await new Promise((resolve) => {
          const x = new XMLHttpRequest();
          x.open('GET', '/echo');
          x.setRequestHeader('baggage', 'k=v');
          x.setRequestHeader('sentry-trace', '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331');
          x.onload = () => resolve(JSON.parse(x.responseText));
          x.send();
        }),
        xhrBaggage: await new Promise((resolve) => {
          const x = new XMLHttpRequest();
          x.open('GET', '/echo');
          x.setRequestHeader('baggage', 'k=v');
          x.onload = () => resolve(JSON.parse(x.responseText));
          x.send();
        }),
        initUntouched: JSON.stringify(init),
      };
      return out;
    }, appTrace);
    assert.equal(r.ownTrace.traceparent, appTrace);
    assert.equal(r.ownTrace['sentry-trace'], undefined, 'the app\'s trace is kept whole');
    assert.equal(r.ownTrace.baggage, undefined);
    assert.equal(r.initUntouched, JSON.stringify({ headers: { traceparent: appTrace } }));
    assert.equal(r.ownBaggage['x-app'], 'kept');
    assert.match(r.ownBaggage.baggage, /^userId=alice,isProduction=false, sentry-trace_id=[0-9a-f]{32},sentry-public_key=7e57c0de7e57c0de7e57c0de7e57c0de,/);
    assert.match(r.ownBaggage.traceparent, /^00-/);
    assert.equal(r.ownSentryBaggage.baggage, 'sentry-trace_id=mine');
    assert.equal(r.xhr['sentry-trace'], '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331');
    assert.equal(r.xhr.traceparent, undefined);
    assert.equal(r.xhr.baggage, 'k=v');
    assert.match(r.xhrBaggage.baggage, /^k=v, sentry-trace_id=[0-9a-f]{32},/);
  });
});
