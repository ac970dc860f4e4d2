# Sourced by the build scripts: environment Debian's Emscripten needs.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # its JS optimizer requires `acorn` from here
export EM_CACHE="${EM_CACHE:-}"                        # keep Debian's default cache
[ -n "$EM_CACHE" ] || unset EM_CACHE
