// Where the main-thread time of a capture goes: Chromium's sampling profiler (CDP Profiler) over
// the benchmark's captureException loop (or the storm), with a WASM build that keeps function
// names (--profiling-funcs; same code as dist/, plus a name section). Not part of `npm run bench`.
//
//   node bench/profile.mjs [capture|distinct|storm] [faultline|sentry]
//
// Builds build/bench-profiling/ when it is missing or older than the sources (same CMake
// configuration as scripts/build.sh wasm, plus -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs), writes
// bench/out/profile-<sdk>-<scenario>.cpuprofile (open it in Chrome DevTools) and prints self time
// by category and the top functions.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { repo } from './sizes.mjs';
import { startServer } from './server.mjs';
import { open, CHROMIUM_ARGS, OPTIONS } from './run.mjs';

const scenario = process.argv[2] || 'capture';
const sdk = process.argv[3] || 'faultline';
const outDir = path.join(repo, 'bench/out');
const prof = path.join(repo, 'build/bench-profiling');

function newest(dir) {
  let t = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function buildProfilingWasm() {
  const wasm = path.join(prof, 'faultline.wasm');
  const src = Math.max(newest(path.join(repo, 'src')), newest(path.join(repo, 'bindings')), fs.statSync(path.join(repo, 'CMakeLists.txt')).mtimeMs);
  if (fs.existsSync(wasm) && fs.statSync(wasm).mtimeMs > src) return;
  console.error('[profile] building build/bench-profiling (WASM with a name section)');
  const inc = path.join(repo, 'build/json-include');
  execFileSync('bash', ['-c', `source scripts/env.sh && emcmake cmake -S . -B "${prof}" -DCMAKE_BUILD_TYPE=MinSizeRel -DFAULTLINE_JSON_INCLUDE="${inc}" ` +
    `-DFAULTLINE_TESTS=OFF -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs >/dev/null && cmake --build "${prof}" -j 2 >/dev/null`], { cwd: repo, stdio: 'inherit' });
}

async function bundle() {
  if (sdk !== 'faultline') return '/bench/out/sentry/sentry.js';
  const dir = path.join(outDir, 'faultline-prof');
  fs.rmSync(dir, { recursive: true, force: true });
  // The same entry, with the glue of the profiling build in place of dist/faultline-core.mjs.
  await esbuild.build({
    entryPoints: [path.join(repo, 'bench/entries/faultline.js')], bundle: true, minify: false, format: 'esm', splitting: true, target: 'es2020',
    outdir: dir, logLevel: 'silent', absWorkingDir: repo,
    plugins: [{ name: 'profiling-glue', setup(b) { b.onResolve({ filter: /faultline-core\.mjs$/ }, () => ({ path: path.join(prof, 'faultline.mjs') })); } }],
  });
  return '/bench/out/faultline-prof/faultline.js';
}

const HARNESS = 'bench harness (making Errors, timing)';

function category(cf) {
  const u = cf.url || '';
  const n = cf.functionName;
  if (n === '(idle)') return 'idle';
  if (n === '(garbage collector)') return 'gc';
  if (n === '(program)' || n === '(root)') return 'program (V8/Blink outside JS)';
  if (u.startsWith('wasm://')) return 'wasm core';
  if (/faultline-core|\/faultline-prof\/faultline-[A-Z0-9]+\.js/.test(u) || /bench-profiling/.test(u)) return 'wasm glue (JS)';
  if (/harness\.js/.test(u)) return HARNESS;
  if (/\/bench\/out\/faultline-prof\/|\/bench\/out\/faultline\//.test(u)) return 'SDK JS';
  if (/\/bench\/out\/sentry\//.test(u)) return 'SDK JS';
  if (!u) return `native/builtin (${n || 'anonymous'})`;
  return 'other';
}

function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + (profile.timeDeltas[i] || 0)));
  const cats = {};
  const fns = {};
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const c = category(cf);
    cats[c] = (cats[c] || 0) + us;
    total += us;
    if (c === 'idle' || c === HARNESS) continue;
    const key = `${cf.functionName || '(anonymous)'}  [${c}${cf.url && !cf.url.startsWith('wasm') ? ` ${path.basename(cf.url)}:${cf.lineNumber + 1}` : ''}]`;
    fns[key] = (fns[key] || 0) + us;
  }
  const busy = total - (cats.idle || 0) - (cats[HARNESS] || 0);
  return { total, busy, cats, fns };
}

async function main() {
  if (sdk === 'faultline') buildProfilingWasm();
  const src = await bundle();
  const srv = await startServer({ outDir, extraFiles: { '/prof/faultline.wasm': path.join(prof, 'faultline.wasm') } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
  try {
    const p = await open(browser, srv, sdk, { src, options: sdk === 'faultline' ? { ...OPTIONS.faultline, wasmUrl: '/prof/faultline.wasm' } : OPTIONS[sdk] });
    const distinct = scenario === 'distinct';
    if (scenario !== 'storm') await p.page.evaluate((o) => window.bench.prepareCaptures(o), { distinct });
    await p.cdp.send('Profiler.enable');
    await p.cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await p.cdp.send('Profiler.start');
    if (scenario === 'storm') {
      await p.page.evaluate(() => window.bench.storm(5000));
      await p.page.evaluate(() => window.bench.flush(10000));
    } else {
      await p.page.evaluate((o) => window.bench.captureTiming(o), { n: 2000, distinct, pauseMs: 5 });
    }
    const { profile } = await p.cdp.send('Profiler.stop');
    await p.close();
    const file = path.join(outDir, `profile-${sdk}-${scenario}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const s = summarize(profile);
    const pct = (us) => `${((100 * us) / s.busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(1).padStart(7)} ms`;
    console.log(`${sdk} / ${scenario}: ${(s.busy / 1000).toFixed(1)} ms of main-thread time outside idle and the harness (${path.relative(repo, file)})`);
    for (const [c, us] of Object.entries(s.cats).sort((a, b) => b[1] - a[1])) if (c !== 'idle' && c !== HARNESS) console.log(`  ${pct(us)}  ${c}`);
    console.log('  top functions by self time:');
    for (const [f, us] of Object.entries(s.fns).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${pct(us)}  ${f.slice(0, 150)}`);
  } finally {
    await browser.close();
    await srv.close();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
