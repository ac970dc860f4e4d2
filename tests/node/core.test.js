// The real WASM core, loaded in Node: events it emits (in @sentry/browser's shapes, as user callbacks
// see them) validate against Sentry's schema in the form the SDK writes them on the wire (toWire), repeats are
// aggregated with exact counts, bad input is reported, never thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../js/core-node.js';
import { validateEvent, parseEnvelope } from './lib/schema.js';
import { toWire } from '../../esm/wire.js';

const DSN = 'http://pubkey@127.0.0.1:9/42';
const V8_STACK = `TypeError: Cannot read properties of null (reading 'includes')
    at isAllowed (https://app.example/assets/index-BnRzX8aF.js:10:23)
    at Array.filter (<anonymous>)
    at render (https://app.example/assets/index-BnRzX8aF.js:40:5)
    at HTMLButtonElement.onClick (https://app.example/assets/index-BnRzX8aF.js:77:9)`;

async function newCore(options = {}) {
  const mod = await loadCore();
  return new mod.Core(JSON.stringify({ dsn: DSN, release: 'app@1.0.0', environment: 'test', ...options }));
}

function drainEvents(core, { force = true, per = 100 } = {}) {
  const out = JSON.parse(core.drain(Date.now(), force, per));
  const events = [];
  for (const env of out.envelopes) {
    const { header, items } = parseEnvelope(env.body);
    assert.equal(header.dsn, 'http://pubkey@127.0.0.1:9/42');
    for (const it of items) if (it.header.type === 'event') events.push(JSON.parse(it.payload));
  }
  return { envelopes: out.envelopes, events };
}

function exceptionInput(overrides = {}) {
  return {
    exceptions: [{ type: 'TypeError', value: "Cannot read properties of null (reading 'includes')", stack: V8_STACK,
      mechanism: { type: 'onerror', handled: false } }],
    timestamp: Date.now() / 1000,
    request: { url: 'https://app.example/cart?session=abc', headers: { 'User-Agent': 'test' } },
    ...overrides,
  };
}

test('captured exception becomes a schema-valid Sentry event with frames oldest first', async () => {
  const core = await newCore();
  core.addBreadcrumb(JSON.stringify({ category: 'ui.click', message: 'button#buy' }));
  core.setScope(JSON.stringify({ user: { id: '7' }, tags: { plan: 'pro' } }));
  const r = JSON.parse(core.capture(JSON.stringify(exceptionInput())));
  assert.equal(r.status, 'queued');
  assert.match(r.event_id, /^[0-9a-f]{32}$/);
  const { events } = drainEvents(core);
  assert.equal(events.length, 1);
  const ev = events[0];
  assert.deepEqual(validateEvent(toWire(ev)), []);
  assert.equal(ev.event_id, r.event_id);
  assert.equal(ev.platform, 'javascript');
  assert.equal(ev.release, 'app@1.0.0');
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'TypeError');
  assert.deepEqual(ex.mechanism.type, 'onerror');
  assert.equal(ex.mechanism.handled, false);
  assert.equal(ex.mechanism.exception_id, undefined, 'no exception ids without a chain, as Sentry sends it');
  const fns = ex.stacktrace.frames.map((f) => f.function);
  assert.equal(fns.at(-1), 'isAllowed', 'throw site is the last frame');
  assert.ok(fns.indexOf('render') < fns.indexOf('isAllowed'));
  assert.equal(ev.breadcrumbs[0].category, 'ui.click');
  assert.equal(ev.user.id, '7');
  assert.equal(ev.tags.plan, 'pro');
  assert.equal(ev.contexts.faultline.count, 1);
  assert.deepEqual(ev.fingerprint, [r.fingerprint]);
  core.delete();
});

test('repeats of one bug are counted and reported so counts add up exactly', async () => {
  const core = await newCore({ aggregation: { windowMs: 60000, perGroupBudget: 1 } });
  const N = 500;
  const statuses = {};
  for (let i = 0; i < N; i++) {
    const r = JSON.parse(core.capture(JSON.stringify(exceptionInput())));
    statuses[r.status] = (statuses[r.status] || 0) + 1;
  }
  assert.equal(statuses.queued, 1);
  assert.equal(statuses.aggregated, N - 1);
  const { envelopes, events } = drainEvents(core);
  const total = events.reduce((s, e) => s + e.contexts.faultline.count, 0);
  assert.equal(total, N);
  assert.equal(envelopes.reduce((s, e) => s + e.occurrences, 0), N);
  const summary = events.find((e) => e.contexts.faultline.summary);
  assert.ok(summary, 'a summary event carries the counted repeats');
  assert.deepEqual(summary.fingerprint, events[0].fingerprint);
  for (const e of events) assert.deepEqual(validateEvent(toWire(e)), []);
  core.delete();
});

test('several events can share one envelope for a multi-event endpoint, one each for Sentry', async () => {
  const core = await newCore({ aggregation: { windowMs: 0, perGroupBudget: 1 } });
  for (let i = 0; i < 5; i++) core.capture(JSON.stringify({ message: `distinct message kind ${'abcde'[i]}` }));
  const batched = JSON.parse(core.drain(Date.now(), true, 10));
  assert.equal(batched.envelopes.length, 1);
  assert.equal(parseEnvelope(batched.envelopes[0].body).items.length, 5);
  for (let i = 0; i < 3; i++) core.capture(JSON.stringify({ message: `another kind ${'xyz'[i]}` }));
  const single = JSON.parse(core.drain(Date.now(), true, 1));
  assert.equal(single.envelopes.length, 3);
  for (const e of single.envelopes) assert.equal(parseEnvelope(e.body).header.event_id, e.event_ids[0]);
  core.delete();
});

test('malformed DSN is a clear configuration error, not a throw', async () => {
  const mod = await loadCore();
  const core = new mod.Core('{}');
  const r = JSON.parse(core.configure(JSON.stringify({ dsn: 'https://nokey.example/1' })));
  assert.equal(r.ok, false);
  assert.match(r.error, /invalid DSN: missing public key/);
  assert.equal(JSON.parse(core.configure('not json')).ok, false);
  core.delete();
});

test('garbage capture input is dropped with a reason and counted', async () => {
  const core = await newCore();
  for (const bad of ['', 'null', '[1,2]', '{"exceptions": 5', '\u0000']) {
    const r = JSON.parse(core.capture(bad));
    assert.equal(r.status, 'dropped');
    assert.equal(r.reason, 'invalid_input');
  }
  const stats = JSON.parse(core.stats());
  assert.equal(stats.dropped.invalid_input, 5);
  const report = core.clientReport('[]', Date.now());
  const { items } = parseEnvelope(report);
  assert.equal(items[0].header.type, 'client_report');
  assert.deepEqual(JSON.parse(items[0].payload).discarded_events, [{ reason: 'invalid_input', category: 'error', quantity: 5 }]);
  assert.equal(core.clientReport('[]', Date.now()), '', 'reported drops are not reported twice');
  core.delete();
});

test('hostile values become well-formed, size-limited events', async () => {
  const core = await newCore({ maxValueLength: 1000, aggregation: { windowMs: 0 } });
  const huge = 'x'.repeat(1024 * 1024);
  const inputs = [
    { exceptions: [{ type: 'Error', value: huge, stack: `Error: boom\n${'    at f (https://a/b.js:1:2)\n'.repeat(80000)}` }] },
    { exceptions: [{ type: 42, value: { nested: [1, 2] }, stack: 17 }] },
    { exceptions: [{ type: 'Error', value: 'lone \ud800 surrogate \udfff', stack: '\ud83d' }] },
    { message: null, extra: { deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } },
    { exceptions: [{}], tags: { t: { not: 'a string' } }, contexts: { c: 'not an object' } },
  ];
  for (const inp of inputs) {
    const r = JSON.parse(core.capture(JSON.stringify(inp)));
    assert.notEqual(r.status, 'dropped', JSON.stringify(r));
  }
  const { envelopes, events } = drainEvents(core);
  assert.equal(events.length, inputs.length);
  for (const ev of events) {
    assert.deepEqual(validateEvent(toWire(ev)), []);
    assert.ok(JSON.stringify(ev).length < 200_000, 'event is size-limited');
  }
  for (const e of envelopes) assert.ok(e.body.length < 1_000_000);
  core.delete();
});

test('inputs too large to parse safely are dropped with a reason, and the module keeps working', async () => {
  const core = await newCore();
  const r = JSON.parse(core.capture(JSON.stringify({ message: 'y'.repeat(10 * 1024 * 1024) })));
  assert.equal(r.status, 'dropped');
  assert.equal(r.reason, 'oversized_input');
  assert.equal(JSON.parse(core.stats()).dropped.oversized_input, 1);
  assert.equal(JSON.parse(core.capture(JSON.stringify({ message: 'still alive' }))).status, 'queued');
  core.delete();
});

test('cause chains are sent with the thrown error last and linked mechanisms', async () => {
  const core = await newCore();
  core.capture(JSON.stringify({
    exceptions: [
      { type: 'Error', value: 'checkout failed', stack: 'Error: checkout failed\n    at pay (https://a/app.js:5:1)' },
      { type: 'TypeError', value: 'Failed to fetch', stack: 'TypeError: Failed to fetch\n    at api (https://a/app.js:9:1)' },
    ],
  }));
  const { events } = drainEvents(core);
  const values = events[0].exception.values;
  assert.equal(values.length, 2);
  assert.equal(values[1].value, 'checkout failed');
  assert.equal(values[1].mechanism.exception_id, 0);
  assert.equal(values[0].mechanism.type, 'chained');
  assert.equal(values[0].mechanism.parent_id, 0);
  assert.deepEqual(validateEvent(toWire(events[0])), []);
  core.delete();
});

test('stacks passed outside the JSON (captureWithStacks) build the same event, and invalid text in them still yields a valid event', async () => {
  const a = await newCore({ aggregation: { windowMs: 0 } });
  const b = await newCore({ aggregation: { windowMs: 0 } });
  const input = exceptionInput({ event_id: 'e'.repeat(32) });
  const { stack, ...rest } = input.exceptions[0];
  const ra = JSON.parse(a.capture(JSON.stringify(input)));
  const rb = JSON.parse(b.captureWithStacks(JSON.stringify({ ...input, exceptions: [rest] }), stack + '\0'));
  assert.equal(rb.status, 'queued');
  assert.equal(rb.fingerprint, ra.fingerprint);
  const [ea] = drainEvents(a).events;
  const [eb] = drainEvents(b).events;
  assert.deepEqual(eb.exception, ea.exception);
  // A lone surrogate and a NUL-free garbage tail: Embind's UTF-8 is not always valid UTF-8.
  const bad = `TypeError: x\uD800y\n    at f\uDFFF (https://app.example/a.js:1:2)\n${'\uFFFF'.repeat(10)}`;
  const rc = JSON.parse(b.captureWithStacks(JSON.stringify({ exceptions: [{ type: 'TypeError', value: 'x' }], timestamp: Date.now() / 1000 }), bad));
  assert.equal(rc.status, 'queued');
  const [ec] = drainEvents(b).events;
  assert.deepEqual(validateEvent(toWire(ec)), []);
  assert.equal(ec.exception.values[0].stacktrace.frames.at(-1).filename, 'https://app.example/a.js');
  a.delete();
  b.delete();
});
