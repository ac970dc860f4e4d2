// A summary stands for the repeats counted in its group's window and is built when the window
// closes or at flush: it must carry the scope (tags, user, contexts, extra, level, transaction) as
// it was at the last repeat it counts, not the scope of the moment it is sent. Both cores: the
// WASM core (through the full path, where a repeat's input is parsed, and through countRepeat, the
// SDK's fast path for exact repeats) and the JS fallback core, driven as the SDK drives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../js/core-node.js';
import { FallbackCore } from '../../esm/fallback.js';
import { parseEnvelope } from './lib/schema.js';

const T0 = 1764590400;
const OPTIONS = JSON.stringify({ dsn: 'http://pubkey@127.0.0.1:9/42', release: 'app@1', aggregation: { windowMs: 60000, perGroupBudget: 1 } });
const STACK = 'TypeError: a is null\n    at render (https://app.example/app.js:10:5)\n    at main (https://app.example/app.js:20:3)';
const input = (dt, extra = {}) => JSON.stringify({ timestamp: T0 + dt, exceptions: [{ type: 'TypeError', value: 'a is null', stack: STACK }], ...extra });

const cores = {
  wasm: async () => new (await loadCore()).Core(OPTIONS),
  js: async () => new FallbackCore(OPTIONS),
};

function drained(core) {
  const out = JSON.parse(core.drain(T0 * 1000 + 1000, true, 100)), events = [];
  for (const env of out.envelopes) for (const it of parseEnvelope(env.body).items) if (it.header.type === 'event') events.push(JSON.parse(it.payload));
  return events;
}
const summaryOf = (events) => {
  const s = events.filter((e) => e.contexts.faultline.summary);
  assert.equal(s.length, 1, 'one summary');
  return s[0];
};
const scope = (core, patch) => assert.equal(JSON.parse(core.setScope(JSON.stringify(patch))).ok, true);
const AT_REPEAT = { tags: { plan: 'pro' }, user: { id: 'u-1' }, extra: { cart: 3 }, contexts: { order: { id: 'o-1' } }, level: 'warning', transaction: '/checkout' };
const LATER = { tags: { plan: 'free' }, user: { id: 'u-2' }, extra: { cart: 9 }, contexts: { order: { id: 'o-2' } }, level: 'fatal', transaction: '/home' };

function assertScopeAtRepeat(summary) {
  assert.equal(summary.tags.plan, 'pro', 'the tag as it was at the last repeat');
  assert.deepEqual(summary.user, { id: 'u-1' });
  assert.equal(summary.extra.cart, 3);
  assert.deepEqual(summary.contexts.order, { id: 'o-1' });
  assert.equal(summary.level, 'warning');
  assert.equal(summary.transaction, '/checkout');
}

for (const [name, make] of Object.entries(cores)) {
  test(`${name} core: a repeat counted, then the scope changed, then flush: the summary has the repeat's scope`, async () => {
    const core = await make();
    assert.equal(JSON.parse(core.capture(input(0))).status, 'queued');
    scope(core, AT_REPEAT);
    assert.equal(JSON.parse(core.capture(input(1))).status, 'aggregated');
    scope(core, LATER);
    const events = drained(core);
    assertScopeAtRepeat(summaryOf(events));
    assert.equal(summaryOf(events).contexts.faultline.count, 1);
    // The scope itself has changed: a new capture shows it.
    assert.equal(JSON.parse(core.capture(input(2, { exceptions: [{ type: 'Error', value: 'other', stack: STACK }] }))).status, 'queued');
    assert.equal(drained(core)[0].tags.plan, 'free');
    core.delete();
  });

  test(`${name} core: the last of several repeats under changing scopes gives the summary its scope; a withScope scope popped before the flush too`, async () => {
    const core = await make();
    core.capture(input(0));
    for (let i = 1; i <= 5; i++) {
      scope(core, { tags: { attempt: String(i) } });
      assert.equal(JSON.parse(core.capture(input(i))).status, 'aggregated');
    }
    core.pushScope();
    scope(core, { tags: { inner: 'yes' } });
    assert.equal(JSON.parse(core.capture(input(6))).status, 'aggregated');
    core.popScope();
    scope(core, { tags: { attempt: 'after' } });
    const s = summaryOf(drained(core));
    assert.equal(s.contexts.faultline.count, 6);
    assert.equal(s.tags.attempt, '5');
    assert.equal(s.tags.inner, 'yes', 'the repeat was counted inside withScope');
    core.delete();
  });

  test(`${name} core: a capture's own scope data (captureContext) is the last repeat's, over the scope as it was`, async () => {
    const core = await make();
    core.capture(input(0, { scope: { tags: { step: '0' } } }));
    scope(core, { tags: { plan: 'pro' } });
    core.capture(input(1, { scope: { tags: { step: '1' } } }));
    scope(core, { tags: { plan: 'free', step: 'scope' } });
    const s = summaryOf(drained(core));
    assert.equal(s.tags.step, '1');
    assert.equal(s.tags.plan, 'pro');
    core.delete();
  });
}

test('wasm core, fast path (countRepeat): the scope of the last counted repeat, not the one at flush', async () => {
  const core = await cores.wasm();
  const first = JSON.parse(core.capture(input(0)));
  assert.equal(first.status, 'queued');
  scope(core, AT_REPEAT);
  assert.equal(core.countRepeat(first.fingerprint, T0 + 1), true);
  assert.equal(core.countRepeat(first.fingerprint, T0 + 2), true);
  scope(core, LATER);
  const s = summaryOf(drained(core));
  assert.equal(s.contexts.faultline.count, 2);
  assertScopeAtRepeat(s);
  // withScope around the fast path: the inner scope's tag, though popped before the flush.
  core.capture(input(10));  // the same window, its budget spent: counted (the flush took the earlier count)
  core.pushScope();
  scope(core, { tags: { inner: 'yes' } });
  assert.equal(core.countRepeat(first.fingerprint, T0 + 11), true);
  core.popScope();
  const s2 = summaryOf(drained(core));
  assert.equal(s2.tags.inner, 'yes');
  assert.equal(s2.tags.plan, 'free');
  core.delete();
});

test('wasm core: scope snapshots are shared and bounded (a storm of groups under one scope holds it once; changing scopes stop at 2 MB)', async () => {
  const core = await cores.wasm();
  const big = 'x'.repeat(15000);
  scope(core, { extra: { a: big, b: big, c: big } });  // ~45 KB of scope
  // Distinct groups (letters: the grouping reads digits in a message as a parameter).
  const name = (i) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26));
  const distinct = (i, dt) => input(dt, { exceptions: [{ type: 'TypeError', value: `kind ${name(i)}`, stack: STACK.replace('10:5', `${10 + i}:5`) }] });
  for (let i = 0; i < 100; i++) { core.capture(distinct(i, 0)); core.capture(distinct(i, 1)); }
  const shared = JSON.parse(core.stats()).aggregator_bytes;
  assert.ok(shared < 1024 * 1024, `one scope for 100 groups: ${shared} bytes`);  // 100 copies would be 4.5 MB
  drained(core);
  for (let i = 0; i < 100; i++) {
    scope(core, { tags: { n: name(i) } });  // a new scope before each group's repeat: a snapshot each, until the bound
    assert.equal(JSON.parse(core.capture(distinct(i, 2))).status, 'aggregated');
  }
  const bytes = JSON.parse(core.stats()).aggregator_bytes;
  assert.ok(bytes < 2.2 * 1024 * 1024 + 2.6 * 1024 * 1024, `bounded: ${bytes} bytes`);
  const events = drained(core);
  assert.equal(events.length, 100);
  assert.equal(events.reduce((n, e) => n + e.contexts.faultline.count, 0), 100, 'every repeat accounted for');
  // Those whose snapshot fitted show their own scope; past the bound a summary has the scope at send time.
  const own = events.filter((e) => e.tags.n === e.exception.values[0].value.slice(5));
  assert.ok(own.length >= 30 && own.length < 60, `${own.length} summaries with the scope of their repeat`);
  for (const e of events) assert.ok(e.tags.n === e.exception.values[0].value.slice(5) || e.tags.n === name(99));
  core.delete();
});
