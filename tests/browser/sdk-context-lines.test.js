// contextLinesIntegration and moduleMetadataIntegration, in Chromium and Firefox ESR, with the
// pages of the peer's ContextLines scenarios (getsentry/sentry-javascript
// dev-packages/browser-integration-tests/suites/integrations/ContextLines: inline handler, script
// tag, script file): frames of the page's own inline code get the page's HTML lines around them
// (scrubbed), frames of script files get none; module metadata registered by Sentry's bundler
// plugins is on the frames beforeSend sees and not on the wire; every event validates as sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, launchFirefox } from './lib/browsers.js';
import { startRecorder } from './lib/recorder.js';
import { validateEvent, parseEnvelope } from '../node/lib/schema.js';

const KEY = '7e57c0de7e57c0de7e57c0de7e57c0de';

// Line numbers matter: the script's throw is on line 7, the first button on line 13.
const PAGE = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <script>
      function throwTestError() {
        throw new Error('Error with context lines');
      }
    </script>
  </head>
  <body>
    <button id="inline-error-btn" onclick="throwTestError()">Click me</button>
    <button id="inline-direct" onclick="throw new Error('inline attribute error');">Direct</button>
    <p>Write to jane.doe@example.com for help</p>
    <button id="script-error-btn">Script file</button>
    <script src="/subject.js"></script>
    <script src="/bundle.js"></script>
    <script type="module" src="/init.js"></script>
  </body>
  <footer>Some text...</footer>
</html>
`;
const SUBJECT = `document.getElementById('script-error-btn').addEventListener('click', function onScriptClick() {
  throw new Error('Error without context lines');
});`;
// A bundle as Sentry's bundler plugins build it with moduleMetadata and applicationKey: it
// registers its metadata under the stack of the moment it runs.
const BUNDLE = `(function () {
  var g = window._sentryModuleMetadata = window._sentryModuleMetadata || {};
  g[new Error().stack] = { team: 'checkout', '_sentryBundlerPluginAppKey:my-app': true };
  window.bundleThrow = function bundleThrow() { throw new Error('from the bundle'); };
})();`;
const INIT = `import * as F from '/esm/index.js';
window.F = F;
window.seen = [];
const q = new URLSearchParams(location.search);
const ints = { contextLines: (o) => F.contextLinesIntegration(o), moduleMetadata: () => F.moduleMetadataIntegration(),
  thirdParty: () => F.thirdPartyErrorFilterIntegration({ filterKeys: ['my-app'], behaviour: 'apply-tag-if-contains-third-party-frames' }) };
const list = JSON.parse(q.get('ints') || '[]').map(([n, o]) => ints[n](o));
F.init({ dsn: 'http://${KEY}@' + location.host + '/1', integrations: list, transport: { compress: false },
  beforeSend(ev) { window.seen.push(JSON.parse(JSON.stringify(ev))); return ev; } });
F.ready().then((c) => { window.__ready = c; });`;

// The script-tag build as an unmarked vendor file the SDK does not know as its own (`_self: ''`, as
// when it is bundled into a chunk the bundler plugin did not mark): its timer wrapper's frame is
// then a third-party frame, unless ignoreSentryInternalFrames.
const VENDOR_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/dist/faultline.iife.js"></script><script src="/bundle.js"></script>
<script>
window.seen = [];
const ignore = new URLSearchParams(location.search).get('ignore') == '1';
Faultline.init({ dsn: 'http://${KEY}@' + location.host + '/1', _self: '', integrations: [Faultline.thirdPartyErrorFilterIntegration({
  filterKeys: ['my-app'], behaviour: 'apply-tag-if-contains-third-party-frames', ignoreSentryInternalFrames: ignore })],
  beforeSend(ev) { window.seen.push(JSON.parse(JSON.stringify(ev))); return ev; } });
Faultline.ready().then((c) => { window.__ready = c; });
</script></head><body></body></html>`;

let rec;
const engines = {};
before(async () => {
  rec = await startRecorder({ '/page.html': PAGE, '/vendor.html': VENDOR_PAGE, '/subject.js': SUBJECT, '/bundle.js': BUNDLE, '/init.js': INIT });
  engines.chromium = await launchChromium();
  engines.firefox = await launchFirefox();
});
after(async () => {
  for (const e of Object.values(engines)) await e.close().catch(() => {});
  await rec?.close();
});

async function open(engine, ints) {
  rec.clear();
  const page = await engines[engine].newPage();
  await page.goto(`${rec.url}/page.html?ints=${encodeURIComponent(JSON.stringify(ints))}`);
  await page.waitFor(() => window.__ready);
  return page;
}

/** Clicks, then the event beforeSend saw and the event on the wire (validated as sent). */
async function clickAndGet(page, sel) {
  const before = await page.evaluate(() => window.seen.length);
  await page.click(sel);
  await page.waitFor((n) => window.seen.length > n, before);
  await page.evaluate(() => window.F.flush(3000));
  const seen = (await page.evaluate(() => window.seen)).at(-1);
  const wire = rec.envelopes.map((e) => parseEnvelope(e.body)).flatMap((e) => e.items).filter((i) => i.header.type == 'event')
    .map((i) => JSON.parse(i.payload)).find((e) => e.event_id == seen.event_id);
  assert.ok(wire, 'the event reached the endpoint');
  assert.deepEqual(validateEvent(wire), [], 'the event as sent validates against the schema');
  return { seen, wire };
}
const framesOf = (ev) => ev.exception.values.at(-1).stacktrace.frames;

for (const engine of ['chromium', 'firefox']) {
  test(`${engine}: a frame of an inline script tag and the inline handler that called it get the page's lines around them (5 each side by default, as Sentry 11)`, async () => {
    const page = await open(engine, [['contextLines']]);
    const { seen, wire } = await clickAndGet(page, '#inline-error-btn');
    const fr = framesOf(seen);
    const thrower = fr.find((f) => f.lineno == 7), handler = fr.find((f) => f.lineno == (engine == 'firefox' ? 1 : 12));
    assert.ok(thrower && handler, JSON.stringify(fr.map(({ pre_context, post_context, ...f }) => f)));
    assert.deepEqual(thrower.pre_context, ['<html>', '<head>', '    <meta charset="utf-8">', '    <script>', '      function throwTestError() {']);
    assert.equal(thrower.context_line, "        throw new Error('Error with context lines');");
    assert.deepEqual(thrower.post_context.slice(0, 5), ['      }', '    </script>', '  </head>', '  <body>', '    <button id="inline-error-btn" onclick="throwTestError()">Click me</button>']);
    assert.equal(thrower.post_context.length, 5);
    assert.ok(!JSON.stringify(wire).includes('jane.doe@example.com'), 'the page\'s text passes the scrubber');
    if (engine == 'firefox') {
      // SpiderMonkey numbers the handler attribute's code from 1 (onclick@page.html:1:1): no line of the page to show.
      assert.equal(handler.context_line, undefined);
    } else {
      assert.equal(handler.context_line, '    <button id="inline-error-btn" onclick="throwTestError()">Click me</button>');
      assert.equal(handler.pre_context.length, 5);
      assert.equal(handler.pre_context.at(-1), '  <body>');
      // The e-mail address two lines below is scrubbed.
      assert.equal(handler.post_context[1], '    <p>Write to [email] for help</p>');
    }
    assert.deepEqual(framesOf(wire).find((f) => f.lineno == 7).pre_context, thrower.pre_context, 'the wire carries the same lines');
    await page.close();
  });

  test(`${engine}: an inline attribute handler's frame gets its line; a script file's frames get none; frameContextLines sets how many`, async () => {
    let page = await open(engine, [['contextLines', { frameContextLines: 2 }]]);
    let { seen } = await clickAndGet(page, '#inline-direct');
    const f = framesOf(seen).at(-1);
    if (engine == 'firefox') assert.deepEqual([f.lineno, f.context_line], [1, undefined], 'numbered from the attribute in SpiderMonkey');
    else assert.equal(f.context_line, `    <button id="inline-direct" onclick="throw new Error('inline attribute error');">Direct</button>`);
    if (engine != 'firefox') {
      assert.deepEqual(f.pre_context, ['  <body>', '    <button id="inline-error-btn" onclick="throwTestError()">Click me</button>']);
      assert.deepEqual(f.post_context, ['    <p>Write to [email] for help</p>', '    <button id="script-error-btn">Script file</button>']);
    }
    ({ seen } = await clickAndGet(page, '#script-error-btn'));
    for (const fr of framesOf(seen)) {
      assert.equal(fr.context_line, undefined, 'no context for a frame of /subject.js');
      assert.equal(fr.pre_context, undefined);
    }
    await page.close();
    // Without the integration, the inline frames get nothing either.
    page = await open(engine, []);
    ({ seen } = await clickAndGet(page, '#inline-error-btn'));
    assert.ok(framesOf(seen).every((fr) => fr.context_line === undefined));
    await page.close();
  });

  test(`${engine}: moduleMetadataIntegration puts the bundle's metadata on its frames for beforeSend; the wire leaves it out`, async () => {
    const page = await open(engine, [['moduleMetadata']]);
    await page.evaluate(() => setTimeout(() => window.bundleThrow()));
    await page.waitFor(() => window.seen.length > 0);
    await page.evaluate(() => window.F.flush(3000));
    const [seen] = await page.evaluate(() => window.seen);
    const fr = framesOf(seen).find((f) => f.function == 'bundleThrow');
    assert.deepEqual(fr.module_metadata, { team: 'checkout', '_sentryBundlerPluginAppKey:my-app': true });
    assert.ok(framesOf(seen).filter((f) => !/bundle\.js/.test(f.filename || '')).every((f) => f.module_metadata === undefined), 'other files have none');
    const wire = rec.envelopes.map((e) => parseEnvelope(e.body)).flatMap((e) => e.items).filter((i) => i.header.type == 'event').map((i) => JSON.parse(i.payload))[0];
    assert.ok(!JSON.stringify(wire).includes('module_metadata'));
    assert.deepEqual(validateEvent(wire), []);
    await page.close();
  });
}

test('chromium: thirdPartyErrorFilterIntegration alone also gives beforeSend the frames\' module_metadata, as Sentry does', async () => {
  const page = await open('chromium', [['thirdParty']]);
  await page.evaluate(() => setTimeout(() => window.bundleThrow()));
  await page.waitFor(() => window.seen.length > 0);
  const [seen] = await page.evaluate(() => window.seen);
  assert.equal(framesOf(seen).find((f) => f.function == 'bundleThrow').module_metadata.team, 'checkout');
  assert.equal(seen.tags && seen.tags.third_party_code, undefined, 'the marked bundle is the app\'s');
  await page.close();
});

// Faultline's wrapper frames (methods named __faultline_wrap__) are cut from every stack, so there
// is no SDK frame left for ignoreSentryInternalFrames to ignore: an app error from a timer callback
// is the app's with the option or without it.
test('chromium: the SDK wrapper\'s frame of a timer callback is not on the stack, so it never makes an app error third-party (ignoreSentryInternalFrames or not)', async () => {
  const tags = [];
  for (const ignore of ['0', '1']) {
    const page = await engines.chromium.newPage();
    await page.goto(`${rec.url}/vendor.html?ignore=${ignore}`);
    await page.waitFor(() => window.__ready);
    await page.evaluate(() => setTimeout(window.bundleThrow));
    await page.waitFor(() => window.seen.length > 0);
    const [seen] = await page.evaluate(() => window.seen);
    assert.equal(seen.exception.values[0].mechanism.type, 'auto.browser.browserapierrors.setTimeout');
    assert.ok(!framesOf(seen).some((f) => /faultline\.iife\.js/.test(f.filename)), 'no frame of the SDK\'s wrapper');
    tags.push(seen.tags && seen.tags.third_party_code);
    await page.close();
  }
  assert.deepEqual(tags, [undefined, undefined]);
});
