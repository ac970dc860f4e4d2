// The collector's four live figures:
//   EGR  event generation rate: stored events and occurrences per minute, overall and per issue
//   ETD  event transport delay: occurrence (the event's last occurrence time) -> stored, p50/p95
//   EST  storage per event: bytes on disk per stored event and per occurrence
//   EQT  query time: p50/p95 per API route
// All windows are bounded (60 one-second buckets, the last 10 000 delays, 1 000 timings a route).

const WINDOW = 60;

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

class Ring {
  constructor(size) {
    this.size = size;
    this.buf = [];
    this.pos = 0;
    this.total = 0;
  }
  push(v) {
    if (this.buf.length < this.size) this.buf.push(v);
    else this.buf[this.pos] = v;
    this.pos = (this.pos + 1) % this.size;
    this.total += 1;
  }
  summary(digits = 1) {
    const s = [...this.buf].sort((a, b) => a - b);
    const r = (v) => (v === null ? null : Number(v.toFixed(digits)));
    return { n: this.total, window: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), max: r(s.length ? s[s.length - 1] : null) };
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
    const t = Math.floor(now);
    let b = this.seconds[this.seconds.length - 1];
    if (!b || b.t !== t) {
      b = { t, events: 0, occurrences: 0, perIssue: new Map() };
      this.seconds.push(b);
    }
    while (this.seconds.length && this.seconds[0].t <= t - WINDOW) this.seconds.shift();
    return b;
  }

  onStored(stored, now = Date.now() / 1000) {
    if (!stored.length) return;
    const b = this.bucket(now);
    for (const s of stored) {
      if (!s.issue) continue;
      b.events += 1;
      b.occurrences += s.count;
      b.perIssue.set(s.issue, (b.perIssue.get(s.issue) || 0) + s.count);
      const delay = s.received - s.last_seen;
      if (Number.isFinite(delay) && delay > -3600 && delay < 86400 * 30) this.delays.push(Math.max(0, delay * 1000));
    }
  }

  onQuery(route, ms) {
    let r = this.routes.get(route);
    if (!r) this.routes.set(route, (r = new Ring(1000)));
    r.push(ms);
  }

  snapshot(now = Date.now() / 1000) {
    this.bucket(now);
    const span = Math.min(WINDOW, Math.max(1, now - this.started));
    let events = 0;
    let occurrences = 0;
    const perIssue = new Map();
    for (const b of this.seconds) {
      events += b.events;
      occurrences += b.occurrences;
      for (const [k, v] of b.perIssue) perIssue.set(k, (perIssue.get(k) || 0) + v);
    }
    const scale = 60 / span;
    const top = [...perIssue.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([issue, n]) => ({ issue, occurrences_per_min: Math.round(n * scale) }));
    const t = this.store.totals;
    const disk = this.store.diskBytes();
    const stored = t.events + t.transactions - t.expired_events;
    const eqt = {};
    for (const [route, ring] of [...this.routes.entries()].sort()) eqt[route] = ring.summary(2);
    return {
      egr: { window_s: Math.round(span), events_per_min: Math.round(events * scale), occurrences_per_min: Math.round(occurrences * scale), top_issues: top },
      etd: { unit: 'ms', ...this.delays.summary(0) },
      est: {
        disk_bytes: disk, stored_events: t.events + t.transactions - t.expired_events, occurrences: t.occurrences,
        // Per stored event: none when retention expired them all (the disk then holds aggregates).
        bytes_per_event: stored > 0 ? Math.round(disk / stored) : null,
        bytes_per_occurrence: t.occurrences ? Number((disk / t.occurrences).toFixed(1)) : null,
        body_bytes_per_event: stored > 0 ? Math.round(t.body_bytes / stored) : null,
      },
      eqt: { unit: 'ms', routes: eqt },
    };
  }
}
