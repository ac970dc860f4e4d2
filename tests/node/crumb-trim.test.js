// A breadcrumb's long texts are cut in JS before they are copied around (js/client.js trimCrumb;
// the attack report's A2: a 2 MB console.log was serialized whole three times before the core cut
// it). The cut is only safe if the core then keeps exactly what it kept from the whole text: this
// checks it on the real WASM core, for ASCII, multi-byte and astral text, at the default and
// other maxValueLength settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../js/core-node.js';
import { trimCrumb } from '../../esm/client.js';

function crumbsAfter(mod, maxValueLength, crumb) {
  const core = new mod.Core(JSON.stringify({ dsn: 'http://k@127.0.0.1:9/1', release: 'a@1', aggregation: { windowMs: 0 }, ...(maxValueLength && { maxValueLength }) }));
  core.addBreadcrumb(JSON.stringify(crumb));
  core.capture(JSON.stringify({ message: 'm', timestamp: Date.now() / 1000 }));
  const out = JSON.parse(core.drain(Date.now(), true, 10));
  const body = out.envelopes[0].body;
  const ev = JSON.parse(body.split('\n').find((l) => l.includes('"breadcrumbs"')));
  const list = Array.isArray(ev.breadcrumbs) ? ev.breadcrumbs : ev.breadcrumbs.values;
  return list.map(({ timestamp, ...rest }) => rest);
}

test('the core keeps the same breadcrumb from the cut text as from the whole text', async () => {
  const mod = await loadCore();
  const texts = {
    ascii: 'a'.repeat(300000),
    twoByte: 'é'.repeat(200000),
    astral: '😀'.repeat(100000),
    mixed: Array.from({ length: 60000 }, (_, i) => ['x', 'ß', '中', '😀', ' '][i % 5]).join(''),
    pairAtCut: 'a'.repeat(8193) + '😀'.repeat(10),
  };
  for (const max of [undefined, 16, 1000, 8192, 50000]) {
    for (const [name, s] of Object.entries(texts)) {
      const crumb = { category: 'console', level: 'log', message: s, data: { arguments: [s, 1, { k: s }], logger: 'console', extra: s } };
      const cut = trimCrumb(crumb, max);
      assert.ok(cut.message.length <= (max || 8192) + 2, `${name}: the message is cut (${cut.message.length})`);
      assert.deepEqual(crumbsAfter(mod, max, cut), crumbsAfter(mod, max, crumb), `${name}, maxValueLength ${max}`);
    }
  }
});

test('short breadcrumbs are passed on as they are (the same object)', () => {
  const b = { message: 'short', data: { arguments: ['a', 'b'] } };
  assert.equal(trimCrumb(b, undefined), b);
  const withSetter = Object.create(null);
  assert.equal(trimCrumb(withSetter, 100), withSetter);
});
