// Sentry rate limits (https://develop.sentry.dev/sdk/expected-features/rate-limiting/): the delay
// parser shared by Retry-After and X-Sentry-Rate-Limits, and the per-category limiter the
// transport consults before each send.

// Sentry's default when a limit gives no usable delay, and the longest delay obeyed: a header that
// says "ten years" (or 1e308, or a date far ahead) stops this page for an hour at most, as a
// misconfigured proxy must not silence error reporting for good.
export const DEFAULT_RETRY_MS = 60000;
export const MAX_RETRY_MS = 3600000;

/**
 * One delay, in ms, from a Retry-After value or the <retry_after> field of X-Sentry-Rate-Limits:
 * seconds (a non-negative decimal number), or for Retry-After an HTTP date; anything else
 * (negative, non-finite, garbage, empty) is the 60 s default. Capped at an hour.
 */
export function parseDelay(value, now, allowDates) {
  const text = String(value ?? '').trim();
  let delayMs = DEFAULT_RETRY_MS;
  if (/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    const ms = Number(text) * 1000;
    if (Number.isFinite(ms) || ms === Infinity) delayMs = ms;
  } else if (allowDates && /^[a-z]{3}/i.test(text)) {  // HTTP dates start with a day name
    const date = Date.parse(text);
    if (Number.isFinite(date)) delayMs = Math.max(0, date - now);
  }
  return Math.min(delayMs, MAX_RETRY_MS);
}

/**
 * Rate limits from a response: X-Sentry-Rate-Limits (`<secs>:<cat;cat>:<scope>:<reason>, ...`,
 * no categories = all) wins over Retry-After; without either a 429 means 60 s for everything.
 * Returns category -> time (ms) until which it is limited.
 */
export function parseRateLimits(header, retryAfter, now) {
  const limits = Object.create(null);  // a category named __proto__ is just a name
  if (header) {
    for (const part of String(header).split(',')) {
      if (!part.trim()) continue;
      const [seconds, categoryList] = part.split(':');
      const until = now + parseDelay(seconds, now, false);
      const categories = (categoryList || '').split(';').map((category) => category.trim()).filter(Boolean);
      for (const category of categories.length ? categories : ['all']) limits[category] = Math.max(limits[category] || 0, until);
    }
    return limits;
  }
  limits.all = now + (retryAfter ? parseDelay(retryAfter, now, true) : DEFAULT_RETRY_MS);
  return limits;
}

/**
 * The limits in force for one transport: `isLimited(category)` until the latest limit a response
 * set for that category (or for all) has passed; `update(response)` merges a response's limits and
 * answers whether it was a 429.
 */
export function createRateLimiter() {
  const limitedUntil = Object.create(null);
  const header = (response, name) => (response.headers && response.headers.get ? response.headers.get(name) : null);
  return {
    isLimited: (category, now = Date.now()) => (limitedUntil.all || 0) > now || (limitedUntil[category] || 0) > now,
    update(response) {
      const rateLimitHeader = header(response, 'X-Sentry-Rate-Limits');
      if (response.status !== 429 && !rateLimitHeader) return false;
      const next = parseRateLimits(rateLimitHeader, header(response, 'Retry-After'), Date.now());
      for (const category of Object.keys(next)) limitedUntil[category] = Math.max(limitedUntil[category] || 0, next[category]);
      return response.status === 429;
    },
    snapshot: () => ({ ...limitedUntil }),
  };
}
