// Anonymous functions keyed by their own text across a deploy (issue 10): two deploys of one app,
// the second adding a listener before the existing ones, through the CLI (`sourcemaps inject`,
// `fingerprint --source-maps`) and the page core, with tables from the code and with an esbuild
// bundle's source map. Keyed by their ordinal, the existing listener took its neighbour's key in
// the second deploy and its events joined the neighbour's group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../../js/core-node.js';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

function run(args, input = '') {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

// The app of one deploy: listeners of one emitter at the top level and in a named function.
// Deploy B adds one before the others in both places.
function app(deployB) {
  return [
    '"use strict";',
    'const handlers = {};',
    'function on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); }',
    'const layout = { width: 0, top: 0 };',
    ...(deployB ? ["on('focus', (e) => { layout.focus = e.target.id; });"] : []),
    "on('resize', (e) => { layout.width = e.detail.width; });",
    "on('scroll', (e) => { layout.top = e.target.scrollTop; });",
    'function setup() {',
    ...(deployB ? ["  on('open', (e) => { layout.open = e.target.open; });"] : []),
    "  on('load', (e) => { layout.ready = e.detail.ready; });",
    "  on('unload', (e) => { layout.saved = e.target.saved; });",
    '}',
    'setup();',
    'globalThis.emit = function emit(name, ev) { for (const h of handlers[name]) h(ev); };',
  ].join('\n') + '\n';
}

// Runs the served script in a fresh V8 context and captures each event's error.
function capture(file, url, events) {
  const context = vm.createContext({});
  vm.runInContext(readFileSync(file, 'utf8'), context, { filename: url });
  return events.map((name) => {
    try {
      context.emit(name, { detail: null, target: null });
    } catch (err) {
      return { type: err.name, value: err.message, stack: err.stack };
    }
    throw new Error(`${name} did not throw`);
  });
}

const EVENTS_A = ['resize', 'scroll', 'load', 'unload'];
const EVENTS_B = ['focus', 'resize', 'scroll', 'open', 'load', 'unload'];

// The CLI's fingerprints and keys for the events of one build directory, and the page core's with
// the same table (they must agree).
async function fingerprints(dir, file, url, events) {
  const captured = capture(path.join(dir, file), url, events);
  const out = run(['fingerprint', '--source-maps', dir], captured.map((x) => JSON.stringify(x)).join('\n') + '\n');
  assert.equal(out.code, 0, out.stderr);
  const { Core } = await loadCore();
  const core = new Core(JSON.stringify({ aggregation: { windowMs: 0 } }));
  try {
    assert.equal(JSON.parse(core.addSymbolTable(url, readFileSync(path.join(dir, `${file}.flsym.json`), 'utf8'))).ok, true);
    for (const [i, x] of captured.entries())
      assert.equal(JSON.parse(core.capture(JSON.stringify({ exceptions: [x] }))).fingerprint, out.lines[i].fingerprint, `${events[i]}: page and CLI agree`);
  } finally {
    core.delete();
  }
  return Object.fromEntries(events.map((e, i) => [e, { fp: out.lines[i].fingerprint, key: out.lines[i].parts.frame.frame, confident: out.lines[i].parts.confident }]));
}

function checkAcrossDeploys(a, b) {
  for (const e of EVENTS_A) {
    assert.match(a[e].key, /\/\?[0-9a-f]{9}$/, `${e}: keyed by its text (${a[e].key})`);
    assert.equal(b[e].fp, a[e].fp, `${e}: one group across the deploy (${a[e].key} -> ${b[e].key})`);
  }
  assert.equal(new Set(EVENTS_A.map((e) => a[e].fp)).size, EVENTS_A.length, 'four listeners, four groups');
  for (const e of EVENTS_A) {
    assert.notEqual(b.focus.fp, a[e].fp, `the new top-level listener joins no old group (${e})`);
    assert.notEqual(b.open.fp, a[e].fp, `the new listener of setup joins no old group (${e})`);
  }
}

test('tables from the code: an anonymous listener keeps its group when a deploy adds one before it', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-anon-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const url = 'http://127.0.0.1:8080/assets/app.js';
  const keys = {};
  for (const deploy of ['a', 'b']) {
    const dir = path.join(root, deploy);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'app.js'), app(deploy === 'b'));
    assert.equal(run(['sourcemaps', 'inject', dir, '--tables-from-code']).code, 0);
    assert.match(readFileSync(path.join(dir, 'app.js.flsym.json'), 'utf8'), /"texts":"/);
    keys[deploy] = await fingerprints(dir, 'app.js', url, deploy === 'b' ? EVENTS_B : EVENTS_A);
  }
  checkAcrossDeploys(keys.a, keys.b);
  // Keyed by its text alone, a top-level listener's key no longer moves with other code of the
  // file: confident, as one in a named function.
  assert.equal(keys.a.resize.confident, true);
  assert.equal(keys.a.load.confident, true);
});

test('a source map\'s table (esbuild, minified): the original text from sourcesContent keys the listener across the deploy', async (t) => {
  const { build } = await import('esbuild');
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-anon-map-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const url = 'http://127.0.0.1:8080/assets/bundle.js';
  const keys = {};
  for (const deploy of ['a', 'b']) {
    const src = path.join(root, `src-${deploy}`);
    mkdirSync(src);
    writeFileSync(path.join(src, 'app.js'), app(deploy === 'b'));
    const dir = path.join(root, deploy);
    await build({ entryPoints: [path.join(src, 'app.js')], bundle: true, minify: true, format: 'iife', sourcemap: true, outfile: path.join(dir, 'bundle.js'), absWorkingDir: src, logLevel: 'error' });
    assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
    assert.match(readFileSync(path.join(dir, 'bundle.js.flsym.json'), 'utf8'), /"texts":"/);
    keys[deploy] = await fingerprints(dir, 'bundle.js', url, deploy === 'b' ? EVENTS_B : EVENTS_A);
  }
  checkAcrossDeploys(keys.a, keys.b);
  for (const e of EVENTS_A) assert.equal(keys.a[e].confident, true, e);
  assert.match(keys.a.load.key, /^app\.js:setup\/\?[0-9a-f]{9}$/);
  // The page's scan and --tables-from-code of the module as written key it as the map's table does.
  const dir = path.join(root, 'code');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'app.js'), app(false));
  assert.equal(run(['sourcemaps', 'inject', dir, '--tables-from-code']).code, 0);
  const fromCode = await fingerprints(dir, 'app.js', 'http://127.0.0.1:8080/assets/app.js', EVENTS_A);
  for (const e of EVENTS_A) assert.equal(fromCode[e].key, keys.a[e].key, e);
});
