// The collector's query API and search language, issue lifecycle (resolve, ignore, regression),
// traces, sessions, retention and the live figures, over real HTTP against a real SQLite store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';
import { Store } from '../../demo/collector/store.js';
import { parseQuery, QueryError } from '../../demo/collector/query.js';

const KEY = 'api-key';
let dir;
let c;
const NOW = Date.now() / 1000;
const TRACE = 'ab'.repeat(16);

let n = 0;
function ev(over = {}) {
  n += 1;
  const { type = 'TypeError', value = 'boom', count = 1, ...rest } = over;
  return {
    event_id: (n.toString(16) + 'f'.repeat(32)).slice(0, 32), timestamp: NOW - 60, platform: 'javascript', level: 'error', release: 'shop@1.0.0', environment: 'production',
    exception: { values: [{ type, value, stacktrace: { frames: [{ function: 'lib', filename: 'https://cdn.example/lib.js', in_app: false }, { function: 'checkout', filename: 'https://shop.example/app.js', lineno: 10, in_app: true }] } }] },
    contexts: { faultline: { count }, browser: { name: 'Chrome', version: '120.0.1' } },
    ...rest,
  };
}

function envelope(items) {
  const lines = [JSON.stringify({ sent_at: new Date().toISOString() })];
  for (const [type, payload] of items) {
    const text = JSON.stringify(payload);
    lines.push(JSON.stringify({ type, length: Buffer.byteLength(text) }), text);
  }
  return lines.join('\n') + '\n';
}
const send = async (items) => {
  const r = await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope(items) });
  assert.equal(r.status, 200, await r.text());
};
const get = async (p) => {
  const r = await fetch(c.url + p);
  return { status: r.status, body: await r.json(), headers: r.headers };
};
const search = async (query, extra = '') => {
  const r = await get(`/api/issues?limit=100&query=${encodeURIComponent(query)}${extra}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.map((i) => i.title).sort();
};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-api-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } }, control: true });
  await send([
    ['event', ev({ value: 'cart is null', count: 40, user: { id: 'u1' }, tags: { plan: 'pro' } })],
    ['event', ev({ value: 'cart is null', user: { id: 'u2' }, contexts: { faultline: { count: 2 }, browser: { name: 'Firefox', version: '128.0' }, trace: { trace_id: TRACE, span_id: 'cd'.repeat(8) } } })],
    ['event', ev({ type: 'RangeError', value: 'page out of range', release: 'shop@1.1.0', environment: 'staging', user: { id: 'u1' } })],
    ['event', ev({ type: 'Error', value: 'old failure', timestamp: NOW - 3 * 86400, contexts: { faultline: { count: 1, first_seen: NOW - 3 * 86400, last_seen: NOW - 3 * 86400 } } })],
    ['event', { event_id: 'a'.repeat(32), timestamp: NOW - 30, level: 'warning', message: 'inventory sync degraded', release: 'shop@1.0.0' }],
    ['event', ev({ type: 'SyntaxError', value: 'unexpected token in JSON', level: 'fatal', culprit: 'parseConfig(config.js)' })],
  ]);
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('search terms filter issues: status, release, environment, browser, level, user, trace, has, free text, time', async () => {
  const all = await search('');
  assert.equal(all.length, 5);
  assert.deepEqual(await search('is:unresolved'), all);
  assert.deepEqual(await search('release:shop@1.1.0'), ['RangeError: page out of range']);
  assert.deepEqual(await search('release:shop@1.1.*'), ['RangeError: page out of range']);
  assert.deepEqual(await search('!release:shop@1.0.0'), ['RangeError: page out of range']);
  assert.deepEqual(await search('environment:staging'), ['RangeError: page out of range']);
  assert.deepEqual(await search('browser:Firefox'), ['TypeError: cart is null']);
  assert.deepEqual(await search('browser:"Firefox 128"'), ['TypeError: cart is null']);
  assert.deepEqual(await search('level:warning'), ['inventory sync degraded']);
  assert.deepEqual(await search('level:[warning,fatal]'), ['SyntaxError: unexpected token in JSON', 'inventory sync degraded']);
  assert.deepEqual(await search('user.id:u1'), ['RangeError: page out of range', 'TypeError: cart is null']);
  assert.deepEqual(await search(`trace:${TRACE}`), ['TypeError: cart is null']);
  assert.deepEqual(await search('has:user'), ['RangeError: page out of range', 'TypeError: cart is null']);
  assert.deepEqual(await search('has:trace'), ['TypeError: cart is null']);
  assert.deepEqual(await search('!has:trace').then((l) => l.length), all.length - 1);
  assert.deepEqual(await search('plan:pro'), ['TypeError: cart is null'], 'any other key is a tag');
  assert.deepEqual(await search('cart'), ['TypeError: cart is null'], 'free text on the title');
  assert.deepEqual(await search('"sync degraded"'), ['inventory sync degraded']);
  assert.deepEqual(await search('parseConfig'), ['SyntaxError: unexpected token in JSON'], 'free text on the culprit');
  assert.deepEqual(await search('checkout range'), ['RangeError: page out of range'], 'words are ANDed');
  assert.deepEqual(await search('age:-24h').then((l) => l.length), 4);
  assert.deepEqual(await search('age:+2d'), ['Error: old failure']);
  assert.deepEqual(await search('lastSeen:-1h times_seen:>10'), ['TypeError: cart is null']);
  assert.deepEqual(await search('', `&start=${NOW - 4 * 86400}&end=${NOW - 2 * 86400}`), ['Error: old failure']);
});

test('bad query syntax is a 400 with the position of the error, never a 500', async () => {
  for (const [q, pos] of [['release:"shop', 8], ['is:sleeping', 3], ['age:yesterday', 4], ['level:loud', 6], ['release:', 8], ['trace:xyz', 6], ['a "b"c', 5], ['times_seen:many', 11], ['x:[a,', 2]]) {
    const r = await get(`/api/issues?query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.position, pos, `${q}: ${r.body.detail}`);
  }
  assert.equal((await get('/api/issues?sort=loudest')).status, 400);
  assert.equal((await get('/api/issues?cursor=bm90IGEgY3Vyc29y')).status, 400);
  assert.equal((await get('/api/issues/abc/stats?interval=7x')).status, 400);
  assert.throws(() => parseQuery('"unterminated'), (e) => e instanceof QueryError && e.position === 0);
});

test('sorting and cursor pagination walk every issue exactly once', async () => {
  for (const sort of ['date', 'new', 'freq', 'user']) {
    const seen = [];
    let next = `/api/issues?limit=2&sort=${sort}`;
    let pages = 0;
    while (next) {
      const r = await get(next);
      assert.equal(r.status, 200);
      seen.push(...r.body);
      const cursor = r.headers.get('x-next-cursor');
      next = cursor ? `/api/issues?limit=2&sort=${sort}&cursor=${cursor}` : null;
      assert.ok(++pages < 10);
    }
    assert.equal(seen.length, 5, sort);
    assert.equal(new Set(seen.map((i) => i.id)).size, 5, sort);
    const key = { date: 'last_seen', new: 'first_seen', freq: 'count', user: 'users' }[sort];
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1][key] >= seen[i][key], `${sort} order`);
  }
  const freq = (await get('/api/issues?sort=freq&limit=1')).body[0];
  assert.equal(freq.title, 'TypeError: cart is null');
  assert.equal(freq.count, 42, 'true occurrence counts: 40 + 2');
  assert.equal(freq.users, 2);
});

test('an issue: detail, paged events, any event by id with its neighbours, stats from true counts, tag breakdown', async () => {
  const issue = (await get(`/api/issues?query=cart`)).body[0];
  const detail = (await get(`/api/issues/${issue.id}`)).body;
  assert.equal(detail.count, 42);
  assert.equal(detail.latest.exception.values[0].value, 'cart is null');
  assert.deepEqual(detail.browsers, { 'Chrome 120': 40, 'Firefox 128': 2 });
  const page1 = await get(`/api/issues/${issue.id}/events?limit=1`);
  assert.equal(page1.body.length, 1);
  const page2 = await get(`/api/issues/${issue.id}/events?limit=1&cursor=${page1.headers.get('x-next-cursor')}`);
  assert.equal(page2.body.length, 1);
  assert.equal(page2.headers.get('x-next-cursor'), null);
  assert.notEqual(page1.body[0].event_id, page2.body[0].event_id);
  const one = (await get(`/api/events/${page2.body[0].event_id}`)).body;
  assert.equal(one.issue, issue.id);
  assert.equal(one.next, page1.body[0].event_id);
  assert.equal(one.event.contexts.faultline.count, 40);
  const stats = (await get(`/api/issues/${issue.id}/stats?interval=1h&period=24h`)).body;
  assert.equal(stats.length, 24);
  assert.equal(stats.reduce((s, [, v]) => s + v, 0), 42);
  const fine = (await get(`/api/issues/${issue.id}/stats?interval=5m&period=1h`)).body;
  assert.equal(fine.length, 12);
  assert.equal(fine.reduce((s, [, v]) => s + v, 0), 42);
  const tags = (await get(`/api/issues/${issue.id}/tags`)).body;
  const browser = tags.find((t) => t.key === 'browser');
  assert.equal(browser.total, 42);
  assert.deepEqual(browser.values[0], { value: 'Chrome 120', count: 40 });
  assert.equal(tags.find((t) => t.key === 'user.id').unique, 2);
  assert.equal((await get('/api/issues/ffffffffffff')).status, 404);
  assert.equal((await get('/api/events/0123')).status, 404);
});

test('resolve, ignore, unresolve; a resolved issue seen again in a newer release reopens as a regression', async () => {
  const issue = (await get(`/api/issues?query=${encodeURIComponent('"page out of range"')}`)).body[0];
  const put = (status) => fetch(`${c.url}/api/issues/${issue.id}`, { method: 'PUT', body: JSON.stringify({ status }) }).then(async (r) => ({ status: r.status, body: await r.json() }));
  assert.equal((await put('resolved')).body.status, 'resolved');
  assert.deepEqual(await search('is:resolved'), ['RangeError: page out of range']);
  assert.ok(!(await search('is:unresolved')).includes('RangeError: page out of range'));
  // Same release as when resolved: old clients still running it; it stays resolved.
  await send([['event', ev({ type: 'RangeError', value: 'page out of range', release: 'shop@1.1.0' })]]);
  assert.equal((await get(`/api/issues/${issue.id}`)).body.status, 'resolved');
  await send([['event', ev({ type: 'RangeError', value: 'page out of range', release: 'shop@1.2.0' })]]);
  const after = (await get(`/api/issues/${issue.id}`)).body;
  assert.equal(after.status, 'unresolved');
  assert.equal(after.substatus, 'regressed');
  assert.deepEqual(await search('is:regressed'), ['RangeError: page out of range']);
  assert.equal((await put('ignored')).body.status, 'ignored');
  await send([['event', ev({ type: 'RangeError', value: 'page out of range', release: 'shop@1.3.0' })]]);
  assert.equal((await get(`/api/issues/${issue.id}`)).body.status, 'ignored', 'ignored stays ignored');
  assert.equal((await get(`/api/issues/${issue.id}`)).body.count, 4);
  assert.equal((await put('unresolved')).body.status, 'unresolved');
  assert.equal((await put('sleeping')).status, 400);
});

test('transactions, spans and errors of one trace come back together', async () => {
  const tid = 'cd'.repeat(16);
  const root = '1'.repeat(16);
  const child = '2'.repeat(16);
  await send([
    ['transaction', { event_id: 'b'.repeat(32), type: 'transaction', transaction: 'GET /api/checkout', start_timestamp: NOW - 2, timestamp: NOW - 1, platform: 'node',
      contexts: { trace: { trace_id: tid, span_id: root, parent_span_id: '3'.repeat(16), op: 'http.server', status: 'internal_error' } },
      spans: [{ trace_id: tid, span_id: child, parent_span_id: root, op: 'db.query', description: 'SELECT cart', start_timestamp: NOW - 1.8, timestamp: NOW - 1.5 }] }],
    ['span', { trace_id: tid, span_id: '4'.repeat(16), parent_span_id: root, op: 'cache.get', start_timestamp: NOW - 1.4, timestamp: NOW - 1.3 }],
    ['event', ev({ type: 'CheckoutError', value: 'payment backend down', platform: 'node', contexts: { faultline: { count: 1 }, trace: { trace_id: tid, span_id: root } } })],
  ]);
  const t = (await get(`/api/traces/${tid}`)).body;
  assert.equal(t.trace_id, tid);
  assert.deepEqual(t.spans.map((s) => s.span_id).sort(), [root, child, '4'.repeat(16)].sort());
  assert.equal(t.spans.find((s) => s.span_id === root).description, 'GET /api/checkout');
  assert.equal(t.transactions.length, 1);
  assert.equal(t.errors.length, 1);
  assert.equal(t.errors[0].title, 'CheckoutError: payment backend down');
  assert.equal(t.errors[0].span_id, root);
  assert.equal((await get(`/api/traces/${'e'.repeat(32)}`)).status, 404);
  assert.equal((await search('is:unresolved')).filter((x) => x.includes('GET /api/checkout')).length, 0, 'a transaction is not an issue');
});

test('sessions (release health) are stored and counted per release', async () => {
  const s = (sid, status, errors = 0, release = 'shop@1.0.0', init = true) => ['session', { sid, did: 'user-' + sid.slice(0, 1), init, started: new Date().toISOString(), timestamp: new Date().toISOString(), status, errors, attrs: { release, environment: 'production' } }];
  await send([s('a1', 'ok'), s('a2', 'ok', 1), s('a3', 'crashed', 1), s('b1', 'ok', 0, 'shop@1.1.0')]);
  await send([s('a1', 'exited', 0, 'shop@1.0.0', false), s('a2', 'exited', 1, 'shop@1.0.0', false)]);
  await send([['sessions', { attrs: { release: 'shop@1.1.0' }, aggregates: [{ started: new Date().toISOString(), exited: 5, crashed: 1 }] }]]);
  const list = (await get('/api/sessions')).body;
  const r1 = list.find((r) => r.release === 'shop@1.0.0');
  assert.equal(r1.sessions, 3);
  assert.equal(r1.crashed, 1);
  assert.equal(r1.errored, 1);
  assert.equal(r1.healthy, 1);
  assert.equal(r1.crash_free_rate.toFixed(3), (2 / 3).toFixed(3));
  const r2 = list.find((r) => r.release === 'shop@1.1.0');
  assert.equal(r2.sessions, 7);
  assert.equal(r2.crashed, 1);
});

test('live figures: EGR, ETD, EST and EQT per route', async () => {
  await get('/api/issues?query=cart');
  const m = (await get('/api/metrics')).body;
  assert.ok(m.egr.events_per_min > 0);
  assert.ok(m.egr.top_issues.length > 0);
  assert.equal(m.etd.unit, 'ms');
  assert.ok(m.etd.p50 >= 0 && m.etd.p95 >= m.etd.p50);
  assert.ok(m.est.bytes_per_event > 0 && m.est.bytes_per_occurrence > 0);
  assert.ok(m.est.bytes_per_occurrence < m.est.bytes_per_event, 'an event stands for several occurrences');
  assert.ok(m.eqt.routes['GET /api/issues'].n > 5);
  assert.ok(m.eqt.routes['GET /api/issues'].p95 >= m.eqt.routes['GET /api/issues'].p50);
});

test('occurrence weights follow Sentry error upsampling, then Faultline counts; events left to server grouping meet their SDK group', async () => {
  const { occurrencesOf, issueKey } = await import('../../demo/collector/fields.js');
  assert.equal(occurrencesOf({ contexts: { error_sampling: { client_sample_rate: 0.25 }, faultline: { count: 1 } } }), 4, 'sampleRate 0.25: one event stands for 4');
  assert.equal(occurrencesOf({ contexts: { error_sampling: { client_sample_rate: 0.02 }, faultline: { count: 50 } } }), 50, 'sampleRate 1 with 50 repeats: rate 1/50');
  assert.equal(occurrencesOf({ contexts: { faultline: { count: 7 } } }), 7);
  assert.equal(occurrencesOf({ contexts: { error_sampling: { client_sample_rate: 3 } } }), 1, 'a rate above 1 is ignored');
  assert.equal(occurrencesOf({}), 1);
  // The weight is the sender's claim (the DSN key is public): bounded per event, garbage is 1.
  assert.equal(occurrencesOf({ contexts: { faultline: { count: 1e308 } } }), 1e6, 'a forged count is capped');
  assert.equal(occurrencesOf({ contexts: { error_sampling: { client_sample_rate: 1e-300 } } }), 1e6, 'a forged rate is capped');
  for (const rate of [0, -1, NaN, '0.5', null]) assert.equal(occurrencesOf({ contexts: { error_sampling: { client_sample_rate: rate } } }), 1, `rate ${rate}`);
  for (const count of [0, -5, Infinity, '9', 0.5]) assert.equal(occurrencesOf({ contexts: { faultline: { count } } }), 1, `count ${count}`);
  const grouped = { fingerprint: ['{{ default }}'], contexts: { faultline: { fingerprint: 'fl1:abc' } }, exception: { values: [{ type: 'E', value: 'v 1' }] } };
  assert.equal(issueKey(grouped), 'fp:fl1:abc');
  assert.equal(issueKey({ ...grouped, fingerprint: undefined }), 'fp:fl1:abc');
  assert.equal(issueKey({ ...grouped, fingerprint: ['{{ default }}', 'tenant-a'] }), 'fp:fl1:abc');
  assert.equal(issueKey({ fingerprint: ['custom'], contexts: { faultline: { fingerprint: 'fl1:abc' } } }), 'fp:custom', 'an explicit fingerprint wins');
  await send([['event', ev({ value: 'sampled failure', contexts: { error_sampling: { client_sample_rate: 0.1 }, faultline: { count: 1 } } })]]);
  const [issue] = (await get(`/api/issues?query=${encodeURIComponent('"sampled failure"')}`)).body;
  assert.equal(issue.count, 10);
});

test('retention by age and by size deletes old event bodies but keeps issue counts, buckets and tags true, across a restart', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-retention-'));
  let s = new Store(d2, { maxAgeDays: 7, maxBytes: 0 });
  const rec = (e, received) => ({ kind: 'event', project: '1', received, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
  const old = NOW - 10 * 86400;
  s.ingest(Array.from({ length: 30 }, (_, i) => rec(ev({ value: 'kept count', event_id: `old-${i}-`.padEnd(32, 'f'), count: 3 }), old)));
  s.ingest(Array.from({ length: 10 }, (_, i) => rec(ev({ value: 'kept count', event_id: `new-${i}-`.padEnd(32, 'f'), count: 3 }), NOW)));
  const id = s.listIssues({}).issues[0].id;
  assert.equal(s.enforceRetention(NOW), 30);
  let issue = s.getIssue(id);
  assert.equal(issue.count, 120, 'count unchanged');
  assert.equal(issue.events, 40);
  assert.equal(issue.stored_events, 10);
  s.close();
  // Size: keep at most ~4 bodies' worth.
  s = new Store(d2, { maxAgeDays: 0, maxBytes: 1 });
  const per = s.totals.body_bytes / 10;
  s.retention.maxBytes = Math.floor(per * 4.5);
  s.enforceRetention(NOW);
  issue = s.getIssue(id);
  assert.ok(issue.stored_events <= 4 && issue.stored_events >= 3, `stored ${issue.stored_events}`);
  assert.equal(issue.count, 120);
  assert.ok(s.totals.body_bytes <= per * 4.5);
  assert.equal(s.issueTags(id).find((t) => t.key === 'browser').total, 120);
  assert.equal(s.getIssue(id).latest.exception.values[0].value, 'kept count', 'detail falls back to the newest stored event');
  s.close();
  s = new Store(d2);
  assert.equal(s.getIssue(id).count, 120);
  assert.equal(s.totals.expired_events, 30 + 10 - s.getIssue(id).stored_events);
  s.close();
  fs.rmSync(d2, { recursive: true, force: true });
});

test('startup reads no events: a store with many events opens as fast as an empty one', async () => {
  const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-startup-'));
  let s = new Store(d2);
  const batch = [];
  for (let i = 0; i < 20000; i++) {
    const e = ev({ value: `bug ${i % 50}`, event_id: `s-${i}-`.padEnd(32, 'f') });
    batch.push({ kind: 'event', project: '1', received: NOW, ua: '', event: e, raw: Buffer.from(JSON.stringify(e)) });
    if (batch.length === 2000) s.ingest(batch.splice(0));
  }
  s.close();
  let reads = 0;
  const orig = Store.prototype.decodeEvent;
  Store.prototype.decodeEvent = function (row) {
    reads++;
    return orig.call(this, row);
  };
  try {
    s = new Store(d2);
    assert.equal(reads, 0, 'no event body is read at startup');
    assert.equal(s.totals.events, 20000);
    assert.equal(s.issueCount, 50);
    s.close();
  } finally {
    Store.prototype.decodeEvent = orig;
  }
  fs.rmSync(d2, { recursive: true, force: true });
});
