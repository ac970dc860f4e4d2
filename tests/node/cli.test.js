// The `faultline` CLI on the WASM core: NDJSON in, one line out per input line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
function run(args, input) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

test('parse-stack prints one frame for a one-frame V8 stack', () => {
  const { code, lines } = run(['parse-stack'], JSON.stringify({ stack: 'TypeError: x\n    at f (http://a/b.js:1:2)' }) + '\n');
  assert.equal(code, 0);
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0].frames.map((f) => [f.function, f.filename, f.lineno, f.colno]), [['f', 'http://a/b.js', 1, 2]]);
});

test('a garbage line yields an error line in its place and processing continues', () => {
  const input = ['{"stack":"Error\\n    at a (http://x/y.js:3:4)"}', 'this is not json', '{"nostack":1}', '{"stack":"Error\\n    at b (http://x/y.js:5:6)"}'].join('\n');
  const { code, lines } = run(['parse-stack'], input);
  assert.equal(code, 0);
  assert.equal(lines.length, 4);
  assert.equal(lines[0].frames[0].function, 'a');
  assert.ok(lines[1].error);
  assert.ok(lines[2].error);
  assert.equal(lines[3].frames[0].function, 'b');
});

test('fingerprint prints fingerprint, title and frames per line', () => {
  const { code, lines } = run(['fingerprint'], JSON.stringify({ type: 'TypeError', value: 'a is null', stack: 'TypeError: a is null\n    at f (http://a/b.js:1:2)' }) + '\nnope\n');
  assert.equal(code, 0);
  assert.equal(lines.length, 2);
  assert.match(lines[0].fingerprint, /^fl1:[0-9a-f]{32}$/);
  assert.equal(typeof lines[0].title, 'string');
  assert.equal(lines[0].frames.length, 1);
  assert.ok(lines[1].error);
});

test('unknown command exits 2 with usage', () => {
  const r = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: faultline/);
});

test('fingerprint gives one fingerprint for the same bug captured in V8, SpiderMonkey and JavaScriptCore', () => {
  // Captured on this machine with node, gjs and jsc: loadCart() reading .items of a null cart.
  const lines = [
    { type: 'TypeError', value: "Cannot read properties of null (reading 'items')",
      stack: "TypeError: Cannot read properties of null (reading 'items')\n    at loadCart (/tmp/fault2.js:2:44)\n    at checkout (/tmp/fault2.js:3:34)\n    at onBuy (/tmp/fault2.js:4:27)" },
    { type: 'TypeError', value: 'user.cart is null', stack: 'loadCart@/tmp/fault2.js:2:27\ncheckout@/tmp/fault2.js:3:34\nonBuy@/tmp/fault2.js:4:27\n' },
    { type: 'TypeError', value: "null is not an object (evaluating 'user.cart.items')",
      stack: 'loadCart@/tmp/fault2.js:2:43\ncheckout@/tmp/fault2.js:3:42\nonBuy@/tmp/fault2.js:4:35\nglobal code@/tmp/fault2.js:10:5' },
  ];
  const { code, lines: out } = run(['fingerprint'], lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  assert.equal(code, 0);
  assert.equal(out.length, 3);
  assert.equal(new Set(out.map((o) => o.fingerprint)).size, 1, out.map((o) => o.fingerprint).join(' '));
});

test('fingerprint reads "ptc": an app frame just outside a library frame is unconfirmed on an engine with proper tail calls', () => {
  // JavaScriptCore's stack of `function parseUser(d) { return User.parse(d); }` called from load
  // (jsc -m, 2026-12-02), with its `module code` frame cut: no JavaScriptCore mark is left.
  const stack = 'parse@http://h/node_modules/zz/index.mjs:4:65\nload@http://h/app.mjs:10:30';
  const x = { type: 'TypeError', value: 'Expected object, received string', stack };
  const { code, lines } = run(['fingerprint'], [x, { ...x, ptc: true }, { ...x, ptc: 'yes' }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  assert.equal(code, 0);
  assert.equal(lines[0].parts.confident, true, 'without the flag: as V8 and SpiderMonkey');
  assert.equal(lines[0].parts.frame.frame, 'app.mjs:load');
  assert.equal(lines[1].parts.confident, false);
  assert.equal(lines[1].parts.frame.rule, 'unconfirmed-library-caller');
  assert.equal(lines[1].parts.frame.frame, '@/app.mjs:10:30');
  assert.match(lines[2].error, /"ptc" must be true or false/);
});
