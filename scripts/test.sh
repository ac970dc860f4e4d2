#!/usr/bin/env bash
# `npm test`: installs what is missing, builds native + WASM, then runs
#   1. the native GoogleTest suite through CTest,
#   2. the Node tests against the real WASM module (tests/node),
#   3. a short fuzz run of every libFuzzer target (fails on any crash, leak or UB report),
#   4. the browser tests in real engines (tests/browser).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
bash scripts/toolchain.sh
bash scripts/build.sh
echo "== native (GoogleTest via CTest)"
ctest --test-dir build/native --output-on-failure -j 2 --timeout 300
echo "== node (WASM core, CLI, collector)"
node --test --test-concurrency=1 --test-timeout=300000 tests/node/
echo "== fuzzing (libFuzzer + ASan + UBSan, ${FAULTLINE_FUZZ_SECONDS:-60} s per target)"
bash scripts/fuzz.sh "${FAULTLINE_FUZZ_SECONDS:-60}"
if ls tests/browser/*.test.js >/dev/null 2>&1; then
  echo "== browsers"
  node --test --test-concurrency=1 --test-timeout=600000 tests/browser/
fi
