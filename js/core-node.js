// Loads the WASM core in Node. Emscripten 3.1.6's ES6 output can't locate its .wasm in Node's
// ESM (it relies on __dirname), so we read the bytes ourselves and hand them over.
import { readFileSync } from 'node:fs';

const wasmUrl = new URL('../dist/faultline.wasm', import.meta.url);
const factoryUrl = new URL('../dist/faultline-core.mjs', import.meta.url);

let modulePromise = null;

/** Resolves to the module: { Core, parseStack, fingerprint } (bindings/core-api.js). */
export function loadCore() {
  if (!modulePromise) {
    modulePromise = (async () => {
      let wasmBinary;
      try {
        wasmBinary = readFileSync(wasmUrl);
      } catch (err) {
        throw new Error(`faultline: WASM core not built (${wasmUrl.pathname} missing); run \`npm run build\``);
      }
      const { default: createFaultlineCore } = await import(factoryUrl.href);
      return createFaultlineCore({ wasmBinary });
    })();
  }
  return modulePromise;
}
