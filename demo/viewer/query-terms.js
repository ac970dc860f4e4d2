// The terms of an accepted search as the user wrote them, for the viewer's chips: one chip per
// term, whitespace inside a quoted phrase or value (`browser:"Chrome 120"`, `-"not found"`), a
// list (`level:[error, fatal]`) or a `tags[any key]:` key staying inside its term. The collector's
// parser (demo/collector/query.js parseQuery) is the rule; this is its term boundaries only, held
// equal to it by tests/node/collector-query-terms.test.js on generated queries.
const isSpace = (c) => c === ' ' || c === '\t' || c === '\n';

/** The query's terms as substrings, in order (an empty list for a blank query). */
export function splitTerms(query) {
  const out = [];
  const n = query.length;
  let i = 0;
  // From an opening quote at i, the offset just after its closing quote (`\` escapes one character).
  const pastQuote = (j) => {
    for (j++; j < n && query[j] !== '"'; j++) if (query[j] === '\\') j++;
    return Math.min(j + 1, n);
  };
  const pastBare = (j) => {
    while (j < n && !isSpace(query[j])) j++;
    return j;
  };
  while (i < n) {
    if (isSpace(query[i])) {
      i++;
      continue;
    }
    const start = i;
    // `!` or `-` before a word, phrase or key negates it (not `--`, not alone).
    const at = (query[i] === '!' || query[i] === '-') && i + 1 < n && query[i + 1] !== '-' && !isSpace(query[i + 1]) ? i + 1 : i;
    if (query[at] === '"') {
      out.push(query.slice(start, (i = pastQuote(at))));
      continue;
    }
    let keyEnd = -1;
    if (query.startsWith('tags[', at)) {
      let j = at + 5;
      while (j < n && query[j] !== ']') j += query[j] === '\\' && (query[j + 1] === ']' || query[j + 1] === '\\') ? 2 : 1;
      if (j > at + 5 && query[j + 1] === ':') keyEnd = j + 1;
    }
    if (keyEnd < 0) {
      const key = /[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200d\ufe0f_.\-]*/uy;
      key.lastIndex = at;
      key.exec(query);
      if (key.lastIndex > at && query[key.lastIndex] === ':') keyEnd = key.lastIndex;
    }
    if (keyEnd >= 0) {
      const value = keyEnd + 1;
      if (query[value] === '"') i = pastQuote(value);
      else if (query[value] === '[') i = query.indexOf(']', value) < 0 ? n : query.indexOf(']', value) + 1;
      else i = pastBare(value);
    } else {
      i = pastBare(at);
    }
    out.push(query.slice(start, i));
  }
  return out;
}
