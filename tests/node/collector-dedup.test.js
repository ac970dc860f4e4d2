// Duplicates (an event id already stored, or twice in one batch) are found by the event insert
// itself (the unique index on event ids), not by a lookup before it. These tests hold the store
// to what that must keep: a duplicate is counted and not stored, its bytes are neither counted
// nor left in a block no event owns (the per-event shares still add up to the blocks' sizes, so
// size retention and the bytes counter stay true), and a duplicate that would have opened an
// issue of its own leaves no empty issue behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';

const NOW = Date.now() / 1000;
const rec = (n, { fingerprint = 'checkout', value = 'cart is null' } = {}) => {
  const e = {
    event_id: n.toString(16).padStart(32, '0'), timestamp: NOW - 60, level: 'error', release: 'shop@1.0.0', user: { id: `u${n % 3}` },
    exception: { values: [{ type: 'TypeError', value, stacktrace: { frames: [{ function: 'checkout', filename: 'https://shop.example/app.js', in_app: true }] } }] },
    fingerprint: [fingerprint], extra: { pad: 'x'.repeat(200 + n) },
  };
  return { kind: 'event', project: '1', received: NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) };
};

function figures(s) {
  const one = (sql) => s.db.prepare(sql).pluck().get();
  return {
    events: one('SELECT count(*) FROM events'),
    sizes: one('SELECT coalesce(sum(size), 0) FROM events'),
    blocks: one('SELECT count(*) FROM bodies'),
    blockBytes: one('SELECT coalesce(sum(length(data)), 0) FROM bodies'),
    orphanBlocks: one('SELECT count(*) FROM bodies b WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.block = b.id)'),
    issues: one('SELECT count(*) FROM issues'),
  };
}

/** A store in a fresh directory for one test, closed and removed after it. */
function withStore(retention, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-dedup-'));
  const s = new Store(dir, retention);
  try {
    fn(s);
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Size retention down to nothing removes every event, block and byte it counted. */
function assertRetentionEmpties(s) {
  s.retention = { maxAgeDays: 0, maxBytes: 1 };
  s.enforceRetention(NOW);
  const f = figures(s);
  assert.deepEqual([f.events, f.blocks, s.totals.body_bytes], [0, 0, 0]);
}

test('duplicates found by the insert are counted, not stored, and leave the byte shares exact and no block without events', () => {
  withStore({ maxAgeDays: 0, maxBytes: 0 }, (s) => {
    let r = s.ingest([1, 2, 3, 4, 5].map((n) => rec(n)));
    assert.equal(r.stored.length, 5);
    // A retry of 2 and 4 between new events, and 7 twice in the same batch: one block of five.
    r = s.ingest([rec(6), rec(2), rec(7), rec(4), rec(7)]);
    assert.equal(r.stored.length, 2);
    assert.equal(r.duplicates, 3);
    let f = figures(s);
    assert.equal(f.events, 7);
    assert.equal(f.sizes, f.blockBytes, 'the shares of the stored events add up to the blocks\' bytes');
    assert.equal(s.totals.body_bytes, f.blockBytes, 'the bytes counter counts each stored byte once');
    assert.equal(s.totals.duplicates, 3);
    // A batch of duplicates only (the first of them under another fingerprint, which would open an
    // issue of its own): nothing is stored, no block kept, no issue made.
    r = s.ingest([rec(1, { fingerprint: 'elsewhere', value: 'other' }), rec(6), rec(3)]);
    assert.equal(r.stored.length, 0);
    assert.equal(r.duplicates, 3);
    f = figures(s);
    assert.equal(f.events, 7);
    assert.equal(f.orphanBlocks, 0, 'a block none of whose events was stored is not kept');
    assert.equal(f.sizes, f.blockBytes);
    assert.equal(s.totals.body_bytes, f.blockBytes);
    assert.equal(f.issues, 1, 'no empty issue for a duplicate');
    const [issue] = s.listIssues({ query: '' }).issues;
    assert.equal(issue.count, 7);
    assert.equal(issue.events, 7);
    assert.equal(s.getIssue(issue.id).stored_events, 7);
    // Size retention then removes every byte it counted, block by block.
    assertRetentionEmpties(s);
  });
});

// Retention finds a block's remaining events without an index on the block: a block is removed
// with its last event, never before (its other events stay readable).
test('age retention cutting through a block keeps the block until its last event goes', () => {
  withStore({ maxAgeDays: 30, maxBytes: 0 }, (s) => {
    const old = NOW - 40 * 86400;
    const recs = [];
    for (let n = 1; n <= 150; n++) recs.push({ ...rec(n), received: n <= 100 ? old : NOW });
    s.ingest(recs);
    assert.equal(figures(s).blocks, 3, 'blocks of 64, 64 and 22 events');
    assert.equal(s.enforceRetention(NOW), 100);
    let f = figures(s);
    assert.equal(f.events, 50);
    assert.equal(f.blocks, 2, 'the first block went with its last event; the second keeps 28 of its events');
    assert.equal(f.orphanBlocks, 0);
    assert.equal(f.sizes, s.totals.body_bytes);
    for (const n of [101, 128, 129, 150]) assert.equal(s.getEvent(n.toString(16).padStart(32, '0')).event.extra.pad.length, 200 + n, `event ${n} still readable`);
    assertRetentionEmpties(s);
  });
});
