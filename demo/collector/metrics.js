// The collector's four live figures:
//   EGR  event generation rate: stored events and occurrences per minute, overall and per issue
//   ETD  event transport delay: occurrence (the event's last occurrence time) -> stored, p50/p95
//   EST  storage per event: bytes on disk per stored event and per occurrence
//   EQT  query time: p50/p95 per API route
// All windows are bounded (60 one-second buckets, the last 10 000 delays, 1 000 timings a route).

const WINDOW = 60;

function percentile(sorted, percent) {
  if (!sorted.length) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1));
  return sorted[index];
}

class Ring {
  constructor(size) {
    this.size = size;
    this.buf = [];
    this.pos = 0;
    this.total = 0;
  }
  push(value) {
    if (this.buf.length < this.size) this.buf.push(value);
    else this.buf[this.pos] = value;
    this.pos = (this.pos + 1) % this.size;
    this.total += 1;
  }
  summary(digits = 1) {
    const sorted = [...this.buf].sort((a, b) => a - b);
    const round = (v) => (v === null ? null : Number(v.toFixed(digits)));
    return { n: this.total, window: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.length ? sorted[sorted.length - 1] : null) };
  }
}

export class Metrics {
  constructor(store) {
    this.store = store;
    this.reset();
  }

  reset() {
    this.seconds = []; // {t, events, occurrences, perIssue: Map}
    this.delays = new Ring(10000);
    this.routes = new Map();
    this.started = Date.now() / 1000;
  }

  bucket(now) {
    const second = Math.floor(now);
    let bucket = this.seconds[this.seconds.length - 1];
    if (!bucket || bucket.t !== second) {
      bucket = { t: second, events: 0, occurrences: 0, perIssue: new Map() };
      this.seconds.push(bucket);
    }
    while (this.seconds.length && this.seconds[0].t <= second - WINDOW) this.seconds.shift();
    return bucket;
  }

  onStored(stored, now = Date.now() / 1000) {
    if (!stored.length) return;
    const bucket = this.bucket(now);
    for (const row of stored) {
      if (!row.issue) continue;
      bucket.events += 1;
      bucket.occurrences += row.count;
      bucket.perIssue.set(row.issue, (bucket.perIssue.get(row.issue) || 0) + row.count);
      const delay = row.received - row.last_seen;
      if (Number.isFinite(delay) && delay > -3600 && delay < 86400 * 30) this.delays.push(Math.max(0, delay * 1000));
    }
  }

  onQuery(route, ms) {
    let ring = this.routes.get(route);
    if (!ring) this.routes.set(route, (ring = new Ring(1000)));
    ring.push(ms);
  }

  snapshot(now = Date.now() / 1000) {
    this.bucket(now);
    const span = Math.min(WINDOW, Math.max(1, now - this.started));
    let events = 0;
    let occurrences = 0;
    const perIssue = new Map();
    for (const bucket of this.seconds) {
      events += bucket.events;
      occurrences += bucket.occurrences;
      for (const [k, v] of bucket.perIssue) perIssue.set(k, (perIssue.get(k) || 0) + v);
    }
    const scale = 60 / span;
    const top = [...perIssue.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([issue, n]) => ({ issue, occurrences_per_min: Math.round(n * scale) }));
    const totals = this.store.totals;
    const disk = this.store.diskBytes();
    const stored = totals.events + totals.transactions - totals.expired_events;
    const eqt = {};
    for (const [route, ring] of [...this.routes.entries()].sort()) eqt[route] = ring.summary(2);
    return {
      egr: { window_s: Math.round(span), events_per_min: Math.round(events * scale), occurrences_per_min: Math.round(occurrences * scale), top_issues: top },
      etd: { unit: 'ms', ...this.delays.summary(0) },
      est: {
        disk_bytes: disk, stored_events: totals.events + totals.transactions - totals.expired_events, occurrences: totals.occurrences,
        // Per stored event: none when retention expired them all (the disk then holds aggregates).
        bytes_per_event: stored > 0 ? Math.round(disk / stored) : null,
        bytes_per_occurrence: totals.occurrences ? Number((disk / totals.occurrences).toFixed(1)) : null,
        body_bytes_per_event: stored > 0 ? Math.round(totals.body_bytes / stored) : null,
      },
      eqt: { unit: 'ms', routes: eqt },
    };
  }
}
