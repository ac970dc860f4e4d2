// Size budget: fails when a gzip -9 size grows past its budget in bench/budget.json, printing the
// sizes. The critical-path JS is measured as npm run bench measures it (bench/sizes.mjs): an app
// entry importing the SDK's capture API (bench/entries/faultline.js) bundled in-process by esbuild with minification, ESM and code
// splitting; the entry file plus every chunk it imports statically. The lazily imported client,
// transport, JS fallback and WASM glue are not on the critical path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { measureBundle, gz, repo } from '../../bench/sizes.mjs';

const budget = JSON.parse(fs.readFileSync(path.join(repo, 'bench/budget.json'), 'utf8')).gzip;
const CRITICAL = 'critical-path JS (bench/entries/faultline.js + static imports)';

function check(name, size) {
  const limit = budget[name];
  assert.ok(Number.isInteger(limit), `bench/budget.json has no gzip budget for "${name}"`);
  const pct = ((100 * size) / limit).toFixed(1);
  console.log(`[size-budget] ${name}: ${size} bytes gzip -9, budget ${limit} (${pct} %)`);
  assert.ok(size <= limit, `${name} grew to ${size} bytes gzip -9, past its budget of ${limit}: shrink it, or raise the budget in bench/budget.json with a reason`);
}

for (const file of ['dist/faultline.wasm', 'dist/faultline-core.mjs', 'dist/faultline.iife.js', 'dist/faultline-scan.wasm', 'dist/faultline-scan-worker.mjs']) {
  test(`${file} stays within its gzip budget`, (t) => {
    const abs = path.join(repo, file);
    assert.ok(fs.existsSync(abs), `${file} is missing: bash scripts/build.sh wasm builds it`);
    check(file, gz(fs.readFileSync(abs)));
  });
}

test('the critical-path JS stays within its gzip budget', async () => {
  // As npm run bench measures it: an app importing the capture API (a bundler keeps what it imports;
  // the drop-in surface an app does not import — integration factories, BrowserClient — is dropped).
  const r = await measureBundle(path.join(repo, 'bench/entries/faultline.js'));
  for (const f of r.files) console.log(`[size-budget]   ${f.critical ? 'critical' : 'lazy    '} ${f.file}: ${f.gzip} bytes gzip (${f.inputs.join(', ')})`);
  assert.ok(!r.files.some((f) => f.critical && f.inputs.some((i) => /client\.js|transport\.js|fallback\.js|faultline-core\.mjs/.test(i))),
    'the client, transport, fallback and WASM glue must stay off the critical path (dynamic import only)');
  check(CRITICAL, r.criticalGzip);
});
