// The issue search answers a term on tags, users or free text in one of two ways: issue by issue
// over the first issues in the list's order (a common value), or from an index list (a rare
// value). Whichever way a page is found, it must be exactly the page a plain scan finds: checked
// here against a brute-force filter of the same issues, page by page through the cursors, with
// more issues than the issue-by-issue pass looks at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';

const NOW = Date.now() / 1000;
const ISSUES = 2600; // many more than the 300 issues the issue-by-issue pass checks

test('searches give the same pages whether terms are checked issue by issue or from index lists', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-plans-'));
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  const truth = [];
  const recs = [];
  for (let i = 0; i < ISSUES; i++) {
    // Common values (most issues) and rare ones (a few, spread over the order); some issues
    // have two events with different values.
    const release = i % 97 === 5 ? 'shop@9.9.9' : `shop@1.0.${i % 3}`;
    const env = i % 4 === 0 ? 'staging' : 'production';
    const user = i % 500 === 7 ? 'rare-user' : `u${i % 10}`;
    const word = i % 311 === 3 ? 'Zebra' : 'handler';
    const value = `${word} ${i} failed_100%`;
    const ts = NOW - 1000 + (i * 7919) % 997; // last_seen not in id order
    const e = {
      event_id: `a${i.toString(16).padStart(31, '0')}`, timestamp: ts, level: 'error', release, environment: env, user: { id: user },
      exception: { values: [{ type: 'Error', value }] }, contexts: { browser: { name: i % 2 ? 'Firefox' : 'Chrome', version: '1' } }, fingerprint: [`issue-${i}`],
    };
    recs.push({ kind: 'event', project: '1', received: NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
    const rel = new Set([release]);
    if (i % 13 === 0) {
      const e2 = { ...e, event_id: `b${i.toString(16).padStart(31, '0')}`, release: 'shop@9.9.9', timestamp: ts - 5 };
      recs.push({ kind: 'event', project: '1', received: NOW, ua: '', event: e2, raw: Buffer.from(JSON.stringify(e2)) });
      rel.add('shop@9.9.9');
    }
    truth.push({ key: `issue-${i}`, release: rel, env, user, title: `Error: ${value}`, ts, count: i % 13 === 0 ? 2 : 1 });
  }
  for (let k = 0; k < recs.length; k += 500) s.ingest(recs.slice(k, k + 500));
  // Issues of every status, spread over the order: a list that allows several statuses merges one
  // index walk per status, and must give the pages of one sorted scan.
  const byTitle = new Map();
  for (let cursor = null, guard = 0; guard < 100; guard++) {
    const r = s.listIssues({ cursor, limit: 100, now: NOW });
    for (const x of r.issues) byTitle.set(x.title, x.id);
    if (!r.next) break;
    cursor = r.next;
  }
  assert.equal(byTitle.size, ISSUES);
  truth.forEach((t, i) => {
    t.status = i % 7 === 1 ? 'resolved' : i % 11 === 2 ? 'ignored' : 'unresolved';
    if (t.status !== 'unresolved') s.setStatus(byTitle.get(t.title), t.status);
  });

  const titles = new Map(truth.map((t) => [t.title, t]));
  const pages = (query, sort) => {
    const out = [];
    let cursor = null;
    for (let guard = 0; guard < 200; guard++) {
      const r = s.listIssues({ query, sort, cursor, limit: 100, now: NOW });
      out.push(...r.issues.map((x) => x.title));
      if (!r.next) break;
      cursor = r.next;
    }
    return out;
  };
  const expect = (pred, sort) => {
    const list = truth.filter(pred);
    const by = sort === 'freq' ? (t) => t.count : (t) => t.ts;
    // Same tie-break as the store: higher value first, then the later issue first.
    const order = new Map(truth.map((t, i) => [t, i]));
    list.sort((a, b) => by(b) - by(a) || order.get(b) - order.get(a));
    return list.map((t) => t.title);
  };
  const cases = [
    ['environment:production', (t) => t.env === 'production'],
    ['release:shop@9.9.9', (t) => t.release.has('shop@9.9.9')],
    ['!release:shop@9.9.9', (t) => !t.release.has('shop@9.9.9')],
    ['release:shop@9.9.9 environment:staging', (t) => t.release.has('shop@9.9.9') && t.env === 'staging'],
    ['user.id:rare-user', (t) => t.user === 'rare-user'],
    ['user.id:u3 environment:production', (t) => t.user === 'u3' && t.env === 'production'],
    ['handler', (t) => t.title.includes('handler')],
    ['zebra', (t) => t.title.toLowerCase().includes('zebra')],
    ['"failed_100%"', (t) => t.title.includes('failed_100%')],
    ['"d_1"', (t) => t.title.includes('d_1')],
    ['zebra release:shop@1.0.1', (t) => t.title.includes('Zebra') && t.release.has('shop@1.0.1')],
    ['', () => true],
    ['is:unresolved', (t) => t.status === 'unresolved'],
    ['is:resolved', (t) => t.status === 'resolved'],
    ['is:resolved is:ignored', () => false],
    ['is:[ignored, resolved] environment:production', (t) => t.status !== 'unresolved' && t.env === 'production'],
    ['!is:unresolved', (t) => t.status !== 'unresolved'],
    ['is:unresolved release:shop@9.9.9', (t) => t.status === 'unresolved' && t.release.has('shop@9.9.9')],
    ['zebra !is:ignored', (t) => t.title.includes('Zebra') && t.status !== 'ignored'],
  ];
  for (const [query, pred] of cases) {
    for (const sort of ['date', 'freq']) {
      const got = pages(query, sort);
      assert.deepEqual(got, expect(pred, sort), `${query} (sort ${sort}): ${got.length} issues`);
      for (const t of got) assert.ok(titles.has(t));
    }
  }
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
