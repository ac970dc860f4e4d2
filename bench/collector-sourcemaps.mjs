// What source maps cost the local collector, on a real bundle: @sentry/browser bundled and
// minified by esbuild (its map ~5 MB with sourcesContent), injected, uploaded with
// `faultline sourcemaps upload`, then events whose 20 frames sit at real positions of the bundle
// read through GET /api/events/:id: the first read (the map decoded into the tools module), warm
// reads (cached), and the same reads of events no map matches (the collector's read path alone).
// Also ingest of the same events with maps stored, against a collector without any (resolution
// is at read time: ingest must not change), and the slowest ingest request while the 5 MB map is
// uploaded and decoded (in the collector's worker thread: ingest must not wait for it).
// Issues' culprits from resolved frames: ingest of events that are each a new issue (the worst
// case: every one queues a resolution after ingest) with and without maps, the time until every
// culprit is resolved, and the resolution of existing issues when their map is uploaded after them.
//   node bench/collector-sourcemaps.mjs
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../demo/collector/server.js';
import { injectDirectory } from '../js/sourcemaps-cli.js';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const KEY = 'bench-maps';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-maps-'));
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
let t0;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function ingest(c, events) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += 50) {
    const lines = ['{}'];
    for (const e of events.slice(i, i + 50)) {
      const t = JSON.stringify(e);
      lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(t) }), t);
    }
    const r = await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: lines.join('\n') + '\n' });
    if (r.status !== 200) throw new Error(`ingest ${r.status}`);
  }
  return events.length / (ms(t0) / 1000);
}

async function reads(c, ids) {
  const times = [];
  for (const id of ids) {
    const t0 = process.hrtime.bigint();
    const r = await fetch(`${c.url}/api/events/${id}`);
    await r.json();
    times.push(ms(t0));
  }
  return times;
}

try {
  const out = path.join(tmp, 'out');
  const entry = path.join(tmp, 'entry.js');
  fs.writeFileSync(entry, "export * from '@sentry/browser';\n");
  await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', sourcemap: true, outfile: path.join(out, 'app.js'),
    absWorkingDir: process.cwd(), nodePaths: [path.resolve('node_modules')], logLevel: 'error' });
  await injectDirectory(out);
  const code = fs.readFileSync(path.join(out, 'app.js'), 'utf8');
  const mapBytes = fs.statSync(path.join(out, 'app.js.map')).size;
  // 20 frames at the positions of `throw` / `return` tokens spread over the bundle.
  const lines = code.split('\n');
  const positions = [];
  lines.forEach((l, li) => {
    let at = -1;
    while ((at = l.indexOf('return ', at + 1)) >= 0) positions.push([li + 1, at + 1]);
  });
  const step = Math.max(1, Math.floor(positions.length / 20));
  const frames = positions.filter((_, i) => i % step === 0).slice(0, 20).map(([lineno, colno]) => ({ function: 'x', abs_path: 'http://shop.example/assets/app.js', filename: 'http://shop.example/assets/app.js', lineno, colno, in_app: true }));
  const other = frames.map((f) => ({ ...f, abs_path: 'http://shop.example/assets/unmapped.js', filename: 'http://shop.example/assets/unmapped.js' }));
  const N = 2000;
  const mk = (prefix, fr) => Array.from({ length: N }, (_, i) => ({ event_id: `${prefix}${i.toString(16).padStart(31, '0')}`, timestamp: Date.now() / 1000, release: 'bench@1', platform: 'javascript',
    exception: { values: [{ type: 'TypeError', value: `bench ${i % 50}`, stacktrace: { frames: fr } }] } }));

  // Each event a new issue (its own title).
  const mkNew = (prefix, fr) => mk(prefix, fr).map((e, i) => ({ ...e, exception: { values: [{ ...e.exception.values[0], value: `new bug ${prefix} ${i}` }] } }));
  const plain = await startCollector({ port: 0, dataDir: path.join(tmp, 'plain'), projects: { 1: { publicKey: KEY } } });
  const ingestPlain = await ingest(plain, mk('a', frames));
  const ingestPlainNew = await ingest(plain, mkNew('e', frames));
  // Existing issues, then their map: the time until all their culprits are resolved.
  t0 = process.hrtime.bigint();
  const late = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['js/cli.js', 'sourcemaps', 'upload', out, '--url', plain.url, '--release', 'bench@1', '--url-prefix', '~/assets/'], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', resolve);
  });
  if (late !== 0) throw new Error('late upload failed');
  await plain.issueDisplay.idle();
  const lateMs = ms(t0);
  const lateStats = plain.sourcemaps.statsOut();
  await plain.close();

  const c = await startCollector({ port: 0, dataDir: path.join(tmp, 'maps'), projects: { 1: { publicKey: KEY } } });
  // One small envelope after another while the upload runs: their latencies.
  let uploading = true;
  const during = [];
  const probe = (async () => {
    let i = 0;
    while (uploading) {
      const t = JSON.stringify({ event_id: `d${(i++).toString(16).padStart(31, '0')}`, release: 'bench@1', message: 'probe' });
      const p0 = process.hrtime.bigint();
      await fetch(`${c.url}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: `{}\n{"type":"event"}\n${t}\n` });
      during.push(ms(p0));
    }
  })();
  t0 = process.hrtime.bigint();
  // The CLI in its own process, as a developer runs it (its gzip does not run on this loop).
  const report = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['js/cli.js', 'sourcemaps', 'upload', out, '--url', c.url, '--release', 'bench@1', '--url-prefix', '~/assets/'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.on('close', () => resolve(text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
  });
  const uploadMs = ms(t0);
  uploading = false;
  await probe;
  if (report[0].status !== 'stored') throw new Error(JSON.stringify(report));
  const ingestMaps = await ingest(c, [...mk('b', frames)]);
  const before = c.sourcemaps.statsOut().issues_updated;
  t0 = process.hrtime.bigint();
  const ingestMapsNew = await ingest(c, mkNew('f', frames));
  const ingestNewMs = ms(t0);
  const elu0 = performance.eventLoopUtilization();
  const checked0 = c.sourcemaps.statsOut().issues_checked;
  const cpu0 = process.cpuUsage();
  await c.issueDisplay.idle();
  const settleNewMs = ms(t0);
  const settleElu = performance.eventLoopUtilization(elu0);
  const settleChecked = c.sourcemaps.statsOut().issues_checked - checked0;
  const settleCpu = process.cpuUsage(cpu0);
  const updatedNew = c.sourcemaps.statsOut().issues_updated - before;
  const newCulprits = (await (await fetch(`${c.url}/api/issues?query=${encodeURIComponent('"new bug f"')}&limit=100`)).json()).map((i) => i.culprit);
  await ingest(c, mk('c', other));
  const mappedIds = Array.from({ length: 300 }, (_, i) => `b${i.toString(16).padStart(31, '0')}`);
  const plainIds = Array.from({ length: 300 }, (_, i) => `c${i.toString(16).padStart(31, '0')}`);
  const [first] = await reads(c, mappedIds.slice(0, 1));
  const warm = await reads(c, mappedIds.slice(1));
  const unmapped = await reads(c, plainIds);
  const sample = (await (await fetch(`${c.url}/api/events/${mappedIds[1]}`)).json()).event.exception.values[0].stacktrace.frames;
  const stats = (await (await fetch(`${c.url}/__stats`)).json()).sourcemaps;
  await c.close();
  console.log(JSON.stringify({
    bundle: '@sentry/browser, esbuild --minify', bundle_bytes: code.length, map_bytes: mapBytes,
    frames_per_event: frames.length, frames_resolved_per_event: sample.filter((f) => f.data && f.data.symbolicated).length,
    frames_with_context: sample.filter((f) => typeof f.context_line === 'string').length,
    upload_ms: Math.round(uploadMs), decoded_cache_bytes: stats.cache_bytes,
    ingest_during_upload_ms: { requests: during.length, p50: +pct(during, 50).toFixed(1), max: +Math.max(...during).toFixed(1) },
    first_read_ms: +first.toFixed(1),
    warm_read_ms: { p50: +pct(warm, 50).toFixed(2), p95: +pct(warm, 95).toFixed(2) },
    unmapped_read_ms: { p50: +pct(unmapped, 50).toFixed(2), p95: +pct(unmapped, 95).toFixed(2) },
    ingest_events_per_s: { without_maps: Math.round(ingestPlain), with_maps_stored: Math.round(ingestMaps),
      each_a_new_issue_without_maps: Math.round(ingestPlainNew), each_a_new_issue_with_maps: Math.round(ingestMapsNew) },
    new_issue_culprits: { issues: N, resolved_after_ingest: updatedNew, ingest_ms: Math.round(ingestNewMs), all_resolved_ms: Math.round(settleNewMs),
      main_thread_ms_per_issue_after_ingest: +(settleElu.active / Math.max(1, settleChecked)).toFixed(2), checked_after_ingest: settleChecked,
      cpu_ms_per_issue_after_ingest_main_and_worker: +((settleCpu.user + settleCpu.system) / 1000 / Math.max(1, settleChecked)).toFixed(2), sample: newCulprits[0], sample_resolved: newCulprits.filter((x) => !x.includes('/assets/app.js')).length + '/' + newCulprits.length },
    existing_issue_culprits_after_upload: { issues: lateStats.issues_checked, updated: lateStats.issues_updated, upload_to_all_resolved_ms: Math.round(lateMs) },
    note: 'one process, loopback, sequential requests; timings on a shared machine are noisy',
  }, null, 2));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
