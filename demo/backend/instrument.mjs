// Loaded with `node --import` before the demo backend, so Sentry's Node SDK can instrument the
// http module from the start (as Sentry documents for ESM apps).
import * as Sentry from '@sentry/node';

const dsn = process.env.FAULTLINE_DEMO_DSN;
if (!dsn) throw new Error('FAULTLINE_DEMO_DSN must name the collector, e.g. http://5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38@127.0.0.1:8765/1');

Sentry.init({
  dsn,
  release: 'demo-backend@1.0.0',
  environment: 'demo',
  tracesSampleRate: 1.0,
  sendDefaultPii: false,
  // The collector is on loopback: no proxy, and nothing else is contacted.
});
