// `npm run bench:collector`: loads N events (default 1 000 000) into a fresh local collector over
// loopback HTTP, then measures what its users wait for. Bounded: loopback only, a time cap on the
// load (FAULTLINE_BENCH_MAX_S, default 540 s, so a run with its queries and restart fits
// in about 10 minutes), the collector is a child process stopped at the end.
//
// Events are shaped from the SDK's real output (bench/collector-templates.json, captured from the
// demo page in Chromium: uncaught errors, rejections, causes, messages, summaries of repeats),
// varied over issues, releases, environments, browsers, users, traces and two weeks of time.
//
// Reports: ingest rate, EST (bytes on disk per event and per occurrence), EQT p50/p95 for list /
// search / filter / issue detail / events page / trace (client-side, over HTTP, and server-side),
// startup time and RSS. Writes bench/out/collector.json.
//   node bench/collector.mjs [--events N] [--out FILE]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, d) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : d;
};

// Clients sending at once.
const SENDERS = 16;

export async function runCollectorBench({ events: N = 1_000_000, issues: ISSUES = 5000, queries: Q = 200, maxSeconds = Number(process.env.FAULTLINE_BENCH_MAX_S || 540), log = console.log } = {}) {
  const templates = JSON.parse(fs.readFileSync(path.join(repo, 'bench/collector-templates.json'), 'utf8'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-collector-'));
  const KEY = 'benchkey';
  const port = await freePort();
  let collector = await spawnCollector(port, dataDir, KEY);
  const base = `http://127.0.0.1:${port}`;
  // One connection per sender, as each browser sending to a collector has its own (8 shared by the
  // 16 senders held half of them waiting for a socket: ~10 % fewer events/s in runs side by side).
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* not a git checkout */
  }
  const result = { date: new Date().toISOString(), commit, machine: `${os.cpus().length} × ${os.cpus()[0]?.model || 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0].toFixed(1)}`, node: process.version };

  const { makeEvent, traceIds, RELEASES, BROWSERS } = eventGenerator(templates, { issues: ISSUES });

  // --- ingest -----------------------------------------------------------------------------
  // Many clients at once, as a collector serving many browsers sees them (each SDK sends its own
  // envelopes; Faultline's hold several events): what arrives together is stored in one transaction.
  const PER_ENVELOPE = 50;
  const CONCURRENCY = SENDERS;
  let sent = 0;
  let occurrences = 0;
  let failures = 0;
  const started = Date.now();
  const cpuBefore = cpuSeconds(collector.child.pid);
  const benchCpuBefore = process.cpuUsage();
  const threadsBefore = threadCpu(collector.child.pid);
  const deadline = started + maxSeconds * 1000;
  const post = (body) => new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
  let lastLog = started;
  async function sender() {
    while (sent < N && Date.now() < deadline) {
      const parts = ['{}'];
      const n = Math.min(PER_ENVELOPE, N - sent);
      sent += n;
      for (let i = 0; i < n; i++) {
        const { text, count } = makeEvent();
        occurrences += count;
        parts.push(`{"type":"event","length":${Buffer.byteLength(text)}}`, text);
      }
      const status = await post(Buffer.from(parts.join('\n') + '\n'));
      if (status !== 200) failures += 1;
      if (Date.now() - lastLog > 15000) {
        lastLog = Date.now();
        log(`[bench:collector] ${sent} events sent, ${Math.round(sent / ((Date.now() - started) / 1000))} events/s`);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const ingestSeconds = (Date.now() - started) / 1000;
  // This process's own CPU over the load (the generator, the senders' HTTP): on 2 cores it shares
  // the machine with the collector, so the wall-clock rate is bounded by both costs together.
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const stats = await getJson(`${base}/__stats`, agent);
  result.events = stats.stored.events;
  result.occurrences = stats.stored.occurrences;
  result.requested_events = N;
  result.failed_requests = failures;
  // The collector's own CPU time during the load (/proc), so the cost per event can be read apart
  // from what the machine's other processes (and this generator) take from the cores.
  const cpu = cpuSeconds(collector.child.pid) - cpuBefore;
  // Per thread: the main thread (HTTP, SQLite), the ingest worker (parsing, normalizing, packing),
  // the WAL checkpointer, and the rest (libuv's pool, V8's compiler and GC helpers).
  const threads = {};
  for (const [name, s] of Object.entries(threadCpu(collector.child.pid))) {
    const d = s - (threadsBefore[name] || 0);
    threads[name] = Math.round((d * 1e6) / Math.max(1, stats.stored.events));
  }
  result.ingest = {
    seconds: Number(ingestSeconds.toFixed(1)), events_per_s: Math.round(stats.stored.events / ingestSeconds), senders: CONCURRENCY, events_per_envelope: PER_ENVELOPE,
    collector_cpu_s: Number(cpu.toFixed(1)), cpu_us_per_event: Math.round((cpu * 1e6) / Math.max(1, stats.stored.events)), cpu_us_per_event_by_thread: threads, events_per_cpu_s: Math.round(stats.stored.events / Math.max(cpu, 1e-6)),
    bench_cpu_us_per_event: Math.round((benchCpu.user + benchCpu.system) / Math.max(1, stats.stored.events)),
    load_before: result.machine.split('load ')[1], load_after: os.loadavg()[0].toFixed(1),
    // Transactions the collector wrote and their mean size (records per batch).
    batches: stats.ingest ? stats.ingest.batches : null, records_per_batch: stats.ingest && stats.ingest.batches ? Math.round(stats.ingest.batch_records / stats.ingest.batches) : null,
  };
  result.rss_after_ingest_mb = rssMb(collector.child.pid);

  // --- queries ------------------------------------------------------------------------------
  const list = await getJson(`${base}/api/issues?sort=freq&limit=25`, agent);
  const top = list[0];
  const words = ['cart', 'order', 'session', 'profile', 'invoice', 'payment', 'search', 'upload'];
  const timed = async (name, urlFn) => {
    const times = [];
    for (let i = 0; i < Q; i++) {
      const t0 = process.hrtime.bigint();
      const r = await getRaw(base + urlFn(i), agent);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== 200) throw new Error(`${name}: ${urlFn(i)} -> ${r.status} ${r.text.slice(0, 200)}`);
    }
    times.sort((a, b) => a - b);
    return { p50: round(times[Math.floor(times.length * 0.5)]), p95: round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]), n: times.length };
  };
  const issueIds = list.map((i) => i.id);
  const firstPage = await getRaw(`${base}/api/issues/${top.id}/events?limit=50`, agent);
  const cursor = firstPage.headers['x-next-cursor'];
  result.eqt = {
    list: await timed('list', (i) => `/api/issues?limit=25&sort=${['date', 'new', 'freq', 'user'][i % 4]}&query=is%3Aunresolved`),
    search: await timed('search', (i) => `/api/issues?limit=25&query=${encodeURIComponent(`${words[i % 8]} handler ${i % 97}`)}`),
    filter: await timed('filter', (i) => `/api/issues?limit=25&query=${encodeURIComponent(`is:unresolved release:${RELEASES[i % 20]} browser:${BROWSERS[i % 7][0]} environment:production`)}`),
    issue_detail: await timed('issue detail', (i) => `/api/issues/${issueIds[i % issueIds.length]}`),
    events_page: await timed('events page', (i) => (i % 2 && cursor ? `/api/issues/${top.id}/events?limit=50&cursor=${cursor}` : `/api/issues/${issueIds[i % issueIds.length]}/events?limit=50`)),
    trace: await timed('trace', (i) => `/api/traces/${traceIds[i % traceIds.length]}`),
  };
  const metrics = await getJson(`${base}/api/metrics`, agent);
  result.eqt_server = metrics.eqt.routes;
  result.est = metrics.est;
  result.rss_mb = rssMb(collector.child.pid);

  // --- startup ------------------------------------------------------------------------------
  await collector.stop();
  // What the next start finds: a write-ahead log left behind would be replayed at open.
  result.wal_mb_at_restart = Number((fileBytes(path.join(dataDir, 'faultline.sqlite-wal')) / 2 ** 20).toFixed(1));
  const t0 = Date.now();
  collector = await spawnCollector(port, dataDir, KEY);
  const t1 = Date.now();
  await getJson(`${base}/api/issues?limit=25`, agent);
  result.startup_ms = Date.now() - t0;
  result.startup_first_query_ms = Date.now() - t1;
  // Node's own start on this machine now, for comparison (the same binary, an empty program).
  const n0 = Date.now();
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', resolve));
  result.node_boot_ms = Date.now() - n0;
  result.startup_listen_ms = collector.listenMs;
  result.rss_after_restart_mb = rssMb(collector.child.pid);
  await collector.stop();
  agent.destroy();
  result.disk_mb = Number((dirBytes(dataDir) / 2 ** 20).toFixed(1));
  fs.rmSync(dataDir, { recursive: true, force: true });
  result.goals = {
    ingest_5000_per_s: result.ingest.events_per_s >= 5000,
    query_p95_50ms: Object.values(result.eqt).every((q) => q.p95 <= 50),
    startup_1s: result.startup_ms <= 1000,
    rss_300mb: result.rss_mb <= 300,
  };
  return result;
}

// Deterministic generator of realistic events (shared with the in-process profile in
// bench/collector-profile.mjs). Each template is serialized once with markers where the varied
// fields go, so an event costs a few string joins, not a clone and a JSON.stringify: the
// generator must not eat the cores the collector is measured on.
//
// An issue keeps its template (one bug: one exception type and stack), as real groups do; 1 event
// in 6 is a summary of repeats; 1 issue in 10 has an id in its message ("failed for order
// #N"), so its title changes with every event, as grouping by template allows.
export function eventGenerator(templates, { issues: ISSUES = 5000, seed: seed0 = 12345, now = Date.now() / 1000 } = {}) {
  let seed = seed0; // mulberry32: exact in 32-bit integer arithmetic
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pickN = (n) => Math.floor(rand() * n);
  // Zipf-ish issue popularity: a few issues get most events, as in real apps.
  const issueOf = () => Math.min(ISSUES - 1, Math.floor(ISSUES * rand() ** 3));
  const RELEASES = Array.from({ length: 20 }, (_, i) => `shop@1.${Math.floor(i / 5)}.${i % 5}`);
  const ENVS = ['production', 'production', 'production', 'staging', 'development'];
  const BROWSERS = [['Chrome', '120'], ['Chrome', '121'], ['Chrome', '122'], ['Firefox', '128'], ['Firefox', '115'], ['Safari', '17'], ['Edge', '121']];
  const WORDS = ['cart', 'order', 'session', 'profile', 'invoice', 'payment', 'search', 'upload'];
  const HEX = '0123456789abcdef';
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[pickN(16)];
    return s;
  };
  // Template -> [literal, field, literal, field, …, literal] around "@@field@@" markers.
  const FIELDS = ['event_id', 'timestamp', 'release', 'environment', 'user', 'browser', 'trace', 'count', 'first_seen', 'last_seen', 'value', 'function', 'message', 'fingerprint'];
  const compile = (t) => {
    const e = structuredClone(t);
    const m = (f) => `@@${f}@@`;
    e.event_id = m('event_id');
    e.timestamp = m('timestamp');
    e.release = m('release');
    e.environment = m('environment');
    e.user = m('user');
    e.contexts = { ...(e.contexts || {}), browser: m('browser'), trace: m('trace') };
    e.contexts.faultline = { ...(e.contexts.faultline || {}), count: m('count'), first_seen: m('first_seen'), last_seen: m('last_seen') };
    const values = e.exception && Array.isArray(e.exception.values) ? e.exception.values : [];
    const last = values[values.length - 1];
    if (last) {
      last.value = m('value');
      const frames = last.stacktrace && Array.isArray(last.stacktrace.frames) ? last.stacktrace.frames : [];
      if (frames.length) frames[frames.length - 1].function = m('function');
    } else {
      if (e.logentry) e.logentry = { formatted: m('message') };
      else e.message = m('message');
    }
    e.fingerprint = m('fingerprint');
    const parts = JSON.stringify(e).split(/"@@([a-z_]+)@@"/);
    for (let i = 1; i < parts.length; i += 2) if (!FIELDS.includes(parts[i])) throw new Error(`unknown marker ${parts[i]}`);
    return { parts, summary: !!(t.contexts && t.contexts.faultline && t.contexts.faultline.summary) };
  };
  const compiled = templates.map(compile);
  const full = compiled.filter((c) => !c.summary);
  const summaries = compiled.filter((c) => c.summary);
  let traceId = hex(32);
  let seq = 0;
  const traceIds = [];
  /** One event: {text, count} (its JSON and the occurrences it stands for). */
  function makeEvent() {
    seq += 1;
    const issue = issueOf();
    const summary = summaries.length > 0 && seq % 6 === 0;
    const tpl = summary ? summaries[issue % summaries.length] : full[issue % full.length];
    const [bname, bver] = BROWSERS[pickN(BROWSERS.length)];
    if (seq % 8 === 0) {
      traceId = hex(32);
      if (traceIds.length < 1000) traceIds.push(traceId);
    }
    const ts = now - rand() * 14 * 86400;
    const repeats = summary ? 2 + pickN(500) : 1;
    const word = WORDS[issue % 8];
    const what = ['null dereference', 'out of range', 'timeout', 'bad state'][issue % 4];
    const value = issue % 10 === 3 ? `${word} handler ${issue} failed for order #${pickN(1e6)}: ${what}` : `${word} handler ${issue} failed: ${what}`;
    const v = {
      event_id: JSON.stringify(hex(32)),
      timestamp: String(ts),
      release: JSON.stringify(RELEASES[Math.min(19, Math.floor(rand() * rand() * 20))]),
      environment: JSON.stringify(ENVS[pickN(ENVS.length)]),
      user: `{"id":"user-${pickN(20000)}"}`,
      browser: `{"name":"${bname}","version":"${bver}.0.${pickN(9000)}"}`,
      trace: `{"trace_id":"${traceId}","span_id":"${hex(16)}"}`,
      count: String(repeats),
      first_seen: String(ts - (repeats > 1 ? 30 : 0)),
      last_seen: String(ts),
      value: JSON.stringify(value),
      function: JSON.stringify(`${word}Handler${issue}`),
      message: JSON.stringify(summary ? `${word} job ${issue} degraded (repeated ${repeats}×)` : `${word} job ${issue} degraded`),
      fingerprint: `["bench-issue-${issue}"]`,
    };
    const p = tpl.parts;
    let text = p[0];
    for (let i = 1; i < p.length; i += 2) text += v[p[i]] + p[i + 1];
    return { text, count: repeats };
  }

  return { makeEvent, traceIds, RELEASES, BROWSERS };
}

const round = (v) => Number(v.toFixed(2));

function rssMb(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

// user + system CPU seconds of a process, from /proc/<pid>/stat (clock ticks of 1/100 s on Linux).
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return NaN;
  }
}

// CPU seconds per thread of a process (/proc/<pid>/task): 'main' (the thread the process started
// on), the threads the collector names (fl-ingest, fl-checkpoint) and 'other' (the rest summed).
// A thread that has ended is no longer listed (its time is in neither figure).
function threadCpu(pid) {
  const out = {};
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const f = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const comm = f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
        const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
        const name = tid === String(pid) ? 'main' : comm.startsWith('fl-') ? comm : 'other';
        out[name] = (out[name] || 0) + (Number(rest[11]) + Number(rest[12])) / 100;
      } catch {
        /* thread ended */
      }
    }
  } catch {
    /* not Linux */
  }
  return out;
}

function fileBytes(f) {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

function dirBytes(dir) {
  let n = 0;
  for (const f of fs.readdirSync(dir)) n += fs.statSync(path.join(dir, f)).size;
  return n;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function spawnCollector(port, dataDir, key) {
  const t0 = Date.now();
  // FAULTLINE_BENCH_NODE_ARGS: extra Node flags for the collector (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const nodeArgs = String(process.env.FAULTLINE_BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(repo, 'demo/collector/server.js'), '--port', String(port), '--data-dir', dataDir, '--project', '1', '--public-key', key,
    '--retention-days', '0', '--retention-mb', '0', '--max-mb-per-minute', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start: ${err}`));
    }, 30000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve({
          child,
          listenMs: Date.now() - t0,
          stop: () => new Promise((r) => {
            child.once('exit', r);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 20000).unref();
          }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`collector exited (${code}): ${err}`)));
  });
}

function getRaw(url, agent) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}
async function getJson(url, agent) {
  const r = await getRaw(url, agent);
  if (r.status !== 200) throw new Error(`${url} -> ${r.status}`);
  return JSON.parse(r.text);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const events = Number(arg('events', process.env.FAULTLINE_BENCH_EVENTS || 1_000_000));
  const out = arg('out', path.join(repo, 'bench/out/collector.json'));
  const r = await runCollectorBench({ events });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(r, null, 2) + '\n');
  console.log(JSON.stringify(r, null, 2));
  console.log(`\n${r.date} at ${r.commit || '?'}: ${r.machine} at start, Node ${r.node}; ingest capped at ${Number(process.env.FAULTLINE_BENCH_MAX_S || 540)} s`);
  console.log(`\n| figure | result | goal |\n| --- | --- | --- |`);
  console.log(`| events stored | ${r.events.toLocaleString('en-US')} (${r.occurrences.toLocaleString('en-US')} occurrences) | 1 000 000 |`);
  console.log(`| ingest | ${r.ingest.events_per_s} events/s wall over ${r.ingest.seconds} s (load ${r.ingest.load_before} -> ${r.ingest.load_after}); collector CPU ${r.ingest.cpu_us_per_event} µs/event = ${r.ingest.events_per_cpu_s} events per CPU-second (by thread, µs/event: ${Object.entries(r.ingest.cpu_us_per_event_by_thread).map(([k, v]) => `${k} ${v}`).join(', ')}); the bench itself ${r.ingest.bench_cpu_us_per_event} µs/event; ${r.ingest.batches} transactions of ${r.ingest.records_per_batch} records on average | >= 5 000 |`);
  for (const [k, v] of Object.entries(r.eqt)) console.log(`| EQT ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | p95 <= 50 ms |`);
  console.log(`| EST | ${r.est.bytes_per_event} B/event, ${r.est.bytes_per_occurrence} B/occurrence (${r.disk_mb} MB) | |`);
  console.log(`| startup | ${r.startup_ms} ms (listening after ${r.startup_listen_ms} ms, first answer ${r.startup_first_query_ms} ms later; node -e 0 takes ${r.node_boot_ms} ms; WAL at restart ${r.wal_mb_at_restart} MB) | <= 1 000 ms |`);
  console.log(`| RSS | ${r.rss_mb} MB (after ingest ${r.rss_after_ingest_mb} MB, after restart ${r.rss_after_restart_mb} MB) | <= 300 MB |`);
}
