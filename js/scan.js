// The page's scan (issue 10): when a JavaScriptCore (Safari) stack has frames in a script that has
// no symbol table, the SDK fetches that script's own source once and builds, in the page, the
// call-graph table that puts back the frames JavaScriptCore's proper tail calls dropped (see
// README, *Grouping*). The builder is a WASM module of its own, dist/faultline-scan.wasm
// (bindings/faultline_scan.cpp), loaded only then and instantiated here without Emscripten's glue:
// its imports are the heap's growth and a memory copy, and each scan gets a fresh instance.
// Imported lazily by js/client.js; nothing here runs before an error needs it.

/**
 * Scripts larger than this (bytes announced, or UTF-16 units once read) are not scanned: the scan
 * runs on the main thread, about 1 s for 1 MiB of code on this project's loaded machine.
 */
export const SCAN_MAX_BYTES = 1 << 20;
const MAX_HEAP = 256 << 20;  // the module's -sMAXIMUM_MEMORY

/**
 * JavaScriptCore's stack format, from the stack alone where it says so — its `[native code]`
 * frames and its `global code` / `module code` / `eval code` frames, which no other engine
 * prints — else from the engine running this page, for a stack in the `name@url:line:col` format
 * that JavaScriptCore shares with SpiderMonkey (a callback's stack can be one plain frame).
 */
export function jscStack(stack, engineIsJsc = runningJsc) {
  const s = String(stack || '').slice(0, 65536);
  if (/(^|\n)[^\n@]*@\[native code\]|(^|\n)(global|module|eval) code@|(^|\n)\[native code\]/.test(s)) return true;
  if (/(^|\n) +at /.test(s) || !/(^|\n)[^\n@ ]*@[a-z][\w+.-]*:\/\/[^\n]*:\d+:\d+/i.test(s)) return false;
  return typeof engineIsJsc == 'function' ? engineIsJsc() : !!engineIsJsc;
}

let jsc;
/** Whether this engine is JavaScriptCore: a built-in's frame is on its stacks as `map@[native code]`. */
export function runningJsc() {
  if (jsc === undefined) {
    try { jsc = /@\[native code\]/.test([0].map(() => String(new Error().stack))[0]); } catch { jsc = false; }
  }
  return jsc;
}

const modules = new Map();  // URL of the .wasm -> its compiled module (a promise)

/** Fetches and compiles the scan module once per URL (a failure is forgotten: a later scan retries). */
export function loadScan(url, fetchImpl) {
  let m = modules.get(url);
  if (!m) {
    m = Promise.resolve(url).then((u) => fetchImpl(u, { credentials: 'same-origin' }))
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(Error(`${url}: HTTP ${r.status}`))))
      .then((b) => WebAssembly.compile(b));
    m.catch(() => modules.delete(url));
    modules.set(url, m);
  }
  return m;
}

/**
 * Scans one script's code with the compiled module: `{ table }` (the table's JSON text, for
 * `core.addSymbolTable`) or `{ refused }` (why the code gets none: a build output, minified —
 * src/code_table.h). Rejects when the module cannot run (its imports, memory).
 */
export function scanCode(module, file, code) {
  let memory;
  const heap = () => new Uint8Array(memory.buffer);
  const env = {
    emscripten_resize_heap(size) {
      size >>>= 0;
      const old = memory.buffer.byteLength;
      if (size > MAX_HEAP) return 0;
      let want = Math.max(old, 1 << 16);
      while (want < size) want *= 2;
      want = Math.min(want, MAX_HEAP);
      try { memory.grow((want - old + 65535) >>> 16); return 1; } catch { return 0; }
    },
    emscripten_memcpy_big(dest, src, n) { heap().copyWithin(dest, src, src + n); },
  };
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.kind != 'function') continue;
    const fn = env[i.name] || (() => { throw Error(`faultline-scan: ${i.module}.${i.name}`); });  // abort and the like end the scan
    (imports[i.module] || (imports[i.module] = {}))[i.name] = fn;
  }
  return WebAssembly.instantiate(module, imports).then((inst) => {
    const x = inst.exports;
    memory = x.memory;
    if (x.__wasm_call_ctors) x.__wasm_call_ctors();
    const enc = new TextEncoder(), put = (s) => {
      const b = enc.encode(s), at = x.malloc(b.length + 1);
      if (!at) throw Error('faultline-scan: out of memory');
      heap().set(b, at);
      return [at, b.length];
    };
    const [fp, fn] = put(file), [cp, cn] = put(code);
    const at = x.fl_scan(fp, fn, cp, cn), h = heap();
    let end = at;
    while (h[end]) end++;
    const out = new TextDecoder().decode(h.subarray(at, end));
    return out[0] == '!' ? { refused: out.slice(1) } : { table: out };
  });
}
