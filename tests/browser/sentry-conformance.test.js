// Drop-in conformance with @sentry/browser. Each scenario is one of the peer's browser integration
// scenarios (getsentry/sentry-javascript, dev-packages/browser-integration-tests/suites/public-api
// and suites/integrations), restated here from its facts — the page code it runs, the init options,
// and the event fields it expects — and run in Chromium and Firefox ESR (through lib/browsers.js)
// against Faultline with
// `window.Sentry = Faultline`: once with the script-tag build (dist/faultline.iife.js) and once
// with the ES module build (js/index.js). Where Faultline deliberately differs, the scenario says
// so in `differs` and checks Faultline's behaviour instead (the README lists the differences).
// The checks read each event as the app's beforeSend sees it (@sentry/browser's shapes, what the
// peer's scenarios expect); the event on the wire must be exactly its wire form (js/wire.js: the
// form Relay stores) and validate against Sentry's published schema as sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, wasmBuilt } from './pages/sdk-common/harness.js';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';
import { toWire } from '../../esm/wire.js';

const N = { any: 'number' }, S = { any: 'string' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Does `a` match `e`? exact: same keys (toEqual); otherwise e's keys only (toMatchObject). */
function like(a, e, exact, at = '') {
  if (e === N) return typeof a == 'number' ? [] : [`${at}: expected a number, got ${JSON.stringify(a)}`];
  if (e === S) return typeof a == 'string' ? [] : [`${at}: expected a string, got ${JSON.stringify(a)}`];
  if (e instanceof RegExp) return typeof a == 'string' && e.test(a) ? [] : [`${at}: ${JSON.stringify(a)} does not match ${e}`];
  if (e && typeof e == 'object') {
    if (!a || typeof a != 'object' || Array.isArray(a) != Array.isArray(e)) return [`${at}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`];
    const out = [];
    if (Array.isArray(e) && a.length != e.length) out.push(`${at}: expected ${e.length} items, got ${a.length}: ${JSON.stringify(a)}`);
    for (const k of Object.keys(e)) out.push(...like(a[k], e[k], exact, `${at}.${k}`));
    if (exact && !Array.isArray(e)) for (const k of Object.keys(a)) if (!(k in e) && a[k] !== undefined) out.push(`${at}.${k}: unexpected ${JSON.stringify(a[k])}`);
    return out;
  }
  return Object.is(a, e) ? [] : [`${at}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`];
}
const expectLike = (a, e, exact = false) => { const d = like(a, e, exact); assert.ok(!d.length, d.join('\n')); };
const exc = (ev) => ev.exception && ev.exception.values[0];
const GH = 'auto.browser.global_handlers.';
const DSN_ONLY = {};
const CRUMBS_ONLY = { defaultIntegrations: false, integrations: 'B()' };

// Scenarios: name (the peer's suite path), init options (`integrations` as page code), html,
// subject (page code, run as a classic script after init), count (events to wait for),
// check(events, ctx).
const SCENARIOS = [
  // public-api/addBreadcrumb
  { name: 'addBreadcrumb/empty_obj', subject: `Sentry.addBreadcrumb({}); Sentry.captureMessage('test_empty_obj');`,
    check: ([ev]) => { assert.equal(ev.breadcrumbs.length, 1); expectLike(ev.breadcrumbs[0], { timestamp: N }); assert.equal(ev.message, 'test_empty_obj'); } },
  { name: 'addBreadcrumb/multiple_breadcrumbs', subject: `Sentry.addBreadcrumb({ category: 'foo', message: 'bar', level: 'baz' }); Sentry.addBreadcrumb({ category: 'qux' }); Sentry.captureMessage('test_multi_breadcrumbs');`,
    check: ([ev]) => { expectLike(ev.breadcrumbs, [{ category: 'foo', message: 'bar', level: 'baz' }, { category: 'qux' }]); assert.equal(ev.message, 'test_multi_breadcrumbs'); } },
  { name: 'addBreadcrumb/simple_breadcrumb', subject: `Sentry.addBreadcrumb({ category: 'foo', message: 'bar', level: 'baz' }); Sentry.captureMessage('test');`,
    check: ([ev]) => { expectLike(ev.breadcrumbs, [{ category: 'foo', message: 'bar', level: 'baz' }]); assert.equal(ev.message, 'test'); } },
  { name: 'addBreadcrumb/undefined_arg', subject: `Sentry.addBreadcrumb(); Sentry.captureMessage('test_undefined_arg');`,
    check: ([ev]) => { expectLike(ev.breadcrumbs, [{ timestamp: N }]); assert.equal(ev.message, 'test_undefined_arg'); } },
  // public-api/captureException
  { name: 'captureException/aggregateError', subject: `try { throw new AggregateError([new Error('First error message'), new TypeError('Second error message'), new RangeError('Third error message')], 'Multiple errors occurred'); } catch (e) { Sentry.captureException(e); }`,
    check: ([ev]) => {
      const v = ev.exception.values;
      assert.equal(v.length, 4);
      expectLike(v[3], { type: 'AggregateError', value: 'Multiple errors occurred', mechanism: { type: 'generic', handled: true, is_exception_group: true, exception_id: N } });
      assert.ok(v[3].stacktrace.frames.length);
      for (const x of v.slice(0, 3)) { expectLike(x.mechanism, { type: 'chained', handled: true, source: /^errors\[\d+\]$/, exception_id: N }); assert.equal(x.mechanism.parent_id, v[3].mechanism.exception_id); }
      assert.deepEqual(v.slice(0, 3).map((x) => x.type).sort(), ['Error', 'RangeError', 'TypeError']);
    } },
  { name: 'captureException/aggregateError-custom', subject: `class CustomAggregateError extends AggregateError { constructor(errors, message, options) { super(errors, message, options); this.name = 'CustomAggregateError'; } }
      Sentry.captureException(new CustomAggregateError([new Error('error 1', { cause: new Error('error 1 cause') }), new Error('error 2')], 'custom aggregate error', { cause: new Error('aggregate cause') }));`,
    check: ([ev]) => expectLike(ev.exception.values, [
      { mechanism: { exception_id: 4, handled: true, parent_id: 0, source: 'errors[1]', type: 'chained' }, type: 'Error', value: 'error 2' },
      { mechanism: { exception_id: 3, handled: true, parent_id: 2, source: 'cause', type: 'chained' }, type: 'Error', value: 'error 1 cause' },
      { mechanism: { exception_id: 2, handled: true, parent_id: 0, source: 'errors[0]', type: 'chained' }, type: 'Error', value: 'error 1' },
      { mechanism: { exception_id: 1, handled: true, parent_id: 0, source: 'cause', type: 'chained' }, type: 'Error', value: 'aggregate cause' },
      { mechanism: { exception_id: 0, handled: true, type: 'generic', is_exception_group: true }, type: 'CustomAggregateError', value: 'custom aggregate error' }]) },
  { name: 'captureException/builtInClassInstance', subject: `Sentry.captureException(new Response('test body'));`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Error', value: '[object Response]', mechanism: { type: 'generic', handled: true } }) },
  { name: 'captureException/classInstance', subject: `class MyTestClass { prop1 = 'value1'; prop2 = 2; } Sentry.captureException(new MyTestClass());`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Error', value: 'Object captured as exception with keys: prop1, prop2', mechanism: { type: 'generic', handled: true } }) },
  { name: 'captureException/emptyObj', subject: `Sentry.captureException({});`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Error', value: 'Object captured as exception with keys: [object has no keys]', mechanism: { type: 'generic', handled: true } }) },
  { name: 'captureException/errorEvent', init: { defaultIntegrations: false }, subject: `Sentry.captureException(new ErrorEvent('something', { message: 'test error' }));`,
    check: ([ev]) => expectLike(exc(ev), { type: 'ErrorEvent', value: 'Event `ErrorEvent` captured as exception with message `test error`', mechanism: { type: 'generic', handled: true } }) },
  { name: 'captureException/event', subject: `Sentry.captureException(new Event('custom'));`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Event', value: 'Event `Event` (type=custom) captured as exception', mechanism: { type: 'generic', handled: true } }) },
  { name: 'sentry.event breadcrumbs: one per event sent, a summary of repeats included', count: 3,
    subject: `function f() { try { null.x; } catch (e) { Sentry.captureException(e); } } f(); f(); f();
      Sentry.flush(5000).then(() => Sentry.captureMessage('after the repeats'));`,
    differs: 'the two repeats are counted, not sent (Sentry would send them unless Dedupe drops them): their summary is the event sent, with its breadcrumb',
    engines: { firefox: 'the engine\'s own wording of the TypeError (SpiderMonkey: can\'t access property "x" of null)',
      webkit: 'the engine\'s own wording of the TypeError (JavaScriptCore: null is not an object (evaluating \'null.x\'))' },
    check: async (evs, { page, engine }) => {
      const after = evs.find((e) => e.message == 'after the repeats'), first = evs.find((e) => e.exception && e.message != 'after the repeats');
      const summary = (await page.evaluate('window._seen')).find((e) => e.contexts.faultline.summary);
      assert.equal(summary.contexts.faultline.count, 2);
      const crumbs = after.breadcrumbs.filter((b) => b.category == 'sentry.event');
      assert.deepEqual(crumbs.map((b) => b.event_id), [first.event_id, summary.event_id]);
      const wording = { firefox: 'TypeError: can\'t access property "x" of null', webkit: "TypeError: null is not an object (evaluating 'null.x')" };
      for (const b of crumbs) expectLike(b, { level: 'error', message: wording[engine] || "TypeError: Cannot read properties of null (reading 'x')" });
    } },
  { name: 'captureException/eventBreadcrumbs', count: 2, subject: `Sentry.captureMessage('a'); Sentry.captureException(new Error('test_simple_breadcrumb_error'));`,
    check: (evs) => { const ev = evs.find((e) => exc(e) && exc(e).value == 'test_simple_breadcrumb_error'); assert.equal(ev.breadcrumbs.length, 1); expectLike(ev.breadcrumbs[0], { category: 'sentry.event', event_id: S, level: S }); } },
  { name: 'captureException/linkedErrors', subject: `const w = new Error('outer message, long enough to need no truncation'); w.cause = new Error('the cause, long enough to need no truncation'); Sentry.captureException(w);`,
    check: ([ev]) => { const v = ev.exception.values; assert.equal(v.length, 2);
      expectLike(v[0], { type: 'Error', value: 'the cause, long enough to need no truncation', mechanism: { type: 'chained', handled: true } }); assert.ok(v[0].stacktrace.frames.length);
      expectLike(v[1], { type: 'Error', value: 'outer message, long enough to need no truncation', mechanism: { type: 'generic', handled: true } }); assert.ok(v[1].stacktrace.frames.length); } },
  { name: 'captureException/multipleErrorsDifferentStacktrace', count: 1, subject: `function bar() { baz(); } function foo() { bar(); } function foo2() { bar(); }
      try { bar(); } catch (e) { Sentry.captureException(e); } try { foo(); } catch (e) { Sentry.captureException(e); } try { foo2(); } catch (e) { Sentry.captureException(e); }`,
    differs: 'grouping: the three are one bug (same throw site), so Faultline sends one event and counts the other two (contexts.faultline.count after the window) instead of three events',
    check: (evs) => { assert.equal(evs.length, 1); expectLike(exc(evs[0]), { type: 'ReferenceError', value: /baz/ }); } },
  { name: 'captureException/multipleErrorsSameStacktrace', count: 4, subject: `
      function throwError(m) { try { throw new Error(m || 'foo'); } catch (e) { Sentry.captureException(e); } }
      function throwRandomError() { try { throw new Error('Exception no ' + (Date.now() + Math.random())); } catch (e) { Sentry.captureException(e); } }
      function createError() { function nestedFunction() { return new Error('created'); } return nestedFunction(); }
      for (var i = 0; i < 2; i++) throwRandomError();
      for (var j = 0; j < 2; j++) throwError();
      const e = createError(); Sentry.captureException(e);
      Sentry.captureEvent({ event_id: 'aa3ff046696b4bc6b609ce6d28fde9e2', message: 'someMessage', transaction: 'wat', type: 'transaction' });
      Sentry.captureException(e);
      throwError('bar'); throwError('bar');`,
    differs: 'grouping instead of dedupe: Sentry sends 7 events (its dedupe drops only back-to-back duplicates with the same stack); Faultline sends one per bug (the two "Exception no <number>" share a template, the repeated "foo" and "bar" are counted) and the same Error object captured twice is one event',
    check: (evs) => assert.deepEqual(evs.map((e) => exc(e).value.replace(/\d[\d.]*/, 'N')).sort(), ['Exception no N', 'bar', 'created', 'foo']) },
  { name: 'captureMessage/multipleMessageAttachStacktrace', count: 3, init: { attachStacktrace: true }, subject: `
      function captureMessage(m) { Sentry.captureMessage(m || 'message'); }
      function captureRandomMessage() { Sentry.captureMessage('Message no ' + (Date.now() + Math.random())); }
      function captureSameConsecutiveMessages(m) { captureMessage(m); captureMessage(m); }
      for (var i = 0; i < 2; i++) captureRandomMessage();
      for (var j = 0; j < 3; j++) captureMessage('same message, same stacktrace');
      captureSameConsecutiveMessages('same message, different stacktrace');`,
    differs: 'grouping instead of dedupe: Sentry sends 5 events; Faultline one per message template, the repeats counted',
    check: (evs) => assert.deepEqual(evs.map((e) => e.message.replace(/\d[\d.]*/, 'N')).sort(), ['Message no N', 'same message, different stacktrace', 'same message, same stacktrace']) },
  { name: 'captureException/plainObject', subject: `Sentry.captureException({ prop1: 'value1', prop2: 2 });`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Error', value: 'Object captured as exception with keys: prop1, prop2', mechanism: { type: 'generic', handled: true } }) },
  { name: 'captureException/simpleError', subject: `try { throw Error('test_simple_error'); } catch (err) { Sentry.captureException(err); }`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'test_simple_error', mechanism: { type: 'generic', handled: true } }); assert.ok(exc(ev).stacktrace.frames.length); } },
  { name: 'captureException/transactionBreadcrumbs', subject: `Sentry.captureEvent({ event_id: 'aa3ff046696b4bc6b609ce6d28fde9e2', message: 'someMessage', transaction: 'wat', type: 'transaction' }); Sentry.captureException(new Error('test_simple_breadcrumb_error'));`,
    differs: 'transactions are not sent (no tracing); the breadcrumb for the following event is recorded as in Sentry',
    check: ([ev]) => { assert.equal(exc(ev).value, 'test_simple_breadcrumb_error'); assert.equal(ev.breadcrumbs.length, 1); expectLike(ev.breadcrumbs[0], { category: 'sentry.transaction', message: S }); } },
  { name: 'captureException/undefinedArg', subject: `Sentry.captureException();`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Error', value: 'undefined', mechanism: { type: 'generic', handled: true } }) },
  // public-api/captureMessage
  { name: 'captureMessage/parameterized_message', subject: "const x = 'first', y = 'second'; Sentry.captureMessage(Sentry.parameterize`This is a log statement with ${x} and ${y} params`);",
    check: ([ev]) => { assert.deepEqual(ev.logentry, { message: 'This is a log statement with %s and %s params', params: ['first', 'second'] }); assert.equal(ev.message, 'This is a log statement with first and second params'); } },
  { name: 'captureMessage/simple_message', subject: `Sentry.captureMessage('foo');`, check: ([ev]) => { assert.equal(ev.message, 'foo'); assert.equal(ev.level, 'info'); } },
  { name: 'captureMessage/simple_message_attachStackTrace', init: { attachStacktrace: true }, subject: `Sentry.captureMessage('foo');`,
    check: ([ev]) => { assert.equal(ev.message, 'foo'); assert.equal(ev.level, 'info');
      expectLike(exc(ev).mechanism, { handled: true, type: 'generic', synthetic: true }, true); assert.equal(exc(ev).value, 'foo'); assert.ok(exc(ev).stacktrace.frames.length >= 1); } },
  { name: 'captureMessage/with_level', count: 6, subject: `for (const l of ['debug', 'info', 'warning', 'error', 'fatal', 'log']) Sentry.captureMessage(l + '_message', l);`,
    check: (evs) => assert.deepEqual(evs.map((e) => [e.message, e.level]).sort(), ['debug', 'info', 'warning', 'error', 'fatal', 'log'].map((l) => [l + '_message', l]).sort()) },
  // public-api/denyUrls, ignoreErrors, init
  { name: 'denyUrls', init: { denyUrls: ['foo.js'], beforeSend: 'CountingBeforeSend' }, subject: `
      var a = new Error('filter'); a.stack = 'Error: bar\\n at http://localhost:5000/foo.js:7:19\\n at bar(http://localhost:5000/bar.js:2:3)\\n at baz(http://localhost:5000/baz.js:2:9)\\n';
      var b = new Error('pass'); b.stack = 'Error: bar\\n at http://localhost:5000/foo-pass.js:7:19\\n at bar(http://localhost:5000/bar-pass.js:2:3)\\n at baz(http://localhost:5000/baz-pass.js:2:9)\\n';
      Sentry.captureException(a); Sentry.captureException(b);`,
    check: async ([ev], { page }) => { expectLike(exc(ev), { type: 'Error', value: 'pass' }); assert.equal(await page.evaluate('window._errorCount'), 1); } },
  { name: 'ignoreErrors', count: 2, init: { ignoreErrors: ['ignoreErrorTest'], beforeSend: 'CountingBeforeSend' }, subject: `Sentry.captureException(new Error('foo')); Sentry.captureException(new Error('ignoreErrorTest')); Sentry.captureException(new Error('bar'));`,
    check: async (evs, { page }) => { assert.deepEqual(evs.map((e) => exc(e).value).sort(), ['bar', 'foo']); assert.equal(await page.evaluate('window._errorCount'), 2); } },
  { name: 'init/stringSampleRate', count: 0, init: { sampleRate: '0', beforeSend: 'CountingBeforeSend' }, subject: `Sentry.captureException(new Error('test error'));`,
    check: async (evs, { page }) => { await page.evaluate('window.Sentry.getClient().flush()'); assert.equal(evs.length, 0); assert.equal(await page.evaluate('window._errorCount'), 0); } },
  { name: 'init/built-pkg (the subject runs without throwing)', count: 0, subject: `
      const scope = Sentry.getCurrentScope(); scope.setExtra('foo', 'bar'); scope.setFingerprint('foo'); scope.setLevel('warning'); scope.setTag('foo', 'bar'); scope.setUser('foo', 'bar');
      console.log('Console', 'Breadcrumb'); console.error({ foo: 'bar' });
      Sentry.addBreadcrumb({ category: 'basic', message: 'crumb' });
      Sentry.captureException(new Error('foo')); Sentry.captureException(new Error('foo'), { tags: { foo: 1 } }); Sentry.captureException(new Error('foo'), (scope) => scope);
      Sentry.captureMessage('bar'); Sentry.captureMessage('bar', { tags: { foo: 1 } }); Sentry.captureMessage('bar', (scope) => scope);
      Sentry.withScope((scope) => { scope.setExtra('baz', 'qux'); scope.setFingerprint('baz'); scope.setLevel('error'); scope.setTag('baz', 'qux'); scope.setUser('baz', 'qux'); Sentry.captureException(new TypeError('bar')); Sentry.captureMessage('baz'); });
      window._done = 1;`,
    check: async (evs, { page, pageErrors }) => { assert.equal(await page.evaluate('window._done'), 1); assert.deepEqual(pageErrors, []); } },
  // public-api/instrumentation (global handlers)
  { name: 'instrumentation/onError/non-string-arg', script: `throw { type: 'Error', otherKey: 'otherValue' };`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'Object captured as exception with keys: otherKey, type', mechanism: { type: GH + 'onerror', handled: false } }); assert.ok(exc(ev).stacktrace.frames.length); } },
  { name: 'instrumentation/onError/rethrown', count: 2, subject: `
      try { try { foo(); } catch (e) { Sentry.captureException(e); throw e; } } catch (e) { window.onerror('error', 'file.js', 1, 1, e); }
      Sentry.captureException(new Error('error 2'));`,
    // Two envelopes sent at once by concurrent requests may reach the server in either order (the
    // peer's SDK sends concurrently too): each is found by its type, the count proves no third.
    check: (evs) => { assert.equal(evs.length, 2);
      const byType = (t) => evs.find((ev) => exc(ev).type === t) || evs[0];
      expectLike(exc(byType('ReferenceError')), { type: 'ReferenceError', value: /foo/, mechanism: { type: 'generic', handled: true } });
      expectLike(exc(byType('Error')), { type: 'Error', value: 'error 2', mechanism: { type: 'generic', handled: true } }); } },
  { name: 'instrumentation/onError/thrown-errors', script: `throw new Error('realError');`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'realError', mechanism: { type: GH + 'onerror', handled: false } }); assert.ok(exc(ev).stacktrace.frames.length); } },
  { name: 'instrumentation/onError/thrown-objects', script: `throw { error: 'stuff is broken', somekey: 'ok' };`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'Object captured as exception with keys: error, somekey', mechanism: { type: GH + 'onerror', handled: false } }); assert.ok(exc(ev).stacktrace.frames.length); } },
  { name: 'instrumentation/onError/thrown-strings', script: `throw 'stringError';`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'stringError', mechanism: { type: GH + 'onerror', handled: false } }); assert.equal(exc(ev).stacktrace.frames.length, 1); } },
  { name: 'instrumentation/onUnhandledRejection/custom-event', subject: `window.dispatchEvent(new CustomEvent('unhandledrejection', { detail: { promise: new Promise(() => {}), reason: new Error('promiseError') } }));`,
    check: ([ev]) => { expectLike(exc(ev), { type: 'Error', value: 'promiseError', mechanism: { type: GH + 'onunhandledrejection', handled: false } }); assert.ok(exc(ev).stacktrace.frames.length); } },
  { name: 'instrumentation/onUnhandledRejection/event', subject: `window.dispatchEvent(new Event('unhandledrejection'));`,
    check: ([ev]) => expectLike(exc(ev), { type: 'Event', value: 'Event `Event` (type=unhandledrejection) captured as promise rejection', mechanism: { type: GH + 'onunhandledrejection', handled: false } }) },
  ...[['thrown-errors', `new Error('promiseError')`, { type: 'Error', value: 'promiseError' }],
    ['thrown-null', 'null', { type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: null' }],
    ['thrown-number', '123', { type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: 123' }],
    ['thrown-object-complex', `(() => { const r = { a: '1'.repeat(100), b: '2'.repeat(100), c: '3'.repeat(100) }; r.d = r.a; r.e = r; return r; })()`, { type: 'UnhandledRejection', value: 'Object captured as promise rejection with keys: a, b, c, d, e' }],
    ['thrown-objects', `{ a: 'b', b: 'c', c: 'd' }`, { type: 'UnhandledRejection', value: 'Object captured as promise rejection with keys: a, b, c' }],
    ['thrown-strings', `'stringError'`, { type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: stringError' }],
    ['thrown-undefined', 'undefined', { type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: undefined' }],
  ].map(([n, reason, want]) => ({ name: `instrumentation/onUnhandledRejection/${n}`,
    subject: `const reason = ${reason}; const promise = Promise.reject(reason); promise.catch(() => {}); window.onunhandledrejection(new PromiseRejectionEvent('unhandledrejection', { promise, reason }));`,
    check: ([ev]) => expectLike(exc(ev), { ...want, mechanism: { type: GH + 'onunhandledrejection', handled: false } }) })),
  // public-api/setContext, setExtra(s), setTag(s), setUser, withScope
  { name: 'setContext/multiple_contexts', subject: `Sentry.setContext('context_1', { foo: 'bar', baz: { qux: 'quux' } }); Sentry.setContext('context_2', { 1: 'foo', bar: false });
      Sentry.setContext('context_3', null); Sentry.setContext('context_4'); Sentry.setContext('context_5', NaN); Sentry.setContext('context_6', Math.PI); Sentry.captureMessage('multiple_contexts');`,
    differs: 'contexts must be objects in the event protocol: Faultline drops the non-object context_5 ("[NaN]") and context_6 (3.14…) that Sentry sends and Relay discards',
    check: ([ev]) => { assert.equal(ev.message, 'multiple_contexts'); expectLike(ev.contexts, { context_1: { foo: 'bar', baz: { qux: 'quux' } }, context_2: { 1: 'foo', bar: false } });
      for (const k of ['context_3', 'context_4', 'context_5', 'context_6']) assert.equal(ev.contexts[k], undefined); } },
  { name: 'setContext/non_serializable_context', subject: `Sentry.setContext('non_serializable', document.querySelector('body')); Sentry.captureMessage('non_serializable');`,
    differs: 'the context is not an object: Sentry sends "[HTMLElement: body]" as the context, Faultline drops it (see multiple_contexts)',
    check: ([ev]) => { assert.equal(ev.message, 'non_serializable'); assert.equal(ev.contexts.non_serializable, undefined); } },
  { name: 'setContext/simple_context', subject: `Sentry.setContext('foo', { bar: 'baz' }); Sentry.captureMessage('simple_context_object');`,
    check: ([ev]) => { assert.equal(ev.message, 'simple_context_object'); expectLike(ev.contexts, { foo: { bar: 'baz' } }); } },
  { name: 'setExtra/multiple_extras', subject: `Sentry.setExtra('extra_1', { foo: 'bar', baz: { qux: 'quux' } }); Sentry.setExtra('extra_2', false); Sentry.captureMessage('multiple_extras');`,
    check: ([ev]) => { assert.equal(ev.message, 'multiple_extras'); expectLike(ev.extra, { extra_1: { foo: 'bar', baz: { qux: 'quux' } }, extra_2: false }); } },
  { name: 'setExtra/non_serializable_extra', subject: `Sentry.setExtra('non_serializable', document.querySelector('body')); Sentry.captureMessage('non_serializable');`,
    check: ([ev]) => { assert.equal(ev.message, 'non_serializable'); assert.equal(ev.extra.non_serializable, '[HTMLElement: body]'); } },
  { name: 'setExtra/simple_extra', subject: `Sentry.setExtra('simple_extra', { foo: 'bar', baz: { qux: 'quux' } }); Sentry.captureMessage('simple_extra');`,
    check: ([ev]) => { assert.equal(ev.message, 'simple_extra'); expectLike(ev.extra, { simple_extra: { foo: 'bar', baz: { qux: 'quux' } } }); } },
  { name: 'setExtras/consecutive_calls', subject: `Sentry.setExtras({ extra: [] }); Sentry.setExtras({ null: 0 }); Sentry.setExtras({ obj: { foo: ['bar', 'baz', 1] } }); Sentry.setExtras({ [null]: Infinity }); Sentry.setExtras({ [Infinity]: 2 }); Sentry.captureMessage('consecutive_calls');`,
    check: ([ev]) => { assert.equal(ev.message, 'consecutive_calls'); expectLike(ev.extra, { extra: [], Infinity: 2, null: '[Infinity]', obj: { foo: ['bar', 'baz', 1] } }); } },
  { name: 'setExtras/multiple_extras', subject: `Sentry.setExtras({ extra_1: [1, ['foo'], 'bar'], extra_2: 'baz', extra_3: Math.PI, extra_4: { qux: { quux: false } } }); Sentry.captureMessage('multiple_extras');`,
    check: ([ev]) => expectLike(ev.extra, { extra_1: [1, ['foo'], 'bar'], extra_2: 'baz', extra_3: Math.PI, extra_4: { qux: { quux: false } } }) },
  { name: 'setTag/with_non_primitives', subject: `Sentry.setTag('tag_1', {}); Sentry.setTag('tag_2', []); Sentry.setTag('tag_3', ['a', new Map()]); Sentry.setTag('tag_4'); Sentry.setTag('tag_5', () => {}); Sentry.captureMessage('non_primitives');`,
    check: ([ev]) => { assert.equal(ev.message, 'non_primitives'); expectLike(ev.tags, { tag_1: {}, tag_2: [], tag_3: ['a', {}] }, true); } },
  { name: 'setTag/with_primitives', subject: `Sentry.setTag('tag_1', 'foo'); Sentry.setTag('tag_2', Math.PI); Sentry.setTag('tag_3', false); Sentry.setTag('tag_4', null); Sentry.setTag('tag_5', undefined); Sentry.setTag('tag_6', -1); Sentry.captureMessage('primitive_tags');`,
    check: ([ev]) => { assert.equal(ev.message, 'primitive_tags'); expectLike(ev.tags, { tag_1: 'foo', tag_2: Math.PI, tag_3: false, tag_4: null, tag_6: -1 }, true); } },
  { name: 'setTags/with_non_primitives', subject: `Sentry.setTags({ tag_1: {}, tag_2: [], tag_3: ['a', new Map()], tag_4: () => {} }); Sentry.captureMessage('non_primitives');`,
    check: ([ev]) => { assert.equal(ev.message, 'non_primitives'); assert.equal(typeof ev.tags, 'object'); } },
  { name: 'setTags/with_primitives', subject: `Sentry.setTags({ tag_1: 'foo', tag_2: Math.PI, tag_3: false, tag_4: null, tag_5: undefined, tag_6: -1 }); Sentry.captureMessage('primitive_tags');`,
    check: ([ev]) => expectLike(ev.tags, { tag_1: 'foo', tag_2: Math.PI, tag_3: false, tag_4: null, tag_6: -1 }) },
  { name: 'setUser/ip_address_null', init: { dataCollection: { userInfo: true } }, subject: `Sentry.setUser({ id: 'foo', ip_address: null }); Sentry.captureMessage('first_user');`,
    check: ([ev]) => { assert.equal(ev.message, 'first_user'); expectLike(ev.user, { id: 'foo', ip_address: null }, true); } },
  { name: 'setUser/unset_user', count: 3, init: { dataCollection: { userInfo: true } }, subject: `Sentry.captureMessage('no_user'); Sentry.setUser({ id: 'foo', ip_address: 'bar', other_key: 'baz' }); Sentry.captureMessage('user'); Sentry.setUser(null); Sentry.captureMessage('unset_user');`,
    check: (evs) => { const by = Object.fromEntries(evs.map((e) => [e.message, e]));
      expectLike(by.user.user, { id: 'foo', ip_address: 'bar', other_key: 'baz' }, true); assert.ok(!by.no_user.user || !Object.keys(by.no_user.user).length); assert.ok(!by.unset_user.user || !Object.keys(by.unset_user.user).length); } },
  { name: 'setUser/update_user', count: 2, init: { dataCollection: { userInfo: true } }, subject: `Sentry.setUser({ id: 'foo', ip_address: 'bar' }); Sentry.captureMessage('first_user'); Sentry.setUser({ id: 'baz' }); Sentry.captureMessage('second_user');`,
    check: (evs) => { const by = Object.fromEntries(evs.map((e) => [e.message, e])); expectLike(by.first_user.user, { id: 'foo', ip_address: 'bar' }, true); expectLike(by.second_user.user, { id: 'baz' }, true); } },
  { name: 'withScope/nested_scopes', count: 5, subject: `Sentry.setUser({ id: 'qux' }); Sentry.captureMessage('root_before');
      Sentry.withScope((scope) => { scope.setTag('foo', false); Sentry.captureMessage('outer_before');
        Sentry.withScope((scope) => { scope.setTag('bar', 10); scope.setUser(null); Sentry.captureMessage('inner'); });
        scope.setUser({ id: 'baz' }); Sentry.captureMessage('outer_after'); });
      Sentry.captureMessage('root_after');`,
    check: (evs) => { const by = Object.fromEntries(evs.map((e) => [e.message, e]));
      expectLike(by.root_before.user, { id: 'qux' }, true); assert.equal(by.root_before.tags, undefined);
      expectLike(by.outer_before.user, { id: 'qux' }, true); expectLike(by.outer_before.tags, { foo: false });
      assert.ok(!by.inner.user || !Object.keys(by.inner.user).length); expectLike(by.inner.tags, { foo: false, bar: 10 });
      expectLike(by.outer_after.user, { id: 'baz' }, true); expectLike(by.outer_after.tags, { foo: false });
      expectLike(by.root_after.user, { id: 'qux' }, true); assert.equal(by.root_after.tags, undefined); } },
  { name: 'withScope/throwError', subject: `Sentry.setTag('global', 'tag'); setTimeout(() => { Sentry.withScope((scope) => { scope.setTag('local', 'tag'); throw new Error('test error'); }); }, 10);`,
    check: ([ev]) => { assert.equal(ev.tags.local, undefined); expectLike(ev.tags, { global: 'tag' }); assert.equal(exc(ev).value, 'test error'); } },
  // integrations/Breadcrumbs
  { name: 'Breadcrumbs/console/capture', init: CRUMBS_ONLY, subject: `console.log('One'); console.warn('Two', { a: 1 }); console.error('Error 2', { b: { c: [] } });
      console.assert(1 + 1 === 2, 'math works'); console.assert(1 + 1 === 3, 'math broke'); Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [
      { category: 'console', data: { arguments: ['One'], logger: 'console' }, level: 'log', message: 'One', timestamp: N },
      { category: 'console', data: { arguments: ['Two', { a: 1 }], logger: 'console' }, level: 'warning', message: 'Two [object Object]', timestamp: N },
      { category: 'console', data: { arguments: ['Error 2', { b: '[Object]' }], logger: 'console' }, level: 'error', message: 'Error 2 [object Object]', timestamp: N },
      { category: 'console', data: { arguments: ['math broke'], logger: 'console' }, level: 'log', message: 'Assertion failed: math broke', timestamp: N }], true) },
  { name: 'Breadcrumbs/dom/click', init: CRUMBS_ONLY, html: `<button id="button1" type="button">Button 1</button><button id="button2" type="button">Button 2</button>`,
    act: async (page) => { await page.click('#button1'); await page.click('#button2'); await page.click('#button2'); await sleep(1100); await page.click('#button2'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => { assert.equal(ev.exception.values.length, 1); expectLike(ev.breadcrumbs, [1, 2, 2].map((n) => ({ timestamp: N, category: 'ui.click', message: `body > button#button${n}[type="button"]` })), true); } },
  { name: 'Breadcrumbs/dom/click (annotated components)', init: CRUMBS_ONLY,
    html: `<button id="annotated-button" type="button" data-sentry-component="AnnotatedButton" data-sentry-element="StyledButton">Button 3</button><button id="annotated-button-2" type="button" data-sentry-element="StyledButton">Button 4</button>`,
    act: async (page) => { await page.click('#annotated-button'); await page.click('#annotated-button-2'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [
      { timestamp: N, category: 'ui.click', message: 'body > AnnotatedButton', data: { 'ui.component_name': 'AnnotatedButton' } },
      { timestamp: N, category: 'ui.click', message: 'body > StyledButton', data: { 'ui.component_name': 'StyledButton' } }], true) },
  { name: 'Breadcrumbs/dom/clickWithError', init: CRUMBS_ONLY, html: `<input id="input1" type="text" />`,
    pre: `const click = new MouseEvent('click'); Object.defineProperty(click, 'target', { get() { throw new Error('lol'); } }); document.getElementById('input1').dispatchEvent(click);`,
    act: async (page) => { await page.type('#input1', 'test'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [{ category: 'ui.input', message: 'body > input#input1[type="text"]', timestamp: N }], true) },
  { name: 'Breadcrumbs/dom/customEvent', init: CRUMBS_ONLY, html: `<input id="input1" type="text" />`,
    subject: `const input = document.getElementsByTagName('input')[0]; input.addEventListener('build', (e) => e.stopPropagation()); input.dispatchEvent(new CustomEvent('build', { detail: 1 })); Sentry.captureException('test exception');`,
    check: ([ev], { pageErrors }) => { assert.equal(ev.exception.values.length, 1); assert.equal(ev.breadcrumbs, undefined); assert.deepEqual(pageErrors, []); } },
  { name: 'Breadcrumbs/dom/multipleTypes', init: CRUMBS_ONLY, html: `<input id="input1" type="text" />`,
    act: async (page) => { for (const t of ['abc', 'def', 'ghi']) await page.type('#input1', t); for (let i = 0; i < 3; i++) await page.click('#input1'); await page.type('#input1', 'jkl'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, ['ui.input', 'ui.click', 'ui.input'].map((category) => ({ category, message: 'body > input#input1[type="text"]', timestamp: N })), true) },
  { name: 'Breadcrumbs/dom/textInput', init: CRUMBS_ONLY, html: `<input id="input1" type="text" /><input id="input2" type="text" />`,
    act: async (page) => { await page.type('#input1', 'John'); await page.type('#input1', 'Abby'); await page.type('#input2', 'Anne'); await sleep(1100); await page.type('#input2', 'John'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [1, 2, 2].map((n) => ({ timestamp: N, category: 'ui.input', message: `body > input#input${n}[type="text"]` })), true) },
  { name: 'Breadcrumbs/dom/textInput (annotated components)', init: CRUMBS_ONLY,
    html: `<input id="annotated-input" data-sentry-component="AnnotatedInput" data-sentry-element="StyledInput" type="text" /><input id="annotated-input-2" data-sentry-element="StyledInput" type="text" />`,
    act: async (page) => { await page.type('#annotated-input', 'John'); await page.type('#annotated-input-2', 'John'); },
    subject: `Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [
      { timestamp: N, category: 'ui.input', message: 'body > AnnotatedInput', data: { 'ui.component_name': 'AnnotatedInput' } },
      { timestamp: N, category: 'ui.input', message: 'body > StyledInput', data: { 'ui.component_name': 'StyledInput' } }], true) },
  ...[['fetch/get', `fetch(U + '/status/200')`, 'GET', 200], ['fetch/getWithRequestObj', `fetch(new Request(U + '/status/200'))`, 'GET', 200],
    ['fetch/post', `fetch(U + '/status/200', { method: 'POST', body: '{"my":"body"}', headers: { Accept: 'application/json', 'Content-Type': 'application/json', Cache: 'no-cache' } })`, 'POST', 200],
    ['fetch/statusCode 4xx', `fetch(U + '/status/404')`, 'GET', 404, 'warning'], ['fetch/statusCode 5xx', `fetch(U + '/status/500')`, 'GET', 500, 'error'],
  ].map(([n, call, method, status, level]) => ({ name: `Breadcrumbs/${n}`, init: CRUMBS_ONLY, subject: `const U = location.origin; ${call}.then(() => Sentry.captureException('test error'));`,
    check: ([ev], { origin }) => { assert.equal(ev.exception.values.length, 1); expectLike(ev.breadcrumbs, [{ timestamp: N, category: 'fetch', type: 'http', data: { method, status_code: status, url: `${origin}/status/${status}` }, ...(level && { level }) }], true); } })),
  ...[['xhr/get', 'GET', 200], ['xhr/post', 'POST', 200], ['xhr/statusCode 4xx', 'GET', 404, 'warning'], ['xhr/statusCode 5xx', 'GET', 500, 'error']].map(([n, method, status, level]) => ({
    name: `Breadcrumbs/${n}`, init: CRUMBS_ONLY,
    subject: `const xhr = new XMLHttpRequest(); xhr.open('${method}', location.origin + '/status/${status}'); ${method == 'POST' ? `xhr.setRequestHeader('Content-Type', 'application/json'); xhr.send('{"my":"body"}');` : 'xhr.send();'}
      xhr.addEventListener('readystatechange', function () { if (xhr.readyState === 4) Sentry.captureException('test error'); });`,
    check: ([ev], { origin }) => { assert.equal(ev.exception.values.length, 1); expectLike(ev.breadcrumbs, [{ timestamp: N, category: 'xhr', type: 'http', data: { method, status_code: status, url: `${origin}/status/${status}` }, ...(level && { level }) }], true); } })),
  { name: 'Breadcrumbs/history/navigation', init: CRUMBS_ONLY, subject: `history.pushState({}, '', '/foo'); history.pushState({}, '', '/bar?a=1#fragment'); history.pushState({}, '', {}); history.pushState({}, '', null); history.replaceState({}, '', '/bar?a=1#fragment'); Sentry.captureException('test exception');`,
    check: ([ev]) => expectLike(ev.breadcrumbs, [['/pages/conformance/', '/foo'], ['/foo', '/bar?a=1#fragment'], ['/bar?a=1#fragment', '/[object%20Object]'], ['/[object%20Object]', '/bar?a=1#fragment']]
      .map(([from, to]) => ({ category: 'navigation', data: { from, to }, timestamp: N })), true) },
  // integrations/globalHandlers/dataUrls: an error of a worker built from a data: URL reaches
  // window.onerror with that URL and no error object: one frame at its location, named as Sentry names it
  { name: 'globalHandlers/dataUrls',
    differs: 'the value is the message without the engine\'s "Uncaught Error: " prefix (Faultline reads the type from it), where Sentry keeps the whole text',
    subject: `const code = "\\n  self.addEventListener('message', (event) => {\\n    if (event.data.type === 'error') {\\n      throw new Error('Error thrown in worker');\\n    }\\n  });\\n";
      const worker = new Worker('data:text/javascript;base64,' + btoa(code)); worker.postMessage({ type: 'error' });`,
    check: ([ev]) => {
      const x = exc(ev);
      expectLike(x, { type: 'Error', value: 'Error thrown in worker' });
      expectLike(x.mechanism, { handled: false, synthetic: true, type: GH + 'onerror' }, true);
      expectLike(x.stacktrace.frames, [{ colno: N, filename: '<data:text/javascript,base64>', function: '?', in_app: true, lineno: 4 }]);
    } },
  // integrations/httpclient: failed responses become events (sendDefaultPii: headers included)
  ...[['fetch', `fetch(location.origin + '/failed/500', { method: 'GET', credentials: 'include', headers: { Accept: 'application/json', 'Content-Type': 'application/json', Cache: 'no-cache' } });`],
    ['xhr', `const xhr = new XMLHttpRequest(); xhr.open('GET', location.origin + '/failed/500', true); xhr.withCredentials = true; xhr.setRequestHeader('Accept', 'application/json'); xhr.setRequestHeader('Content-Type', 'application/json'); xhr.setRequestHeader('Cache', 'no-cache'); xhr.send();`],
  ].map(([kind, subject]) => ({ name: `httpclient/${kind}`, init: { integrations: '[Sentry.httpClientIntegration()]', sendDefaultPii: true }, subject,
    check: ([ev], { origin }) => {
      assert.equal(ev.exception.values.length, 1);
      // Sentry's event has no level: the scope's, else error (as Sentry shows it); every integration
      // that runs is listed in sdk.integrations as Sentry names it.
      assert.equal(ev.level, 'error');
      assert.ok(ev.sdk.integrations.includes('HttpClient') && ev.sdk.integrations.includes('GlobalHandlers'), JSON.stringify(ev.sdk));
      expectLike(ev, { message: 'HTTP Client Error with status code: 500',
        exception: { values: [{ type: 'Error', value: 'HTTP Client Error with status code: 500', mechanism: { type: `auto.http.client.${kind}`, handled: false } }] },
        request: { url: `${origin}/failed/500`, method: 'GET', headers: { accept: 'application/json', cache: 'no-cache', 'content-type': 'application/json' } },
        contexts: { response: { status_code: 500, body_size: 45, headers: { 'content-type': 'text/html', 'content-length': '45' } } } });
      // The stack of the call that made the request, without the SDK's wrapper (the inline
      // subject's own frame is <anonymous> here, so not in-app as in the peer's bundled subject).
      const fr = exc(ev).stacktrace?.frames || [];
      assert.ok(fr.length && !/faultline|\/esm\//.test(fr.at(-1).filename), `the request's call stack: ${JSON.stringify(fr)}`);
    } })),
  { name: 'httpclient/fetch/withoutSendDefaultPii', init: { integrations: '[Sentry.httpClientIntegration()]' },
    subject: `fetch(location.origin + '/failed/500', { headers: { Accept: 'application/json', Authorization: 'Bearer secret' } });`,
    check: ([ev], { origin }) => {
      assert.equal(ev.level, 'error');
      expectLike(ev, { message: 'HTTP Client Error with status code: 500', request: { url: `${origin}/failed/500`, method: 'GET' }, contexts: { response: { status_code: 500, body_size: 45 } } });
      assert.equal(ev.contexts.response.headers, undefined);
      assert.equal(JSON.stringify(ev.request).includes('secret'), false, 'no request headers without sendDefaultPii');
    } },
  { name: 'httpclient (a scope level is the event\'s, as in Sentry)', init: { integrations: '[Sentry.httpClientIntegration()]' },
    subject: `Sentry.getCurrentScope().setLevel('warning'); fetch(location.origin + '/failed/500');`,
    check: ([ev]) => { assert.equal(ev.level, 'warning'); assert.deepEqual(ev.sdk.integrations, ['EventFilters', 'FunctionToString', 'BrowserApiErrors', 'Breadcrumbs', 'Console', 'GlobalHandlers', 'LinkedErrors', 'Dedupe', 'HttpContext', 'CultureContext', 'BrowserSession', 'HttpClient']); } },  // (Sentry 11's defaults)
  { name: 'httpclient (status and target options; 404 and the SDK\'s own requests ignored)', count: 1,
    init: { integrations: `[Sentry.httpClientIntegration({ failedRequestStatusCodes: [404, [502, 503]], failedRequestTargets: ['/status/', /failed/] })]` },
    subject: `const U = location.origin; fetch(U + '/status/500'); fetch(U + '/status/200'); fetch(U + '/echo'); setTimeout(() => fetch(U + '/status/404'), 300);`,
    check: (evs, { origin }) => { assert.equal(evs.length, 1); assert.equal(evs[0].request.url, `${origin}/status/404`); assert.equal(evs[0].message, 'HTTP Client Error with status code: 404'); } },
  // integrations/captureConsole
  { name: 'captureConsole', count: 7, init: { integrations: '[Sentry.captureConsoleIntegration()]' },
    subject: `console.log('console log'); console.warn('console warn'); console.error('console error'); console.info('console info'); console.trace('console trace');
      console.error(new Error('console error with error object')); console.trace(new Error('console trace with error object'));`,
    check: (evs) => {
      assert.equal(evs.length, 7);
      for (const [m, level] of [['log', 'log'], ['warn', 'warning'], ['info', 'info'], ['error', 'error'], ['trace', 'log']]) {
        const ev = evs.find((e) => e.message === `console ${m}`);
        expectLike(ev, { level, logger: 'console', extra: { arguments: [`console ${m}`] }, message: `console ${m}` });
        // Sentry 11's attachStacktrace (on by default): the message carries the stack of the console call, as a synthetic exception.
        assert.equal(ev.exception.values[0].mechanism.synthetic, true);
      }
      for (const [m, level] of [['error', 'error'], ['trace', 'log']]) {
        const ev = evs.find((e) => e.exception && exc(e).value === `console ${m} with error object`);
        expectLike(ev, { level, logger: 'console', extra: { arguments: [{ message: `console ${m} with error object`, name: 'Error', stack: S }] } });
        expectLike(exc(ev).mechanism, { type: 'auto.core.capture_console', handled: true }, true);
      }
    } },
  { name: 'captureConsole (levels option, failed assert)', count: 2, init: { integrations: `[Sentry.captureConsoleIntegration({ levels: ['warn', 'assert'] })]` },
    subject: `console.log('not captured'); console.error('not captured either'); console.assert(true, 'passes'); console.assert(false, 'invariant', 3); console.warn('captured');`,
    check: (evs) => {
      assert.deepEqual(evs.map((e) => e.message).sort(), ['Assertion failed: invariant 3', 'captured']);
      expectLike(evs.find((e) => e.message == 'captured'), { level: 'warning', logger: 'console' });
      expectLike(evs.find((e) => e.message != 'captured'), { level: 'error', extra: { arguments: ['invariant', 3] } });
    } },
  // integrations/thirdPartyErrorsFilter: first-party.js is marked as the app's bundle (key my-app), third-party.js is not
  ...[['apply-tag-if-contains-third-party-frames', 2], ['drop-error-if-exclusively-contains-third-party-frames', 1]].map(([behaviour, count]) => ({
    name: `thirdPartyErrorsFilter (${behaviour})`, count,
    init: { integrations: `[Sentry.thirdPartyErrorFilterIntegration({ behaviour: '${behaviour}', filterKeys: ['my-app'] })]` },
    subject: `for (const f of ['first-party.js', 'third-party.js']) document.head.append(Object.assign(document.createElement('script'), { src: f }));`,
    check: async (evs, { page }) => {
      // The drop is waited for (the third-party script may load after the first-party event went;
      // a fixed 300 ms was a guess a loaded machine can outrun); count 2 waited for both events.
      if (behaviour.startsWith('drop-')) await page.waitFor(() => (window.Sentry.getStats().dropped || {}).event_processor >= 1, undefined, 10000);
      const first = evs.find((e) => exc(e).type == 'TypeError'), third = evs.find((e) => exc(e).value == 'I am a third party Error');
      assert.ok(first, 'the first-party error is sent');
      assert.equal(first.tags && first.tags.third_party_code, undefined, 'its frames are the app\'s (and the SDK\'s own wrapper, which does not count)');
      if (behaviour.startsWith('drop-')) {
        assert.equal(third, undefined, 'the third-party error is dropped');
        assert.equal((await page.evaluate('Sentry.getStats()')).dropped.event_processor, 1, 'and counted as Sentry counts it');
      } else {
        expectLike(third.tags, { third_party_code: true });
      }
    } })),
  // integrations/extraErrorData, rewriteFrames, reportingObserver
  { name: 'extraErrorData', init: { integrations: '[Sentry.extraErrorDataIntegration()]' },
    subject: `const e = new TypeError('bad order'); e.code = 'E_ORDER'; e.details = { id: 7, nested: { deep: { deeper: 1 } } }; e.cause = new Error('db'); Sentry.captureException(e);`,
    check: ([ev]) => expectLike(ev.contexts.TypeError, { code: 'E_ORDER', details: { id: 7, nested: { deep: '[Object]' } }, cause: { Error: {} } }, true) },
  { name: 'rewriteFrames (root, prefix)', init: { integrations: `[Sentry.rewriteFramesIntegration({ root: location.origin, prefix: 'app:///static' })]` },
    subject: `function fail() { throw new Error('rewritten'); } try { fail(); } catch (e) { Sentry.captureException(e); }`,
    check: ([ev]) => { const fr = exc(ev).stacktrace.frames; assert.ok(fr.length); assert.ok(fr.every((f) => !f.filename.startsWith('http') && (f.filename.startsWith('app:///static') || !f.filename.includes('/'))), JSON.stringify(fr.map((f) => f.filename))); } },
  { name: 'rewriteFrames (iteratee)', init: { integrations: `[Sentry.rewriteFramesIntegration({ iteratee: (f) => ({ ...f, module: 'checked' }) })]` },
    subject: `try { null.x; } catch (e) { Sentry.captureException(e); }`,
    check: ([ev]) => assert.ok(exc(ev).stacktrace.frames.every((f) => f.module === 'checked')) },
  { name: 'reportingObserver (a deprecation report)', init: { integrations: `[Sentry.reportingObserverIntegration({ types: ['deprecation'] })]` },
    act: async (page) => { await sleep(300); },
    subject: `const x = new XMLHttpRequest(); x.open('GET', location.origin + '/echo', false); x.send();`,  // a synchronous XHR: deprecated
    engines: { firefox: 'Firefox ESR sends its ReportingObserver no deprecation report for a synchronous XHR (it only warns in the console): nothing to report, and nothing is',
      webkit: 'WebKitGTK sends its ReportingObserver no deprecation report for a synchronous XHR either: nothing to report, and nothing is' },
    count: (engine) => (engine == 'chromium' ? 1 : 0),
    check: async (evs, { page, engine }) => {
      if (engine != 'chromium') return assert.equal(evs.length, 0);
      const [ev] = evs;
      assert.match(ev.message, /^ReportingObserver \[deprecation\]: .+/); assert.ok(ev.extra.url && ev.extra.body && ev.extra.body.id, JSON.stringify(ev.extra));
    } },
  // Faultline's own: the first error of a bundle with a symbol table waits for the table; a second
  // error raised (from a click listener) while the table's response is held waits behind it and
  // must still arrive as its own TypeError, never as an empty capture.
  { name: 'symbol-table hold: an error raised while the first waits for its table keeps its exception', count: 2, init: { symbolTableTimeout: 10000 },
    server: { slow: [/\.flsym\.json$/, 1500] },  // the table's request is held 1.5 s, then 404
    subject: `document.head.append(Object.assign(document.createElement('script'), { src: 'held-table.js' }));`,
    check: async (evs, { page }) => {
      assert.equal(evs.length, 2, JSON.stringify(evs.map((e) => e.message || exc(e))));
      const st = await page.evaluate('Sentry.getStats()');
      assert.equal(st.symbol_tables.failed, 1, 'the table was held, then failed');
      assert.equal(st.empty_captures, undefined, 'no capture went out empty');
      for (const ev of evs) { assert.equal(ev.level, 'error'); assert.equal(ev.message, undefined); assert.equal(exc(ev).type, 'TypeError'); assert.ok(exc(ev).stacktrace.frames.length); }
      // (each engine's wording names the property: V8 (reading 'code'), SpiderMonkey "code", JavaScriptCore (evaluating 'cart.discount.code'))
      assert.deepEqual(evs.map((e) => (exc(e).value.match(/evaluating '.*?(\w+)'\)$/) || exc(e).value.match(/['"](\w+)['"]/))[1]).sort(), ['amount', 'code']);
      assert.ok(evs.every((e) => Object.values(e.contexts.faultline.symbol_tables || {}).includes('failed')), `both waited for the table, which failed: ${JSON.stringify(evs.map((e) => [e.contexts.faultline, exc(e).stacktrace.frames.at(-1)]))}`);
    } },
  { name: 'an empty capture (captureEvent({}), captureMessage(\'\')) is sent as "<empty capture>" and counted', count: 1,
    subject: `Sentry.captureEvent({}); Sentry.captureMessage('');`,
    check: async ([ev], { page }) => { assert.equal(ev.message, '<empty capture>'); assert.equal((await page.evaluate('Sentry.getStats()')).empty_captures, 2); } },
  // integrations/httpContext: a client built by hand
  { name: 'httpContext (BrowserClient + Scope)', init: null, build: `
      const integrations = Sentry.getDefaultIntegrations({}).filter((i) => i.name === 'HttpContext');
      const client = new Sentry.BrowserClient({ dsn: DSN, beforeSend: window._record, transport: Sentry.makeFetchTransport, stackParser: Sentry.defaultStackParser, integrations });
      const scope = new Sentry.Scope(); scope.setClient(client); client.init(); window._sentryScope = scope;`,
    subject: `window._sentryScope.captureException(new Error('client init'));`,
    check: ([ev]) => { assert.equal(ev.exception.values.length, 1); expectLike(ev.request, { headers: { 'User-Agent': S }, url: S }); } },
];

// init options as page code: strings name page-side values.
// Every page records what beforeSend sees (window._record), then passes the event on unchanged.
function optionsSource(o) {
  const parts = [];
  let counting = false;
  for (const [k, v] of Object.entries(o || {})) {
    if (k == 'integrations') parts.push(`integrations: ${v == 'B()' ? '[Sentry.breadcrumbsIntegration()]' : v}`);  // page code
    else if (v === 'CountingBeforeSend') counting = true;
    else parts.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  }
  parts.push(`beforeSend: (e) => { ${counting ? 'window._errorCount++; ' : ''}return window._record(e); }`);
  return `{ dsn: DSN, aggregation: { windowMs: 60000 }, ${parts.join(', ')} }`;
}
const RECORD = `window._seen = []; window._record = (e) => { window._seen.push(JSON.parse(JSON.stringify(e))); return e; };`;

async function run(browser, engine, mode, sc) {
  const server = await startServer(sc.server);
  const page = await browser.newPage();
  try {
    await page.goto(server.origin + '/pages/conformance/');
    // WebDriver (WebKit) reports no page errors: the page records its uncaught ones itself.
    if (!page.pageErrors) await page.evaluate(`(window.__pageErrors = [], addEventListener('error', (e) => __pageErrors.push(String(e.message))), 1)`);
    if (sc.html) await page.evaluate((h) => { document.body.innerHTML = h; }, sc.html);
    if (sc.pre) await page.addScript(sc.pre);
    const load = mode == 'iife'
      ? `await new Promise((ok, no) => { const s = document.createElement('script'); s.src = '/dist/faultline.iife.js'; s.onload = ok; s.onerror = no; document.head.append(s); }); window.Sentry = window.Faultline;`
      : `window.Sentry = await import('/esm/index.js');`;
    const setup = sc.init === null ? sc.build : `Sentry.init(${optionsSource(sc.init)});`;
    await page.evaluate(`(async () => { const DSN = ${JSON.stringify(server.dsn)}; window._errorCount = 0; ${RECORD} ${load} ${setup} await Sentry.ready(15000); })()`);
    assert.equal(await page.evaluate('Sentry.ready(15000)'), 'wasm');
    if (sc.act) await sc.act(page);
    if (sc.script) await page.addScript(sc.script);
    if (sc.subject) await page.addScript(sc.subject);
    const count = typeof sc.count == 'function' ? sc.count(engine) : sc.count ?? 1;
    if (count) await server.waitFor(() => server.events().length >= count, 20000, `${count} event(s)`);  // (a bound, not a margin: a loaded machine's engines are slow)
    await sleep(150);
    await page.evaluate('Sentry.flush(5000)');
    const wire = server.events().filter((e) => !(e.contexts && e.contexts.faultline && e.contexts.faultline.summary));
    const seen = await page.evaluate('window._seen');
    const evs = wire.map((ev) => {
      assert.deepEqual(validateEvent(ev), [], 'schema');
      const view = seen.find((v) => v.event_id == ev.event_id);
      assert.ok(view, `beforeSend saw event ${ev.event_id}`);
      assert.deepEqual(ev, JSON.parse(JSON.stringify(toWire(view))), 'the wire carries the wire form of what beforeSend saw');
      return view;
    });
    await sc.check(evs, { page, engine, origin: server.origin, pageErrors: page.pageErrors || await page.evaluate('window.__pageErrors') });
  } finally {
    await page.close();
    await server.close();
  }
}

// Each engine runs every scenario in both builds. Where an engine really differs (its own error
// wording, an API it does not have), the scenario's `engines[engine]` says why and the check
// takes the engine into account (ctx.engine); README lists these differences.
for (const [engine, launchIt] of [['chromium', launchChromium], ['firefox', launchFirefox], ['webkit', launchWebKit]]) {
  let browser;
  before(async () => {
    assert.ok(wasmBuilt(), 'dist/faultline.wasm is missing: run `bash scripts/build.sh wasm`');
    browser = await launchIt();
  });
  after(async () => { await browser?.close(); });
  for (const mode of ['iife', 'esm']) {
    for (const sc of SCENARIOS) {
      const note = [sc.differs && 'differs', sc.engines && sc.engines[engine] && `${engine} differs`].filter(Boolean).join(', ');
      test(`[${engine}] [${mode}] ${sc.name}${note ? ` (${note}: see the scenario)` : ''}`, () => run(browser, engine, mode, sc));
    }
  }
}
