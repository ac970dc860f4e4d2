// Core parity: the inputs of the WASM core's Node tests (tests/node/core.test.js) go through both
// cores, the WASM core (src/) and the JS fallback core (js/fallback.js, used when WASM cannot load),
// through the same calls. What each core answers and the events it emits must be equal, except for
// the differences listed in DIFFERENCES below, each with its reason. Scrubbing has a parity test
// of its own (scrub-parity.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../js/core-node.js';
import { FallbackCore } from '../../esm/fallback.js';
import { parseEnvelope } from './lib/schema.js';

const DSN = 'http://pubkey@127.0.0.1:9/42';
const V8_STACK = `TypeError: Cannot read properties of null (reading 'includes')
    at isAllowed (https://app.example/assets/index-BnRzX8aF.js:10:23)
    at Array.filter (<anonymous>)
    at render (https://app.example/assets/index-BnRzX8aF.js:40:5)
    at HTMLButtonElement.onClick (https://app.example/assets/index-BnRzX8aF.js:77:9)`;
const T0 = 1764590400;  // fixed timestamps: both cores see the same clock

// Where the cores differ on purpose. Each entry names what is left out of the comparison and why;
// everything not named here is compared.
const DIFFERENCES = {
  // Grouping: the WASM core parses every engine's stack format, classifies frames (in-app, SDK,
  // native) and groups across engines (fl1 fingerprints, contexts.faultline.grouping). The JS core
  // is a small last resort: V8 and Gecko lines only, an in-page aggregation key from the title,
  // the message and every frame of the chain with its type (two different stacks are never one
  // key; it splits what the WASM core groups across lines, deploys and engines), and no
  // fingerprint of its own on the wire.
  grouping: ['fingerprint (unless the user gave one)', 'contexts.faultline.{fingerprint,grouping,grouping_mode,fingerprint_sent}',
    'frame fields beyond filename/lineno/colno (function names, in_app, abs_path, platform)', 'frames the JS core cannot read (<anonymous>)',
    'the capture answer\'s fingerprint'],
  // Which core built an event is visible in Sentry, so a user can tell fallback events apart.
  marker: ['tags["faultline.core"] = "js-fallback" on the JS core\'s events'],
  // The WASM core refuses inputs that would not fit in its heap (a failed memory growth aborts
  // the module); the JS core runs on the page's garbage-collected heap and has no such bound.
  heap: ['captures over maxInputBytes (4 MiB): dropped as oversized_input by WASM, built by JS'],
  // The WASM core parses the DSN strictly (src/dsn.cpp, fuzzed) and says what is wrong; the JS core
  // checks its shape with one pattern and says only that it is invalid.
  dsn: ['the text of a DSN error'],
  // Text reaches the WASM core as UTF-8 (Embind), where a lone UTF-16 surrogate has no encoding:
  // it becomes U+FFFD there, and stays an escaped surrogate ("\ud800") in the JS core's JSON.
  encoding: ['lone surrogates in any text'],
  // Bounds on text count UTF-8 bytes in WASM (what Relay limits) and UTF-16 units in JS, which
  // cannot agree on non-ASCII text without encoding every string. Not aligned yet even on ASCII:
  // the WASM core keeps its "…" inside the bound (a value cut at maxValueLength 1000 keeps 997
  // characters and the ellipsis), the JS core cuts exception values at 1000 without one.
  lengths: ['values cut by maxValueLength and the other text bounds'],
  // Speed paths of the WASM core: captureWithStacks (stacks beside the JSON, past the JSON lexer)
  // and countRepeat (a known repeat by its fingerprint). The JS core has neither; the SDK calls
  // them only where the core has them (js/client.js), and sends the stacks inside the JSON else.
  api: ['captureWithStacks, countRepeat'],
  // The core's answers carry an `error` text for drops in WASM only (the SDK reads the reason).
  answers: ['`error` text beside status/reason in a dropped capture\'s answer'],
};

async function bothCores(options) {
  const mod = await loadCore();
  const json = JSON.stringify({ dsn: DSN, release: 'app@1.0.0', environment: 'test', ...options });
  return { wasm: new mod.Core(json), js: new FallbackCore(json) };
}

function drainEvents(core, now = T0 * 1000 + 1) {
  const out = JSON.parse(core.drain(now, true, 100));
  const events = [];
  for (const env of out.envelopes)
    for (const it of parseEnvelope(env.body).items) if (it.header.type === 'event') events.push(JSON.parse(it.payload));
  return { events, occurrences: out.envelopes.reduce((s, e) => s + e.occurrences, 0) };
}

// An event with the differences above taken out, and ids and times left out (random per core).
function comparable(ev) {
  const e = structuredClone(ev);
  delete e.event_id;
  if (!e.fingerprint?.some((f) => !/^fl1:/.test(f))) delete e.fingerprint;  // grouping
  if (e.tags) {
    delete e.tags['faultline.core'];  // marker
    if (!Object.keys(e.tags).length) delete e.tags;
  }
  const fl = e.contexts?.faultline;
  if (fl) for (const k of ['fingerprint', 'grouping', 'grouping_mode', 'fingerprint_sent']) delete fl[k];  // grouping
  for (const v of e.exception?.values || []) {
    if (!v.stacktrace) continue;
    const frames = v.stacktrace.frames.filter((f) => f.filename && f.filename !== '<anonymous>' && f.lineno)  // grouping
      .map((f) => ({ filename: f.filename, lineno: f.lineno, colno: f.colno }));
    v.stacktrace = { frames };
  }
  return e;
}

function answer(text) {
  const a = JSON.parse(text);
  delete a.fingerprint;  // grouping
  delete a.error;  // answers
  delete a.event_id;
  return a;
}

function assertSameEvents(wasm, js, label) {
  const a = drainEvents(wasm), b = drainEvents(js);
  assert.equal(b.events.length, a.events.length, `${label}: number of events`);
  assert.equal(b.occurrences, a.occurrences, `${label}: occurrences accounted for`);
  for (let i = 0; i < a.events.length; i++) assert.deepEqual(comparable(b.events[i]), comparable(a.events[i]), `${label}: event ${i}`);
  return a.events;
}

function exceptionInput(overrides = {}) {
  return {
    exceptions: [{ type: 'TypeError', value: "Cannot read properties of null (reading 'includes')", stack: V8_STACK,
      mechanism: { type: 'onerror', handled: false } }],
    timestamp: T0,
    request: { url: 'https://app.example/cart?session=abc', headers: { 'User-Agent': 'test' } },
    ...overrides,
  };
}

test('a captured exception with scope, breadcrumb and request becomes the same event in both cores', async () => {
  const { wasm, js } = await bothCores();
  for (const core of [wasm, js]) {
    assert.equal(JSON.parse(core.setScope(JSON.stringify({ user: { id: '7' }, tags: { plan: 'pro' }, extra: { cart: 3 } }))).ok, true);
    assert.equal(JSON.parse(core.addBreadcrumb(JSON.stringify({ category: 'ui.click', message: 'button#pay', timestamp: T0 - 1 }))).ok, true);
  }
  assert.deepEqual(answer(js.capture(JSON.stringify(exceptionInput()))), answer(wasm.capture(JSON.stringify(exceptionInput()))));
  const [ev] = assertSameEvents(wasm, js, 'exception');
  assert.equal(ev.exception.values[0].mechanism.handled, false);
  wasm.delete();
});

test('repeats of one bug are counted alike: the same statuses, one summary, every occurrence accounted for', async () => {
  const { wasm, js } = await bothCores({ aggregation: { windowMs: 60000, perGroupBudget: 1 } });
  const N = 200;
  for (let i = 0; i < N; i++) {
    const input = JSON.stringify(exceptionInput({ timestamp: T0 + i / 1000 }));
    assert.deepEqual(answer(js.capture(input)), answer(wasm.capture(input)), `capture ${i}`);
  }
  const events = assertSameEvents(wasm, js, 'repeats');
  assert.equal(events.reduce((s, e) => s + e.contexts.faultline.count, 0), N);
  wasm.delete();
});

test('distinct messages, templates and levels build the same events', async () => {
  const { wasm, js } = await bothCores({ aggregation: { windowMs: 0, perGroupBudget: 1 } });
  const inputs = [
    { message: 'distinct message kind a', timestamp: T0 },
    { message: 'checkout total 42', level: 'warning', timestamp: T0 + 1, template: { message: 'checkout total %s', params: [42] } },
    { message: 'with a user fingerprint', fingerprint: ['my-group'], timestamp: T0 + 2 },
    { message: 'no such level', level: 'loud', timestamp: T0 + 3, extra: { n: 1.5, list: [1, 'two', null] } },
  ];
  for (const inp of inputs) assert.deepEqual(answer(js.capture(JSON.stringify(inp))), answer(wasm.capture(JSON.stringify(inp))));
  assertSameEvents(wasm, js, 'messages');
  wasm.delete();
});

test('cause chains link their mechanisms alike, the thrown error last', async () => {
  const { wasm, js } = await bothCores();
  const input = JSON.stringify({
    timestamp: T0,
    exceptions: [
      { type: 'Error', value: 'checkout failed', stack: 'Error: checkout failed\n    at pay (https://a/app.js:5:1)' },
      { type: 'TypeError', value: 'Failed to fetch', stack: 'TypeError: Failed to fetch\n    at api (https://a/app.js:9:1)' },
      { type: 'AggregateError', value: 'several', parent: 0 },
    ],
  });
  assert.deepEqual(answer(js.capture(input)), answer(wasm.capture(input)));
  assertSameEvents(wasm, js, 'chain');
  wasm.delete();
});

test('garbage capture input is dropped with the same reason, counted and reported alike', async () => {
  const { wasm, js } = await bothCores();
  for (const bad of ['', 'null', '[1,2]', '{"exceptions": 5', '\u0000'])
    assert.deepEqual(answer(js.capture(bad)), answer(wasm.capture(bad)), JSON.stringify(bad));
  assert.deepEqual(JSON.parse(js.stats()).dropped, JSON.parse(wasm.stats()).dropped);
  const report = (core) => JSON.parse(parseEnvelope(core.clientReport('[]', T0 * 1000)).items[0].payload).discarded_events;
  assert.deepEqual(report(js), report(wasm));
  assert.equal(js.clientReport('[]', T0 * 1000), '');
  assert.equal(wasm.clientReport('[]', T0 * 1000), '');
  wasm.delete();
});

test('a malformed DSN is a configuration error in both cores, and an options text that is no JSON too', async () => {
  const { wasm, js } = await bothCores();
  for (const options of [JSON.stringify({ dsn: 'https://nokey.example/1' }), 'not json']) {
    const a = JSON.parse(wasm.configure(options)), b = JSON.parse(js.configure(options));
    assert.equal(a.ok, false);
    assert.equal(b.ok, false);
    assert.match(b.error, /invalid DSN|options must be a JSON object/);  // dsn: the text differs
  }
  wasm.delete();
});

test('hostile values become the same well-formed events', async () => {
  const { wasm, js } = await bothCores({ maxValueLength: 1000, aggregation: { windowMs: 0 } });
  const inputs = [
    { exceptions: [{ type: 42, value: { nested: [1, 2] }, stack: 17 }] },
    { message: null, extra: { deep: { a: { b: { c: 1 } } } } },
    { exceptions: [{}], tags: { t: { not: 'a string' } }, contexts: { c: 'not an object' } },
    { exceptions: [{ type: 'Error', value: 'x'.repeat(900), stack: `Error: boom\n${'    at f (https://a/b.js:1:2)\n'.repeat(50)}` }] },
  ].map((x, i) => ({ timestamp: T0 + i, ...x }));
  for (const inp of inputs) assert.deepEqual(answer(js.capture(JSON.stringify(inp))), answer(wasm.capture(JSON.stringify(inp))));
  assertSameEvents(wasm, js, 'hostile');
  wasm.delete();
});

test('the listed differences hold: lone surrogates, cut values, inputs over the heap bound (DIFFERENCES.encoding, .lengths, .heap)', async () => {
  const { wasm, js } = await bothCores({ aggregation: { windowMs: 0 } });
  const lone = JSON.stringify({ timestamp: T0, message: 'lone \ud800 surrogate' });
  wasm.capture(lone);
  js.capture(lone);
  assert.equal(drainEvents(wasm).events[0].message, 'lone \ufffd surrogate');
  assert.equal(drainEvents(js).events[0].message, 'lone \ud800 surrogate');
  const long = JSON.stringify({ timestamp: T0, exceptions: [{ type: 'Error', value: 'x'.repeat(5000) }] });
  wasm.configure(JSON.stringify({ maxValueLength: 1000 }));
  js.configure(JSON.stringify({ maxValueLength: 1000 }));
  wasm.capture(long);
  js.capture(long);
  assert.equal(drainEvents(wasm).events[0].exception.values[0].value, `${'x'.repeat(997)}\u2026`);
  assert.equal(drainEvents(js).events[0].exception.values[0].value, 'x'.repeat(1000));
  const huge = JSON.stringify({ timestamp: T0, message: 'y'.repeat(5 * 1024 * 1024) });
  assert.deepEqual(answer(wasm.capture(huge)), { status: 'dropped', reason: 'oversized_input' });
  assert.equal(answer(js.capture(huge)).status, 'queued');
  wasm.delete();
});

test('stacks beside the JSON in WASM (captureWithStacks) and inside it in JS build the same event (DIFFERENCES.api)', async () => {
  const { wasm, js } = await bothCores({ aggregation: { windowMs: 0 } });
  const input = exceptionInput();
  const { stack, ...rest } = input.exceptions[0];
  assert.equal(typeof js.captureWithStacks, 'undefined');
  const a = wasm.captureWithStacks(JSON.stringify({ ...input, exceptions: [rest] }), stack + '\0');
  assert.deepEqual(answer(js.capture(JSON.stringify(input))), answer(a));
  assertSameEvents(wasm, js, 'stacks beside the JSON');
  wasm.delete();
});
