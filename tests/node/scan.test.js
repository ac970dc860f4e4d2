// The page's scan (js/scan.js, dist/faultline-scan.wasm): which stacks are JavaScriptCore's, and
// the rule that keeps minified code from getting a table built from its own code (a minifier's
// names would then key frames deploy-invariantly and merge different bugs; src/code_table.h).
// The module runs here exactly as in the page: js/scan.js instantiates the .wasm without glue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { jscStack, scanCode } from '../../esm/scan.js';
import { minifiedUrls, stackUrls, jscFrames, importCalls, moduleUrl } from '../../esm/client.js';
import { loadTools } from '../../js/sourcemaps-cli.js';
import { loadCore } from '../../js/core-node.js';

const read = (p) => readFileSync(new URL(p, import.meta.url), 'utf8');
const scanModule = () => WebAssembly.compile(readFileSync(new URL('../../dist/faultline-scan.wasm', import.meta.url)));
const UNMIN = ['app-5c1e2d7a.js', 'app-b04f93e1.js'].map((f) => [f, read(`../fixtures/grouping/unminified/${f}`)]);
// The minified deploy pair, whatever the names the corpus capture gave them (content hashes).
const MIN = readdirSync(new URL('../fixtures/grouping/minified/', import.meta.url)).filter((f) => f.endsWith('.min.js')).sort()
  .map((f) => [f, read(`../fixtures/grouping/minified/${f}`)]);
const corpus = JSON.parse(read('../fixtures/grouping/corpus-modules.json')).records;

test('jscStack: JavaScriptCore stacks by their own frames, the shared name@url format by the running engine, never V8 or SpiderMonkey', () => {
  const yes = () => true, no = () => false;
  for (const r of corpus.filter((x) => !x.minified)) {
    if (r.browser == 'webkit' && /@\[native code\]|(global|module) code@/.test(r.stack)) assert.equal(jscStack(r.stack, no), true, r.stack);
    if (r.browser == 'chromium' || r.browser == 'node') assert.equal(jscStack(r.stack, yes), false, 'V8 format is never JavaScriptCore\'s');
    if (r.browser == 'firefox' || r.browser == 'gjs') assert.equal(jscStack(r.stack, no), false, `SpiderMonkey: ${r.stack}`);
  }
  // One plain frame (a timer callback) reads alike in both engines: the running engine decides.
  const plain = 'onTick@https://shop.example/app.js:12:20';
  assert.equal(jscStack(plain, yes), true);
  assert.equal(jscStack(plain, no), false);
  assert.equal(jscStack('', yes), false, 'no frame, no scan');
  assert.equal(jscStack('Error: thrown\n    at f (https://a.example/x.js:1:2)', yes), false);
});

// V8 and SpiderMonkey pages do not fetch a script for the scan when its frames show minified code
// (js/client.js scanWanted): the scan would refuse it. On the corpus's recorded stacks (the same
// app, unminified and minified, 6 engines), every minified bundle is told from its frames and no
// unminified file is; the loader script beside it (hand-written) is never flagged.
test('minifiedUrls: a column past 250 or two different 1–2-character names flag a file, on every recorded V8 and SpiderMonkey stack of the minified bundle and on none of the unminified', () => {
  let flagged = 0;
  for (const r of corpus) {
    const m = minifiedUrls(r.stack), urls = stackUrls(r.stack);
    if (!r.minified) {
      assert.deepEqual([...m], [], `${r.browser}: ${r.stack}`);
      continue;
    }
    if (r.browser == 'jsc') continue;  // its shell prints paths, not URLs
    const bundle = [...urls].filter((u) => /\.min\.js$/.test(u));
    assert.deepEqual([...m], bundle, `${r.browser}: ${r.stack}`);
    flagged++;
  }
  assert.ok(flagged >= 1000, `${flagged} minified stacks`);
  const at = (lines) => lines.map((l) => `    at ${l}`).join('\n');
  // One short name alone is not evidence (authors write `go`, `id`); a named object's short
  // property (`Store.go`) never is; two different short names in one file are.
  assert.deepEqual([...minifiedUrls(at(['go (https://a/x.js:3:5)', 'run (https://a/x.js:9:3)']))], []);
  assert.deepEqual([...minifiedUrls(at(['Store.go (https://a/x.js:3:5)', 'Store.id (https://a/x.js:9:3)']))], []);
  assert.deepEqual([...minifiedUrls(at(['t.go (https://a/x.js:3:5)', 'async Kt [as run] (https://a/x.js:9:3)', 'main (https://a/y.js:1:1)']))], ['https://a/x.js']);
  assert.deepEqual([...minifiedUrls('a@https://a/x.js:3:5\nasync*b@https://a/x.js:9:3\nmain@https://a/y.js:1:1')], ['https://a/x.js']);
  assert.deepEqual([...minifiedUrls('render@https://a/x.js:1:251\nmain@https://a/y.js:1:250')], ['https://a/x.js']);
});

test('the scan builds the unminified corpus bundles\' tables exactly as `inject --tables-from-code` builds them', async () => {
  const mod = await scanModule(), tools = await loadTools();
  for (const [name, code] of UNMIN) {
    const r = await scanCode(mod, name, code);
    assert.equal(r.refused, undefined, `${name}: ${r.refused}`);
    assert.equal(r.table, JSON.parse(tools.buildCodeSymbolTable(name, code)).table, `${name}: the same builder`);
    const t = JSON.parse(r.table);
    assert.ok(t.calls.length > 0 && t.tails.length > 0, `${name}: it has the call graph`);
    assert.deepEqual(t.sources, [], 'no sources: frames keep their own names and file');
  }
  // And the browser core takes it as a fetched table.
  const core = new (await loadCore()).Core('{}');
  assert.equal(JSON.parse(core.addSymbolTable('https://shop.example/app.js', (await scanCode(mod, 'app.js', UNMIN[0][1])).table)).ok, true);
  core.delete();
});

test('minified code is refused, with the reason, whatever the minifier left in it', async () => {
  const mod = await scanModule();
  const refused = async (code) => (await scanCode(mod, 'x.js', code)).refused;
  for (const [name, code] of MIN) {
    assert.match(await refused(code), /sourceMappingURL/, `${name}: a build output with a map`);
    const bare = code.replace(/\/\/# sourceMappingURL=.*\n?$/, '');
    assert.ok(!bare.includes('sourceMappingURL'));
    assert.match(await refused(bare), /^minified: \d+ of \d+ functions are on lines over 500 characters$/, `${name} without its comment`);
  }
  const src = UNMIN[0][1];
  assert.match(await refused(src + '\n//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n'), /debugId/);
  // Mangled names with the lines kept (a pretty-printed build): the names give it away.
  const mangled = transformSync(src, { minifyIdentifiers: true, format: 'esm' }).code;
  assert.ok(!/\bparseConfig\b/.test(mangled) && mangled.split('\n').every((l) => l.length < 500), 'esbuild renamed, lines kept short');
  assert.match(await refused(mangled), /^minified: \d+ of \d+ named functions have names of 1 or 2 characters$/);
  // Whitespace removed, names kept: long lines.
  assert.match(await refused(transformSync(src, { minifyWhitespace: true, format: 'esm' }).code), /lines over 500 characters/);
  assert.match(await refused(transformSync(src, { minify: true, format: 'esm' }).code), /^minified/);
});

test('hand-written code with a long data line or a helper named $ still gets its table', async () => {
  const mod = await scanModule();
  const src = UNMIN[1][1];
  const icon = `export const ICON = '${'M0 0L10 10'.repeat(80)}';\n`;  // one 800-character line, < 20 % of the file
  const r = await scanCode(mod, 'app.js', icon + src + 'function $(sel) { return document.querySelector(sel); }\n');
  assert.equal(r.refused, undefined, r.refused);
  assert.ok(JSON.parse(r.table).names.includes('$'));
  // The same line as most of a small file: still a data line, holding no function (the attack's
  // `longdata`: a 22 KB object literal and a 3 KB template were refused, and two bugs merged).
  assert.equal((await scanCode(mod, 'x.js', icon + 'function shortFile() { return 1; }\n')).refused, undefined);
  // A minified classic script with a line break before each top-level function (names kept, the
  // nested ones mangled): the names declared in its functions give it away.
  const wrapped = transformSync(src.replace(/^export /gm, ''), { minify: true }).code.replace(/([;}])function /g, '$1\nfunction ');
  assert.match((await scanCode(mod, 'x.js', wrapped)).refused, /^minified: \d+ of \d+ (names declared in functions|functions are on lines)/);
});

test('bad input never breaks the module: empty, binary, unbalanced, and over the size bound', async () => {
  const mod = await scanModule();
  for (const code of ['', '\u0000\u0001\uffff', 'function f( { return `${', '/*', '"\\'.repeat(1000), '\ud800x']) {
    const r = await scanCode(mod, 'x.js', code);
    assert.ok(typeof r.table == 'string' || typeof r.refused == 'string', JSON.stringify(r));
    if (r.table) JSON.parse(r.table);
  }
  const big = 'function handWritten() { return 1; }\n'.repeat(250000);  // 9.5 MB, over the module's 8 MiB bound
  assert.match((await scanCode(mod, 'big.js', big)).refused, /^too large/);
});

// ES module linking in the page (js/client.js symbols()/links()): JavaScriptCore elides a function
// that ends in `return f(x)`, and with it the only frame of the module it was imported from. The
// page reads, in the table it built for the caller's module, that the caller's frame is at a call
// of an import (import_calls), resolves the specifier as the core does, and scans that module too.
// Stacks as `jsc -m` prints them on this machine for these very modules (paths made URLs).
test('importCalls/moduleUrl: a JavaScriptCore frame at a call of an imported function names the module to scan, which the core then links', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const path = await import('node:path');
  const parsers = 'export function parseConfig(text) {\n  return JSON.parse(text);\n}\nexport function stamp(ms) {\n  return new Date(ms).toISOString();\n}\n';
  const app = "import { parseConfig } from './parsers.js';\nimport * as p from './parsers.js';\nfunction initApp(text) {\n  const config = parseConfig(text);\n  return config;\n}\n" +
    'function when(ms) { const a = 1, w = p.stamp(ms); return w; }\nfunction local(t) { return JSON.parse(t); }\n' +
    "for (const f of [() => initApp('{x'), () => when(NaN), () => local('{x')]) { try { f(); } catch (e) { print(e.stack); print('--'); } }\n";
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-link-'));
  let out;
  try {
    writeFileSync(path.join(dir, 'parsers.js'), parsers);
    writeFileSync(path.join(dir, 'app.js'), app);
    out = execFileSync('/usr/bin/jsc', ['-m', 'app.js'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = 'https://shop.example/static/';
  const stacks = out.split('--\n').filter(Boolean).map((s) => s.split(`${dir}/`).join(base).trim());
  assert.equal(stacks.length, 3, out);
  assert.match(stacks[0], /^parse@\[native code\]\ninitApp@/, 'JavaScriptCore elided parseConfig');
  const mod = await scanModule();
  const t = (await scanCode(mod, 'app.js', app)).table, calls = importCalls(t);
  const at = (stack) => [...jscFrames(stack)].map(([, u, line, col]) => u == base + 'app.js' && calls.get(line + ':' + col)).filter(Boolean);
  assert.deepEqual(at(stacks[0]), ['./parsers.js'], `initApp's frame is at its call of parseConfig ${stacks[0]}`);
  assert.deepEqual(at(stacks[1]), ['./parsers.js'], `\`p.stamp(\` of \`import * as p\` ${stacks[1]}`);
  assert.deepEqual(at(stacks[2]), [], `a call of the module's own function is no import call ${stacks[2]}`);
  assert.equal(calls.size, 2);
  assert.equal(importCalls('{"faultline_symbols":3,"import_calls":"A!","modules":["./x.js"]}').size, 0, 'a list that does not read: nothing');
  assert.equal(importCalls('not json "import_calls"').size, 0);

  // Resolved as the browser loaded it and as the core links it (grouping.cpp resolve_module_url).
  assert.equal(moduleUrl(base + 'app.js?v=2', './parsers.js'), base + 'parsers.js');
  assert.equal(moduleUrl(base + 'app.js', '../lib/x.js'), 'https://shop.example/lib/x.js');
  assert.equal(moduleUrl(base + 'app.js', '/x.js?v=1'), 'https://shop.example/x.js?v=1');
  assert.equal(moduleUrl(base + 'app.js', 'https://shop.example/y.js'), 'https://shop.example/y.js');
  for (const bare of ['lodash', 'lodash/fp.js', '//cdn.example/x.js', 'https://cdn.example/x.js', 'parsers.js'])
    assert.equal(moduleUrl(base + 'app.js', bare), '', `${bare}: not linked`);

  // The core, given both tables under these URLs, keys JavaScriptCore's stack at parsers.js's
  // parseConfig, confident; without parsers.js's table, at the caller's call site, not confident.
  const { Core } = await loadCore();
  const parsersTable = (await scanCode(mod, 'parsers.js', parsers)).table;
  const capture = (withCallee) => {
    const core = new Core(JSON.stringify({ dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1', aggregation: { windowMs: 0 } }));
    try {
      assert.equal(JSON.parse(core.addSymbolTable(base + 'app.js', t)).ok, true);
      if (withCallee) assert.equal(JSON.parse(core.addSymbolTable(moduleUrl(base + 'app.js', './parsers.js'), parsersTable)).ok, true);
      JSON.parse(core.capture(JSON.stringify({ exceptions: [{ type: 'SyntaxError', value: 'JSON Parse error: Expected \'}\'', stack: stacks[0] }] })));
      const body = JSON.parse(core.drain(0, true, 1)).envelopes[0].body.trim().split('\n');
      return JSON.parse(body.at(-1)).contexts.faultline.grouping;
    } finally {
      core.delete();
    }
  };
  const linked = capture(true), alone = capture(false);
  assert.equal(linked.confident, true, JSON.stringify(linked));
  assert.equal(linked.frame.function, 'parseConfig', JSON.stringify(linked));
  assert.equal(alone.confident, false, JSON.stringify(alone));
});
