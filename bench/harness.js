// Runs inside the benchmark page (bench/page.html); bench/run.mjs calls window.bench.* through
// Playwright. The page is the same for every SDK: it loads one SDK bundle (or none) and exposes it
// as window.SDK with the @sentry/browser surface the benchmark uses.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs) => Float64Array.from(xs).sort();
const quantile = (xs, q) => {
  const s = sorted(xs);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};
const heapNow = () => {
  if (window.gc) {
    window.gc();
    window.gc();
  }
  return performance.memory ? performance.memory.usedJSHeapSize : null;
};

// A fresh Error thrown 12 calls deep: level(12) -> ... -> level(1) throws.
function level(n, msg) {
  if (n === 1) throw new Error(msg);
  return level(n - 1, msg) + 1;
}
function freshError(msg) {
  try {
    level(12, msg);
  } catch (e) {
    return e;
  }
  return null;
}

// The storm's three bugs, each at its own place in the code, with an id in the message.
function orderBug(id) {
  const order = { id, lines: [] };
  if (!order.lines.length) throw new TypeError(`order ${order.id} has no line items`);
}
function pageBug(id) {
  throw new RangeError(`page ${id} out of range`);
}
function sessionBug(id) {
  throw new Error(`session ${id} expired`);
}
const BUGS = [orderBug, pageBug, sessionBug];

// The page without any SDK: the same calls, doing nothing.
const NONE = {
  name: 'none', init() {}, captureException() {}, captureMessage() {}, addBreadcrumb() {},
  flush: async () => true, ready: async () => 'none', getStats: () => ({}),
};

window.bench = {
  /** Loads the SDK's entry bundle (src; null: no SDK) and calls init(). Times are ms from the start of loading the script. */
  async load(src, dsn, options) {
    const t0 = performance.now();
    if (!src) window.SDK = NONE;
    else await import(src);
    const evaluated = performance.now();
    window.SDK.init({ dsn, release: 'bench@1', ...(options || {}) });
    const readyToCapture = performance.now();
    const mode = await window.SDK.ready(20000);
    const coreReady = performance.now();
    return {
      fetchAndEvalMs: evaluated - t0, initMs: readyToCapture - evaluated, readyToCaptureMs: readyToCapture - t0, coreReadyMs: coreReady - t0,
      mode, crossOriginIsolated: !!window.crossOriginIsolated, sinceNavigationStartMs: t0,
    };
  },

  /** Before timing captures: 20 breadcrumbs in the buffer, and a warm-up of the capture path. */
  async prepareCaptures({ warm = 200, distinct = false, crumbs = 20 } = {}) {
    const S = window.SDK;
    for (let i = 0; i < crumbs; i++) S.addBreadcrumb({ category: 'bench', message: `crumb ${i}`, level: 'info', data: { i } });
    for (let i = 0; i < warm; i++) S.captureException(freshError(distinct ? `failure #${100000 + i}` : 'capture timing failure'));
    await S.flush(10000);
    await sleep(100);
  },

  /**
   * Main-thread time of captureException alone: each call timed on its own (the Errors are made
   * beforehand, outside the timed region), in batches with a pause between batches so the SDK's
   * asynchronous work (draining, sending) runs outside the timed calls.
   */
  async captureTiming({ n = 2000, batch = 100, pauseMs = 25, distinct = false } = {}) {
    const S = window.SDK;
    const msg = (i) => (distinct ? `failure #${i}` : 'capture timing failure');
    const per = [];
    const batchMean = [];
    for (let b = 0; b < n / batch; b++) {
      const errors = [];
      for (let i = 0; i < batch; i++) errors.push(freshError(msg(b * batch + i)));
      await sleep(pauseMs);
      const tb = performance.now();
      for (let i = 0; i < batch; i++) {
        const t = performance.now();
        S.captureException(errors[i]);
        per.push(performance.now() - t);
      }
      batchMean.push((performance.now() - tb) / batch);
    }
    await S.flush(10000);
    return {
      n: per.length, medianMs: quantile(per, 0.5), p95Ms: quantile(per, 0.95), meanMs: per.reduce((s, x) => s + x, 0) / per.length,
      batchMeanMedianMs: quantile(batchMean, 0.5), batchMeanMinMs: Math.min(...batchMean), stats: S.getStats(),
    };
  },

  /** 2 000 errors with distinct messages, captured as fast as the page can throw them. */
  burst(n = 2000) {
    const S = window.SDK;
    const t = performance.now();
    for (let i = 0; i < n; i++) S.captureException(freshError(`failure #${i}`));
    return performance.now() - t;
  },

  /** n uncaught errors from three bugs (ids vary), raised through reportError (window 'error'). */
  storm(n = 5000) {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      try {
        BUGS[i % 3](1000 + i * 7);
      } catch (e) {
        reportError(e);
      }
    }
    return performance.now() - t;
  },

  async flush(ms = 10000) {
    return window.SDK.flush(ms);
  },

  stats() {
    return window.SDK.getStats();
  },

  /**
   * Captures `total` errors from the three bugs (ids vary) in chunks, yielding between chunks;
   * at each checkpoint: flush, gc, then the JS heap and the SDK's WASM heap.
   */
  async heap({ checkpoints = [1000, 10000, 50000, 100000], chunk = 1000 } = {}) {
    const S = window.SDK;
    const out = [{ errors: 0, jsHeap: heapNow(), wasmHeap: (S.getStats() || {}).heap_bytes ?? null }];
    let i = 0;
    const t0 = performance.now();
    for (const cp of checkpoints) {
      while (i < cp) {
        const end = Math.min(cp, i + chunk);
        for (; i < end; i++) {
          try {
            BUGS[i % 3](i);
          } catch (e) {
            S.captureException(e);
          }
        }
        await sleep(0);
      }
      await S.flush(5000);
      await sleep(50);
      const jsHeap = heapNow();
      const s = S.getStats() || {};
      out.push({ errors: cp, jsHeap, wasmHeap: s.heap_bytes ?? null, groups: s.groups ?? null, elapsedMs: performance.now() - t0 });
    }
    return out;
  },

  jsHeap: heapNow,
};
