#!/usr/bin/env node
// Faultline's local collector: accepts Sentry envelopes (events, transactions, spans, sessions,
// client reports; single and multi-event, gzip/deflate/br, header or query auth), stores them in
// SQLite, groups errors into issues and serves a query API and a live viewer. Loopback only.
//
//   node demo/collector/server.js --port 8765 --data-dir .demo-data --project 1 --public-key KEY
//        [--static DIR] [--control] [--retention-days 30] [--retention-mb 1024] [--allow-host NAME]
//        [--max-mb-per-minute 64] (0 turns a limit off) [--upstream-dsn DSN | FAULTLINE_UPSTREAM_DSN]
//        [--source-maps DIR [--source-maps-url-prefix ~/assets/] [--source-maps-release R]]
//
// Safety on a developer's machine: requests must name a loopback host (or one allowed with
// --allow-host): a DNS-rebinding page cannot reach the API. Only the ingest endpoint answers
// cross-origin requests (with the DSN key); the API sends no CORS headers and refuses requests a
// browser marks as cross-site; the control routes (/__faults, DELETE /__data) exist only when
// enabled (--control, tests) and are same-origin only. Stored bytes are limited per event and per
// minute, and every refusal is counted (/__stats `refused`, /api/metrics).
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from './store.js';
import { QueryError } from './query.js';
import { Metrics } from './metrics.js';
import { Upstream } from './upstream.js';
import { HttpError, parseEnvelope, tally } from './ingest.js';
import { IngestPipeline } from './ingest-worker.js';
import { SourceMapStore, sourceMapRoutes, IssueDisplay } from './sourcemaps.js';
import { readBody, send, corsHeaders as corsHeadersFor, crossSite } from './http-io.js';
import { apiRoutes, routeName } from './api.js';
import { controlRoutes } from './control.js';
import { Faults } from './faults.js';
import { RetentionSchedule } from './retention.js';
import { serveStatic } from './static.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');


// Parses "Sentry sentry_key=..., sentry_version=7" and the query-string form (no regex on input).
function authKey(req, url) {
  const header = String(req.headers['x-sentry-auth'] || '').slice(0, 1000);
  const keyStart = header.indexOf('sentry_key=');
  if (keyStart >= 0) {
    let keyEnd = keyStart + 11;
    while (keyEnd < header.length && header[keyEnd] !== ',' && header[keyEnd] !== ' ') keyEnd++;
    return header.slice(keyStart + 11, keyEnd);
  }
  return url.searchParams.get('sentry_key');
}

export { parseEnvelope };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Host part of a Host header ("name:port", "[v6]:port"), lower-cased, or null. */
// The whole header must be one name and an optional port: an empty Host, or two joined by a
// comma ("127.0.0.1:P, evil.example"), names no host.
export function hostName(header) {
  if (typeof header !== 'string' || !header || header.length > 300) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d{1,5})?$/.exec(header.toLowerCase());
  return m ? m[1] : null;
}

function defaultOriginAllowed(origin) {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

// The collector's parts, made and wired together: the store, the ingest pipeline, the API
// (api.js), the control routes (control.js, faults.js), the static files (static.js), retention
// (retention.js), source maps and upstream forwarding. (Kept as one function, as a composition
// root: what is left here is the request routing and the life cycle, start to close().)
export async function startCollector(opts = {}) {
  const options = {
    port: 8765, host: '127.0.0.1', dataDir: path.join(repoRoot, '.demo-data'), projects: { 1: { publicKey: '5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38' } },
    maxBodyBytes: 1024 * 1024, maxDecompressedBytes: 20 * 1024 * 1024, maxEventBytes: 1024 * 1024, maxBytesPerMinute: 64 * 1024 * 1024,
    originAllowed: defaultOriginAllowed, allowedHosts: [], control: false, retention: {}, retentionIntervalMs: 60000,
    staticRoot: repoRoot, quiet: true, demoBackend: null, ...opts,
  };
  const allowedHosts = new Set([...LOOPBACK_HOSTS, String(options.host).toLowerCase(), ...options.allowedHosts.map((h) => String(h).toLowerCase())]);
  const store = new Store(options.dataDir, options.retention, { backgroundCheckpoint: options.backgroundCheckpoint !== false });
  // Store-and-forward to a Sentry / GlitchTip DSN: a bounded on-disk queue beside the database.
  const upstream = options.upstreamDsn
    ? new Upstream({ dsn: options.upstreamDsn, dir: path.join(options.dataDir, 'upstream-queue'), log: options.quiet ? () => {} : console.error, ...(options.upstreamOptions || {}) })
    : null;
  const metrics = new Metrics(store);
  // Uploaded source maps (their own SQLite file beside the store) and read-time frame resolution.
  const sourcemaps = new SourceMapStore(options.dataDir, options.sourceMaps);
  // Issues' title and culprit from resolved frames, resolved after ingest (never during it).
  const issueDisplay = new IssueDisplay(store, sourcemaps, { onChange: (rows) => broadcast(rows, []) });
  const stats = { requests: 0, accepted_events: 0, occurrences: 0, envelopes: 0, rejected: {}, refused: {}, ignored_items: {}, faults_applied: 0 };
  const faults = new Faults(stats, send);
  const sse = new Set();  // the open /api/stream responses

  const reject = (reason) => {
    tally(stats.rejected, reason);
  };
  const refuse = (reason, n = 1) => {
    tally(stats.refused, reason, n);
  };
  const sourceMapApi = sourceMapRoutes(sourcemaps, { HttpError, readBody, send: (...args) => send(...args), refuse, projects: options.projects });
  const corsHeaders = (req) => corsHeadersFor(req, options.originAllowed);

  // --- ingest on two threads: a worker decodes, parses, normalizes and packs (ingest-worker.js);
  // this thread writes each batch it hands over in one transaction and answers the requests after.
  const pipeline = new IngestPipeline({
    limits: { maxDecompressedBytes: options.maxDecompressedBytes, maxEventBytes: options.maxEventBytes, maxBytesPerMinute: options.maxBytesPerMinute },
    worker: options.ingestWorker !== false,
    count(counts) {
      for (const [reason, n] of Object.entries(counts.refused)) refuse(reason, n);
      for (const [type, n] of Object.entries(counts.ignored)) tally(stats.ignored_items, type, n);
    },
    write(records, blocks) {
      const result = store.ingest(records, blocks);
      metrics.onStored(result.stored);
      broadcast(result.issues, result.traces);
      issueDisplay.afterIngest(result.issues);
      return result;
    },
  });

  function broadcast(issueRows, traces) {
    if (!sse.size || (!issueRows.length && !traces.length)) return;
    let msg = '';
    for (const row of issueRows) msg += `event: issue\ndata: ${JSON.stringify(store.issueOut(row))}\n\n`;
    if (traces.length) msg += `event: traces\ndata: ${JSON.stringify(traces.slice(0, 100))}\n\n`;
    for (const res of sse) res.write(msg);
  }

  async function ingest(req, res, project, url, legacyStore) {
    const conf = options.projects[project];
    if (!conf) throw new HttpError(404, 'unknown project', 'unknown_project');
    const origin = req.headers.origin;
    if (origin && !options.originAllowed(origin)) throw new HttpError(403, 'origin not allowed to send to this collector', 'origin_refused');
    const key = authKey(req, url);
    if (!key || key !== conf.publicKey) throw new HttpError(401, 'missing or wrong sentry_key', 'bad_auth');
    const faulted = await faults.apply(req, res);
    if (faulted === true) return;
    const crash = faulted === 'crash';
    const raw = await readBody(req, options.maxBodyBytes);
    const out = await pipeline.submit({
      body: raw, encoding: req.headers['content-encoding'], legacy: legacyStore, project, ua: String(req.headers['user-agent'] || '').slice(0, 512),
      received: Date.now() / 1000, wantBody: !!upstream, crash,
    });
    if (out.envelope) stats.envelopes += 1;
    stats.accepted_events += out.events;
    stats.occurrences = store.totals.occurrences;
    if (upstream && !upstream.enqueue(legacyStore ? Buffer.concat([Buffer.from('{}\n{"type":"event"}\n'), out.body, Buffer.from('\n')]) : out.body)) refuse('upstream_queue_full');
    send(res, 200, { id: out.firstId }, corsHeaders(req));
  }

  const api = apiRoutes({ store, sourcemaps, metrics, upstream, sse, sourceMapApi });
  const control = controlRoutes({ options, stats, store, metrics, upstream, sourcemaps, pipeline, faults });

  async function handle(req, res) {
    stats.requests += 1;
    const host = hostName(req.headers.host);
    if (!host || !allowedHosts.has(host)) throw new HttpError(421, 'this collector only answers to loopback host names', 'host_refused');
    let url;
    try {
      url = new URL(req.url, 'http://collector.local');
    } catch {
      throw new HttpError(400, 'malformed request target', 'bad_path');
    }
    const pathname = url.pathname;
    const ingestRoute = /^\/api\/([^/]{1,64})\/(envelope|store)\/?$/.exec(pathname);
    if (ingestRoute) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, corsHeaders(req));
        return res.end();
      }
      if (req.method !== 'POST') throw new HttpError(405, 'use POST', 'bad_method');
      return ingest(req, res, ingestRoute[1], url, ingestRoute[2] === 'store');
    }
    if (req.method === 'OPTIONS') {
      // No CORS outside ingest: a preflight gets no Access-Control-* headers.
      req.resume();
      res.writeHead(204);
      return res.end();
    }
    const isApi = pathname.startsWith('/api/') || pathname.startsWith('/__');
    if (isApi && crossSite(req)) throw new HttpError(403, 'cross-site requests are refused', 'cross_site');
    if (pathname.startsWith('/api/')) {
      const name = routeName(req.method, pathname);
      const t0 = process.hrtime.bigint();
      try {
        return await api(req, res, url, pathname);
      } finally {
        if (name) metrics.onQuery(name, Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    if (pathname.startsWith('/__') && (await control(req, res, pathname))) return undefined;
    if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(res, pathname, options.staticRoot);
    throw new HttpError(405, 'method not allowed', 'bad_method');
  }

  // Slow-loris guard: headers within 10 s, the whole request within 30 s, checked every second.
  const server = http.createServer({ headersTimeout: 10000, requestTimeout: 30000, connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((err) => {
      let failure = err;
      if (err instanceof QueryError) failure = new HttpError(400, err.message, 'bad_query');
      const status = failure instanceof HttpError ? failure.status : 500;
      reject(failure instanceof HttpError ? failure.reason : 'internal');
      if (!(failure instanceof HttpError) && !options.quiet) console.error('[collector]', err);
      // Never echo an internal message (it may hold a filesystem path).
      const body = failure instanceof HttpError ? { detail: failure.message, ...(err instanceof QueryError ? { position: err.position } : {}) } : { detail: 'internal error' };
      if (!res.headersSent && !res.destroyed) {
        const isIngest = /^\/api\/[^/]+\/(envelope|store)/.test(String(req.url));
        send(res, status, body, { ...(failure.headers || {}), ...(isIngest ? corsHeaders(req) : {}) });
      }
      if (!req.complete) req.resume();
    });
  });
  // Longer than clients' own idle timeout (undici: 4 s), so a client never reuses a socket the
  // server is closing at that moment.
  server.keepAliveTimeout = 30000;
  await new Promise((resolve, reject2) => {
    server.once('error', reject2);
    server.listen(options.port, options.host, resolve);
  });
  const port = server.address().port;
  const retention = new RetentionSchedule(store, options.retentionIntervalMs, options.quiet);
  // --source-maps DIR: the built files of DIR and their maps, stored at startup (as an upload).
  for (const dir of options.sourceMapDirs || []) {
    const report = await sourcemaps.importDirectory(Object.keys(options.projects)[0], dir.dir, { release: dir.release || '', urlPrefix: dir.urlPrefix || '~/', onRefuse: refuse });
    if (!options.quiet) for (const row of report) console.log(`[collector] source map ${row.file}: ${row.error || row.skipped || row.status}`);
  }
  retention.start();
  return {
    url: `http://${options.host}:${port}`,
    port,
    store,
    stats,
    metrics,
    upstream,
    sourcemaps,
    issueDisplay,
    setDemoBackend(url) {
      options.demoBackend = url;
    },
    dsn: (project = Object.keys(options.projects)[0]) => `http://${options.projects[project].publicKey}@${options.host}:${port}/${project}`,
    async close() {
      retention.stop();
      for (const res of sse) res.end();
      sse.clear();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await pipeline.close();
      if (upstream) await upstream.close();
      await issueDisplay.close();
      store.close();
      await sourcemaps.close();
    },
  };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    out[arg.slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
  }
  return out;
}

const USAGE = `Usage: node demo/collector/server.js [options]
The Faultline local collector: accepts Sentry envelopes, stores them in SQLite, serves the viewer.
  --port N                   port on 127.0.0.1 (default 8765; 0 picks a free one)
  --data-dir DIR             where the database lives (default ./.demo-data)
  --project ID               project id of the DSN (default 1)
  --public-key KEY           the DSN's public key (default the demo's)
  --static DIR               directory served at / for the demo (default the repository)
  --allow-host NAMES         extra Host names to accept, comma-separated (loopback names always)
  --retention-days N         delete event bodies older than N days (default 30; env FAULTLINE_RETENTION_DAYS)
  --retention-mb N           keep the stored event bodies (compressed) under N MB (default 1024;
                             env FAULTLINE_RETENTION_MB). Issues, counts, tags, users, hourly
                             buckets, spans and indexes are kept and add to the disk used; the
                             WAL file is cut to zero after each retention pass that deleted bodies
                             and never exceeds ~64 MiB between; the database file reuses freed
                             pages but does not shrink
  --max-mb-per-minute N      refuse (and count) ingest beyond N MB a minute
  --source-maps DIR          resolve frames with the maps in DIR (see README: Source maps)
  --source-maps-url-prefix P URL prefix the maps' files are served under (default ~/)
  --source-maps-release R    release the maps belong to
  --upstream-dsn DSN         also forward every accepted envelope there (env FAULTLINE_UPSTREAM_DSN)
  --demo-backend URL         the demo backend the demo page calls
  --control                  enable the test-only control routes (/__faults, DELETE /__data)
  --help                     print this and exit`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || process.argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = new Set(['port', 'data-dir', 'project', 'public-key', 'static', 'allow-host', 'retention-days', 'retention-mb',
    'max-mb-per-minute', 'source-maps', 'source-maps-url-prefix', 'source-maps-release', 'upstream-dsn', 'demo-backend', 'control']);
  const unknown = Object.keys(args).filter((k) => !known.has(k));
  if (unknown.length) {
    console.error(`[collector] unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => '--' + k).join(' ')}\n\n${USAGE}`);
    process.exit(2);
  }
  const project = String(args.project || '1');
  const num = (v) => (v === undefined ? undefined : Number(v));
  startCollector({
    port: args.port !== undefined ? Number(args.port) : 8765,
    dataDir: path.resolve(String(args['data-dir'] || '.demo-data')),
    projects: { [project]: { publicKey: String(args['public-key'] || '5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38') } },
    staticRoot: args.static ? path.resolve(String(args.static)) : repoRoot,
    control: !!args.control,
    allowedHosts: args['allow-host'] ? String(args['allow-host']).split(',') : [],
    retention: { maxAgeDays: num(args['retention-days'] ?? process.env.FAULTLINE_RETENTION_DAYS), maxBytes: args['retention-mb'] ?? process.env.FAULTLINE_RETENTION_MB ? Number(args['retention-mb'] ?? process.env.FAULTLINE_RETENTION_MB) * 1024 * 1024 : undefined },
    demoBackend: args['demo-backend'] ? String(args['demo-backend']) : null,
    sourceMapDirs: args['source-maps'] ? [{ dir: path.resolve(String(args['source-maps'])), urlPrefix: args['source-maps-url-prefix'] ? String(args['source-maps-url-prefix']) : '~/', release: args['source-maps-release'] ? String(args['source-maps-release']) : '' }] : [],
    upstreamDsn: args['upstream-dsn'] ? String(args['upstream-dsn']) : process.env.FAULTLINE_UPSTREAM_DSN || null,
    ...(args['max-mb-per-minute'] !== undefined ? { maxBytesPerMinute: Number(args['max-mb-per-minute']) * 1024 * 1024 } : {}),
    quiet: false,
  }).then(
    (collector) => {
      console.log(`[collector] listening on ${collector.url} (viewer ${collector.url}/, demo ${collector.url}/demo/, DSN ${collector.dsn(project)})`);
      const stop = () => collector.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`[collector] could not start: ${err.message}`);
      process.exit(1);
    },
  );
}
