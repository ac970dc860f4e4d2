#!/usr/bin/env node
// Faultline's local collector: accepts Sentry envelopes (and the SDK's multi-event envelopes),
// stores them durably, groups them into issues and serves a live viewer. Loopback only.
//
//   node demo/collector/server.js --port 8765 --data-dir .demo-data --project 1 --public-key KEY [--static DIR]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Store } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const viewerDir = path.resolve(here, '../viewer');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.map': 'application/json',
};

class HttpError extends Error {
  constructor(status, detail, reason) {
    super(detail);
    this.status = status;
    this.reason = reason || `http_${status}`;
  }
}

// Parses "Sentry sentry_key=..., sentry_version=7" and the query-string form.
function authKey(req, url) {
  const header = req.headers['x-sentry-auth'] || '';
  const m = /sentry_key=([^,\s]+)/.exec(header);
  if (m) return m[1];
  return url.searchParams.get('sentry_key');
}

// Envelope: header line, then (item header line, payload) pairs; payload length from `length`
// when given, else up to the next newline.
export function parseEnvelope(buf) {
  let nl = buf.indexOf(0x0a);
  const headerText = buf.subarray(0, nl < 0 ? buf.length : nl).toString('utf8');
  let header;
  try {
    header = JSON.parse(headerText || '{}');
  } catch {
    throw new HttpError(400, 'envelope header is not valid JSON', 'malformed_envelope');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new HttpError(400, 'envelope header is not an object', 'malformed_envelope');
  const items = [];
  let pos = nl < 0 ? buf.length : nl + 1;
  while (pos < buf.length) {
    nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    const line = buf.subarray(pos, end).toString('utf8');
    pos = end + 1;
    if (!line.trim()) continue;
    let ih;
    try {
      ih = JSON.parse(line);
    } catch {
      throw new HttpError(400, 'item header is not valid JSON', 'malformed_envelope');
    }
    if (!ih || typeof ih !== 'object' || typeof ih.type !== 'string') throw new HttpError(400, 'item header needs a type', 'malformed_envelope');
    let payload;
    if (Number.isInteger(ih.length) && ih.length >= 0) {
      if (pos + ih.length > buf.length + 1) throw new HttpError(400, 'item length runs past the end of the envelope', 'malformed_envelope');
      payload = buf.subarray(pos, pos + ih.length);
      pos += ih.length;
      if (buf[pos] === 0x0a) pos += 1;
    } else {
      nl = buf.indexOf(0x0a, pos);
      const e = nl < 0 ? buf.length : nl;
      payload = buf.subarray(pos, e);
      pos = e + 1;
    }
    items.push({ header: ih, payload });
    if (items.length > 10000) throw new HttpError(413, 'too many items', 'too_many_items');
  }
  return { header, items };
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
      req.resume();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new HttpError(400, 'request aborted', 'aborted')));
  });
}

function decode(buf, encoding, maxOut) {
  const enc = (encoding || '').toLowerCase();
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(buf, { maxOutputLength: maxOut });
    if (enc === 'deflate') return zlib.inflateSync(buf, { maxOutputLength: maxOut });
    if (enc === 'br') return zlib.brotliDecompressSync(buf, { maxOutputLength: maxOut });
  } catch (err) {
    if (err && err.code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, `decompressed body larger than ${maxOut} bytes`, 'too_large');
    throw new HttpError(400, `body is not valid ${enc}`, 'bad_encoding');
  }
  if (enc && enc !== 'identity') throw new HttpError(415, `unsupported content-encoding ${enc}`, 'bad_encoding');
  return buf;
}

function defaultOriginAllowed(origin) {
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin);
}

export async function startCollector(opts = {}) {
  const options = {
    port: 8765, host: '127.0.0.1', dataDir: path.join(repoRoot, '.demo-data'), projects: { 1: { publicKey: 'demo-public-key' } },
    maxBodyBytes: 1024 * 1024, maxDecompressedBytes: 20 * 1024 * 1024, originAllowed: defaultOriginAllowed,
    staticRoot: repoRoot, quiet: true, ...opts,
  };
  const store = new Store(options.dataDir);
  const stats = { requests: 0, accepted_events: 0, occurrences: 0, envelopes: 0, rejected: {}, faults_applied: 0 };
  let fault = { mode: 'none' };
  const sse = new Set();

  const reject = (reason) => {
    stats.rejected[reason] = (stats.rejected[reason] || 0) + 1;
  };

  function cors(req, res) {
    const origin = req.headers.origin;
    if (origin && options.originAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-sentry-auth, content-encoding');
      res.setHeader('Access-Control-Expose-Headers', 'retry-after, x-sentry-rate-limits');
      res.setHeader('Access-Control-Max-Age', '600');
    }
  }

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  function broadcast(issues) {
    if (!sse.size || !issues.length) return;
    const seen = new Set();
    for (const issue of issues) {
      if (seen.has(issue.id)) continue;
      seen.add(issue.id);
      const { latest, ...rest } = issue;
      const msg = `event: issue\ndata: ${JSON.stringify(rest)}\n\n`;
      for (const res of sse) res.write(msg);
    }
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
    if (mode === 'slow') {
      await new Promise((r) => setTimeout(r, Math.min(fault.delayMs || 2000, 30000)));
      return false; // then handled normally
    }
    req.resume();
    if (mode === '429') {
      const headers = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.rateLimits) headers['x-sentry-rate-limits'] = fault.rateLimits;
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
    if (!conf) throw new HttpError(404, `unknown project ${project}`, 'unknown_project');
    const key = authKey(req, url);
    if (!key || key !== conf.publicKey) throw new HttpError(401, 'missing or wrong sentry_key', 'bad_auth');
    if (await applyFault(req, res)) return;
    const raw = await readBody(req, options.maxBodyBytes);
    const body = decode(raw, req.headers['content-encoding'], options.maxDecompressedBytes);
    const ua = req.headers['user-agent'] || '';
    const received = Date.now() / 1000;
    let records = [];
    let firstId = null;
    if (legacyStore) {
      let event;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'body is not valid JSON', 'bad_json');
      }
      if (!event || typeof event !== 'object' || Array.isArray(event)) throw new HttpError(400, 'event must be a JSON object', 'bad_json');
      records.push({ kind: 'event', project, received, ua, event });
      firstId = event.event_id || null;
    } else {
      const env = parseEnvelope(body);
      for (const item of env.items) {
        if (item.header.type === 'event' || item.header.type === 'client_report') {
          let payload;
          try {
            payload = JSON.parse(item.payload.toString('utf8'));
          } catch {
            throw new HttpError(400, `${item.header.type} item is not valid JSON`, 'bad_json');
          }
          if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new HttpError(400, 'item payload must be an object', 'bad_json');
          if (item.header.type === 'event') {
            records.push({ kind: 'event', project, received, ua, event: payload });
            firstId = firstId || payload.event_id || null;
          } else {
            records.push({ kind: 'client_report', project, received, report: payload });
          }
        }
        // Other item types (sessions, attachments, transactions...) are accepted and ignored.
      }
      firstId = firstId || env.header.event_id || null;
      stats.envelopes += 1;
    }
    records = store.dedupe(records);
    const touched = store.append(records);
    for (const r of records) {
      if (r.kind !== 'event') continue;
      stats.accepted_events += 1;
      const fl = (r.event.contexts && r.event.contexts.faultline) || {};
      stats.occurrences += Number.isFinite(fl.count) && fl.count > 0 ? fl.count : 1;
    }
    broadcast(touched);
    send(res, 200, { id: firstId });
  }

  function serveFile(res, file, extraHeaders = {}) {
    fs.readFile(file, (err, data) => {
      if (err) return send(res, 404, { detail: 'not found' });
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache', ...extraHeaders });
      res.end(data);
    });
  }

  // Static files: the viewer at /, the demo page and the SDK under the static root's demo/page,
  // js/ and dist/ (nothing else of the repository is served).
  function serveStatic(req, res, pathname) {
    const viewerCsp = { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'" };
    if (pathname === '/' || pathname === '/index.html') return serveFile(res, path.join(viewerDir, 'index.html'), viewerCsp);
    if (pathname === '/viewer.js' || pathname === '/viewer.css') return serveFile(res, path.join(viewerDir, pathname.slice(1)), viewerCsp);
    const mounts = [['/demo/', path.join(options.staticRoot, 'demo/page')], ['/js/', path.join(options.staticRoot, 'js')], ['/dist/', path.join(options.staticRoot, 'dist')]];
    for (const [prefix, dir] of mounts) {
      if (pathname === prefix.slice(0, -1)) {
        res.writeHead(302, { location: prefix });
        return res.end();
      }
      if (!pathname.startsWith(prefix)) continue;
      let rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
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

  async function handle(req, res) {
    stats.requests += 1;
    const url = new URL(req.url, 'http://collector.local');
    const p = url.pathname;
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      return res.end();
    }
    const m = /^\/api\/([^/]+)\/(envelope|store)\/?$/.exec(p);
    if (m) {
      if (req.method !== 'POST') throw new HttpError(405, 'use POST', 'bad_method');
      return ingest(req, res, m[1], url, m[2] === 'store');
    }
    if (p === '/api/issues' && req.method === 'GET') return send(res, 200, store.listIssues(url.searchParams.get('project')));
    const im = /^\/api\/issues\/([0-9a-f]+)$/.exec(p);
    if (im && req.method === 'GET') {
      const issue = store.getIssue(im[1]);
      return issue ? send(res, 200, issue) : send(res, 404, { detail: 'no such issue' });
    }
    if (p === '/api/events' && req.method === 'GET') {
      const limit = Math.max(1, Math.min(1000, Number(url.searchParams.get('limit')) || 100));
      return send(res, 200, store.events.slice(-limit));
    }
    if (p === '/api/stream' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return undefined;
    }
    if (p === '/__echo') {
      // Diagnostics for tests: which headers did this request carry (trace propagation checks)?
      req.resume();
      return send(res, 200, { method: req.method, headers: req.headers });
    }
    if (p === '/__stats' && req.method === 'GET') {
      return send(res, 200, { ...stats, stored: store.totals, discarded: store.discarded, issues: store.issues.size, torn_lines: store.tornLines, fault });
    }
    if (p === '/__faults' && req.method === 'POST') {
      const body = await readBody(req, 64 * 1024);
      let f;
      try {
        f = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new HttpError(400, 'fault config is not valid JSON', 'bad_json');
      }
      if (!['none', '429', '500', 'slow', 'drop'].includes(f.mode)) throw new HttpError(400, 'mode must be none, 429, 500, slow or drop', 'bad_fault');
      fault = { mode: f.mode, retryAfter: f.retryAfter, rateLimits: f.rateLimits, delayMs: f.delayMs, count: Number.isFinite(f.count) ? f.count : undefined };
      return send(res, 200, { ok: true, fault });
    }
    if (p === '/__data' && req.method === 'DELETE') {
      store.reset(true);
      for (const k of Object.keys(stats.rejected)) delete stats.rejected[k];
      Object.assign(stats, { requests: 0, accepted_events: 0, occurrences: 0, envelopes: 0, faults_applied: 0 });
      return send(res, 200, { ok: true });
    }
    if (req.method === 'GET') return serveStatic(req, res, p);
    throw new HttpError(405, 'method not allowed', 'bad_method');
  }

  // Slow-loris guard: headers within 10 s, the whole request within 30 s, checked every second.
  const server = http.createServer({ headersTimeout: 10000, requestTimeout: 30000, connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      reject(err instanceof HttpError ? err.reason : 'internal');
      if (!(err instanceof HttpError) && !options.quiet) console.error('[collector]', err);
      if (!res.headersSent && !res.destroyed) send(res, status, { detail: err.message || 'error' });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject2) => {
    server.once('error', reject2);
    server.listen(options.port, options.host, resolve);
  });
  const port = server.address().port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    store,
    stats,
    dsn: (project = Object.keys(options.projects)[0]) => `http://${options.projects[project].publicKey}@${options.host}:${port}/${project}`,
    async close() {
      for (const res of sse) res.end();
      sse.clear();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      store.close();
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const project = String(args.project || '1');
  startCollector({
    port: args.port !== undefined ? Number(args.port) : 8765,
    dataDir: path.resolve(String(args['data-dir'] || '.demo-data')),
    projects: { [project]: { publicKey: String(args['public-key'] || 'demo-public-key') } },
    staticRoot: args.static ? path.resolve(String(args.static)) : repoRoot,
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
