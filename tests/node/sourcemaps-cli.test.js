// `faultline sourcemaps inject`, `symbolicate --source-maps` and `fingerprint --source-maps` on the
// esbuild-minified shop (tests/fixtures/sourcemaps: two deploys with different minified names and
// positions), run for real in Node's V8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCore } from '../../js/core-node.js';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/sourcemaps/', import.meta.url));

function run(args, input = '', cwd = undefined) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60000, cwd });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

// A build directory holding one deploy of the shop, as a bundler leaves it.
function buildDir(deploy) {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-sm-'));
  copyFileSync(path.join(fixtures, `shop-${deploy}.js`), path.join(dir, 'shop.js'));
  const map = JSON.parse(readFileSync(path.join(fixtures, `shop-${deploy}.js.map`), 'utf8'));
  writeFileSync(path.join(dir, 'shop.js.map'), JSON.stringify(map));
  writeFileSync(path.join(dir, 'shop.js'), readFileSync(path.join(dir, 'shop.js'), 'utf8').replace(/shop-\w\.js\.map/, 'shop.js.map'));
  return dir;
}

// Runs the bundle in a fresh V8 context served from `url` and returns the stack of scenario `name`.
function throwIn(dir, name, url = 'http://127.0.0.1:8080/assets/shop.js') {
  const context = vm.createContext({});
  vm.runInContext(readFileSync(path.join(dir, 'shop.js'), 'utf8'), context, { filename: url });
  try {
    context.shopRun(name);
  } catch (err) {
    return { type: err.name, value: err.message, stack: err.stack, registry: context._sentryDebugIds, tables: context._faultlineSymbolTables };
  }
  throw new Error('scenario did not throw');
}

test('inject writes a content-derived debug ID into the bundle and its map, the registration snippet and a small symbol table', (t) => {
  const dir = buildDir('a');
  const twin = buildDir('a');
  t.after(() => rmSync(dir, { recursive: true, force: true }) || rmSync(twin, { recursive: true, force: true }));
  const { code, lines } = run(['sourcemaps', 'inject', dir]);
  assert.equal(code, 0);
  assert.equal(lines.length, 1);
  const entry = lines[0];
  assert.match(entry.debug_id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const js = readFileSync(path.join(dir, 'shop.js'), 'utf8');
  assert.ok(js.trimEnd().endsWith(`//# debugId=${entry.debug_id}`));
  const map = JSON.parse(readFileSync(path.join(dir, 'shop.js.map'), 'utf8'));
  assert.equal(map.debugId, entry.debug_id);
  assert.equal(map.debug_id, entry.debug_id);
  assert.ok(existsSync(path.join(dir, 'shop.js.flsym.json')));
  assert.ok(entry.table_bytes < entry.map_bytes, `table ${entry.table_bytes} B, map ${entry.map_bytes} B`);
  // The same content gives the same id (like sentry-cli), and a second run changes nothing.
  assert.equal(run(['sourcemaps', 'inject', twin]).lines[0].debug_id, entry.debug_id);
  const again = run(['sourcemaps', 'inject', dir]);
  assert.equal(again.lines[0].skipped, 'already injected');
  assert.equal(readFileSync(path.join(dir, 'shop.js'), 'utf8'), js);
  // At run time the snippet registers the id and the table under a stack naming the bundle.
  const thrown = throwIn(dir, 'nullCart');
  const [stack, id] = Object.entries(thrown.registry)[0];
  assert.equal(id, entry.debug_id);
  assert.match(stack, /http:\/\/127\.0\.0\.1:8080\/assets\/shop\.js:1:/);
  assert.equal(Object.values(thrown.tables)[0], 'shop.js.flsym.json');
});

test('symbolicate --source-maps shows original functions, files and positions, keeping the minified frame', (t) => {
  const dir = buildDir('a');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
  const thrown = throwIn(dir, 'badQuantity');
  const { code, lines } = run(['symbolicate', '--source-maps', dir], JSON.stringify({ stack: thrown.stack }) + '\n');
  assert.equal(code, 0);
  const frames = lines[0].frames.filter((f) => f.resolved);
  // Innermost last: parseQuantity <- anonymous reducer <- Checkout.total <- Checkout.describe <- onPay
  // <- badQuantity <- run (methods named by their class, from the original code the map carries).
  assert.deepEqual(frames.map((f) => f.function).reverse().slice(0, 7),
    ['parseQuantity', '?', 'Checkout.total', 'Checkout.describe', 'onPay', 'badQuantity', 'run']);
  const top = frames[frames.length - 1];
  assert.equal(top.filename, 'src/format.js');
  assert.equal(top.lineno, 9);  // `throw new TypeError(...)` in format.js
  assert.equal(top.minified.filename, 'http://127.0.0.1:8080/assets/shop.js');
  assert.match(top.minified.function, /^\w$/);
});

test('symbolicate --source-maps resolves with a relative directory as with an absolute one', (t) => {
  const dir = buildDir('a');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
  const thrown = throwIn(dir, 'badQuantity');
  const input = JSON.stringify({ stack: thrown.stack }) + '\n';
  const absolute = run(['symbolicate', '--source-maps', dir], input);
  const relative = run(['symbolicate', '--source-maps', path.basename(dir) + '/'], input, path.dirname(dir));
  assert.equal(relative.code, 0);
  assert.ok(absolute.lines[0].frames.some((f) => f.resolved));
  assert.deepEqual(relative.lines[0], absolute.lines[0]);
});

test('fingerprint --source-maps gives one fingerprint before and after a rebuild that shifts and renames everything', (t) => {
  const a = buildDir('a');
  const b = buildDir('b');
  t.after(() => rmSync(a, { recursive: true, force: true }) || rmSync(b, { recursive: true, force: true }));
  assert.equal(run(['sourcemaps', 'inject', a]).code, 0);
  assert.equal(run(['sourcemaps', 'inject', b]).code, 0);
  for (const scenario of ['nullCart', 'badQuantity', 'badDiscount']) {
    const input = (dir) => {
      const { type, value, stack } = throwIn(dir, scenario);
      return JSON.stringify({ type, value, stack }) + '\n';
    };
    const withA = run(['fingerprint', '--source-maps', a], input(a)).lines[0];
    const withB = run(['fingerprint', '--source-maps', b], input(b)).lines[0];
    assert.equal(withA.fingerprint, withB.fingerprint, `${scenario}: ${JSON.stringify(withA.parts)} vs ${JSON.stringify(withB.parts)}`);
    assert.equal(withA.parts.frame.rule, 'resolved');
    assert.equal(withB.parts.frame.original_function, withA.parts.frame.original_function);
  }
  // Different bugs keep different fingerprints with the maps.
  const keys = ['nullCart', 'badQuantity', 'badDiscount'].map((s) => {
    const { type, value, stack } = throwIn(a, s);
    return run(['fingerprint', '--source-maps', a], JSON.stringify({ type, value, stack }) + '\n').lines[0].fingerprint;
  });
  assert.equal(new Set(keys).size, 3);
});

test('a map found through the sourceMappingURL comment or the debug ID also resolves', (t) => {
  const dir = buildDir('a');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
  const thrown = throwIn(dir, 'nullCart');
  const input = JSON.stringify({ stack: thrown.stack }) + '\n';
  // Renamed map: only the comment names it.
  writeFileSync(path.join(dir, 'maps-shop.map'), readFileSync(path.join(dir, 'shop.js.map')));
  rmSync(path.join(dir, 'shop.js.map'));
  const js = readFileSync(path.join(dir, 'shop.js'), 'utf8');
  writeFileSync(path.join(dir, 'shop.js'), js.replace('sourceMappingURL=shop.js.map', 'sourceMappingURL=maps-shop.map'));
  let top = run(['symbolicate', '--source-maps', dir], input).lines[0].frames.at(-1);
  assert.equal(top.function, 'loadCart');
  // No comment at all: the debug ID in the bundle finds the map.
  writeFileSync(path.join(dir, 'shop.js'), js.replace(/\/\/# sourceMappingURL=.*\n/, ''));
  top = run(['symbolicate', '--source-maps', dir], input).lines[0].frames.at(-1);
  assert.equal(top.function, 'loadCart');
});

test('a broken map is reported beside the answer and leaves its frames unresolved; bad usage exits 2', (t) => {
  const dir = buildDir('a');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const thrown = throwIn(dir, 'nullCart');
  writeFileSync(path.join(dir, 'shop.js.map'), '{"version":3,"sources":["a"],"mappings":"AA"}');
  const { code, lines } = run(['symbolicate', '--source-maps', dir], JSON.stringify({ stack: thrown.stack }) + '\nnot json\n');
  assert.equal(code, 0);
  assert.equal(lines.length, 2);
  assert.match(lines[0].source_map_errors['shop.js'], /segment with 2 fields/);
  assert.ok(lines[0].frames.every((f) => !f.resolved));
  assert.ok(lines[1].error);
  assert.equal(run(['symbolicate'], '').code, 2);
  assert.equal(run(['fingerprint', '--source-maps'], '').code, 2);
  assert.equal(run(['sourcemaps', 'inject', path.join(dir, 'nope')]).code, 2);
  // inject reports the broken map and exits 1.
  const inj = run(['sourcemaps', 'inject', dir]);
  assert.equal(inj.code, 1);
  assert.match(inj.lines[0].error, /segment with 2 fields/);
});

// A bundle holding the app and a dependency (node_modules/qty-lib), minified by esbuild and
// injected: its error is created in the dependency, called from the app.
async function buildWithDependency() {
  const { build } = await import('esbuild');
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-dep-'));
  mkdirSync(path.join(root, 'src'));
  mkdirSync(path.join(root, 'node_modules/qty-lib'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules/qty-lib/package.json'), '{"name":"qty-lib","version":"1.0.0","main":"index.js"}');
  writeFileSync(path.join(root, 'node_modules/qty-lib/index.js'),
    'export function parseQuantity(text) {\n  const n = Number(text);\n  if (!Number.isInteger(n)) throw new TypeError(`not a quantity: ${text}`);\n  return n;\n}\n');
  writeFileSync(path.join(root, 'src/app.js'),
    "import { parseQuantity } from 'qty-lib';\nexport function addToCart(cart, text) {\n  const n = parseQuantity(text);\n  cart.push(n);\n  return cart.length;\n}\nglobalThis.shopAdd = (text) => addToCart([], text);\n");
  const dir = path.join(root, 'dist');
  await build({ entryPoints: [path.join(root, 'src/app.js')], bundle: true, minify: true, format: 'iife', sourcemap: true, outfile: path.join(dir, 'app.js'), absWorkingDir: root, logLevel: 'error' });
  assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
  return { root, dir };
}

test('fingerprint --source-maps and the page core with the bundle\'s table give one fingerprint: resolved before classified, a dependency inside the bundle is not the throw site', async (t) => {
  const { root, dir } = await buildWithDependency();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const url = 'http://127.0.0.1:8080/assets/app.js';
  const context = vm.createContext({});
  vm.runInContext(readFileSync(path.join(dir, 'app.js'), 'utf8'), context, { filename: url });
  let thrown;
  try {
    context.shopAdd('two');
  } catch (err) {
    thrown = { type: err.name, value: err.message, stack: err.stack };
  }
  assert.match(thrown.stack, /app\.js:\d+:\d+/);
  const map = JSON.parse(readFileSync(path.join(dir, 'app.js.map'), 'utf8'));
  assert.ok(map.sources.some((s) => s.includes('node_modules/qty-lib/')), map.sources.join());

  // The CLI, with the build directory's maps.
  const cliOut = run(['fingerprint', '--source-maps', dir], JSON.stringify(thrown) + '\n').lines[0];
  // The page: the browser core given the table `sourcemaps inject` wrote, for the bundle's URL.
  const { Core } = await loadCore();
  const core = new Core(JSON.stringify({ aggregation: { windowMs: 0 } }));
  let page;
  try {
    assert.equal(JSON.parse(core.addSymbolTable(url, readFileSync(path.join(dir, 'app.js.flsym.json'), 'utf8'))).ok, true);
    page = JSON.parse(core.capture(JSON.stringify({ exceptions: [thrown] })));
  } finally {
    core.delete();
  }
  assert.equal(cliOut.fingerprint, page.fingerprint, JSON.stringify(cliOut.parts));
  // Resolved first, the dependency's frame is classified by its original file (not in-app), so
  // the throw site is the app's function that called it, in both.
  assert.equal(cliOut.parts.frame.original_function, 'addToCart', JSON.stringify(cliOut.parts));
  const lib = cliOut.frames.find((f) => f.original_function === 'parseQuantity' || f.function === 'parseQuantity');
  assert.equal(lib && lib.in_app, false, JSON.stringify(cliOut.frames));
});

// Unminified code shipped as written (no map): `--tables-from-code` gives it a table of its own
// calls, so the browser core puts back what JavaScriptCore's proper tail calls dropped. The V8
// stack is captured here by running the injected file; the JavaScriptCore stack is the one `jsc`
// printed for the same script before injection, one line lower (the snippet's line).
test('inject --tables-from-code: an unminified script gets a call-graph table; JavaScriptCore and V8 group as one, two callers stay two', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-ptc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = [
    '"use strict";',
    'function parseConfig(t) { return JSON.parse(t); }',
    'function parseManifest(t) { return JSON.parse(t); }',
    'function initApp(a) {',
    '  const x = 1;   const r = a ? parseConfig("{bad") : parseManifest("{bad");',
    '  return r;',
    '}',
    'globalThis.initApp = initApp;',
  ].join('\n') + '\n';
  writeFileSync(path.join(dir, 'app.js'), script);
  writeFileSync(path.join(dir, 'vendor.js'), 'var v = 1;\n');
  assert.equal(run(['sourcemaps', 'inject', dir]).lines.find((l) => l.file === 'app.js').skipped, 'no source map', 'opt-in only');
  const { code, lines } = run(['sourcemaps', 'inject', dir, '--tables-from-code']);
  assert.equal(code, 0, JSON.stringify(lines));
  const entry = lines.find((l) => l.file === 'app.js');
  assert.equal(entry.table_from, 'code');
  assert.ok(entry.table_bytes < 1000, `${entry.table_bytes} B`);
  const table = readFileSync(path.join(dir, 'app.js.flsym.json'), 'utf8');
  assert.deepEqual(JSON.parse(table).sources, [], 'no files or names of its own: frames keep the engine\'s');
  assert.equal(run(['sourcemaps', 'inject', dir, '--tables-from-code']).lines.find((l) => l.file === 'app.js').skipped, 'already injected');

  const url = 'http://127.0.0.1:8080/assets/app.js';
  const context = vm.createContext({ JSON });
  vm.runInContext(readFileSync(path.join(dir, 'app.js'), 'utf8'), context, { filename: url });
  const v8 = (a) => {
    try {
      context.initApp(a);
    } catch (err) {
      return { type: 'SyntaxError', value: err.message, stack: err.stack };
    }
    throw new Error('did not throw');
  };
  // jsc on the uninjected script: `parse@[native code]` / `initApp@…:5:43` (5:67 for parseManifest).
  const jsc = (col) => ({ type: 'SyntaxError', value: "JSON Parse error: Expected '}'", stack: `parse@[native code]\ninitApp@${url}:6:${col}\nglobal code@${url}:10:14` });
  const { Core } = await loadCore();
  const core = new Core(JSON.stringify({ aggregation: { windowMs: 0 } }));
  try {
    assert.equal(JSON.parse(core.addSymbolTable(url, table)).ok, true);
    const fp = (x) => JSON.parse(core.capture(JSON.stringify({ exceptions: [x] }))).fingerprint;
    assert.equal(fp(jsc(43)), fp(v8(true)), 'parseConfig: one group in both engines');
    assert.equal(fp(jsc(67)), fp(v8(false)), 'parseManifest: one group in both engines');
    assert.notEqual(fp(jsc(43)), fp(jsc(67)), 'two callers of JSON.parse are two bugs');
    // The CLI finds the same table next to the script (no map) and groups as the page does.
    const input = [jsc(43), v8(true), jsc(67)].map((x) => JSON.stringify(x)).join('\n') + '\n';
    const cliOut = run(['fingerprint', '--source-maps', dir], input).lines.map((l) => l.fingerprint);
    assert.deepEqual(cliOut, [fp(jsc(43)), fp(jsc(43)), fp(jsc(67))]);
  } finally {
    core.delete();
  }
});

test('fingerprint --source-maps links ES modules: a JavaScriptCore frame at a call of an imported function follows it into that module\'s table', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-modules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(path.join(dir, 'parsers.js'), [
    'export function parseConfig(text) {',
    '  return JSON.parse(text);',
    '}',
    'export function parseManifest(text) {',
    '  return JSON.parse(text);',
    '}',
  ].join('\n') + '\n');
  writeFileSync(path.join(dir, 'app.js'), [
    "import { parseConfig, parseManifest } from './parsers.js';",
    'export function initApp(configText, manifestText) {',
    '  const config = parseConfig(configText);',
    '  const manifest = parseManifest(manifestText);',
    '  return { config, manifest };',
    '}',
  ].join('\n') + '\n');
  const { code, lines } = run(['sourcemaps', 'inject', dir, '--tables-from-code']);
  assert.equal(code, 0, JSON.stringify(lines));
  const appTable = JSON.parse(readFileSync(path.join(dir, 'app.js.flsym.json'), 'utf8'));
  assert.deepEqual(appTable.modules, ['./parsers.js']);
  // V8 (this node) runs the injected modules; JavaScriptCore puts initApp's frame just after the
  // callee's name (js_scopes.h; jsc -m, tests/native/test_module_links.cpp) and shows no frame of
  // parseConfig, which tail-calls JSON.parse.
  const appUrl = pathToFileURL(path.join(dir, 'app.js')).href;
  const { initApp } = await import(appUrl);
  const v8 = (a, b) => {
    try {
      initApp(a, b);
    } catch (err) {
      return { type: 'SyntaxError', value: err.message, stack: err.stack };
    }
    throw new Error('did not throw');
  };
  const appText = readFileSync(path.join(dir, 'app.js'), 'utf8').split('\n');
  const jsc = (callee) => {
    const line = appText.findIndex((l) => l.includes(`= ${callee}(`));
    const col = appText[line].indexOf(`${callee}(`) + callee.length + 1;
    return { type: 'SyntaxError', value: "JSON Parse error: Expected '}'", stack: `parse@[native code]\ninitApp@${appUrl}:${line + 1}:${col}\nmodule code@${appUrl}:9:1` };
  };
  const fingerprint = (inputs) => run(['fingerprint', '--source-maps', dir], inputs.map((x) => JSON.stringify(x)).join('\n') + '\n').lines;
  const [jscConfig, v8Config, jscManifest, v8Manifest] = fingerprint([jsc('parseConfig'), v8('{bad', '{}'), jsc('parseManifest'), v8('{}', '{bad')]);
  assert.equal(jscConfig.fingerprint, v8Config.fingerprint, JSON.stringify(jscConfig.parts));
  assert.equal(jscManifest.fingerprint, v8Manifest.fingerprint, JSON.stringify(jscManifest.parts));
  assert.notEqual(jscConfig.fingerprint, jscManifest.fingerprint, 'two callers of JSON.parse are two bugs');
  assert.equal(jscConfig.parts.frame.frame, 'parsers.js:<built-in>:parseConfig');
  assert.equal(jscConfig.parts.frame.reconstructed, true);
  assert.equal(jscConfig.parts.confident, true);
  // Without the callee module's table nothing is linked: the frame stays an unconfirmed caller.
  rmSync(path.join(dir, 'parsers.js.flsym.json'));
  const [alone] = fingerprint([jsc('parseConfig')]);
  assert.notEqual(alone.fingerprint, v8Config.fingerprint);
  assert.equal(alone.parts.frame.rule, 'unconfirmed-builtin-caller');
});

// A script's directive prologue must stay first: a statement before `"use strict"` makes it a plain
// string and the script sloppy (undeclared assignments pass, `this` is the global object, and
// JavaScriptCore stops eliding the tail calls the table describes).
const STRICT_SOURCE = [
  '"use strict";',
  'function boom(order) { return order.lines.total; }',
  'globalThis.isStrict = function () { return this === undefined; };',
  'globalThis.assignUndeclared = function () { try { undeclaredName = 1; return "passed"; } catch (e) { return e.name; } };',
  'globalThis.crash = function () { const r = boom(null); return r; };',
].join('\n');

function runStrictScript(file) {
  const context = vm.createContext({});
  vm.runInContext(readFileSync(file, 'utf8'), context, { filename: 'http://127.0.0.1:8080/assets/app.js' });
  let stack = '';
  try {
    context.crash();
  } catch (err) {
    stack = err.stack;
  }
  const { isStrict, assignUndeclared } = context; // called detached: `this` is undefined only in strict code
  return { strict: isStrict(), assign: assignUndeclared(), stack };
}

test('inject keeps a minified bundle\'s "use strict" first: the snippet goes after the directive on its line and the mappings move with it', async (t) => {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-strict-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = esbuild.transformSync(STRICT_SOURCE, { minify: true, sourcemap: 'external', sourcefile: 'src/app.js' });
  assert.ok(out.code.startsWith('"use strict";') && !out.code.trimEnd().includes('\n'), 'esbuild keeps the directive on the one line');
  writeFileSync(path.join(dir, 'app.js'), out.code + '//# sourceMappingURL=app.js.map\n');
  writeFileSync(path.join(dir, 'app.js.map'), out.map);
  const before = runStrictScript(path.join(dir, 'app.js'));
  assert.deepEqual([before.strict, before.assign], [true, 'ReferenceError']);
  assert.equal(run(['sourcemaps', 'inject', dir]).code, 0);
  const injected = readFileSync(path.join(dir, 'app.js'), 'utf8');
  assert.ok(injected.startsWith('"use strict";;{try{'), injected.slice(0, 40));
  const after = runStrictScript(path.join(dir, 'app.js'));
  assert.deepEqual([after.strict, after.assign], [true, 'ReferenceError']);
  // The frames still resolve to the original code: the column shift on line 1 is right.
  const { code, lines } = run(['symbolicate', '--source-maps', dir], JSON.stringify({ stack: after.stack }) + '\n');
  assert.equal(code, 0);
  const resolved = lines[0].frames.filter((f) => f.resolved);  // innermost last
  const top = resolved[resolved.length - 1];
  assert.ok(top, JSON.stringify(lines[0]));
  assert.equal(top.function, 'boom');
  assert.equal(top.lineno, 2);
  assert.match(top.filename, /src\/app\.js$/);
});

test('inject --tables-from-code keeps a script strict when "use strict" ends its line: the snippet gets the next line', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-strict-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'app.js'), '#!/usr/bin/env node\n' + STRICT_SOURCE + '\n');
  assert.equal(run(['sourcemaps', 'inject', '--tables-from-code', dir]).code, 0);
  const injected = readFileSync(path.join(dir, 'app.js'), 'utf8').split('\n');
  assert.deepEqual(injected.slice(0, 2), ['#!/usr/bin/env node', '"use strict";']);
  assert.ok(injected[2].startsWith(';{try{'));
  const after = runStrictScript(path.join(dir, 'app.js'));
  assert.deepEqual([after.strict, after.assign], [true, 'ReferenceError']);
});
