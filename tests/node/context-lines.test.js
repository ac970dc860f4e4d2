// contextLinesIntegration's pieces (js/integrations.js): Sentry's line snipping and the frames
// that get the page's lines. The browser test (tests/browser/sdk-context-lines.test.js) runs the
// integration in Chromium and Firefox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snip, contextLines } from '../../esm/integrations.js';

test('snip: lines up to 150 characters are kept; longer ones are cut to 140 around the column and marked', () => {
  const s150 = 'a'.repeat(150);
  assert.equal(snip(s150, 10), s150);
  const long = Array.from({ length: 300 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  assert.equal(snip(long, 0), long.slice(0, 140) + ' {snip}');
  assert.equal(snip(long, 200), "'{snip} " + long.slice(140, 280) + ' {snip}');
  assert.equal(snip(long, 300), "'{snip} " + long.slice(160));
  assert.equal(snip(long, 3), long.slice(0, 140) + ' {snip}', 'a start under 5 is the line\'s start');
});

const doc = (html) => ({ documentElement: { innerHTML: html } });
const page = 'https://shop.example/checkout?step=2#pay';
const event = (frames) => ({ exception: { values: [{ type: 'Error', value: 'x', stacktrace: { frames } }] } });

test('contextLines: frames of the page (query and fragment aside) get lines around theirs, numbered as Sentry numbers them; others none', () => {
  const html = '<head>\n<script>\nfunction f() {\n  throw new Error("x");\n}\n</script></head>\n<body>b</body>';
  const lines = ['<!DOCTYPE html>', '<html>', ...html.split('\n'), '</html>'];
  const ev = event([
    { filename: 'https://shop.example/app.js', lineno: 6 },
    { filename: 'https://shop.example/checkout?step=1', abs_path: 'https://shop.example/checkout?step=1', lineno: 6, colno: 3 },
    { filename: page, lineno: 1 },
    { filename: page },
  ]);
  contextLines(ev, 2, (t) => t.replace('Error', 'E'), doc(html), page);
  const [other, mine, first, noLine] = ev.exception.values[0].stacktrace.frames;
  assert.equal(other.context_line, undefined);
  assert.equal(mine.context_line, '  throw new E("x");', 'line 6 is the 4th line of innerHTML, each passed through the scrubber');
  assert.deepEqual(mine.pre_context, [lines[3], lines[4]]);
  assert.deepEqual(mine.post_context, [lines[6], lines[7]]);
  assert.equal(first.context_line, undefined, 'lines 1 and 2 are placeholders, no code is there');
  assert.equal(noLine.context_line, undefined);
  const end = event([{ filename: page, lineno: 99 }]);
  contextLines(end, 3, (t) => t, doc(html), page);
  assert.equal(end.exception.values[0].stacktrace.frames[0].context_line, '</html>', 'a line past the end is the last, as in Sentry');
  assert.deepEqual(end.exception.values[0].stacktrace.frames[0].post_context, []);
});
