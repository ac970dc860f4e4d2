// `npm run bench`: Faultline and @sentry/browser side by side, in the same headless Chromium run,
// on the same page, against the same loopback endpoint. Prints a table, writes bench/results.json.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/browser/lib/browsers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const out = path.join(here, 'out');
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const SDKS = ['faultline', 'sentry'];

// ---- 1. bundles ------------------------------------------------------------------------
export async function bundle(sdk) {
  const dir = path.join(out, sdk);
  fs.rmSync(dir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(here, 'entries', `${sdk}.js`)], bundle: true, minify: true, format: 'esm', splitting: true,
    outdir: dir, metafile: true, logLevel: 'silent', target: 'es2020',
  });
  let critical = 0;
  let total = 0;
  const files = [];
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    const size = gz(fs.readFileSync(path.join(repo, file)));
    total += size;
    // Only the page's own entry is on the critical path; esbuild also marks chunks that are
    // reached through dynamic import() as entry points, and those load lazily.
    const isEntry = info.entryPoint === path.relative(process.cwd(), path.join(here, 'entries', `${sdk}.js`)) ||
      (info.entryPoint && path.resolve(info.entryPoint) === path.join(here, 'entries', `${sdk}.js`));
    if (isEntry) critical += size;
    files.push({ file: path.relative(repo, file), gzip: size, entry: !!isEntry });
  }
  let wasm = 0;
  if (sdk === 'faultline') {
    wasm = gz(fs.readFileSync(path.join(repo, 'dist/faultline.wasm')));
    total += wasm;
  }
  return { criticalGzip: critical, totalGzip: total, wasmGzip: wasm, files };
}

// ---- 2. loopback endpoint + static server ----------------------------------------------
function startServer() {
  const rec = { requests: 0, bytes: 0, events: 0, occurrences: 0, bugs: new Set(), messages: [] };
  const bugOf = (text) => (/order \d+ has no line items|order <num>/.test(text) ? 'order' : /page \d+ out of range/.test(text) ? 'page'
    : /session \d+ expired/.test(text) ? 'session' : null);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'cache-control': 'no-store' };
    if (req.method === 'POST' && /\/api\/\d+\/envelope\/?$/.test(url.pathname)) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        rec.requests += 1;
        rec.bytes += body.length;
        try {
          if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
          const lines = body.toString('utf8').split('\n');
          for (let i = 1; i < lines.length; i++) {
            let ih;
            try {
              ih = JSON.parse(lines[i]);
            } catch {
              continue;
            }
            if (ih.type !== 'event') continue;
            const ev = JSON.parse(lines[i + 1]);
            i += 1;
            rec.events += 1;
            const count = ev.contexts && ev.contexts.faultline && ev.contexts.faultline.count;
            rec.occurrences += Number.isFinite(count) ? count : 1;
            const v = ev.exception && ev.exception.values && ev.exception.values.at(-1);
            const text = v ? `${v.type}: ${v.value}` : (ev.logentry && ev.logentry.formatted) || ev.message || '';
            const bug = bugOf(text);
            if (bug) rec.bugs.add(bug);
          }
        } catch {
          /* count what we can */
        }
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end('{}');
      });
      return;
    }
    let file = null;
    if (url.pathname === '/bench/page.html') file = path.join(here, 'page.html');
    else if (url.pathname === '/bench/harness.js') file = path.join(here, 'harness.js');
    else if (url.pathname.startsWith('/bench/out/')) file = path.join(out, url.pathname.slice('/bench/out/'.length));
    else if (url.pathname.startsWith('/dist/')) file = path.join(repo, 'dist', url.pathname.slice(6));
    if (!file || !file.startsWith(repo) || !fs.existsSync(file)) {
      res.writeHead(404, headers);
      return res.end();
    }
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.html') ? 'text/html' : 'text/javascript';
    res.writeHead(200, { 'content-type': type, ...headers });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, rec, port: server.address().port })));
}

function resetRec(rec) {
  Object.assign(rec, { requests: 0, bytes: 0, events: 0, occurrences: 0, bugs: new Set() });
}

async function settle(rec, quietMs = 1500, maxMs = 20000) {
  const start = Date.now();
  let last = -1;
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    if (rec.requests !== last) {
      last = rec.requests;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- 3. scenarios ----------------------------------------------------------------------
async function scenario(browser, port, sdk, fn, extra) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/bench/page.html`);
  await page.waitForFunction(() => window.bench, null, { timeout: 20000 });
  const dsn = `http://benchkey@127.0.0.1:${port}/1`;
  // This endpoint takes several events per envelope (like the demo collector), so Faultline batches;
  // against Sentry itself it would send one event per envelope.
  const opts = sdk === 'faultline' ? { wasmUrl: '/dist/faultline.wasm', transport: { multiEvent: true }, ...(extra || {}) } : { ...(extra || {}) };
  const loaded = await page.evaluate(([s, d, o]) => window.bench.load(s, d, o), [sdk, dsn, opts]);
  try {
    return await fn(page, loaded);
  } finally {
    await ctx.close();
  }
}

async function measure(browser, srv, sdk) {
  const { rec, port } = srv;
  const r = { sdk };
  r.load = await scenario(browser, port, sdk, async (page, loaded) => {
    r.capture = await page.evaluate(() => window.bench.captureTiming(2000, 100));
    return loaded;
  });
  resetRec(rec);
  await scenario(browser, port, sdk, async (page) => {
    await page.evaluate(() => window.bench.burst(2000));
    await page.evaluate(() => window.bench.flush());
    await settle(rec);
  });
  r.burst = { sent: rec.events, occurrences: rec.occurrences, requests: rec.requests };
  resetRec(rec);
  const stormMs = await scenario(browser, port, sdk, async (page) => {
    const ms = await page.evaluate(() => window.bench.storm(5000));
    await page.evaluate(() => window.bench.flush());
    await settle(rec);
    return ms;
  });
  const baseline = await scenario(browser, port, 'none', async (page) => page.evaluate(() => window.bench.storm(5000)));
  r.storm = { requests: rec.requests, bytes: rec.bytes, bugs: rec.bugs.size, occurrences: rec.occurrences, countsAddUp: rec.occurrences === 5000,
    sdkMainThreadMs: Math.max(0, stormMs - baseline), loopMs: stormMs, baselineMs: baseline };
  r.heap = await scenario(browser, port, sdk, async (page) => {
    const before = await page.evaluate(() => window.bench.jsHeap());
    const small = await page.evaluate(() => window.bench.heap(1000));
    const big = await page.evaluate(() => window.bench.heap(100000));
    return { jsHeapBefore: before, jsHeapAfter1k: small.jsHeap, jsHeapAfter100k: big.jsHeap, wasmHeapAfter1k: small.wasmHeap, wasmHeapAfter100k: big.wasmHeap };
  });
  return r;
}

function machine() {
  let chromiumVersion = '';
  try {
    chromiumVersion = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* unknown */
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/@sentry/browser/package.json'), 'utf8'));
  return { cpu: os.cpus()[0].model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`,
    chromium: chromiumVersion, sentryBrowser: pkg.version, faultline: JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version };
}

const fmt = (n, d = 1) => (n === null || n === undefined ? 'n/a' : typeof n === 'number' ? n.toFixed(d) : String(n));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

async function main() {
  const sizes = {};
  for (const s of SDKS) sizes[s] = await bundle(s);
  const srv = await startServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const results = {};
  try {
    for (const s of SDKS) results[s] = { size: sizes[s], ...(await measure(browser, srv, s)) };
  } finally {
    await browser.close();
    srv.server.close();
  }
  const F = results.faultline;
  const S = results.sentry;
  const rows = [
    ['critical-path JS (gzip -9)', kb(F.size.criticalGzip), kb(S.size.criticalGzip)],
    ['total JS + WASM (gzip -9)', kb(F.size.totalGzip), kb(S.size.totalGzip)],
    ['script start -> ready to capture', `${fmt(F.load.readyToCapture)} ms`, `${fmt(S.load.readyToCapture)} ms`],
    ['script start -> WASM ready', `${fmt(F.load.wasmReady)} ms`, 'n/a'],
    ['captureException, median (p95)', `${fmt(F.capture.medianMs * 1000, 1)} µs (${fmt(F.capture.p95Ms * 1000, 1)})`, `${fmt(S.capture.medianMs * 1000, 1)} µs (${fmt(S.capture.p95Ms * 1000, 1)})`],
    ['burst 2000: events sent', F.burst.sent, S.burst.sent],
    ['burst 2000: occurrences accounted', F.burst.occurrences, S.burst.occurrences],
    ['storm 5000: requests', F.storm.requests, S.storm.requests],
    ['storm 5000: bytes on the wire', F.storm.bytes, S.storm.bytes],
    ['storm 5000: distinct bugs arrived (of 3)', F.storm.bugs, S.storm.bugs],
    ['storm 5000: counts add up to 5000', F.storm.countsAddUp, S.storm.countsAddUp],
    ['storm 5000: main-thread ms in SDK', fmt(F.storm.sdkMainThreadMs), fmt(S.storm.sdkMainThreadMs)],
    ['JS heap after 1k / 100k errors', `${kb(F.heap.jsHeapAfter1k)} / ${kb(F.heap.jsHeapAfter100k)}`, `${kb(S.heap.jsHeapAfter1k)} / ${kb(S.heap.jsHeapAfter100k)}`],
    ['WASM heap after 1k / 100k errors', `${kb(F.heap.wasmHeapAfter1k)} / ${kb(F.heap.wasmHeapAfter100k)}`, 'n/a'],
  ];
  const goals = [
    ['per-capture time <= 0.1 x Sentry', F.capture.medianMs <= 0.1 * S.capture.medianMs, `${fmt(F.capture.medianMs / S.capture.medianMs, 3)} x`],
    ['critical-path JS <= 6 KB gzip', F.size.criticalGzip <= 6 * 1024, kb(F.size.criticalGzip)],
    ['total JS + WASM <= Sentry errors-only bundle', F.size.totalGzip <= S.size.totalGzip, `${fmt(F.size.totalGzip / S.size.totalGzip, 2)} x`],
    ['burst: every occurrence accounted for', F.burst.occurrences === 2000, `${F.burst.occurrences}/2000`],
    ['storm: every occurrence accounted for', F.storm.countsAddUp, `${F.storm.occurrences}/5000`],
    ['storm: every distinct bug delivered', F.storm.bugs === 3, `${F.storm.bugs}/3`],
    ['storm: requests <= 5', F.storm.requests <= 5, String(F.storm.requests)],
    ['storm: bytes <= 0.1 x Sentry', F.storm.bytes <= 0.1 * S.storm.bytes, `${fmt(F.storm.bytes / S.storm.bytes, 3)} x`],
    ['heap flat after 100k errors (JS heap growth < 2 MB, WASM heap bounded)', (F.heap.jsHeapAfter100k - F.heap.jsHeapAfter1k) < 2 * 2 ** 20 && F.heap.wasmHeapAfter100k <= 64 * 2 ** 20,
      `${kb(F.heap.jsHeapAfter100k - F.heap.jsHeapAfter1k)} JS growth`],
  ];
  const date = new Date().toISOString().slice(0, 10);
  const m = machine();
  console.log(`\nFaultline ${m.faultline} vs @sentry/browser ${m.sentryBrowser} — ${date}, ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.chromium}\n`);
  const w = [44, 24, 24];
  const line = (c) => c.map((x, i) => String(x).padEnd(w[i])).join(' | ');
  console.log(line(['', 'Faultline', '@sentry/browser']));
  console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log('\nGoals');
  for (const [g, ok, v] of goals) console.log(`  ${ok ? 'PASS' : 'MISS'}  ${g}: ${v}`);
  fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify({ date, machine: m, results, goals: goals.map(([g, ok, v]) => ({ goal: g, met: ok, value: v })) }, null, 2) + '\n');
  console.log('\nwrote bench/results.json');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
