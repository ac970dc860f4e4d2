// `faultline sourcemaps upload <dir> --url <collector> [--release R] [--url-prefix ~/assets/]`:
// sends each built script of <dir> that has a source map, with its map, to a Faultline collector
// (POST /api/sourcemaps), as sentry-cli uploads artifact bundles: the pair is matched to events
// by its debug ID (written by `sourcemaps inject`), else by its URL and the release.
// One request per bundle (gzip), so a large app never makes one huge request.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { listScripts, mapFileOrSkip } from './sourcemaps-cli.js';

const DEBUG_ID_COMMENT = /\/\/# debugId=([0-9a-fA-F-]{32,36})\s*$/m;

/**
 * The bundles of a build directory: [{ file, url, debug_id, code, map, map_file }] for every
 * .js/.mjs/.cjs with a map (named by its sourceMappingURL comment, else <file>.map), and
 * [{ file, skipped }] for the others. url = urlPrefix + the file's path under dir ("~/" default).
 */
export function collectBundles(dir, { urlPrefix = '~/' } = {}) {
  const prefix = urlPrefix.endsWith('/') ? urlPrefix : urlPrefix + '/';
  const out = [];
  for (const file of listScripts(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    const code = readFileSync(file, 'utf8');
    const mapFile = mapFileOrSkip(file, code, rel, out);
    if (!mapFile) continue;
    const map = readFileSync(mapFile, 'utf8');
    let debugId = (DEBUG_ID_COMMENT.exec(code) || [])[1] || null;
    if (!debugId) {
      try {
        const m = JSON.parse(map);
        debugId = (m && (m.debugId || m.debug_id)) || null;
      } catch {
        // the collector says why the map is refused
      }
    }
    out.push({ file: rel, url: prefix + rel, debug_id: typeof debugId === 'string' ? debugId : null, code, map, map_file: path.relative(dir, mapFile).split(path.sep).join('/') });
  }
  return out;
}

/**
 * The collector's base URL and project from --url: a collector URL ("http://127.0.0.1:8765") or
 * a DSN ("http://KEY@127.0.0.1:8765/1", whose project is used).
 */
export function collectorTarget(url, project) {
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--url: not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--url: use an http(s) URL: ${url}`);
  let p = project ?? null;
  if (u.username && !p) {
    const seg = u.pathname.split('/').filter(Boolean).pop();
    if (seg) p = seg;
  }
  const base = `${u.protocol}//${u.host}${u.username ? '' : u.pathname.replace(/\/+$/, '')}`;
  return { endpoint: `${base}/api/sourcemaps`, project: p };
}

/** Uploads every bundle of dir; returns one report entry per script. */
export async function uploadDirectory(dir, { url, release = null, project = null, urlPrefix = '~/', fetchImpl = fetch } = {}) {
  const target = collectorTarget(url, project);
  const report = [];
  for (const b of collectBundles(dir, { urlPrefix })) {
    if (b.skipped) {
      report.push({ file: b.file, skipped: b.skipped });
      continue;
    }
    const body = gzipSync(JSON.stringify({ project: target.project, release, bundles: [{ url: b.url, debug_id: b.debug_id, code: b.code, map: b.map }] }));
    let res;
    try {
      res = await fetchImpl(target.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
    } catch (err) {
      report.push({ file: b.file, error: `cannot reach the collector: ${err && err.cause && err.cause.code ? err.cause.code : err.message}` });
      continue;
    }
    let answer = {};
    try {
      answer = await res.json();
    } catch {
      // not JSON: the status says enough
    }
    const stored = Array.isArray(answer.stored) ? answer.stored[0] : null;
    const refused = Array.isArray(answer.refused) ? answer.refused[0] : null;
    if (res.ok && stored) {
      report.push({ file: b.file, url: b.url, debug_id: stored.debug_id, status: stored.status, map: b.map_file, map_bytes: Buffer.byteLength(b.map), release: release || null });
    } else {
      report.push({ file: b.file, url: b.url, error: `${res.status}: ${(refused && refused.detail) || answer.detail || res.statusText}` });
    }
  }
  return report;
}
