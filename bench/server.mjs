// The benchmark's loopback server (127.0.0.1, random port): serves the bench page, the bundles and
// dist/, and is the ingest endpoint both SDKs send to. It parses every envelope as received
// (gunzip when Content-Encoding: gzip; an envelope may hold several event items), answers 200
// with CORS headers, and records requests, bytes on the wire, events, occurrences and bugs.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseEnvelope } from '../demo/collector/server.js';
import { repo } from './sizes.mjs';

const here = path.join(repo, 'bench');

/** Which of the storm's three bugs an event is about (null for anything else). */
export function bugOf(text) {
  if (/order \d+ has no line items/.test(text)) return 'order';
  if (/page \d+ out of range/.test(text)) return 'page';
  if (/session \d+ expired/.test(text)) return 'session';
  return null;
}

export function newRecord() {
  return { requests: 0, bytes: 0, envelopes: 0, events: 0, occurrences: 0, clientReports: 0, bugs: new Set(), bugOccurrences: {}, malformed: 0, lastAt: 0 };
}

function record(rec, raw, headers) {
  rec.requests += 1;
  rec.bytes += raw.length;
  rec.lastAt = Date.now();
  let body = raw;
  if (String(headers['content-encoding'] || '').toLowerCase() === 'gzip') body = zlib.gunzipSync(raw);
  const env = parseEnvelope(body);
  rec.envelopes += 1;
  for (const item of env.items) {
    if (item.header.type === 'client_report') rec.clientReports += 1;
    if (item.header.type !== 'event') continue;
    const ev = JSON.parse(item.payload.toString('utf8'));
    rec.events += 1;
    // Faultline: contexts.faultline.count is the number of occurrences this event stands for
    // (1 for a full event, N for a summary of N counted repeats). Any other event stands for 1.
    const count = ev.contexts && ev.contexts.faultline && ev.contexts.faultline.count;
    const n = Number.isInteger(count) && count >= 0 ? count : 1;
    rec.occurrences += n;
    const vals = (ev.exception && ev.exception.values) || [];
    const texts = vals.map((v) => `${v.type}: ${v.value}`);
    if (ev.message) texts.push(typeof ev.message === 'string' ? ev.message : ev.message.formatted || '');
    if (ev.logentry) texts.push(ev.logentry.formatted || ev.logentry.message || '');
    const bug = texts.map(bugOf).find(Boolean);
    if (bug) {
      rec.bugs.add(bug);
      rec.bugOccurrences[bug] = (rec.bugOccurrences[bug] || 0) + n;
    }
  }
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Content-Encoding, X-Sentry-Auth, sentry-trace, baggage',
  'Access-Control-Max-Age': '600',
};
// Cross-origin isolation gives the page 5 µs performance.now() resolution (100 µs otherwise).
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

export function startServer({ outDir, extraFiles = {} } = {}) {
  let rec = newRecord();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (/\/api\/\d+\/envelope\/?$/.test(url.pathname)) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        return res.end();
      }
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        try {
          record(rec, Buffer.concat(chunks), req.headers);
        } catch {
          rec.malformed += 1;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', ...CORS });
        res.end('{}');
      });
      return;
    }
    let file = null;
    if (extraFiles[url.pathname]) file = extraFiles[url.pathname];
    else if (url.pathname === '/bench/page.html') file = path.join(here, 'page.html');
    else if (url.pathname === '/bench/harness.js') file = path.join(here, 'harness.js');
    else if (url.pathname.startsWith('/bench/out/')) file = path.join(outDir, url.pathname.slice('/bench/out/'.length));
    else if (url.pathname.startsWith('/dist/')) file = path.join(repo, 'dist', url.pathname.slice('/dist/'.length));
    const root = file && (extraFiles[url.pathname] ? path.dirname(file) : file.startsWith(outDir) ? outDir : repo);
    if (!file || !path.resolve(file).startsWith(root) || !fs.existsSync(file)) {
      res.writeHead(404, ISOLATION);
      return res.end();
    }
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      get rec() { return rec; },
      reset() { rec = newRecord(); return rec; },
      close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
    }));
  });
}

/** Waits until no request has arrived for quietMs (at most maxMs). */
export async function settle(srv, quietMs = 1000, maxMs = 20000) {
  const start = Date.now();
  let last = -1;
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    const n = srv.rec.requests;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
