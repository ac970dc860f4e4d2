// Ingest on two threads (demo/collector/ingest-worker.js): a worker parses, normalizes and packs,
// the main thread writes. A crash of the worker must never lose an accepted event silently: every
// request it held is refused with a retryable 503 and counted, every 200 is stored, and a new
// worker takes the next requests. The main-thread mode (no worker) stores exactly the same rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startCollector } from '../../demo/collector/server.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';
const hex = (n) => n.toString(16).padStart(32, '0');

function envelope(first, n, tag = 'w') {
  const lines = ['{}'];
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const payload = JSON.stringify({ event_id: hex(i), timestamp: 1796000000 + i, level: 'error', release: `app@1.0.${i % 3}`, user: { id: `u${i % 7}` },
      exception: { values: [{ type: 'TypeError', value: `${tag} bug ${i % 4}` }] }, tags: { shard: String(i % 2) },
      contexts: { faultline: { count: 1 + (i % 3) }, trace: { trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8) } }, fingerprint: [`${tag}-bug-${i % 4}`] });
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  }
  return lines.join('\n') + '\n';
}

const post = (agent, url, body) => new Promise((resolve, reject) => {
  const req = http.request(`${url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
  });
  req.on('error', reject);
  req.end(body);
});

const json = async (url) => (await fetch(url)).json();

test('a crash of the ingest worker: the requests it held get a retryable 503 and are counted, every 200 is stored, a new worker takes over', { timeout: 60000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ingest-worker-'));
  const c = await startCollector({ port: 0, dataDir: dir, control: true, projects: { 1: { publicKey: KEY } } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  // Warm up: the worker starts with the first request.
  assert.equal((await post(agent, c.url, envelope(0, 5))).status, 200);
  // One crash while 24 requests of 10 events are in flight from 8 senders.
  const f = await fetch(`${c.url}/__faults`, { method: 'POST', body: JSON.stringify({ mode: 'worker_crash', count: 1 }) });
  assert.equal(f.status, 200);
  const results = await Promise.all(Array.from({ length: 24 }, (_, k) => post(agent, c.url, envelope(1000 + k * 10, 10)).then((r) => ({ ...r, k }))));
  const ok = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status === 503);
  assert.equal(ok.length + refused.length, 24, `only 200 or 503: ${results.map((r) => r.status)}`);
  assert.ok(refused.length >= 1, 'the request the worker crashed on is refused');
  for (const r of refused) assert.equal(r.retryAfter, '1');
  let stats = await json(`${c.url}/__stats`);
  assert.equal(stats.refused.ingest_worker_crashed, refused.length, 'every refused request is counted');
  assert.equal(stats.stored.events, 5 + ok.length * 10, 'every accepted event is stored');
  // Each accepted envelope's events are there, each refused one's are not (none half-stored).
  for (const r of results) {
    const res = await fetch(`${c.url}/api/events/${hex(1000 + r.k * 10)}`);
    assert.equal(res.status, r.status === 200 ? 200 : 404, `envelope ${r.k} (${r.status})`);
  }
  // The SDK sends the refused ones again: a new worker stores them.
  for (const r of refused) assert.equal((await post(agent, c.url, envelope(1000 + r.k * 10, 10))).status, 200);
  stats = await json(`${c.url}/__stats`);
  assert.equal(stats.stored.events, 5 + 240);
  assert.equal(stats.stored.duplicates, 0);
  agent.destroy();
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with and without the worker the same envelopes give the same issues, counts, tags, users and events', { timeout: 60000 }, async () => {
  const snapshots = [];
  for (const ingestWorker of [true, false]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ingest-mode-'));
    const c = await startCollector({ port: 0, dataDir: dir, ingestWorker, projects: { 1: { publicKey: KEY } } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const sent = await Promise.all(Array.from({ length: 12 }, (_, k) => post(agent, c.url, envelope(k * 20, 20, 'm'))));
    assert.ok(sent.every((r) => r.status === 200));
    // A duplicate envelope is counted, not stored again.
    assert.equal((await post(agent, c.url, envelope(0, 20, 'm'))).status, 200);
    const stats = await json(`${c.url}/__stats`);
    const issues = await json(`${c.url}/api/issues?sort=freq`);
    const detail = [];
    for (const i of issues) {
      const tags = await json(`${c.url}/api/issues/${i.id}/tags`);
      const events = await json(`${c.url}/api/issues/${i.id}/events?limit=100`);
      detail.push({ id: i.id, title: i.title, count: i.count, events: i.events, users: i.users, tags, eventIds: events.map((e) => e.event_id).sort() });
    }
    const one = await json(`${c.url}/api/events/${hex(37)}`);
    snapshots.push({ stored: stats.stored.events, occurrences: stats.stored.occurrences, duplicates: stats.stored.duplicates, detail, body: one.event });
    agent.destroy();
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(snapshots[0].stored, 240);
  assert.equal(snapshots[0].duplicates, 20);
  assert.equal(snapshots[0].body.exception.values[0].value, 'm bug 1', 'the stored body reads back');
  assert.deepEqual(snapshots[0], snapshots[1]);
});

test('the legacy /store/ endpoint goes through the worker too: plain and gzip events are stored, an oversized one is refused and counted', { timeout: 30000 }, async () => {
  const zlib = await import('node:zlib');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ingest-store-'));
  const c = await startCollector({ port: 0, dataDir: dir, maxEventBytes: 4096, projects: { 1: { publicKey: KEY } } });
  const store = (body, headers = {}) => fetch(`${c.url}/api/1/store/?sentry_key=${KEY}`, { method: 'POST', body, headers });
  const ev = (i) => JSON.stringify({ event_id: hex(5000 + i), message: `legacy ${i}`, level: 'warning', fingerprint: ['legacy'] });
  const r1 = await store(ev(1));
  assert.equal(r1.status, 200);
  assert.equal((await r1.json()).id, hex(5001));
  assert.equal((await store(zlib.gzipSync(ev(2)), { 'content-encoding': 'gzip' })).status, 200);
  const big = await store(JSON.stringify({ event_id: hex(5003), message: 'x'.repeat(5000) }));
  assert.equal(big.status, 413);
  const bad = await store('{not json');
  assert.equal(bad.status, 400);
  const stats = await json(`${c.url}/__stats`);
  assert.equal(stats.stored.events, 2);
  assert.equal(stats.refused.event_too_large, 1);
  assert.equal(stats.accepted_events, 2);
  const issue = (await json(`${c.url}/api/issues`))[0];
  assert.equal(issue.events, 2);
  assert.equal(issue.level, 'warning');
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a batch the store cannot write is refused as retryable (503, Retry-After) and counted; nothing of it is half-stored', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ingest-storefail-'));
  const c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  // Fails inside the store's own transaction, after the batch's events are inserted (its last
  // write: the journal entry of what it adds to the issue aggregates).
  const journalAdd = c.store.q.journalAdd;
  let fail = 1;
  c.store.q.journalAdd = { run: (...a) => {
    if (fail-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
    return journalAdd.run(...a);
  } };
  const r = await post(agent, c.url, envelope(9000, 10));
  assert.equal(r.status, 503);
  assert.equal(r.retryAfter, '5');
  let stats = await json(`${c.url}/__stats`);
  assert.equal(stats.refused.store_failed, 1);
  assert.equal(stats.stored.events, 0);
  assert.equal((await fetch(`${c.url}/api/events/${hex(9000)}`)).status, 404);
  assert.equal((await post(agent, c.url, envelope(9000, 10))).status, 200, 'sent again, stored');
  stats = await json(`${c.url}/__stats`);
  assert.equal(stats.stored.events, 10);
  const issues = await json(`${c.url}/api/issues`);
  assert.equal(issues.reduce((n, i) => n + i.events, 0), 10, 'issue counts hold only what was stored');
  // The releases of the rolled-back batch are known again (the store's release cache was cleared).
  assert.equal(c.store.db.prepare('SELECT count(*) FROM releases').pluck().get(), 3);
  agent.destroy();
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tags cross from the worker joined in one string; a key or value holding the separators (\\0, \\x01) anywhere keeps its exact text and count', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ingest-tags-'));
  const c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const lines = ['{}'];
  const tagSets = [{ plain: 'x', odd: 'a\u0001b', nul: 'c\u0000d' }, { plain: 'x', 'we\u0001ird': 'v' }, { plain: 'y', 'k\u0000ey': 'w', '\u0001lead': 'z' }];
  tagSets.forEach((tags, i) => {
    const payload = JSON.stringify({ event_id: hex(500 + i), timestamp: 1796000000 + i, level: 'error', exception: { values: [{ type: 'Error', value: 'tagged' }] }, tags, fingerprint: ['tagged'] });
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  });
  assert.equal((await post(agent, c.url, lines.join('\n') + '\n')).status, 200);
  const [issue] = await json(`${c.url}/api/issues`);
  const tags = Object.fromEntries((await json(`${c.url}/api/issues/${issue.id}/tags`)).map((t) => [t.key, t.values]));
  assert.deepEqual(tags.plain, [{ value: 'x', count: 2 }, { value: 'y', count: 1 }]);
  assert.deepEqual(tags.odd, [{ value: 'a\u0001b', count: 1 }]);
  assert.deepEqual(tags.nul, [{ value: 'c\u0000d', count: 1 }]);
  assert.deepEqual(tags['we\u0001ird'], [{ value: 'v', count: 1 }]);
  assert.deepEqual(tags['k\u0000ey'], [{ value: 'w', count: 1 }], 'a key holding \\0 is stored whole: ' + JSON.stringify(Object.keys(tags)));
  assert.deepEqual(tags['\u0001lead'], [{ value: 'z', count: 1 }]);
  agent.destroy();
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
