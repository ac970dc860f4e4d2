// Test page: init from the query string, expose the SDK, and (optionally) fail before the core is ready.
import * as SDK from '/esm/index.js';

const q = new URLSearchParams(location.search);
const config = JSON.parse(q.get('config') || '{}');
SDK.init({ dsn: `http://7e57c0de7e57c0de7e57c0de7e57c0de@${location.host}/1`, release: 'test@1', ...config });
window.SDK = SDK;
window.explode = function explode() { throw new TypeError('kaboom in handler'); };
if (q.has('early')) {
  // Thrown synchronously right after init: the WASM core cannot be ready yet.
  setTimeout(() => { throw new Error('early failure before the core is ready'); });
  Promise.reject(new Error('early rejection'));
}
SDK.ready().then((core) => { document.body.dataset.ready = core; });
