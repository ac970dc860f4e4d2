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
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Store } from './store.js';
import { QueryError } from './query.js';
import { isObj } from './fields.js';
import { Metrics } from './metrics.js';
import { Upstream } from './upstream.js';
import { HttpError, parseEnvelope, parseJsonItem, tally } from './ingest.js';
import { IngestPipeline } from './ingest-worker.js';
import { SourceMapStore, sourceMapRoutes, IssueDisplay } from './sourcemaps.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const viewerDir = path.resolve(here, '../viewer');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.map': 'application/json',
};

// Parses "Sentry sentry_key=..., sentry_version=7" and the query-string form (no regex on input).
function authKey(req, url) {
  const header = String(req.headers['x-sentry-auth'] || '').slice(0, 1000);
  const i = header.indexOf('sentry_key=');
  if (i >= 0) {
    let j = i + 11;
    while (j < header.length && header[j] !== ',' && header[j] !== ' ') j++;
    return header.slice(i + 11, j);
  }
  return url.searchParams.get('sentry_key');
}

export { parseEnvelope };

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
      req.resume();
      return;
    }
    let chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        // Answered with 413 while the rest is read and dropped (a reset would look like a network
        // error to the sender, which retries); past 32 times the limit the connection is cut.
        if (chunks) reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
        chunks = null;
        if (size > limit * 32) req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => chunks && resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new HttpError(400, 'request aborted', 'aborted')));
  });
}

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
  let fault = { mode: 'none' };
  const sse = new Set();

  const reject = (reason) => {
    tally(stats.rejected, reason);
  };
  const refuse = (reason, n = 1) => {
    tally(stats.refused, reason, n);
  };
  const sourceMapApi = sourceMapRoutes(sourcemaps, { HttpError, readBody, send: (...a) => send(...a), refuse, projects: options.projects });

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', ...headers });
    res.end(text);
  }

  // --- ingest on two threads: a worker decodes, parses, normalizes and packs (ingest-worker.js);
  // this thread writes each batch it hands over in one transaction and answers the requests after.
  const pipeline = new IngestPipeline({
    limits: { maxDecompressedBytes: options.maxDecompressedBytes, maxEventBytes: options.maxEventBytes, maxBytesPerMinute: options.maxBytesPerMinute },
    worker: options.ingestWorker !== false,
    count(counts) {
      for (const [k, n] of Object.entries(counts.refused)) refuse(k, n);
      for (const [k, n] of Object.entries(counts.ignored)) tally(stats.ignored_items, k, n);
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

  // Applies the configured fault, if any. Returns true when the request was answered.
  async function applyFault(req, res) {
    if (fault.mode === 'none') return false;
    if (Number.isFinite(fault.count)) {
      if (fault.count <= 0) {
        fault = { mode: 'none' };
        return false;
      }
      fault.count -= 1;
    }
    stats.faults_applied += 1;
    const mode = fault.mode;
    // The ingest worker crashes while it holds this request (the request gets a retryable 503).
    if (mode === 'worker_crash') return 'crash';
    if (mode === 'slow') {
      await new Promise((r) => setTimeout(r, Math.min(fault.delayMs || 2000, 30000)));
      return false; // then handled normally
    }
    req.resume();
    if (mode === '429') {
      const headers = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.rateLimits) headers['x-sentry-rate-limits'] = String(fault.rateLimits);
      send(res, 429, { detail: 'rate limited (simulated)' }, headers);
      return true;
    }
    if (mode === '500') {
      send(res, 500, { detail: 'internal error (simulated)' });
      return true;
    }
    if (mode === 'drop') {
      req.socket.destroy();
      return true;
    }
    return false;
  }

  async function ingest(req, res, project, url, legacyStore) {
    const conf = options.projects[project];
    if (!conf) throw new HttpError(404, 'unknown project', 'unknown_project');
    const origin = req.headers.origin;
    if (origin && !options.originAllowed(origin)) throw new HttpError(403, 'origin not allowed to send to this collector', 'origin_refused');
    const key = authKey(req, url);
    if (!key || key !== conf.publicKey) throw new HttpError(401, 'missing or wrong sentry_key', 'bad_auth');
    const faulted = await applyFault(req, res);
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

  function corsHeaders(req) {
    const origin = req.headers.origin;
    if (!origin || !options.originAllowed(origin)) return {};
    return {
      'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-sentry-auth, content-encoding',
      'access-control-expose-headers': 'retry-after, x-sentry-rate-limits', 'access-control-max-age': '600',
    };
  }

  function serveFile(res, file, extraHeaders = {}) {
    fs.readFile(file, (err, data) => {
      if (err) return send(res, 404, { detail: 'not found' });
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...extraHeaders });
      res.end(data);
    });
  }

  // Static files: the viewer at /, the demo page and the SDK under the static root's demo/page,
  // js/, esm/ and dist/ (nothing else of the repository is served).
  const viewerCsp = { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'" };
  const viewerFiles = new Set(['/viewer.js', '/viewer.css', '/context-line.js']);
  function serveStatic(req, res, pathname) {
    if (pathname === '/' || pathname === '/index.html') return serveFile(res, path.join(viewerDir, 'index.html'), viewerCsp);
    if (viewerFiles.has(pathname)) return serveFile(res, path.join(viewerDir, pathname.slice(1)), viewerCsp);
    const mounts = [['/demo/', path.join(options.staticRoot, 'demo/page')], ['/js/', path.join(options.staticRoot, 'js')], ['/esm/', path.join(options.staticRoot, 'esm')], ['/dist/', path.join(options.staticRoot, 'dist')]];
    for (const [prefix, dir] of mounts) {
      if (pathname === prefix.slice(0, -1)) {
        res.writeHead(302, { location: prefix });
        return res.end();
      }
      if (!pathname.startsWith(prefix)) continue;
      let rel;
      try {
        rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
      } catch {
        throw new HttpError(400, 'malformed percent-encoding in the path', 'bad_path');
      }
      if (rel.includes('\0')) throw new HttpError(400, 'the path contains a null byte', 'bad_path');
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(dir, rel);
      if (!file.startsWith(dir + path.sep) && file !== dir) return send(res, 403, { detail: 'forbidden' });
      // The demo page runs under a strict CSP: no eval, no inline script, WASM allowed.
      const headers = prefix === '/demo/' && file.endsWith('.html')
        ? { 'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:* http://localhost:*; style-src 'self'" }
        : {};
      return serveFile(res, file, headers);
    }
    return send(res, 404, { detail: 'not found' });
  }

  // A request a browser made from another site (or a page that is not ours): refused for
  // everything but ingest. Node clients and same-origin pages pass.
  function crossSite(req) {
    const origin = req.headers.origin;
    if (origin && origin !== `http://${req.headers.host}`) return true;
    const site = req.headers['sec-fetch-site'];
    return site !== undefined && site !== 'same-origin' && site !== 'none';
  }

  const intParam = (v, d, lo, hi) => {
    if (v === null || v === undefined || v === '') return d;
    const n = Number(v);
    return Number.isFinite(n) ? Math.max(lo, Math.min(hi, Math.floor(n))) : d;
  };
  const DURATION = /^(\d{1,6})([smhdw])$/;
  const UNIT = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const duration = (v, d, name) => {
    if (v === null || v === undefined || v === '') return d;
    const m = DURATION.exec(String(v));
    if (!m || Number(m[1]) === 0) throw new HttpError(400, `${name} must look like 1h, 30m or 7d`, 'bad_query');
    return Number(m[1]) * UNIT[m[2]];
  };
  const linkHeader = (req, url, next) => {
    if (!next) return {};
    const u = new URL(url.pathname + url.search, `http://${req.headers.host}`);
    u.searchParams.set('cursor', next);
    return { link: `<${u.pathname}${u.search}>; rel="next"; results="true"; cursor="${next}"`, 'x-next-cursor': next };
  };

  async function api(req, res, url, p) {
    const m = req.method;
    const sp = url.searchParams;
    if (p === '/api/issues' && m === 'GET') {
      const out = store.listIssues({ query: sp.get('query') || '', sort: sp.get('sort') || 'date', cursor: sp.get('cursor'), limit: intParam(sp.get('limit'), 25, 1, 100),
        project: sp.get('project'), start: sp.get('start'), end: sp.get('end') });
      return send(res, 200, out.issues, linkHeader(req, url, out.next));
    }
    // One event of one issue: 404 when the event is of another issue (or not stored).
    let r = /^\/api\/issues\/([^/]+)\/events\/([^/]+)\/?$/.exec(p);
    if (r && m === 'GET') {
      const out = store.issueEvent(r[1], r[2]);
      if (!out) return send(res, 404, { detail: 'no such issue' });
      if (!out.event) return send(res, 404, { detail: 'no such event in this issue' });
      out.event.event = await sourcemaps.resolveEvent(out.event.event, store.findIssue(r[1])?.project);
      return send(res, 200, out.event);
    }
    // Any id (not only the hex the collector issues) gets "no such issue" when unknown.
    r = /^\/api\/issues\/([^/]+)(\/(events|stats|tags))?\/?$/.exec(p);
    if (r) {
      const id = r[1];
      if (!r[2] && m === 'GET') {
        const issue = store.getIssue(id);
        if (issue && issue.latest) issue.latest = await sourcemaps.resolveEvent(issue.latest, issue.project);
        return issue ? send(res, 200, issue) : send(res, 404, { detail: 'no such issue' });
      }
      if (!r[2] && m === 'PUT') {
        const body = await readBody(req, 16 * 1024);
        const change = parseJsonItem(body, 'update');
        const out = store.setStatus(id, change.status);
        return out ? send(res, 200, out) : send(res, 404, { detail: 'no such issue' });
      }
      if (m !== 'GET') throw new HttpError(405, 'method not allowed', 'bad_method');
      let out;
      if (r[3] === 'events') {
        out = store.issueEvents(id, { cursor: sp.get('cursor'), limit: intParam(sp.get('limit'), 50, 1, 100) });
        if (out) return send(res, 200, out.events, linkHeader(req, url, out.next));
      } else if (r[3] === 'stats') {
        const interval = duration(sp.get('interval'), 3600, 'interval');
        const period = duration(sp.get('period') || sp.get('statsPeriod'), 86400, 'period');
        if (period / interval > 2000) throw new HttpError(400, 'period / interval must be at most 2000 buckets', 'bad_query');
        out = store.issueStats(id, { interval, period });
      } else out = store.issueTags(id);
      return out ? send(res, 200, out) : send(res, 404, { detail: 'no such issue' });
    }
    if (p === '/api/events' && m === 'GET') return send(res, 200, store.recentEvents(intParam(sp.get('limit'), 100, 1, 1000)));
    r = /^\/api\/events\/([0-9a-fA-F-]{1,64})\/?$/.exec(p);
    if (r && m === 'GET') {
      const ev = store.getEvent(r[1]);
      if (ev) ev.event = await sourcemaps.resolveEvent(ev.event, ev.issue ? store.findIssue(ev.issue)?.project : null);
      return ev ? send(res, 200, ev) : send(res, 404, { detail: 'no such event' });
    }
    r = /^\/api\/traces\/([0-9a-fA-F]{32})\/?$/.exec(p);
    if (r && m === 'GET') {
      const t = store.trace(r[1]);
      return t ? send(res, 200, t) : send(res, 404, { detail: 'no such trace' });
    }
    if (p === '/api/sourcemaps' || p.startsWith('/api/sourcemaps/')) return sourceMapApi(req, res, url, p);
    if (p === '/api/sessions' && m === 'GET') return send(res, 200, store.sessionsByRelease());
    if (p === '/api/metrics' && m === 'GET') return send(res, 200, upstream ? { ...metrics.snapshot(), upstream: upstream.stats } : metrics.snapshot());
    if (p === '/api/stream' && m === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return undefined;
    }
    return send(res, 404, { detail: 'no such API route' });
  }

  // Route name for the query-time figures (EQT).
  function routeName(m, p) {
    if (p === '/api/issues') return `${m} /api/issues`;
    if (/^\/api\/issues\/[^/]+\/events\/[^/]+\/?$/.test(p)) return `${m} /api/issues/:id/events/:eid`;
    const r = /^\/api\/issues\/[^/]+(\/(events|stats|tags))?\/?$/.exec(p);
    if (r) return `${m} /api/issues/:id${r[1] || ''}`;
    if (/^\/api\/events\/[^/]+/.test(p)) return `${m} /api/events/:id`;
    if (/^\/api\/traces\//.test(p)) return `${m} /api/traces/:id`;
    if (p === '/api/events' || p === '/api/sessions' || p === '/api/metrics' || p === '/api/sourcemaps') return `${m} ${p}`;
    return null;
  }

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
    const p = url.pathname;
    const ing = /^\/api\/([^/]{1,64})\/(envelope|store)\/?$/.exec(p);
    if (ing) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, corsHeaders(req));
        return res.end();
      }
      if (req.method !== 'POST') throw new HttpError(405, 'use POST', 'bad_method');
      return ingest(req, res, ing[1], url, ing[2] === 'store');
    }
    if (req.method === 'OPTIONS') {
      // No CORS outside ingest: a preflight gets no Access-Control-* headers.
      req.resume();
      res.writeHead(204);
      return res.end();
    }
    const isApi = p.startsWith('/api/') || p.startsWith('/__');
    if (isApi && crossSite(req)) throw new HttpError(403, 'cross-site requests are refused', 'cross_site');
    if (p.startsWith('/api/')) {
      const name = routeName(req.method, p);
      const t0 = process.hrtime.bigint();
      try {
        return await api(req, res, url, p);
      } finally {
        if (name) metrics.onQuery(name, Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    if (p === '/__echo') {
      // Diagnostics for tests: which headers did this request carry (trace propagation checks)?
      req.resume();
      return send(res, 200, { method: req.method, headers: req.headers });
    }
    if (p === '/__stats' && req.method === 'GET') {
      return send(res, 200, { ...stats, stored: store.totals, discarded: store.discarded, issues: store.issueCount, torn_lines: store.tornLines, fault, control: !!options.control,
        upstream: upstream ? { url: upstream.target.url, ...upstream.stats } : null, sourcemaps: sourcemaps.statsOut(),
        ingest: { ...pipeline.stats } });
    }
    if (p === '/__demo/config' && req.method === 'GET') return send(res, 200, { backend: options.demoBackend, control: !!options.control });
    if ((p === '/__faults' || p === '/__data') && !options.control) throw new HttpError(404, 'control routes are off (start the collector with --control)', 'control_off');
    if (p === '/__faults' && req.method === 'POST') {
      const body = await readBody(req, 64 * 1024);
      let f;
      try {
        f = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new HttpError(400, 'fault config is not valid JSON', 'bad_json');
      }
      if (!isObj(f) || !['none', '429', '500', 'slow', 'drop', 'worker_crash'].includes(f.mode)) throw new HttpError(400, 'mode must be none, 429, 500, slow, drop or worker_crash', 'bad_fault');
      fault = { mode: f.mode, retryAfter: f.retryAfter, rateLimits: f.rateLimits, delayMs: f.delayMs, count: Number.isFinite(f.count) ? f.count : undefined };
      return send(res, 200, { ok: true, fault });
    }
    if (p === '/__data' && req.method === 'DELETE') {
      store.reset();
      for (const k of ['rejected', 'refused', 'ignored_items']) for (const x of Object.keys(stats[k])) delete stats[k][x];
      Object.assign(stats, { requests: 0, accepted_events: 0, occurrences: 0, envelopes: 0, faults_applied: 0 });
      metrics.reset();
      return send(res, 200, { ok: true });
    }
    if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(req, res, p);
    throw new HttpError(405, 'method not allowed', 'bad_method');
  }

  // Slow-loris guard: headers within 10 s, the whole request within 30 s, checked every second.
  const server = http.createServer({ headersTimeout: 10000, requestTimeout: 30000, connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((err) => {
      let e = err;
      if (err instanceof QueryError) e = new HttpError(400, err.message, 'bad_query');
      const status = e instanceof HttpError ? e.status : 500;
      reject(e instanceof HttpError ? e.reason : 'internal');
      if (!(e instanceof HttpError) && !options.quiet) console.error('[collector]', err);
      // Never echo an internal message (it may hold a filesystem path).
      const body = e instanceof HttpError ? { detail: e.message, ...(err instanceof QueryError ? { position: err.position } : {}) } : { detail: 'internal error' };
      if (!res.headersSent && !res.destroyed) {
        const isIngest = /^\/api\/[^/]+\/(envelope|store)/.test(String(req.url));
        send(res, status, body, { ...(e.headers || {}), ...(isIngest ? corsHeaders(req) : {}) });
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
  // Retention runs in slices of at most 20 000 events, the next slice after a pause: the start
  // never waits for it (after a long pause much may have expired) and ingest is never held long.
  // A pass that deleted bodies ends with the WAL file cut back to zero bytes.
  let retentionNext = null;
  let passDeleted = 0;
  const retain = () => {
    retentionNext = null;
    try {
      passDeleted += store.enforceRetention(undefined, { maxRows: 20000 });
      if (store.retentionMore) {
        retentionNext = setTimeout(retain, 50);
        retentionNext.unref();
      } else if (passDeleted) {
        passDeleted = 0;
        store.shrinkWal();
      }
    } catch (err) {
      if (!options.quiet) console.error('[collector] retention', err);
    }
  };
  const retentionTimer = setInterval(() => {
    if (!retentionNext) retain();
  }, options.retentionIntervalMs);
  retentionTimer.unref();
  // --source-maps DIR: the built files of DIR and their maps, stored at startup (as an upload).
  for (const d of options.sourceMapDirs || []) {
    const report = await sourcemaps.importDirectory(Object.keys(options.projects)[0], d.dir, { release: d.release || '', urlPrefix: d.urlPrefix || '~/', onRefuse: refuse });
    if (!options.quiet) for (const r of report) console.log(`[collector] source map ${r.file}: ${r.error || r.skipped || r.status}`);
  }
  retentionNext = setTimeout(retain, 0);
  retentionNext.unref();
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
      clearInterval(retentionTimer);
      clearTimeout(retentionNext);
      for (const res of sse) res.end();
      sse.clear();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
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
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    out[a.slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
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
    (c) => {
      console.log(`[collector] listening on ${c.url} (viewer ${c.url}/, demo ${c.url}/demo/, DSN ${c.dsn(project)})`);
      const stop = () => c.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`[collector] could not start: ${err.message}`);
      process.exit(1);
    },
  );
}
