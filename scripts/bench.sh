#!/usr/bin/env bash
# `npm run bench`: builds what is missing, then measures Faultline and @sentry/browser side by side.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
bash scripts/toolchain.sh
bash scripts/build.sh wasm
exec node bench/run.mjs
