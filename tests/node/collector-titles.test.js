// What a Sentry user reads in the issue list: the collector's title, culprit and message line of an
// issue follow Sentry's (sentry/eventtypes/error.py, sentry/culprit.py). An exception is titled
// "Type: value" with the in-app frame nearest the throw as culprit; a synthetic exception (the SDK
// made it to carry a stack: a message with attachStacktrace, a non-Error rejection) is titled by
// the function of its crash frame, or "<unknown>", gets no culprit from its frames, and keeps its
// message (or its value) as the line under the title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../demo/collector/store.js';
import { culpritOf, messageLineOf, titleOf } from '../../demo/collector/fields.js';

const NOW = Date.now() / 1000;
const frame = (fn, inApp, file = 'http://127.0.0.1:8080/app.js') => ({ function: fn, filename: file, lineno: 3, colno: 9, in_app: inApp });

// @sentry/browser's captureMessage with attachStacktrace (eventFromString): the message, and an
// exception with no type whose value is the message and whose stack is that of the call.
const attached = (extra = {}) => ({
  event_id: 'a'.repeat(32), timestamp: NOW, level: 'info', message: 'checkout took 9 s\nsecond line',
  exception: { values: [{ value: 'checkout took 9 s\nsecond line', stacktrace: { frames: [frame('main', true), frame('submitOrder', true), frame('sendBeacon', false, 'http://127.0.0.1:8080/vendor.js')] }, mechanism: { type: 'generic', handled: true, synthetic: true } }] },
  ...extra,
});

test('a message with a synthetic stack is titled by its crash frame\'s function, has no frame culprit, and keeps its message under the title', () => {
  const ev = attached();
  assert.equal(titleOf(ev), 'submitOrder', 'the in-app frame nearest the call, not "Error: checkout took 9 s"');
  assert.equal(culpritOf(ev), '');
  assert.equal(messageLineOf(ev), 'checkout took 9 s\nsecond line');
  // The event's transaction is still its culprit (Sentry: culprit or transaction before frames).
  assert.equal(culpritOf(attached({ transaction: '/checkout' })), '/checkout');
  // No in-app frame with a name: the nearest named frame; no named frame at all: "<unknown>".
  const vendorOnly = attached();
  vendorOnly.exception.values[0].stacktrace.frames = [frame('<anonymous>', false), frame('', true), frame('<unknown>', true), frame('flush', false)];
  assert.equal(titleOf(vendorOnly), 'flush');
  const nameless = attached();
  nameless.exception.values[0].stacktrace.frames = [frame('', true), frame('<redacted>', true)];
  assert.equal(titleOf(nameless), '<unknown>');
});

test('a synthetic exception without a message (a non-Error rejection) keeps its value as the message line; a real exception keeps "Type: value" and its frame culprit', () => {
  const rejection = {
    event_id: 'b'.repeat(32), timestamp: NOW,
    exception: { values: [{ type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: 42', stacktrace: { frames: [frame('loadCart', true)] }, mechanism: { type: 'onunhandledrejection', handled: false, synthetic: true } }] },
  };
  assert.equal(titleOf(rejection), 'loadCart');
  assert.equal(messageLineOf(rejection), 'Non-Error promise rejection captured with value: 42');
  const thrown = {
    event_id: 'c'.repeat(32), timestamp: NOW,
    exception: { values: [{ type: 'TypeError', value: 'cart is null', stacktrace: { frames: [frame('main', true), frame('render', true), frame('lib', false)] }, mechanism: { type: 'onerror', handled: false } }] },
  };
  assert.equal(titleOf(thrown), 'TypeError: cart is null');
  assert.equal(culpritOf(thrown), 'render (http://127.0.0.1:8080/app.js)');
  assert.equal(messageLineOf(thrown), '');
});

test('the store keeps those titles on the issue, its events and the free-text index', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-titles-'));
  const s = new Store(dir, { maxAgeDays: 0, maxBytes: 0 });
  try {
    const ev = { ...attached(), fingerprint: ['slow-checkout'] };
    s.ingest([{ kind: 'event', project: '1', received: NOW, ua: '', event: ev, raw: Buffer.from(JSON.stringify(ev)) }]);
    const [issue] = s.listIssues({ query: '' }).issues;
    assert.equal(issue.title, 'submitOrder');
    assert.equal(issue.culprit, '');
    assert.equal(issue.message, 'checkout took 9 s\nsecond line');
    assert.equal(s.listIssues({ query: '"took 9 s"' }).issues.length, 1, 'found by its message');
    const [e] = s.issueEvents(issue.id).events;
    assert.equal(e.title, 'submitOrder');
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
