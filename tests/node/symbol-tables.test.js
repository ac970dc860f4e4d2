// The SDK side of symbol tables and debug IDs: which bundles a page registered (js/client.js
// registry(), from the snippet `faultline sourcemaps inject` writes and from sentry-cli's), which
// of them a stack touches (stackUrls), and the browser WASM core's addSymbolTable binding with a
// table the tools module built from a real esbuild bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { registry, stackUrls } from '../../esm/client.js';
import { registrationSnippet, loadTools } from '../../js/sourcemaps-cli.js';
import { loadCore } from '../../js/core-node.js';
import { validateEvent } from './lib/schema.js';

const fixture = (f) => readFileSync(new URL(`../fixtures/sourcemaps/${f}`, import.meta.url), 'utf8');
const URL_A = 'https://shop.example/assets/shop-a.js';

test('stackUrls: every frame URL of V8, SpiderMonkey and JavaScriptCore stacks, as the core writes abs_path', () => {
  const v8 = `TypeError: x is undefined (see https://docs.example/errors:1:2 for help)\n    at u (${URL_A}:1:466)\n    at https://shop.example/assets/vendor-9f.js:3:77\n    at new o (http://127.0.0.1:5173/assets/index-Ab.js?v=2:1:10)`;
  assert.deepEqual([...stackUrls(v8)], ['https://docs.example/errors', URL_A, 'https://shop.example/assets/vendor-9f.js', 'http://127.0.0.1:5173/assets/index-Ab.js?v=2']);
  assert.deepEqual([...stackUrls(`u@${URL_A}:1:466\nasync*@https://shop.example/x.mjs:10:5\n@[native code]`)], [URL_A, 'https://shop.example/x.mjs']);
  assert.deepEqual([...stackUrls('Error: no frames')], []);
  assert.deepEqual([...stackUrls(undefined)], []);
});

test('registry: bundles by the innermost URL of their registration stack, debug IDs from either global, tables relative to the bundle', () => {
  // What the injected snippet does when the bundle runs, with the stack each engine would give.
  const g = {};
  const run = (snippet, stack) => new Function('globalThis', snippet.replace('(new g.Error).stack', JSON.stringify(stack)))(g);
  run(registrationSnippet('a0a0a0a0-1111-4222-8333-444455556666', 'shop-a.js.flsym.json'), `Error\n    at ${URL_A}:1:120\n    at ${URL_A}:1:300`);
  run(registrationSnippet('b0b0b0b0-1111-4222-8333-444455556666', 'maps/vendor.js.flsym.json'), '@https://cdn.example/v/vendor.js:1:90\n');
  g._debugIds = { 'Error\n    at https://shop.example/other.js:1:5': 'c0c0c0c0-1111-4222-8333-444455556666' };
  const cache = {};
  const m = registry(g, cache);
  assert.deepEqual(Object.fromEntries(m), {
    [URL_A]: { id: 'a0a0a0a0-1111-4222-8333-444455556666', table: 'https://shop.example/assets/shop-a.js.flsym.json' },
    'https://cdn.example/v/vendor.js': { id: 'b0b0b0b0-1111-4222-8333-444455556666', table: 'https://cdn.example/v/maps/vendor.js.flsym.json' },
    'https://shop.example/other.js': { id: 'c0c0c0c0-1111-4222-8333-444455556666' },
  });
  assert.equal(registry(g, cache), m, 'unchanged registrations: the cached map');
  g._sentryDebugIds['Error\n    at https://shop.example/late-chunk.js:1:1'] = 'd0d0d0d0-1111-4222-8333-444455556666';
  assert.equal(registry(g, cache).get('https://shop.example/late-chunk.js').id, 'd0d0d0d0-1111-4222-8333-444455556666', 'a bundle loaded later is seen');
  assert.equal(registry({}, {}).size, 0);
  // Hostile globals never throw.
  const hostile = {};
  Object.defineProperty(hostile, '_sentryDebugIds', { get() { throw new Error('no'); } });
  hostile._faultlineSymbolTables = { 'not a stack': 42, [`Error\n    at ${URL_A}:1:1`]: 'http://[bad' };
  assert.deepEqual(Object.fromEntries(registry(hostile, {})), { [URL_A]: {} });
});

test('the browser core resolves a bundle\'s frames with its table: original name on the event, minified name kept, debug_meta, confident fingerprint', async () => {
  const tools = await loadTools();
  const built = JSON.parse(tools.buildSymbolTable(fixture('shop-a.js.map'), fixture('shop-a.js')));
  assert.equal(built.error, undefined);
  const table = built.table;
  const { Core } = await loadCore();
  const core = new Core(JSON.stringify({ dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1', aggregation: { windowMs: 0 } }));
  try {
    const code = fixture('shop-a.js');
    const col = code.indexOf('new Error("unknown') + 1;
    const input = JSON.stringify({
      exceptions: [{ type: 'Error', value: 'unknown discount SPRING', stack: `Error: unknown discount SPRING\n    at u (${URL_A}:1:${col})\n    at ${URL_A}:1:9` }],
      debugIds: { [URL_A]: 'a0a0a0a0-1111-4222-8333-444455556666', 'https://elsewhere.example/x.js': 'e0e0e0e0-1111-4222-8333-444455556666' },
    });
    const event = () => {
      const body = JSON.parse(core.drain(0, true, 1)).envelopes[0].body.trim().split('\n');
      return JSON.parse(body.at(-1));
    };
    const before = JSON.parse(core.capture(input));
    const unresolved = event();
    assert.equal(unresolved.exception.values[0].stacktrace.frames.at(-1).function, 'u');
    assert.equal(unresolved.fingerprint, undefined, 'unresolved minified frame: not confident, Sentry groups');

    assert.deepEqual(JSON.parse(core.addSymbolTable(URL_A, '{"faultline_symbols":1}')).ok, false);
    const added = JSON.parse(core.addSymbolTable(URL_A, table));
    assert.equal(added.ok, true, JSON.stringify(added));
    const after = JSON.parse(core.capture(input));
    assert.notEqual(after.fingerprint, before.fingerprint);
    const ev = event();
    assert.deepEqual(validateEvent(ev), []);
    const top = ev.exception.values[0].stacktrace.frames.at(-1);
    assert.equal(top.function, 'applyDiscount');
    assert.equal(top.raw_function, 'u');
    assert.equal(top.abs_path, URL_A);
    assert.deepEqual(ev.fingerprint, [after.fingerprint]);
    assert.deepEqual(ev.debug_meta, { images: [{ type: 'sourcemap', code_file: URL_A, debug_id: 'a0a0a0a0-1111-4222-8333-444455556666' }] },
      'only the files of the event\'s frames');
    assert.equal(JSON.parse(core.stats()).symbol_tables, 1);
  } finally {
    core.delete();
  }
});
