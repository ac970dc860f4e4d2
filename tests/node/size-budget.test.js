// Size budget: fails when the gzip size of the WASM core, its glue, the script-tag build or the
// critical-path JS grows past the budget written in bench/budget.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const budget = JSON.parse(fs.readFileSync(path.join(repo, 'bench/budget.json'), 'utf8'));
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

for (const file of ['dist/faultline.wasm', 'dist/faultline-core.mjs', 'dist/faultline.iife.js']) {
  test(`${file} stays within its gzip budget`, () => {
    const size = gz(fs.readFileSync(path.join(repo, file)));
    console.log(`[size-budget] ${file}: ${size} bytes gzip (budget ${budget[file]})`);
    assert.ok(size <= budget[file], `${file} is ${size} bytes gzip, budget ${budget[file]}`);
  });
}

test('the critical-path JS stays within its gzip budget', async () => {
  const key = 'critical-path JS (js/index.js + hooks + util, minified)';
  const out = await build({ entryPoints: [path.join(repo, 'js/index.js')], bundle: true, minify: true, format: 'esm', write: false,
    logLevel: 'silent', external: ['./client.js', './transport.js', './fallback.js', '../dist/*'] });
  const size = gz(out.outputFiles[0].contents);
  console.log(`[size-budget] critical path: ${size} bytes gzip (budget ${budget[key]})`);
  assert.ok(size <= budget[key], `critical path is ${size} bytes gzip, budget ${budget[key]}`);
});
