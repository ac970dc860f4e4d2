// The drop-in promise, tested as a user would: one small app with a typical production Sentry
// setup (integrations [breadcrumbsIntegration({ console: false }), globalHandlersIntegration(),
// httpClientIntegration()], a beforeSend that edits event.breadcrumbs, ignoreErrors, release) is
// built with Vite twice from the same source — importing '@sentry/browser', then with only the
// import changed to 'faultline' (the packed tarball) — and both builds run in Chromium and
// Firefox ESR against the demo collector. Each must deliver the same report: the app's error with
// the release, the beforeSend edit, the fetch breadcrumb and no console or click breadcrumbs, and
// nothing for the ignored error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../demo/collector/server.js';
import { launchChromium, launchFirefox } from './lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
const sentryVersion = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/@sentry/browser/package.json'), 'utf8')).version;
let work, root, collector;

// The app, written against @sentry/browser's API. `SDK` is replaced by the package name.
const APP = (dsn) => `import * as Sentry from 'SDK';

Sentry.init({
  dsn: ${JSON.stringify(dsn)},
  release: 'sample-app@1.4.2',
  integrations: [Sentry.breadcrumbsIntegration({ console: false }), Sentry.globalHandlersIntegration(), Sentry.httpClientIntegration()],
  ignoreErrors: ['IgnoredError', /ResizeObserver loop/],
  beforeSend(event) {
    event.breadcrumbs = (event.breadcrumbs || []).filter((b) => b.category !== 'ui.click');
    event.tags = { ...event.tags, checkout: 'v2' };
    return event;
  },
});

document.getElementById('buy').addEventListener('click', async () => {
  console.log('buy clicked by', document.title);
  await fetch('/api/events?limit=1&from=' + document.title);
  setTimeout(() => { throw new Error('checkout failed in ' + document.title); }, 0);
});
Sentry.captureException(new Error('IgnoredError from ' + document.title));
window.appReady = true;
`;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-swap-'));
  root = path.join(work, 'site');
  fs.mkdirSync(path.join(root, 'demo', 'page'), { recursive: true });
});

after(async () => {
  await collector?.close();
  if (!process.env.FAULTLINE_KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
});

test('a Vite app written for @sentry/browser reports the same after only its import is swapped to faultline, in Chromium and Firefox', { timeout: 900000 }, async () => {
  collector = await startCollector({ port: 0, dataDir: path.join(work, 'data'), staticRoot: root, projects: { 1: { publicKey: 'swapkey' } } });
  const dsn = `http://swapkey@127.0.0.1:${collector.port}/1`;
  const tgzName = npm(['pack', '--silent', '--pack-destination', work], repo).trim().split('\n').pop();
  const app = path.join(work, 'app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'swap-app', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, tgzName), 'vite@7', `@sentry/browser@${sentryVersion}`], app);

  const builds = { sentry: '@sentry/browser', faultline: 'faultline' };
  for (const [name, pkg] of Object.entries(builds)) {
    fs.writeFileSync(path.join(app, 'src', 'main.js'), APP(dsn).replace("'SDK'", `'${pkg}'`));
    fs.writeFileSync(path.join(app, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title><script type="module" src="/src/main.js"></script></head><body><button id="buy">Buy</button></body></html>\n`);
    execFileSync(path.join(app, 'node_modules/.bin/vite'), ['build', '--base=./', '--outDir', path.join(root, 'demo', 'page', name), '--emptyOutDir', '--logLevel', 'error'], { cwd: app, timeout: 300000 });
  }
  const src = fs.readFileSync(path.join(app, 'src', 'main.js'), 'utf8');
  assert.equal(src.replace("'faultline'", "'SDK'"), APP(dsn), 'the two builds differ only in the import');

  const reports = {};
  for (const launch of [launchChromium, launchFirefox]) {
    const browser = await launch();
    try {
      for (const name of Object.keys(builds)) {
        const title = `${name}-${browser.name}`;
        // The title names the run: rewrite it in a copy of the built page.
        const dir = path.join(root, 'demo', 'page', name);
        fs.writeFileSync(path.join(dir, `${browser.name}.html`), fs.readFileSync(path.join(dir, 'index.html'), 'utf8').replace(`<title>${name}</title>`, `<title>${title}</title>`));
        const page = await browser.newPage();
        const seen = [];
        page.raw.on('console', (m) => seen.push(`console.${m.type()}: ${m.text()}`));
        page.raw.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
        page.raw.on('response', (r) => { if (r.url().includes('/api/')) seen.push(`${r.status()} ${r.url()}`); });
        try {
          await page.goto(`${collector.url}/demo/${name}/${browser.name}.html`);
          await page.waitFor(() => window.appReady === true);
          await page.click('#buy');
          const deadline = Date.now() + 20000;
          let found;
          while (!found && Date.now() < deadline) {
            const events = await (await fetch(collector.url + '/api/events?limit=200')).json();
            found = events.map((e) => e.event).find((e) => JSON.stringify(e.exception || '').includes(`checkout failed in ${title}`));
            if (!found) await new Promise((r) => setTimeout(r, 200));
          }
          assert.ok(found, `${title}: the app's error reached the collector; the page saw: ${seen.join(' | ')}`);
          await new Promise((r) => setTimeout(r, 500));
          const all = (await (await fetch(collector.url + '/api/events?limit=200')).json()).map((e) => JSON.stringify(e.event));
          assert.ok(!all.some((e) => e.includes(`IgnoredError from ${title}`)), `${title}: ignoreErrors kept the ignored error out`);
          reports[title] = found;
        } finally {
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  }

  for (const [title, ev] of Object.entries(reports)) {
    const ex = ev.exception.values.at(-1);
    assert.equal(ex.type, 'Error', title);
    assert.equal(ex.mechanism.handled, false, `${title}: an uncaught error`);
    assert.equal(ev.release, 'sample-app@1.4.2', title);
    assert.equal(ev.tags.checkout, 'v2', `${title}: beforeSend's edit is on the event`);
    // On the wire @sentry/browser sends the breadcrumb array, Faultline the form Relay stores
    // ({values}); beforeSend saw an array in both (its .filter() would have thrown otherwise, and
    // the event would not carry its tag).
    const crumbs = Array.isArray(ev.breadcrumbs) ? ev.breadcrumbs : title.startsWith('faultline') ? ev.breadcrumbs.values : null;
    assert.ok(Array.isArray(crumbs), `${title}: breadcrumbs ${JSON.stringify(ev.breadcrumbs)}`);
    if (title.startsWith('faultline')) assert.ok(!Array.isArray(ev.breadcrumbs), `${title}: the wire form`);
    assert.ok(!crumbs.some((b) => b.category === 'ui.click'), `${title}: beforeSend removed the click breadcrumbs`);
    // breadcrumbsIntegration({ console: false }) turns console breadcrumbs off in Faultline, as in
    // @sentry/browser up to 10; 11 records them in its own consoleIntegration and ignores the option.
    if (title.startsWith('faultline')) assert.ok(!crumbs.some((b) => b.category === 'console'), `${title}: breadcrumbsIntegration({ console: false })`);
    else assert.ok(crumbs.some((b) => b.category === 'console' && /buy clicked/.test(b.message)), `${title}: @sentry/browser 11's consoleIntegration`);
    const f = crumbs.find((b) => b.category === 'fetch');
    assert.ok(f && /\/api\/events\?limit=1&from=/.test(f.data.url) && f.data.method === 'GET' && f.data.status_code === 200, `${title}: the fetch breadcrumb ${JSON.stringify(crumbs)}`);
  }
  assert.equal(Object.keys(reports).length, 4);
});
