// The JS fallback core's in-page aggregation key (js/fallback.js, the core a page gets when its CSP
// forbids WebAssembly): it decides which captures are counted together into one summary. It sends
// no fingerprint, so Sentry groups the events itself, but the counts Sentry gets are per key: a key
// that merges two bugs counts one's repeats into the other's summary, and the second bug is never
// shown in full. Precision before recall: different stacks are never one key; an exact repeat (one
// stack, one message: a loop, a storm) is. Driven as the SDK drives the fallback (js/client.js):
// capture inputs as JSON, stacks inside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FallbackCore } from '../../esm/fallback.js';
import { parseEnvelope } from './lib/schema.js';

const T0 = 1764590400;
const APP = 'https://app.example/assets/app.js', LIB = 'https://app.example/node_modules/schema-lib/index.js';

function core(aggregation = { windowMs: 60000, perGroupBudget: 1 }) {
  return new FallbackCore(JSON.stringify({ dsn: 'http://pubkey@127.0.0.1:9/42', release: 'app@1', aggregation }));
}

function capture(c, type, value, stack, extra = {}) {
  return JSON.parse(c.capture(JSON.stringify({ timestamp: T0 + (extra.dt || 0), exceptions: [{ type, value, stack, mechanism: { type: 'onerror', handled: false } }], ...extra.input })));
}

function drained(c) {
  const out = JSON.parse(c.drain(T0 * 1000 + 120000, true, 100)), events = [];
  for (const env of out.envelopes) for (const it of parseEnvelope(env.body).items) if (it.header.type === 'event') events.push(JSON.parse(it.payload));
  return { events, occurrences: out.envelopes.reduce((s, e) => s + e.occurrences, 0) };
}

const frames = (ev) => ev.exception.values.at(-1).stacktrace.frames.map((f) => `${f.function}@${f.lineno}:${f.colno}`);
const total = (events) => events.reduce((s, e) => s + e.contexts.faultline.count, 0);

// Each pair: two different bugs whose innermost frame is one function (a library's, a shared
// helper's), with the same message: the fallback's old key (title + innermost frame) merged them.
const PAIRS = {
  // An outside tester's pair: checkOrder and checkUser both end in a call of lib.validate (V8).
  'two app functions ending in one library function (V8)': [
    `TypeError: invalid input\n    at validate (${LIB}:12:11)\n    at checkOrder (${APP}:40:10)\n    at submit (${APP}:80:3)`,
    `TypeError: invalid input\n    at validate (${LIB}:12:11)\n    at checkUser (${APP}:60:10)\n    at submit (${APP}:81:3)`,
  ],
  // Two classes' method of one name calling one helper (SpiderMonkey/JavaScriptCore print the bare name).
  'two classes\' same-named method (SpiderMonkey)': [
    `assertPositive@${APP}:3:11\nvalidate@${APP}:20:5\nsave@${APP}:90:7\n`,
    `assertPositive@${APP}:3:11\nvalidate@${APP}:45:5\nsave@${APP}:90:7\n`,
  ],
  // Two anonymous callbacks of one file (timers) calling one parser.
  'anonymous callbacks of one file (V8)': [
    `TypeError: invalid input\n    at parse (${APP}:5:9)\n    at ${APP}:120:7`,
    `TypeError: invalid input\n    at parse (${APP}:5:9)\n    at ${APP}:140:7`,
  ],
};

for (const [name, [a, b]] of Object.entries(PAIRS)) {
  test(`${name}: two bugs, two groups, each one's repeats in its own summary`, () => {
    const c = core();
    // A, B, A, A, B: each bug's first occurrence in full, then its repeats counted into its own summary.
    assert.equal(capture(c, 'TypeError', 'invalid input', a, { dt: 0 }).status, 'queued');
    assert.equal(capture(c, 'TypeError', 'invalid input', b, { dt: 1 }).status, 'queued', 'the second bug is an event of its own, not a repeat of the first');
    for (const [stack, dt] of [[a, 2], [a, 3], [b, 4]]) assert.equal(capture(c, 'TypeError', 'invalid input', stack, { dt }).status, 'aggregated');
    const { events, occurrences } = drained(c);
    assert.equal(occurrences, 5);
    assert.equal(total(events), 5);
    const full = events.filter((e) => !e.contexts.faultline.summary), summaries = events.filter((e) => e.contexts.faultline.summary);
    assert.equal(full.length, 2);
    assert.deepEqual(summaries.map((e) => e.contexts.faultline.count).sort(), [1, 2]);
    // Each summary is its own bug's last repeat, at its time.
    const ofA = summaries.find((e) => e.contexts.faultline.count === 2), ofB = summaries.find((e) => e.contexts.faultline.count === 1);
    assert.deepEqual(frames(ofA), frames(full[0]));
    assert.deepEqual(frames(ofB), frames(full[1]));
    assert.notDeepEqual(frames(full[0]), frames(full[1]));
    assert.equal(ofA.timestamp, T0 + 3);
    assert.equal(ofB.timestamp, T0 + 4);
  });
}

test('an exact repeat (one stack, one message) is still counted together: a storm of 500 is one event and one summary', () => {
  const c = core();
  const stack = PAIRS['two app functions ending in one library function (V8)'][0];
  for (let i = 0; i < 500; i++) assert.equal(capture(c, 'TypeError', 'invalid input', stack, { dt: i / 1000 }).status, i ? 'aggregated' : 'queued');
  const { events } = drained(c);
  assert.equal(events.length, 2);
  assert.deepEqual(events.map((e) => e.contexts.faultline.count), [1, 499]);
  assert.equal(JSON.parse(c.stats()).groups, 1);
});

test('the same stack with another message, or another type, or another cause is another group', () => {
  const c = core();
  const stack = `TypeError: x\n    at f (${APP}:1:1)\n    at g (${APP}:2:2)`;
  assert.equal(capture(c, 'TypeError', 'a is null', stack).status, 'queued');
  assert.equal(capture(c, 'TypeError', 'b is null', stack).status, 'queued');
  assert.equal(capture(c, 'RangeError', 'a is null', stack).status, 'queued');
  const chained = (causeType) => JSON.parse(c.capture(JSON.stringify({ timestamp: T0, exceptions: [
    { type: 'Error', value: 'checkout failed', stack: `Error: checkout failed\n    at pay (${APP}:5:1)` },
    { type: causeType, value: 'Failed to fetch', stack: `${causeType}: Failed to fetch\n    at api (${APP}:9:1)` },
  ] }))).status;
  assert.equal(chained('TypeError'), 'queued');
  assert.equal(chained('SyntaxError'), 'queued', 'the same thrown error with a cause of another type');
  assert.equal(chained('TypeError'), 'aggregated');
  assert.equal(JSON.parse(c.stats()).groups, 5);
});

test('a user fingerprint with {{ default }} keeps different bugs apart; one without it merges them, as asked', () => {
  const [a, b] = PAIRS['two app functions ending in one library function (V8)'];
  const c = core();
  const withDefault = { input: { fingerprint: ['{{ default }}', 'tenant-a'] } };
  assert.equal(capture(c, 'TypeError', 'invalid input', a, withDefault).status, 'queued');
  assert.equal(capture(c, 'TypeError', 'invalid input', b, withDefault).status, 'queued');
  assert.equal(capture(c, 'TypeError', 'invalid input', a, withDefault).status, 'aggregated');
  const asked = { input: { fingerprint: ['checkout-validation'] } };
  assert.equal(capture(c, 'TypeError', 'invalid input', a, asked).status, 'queued');
  assert.equal(capture(c, 'TypeError', 'invalid input', b, asked).status, 'aggregated', 'the user asked for one group');
  const { events } = drained(c);
  assert.equal(total(events), 5);
  for (const ev of events) assert.ok(ev.fingerprint[0] === '{{ default }}' || ev.fingerprint[0] === 'checkout-validation', 'the user\'s fingerprint is sent as written');
});
