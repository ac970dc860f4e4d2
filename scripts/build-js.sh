#!/usr/bin/env bash
# Builds the package's JS: esm/ (the module entry, js/ with private properties renamed), the
# script-tag bundle dist/faultline.iife.js (global `Faultline`, faultline.wasm beside it), the scan Worker.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
[ -f dist/faultline.wasm ] || bash scripts/build.sh wasm
node scripts/gen-version.mjs  # js/version.js from package.json's version
# esm/ (the package's module entry), the IIFE and the scan Worker, with one property renaming
# (scripts/build-js.mjs says how).
node scripts/build-js.mjs
# esbuild's module helpers (__export, __copyProps, __toCommonJS) define properties with descriptor
# literals, which inherit from Object.prototype: a page that put `value`, `get`, `set`, `writable`...
# there (even a setter alone) made them invalid, and the script threw at load. Its one alias of
# Object.defineProperty is rebound to a version that reads only the descriptor's own fields
# (the descriptor loses its prototype; both functions are taken at load).
node -e '
const fs = require("fs"), f = "dist/faultline.iife.js", s = fs.readFileSync(f, "utf8");
const m = /var ([\w$]+)=Object\.defineProperty[;,]/.exec(s);
if (!m) { console.error("build-js: esbuild'"'"'s Object.defineProperty alias not found in " + f); process.exit(1); }
const def = m[0].replace("Object.defineProperty", "((D,S)=>(o,k,d)=>D(o,k,S(d,null)))(Object.defineProperty,Object.setPrototypeOf)");
fs.writeFileSync(f, s.slice(0, m.index) + def + s.slice(m.index + m[0].length));
'
# The page's scan Worker (js/scan-worker.js, dist/faultline-scan-worker.mjs, built above): loaded
# only when a JavaScriptCore stack needs a scan, from beside faultline-scan.wasm, never on the
# critical path.
echo "[build-js] dist/faultline-scan-worker.mjs $(wc -c < dist/faultline-scan-worker.mjs) bytes, gzip -9 $(gzip -9c dist/faultline-scan-worker.mjs | wc -c)"
echo "[build-js] dist/faultline.iife.js $(wc -c < dist/faultline.iife.js) bytes, gzip -9 $(gzip -9c dist/faultline.iife.js | wc -c)"
