// Scrubbing parity: the WASM core (src/scrubber.cpp) and the JS fallback core (js/scrub.js, used
// when WASM cannot load) scrub alike. The scrubbing corpus and a seeded set of generated texts
// (keys, separators, quotes, escapes, encodings, token formats mixed at random) go through both
// cores' public capture path; every scrubbed field must be identical, and the corpus expectations
// must hold in both. Also checks that js/scrub-rules.js is generated from src/scrub_rules.json.
//
// Intended differences (not exercised here): lengths are counted in UTF-8 bytes by the WASM core
// and in UTF-16 units by the JS core where a bound applies to text that may hold non-ASCII
// characters (the 256-character userinfo and query-value look-aheads, the 16-character window for
// "version" before an IPv4 address, the 1 MiB limit of percent-decoding, `?` in user patterns,
// the 128-character context read before a console argument or a parameterize value).
// Both stop at the same place on ASCII text; no secret format contains non-ASCII characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { loadCore } from '../../js/core-node.js';
import { FallbackCore } from '../../esm/fallback.js';
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
  'fe80::1', 'eyJhbGciOiJIUzI1NiJ9', '.', 'null', 'aGVsbG8gd29ybGQ=', 'identifierlong', 'AbcdEfgh', 'expired', 'x-api-key', '\\', '\u00e9', '\u65e5\u672c', '\ud83d\ude00', 'v1.2.3', '2024-11-02',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'IWHjA13CH/TA0xhQt6Mly6O9GE00GL6xNxnLeOyn', 'VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVy', '\\n', '\r\n', '`',
  'MIIEpAIBAAKCAQEAqs570BFQsdrH5iM3NdKq4ijFIYt4fimDwyvrWsjEOfYhik2U', 'MHcCAQEEINAPrGu6WocxwhklrHqi5bXI6dVw0AZ8ja/wwAOJw5VOoAoGCCqGSM49',
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqs570BFQsdrH5iM3NdKq', 'MII', 'Eg==', '/api/v2/users/'];

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

// ---- secrets with no key name and no prefix: bare AWS secret keys, headerless PEM bodies ------
// Generated from the formats (seeded), through both cores: what the rules must take, and the
// look-alikes a user's events are full of, which they must leave as written.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const bytesOf = (rand, n) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
// The evidence the rule documents (README, Privacy): all three classes, 12 changes between them,
// fewer than 20 characters in lower-case runs of 3+, not a path of 4+ '/'.
function keyLike(k) {
  const cls = k.replace(/[+/]/g, '').replace(/[A-Z]/g, 'U').replace(/[a-z]/g, 'l').replace(/[0-9]/g, 'd');
  const changes = [...cls].filter((c, i) => i > 0 && c != cls[i - 1]).length;
  const wordy = (k.match(/[a-z]{3,}/g) || []).reduce((n, w) => n + w.length, 0);
  return /U/.test(cls) && /l/.test(cls) && /d/.test(cls) && changes >= 12 && wordy < 20 && !(k[0] == '/' && k.split('/').length > 4);
}

test('bare AWS secret keys (40 random base64 characters) are scrubbed alike wherever they stand; look-alikes are not', async () => {
  const rand = rng(4040);
  const keys = Array.from({ length: 400 }, () => bytesOf(rand, 30).toString('base64'));
  const places = [(k) => `s3 put failed, secret ${k} region eu-west-1`, (k) => JSON.stringify({ aws: { v: k } }),
    (k) => `${JSON.stringify('config:\n' + k + '\nend')}`, (k) => `GET /sign?c=${encodeURIComponent(k)}&r=1`, (k) => `(${k}).`];
  const inputs = keys.map((k, i) => textInput(places[i % places.length](k)));
  const res = await bothCores({}, inputs);
  assertParity(res, inputs, 'aws keys');
  let missed = 0;
  keys.forEach((k, i) => {
    const out = res.js[i].extra.v;
    if (out.includes(k) || out.includes(encodeURIComponent(k))) {
      missed++;
      assert.ok(!keyLike(k), `a random key with the documented evidence leaked: ${out}`);
    } else {
      assert.match(out, /\[token\]/, out);
    }
  });
  // The documented limit: about 0.3% of random keys lack the evidence.
  assert.ok(missed <= 6, `${missed} of 400 random keys missed`);

  const words = ['user', 'profile', 'card', 'list', 'view', 'order', 'item', 'payment', 'method', 'select', 'dialog', 'header', 'api', 'v2'];
  const word = () => words[Math.floor(rand() * words.length)];
  const cap = (w) => w[0].toUpperCase() + w.slice(1);
  const negatives = [];
  for (let i = 0; i < 60; i++) {
    const sha = bytesOf(rand, 20).toString('hex');
    negatives.push(`commit ${sha} merged`, `commit ${sha.toUpperCase()} merged`);
    // base64 of ordinary text (30 printable bytes -> 40 characters)
    const textBytes = Buffer.from(Array.from({ length: 30 }, () => 0x20 + Math.floor(rand() * 95)));
    negatives.push(`payload ${textBytes.toString('base64')} decoded`);
    negatives.push(`request ${crypto.randomUUID()} failed`);
    let id = '';
    while (id.length < 36) id += cap(word()) + (rand() < 0.3 ? Math.floor(rand() * 10) : '');
    negatives.push(`TypeError: ${id} is not a constructor`);
    let path = '';
    while (path.length < 38) path += '/' + word() + (rand() < 0.5 ? Math.floor(rand() * 1000) : '');
    negatives.push(`GET ${path} 404`, `at ${cap(word())}${cap(word())} (https://cdn.example.com/static/js/main.${bytesOf(rand, 4).toString('hex')}.chunk.js:2:${Math.floor(rand() * 99999)})`);
    negatives.push(`release web@${1 + (i % 9)}.${i}.0+${sha.slice(0, 12)}`);
  }
  const neg = negatives.map(textInput);
  const nres = await bothCores({}, neg);
  assertParity(nres, neg, 'aws look-alikes');
  negatives.forEach((t, i) => assert.equal(nres.js[i].extra.v, t, `a look-alike was changed: ${t}`));
});

// A PEM body: base64 of the DER in lines of 64 characters.
const bodyOf = (pem) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));
function derBody(der) {
  const b = der.toString('base64');
  return b.match(/.{1,64}/g);
}

test('PEM private-key bodies pasted without their BEGIN line are removed whole; certificates and public keys stay', async () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = crypto.generateKeyPairSync('ed25519');
  const bodies = {
    pkcs1: bodyOf(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' })),
    pkcs8: bodyOf(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    encrypted: bodyOf(rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })),
    sec1: bodyOf(ec.privateKey.export({ type: 'sec1', format: 'pem' })),
    ecPkcs8: bodyOf(ec.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    ed25519: bodyOf(ed.privateKey.export({ type: 'pkcs8', format: 'pem' })),
  };
  const joins = [(ls) => ls.join('\n'), (ls) => ls.join('\r\n'), (ls) => ls.join(' '), (ls) => ls.join('')];
  const inputs = [], meta = [];
  for (const [name, lines] of Object.entries(bodies)) {
    for (const [j, join] of joins.entries()) {
      const body = join(lines);
      for (const wrap of [(b) => `loaded key\n${b}\nthen failed`, (b) => JSON.stringify({ pem: b, ok: 'yes' }), (b) => `key ${b} rejected`]) {
        inputs.push(textInput(wrap(body)));
        meta.push({ name, j, lines });
      }
    }
  }
  const res = await bothCores({}, inputs);
  assertParity(res, inputs, 'pem bodies');
  inputs.forEach((inp, i) => {
    const out = res.js[i].extra.v;
    assert.match(out, /\[Filtered\]/, `${meta[i].name} join ${meta[i].j}`);
    for (const line of meta[i].lines) {
      // A last line shorter than 16 characters, unpadded, and joined by a space or followed by a
      // space and text cannot be told from a word after the key (the documented limit: at most 11
      // bytes of its end).
      if (line.length < 16 && !line.endsWith('=') && (meta[i].j == 2 || / rejected$/.test(inputs[i].message))) continue;
      assert.ok(!out.includes(line.slice(-16)), `${meta[i].name} (join ${meta[i].j}) left a piece of the key: ${out}`);
    }
    assert.match(out, /then failed|"ok":"yes"|rejected/, `the text after the key is kept: ${out}`);
  });

  // Not private keys: public keys (SubjectPublicKeyInfo) and X.509 certificates (a SEQUENCE whose
  // first element is the tbsCertificate SEQUENCE with its [0] version), whatever follows.
  const rand = rng(64);
  const cert = (n) => Buffer.concat([Buffer.from([0x30, 0x82, (n >> 8) & 255, n & 255, 0x30, 0x82, ((n - 200) >> 8) & 255, (n - 200) & 255, 0xa0, 0x03, 0x02, 0x01, 0x02]), bytesOf(rand, n - 9)]);
  const publics = [bodyOf(rsa.publicKey.export({ type: 'spki', format: 'pem' })), bodyOf(ec.publicKey.export({ type: 'spki', format: 'pem' })),
    bodyOf(rsa.publicKey.export({ type: 'pkcs1', format: 'pem' })), derBody(cert(900)), derBody(cert(1400))];
  const neg = publics.flatMap((lines) => [`certificate:\n${lines.join('\n')}\nok`, JSON.stringify({ cert: lines.join('\n') })]);
  const nres = await bothCores({}, neg.map(textInput));
  assertParity(nres, neg.map(textInput), 'public material');
  neg.forEach((t, i) => assert.equal(nres.js[i].extra.v, t, `public key material was changed: ${t.slice(0, 80)}`));
});

// Where scrubbing applies (the attack report of 2026-12-01, class 1): each place gets a planted
// secret (positive) and an ordinary value (negative), in both cores.
async function bothCoresWithCrumbs(options, crumbs, inputs) {
  const mod = await loadCore();
  const opts = JSON.stringify({ dsn: DSN, ...options });
  const wasm = new mod.Core(opts), js = new FallbackCore(opts);
  try {
    for (const c of crumbs) for (const core of [wasm, js]) core.addBreadcrumb(JSON.stringify(c));
    return { wasm: run(wasm, inputs), js: run(js, inputs) };
  } finally {
    wasm.delete();
  }
}

test('parameterize values are scrubbed with the template text before them', async () => {
  const inputs = [
    { message: 'login password=S3cr3t-val9', template: { message: 'login password=%s', params: ['S3cr3t-val9'] } },
    { message: 'user alice logged in', template: { message: 'user %s logged in', params: ['alice'] } },
    // the key is a value too; a value after a 100 % literal; a number after "pin="
    { message: 'password=Zq81x', template: { message: '%s=%s', params: ['password', 'Zq81x'] } },
    { message: 'at 100% pin=123456', template: { message: 'at 100%% pin=%s', params: [123456] } },
    { message: 'count=123456 of jane@example.com', template: { message: 'count=%s of %s', params: [123456, 'jane@example.com'] } },
  ];
  const res = await bothCores({}, inputs);
  for (const side of ['wasm', 'js']) {
    const p = res[side].map((e) => e.logentry.params);
    assert.deepEqual(p[0], ['[Filtered]'], side);
    assert.deepEqual(p[1], ['alice'], side);
    assert.deepEqual(p[2], ['password', '[Filtered]'], side);
    assert.deepEqual(p[3], ['[Filtered]'], side);
    assert.deepEqual(p[4], [123456, '[email]'], side);
  }
  assert.deepEqual(res.js.map((e) => e.logentry), res.wasm.map((e) => e.logentry));
});

test('console arguments are scrubbed with the argument before them (key: value split in two)', async () => {
  const crumbs = [
    { category: 'console', message: 'password: S3cr3tVal', data: { arguments: ['password:', 'S3cr3tVal'] } },
    { category: 'console', message: 'token abcDEF123456', data: { arguments: ['token', 'abcDEF123456', 'pin=', 123456] } },
    { category: 'console', message: 'api_key = x', data: { arguments: ['api_key =', 'k-81723', 'then', 'words'] } },
    { category: 'console', message: 'count: 12345 loaded hunter', data: { arguments: ['count:', 12345, 'loaded', 'hunter', 'x: ', { a: 1 }] } },
    { category: 'console', message: 'sk', data: { arguments: ['the secret', 'is', 'password', ''] } },
  ];
  const res = await bothCoresWithCrumbs({}, crumbs, [{ message: 'crumbs' }]);
  for (const side of ['wasm', 'js']) {
    const args = res[side][0].breadcrumbs.map((b) => b.data.arguments);
    assert.deepEqual(args[0], ['password:', '[Filtered]'], side);
    assert.deepEqual(args[1], ['token', '[Filtered]', 'pin=', '[Filtered]'], side);
    assert.deepEqual(args[2], ['api_key =', '[Filtered]', 'then', 'words'], side);
    assert.deepEqual(args[3], ['count:', 12345, 'loaded', 'hunter', 'x: ', { a: 1 }], side);
    assert.deepEqual(args[4], ['the secret', 'is', 'password', ''], side);
    // The crumb's message joins the arguments: the value a bare key showed is hidden there too.
    assert.deepEqual(res[side][0].breadcrumbs.map((b) => b.message), ['password: [Filtered]', 'token [Filtered]', 'api_key = [Filtered]',
      'count: 12345 loaded hunter', 'sk'], side);
  }
  const noTime = (bs) => bs.map(({ timestamp, ...b }) => b);
  assert.deepEqual(noTime(res.js[0].breadcrumbs), noTime(res.wasm[0].breadcrumbs));
});

test('the session did is taken as Sentry takes it and scrubbed as user.id, in both cores', async () => {
  const mod = await loadCore();
  const opts = JSON.stringify({ dsn: DSN });
  const wasm = new mod.Core(opts), js = new FallbackCore(opts);
  try {
    const cases = [
      [{ user: { id: 'victim@example.com' } }, '[email]'],
      [{ user: { email: 'v@example.com', username: 'bob' } }, '[email]'],
      [{ user: { id: '', username: 'bob' } }, 'bob'],
      [{ user: { id: 0, username: 'bob' } }, 'bob'],
      [{ user: { id: 42 } }, '42'],
      [{ user: { id: 'u-123' } }, 'u-123'],
      [{ user: { id: 'token=ghp_1234567890abcdefghijklmnopqrstuvwxyz12' } }, 'token=[Filtered]'],
      [{ user: null }, ''],
    ];
    for (const [patch, did] of cases) {
      for (const [side, core] of [['wasm', wasm], ['js', js]]) assert.equal(JSON.parse(core.setScope(JSON.stringify(patch))).did, did, `${side} ${JSON.stringify(patch)}`);
    }
    for (const core of [wasm, js]) assert.equal(JSON.parse(core.setScope(JSON.stringify({ tags: { a: 'b' } }))).did, undefined);
    const pii = JSON.stringify({ dsn: DSN, sendDefaultPii: true }), w2 = new mod.Core(pii);
    try {
      for (const core of [w2, new FallbackCore(pii)]) assert.equal(JSON.parse(core.setScope(JSON.stringify({ user: { id: 'v@example.com' } }))).did, 'v@example.com');
    } finally {
      w2.delete();
    }
  } finally {
    wasm.delete();
  }
});

test('exception type, breadcrumb category, fingerprint, numbers and object keys are scrubbed', async () => {
  const crumbs = [
    { category: 'auth password=hunter2x', message: 'm', data: { 'jane@example.com': 1, '[email]': 2, n: 4111111111111111, m: 4111111111111112 } },
    { category: 'ui.click', message: 'm' },
  ];
  const inputs = [
    { exceptions: [{ type: 'token=abc123secretXYZ', value: 'x' }] },
    { exceptions: [{ type: 'TypeError', value: 'x' }] },
    { message: 'fp', fingerprint: ['{{ default }}', 'jane@example.com'] },
    { message: 'fp', fingerprint: ['{{ default }}', 'checkout-42'] },
    { message: 'keys', extra: { 'jane@example.com': 'x', '[email]': 'y', '[email] (2)': 'z', 'joe@example.com': 'w', '4916338506082832': true, order_id: 'o-1' },
      tags: { 'jane@example.com': 'v', release_channel: 'beta' },
      contexts: { ghp_1234567890abcdefghijklmnopqrstuvwxyz12: { a: 1 }, app: { ok: 1 } } },
    { message: 'numbers', extra: { card: 4111111111111111, notcard: 4111111111111112, small: 12345, big: 1700000000000 } },
  ];
  const res = await bothCoresWithCrumbs({}, crumbs, inputs);
  for (const side of ['wasm', 'js']) {
    const ev = res[side];
    assert.equal(ev[0].exception.values[0].type, 'token=[Filtered]', side);
    assert.equal(ev[1].exception.values[0].type, 'TypeError', side);
    // ({{ default }} is the core's own fingerprint there.)
    assert.deepEqual(ev[2].fingerprint.slice(1), ['[email]'], side);
    assert.deepEqual(ev[3].fingerprint.slice(1), ['checkout-42'], side);
    assert.deepEqual(ev[0].breadcrumbs.map((b) => b.category), ['auth password=[Filtered]', 'ui.click'], side);
    // A replaced key never overwrites another: every value is still there, under distinct keys.
    assert.deepEqual(ev[0].breadcrumbs[0].data, { '[email]': 2, '[email] (2)': 1, n: '[card]', m: 4111111111111112 }, side);
    assert.deepEqual(ev[4].extra, { '[email]': 'y', '[email] (2)': 'z', '[email] (3)': 'x', '[email] (4)': 'w', '[card]': true, order_id: 'o-1' }, side);
    assert.equal(ev[4].tags['[email]'], 'v', side);
    assert.equal(ev[4].tags.release_channel, 'beta', side);
    assert.ok(!JSON.stringify(ev[4]).includes('example.com') && !JSON.stringify(ev[4]).includes('ghp_'), side);
    assert.deepEqual(ev[4].contexts['[token]'], { a: 1 }, side);
    assert.deepEqual(ev[5].extra, { card: '[card]', notcard: 4111111111111112, small: 12345, big: 1700000000000 }, side);
  }
  for (let i = 0; i < inputs.length; i++) assert.deepEqual(res.js[i].extra, res.wasm[i].extra, `#${i}`);
});
