// The demo page: real faults, captured by the real SDK, sent to the local collector.
import * as Faultline from '/esm/index.js';

const dsn = `http://5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38@${location.host}/1`;
// The demo backend (a Node API instrumented with @sentry/node) is on another loopback port: the
// SDK propagates its trace (sentry-trace, baggage) to it, so both sides share one trace id.
const LOOPBACK_API = /^http:\/\/(127\.0\.0\.1|localhost):\d+\/api\//;
Faultline.init({
  dsn,
  tracePropagationTargets: [location.origin, LOOPBACK_API],
  release: 'demo@1.0.0',
  environment: 'demo',
  transport: { multiEvent: true, maxEvents: 50, maxAgeMs: 300 },
  aggregation: { windowMs: 5000 },
  debug: new URLSearchParams(location.search).has('debug'),
});

// --- the faults -------------------------------------------------------------------------
function renderCart(cart) { return cart.items.length; }            // TypeError when cart is null
function loadProfile(id) { return fetch(`/api/profile/${id}`).then((r) => { if (!r.ok) throw new Error(`profile ${id} failed with ${r.status}`); return r.json(); }); }
function parseConfig(text) { return JSON.parse(text); }
class PaymentError extends Error { constructor(message, options) { super(message, options); this.name = 'PaymentError'; } }

const onClick = (id, fn) => document.getElementById(id).addEventListener('click', fn);
onClick('type-error', () => { setTimeout(() => renderCart(null)); });
onClick('rejection', () => { loadProfile(Math.floor(Math.random() * 1000)); });
onClick('non-error', () => { setTimeout(() => { throw { code: 'E_DEMO', detail: 'a plain object was thrown' }; }); });
onClick('with-cause', () => {
  try { parseConfig('{broken'); } catch (cause) {
    Faultline.captureException(new PaymentError('checkout failed: config unreadable', { cause }));
  }
});
// A minified, source-mapped bundle (demo/bundle, built into dist/demo by `npm run demo`): its
// frames reach the collector minified, and the viewer shows them resolved by the uploaded map.
onClick('minified', () => {
  import('/dist/demo/checkout.js').then(
    (bundle) => { setTimeout(() => bundle.checkout({ lines: [{ unitCents: 1999, quantity: 2 }], coupon: 'SUMMER50' })); },
    () => status('The minified demo bundle is not built (npm run demo builds it: node demo/bundle/build.mjs).'),
  );
});
onClick('failed-fetch', () => { fetch('http://127.0.0.1:9/unreachable').catch((err) => Faultline.captureException(err)); });
onClick('console-error', () => {
  // As with @sentry/browser's defaults, console.error is a breadcrumb, not an issue (Sentry makes
  // one only with captureConsoleIntegration); the captureMessage below is the issue, and the
  // console line shows in its breadcrumbs.
  console.error('inventory sync failed for store', Math.floor(Math.random() * 100));
  Faultline.captureMessage('inventory sync degraded', 'warning');
});

// --- distributed tracing: the page calls the demo backend -----------------------------------
const backend = fetch('/__demo/config').then((r) => r.json()).then((c) => c.backend || null).catch(() => null);
class CheckoutError extends Error { constructor(message) { super(message); this.name = 'CheckoutError'; } }
function traceLink(traceId) {
  const out = document.getElementById('trace-status');
  out.replaceChildren();
  if (!traceId) return;
  const link = document.createElement('a');
  link.href = `/?trace=${traceId}`;
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = `open trace ${traceId.slice(0, 8)}… in the viewer`;
  link.dataset.trace = traceId;
  out.append('Last backend call: ', link);
}
async function callBackend(fail) {
  const base = await backend;
  if (!base) {
    status('No demo backend configured (npm run demo starts one).');
    return;
  }
  const res = await fetch(`${base}/api/checkout${fail ? `?fail=${fail}` : ''}`);
  const body = await res.json().catch(() => ({}));
  traceLink(body.trace_id);
  // The page fails because the backend did: an unhandled rejection in the same trace.
  if (!res.ok) throw new CheckoutError(`checkout failed: backend answered ${res.status} (${body.error || 'no detail'})`);
  status(`Backend checkout ok (total ${body.total}).`);
}
onClick('trace-ok', () => { callBackend(null); });
onClick('trace-fail', () => { callBackend('error'); });
onClick('trace-slow', () => { callBackend('slow'); });
onClick('storm', () => {
  // 3 000 uncaught errors from three bugs, with varying ids in their messages.
  for (let i = 0; i < 3000; i++) {
    const bug = i % 3;
    const err = bug === 0 ? new TypeError(`order ${i} has no line items`)
      : bug === 1 ? new RangeError(`page ${i} out of range`) : new Error(`session ${1000 + i} expired`);
    if (typeof reportError === 'function') reportError(err);
    else Faultline.captureException(err);
  }
});
onClick('user', () => {
  Faultline.setUser({ id: '42', username: 'ada', email: 'ada@example.com' });
  Faultline.setTags({ plan: 'pro', region: 'eu' });
  Faultline.addBreadcrumb({ category: 'auth', message: 'user signed in' });
});
onClick('offline', async () => { await fetch('/__faults', { method: 'POST', body: JSON.stringify({ mode: 'drop' }) }); status('Collector now drops connections: events retry, then wait in IndexedDB.'); });
onClick('online', async () => {
  await fetch('/__faults', { method: 'POST', body: JSON.stringify({ mode: 'none' }) });
  window.dispatchEvent(new Event('online'));
  status('Back online: queued events are being sent.');
});
onClick('flush', () => Faultline.flush());

// --- what the SDK did -------------------------------------------------------------------
function status(text) { document.getElementById('status').textContent = text; }
function render() {
  const stats = Faultline.getStats() || {};
  stats.transport = stats.transport || {};
  const dropped = Object.entries(stats.dropped || {}).map(([k, v]) => `${k}: ${v}`).join(', ') || '0';
  const rows = [['core', stats.core], ['captured', stats.captured], ['sent as full events', stats.queued], ['aggregated (counted, not re-sent)', stats.aggregated],
    ['requests', stats.transport.requests || 0], ['bytes sent', stats.transport.bytes || 0], ['in offline queue (saved)', stats.transport.offline_saved || 0], ['dropped', dropped]];
  const dl = document.getElementById('stats');
  dl.replaceChildren(...rows.flatMap(([k, v]) => { const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = String(v); dd.dataset.stat = k; return [dt, dd]; }));
}
Faultline.ready().then((core) => { status(core === 'wasm' ? 'WASM core ready.' : `Core: ${core}`); document.body.dataset.ready = core; });
setInterval(render, 250);
render();
