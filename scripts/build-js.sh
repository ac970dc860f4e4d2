#!/usr/bin/env bash
# Builds the script-tag bundle: dist/faultline.iife.js (global `Faultline`), with faultline.wasm beside it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
[ -f dist/faultline.wasm ] || bash scripts/build.sh wasm
node scripts/gen-version.mjs  # js/version.js from package.json's version
# Private properties: the source names them readably with a trailing underscore (hub.on_); the
# build shortens exactly those (esbuild mangleProps), never a public, wire or stored name.
npx --no-install esbuild js/iife.js --bundle --minify --format=iife --global-name=Faultline \
  --target=es2019 --log-level=error --outfile=dist/faultline.iife.js \
  --mangle-props='[^_]_$'
echo "[build-js] dist/faultline.iife.js $(wc -c < dist/faultline.iife.js) bytes, gzip -9 $(gzip -9c dist/faultline.iife.js | wc -c)"
