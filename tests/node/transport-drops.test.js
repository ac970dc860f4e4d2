// What a lost envelope counts for in the client reports (js/transport.js onDrop): its occurrences
// as errors, a session envelope as one session (Sentry's client reports count lost sessions in the
// 'session' category), a client report as nothing. Each way the transport can lose an envelope is
// driven with a fake fetch: a 429, a rate limit already in force, a 4xx refusal, retries exhausted
// with no offline store (no IndexedDB in Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from '../../esm/transport.js';

const event = (n) => ({ body: `{}\n{"type":"event"}\n{}`, occurrences: n });
const session = () => ({ body: `{}\n{"type":"session"}\n{}`, occurrences: 0, category: 'session' });
const report = () => ({ body: `{}\n{"type":"client_report"}\n{}`, occurrences: 0, category: 'internal' });

function transport(answer, extra = {}) {
  const drops = [];
  const t = createTransport({ url: 'http://127.0.0.1:9/api/1/envelope/', compress: false, maxAttempts: 1, baseDelayMs: 1,
    fetchImpl: async () => answer(), onDrop: (reason, quantity, category) => drops.push({ reason, quantity, category }), ...extra });
  return { t, drops };
}
const response = (status, headers = {}) => ({ ok: status < 300, status, headers: new Headers(headers), text: async () => '' });

test('a 429 drops an event envelope as its occurrences, a session envelope as one session, a client report as nothing', async () => {
  const { t, drops } = transport(() => response(429, { 'Retry-After': '60' }));
  t.send([event(3), session(), report()]);
  assert.equal(await t.flush(2000), true);
  assert.deepEqual(drops.sort((a, b) => a.category.localeCompare(b.category)), [
    { reason: 'ratelimit_backoff', quantity: 3, category: 'error' },
    { reason: 'ratelimit_backoff', quantity: 1, category: 'session' },
  ]);
  // While the limit is in force, what is sent is dropped at once, counted the same way.
  drops.length = 0;
  t.send([session(), event(2)]);
  await t.flush(2000);
  assert.deepEqual(drops, [{ reason: 'ratelimit_backoff', quantity: 1, category: 'session' }, { reason: 'ratelimit_backoff', quantity: 2, category: 'error' }]);
});

test('a refused envelope (4xx) is a send_error in its category', async () => {
  const { t, drops } = transport(() => response(400));
  t.send([session(), event(1)]);
  await t.flush(2000);
  assert.deepEqual(drops, [{ reason: 'send_error', quantity: 1, category: 'session' }, { reason: 'send_error', quantity: 1, category: 'error' }]);
});

test('retries exhausted with nowhere to keep the envelope: network_error, sessions included', async () => {
  const { t, drops } = transport(() => { throw new TypeError('Failed to fetch'); });
  t.send([session(), event(4), report()]);
  await t.flush(2000);
  assert.deepEqual(drops, [{ reason: 'network_error', quantity: 1, category: 'session' }, { reason: 'network_error', quantity: 4, category: 'error' }]);
});
