// The collector benchmark's code path at small scale: the same generator, HTTP ingest, queries,
// restart and figures as `npm run bench:collector` (which loads 1 000 000 events), on 4 000 events.
// Timings are reported by the benchmark, not asserted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCollectorBench } from '../../bench/collector.mjs';

test('bench:collector at small scale: every event stored with its occurrences, every figure reported', { timeout: 180000 }, async () => {
  const r = await runCollectorBench({ events: 4000, issues: 60, queries: 5, log: () => {} });
  assert.equal(r.events, 4000);
  assert.equal(r.failed_requests, 0);
  assert.ok(r.occurrences > r.events, 'summaries of repeats stand for more than one occurrence');
  assert.ok(r.ingest.events_per_s > 0);
  for (const k of ['list', 'search', 'filter', 'issue_detail', 'events_page', 'trace']) {
    assert.ok(r.eqt[k].n === 5 && r.eqt[k].p95 >= r.eqt[k].p50, k);
  }
  assert.ok(r.eqt_server['GET /api/issues'].n >= 15);
  assert.ok(r.est.bytes_per_event > 100 && r.est.bytes_per_occurrence < r.est.bytes_per_event);
  assert.ok(r.startup_ms > 0 && r.rss_mb > 0);
  assert.equal(typeof r.goals.ingest_5000_per_s, 'boolean');
});
