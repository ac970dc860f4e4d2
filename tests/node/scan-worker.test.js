// The page's scan host (js/scan.js Scanner, shipped in dist/faultline-scan-worker.mjs): where no
// Worker can start it scans on the main thread within its bounds (MAIN_MAX_BYTES per script,
// MAIN_BUDGET per page, counted in main_thread; larger scripts skipped); a Worker that cannot
// start from its URL (another origin's) is started from a Blob of the same script; a Worker that
// dies fails the scans it had and the next scan starts another. The real browser runs are in
// tests/browser/scan-stall.test.js; here the Worker is a stand-in that answers as the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Scanner, scanCode, MAIN_MAX_BYTES, MAIN_BUDGET } from '../../esm/scan.js';
import { privateName } from './lib/private-name.js';

const wasm = readFileSync(new URL('../../dist/faultline-scan.wasm', import.meta.url));
const fetches = [];
const fetchImpl = (u) => {
  fetches.push(u);
  if (u.endsWith('.wasm')) return Promise.resolve({ ok: true, arrayBuffer: () => Promise.resolve(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.length)) });
  return Promise.resolve({ ok: true, text: () => Promise.resolve('// the worker module') });
};
// Hand-written code of about `kb` KB.
const code = (kb, tag = '') => {
  let s = `'use strict';\nfunction parse${tag}(text) {\n  return JSON.parse(text);\n}\n`;
  for (let n = 0; s.length < kb * 1024 - 200; n++) s += `function total${tag}_${n}(items) {\n  let sum = 0;\n  for (const x of items) sum += x;\n  return format${tag}_${n}(sum);\n}\n`;
  return new TextEncoder().encode(s);
};

test('no Worker: small scripts are scanned on the main thread, counted; over MAIN_MAX_BYTES, or past MAIN_BUDGET per page, skipped', async () => {
  assert.equal(typeof globalThis.Worker, 'undefined');
  assert.equal(MAIN_MAX_BYTES, 16 << 10);
  assert.equal(MAIN_BUDGET, 64 << 10);
  const n = {}, s = new Scanner('https://a.example/dist/faultline-scan.wasm', 'https://a.example/dist/faultline-scan-worker.mjs', fetchImpl, n);
  const big = await s.scan('https://a.example/big.js', code(17));
  assert.match(big.skipped, /on the main thread/);
  assert.equal(n.main_thread, undefined, 'nothing scanned for it');
  const out = await Promise.all([1, 2, 3, 4, 5].map((i) => s.scan(`https://a.example/s${i}.js`, code(15, i))));
  // 4 x 15 KiB fit in the 64 KiB budget, the fifth does not.
  assert.deepEqual(out.map((r) => Object.keys(r)[0]), ['table', 'table', 'table', 'table', 'skipped']);
  assert.equal(n.main_thread, 4);
  const mod = await WebAssembly.compile(wasm);
  assert.equal(out[0].table, (await scanCode(mod, 'https://a.example/s1.js', new TextDecoder().decode(code(15, 1)))).table, 'the same table as the Worker builds');
  assert.equal(fetches.filter((u) => u.endsWith('.wasm')).length, 1, 'the module fetched once');
});

test('a Worker refused from its URL is started from a Blob of the script; its answers resolve the scans in any order; a dead Worker fails what it had and the next scan starts another', async () => {
  const started = [];
  const mod = await WebAssembly.compile(wasm);
  class FakeWorker {
    constructor(url, opts) {
      assert.deepEqual(opts, { type: 'module' });
      if (!url.startsWith('blob:')) throw new Error('SecurityError: another origin');
      started.push(this);
      this.jobs = [];
    }
    postMessage(d, transfer) {
      if (d instanceof ArrayBuffer) return setTimeout(() => this.onmessage({ data: 1 }), 0);
      assert.equal(transfer[0], d.c.buffer, 'the bytes are transferred');
      this.jobs.push(d);
    }
    answer(i) {
      const d = this.jobs.find((j) => j.i == i);
      return scanCode(mod, d.f, new TextDecoder().decode(d.c)).then((r) => this.onmessage({ data: { i, r } }));
    }
    terminate() { this.ended = true; }
  }
  globalThis.Worker = FakeWorker;
  try {
    const n = {}, s = new Scanner('https://cdn.example/faultline-scan.wasm', 'https://cdn.example/faultline-scan-worker.mjs', fetchImpl, n);
    const a = s.scan('https://a.example/a.js', code(40, 'A')), b = s.scan('https://a.example/b.js', code(2, 'B'));
    for (let k = 0; k < 50 && !(started[0] && started[0].jobs.length == 2); k++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(started.length, 1, 'one Worker, from a Blob');
    assert.ok(fetches.includes('https://cdn.example/faultline-scan-worker.mjs'), 'the script fetched for the Blob');
    const w = started[0];
    await w.answer(w.jobs[1].i);  // the second first
    await w.answer(w.jobs[0].i);
    assert.match((await b).table, /parseB/);
    assert.match((await a).table, /parseA/);
    assert.equal(n.main_thread, undefined, '40 KB scanned in the Worker, not on the main thread');
    // The Worker dies with a scan queued: that scan fails; the next one gets a new Worker.
    const c = s.scan('https://a.example/c.js', code(2, 'C'));
    for (let k = 0; k < 50 && w.jobs.length < 3; k++) await new Promise((r) => setTimeout(r, 10));
    w.onerror({ message: 'out of memory' });
    await assert.rejects(c, /out of memory/);
    assert.equal(w.ended, true);
    const d = s.scan('https://a.example/d.js', code(2, 'D'));
    for (let k = 0; k < 50 && !(started[1] && started[1].jobs.length); k++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(started.length, 2, 'a new Worker');
    await started[1].answer(started[1].jobs[0].i);
    assert.match((await d).table, /parseD/);
    s[privateName('died_')]();  // end it now rather than after 10 s idle
  } finally {
    delete globalThis.Worker;
  }
});
