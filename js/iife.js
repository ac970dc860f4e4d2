// Entry of the single-file script-tag build (dist/faultline.iife.js, global `Faultline`).
// The .wasm is looked up beside the script: <script src="/x/faultline.iife.js"> -> /x/faultline.wasm.
import * as F from './index.js';

export * from './index.js';

const script = typeof document !== 'undefined' ? document.currentScript : null;
const wasmUrl = script && script.src ? new URL('faultline.wasm', script.src).href : undefined;

// _self: this script, the SDK's own file (its frames are never the app's).
const self = script && script.src;
export const init = (options = {}) => F.init({ wasmUrl, _self: self, ...options });
export class BrowserClient extends F.BrowserClient {
  constructor(options = {}) { super({ wasmUrl, _self: self, ...options }); }
}
