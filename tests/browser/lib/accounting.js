// The invariant of the reliability tests: every occurrence a page captured is either delivered
// (an event, deduplicated by event_id; a summary counts the repeats it stands for) or counted as
// dropped, with a reason, in a client report.

/** A distinct word per index (AAa, BAa, …), so messages differ in letters, not in digits that grouping would parameterize. */
export const word = (i) => String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + Math.floor(i / 26) % 26) + String.fromCharCode(97 + Math.floor(i / 676));

/** Occurrences the collector saw and drops by reason: { delivered, dropped, total, events }. */
export function account(server) {
  const seen = new Set();
  let delivered = 0;
  for (const e of server.events()) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    delivered += (e.contexts && e.contexts.faultline && e.contexts.faultline.count) || 1;
  }
  const dropped = {};
  // (sessions lost are reported too, in their own category: they are not occurrences)
  for (const r of server.reports()) for (const d of r.discarded_events || []) if (d.category != 'session') dropped[d.reason] = (dropped[d.reason] || 0) + d.quantity;
  const nDropped = Object.values(dropped).reduce((a, b) => a + b, 0);
  return { delivered, dropped, total: delivered + nDropped, events: seen.size };
}

/** Waits until `expected` occurrences are accounted for (or `ms` passed), then a little longer so a copy counted twice shows. */
export async function settle(server, expected, ms = 15000, quiet = 500) {
  const end = Date.now() + ms;
  while (Date.now() < end && account(server).total < expected) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, quiet));
  return account(server);
}
