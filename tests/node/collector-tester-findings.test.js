// Defects an outside tester found using the collector and its API as a new user (issue 12):
// each test names the behaviour and reproduces the report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { startCollector } from '../../demo/collector/server.js';
import { boundDepth, tooDeep, MAX_DEPTH } from '../../demo/collector/ingest.js';

const KEY = 'findings-key';
let dir;
let c;
let base;

function envelope(payloads) {
  const lines = [JSON.stringify({})];
  for (const p of payloads) {
    const text = typeof p === 'string' ? p : JSON.stringify(p);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(text) }), text);
  }
  return lines.join('\n') + '\n';
}
async function post(payloads) {
  const r = await fetch(`${base}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope(payloads) });
  assert.equal(r.status, 200, await r.text());
}
async function get(p) {
  const r = await fetch(base + p);
  return { status: r.status, body: await r.json() };
}
const hex = (n) => n.toString(16).padStart(32, '0');

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-findings-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  base = `http://127.0.0.1:${c.port}`;
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('boundDepth keeps containers deeper than the limit as a JSON string of their text, strings untouched', () => {
  const shallow = Buffer.from('{"a":"[[[[{{{\\"]]","b":[1,{"c":2}]}');
  assert.equal(boundDepth(shallow, 3), null);
  const deep = Buffer.from('{"a":[[["x",{"y":"]\\"}"}]],1],"b":"{"}');
  const out = JSON.parse(boundDepth(deep, 3).toString());
  assert.deepEqual(out, { a: [['["x",{"y":"]\\"}"}]'], 1], b: '{' });
});

test('an event nested 5000 levels deep is stored with its deep part as a string, and every read route answers 200', async () => {
  const id = hex(0xdee9);
  const text = `{"event_id":"${id}","message":"deep one","extra":{"d":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
  await post([text]);
  const list = await get('/api/issues?query=deep');
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 1);
  const issue = await get(`/api/issues/${list.body[0].id}`);
  assert.equal(issue.status, 200, JSON.stringify(issue.body));
  const ev = await get(`/api/events/${id}`);
  assert.equal(ev.status, 200);
  // Levels 1..MAX_DEPTH stay containers (root, extra, then d's arrays); the rest is one string.
  let v = ev.body.event.extra.d;
  let levels = 2;
  while (Array.isArray(v)) {
    levels++;
    v = v[0];
  }
  assert.equal(levels, MAX_DEPTH);
  assert.equal(typeof v, 'string');
  assert.equal(v, '['.repeat(5000 - (MAX_DEPTH - 2)) + ']'.repeat(5000 - (MAX_DEPTH - 2)));
  assert.equal((await get('/api/events?limit=3')).status, 200);
});

test('tooDeep finds a container past the limit in the parsed event, as boundDepth does in its bytes', () => {
  for (const text of ['{"a":[[[1]]]}', '{"a":[[1],{"b":{}}]}', '{"a":{"b":{"c":{}}}}', '[[[[]]]]', '{"s":"[[[[[["}']) {
    assert.equal(tooDeep(JSON.parse(text), 3), boundDepth(Buffer.from(text), 3) !== null, text);
  }
});

test('an event timestamp more than a minute ahead or older than 30 days takes the arrival time, the original kept in errors', async () => {
  const now = Date.now() / 1000;
  const cases = [
    [hex(0xf001), now + 5 * 365 * 86400, 'future_timestamp'],
    [hex(0xf002), 0, 'past_timestamp'],
    [hex(0xf003), -5, 'past_timestamp'],
    [hex(0xf004), now - 40 * 86400, 'past_timestamp'],
  ];
  await post(cases.map(([id, ts], i) => ({ event_id: id, timestamp: ts, message: `clock case ${i}` })));
  await post([{ event_id: hex(0xf005), timestamp: now - 3600, message: 'clock fine' }]);
  for (const [id, ts, type] of cases) {
    const { body } = await get(`/api/events/${id}`);
    assert.ok(Math.abs(body.event.timestamp - now) < 60, `${id}: ${body.event.timestamp}`);
    assert.deepEqual(body.event.errors, [{ type, name: 'timestamp', value: ts }]);
    const issue = (await get(`/api/issues/${body.issue}`)).body;
    assert.ok(Math.abs(issue.last_seen - now) < 60 && Math.abs(issue.first_seen - now) < 60, `${issue.first_seen} ${issue.last_seen}`);
  }
  const fine = (await get(`/api/events/${hex(0xf005)}`)).body.event;
  assert.equal(Math.round(fine.timestamp), Math.round(now - 3600));
  assert.equal(fine.errors, undefined);
  // The list's first issue (last seen) is not the one sent from 2031.
  const list = (await get('/api/issues?query=clock')).body;
  assert.equal(list.length, 5);
});

test('a tag key in another script than ASCII is searchable as key:value, with a wildcard and negated', async () => {
  await post([{ event_id: hex(0xe001), message: 'unicode tag key one', tags: { région: 'eu', 'ключ': 'значение' } }, { event_id: hex(0xe002), message: 'unicode tag key two', tags: { région: 'us' } }]);
  const titles = async (q) => (await get(`/api/issues?query=${encodeURIComponent(q)}`)).body.map((i) => i.title).sort();
  assert.deepEqual(await titles('région:eu'), ['unicode tag key one']);
  assert.deepEqual(await titles('région:*'), ['unicode tag key one', 'unicode tag key two']);
  assert.deepEqual(await titles('ключ:значение'), ['unicode tag key one']);
  assert.deepEqual(await titles('unicode !région:eu'), ['unicode tag key two']);
  assert.deepEqual(await titles('has:région unicode'), ['unicode tag key one', 'unicode tag key two']);
});

test('negated free text (-word, !word, -"phrase") finds the issues whose title, message and culprit lack it', async () => {
  await post([
    { event_id: hex(0xa001), level: 'error', message: 'quokka checkout failed' },
    { event_id: hex(0xa002), level: 'error', message: 'quokka login failed' },
    { event_id: hex(0xa003), level: 'warning', message: 'quokka search slow' },
  ]);
  const titles = async (q) => {
    const r = await get(`/api/issues?query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.map((i) => i.title).sort();
  };
  assert.deepEqual(await titles('quokka -checkout'), ['quokka login failed', 'quokka search slow']);
  assert.deepEqual(await titles('quokka !checkout level:error'), ['quokka login failed']);
  assert.deepEqual(await titles('quokka -"login failed" -slow'), ['quokka checkout failed']);
  assert.deepEqual(await titles('quokka -ck'), ['quokka login failed', 'quokka search slow']);
  // Every issue but the quokka ones whose text has "quokka" is kept by -quokka.
  const all = (await get('/api/issues?limit=100')).body.length;
  assert.equal((await get('/api/issues?limit=100&query=-quokka')).body.length, all - 3);
});

test('an issue whose events all expired has no latest event, even after a newer event reuses the expired row id', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-findings-gone-'));
  const s = await startCollector({ port: 0, dataDir: d, projects: { 1: { publicKey: KEY } } });
  try {
    const postTo = async (ev) => {
      const r = await fetch(`${s.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([ev]) });
      assert.equal(r.status, 200);
    };
    await postTo({ event_id: hex(0x901), message: 'expired one' });
    s.store.retention.maxAgeDays = 5;
    s.store.enforceRetention(Date.now() / 1000 + 6 * 86400);
    s.store.retention.maxAgeDays = 0;
    await postTo({ event_id: hex(0x902), message: 'stored one' });
    const gone = (await (await fetch(`${s.url}/api/issues?query=expired`)).json())[0];
    const detail = await (await fetch(`${s.url}/api/issues/${gone.id}`)).json();
    assert.equal(detail.count, 1);
    assert.equal(detail.stored_events, 0);
    assert.equal(detail.latest, null);
    assert.equal(detail.latest_event_id, null);
  } finally {
    await s.close();
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('after a retention pass that deleted bodies, the WAL file is cut back (it kept its high-water size)', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-findings-wal-'));
  const s = await startCollector({ port: 0, dataDir: d, projects: { 1: { publicKey: KEY } }, retention: { maxBytes: 2 * 1024 * 1024 }, retentionIntervalMs: 300 });
  const wal = path.join(d, 'faultline.sqlite-wal');
  try {
    // ~12 MB of incompressible bodies (requests under the 1 MiB body limit): the log grows past them.
    for (let r = 0; r < 16; r++) {
      const evs = Array.from({ length: 8 }, (_, i) => ({ event_id: hex(0x7000 + r * 100 + i), message: `wal filler ${r}`, extra: { blob: crypto.randomBytes(75 * 1024).toString('base64') } }));
      const res = await fetch(`${s.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope(evs) });
      assert.equal(res.status, 200);
    }
    // Both are waited for (up to 20 s): the WAL can be small for a moment before the retention
    // pass has run (between checkpoints), which alone once ended the wait early under load.
    let size = Infinity;
    for (let t = 0; t < 200 && (size > 1024 * 1024 || s.store.totals.body_bytes > 2 * 1024 * 1024); t++) {
      await new Promise((r) => setTimeout(r, 100));
      size = fs.existsSync(wal) ? fs.statSync(wal).size : 0;
    }
    assert.ok(s.store.totals.body_bytes <= 2 * 1024 * 1024, `bodies ${s.store.totals.body_bytes}`);
    assert.ok(size <= 1024 * 1024, `WAL ${size} bytes`);
  } finally {
    await s.close();
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a server event gets no browser from its runtime or its request User-Agent; a browser event still gets one from the UA', async () => {
  const chromeUa = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  await post([
    { event_id: hex(0xb001), platform: 'node', message: 'heron backend failure', contexts: { runtime: { name: 'node', version: 'v11.15.0' } }, request: { url: 'http://127.0.0.1/api', headers: { 'User-Agent': chromeUa } } },
    { event_id: hex(0xb002), platform: 'javascript', message: 'heron page failure', request: { url: 'http://127.0.0.1/', headers: { 'User-Agent': chromeUa } } },
  ]);
  const backend = (await get('/api/issues?query=' + encodeURIComponent('"heron backend"'))).body[0];
  assert.deepEqual(backend.browsers, {});
  const tags = (await get(`/api/issues/${backend.id}/tags`)).body;
  assert.equal(tags.find((t) => t.key === 'browser'), undefined);
  assert.deepEqual(tags.find((t) => t.key === 'runtime').values.map((v) => v.value), ['node v11.15.0']);
  assert.equal((await get('/api/events/' + hex(0xb001))).body.browser, null);
  const titles = async (q) => (await get(`/api/issues?query=${encodeURIComponent(q)}`)).body.map((i) => i.title).sort();
  assert.deepEqual(await titles('heron browser:Chrome'), ['heron page failure']);
  assert.deepEqual(await titles('heron runtime.name:node'), ['heron backend failure']);
});

test('small API rules: a cursor is refused with another sort, unknown issue ids are "no such issue", browser names match in any case, OR and parentheses are refused', async () => {
  await post(Array.from({ length: 4 }, (_, i) => ({ event_id: hex(0xc000 + i), message: `otter paging ${i}`, contexts: { browser: { name: 'Chrome', version: '120.0' } } })));
  const first = await fetch(`${base}/api/issues?query=otter&limit=2&sort=date`);
  const cursor = first.headers.get('x-next-cursor');
  assert.ok(cursor);
  assert.equal((await get(`/api/issues?query=otter&limit=2&sort=date&cursor=${cursor}`)).status, 200);
  const other = await get(`/api/issues?query=otter&limit=2&sort=freq&cursor=${cursor}`);
  assert.equal(other.status, 400);
  assert.match(other.body.detail, /cursor pages sort=date, not sort=freq/);
  for (const p of ['/api/issues/nonexist', '/api/issues/0123abcd', '/api/issues/nonexist/events', '/api/issues/nonexist/tags']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.body.detail, 'no such issue', p);
  }
  const n = async (q) => (await get(`/api/issues?query=${encodeURIComponent(q)}`)).body.length;
  assert.equal(await n('otter browser:chrome'), 4);
  assert.equal(await n('otter browser:CHROME'), 4);
  assert.equal(await n('otter browser:"chrome 120"'), 4);
  assert.equal(await n('otter browser:firefox'), 0);
  for (const [q, pos, re] of [['otter OR seal', 6, /"OR" or "AND" are not supported/], ['otter AND seal', 6, /not supported/], ['(otter) level:error', 0, /parentheses/], ['level:error otter)', 17, /parentheses/]]) {
    const r = await get(`/api/issues?query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.position, pos, q);
    assert.match(r.body.detail, re, q);
  }
  assert.equal(await n('"otter paging 1"'), 1);
  assert.equal((await get(`/api/issues?query=${encodeURIComponent('getUser()')}`)).status, 200);
});

test('/api/metrics gives no bytes per stored event when retention expired every event', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-findings-est-'));
  const s = await startCollector({ port: 0, dataDir: d, projects: { 1: { publicKey: KEY } } });
  try {
    const r = await fetch(`${s.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope([{ event_id: hex(0xd001), message: 'to expire' }]) });
    assert.equal(r.status, 200);
    s.store.retention.maxAgeDays = 5;
    s.store.enforceRetention(Date.now() / 1000 + 6 * 86400);
    const m = await (await fetch(`${s.url}/api/metrics`)).json();
    assert.equal(m.est.stored_events, 0);
    assert.equal(m.est.bytes_per_event, null);
    assert.equal(m.est.body_bytes_per_event, null);
  } finally {
    await s.close();
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a request body over 1 MiB as sent is refused whole with 413 (counted); the same envelope gzipped is accepted', async () => {
  const zlib = await import('node:zlib');
  const evs = Array.from({ length: 12 }, (_, i) => ({ event_id: hex(0x5000 + i), message: `big envelope ${i}`, extra: { pad: 'x'.repeat(100 * 1024) } }));
  const body = envelope(evs);
  assert.ok(Buffer.byteLength(body) > 1024 * 1024);
  const before = (await get('/__stats')).body.rejected.too_large || 0;
  const r = await fetch(`${base}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body });
  assert.equal(r.status, 413);
  assert.equal((await get('/__stats')).body.rejected.too_large, before + 1);
  assert.equal((await get(`/api/events/${hex(0x5000)}`)).status, 404, 'none of its events is kept');
  const z = await fetch(`${base}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: zlib.gzipSync(body), headers: { 'content-encoding': 'gzip' } });
  assert.equal(z.status, 200);
  assert.equal((await get(`/api/events/${hex(0x5000)}`)).status, 200);
});
