// The viewer's chips (demo/viewer/query-terms.js splitTerms) cut an accepted search into the
// terms the collector's parser reads (demo/collector/query.js parseQuery): a quoted phrase or
// value, a list and a `tags[…]:` key with spaces are one chip each, and removing one chip leaves
// the others' meaning unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../demo/collector/query.js';
import { splitTerms } from '../../demo/viewer/query-terms.js';

const parsed = (q) => { try { return parseQuery(q); } catch { return null; } };
const withoutPositions = (terms) => terms.map(({ pos, vpos, end, ...rest }) => rest);

test('a search with spaces inside quotes, lists and tag keys is one chip per term', () => {
  const q = 'is:unresolved browser:"Chrome 120" -"not found" level:[error, fatal] tags[my key]:x free "two words" !user.id:42';
  assert.deepEqual(splitTerms(q), ['is:unresolved', 'browser:"Chrome 120"', '-"not found"', 'level:[error, fatal]', 'tags[my key]:x', 'free', '"two words"', '!user.id:42']);
});

test('the chips are exactly the parser\'s terms on generated searches, and dropping one keeps the rest', () => {
  const pieces = ['a', 'b', 'is:resolved', 'k:v', ' ', ' ', '\t', '"', '"x y"', ':', '[', ']', ',', ' , ', '\\', '-', '!', 'tags[', 'tags[a b]:', 'key:', 'é', '*'];
  let seed = 7, checked = 0;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let k = 0; k < 20000; k++) {
    let q = '';
    for (let m = 1 + rnd(8); m > 0; m--) q += pieces[rnd(pieces.length)];
    const terms = parsed(q);
    if (!terms) continue;  // the viewer shows chips only for a search the collector accepted
    checked++;
    const chips = splitTerms(q);
    assert.deepEqual(chips, terms.map((t) => q.slice(t.pos, t.end)), JSON.stringify(q));
    for (let drop = 0; drop < chips.length; drop++) {
      const rest = chips.filter((_, i) => i !== drop).join(' ');
      assert.deepEqual(withoutPositions(parseQuery(rest)), withoutPositions(terms.filter((_, i) => i !== drop)), JSON.stringify([q, rest]));
    }
  }
  assert.ok(checked > 3000, `only ${checked} generated searches were valid`);
});
