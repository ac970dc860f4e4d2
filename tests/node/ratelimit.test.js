// Rate-limit headers: both headers share one delay parser; every delay is capped at an hour (a
// proxy answering "ten years" must not silence reporting for good); garbage, negative and
// non-finite delays fall back to Sentry's 60 s default; the limit applies per category.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRateLimits, parseDelay, MAX_RETRY_MS, DEFAULT_RETRY_MS } from '../../esm/transport.js';

const now = 1_700_000_000_000;
const secs = (limits, cat) => (limits[cat] - now) / 1000;

test('Retry-After seconds are obeyed up to an hour, never more', () => {
  assert.equal(secs(parseRateLimits(null, '30', now), 'all'), 30);
  assert.equal(secs(parseRateLimits(null, '0', now), 'all'), 0);
  assert.equal(secs(parseRateLimits(null, '3600', now), 'all'), 3600);
  for (const huge of ['3601', '315360000', '1e308', '1E400', '99999999999999999999999']) {
    assert.equal(parseRateLimits(null, huge, now).all - now, MAX_RETRY_MS, huge);
  }
});

test('Retry-After as an HTTP date: the time until then, capped at an hour, never negative', () => {
  const at = (ms) => new Date(now + ms).toUTCString();
  assert.equal(secs(parseRateLimits(null, at(120000), now), 'all'), 120);
  assert.equal(parseRateLimits(null, at(10 * 365 * 86400000), now).all - now, MAX_RETRY_MS);
  assert.equal(parseRateLimits(null, at(-50000), now).all, now);
});

test('garbage, negative and non-finite delays give the 60 s default in both headers', () => {
  for (const bad of ['-5', 'soon', 'NaN', 'Infinity', '-Infinity', '', '  ', '0x10', '12abc', '1,5']) {
    assert.equal(parseDelay(bad, now, true), DEFAULT_RETRY_MS, `Retry-After ${JSON.stringify(bad)}`);
    if (bad.includes(',') || bad.includes(':')) continue;
    assert.equal(secs(parseRateLimits(`${bad}:error`, null, now), 'error'), 60, `X-Sentry-Rate-Limits ${bad}:error`);
  }
  assert.equal(secs(parseRateLimits(null, null, now), 'all'), 60, 'a bare 429');
});

test('X-Sentry-Rate-Limits reads numbers as numbers: 0 is no wait, 1e9 is the cap, not 1 s', () => {
  assert.equal(secs(parseRateLimits('0:error', null, now), 'error'), 0);
  assert.equal(parseRateLimits('1e9:error', null, now).error - now, MAX_RETRY_MS);
  assert.equal(secs(parseRateLimits('2.5:error', null, now), 'error'), 2.5);
  // The same values through both headers give the same delay.
  for (const v of ['0', '7', '1e9', '-1', 'x', '3600.5']) {
    assert.equal(parseRateLimits(`${v}:error`, null, now).error, parseRateLimits(null, v, now).all, v);
  }
});

test('X-Sentry-Rate-Limits: several limits, categories, the longest wins, no category means all', () => {
  const l = parseRateLimits('60:error;transaction:key, 2:error:org, 10::org, ,', null, now);
  assert.equal(secs(l, 'error'), 60);
  assert.equal(secs(l, 'transaction'), 60);
  assert.equal(secs(l, 'all'), 10);
  const p = parseRateLimits('30:__proto__;error', null, now);
  assert.equal(secs(p, '__proto__'), 30, 'a category is only a name');
  assert.equal(Object.getPrototypeOf(p), null);
});
