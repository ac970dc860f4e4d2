// The issue search language: Sentry-like `key:value` terms and free text, compiled to SQL over the
// collector's schema. One linear pass over the query; a syntax error is a QueryError with the
// position (0-based character offset) where it was found, which the API answers with a 400.
//
//   is:unresolved|resolved|ignored|regressed   release:demo@1.2.0   environment:prod   level:error
//   browser:Chrome (name) or browser:"Chrome 120"   user.id:42   trace:<32 hex>   url:…   os.name:…
//   has:user|release|environment|trace|browser|<tag>   age:-24h (first seen within)   age:+7d
//   lastSeen:-1h   firstSeen:>2026-01-01   times_seen:>100   any other key (letters of any script): a tag
//   tags[any key]:value (up to the closing `]`; `\]` and `\\` in the key stand for `]` and `\`)
//   !key:value or -key:value negates (so does ! or - before a word or phrase); key:[a,b] is any of; * in a tag value is a wildcard;
//   other words and "quoted phrases" are free text over title, message and culprit.

export class QueryError extends Error {
  constructor(message, position) {
    super(`${message} at position ${position}`);
    this.position = position;
    this.reason = message;
  }
}

// A bare key is letters (any script: a tag key may be `région`), digits, marks, emoji, `_ . -`;
// `tags[…]` takes any tag key up to its closing `]` (`\]` and `\\` inside stand for `]` and `\`).
const KEY_RUN = /[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200d\ufe0f_.\-]*/uy;
const TAG_KEY = /^[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200d\ufe0f_.\-]+$/u;
// Tag keys are stored cut to 64 UTF-16 units (fields.js tagsOf); a search key is cut the same.
const MAX_TAG_KEY = 64;
const STATUS = new Set(['unresolved', 'resolved', 'ignored', 'regressed', 'archived']);
const UNITS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
// Looked up with Object.hasOwn (sortColumn): a user-given name such as `__proto__` or `toString`
// is an unknown sort, never a property inherited from Object.prototype.
export const SORTS = Object.freeze(Object.assign(Object.create(null), { date: 'last_seen', new: 'first_seen', freq: 'count', user: 'users' }));
export const sortColumn = (sort) => (typeof sort === 'string' && Object.hasOwn(SORTS, sort) ? SORTS[sort] : null);

/**
 * Splits a query into terms: {key, value(s), negate, pos, end} and free-text {text, pos, end}
 * (`end`: the offset just after the term's text). (One scanner
 * loop over the query, its quoted and bare readers beside it: a term's kind is known only once
 * its text is read, so the loop decides in place.)
 */
export function parseQuery(input) {
  const query = String(input ?? '');
  if (query.length > 2000) throw new QueryError('query longer than 2000 characters', 2000);
  // A NUL cannot be typed and cannot be matched (the full-text index refuses it as an
  // unterminated string, and stored tag keys end at one): a clear 400, not a failed statement.
  const nul = query.indexOf('\0');
  if (nul >= 0) throw new QueryError('a search may not contain a NUL character', nul);
  const out = [];
  let i = 0;
  const readQuoted = (start) => {
    // query[start] is '"'; returns [value, nextIndex]
    let value = '';
    let j = start + 1;
    while (j < query.length) {
      const ch = query[j];
      if (ch === '\\' && j + 1 < query.length) {
        value += query[j + 1];
        j += 2;
        continue;
      }
      if (ch === '"') return [value, j + 1];
      value += ch;
      j++;
    }
    throw new QueryError('unterminated quote', start);
  };
  const readBare = (start) => {
    let j = start;
    while (j < query.length && query[j] !== ' ' && query[j] !== '\t' && query[j] !== '\n') j++;
    return [query.slice(start, j), j];
  };
  while (i < query.length) {
    const ch = query[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      i++;
      continue;
    }
    const pos = i;
    // `!` or `-` before a word, a quoted phrase or a key:value negates it.
    const neg = (ch === '!' || ch === '-') && i + 1 < query.length && query[i + 1] !== '-' && query[i + 1] !== ' ' && query[i + 1] !== '\t' && query[i + 1] !== '\n';
    if (query[neg ? i + 1 : i] === '"') {
      const [text, next] = readQuoted(neg ? i + 1 : i);
      if (next < query.length && query[next] !== ' ' && query[next] !== '\t') throw new QueryError('expected a space after a quoted phrase', next);
      if (text) out.push(neg ? { text, pos, end: next, negate: true } : { text, pos, end: next });
      i = next;
      continue;
    }
    let negate = false;
    let keyStart = i;
    if (neg && query[keyStart + 1] !== '!') {
      negate = true;
      keyStart++;
    }
    let keyEnd = keyStart;
    let tagKey;
    if (query.startsWith('tags[', keyStart)) {
      // tags[any key]: up to the first `]` not escaped by a backslash.
      let scan = keyStart + 5;
      let raw = '';
      while (scan < query.length && query[scan] !== ']') {
        if (query[scan] === '\\' && (query[scan + 1] === ']' || query[scan + 1] === '\\')) scan++;
        raw += query[scan++];
      }
      if (scan < query.length && query[scan + 1] === ':' && raw) {
        tagKey = raw.slice(0, MAX_TAG_KEY);
        keyEnd = scan + 1;
      }
    }
    if (tagKey === undefined) {
      KEY_RUN.lastIndex = keyStart;
      KEY_RUN.exec(query);
      keyEnd = KEY_RUN.lastIndex;
    }
    if (keyEnd < query.length && query[keyEnd] === ':' && keyEnd > keyStart) {
      const key = query.slice(keyStart, keyEnd);
      const vpos = keyEnd + 1;
      let values;
      let next;
      if (query[vpos] === '"') {
        const [value, after] = readQuoted(vpos);
        values = [value];
        next = after;
      } else if (query[vpos] === '[') {
        const close = query.indexOf(']', vpos);
        if (close < 0) throw new QueryError('unterminated list', vpos);
        values = query.slice(vpos + 1, close).split(',').map((s) => s.trim());
        if (values.some((v) => !v)) throw new QueryError('empty value in list', vpos);
        next = close + 1;
      } else {
        const [value, after] = readBare(vpos);
        values = [value];
        next = after;
      }
      if (!values.length || values[0] === '') throw new QueryError(`missing value after "${key}:"`, vpos);
      if (next < query.length && query[next] !== ' ' && query[next] !== '\t' && query[next] !== '\n') throw new QueryError('expected a space after a value', next);
      out.push(tagKey === undefined ? { key, values, negate, pos, vpos, end: next } : { key, tagKey, values, negate, pos, vpos, end: next });
      i = next;
      continue;
    }
    const [text, next] = readBare(keyStart);
    // As in Sentry's issue search, boolean operators and parentheses are not part of the
    // language: said, rather than searched as words.
    if (!negate && (text === 'OR' || text === 'AND')) throw new QueryError('boolean statements containing "OR" or "AND" are not supported in this search (terms are ANDed; key:[a,b] is any of)', pos);
    if (text[0] === '(' || (text[text.length - 1] === ')' && !text.includes('('))) throw new QueryError('parentheses are not supported in this search (quote a phrase that has them)', text[0] === '(' ? keyStart : keyStart + text.length - 1);
    out.push(negate ? { text, pos, end: next, negate: true } : { text, pos, end: next });
    i = next;
  }
  return out;
}

// "-24h" -> {op: '>=', seconds: now - 86400}; "+7d" -> '<='; ">2026-01-01" / "<=…" / ISO -> absolute.
function timeValue(text, now, vpos) {
  const rel = /^([+-])(\d{1,6})([smhdw])$/.exec(text);
  if (rel) {
    const t = now - Number(rel[2]) * UNITS[rel[3]];
    return { op: rel[1] === '-' ? '>=' : '<=', t };
  }
  const abs = /^(>=|<=|>|<)?(.{1,40})$/.exec(text);
  if (abs) {
    const date = abs[2];
    const t = /^\d{9,11}(\.\d+)?$/.test(date) ? Number(date) : Date.parse(date) / 1000;
    if (Number.isFinite(t)) return { op: abs[1] || '>=', t };
  }
  throw new QueryError(`"${text}" is not a time (use -24h, +7d, or >2026-01-01)`, vpos);
}

const likePattern = (v) => v.replace(/[\\%_]/g, (c) => '\\' + c).replace(/\*/g, '%');

/**
 * Compiles parsed terms into {where: [sql...], params: [...]} over the `issues` table (alias i),
 * and the same per term in `terms`: {sql, params, probe}. A term on tags, users or free text has
 * two forms: `sql` builds the list of matching issues from an index (cheap when few match),
 * `probe` checks one issue at a time (cheap when many match and the first page fills quickly);
 * `indexed` says the `sql` form can drive a search from its index list.
 */
// (One branch per search key in one function: each branch pushes its parameters in the order of
// the SQL it writes, and `first` marks where the term's own parameters start.)
export function compileQuery(terms, now = Date.now() / 1000) {
  const where = [];
  const params = [];
  const out = [];
  let probe = null; // the term's probe form, when it has one (same parameters unless probeParams)
  let probeParams = null;
  const tagClause = (keys, values) => {
    const parts = [];
    for (const value of values) {
      for (const key of keys) {
        if (value.includes('*')) {
          parts.push("(t.key = ? AND t.value LIKE ? ESCAPE '\\')");
          params.push(key, likePattern(value));
        } else {
          parts.push('(t.key = ? AND t.value = ?)');
          params.push(key, value);
        }
      }
    }
    probe = `EXISTS (SELECT 1 FROM issue_tags t WHERE t.issue_id = i.id AND (${parts.join(' OR ')}))`;
    return `i.id IN (SELECT t.issue_id FROM issue_tags t WHERE ${parts.join(' OR ')})`;
  };
  for (const term of terms) {
    let clause;
    const first = params.length;
    probe = null;
    probeParams = null;
    if (term.text !== undefined) {
      const text = term.text;
      if ([...text].length >= 3) {
        clause = 'i.id IN (SELECT rowid FROM issue_fts WHERE issue_fts MATCH ?)';
        params.push('"' + text.replace(/"/g, '""') + '"');
        // The same match row by row (ASCII text only: LIKE folds ASCII case, the trigram index
        // folds all of Unicode).
        if (/^[\x20-\x7e]*$/.test(text)) {
          probe = "(i.title LIKE ? ESCAPE '\\' OR i.culprit LIKE ? ESCAPE '\\' OR i.message LIKE ? ESCAPE '\\')";
          const pattern = '%' + text.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%'; // literal, as in the phrase
          probeParams = [pattern, pattern, pattern];
        }
      } else {
        clause = "(i.title LIKE ? ESCAPE '\\' OR i.culprit LIKE ? ESCAPE '\\' OR i.message LIKE ? ESCAPE '\\')";
        const pattern = '%' + likePattern(text) + '%';
        params.push(pattern, pattern, pattern);
        probe = clause; // no index for fewer than 3 characters: always checked row by row
      }
      // Negated (`-word`, `!"a phrase"`): issues whose title, message and culprit all lack it;
      // only checked issue by issue (an index lists what contains a word, not what lacks it).
      const not = term.negate ? 'NOT ' : '';
      where.push(not + clause);
      out.push({ sql: not + clause, params: params.slice(first), indexed: !term.negate && clause !== probe, probe: probe ? { sql: not + probe, params: probeParams || params.slice(first) } : null });
      continue;
    }
    const { key, values, vpos } = term;
    const keyName = key.toLowerCase();
    let statuses = null; // the statuses an `is:` term allows (when it names statuses only)
    if (term.tagKey !== undefined) {
      clause = tagClause([term.tagKey], values);
    } else if (keyName === 'is') {
      const parts = [];
      statuses = [];
      for (const value of values) {
        const status = value.toLowerCase();
        if (!STATUS.has(status)) throw new QueryError(`is: takes unresolved, resolved, ignored or regressed, not "${value}"`, vpos);
        if (status === 'regressed') {
          parts.push("i.substatus = 'regressed'");
          statuses.push('unresolved', 'resolved', 'ignored'); // (regressed issues are unresolved; no status is assumed)
        } else {
          parts.push('i.status = ?');
          params.push(status === 'archived' ? 'ignored' : status);
          statuses.push(status === 'archived' ? 'ignored' : status);
        }
      }
      if (term.negate) statuses = null;
      clause = `(${parts.join(' OR ')})`;
    } else if (keyName === 'has') {
      const parts = [];
      for (const value of values) {
        const field = value.toLowerCase();
        if (field === 'user') parts.push('i.users > 0');
        else if (field === 'user.id') parts.push("i.id IN (SELECT u.issue_id FROM issue_users u WHERE u.user_key >= 'id:' AND u.user_key < 'id;')");
        // Stops at the first event with a trace (a correlated IN would read them all).
        else if (field === 'trace') parts.push("EXISTS (SELECT 1 FROM events e WHERE e.issue_id = i.id AND e.trace_id != '')");
        else {
          parts.push('i.id IN (SELECT t.issue_id FROM issue_tags t WHERE t.key = ?)');
          params.push(field === 'browser' ? 'browser.name' : value);
        }
      }
      clause = `(${parts.join(' OR ')})`;
    } else if (keyName === 'age' || keyName === 'firstseen' || keyName === 'lastseen') {
      if (values.length !== 1) throw new QueryError(`${key}: takes one value`, vpos);
      const { op, t: seconds } = timeValue(values[0], now, vpos);
      clause = `i.${keyName === 'lastseen' ? 'last_seen' : 'first_seen'} ${op} ?`;
      params.push(seconds);
    } else if (keyName === 'times_seen' || keyName === 'timesseen') {
      const match = /^(>=|<=|>|<)?(\d{1,12})$/.exec(values[0]);
      if (!match || values.length !== 1) throw new QueryError(`times_seen: takes a number, optionally after > < >= <=`, vpos);
      clause = `i.count ${match[1] || '='} ?`;
      params.push(Number(match[2]));
    } else if (keyName === 'trace' || keyName === 'trace.id' || keyName === 'trace_id') {
      for (const v of values) if (!/^[0-9a-fA-F]{32}$/.test(v)) throw new QueryError(`trace: takes a 32-digit hex trace id, not "${v}"`, vpos);
      // `trace_id != ''` lets SQLite use the partial index on trace ids (a bound value alone cannot).
      clause = `i.id IN (SELECT e.issue_id FROM events e WHERE e.trace_id IN (${values.map(() => '?').join(',')}) AND e.trace_id != '' AND e.issue_id IS NOT NULL)`;
      params.push(...values.map((v) => v.toLowerCase()));
    } else if (keyName === 'level') {
      const levels = ['fatal', 'error', 'warning', 'info', 'debug', 'log'];
      for (const v of values) if (!levels.includes(v.toLowerCase())) throw new QueryError(`level: takes ${levels.join(', ')}, not "${v}"`, vpos);
      clause = tagClause(['level'], values.map((v) => v.toLowerCase()));
    } else if (keyName === 'browser') {
      // Browser names are matched whatever their case (browser:chrome finds Chrome, as level:ERROR
      // finds error): the spellings a name is stored in (as typed, lower, upper, Title Case) are
      // each looked up in the tag index. A wildcard (LIKE) ignores ASCII case anyway.
      clause = tagClause(['browser.name', 'browser'], [...new Set(values.flatMap((v) => (v.includes('*') ? [v] : [v, v.toLowerCase(), v.toUpperCase(), v.toLowerCase().replace(/(^|\s)\S/g, (ch) => ch.toUpperCase())])))]);
    } else if (keyName === 'user' || keyName === 'user.id') {
      // Users are kept per issue in issue_users, keyed "id:<user id>".
      const parts = [];
      for (const value of values) {
        if (value.includes('*')) {
          parts.push("u.user_key LIKE ? ESCAPE '\\'");
          params.push('id:' + likePattern(value));
        } else {
          parts.push('u.user_key = ?');
          params.push('id:' + value);
        }
      }
      clause = `i.id IN (SELECT u.issue_id FROM issue_users u WHERE ${parts.join(' OR ')})`;
      probe = `EXISTS (SELECT 1 FROM issue_users u WHERE u.issue_id = i.id AND (${parts.join(' OR ')}))`;
    } else if (keyName === 'message' || keyName === 'title') {
      clause = "(i.title LIKE ? ESCAPE '\\' OR i.message LIKE ? ESCAPE '\\')";
      const pattern = '%' + likePattern(values.join(' ')) + '%';
      params.push(pattern, pattern);
    } else {
      if (!TAG_KEY.test(key)) throw new QueryError(`"${key}" is not a search key`, term.pos);
      clause = tagClause([key.slice(0, MAX_TAG_KEY)], values);
    }
    where.push(term.negate ? `NOT ${clause}` : clause);
    const own = params.slice(first);
    out.push({ sql: term.negate ? `NOT ${clause}` : clause, params: own, indexed: !term.negate && !!probe, probe: probe ? { sql: term.negate ? `NOT ${probe}` : probe, params: probeParams || own } : null, statuses });
  }
  return { where, params, terms: out };
}

// A cursor names the sort it pages (a list cursor); reused with another sort it would page the
// wrong order from a value of another column, so it is refused.
export function encodeCursor(value, id, sort) {
  return Buffer.from(JSON.stringify(sort ? [value, id, sort] : [value, id])).toString('base64url');
}

export function decodeCursor(cursor, sort) {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  let decoded;
  try {
    decoded = JSON.parse(Buffer.from(String(cursor).slice(0, 200), 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (!Array.isArray(decoded) || decoded.length < 2 || decoded.length > 3 || !(typeof decoded[0] === 'number' || typeof decoded[0] === 'string') || !Number.isInteger(decoded[1])) {
    throw new QueryError('cursor is not one this server issued', 0);
  }
  if (sort && decoded.length === 3 && decoded[2] !== sort) throw new QueryError(`cursor pages sort=${String(decoded[2]).slice(0, 20)}, not sort=${sort}: start the list again without a cursor`, 0);
  return decoded;
}
