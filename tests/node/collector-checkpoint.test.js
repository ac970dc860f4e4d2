// The collector checkpoints its write-ahead log on a worker thread (the server turns this on):
// the pages written by ingest reach the database file without the ingesting thread doing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';

test('with backgroundCheckpoint the WAL is copied into the database file by the worker, not by commits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ckpt-'));
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 }, { backgroundCheckpoint: true });
  assert.equal(s.checkpointer, null, 'no worker before the first write (startup stays light)');
  const before = fs.statSync(s.file).size;
  const recs = [];
  for (let i = 0; i < 400; i++) {
    const e = { event_id: `c${i.toString(16).padStart(31, '0')}`, timestamp: Date.now() / 1000, exception: { values: [{ type: 'Error', value: `bug ${i % 40} ${'x'.repeat(300)}` }] } };
    recs.push({ kind: 'event', project: '1', received: Date.now() / 1000, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
  }
  for (let k = 0; k < recs.length; k += 20) s.ingest(recs.slice(k, k + 20));
  assert.ok(s.checkpointer, 'the worker started with the first write');
  assert.equal(s.db.pragma('wal_autocheckpoint', { simple: true }), 16384, 'commits only checkpoint past 64 MiB of log');
  const wal = fs.statSync(s.file + '-wal').size;
  assert.ok(wal > 200 * 1024, `the batches went to the log (${wal} bytes)`);
  let after = before;
  for (let t = 0; t < 400 && after <= before; t++) {  // up to 20 s (the checkpointer is a thread of its own, every 500 ms)
    await new Promise((r) => setTimeout(r, 50));
    after = fs.statSync(s.file).size;
  }
  assert.ok(after > before, `the database file grew from ${before} to ${after} bytes while this thread only waited`);
  assert.equal(s.listIssues({ limit: 100 }).issues.length, 40);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
