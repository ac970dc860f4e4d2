// Static files: the viewer at /, the demo page and the SDK under the static root's demo/page, js/,
// esm/ and dist/ (nothing else of the repository is served).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from './ingest.js';
import { send } from './http-io.js';

const viewerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../viewer');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.map': 'application/json',
};

function serveFile(res, file, extraHeaders = {}) {
  fs.readFile(file, (err, data) => {
    if (err) return send(res, 404, { detail: 'not found' });
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...extraHeaders });
    res.end(data);
  });
}

const viewerCsp = { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'" };
const viewerFiles = new Set(['/viewer.js', '/viewer.css', '/context-line.js', '/query-terms.js']);

/** Answers a GET/HEAD of `pathname` from the viewer or under `staticRoot`; throws an HttpError for a malformed path. */
export function serveStatic(res, pathname, staticRoot) {
  if (pathname === '/' || pathname === '/index.html') return serveFile(res, path.join(viewerDir, 'index.html'), viewerCsp);
  if (viewerFiles.has(pathname)) return serveFile(res, path.join(viewerDir, pathname.slice(1)), viewerCsp);
  const mounts = [['/demo/', path.join(staticRoot, 'demo/page')], ['/js/', path.join(staticRoot, 'js')], ['/esm/', path.join(staticRoot, 'esm')], ['/dist/', path.join(staticRoot, 'dist')]];
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
