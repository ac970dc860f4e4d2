#!/usr/bin/env bash
# Idempotent toolchain step: installs whatever is missing on a fresh Debian machine.
# Safe to run every time: when everything is present it only checks and exits.
#   FAULTLINE_TOOLCHAIN=minimal  -> only what the build + Node tests need (no browsers)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

pkgs_build=(cmake g++ make emscripten binaryen nlohmann-json3-dev libgtest-dev googletest gzip)   # binaryen: wasm-opt, run again on the browser module (CMakeLists.txt)
pkgs_browsers=(chromium firefox-esr webkit2gtk-driver xvfb libjavascriptcoregtk-4.0-bin gjs)
pkgs_fuzz=(clang libclang-rt-14-dev)
pkgs_analysis=(wabt)   # wasm-objdump for bench/wasm-size.mjs

want=("${pkgs_build[@]}")
if [ "${FAULTLINE_TOOLCHAIN:-full}" != "minimal" ]; then
  want+=("${pkgs_browsers[@]}" "${pkgs_fuzz[@]}" "${pkgs_analysis[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "[toolchain] installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[toolchain] system packages present"
fi

# Debian's Emscripten must not see /usr/include (glibc headers break the wasm build):
# give it a directory that holds only a `nlohmann` symlink.
inc="$here/build/json-include"
mkdir -p "$inc"
if [ ! -e "$inc/nlohmann" ]; then ln -sfn /usr/include/nlohmann "$inc/nlohmann"; fi

# npm dependencies (test drivers, schema validator, bundlers, the benchmark's @sentry/browser)
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "[toolchain] npm ci"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
