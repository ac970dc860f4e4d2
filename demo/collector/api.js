// The collector's query API under /api/ (issues, their events, stats and tags; events, traces,
// source maps, sessions, metrics, the live stream), as Sentry's API names its routes and pages
// its lists (a Link header with the next cursor).
import { HttpError, parseJsonItem } from './ingest.js';
import { readBody, send } from './http-io.js';

const intParam = (value, fallback, min, max) => {
  if (value === null || value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? Math.max(min, Math.min(max, Math.floor(n))) : fallback;
};
const DURATION = /^(\d{1,6})([smhdw])$/;
const UNIT = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const duration = (value, fallback, name) => {
  if (value === null || value === undefined || value === '') return fallback;
  const match = DURATION.exec(String(value));
  if (!match || Number(match[1]) === 0) throw new HttpError(400, `${name} must look like 1h, 30m or 7d`, 'bad_query');
  return Number(match[1]) * UNIT[match[2]];
};
const linkHeader = (req, url, next) => {
  if (!next) return {};
  const nextUrl = new URL(url.pathname + url.search, `http://${req.headers.host}`);
  nextUrl.searchParams.set('cursor', next);
  return { link: `<${nextUrl.pathname}${nextUrl.search}>; rel="next"; results="true"; cursor="${next}"`, 'x-next-cursor': next };
};

/** Route name for the query-time figures (EQT), or null for a path that is not an API route. */
export function routeName(method, pathname) {
  if (pathname === '/api/issues') return `${method} /api/issues`;
  if (/^\/api\/issues\/[^/]+\/events\/[^/]+\/?$/.test(pathname)) return `${method} /api/issues/:id/events/:eid`;
  const match = /^\/api\/issues\/[^/]+(\/(events|stats|tags))?\/?$/.exec(pathname);
  if (match) return `${method} /api/issues/:id${match[1] || ''}`;
  if (/^\/api\/events\/[^/]+/.test(pathname)) return `${method} /api/events/:id`;
  if (/^\/api\/traces\//.test(pathname)) return `${method} /api/traces/:id`;
  if (pathname === '/api/events' || pathname === '/api/sessions' || pathname === '/api/metrics' || pathname === '/api/sourcemaps') return `${method} ${pathname}`;
  return null;
}

/**
 * The API's handler, (req, res, url, pathname) => answered. `sse`: the open /api/stream responses
 * (the server writes new issues and traces to them); `sourceMapApi`: the /api/sourcemaps routes.
 * (One function: it reads as the table of routes, one `if` each, in the order they are matched.)
 */
export function apiRoutes({ store, sourcemaps, metrics, upstream, sse, sourceMapApi }) {
  return async function api(req, res, url, pathname) {
    const method = req.method;
    const params = url.searchParams;
    if (pathname === '/api/issues' && method === 'GET') {
      const out = store.listIssues({ query: params.get('query') || '', sort: params.get('sort') || 'date', cursor: params.get('cursor'), limit: intParam(params.get('limit'), 25, 1, 100),
        project: params.get('project'), start: params.get('start'), end: params.get('end') });
      return send(res, 200, out.issues, linkHeader(req, url, out.next));
    }
    // One event of one issue: 404 when the event is of another issue (or not stored).
    let route = /^\/api\/issues\/([^/]+)\/events\/([^/]+)\/?$/.exec(pathname);
    if (route && method === 'GET') {
      const out = store.issueEvent(route[1], route[2]);
      if (!out) return send(res, 404, { detail: 'no such issue' });
      if (!out.event) return send(res, 404, { detail: 'no such event in this issue' });
      out.event.event = await sourcemaps.resolveEvent(out.event.event, store.findIssue(route[1])?.project);
      return send(res, 200, out.event);
    }
    // Any id (not only the hex the collector issues) gets "no such issue" when unknown.
    route = /^\/api\/issues\/([^/]+)(\/(events|stats|tags))?\/?$/.exec(pathname);
    if (route) {
      const issueId = route[1];
      if (!route[2] && method === 'GET') {
        const issue = store.getIssue(issueId);
        if (issue && issue.latest) issue.latest = await sourcemaps.resolveEvent(issue.latest, issue.project);
        return issue ? send(res, 200, issue) : send(res, 404, { detail: 'no such issue' });
      }
      if (!route[2] && method === 'PUT') {
        const body = await readBody(req, 16 * 1024);
        const change = parseJsonItem(body, 'update');
        const out = store.setStatus(issueId, change.status);
        return out ? send(res, 200, out) : send(res, 404, { detail: 'no such issue' });
      }
      if (method !== 'GET') throw new HttpError(405, 'method not allowed', 'bad_method');
      let out;
      if (route[3] === 'events') {
        out = store.issueEvents(issueId, { cursor: params.get('cursor'), limit: intParam(params.get('limit'), 50, 1, 100) });
        if (out) return send(res, 200, out.events, linkHeader(req, url, out.next));
      } else if (route[3] === 'stats') {
        const interval = duration(params.get('interval'), 3600, 'interval');
        const period = duration(params.get('period') || params.get('statsPeriod'), 86400, 'period');
        if (period / interval > 2000) throw new HttpError(400, 'period / interval must be at most 2000 buckets', 'bad_query');
        out = store.issueStats(issueId, { interval, period });
      } else out = store.issueTags(issueId);
      return out ? send(res, 200, out) : send(res, 404, { detail: 'no such issue' });
    }
    if (pathname === '/api/events' && method === 'GET') return send(res, 200, store.recentEvents(intParam(params.get('limit'), 100, 1, 1000)));
    route = /^\/api\/events\/([0-9a-fA-F-]{1,64})\/?$/.exec(pathname);
    if (route && method === 'GET') {
      const stored = store.getEvent(route[1]);
      if (stored) stored.event = await sourcemaps.resolveEvent(stored.event, stored.issue ? store.findIssue(stored.issue)?.project : null);
      return stored ? send(res, 200, stored) : send(res, 404, { detail: 'no such event' });
    }
    route = /^\/api\/traces\/([0-9a-fA-F]{32})\/?$/.exec(pathname);
    if (route && method === 'GET') {
      const trace = store.trace(route[1]);
      return trace ? send(res, 200, trace) : send(res, 404, { detail: 'no such trace' });
    }
    if (pathname === '/api/sourcemaps' || pathname.startsWith('/api/sourcemaps/')) return sourceMapApi(req, res, url, pathname);
    if (pathname === '/api/sessions' && method === 'GET') return send(res, 200, store.sessionsByRelease());
    if (pathname === '/api/metrics' && method === 'GET') return send(res, 200, upstream ? { ...metrics.snapshot(), upstream: upstream.stats } : metrics.snapshot());
    if (pathname === '/api/stream' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return undefined;
    }
    return send(res, 404, { detail: 'no such API route' });
  };
}
