// The published package as a user gets it: `npm pack`, install the tarball into a small app outside
// the repository, bundle it with Vite, webpack and esbuild (and use the script-tag build), and check in
// headless Chromium that an uncaught error reaches a loopback collector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCollector } from '../../demo/collector/server.js';
import { CHROMIUM_ARGS } from './lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
let work;
let root;
let collector;
let browser;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-consumer-'));
  root = path.join(work, 'site');
  fs.mkdirSync(path.join(root, 'demo', 'page'), { recursive: true });
  collector = await startCollector({ port: 0, dataDir: path.join(work, 'data'), staticRoot: root, projects: { 1: { publicKey: '7e57c0de7e57c0de7e57c0de7e57c0de' } } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await collector?.close();
  if (!process.env.FAULTLINE_KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
  else console.log('kept', work);
});

async function reportsUncaughtError(urlPath, marker) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => { if (!e.message.includes(marker)) problems.push(e.message); });
  page.on('console', (m) => problems.push(`console.${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(collector.url + urlPath);
  const deadline = Date.now() + 20000;
  let found = null;
  while (!found && Date.now() < deadline) {
    const events = await (await fetch(collector.url + '/api/events?limit=100')).json();
    found = events.find((e) => JSON.stringify(e.event).includes(marker));
    if (!found) await new Promise((r) => setTimeout(r, 200));
  }
  await ctx.close();
  assert.ok(found, `no event with "${marker}" reached the collector from ${urlPath}; page errors: ${problems.join(' | ')}`);
  const top = found.event.exception.values.at(-1);
  // The app throws from a setTimeout callback scheduled after init(): the SDK wraps timers from
  // init, as @sentry/browser does, so the error is reported by the wrapper (Sentry's mechanism).
  assert.equal(top.mechanism.type, 'auto.browser.browserapierrors.setTimeout');
  assert.equal(top.mechanism.handled, false);
  assert.equal(found.event.tags?.['faultline.core'], undefined, `the WASM core, not the JS fallback, built the event (${problems.join(' | ')}) ${JSON.stringify(found.event).slice(0, 1500)}`);
  return found.event;
}

test('the packed tarball installs into an app outside the repo and works bundled by Vite, webpack, esbuild and as a script tag', { timeout: 600000 }, async () => {
  // 1. pack (prepack builds the WASM core and the IIFE bundle)
  const tgzName = npm(['pack', '--silent', '--pack-destination', work], repo).trim().split('\n').pop();
  const tgz = path.join(work, tgzName);
  assert.ok(fs.existsSync(tgz), `npm pack produced ${tgz}`);
  const app = path.join(work, 'app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--loglevel=error', tgz, 'vite@7', 'esbuild', 'webpack@5', 'webpack-cli@6'], app);
  const dsn = `http://7e57c0de7e57c0de7e57c0de7e57c0de@127.0.0.1:${collector.port}/1`;
  fs.writeFileSync(path.join(app, 'src', 'main.js'), `import { init } from 'faultline';
init({ dsn: ${JSON.stringify(dsn)}, release: 'consumer@1' });
setTimeout(() => { throw new Error('consumer app failure from ' + document.title); }, 50);
`);
  const html = (title, script) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><script type="module" src="${script}"></script></head><body></body></html>\n`;
  const site = path.join(root, 'demo', 'page');

  // 2. Vite: the .wasm is found through new URL(..., import.meta.url) and emitted as an asset.
  fs.writeFileSync(path.join(app, 'index.html'), html('vite', '/src/main.js'));
  execFileSync(path.join(app, 'node_modules/.bin/vite'), ['build', '--base=./', '--outDir', path.join(site, 'vite'), '--emptyOutDir', '--logLevel', 'error'], { cwd: app, timeout: 300000 });
  assert.ok(fs.readdirSync(path.join(site, 'vite', 'assets')).some((f) => f.endsWith('.wasm')), 'Vite emitted the .wasm');
  await reportsUncaughtError('/demo/vite/index.html', 'consumer app failure from vite');

  // 3. webpack 5: the same new URL(..., import.meta.url) becomes an asset module; chunks load
  //    from the script's own URL (publicPath 'auto'), so the page uses a classic script tag.
  const wp = path.join(site, 'webpack');
  fs.writeFileSync(path.join(app, 'webpack.config.cjs'),
    `module.exports = { mode: 'production', entry: './src/main.js', output: { path: ${JSON.stringify(path.join(wp, 'assets'))}, publicPath: 'auto', clean: true } };\n`);
  execFileSync(path.join(app, 'node_modules/.bin/webpack'), ['--config', 'webpack.config.cjs'], { cwd: app, timeout: 300000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.ok(fs.readdirSync(path.join(wp, 'assets')).some((f) => f.endsWith('.wasm')), 'webpack emitted the .wasm');
  fs.writeFileSync(path.join(wp, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>webpack</title><script src="./assets/main.js"></script></head><body></body></html>\n');
  await reportsUncaughtError('/demo/webpack/index.html', 'consumer app failure from webpack');

  // 4. esbuild: ES modules with code splitting; the .wasm is copied where the package expects it
  //    (../dist/faultline.wasm relative to the bundle), as the README documents.
  const esb = path.join(site, 'esb');
  execFileSync(path.join(app, 'node_modules/.bin/esbuild'), ['src/main.js', '--bundle', '--format=esm', '--splitting', '--minify', `--outdir=${path.join(esb, 'assets')}`, '--log-level=error'], { cwd: app, timeout: 120000 });
  fs.mkdirSync(path.join(esb, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(app, 'node_modules/faultline/dist/faultline.wasm'), path.join(esb, 'dist', 'faultline.wasm'));
  fs.writeFileSync(path.join(esb, 'index.html'), html('esbuild', './assets/main.js'));
  await reportsUncaughtError('/demo/esb/index.html', 'consumer app failure from esbuild');

  // 5. Script tag: the single-file IIFE build with the .wasm beside it.
  const tag = path.join(site, 'tag');
  fs.mkdirSync(tag, { recursive: true });
  for (const f of ['faultline.iife.js', 'faultline.wasm']) fs.copyFileSync(path.join(app, 'node_modules/faultline/dist', f), path.join(tag, f));
  fs.writeFileSync(path.join(tag, 'app.js'), `Faultline.init({ dsn: ${JSON.stringify(dsn)} });\nsetTimeout(function () { throw new Error('consumer app failure from ' + document.title); }, 50);\n`);
  fs.writeFileSync(path.join(tag, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>script-tag</title><script src="faultline.iife.js"></script><script src="app.js"></script></head><body></body></html>\n');
  await reportsUncaughtError('/demo/tag/index.html', 'consumer app failure from script-tag');
});
