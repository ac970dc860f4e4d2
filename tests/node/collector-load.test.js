// Bounded loopback load test of the collector: 20 000 events from 20 concurrent senders, none lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startCollector } from '../../demo/collector/server.js';

test('20 000 events from 20 concurrent senders are all stored, none lost or duplicated', { timeout: 120000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-load-'));
  const c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: '7e57c0de7e57c0de7e57c0de7e57c0de' } } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const SENDERS = 20;
  const PER_SENDER = 100; // envelopes per sender
  const EVENTS_PER_ENVELOPE = 10;
  const post = (body) => new Promise((resolve, reject) => {
    const req = http.request(`${c.url}/api/1/envelope/?sentry_key=7e57c0de7e57c0de7e57c0de7e57c0de`, { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: SENDERS }, async (_, s) => {
    const out = [];
    for (let e = 0; e < PER_SENDER; e++) {
      const lines = ['{}'];
      for (let k = 0; k < EVENTS_PER_ENVELOPE; k++) {
        const id = `${s}-${e}-${k}`;
        const payload = JSON.stringify({ event_id: id, timestamp: Date.now() / 1000, fingerprint: [`bug-${k % 5}`], message: `load ${id}`,
          contexts: { faultline: { count: 1 } } });
        lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
      }
      out.push(await post(lines.join('\n') + '\n'));
    }
    return out;
  }));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  assert.ok(statuses.flat().every((s) => s === 200));
  const stats = await (await fetch(`${c.url}/__stats`)).json();
  const total = SENDERS * PER_SENDER * EVENTS_PER_ENVELOPE;
  assert.equal(stats.stored.events, total);
  assert.equal(stats.stored.occurrences, total);
  const issues = await (await fetch(`${c.url}/api/issues`)).json();
  assert.equal(issues.length, 5);
  assert.equal(issues.reduce((n, i) => n + i.count, 0), total);
  console.log(`[collector-load] ${total} events in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} events/s (${SENDERS} concurrent senders, batched SQLite transactions)`);
  await c.close();
  // Durable: a restart rebuilds the same totals from the log.
  const c2 = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: '7e57c0de7e57c0de7e57c0de7e57c0de' } } });
  assert.equal((await (await fetch(`${c2.url}/__stats`)).json()).stored.events, total);
  await c2.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a slow-loris client that never finishes its headers is cut off and others are still served', { timeout: 30000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-loris-'));
  const c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: '7e57c0de7e57c0de7e57c0de7e57c0de' } } });
  const net = await import('node:net');
  const sock = net.connect(c.port, '127.0.0.1');
  sock.resume(); // consume the server's 408 so 'close' can fire
  const closed = new Promise((resolve) => sock.on('close', resolve));
  sock.write('POST /api/1/envelope/?sentry_key=7e57c0de7e57c0de7e57c0de7e57c0de HTTP/1.1\r\nHost: x\r\n');  // and then nothing
  const res = await fetch(`${c.url}/__stats`);
  assert.equal(res.status, 200, 'other clients are served meanwhile');
  await closed;  // the server's headers timeout (10 s) closes the idle half-request
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
