# Sourced by the build scripts: environment Debian's Emscripten needs.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # its JS optimizer requires `acorn` from here
export EM_CACHE="${EM_CACHE:-}"                        # keep Debian's default cache
[ -n "$EM_CACHE" ] || unset EM_CACHE
# Closure Compiler for the browser module's glue (CMakeLists.txt, FAULTLINE_WASM_CLOSURE): the npm
# devDependency google-closure-compiler (Debian's closure-compiler is from 2013 and reads no ES6).
here_env="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EM_CLOSURE_COMPILER="${EM_CLOSURE_COMPILER:-$here_env/node_modules/.bin/google-closure-compiler}"
