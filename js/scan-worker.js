// dist/faultline-scan-worker.mjs, built from this file by scripts/build-js.sh and served beside
// dist/faultline-scan.wasm: the page's scan, loaded only when a JavaScriptCore stack first needs
// one. In the page, js/client.js imports it for Scanner (js/scan.js), which starts this same
// module as a Worker; in that Worker, the first message is the scan module's bytes: it compiles
// them and answers 1 (or why it could not: the page then scans on its own thread, bounded). Each
// later message is one script `{ i, f: file, c: UTF-8 bytes }`, answered `{ i, r: { table } |
// { refused } }` or `{ i, e: why }`, one after another.
import { scanCode } from './scan.js';

export { Scanner } from './scan.js';

if (typeof WorkerGlobalScope == 'function') {
  let mod;
  self.onmessage = ({ data: d }) => {
    if (!d || !d.f) {
      mod = WebAssembly.compile(d);
      mod.then(() => self.postMessage(1), (e) => self.postMessage(String(e && e.message || e)));
      return;
    }
    mod.then((m) => scanCode(m, d.f, new TextDecoder().decode(d.c)))
      .then((r) => self.postMessage({ i: d.i, r }), (e) => self.postMessage({ i: d.i, e: String(e && e.message || e) || 'scan failed' }));
  };
}
