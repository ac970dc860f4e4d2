#!/usr/bin/env bash
# `npm run fuzz [-- SECONDS]`: builds the libFuzzer targets (clang, ASan + UBSan) and runs each
# for SECONDS (default 60), seeded from the test fixtures. Fails on any crash, leak or UB report.
# Prints one line per target: executions and corpus size.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
secs="${1:-${FAULTLINE_FUZZ_SECONDS:-60}}"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DFAULTLINE_FUZZ=ON -DFAULTLINE_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/fuzz -j "${FAULTLINE_JOBS:-2}" >/dev/null
node scripts/fuzz-seeds.mjs build/fuzz/seeds
mkdir -p build/fuzz/logs
status=0
summary=()
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name="$(basename "$bin")"
  corpus="build/fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds="build/fuzz/seeds/$name"; [ -d "$seeds" ] || seeds=""
  log="build/fuzz/logs/$name.log"
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
      -artifact_prefix="build/fuzz/logs/$name-" "$corpus" $seeds >"$log" 2>&1; then
    runs="$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 | grep -Eo '[0-9]+' || echo '?')"
    summary+=("$name: $runs executions in ${secs}s, no finding")
  else
    status=1
    summary+=("$name: FINDING (see $log)")
    grep -E "ERROR|runtime error|SUMMARY|Test unit written" "$log" | head -20 || true
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
