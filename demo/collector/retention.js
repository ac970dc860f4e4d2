// Retention runs in slices of at most 20 000 events, the next slice after a pause: the start
// never waits for it (after a long pause much may have expired) and ingest is never held long.
// A pass that deleted bodies ends with the WAL file cut back to zero bytes.
export class RetentionSchedule {
  /** Passes every `intervalMs` (timers unref'd: they never keep the process alive). */
  constructor(store, intervalMs, quiet) {
    this.store = store;
    this.quiet = quiet;
    this.nextSlice = null;  // the timer of the pass's next slice (or of the first pass)
    this.passDeleted = 0;
    this.interval = setInterval(() => {
      if (!this.nextSlice) this.slice();
    }, intervalMs);
    this.interval.unref();
  }

  /** The first pass, at once (after startup's own work). */
  start() {
    this.nextSlice = setTimeout(() => this.slice(), 0);
    this.nextSlice.unref();
  }

  slice() {
    this.nextSlice = null;
    try {
      this.passDeleted += this.store.enforceRetention(undefined, { maxRows: 20000 });
      if (this.store.retentionMore) {
        this.nextSlice = setTimeout(() => this.slice(), 50);
        this.nextSlice.unref();
      } else if (this.passDeleted) {
        this.passDeleted = 0;
        this.store.shrinkWal();
      }
    } catch (err) {
      if (!this.quiet) console.error('[collector] retention', err);
    }
  }

  stop() {
    clearInterval(this.interval);
    clearTimeout(this.nextSlice);
  }
}
