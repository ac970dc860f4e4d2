// The innermost frame's URL of a stack (js/client.js topUrl): what the inbound filters (browser
// extensions, denyUrls/allowUrls) and the symbol-table registrations are decided on. Every capture
// asks, so it is one scan of the text with its last answer kept; these are the rules it keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topUrl } from '../../esm/client.js';

const lines = (n, last) => [...Array.from({ length: n }, (_, i) => `line ${i}`), last].join('\n');

test('V8, SpiderMonkey and JavaScriptCore frames give their URL without line and column', () => {
  assert.equal(topUrl("TypeError: x is null\n    at render (https://app.example/assets/index-3f2a.js:12:34)\n    at https://app.example/b.js:1:2"),
    'https://app.example/assets/index-3f2a.js');
  assert.equal(topUrl('render@https://app.example/a.js:12:34\n@https://app.example/b.js:1:2'), 'https://app.example/a.js');
  assert.equal(topUrl('    at chrome-extension://abcdef/content.js:5:1'), 'chrome-extension://abcdef/content.js');
  assert.equal(topUrl('Error\n   at HTTP://APP.EXAMPLE/A.js:3'), 'HTTP://APP.EXAMPLE/A.js', 'any case of scheme');
});

test('a URL in the message line is not a frame; an @ in the message makes it one, as before', () => {
  assert.equal(topUrl('Error: see https://docs.example/x\n    at f (https://app.example/a.js:1:2)'), 'https://app.example/a.js');
  assert.equal(topUrl('Error: user@example.com https://docs.example/x\n    at f (https://app.example/a.js:1:2)'), 'https://docs.example/x');
  assert.equal(topUrl('Error: nothing here'), '');
  assert.equal(topUrl('    AT f (https://app.example/a.js:1:2)'), '', '"at" is lower case in V8 stacks');
});

test('lines end at \\n only: a \\r or \\u2028 inside the message does not start a frame line', () => {
  assert.equal(topUrl('Error: a\r  at f (https://evil.example/x.js:1:2)'), '');
  assert.equal(topUrl('Error: a\u2028  at f (https://evil.example/x.js:1:2)'), '');
  assert.equal(topUrl('Error\r\n    at f (https://app.example/a.js:1:2)\r\n'), 'https://app.example/a.js');
});

test('only the first 60 lines are read', () => {
  assert.equal(topUrl(lines(59, '  at f (https://app.example/a.js:1:1)')), 'https://app.example/a.js');
  assert.equal(topUrl(lines(60, '  at f (https://app.example/a.js:1:1)')), '');
});

test('the last answer is kept, and a different stack is read afresh', () => {
  const a = '    at f (https://app.example/a.js:1:2)', b = '    at f (https://app.example/b.js:1:2)';
  assert.equal(topUrl(a), 'https://app.example/a.js');
  assert.equal(topUrl(`${a}`), 'https://app.example/a.js');
  assert.equal(topUrl(b), 'https://app.example/b.js');
  assert.equal(topUrl(undefined), '');
  assert.equal(topUrl(a), 'https://app.example/a.js');
});
