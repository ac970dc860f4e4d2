// Source maps end to end, as `npm run demo` sets them up: the demo's minified bundle
// (demo/bundle -> dist/demo/checkout.js, injected) throws in a real browser, the SDK sends its
// minified frames, the collector (given the bundle's map at startup, --source-maps) resolves them
// when the viewer reads the event, and the viewer shows the original frames with the source lines
// from the map's sourcesContent, and the minified frames on a toggle. Chromium and Firefox ESR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../demo/collector/server.js';
import { buildDemoBundle } from '../../demo/bundle/build.mjs';
import { launchChromium, launchFirefox } from './lib/browsers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const throwLine = fs.readFileSync(path.join(repo, 'demo/bundle/src/pricing.js'), 'utf8').split('\n').findIndex((l) => l.includes('coupon.minimum &&')) + 1;
let dir;
let c;

before(async () => {
  await buildDemoBundle(); // dist/demo, as npm run demo builds it
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-viewer-maps-'));
  c = await startCollector({ port: 0, dataDir: dir, staticRoot: repo, control: true,
    sourceMapDirs: [{ dir: path.join(repo, 'dist/demo'), urlPrefix: '~/dist/demo/', release: 'demo@1.0.0' }] });
});
after(async () => {
  await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(launch) {
  const browser = await launch();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.raw.on('pageerror', (e) => errors.push(String(e && e.message ? e.message : e)));
    await page.goto(c.url + '/demo/');
    await page.waitFor(() => document.body.dataset.ready === 'wasm', undefined, 30000);
    await fetch(c.url + '/__data', { method: 'DELETE' });
    await page.click('#minified');
    // The uncaught TypeError from the bundle reaches the collector with minified frames.
    let issue = null;
    for (let i = 0; i < 100 && !issue; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const list = await (await fetch(`${c.url}/api/issues?query=${encodeURIComponent('minimum')}`)).json();
      issue = list[0] || null;
    }
    assert.ok(issue, 'the bundle\'s error reached the collector');
    const stored = (await (await fetch(`${c.url}/api/events?limit=10`)).json()).map((e) => e.event).find((e) => /minimum/.test(JSON.stringify(e.exception)));
    const sentFrames = stored.exception.values.at(-1).stacktrace.frames;
    assert.ok(sentFrames.some((f) => /\/dist\/demo\/checkout\.js$/.test(f.abs_path || f.filename)), 'the SDK sent the minified frames');
    // (The SDK may name the functions from the bundle's symbol table; file, line and column stay
    // the minified ones, which the collector resolves.)

    // The viewer: original frames, innermost first, with the source lines around the throw. (The
    // demo page's own error was on purpose; the viewer must raise none.)
    errors.length = 0;
    await page.goto(`${c.url}/?issue=${issue.id}`);
    await page.waitFor(() => document.querySelector('#d-frames-toggle') && document.querySelector('#d-exception .frames li'));
    const original = await page.evaluate(() => {
      const items = [...document.querySelectorAll('#d-exception .frames li')];
      const first = items.find((li) => li.classList.contains('mapped'));
      return {
        display: document.querySelector('#d-exception').dataset.display,
        fns: items.filter((li) => li.classList.contains('mapped')).map((li) => li.querySelector('.fn').textContent),
        where: first.querySelector('.where').textContent,
        hl: first.querySelector('.context .hl')?.textContent,
        lines: first.querySelectorAll('.context span').length,
        pressed: document.querySelector('#d-frames-toggle button[aria-pressed=true]').dataset.display,
      };
    });
    assert.equal(original.display, 'original');
    assert.equal(original.pressed, 'original');
    assert.deepEqual(original.fns.slice(0, 3), ['applyCoupon', 'cartTotal', 'checkout']);
    assert.match(original.where, new RegExp(`^demo/bundle/src/pricing\\.js:${throwLine}:\\d+$`));
    assert.match(original.hl, new RegExp(`^\\s*${throwLine}\\s+if \\(coupon\\.minimum && subtotal < coupon\\.minimum\\) return subtotal;\n?$`));
    assert.equal(original.lines, 11, 'five lines each side of the throw');

    // The toggle shows the frames as the SDK sent them, and back.
    await page.evaluate(() => document.querySelector('#d-frames-toggle button[data-display=minified]').click());
    await page.waitFor(() => document.querySelector('#d-exception').dataset.display === 'minified');
    const minified = await page.evaluate(() => ({
      wheres: [...document.querySelectorAll('#d-exception .frames li .where')].map((e) => e.textContent),
      fns: [...document.querySelectorAll('#d-exception .frames li .fn')].map((e) => e.textContent),
      mapped: document.querySelectorAll('#d-exception .frames li.mapped').length,
    }));
    assert.equal(minified.mapped, 0);
    assert.ok(minified.wheres.some((w) => /\/dist\/demo\/checkout\.js:\d+:\d+$/.test(w)), minified.wheres.join('\n'));
    await page.evaluate(() => document.querySelector('#d-frames-toggle button[data-display=original]').click());
    await page.waitFor(() => document.querySelector('#d-exception').dataset.display === 'original' && document.querySelector('#d-exception .frames li.mapped'));
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
}

test('Chromium: the demo bundle\'s error shows original frames with source context, and minified ones on the toggle', { timeout: 120000 }, () => run(launchChromium));
test('Firefox ESR: the same from SpiderMonkey\'s stack', { timeout: 120000 }, () => run(launchFirefox));
