// The wire form (js/wire.js): an event in @sentry/browser's shapes, as beforeSend sees it, becomes
// the form Relay stores, which validates against Sentry's published schema as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toWire } from '../../esm/wire.js';
import { validateEvent } from './lib/schema.js';

const sdkShaped = () => ({
  event_id: 'a'.repeat(32), timestamp: 1764590000.5, platform: 'javascript', level: 'log',
  message: 'inventory sync degraded',
  breadcrumbs: [{ timestamp: 1, category: 'console', level: 'log', message: 'x' }, { timestamp: 2, category: 'foo', level: 'baz' }, { timestamp: 3 }],
  tags: { plan: 'pro', ratio: 3.14, on: false, none: null, obj: { a: 1 }, list: [1], inf: Infinity },
  user: { id: 42, email: 'a@b.c', plan: 'pro', data: { seats: 3 } },
});

test('an event in @sentry/browser shapes does not validate as is; its wire form does', () => {
  assert.notDeepEqual(validateEvent(sdkShaped()), [], 'the strict check sees the SDK forms');
  assert.deepEqual(validateEvent(toWire(sdkShaped())), []);
});

test('message, breadcrumbs and levels: the stored forms', () => {
  const w = toWire(sdkShaped());
  assert.equal(w.message, undefined);
  assert.deepEqual(w.logentry, { formatted: 'inventory sync degraded' });
  assert.equal(w.level, 'info', 'log is stored as info');
  assert.deepEqual(w.breadcrumbs, { values: [{ timestamp: 1, category: 'console', level: 'info', message: 'x' }, { timestamp: 2, category: 'foo' }, { timestamp: 3 }] });
  // parameterize: the template and params stay, the formatted text is the message
  const p = toWire({ message: 'hello bob', logentry: { message: 'hello %s', params: ['bob'] } });
  assert.deepEqual(p.logentry, { formatted: 'hello bob', message: 'hello %s', params: ['bob'] });
  assert.equal(toWire({ level: 'critical' }).level, undefined, 'a level Relay does not know is left out');
});

test('tags as lenient strings, user keys outside the User interface under user.data', () => {
  const w = toWire(sdkShaped());
  assert.deepEqual(w.tags, { plan: 'pro', ratio: '3.14', on: 'false', none: null });
  assert.deepEqual(w.user, { id: '42', email: 'a@b.c', data: { plan: 'pro', seats: 3 } });
});

test('the SDK-shaped event handed in is not changed (beforeSend may keep it)', () => {
  const ev = sdkShaped(), copy = structuredClone(ev);
  toWire(ev);
  assert.deepEqual(ev, copy);
  assert.deepEqual(toWire(toWire(sdkShaped())), toWire(sdkShaped()), 'idempotent on the wire form');
});

test('frames\' module_metadata (moduleMetadataIntegration, for callbacks only) is left out of the wire, the event passed in is unchanged', () => {
  const meta = { team: 'checkout' };
  const ev = { event_id: 'b'.repeat(32), exception: { values: [
    { type: 'Error', value: 'x', stacktrace: { frames: [{ filename: 'http://a/app.js', lineno: 1, module_metadata: meta }, { filename: 'http://a/b.js', lineno: 2 }] } },
    { type: 'Error', value: 'y' },
  ] } };
  assert.notDeepEqual(validateEvent(ev), [], 'the schema\'s Frame has no module_metadata');
  const w = toWire(ev);
  assert.deepEqual(w.exception.values[0].stacktrace.frames, [{ filename: 'http://a/app.js', lineno: 1 }, { filename: 'http://a/b.js', lineno: 2 }]);
  assert.deepEqual(w.exception.values[1], { type: 'Error', value: 'y' });
  assert.deepEqual(validateEvent(w), []);
  assert.equal(ev.exception.values[0].stacktrace.frames[0].module_metadata, meta);
});
