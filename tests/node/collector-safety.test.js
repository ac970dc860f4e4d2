// The collector on a developer's machine faces hostile pages: DNS rebinding, cross-site requests,
// pathological event fields, floods and odd URLs. Each class of attack has a test here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startCollector } from '../../demo/collector/server.js';
import { parseUserAgent, browserOf, titleOf, culpritOf, issueKey } from '../../demo/collector/fields.js';

const KEY = 'safety-key';
let dir;
let c;

function envelope(payloads, type = 'event') {
  const lines = [JSON.stringify({})];
  for (const p of payloads) {
    const text = typeof p === 'string' ? p : JSON.stringify(p);
    lines.push(JSON.stringify({ type, length: Buffer.byteLength(text) }), text);
  }
  return lines.join('\n') + '\n';
}

// Raw HTTP so the test controls Host, Origin and Sec-Fetch-* exactly as a browser would send them.
function request(method, pathname, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: c.port, method, path: pathname, headers: { host: `127.0.0.1:${c.port}`, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-safety-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } }, control: true, maxEventBytes: 900 * 1024, maxBytesPerMinute: 8 * 1024 * 1024 });
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a request naming a foreign host (DNS rebinding) is refused on every route; loopback names are served', async () => {
  const self = `127.0.0.1:${c.port}`;
  for (const host of ['attacker.example', `rebind.attacker.example:${c.port}`, '10.0.0.5', 'localhost.attacker.example']) {
    for (const [method, p] of [['GET', '/api/issues'], ['GET', '/api/events'], ['GET', '/'], ['DELETE', '/__data'], ['POST', `/api/1/envelope/?sentry_key=${KEY}`], ['GET', '/__stats']]) {
      const r = await request(method, p, { headers: { host }, body: method === 'POST' ? envelope([{ message: 'x' }]) : undefined });
      assert.equal(r.status, 421, `${method} ${p} with Host ${host} -> ${r.status}`);
    }
  }
  for (const host of [self, `localhost:${c.port}`, `[::1]:${c.port}`, 'localhost']) {
    assert.equal((await request('GET', '/api/issues', { headers: { host } })).status, 200, host);
  }
});

test('an empty Host and two hosts joined by a comma name no host: refused', async () => {
  for (const host of ['', `127.0.0.1:${c.port}, attacker.example`, `127.0.0.1:${c.port},127.0.0.1`, `localhost:${c.port} x`, `127.0.0.1:`]) {
    const r = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: c.port, path: '/api/issues', setHost: false, headers: { host } }, (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(r, 421, JSON.stringify(host));
  }
});

test('client reports: quantities are capped as event counts are (1e6), and reasons that are not snake_case names are not stored', async () => {
  const before = JSON.parse((await request('GET', '/__stats')).text).discarded;
  const report = { timestamp: Date.now() / 1000, discarded_events: [
    { reason: 'queue_overflow', category: 'error', quantity: 1e300 },
    { reason: '__proto__', category: 'error', quantity: 5 },
    { reason: 'constructor ', category: 'error', quantity: 5 },
    { reason: 'before_send', category: '__proto__', quantity: 5 },
    { reason: 'ratelimit_backoff', category: 'error', quantity: 3 },
  ] };
  assert.equal((await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { body: envelope([report], 'client_report') })).status, 200);
  const after = JSON.parse((await request('GET', '/__stats')).text).discarded;
  const delta = (k) => (after[k] || 0) - (before[k] || 0);
  assert.equal(delta('queue_overflow:error'), 1e6);
  assert.equal(delta('ratelimit_backoff:error'), 3);
  for (const k of Object.keys(after)) assert.match(k, /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/, k);
});

test('a body over the limit sent without a length (chunked) gets 413, not a reset', async () => {
  const status = await new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: c.port, method: 'POST', path: `/api/1/envelope/?sentry_key=${KEY}`, headers: { host: `127.0.0.1:${c.port}` } }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', (e) => resolve(e.code));
    const chunk = Buffer.alloc(256 * 1024, 120);
    let sent = 0;
    const pump = () => { while (sent < 3 * 1024 * 1024) { sent += chunk.length; if (!req.write(chunk)) return req.once('drain', pump); } req.end(); };
    pump();
  });
  assert.equal(status, 413);
});

test('the API and control routes send no CORS headers and refuse what a browser marks cross-site', async () => {
  const evil = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
  for (const [method, p] of [['GET', '/api/issues'], ['GET', '/api/events?limit=5'], ['GET', '/api/metrics'], ['POST', '/__faults'], ['DELETE', '/__data'], ['PUT', '/api/issues/abc']]) {
    const r = await request(method, p, { headers: evil, body: method === 'POST' ? '{"mode":"429"}' : undefined });
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  }
  // A loopback page on another port is still another origin: same answer.
  const other = await request('DELETE', '/__data', { headers: { origin: 'http://127.0.0.1:5173' } });
  assert.equal(other.status, 403);
  const sameSite = await request('POST', '/__faults', { headers: { 'sec-fetch-site': 'same-site' }, body: '{"mode":"500"}' });
  assert.equal(sameSite.status, 403);
  // Preflights outside ingest get no Access-Control-* answer.
  const pre = await request('OPTIONS', '/api/issues', { headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'GET' } });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  // The same routes from the collector's own origin work.
  const own = { origin: `http://127.0.0.1:${c.port}`, 'sec-fetch-site': 'same-origin' };
  assert.equal((await request('POST', '/__faults', { headers: own, body: '{"mode":"none"}' })).status, 200);
  assert.equal((await request('GET', '/api/issues', { headers: { 'sec-fetch-site': 'same-origin' } })).status, 200);
  const stats = await (await fetch(c.url + '/__stats')).json();
  assert.equal(stats.fault.mode, 'none', 'no cross-site request changed the fault mode');
});

test('control routes are off unless the collector is started with them', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-nocontrol-'));
  const c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } } });
  await fetch(`${c2.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([{ message: 'kept' }]) });
  assert.equal((await fetch(c2.url + '/__data', { method: 'DELETE' })).status, 404);
  assert.equal((await fetch(c2.url + '/__faults', { method: 'POST', body: '{"mode":"429"}' })).status, 404);
  assert.equal((await (await fetch(c2.url + '/__stats')).json()).stored.events, 1, 'nothing was deleted');
  await c2.close();
  fs.rmSync(d2, { recursive: true, force: true });
});

test('ingest accepts cross-origin posts from loopback pages with the DSN key, and refuses foreign origins', async () => {
  const ok = await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { headers: { origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site' }, body: envelope([{ message: 'from vite' }]) });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:5173');
  const foreign = await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { headers: { origin: 'https://evil.example' }, body: envelope([{ message: 'injected' }]) });
  assert.equal(foreign.status, 403);
  const noKey = await request('POST', '/api/1/envelope/', { headers: { origin: 'http://localhost:5173' }, body: envelope([{ message: 'no key' }]) });
  assert.equal(noKey.status, 401);
  const titles = (await (await fetch(c.url + '/api/issues?limit=100')).json()).map((i) => i.title);
  assert.ok(titles.includes('from vite'));
  assert.ok(!titles.includes('injected'));
  assert.ok((await (await fetch(c.url + '/__stats')).json()).rejected.origin_refused >= 1);
});

test('field parsing is linear: pathological User-Agents and messages cost milliseconds, not seconds', async () => {
  const hostile = 'Mozilla/5.0 AppleWebKit ' + 'Version/1'.repeat(80000); // 720 KB, the shape that took 54 s
  let t = process.hrtime.bigint();
  assert.equal(parseUserAgent(hostile).name, 'WebKit');
  for (const ua of ['a'.repeat(2e6), 'Chrome/'.repeat(1e5), 'Firefox/' + '9'.repeat(1e6), '\u0000'.repeat(1e6)]) parseUserAgent(ua);
  const ev = { exception: { values: [{ type: 'E'.repeat(1e6), value: 'v\n'.repeat(5e5), stacktrace: { frames: Array.from({ length: 2000 }, () => ({ function: 'f'.repeat(1000), in_app: false })) } }] }, fingerprint: ['x'.repeat(1e6)] };
  titleOf(ev);
  culpritOf(ev);
  issueKey(ev);
  browserOf({ request: { headers: { 'User-Agent': hostile } } }, hostile);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.ok(ms < 2000, `field extraction took ${ms} ms`);
  // And through the server, then a restart (startup must not re-parse stored events).
  t = process.hrtime.bigint();
  const r = await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { body: envelope([{ message: 'hostile ua', request: { headers: { 'User-Agent': hostile } } }]) });
  assert.equal(r.status, 200);
  const list = await (await fetch(c.url + '/api/issues?query=' + encodeURIComponent('"hostile ua"'))).json();
  assert.equal(list.length, 1);
  assert.deepEqual(Object.keys(list[0].browsers), ['WebKit']);
  assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 5000);
});

test('an event over the per-event byte limit is refused and counted; the rest of its envelope is stored', async () => {
  const before = (await (await fetch(c.url + '/__stats')).json());
  const big = { message: 'too big', extra: { blob: 'x'.repeat(950 * 1024) } };
  const r = await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { body: envelope([big, { message: 'small sibling' }]), headers: { 'content-encoding': 'identity' } });
  // 950 KiB is above the 900 KiB per-event limit but within the 1 MiB body limit.
  assert.equal(r.status, 200);
  const after = (await (await fetch(c.url + '/__stats')).json());
  assert.equal((after.refused.event_too_large || 0) - (before.refused.event_too_large || 0), 1);
  assert.equal(after.stored.events - before.stored.events, 1);
});

test('stored bytes per minute are capped: past the budget requests get 429 with Retry-After, and refusals are counted', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-flood-'));
  const c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } }, maxBytesPerMinute: 200 * 1024 });
  const payload = { message: 'flood', extra: { blob: 'y'.repeat(30 * 1024) } };
  let accepted = 0;
  let limited = null;
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${c2.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([payload]) });
    if (res.status === 200) accepted++;
    else {
      limited = res;
      break;
    }
  }
  assert.ok(limited, 'the flood was cut off');
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1 && Number(limited.headers.get('retry-after')) <= 60);
  assert.ok(accepted >= 5 && accepted <= 7, `accepted ${accepted} envelopes of ~30 KiB under a 200 KiB budget`);
  const s = await (await fetch(c2.url + '/__stats')).json();
  assert.equal(s.refused.bytes_per_minute, 1);
  assert.equal(s.stored.events, accepted);
  await c2.close();
  fs.rmSync(d2, { recursive: true, force: true });
});

test('bad URLs (null byte, broken percent-encoding) get a 4xx that names no filesystem path', async () => {
  for (const p of ['/demo/%00', '/js/index.js%00.png', '/dist/%E0%A4%A', '/demo/%', '/js/%c0%ae%c0%ae/package.json']) {
    const r = await request('GET', p);
    assert.ok(r.status >= 400 && r.status < 500, `${p} -> ${r.status}`);
    assert.doesNotMatch(r.text, /\/(work|tmp|home|root|usr)\//, `${p} leaks a path: ${r.text}`);
    assert.ok(!r.text.includes(process.cwd()));
  }
});

test('events of any shape are stored and served without a 500', async () => {
  const odd = [
    { message: 'shape 1', exception: { values: { 0: { type: 'ObjError', value: 'values is an object' } } } },
    { message: 'shape 2', breadcrumbs: { values: 42 } },
    { message: 'shape 3', fingerprint: 'a string fingerprint' },
    { message: 'shape 4', exception: [{ type: 'ArrError', value: 'exception is an array' }] },
    { message: 'shape 5', tags: [['k', 'v'], 'junk'], user: 'a string user', contexts: 7, request: 'x', release: { v: 1 }, level: 42 },
    { message: { formatted: 'shape 6 message object' }, timestamp: 'not a time', event_id: { x: 1 } },
    { message: 'shape 7', exception: { values: [null, 3, { type: 'X', stacktrace: { frames: 'nope' } }] }, breadcrumbs: [{ message: 'array crumbs' }, null] },
  ];
  const r = await request('POST', `/api/1/envelope/?sentry_key=${KEY}`, { body: envelope(odd) });
  assert.equal(r.status, 200);
  const issues = await (await fetch(c.url + '/api/issues?limit=100')).json();
  for (const i of issues) {
    for (const sub of ['', '/events', '/tags', '/stats']) assert.equal((await fetch(`${c.url}/api/issues/${i.id}${sub}`)).status, 200, `${i.title} ${sub}`);
  }
  const titles = issues.map((i) => i.title);
  assert.ok(titles.includes('ObjError: values is an object'));
  assert.ok(titles.includes('ArrError: exception is an array'));
  assert.ok(titles.includes('shape 6 message object'));
});
