// Sentry's transport API pieces (js/transport/sentry.js, js/transport/custom.js), in Node: the
// envelope structure a custom transport gets, Sentry's serialization of it, createTransport's
// buffer, and how an app transport's answers become the SDK transport's outcomes. The browser
// test (tests/browser/sdk-custom-transport.test.js) runs them in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSentryEnvelope, customTransport } from '../../esm/transport/custom.js';
import { serializeEnvelope, createTransport, makeFetchTransport, makeBrowserOfflineTransport } from '../../esm/transport/sentry.js';
import { frameEnvelope, parseEnvelope } from '../../js/envelope.js';
import { createRateLimiter } from '../../esm/transport/rate-limits.js';

const event = { event_id: 'c'.repeat(32), message: 'é ünïcode', tags: { a: '1' } };
const body = frameEnvelope(JSON.stringify({ event_id: event.event_id, sent_at: 'now' }), [{ type: 'event', payload: JSON.stringify(event) }, { type: 'client_report', payload: '{"discarded_events":[]}' }]);

test('an envelope as Sentry\'s structure: payloads parsed, item headers without length; serializeEnvelope frames it back', () => {
  const env = toSentryEnvelope(body);
  assert.deepEqual(env, [{ event_id: event.event_id, sent_at: 'now' }, [[{ type: 'event' }, event], [{ type: 'client_report' }, { discarded_events: [] }]]]);
  const again = parseEnvelope(serializeEnvelope(env));
  assert.deepEqual(again.header, env[0]);
  assert.deepEqual(again.items.map((i) => [i.header, JSON.parse(i.payload)]), env[1]);
  assert.equal(serializeEnvelope([{}, [[{ type: 'attachment' }, 'raw text']]]), '{}\n{"type":"attachment"}\nraw text');
});

test('createTransport: a request per envelope; over bufferSize the envelope is counted as queue_overflow (not a client report)', async () => {
  const bodies = [], drops = [];
  let release;
  const gate = new Promise((r) => { release = r; });
  const t = createTransport({ bufferSize: 1, recordDroppedEvent: (...a) => drops.push(a) }, async (req) => { bodies.push(req.body); await gate; return { statusCode: 200 }; });
  const first = t.send(toSentryEnvelope(body));
  assert.deepEqual(await t.send(toSentryEnvelope(body)), {});
  assert.deepEqual(drops, [['queue_overflow', 'error']]);
  assert.equal(await t.flush(50), false, 'a request still pending');
  release();
  assert.deepEqual(await first, { statusCode: 200 });
  assert.equal(await t.flush(50), true);
  assert.equal(bodies.length, 1);
  assert.equal(bodies[0], serializeEnvelope(toSentryEnvelope(body)));
});

test('customTransport: makeFetchTransport (also wrapped for offline) is Faultline\'s own; an app\'s factory gets Sentry\'s options', () => {
  const limiter = createRateLimiter(), fail = () => {};
  assert.equal(customTransport({ transport: makeFetchTransport }, 'u', () => {}, limiter, fail), null);
  assert.equal(customTransport({ transport: makeBrowserOfflineTransport() }, 'u', () => {}, limiter, fail), null);
  assert.equal(customTransport({ transport: { maxAttempts: 2 } }, 'u', () => {}, limiter, fail), null);
  let got;
  const rec = () => {};
  const c = customTransport({ transport: (o) => { got = o; return { send() {} }; }, tunnel: '/t', transportOptions: { headers: { a: 'b' }, url: 'ignored' } }, '/t', rec, limiter, fail);
  assert.deepEqual(got, { tunnel: '/t', recordDroppedEvent: rec, headers: { a: 'b' }, url: '/t' });
  assert.equal(c.offline, false);
  assert.equal(customTransport({ transport: makeBrowserOfflineTransport((o) => ({ send() {} })) }, 'u', rec, limiter, fail).offline, true);
  const failures = [];
  assert.equal(customTransport({ transport: () => ({}) }, 'u', rec, limiter, (e) => failures.push(e)), null, 'no send(): the built-in transport');
  assert.equal(failures.length, 1);
});

test('customTransport: answers become outcomes (ok, retry on a throw or rejection, drop on an HTTP error, limited on 429) and rate limits', async () => {
  const limiter = createRateLimiter();
  const answers = [{ statusCode: 200 }, undefined, 'throw', 'reject', { statusCode: 413 }, { statusCode: 200, headers: { 'x-sentry-rate-limits': '60:session:key' } }, { statusCode: 429, headers: { 'retry-after': '5' } }];
  const c = customTransport({ transport: () => ({ send() {
    const a = answers.shift();
    if (a === 'throw') throw new Error('x');
    if (a === 'reject') return Promise.reject(new Error('y'));
    return Promise.resolve(a);
  } }) }, 'u', () => {}, limiter, () => {});
  const out = [];
  for (let i = 0; i < 7; i++) out.push(await c.post(body));
  assert.deepEqual(out, ['ok', 'ok', 'retry', 'retry', 'drop', 'ok', 'limited']);
  assert.equal(limiter.isLimited('session'), true);
  assert.equal(limiter.isLimited('error'), true, 'the 429 limits everything');
});
