// The SDK bundled into an app (esbuild, minified, one file, as an app's build ships it), in
// Chromium and Firefox: the frames of Faultline's wrappers (the timer wrapper, the fetch wrapper)
// and of its entry points are never on an event's stack, so the app's own frame is the top one, as
// with @sentry/browser (which cuts its sentryWrapped frames). The wrappers are recognised by their
// method names (__faultline_wrap__, __faultline_api__), which minification keeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { launchChromium, launchFirefox, launchWebKit } from './lib/browsers.js';
import { startRecorder } from './lib/recorder.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';
const root = fileURLToPath(new URL('../..', import.meta.url));

const APP = `import * as F from './esm/index.js';
window.__appStart = 1;
window.seen = [];
F.init({ dsn: 'http://${KEY}@' + location.host + '/1', wasmUrl: '/dist/faultline.wasm', transport: { compress: false },
  integrations: [F.httpClientIntegration({ failedRequestStatusCodes: [404] }), F.captureConsoleIntegration({ levels: ['error'] })], aggregation: { windowMs: 0 },
  beforeSend(ev) { window.seen.push(JSON.parse(JSON.stringify(ev))); return ev; } });
window.timerCase = () => setTimeout(function appTimer() { throw new Error('timer boom'); });
window.fetchCase = () => fetch('/missing-endpoint').then((r) => r.status);
window.msgCase = () => F.captureMessage('app message');
// Two app functions whose XHRs fail (as the outside tester's loadUsers/loadCart), each request sent
// by an expression the bundle keeps as written ('users-body', 'cart-body': the top frame's place).
const done = (x) => new Promise((r) => x.addEventListener('loadend', r));
function loadUsers() { const x = new XMLHttpRequest(); x.open('GET', '/missing-users'); x.send('users-body'); return done(x); }
function loadCart() { const x = new XMLHttpRequest(); x.open('POST', '/missing-cart'); x.send('cart-body'); return done(x); }
window.xhrCase = () => Promise.all([loadUsers(), loadCart()]);
window.consoleCase = () => { console.error('app console message'); };
F.ready().then((c) => { window.__ready = c; });`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/app/app.js"></script></head><body></body></html>`;

let rec, bundle;
const engines = {};
before(async () => {
  const out = await esbuild.build({ stdin: { contents: APP, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm',
    target: 'es2022', write: false, logLevel: 'error' });
  bundle = out.outputFiles[0].text;
  rec = await startRecorder({ '/page.html': PAGE, '/app/app.js': ['text/javascript', bundle] });
  engines.chromium = await launchChromium();
  engines.firefox = await launchFirefox();
  engines.webkit = await launchWebKit();
});
after(async () => {
  for (const e of Object.values(engines)) await e.close().catch(() => {});
  await rec?.close();
});

/** Where a text is in the minified bundle: [line, column], 1-based, as stack frames count. */
function at(text) {
  const lines = bundle.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i].indexOf(text);
    if (c >= 0) return [i + 1, c + 1];
  }
  throw new Error(`${text} is not in the bundle`);
}
const framesOf = (ev) => ev.exception.values.at(-1).stacktrace.frames;
/**
 * The innermost frame is the app's code at that text (within the expression around it), and no
 * frame of the bundle is in the SDK's code (the app's entry code comes last in the bundle, from
 * its first statement on). (SpiderMonkey adds the async stack of where the timer was set: the
 * app's frames, without the SDK's setTimeout wrapper.)
 */
function topIsApp(ev, text) {
  const fr = framesOf(ev), top = fr.at(-1), [line, col] = at(text), [al, ac] = at('__appStart');
  const where = JSON.stringify(fr.map((f) => [f.function, f.lineno, f.colno, f.in_app]));
  assert.ok(!fr.some((f) => /__faultline/.test(f.function || '')), `no SDK wrapper frame: ${where}`);
  const sdk = fr.filter((f) => /\/app\/app\.js$/.test(f.filename) && (f.lineno < al || (f.lineno == al && f.colno < ac)));
  assert.deepEqual(sdk, [], `no frame in the SDK's code: ${where}`);
  assert.equal(top.lineno, line, where);
  assert.ok(Math.abs(top.colno - col) < 40, `the top frame is the app's code at ${text} (column ${col}): ${where}`);
  assert.equal(top.in_app, true);
}

for (const engine of ['chromium', 'firefox']) {
  test(`${engine}: with the SDK bundled and minified, an error in a setTimeout callback has the callback as its only frame; the httpClient event's and a message's top frame is the app's call`, async () => {
    rec.clear();
    const page = await engines[engine].newPage();
    await page.goto(`${rec.url}/page.html`);
    await page.waitFor(() => window.__ready);
    await page.evaluate(() => { window.timerCase(); });
    await page.waitFor(() => window.seen.length >= 1);
    await page.evaluate(() => window.fetchCase());
    await page.evaluate(() => { window.msgCase(); });
    await page.waitFor(() => window.seen.length >= 3);
    const seen = await page.evaluate(() => window.seen);
    const timer = seen.find((e) => e.exception && e.exception.values.at(-1).value == 'timer boom');
    const http = seen.find((e) => /HTTP Client Error/.test(e.message || (e.exception && e.exception.values.at(-1).value) || ''));
    const msg = seen.find((e) => e.message == 'app message');
    assert.ok(timer && http && msg, JSON.stringify(seen.map((e) => e.message || e.exception.values.at(-1).value)));
    if (engine == 'chromium') assert.equal(framesOf(timer).length, 1, 'the timer callback is the only frame (no wrapper frame below it): ' + JSON.stringify(framesOf(timer)));
    topIsApp(timer, 'timer boom');
    topIsApp(http, '/missing-endpoint');
    topIsApp(msg, 'app message');
    await page.close();
  });
}

// The stack of httpClientIntegration's XHR event and of captureConsoleIntegration's message is the
// app's call: taken in the body of the SDK's wrapper the app called, without exactly that one frame
// (no name or file to recognise: here the SDK is bundled into the app's file, and JavaScriptCore's
// tail calls may elide frames between wrappers). Before, both carried the SDK's frames on top (the
// hooks' safe() and its callback, V8 naming the wrappers by the API's name), so the failures of two
// app functions were one group.
for (const engine of ['chromium', 'firefox', 'webkit']) {
  test(`${engine}: XHR failures from two app functions are two groups whose top frame is the app's send call; a captureConsole message's top frame is the app's console call`, async () => {
    const page = await engines[engine].newPage();
    await page.goto(`${rec.url}/page.html`);
    await page.waitFor(() => window.__ready);
    await page.evaluate(async () => { window.seen.length = 0; await window.xhrCase(); window.consoleCase(); });
    await page.waitFor(() => window.seen.length >= 3);
    const seen = await page.evaluate(() => window.seen);
    const value = (e) => e.message || (e.exception && e.exception.values.at(-1).value) || '';
    const xhr = seen.filter((e) => /HTTP Client Error/.test(value(e)));
    const users = xhr.find((e) => /missing-users/.test(e.request.url)), cart = xhr.find((e) => /missing-cart/.test(e.request.url));
    const con = seen.find((e) => value(e) == 'app console message');
    assert.ok(users && cart && con, JSON.stringify(seen.map(value)));
    assert.equal(users.exception.values.at(-1).mechanism.type, 'auto.http.client.xhr');
    topIsApp(users, 'users-body');
    topIsApp(cart, 'cart-body');
    topIsApp(con, 'app console message');
    const fp = (e) => JSON.stringify(e.contexts.faultline.fingerprint);
    assert.notEqual(fp(users), fp(cart), 'the two failing XHRs are two groups');
    await page.close();
  });
}
