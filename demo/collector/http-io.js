// Reading a request's body and writing the collector's answers: the HTTP pieces with no state of
// their own, shared by the server (demo/collector/server.js), its API routes (api.js), the
// simulated faults (faults.js) and the static files (static.js).
import { HttpError } from './ingest.js';

/** The body as a Buffer, at most `limit` bytes: a larger one is answered 413 (HttpError 'too_large'). */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
      req.resume();
      return;
    }
    let chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        // Answered with 413 while the rest is read and dropped (a reset would look like a network
        // error to the sender, which retries); past 32 times the limit the connection is cut.
        if (chunks) reject(new HttpError(413, `body larger than ${limit} bytes`, 'too_large'));
        chunks = null;
        if (size > limit * 32) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => chunks && resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new HttpError(400, 'request aborted', 'aborted')));
  });
}

/** A JSON answer (a string body is sent as it is). */
export function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

/** The CORS headers of an ingest answer: only for an origin the collector accepts events from. */
export function corsHeaders(req, originAllowed) {
  const origin = req.headers.origin;
  if (!origin || !originAllowed(origin)) return {};
  return {
    'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, x-sentry-auth, content-encoding',
    'access-control-expose-headers': 'retry-after, x-sentry-rate-limits', 'access-control-max-age': '600',
  };
}

// A request a browser made from another site (or a page that is not ours): refused for
// everything but ingest. Node clients and same-origin pages pass.
export function crossSite(req) {
  const origin = req.headers.origin;
  if (origin && origin !== `http://${req.headers.host}`) return true;
  const site = req.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}
