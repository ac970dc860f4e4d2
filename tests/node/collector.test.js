// The demo collector: envelopes in, durable grouped issues out; bad input gets a clear 4xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import { startCollector } from '../../demo/collector/server.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';
let dir;
let c;

function envelope(events, { lengths = true, extra = [] } = {}) {
  const lines = [JSON.stringify({ sent_at: new Date().toISOString() })];
  for (const e of events) {
    const payload = JSON.stringify(e);
    lines.push(JSON.stringify(lengths ? { type: 'event', length: Buffer.byteLength(payload) } : { type: 'event' }), payload);
  }
  for (const item of extra) lines.push(JSON.stringify({ type: item.type }), JSON.stringify(item.payload));
  return lines.join('\n') + '\n';
}

function ev(id, fp, count = 1, summary = false, extra = {}) {
  return { event_id: id.padEnd(32, '0'), timestamp: Date.now() / 1000, platform: 'javascript', fingerprint: [fp],
    exception: { values: [{ type: 'TypeError', value: `bug ${fp}` }] }, contexts: { faultline: { count, summary } }, ...extra };
}

async function post(pathname, body, headers = {}) {
  const res = await fetch(c.url + pathname, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
  return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-collector-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } }, maxBodyBytes: 256 * 1024, maxDecompressedBytes: 2 * 1024 * 1024, control: true });
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('envelope with several events is stored and grouped by fingerprint, counts summed', async () => {
  await fetch(c.url + '/__data', { method: 'DELETE' });
  const r = await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('a1', 'fpA'), ev('a2', 'fpA', 41, true), ev('b1', 'fpB')]));
  assert.equal(r.status, 200);
  assert.equal(r.body.id, 'a1'.padEnd(32, '0'));
  const issues = await (await fetch(c.url + '/api/issues')).json();
  const a = issues.find((i) => i.title === 'TypeError: bug fpA');
  assert.equal(a.count, 42);
  assert.equal(a.events, 2);
  assert.equal(issues.find((i) => i.title === 'TypeError: bug fpB').count, 1);
  const detail = await (await fetch(`${c.url}/api/issues/${a.id}`)).json();
  assert.equal(detail.latest.event_id, 'a1'.padEnd(32, '0'), 'a summary does not replace the latest full event');
});

test('an event resent with the same event_id (a request cut by an unload, then replayed) is stored once and counted as a duplicate', async () => {
  await fetch(c.url + '/__data', { method: 'DELETE' });
  const first = await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('d1', 'fpD', 3), ev('d1', 'fpD', 3)]));
  const again = await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('d1', 'fpD', 3), ev('d2', 'fpD')]));
  assert.equal(first.status, 200);
  assert.equal(again.status, 200, 'a duplicate is not an error: the SDK must not retry it');
  const issue = (await (await fetch(c.url + '/api/issues')).json()).find((i) => i.title === 'TypeError: bug fpD');
  assert.equal(issue.events, 2);
  assert.equal(issue.count, 4);
  const stats = await (await fetch(c.url + '/__stats')).json();
  assert.equal(stats.stored.duplicates, 2);
});

test('items without length, gzip bodies and header auth are accepted', async () => {
  await fetch(c.url + '/__data', { method: 'DELETE' });
  const body = zlib.gzipSync(envelope([ev('c1', 'fpC')], { lengths: false }));
  const r = await post('/api/1/envelope/', body, { 'content-encoding': 'gzip', 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7` });
  assert.equal(r.status, 200);
  const stats = await (await fetch(c.url + '/__stats')).json();
  assert.equal(stats.stored.occurrences, 1);
});

test('client reports are counted by reason', async () => {
  await fetch(c.url + '/__data', { method: 'DELETE' });
  const r = await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([], { extra: [{ type: 'client_report', payload: { timestamp: 1, discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 3 }] } }] }));
  assert.equal(r.status, 200);
  const stats = await (await fetch(c.url + '/__stats')).json();
  assert.equal(stats.discarded['queue_overflow:error'], 3);
});

test('bad auth, unknown project, wrong method, bad JSON and oversized bodies get clear 4xx answers', async () => {
  assert.equal((await post('/api/1/envelope/?sentry_key=wrong', envelope([ev('d', 'x')]))).status, 401);
  assert.equal((await post('/api/1/envelope/', envelope([ev('d', 'x')]))).status, 401);
  assert.equal((await post(`/api/9/envelope/?sentry_key=${KEY}`, envelope([ev('d', 'x')]))).status, 404);
  assert.equal((await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`)).status, 405);
  const bad = await post(`/api/1/envelope/?sentry_key=${KEY}`, '{}\n{"type":"event"}\n{not json\n');
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /not valid JSON/);
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, 'not an envelope')).status, 400);
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, 'x'.repeat(300 * 1024))).status, 413);
  const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
  assert.ok(bomb.length < 256 * 1024);
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, bomb, { 'content-encoding': 'gzip' })).status, 413, 'gzip bomb is rejected');
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, 'garbage', { 'content-encoding': 'gzip' })).status, 400);
});

test('random garbage bodies never crash the collector', async () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 200; i++) {
    const len = Math.floor(rand() * 2000);
    const buf = Buffer.alloc(len);
    for (let k = 0; k < len; k++) buf[k] = Math.floor(rand() * 256);
    if (i % 3 === 0) buf[Math.floor(rand() * len)] = 0x0a;
    const r = await post(`/api/1/envelope/?sentry_key=${KEY}`, buf);
    assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `status ${r.status}`);
  }
  assert.equal((await fetch(c.url + '/__stats')).status, 200);
});

test('CORS preflight is answered for loopback origins only', async () => {
  const ok = await fetch(`${c.url}/api/1/envelope/`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' } });
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173');
  assert.match(ok.headers.get('access-control-expose-headers'), /retry-after/);
  const no = await fetch(`${c.url}/api/1/envelope/`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
  assert.equal(no.headers.get('access-control-allow-origin'), null);
});

test('fault modes: 429 with Retry-After and rate limits, 500, dropped connection, then normal again', async () => {
  await post('/__faults', JSON.stringify({ mode: '429', retryAfter: 7, rateLimits: '60:error:organization', count: 1 }));
  const r = await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('e', 'x')]));
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '7');
  assert.equal(r.headers.get('x-sentry-rate-limits'), '60:error:organization');
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('e', 'x')]))).status, 200, 'count=1 applies once');
  await post('/__faults', JSON.stringify({ mode: '500', count: 1 }));
  assert.equal((await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('e', 'x')]))).status, 500);
  await post('/__faults', JSON.stringify({ mode: 'drop', count: 1 }));
  await assert.rejects(post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('e', 'x')])));
  assert.equal((await post('/__faults', JSON.stringify({ mode: 'bogus' }))).status, 400);
});

test('events survive a restart', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-durable-'));
  let c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } } });
  await fetch(`${c2.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([ev('f1', 'fpF', 5), ev('f2', 'fpF')]) });
  await c2.close();
  c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } } });
  const issues = await (await fetch(c2.url + '/api/issues')).json();
  assert.equal(issues.length, 1);
  assert.equal(issues[0].count, 6);
  assert.equal(issues[0].events, 2);
  const again = await fetch(`${c2.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([ev('f1', 'fpF', 5)]) });
  assert.equal(again.status, 200);
  assert.equal((await (await fetch(c2.url + '/__stats')).json()).stored.duplicates, 1, 'dedupe by event_id holds across a restart');
  await c2.close();
  fs.rmSync(d2, { recursive: true, force: true });
});

test('a data directory from the NDJSON-log collector is imported once, a torn last line skipped', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-legacy-'));
  const lines = [ev('l1', 'fpL', 5), ev('l2', 'fpL')].map((e) => JSON.stringify({ kind: 'event', project: '1', received: Date.now() / 1000, ua: '', event: e }));
  fs.writeFileSync(path.join(d2, 'events.ndjson'), lines.join('\n') + '\n{"kind":"event","project":"1","ev');
  let c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } } });
  let issues = await (await fetch(c2.url + '/api/issues')).json();
  assert.equal(issues.length, 1);
  assert.equal(issues[0].count, 6);
  assert.equal((await (await fetch(c2.url + '/__stats')).json()).torn_lines, 1);
  await c2.close();
  assert.ok(fs.existsSync(path.join(d2, 'events.ndjson.imported')));
  c2 = await startCollector({ port: 0, dataDir: d2, projects: { 1: { publicKey: KEY } } });
  issues = await (await fetch(c2.url + '/api/issues')).json();
  assert.equal(issues[0].count, 6, 'imported once, not again at the next start');
  await c2.close();
  fs.rmSync(d2, { recursive: true, force: true });
});

test('the live stream pushes an issue update when an event arrives', async () => {
  let connected;
  const open = new Promise((r) => { connected = r; });
  const got = new Promise((resolve, reject) => {
    const req = http.get(c.url + '/api/stream', (res) => {
      connected();  // the server answers the stream's headers as it subscribes it
      let buf = '';
      res.on('data', (chunk) => {
        buf += chunk;
        if (buf.includes('event: issue')) {
          req.destroy();
          resolve(buf);
        }
      });
    });
    req.on('error', () => {});
    setTimeout(() => reject(new Error('no SSE update within 5s')), 5000).unref();
  });
  // The event is sent once the stream is subscribed (was: after a fixed 100 ms, a guess a loaded
  // machine can outrun), up to the same 5 s.
  await Promise.race([open, got]);
  await post(`/api/1/envelope/?sentry_key=${KEY}`, envelope([ev('g', 'fpG')]));
  assert.match(await got, /bug fpG/);
});

test('the viewer is served with a strict CSP and the demo mounts stay inside their folders', async () => {
  const res = await fetch(c.url + '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
  assert.match(await res.text(), /Faultline/);
  for (const probe of ['/js/../package.json', '/js/%2e%2e/package.json', '/dist/..%2f..%2fpackage.json', '/demo/%2e%2e/%2e%2e/package.json']) {
    const r = await fetch(c.url + probe);
    assert.ok(r.status === 403 || r.status === 404, `${probe} -> ${r.status}`);
    assert.doesNotMatch(await r.text(), /"devDependencies"/);
  }
});
