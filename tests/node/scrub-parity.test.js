// Scrubbing parity: the WASM core (src/scrubber.cpp) and the JS fallback core (js/scrub.js, used
// when WASM cannot load) scrub alike. The scrubbing corpus and a seeded set of generated texts
// (keys, separators, quotes, escapes, encodings, token formats mixed at random) go through both
// cores' public capture path; every scrubbed field must be identical, and the corpus expectations
// must hold in both. Also checks that js/scrub-rules.js is generated from src/scrub_rules.json.
//
// Intended differences (not exercised here): lengths are counted in UTF-8 bytes by the WASM core
// and in UTF-16 units by the JS core where a bound applies to text that may hold non-ASCII
// characters (the 256-character userinfo and query-value look-aheads, the 16-character window for
// "version" before an IPv4 address, the 1 MiB limit of percent-decoding, `?` in user patterns).
// Both stop at the same place on ASCII text; no secret format contains non-ASCII characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadCore } from '../../js/core-node.js';
import { FallbackCore } from '../../js/fallback.js';
import { generate } from '../../scripts/gen-scrub-rules.mjs';
import { parseEnvelope } from './lib/schema.js';

const corpus = JSON.parse(fs.readFileSync(new URL('../fixtures/scrubbing/corpus.json', import.meta.url), 'utf8'));
const DSN = 'http://pubkey@127.0.0.1:9/42';

// Captures each input (a message + extra + request URL, its own fingerprint so nothing aggregates)
// in a core and returns the events in order.
// (drained every 50 captures: the queue is bounded).
function run(core, inputs) {
  const events = [];
  const drain = () => {
    for (const env of JSON.parse(core.drain(Date.now(), true, 100)).envelopes) {
      for (const it of parseEnvelope(env.body).items) if (it.header.type === 'event') events.push(JSON.parse(it.payload));
    }
  };
  inputs.forEach((inp, i) => {
    const r = JSON.parse(core.capture(JSON.stringify({ timestamp: 1700000000 + i, fingerprint: [`parity-${i}`], ...inp })));
    assert.equal(r.status, 'queued', `capture ${i} was ${r.status}`);
    if (i % 50 == 49) drain();
  });
  drain();
  assert.equal(events.length, inputs.length);
  return events;
}

async function bothCores(options, inputs) {
  const mod = await loadCore();
  const opts = JSON.stringify({ dsn: DSN, ...options });
  const wasm = new mod.Core(opts);
  try {
    return { wasm: run(wasm, inputs), js: run(new FallbackCore(opts), inputs) };
  } finally {
    wasm.delete();
  }
}

// The message, wherever the core puts it (logentry.formatted, or message as @sentry/browser sends it).
const msgOf = (ev) => ev.logentry?.formatted ?? (typeof ev.message == 'string' ? ev.message : ev.message?.formatted);
const fields = (ev) => ({ message: msgOf(ev), extra: ev.extra, url: ev.request?.url, ctx: ev.contexts?.app, tags: ev.tags?.t });
const textInput = (text) => ({ message: text, extra: { v: text, nested: { list: [text] } }, request: { url: text },
  contexts: { app: { v: text } }, tags: { t: text.slice(0, 100) } });

function assertParity(res, inputs, label) {
  for (let i = 0; i < inputs.length; i++) {
    assert.deepEqual(fields(res.js[i]), fields(res.wasm[i]), `${label} #${i}: the cores disagree on ${JSON.stringify(inputs[i].message ?? inputs[i].extra)}`);
  }
}

test('js/scrub-rules.js is generated from src/scrub_rules.json (one source of rules)', () => {
  assert.equal(fs.readFileSync(new URL('../../js/scrub-rules.js', import.meta.url), 'utf8'), generate(),
    'js/scrub-rules.js is stale: run node scripts/gen-scrub-rules.mjs');
});

test('the corpus scrubs identically in the WASM core and the JS fallback, and as expected', async () => {
  const texts = [...corpus.positives.map((p) => p[0]), ...corpus.negatives];
  const inputs = texts.map(textInput);
  const res = await bothCores({}, inputs);
  assertParity(res, inputs, 'corpus');
  corpus.positives.forEach(([input, expected], i) => {
    for (const side of ['wasm', 'js']) assert.equal(res[side][i].extra.v, expected, `${side}: ${input}`);
  });
  corpus.negatives.forEach((text, k) => {
    const i = corpus.positives.length + k;
    for (const side of ['wasm', 'js']) assert.equal(res[side][i].extra.v, text, `${side} changed a negative: ${text}`);
  });
});

test('sendDefaultPii: true scrubs identically in both cores', async () => {
  const inputs = corpus.pii_allowed.map(([text]) => textInput(text));
  const res = await bothCores({ sendDefaultPii: true }, inputs);
  assertParity(res, inputs, 'pii_allowed');
  corpus.pii_allowed.forEach(([input, expected], i) => {
    for (const side of ['wasm', 'js']) assert.equal(res[side][i].extra.v, expected, `${side}: ${input}`);
  });
});

test('object keys: the same keys are filtered in both cores, and the safe ones kept', async () => {
  const { sensitive, safe } = corpus.keys;
  const inputs = [...sensitive, ...safe].map((k) => ({ message: 'keys', extra: { [k]: 'value-1' } }));
  const res = await bothCores({}, inputs);
  assertParity(res, inputs, 'keys');
  sensitive.forEach((k, i) => { for (const side of ['wasm', 'js']) assert.equal(res[side][i].extra[k], '[Filtered]', `${side}: ${k}`); });
  safe.forEach((k, j) => { for (const side of ['wasm', 'js']) assert.equal(res[side][sensitive.length + j].extra[k], 'value-1', `${side}: ${k}`); });
});

test('a context named like a sensitive key keeps its shape; its fields are scrubbed by key', async () => {
  const inputs = [{ message: 'ctx', contexts: { session: { sessionId: 'abc', note: 'fine' }, auth: { method: 'sso', token: 't' } } }];
  const res = await bothCores({}, inputs);
  for (const side of ['wasm', 'js']) {
    assert.deepEqual(res[side][0].contexts.session, { sessionId: '[Filtered]', note: 'fine' }, side);
    assert.deepEqual(res[side][0].contexts.auth, { method: 'sso', token: '[Filtered]' }, side);
  }
});

test('user keys, patterns and safe keys act alike in both cores', async () => {
  const scrub = { keys: ['tenant'], patterns: ['ACCT-####', 'sk_*'], safeKeys: ['session'] };
  const inputs = [
    { message: 'acct ACCT-1234 and sk_abc, tenant=acme', extra: { tenantName: 'acme', session: 'keep-me', Session: 'x' } },
    { message: '{"tenant_id":"t-1","session":"s"}', extra: { v: 'session=abc; tenant=b' } },
  ];
  const res = await bothCores({ scrub }, inputs);
  assertParity(res, inputs, 'options');
  assert.equal(res.wasm[0].extra.session, 'keep-me');
  assert.equal(res.wasm[0].extra.tenantName, '[Filtered]');
});

// A seeded generator of texts dense in what the scanners look at.
const FRAGMENTS = ['password', 'token', 'key', 'code', 'sid', 'Authorization', 'Cookie', 'PHPSESSID', 'keyboard', 'zip_code', 'pass',
  '=', ':', ': ', ' = ', '&', '?', ';', ',', ' ', '\n', '"', "'", '\\"', '\\\\\\"', '{', '}', '[', ']', '%40', '%2540', '%3D', '%26',
  '%22', '%', 'Basic ', 'Bearer ', 'dXNlcjpwYXNz', 'hunter2', 'abc123XYZ', 'jane.doe', '@', 'example.com', '4111 1111 1111 1111',
  '123-45-6789', 'DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', 'AKIAIOSFODNN7EXAMPLE', 'ghp_', 'sk_live_', 'xoxb-',
  'AIza', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '-----BEGIN PRIVATE KEY-----', '-----END', 'https://', 'u:p@', '10.0.0.1',
  'fe80::1', 'eyJhbGciOiJIUzI1NiJ9', '.', 'null', 'aGVsbG8gd29ybGQ=', 'identifierlong', 'AbcdEfgh', 'expired', 'x-api-key', '\\', '\u00e9', '\u65e5\u672c', '\ud83d\ude00', 'v1.2.3', '2024-11-02'];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('3000 generated texts scrub identically in both cores', async () => {
  const rand = rng(20261201);
  const inputs = [];
  for (let i = 0; i < 3000; i++) {
    let t = '';
    const n = 2 + Math.floor(rand() * 14);
    for (let k = 0; k < n; k++) t += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
    inputs.push(textInput(t));
  }
  for (let b = 0; b < inputs.length; b += 500) {
    const batch = inputs.slice(b, b + 500);
    assertParity(await bothCores({}, batch), batch, `generated (batch ${b / 500})`);
  }
});
