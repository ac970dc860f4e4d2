// The DSN table (tests/fixtures/dsn.json) against js/dsn.js, the parser the SDK, the JS fallback
// core and the collector's upstream use; tests/native/test_dsn.cpp runs the same table against the
// C++ core's parser, so the two agree on every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDsn, envelopeUrl, dsnString } from '../../js/dsn.js';

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
