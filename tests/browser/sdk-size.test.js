// The performance budget: the JS a page must load before it can capture (index.js, util.js and
// the hooks of the package's esm/ build, minified, as an app importing the capture API gets them) stays within bench/budget.json; the client, the transport, the JS fallback and the
// WASM core are only imported lazily; the loader snippet is tiny and imports nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import { ROOT } from './pages/sdk-common/harness.js';

async function bundle(entry) {
  const out = await build({ entryPoints: [path.join(ROOT, entry)], bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent',
    metafile: true, external: ['./client.js', './transport.js', './fallback.js', '../dist/*'] });
  const code = out.outputFiles[0].contents;
  return { code: Buffer.from(code).toString('utf8'), gzip: zlib.gzipSync(code, { level: 9 }).length, inputs: Object.keys(out.metafile.inputs) };
}

test('what a page loads before it can capture stays within its budget, and the rest loads lazily', async () => {
  const { code, inputs } = await bundle('esm/index.js');
  // An app importing the capture API (the bench's entry): what a bundler keeps of the package.
  const { gzip } = await bundle('bench/entries/faultline.js');
  const limit = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/budget.json'), 'utf8')).gzip['critical-path JS (bench/entries/faultline.js + static imports)'];
  assert.ok(gzip <= limit, `critical path is ${gzip} bytes gzip, budget ${limit}`);
  assert.deepEqual(inputs.map((f) => path.relative('esm', f)).sort(),
    // version.js: the version generated from package.json (SDK_VERSION, the sdk info), one line;
    // dsn-rule.js: the DSN rule as one expression, shared with js/dsn.js (the fallback, the collector);
    // hooks/wrap.js: timers and listeners are wrapped from init(), as Sentry wraps them;
    // transport/sentry.js: Sentry's transport API (makeFetchTransport, createTransport...), in this
    // all-exports bundle only: an app that does not import it does not load it (the bench entry
    // above, within the budget, has none of it).
    ['dsn-rule.js', 'hooks/console.js', 'hooks/dom.js', 'hooks/errors.js', 'hooks/history.js', 'hooks/http.js', 'hooks/wrap.js', 'index.js', 'transport/sentry.js', 'util.js', 'version.js']);
  assert.match(code, /import\("\.\/client\.js"\)/, 'client.js is a dynamic import');
  assert.doesNotMatch(code, /^import |[;}]import [{*\w]/m, 'no static imports remain');
  const client = fs.readFileSync(path.join(ROOT, 'js/client.js'), 'utf8');
  for (const lazy of ['./transport.js', './fallback.js', '../dist/faultline-core.mjs']) {
    assert.ok(client.includes(`import('${lazy}')`), `${lazy} is imported lazily by client.js`);
    assert.ok(!new RegExp(`^import .* from '${lazy.replace(/\./g, '\\.')}'`, 'm').test(client));
  }
});

test('the loader snippet is tiny, imports nothing and runs as a classic script', async () => {
  const src = fs.readFileSync(path.join(ROOT, 'js/loader.js'), 'utf8');
  assert.doesNotMatch(src, /\bimport\b|\bexport\b/);
  const { gzip } = await bundle('js/loader.js');
  assert.ok(gzip <= 512, `loader is ${gzip} bytes gzip`);
  new Function(src);  // parses as a classic script
});
