// The version is written by hand in package.json only: js/version.js is generated from it at build
// time (scripts/gen-version.mjs, run by scripts/build-js.sh) and the SDK, the fallback core and
// SDK_VERSION read it. A stale generated file, or a version written in a JS file again, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { VERSION } from '../../js/version.js';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

test('js/version.js says what package.json says', () => {
  assert.equal(VERSION, pkg.version);
});

test('no JS file of the SDK writes the version literally', () => {
  for (const f of readdirSync(new URL('js/', root)).filter((f) => f.endsWith('.js') && f != 'version.js')) {
    const src = readFileSync(new URL(`js/${f}`, root), 'utf8');
    assert.ok(!src.includes(`'${pkg.version}'`) && !src.includes(`"${pkg.version}"`), `js/${f} writes ${pkg.version}`);
  }
});

test('the SDK reports it', async () => {
  const { SDK } = await import('../../js/client.js');
  assert.equal(SDK.version, pkg.version);
});
