// A Sentry transport of the app's own (`transport: (options) => ({ send, flush })`), in Chromium:
// it is called with the options @sentry/browser passes, its send gets every envelope Faultline
// sends (events, summaries, sessions, client reports) as Sentry's structure with the events in
// their wire form, its answers drive the rate limits, its failures are counted and never thrown
// into the page. Sentry's makeFetchTransport as `transport` is Faultline's own transport; called
// inside an app's wrapper it posts with fetch; makeBrowserOfflineTransport(custom) retries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib/browsers.js';
import { startRecorder } from './lib/recorder.js';
import { validateEvent, parseEnvelope } from '../node/lib/schema.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';

// The page defines the transports (functions cannot travel in the query string) and picks one.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>custom transport</title>
<script type="module">
import * as F from '/esm/index.js';
window.F = F;
const q = new URLSearchParams(location.search);
const cfg = JSON.parse(q.get('config') || '{}');
window.sent = [];  // every envelope a transport's send got, as JSON
window.calls = [];  // the options each factory was called with
window.answers = [];  // what the next sends answer: a response, 'reject' or 'throw' (default 200)
window.flushes = 0;
const record = (options) => window.calls.push({ ...options, recordDroppedEvent: typeof options.recordDroppedEvent });
const custom = (options) => {
  record(options);
  return {
    send(envelope) {
      window.sent.push(JSON.parse(JSON.stringify(envelope)));
      const a = window.answers.length ? window.answers.shift() : { statusCode: 200 };
      if (a === 'throw') throw new Error('transport threw');
      if (a === 'reject') return Promise.reject(new TypeError('Failed to fetch'));
      return Promise.resolve(a);
    },
    flush: (ms) => { window.flushes++; return Promise.resolve(true); },
  };
};
// An app's logging wrapper around Sentry's fetch transport.
const wrapped = (options) => {
  record(options);
  const t = F.makeFetchTransport(options);
  return { send: (env) => { window.sent.push(JSON.parse(JSON.stringify(env))); return t.send(env); }, flush: (ms) => t.flush(ms) };
};
const broken = () => { throw new Error('factory failed'); };
// Routing as Sentry's multiplexed transport does, by a matcher.
const dsn2 = 'http://${KEY}@' + location.host + '/2';
const mux = F.makeMultiplexedTransport(F.makeFetchTransport, ({ getEvent }) => { const ev = getEvent(); return ev && ev.tags && ev.tags.team == 'b' ? [{ dsn: dsn2, release: 'team-b@2.0' }] : []; });
// Sentry's documented default route: no matcher; beforeSend names the DSN in the event's extra.
const muxDefault = F.makeMultiplexedTransport(F.makeFetchTransport);
const routeInBeforeSend = (ev) => (ev.tags && ev.tags.team == 'b' ? { ...ev, extra: { ...ev.extra, [F.MULTIPLEXED_TRANSPORT_EXTRA_KEY]: [{ dsn: dsn2, release: 'team-b@2.0' }] } } : ev);
const transports = { custom, wrapped, broken, mux, muxDefault, fetch: F.makeFetchTransport, offline: F.makeBrowserOfflineTransport(custom) };
F.init({ dsn: 'http://${KEY}@' + location.host + '/1', release: 'shop@1.0.0', transport: transports[q.get('transport')], ...(q.get('transport') == 'muxDefault' && { beforeSend: routeInBeforeSend }), ...cfg });
window.boom = (m) => { try { null.x; } catch (e) { e.message = m; F.captureException(e); } };
F.ready().then((c) => { document.body.dataset.ready = c; });
</script></head><body></body></html>`;

let rec, browser;
before(async () => {
  rec = await startRecorder({ '/page.html': PAGE });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
});
after(async () => {
  await browser?.close();
  await rec?.close();
});

const QUIET = { integrations: { browserSession: false }, aggregation: { windowMs: 0 } };

async function open(transport, config = QUIET) {
  rec.clear();
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${rec.url}/page.html?transport=${transport}&config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30000 });
  return { page, ctx, pageErrors };
}

const sent = (page) => page.evaluate(() => window.sent);
const itemsOf = (envs, type) => envs.flatMap((e) => e[1].filter((i) => i[0].type == type).map((i) => i[1]));
const waitSent = (page, type, n) => page.waitForFunction(([t, k]) => window.sent.flatMap((e) => e[1]).filter((i) => i[0].type == t).length >= k, [type, n], { timeout: 15000 });

test('a custom transport is called with Sentry\'s options and gets events, sessions and client reports as Sentry envelopes, events in their wire form', async () => {
  const { page, ctx, pageErrors } = await open('custom', {
    transportOptions: { headers: { 'X-Proxy-Auth': 'abc' }, fetchOptions: { credentials: 'include' } },
  });
  await page.evaluate(() => {
    F.setTag('plan', 3);
    F.addBreadcrumb({ message: 'clicked buy', level: 'log' });
    window.boom('cart is empty');
    F.captureMessage('inventory degraded', 'warning');
    return F.flush(3000);
  });
  await waitSent(page, 'event', 2);
  const calls = await page.evaluate(() => window.calls);
  assert.equal(calls.length, 1, 'the factory is called once');
  const [c] = calls;
  assert.equal(c.url, `${rec.url}/api/1/envelope/?sentry_key=${KEY}&sentry_version=7&sentry_client=faultline.javascript.browser%2F${await page.evaluate(() => F.SDK_VERSION)}`);
  assert.equal(c.recordDroppedEvent, 'function');
  assert.deepEqual(c.headers, { 'X-Proxy-Auth': 'abc' });
  assert.deepEqual(c.fetchOptions, { credentials: 'include' });
  assert.equal(c.tunnel, undefined);

  const envs = await sent(page);
  for (const env of envs) {
    assert.ok(Array.isArray(env) && env.length == 2 && env[0] && typeof env[0] == 'object' && Array.isArray(env[1]), 'an envelope is [headers, items]');
    for (const [ih] of env[1]) {
      assert.equal(typeof ih.type, 'string');
      assert.equal(ih.length, undefined, 'item headers as Sentry builds them, without the framing length');
    }
  }
  const events = itemsOf(envs, 'event');
  const err = events.find((e) => !e.logentry);
  const msg = events.find((e) => e.logentry);  // (with a stack as well: attachStacktrace is on by default)
  assert.equal(err.exception.values.at(-1).value, 'cart is empty');
  assert.deepEqual(err.tags.plan, '3', 'wire form: tag values as strings');
  assert.ok(Array.isArray(err.breadcrumbs.values), 'wire form: breadcrumbs.values');
  assert.equal(err.breadcrumbs.values.find((b) => b.message == 'clicked buy').level, 'info');
  assert.deepEqual(msg.logentry, { formatted: 'inventory degraded' }, 'wire form: logentry.formatted');
  assert.equal(msg.message, undefined);
  for (const e of events) assert.deepEqual(validateEvent(e), [], 'each event as sent validates against the schema');
  const errEnv = envs.find((e) => e[1].some((i) => i[1] && i[1].event_id == err.event_id));
  assert.equal(errEnv[0].event_id, err.event_id, 'the envelope header names its event');
  assert.equal(rec.envelopes.length, 0, 'nothing was posted by Faultline itself');
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('sessions and client reports reach a custom transport too, and the tunnel is its url', async () => {
  const { page, ctx } = await open('custom', { tunnel: '/tunnel', sampleRate: 0 });
  await page.evaluate(() => { window.boom('sampled out'); return F.flush(3000); });
  await waitSent(page, 'client_report', 1);
  const envs = await sent(page);
  const [c] = await page.evaluate(() => window.calls);
  assert.equal(c.url, '/tunnel');
  assert.equal(c.tunnel, '/tunnel');
  const [session] = itemsOf(envs, 'session');
  assert.equal(session.init, true);
  assert.equal(session.attrs.release, 'shop@1.0.0');
  const [report] = itemsOf(envs, 'client_report');
  assert.deepEqual(report.discarded_events, [{ reason: 'sample_rate', category: 'error', quantity: 1 }]);
  assert.equal(itemsOf(envs, 'event').length, 0);
  assert.ok(envs.find((e) => e[1][0][0].type == 'session')[0].dsn, 'with a tunnel, the envelope header carries the DSN');
  await ctx.close();
});

test('a custom transport\'s rejections, throws and HTTP errors are counted (network_error, send_error), reported, and never reach the page', async () => {
  const { page, ctx, pageErrors } = await open('custom');
  await page.evaluate(() => {
    window.answers.push('reject', 'throw', { statusCode: 400 });
    window.boom('first');
    window.boom('second');
    window.boom('third');
  });
  await waitSent(page, 'event', 3);
  await page.waitForFunction(() => { const d = F.getStats().dropped; return d.network_error + d.send_error == 3; }, null, { timeout: 10000 });
  const stats = await page.evaluate(() => F.getStats());
  assert.deepEqual(stats.dropped, { network_error: 2, send_error: 1 });
  assert.equal(await page.evaluate(() => F.flush(3000)), true);
  await waitSent(page, 'client_report', 1);
  const envs = await sent(page);
  assert.equal(itemsOf(envs, 'event').length, 3, 'each envelope handed over once (no retry without makeBrowserOfflineTransport)');
  const [report] = itemsOf(envs, 'client_report');
  assert.deepEqual(report.discarded_events.sort((a, b) => a.reason.localeCompare(b.reason)),
    [{ reason: 'network_error', category: 'error', quantity: 2 }, { reason: 'send_error', category: 'error', quantity: 1 }]);
  assert.ok(await page.evaluate(() => window.flushes) >= 1, 'flush() flushes the custom transport');
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

test('a custom transport\'s answers drive the rate limits: X-Sentry-Rate-Limits for a category, 429 with Retry-After for all', async () => {
  const { page, ctx } = await open('custom');
  await page.evaluate(() => { window.answers.push({ statusCode: 200, headers: { 'x-sentry-rate-limits': '60:error:organization', 'retry-after': null } }); window.boom('limits errors'); });
  await waitSent(page, 'event', 1);
  await page.evaluate(() => { window.boom('during the limit'); F.captureMessage('also an error-category event'); return F.flush(2000); });
  let stats = await page.evaluate(() => F.getStats());
  assert.equal(stats.dropped.ratelimit_backoff, 2);
  assert.equal(itemsOf(await sent(page), 'event').length, 1, 'nothing more handed to send while errors are limited');
  await ctx.close();

  const second = await open('custom');
  await second.page.evaluate(() => { window.answers.push({ statusCode: 429, headers: { 'retry-after': '30', 'x-sentry-rate-limits': null } }); window.boom('refused'); });
  await waitSent(second.page, 'event', 1);
  await second.page.waitForFunction(() => F.getStats().dropped.ratelimit_backoff == 1, null, { timeout: 10000 });
  await second.page.evaluate(() => { window.boom('while backing off'); return F.flush(2000); });
  stats = await second.page.evaluate(() => F.getStats());
  assert.equal(stats.dropped.ratelimit_backoff, 2, 'the refused event and the next are counted');
  assert.ok(stats.transport.limits.all > Date.now() + 20000, JSON.stringify(stats.transport.limits));
  assert.equal(itemsOf(await sent(second.page), 'event').length, 1);
  await second.ctx.close();
});

test('summaries of repeats and envelopes at page hide are handed to the custom transport', async () => {
  const { page, ctx } = await open('custom', { integrations: { browserSession: false } });
  await page.evaluate(() => { for (let i = 0; i < 4; i++) window.boom('repeated'); });
  await waitSent(page, 'event', 1);
  // The page is hidden: the pending summary leaves now, through the app's transport.
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await waitSent(page, 'event', 2);
  const events = itemsOf(await sent(page), 'event');
  assert.equal(events[1].contexts.faultline.count, 3);
  assert.equal(events[1].contexts.faultline.summary, true);
  assert.deepEqual(validateEvent(events[1]), []);
  assert.equal(rec.envelopes.length, 0);
  await ctx.close();
});

test('makeFetchTransport as transport is Faultline\'s own transport; transportOptions.headers are sent', async () => {
  const { page, ctx } = await open('fetch', { ...QUIET, transportOptions: { headers: { 'X-Proxy-Auth': 'abc' } } });
  await page.evaluate(() => { window.boom('x'.repeat(3000)); return F.flush(3000); });
  assert.equal(rec.envelopes.length, 1);
  const [r] = rec.envelopes;
  assert.equal(r.headers['content-encoding'], 'gzip', 'Faultline\'s transport (gzip over 1 KB)');
  assert.equal(r.headers['x-proxy-auth'], 'abc');
  assert.equal(r.query.sentry_key, KEY);
  assert.equal((await page.evaluate(() => window.calls)).length, 0);
  await ctx.close();
});

test('an app\'s wrapper around makeFetchTransport sees the envelope and Sentry\'s fetch transport posts it', async () => {
  const { page, ctx } = await open('wrapped', { ...QUIET, transportOptions: { headers: { 'X-Proxy-Auth': 'abc' } } });
  await page.evaluate(() => { window.boom('through the wrapper'); return F.flush(3000); });
  assert.equal(rec.envelopes.length, 1);
  const [r] = rec.envelopes;
  assert.equal(r.headers['x-proxy-auth'], 'abc');
  const posted = parseEnvelope(r.body);
  const [seen] = itemsOf(await sent(page), 'event');
  assert.equal(posted.header.event_id, seen.event_id);
  assert.deepEqual(JSON.parse(posted.items[0].payload), seen, 'the body is the envelope the wrapper saw');
  assert.equal(await page.evaluate(() => F.getStats().transport.sent), 1);
  await ctx.close();
});

test('makeBrowserOfflineTransport(custom) retries a rejected send with back-off and delivers it once', async () => {
  const { page, ctx } = await open('offline', { ...QUIET, transportOptions: { baseDelayMs: 50, maxAttempts: 5 } });
  await page.evaluate(() => { window.answers.push('reject', 'reject'); window.boom('flaky network'); });
  await waitSent(page, 'event', 3);
  assert.equal(await page.evaluate(() => F.flush(3000)), true);
  const events = itemsOf(await sent(page), 'event');
  assert.equal(events.length, 3);
  assert.equal(new Set(events.map((e) => e.event_id)).size, 1, 'one event, tried three times');
  const stats = await page.evaluate(() => F.getStats());
  assert.deepEqual(stats.dropped, {});
  assert.equal(stats.transport.retried, 2);
  assert.equal(stats.transport.sent, 1);
  await ctx.close();
});

test('a transport factory that throws: the built-in transport sends, the failure is counted', async () => {
  const { page, ctx, pageErrors } = await open('broken');
  await page.evaluate(() => { window.boom('still delivered'); return F.flush(3000); });
  assert.equal(rec.envelopes.length, 1);
  assert.ok((await page.evaluate(() => F.getStats().internal_errors)) >= 1);
  assert.deepEqual(pageErrors, []);
  await ctx.close();
});

// (The default route reads event.extra[MULTIPLEXED_TRANSPORT_EXTRA_KEY] as the event leaves, after
// beforeSend, where Sentry's documentation sets it; one set with setExtra on a scope is scrubbed
// before that, so its DSN's key is [Filtered] and the event goes to the init's DSN: README, Not done yet.)
test('makeMultiplexedTransport routes each event to the DSN its matcher (or beforeSend, by the default route) names, with its release, else to the init\'s DSN', async () => {
  for (const kind of ['mux', 'muxDefault']) {
    const { page, ctx, pageErrors } = await open(kind);
    await page.evaluate(([k, key]) => {
      F.withScope((s) => {
        s.setTag('team', 'b');
        window.boom('routed to team b');
      });
      window.boom('stays with the app');
      return F.flush(3000);
    }, [kind, KEY]);
    const got = rec.envelopes.map((r) => ({ path: r.path, env: parseEnvelope(r.body) }));
    const ev = (g) => JSON.parse(g.env.items[0].payload);
    const b = got.find((g) => ev(g).exception.values.at(-1).value == 'routed to team b');
    const app = got.find((g) => ev(g).exception.values.at(-1).value == 'stays with the app');
    assert.equal(b.path, '/api/2/envelope/');
    assert.equal(ev(b).release, 'team-b@2.0');
    assert.equal(b.env.header.dsn, `http://${KEY}@${new URL(rec.url).host}/2`);
    assert.equal(app.path, '/api/1/envelope/');
    assert.equal(ev(app).release, 'shop@1.0.0');
    assert.ok(!app.env.header.dsn || app.env.header.dsn.endsWith('/1'), 'the header keeps the init\'s DSN');
    for (const g of got) assert.deepEqual(validateEvent(ev(g)), []);
    assert.deepEqual(pageErrors, []);
    await ctx.close();
  }
});

test('makeBrowserOfflineTransport(custom): out of retries, the envelope is kept in IndexedDB and replayed through the same send when the browser is online again', async () => {
  const { page, ctx } = await open('offline', { ...QUIET, transportOptions: { baseDelayMs: 20, maxAttempts: 2 } });
  await page.evaluate(() => { window.answers.push('reject', 'reject'); window.boom('kept offline'); });
  await page.waitForFunction(() => F.getStats().transport.offline_saved == 1, null, { timeout: 10000 });
  assert.equal(itemsOf(await sent(page), 'event').length, 2, 'tried twice, then kept');
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForFunction(() => F.getStats().transport.offline_sent == 1, null, { timeout: 10000 });
  const events = itemsOf(await sent(page), 'event');
  assert.equal(events.length, 3);
  assert.equal(new Set(events.map((e) => e.event_id)).size, 1);
  assert.deepEqual((await page.evaluate(() => F.getStats())).dropped, {});
  await ctx.close();
});
