// Every scan of a stack on the capture path takes time linear in the stack's size, and reads each
// line through its first 1 KiB (README, Reliability): the URL scans of js/client.js (topUrl for the
// inbound filters, stackUrls for debug IDs, minifiedUrls for the page's scan), the JS fallback's parser, and the WASM core. One long
// line used to freeze the page: 'at ' + 16 KB took 4 s, 64 KB over 40 s (the attack report's A1),
// because /[a-z][\w+.-]*:\/\// retried every position of a long word and rescanned the rest of it.
// The bounds below are generous (a loaded machine); the old code could not meet them by orders of
// magnitude (16 KB alone took seconds there, these inputs are 1 MB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topUrl, stackUrls, minifiedUrls } from '../../esm/client.js';
import { parseFrames } from '../../esm/fallback.js';
import { loadCore } from '../../js/core-node.js';

const MB = 1 << 20;
const SHAPES = {
  'one long line after "at "': 'at ' + 'x'.repeat(MB),
  'a long V8 function name': `at ${'x'.repeat(MB)} (https://app.example/a.js:1:2)`,
  'a long SpiderMonkey line': `${'x'.repeat(MB)}@https://app.example/a.js:1:2`,
  'a long run of "("': 'at ' + '('.repeat(MB),
  'a long run of " ("': 'at ' + 'a ('.repeat(MB / 3),
  'schemes back to back': 'at ' + 'a://'.repeat(MB / 4),
  'a long word before a scheme': `at f (${'h'.repeat(MB)}://x/a.js:1:2)`,
  'a thousand lines of blanks before a frame': ('at' + ' '.repeat(1000) + '(https://a/x.js:1:2)\n').repeat(MB / 1024),
  'a long run of digits and colons': `at f (https://a/b.js${':1'.repeat(MB / 2)})`,
};

const timed = (fn) => { const t = performance.now(); const r = fn(); return [r, performance.now() - t]; };

for (const [name, stack] of Object.entries(SHAPES)) {
  test(`1 MB stack, ${name}: topUrl, stackUrls, minifiedUrls and the fallback's parser each finish well under a second`, () => {
    for (const [label, fn] of [['topUrl', topUrl], ['stackUrls', (s) => stackUrls(s)], ['minifiedUrls', (s) => minifiedUrls(s)], ['parseFrames', parseFrames]]) {
      const [, ms] = timed(() => fn(stack));
      assert.ok(ms < 1000, `${label} took ${ms.toFixed(0)} ms`);
    }
  });
}

test('a long word before the scheme still gives the URL that starts at its first letter (within the first KiB)', () => {
  assert.equal(topUrl('at f (12webpack-internal:///src/a.js:1:2)'), 'webpack-internal:///src/a.js');
  assert.equal(topUrl(`at f (${'h'.repeat(900)}ttps://x/a.js:1:2)`), `${'h'.repeat(900)}ttps://x/a.js`);
  assert.equal(topUrl(`at f (${'h'.repeat(1100)}ttps://x/a.js:1:2)`), '', 'past the first KiB of its line');
  assert.deepEqual([...stackUrls('at f (https://a/x.js:1:2)\n at g (https://a/y.js:3:4)')], ['https://a/x.js', 'https://a/y.js']);
});

// The previous definitions, as an oracle: on ordinary stacks (lines under 1 KiB) the linear scans
// give what they gave.
const OLD_TOP = /(?:^|\n)(?=[^\S\n]*at |[^\n]*@)[^\n]*?([a-zA-Z][\w+.-]*:\/\/[^\s()@]+)/;
const OLD_URLS = /([a-z][\w+.-]*:\/\/[^\s()]+?):\d+:\d+/gi;
function oldTop(text) {
  const m = OLD_TOP.exec(text);
  if (!m) return '';
  let line = 0;
  const start = m.index + (text[m.index] == '\n' ? 1 : 0);
  for (let i = text.indexOf('\n'); i >= 0 && i < start && line < 60; i = text.indexOf('\n', i + 1)) line++;
  return line < 60 ? m[1].replace(/(:\d+){1,2}$/, '') : '';
}
const oldUrls = (text) => [...new Set([...text.matchAll(OLD_URLS)].map((m) => m[1]))];

test('on 3 000 generated ordinary stacks, topUrl and stackUrls answer as the previous scans did', () => {
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const pick = (a) => a[rnd(a.length)];
  const urls = ['https://app.example/assets/index-3f2a.js', 'http://localhost:8080/main.js', 'chrome-extension://abc/c.js',
    'webpack-internal:///./src/a.tsx', 'file:///C:/x/y.js', 'https://cdn.example/@scope/pkg@1.2.3/dist/x.js', 'blob:https://a.example/uuid'];
  const fns = ['render', 'Object.<anonymous>', 'async fetchData', 'new Foo', 'a.b.c', '', 'x [as y]'];
  const heads = ['TypeError: x is null', 'Error: see https://docs.example/x', 'Error: mail a@b.example', 'Error', ''];
  for (let i = 0; i < 3000; i++) {
    const lines = [pick(heads)];
    for (let k = rnd(8); k >= 0; k--) {
      const u = `${pick(urls)}:${1 + rnd(900)}:${1 + rnd(90)}`, f = pick(fns);
      lines.push(pick([`    at ${f} (${u})`, `    at ${u}`, `${f}@${u}`, `@${u}`, `    at ${f} (<anonymous>)`, 'junk line', `${f}@[native code]`]));
    }
    const stack = lines.join(pick(['\n', '\n', '\r\n']));
    assert.equal(topUrl(stack), oldTop(stack), stack);
    assert.deepEqual([...stackUrls(stack)], oldUrls(stack), stack);
  }
});

test('WASM core: a 3 MB first line with an 8 KB multi-line message is parsed in well under the old time', async () => {
  const mod = await loadCore();
  const core = new mod.Core(JSON.stringify({ dsn: 'http://k@127.0.0.1:9/1', release: 'a@1' }));
  const value = 'x'.repeat(8000) + 'y\nsecond line';
  const stack = 'x'.repeat(3 * MB) + '\n    at f (https://app.example/a.js:1:2)';
  const [out, ms] = timed(() => JSON.parse(core.captureWithStacks(JSON.stringify({ exceptions: [{ type: 'Error', value }], timestamp: Date.now() / 1000 }), stack + '\0')));
  assert.ok(out.event_id, JSON.stringify(out).slice(0, 200));
  // The old whole-line search: 256 KB here took 11 s in the WASM core.
  assert.ok(ms < 3000, `capture took ${ms.toFixed(0)} ms`);
  for (const [name, s] of Object.entries(SHAPES)) {
    const [r, t] = timed(() => JSON.parse(core.captureWithStacks(JSON.stringify({ exceptions: [{ type: 'Error', value: name }], timestamp: Date.now() / 1000 }), s + '\0')));
    assert.ok(r.event_id || r.status === 'aggregated', name);
    assert.ok(t < 3000, `${name}: ${t.toFixed(0)} ms`);
  }
});
