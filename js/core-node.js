// Loads the WASM modules in Node. Emscripten 3.1.6's ES6 output can't locate its .wasm in Node's
// ESM (it relies on __dirname), so we read the bytes ourselves and hand them over.
import { readFileSync } from 'node:fs';

const loaded = new Map();

/**
 * Resolves to the module built as dist/<factory> with dist/<wasm> (loaded once per process);
 * `what` names it in the error thrown when the build is missing.
 */
export function loadDistModule(wasm, factory, what) {
  if (!loaded.has(factory)) {
    loaded.set(factory, (async () => {
      const wasmUrl = new URL(`../dist/${wasm}`, import.meta.url);
      let wasmBinary;
      try {
        wasmBinary = readFileSync(wasmUrl);
      } catch {
        throw new Error(`faultline: ${what} not built (${wasmUrl.pathname} missing); run \`npm run build\``);
      }
      const { default: create } = await import(new URL(`../dist/${factory}`, import.meta.url).href);
      return create({ wasmBinary });
    })());
  }
  return loaded.get(factory);
}

/** Resolves to the browser's module: { Core } (bindings/core-api.js). */
export function loadCore() {
  return loadDistModule('faultline.wasm', 'faultline-core.mjs', 'WASM core');
}
