// Faultline's tiny loader: inline it (or load it as the first script) to catch errors that happen
// before the SDK and its WASM core arrive. It only listens and buffers (at most 100 events; more
// are counted and reported as dropped, reason queue_overflow); init() takes the buffer over and
// reports each event with the time it happened. No imports, no WASM, works as a classic script.
(function (w) {
  if (!w || w.__faultline_loader) return;
  var L = { q: [], n: 0 };
  var h = function (e) {
    if (e.type == 'error' && !('message' in e)) return;
    if (L.q.length < 100) L.q.push([e, Date.now() / 1000]);
    else L.n++;
  };
  L.stop = function () {
    w.removeEventListener('error', h);
    w.removeEventListener('unhandledrejection', h);
  };
  w.addEventListener('error', h);
  w.addEventListener('unhandledrejection', h);
  w.__faultline_loader = L;
})(typeof window != 'undefined' ? window : undefined);
