// The per-issue aggregates (issue rows' counts, tags, users affected, hourly buckets, free text)
// are written to their tables every few thousand events, not every batch; the batches in between
// append what they add to a journal in their own transaction. These tests hold the store to the
// same figures as one that writes every batch at once: after a crash (the process ends without
// closing the store), after a batch that fails half-way (rolled back), and for reads in between
// (a read sees every stored event).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';

const NOW = 1796000000;

function records(from, n, bugs = 7) {
  const out = [];
  for (let i = from; i < from + n; i++) {
    const bug = i % bugs;
    const e = {
      event_id: (i + 1).toString(16).padStart(32, '0'), timestamp: NOW - (i % 50) * 900, release: `app@1.0.${i % 3}`, environment: i % 4 ? 'production' : 'staging',
      // bug 3's title changes with every event (an id in its message): the free-text index follows.
      exception: { values: [{ type: 'TypeError', value: bug === 3 ? `order ${i} failed` : `bug ${bug} failed` }] }, fingerprint: [`bug-${bug}`],
      user: { id: `u${i % 11}` }, contexts: { browser: { name: i % 2 ? 'Chrome' : 'Firefox', version: '120.0' }, faultline: { count: 1 + (i % 3) } }, tags: { shard: `s${i % 5}` },
    };
    out.push({ kind: 'event', project: '1', received: NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
  }
  return out;
}

// Everything a reader sees of the aggregates, straight from the tables (flushed first).
function figures(s) {
  s.flush();
  const q = (sql) => s.db.prepare(sql).all();
  return {
    issues: q('SELECT public_id, title, culprit, message, level, status, count, events, stored, users, first_seen, last_seen, last_release, latest_event FROM issues ORDER BY id'),
    tags: q('SELECT * FROM issue_tags ORDER BY issue_id, key, value'),
    users: q('SELECT * FROM issue_users ORDER BY issue_id, user_key'),
    buckets: q('SELECT * FROM issue_buckets ORDER BY issue_id, bucket'),
    fts: q('SELECT rowid, title, culprit, message FROM issue_fts ORDER BY rowid'),
    journal: q('SELECT count(*) AS n FROM agg_journal'),
  };
}

function tmp(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `faultline-journal-${name}-`));
}

// The reference: a store that writes every batch's aggregates at once (flush after each batch).
function reference(batches) {
  const dir = tmp('ref');
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  for (const b of batches) {
    s.ingest(b());
    s.flush();
  }
  const f = figures(s);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return f;
}

const BATCHES = Array.from({ length: 12 }, (_, k) => () => records(k * 97, 97));

test('a crash between flushes loses nothing: the next start applies the journal, figures equal writing every batch', () => {
  const want = reference(BATCHES);
  const dir = tmp('crash');
  let s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  for (const b of BATCHES.slice(0, 7)) s.ingest(b());
  assert.ok(s.db.prepare('SELECT count(*) FROM agg_journal').pluck().get() > 0, 'the batches are in the journal');
  assert.equal(s.db.prepare('SELECT coalesce(sum(count), 0) FROM issues').pluck().get(), 0, 'and not yet in the issue rows');
  // The process ends: the connection closes without a flush (what a kill leaves on disk).
  s.db.close();
  s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  assert.equal(s.db.prepare('SELECT count(*) FROM agg_journal').pluck().get(), 0, 'applied at start');
  for (const b of BATCHES.slice(7)) s.ingest(b());
  assert.deepEqual(figures(s), want);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a batch that fails half-way leaves the figures of the batches before it, and the next batches count on from them', () => {
  const ok = BATCHES.filter((_, k) => k !== 5);
  const want = reference(ok);
  const dir = tmp('fail');
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  for (const b of BATCHES.slice(0, 5)) s.ingest(b());
  // Batch 5 fails at its 50th event insert (as a full disk would): the transaction rolls back,
  // after its first events already changed the in-memory issue rows.
  const insert = s.q.insertEvent;
  let calls = 0;
  s.q.insertEvent = { run: (...a) => {
    if (++calls === 50) throw new Error('disk full (simulated)');
    return insert.run(...a);
  } };
  assert.throws(() => s.ingest(BATCHES[5]()), /disk full/);
  s.q.insertEvent = insert;
  for (const b of BATCHES.slice(6)) s.ingest(b());
  assert.deepEqual(figures(s), want);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('reads between flushes see every stored event: counts, tags, users, stats and free text', () => {
  const dir = tmp('read');
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  s.ingest(records(0, 40));
  const list = s.listIssues({ sort: 'freq', now: NOW }).issues;
  const total = list.reduce((n, i) => n + i.count, 0);
  let want = 0;
  for (let i = 0; i < 40; i++) want += 1 + (i % 3);
  assert.equal(total, want, 'occurrences');
  assert.equal(list.reduce((n, i) => n + i.events, 0), 40);
  const bug3 = list.find((i) => i.title.startsWith('TypeError: order'));
  assert.equal(bug3.title, 'TypeError: order 38 failed', 'the newest title');
  assert.equal(s.listIssues({ query: '"order 38"', now: NOW }).issues.length, 1, 'free text finds the newest title');
  const tags = s.issueTags(bug3.id);
  assert.equal(tags.find((t) => t.key === 'shard').total, bug3.count);
  assert.ok(bug3.users > 0);
  assert.equal(s.issueStats(bug3.id, { now: NOW, period: 86400 }).reduce((n, [, c]) => n + c, 0), bug3.count);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a batch with more entries than one journal row holds (450 issues, thousands of tag rows) is applied whole after a crash', () => {
  const big = [() => records(0, 900, 450), () => records(900, 900, 450)];
  const want = reference(big);
  const dir = tmp('big');
  let s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  for (const b of big) s.ingest(b());
  assert.ok(s.db.prepare('SELECT count(*) FROM agg_journal').pluck().get() > 4, 'several rows a batch');
  s.db.close();
  s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  assert.deepEqual(figures(s), want);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a journal left by a collector before per-event entries (increments per issue and key) is applied at start', () => {
  const want = reference(BATCHES);
  const dir = tmp('old-journal');
  let s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  for (const b of BATCHES) s.ingest(b());
  // Rewrite the journal's per-event entries as the previous format: [issue, key, n] per table.
  const rows = s.db.prepare('SELECT id, data FROM agg_journal ORDER BY id').all();
  let rewritten = 0;
  for (const { id, data } of rows) {
    const j = JSON.parse(data);
    if (!j.e) continue;
    const t = [], u = [], b = [];
    for (let k = 0; k < j.e.length; k += 5) {
      const [issue, count, tags, user, bucket] = j.e.slice(k, k + 5);
      for (const kv of typeof tags === 'string' ? tags.split('\u0001') : tags.map(([x, y]) => `${x}\u0000${y}`)) t.push([issue, kv, count]);
      if (user) u.push([issue, user, count]);
      b.push([issue, bucket, count]);
    }
    s.db.prepare('UPDATE agg_journal SET data = ? WHERE id = ?').run(JSON.stringify({ t, u, b }), id);
    rewritten += 1;
  }
  assert.ok(rewritten > 0, 'the journal held per-event entries');
  s.db.close();
  s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  assert.deepEqual(figures(s), want);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
