// Second round of defects an outside tester found in the local collector (issue 12): each test
// names the behaviour and reproduces the report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../demo/collector/server.js';

const KEY = 'findings2-key';
let dir;
let c;
let base;

async function postRaw(body) {
  const r = await fetch(`${base}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}
function envelope(payloads, header = {}) {
  const lines = [JSON.stringify(header)];
  for (const p of payloads) {
    const text = typeof p === 'string' ? p : JSON.stringify(p);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(text) }), text);
  }
  return lines.join('\n') + '\n';
}
const post = (payloads, header) => postRaw(envelope(payloads, header));
async function get(p) {
  const r = await fetch(base + p);
  return { status: r.status, body: await r.json() };
}
const hex = (n) => n.toString(16).padStart(32, '0');

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-findings2-'));
  c = await startCollector({ port: 0, dataDir: dir, projects: { 1: { publicKey: KEY } } });
  base = `http://127.0.0.1:${c.port}`;
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('a sort named like an Object.prototype property (__proto__, toString, …) is an unknown sort: 400, as sort=foo', async () => {
  await post([{ event_id: hex(0x5011), message: 'sort me' }]);
  for (const sort of ['foo', ...PROTO_NAMES]) {
    const r = await get(`/api/issues?sort=${sort}`);
    assert.equal(r.status, 400, `${sort}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.detail, /sort must be one of date, new, freq, user/);
  }
  const cursor = Buffer.from(JSON.stringify(['1796193571.246', 35, '__proto__'])).toString('base64url');
  assert.equal((await get(`/api/issues?sort=__proto__&cursor=${cursor}`)).status, 400);
  assert.equal((await get(`/api/issues?cursor=${cursor}`)).status, 400);
  assert.equal((await get('/api/issues?sort=freq')).status, 200);
});

test('an issue id of 256 characters or more is "no such issue" (404), not "no such API route"', async () => {
  for (const n of [199, 256, 1000]) {
    for (const tail of ['', '/events', '/tags']) {
      const r = await get(`/api/issues/${'a'.repeat(n)}${tail}`);
      assert.equal(r.status, 404);
      assert.equal(r.body.detail, 'no such issue', `${n}${tail}`);
    }
  }
});

test('/__stats counts every ignored item under its type, types named like Object.prototype properties included', async () => {
  const before = (await get('/__stats')).body.ignored_items;
  const lines = [JSON.stringify({})];
  for (const t of [...PROTO_NAMES, ...PROTO_NAMES, 'attachment']) lines.push(JSON.stringify({ type: t, length: 2 }), '{}');
  await postRaw(lines.join('\n') + '\n');
  const after = (await get('/__stats')).body.ignored_items;
  for (const t of [...PROTO_NAMES, 'attachment']) {
    const was = Object.hasOwn(before, t) ? before[t] : 0;
    assert.equal(typeof after[t], 'number', `${t}: ${JSON.stringify(after)}`);
    assert.equal(after[t] - was, t === 'attachment' ? 1 : 2, t);
  }
});

test('an event is stored under the envelope header\'s event_id (the id the reply names) when its item has none or another one; else under the item\'s', async () => {
  const id = hex(0xe1d1);
  const reply = await postRaw(`{"event_id":"${id}"}\n{"type":"event"}\n{"message":"header id only"}\n`);
  assert.equal(reply.id, id);
  const ev = await get(`/api/events/${id}`);
  assert.equal(ev.status, 200, JSON.stringify(ev.body));
  assert.equal(ev.body.event.message, 'header id only');
  // Both given and different: the header's wins, as in Relay; the item's id names nothing.
  const head = hex(0xe1d5);
  const item = hex(0xe1d6);
  const r3 = await postRaw(`{"event_id":"${head}"}\n{"type":"event"}\n{"event_id":"${item}","message":"two ids"}\n`);
  assert.equal(r3.id, head);
  assert.equal((await get(`/api/events/${head}`)).body.event.message, 'two ids');
  assert.equal((await get(`/api/events/${item}`)).status, 404);
  // Without a header id, the item's own id is the id the event is stored and answered under.
  const own = hex(0xe1d3);
  const r2 = await postRaw(`{}\n{"type":"event"}\n{"event_id":"${own}","message":"own id"}\n`);
  assert.equal(r2.id, own);
  assert.equal((await get(`/api/events/${own}`)).status, 200);
});

test('a timestamp in milliseconds is stored as seconds, and an unreadable one (no date, true, an object) as the arrival time, the value as sent kept in errors as invalid_data', async () => {
  const now = Date.now() / 1000;
  const cases = [
    [hex(0x7501), Math.round(now * 1000) - 3600e3, now - 3600],
    [hex(0x7502), 'notadate', now],
    [hex(0x7503), true, now],
    [hex(0x7504), { a: 1 }, now],
    [hex(0x7505), [now], now],
  ];
  await post(cases.map(([id, ts], i) => ({ event_id: id, timestamp: ts, message: `ts case ${i}` })));
  for (const [id, sent, want] of cases) {
    const { body } = await get(`/api/events/${id}`);
    assert.equal(typeof body.event.timestamp, 'number', id);
    assert.ok(Math.abs(body.event.timestamp - want) < 60, `${id}: ${body.event.timestamp}`);
    assert.deepEqual(body.event.errors, [{ type: 'invalid_data', name: 'timestamp', value: sent }]);
    const issue = (await get(`/api/issues/${body.issue}`)).body;
    assert.ok(Math.abs(issue.last_seen - want) < 60, `${id}: last_seen ${issue.last_seen}`);
  }
  // Seconds as a number, a numeric string or an RFC 3339 date are read as sent, with no error.
  const ok = [[hex(0x7511), now - 60], [hex(0x7512), String(Math.round(now - 60))], [hex(0x7513), new Date((now - 60) * 1000).toISOString()]];
  await post(ok.map(([id, ts]) => ({ event_id: id, timestamp: ts, message: 'ts fine' })));
  for (const [id, sent] of ok) {
    const { body } = await get(`/api/events/${id}`);
    assert.equal(body.event.timestamp, sent);
    assert.equal(body.event.errors, undefined);
  }
});

test('tags[KEY]:value finds any tag key the store accepts (quotes, spaces, emoji, `]` written \\]); a bare emoji key works too', async () => {
  const long = 'k'.repeat(70);
  await post([{ event_id: hex(0x7a91), message: 'odd tag keys', tags: { 'k"q': 'v"w', 'emoji😀': 'x', 'a b': 'c', 'x]y': 'z', 'b\\s': 'w', [long]: 'l' } }]);
  const issue = (await get('/api/issues?query=' + encodeURIComponent('"odd tag keys"'))).body[0].id;
  const found = async (query) => {
    const r = await get('/api/issues?query=' + encodeURIComponent(query));
    assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
    return r.body.map((i) => i.id);
  };
  for (const q of ['tags[k"q]:"v\\"w"', 'tags[emoji😀]:x', 'emoji😀:x', 'tags[a b]:c', 'tags[x\\]y]:z', 'tags[b\\\\s]:w', 'tags[a b]:[c,d]', 'tags[a b]:c*', `tags[${long}]:l`, '"odd tag keys" !tags[a b]:nope']) {
    assert.deepEqual(await found(q), [issue], q);
  }
  assert.deepEqual(await found('tags[a b]:d'), [], 'another value');
  assert.deepEqual(await found('"odd tag keys" -tags[a b]:c'), [], 'negated');
  // tags[is]:x is the tag named "is", not the is: filter.
  assert.deepEqual(await found('tags[is]:x'), []);
});

test('GET /api/issues/:id/events/:eid answers an event of that issue only: an event of another issue is 404', async () => {
  const a = hex(0x4a01);
  const b = hex(0x4b01);
  await post([{ event_id: a, message: 'issue of event A' }, { event_id: b, message: 'issue of event B' }]);
  const issueA = (await get(`/api/events/${a}`)).body.issue;
  const issueB = (await get(`/api/events/${b}`)).body.issue;
  assert.notEqual(issueA, issueB);
  const own = await get(`/api/issues/${issueB}/events/${b}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.event.message, 'issue of event B');
  assert.equal(own.body.issue, issueB);
  const other = await get(`/api/issues/${issueA}/events/${b}`);
  assert.equal(other.status, 404);
  assert.equal(other.body.detail, 'no such event in this issue');
  assert.equal((await get(`/api/issues/${issueA}/events/${hex(0x4c01)}`)).body.detail, 'no such event in this issue');
  assert.equal((await get(`/api/issues/nosuchissue/events/${a}`)).body.detail, 'no such issue');
});

// Third round (a final outside re-check, 2026-12-02).
test('a NUL in a search is a 400 with its position, never a failed statement (500)', async () => {
  await post([{ event_id: hex(0x5101), message: 'nul search target' }]);
  for (const q of ['a\0b', 'abc\0', '"a\0b"', '-a\0b', '\0\0\0', 'k:a\0', 'tags[a\0]:x']) {
    const r = await get(`/api/issues?query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 400, `${JSON.stringify(q)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.position, q.indexOf('\0'));
  }
  assert.equal((await get(`/api/issues?query=${encodeURIComponent('nul search')}`)).body.length, 1);
});

test('a sessions item cannot wreck release health: counts capped as an event count is, an aggregate without a readable start dropped', async () => {
  const sessions = (aggregates) => {
    const body = JSON.stringify({ attrs: { release: 'health@1.0.0', environment: 'production' }, aggregates });
    return `{}\n${JSON.stringify({ type: 'sessions', length: Buffer.byteLength(body) })}\n${body}\n`;
  };
  await postRaw(sessions([{ started: new Date().toISOString(), exited: 40, crashed: 1e308 }, { started: 'x', crashed: 5, exited: -5 }]));
  const rel = (await get('/api/sessions')).body;
  const row = (Array.isArray(rel) ? rel : rel.releases || []).find((x) => x.release === 'health@1.0.0');
  assert.ok(row, JSON.stringify(rel));
  assert.ok(row.sessions <= 1e6 + 40, JSON.stringify(row));
  assert.ok(row.crashed <= 1e6, JSON.stringify(row));
});

test('every stored event can be fetched by the id the reply names, which its stored body carries: none given, not an id, or only in the header', async () => {
  const fetchBack = async (reply, message) => {
    assert.match(String(reply.id), /^[0-9a-f]{32}$/, JSON.stringify(reply));
    const ev = await get(`/api/events/${reply.id}`);
    assert.equal(ev.status, 200, JSON.stringify(ev.body));
    assert.equal(ev.body.event.message, message);
    assert.equal(ev.body.event.event_id, reply.id);
    return ev.body.event;
  };
  // No id anywhere: a new one, named in the reply (it was null) and written into the body.
  await fetchBack(await postRaw(`{}\n{"type":"event"}\n{"message":"no id at all"}\n`), 'no id at all');
  // Not an id ("zz", a number, "__proto__"): a new one, the value as sent kept in errors.
  for (const [given, message] of [['"zz"', 'id zz'], ['12345', 'id number'], ['"__proto__"', 'id proto']]) {
    const ev = await fetchBack(await postRaw(`{}\n{"type":"event"}\n{"event_id":${given},"message":"${message}"}\n`), message);
    assert.deepEqual(ev.errors.at(-1), { type: 'invalid_data', name: 'event_id', value: JSON.parse(given) });
  }
  const legacy = await fetch(`${base}/api/1/store/?sentry_key=${KEY}`, { method: 'POST', body: JSON.stringify({ message: 'legacy no id' }) });
  await fetchBack(await legacy.json(), 'legacy no id');
  // Only in the header, or the header's and another: the body carries the header's.
  const head = hex(0xe2d1);
  const ev = await fetchBack(await postRaw(`{"event_id":"${head}"}\n{"type":"event"}\n{"event_id":"${hex(0xe2d2)}","message":"body id rewritten"}\n`), 'body id rewritten');
  assert.equal(ev.event_id, head);
});
