// The collector's schema migrations: a data directory written by an older schema opens with the
// current one, keeps every event readable and every figure true, and takes new events beside the
// old ones (schema 2 stored one deflated body per event and user.id in issue_tags; schema 3 stores
// bodies in blocks and answers user.id from issue_users; schema 4 keeps each issue's count of
// stored events with the issue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, Store, packBody } from '../../demo/collector/store.js';

const NOW = Date.now() / 1000;

function event(id, value, user) {
  return {
    event_id: id.padEnd(32, '0'), timestamp: NOW - 120, level: 'error', release: 'shop@1.0.0', environment: 'production', user: { id: user },
    exception: { values: [{ type: 'TypeError', value, stacktrace: { frames: [{ function: 'checkout', filename: 'https://shop.example/app.js', in_app: true }] } }] },
    contexts: { browser: { name: 'Firefox', version: '128.0' } }, fingerprint: ['checkout-bug'],
  };
}

test('a schema-2 data directory migrates in place: old bodies stay readable, user.id moves to the users table, new events go beside them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-migrate-'));
  const file = path.join(dir, 'faultline.sqlite');
  // What the schema-2 collector wrote for two events of one issue, by two users.
  const db = new Database(file);
  db.exec(MIGRATIONS[0]);
  db.exec(MIGRATIONS[1]);
  db.pragma('user_version = 2');
  const issueId = db.prepare(`INSERT INTO issues (public_id, project, key, title, culprit, level, count, events, users, first_seen, last_seen, first_release, last_release)
    VALUES ('aaaaaaaaaaaa', '1', 'fp:checkout-bug', 'TypeError: old', 'checkout', 'error', 5, 2, 2, ?, ?, 'shop@1.0.0', 'shop@1.0.0')`).run(NOW - 200, NOW - 100).lastInsertRowid;
  let bytes = 0;
  for (const [id, user, count] of [['01', 'u1', 3], ['02', 'u2', 2]]) {
    const raw = Buffer.from(JSON.stringify(event(id, 'old', user)));
    const body = packBody(raw);
    bytes += body.length;
    db.prepare(`INSERT INTO events (project, event_id, issue_id, type, timestamp, received, count, level, release, user_key, title, size, dict, body)
      VALUES ('1', ?, ?, 'error', ?, ?, ?, 'error', 'shop@1.0.0', ?, 'TypeError: old', ?, 1, ?)`).run(id.padEnd(32, '0'), issueId, NOW - 150, NOW - 150, count, `id:${user}`, body.length, body);
    db.prepare('INSERT INTO issue_users (issue_id, user_key, count) VALUES (?, ?, ?)').run(issueId, `id:${user}`, count);
    db.prepare("INSERT INTO issue_tags (issue_id, key, value, count) VALUES (?, 'user.id', ?, ?)").run(issueId, user, count);
  }
  db.prepare("INSERT INTO issue_tags (issue_id, key, value, count) VALUES (?, 'browser.name', 'Firefox', 5)").run(issueId);
  db.prepare("INSERT INTO counters (name, value) VALUES ('events', 2), ('occurrences', 5), ('body_bytes', ?)").run(bytes);
  db.close();

  let s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  assert.equal(s.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(s.getEvent('01'.padEnd(32, '0')).event.exception.values[0].value, 'old', 'a schema-2 body is still read');
  const users = s.issueTags('aaaaaaaaaaaa').find((t) => t.key === 'user.id');
  assert.deepEqual(users, { key: 'user.id', total: 5, unique: 2, values: [{ value: 'u1', count: 3 }, { value: 'u2', count: 2 }] }, 'user.id counted once, from the users table');
  assert.equal(s.listIssues({ query: 'user.id:u2' }).issues.length, 1);
  assert.equal(s.listIssues({ query: 'user.id:u3' }).issues.length, 0);

  // New events of the same issue (one of them a duplicate of an old one) land in a block.
  const recs = [event('03', 'new', 'u3'), event('04', 'new', 'u1'), event('01', 'old', 'u1')].map((e) => ({ kind: 'event', project: '1', received: NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) }));
  const r = s.ingest(recs);
  assert.equal(r.stored.length, 2);
  assert.equal(r.duplicates, 1, 'an event id already stored in a schema-2 row is a duplicate');
  const detail = s.getIssue('aaaaaaaaaaaa');
  assert.equal(detail.count, 7);
  assert.equal(detail.users, 3);
  assert.equal(detail.stored_events, 4);
  assert.equal(detail.latest.exception.values[0].value, 'new');
  const row = s.db.prepare('SELECT block, dict, length(body) AS n FROM events WHERE event_id = ?').get('03'.padEnd(32, '0'));
  assert.ok(row.block > 0 && row.n === 0, 'new bodies live in a block, not in the row');
  assert.equal(s.getEvent('04'.padEnd(32, '0')).previous, '03'.padEnd(32, '0'));
  s.close();

  // Size retention removes the oldest bodies first, whatever their form; counts stay; the block
  // goes with its last event.
  s = new Store(dir, { maxAgeDays: 0, maxBytes: 1 });
  s.enforceRetention(NOW);
  assert.equal(s.db.prepare('SELECT count(*) AS n FROM events').get().n, 0);
  assert.equal(s.db.prepare('SELECT count(*) AS n FROM bodies').get().n, 0, 'no block outlives its events');
  assert.equal(s.getIssue('aaaaaaaaaaaa').count, 7);
  assert.equal(s.getIssue('aaaaaaaaaaaa').stored_events, 0, 'the stored-events figure kept with the issue follows retention');
  assert.equal(s.totals.body_bytes, 0, 'the per-event shares of a block add up to its size');
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
