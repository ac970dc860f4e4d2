// Per-capture time of two or more builds of Faultline side by side, in one Chromium run: the
// benchmark's captureException timing (bench/harness.js captureTiming, same error or distinct
// messages) for each build, in alternating rounds, so that a loaded machine slows them alike.
// Not part of `npm run bench`; for finding what a change costs per capture.
//
//   node bench/compare-capture.mjs [--distinct] [--profile] [--rounds N] [--n N] label=DIR [label=DIR ...]
//
// DIR is a checkout of this repository with its dist/ built (scripts/build.sh wasm): its
// bench/entries/faultline.js is bundled as the benchmark bundles it, with its own dist/faultline.wasm.
// Without arguments it measures this checkout alone. Prints, per build, the median over rounds
// of each round's median, p95 and mean per call, and the mean per call of batches of 100 (median,
// and the fastest batch of all rounds: the least disturbed by other load), in µs. --profile bundles without minifying (names kept)
// and runs Chromium's sampling profiler around the timed captures: it prints, per build, the time
// per capture inside each SDK function (inclusive, profiler overhead included: compare the builds,
// not the absolute figures).
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { repo } from './sizes.mjs';
import { startServer } from './server.mjs';
import { open, CHROMIUM_ARGS } from './run.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const [v] = args.splice(i, 2).slice(1);
  return Number(v);
};
const option = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const distinct = option('--distinct');
const profile = option('--profile');
const rounds = flag('--rounds', 5);
const n = flag('--n', 1000);
const builds = (args.length ? args : [`current=${repo}`]).map((a) => {
  const [label, dir] = a.split('=');
  return { label, dir: path.resolve(dir) };
});
const outDir = path.join(repo, 'bench/out/compare');

/** Adds each function's inclusive time (µs, a function counted once per sample) from a CPU profile. */
function addInclusive(into, prof) {
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of prof.nodes) for (const child of node.children || []) parent.set(child, node.id);
  prof.samples.forEach((id, i) => {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url } = byId.get(cur).callFrame;
      if (!/\/bench\/out\//.test(url) || !functionName) continue;  // the SDK's own functions only
      if (!seen.has(functionName)) into[functionName] = (into[functionName] || 0) + (prof.timeDeltas[i] || 0);
      seen.add(functionName);
    }
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  const extraFiles = {};
  for (const b of builds) {
    await esbuild.build({
      entryPoints: [path.join(b.dir, 'bench/entries/faultline.js')], bundle: true, minify: !profile, format: 'esm', splitting: true, target: 'es2020',
      outdir: path.join(outDir, b.label), logLevel: 'silent', absWorkingDir: b.dir,
    });
    extraFiles[`/wasm/${b.label}/faultline.wasm`] = path.join(b.dir, 'dist/faultline.wasm');
  }
  const srv = await startServer({ outDir, extraFiles });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
  const results = Object.fromEntries(builds.map((b) => [b.label, []]));
  const inclusive = Object.fromEntries(builds.map((b) => [b.label, {}]));
  try {
    for (let r = 0; r < rounds; r++) {
      for (const b of r % 2 ? [...builds].reverse() : builds) {
        const p = await open(browser, srv, 'faultline', { src: `/bench/out/${b.label}/faultline.js`,
          options: { wasmUrl: `/wasm/${b.label}/faultline.wasm`, transport: { multiEvent: true } } });
        try {
          await p.page.evaluate((o) => window.bench.prepareCaptures(o), { distinct });
          if (profile) {
            await p.cdp.send('Profiler.enable');
            await p.cdp.send('Profiler.setSamplingInterval', { interval: 50 });
            await p.cdp.send('Profiler.start');
          }
          const t = await p.page.evaluate((o) => window.bench.captureTiming(o), { n, distinct });
          if (profile) addInclusive(inclusive[b.label], (await p.cdp.send('Profiler.stop')).profile);
          results[b.label].push(t);
          console.error(`[compare] round ${r + 1} ${b.label}: median ${(t.medianMs * 1000).toFixed(1)} µs, p95 ${(t.p95Ms * 1000).toFixed(1)} µs, fast repeats ${t.stats && t.stats.fast_repeats}`);
        } finally {
          await p.close();
        }
      }
    }
  } finally {
    await browser.close();
    await srv.close();
  }
  console.log(`per-capture time, ${distinct ? 'distinct messages' : 'same error'}, ${n} calls x ${rounds} rounds, median of round medians:`);
  for (const b of builds) {
    const rs = results[b.label];
    const us = (pick) => `${(median(rs.map(pick)) * 1000).toFixed(1).padStart(6)} µs`;
    const least = `${(Math.min(...rs.map((t) => t.batchMeanMinMs)) * 1000).toFixed(1).padStart(6)} µs`;
    console.log(`  ${b.label.padEnd(16)} median ${us((t) => t.medianMs)}   p95 ${us((t) => t.p95Ms)}   mean ${us((t) => t.meanMs)}   batch of 100: median ${us((t) => t.batchMeanMedianMs)}, fastest ${least}`);
  }
  if (!profile) return;
  const calls = rounds * n;
  const names = new Set(builds.flatMap((b) => Object.keys(inclusive[b.label])));
  const rows = [...names].map((name) => [name, builds.map((b) => (inclusive[b.label][name] || 0) / calls)])
    .sort((x, y) => Math.max(...y[1]) - Math.max(...x[1])).slice(0, 40);
  console.log(`\nµs per capture inside each SDK function (inclusive, sampled every 50 µs):\n  ${'function'.padEnd(28)}${builds.map((b) => b.label.padStart(14)).join('')}`);
  for (const [name, xs] of rows) console.log(`  ${name.slice(0, 27).padEnd(28)}${xs.map((x) => x.toFixed(2).padStart(14)).join('')}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
