// Where the collector's main-thread CPU goes at ingest, in-process (no HTTP, no worker): the
// events of bench/collector.mjs's generator are parsed, normalized and packed first (the ingest
// worker's share, not measured), then written batch by batch with Store.ingest, as the server's
// main thread writes what the worker hands over. Reports the main thread's CPU per event (from
// /proc/thread-self, so the checkpointer thread is apart) and wall time per statement class.
//
//   node bench/collector-profile.mjs [--events 40000] [--batch 800] [--classes]
//
// --classes wraps the store's statements with timers (adds a little overhead of its own).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventGenerator } from './collector.mjs';
import { Store } from '../demo/collector/store.js';
import { BlockPacker, normalizeRecord, parseRequest } from '../demo/collector/ingest.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, d) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : d;
};
const N = Number(arg('events', 40000));
const BATCH = Number(arg('batch', 800));
const classes = args.includes('--classes');
const WARM = Number(arg('warm', 0)); // events written first, not measured (a store already holding events)

function threadCpuUs() {
  try {
    const f = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) / 100) * 1e6;
  } catch {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
}

const templates = JSON.parse(fs.readFileSync(path.join(repo, 'bench/collector-templates.json'), 'utf8'));
const { makeEvent } = eventGenerator(templates, { issues: 5000 });
const limits = { maxDecompressedBytes: 1 << 30, maxEventBytes: 1 << 20, maxBytesPerMinute: 0 };
// The worker's share (parse-free: normalizing each parsed event and packing the blocks), timed
// apart because it does not run on the main thread: wall time of a synchronous loop.
let prepareUs = 0;
let prepared = 0;
function makeBatch(size) {
  const records = [];
  const packer = new BlockPacker();
  for (let e = 0; e < size; e += 50) {
    const parts = ['{}'];
    const n = Math.min(50, size - e);
    for (let i = 0; i < n; i++) {
      const { text } = makeEvent();
      parts.push(`{"type":"event","length":${Buffer.byteLength(text)}}`, text);
    }
    const parsed = parseRequest({ body: Buffer.from(parts.join('\n') + '\n'), project: '1', received: Date.now() / 1000, ua: '' }, limits, { start: 0, bytes: 0 }, { refused: {}, ignored: {} });
    const t0 = process.hrtime.bigint();
    for (const r of parsed.records) {
      const x = normalizeRecord(r);
      packer.add(x);
      records.push(x);
    }
    prepareUs += Number(process.hrtime.bigint() - t0) / 1e3;
    prepared += parsed.records.length;
  }
  const t1 = process.hrtime.bigint();
  const blocks = packer.take();
  prepareUs += Number(process.hrtime.bigint() - t1) / 1e3;
  return { records, blocks };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-profile-'));
// --flush N: the store's aggregate flush interval in events (0: every batch, as before the journal).
const flushEvents = args.includes('--flush') ? Number(arg('flush', 0)) : undefined;
const flushMs = args.includes('--flush-ms') ? Number(arg('flush-ms', 5000)) : undefined;
const store = new Store(dir, { maxAgeDays: 0, maxBytes: 0 }, { backgroundCheckpoint: true, flushEvents, flushMs });
const timers = new Map();
const time = (name, fn) => function timed(...a) {
  const t0 = process.hrtime.bigint();
  try {
    return fn.apply(this, a);
  } finally {
    timers.set(name, (timers.get(name) || 0) + Number(process.hrtime.bigint() - t0) / 1e3);
  }
};
if (classes) {
  for (const m of ['storeBlocks', 'writeIssue', 'upsertMany']) {
    const orig = store[m];
    store[m] = m === 'upsertMany' ? function (name, rows) {
      return time(`upsert ${name}`, orig).call(this, name, rows);
    } : time(m, orig);
  }
  for (const k of Object.keys(store.q)) {
    const st = store.q[k];
    for (const fn of ['run', 'get', 'all']) {
      const orig = st[fn].bind(st);
      st[fn] = time(`q.${k}`, orig);
    }
  }
}
// The warm-up is generated as it is written (holding it all would take gigabytes).
for (let done = 0; done < WARM; done += BATCH) {
  const b = makeBatch(Math.min(BATCH, WARM - done));
  store.ingest(b.records, b.blocks);
}
const batches = [];
for (let done = 0; done < N; done += BATCH) batches.push(makeBatch(Math.min(BATCH, N - done)));
timers.clear();
// --prof FILE: a V8 CPU profile of the measured part only (open it in Chrome DevTools).
const profFile = arg('prof', null);
let session = null;
if (profFile) {
  const inspector = await import('node:inspector');
  session = new inspector.Session();
  session.connect();
  const post = (m, p) => new Promise((res, rej) => session.post(m, p, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  session.stopTo = async () => fs.writeFileSync(profFile, JSON.stringify((await post('Profiler.stop')).profile));
}
const walFile = store.file + '-wal';
const walFrames = () => {
  try {
    return Math.max(0, (fs.statSync(walFile).size - 32) / (store.db.pragma('page_size', { simple: true }) + 24));
  } catch {
    return 0;
  }
};
// --wal: no checkpoint during the measured part, so the WAL's growth is what the commits wrote.
if (args.includes('--wal')) {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.wantCheckpointer = false;
  if (store.checkpointer) store.checkpointer.postMessage('stop');
  store.checkpointer = null;
  store.db.pragma('wal_autocheckpoint = 0');
}
let total = 0;
const cpu0 = threadCpuUs();
const t0 = process.hrtime.bigint();
let stored = 0;
for (const b of batches) {
  const s = process.hrtime.bigint();
  const r = store.ingest(b.records, b.blocks);
  total += Number(process.hrtime.bigint() - s) / 1e3;
  stored += r.stored.length;
}
const cpu = threadCpuUs() - cpu0;
const wall = Number(process.hrtime.bigint() - t0) / 1e3;
if (session) await session.stopTo();
if (args.includes('--wal')) console.log(`WAL: ${(walFrames() / stored).toFixed(2)} pages written per event (${(walFrames() * 4096 / stored / 1024).toFixed(1)} KiB)`);
const per = (us) => (us / stored).toFixed(1);
console.log(`events ${stored}, batches of ${BATCH}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`main thread CPU ${per(cpu)} µs/event; ingest() wall ${per(total)} µs/event (all ${per(wall)})`);
console.log(`normalize + pack (the ingest worker's share, wall of a synchronous loop) ${(prepareUs / prepared).toFixed(1)} µs/event`);
console.log(`heap used ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB, RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB (before the last flush)`);
console.log(`issues ${store.issueCount}, tag rows ${store.db.prepare('SELECT count(*) n FROM issue_tags').get().n}, user rows ${store.db.prepare('SELECT count(*) n FROM issue_users').get().n}, bucket rows ${store.db.prepare('SELECT count(*) n FROM issue_buckets').get().n}`);
if (classes) {
  let sum = 0;
  for (const [k, v] of [...timers].sort((a, b) => b[1] - a[1])) {
    if (k !== 'storeBlocks') sum += v;
    console.log(`  ${k.padEnd(20)} ${per(v)} µs/event`);
  }
  console.log(`  ${'rest (JS, commit)'.padEnd(20)} ${per(total - sum)} µs/event (storeBlocks includes q.insertBody)`);
}
store.close();
fs.rmSync(dir, { recursive: true, force: true });
