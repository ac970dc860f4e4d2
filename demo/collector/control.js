// The collector's diagnostic and test routes under /__ (same-origin only, as the API): /__echo
// (the headers a request carried), /__stats (the counters), /__demo/config (what the demo page
// needs), and, only with --control, POST /__faults (faults.js) and DELETE /__data (a reset).
import { HttpError } from './ingest.js';
import { readBody, send } from './http-io.js';

/** The handler: (req, res, pathname) => true when it answered the request. */
export function controlRoutes({ options, stats, store, metrics, upstream, sourcemaps, pipeline, faults }) {
  return async function control(req, res, pathname) {
    if (pathname === '/__echo') {
      // Diagnostics for tests: which headers did this request carry (trace propagation checks)?
      req.resume();
      send(res, 200, { method: req.method, headers: req.headers });
      return true;
    }
    if (pathname === '/__stats' && req.method === 'GET') {
      send(res, 200, { ...stats, stored: store.totals, discarded: store.discarded, issues: store.issueCount, torn_lines: store.tornLines, fault: faults.current, control: !!options.control,
        upstream: upstream ? { url: upstream.target.url, ...upstream.stats } : null, sourcemaps: sourcemaps.statsOut(),
        ingest: { ...pipeline.stats } });
      return true;
    }
    if (pathname === '/__demo/config' && req.method === 'GET') {
      send(res, 200, { backend: options.demoBackend, control: !!options.control });
      return true;
    }
    if ((pathname === '/__faults' || pathname === '/__data') && !options.control) throw new HttpError(404, 'control routes are off (start the collector with --control)', 'control_off');
    if (pathname === '/__faults' && req.method === 'POST') {
      const body = await readBody(req, 64 * 1024);
      send(res, 200, { ok: true, fault: faults.configure(body.toString('utf8')) });
      return true;
    }
    if (pathname === '/__data' && req.method === 'DELETE') {
      store.reset();
      for (const counter of ['rejected', 'refused', 'ignored_items']) for (const reason of Object.keys(stats[counter])) delete stats[counter][reason];
      Object.assign(stats, { requests: 0, accepted_events: 0, occurrences: 0, envelopes: 0, faults_applied: 0 });
      metrics.reset();
      send(res, 200, { ok: true });
      return true;
    }
    return false;
  };
}
