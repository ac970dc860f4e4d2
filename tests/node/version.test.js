// The version is written by hand in package.json only: js/version.js is generated from it at build
// time (scripts/gen-version.mjs, run by scripts/build-js.sh) and the SDK, the fallback core and
// SDK_VERSION read it; the C++ core's default sdk_version (src/version.h) is generated from it by
// CMakeLists.txt. A stale generated file or WASM module, or a version written in a JS or C++ file
// again, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { VERSION } from '../../js/version.js';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

test('js/version.js says what package.json says', () => {
  assert.equal(VERSION, pkg.version);
});

test('no JS or C++ file of the SDK writes the version literally', () => {
  const files = (dir, ext) => readdirSync(new URL(dir, root), { recursive: true }).filter((f) => ext.test(f)).map((f) => `${dir}${f}`);
  for (const f of [...files('js/', /\.js$/).filter((f) => f != 'js/version.js'), ...files('src/', /\.(h|cpp)$/), ...files('bindings/', /\.(h|cpp)$/)]) {
    const src = readFileSync(new URL(f, root), 'utf8');
    assert.ok(!src.includes(`'${pkg.version}'`) && !src.includes(`"${pkg.version}"`), `${f} writes ${pkg.version}`);
  }
});

test("the WASM core's default sdk.version is package.json's (generated at build time: a stale module fails)", async () => {
  const { loadCore } = await import('../../js/core-node.js');
  const { parseEnvelope } = await import('../../js/envelope.js');
  const mod = await loadCore();
  const core = new mod.Core(JSON.stringify({ dsn: 'http://key@127.0.0.1:9/1' }));  // no sdk option: the core's default
  assert.equal(JSON.parse(core.capture(JSON.stringify({ message: 'which version?', timestamp: Date.now() / 1000 }))).status, 'queued');
  const [envelope] = JSON.parse(core.drain(Date.now(), true, 10)).envelopes;
  const { header, items } = parseEnvelope(envelope.body);
  assert.equal(header.sdk.version, pkg.version);
  assert.equal(JSON.parse(items[0].payload).sdk.version, pkg.version);
});

test('the SDK reports it', async () => {
  const { SDK } = await import('../../esm/client.js');
  assert.equal(SDK.version, pkg.version);
});
