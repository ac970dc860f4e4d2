// Issue 10's browser check of symbol tables, as a user deploys: one small app using faultline is
// built by Vite (minified, with source maps), run through `faultline sourcemaps inject`, then
// changed (code added before the bug, names and positions shift) and built and injected again.
// Each deploy throws the same bug twice in Chromium, Firefox ESR and WebKitGTK. Every event must reach the
// collector with one fingerprint across both deploys, the bug's original function name in its
// frame, and debug_meta naming the bundle's debug ID; the bundle's symbol table must be fetched
// exactly once per page, and only after the first error. A deploy whose table is missing still
// delivers every event, unresolved and marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work, root, collector;

// The bug is in priceOf(); deploy 2 adds code before it and another function that shifts the
// minifier's names. `EXTRA` is the code added.
const SHOP = (extra) => `${extra}
export function priceOf(item) {
  return item.price.amount * item.qty;
}
export function total(cart) {
  let sum = 0;
  for (const item of cart.items) sum += priceOf(item);
  return sum;
}
`;
const EXTRA2 = `export function auditLog(entries) {
  return entries.filter((e) => e.level > 2).map((e) => e.id + ':' + e.message).join('\\n');
}
export const version = 'deploy-2-' + auditLog([{ level: 3, id: 1, message: 'x' }]).length;
`;
const MAIN = (dsn) => `import * as Faultline from 'faultline';
import { total } from './shop.js';

// The 'slow' copy is served its table late: it waits 300 ms, not 10 s.
Faultline.init({ dsn: ${JSON.stringify(dsn)}, release: 'shop@' + document.title, symbolTableTimeout: document.title.startsWith('slow') ? 300 : 10000 });
document.getElementById('buy').addEventListener('click', () => {
  setTimeout(() => { total({ items: [{ qty: 1 }] }); }, 0);
  // Recorded after the error: while the error waits for its table, this waits behind it.
  setTimeout(() => { Faultline.addBreadcrumb({ category: 'app', message: 'after the error' }); }, 0);
});
window.flushFaultline = () => Faultline.flush(5000);
window.faultlineStats = () => Faultline.getStats();
window.appReady = true;
`;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-symtab-'));
  root = path.join(work, 'site');
  fs.mkdirSync(path.join(root, 'demo', 'page'), { recursive: true });
});

after(async () => {
  await collector?.close();
  if (!process.env.FAULTLINE_KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
});

test('two Vite deploys of a minified app group one bug as one, with original names, debug_meta and a table fetched once after the error (Chromium, Firefox, WebKitGTK)', { timeout: 900000 }, async () => {
  collector = await startCollector({ port: 0, dataDir: path.join(work, 'data'), staticRoot: root, projects: { 1: { publicKey: 'symkey' } } });
  const dsn = `http://symkey@127.0.0.1:${collector.port}/1`;
  const app = path.join(work, 'app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'symtab-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'vite@7'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
  // The SDK from this repository (its ES modules and the built WASM core), as the package exports it.
  fs.writeFileSync(path.join(app, 'vite.config.mjs'), `export default { resolve: { alias: { faultline: ${JSON.stringify(path.join(repo, 'esm/index.js'))} } }, build: { sourcemap: true, minify: 'esbuild' } };\n`);

  const deploys = { d1: '', d2: EXTRA2 };
  const bundles = {};
  for (const [name, extra] of Object.entries(deploys)) {
    fs.writeFileSync(path.join(app, 'src', 'shop.js'), SHOP(extra));
    fs.writeFileSync(path.join(app, 'src', 'main.js'), MAIN(dsn));
    fs.writeFileSync(path.join(app, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title><script type="module" src="/src/main.js"></script></head><body><button id="buy">Buy</button></body></html>\n`);
    const out = path.join(root, 'demo', 'page', name);
    execFileSync(path.join(app, 'node_modules/.bin/vite'), ['build', '--base=./', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { cwd: app, timeout: 300000 });
    const entry = fs.readdirSync(path.join(out, 'assets')).find((f) => /^index-.*\.js$/.test(f));
    assert.ok(entry, `${name}: Vite wrote the entry bundle`);
    const code = fs.readFileSync(path.join(out, 'assets', entry), 'utf8');
    assert.ok(!/priceOf|auditLog/.test(code), `${name}: the bundle is minified (the bug's function name is gone)`);
    const lines = execFileSync(process.execPath, [path.join(repo, 'js/cli.js'), 'sourcemaps', 'inject', out], { encoding: 'utf8', timeout: 120000 })
      .trim().split('\n').map((l) => JSON.parse(l));
    const report = lines.find((l) => String(l.file).endsWith(entry));
    assert.ok(report && report.debug_id, `${name}: inject reported the entry bundle ${JSON.stringify(lines)}`);
    assert.ok(fs.existsSync(path.join(out, 'assets', entry + '.flsym.json')), `${name}: the symbol table is beside the bundle`);
    bundles[name] = { entry, debugId: report.debug_id, table: `${entry}.flsym.json` };
  }
  assert.notEqual(bundles.d1.entry, bundles.d2.entry, 'the deploys are different bundles');
  // A deploy whose table is missing (404): the event must still arrive, unresolved and marked.
  fs.cpSync(path.join(root, 'demo', 'page', 'd1'), path.join(root, 'demo', 'page', 'gone'), { recursive: true });
  fs.rmSync(path.join(root, 'demo', 'page', 'gone', 'assets', bundles.d1.table));
  fs.writeFileSync(path.join(root, 'demo', 'page', 'gone', 'index.html'), fs.readFileSync(path.join(root, 'demo', 'page', 'd1', 'index.html'), 'utf8').replace('<title>d1</title>', '<title>gone</title>'));
  bundles.gone = bundles.d1;
  fs.cpSync(path.join(root, 'demo', 'page', 'd1'), path.join(root, 'demo', 'page', 'slow'), { recursive: true });
  fs.writeFileSync(path.join(root, 'demo', 'page', 'slow', 'chromium.html'), fs.readFileSync(path.join(root, 'demo', 'page', 'd1', 'index.html'), 'utf8').replace('<title>d1</title>', '<title>slow-chromium</title>'));

  const results = {};
  for (const launch of [launchChromium, launchFirefox, launchWebKit]) {
    const browser = await launch();
    try {
      for (const name of [...Object.keys(deploys), 'gone']) {
        const b = bundles[name];
        const title = `${name}-${browser.name}`;
        const dir = path.join(root, 'demo', 'page', name);
        fs.writeFileSync(path.join(dir, `${browser.name}.html`), fs.readFileSync(path.join(dir, 'index.html'), 'utf8').replace(`<title>${name}</title>`, `<title>${title}</title>`));
        const page = await browser.newPage();
        try {
          await page.goto(`${collector.url}/demo/${name}/${browser.name}.html`);
          await page.waitFor(() => window.appReady === true);
          const tables = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /\.flsym\.json/.test(e.name)).map((e) => ({ name: e.name, start: e.startTime })));
          await new Promise((r) => setTimeout(r, 300));
          assert.deepEqual(await tables(), [], `${title}: no symbol table is fetched before an error`);
          const thrownAt = await page.evaluate(() => performance.now());
          await page.click('#buy');
          await page.waitFor(() => performance.getEntriesByType('resource').some((e) => /\.flsym\.json/.test(e.name)));
          await new Promise((r) => setTimeout(r, 300));
          await page.click('#buy');  // the same bug again: a repeat of the first event's group
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(await page.evaluate(() => window.flushFaultline()), true, `${title}: flush delivered everything`);
          const fetched = await tables();
          assert.equal(fetched.length, 1, `${title}: the table is fetched once ${JSON.stringify(fetched)}`);
          assert.ok(fetched[0].name.endsWith(`/demo/${name}/assets/${b.table}`), `${title}: the entry bundle's table ${fetched[0].name}`);
          assert.ok(fetched[0].start >= thrownAt, `${title}: the table is fetched after the error (${fetched[0].start} >= ${thrownAt})`);
          const stats = await page.evaluate(() => window.faultlineStats());
          assert.deepEqual(stats.symbol_tables, name == 'gone' ? { fetched: 0, scanned: 0, refused: 0, failed: 1, timeouts: 0 } : { fetched: 1, scanned: 0, refused: 0, failed: 0, timeouts: 0 }, `${title}: getStats() counts the fetch`);
        } finally {
          await page.close();
        }
        const deadline = Date.now() + 20000;
        let evs = [];
        while (Date.now() < deadline) {
          const all = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event);
          evs = all.filter((e) => e.release === `shop@${title}`);
          if (evs.reduce((s, e) => s + (e.contexts?.faultline?.count || 0), 0) >= 2) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(evs.reduce((s, e) => s + (e.contexts?.faultline?.count || 0), 0), 2, `${title}: both occurrences counted ${JSON.stringify(evs)}`);
        if (name == 'gone') {
          // Never lost: delivered unresolved (minified name, deploy-scoped, left to Sentry's grouping), and marked.
          const url = `${collector.url}/demo/gone/assets/${b.entry}`;
          for (const ev of evs) {
            assert.deepEqual(validateEvent(ev), [], `${title}: valid`);
            assert.deepEqual(ev.contexts.faultline.symbol_tables, { [url]: 'failed' }, `${title}: the event says its table failed`);
            assert.equal(ev.fingerprint, undefined, `${title}: unresolved minified frame: Sentry groups`);
            const top = ev.exception.values.at(-1).stacktrace.frames.at(-1);
            assert.notEqual(top.function, 'priceOf', `${title}: not resolved`);
            // The SDK is bundled into the app (its lazy part a chunk beside the app's in assets/):
            // the app's own frames are in-app all the same.
            assert.equal(top.in_app, true, `${title}: the app's minified frame is in-app ${JSON.stringify(top)}`);
            assert.equal(ev.debug_meta.images.find((i) => i.code_file === url).debug_id, b.debugId, `${title}: debug_meta all the same`);
          }
          continue;
        }
        results[title] = { evs, bundle: b, name };
      }
    } finally {
      await browser.close();
    }
  }

  // A table slower than symbolTableTimeout (Chromium, the response held 2 s): the first error goes
  // unresolved, marked `timeout`; the table still arrives and the next error is resolved.
  {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.raw.route('**/*.flsym.json', async (route) => { await new Promise((r) => setTimeout(r, 2000)); await route.continue(); });
      await page.goto(`${collector.url}/demo/slow/chromium.html`);
      await page.waitFor(() => window.appReady === true);
      await page.click('#buy');
      await page.waitFor(() => window.faultlineStats().symbol_tables?.timeouts === 1);
      await page.waitFor(() => window.faultlineStats().symbol_tables?.fetched === 1, undefined, 10000);
      await page.click('#buy');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await page.evaluate(() => window.flushFaultline()), true);
      await page.close();
    } finally {
      await browser.close();
    }
    let evs = [];
    for (const deadline = Date.now() + 20000; Date.now() < deadline && evs.length < 2; await new Promise((r) => setTimeout(r, 200)))
      evs = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event).filter((e) => e.release === 'shop@slow-chromium');
    evs.sort((a, b) => a.timestamp - b.timestamp);
    assert.equal(evs.length, 2, `slow: the late table splits, never merges, never loses: ${JSON.stringify(evs.map((e) => e.contexts.faultline))}`);
    const url = `${collector.url}/demo/slow/assets/${bundles.d1.entry}`;
    assert.deepEqual(evs[0].contexts.faultline.symbol_tables, { [url]: 'timeout' }, 'slow: the first event says its table timed out');
    assert.notEqual(evs[0].exception.values.at(-1).stacktrace.frames.at(-1).function, 'priceOf');
    assert.equal(evs[1].contexts.faultline.symbol_tables, undefined);
    assert.equal(evs[1].exception.values.at(-1).stacktrace.frames.at(-1).function, 'priceOf', 'slow: the table served the next error');
  }

  const fingerprints = new Set();
  for (const [title, { evs, bundle, name }] of Object.entries(results)) {
    for (const ev of evs) {
      assert.deepEqual(validateEvent(ev), [], `${title}: the event is valid for Sentry's schema`);
      const fl = ev.contexts.faultline;
      fingerprints.add(fl.fingerprint);
      assert.ok(Array.isArray(ev.fingerprint) && ev.fingerprint[0] === fl.fingerprint, `${title}: resolved, the grouping is confident and sent ${JSON.stringify(ev.fingerprint)}`);
      assert.equal(fl.symbol_tables, undefined, `${title}: the event did not go unresolved`);
      const frames = ev.exception.values.at(-1).stacktrace.frames;
      const top = frames.at(-1);
      assert.equal(top.function, 'priceOf', `${title}: the original function name ${JSON.stringify(top)}`);
      assert.equal(top.in_app, true, `${title}: in-app`);
      assert.ok(top.raw_function && top.raw_function !== 'priceOf', `${title}: the minified name as raw_function`);
      assert.ok(top.abs_path.endsWith(`/demo/${name}/assets/${bundle.entry}`), `${title}: the minified location is kept`);
      assert.ok(frames.some((f) => f.function === 'total'), `${title}: the caller too ${JSON.stringify(frames.map((f) => f.function))}`);
      if (!fl.summary) {
        const crumbs = (ev.breadcrumbs?.values ?? ev.breadcrumbs ?? []).map((c) => c.message);
        assert.ok(!crumbs.includes('after the error'), `${title}: what the page did after the error waited behind it ${JSON.stringify(crumbs)}`);
      }
      const images = ev.debug_meta?.images || [];
      assert.deepEqual(images.find((i) => i.code_file === top.abs_path), { type: 'sourcemap', code_file: top.abs_path, debug_id: bundle.debugId },
        `${title}: debug_meta names the bundle's debug ID ${JSON.stringify(ev.debug_meta)}`);
    }
  }
  assert.equal(fingerprints.size, 1, `one fingerprint for the bug across both deploys and all three browsers: ${[...fingerprints]}`);
  assert.equal(Object.keys(results).length, 6);
});
