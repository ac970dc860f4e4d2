// Test harness for the SDK's browser tests (Node side): a loopback HTTP server that serves the
// repository's js/ and dist/ and the test pages, records every request and every envelope the SDK
// delivers, and one headless Chromium per test file. Everything is bounded in time.
import { before, after } from 'node:test';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../../..');
const PAGES = path.resolve(here, '..');
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Splits an envelope into { header, items: [{ header, payload }] } honouring item lengths (bytes). */
export function parseEnvelope(buf) {
  if (!Buffer.isBuffer(buf)) buf = Buffer.from(buf, 'utf8');
  let nl = buf.indexOf(0x0a);
  const header = JSON.parse(buf.subarray(0, nl < 0 ? buf.length : nl).toString('utf8'));
  const items = [];
  let pos = nl < 0 ? buf.length : nl + 1;
  while (pos < buf.length) {
    nl = buf.indexOf(0x0a, pos);
    const line = buf.subarray(pos, nl < 0 ? buf.length : nl).toString('utf8');
    pos = nl < 0 ? buf.length : nl + 1;
    if (!line.trim()) continue;
    const ih = JSON.parse(line);
    let end = typeof ih.length == 'number' ? pos + ih.length : buf.indexOf(0x0a, pos);
    if (end < 0) end = buf.length;
    const payload = buf.subarray(pos, end).toString('utf8');
    pos = end + 1;
    items.push({ header: ih, payload: JSON.parse(payload) });
  }
  return { header, items };
}

/**
 * Starts a server on 127.0.0.1 (port 0). Options:
 *   csp: Content-Security-Policy for HTML pages; blockWasm: .wasm requests get 404;
 *   delayWasmMs: .wasm responses are held back this long (keeps the core "not ready");
 *   holdWasm: .wasm requests are never answered (until the server closes);
 *   cors: answer CORS (for a "third party" origin); block: a RegExp of paths that get 404;
 *   slow: [RegExp, ms]: static files whose path matches are answered ms late (e.g. the SDK's lazy
 *   part, /esm/client.js, to test what happens before it has loaded).
 * Routes: /js/*, /dist/*, /pages/* (static); POST /api/<project>/envelope/ (recorded);
 *   /echo (200, JSON of the request headers); /status/<code>; /slow/<ms>; /failed/<code> (a JSON
 *   error body of 45 bytes, Content-Type text/html, with its Content-Length).
 */
export async function startServer(opts = {}) {
  const requests = [];
  const envelopes = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      let body = Buffer.concat(chunks);
      requests.push({ method: req.method, path: url.pathname, search: url.search, headers: req.headers });
      const cors = opts.cors ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*' } : {};
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors);
        return res.end();
      }
      if (/^\/api\/\w+\/envelope\/?$/.test(url.pathname) && req.method === 'POST') {
        try {
          if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
          envelopes.push({ ...parseEnvelope(body), raw: body.toString('utf8'), query: url.search });
        } catch (err) {
          envelopes.push({ error: String(err), raw: body.toString('utf8') });
        }
        res.writeHead(200, { 'Content-Type': 'application/json', ...cors });
        return res.end('{}');
      }
      if (url.pathname === '/echo') {
        res.writeHead(200, { 'Content-Type': 'application/json', ...cors });
        return res.end(JSON.stringify(req.headers));
      }
      let m = /^\/status\/(\d+)$/.exec(url.pathname);
      if (m) {
        res.writeHead(+m[1], cors);
        return res.end('status');
      }
      m = /^\/failed\/(\d+)$/.exec(url.pathname);
      if (m) {
        const body = JSON.stringify({ error: { message: 'Internal Server Error' } });
        res.writeHead(+m[1], { ...cors, 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
        return res.end(body);
      }
      m = /^\/slow\/(\d+)$/.exec(url.pathname);
      if (m) return setTimeout(() => { res.writeHead(200, cors); res.end('slow'); }, Math.min(+m[1], 5000));
      if (opts.slow && opts.slow[0].test(url.pathname)) return setTimeout(() => staticFile(res, url), opts.slow[1]);  // (a 404 too)
      staticFile(res, url);
    });
  });
  // The static files (/js/, /esm/, /dist/, /pages/), or 404.
  const staticFile = (res, url) => {
    {
      const cors = opts.cors ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*' } : {};
      let file = null;
      if (url.pathname.startsWith('/js/') || url.pathname.startsWith('/esm/') || url.pathname.startsWith('/dist/')) file = path.join(ROOT, url.pathname);
      else if (url.pathname.startsWith('/pages/')) file = path.join(PAGES, url.pathname.slice(7));
      if (file && file.endsWith('/')) file += 'index.html';
      if (!file || !file.startsWith(ROOT) || !fs.existsSync(file) || fs.statSync(file).isDirectory() || (opts.blockWasm && file.endsWith('.wasm')) ||
          (opts.block && opts.block.test(url.pathname))) {
        res.writeHead(404, cors);
        return res.end('not found');
      }
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store', ...cors };
      if (opts.csp && type.startsWith('text/html')) headers['Content-Security-Policy'] = opts.csp;
      const serve = () => {
        res.writeHead(200, headers);
        res.end(fs.readFileSync(file));
      };
      if (opts.holdWasm && file.endsWith('.wasm')) return;  // a server that never answers
      if (opts.delayWasmMs && file.endsWith('.wasm')) return setTimeout(serve, opts.delayWasmMs);
      serve();
    }
  };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  const events = () => envelopes.flatMap((e) => (e.items || []).filter((i) => i.header.type === 'event').map((i) => i.payload));
  const reports = () => envelopes.flatMap((e) => (e.items || []).filter((i) => i.header.type === 'client_report').map((i) => i.payload));
  return {
    port, origin, requests, envelopes, events, reports,
    dsn: `http://7e57c0de7e57c0de7e57c0de7e57c0de@127.0.0.1:${port}/7`,
    async waitFor(pred, timeoutMs = 10000, what = 'condition') {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = pred();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
}

/**
 * A fresh page (own context) that records the page's uncaught errors and console output, so tests
 * can assert the SDK never threw into the page.
 */
export async function newPage(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  const pageErrors = [];
  const consoleMessages = [];
  page.on('pageerror', (e) => pageErrors.push(String(e && e.message)));
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  return { page, pageErrors, consoleMessages, close: () => ctx.close() };
}

/** Loads `pagePath` from `server` and initialises the SDK there with `options` (plus the server's DSN). */
export async function initSdk(page, server, options = {}, pagePath = '/pages/sdk-basic/') {
  await page.goto(server.origin + pagePath);
  await page.evaluate(async ({ dsn, options }) => {
    const F = await import('/esm/index.js');
    window.F = F;
    F.init({ dsn, ...options });
  }, { dsn: server.dsn, options });
}

/** Waits for the core to be ready in the page; returns 'wasm' / 'js-fallback' / ... */
export function coreReady(page) {
  return page.evaluate(() => window.F.ready(15000));
}

export const wasmBuilt = () => fs.existsSync(path.join(ROOT, 'dist/faultline.wasm')) && fs.existsSync(path.join(ROOT, 'dist/faultline-core.mjs'));

/**
 * A fresh server and page for one test. `init` is the source of a function (F, dsn) run in the
 * page after it loads `pagePath` (it may define beforeSend and the like); unless `core` is null,
 * waits for the core and checks it is `core` ('wasm' by default). Then runs fn({ page, server,
 * flush, pageErrors, consoleMessages }) and always cleans up.
 */
export async function scenario(browser, { server: serverOpts, init, pagePath = '/pages/sdk-basic/', core = 'wasm', context }, fn) {
  const server = await startServer(serverOpts);
  const p = await newPage(browser);
  try {
    if (context) await context(p.page.context(), server);
    await p.page.goto(server.origin + pagePath);
    if (init) await p.page.evaluate(`(async () => { const F = await import('/esm/index.js'); window.F = F; (${init})(F, ${JSON.stringify(server.dsn)}); })()`);
    if (core) {
      const got = await p.page.evaluate(() => window.F.ready(15000));
      if (got !== core) throw new Error(`expected the ${core} core, got ${got}`);
    }
    return await fn({ ...p, server, flush: () => p.page.evaluate(() => window.F.flush(5000)) });
  } finally {
    await p.close();
    await server.close();
  }
}

/**
 * For a test file: launches Chromium before its tests (failing clearly if the WASM core is not
 * built), closes it after, and returns `scenario(opts, fn)` bound to that browser.
 */
export function useChromiumScenarios() {
  let browser;
  before(async () => {
    if (!wasmBuilt()) throw new Error('dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launch();
  });
  after(async () => { await browser?.close(); });
  return (opts, fn) => scenario(browser, opts, fn);
}
