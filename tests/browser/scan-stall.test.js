// Issue 10, the page's scan must never jank the page (an outside attack measured one error
// blocking WebKitGTK's main thread for 6.2 s: four 1 MB first-party scripts in one stack, scanned
// one after another on the main thread). Here, in WebKitGTK with the script-tag build and no
// inject, one error's stack runs through four unminified first-party scripts of ~1 MB each. A
// 20 ms ticker in the page measures the longest main-thread block from the error to the end of
// the flush (the attacker's measure). The scans run in the scan Worker: the block stays under a
// bound, the event arrives (grouped without the tables if symbolTableTimeout ran out first, and
// says so), and a later error in the same code is put back from the tables that came late.
// Then, where no Worker may start (a CSP with `worker-src 'none'`), the main thread scans a small
// script itself (counted in getStats().symbol_tables.main_thread, with the same group as the
// Worker gives it), and skips a ~1 MB one (counted as skipped, the event marked): no long task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../demo/collector/server.js';
import { launchWebKit } from './lib/browsers.js';
import { validateEvent } from '../node/lib/schema.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work, collector;

// The longest main-thread block allowed from the first error to its event's flush (the budget,
// symbolTableTimeout, runs out while the Worker scans). Before the Worker, one error blocked it for
// 6.2–12.4 s here (the four scans, one after another). What stays on the page's thread: the first
// capture (~160 ms here, cold) and reading the responses: 330–734 ms measured, once 1 504 ms, on
// this machine (load 12–16 on 2 cores, the Worker competing): the bound is for that load; that
// no scan ran on the page's thread is asserted from the stats.
const MAX_BLOCK_MS = 2500;
// From the first error until the late tables came and a second error was flushed: the core also
// parses each table, a task of its own per table (a ~290 KB table: 50–65 ms measured alone in
// WebKitGTK here, 250–1 085 ms while the Worker and the other processes share this loaded
// machine's 2 cores with it: a bound for the machine's load, not for the SDK).
const MAX_LATE_BLOCK_MS = 2500;

// One script of ~`kb` KB of hand-written-looking code: `enter<i>` calls the next script's entry
// (not a tail call: its frame stays), the last one calls `parseSettings<i>`, which tail-calls
// JSON.parse, so JavaScriptCore drops `parseSettings<i>` (the table puts it back).
function script(i, last, kb, p = '') {
  let s = `'use strict';\nfunction ${p}parseSettings${i}(text) {\n  return JSON.parse(text);\n}\n`;
  const callee = last ? `${p}parseSettings${i}` : `${p}enter${i + 1}`;
  s += `function ${p}enter${i}(text) {\n  const value = ${callee}(text);\n  return value;\n}\n`;
  for (let n = 0; s.length < kb * 1024; n++) {
    s += `function computeTotal${i}_${n}(items, rate) {\n  let total = 0;\n  for (const item of items) total += item.price * rate;\n`
      + `  if (total > ${n}) return formatAmount${i}_${n + 1}(total);\n  return String(total);\n}\n`;
  }
  return s + `function formatAmount${i}_end(x) {\n  return x;\n}\n`;
}

// The page (the collector's CSP allows no inline script): the SDK, the ticker, then the app's scripts.
// The page stamps each error's capture (firedAt) and the moment its event leaves the SDK for the
// transport (sentAt, from beforeSend), by the case tag, on the page's own clock. The pages that
// check where the scans run (worker-small, main-small, main-big), not how long an event waits,
// wait up to 15 s for their tables (as symbol-tables.test.js's pages do): under load the Worker's
// start and its five small scans took 2.9 s of the default 3 s, which would mark them `timeout`.
const SETUP = (dsn) => `window.firedAt = {}; window.sentAt = {};
Faultline.init({ dsn: ${JSON.stringify(dsn)}, release: 'stall@' + document.title, aggregation: { windowMs: 0 },
  symbolTableTimeout: /^(worker-small|main-small|main-big)$/.test(document.title) ? 15000 : 3000,
  beforeSend: function (e) { window.sentAt[e.tags && e.tags.case] = performance.now(); return e; } });
window.block = 0;
(function () { let last = performance.now(); setInterval(function () { const n = performance.now(); window.block = Math.max(window.block, n - last - 20); last = n; }, 20); })();
window.fire = function (tag, keep, entry) {
  if (!keep) window.block = 0;
  setTimeout(function () { Faultline.setTag('case', tag); window.firedAt[tag] = performance.now(); window[entry || 'enter1']('{"bad": json}'); }, 0);
};
window.done = function () {
  const t0 = performance.now();
  return Faultline.flush(25000).then(function (ok) { return { ok: ok, flushMs: performance.now() - t0, block: window.block, stats: Faultline.getStats(), firedAt: window.firedAt, sentAt: window.sentAt }; });
};
`;
const page = (title, { csp, scripts }) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
${csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ''}
<script src="/dist/faultline.iife.js"></script>
<script src="./setup.js"></script>
${scripts.map((s) => `<script src="./${s}"></script>`).join('\n')}
</head><body>${title}</body></html>
`;

before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-stall-')); });
after(async () => {
  await collector?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('WebKitGTK: one error through four ~1 MB first-party scripts never blocks the page (the scans run in a Worker); where no Worker may start, the main thread scans only small scripts', { timeout: 600000 }, async () => {
  const root = path.join(work, 'site'), dir = path.join(root, 'demo', 'page', 'stall');
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(repo, 'js'), path.join(root, 'js'));
  fs.symlinkSync(path.join(repo, 'dist'), path.join(root, 'dist'));
  collector = await startCollector({ port: 0, dataDir: path.join(work, 'data'), staticRoot: root, projects: { 1: { publicKey: 'stallkey' } } });
  const dsn = `http://stallkey@127.0.0.1:${collector.port}/1`;
  fs.writeFileSync(path.join(dir, 'setup.js'), SETUP(dsn));
  const big = [1, 2, 3, 4].map((i) => `big${i}.js`), small = [1, 2, 3, 4].map((i) => `small${i}.js`);
  big.forEach((f, k) => fs.writeFileSync(path.join(dir, f), script(k + 1, k == 3, 1000)));
  small.forEach((f, k) => fs.writeFileSync(path.join(dir, f), script(k + 1, k == 3, k == 3 ? 12 : 1)));
  const other = [1, 2, 3, 4].map((i) => `other${i}.js`);
  other.forEach((f, k) => fs.writeFileSync(path.join(dir, f), script(k + 1, k == 3, 2, 'other')));
  for (const f of [...big, ...small]) assert.ok(fs.statSync(path.join(dir, f)).size < 1 << 20, `${f} is under the 1 MiB bound`);
  const events = async (title, n) => {
    let evs = [];
    for (const deadline = Date.now() + 20000; Date.now() < deadline && evs.length < n; await new Promise((r) => setTimeout(r, 200)))
      evs = (await (await fetch(collector.url + '/api/events?limit=500')).json()).map((e) => e.event).filter((e) => e.release === `stall@${title}`);
    return evs;
  };
  const browser = await launchWebKit();
  const runs = {};
  try {
    const visit = async (title, opts, rounds) => {
      fs.writeFileSync(path.join(dir, `${title}.html`), page(title, opts));
      const p = await browser.newPage();
      await p.goto(`${collector.url}/demo/stall/${title}.html`);
      // The core is ready before the first error: a capture the core has not taken yet waits in
      // the early queue, and its symbolTableTimeout starts only when the core takes it (under load
      // WebKitGTK's compile of the core took seconds: the first event went 7.2 s after its capture).
      await p.waitFor(() => typeof window.enter1 == 'function' && typeof window.done == 'function' && window.Faultline.getStats().core === 'wasm', undefined, 30000);
      await new Promise((r) => setTimeout(r, 500));
      const out = [];
      for (const [k, tag] of rounds.entries()) {
        // The ticker's maximum runs on from the first error to the end (the late tables included).
        await p.evaluate(`window.fire(${JSON.stringify(tag)}, ${k > 0})`);
        await new Promise((r) => setTimeout(r, 300));
        out.push(await p.evaluate(async () => window.done()));
        // Until every table came (the Worker scans the ~1 MB scripts one after another).
        if (k < rounds.length - 1) await p.waitFor(() => window.Faultline.getStats().symbol_tables.scanned >= 5, null, 90000);
      }
      runs[title] = out;
      return out;
    };

    // Four ~1 MB scripts: the first error waits at most symbolTableTimeout (3 s), then goes.
    const [first, second] = await visit('worker-big', { scripts: big }, ['first', 'second']);
    console.log('worker-big', JSON.stringify(runs['worker-big'].map((r) => ({ ...r, stats: r.stats.symbol_tables }))));
    assert.equal(first.ok, true, 'the first event was delivered');
    assert.ok(first.block < MAX_BLOCK_MS, `the longest main-thread block from the error to the flush was ${Math.round(first.block)} ms (bound ${MAX_BLOCK_MS})`);
    assert.ok(second.block < MAX_LATE_BLOCK_MS, `and to the second error's flush, the late tables handed to the core included, ${Math.round(second.block)} ms (bound ${MAX_LATE_BLOCK_MS})`);
    assert.ok(first.flushMs < 3000 + 2500, `the event waited for the tables about symbolTableTimeout at most (flush took ${Math.round(first.flushMs)} ms)`);
    const st = second.stats.symbol_tables;
    // The four scripts and setup.js (its timer callback is the stack's first frame).
    assert.equal(st.scanned, 5, `every script was scanned, in the Worker ${JSON.stringify(st)}`);
    assert.equal(st.main_thread, undefined, 'nothing was scanned on the main thread');
    const evs = await events('worker-big', 2), byTag = (t) => evs.find((e) => e.tags.case == t);
    assert.equal(evs.length, 2, 'both errors are events');
    for (const ev of evs) assert.deepEqual(validateEvent(ev), [], 'valid');
    const g1 = byTag('first').contexts.faultline, g2 = byTag('second').contexts.faultline;
    if (g1.symbol_tables) {  // the budget ran out before the tables: marked, grouped without them
      assert.ok(Object.values(g1.symbol_tables).every((s) => s == 'timeout'), JSON.stringify(g1.symbol_tables));
      assert.ok(st.timeouts >= 1);
    } else assert.equal(g1.grouping.frame.reconstructed, true);
    // The late tables serve the next error: JavaScriptCore's dropped frame is put back.
    assert.equal(g2.symbol_tables, undefined, 'the second event had every table');
    assert.equal(g2.grouping.frame.reconstructed, true, `the tail-called parseSettings4 is put back ${JSON.stringify(g2.grouping)}`);
    assert.match(JSON.stringify(g2.grouping), /parseSettings4/);

    // No Worker may start: small scripts are scanned on the main thread (bounded, counted), and
    // group as the Worker's tables make them group.
    const [w] = await visit('worker-small', { scripts: small }, ['small']);
    const [m] = await visit('main-small', { scripts: small, csp: "worker-src 'none'" }, ['small']);
    console.log('small', JSON.stringify({ w: { ...w, stats: w.stats.symbol_tables }, m: { ...m, stats: m.stats.symbol_tables } }));
    assert.deepEqual(w.stats.symbol_tables, { fetched: 0, scanned: 5, refused: 0, failed: 0, timeouts: 0 }, 'the Worker scanned the small scripts');
    assert.deepEqual(m.stats.symbol_tables, { fetched: 0, scanned: 5, refused: 0, failed: 0, timeouts: 0, main_thread: 5 }, 'without a Worker, the main thread did, counted');
    assert.ok(m.block < MAX_BLOCK_MS, `main-thread scans of small scripts block ${Math.round(m.block)} ms at most`);
    const [ws] = await events('worker-small', 1), [ms] = await events('main-small', 1);
    assert.equal(ws.contexts.faultline.grouping.frame.reconstructed, true);
    assert.equal(ms.contexts.faultline.fingerprint, ws.contexts.faultline.fingerprint, 'the same group with or without the Worker');

    // symbolTableTimeout bounds each event's own wait from its capture: a second error 0.5 s after
    // the first, in other scripts, waits behind the first (until its 3 s run out), then for its
    // own tables, which queue in the Worker behind the ~1 MB scans; it goes 3 s after its own
    // capture, not 3 s after the first event went (5.5 s). Both errors are fired by the page, and
    // the wait is measured on the page's clock from the capture to the event leaving the SDK:
    // measured from here it also held two WebDriver round trips, the collector's answer and the
    // node-side 0.5 s sleep's lateness (3 248 ms under load 5 against a bound of 4 000).
    {
      fs.writeFileSync(path.join(dir, 'held.html'), page('held', { scripts: [...big, ...other] }));
      const p = await browser.newPage();
      await p.goto(`${collector.url}/demo/stall/held.html`);
      await p.waitFor(() => typeof window.otherenter1 == 'function' && typeof window.enter1 == 'function' && typeof window.done == 'function' && window.Faultline.getStats().core === 'wasm', undefined, 30000);
      await new Promise((r) => setTimeout(r, 500));
      await p.evaluate('(window.fire("held-first"), setTimeout(function () { window.fire("held-second", true, "otherenter1"); }, 500), 1)');
      await p.waitFor(() => window.firedAt['held-second'] > 0, undefined, 20000);
      const r = await p.evaluate(async () => window.done());
      const apart = r.firedAt['held-second'] - r.firedAt['held-first'], waited = r.sentAt['held-second'] - r.firedAt['held-second'];
      console.log('held', JSON.stringify({ apart, waited, ...r, stats: r.stats.symbol_tables }));
      assert.equal(r.ok, true);
      // The wrong wait (3 s from the first event's release) is at least 6 000 - apart ms after the
      // capture: the bound stays below it however late the page's 0.5 s timer fired.
      assert.ok(apart < 2500, `the second error came ${Math.round(apart)} ms after the first, while it waited`);
      const bound = Math.min(3000 + 1500, 6000 - apart - 250);
      assert.ok(waited < bound, `the second event went ${Math.round(waited)} ms after its capture (symbolTableTimeout 3000; bound ${Math.round(bound)}, ${Math.round(apart)} ms after the first)`);
      const evs = await events('held', 2);
      assert.equal(evs.length, 2, 'both events arrive');
      // Whether its own tables came within those 3 s depends on how fast the Worker scans the
      // ~1 MB scripts queued before them (the machine's load): a table it lacks is marked
      // `timeout`, and one it had serves it.
      const second = evs.find((e) => e.tags.case == 'held-second').contexts.faultline.symbol_tables || {};
      assert.ok(Object.values(second).every((s) => s == 'timeout'), `a table the second event lacks is marked timeout ${JSON.stringify(second)}`);
      if (r.stats.symbol_tables.timeouts > 0) assert.ok(Object.keys(second).length + Object.keys(evs.find((e) => e.tags.case == 'held-first').contexts.faultline.symbol_tables || {}).length > 0, 'the timeouts counted are marked on the events');
    }

    // No Worker and ~1 MB scripts: skipped on the main thread, the event marked, no long task.
    const [mb] = await visit('main-big', { scripts: big, csp: "worker-src 'none'" }, ['big']);
    console.log('main-big', JSON.stringify({ ...mb, stats: mb.stats.symbol_tables }));
    assert.equal(mb.ok, true);
    assert.deepEqual(mb.stats.symbol_tables, { fetched: 0, scanned: 1, refused: 0, failed: 0, timeouts: 0, main_thread: 1, skipped: 4 }, 'over the main thread\'s per-script bound: skipped (setup.js, small, scanned)');
    assert.ok(mb.block < MAX_BLOCK_MS, `no scan of a 1 MB script on the main thread (${Math.round(mb.block)} ms)`);
    const [evb] = await events('main-big', 1);
    assert.deepEqual(Object.values(evb.contexts.faultline.symbol_tables), ['skipped', 'skipped', 'skipped', 'skipped'], 'the event says its tables were skipped');
  } finally {
    await browser.close();
  }
});

// The scan's download is aborted (its AbortController) after 20 s (SCAN_MAX_MS) and past 1 MiB:
// a server that trickles a script's second copy (the scan's fetch) forever, slowly or fast, sees
// the request closed. Before, an endless body was downloaded until the browser closed (52 MB).
// Not at symbolTableTimeout: the first error stops waiting then, but a slow server's script still
// gives its table to the errors after it (an outside tester's slow server left every later error
// without one, two classes' same-named method merged).
test('WebKitGTK: the scan\'s fetch of a script that never ends is aborted after 20 s, or past 1 MiB', { timeout: 300000 }, async () => {
  const dist = path.join(repo, 'dist');
  const app = (f) => `'use strict';\nfunction parse${f}(t) {\n  return JSON.parse(t);\n}\nfunction run${f}() {\n  const v = parse${f}('{bad');\n  return v;\n}\n`;
  const setup = `Faultline.init({ dsn: 'http://k@' + location.host + '/1', release: 'abort', symbolTableTimeout: 2000 });
window.go = function (f) { setTimeout(function () { window['run' + f](); }, 0); };
window.done = function () { return Faultline.flush(10000).then(function (ok) { return { ok: ok, st: Faultline.getStats().symbol_tables }; }); };`;
  const served = {}, streams = {};  // script -> times served; the scan's copy: { start, end, bytes }
  const server = http.createServer((req, res) => {
    const u = req.url.split('?')[0], type = u == '/' ? 'text/html' : u.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    if (req.method == 'POST') { req.resume(); res.writeHead(200, { 'access-control-allow-origin': '*' }); return res.end('{}'); }
    if (u.startsWith('/dist/') && fs.existsSync(path.join(dist, u.slice(6)))) { res.writeHead(200, { 'content-type': type }); return res.end(fs.readFileSync(path.join(dist, u.slice(6)))); }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    if (u == '/setup.js') return res.end(setup);
    if (u == '/') return res.end('<!doctype html><title>abort</title><script src="/dist/faultline.iife.js"></script><script src="/setup.js"></script><script src="/Slow.js"></script><script src="/Fast.js"></script>');
    const f = u.slice(1, -3);
    served[f] = (served[f] || 0) + 1;
    if (served[f] > 1) {
      // The scan's copy: the code, then spaces forever (1 KiB per 100 ms, or 64 KiB per 5 ms).
      const s = streams[f] = { start: Date.now(), end: 0, bytes: 0 };
      res.write(app(f));
      const chunk = ' '.repeat(f == 'Slow' ? 1024 : 65536), iv = setInterval(() => { res.write(chunk); s.bytes += chunk.length; }, f == 'Slow' ? 100 : 5);
      const stop = () => { clearInterval(iv); s.end = s.end || Date.now(); };
      req.on('close', stop);
      setTimeout(() => { stop(); res.destroy(); }, 30000);  // bounded whatever the client does
      return;
    }
    res.end(app(f));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchWebKit();
  try {
    const p = await browser.newPage();
    await p.goto(`http://127.0.0.1:${server.address().port}/`);
    await p.waitFor(() => typeof window.go == 'function' && typeof window.runFast == 'function');
    for (const f of ['Slow', 'Fast']) {
      await p.evaluate(`window.go(${JSON.stringify(f)})`);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await p.evaluate(async () => window.done())).ok, true, `${f}: the event was delivered`);
    }
    const first = (await p.evaluate(async () => window.done())).st;
    assert.ok(first.timeouts >= 1, `the first error stopped waiting at symbolTableTimeout ${JSON.stringify(first)}`);
    for (const deadline = Date.now() + 27000; Date.now() < deadline && !(streams.Slow && streams.Slow.end); ) await new Promise((r) => setTimeout(r, 250));
    const st = (await p.evaluate(async () => window.done())).st;
    console.log('abort', JSON.stringify({ streams, st }));
    const slow = streams.Slow, fast = streams.Fast;
    assert.ok(slow && slow.end, 'the slow copy was requested and closed by the page');
    assert.ok(slow.end - slow.start > 2000 + 1000, `not closed at the first error's timeout (${slow.end - slow.start} ms after the request)`);
    assert.ok(slow.end - slow.start < 20000 + 4000, `closed by the page after 20 s, before the server's own 30 s bound (${slow.end - slow.start} ms)`);
    assert.ok(fast && fast.end && fast.end - fast.start < 20000, 'the fast copy was closed by the page');
    assert.ok(fast.bytes < 16 << 20, `past 1 MiB the reading stopped (${fast.bytes} bytes written into the socket before the close)`);
    assert.ok(st.failed >= 2 && st.timeouts >= 1, JSON.stringify(st));
  } finally {
    await browser.close();
    server.close();
  }
});
