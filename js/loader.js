// Faultline's tiny loader: inline it (or load it as the first script) to catch errors that happen
// before the SDK and its WASM core arrive. It only listens and buffers (at most 100 events; more
// are counted and reported as dropped, reason queue_overflow); init() takes the buffer over and
// reports each event with the time it happened. No imports, no WASM, works as a classic script.
(function (win) {
  if (!win || win.__faultline_loader) return;
  var loader = { q: [], n: 0 };
  var buffer = function (event) {
    if (event.type == 'error' && !('message' in event)) return;
    if (loader.q.length < 100) loader.q.push([event, Date.now() / 1000]);
    else loader.n++;
  };
  loader.stop = function () {
    win.removeEventListener('error', buffer);
    win.removeEventListener('unhandledrejection', buffer);
  };
  win.addEventListener('error', buffer);
  win.addEventListener('unhandledrejection', buffer);
  win.__faultline_loader = loader;
})(typeof window != 'undefined' ? window : undefined);
