// `npm run bench` (after scripts/bench.sh has built what is missing): Faultline and
// @sentry/browser side by side in the same headless Chromium run, on the same page
// (bench/page.html + bench/harness.js), against the same loopback endpoint (bench/server.mjs).
// Every SDK scenario runs in a fresh browser context. Prints a table with goals as PASS/MISS and
// writes bench/results.json. Bounded: a watchdog stops the run after 9.5 minutes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { measureBundle, repo } from './sizes.mjs';
import { startServer, settle } from './server.mjs';

const here = path.join(repo, 'bench');
const outDir = path.join(here, 'out');
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--js-flags=--expose-gc'];
const LIMIT_MS = 570000;
const QUICK = process.env.FAULTLINE_BENCH_QUICK === '1';  // smaller counts, for trying the harness out
const N = {
  loads: QUICK ? 2 : 5, capture: QUICK ? 400 : 2000, burst: 2000, storm: 5000, stormReps: QUICK ? 1 : 3,
  heap: QUICK ? [1000, 10000] : [1000, 10000, 50000, 100000],
};
// The endpoint takes several event items per envelope, so Faultline is configured to batch them
// (transport.multiEvent); against sentry.io it would send one event per envelope, which the
// "single-event envelopes" rows measure. Sentry runs with its defaults (errors only).
export const OPTIONS = {
  faultline: { wasmUrl: '/dist/faultline.wasm', transport: { multiEvent: true } },
  'faultline-single': { wasmUrl: '/dist/faultline.wasm' },
  sentry: {},
  none: {},
};
const BUNDLE = { faultline: '/bench/out/faultline/faultline.js', 'faultline-single': '/bench/out/faultline/faultline.js', sentry: '/bench/out/sentry/sentry.js', none: null };

const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${LIMIT_MS / 1000} s: stopping`);
  process.exit(2);
}, LIMIT_MS);
watchdog.unref();

const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const log = (...a) => console.error('[bench]', ...a);

// ---- page plumbing ---------------------------------------------------------------------
export async function open(browser, srv, sdk, { src = BUNDLE[sdk], options = OPTIONS[sdk] } = {}) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(180000);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`http://127.0.0.1:${srv.port}/bench/page.html`);
  await page.waitForFunction(() => window.bench, null, { timeout: 20000 });
  const dsn = `http://benchkey@127.0.0.1:${srv.port}/1`;
  const loaded = await page.evaluate(([b, d, o]) => window.bench.load(b, d, o), [src, dsn, options]);
  if (sdk.startsWith('faultline') && loaded.mode !== 'wasm') throw new Error(`Faultline did not load its WASM core (mode ${loaded.mode})`);
  // Main-thread task time of this page's renderer so far (CDP Performance.TaskDuration), in ms.
  const taskMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
  return { page, cdp, loaded, taskMs, close: () => ctx.close() };
}

async function withPage(browser, srv, sdk, fn) {
  const p = await open(browser, srv, sdk);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

// ---- scenarios -------------------------------------------------------------------------
async function loadTimes(browser, srv, sdk) {
  const runs = [];
  for (let i = 0; i < N.loads; i++) runs.push(await withPage(browser, srv, sdk, async (p) => p.loaded));
  return {
    readyToCaptureMs: median(runs.map((r) => r.readyToCaptureMs)), coreReadyMs: median(runs.map((r) => r.coreReadyMs)),
    fetchAndEvalMs: median(runs.map((r) => r.fetchAndEvalMs)), initMs: median(runs.map((r) => r.initMs)),
    mode: runs[0].mode, crossOriginIsolated: runs[0].crossOriginIsolated, runs: runs.length,
  };
}

async function captureTiming(browser, srv, sdk, distinct) {
  return withPage(browser, srv, sdk, async (p) => {
    await p.page.evaluate((o) => window.bench.prepareCaptures(o), { distinct });
    await settle(srv, 300, 10000);
    srv.reset();
    const t0 = await p.taskMs();
    const r = await p.page.evaluate((o) => window.bench.captureTiming(o), { n: N.capture, distinct });
    await settle(srv, 300, 10000);
    r.taskMs = (await p.taskMs()) - t0;  // everything the page's main thread did, deferred work included
    return r;
  });
}

async function burst(browser, srv, sdk) {
  return withPage(browser, srv, sdk, async (p) => {
    const rec = srv.reset();
    const loopMs = await p.page.evaluate((n) => window.bench.burst(n), N.burst);
    const flushed = await p.page.evaluate(() => window.bench.flush(10000));
    await settle(srv);
    const stats = await p.page.evaluate(() => window.bench.stats());
    return { loopMs, flushed, requests: rec.requests, bytes: rec.bytes, events: rec.events, occurrences: rec.occurrences, clientReports: rec.clientReports,
      malformed: rec.malformed, sdkStats: stats };
  });
}

async function storm(browser, srv, sdk) {
  return withPage(browser, srv, sdk, async (p) => {
    const rec = srv.reset();
    const t0 = await p.taskMs();
    const loopMs = await p.page.evaluate((n) => window.bench.storm(n), N.storm);
    const flushed = await p.page.evaluate(() => window.bench.flush(10000));
    await settle(srv);
    const taskMs = (await p.taskMs()) - t0;
    const stats = await p.page.evaluate(() => window.bench.stats());
    return { loopMs, taskMs, flushed, requests: rec.requests, bytes: rec.bytes, events: rec.events, occurrences: rec.occurrences,
      bugs: [...rec.bugs].sort(), bugOccurrences: rec.bugOccurrences, clientReports: rec.clientReports, malformed: rec.malformed, sdkStats: stats };
  });
}

async function heap(browser, srv, sdk) {
  return withPage(browser, srv, sdk, async (p) => p.page.evaluate((checkpoints) => window.bench.heap({ checkpoints }), N.heap));
}

// ---- report ----------------------------------------------------------------------------
function machine(browserVersion) {
  const pkg = (p) => JSON.parse(fs.readFileSync(path.join(repo, p), 'utf8')).version;
  return {
    cpu: os.cpus()[0].model, cores: os.cpus().length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), os: `${os.type()} ${os.release()}`,
    node: process.version, chromium: browserVersion, faultline: pkg('package.json'), sentryBrowser: pkg('node_modules/@sentry/browser/package.json'),
    esbuild: pkg('node_modules/esbuild/package.json'),
  };
}

const KB = (b) => (b === null || b === undefined ? 'n/a' : `${(b / 1024).toFixed(1)} KB`);
const MB = (b) => (b === null || b === undefined ? 'n/a' : `${(b / 2 ** 20).toFixed(2)} MB`);
const ms = (x, d = 1) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(d)} ms`);
const us = (x) => (x === null || x === undefined ? 'n/a' : `${(x * 1000).toFixed(1)} µs`);
const ratio = (a, b) => (b ? a / b : null);
const fx = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(d)} x`);

function heapAt(series, n) {
  const p = series.find((x) => x.errors === n);
  return p || series[series.length - 1];
}

function report(R, m) {
  const F = R.faultline;
  const S = R.sentry;
  const FS = R.faultlineSingle;
  const first = N.heap[Math.min(1, N.heap.length - 1)];
  const last = N.heap[N.heap.length - 1];
  const hF = [heapAt(F.heap, first), heapAt(F.heap, last)];
  const hS = [heapAt(S.heap, first), heapAt(S.heap, last)];
  const perCapture = (r) => `${us(r.medianMs)} (p95 ${us(r.p95Ms)})`;
  const allIn = (r, none) => (r.taskMs - none.taskMs) / r.n;
  const rows = [
    ['critical-path JS, gzip -9 (files)', `${KB(F.size.criticalGzip)} (${F.size.files.filter((f) => f.critical).length})`, `${KB(S.size.criticalGzip)} (${S.size.files.filter((f) => f.critical).length})`],
    ['total JS + WASM, gzip -9', KB(F.size.totalGzip), KB(S.size.totalGzip)],
    ['  of which WASM / lazy JS / JS fallback', `${KB(F.size.wasmGzip)} / ${KB(F.size.lazyGzip)} / ${KB(F.size.totalGzip - F.size.normalGzip)}`, '-'],
    ['script start -> ready to capture (median)', ms(F.load.readyToCaptureMs), ms(S.load.readyToCaptureMs)],
    ['script start -> WASM core ready (median)', ms(F.load.coreReadyMs), 'n/a (no WASM)'],
    ['captureException, same error, median', perCapture(F.capture), perCapture(S.capture)],
    ['  mean (GC pauses included)', us(F.capture.meanMs), us(S.capture.meanMs)],
    ['  all main-thread work incl. deferred, per capture', us(allIn(F.capture, R.none.capture)), us(allIn(S.capture, R.none.capture))],
    ['captureException, distinct messages, median', perCapture(F.captureDistinct), perCapture(S.captureDistinct)],
    ['burst 2000: requests / events sent', `${F.burst.requests} / ${F.burst.events}`, `${S.burst.requests} / ${S.burst.events}`],
    ['burst 2000: occurrences accounted', `${F.burst.occurrences}`, `${S.burst.occurrences}`],
    ['storm 5000: requests', F.storm.requests, S.storm.requests],
    ['storm 5000: bytes on the wire', F.storm.bytes, S.storm.bytes],
    ['storm 5000: distinct bugs arrived (of 3)', F.storm.bugs.length, S.storm.bugs.length],
    ['storm 5000: occurrences accounted', F.storm.occurrences, S.storm.occurrences],
    ['storm 5000: main-thread ms, loop - no-SDK loop', ms(F.storm.sdkLoopMs), ms(S.storm.sdkLoopMs)],
    ['storm 5000: main-thread ms, all tasks - no-SDK', ms(F.storm.sdkTaskMs), ms(S.storm.sdkTaskMs)],
    ['storm, 1 event/envelope: requests / bytes', `${FS.storm.requests} / ${FS.storm.bytes}`, '-'],
    [`JS heap after ${first / 1000}k / ${last / 1000}k errors`, `${MB(hF[0].jsHeap)} / ${MB(hF[1].jsHeap)}`, `${MB(hS[0].jsHeap)} / ${MB(hS[1].jsHeap)}`],
    [`WASM heap after ${first / 1000}k / ${last / 1000}k errors`, `${MB(hF[0].wasmHeap)} / ${MB(hF[1].wasmHeap)}`, 'n/a'],
  ];
  const jsGrowth = hF[1].jsHeap - hF[0].jsHeap;
  const FLAT_JS = 1 << 20;  // 1 MiB over 90 000 errors: ~11 bytes per error
  const goals = [
    ['per-capture time <= 0.1 x Sentry (median)', F.capture.medianMs <= 0.1 * S.capture.medianMs, fx(ratio(F.capture.medianMs, S.capture.medianMs), 3)],
    ['critical-path JS <= 6 KB gzip', F.size.criticalGzip <= 6 * 1024, `${KB(F.size.criticalGzip)} = ${fx(ratio(F.size.criticalGzip, 6 * 1024))} of 6 KB`],
    ['total JS + WASM <= Sentry errors-only bundle', F.size.totalGzip <= S.size.totalGzip, fx(ratio(F.size.totalGzip, S.size.totalGzip))],
    ['burst: every occurrence accounted for', F.burst.occurrences === N.burst, `${F.burst.occurrences}/${N.burst}`],
    ['storm: every occurrence accounted for', F.storm.occurrences === N.storm, `${F.storm.occurrences}/${N.storm}`],
    ['storm: every distinct bug delivered', F.storm.bugs.length === 3, `${F.storm.bugs.length}/3`],
    ['storm: requests <= 5', F.storm.requests <= 5, `${F.storm.requests}`],
    ['storm: bytes <= 0.1 x Sentry', F.storm.bytes <= 0.1 * S.storm.bytes, fx(ratio(F.storm.bytes, S.storm.bytes), 4)],
    [`heap flat ${first / 1000}k -> ${last / 1000}k errors (JS < +1 MiB, WASM no growth)`, jsGrowth < FLAT_JS && hF[1].wasmHeap !== null && hF[1].wasmHeap <= hF[0].wasmHeap,
      `JS ${jsGrowth >= 0 ? '+' : ''}${KB(jsGrowth)}, WASM ${hF[1].wasmHeap - hF[0].wasmHeap >= 0 ? '+' : ''}${KB(hF[1].wasmHeap - hF[0].wasmHeap)}`],
  ];
  const w = [48, 26, 26];
  const line = (c) => c.map((x, i) => String(x).padEnd(w[i])).join(' | ');
  const text = [];
  text.push(`Faultline ${m.faultline} vs @sentry/browser ${m.sentryBrowser} — ${R.date}; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Chromium ${m.chromium}`);
  text.push('');
  text.push(line(['', 'Faultline', '@sentry/browser']));
  text.push(w.map((n) => '-'.repeat(n)).join('-|-'));
  for (const r of rows) text.push(line(r));
  text.push('');
  text.push('Goals (Faultline, same run)');
  for (const [g, ok, v] of goals) text.push(`  ${ok ? 'PASS' : 'MISS'}  ${g}: ${v}`);
  return { text: text.join('\n'), goals: goals.map(([goal, met, value]) => ({ goal, met, value })) };
}

// ---- main ------------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  for (const f of ['dist/faultline.wasm', 'dist/faultline-core.mjs']) {
    if (!fs.existsSync(path.join(repo, f))) throw new Error(`${f} is missing: run bash scripts/build.sh wasm (npm run bench does)`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const size = {
    faultline: await measureBundle(path.join(here, 'entries/faultline.js'), { outdir: path.join(outDir, 'faultline'), wasm: path.join(repo, 'dist/faultline.wasm'), fallbackInputs: ['esm/fallback.js'] }),
    sentry: await measureBundle(path.join(here, 'entries/sentry.js'), { outdir: path.join(outDir, 'sentry') }),
  };
  const srv = await startServer({ outDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
  const R = { date: new Date().toISOString(), faultline: { size: size.faultline }, sentry: { size: size.sentry }, faultlineSingle: {}, none: {} };
  try {
    const sdks = ['faultline', 'sentry'];
    for (const s of sdks) {
      log(`${s}: load`);
      R[s].load = await loadTimes(browser, srv, s);
    }
    for (const s of ['none', ...sdks]) {
      log(`${s}: captureException timing`);
      R[s === 'none' ? 'none' : s].capture = await captureTiming(browser, srv, s, false);
    }
    for (const s of sdks) {
      log(`${s}: captureException timing, distinct messages`);
      R[s].captureDistinct = await captureTiming(browser, srv, s, true);
    }
    for (const s of sdks) {
      log(`${s}: burst`);
      R[s].burst = await burst(browser, srv, s);
    }
    // Storm: repeated in fresh pages, SDKs interleaved with the no-SDK baseline; medians of the times.
    const reps = { faultline: [], sentry: [], none: [] };
    for (let i = 0; i < N.stormReps; i++) {
      for (const s of ['none', ...sdks]) {
        log(`${s}: storm ${i + 1}/${N.stormReps}`);
        reps[s].push(await storm(browser, srv, s));
      }
    }
    const base = { loopMs: median(reps.none.map((r) => r.loopMs)), taskMs: median(reps.none.map((r) => r.taskMs)) };
    R.none.storm = { ...base, reps: reps.none.map((r) => ({ loopMs: r.loopMs, taskMs: r.taskMs })) };
    for (const s of sdks) {
      const rs = reps[s];
      const loopMs = median(rs.map((r) => r.loopMs));
      const taskMs = median(rs.map((r) => r.taskMs));
      // wire figures: the repetition whose loop time is the median (all repetitions are kept)
      const mid = rs.find((r) => r.loopMs === loopMs);
      R[s].storm = { ...mid, loopMs, taskMs, sdkLoopMs: loopMs - base.loopMs, sdkTaskMs: taskMs - base.taskMs,
        reps: rs.map((r) => ({ loopMs: r.loopMs, taskMs: r.taskMs, requests: r.requests, bytes: r.bytes, events: r.events, occurrences: r.occurrences, bugs: r.bugs.length })) };
    }
    log('faultline (1 event per envelope): storm');
    R.faultlineSingle.storm = await storm(browser, srv, 'faultline-single');
    for (const s of sdks) {
      log(`${s}: heap over ${N.heap[N.heap.length - 1]} errors`);
      R[s].heap = await heap(browser, srv, s);
    }
    R.machine = machine(browser.version());
  } finally {
    await browser.close();
    await srv.close();
  }
  R.elapsedS = Math.round((Date.now() - started) / 1000);
  const { text, goals } = report(R, R.machine);
  console.log(`\n${text}\n`);
  if (QUICK) {
    console.log('(FAULTLINE_BENCH_QUICK=1: reduced counts, bench/results.json not written)');
    return;
  }
  const { date, machine: mach, elapsedS, ...results } = R;
  fs.writeFileSync(path.join(here, 'results.json'), `${JSON.stringify({ date, machine: mach, elapsedS, counts: N, options: OPTIONS, goals, results }, null, 2)}\n`);
  console.log(`wrote bench/results.json (${R.elapsedS} s)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
