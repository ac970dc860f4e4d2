// Captures the labeled grouping corpora from six real engines: node (V8), jsc (JavaScriptCore),
// gjs (SpiderMonkey), Chromium, Firefox ESR and WebKitGTK.
//  - classic: the plain-script fault library (tests/fixtures/grouping/faults.js) in two "deploys"
//    that differ the way real ones do (bundle renamed with a new content hash, every line shifted,
//    other runtime values) -> tests/fixtures/grouping/corpus.json.
//  - modules: the strict ES module library (tests/fixtures/grouping/faults-module.mjs), as bundlers
//    emit code (JavaScriptCore's proper tail calls apply), in two unminified deploys and two deploys
//    minified by esbuild from sources that differ (new code before the faults, so minified names
//    and positions shift), with their source maps kept in tests/fixtures/grouping/minified/
//    -> tests/fixtures/grouping/corpus-modules.json.
// Re-runnable: `node scripts/capture-grouping-corpus.mjs [classic|modules]` (default: both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchChromium, launchFirefox, launchWebKit } from '../tests/browser/lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(repo, 'tests/fixtures/grouping');
const MODE = process.argv[2] || 'all';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-corpus-'));

// ---- the deploys ---------------------------------------------------------------------------
// Each deploy: a directory under tmp with the bundle `file` and an index.html that runs it and
// leaves the records in window.__records; shells run `shell` (a runner next to the bundle).
const classic = fs.readFileSync(path.join(fixtures, 'faults.js'), 'utf8');
const CLASSIC = [
  { name: 'A', file: 'app-3f2a1b9c.js', banner: '', seeds: [3, 11] },
  { name: 'B', file: 'app-9d8e7f6a.js', seeds: [5, 17],
    banner: '/*! shop v2.4.1 | build 2026-11-20 */\n/* vendor prelude */\nvar __prelude = { ready: true };\n\n' +
      'function __noop() { return __prelude; }\n// lines shift by six in this deploy\n' },
];
const moduleSrc = fs.readFileSync(path.join(fixtures, 'faults-module.mjs'), 'utf8');
// Deploy B's code change: new features before the faults (shifts every line, and in a minified
// build shifts every column and the minifier's choice of names).
const MODULE_CHANGE = `// release 2.5: telemetry and feature flags
const FLAGS = new Map([['checkout-v2', true], ['gift-cards', false]]);
export function flagEnabled(name) { return FLAGS.get(name) === true; }
export class Telemetry { constructor(sink) { this.sink = sink; this.queue = []; }
  track(event, props) { this.queue.push({ event, props, at: Date.now() }); if (this.queue.length > 20) this.flush(); }
  flush() { const q = this.queue; this.queue = []; return this.sink ? this.sink(q) : q.length; } }
export function summarize(items) { let total = 0; for (const it of items) total += it.qty * it.price; return { total, count: items.length }; }
`;
function deploys() {
  const out = [];
  if (MODE !== 'modules')
    for (const d of CLASSIC) out.push({ ...d, corpus: 'classic', code: d.banner + classic, kind: 'script' });
  if (MODE !== 'classic') {
    out.push({ name: 'A', corpus: 'modules', kind: 'module', file: 'app-5c1e2d7a.js', seeds: [3, 11], code: moduleSrc });
    out.push({ name: 'B', corpus: 'modules', kind: 'module', file: 'app-b04f93e1.js', seeds: [5, 17], code: MODULE_CHANGE + moduleSrc });
    // The unminified bundles as served, for the row "unminified with tables from the code".
    const unminDir = path.join(fixtures, 'unminified');
    fs.mkdirSync(unminDir, { recursive: true });
    for (const d of out.slice(-2)) fs.writeFileSync(path.join(unminDir, d.file), d.code);
    const esbuild = path.join(repo, 'node_modules/.bin/esbuild');
    const minDir = path.join(fixtures, 'minified');
    fs.rmSync(minDir, { recursive: true, force: true });
    fs.mkdirSync(minDir, { recursive: true });
    for (const [name, src, seeds] of [['minA', moduleSrc, [3, 11]], ['minB', MODULE_CHANGE + moduleSrc, [5, 17]]]) {
      const srcFile = path.join(tmp, `${name}-src`, 'src/faults.mjs');
      fs.mkdirSync(path.dirname(srcFile), { recursive: true });
      fs.writeFileSync(srcFile, src);
      const built = path.join(tmp, `${name}-src`, 'out.js');
      execFileSync(esbuild, [srcFile, '--minify', '--format=esm', '--sourcemap', '--sources-content=false', `--outfile=${built}`], { stdio: 'pipe' });
      const code = fs.readFileSync(built, 'utf8');
      const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 8);
      const file = `app-${hash}.min.js`;
      const map = JSON.parse(fs.readFileSync(built + '.map', 'utf8'));
      map.file = file;
      map.sources = map.sources.map((s) => 'src/' + path.basename(s));
      const finalCode = code.replace(/\/\/# sourceMappingURL=.*\n?$/, `//# sourceMappingURL=${file}.map\n`);
      fs.writeFileSync(path.join(minDir, file), finalCode);
      fs.writeFileSync(path.join(minDir, file + '.map'), JSON.stringify(map) + '\n');
      out.push({ name, corpus: 'modules', kind: 'module', minified: true, file, seeds, code: finalCode, map: JSON.stringify(map) });
    }
  }
  return out;
}
const DEPLOYS = deploys();
for (const d of DEPLOYS) {
  const dir = path.join(tmp, d.corpus, d.name);
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'assets', d.file), d.code);
  if (d.map) fs.writeFileSync(path.join(dir, 'assets', d.file + '.map'), d.map);
  const seeds = JSON.stringify(d.seeds);
  fs.writeFileSync(path.join(dir, 'index.html'), d.kind === 'module'
    ? `<!doctype html><meta charset="utf-8"><script type="module">import { runAllFaults } from './assets/${d.file}'; window.__records = JSON.stringify(runAllFaults(${seeds}));</script>\n`
    : `<!doctype html><meta charset="utf-8"><script src="assets/${d.file}"></script><script>window.__records = JSON.stringify(runAllFaults(${seeds}));</script>\n`);
}

const records = { classic: [], modules: [] };
function add(engine, browser, deploy, list) {
  for (const r of list) {
    if (r.error) throw new Error(`${engine}: fault ${r.bug} did not throw`);
    records[deploy.corpus].push({ engine, browser, deploy: deploy.name, ...(deploy.minified ? { minified: true } : {}),
      fault_id: r.bug, bug_label: r.bug, path: r.path, seed: r.seed,
      type: r.type, value: r.value, stack: r.stack, synthetic: r.synthetic, ...(r.cause ? { cause: r.cause } : {}) });
  }
}

// ---- shells: run the deploy's bundle under its own file name, like the browsers load it -------
const shells = [
  { engine: 'v8', browser: 'node', cmd: [process.execPath], print: 'console.log' },
  { engine: 'javascriptcore', browser: 'jsc', cmd: ['jsc'], module: ['-m'], print: 'print' },
  { engine: 'spidermonkey', browser: 'gjs', cmd: ['gjs'], module: ['-m'], print: 'print' },
];
for (const sh of shells) {
  for (const d of DEPLOYS) {
    const dir = path.join(tmp, 'shells', sh.browser, d.corpus, d.name, 'assets');
    fs.mkdirSync(dir, { recursive: true });
    const seeds = JSON.stringify(d.seeds);
    let run, args;
    if (d.kind === 'module') {
      fs.writeFileSync(path.join(dir, d.file), d.code);
      fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');  // node: .js files here are modules
      run = path.join(dir, 'run.js');
      fs.writeFileSync(run, `import { runAllFaults } from './${d.file}';\n${sh.print}(JSON.stringify(runAllFaults(${seeds})));\n`);
      args = [...(sh.module || []), run];
    } else {
      run = path.join(dir, d.file);
      fs.writeFileSync(run, `${d.code}\n${sh.print}(JSON.stringify(runAllFaults(${seeds})));\n`);
      args = [run];
    }
    const out = execFileSync(sh.cmd[0], args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] });
    add(sh.engine, sh.browser, d, JSON.parse(out.trim().split('\n').pop().replace(/^Gjs-Console-Message: [\d:.]+: /, '')));
    console.log(`[corpus] ${sh.browser} ${d.corpus} deploy ${d.name}: ok`);
  }
}

// ---- browsers: the deploy served from loopback, captured in the page --------------------------
const server = http.createServer((req, res) => {
  const p = path.join(tmp, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!p.startsWith(tmp) || !fs.existsSync(p) || fs.statSync(p).isDirectory()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': p.endsWith('.html') ? 'text/html' : p.endsWith('.map') ? 'application/json' : 'text/javascript' });
  res.end(fs.readFileSync(p));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browsers = [
  { engine: 'v8', launch: launchChromium },
  { engine: 'spidermonkey', launch: launchFirefox },
  { engine: 'javascriptcore', launch: launchWebKit },
];
try {
  for (const b of browsers) {
    const browser = await b.launch();
    try {
      for (const d of DEPLOYS) {
        const page = await browser.newPage();
        await page.goto(`${base}/${d.corpus}/${d.name}/index.html`);
        await page.waitFor(() => typeof window.__records === 'string', undefined, 60000);
        add(b.engine, browser.name, d, JSON.parse(await page.evaluate(() => window.__records)));
        await page.close();
        console.log(`[corpus] ${browser.name} ${d.corpus} deploy ${d.name}: ok`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

function write(name, list, note, ds) {
  const bugs = new Set(list.map((r) => r.bug_label));
  const out = { note, captured: new Date().toISOString().slice(0, 10),
    counts: { records: list.length, bugs: bugs.size, engines: [...new Set(list.map((r) => r.browser))], deploys: ds.map((d) => d.file) },
    records: list };
  fs.writeFileSync(path.join(fixtures, name), JSON.stringify(out) + '\n');
  console.log(`[corpus] ${list.length} records, ${bugs.size} bugs, ${out.counts.engines.length} engines -> tests/fixtures/grouping/${name}`);
}
if (MODE !== 'modules')
  write('corpus.json', records.classic, 'Captured by scripts/capture-grouping-corpus.mjs from real engines. bug_label is the ground truth: one label per fault in tests/fixtures/grouping/faults.js, whatever the engine, deploy, call path or runtime values.',
    DEPLOYS.filter((d) => d.corpus === 'classic'));
if (MODE !== 'classic')
  write('corpus-modules.json', records.modules, 'Captured by scripts/capture-grouping-corpus.mjs from real engines: the strict ES module library tests/fixtures/grouping/faults-module.mjs in deploys A and B (unminified) and minA and minB (esbuild --minify from sources that differ; bundles and source maps in tests/fixtures/grouping/minified/). bug_label is the ground truth.',
    DEPLOYS.filter((d) => d.corpus === 'modules'));
