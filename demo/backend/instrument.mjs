// Loaded with `node --import` before the demo backend, so Sentry's Node SDK can instrument the
// http module from the start (as Sentry documents for ESM apps).
import * as Sentry from '@sentry/node';

const dsn = process.env.FAULTLINE_DEMO_DSN;
if (!dsn) throw new Error('FAULTLINE_DEMO_DSN must name the collector, e.g. http://faultlinedemokey@127.0.0.1:8765/1');

Sentry.init({
  dsn,
  release: 'demo-backend@1.0.0',
  environment: 'demo',
  tracesSampleRate: 1.0,
  sendDefaultPii: false,
  // The collector is on loopback: no proxy, and nothing else is contacted.
});
