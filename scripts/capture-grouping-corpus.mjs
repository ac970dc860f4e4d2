// Captures the labeled grouping corpus from six real engines: node (V8), jsc (JavaScriptCore),
// gjs (SpiderMonkey), Chromium, Firefox ESR and WebKitGTK, in two "deploys" that differ the way real
// ones do (bundle renamed with a new content hash, every line shifted, other runtime values).
// Re-runnable: `node scripts/capture-grouping-corpus.mjs` rewrites tests/fixtures/grouping/corpus.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchChromium, launchFirefox, launchWebKit } from '../tests/browser/lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const faults = fs.readFileSync(path.join(repo, 'tests/fixtures/grouping/faults.js'), 'utf8');
const DEPLOYS = [
  { name: 'A', file: 'app-3f2a1b9c.js', banner: '', seeds: [3, 11] },
  { name: 'B', file: 'app-9d8e7f6a.js', seeds: [5, 17],
    banner: '/*! shop v2.4.1 | build 2026-11-20 */\n/* vendor prelude */\nvar __prelude = { ready: true };\n\n' +
      'function __noop() { return __prelude; }\n// lines shift by six in this deploy\n' },
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-corpus-'));
for (const d of DEPLOYS) {
  fs.mkdirSync(path.join(tmp, d.name), { recursive: true });
  fs.writeFileSync(path.join(tmp, d.name, d.file), d.banner + faults);
  fs.writeFileSync(path.join(tmp, d.name, 'run.js'), `window.__records = JSON.stringify(runAllFaults(${JSON.stringify(d.seeds)}));\n`);
  fs.writeFileSync(path.join(tmp, d.name, 'index.html'), `<!doctype html><meta charset="utf-8"><script src="${d.file}"></script><script src="run.js"></script>\n`);
}

const records = [];
function add(engine, browser, deploy, list) {
  for (const r of list) {
    if (r.error) throw new Error(`${engine}: fault ${r.bug} did not throw`);
    records.push({ engine, browser, deploy: deploy.name, fault_id: r.bug, bug_label: r.bug, path: r.path, seed: r.seed,
      type: r.type, value: r.value, stack: r.stack, synthetic: r.synthetic, ...(r.cause ? { cause: r.cause } : {}) });
  }
}

// Shells: run the deploy file itself, with a print at the end.
const shells = [
  { engine: 'v8', browser: 'node', cmd: process.execPath, print: 'console.log' },
  { engine: 'javascriptcore', browser: 'jsc', cmd: 'jsc', print: 'print' },
  { engine: 'spidermonkey', browser: 'gjs', cmd: 'gjs', print: 'print' },
];
for (const sh of shells) {
  for (const d of DEPLOYS) {
    // Each shell runs the bundle under the deploy's own file name, like the browsers load it.
    const dir = path.join(tmp, 'shells', sh.browser, d.name);
    fs.mkdirSync(dir, { recursive: true });
    const run = path.join(dir, d.file);
    fs.writeFileSync(run, `${d.banner}${faults}\n${sh.print}(JSON.stringify(runAllFaults(${JSON.stringify(d.seeds)})));\n`);
    const out = execFileSync(sh.cmd, [run], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120000 });
    add(sh.engine, sh.browser, d, JSON.parse(out.trim().split('\n').pop()));
    console.log(`[corpus] ${sh.browser} deploy ${d.name}: ok`);
  }
}

// Browsers: the deploy served from loopback, captured in the page.
const server = http.createServer((req, res) => {
  const p = path.join(tmp, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!p.startsWith(tmp) || !fs.existsSync(p) || fs.statSync(p).isDirectory()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': p.endsWith('.html') ? 'text/html' : 'text/javascript' });
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
        await page.goto(`${base}/${d.name}/index.html`);
        await page.waitFor(() => typeof window.__records === 'string', undefined, 30000);
        add(b.engine, browser.name, d, JSON.parse(await page.evaluate(() => window.__records)));
        await page.close();
        console.log(`[corpus] ${browser.name} deploy ${d.name}: ok`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

const bugs = new Set(records.map((r) => r.bug_label));
const out = {
  note: 'Captured by scripts/capture-grouping-corpus.mjs from real engines. bug_label is the ground truth: one label per fault in tests/fixtures/grouping/faults.js, whatever the engine, deploy, call path or runtime values.',
  captured: new Date().toISOString().slice(0, 10),
  counts: { records: records.length, bugs: bugs.size, engines: [...new Set(records.map((r) => r.browser))], deploys: DEPLOYS.map((d) => d.file) },
  records,
};
fs.writeFileSync(path.join(repo, 'tests/fixtures/grouping/corpus.json'), JSON.stringify(out) + '\n');
console.log(`[corpus] ${records.length} records, ${bugs.size} bugs, ${out.counts.engines.length} engines -> tests/fixtures/grouping/corpus.json`);
