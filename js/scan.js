// The page's scan (issue 10): when an error's stack has frames in a script that has no symbol
// table, the SDK fetches that script's own source once and builds its table: in JavaScriptCore
// (Safari) the call graph puts back the frames its proper tail calls dropped, in every engine the
// table names the functions as a source map's does (a method's class, where an anonymous function
// is defined), so that all engines group alike (see README, *Grouping*). In V8 and SpiderMonkey a
// script whose frames show minified code is not fetched (js/client.js, scanWanted).
// The builder is a WASM module of its own, dist/faultline-scan.wasm (bindings/faultline_scan.cpp),
// instantiated here without Emscripten's glue: its imports are the heap's growth and a memory
// copy, and each scan gets a fresh instance. It runs in a module Worker (Scanner below), so a scan
// never blocks the page; only where no Worker can start (a CSP without worker-src for it, no
// Worker at all) does it run on the main thread, within the limits below.
// js/client.js imports jscStack and SCAN_MAX_BYTES from here; Scanner and scanCode reach the page
// only in dist/faultline-scan-worker.mjs (js/scan-worker.js), which the client imports when a
// stack first needs a scan and which is also the Worker's script:
// the SDK's own bundles (the script-tag build) do not carry them.
import { platform, globalObject, later, cancel, log } from './util.js';

/**
 * Scripts larger than this (bytes announced or read) are not scanned: about 1.3 s of scan for
 * 1 MiB of code in WebKitGTK on this project's loaded machine, off the page's thread.
 */
export const SCAN_MAX_BYTES = 1 << 20;
/**
 * Where no Worker starts, the main thread scans one script of at most MAIN_MAX_BYTES (16 KiB), in a
 * task of its own after a yield, and at most MAIN_BUDGET bytes (64 KiB) per page; larger scripts,
 * and those past the budget, are skipped. Measured in WebKitGTK on this project's loaded machine:
 * a 15 KB script 26–60 ms once the module is warm, 380–440 ms for the first scans (the module
 * runs cold); a 62 KB one took 121–1 088 ms, which is why the bound is not 64 KiB.
 */
export const MAIN_MAX_BYTES = 16 << 10, MAIN_BUDGET = 64 << 10;
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

const get = (url, fetchImpl) => platform.Promise_.resolve(url).then((u) => fetchImpl(u, { credentials: 'same-origin' }))
  .then((r) => (r.ok ? r : platform.Promise_.reject(Error(`${url}: HTTP ${r.status}`))));

/**
 * Runs the page's scans: in one module Worker started at the first scan (its script found as the
 * scan module is, else the same script as a Blob when its URL is another origin's), given the
 * module's bytes and then each script's bytes (transferred); scans queue there, one after another,
 * and the Worker ends after 10 s without one. Where no Worker answers (it cannot start, or cannot
 * compile the module), each scan runs on the main thread, in a task of its own, within
 * MAIN_MAX_BYTES and MAIN_BUDGET, counted in `n.main_thread`.
 * `scan(file, bytes)` resolves with `{ table }`, `{ refused }` or `{ skipped }`.
 */
export class Scanner {
  constructor(wasmUrl, workerUrl, fetchImpl, n, debug) {
    Object.assign(this, { u: wasmUrl, wu: workerUrl, f: fetchImpl, n, d: debug, jobs_: new Map(), id: 0, left_: MAIN_BUDGET, q: platform.Promise_.resolve() });
  }

  /** The scan module's bytes, fetched once (a failure is forgotten: a later scan retries). */
  wasm_() {
    const b = this.b || (this.b = get(this.u, this.f).then((r) => r.arrayBuffer()));
    b.catch(() => { this.b = 0; });
    return b;
  }

  /** The Worker, started once (null: none answered, scans run on the main thread). */
  worker_() {
    const w = this.wp || (this.wp = this.wasm_().then((wasm) => new platform.Promise_((ok) => {
      const main = (e) => {
        log(this.d, 'scans run on the main thread:', e);
        ok(null);
      };
      const start = (url, next) => {
        let w, t;
        const fail = (e) => {
          if (!t) return;
          cancel(t);
          t = 0;
          w.terminate();
          next(e);
        };
        try { w = new globalObject.Worker(url, { type: 'module' }); } catch (e) { return next(e); }
        t = later(fail, 5000);  // no answer
        w.onerror = (e) => fail(Error(e.message));
        w.onmessage = ({ data }) => {
          if (data !== 1) return fail(Error(data));
          cancel(t);
          w.onmessage = (e) => this.done_(e.data);
          w.onerror = (e) => this.died_(Error(e.message));
          ok(w);
        };
        w.postMessage(wasm.slice(0));
      };
      if (typeof globalObject.Worker != 'function') return main();
      start(this.wu, (e) => {
        // Another origin's script cannot start a Worker: the same script from a Blob can.
        if (!globalObject.Blob) return main(e);
        get(this.wu, this.f).then((r) => r.text()).then((txt) => {
          start(globalObject.URL.createObjectURL(new globalObject.Blob([txt], { type: 'text/javascript' })), main);  // one small Blob kept per page
        }).catch(main);
      });
    })));
    w.catch(() => { this.wp = 0; });
    return w;
  }

  /** Scans one script's UTF-8 bytes (a Uint8Array of its own, transferred to the Worker). */
  scan(file, bytes) {
    return this.worker_().then((w) => (w ? new platform.Promise_((ok, no) => {
      const i = ++this.id;
      this.jobs_.set(i, [ok, no]);
      cancel(this.idle_);
      w.postMessage({ i, f: file, c: bytes }, [bytes.buffer]);
    }) : this.onMain_(file, bytes)));
  }

  /** A Worker's answer. */
  done_({ i, r, e }) {
    const j = this.jobs_.get(i);
    if (!j) return;
    this.jobs_.delete(i);
    if (e) j[1](Error(e));
    else j[0](r);
    if (!this.jobs_.size) this.idle_ = later(() => this.died_(), 10000);
  }

  /** The Worker ended (idle) or failed: what it had queued fails, the next scan starts another. */
  died_(e) {
    const w = this.wp;
    this.wp = 0;
    if (w) w.then((x) => x && x.terminate());
    for (const [, j] of this.jobs_) j[1](e);
    this.jobs_.clear();
  }

  /** A scan on the main thread: bounded, and in a task of its own after the page's (a yield). */
  onMain_(file, bytes) {
    const n = this.n, size = bytes.length;
    if (size > MAIN_MAX_BYTES || size > this.left_) {
      return platform.Promise_.resolve({ skipped: `${size} B on the main thread` });
    }
    this.left_ -= size;
    n.main_thread = (n.main_thread || 0) + 1;
    const job = this.q.then(() => new platform.Promise_((r) => later(r, 0)))
      .then(() => this.mod_ || (this.mod_ = this.wasm_().then((b) => WebAssembly.compile(b))))
      .then((m) => scanCode(m, file, new TextDecoder().decode(bytes)));
    job.catch(() => { this.mod_ = 0; });
    this.q = job.catch(() => {});
    return job;
  }
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
