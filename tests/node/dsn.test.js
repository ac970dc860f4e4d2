// The DSN table (tests/fixtures/dsn.json) against js/dsn.js, the parser the SDK, the JS fallback
// core and the collector's upstream use; tests/native/test_dsn.cpp runs the same table against the
// C++ core's parser, so the two agree on every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDsn, scanDsn, dsnParts, envelopeUrl, dsnString } from '../../js/dsn.js';

const table = JSON.parse(readFileSync(new URL('../fixtures/dsn.json', import.meta.url), 'utf8'));

test('valid DSNs parse into their parts, envelope URL and canonical text', () => {
  assert.ok(table.valid.length >= 5);
  for (const row of table.valid) {
    const r = parseDsn(row.dsn);
    assert.equal(r.ok, true, `${JSON.stringify(row.dsn)}: ${r.error}`);
    const d = r.dsn;
    assert.deepEqual([d.publicKey, d.host, d.port, d.path, d.projectId], [row.public_key, row.host, row.port, row.path, row.project_id], row.dsn);
    assert.equal(envelopeUrl(d), row.envelope_url);
    assert.equal(dsnString(d), row.canonical);
    assert.deepEqual(parseDsn(dsnString(d)), r, 'the canonical text parses to the same DSN');
  }
});

test('malformed DSNs give the clear error of the table, never a throw', () => {
  assert.ok(table.invalid.length >= 10);
  for (const row of table.invalid) {
    const r = parseDsn(row.dsn);
    assert.equal(r.ok, false, JSON.stringify(row.dsn));
    assert.ok(r.error.startsWith('invalid DSN: '), r.error);
    assert.ok(r.error.includes(row.error), `${JSON.stringify(row.dsn)} -> ${r.error} (expected ${row.error})`);
  }
  for (const v of [undefined, null, 42, {}, 'https://k@' + 'a'.repeat(5000) + '/1']) assert.equal(parseDsn(v).ok, false);
});

// The rules are written twice in js/dsn.js: one expression (dsnParts, small enough for the SDK's
// critical path) and a scanner (the error messages). Generated DSN-like texts, most of them near
// valid ones, must get the same verdict and the same parts from both.
test('the expression and the scanner agree on every text: same verdict, same parts', () => {
  let seed = 13;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const pick = (xs) => xs[rnd(xs.length)];
  const tokens = ['http', 'https', 'HTTPS', 'ftp', '://', ':', '@', '/', '//', '[', ']', '?', '#', ' ', '\t', '\n', '%', '_', '~', '-', '.',
    'k', 'key', 'secret', 'host', 'h.example', '::1', 'fe80::1', '1', '12', '0', '80', '443', '65535', '65536', '99999', '00080', '123456', 'x=1', 'a b', 'é', '\u2028'];
  const part = (xs) => (rnd(3) ? pick(xs) : '');
  let agreed = 0, accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let t = `${pick(['https', 'http', 'https', 'HTTP', ''])}://${pick(['k', 'key-1', '', 'a.b_c~d'])}${part([':secret', ':', ':a:b', ':s?x'])}@` +
      `${pick(['h.example', 'localhost', '[::1]', '[]', '', 'ho st', '127.0.0.1'])}${part([':8080', ':0', ':', ':443', ':80', ':65536', ':00080', ':abc'])}` +
      `${part(['/sentry', '/a/b', '//', '/a b', '/x/'])}/${pick(['1', '42', '', 'p-1', 'a b'])}${part(['/', '//', '?q=1', '#f', '/?x@y', '?a/b'])}`;
    for (let k = rnd(4); k > 0; k--) {  // mutations
      const at = rnd(t.length + 1);
      t = rnd(2) ? t.slice(0, at) + pick(tokens) + t.slice(at) : t.slice(0, at) + t.slice(at + 1 + rnd(3));
    }
    if (rnd(10) == 0) t = pick([' ', '\n', '\t ']) + t + pick(['', ' ', '\r\n']);
    const scanned = scanDsn(t), parts = dsnParts(t);
    assert.equal(!!parts, scanned.ok, `${JSON.stringify(t)}: expression ${parts ? 'accepts' : 'rejects'}, scanner ${scanned.ok ? 'accepts' : scanned.error}`);
    if (parts) {
      assert.deepEqual(parts, scanned.dsn, JSON.stringify(t));
      accepted++;
    }
    agreed++;
  }
  assert.ok(accepted > 2000 && agreed - accepted > 2000, `both verdicts are exercised (${accepted} accepted of ${agreed})`);
});

// The SDK's first check (js/index.js init, on the critical path) is the same rule: it starts for
// every valid DSN of the table and stays disabled for every invalid one (it used a looser URL parse
// that refused a trailing slash after the project and took port 0 or a key with a space).
test('the SDK starts for exactly the DSNs of the table that are valid', async () => {
  // No network: the SDK's platform fetch (taken when js/util.js loads) answers here, at once.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => new Response('{}', { status: 200 });
  const F = await import('../../esm/index.js');
  globalThis.fetch = realFetch;
  const warn = console.warn;
  console.warn = () => {};  // "no valid DSN; Faultline is disabled", once per invalid row
  try {
    for (const row of [...table.valid, ...table.invalid]) {
      F.init({ dsn: row.dsn, integrations: {} });
      const started = F.getStats().core != 'disabled';
      assert.equal(started, table.valid.includes(row), `${JSON.stringify(row.dsn)}: ${started ? 'started' : 'disabled'}`);
      await F.close(0);
    }
  } finally {
    console.warn = warn;
  }
});
