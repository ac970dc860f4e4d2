// The collector's source map work off its main thread: a worker that holds the tools WASM module
// (the C++ decoder, symbol tables, resolution) and does the heavy parts of an upload and a first
// read (JSON.parse of a multi-megabyte map, decoding, symbol table building), so ingest never
// waits for them. The main thread talks to it through ToolsWorker (below, same file).
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Mappings segments of a map (regular or index), counted without decoding: an upper bound of
// what the decoder allocates (24 bytes each).
export function countSegments(map) {
  let segments = 0;
  const count = (mappings) => {
    if (typeof mappings !== 'string') return;
    segments += 1;
    for (let i = 0; i < mappings.length; i++) {
      const code = mappings.charCodeAt(i);
      if (code === 44 || code === 59) segments += 1;
    }
  };
  if (Array.isArray(map.sections)) for (const section of map.sections) count(isObj(section) && isObj(section.map) ? section.map.mappings : null);
  else count(map.mappings);
  return segments;
}

/**
 * A parsed map split for the decoder: the map's JSON without `sourcesContent` (the decoder never
 * needs the sources, and they are most of a map's bytes: 4.4 of @sentry/browser's 5 MB), and the
 * contents in document order (sections one after the other), each a string or null. The decoder's
 * source_order then says which merged source each of them belongs to.
 */
export function splitMap(map) {
  const contents = [];
  const take = (part) => {
    const sourceCount = Array.isArray(part.sources) ? part.sources.length : 0;
    const sourcesContent = Array.isArray(part.sourcesContent) ? part.sourcesContent : [];
    for (let i = 0; i < sourceCount; i++) contents.push(typeof sourcesContent[i] === 'string' ? sourcesContent[i] : null);
    delete part.sourcesContent;
  };
  if (Array.isArray(map.sections)) {
    for (const s of map.sections) if (isObj(s) && isObj(s.map)) take(s.map);
  } else take(map);
  return { slim: JSON.stringify(map), contents };
}

/**
 * Parses, bounds and decodes one map with its built file, loading it under `key`. Returns
 * { ok, debug_id, sources, memory, contents (per merged source, string or null) } or
 * { refusal: 'sourcemap_invalid' | 'sourcemap_too_large', detail }.
 */
function decode(tools, { key, mapText, code, maxSegments }) {
  let map;
  try {
    map = JSON.parse(mapText.startsWith(")]}'") ? mapText.slice(mapText.indexOf('\n') + 1) : mapText);
  } catch {
    return { refusal: 'sourcemap_invalid', detail: 'the map is not valid JSON' };
  }
  if (!isObj(map)) return { refusal: 'sourcemap_invalid', detail: 'the map is not a JSON object' };
  const segments = countSegments(map);
  if (segments > maxSegments) return { refusal: 'sourcemap_too_large', detail: `the map has ${segments} mappings segments, more than ${maxSegments}` };
  const debugId = typeof map.debugId === 'string' ? map.debugId : typeof map.debug_id === 'string' ? map.debug_id : '';
  const { slim, contents } = splitMap(map);
  // Bytes, not strings: Embind copies a Buffer as is instead of encoding a string char by char.
  const result = JSON.parse(tools.loadSourceMap(key, Buffer.from(slim), Buffer.from(code)));
  if (result.error) return { refusal: 'sourcemap_invalid', detail: result.error };
  const bySource = new Array(Number(result.sources) || 0).fill(null);
  const order = Array.isArray(result.source_order) ? result.source_order : [];
  order.forEach((src, k) => {
    if (bySource[src] === null && typeof contents[k] === 'string') bySource[src] = contents[k];
  });
  return { ok: true, debug_id: debugId, sources: Number(result.sources) || 0, memory: Number(result.memory) || 0, contents: bySource };
}

if (parentPort && workerData && workerData.faultlineSourceMaps === true) {
  const { loadTools } = await import('../../js/sourcemaps-cli.js');
  let tools = null;
  let toolsError = null;
  try {
    tools = await loadTools();
  } catch (err) {
    toolsError = String(err && err.message ? err.message : err);
  }
  parentPort.on('message', ({ id, op, args }) => {
    let out;
    try {
      if (!tools) out = { unavailable: toolsError || 'tools module not loaded' };
      else if (op === 'decode') out = decode(tools, args);
      else if (op === 'resolve') out = JSON.parse(tools.resolvePositions(args.key, JSON.stringify({ frames: args.frames })));
      else if (op === 'unload') out = { ok: tools.unloadSourceMap(args.key) };
      else out = { error: 'unknown operation' };
    } catch (err) {
      out = { error: `tools: ${err && err.name ? err.name : 'error'}` };
    }
    parentPort.postMessage({ id, out });
  });
  parentPort.postMessage({ ready: true, unavailable: toolsError });
}

/** The main thread's handle on the worker: call(op, args) -> Promise of the worker's answer. */
export class ToolsWorker {
  constructor() {
    this.worker = new Worker(fileURLToPath(import.meta.url), { workerData: { faultlineSourceMaps: true } });
    this.worker.unref();
    this.next = 1;
    this.waiting = new Map();
    this.ready = new Promise((resolve) => {
      const onReady = (message) => {
        if (!message || !message.ready) return;
        this.worker.off('message', onReady);
        resolve(message.unavailable ? null : this);
      };
      this.worker.on('message', onReady);
      this.worker.once('error', () => resolve(null));
    });
    this.worker.on('message', (message) => {
      if (!message || message.id === undefined) return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (waiter) waiter(message.out);
    });
    // A worker that dies answers every waiting call as unavailable, never leaves one hanging.
    const fail = () => {
      for (const waiter of this.waiting.values()) waiter({ unavailable: 'source map worker stopped' });
      this.waiting.clear();
      this.dead = true;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  call(op, args) {
    if (this.dead) return Promise.resolve({ unavailable: 'source map worker stopped' });
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, op, args });
    });
  }

  async close() {
    this.dead = true;
    await this.worker.terminate();
  }
}
