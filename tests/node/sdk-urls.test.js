// Which frames are the SDK's own: js/client.js sdkUrls() tells the core the directory its modules
// are served from, only when they are served as separate modules (so a bundle that contains the
// SDK and the app is never claimed as the SDK's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkUrls } from '../../esm/client.js';

test('separate modules: their directory is the SDK, whatever path serves it', () => {
  assert.deepEqual(sdkUrls('http://127.0.0.1:8080/js/client.js', 'http://127.0.0.1:8080/js/hooks/http.js'), ['http://127.0.0.1:8080/js/']);
  assert.deepEqual(sdkUrls('https://shop.example/vendor/faultline/client.js?v=3', 'https://shop.example/vendor/faultline/hooks/http.js?v=3'),
    ['https://shop.example/vendor/faultline/']);
});

test('bundled with the app (one URL for every module) or without import.meta: nothing is claimed', () => {
  assert.deepEqual(sdkUrls('https://shop.example/assets/index-BnRzX8aF.js', 'https://shop.example/assets/index-BnRzX8aF.js'), []);
  assert.deepEqual(sdkUrls('', ''), []);
  assert.deepEqual(sdkUrls('https://shop.example/assets/a.js', 'https://cdn.example/other/http.js'), [], 'not one directory');
  assert.deepEqual(sdkUrls('blob:https://x/123', 'blob:https://x/456'), []);
});

test("code-split into the app's build (the lazy part a chunk beside the app's own): the assets directory is not claimed", () => {
  // Vite/webpack production builds: index.js (with the hooks) in the app's entry chunk, client.js its own chunk.
  assert.deepEqual(sdkUrls('https://shop.example/assets/client-C3xk9a.js', 'https://shop.example/assets/index-BnRzX8aF.js'), []);
  assert.deepEqual(sdkUrls('https://shop.example/assets/client.js', 'https://shop.example/assets/index.js'), [], 'even with unhashed names');
  assert.deepEqual(sdkUrls('https://shop.example/static/js/client.js', 'https://shop.example/static/js/http.js'), [], 'a flat directory is an app build');
});
