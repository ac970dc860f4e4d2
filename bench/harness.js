// Runs inside the benchmark page; run.mjs calls window.bench.* through Playwright.
const T0 = performance.now();

function deep(n, msg) {
  if (n === 0) throw new Error(msg);
  return deep(n - 1, msg) + 1;
}
function freshError(msg) {
  try {
    deep(12, msg);
  } catch (e) {
    return e;
  }
  return null;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

window.bench = {
  async load(sdk, dsn, extra) {
    const t = performance.now();
    if (sdk !== 'none') {
      await import(`/bench/out/${sdk}/${sdk}.js`);
      window.SDK.init({ dsn, release: 'bench@1', ...(extra || {}) });
    }
    const readyToCapture = performance.now() - T0;
    const core = sdk === 'none' ? 'none' : await window.SDK.ready(20000);
    return { readyToCapture, wasmReady: performance.now() - T0, importAndInit: performance.now() - t, core };
  },
  captureTiming(n = 2000, batch = 100) {
    for (let i = 0; i < 20; i++) window.SDK.addBreadcrumb({ category: 'bench', message: `crumb ${i}` });
    const perCapture = [];
    for (let b = 0; b < n / batch; b++) {
      const errors = [];
      for (let i = 0; i < batch; i++) errors.push(freshError('capture timing failure'));
      const t = performance.now();
      for (const e of errors) window.SDK.captureException(e);
      perCapture.push((performance.now() - t) / batch);
    }
    return { medianMs: median(perCapture), p95Ms: pct(perCapture, 0.95), batches: perCapture.length };
  },
  burst(n = 2000) {
    for (let i = 0; i < n; i++) window.SDK.captureException(new Error(`failure #${i}`));
    return n;
  },
  storm(n = 5000) {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const bug = i % 3;
      const err = bug === 0 ? new TypeError(`order ${i} has no line items`)
        : bug === 1 ? new RangeError(`page ${i} out of range`) : new Error(`session ${10000 + i} expired`);
      reportError(err);
    }
    return performance.now() - t;
  },
  async flush() {
    return window.SDK ? window.SDK.flush(10000) : true;
  },
  heap(n = 100000) {
    for (let i = 0; i < n; i++) window.SDK.captureException(new Error(`heap failure ${i % 7}`));
    if (window.gc) window.gc();
    const s = window.SDK.getStats();
    return { jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null, wasmHeap: s.heap_bytes ?? null };
  },
  jsHeap() {
    if (window.gc) window.gc();
    return performance.memory ? performance.memory.usedJSHeapSize : null;
  },
};
