// Entry of the single-file script-tag build (dist/faultline.iife.js, global `Faultline`).
// The .wasm is looked up beside the script: <script src="/x/faultline.iife.js"> -> /x/faultline.wasm.
import * as F from './index.js';

export * from './index.js';

const script = typeof document !== 'undefined' ? document.currentScript : null;
const wasmUrl = script && script.src ? new URL('faultline.wasm', script.src).href : undefined;

export const init = (options = {}) => F.init({ wasmUrl, ...options });
export class BrowserClient extends F.BrowserClient {
  constructor(options = {}) { super({ wasmUrl, ...options }); }
}
