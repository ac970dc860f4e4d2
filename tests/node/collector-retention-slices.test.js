// Retention in slices: a collector started after a long pause (much expired) must not wait for
// retention, nor hold ingest while it runs. The store deletes at most `maxRows` per call and says
// whether more is due; the counts stay exact across slices; standalone spans expire from their
// own index (the span table is not scanned at every start and every minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';

const NOW = 1796000000;

test('retention runs in bounded slices until nothing past the limit is left; counts unchanged', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-retention-slices-'));
  const s = new Store(dir, { maxAgeDays: 30, maxBytes: 0 });
  const old = NOW - 40 * 86400;
  const recs = [];
  for (let i = 0; i < 2500; i++) {
    const e = { event_id: i.toString(16).padStart(32, '0'), timestamp: old + i, exception: { values: [{ type: 'Error', value: `bug ${i % 5}` }] }, fingerprint: [`b${i % 5}`], contexts: { faultline: { count: 2 } } };
    recs.push({ kind: 'event', project: '1', received: i < 2000 ? old : NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
  }
  for (let k = 0; k < recs.length; k += 500) s.ingest(recs.slice(k, k + 500));
  s.ingest([{ kind: 'span', project: '1', received: old, span: { trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8), start_timestamp: old, timestamp: old + 1 } }]);
  const before = s.listIssues({ sort: 'freq', now: NOW }).issues.map((i) => [i.id, i.count, i.events]);
  const slices = [];
  for (let guard = 0; guard < 10; guard++) {
    slices.push(s.enforceRetention(NOW, { maxRows: 300 }));
    if (!s.retentionMore) break;
  }
  assert.ok(slices.length >= 3, `several slices: ${slices}`);
  for (const n of slices) assert.ok(n > 0 && n <= 300 + 500, `each slice deletes, within its bound plus one step of 500: ${slices}`);
  assert.equal(slices.reduce((a, b) => a + b, 0), 2000);
  assert.equal(s.totals.expired_events, 2000);
  assert.equal(s.db.prepare('SELECT count(*) FROM events').pluck().get(), 500);
  assert.equal(s.db.prepare('SELECT count(*) FROM spans').pluck().get(), 0, 'the old standalone span expired too');
  assert.deepEqual(s.listIssues({ sort: 'freq', now: NOW }).issues.map((i) => [i.id, i.count, i.events]), before, 'counts are untouched');
  // The standalone-span expiry reads its index, not the table.
  const plan = s.db.prepare('EXPLAIN QUERY PLAN DELETE FROM spans WHERE event_row IS NULL AND end < ?').all(NOW).map((r) => r.detail).join(' | ');
  assert.match(plan, /spans_orphan_end/);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
