#!/usr/bin/env bash
# Builds the native core + GoogleTest suite (build/native) and the WASM module (dist/).
#   scripts/build.sh            both
#   scripts/build.sh native     native only
#   scripts/build.sh wasm       wasm only
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/env.sh"
what="${1:-all}"
jobs="${FAULTLINE_JOBS:-2}"

if [ "$what" = all ] || [ "$what" = native ]; then
  cmake -S "$here" -B "$here/build/native" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$here/build/native" -j "$jobs"
fi

if [ "$what" = all ] || [ "$what" = wasm ]; then
  inc="$here/build/json-include"
  mkdir -p "$inc"; [ -e "$inc/nlohmann" ] || ln -sfn /usr/include/nlohmann "$inc/nlohmann"
  emcmake cmake -S "$here" -B "$here/build/wasm" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DFAULTLINE_JSON_INCLUDE="$inc" -DFAULTLINE_TESTS=OFF >/dev/null
  cmake --build "$here/build/wasm" -j "$jobs"
  mkdir -p "$here/dist"
  cp "$here/build/wasm/faultline.mjs" "$here/dist/faultline-core.mjs"
  cp "$here/build/wasm/faultline.wasm" "$here/dist/faultline.wasm"
  cp "$here/build/wasm/faultline-tools.mjs" "$here/dist/faultline-tools.mjs"
  cp "$here/build/wasm/faultline-tools.wasm" "$here/dist/faultline-tools.wasm"
  cp "$here/build/wasm/faultline-scan.wasm" "$here/dist/faultline-scan.wasm"  # the page's scan module (js/scan.js)
  bash "$here/scripts/build-js.sh"
  echo "[build] dist/faultline.wasm $(wc -c < "$here/dist/faultline.wasm") bytes, gzip -9 $(gzip -9c "$here/dist/faultline.wasm" | wc -c)"
fi
