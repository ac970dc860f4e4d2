#!/usr/bin/env bash
# `npm run bench`: makes sure the toolchain and the build exist (both steps are incremental), then
# measures Faultline and @sentry/browser side by side in one headless Chromium run
# (bench/run.mjs: prints the table and the goals, writes bench/results.json; bounded to < 10 min).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
bash scripts/toolchain.sh
bash scripts/build.sh wasm
if [ -f scripts/build-js.sh ]; then bash scripts/build-js.sh; fi
exec node bench/run.mjs
