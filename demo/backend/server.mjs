// The demo's backend: a small Node HTTP API on 127.0.0.1 that the demo page calls, instrumented
// with Sentry's own Node SDK (@sentry/node) and reporting to the same local collector. The page's
// requests carry Faultline's `sentry-trace`/`baggage` headers, so the backend's transaction, its
// spans and its errors join the page's trace.
//
//   FAULTLINE_DEMO_DSN=http://5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38@127.0.0.1:8765/1 \
//     node --import ./demo/backend/instrument.mjs demo/backend/server.mjs --port 8766
//
//   GET /api/checkout              200, after a database span and a pricing span
//   GET /api/checkout?fail=error   the payment step throws: captured by @sentry/node, answered 500
//   GET /api/checkout?fail=slow    the inventory call takes 1.2 s, then 504
import http from 'node:http';
import * as Sentry from '@sentry/node';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};
const port = Number(arg('port', process.env.FAULTLINE_DEMO_BACKEND_PORT || 8766));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

class PaymentDeclined extends Error {
  constructor(message) {
    super(message);
    this.name = 'PaymentDeclined';
  }
}

async function checkout(fail) {
  const cart = await Sentry.startSpan({ name: 'SELECT * FROM carts WHERE id = ?', op: 'db.query', attributes: { 'db.system': 'sqlite' } }, async () => {
    await sleep(15);
    return { id: 42, items: [{ sku: 'A-1', qty: 2, price: 1250 }] };
  });
  const total = await Sentry.startSpan({ name: 'price cart', op: 'function' }, async () => {
    await sleep(5);
    return cart.items.reduce((s, i) => s + i.qty * i.price, 0);
  });
  if (fail === 'slow') {
    await Sentry.startSpan({ name: 'GET inventory-service/reserve', op: 'http.client' }, () => sleep(1200));
    return { status: 504, body: { error: 'inventory service timed out' } };
  }
  await Sentry.startSpan({ name: 'charge card', op: 'payment' }, async (span) => {
    await sleep(20);
    if (fail === 'error') {
      span.setStatus({ code: 2, message: 'internal_error' });
      throw new PaymentDeclined(`card declined for cart ${cart.id} (total ${total})`);
    }
  });
  return { status: 200, body: { ok: true, cart: cart.id, total } };
}

const server = http.createServer(async (req, res) => {
  const origin = req.headers.origin;
  const cors = origin && LOOPBACK_ORIGIN.test(origin)
    ? { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-headers': 'sentry-trace, baggage, traceparent, content-type', 'access-control-allow-methods': 'GET, POST, OPTIONS' }
    : {};
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    return res.end();
  }
  const url = new URL(req.url, 'http://backend.local');
  if (url.pathname === '/api/checkout') {
    // The trace this request joined (the page's, from its sentry-trace header), echoed so the
    // demo page can link to it in the viewer.
    const traceId = Sentry.getActiveSpan() ? Sentry.spanToJSON(Sentry.getActiveSpan()).trace_id : null;
    try {
      const out = await checkout(url.searchParams.get('fail'));
      res.writeHead(out.status, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify({ ...out.body, trace_id: traceId }));
    } catch (err) {
      Sentry.captureException(err);
      res.writeHead(500, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify({ error: String(err.message), trace_id: traceId }));
    }
    return;
  }
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json', ...cors });
    return res.end('{"ok":true}');
  }
  res.writeHead(404, { 'content-type': 'application/json', ...cors });
  res.end('{"error":"not found"}');
});

server.listen(port, '127.0.0.1', () => {
  console.log(`[demo-backend] listening on http://127.0.0.1:${server.address().port}`);
});
const stop = async () => {
  server.close();
  await Sentry.close(2000);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
