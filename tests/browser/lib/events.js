// Reading events from the wire in either of the forms Relay accepts, so tests survive the change
// from @sentry/browser's shapes to the stored ones (see the lead's decision in the README).

/**
 * An event's breadcrumbs as a list: `breadcrumbs` is a bare array (@sentry/browser's form) or
 * `{ values: [...] }` (Relay's stored form). Note: `ev.breadcrumbs.values || ev.breadcrumbs` is
 * wrong for the array form, where `.values` is Array.prototype.values (a function).
 */
export function crumbsOf(ev) {
  const b = ev && ev.breadcrumbs;
  if (Array.isArray(b)) return b;
  return b && Array.isArray(b.values) ? b.values : [];
}

/** An event's message text: `logentry.formatted` (stored form) or top-level `message` (SDK form). */
export function messageOf(ev) {
  if (!ev) return undefined;
  const m = ev.logentry && (ev.logentry.formatted ?? ev.logentry.message);
  return m ?? (typeof ev.message == 'string' ? ev.message : ev.message && (ev.message.formatted ?? ev.message.message));
}
