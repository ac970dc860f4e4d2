// Issue 10, the page path: a user deploys plain unminified code (a strict ES module, and a strict
// classic script beside the script-tag build) and never runs `faultline sourcemaps inject`.
// JavaScriptCore's proper tail calls drop `parseConfig` and `parseManifest` (each `return
// JSON.parse(text)`, both called from `initApp`: two different bugs) and `loadSettings` (one bug,
// reached from `fromStorage` and from `fromNetwork`) from WebKitGTK's stacks. `CartStore.validate`
// and `CouponStore.validate` (two classes of the module, one method name, the same TypeError) are
// two bugs that SpiderMonkey and JavaScriptCore print alike (`validate@…`). In every engine the SDK
// fetches the script's own source once, after the first error (a second error does not fetch it
// again), builds its table with the scan module and groups with it: two groups for the two
// parsers, one for the settings bug, two for the two classes' methods, and each bug one group
// across Chromium, Firefox ESR and WebKitGTK. The same module minified is never fetched and the
// scan module never loaded in Chromium and Firefox (its frames show minified code: the scan would
// refuse it). A stack the page itself wrote, naming URLs it never loaded as scripts, fetches none
// of them. With `scanSources: false`, WebKitGTK groups as before the scan (the two parsers merge,
// the settings bug splits by path, the two methods merge): the control that shows what the scan changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work, collector;

// The app's faults, as written (no build step): used by the module and by the classic script.
const FAULTS = `
function parseConfig(text) {
  return JSON.parse(text);
}
function parseManifest(text) {
  return JSON.parse(text);
}
// Two different bugs: each parser's JSON.parse, called from one function.
function initApp(kind, text) {
  const parsed = kind === 'config' ? parseConfig(text) : parseManifest(text);
  return parsed;
}
// One bug, reached by two paths.
function loadSettings(text) {
  return JSON.parse(text);
}
function fromStorage(text) {
  const settings = loadSettings(text);
  return settings;
}
function fromNetwork(text) {
  const settings = loadSettings(text);
  return settings;
}
// Two bugs: two classes' methods of one name, the same TypeError (trim of null).
class CartStore {
  validate(code) {
    const trimmed = code.trim();
    return trimmed;
  }
}
class CouponStore {
  validate(code) {
    const trimmed = code.trim();
    return trimmed;
  }
}
const BAD = '{"theme": dark}';
function runBug(F, kind) {
  F.setTag('bug', kind);
  if (kind === 'config') initApp('config', BAD);
  else if (kind === 'manifest') initApp('manifest', BAD);
  else if (kind === 'storage') fromStorage(BAD);
  else if (kind === 'cart') new CartStore().validate(null);
  else if (kind === 'coupon') new CouponStore().validate(null);
  else fromNetwork(BAD);
}
`;
// The first error waits up to 10 s for its script's table (symbolTableTimeout, default 3 s), as
// symbol-tables.test.js's pages do: these tests check what the table gives, not how long an event
// waits for it (scan-stall.test.js does), and a fresh page's scan (the Worker's start, the scan
// module's compile, the scan) took 2.9 s of the 3 in WebKitGTK on this machine under load.
const SCAN_WAIT_MS = 10000;
const INIT = (F) => `${F}.init({ dsn: DSN, release: 'scan@' + document.title, aggregation: { windowMs: 0 }, scanSources: !document.title.startsWith('off'), symbolTableTimeout: ${SCAN_WAIT_MS} });
window.fire = (kind) => { setTimeout(() => { runBug(${F}, kind); }, 0); };
window.flushFaultline = () => ${F}.flush(${SCAN_WAIT_MS + 5000});
window.faultlineStats = () => ${F}.getStats();
window.capture = (e) => ${F}.captureException(e);
window.appReady = true;
`;
const BUGS = ['config', 'manifest', 'storage', 'network', 'cart', 'coupon'];

before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-scan-')); });
after(async () => {
  await collector?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

// The site both tests serve: the SDK as the repository serves it (/esm/ modules, /dist/ modules
// and the script-tag build) and the pages under /demo/scan/, with the collector.
async function site() {
  const root = path.join(work, 'site'), page = path.join(root, 'demo', 'page', 'scan');
  if (!collector) {
    fs.mkdirSync(page, { recursive: true });
    fs.symlinkSync(path.join(repo, 'js'), path.join(root, 'js'));
    fs.symlinkSync(path.join(repo, 'dist'), path.join(root, 'dist'));
    fs.symlinkSync(path.join(repo, 'esm'), path.join(root, 'esm'));  // the package entry the page imports
    collector = await startCollector({ port: 0, dataDir: path.join(work, 'data'), staticRoot: root, projects: { 1: { publicKey: 'scankey' } } });
  }
  return { page, dsn: `http://scankey@127.0.0.1:${collector.port}/1` };
}

test('unminified strict code without inject: WebKitGTK groups JavaScriptCore\'s tail-called JSON.parse as Chromium does, from one scan after the error', { timeout: 600000 }, async () => {
  const { page, dsn } = await site();
  fs.writeFileSync(path.join(page, 'app.mjs'), `import * as F from '/esm/index.js';\nconst DSN = ${JSON.stringify(dsn)};\n${FAULTS}${INIT('F')}`);
  // The same module as a build minifies it (esbuild: one line, the module's names mangled).
  fs.writeFileSync(path.join(page, 'app.min.mjs'), transformSync(fs.readFileSync(path.join(page, 'app.mjs'), 'utf8'), { minify: true, format: 'esm' }).code);
  // The classic script: strict by its directive, as JavaScriptCore needs for proper tail calls.
  fs.writeFileSync(path.join(page, 'app-classic.js'), `'use strict';\nconst DSN = ${JSON.stringify(dsn)};\n${FAULTS}${INIT('Faultline')}`);
  const html = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${body}</head><body></body></html>\n`;
  const pages = {
    module: (t) => html(t, '<script type="module" src="./app.mjs"></script>'),
    min: (t) => html(t, '<script type="module" src="./app.min.mjs"></script>'),
    // Cache-busting: JavaScriptCore's frames drop a script's query (`app.mjs`, not `app.mjs?v=7`).
    query: (t) => html(t, '<script type="module" src="./app.mjs?v=7"></script>'),
    iife: (t) => html(t, '<script src="/dist/faultline.iife.js"></script><script src="./app-classic.js"></script>'),
    // A CSP that lets the core's module and the events through but not the scan's fetches.
    csp: (t) => html(t, `<meta http-equiv="Content-Security-Policy" content="connect-src ${collector.url}/dist/faultline.wasm ${collector.url}/api/"><script type="module" src="./app.mjs"></script>`),
  };

  // A storm while the first error waits for its table (Chromium): a loop of 3 000 errors in one
  // task, before any table can come. At most 1 000 operations are held, then they go as at the
  // timeout (marked `pending`); none is lost, and the table still comes for the next errors.
  fs.writeFileSync(path.join(page, 'app-storm.mjs'), `import * as F from '/esm/index.js';\n${FAULTS}
F.init({ dsn: ${JSON.stringify(dsn)}, release: 'scan@storm' });
window.storm = (n) => {
  let held = 0;
  for (let i = 0; i < n; i++) {
    try { new CartStore().validate(null); } catch (e) { F.captureException(e); }
    held = Math.max(held, F.getStats().held);
  }
  return held;
};
window.flushFaultline = () => F.flush(10000);
window.faultlineStats = () => F.getStats();
window.appReady = true;
`);
  pages.storm = (t) => html(t, '<script type="module" src="./app-storm.mjs"></script>');
  const storm = async (browser) => {
    fs.writeFileSync(path.join(page, 'storm.html'), pages.storm('storm'));
    const p = await browser.newPage();
    try {
      await p.goto(`${collector.url}/demo/scan/storm.html`);
      await p.waitFor(() => window.appReady === true && window.faultlineStats().core === 'wasm');
      const held = await p.evaluate(() => window.storm(3000));
      assert.ok(held > 0 && held <= 1000, `at most 1 000 operations held (${held})`);
      assert.equal(await p.evaluate(() => window.flushFaultline()), true, 'storm: flushed');
      await p.waitFor(() => window.faultlineStats().symbol_tables?.scanned === 1, undefined, 10000);
      const stats = await p.evaluate(() => window.faultlineStats());
      assert.equal(stats.queued + stats.aggregated, 3000, `storm: every capture counted ${JSON.stringify(stats)}`);
      assert.deepEqual(stats.dropped, {}, 'storm: nothing dropped');
      assert.equal(stats.held, 0, 'storm: nothing left held');
    } finally {
      await p.close();
    }
    let evs = [];
    for (const deadline = Date.now() + 20000; Date.now() < deadline && !evs.length; await new Promise((r) => setTimeout(r, 200)))
      evs = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event).filter((e) => e.release === 'scan@storm');
    assert.ok(evs.length >= 1, 'storm: its event reached the collector');
    assert.ok(evs.some((e) => JSON.stringify(Object.values(e.contexts.faultline.symbol_tables || {})) == '["pending"]'), `storm: the first event went before its table, marked pending ${JSON.stringify(evs.map((e) => e.contexts.faultline.symbol_tables))}`);
  };

  const runs = {};  // title -> { evs, stats, fetches, loaded, scanModule }
  const visit = async (browser, kind, title) => {
    fs.writeFileSync(path.join(page, `${title}.html`), pages[kind](title));
    const p = await browser.newPage();
    try {
      await p.goto(`${collector.url}/demo/scan/${title}.html`);
      await p.waitFor(() => window.appReady === true);
      await new Promise((r) => setTimeout(r, 300));
      const thrownAt = await p.evaluate(() => performance.now());
      for (const bug of BUGS) {
        await p.evaluate(`window.fire(${JSON.stringify(bug)})`);
        await new Promise((r) => setTimeout(r, 400));
      }
      await p.evaluate('window.fire("config")');  // the first bug again
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await p.evaluate(() => window.flushFaultline()), true, `${title}: flush delivered everything`);
      // The app's script and the scan module as the page fetched them: before the first error
      // (`loaded`) and from it on (`fetches`); `scanModule`: any file of the scan's, ever.
      const [loaded, fetches, scanModule] = await p.evaluate((t0) => {
        const es = performance.getEntriesByType('resource').filter((e) => /\/(app\.mjs|app\.min\.mjs|app-classic\.js|faultline-scan\.wasm)$/.test(e.name));
        const name = (e) => e.name.replace(/^.*\//, '');
        return [es.filter((e) => e.startTime < t0).map(name), es.filter((e) => e.startTime >= t0).map(name),
          performance.getEntriesByType('resource').some((e) => /faultline-scan/.test(e.name))];
      }, thrownAt);
      const stats = await p.evaluate(() => window.faultlineStats());
      let evs = [];
      for (const deadline = Date.now() + 20000; Date.now() < deadline && evs.length < BUGS.length + 1; await new Promise((r) => setTimeout(r, 200)))
        evs = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event).filter((e) => e.release === `scan@${title}`);
      assert.equal(evs.length, BUGS.length + 1, `${title}: every error is an event ${JSON.stringify(evs.map((e) => e.tags))}`);
      for (const ev of evs) assert.deepEqual(validateEvent(ev), [], `${title}: valid`);
      runs[title] = { evs, stats, fetches, loaded, scanModule };
      if (title == 'module-webkit') {
        // A stack the page wrote names URLs it never loaded as scripts (an action with a query, a
        // missing script, the page itself with a query): none is fetched, nothing more is scanned.
        await p.evaluate(() => {
          const o = location.origin, e = new Error('forged stack');
          e.stack = `act@${o}/demo/scan/account/delete?confirm=1:1:1\nnever@${o}/demo/scan/never-loaded.js:2:2\npage@${location.href.replace(/#.*/, '')}?q=1:3:3`;
          window.capture(e);
          return window.flushFaultline();
        });
        const names = await p.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
        assert.deepEqual(names.filter((n) => /account\/delete|never-loaded|\?q=1/.test(n)), [], 'URLs written into a stack are not fetched');
        assert.deepEqual((await p.evaluate(() => window.faultlineStats())).symbol_tables, { fetched: 0, scanned: 1, refused: 0, failed: 0, timeouts: 0 }, 'nothing more scanned');
      }
    } finally {
      await p.close();
    }
  };
  for (const launch of [launchChromium, launchFirefox, launchWebKit]) {
    const browser = await launch();
    try {
      await visit(browser, 'module', `module-${browser.name}`);
      if (browser.name == 'chromium') await storm(browser);
      if (browser.name != 'firefox') await visit(browser, 'iife', `iife-${browser.name}`);
      if (browser.name != 'webkit') await visit(browser, 'min', `min-${browser.name}`);
      if (browser.name == 'webkit') {
        await visit(browser, 'query', 'query-webkit');
        await visit(browser, 'module', 'off-webkit');
        await visit(browser, 'csp', 'csp-webkit');
      }
    } finally {
      await browser.close();
    }
  }

  const fp = (ev) => ev.contexts.faultline.fingerprint;
  const byBug = (title) => {
    const m = {};
    for (const ev of runs[title].evs) (m[ev.tags.bug] ||= new Set()).add(fp(ev));
    return m;
  };
  const one = (m, b) => [...m[b]][0];
  // Each engine builds the script's table in the page: fetched once, from the first error on (a
  // second error of it, and the repeat of the first, fetch nothing more), with the scan module.
  const scanned = (title, script) => {
    const { stats, fetches, loaded } = runs[title];
    assert.deepEqual(loaded, [script], `${title}: before the first error only the page's own load of its script`);
    assert.deepEqual(fetches.sort(), [script, 'faultline-scan.wasm'].sort(), `${title}: the script's source and the scan module, once each, after the first error`);
    assert.deepEqual(stats.symbol_tables, { fetched: 0, scanned: 1, refused: 0, failed: 0, timeouts: 0 }, `${title}: one table built in the page`);
    for (const ev of runs[title].evs) {
      assert.equal(ev.contexts.faultline.symbol_tables, undefined, `${title}: no event went without the table`);
      assert.deepEqual(ev.fingerprint, [fp(ev)], `${title}: confident, the fingerprint is sent ${JSON.stringify(ev.contexts.faultline.grouping)}`);
    }
  };
  const groups = (title) => {
    const m = byBug(title), all = runs[title].evs.map((e) => [e.tags.bug, e.contexts.faultline.grouping]);
    assert.deepEqual(Object.keys(m).sort(), [...BUGS].sort());
    for (const b of BUGS) assert.equal(m[b].size, 1, `${title}: ${b} is one group ${JSON.stringify(all)}`);
    assert.notEqual(one(m, 'config'), one(m, 'manifest'), `${title}: the two parsers are two bugs`);
    assert.equal(one(m, 'storage'), one(m, 'network'), `${title}: the settings bug is one group whatever the path`);
    assert.notEqual(one(m, 'cart'), one(m, 'coupon'), `${title}: CartStore.validate and CouponStore.validate are two bugs ${JSON.stringify(all)}`);
    return m;
  };
  for (const title of ['module-chromium', 'iife-chromium']) {
    scanned(title, title.startsWith('iife') ? 'app-classic.js' : 'app.mjs');
    groups(title);
  }

  for (const title of ['module-firefox', 'module-webkit', 'iife-webkit']) {
    scanned(title, title == 'iife-webkit' ? 'app-classic.js' : 'app.mjs');
    const m = groups(title), reference = byBug(title.startsWith('iife') ? 'iife-chromium' : 'module-chromium');
    for (const b of BUGS) assert.deepEqual([...m[b]], [one(reference, b)], `${title}: ${b} groups with Chromium's ${JSON.stringify(runs[title].evs.map((e) => [e.tags.bug, e.contexts.faultline.grouping]))}`);
    if (title == 'module-firefox') continue;
    for (const ev of runs[title].evs.filter((e) => !['cart', 'coupon'].includes(e.tags.bug))) {
      const g = ev.contexts.faultline.grouping;
      assert.equal(g.frame.reconstructed, true, `${title}: the throw site was put back ${JSON.stringify(g)}`);
      // The event's stack is the one the engine reported: the elided function is not in it.
      const fns = ev.exception.values.at(-1).stacktrace.frames.map((f) => f.function);
      assert.ok(!fns.includes('parseConfig') && !fns.includes('loadSettings'), `${title}: ${fns}`);
    }
  }

  // Minified, in V8 and SpiderMonkey: the stack shows it (columns past 250, the minifier's short
  // names), so the script is not fetched again and the scan module is never loaded.
  for (const title of ['min-chromium', 'min-firefox']) {
    const { stats, fetches, loaded, scanModule, evs } = runs[title];
    assert.deepEqual([loaded, fetches], [['app.min.mjs'], []], `${title}: nothing fetched after the error`);
    assert.equal(scanModule, false, `${title}: the scan module was not loaded`);
    assert.equal(stats.symbol_tables, undefined, `${title}: no table asked for`);
    for (const ev of evs) assert.equal(ev.contexts.faultline.symbol_tables, undefined, `${title}: the event is not marked`);
  }

  // A module loaded with a query: JavaScriptCore's stack names it without, and the page scans the
  // URL it loaded it from (the one loaded URL of that path), so its two classes stay apart.
  assert.deepEqual(runs['query-webkit'].stats.symbol_tables, { fetched: 0, scanned: 1, refused: 0, failed: 0, timeouts: 0 }, 'query: the module loaded with ?v=7 is scanned');
  groups('query-webkit');

  // The control: without the scan, JavaScriptCore's stacks hold the caller's caller only.
  const off = byBug('off-webkit'), reference = byBug('module-chromium');
  assert.deepEqual(runs['off-webkit'].fetches, [], 'scanSources: false fetches nothing');
  // Without the scan nothing confirms that the frame JavaScriptCore shows just outside JSON.parse
  // called it (a proper tail call may have elided the real caller): that key is the frame's place
  // in the build and not confident, so the two parsers no longer share one group (they did before
  // that rule), and no fingerprint is sent for them (the server groups them).
  assert.notEqual(one(off, 'config'), one(off, 'manifest'), 'without the scan the two parsers are apart in WebKitGTK, by position');
  for (const ev of runs['off-webkit'].evs.filter((e) => e.tags.bug === 'config' || e.tags.bug === 'manifest')) {
    assert.equal(ev.contexts.faultline.grouping.confident, false, `off-webkit: not confident ${JSON.stringify(ev.contexts.faultline.grouping)}`);
    assert.ok(!ev.fingerprint || ev.fingerprint.length === 0, `off-webkit: no fingerprint sent ${JSON.stringify(ev.fingerprint)}`);
  }
  assert.notEqual(one(off, 'storage'), one(off, 'network'), 'without the scan the settings bug splits by path in WebKitGTK');
  assert.notEqual(one(off, 'config'), one(reference, 'config'), 'without the scan WebKitGTK\'s group is not Chromium\'s');
  // Without a table JavaScriptCore prints `validate@…` for both classes' methods: one group.
  assert.equal(one(off, 'cart'), one(off, 'coupon'), 'without the scan the two classes\' validate merge in WebKitGTK');

  // A CSP that refuses the scan's fetch: counted, every event marked and grouped as without the
  // scan, none lost, nothing thrown into the page (the errors are the page's own).
  const csp = byBug('csp-webkit'), { stats } = runs['csp-webkit'];
  assert.deepEqual(stats.symbol_tables, { fetched: 0, scanned: 0, refused: 0, failed: 1, timeouts: 0 }, 'csp: the refused fetch is counted');
  assert.equal(stats.core, 'wasm', 'csp: the core itself loaded');
  for (const ev of runs['csp-webkit'].evs) assert.deepEqual(Object.values(ev.contexts.faultline.symbol_tables || {}), ['failed'], 'csp: the event says its table failed');
  for (const b of BUGS) assert.deepEqual([...csp[b]], [...off[b]], `csp: ${b} groups as without the scan`);
});

// ES module linking in the page (issue 10): two unbundled modules, app.js calling `parseConfig`
// imported from ./parsers.js, which ends in `return JSON.parse(t)`. JavaScriptCore elides
// parseConfig: its stack is `parse@[native code]` / `initApp@app.js`, no frame of parsers.js. The
// page scans app.js (its frame), reads in its table that the frame is at a call of an import, and
// scans parsers.js too, in the same wait: the first error already groups with Chromium's and
// Firefox's (`parsers.js:<built-in>:parseConfig`, confident), and parsers.js is scanned once.
test('unbundled modules: WebKitGTK\'s first error in a function JavaScriptCore elided from an imported module groups with Chromium\'s and Firefox\'s (the imported module scanned once, after the error)', { timeout: 300000 }, async () => {
  const { page, dsn } = await site();
  fs.writeFileSync(path.join(page, 'parsers.js'), `export function parseConfig(text) {
  return JSON.parse(text);
}
`);
  fs.writeFileSync(path.join(page, 'app.js'), `import * as F from '/esm/index.js';
import { parseConfig } from './parsers.js';
function initApp(text) {
  const config = parseConfig(text);
  return config;
}
F.init({ dsn: ${JSON.stringify(dsn)}, release: 'link@' + document.title, aggregation: { windowMs: 0 }, symbolTableTimeout: ${SCAN_WAIT_MS} });
window.fire = () => { setTimeout(() => { initApp('{"theme": dark}'); }, 0); };
window.flushFaultline = () => F.flush(${SCAN_WAIT_MS + 5000});
window.faultlineStats = () => F.getStats();
window.appReady = true;
`);
  const runs = {};
  for (const launch of [launchChromium, launchFirefox, launchWebKit]) {
    const browser = await launch(), title = `link-${browser.name}`;
    try {
      fs.writeFileSync(path.join(page, `${title}.html`), `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><script type="module" src="./app.js"></script></head><body></body></html>\n`);
      const p = await browser.newPage();
      try {
        await p.goto(`${collector.url}/demo/scan/${title}.html`);
        await p.waitFor(() => window.appReady === true);
        await new Promise((r) => setTimeout(r, 300));
        const thrownAt = await p.evaluate(() => performance.now());
        for (let i = 0; i < 2; i++) {  // the error and its repeat
          await p.evaluate('window.fire()');
          await new Promise((r) => setTimeout(r, 400));
        }
        assert.equal(await p.evaluate(() => window.flushFaultline()), true, `${title}: flush delivered everything`);
        const [loaded, fetches] = await p.evaluate((t0) => {
          const es = performance.getEntriesByType('resource').filter((e) => /\/(app|parsers)\.js$/.test(e.name));
          const name = (e) => e.name.replace(/^.*\//, '');
          return [es.filter((e) => e.startTime < t0).map(name).sort(), es.filter((e) => e.startTime >= t0).map(name).sort()];
        }, thrownAt);
        const stats = await p.evaluate(() => window.faultlineStats());
        let evs = [];
        for (const deadline = Date.now() + 20000; Date.now() < deadline && evs.length < 2; await new Promise((r) => setTimeout(r, 200)))
          evs = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event).filter((e) => e.release === `link@${title}`);
        assert.equal(evs.length, 2, `${title}: both errors are events`);
        for (const ev of evs) assert.deepEqual(validateEvent(ev), [], `${title}: valid`);
        runs[browser.name] = { evs, stats, loaded, fetches };
      } finally {
        await p.close();
      }
    } finally {
      await browser.close();
    }
  }
  const fps = (name) => new Set(runs[name].evs.map((e) => e.contexts.faultline.fingerprint));
  const chromium = [...fps('chromium')];
  assert.equal(chromium.length, 1, 'chromium: one group');
  for (const name of ['chromium', 'firefox', 'webkit']) {
    const { evs, stats, loaded, fetches } = runs[name], all = JSON.stringify(evs.map((e) => e.contexts.faultline.grouping));
    assert.deepEqual([...fps(name)], chromium, `${name}: the error and its repeat group with Chromium's ${all}`);
    for (const ev of evs) {
      const g = ev.contexts.faultline.grouping;
      assert.equal(g.confident, true, `${name}: confident ${JSON.stringify(g)}`);
      assert.deepEqual(ev.fingerprint, [ev.contexts.faultline.fingerprint], `${name}: the fingerprint is sent`);
      assert.equal(ev.contexts.faultline.symbol_tables, undefined, `${name}: no event went without its tables`);
      assert.match(g.frame.filename || g.frame.abs_path || '', /parsers\.js$/, `${name}: the throw site is parsers.js's ${JSON.stringify(g.frame)}`);
      assert.equal(g.frame.function, 'parseConfig', `${name}: in parseConfig ${JSON.stringify(g.frame)}`);
    }
    // Both modules as the page loaded them, then each fetched once more for its scan, after the error.
    assert.deepEqual(loaded, ['app.js', 'parsers.js'], `${name}: before the error, the page's own loads`);
    assert.deepEqual(fetches, ['app.js', 'parsers.js'], `${name}: each module scanned once, after the error`);
    assert.deepEqual(stats.symbol_tables, { fetched: 0, scanned: 2, refused: 0, failed: 0, timeouts: 0, ...(name == 'webkit' && { linked: 1 }) },
      `${name}: two tables built in the page${name == 'webkit' ? ', parsers.js for the linking' : ''}`);
  }
  const wk = runs.webkit.evs[0];
  const fns = wk.exception.values.at(-1).stacktrace.frames.map((f) => f.function);
  assert.ok(!fns.includes('parseConfig'), `webkit: the engine's stack has no parseConfig (elided) ${fns}`);
  assert.equal(wk.contexts.faultline.grouping.frame.reconstructed, true, 'webkit: the throw site was put back from parsers.js\'s table');
});
