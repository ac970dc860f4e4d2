#!/usr/bin/env bash
# `npm run demo`: install what is missing, build, start the local collector + viewer, serve the demo page.
#   FAULTLINE_DEMO_PORT=8765 (default)   FAULTLINE_DEMO_DATA=.demo-data (default)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
FAULTLINE_TOOLCHAIN=minimal bash scripts/toolchain.sh
bash scripts/build.sh wasm
# The demo's minified bundle (dist/demo/checkout.js + map + debug ID), whose map the collector loads.
node demo/bundle/build.mjs
port="${FAULTLINE_DEMO_PORT:-8765}"
backend_port="${FAULTLINE_DEMO_BACKEND_PORT:-$((port + 1))}"
data="${FAULTLINE_DEMO_DATA:-.demo-data}"
key="5f0c7a1e2b3d4c8e9a6b7d1f0e2c4a38"
echo
echo "  Faultline demo"
echo "    demo page : http://127.0.0.1:${port}/demo/"
echo "    viewer    : http://127.0.0.1:${port}/"
echo "    DSN       : http://${key}@127.0.0.1:${port}/1"
echo "    backend   : http://127.0.0.1:${backend_port}/api/checkout (Node, @sentry/node -> the same collector)"
echo "  (Ctrl-C to stop; events are kept in ${data}/)"
echo
# The demo backend reports to the collector with Sentry's own Node SDK.
FAULTLINE_DEMO_DSN="http://${key}@127.0.0.1:${port}/1" node --import ./demo/backend/instrument.mjs demo/backend/server.mjs --port "$backend_port" &
backend_pid=$!
trap 'kill "$backend_pid" 2>/dev/null || true' EXIT INT TERM
node demo/collector/server.js --port "$port" --data-dir "$data" --project 1 --public-key "$key" --static "$here" --control \
  --source-maps dist/demo --source-maps-url-prefix '~/dist/demo/' --source-maps-release demo@1.0.0 \
  --demo-backend "http://127.0.0.1:${backend_port}"
