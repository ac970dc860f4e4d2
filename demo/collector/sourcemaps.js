// Source maps in the local collector: uploaded bundles (a built file and its map, as Sentry's
// artifact bundles hold them), kept in their own SQLite file beside the event store, and the
// resolution of stored events' minified frames into original frames with source context.
//
// Resolution happens when an event is read (GET /api/events/:id, GET /api/issues/:id), not at
// ingest: ingest stays as fast without maps as with them, events stored before their maps were
// uploaded resolve as soon as the maps arrive (the usual order on a developer's machine: see the
// error, then upload), the stored event stays exactly what the SDK sent (the minified frames are
// the stored ones), and only the events somebody looks at pay. Grouping does not depend on it:
// the collector groups on the SDK's fingerprint, else Faultline's key, else type and value.
// Decoded maps are cached (LRU, bounded by their decoded size), so a page of the viewer costs a
// few binary searches per frame once a map is loaded. The heavy work (parsing a multi-megabyte
// map, decoding it, building its symbol table) runs in a worker thread (sourcemaps-worker.js) and
// (de)compression in zlib's thread pool: ingest on the main thread never waits for a map.
//
// Which map a frame gets (precision first: a frame is never resolved with another build's map):
//   1. the event's debug_meta.images names a debug ID for the frame's file (abs_path = code_file):
//      the bundle uploaded with that debug ID, or none;
//   2. else, the bundle uploaded for the event's release whose URL is the frame's path (scheme and
//      host dropped: "~/assets/app.js"), else the one bundle of that release with the frame's
//      file name, if exactly one has it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { collectBundles } from '../../js/sourcemaps-upload.js';
import { ToolsWorker } from './sourcemaps-worker.js';
import { trimLine } from '../viewer/context-line.js';
import { titleOf, culpritOf, exceptionValues } from './fields.js';

export { trimLine };  // the one rule, shared with the viewer

const deflateRaw = promisify(zlib.deflateRaw);
const inflateRaw = promisify(zlib.inflateRaw);
const UNZIP = { gzip: promisify(zlib.gunzip), 'x-gzip': promisify(zlib.gunzip), deflate: promisify(zlib.inflate), br: promisify(zlib.brotliDecompress) };

const MiB = 1024 * 1024;
export const SOURCE_MAP_DEFAULTS = {
  maxRequestBytes: 64 * MiB,     // one upload request, compressed and decompressed
  maxMapBytes: 32 * MiB,         // one map
  maxCodeBytes: 16 * MiB,        // one built file
  maxSegments: 4_000_000,        // mappings segments of one map (decoded: 24 bytes each)
  maxTotalBytes: 512 * MiB,      // all stored bundles (compressed); the least recently used go
  cacheBytes: 256 * MiB,         // decoded maps held in the tools module
  maxBundlesPerRequest: 1000,
  contextLines: 5,
};

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const DEBUG_ID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}([0-9a-f]{1,8})?$/;

/** "abcd…" (32 hex, any case, dashes or not) -> the dashed lower-case UUID form, or '' if not one. */
export function normalizeDebugId(value) {
  if (typeof value !== 'string' || value.length > 48) return '';
  const text = value.trim().toLowerCase();
  if (!DEBUG_ID.test(text)) return '';
  const hex = text.replace(/-/g, '').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A frame's or an upload's URL as the collector matches it: "~/" + path, scheme, host, query and
 * fragment dropped ("http://127.0.0.1:8765/dist/app.js?v=2" -> "~/dist/app.js"); a value already
 * in "~/" form is kept; a bare path gets "~/" in front. '' for what is not a usable URL.
 */
export function urlKey(value) {
  if (typeof value !== 'string' || !value || value.length > 4096) return '';
  let path = value;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (path.startsWith('~/')) return path;
  const scheme = path.indexOf('://');
  if (scheme > 0 && scheme < 32) {
    const slash = path.indexOf('/', scheme + 3);
    return slash < 0 ? '' : '~' + path.slice(slash);
  }
  if (path.startsWith('/')) return '~' + path;
  if (path.startsWith('./')) return '~/' + path.slice(2);
  return '~/' + path;
}

const basenameOf = (key) => key.slice(key.lastIndexOf('/') + 1);

// Offsets where each line of a text starts.
function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}


/** Source context of a 1-based line: { pre_context, context_line, post_context } or null. */
export function sourceContext(text, starts, lineno, colno, around) {
  if (!Number.isInteger(lineno) || lineno < 1 || lineno > starts.length) return null;
  const line = (number) => {
    const end = number < starts.length ? starts[number] - 1 : text.length;
    const content = text.slice(starts[number - 1], end);
    return content.endsWith('\r') ? content.slice(0, -1) : content;
  };
  const pre = [];
  for (let n = Math.max(1, lineno - around); n < lineno; n++) pre.push(trimLine(line(n)));
  const post = [];
  for (let n = lineno + 1; n <= Math.min(starts.length, lineno + around); n++) post.push(trimLine(line(n)));
  return { pre_context: pre, context_line: trimLine(line(lineno), (colno || 1) - 1), post_context: post };
}

class Refusal extends Error {
  constructor(reason, detail, status = 400) {
    super(detail);
    this.reason = reason;
    this.status = status;
  }
}

export { Refusal };

export class SourceMapStore {
  constructor(dataDir, opts = {}) {
    this.opts = { ...SOURCE_MAP_DEFAULTS, ...opts };
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'sourcemaps.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS bundles (
        id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, debug_id TEXT NOT NULL DEFAULT '',
        release TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '', basename TEXT NOT NULL DEFAULT '',
        hash TEXT NOT NULL, code BLOB NOT NULL, map BLOB NOT NULL, code_bytes INTEGER NOT NULL, map_bytes INTEGER NOT NULL,
        stored_bytes INTEGER NOT NULL, sources INTEGER NOT NULL DEFAULT 0, uploaded REAL NOT NULL, last_used REAL NOT NULL);
      CREATE INDEX IF NOT EXISTS bundles_debug_id ON bundles (debug_id) WHERE debug_id != '';
      CREATE INDEX IF NOT EXISTS bundles_url ON bundles (project, release, url);
      CREATE INDEX IF NOT EXISTS bundles_basename ON bundles (project, release, basename);
      CREATE INDEX IF NOT EXISTS bundles_last_used ON bundles (last_used);`);
    const db = this.db;
    this.q = {
      byDebugId: db.prepare("SELECT id, project, debug_id, release, url, hash FROM bundles WHERE debug_id = ? AND debug_id != '' ORDER BY id DESC LIMIT 1"),
      byUrl: db.prepare('SELECT id, project, debug_id, release, url, hash FROM bundles WHERE project = ? AND release = ? AND url = ? ORDER BY id DESC LIMIT 1'),
      byUrlAnyProject: db.prepare('SELECT id, project, debug_id, release, url, hash FROM bundles WHERE release = ? AND url = ? ORDER BY id DESC LIMIT 1'),
      byBase: db.prepare('SELECT id, project, debug_id, release, url, hash FROM bundles WHERE project = ? AND release = ? AND basename = ? ORDER BY id DESC LIMIT 3'),
      byBaseAnyProject: db.prepare('SELECT id, project, debug_id, release, url, hash FROM bundles WHERE release = ? AND basename = ? ORDER BY id DESC LIMIT 3'),
      body: db.prepare('SELECT code, map FROM bundles WHERE id = ?'),
      sameContent: db.prepare('SELECT id FROM bundles WHERE project = ? AND hash = ? AND release = ? AND url = ?'),
      touch: db.prepare('UPDATE bundles SET last_used = ? WHERE id = ?'),
      insert: db.prepare(`INSERT INTO bundles (project, debug_id, release, url, basename, hash, code, map, code_bytes, map_bytes, stored_bytes, sources, uploaded, last_used)
        VALUES (@project, @debug_id, @release, @url, @basename, @hash, @code, @map, @code_bytes, @map_bytes, @stored_bytes, @sources, @uploaded, @uploaded)`),
      // A new upload replaces the bundle of the same project, release and URL (a rebuilt file);
      // bundles of other releases stay (events of older deploys still resolve by debug ID or URL).
      replaceSlot: db.prepare('DELETE FROM bundles WHERE project = ? AND release = ? AND url = ?'),
      total: db.prepare('SELECT count(*) AS n, coalesce(sum(stored_bytes), 0) AS bytes FROM bundles'),
      oldest: db.prepare('SELECT id, stored_bytes FROM bundles ORDER BY last_used, id LIMIT 16'),
      remove: db.prepare('DELETE FROM bundles WHERE id = ?'),
      list: db.prepare('SELECT id, project, debug_id, release, url, code_bytes, map_bytes, stored_bytes, sources, uploaded, last_used FROM bundles ORDER BY id DESC LIMIT ?'),
      listProject: db.prepare('SELECT id, project, debug_id, release, url, code_bytes, map_bytes, stored_bytes, sources, uploaded, last_used FROM bundles WHERE project = ? ORDER BY id DESC LIMIT ?'),
    };
    this.stats = { stored: 0, unchanged: 0, evicted: 0, resolved_frames: 0, unresolved_frames: 0, loads: 0, load_errors: 0, cache_evictions: 0,
      issues_checked: 0, issues_updated: 0, issues_dropped: 0 };
    this.cache = new Map(); // tools key -> { memory, sources, contents, starts } in LRU order (oldest first)
    this.cacheMemory = 0;
    this.loading = new Map(); // tools key -> promise of a decode in flight (one per key)
    this.broken = new Map(); // tools key -> decoder error (a stored map that no longer decodes)
    this.tools = null;
    this.toolsPromise = null;
    this.touched = new Map(); // bundle id -> when its last_used was written
    this.onStored = []; // called with each newly stored bundle (IssueDisplay re-resolves its issues)
    const totals = this.q.total.get();
    this.count = totals.n;
    this.bytes = totals.bytes;
  }

  /** The worker with the tools WASM module, started on first need (a collector without maps never starts it). */
  async ready() {
    if (!this.toolsPromise) {
      this.worker = new ToolsWorker();
      this.toolsPromise = this.worker.ready.then((tools) => {
        this.tools = tools;
        return tools;
      });
    }
    return this.toolsPromise;
  }

  /**
   * The decoded bundle under `key`, decoding it (in the worker) when it is not cached: one decode
   * per key at a time. `texts` gives { mapText, code } when needed. Resolves to { entry } or
   * { refusal, detail } (the decoder's reason) or { unavailable }.
   */
  ensure(key, texts) {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return Promise.resolve({ entry: hit });
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        const tools = await this.ready();
        if (!tools) return { unavailable: 'source map support is not built here (run `npm run build`)' };
        const { mapText, code } = await texts();
        const decoded = await tools.call('decode', { key, mapText, code, maxSegments: this.opts.maxSegments });
        if (!decoded.ok) return decoded.refusal ? decoded : { unavailable: decoded.unavailable || decoded.error || 'decoder failed' };
        return { entry: this.remember(key, decoded), debugId: decoded.debug_id };
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  statsOut() {
    return { bundles: this.count, stored_bytes: this.bytes, cached: this.cache.size, cache_bytes: this.cacheMemory, ...this.stats };
  }

  // --- upload ---------------------------------------------------------------------------------

  /**
   * Validates and stores one bundle: { url, debug_id?, code, map } for a project and release.
   * Returns { id, status: 'stored' | 'unchanged', debug_id, url } or throws a Refusal (the caller
   * counts it).
   */
  async put(project, release, bundle) {
    const options = this.opts;
    if (!isObj(bundle)) throw new Refusal('sourcemap_malformed', 'each bundle must be an object');
    const url = urlKey(bundle.url);
    if (!url || url === '~/') throw new Refusal('sourcemap_malformed', 'a bundle needs the "url" of its built file');
    if (typeof bundle.map !== 'string' || !bundle.map) throw new Refusal('sourcemap_malformed', `${url}: "map" must be the source map's text`);
    if (bundle.code !== undefined && bundle.code !== null && typeof bundle.code !== 'string') throw new Refusal('sourcemap_malformed', `${url}: "code" must be the built file's text`);
    const code = typeof bundle.code === 'string' ? bundle.code : '';
    const mapBytes = Buffer.byteLength(bundle.map);
    const codeBytes = Buffer.byteLength(code);
    if (mapBytes > options.maxMapBytes) throw new Refusal('sourcemap_too_large', `${url}: the map is ${mapBytes} bytes, more than ${options.maxMapBytes}`, 413);
    if (codeBytes > options.maxCodeBytes) throw new Refusal('sourcemap_too_large', `${url}: the built file is ${codeBytes} bytes, more than ${options.maxCodeBytes}`, 413);
    if (bundle.debug_id !== undefined && bundle.debug_id !== null && bundle.debug_id !== '' && !normalizeDebugId(bundle.debug_id))
      throw new Refusal('sourcemap_malformed', `${url}: "debug_id" is not a UUID`);
    const hash = crypto.createHash('sha1').update(bundle.map).update('\0').update(code).digest('hex');
    // The decoder is the judge: a map it cannot read (or too big to decode) is refused now, not
    // at the first view. What it decoded stays in the cache for the first read.
    const key = `bundle:${hash}`;
    const got = await this.ensure(key, async () => ({ mapText: bundle.map, code }));
    if (got.unavailable) throw new Refusal('sourcemaps_unavailable', got.unavailable, 503);
    if (got.refusal) throw new Refusal(got.refusal, `${url}: ${got.detail}`, got.refusal === 'sourcemap_too_large' ? 413 : 400);
    const loaded = { sources: got.entry.sources };
    // The debug ID: the one given with the upload, else the map's, else the //# debugId= comment.
    let debugId = normalizeDebugId(bundle.debug_id) || normalizeDebugId(got.debugId);
    if (!debugId && code) {
      const i = code.lastIndexOf('//# debugId=');
      if (i >= 0) debugId = normalizeDebugId(code.slice(i + 12, i + 12 + 48).split(/\s/)[0]);
    }
    release = typeof release === 'string' ? release.slice(0, 200) : '';
    const same = this.q.sameContent.get(project, hash, release, url);
    if (same) {
      this.q.touch.run(Date.now() / 1000, same.id);
      this.stats.unchanged += 1;
      return { id: same.id, status: 'unchanged', debug_id: debugId || null, url };
    }
    const [codeZ, mapZ] = await Promise.all([deflateRaw(code), deflateRaw(bundle.map)]);
    const storedBytes = codeZ.length + mapZ.length;
    if (storedBytes > options.maxTotalBytes) throw new Refusal('sourcemaps_store_full', `${url}: larger than the whole source map store (${options.maxTotalBytes} bytes)`, 413);
    const id = this.db.transaction(() => {
      this.q.replaceSlot.run(project, release, url);
      const info = this.q.insert.run({
        project, debug_id: debugId, release, url, basename: basenameOf(url), hash, code: codeZ, map: mapZ,
        code_bytes: codeBytes, map_bytes: mapBytes, stored_bytes: storedBytes, sources: Number(loaded.sources) || 0, uploaded: Date.now() / 1000,
      });
      return Number(info.lastInsertRowid);
    })();
    this.stats.stored += 1;
    this.refreshTotals();
    this.enforceBudget(id);
    const out = { id, status: 'stored', debug_id: debugId || null, url, sources: Number(loaded.sources) || 0, map_bytes: mapBytes };
    for (const f of this.onStored) f(out);
    return out;
  }

  refreshTotals() {
    const totals = this.q.total.get();
    this.count = totals.n;
    this.bytes = totals.bytes;
  }

  // Over the store's budget, the least recently used bundles go (counted), never the one just stored.
  enforceBudget(keep) {
    while (this.bytes > this.opts.maxTotalBytes) {
      const victims = this.q.oldest.all().filter((r) => r.id !== keep);
      if (!victims.length) break;
      for (const victim of victims) {
        if (this.bytes <= this.opts.maxTotalBytes) break;
        this.q.remove.run(victim.id);
        this.bytes -= victim.stored_bytes;
        this.count -= 1;
        this.stats.evicted += 1;
      }
    }
    this.refreshTotals();
  }

  /**
   * Stores the bundles of a build directory, as `faultline sourcemaps upload` would send them
   * (the collector's --source-maps DIR; `npm run demo` gives it the demo's own bundle). Returns
   * one report entry per script; refusals are passed to onRefuse (the collector counts them).
   */
  async importDirectory(project, dir, { release = '', urlPrefix = '~/', onRefuse = () => {} } = {}) {
    const report = [];
    for (const bundle of collectBundles(dir, { urlPrefix })) {
      if (bundle.skipped) {
        report.push({ file: bundle.file, skipped: bundle.skipped });
        continue;
      }
      try {
        report.push({ file: bundle.file, ...(await this.put(project, release, bundle)) });
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        onRefuse(err.reason);
        report.push({ file: bundle.file, error: err.message });
      }
    }
    return report;
  }

  list(project, limit = 100) {
    const n = Math.max(1, Math.min(1000, limit));
    return project ? this.q.listProject.all(String(project), n) : this.q.list.all(n);
  }

  remove(id) {
    const removed = this.q.remove.run(id).changes > 0;
    this.refreshTotals();
    return removed;
  }

  // --- resolution -----------------------------------------------------------------------------

  findBundle(project, release, frameUrl, debugId) {
    if (debugId) return { row: this.q.byDebugId.get(debugId) || null, via: 'debug-id' };
    const key = urlKey(frameUrl);
    if (!key) return { row: null };
    let row = project ? this.q.byUrl.get(project, release, key) : this.q.byUrlAnyProject.get(release, key);
    if (row) return { row, via: 'release' };
    const rows = project ? this.q.byBase.all(project, release, basenameOf(key)) : this.q.byBaseAnyProject.all(release, basenameOf(key));
    // By file name only when exactly one bundle of the release has it.
    row = rows.length === 1 ? rows[0] : null;
    return { row, via: row ? 'release-filename' : undefined };
  }

  // Loads a stored bundle (once; LRU): resolves to { key, entry } or { error }.
  async load(row) {
    const key = `bundle:${row.hash}`;
    if (this.broken.has(key)) return { error: this.broken.get(key) };
    let inflateError = null;
    const got = await this.ensure(key, async () => {
      this.stats.loads += 1;
      const body = this.q.body.get(row.id);
      if (!body) return { mapText: '', code: '' };
      try {
        const [map, code] = await Promise.all([inflateRaw(body.map), inflateRaw(body.code)]);
        return { mapText: map.toString('utf8'), code: code.toString('utf8') };
      } catch (err) {
        inflateError = `stored bundle unreadable (${err && err.code ? err.code : 'error'})`;
        return { mapText: '', code: '' };
      }
    });
    if (got.entry) {
      // Its last use, for the store's eviction order: a write, so at most once a minute per bundle.
      const now = Date.now() / 1000;
      if (!(this.touched.get(row.id) > now - 60)) {
        if (this.touched.size > 10000) this.touched.clear();
        this.touched.set(row.id, now);
        this.q.touch.run(now, row.id);
      }
      return { key, entry: got.entry };
    }
    const error = inflateError || got.detail || got.unavailable || 'decoder failed';
    if (got.refusal || inflateError) {
      this.stats.load_errors += 1;
      if (this.broken.size > 1000) this.broken.clear();
      this.broken.set(key, error);
    }
    return { error };
  }

  // Adds a decoded bundle to the cache and evicts the least recently used ones beyond its budget
  // (never the one just added).
  remember(key, decoded) {
    // Decoded size in the tools module, plus the sources kept here (UTF-16 in V8).
    const memory = (Number(decoded.memory) || 0) + decoded.contents.reduce((n, c) => n + (c ? c.length * 2 : 0), 0);
    const entry = { memory, sources: Number(decoded.sources) || 0, contents: decoded.contents, starts: new Map() };
    this.cache.set(key, entry);
    this.cacheMemory += memory;
    for (const [cachedKey, cached] of this.cache) {
      if (this.cacheMemory <= this.opts.cacheBytes || cachedKey === key) break;
      this.tools.call('unload', { key: cachedKey });
      this.cache.delete(cachedKey);
      this.cacheMemory -= cached.memory;
      this.stats.cache_evictions += 1;
    }
    return entry;
  }

  // Source context of a resolved frame from the bundle's sourcesContent (line starts cached).
  context(entry, resolved) {
    const text = Number.isInteger(resolved.source) ? entry.contents[resolved.source] : null;
    if (typeof text !== 'string') return null;
    let starts = entry.starts.get(resolved.source);
    if (!starts) {
      starts = lineStarts(text);
      entry.starts.set(resolved.source, starts);
    }
    return sourceContext(text, starts, resolved.lineno, resolved.colno, this.opts.contextLines);
  }

  /**
   * The event as the viewer shows it: each stack trace whose frames resolve gets the original
   * frames in `stacktrace` and the frames as stored in `raw_stacktrace` (Sentry's names). Frames
   * that do not resolve are kept as they were. Never throws; a map that fails adds an entry to
   * the event's `errors` (Sentry's processing-error list). The stored event is not changed.
   */
  async resolveEvent(event, project = null, { context = true } = {}) {
    if (!isObj(event) || this.count === 0) return event;
    const tools = await this.ready();
    if (!tools) return event;
    try {
      return await this.resolveWith(event, project ? String(project) : null, context);
    } catch {
      return event; // resolution is a view: the stored event is always shown
    }
  }

  // (One pass over the event's stack traces: the lookups it makes once per event, bundles found
  // per file, maps loaded per bundle, errors reported per bundle, serve all of them.)
  async resolveWith(event, project, withContext = true) {
    const traces = [];
    const exc = event.exception;
    const values = Array.isArray(exc) ? exc : isObj(exc) && Array.isArray(exc.values) ? exc.values : [];
    values.forEach((v, i) => { if (isObj(v) && isObj(v.stacktrace)) traces.push({ kind: 'exception', i }); });
    if (isObj(event.stacktrace)) traces.push({ kind: 'event' });
    const threads = isObj(event.threads) && Array.isArray(event.threads.values) ? event.threads.values : [];
    threads.forEach((t, i) => { if (isObj(t) && isObj(t.stacktrace)) traces.push({ kind: 'thread', i }); });
    if (!traces.length) return event;

    // Debug IDs the SDK reported for its files (debug_meta.images, type "sourcemap").
    const ids = new Map();
    const images = isObj(event.debug_meta) && Array.isArray(event.debug_meta.images) ? event.debug_meta.images.slice(0, 1000) : [];
    for (const img of images) {
      if (!isObj(img) || typeof img.code_file !== 'string') continue;
      const debugId = normalizeDebugId(img.debug_id);
      if (!debugId) continue;
      ids.set(img.code_file, debugId);
      const key = urlKey(img.code_file);
      if (key && !ids.has(key)) ids.set(key, debugId);
    }
    const release = typeof event.release === 'string' ? event.release.slice(0, 200) : '';
    const found = new Map(); // frame url -> { row, via } (one lookup per file per event)
    const loads = new Map(); // bundle id -> load result
    const errors = [];
    const reported = new Set();
    const out = { ...event };
    let changed = false;
    for (const trace of traces) {
      const stacktrace = trace.kind === 'exception' ? values[trace.i].stacktrace : trace.kind === 'event' ? event.stacktrace : threads[trace.i].stacktrace;
      const frames = Array.isArray(stacktrace.frames) ? stacktrace.frames : [];
      if (!frames.length || frames.length > 1000) continue;
      // Group the frames by bundle, then resolve each bundle's frames in one call.
      const byKey = new Map();
      for (let idx = 0; idx < frames.length; idx++) {
        const frame = frames[idx];
        if (!isObj(frame)) continue;
        const url = typeof frame.abs_path === 'string' && frame.abs_path ? frame.abs_path : typeof frame.filename === 'string' ? frame.filename : '';
        if (!url || !Number.isFinite(frame.lineno) || !Number.isFinite(frame.colno)) continue;
        if (!found.has(url)) found.set(url, this.findBundle(project, release, url, ids.get(url) || ids.get(urlKey(url))));
        const { row, via } = found.get(url);
        if (!row) continue;
        if (!loads.has(row.id)) loads.set(row.id, await this.load(row));
        const loaded = loads.get(row.id);
        if (loaded.error) {
          if (!reported.has(row.id)) {
            reported.add(row.id);
            errors.push({ type: 'js_invalid_source', url: url.slice(0, 2000), reason: loaded.error.slice(0, 300) });
          }
          continue;
        }
        if (!byKey.has(loaded.key)) byKey.set(loaded.key, { row, via, entry: loaded.entry, idx: [] });
        byKey.get(loaded.key).idx.push(idx);
      }
      if (!byKey.size) {
        this.stats.unresolved_frames += frames.length;
        continue;
      }
      const resolved = frames.slice();
      let any = false;
      for (const [key, group] of byKey) {
        const res = await this.tools.call('resolve', { key, frames: group.idx.map((i) => ({ lineno: frames[i].lineno, colno: frames[i].colno })) });
        if (!Array.isArray(res.frames)) continue;
        group.idx.forEach((frameIndex, position) => {
          const result = res.frames[position];
          if (!isObj(result) || result.resolved !== true) return;
          resolved[frameIndex] = originalFrame(frames[frameIndex], result, withContext ? this.context(group.entry, result) : null, group.row, group.via);
          any = true;
        });
      }
      const resolvedCount = resolved.filter((f, i) => f !== frames[i]).length;
      this.stats.resolved_frames += resolvedCount;
      this.stats.unresolved_frames += frames.length - resolvedCount;
      if (!any) continue;
      changed = true;
      const next = { ...stacktrace, frames: resolved };
      if (trace.kind === 'exception') {
        if (!out.exception || out.exception === event.exception) out.exception = Array.isArray(exc) ? exc.slice() : { ...exc, values: exc.values.slice() };
        const list = Array.isArray(out.exception) ? out.exception : out.exception.values;
        list[trace.i] = { ...values[trace.i], stacktrace: next, raw_stacktrace: stacktrace };
      } else if (trace.kind === 'event') {
        out.stacktrace = next;
        out.raw_stacktrace = stacktrace;
      } else {
        if (!out.threads || out.threads === event.threads) out.threads = { ...event.threads, values: threads.slice() };
        out.threads.values[trace.i] = { ...threads[trace.i], stacktrace: next, raw_stacktrace: stacktrace };
      }
    }
    if (errors.length) {
      out.errors = [...(Array.isArray(event.errors) ? event.errors : []), ...errors];
      changed = true;
    }
    return changed ? out : event;
  }

  async close() {
    this.cache.clear();
    if (this.worker) await this.worker.close();
    this.db.close();
  }
}

/**
 * The issue list's title and culprit from resolved frames, as Sentry shows an issue after its
 * source-map processing (its culprit is the innermost in-app frame's `function(file)` of the
 * processed event; a title is the exception's type and value, which frames do not change).
 * Ingest stores them from the minified frames as sent, synchronously and without maps; this
 * resolves them afterwards, off the ingest path:
 *   - after each ingest batch, an issue whose culprit was set anew (a new issue, or a new title)
 *     is queued — one Map lookup per touched issue, nothing when no map is stored;
 *   - when a bundle is stored, the issues whose culprit names its file are queued (existing
 *     issues resolve when their map arrives after them, the usual order);
 *   - in batches of issues, each one's latest event is resolved (the map's decode and the lookups
 *     run in the source-map worker) and its title and culprit are written if ingest has not
 *     changed them meanwhile (else the issue is queued again by that ingest).
 * The queue is bounded: past `maxQueue` waiting issues, more are dropped and counted
 * (`issues_dropped`); such an issue keeps its minified culprit until its next new title.
 */
export class IssueDisplay {
  constructor(store, maps, { onChange = () => {}, maxQueue = 10000, scanChunk = 2000, batch = 32 } = {}) {
    this.store = store;
    this.batch = batch;
    this.maps = maps;
    this.onChange = onChange;
    this.maxQueue = maxQueue;
    this.scanChunk = scanChunk;
    this.queue = new Set();   // issue ids waiting
    this.settled = new Map(); // issue id -> the culprit it was last checked with (nothing to do while unchanged)
    this.running = null;
    this.closed = false;
    maps.onStored.push((bundle) => this.afterUpload(bundle));
  }

  /** After an ingest batch: queues the touched issues whose culprit was not checked yet. */
  afterIngest(rows) {
    if (!this.maps.count || this.closed) return;
    for (const row of rows) if (this.settled.get(row.id) !== row.culprit) this.add(row.id);
    this.kick();
  }

  /** After a bundle was stored: queues the issues whose culprit is in a file of that name. */
  afterUpload(bundle) {
    const name = typeof bundle.url === 'string' ? bundle.url.slice(bundle.url.lastIndexOf('/') + 1) : '';
    if (!name || this.closed) return;
    this.scans = (this.scans || Promise.resolve()).then(async () => {
      for (let after = 0; !this.closed;) {
        const ids = this.store.issueIdsByCulprit(name, after, this.scanChunk);
        for (const id of ids) {
          this.settled.delete(id);
          this.add(id);
        }
        this.kick();
        if (ids.length < this.scanChunk) break;
        after = ids[ids.length - 1];
        await new Promise((r) => setImmediate(r)); // a large store is scanned between ingest turns
      }
    }).catch(() => {});
  }

  add(id) {
    if (this.queue.has(id)) return;
    if (this.queue.size >= this.maxQueue) {
      this.maps.stats.issues_dropped += 1;
      return;
    }
    this.queue.add(id);
  }

  // Works through the queue in batches: the batch's events are resolved together (their calls
  // to the worker overlap) and its changes written in one transaction; the next batch starts in
  // a later turn of the event loop, after the ingest work that arrived meanwhile.
  kick() {
    if (this.running || !this.queue.size || this.closed) return;
    this.running = (async () => {
      while (this.queue.size && !this.closed) {
        const ids = [];
        for (const id of this.queue) {
          ids.push(id);
          if (ids.length >= this.batch) break;
        }
        for (const id of ids) this.queue.delete(id);
        try {
          const found = await Promise.all(ids.map((id) => this.check(id).catch(() => null)));
          if (this.closed) break;
          this.apply(found.filter(Boolean));
        } catch {
          /* a view: the issues keep what ingest stored */
        }
        await new Promise((r) => setImmediate(r));
      }
    })().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  // An issue's title and culprit from its resolved latest event: { row, next } (next null when
  // resolution changes nothing).
  async check(id) {
    const row = this.store.issueRow(id);
    if (!row) return null;
    const evRow = this.store.latestEventRow(row);
    const event = evRow ? this.store.decodeEvent(evRow) : null;
    this.maps.stats.issues_checked += 1;
    let resolved = event;
    if (event) {
      // Most often the innermost frames decide; else the whole event is resolved.
      const part = culpritPart(event);
      const partResolved = part ? await this.maps.resolveEvent(part, row.project, { context: false }) : null;
      const frames = partResolved ? exceptionValues(partResolved).at(-1).stacktrace.frames : [];
      resolved = partResolved && frames.some((f) => isObj(f) && f.in_app === true) ? partResolved : await this.maps.resolveEvent(event, row.project, { context: false });
      if (resolved === part) resolved = event;
    }
    // What resolution changed (a culprit the SDK set itself, or a title, stays as ingest stored it).
    let next = null;
    if (resolved && resolved !== event) {
      const [title, culprit] = [titleOf(resolved), culpritOf(resolved)];
      next = { title: title !== titleOf(event) ? title : row.title, culprit: culprit !== culpritOf(event) ? culprit : row.culprit };
      if (next.title === row.title && next.culprit === row.culprit) next = null;
    }
    return { row, next };
  }

  apply(found) {
    const changed = [];
    // The store's pending aggregates are written first, in their own transaction (a flush inside
    // this one would be undone with it if a later update failed, while the store forgot them).
    this.store.flush();
    this.store.db.transaction(() => {
      for (const { row, next } of found) {
        if (next) {
          const updated = this.store.setIssueDisplay(row.id, row, next);
          if (!updated) continue; // ingest changed it meanwhile, and queued it again
          this.maps.stats.issues_updated += 1;
          this.remember(row.id, next.culprit);
          changed.push(updated);
        } else {
          // Nothing to resolve with (or already resolved): settled until its culprit changes.
          const now = this.store.issueRow(row.id);
          if (now && now.culprit === row.culprit) this.remember(row.id, row.culprit);
        }
      }
    })();
    if (changed.length) this.onChange(changed);
  }

  remember(id, culprit) {
    if (this.settled.size >= 200000) this.settled.clear(); // then each touched issue is checked once more
    this.settled.set(id, culprit);
  }

  /** Resolves when nothing is queued or running (tests, the bench). */
  async idle() {
    for (;;) {
      await this.scans;
      if (this.running) await this.running;
      else if (this.queue.size && !this.closed) this.kick();
      else return;
    }
  }

  close() {
    this.closed = true;
    this.queue.clear();
    return this.running || Promise.resolve();
  }
}

// The part of an event its culprit comes from when one of its frames stays in-app: the last
// exception with the innermost three frames that may be in-app once resolved (resolution only
// ever clears in_app) and the innermost frame (the culprit when no frame is in-app). A frame left
// out is either not in-app (and stays so) or outside those three. null when that is every frame.
function culpritPart(event) {
  const last = exceptionValues(event).at(-1);
  const frames = last && isObj(last.stacktrace) && Array.isArray(last.stacktrace.frames) ? last.stacktrace.frames : null;
  if (!frames || !frames.length) return null;
  const keep = new Set([frames.length - 1]);
  for (let i = frames.length - 1, inApp = 0; i >= 0 && inApp < 3; i--) {
    if (isObj(frames[i]) && frames[i].in_app !== false) {
      keep.add(i);
      inApp += 1;
    }
  }
  if (keep.size >= frames.length) return null;
  const part = { ...event, exception: { values: [{ ...last, stacktrace: { ...last.stacktrace, frames: frames.filter((_, i) => keep.has(i)) } }] } };
  delete part.threads;
  delete part.stacktrace;
  return part;
}

// The original frame, as Sentry shows a frame its source-map processing resolved: original
// function, file, line and column, source context from the map's sourcesContent, and in `data`
// which map and how it was found. Library sources (ignore-listed, or under node_modules) are not
// in-app.
function originalFrame(min, resolved, context, row, via) {
  const frame = { ...min };
  if (typeof resolved.function === 'string') frame.function = resolved.function;
  frame.filename = resolved.filename;
  frame.abs_path = resolved.filename;
  if (Number.isFinite(resolved.lineno)) frame.lineno = resolved.lineno;
  else delete frame.lineno;
  if (Number.isFinite(resolved.colno)) frame.colno = resolved.colno;
  else delete frame.colno;
  frame.in_app = min.in_app !== false && resolved.in_app !== false && !/(^|\/)node_modules\//.test(resolved.filename);
  delete frame.pre_context;
  delete frame.context_line;
  delete frame.post_context;
  if (context) Object.assign(frame, context);
  frame.data = { ...(isObj(min.data) ? min.data : {}), sourcemap: `${row.url}.map`, resolved_with: via, symbolicated: true, ...(row.debug_id ? { debug_id: row.debug_id } : {}) };
  return frame;
}

/**
 * The collector's /api/sourcemaps routes, given the server's helpers (so errors, limits and
 * counters follow its rules: no CORS, cross-site refused before this runs, 4xx without paths).
 *   POST   /api/sourcemaps        {"project"?, "release"?, "bundles": [{"url", "debug_id"?, "code", "map"}]}
 *                                 (application/json, gzip/deflate/br allowed) -> {stored, refused}
 *   GET    /api/sourcemaps?project=&limit=   the stored bundles (no bodies)
 *   DELETE /api/sourcemaps/:id
 */
export function sourceMapRoutes(maps, { HttpError, readBody, send, refuse, projects }) {
  // An upload body, decompressed in zlib's thread pool (megabytes: not on the event loop).
  async function decompress(buf, encoding, maxOut) {
    const enc = String(encoding || '').toLowerCase();
    if (!enc || enc === 'identity') return buf;
    if (!UNZIP[enc]) throw new HttpError(415, 'unsupported content-encoding', 'bad_encoding');
    try {
      return await UNZIP[enc](buf, { maxOutputLength: maxOut });
    } catch (err) {
      if (err && (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)) throw new HttpError(413, `decompressed body larger than ${maxOut} bytes`, 'too_large');
      throw new HttpError(400, `body is not valid ${enc}`, 'bad_encoding');
    }
  }
  return async function route(req, res, url, pathname) {
    const method = req.method;
    if (pathname === '/api/sourcemaps' || pathname === '/api/sourcemaps/') {
      if (method === 'GET') {
        const limit = Number(url.searchParams.get('limit')) || 100;
        return send(res, 200, maps.list(url.searchParams.get('project'), limit));
      }
      if (method !== 'POST') throw new HttpError(405, 'use GET or POST', 'bad_method');
      // A JSON body: a cross-site form cannot send one without a preflight, which gets no CORS.
      const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'send the upload as application/json', 'bad_content_type');
      const raw = await readBody(req, maps.opts.maxRequestBytes);
      const body = await decompress(raw, req.headers['content-encoding'], maps.opts.maxRequestBytes);
      let upload;
      try {
        upload = JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'the upload is not valid JSON', 'bad_json');
      }
      if (!isObj(upload) || !Array.isArray(upload.bundles)) throw new HttpError(400, 'the upload needs a "bundles" array', 'bad_json');
      if (upload.bundles.length > maps.opts.maxBundlesPerRequest) throw new HttpError(413, `at most ${maps.opts.maxBundlesPerRequest} bundles per request`, 'too_many_items');
      const project = upload.project === undefined || upload.project === null ? Object.keys(projects)[0] : String(upload.project);
      if (!projects[project]) throw new HttpError(404, 'unknown project', 'unknown_project');
      if (upload.release !== undefined && upload.release !== null && typeof upload.release !== 'string') throw new HttpError(400, '"release" must be a string', 'bad_json');
      const stored = [];
      const refused = [];
      for (const bundle of upload.bundles) {
        try {
          stored.push(await maps.put(project, upload.release || '', bundle));
        } catch (err) {
          if (!(err instanceof Refusal)) throw err;
          refuse(err.reason);
          refused.push({ url: isObj(bundle) && typeof bundle.url === 'string' ? bundle.url.slice(0, 300) : null, reason: err.reason, detail: err.message.slice(0, 500), status: err.status });
        }
      }
      // Something stored: 200 with the refusals listed. Nothing: the first refusal's status.
      const status = stored.length || !refused.length ? 200 : refused[0].status;
      return send(res, status, status === 200 ? { stored, refused } : { detail: refused[0].detail, stored, refused });
    }
    const route = /^\/api\/sourcemaps\/(\d{1,15})\/?$/.exec(pathname);
    if (route && method === 'DELETE') return maps.remove(Number(route[1])) ? send(res, 200, { ok: true }) : send(res, 404, { detail: 'no such bundle' });
    return send(res, 404, { detail: 'no such API route' });
  };
}
