// @sentry/browser configured for errors only: no tracing, no replay, default integrations.
import { init, captureException, captureMessage, addBreadcrumb, flush } from '@sentry/browser';

window.SDK = { name: 'sentry', init, captureException, captureMessage, addBreadcrumb, flush, ready: async () => 'sync', getStats: () => ({}) };
