// Store-and-forward to an upstream DSN, tested against a second collector standing in for
// Sentry: every accepted envelope arrives, through upstream failures (retry), through a downtime
// spanning a restart of the local collector (disk queue, at-least-once), and the queue is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { parseDsn } from '../../demo/collector/upstream.js';

const tmp = (name) => fs.mkdtempSync(path.join(os.tmpdir(), `faultline-up-${name}-`));
let n = 0;
const envelope = (count = 1) => {
  const lines = [JSON.stringify({ dsn: 'http://localkey@127.0.0.1:1/1' })];
  for (let i = 0; i < count; i++) {
    n += 1;
    const ev = JSON.stringify({ event_id: n.toString(16).padStart(32, '0'), message: `forwarded ${n}`, timestamp: Date.now() / 1000 });
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(ev) }), ev);
  }
  return lines.join('\n') + '\n';
};
const post = (c, key, body) => fetch(`${c.url}/api/1/envelope/?sentry_key=${key}`, { method: 'POST', body });
const stats = async (c) => (await fetch(c.url + '/__stats')).json();
async function until(fn, what, ms = 20000) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('DSNs parse to the envelope endpoint and auth, with path prefixes; bad ones are refused', () => {
  assert.deepEqual(parseDsn('https://abc@o1.ingest.example/42'), { dsn: 'https://abc@o1.ingest.example/42', url: 'https://o1.ingest.example/api/42/envelope/', auth: 'Sentry sentry_version=7, sentry_key=abc, sentry_client=faultline-collector/1' });
  assert.equal(parseDsn('http://k@127.0.0.1:9000/sentry/7').url, 'http://127.0.0.1:9000/sentry/api/7/envelope/');
  for (const bad of ['nope', 'https://host/1', 'https://k@host/', 'ftp://k@host/1']) assert.throws(() => parseDsn(bad));
});

test('every accepted envelope reaches the upstream, through upstream errors and a downtime across a restart', { timeout: 120000 }, async () => {
  const upDir = tmp('upstream');
  const localDir = tmp('local');
  let up = await startCollector({ port: 0, dataDir: upDir, projects: { 7: { publicKey: 'upkey' } }, control: true });
  const upPort = up.port;
  const dsn = `http://upkey@127.0.0.1:${upPort}/7`;
  const opts = { port: 0, dataDir: localDir, projects: { 1: { publicKey: 'localkey' } }, upstreamDsn: dsn, upstreamOptions: { baseDelayMs: 50, maxDelayMs: 400 } };
  let local = await startCollector(opts);
  // Normal forwarding, with the envelope header's dsn rewritten to the upstream's.
  for (let i = 0; i < 3; i++) assert.equal((await post(local, 'localkey', envelope(2))).status, 200);
  await until(async () => (await stats(up)).stored.events === 6, 'six events upstream');
  // The upstream fails (500): the envelope is retried, not lost.
  await fetch(up.url + '/__faults', { method: 'POST', body: JSON.stringify({ mode: '500', count: 1 }) });
  assert.equal((await post(local, 'localkey', envelope(1))).status, 200);
  await until(async () => (await stats(up)).stored.events === 7, 'the event after a 500');
  assert.ok((await stats(local)).upstream.retries >= 1);
  // Upstream down; local collector restarted while envelopes wait on disk.
  await up.close();
  for (let i = 0; i < 4; i++) assert.equal((await post(local, 'localkey', envelope(1))).status, 200, 'the local collector accepts while the upstream is down');
  await until(async () => (await stats(local)).upstream.retries >= 3, 'retries while down');
  await local.close();
  assert.equal(fs.readdirSync(path.join(localDir, 'upstream-queue')).filter((f) => f.endsWith('.env')).length, 4, 'four envelopes wait on disk');
  up = await startCollector({ port: upPort, dataDir: upDir, projects: { 7: { publicKey: 'upkey' } }, control: true });
  local = await startCollector(opts);
  await until(async () => (await stats(up)).stored.events === 11, 'the queued envelopes after the restart');
  const s = await stats(local);
  assert.equal(s.upstream.queued, 0);
  assert.equal(s.stored.events, 11, 'the local view has everything too');
  const titles = (await (await fetch(`${up.url}/api/issues?limit=100`)).json()).map((i) => i.title);
  assert.equal(titles.length, 11);
  await local.close();
  await up.close();
  fs.rmSync(upDir, { recursive: true, force: true });
  fs.rmSync(localDir, { recursive: true, force: true });
});

test('the disk queue is bounded: past its size new envelopes are refused upstream-side and counted, the local store keeps them', { timeout: 60000 }, async () => {
  const localDir = tmp('bounded');
  const local = await startCollector({ port: 0, dataDir: localDir, projects: { 1: { publicKey: 'localkey' } }, upstreamDsn: 'http://k@127.0.0.1:9/1', upstreamOptions: { maxBytes: 1500, baseDelayMs: 60000 } });
  for (let i = 0; i < 10; i++) assert.equal((await post(local, 'localkey', envelope(1))).status, 200);
  const s = await stats(local);
  assert.ok(s.upstream.queued >= 1 && s.upstream.queued < 10, `queued ${s.upstream.queued}`);
  assert.equal(s.upstream.dropped_queue_full + s.upstream.queued, 10);
  assert.equal(s.refused.upstream_queue_full, s.upstream.dropped_queue_full);
  assert.equal(s.stored.events, 10);
  await local.close();
  fs.rmSync(localDir, { recursive: true, force: true });
});

test('an upstream that refuses every envelope (wrong key) is logged once per distinct error and shown in /api/metrics', { timeout: 60000 }, async () => {
  const upDir = tmp('upstream-401');
  const localDir = tmp('local-401');
  const up = await startCollector({ port: 0, dataDir: upDir, projects: { 7: { publicKey: 'upkey' } } });
  const lines = [];
  const local = await startCollector({ port: 0, dataDir: localDir, projects: { 1: { publicKey: 'localkey' } }, upstreamDsn: `http://wrongkey@127.0.0.1:${up.port}/7`,
    upstreamOptions: { baseDelayMs: 50, maxDelayMs: 400, log: (l) => lines.push(l) } });
  try {
    for (let i = 0; i < 4; i++) assert.equal((await post(local, 'localkey', envelope(1))).status, 200);
    await until(async () => (await stats(local)).upstream.rejected === 4, 'four envelopes refused upstream');
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /refused an envelope with 40[13].*check the key/);
    const m = await (await fetch(local.url + '/api/metrics')).json();
    assert.equal(m.upstream.rejected, 4);
    assert.match(m.upstream.last_error, /40[13]/);
  } finally {
    await local.close();
    await up.close();
    fs.rmSync(upDir, { recursive: true, force: true });
    fs.rmSync(localDir, { recursive: true, force: true });
  }
});
