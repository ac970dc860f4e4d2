// A loopback endpoint that records every envelope exactly as it arrived (raw bytes, gunzipped when
// sent gzip), so tests can hand them to Sentry's own parser. It also serves the SDK (js/, esm/, dist/)
// and the pages a test gives it. Listens on 127.0.0.1 only; close() stops it.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };

export async function startRecorder(pages = {}) {
  const envelopes = [];  // { path, query, headers, body: Buffer }
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    if (req.method === 'POST' && /^\/api\/\d+\/envelope\/$/.test(u.pathname)) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (/gzip/.test(req.headers['content-encoding'] || '')) body = zlib.gunzipSync(body);
        envelopes.push({ path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body });
        res.writeHead(200, { ...cors, 'content-type': 'application/json' });
        res.end('{}');
      });
      return;
    }
    if (pages[u.pathname] !== undefined) {
      const [type, text] = Array.isArray(pages[u.pathname]) ? pages[u.pathname] : [TYPES[path.extname(u.pathname)] || 'text/html; charset=utf-8', pages[u.pathname]];
      res.writeHead(200, { ...cors, 'content-type': type, 'cache-control': 'no-store' });
      return res.end(text);
    }
    const rel = path.normalize(decodeURIComponent(u.pathname)).replace(/^[/\\]+/, '');
    if (/^(js|esm|dist)[/\\]/.test(rel)) {
      const file = path.join(repo, rel);
      if (file.startsWith(repo) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
        return fs.createReadStream(file).pipe(res);
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    envelopes,
    pages,
    clear: () => { envelopes.length = 0; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
