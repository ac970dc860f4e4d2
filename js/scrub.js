// The scrubber of the JS fallback core: the algorithm of src/scrubber.cpp (its header comment
// lists the rules) on the same rule data (js/scrub-rules.js, generated from src/scrub_rules.json).
// tests/node/scrub-parity.test.js runs the scrubbing corpus through the WASM core and through this
// file and requires identical results. Linear scanners, no regular expressions over event data.
// Characters are compared as ASCII; anything else is an ordinary character in both cores.
import R from './scrub-rules.js';

const FILTERED = '[Filtered]';
const NONE = -1;
const dig = (c) => c >= '0' && c <= '9';
const up = (c) => c >= 'A' && c <= 'Z';
const low = (c) => c >= 'a' && c <= 'z';
const alpha = (c) => up(c) || low(c);
const alnum = (c) => dig(c) || alpha(c);
const hex = (c) => dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const space = (c) => c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
const b64url = (c) => alnum(c) || c == '-' || c == '_';
const lc = (c) => (up(c) ? String.fromCharCode(c.charCodeAt(0) + 32) : c);
const CLASS = { A: (c) => dig(c) || up(c), w: (c) => alnum(c) || c == '_', d: (c) => alnum(c) || c == '-', u: (c) => alnum(c) || c == '_' || c == '-' };
const inClass = (cls, c) => (CLASS[cls] || alnum)(c);

export function normalizeKey(key) {
  let out = '';
  for (const c of key) if (alnum(c)) out += lc(c);
  return out;
}

function keyWords(key) {
  const words = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (!alnum(c)) {
      if (cur) words.push(cur), (cur = '');
      continue;
    }
    if (i > 0 && up(c) && low(key[i - 1]) && cur) words.push(cur), (cur = '');
    cur += lc(c);
  }
  if (cur) words.push(cur);
  return words;
}

function ieq(a, b) {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (lc(a[i]) != lc(b[i])) return false;
  return true;
}
const ieqPrefix = (t, i, p) => t.length - i >= p.length && [...p].every((c, k) => lc(t[i + k]) == c);

// Code points (what C++ counts in UTF-8 as lead bytes): low surrogates do not count.
function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) { const u = s.charCodeAt(i); if (u < 0xdc00 || u > 0xdfff) n++; }
  return n;
}

// ---- detectors: each returns the end of a match at i, or NONE -------------------------------
// The scanners name their state as src/scrubber.cpp does, so that the two read side by side: `t`
// the text scanned, `i` the position a match may start at, `n` the text's length, `p` (or `k`) the
// scan position, `c` a character, `m` the match found ({ start, end, rep }).

function matchJwt(t, i) {
  if (!t.startsWith('eyJ', i) || (i > 0 && b64url(t[i - 1]))) return NONE;
  let p = i;
  for (let seg = 0; seg < 3; seg++) {
    const s = p;
    while (p < t.length && b64url(t[p])) p++;
    if (p - s < 8) return NONE;
    if (seg < 2) {
      if (p >= t.length || t[p] != '.') return NONE;
      p++;
    }
  }
  return p;
}

function matchEmail(t, at, m) {
  let l = at;
  while (l > 0 && (alnum(t[l - 1]) || '._%+-'.includes(t[l - 1]))) l--;
  if (l == at) return NONE;
  let r = at + 1;
  while (r < t.length && (alnum(t[r]) || t[r] == '.' || t[r] == '-')) r++;
  while (r > at + 1 && t[r - 1] == '.') r--;
  let dot = t.lastIndexOf('.', r - 1);
  if (dot >= 0 && dot <= at) dot = -1;
  if (dot < 0 || dot + 1 >= r || dot == at + 1 || r - dot - 1 < 2) return NONE;
  for (let k = dot + 1; k < r; k++) if (!alpha(t[k])) return NONE;
  m.start = l;
  return r;
}

export function luhn(d) {
  let sum = 0, dbl = false;
  for (let k = d.length; k-- > 0;) {
    if (!dig(d[k])) return false;
    let v = +d[k];
    if (dbl && (v *= 2) > 9) v -= 9;
    sum += v;
    dbl = !dbl;
  }
  return d.length > 0 && sum % 10 == 0;
}

function cardPrefix(d) {
  const a = d[0], b = d[1];
  return a == '4' || (a == '5' && b >= '0' && b <= '8') || (a == '2' && b >= '2' && b <= '7') || (a == '3' && '45678'.includes(b)) || a == '6';
}

function matchCard(t, i) {
  if (!dig(t[i]) || (i > 0 && (alnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-'))) return NONE;
  let digits = '', p = i;
  const cuts = [];
  while (p < t.length && digits.length <= 19) {
    if (dig(t[p])) { digits += t[p++]; continue; }
    if ((t[p] == ' ' || t[p] == '-') && p + 1 < t.length && dig(t[p + 1])) { cuts.push([digits.length, p]); p++; continue; }
    break;
  }
  if (p < t.length && (alnum(t[p]) || (t[p] == '.' && p + 1 < t.length && dig(t[p + 1])))) return NONE;
  cuts.push([digits.length, p]);
  for (let k = cuts.length; k-- > 0;) {
    const n = cuts[k][0];
    if (n < 13 || n > 19) continue;
    const d = digits.slice(0, n);
    if (cardPrefix(d) && luhn(d)) return cuts[k][1];
  }
  return NONE;
}

function versionBefore(t, i) {
  if (i > 0 && (t[i - 1] == 'v' || t[i - 1] == 'V')) return true;
  if (i > 0 && t[i - 1] == '/' && !(i >= 2 && t[i - 2] == '/')) return true;
  if (i >= 3 && t.startsWith('://', i - 3)) return true;
  let before = '';
  for (let k = Math.max(0, i - 16); k < i; k++) before += lc(t[k]);
  return before.includes('version') || before.includes('ver ') || before.includes('release') || before.includes('build ');
}

function matchIpv4(t, i) {
  if (!dig(t[i]) || (i > 0 && (alnum(t[i - 1]) || t[i - 1] == '.'))) return NONE;
  let p = i;
  for (let octet = 0; octet < 4; octet++) {
    const s = p;
    let v = 0;
    while (p < t.length && dig(t[p]) && p - s < 3) v = v * 10 + +t[p++];
    if (p == s || v > 255) return NONE;
    if (octet < 3) {
      if (p >= t.length || t[p] != '.') return NONE;
      p++;
    }
  }
  if (p < t.length && (alnum(t[p]) || (t[p] == '.' && p + 1 < t.length && dig(t[p + 1])))) return NONE;
  return versionBefore(t, i) ? NONE : p;
}

function matchIpv6(t, i) {
  if (!(hex(t[i]) || t[i] == ':') || (i > 0 && (alnum(t[i - 1]) || t[i - 1] == ':'))) return NONE;
  let p = i, colons = 0, group = 0, dbl = false, anyHex = false;
  while (p < t.length && (hex(t[p]) || t[p] == ':')) {
    if (t[p] == ':') {
      colons++;
      if (p + 1 < t.length && t[p + 1] == ':') {
        if (dbl) return NONE;
        dbl = true;
      }
      group = 0;
    } else {
      anyHex = true;
      if (++group > 4) return NONE;
    }
    p++;
  }
  if (p < t.length && (alnum(t[p]) || t[p] == '.')) return NONE;
  if (!anyHex || colons < 2 || (!dbl && colons != 7)) return NONE;
  return p;
}

// An HTTP auth scheme (`word`: 'bearer ' or 'basic ', any case) starting a word at t[i]: sets
// m.start to where the credentials begin (after the spaces that follow it).
function afterScheme(t, i, word, m) {
  if (!ieqPrefix(t, i, word) || (i > 0 && alnum(t[i - 1]))) return false;
  let p = i + word.length;
  while (p < t.length && t[p] == ' ') p++;
  m.start = p;
  return true;
}

function matchBearer(t, i, m) {
  if (!afterScheme(t, i, 'bearer ', m)) return NONE;
  let p = m.start;
  while (p < t.length && (b64url(t[p]) || '.~+/='.includes(t[p]))) p++;
  return p - m.start < 8 ? NONE : p;
}

function b64(c) {
  if (up(c)) return c.charCodeAt(0) - 65;
  if (low(c)) return c.charCodeAt(0) - 97 + 26;
  if (dig(c)) return +c + 52;
  return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

function matchBasic(t, i, m) {
  if (!afterScheme(t, i, 'basic ', m)) return NONE;
  const s = m.start;
  let p = s;
  while (p < t.length && b64(t[p]) >= 0) p++;
  const e = p;
  while (p < t.length && t[p] == '=' && p - e < 2) p++;
  if (e - s < 8 || (p < t.length && alnum(t[p]))) return NONE;
  let colon = false, acc = 0, bits = 0;
  for (let k = s; k < e; k++) {
    acc = ((acc << 6) | b64(t[k])) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const ch = (acc >> bits) & 0xff;
      if (ch < 0x20 || ch > 0x7e) return NONE;
      if (ch == 0x3a) colon = true;
    }
  }
  return colon ? p : NONE;
}

function matchToken(t, i) {
  for (const rule of R.tokens) {
    for (const pre of rule.prefixes) {
      if (!pre || pre[0] != t[i] || !t.startsWith(pre, i)) continue;
      const s = i + pre.length;
      let p = s;
      while (p < t.length && inClass(rule.class, t[p]) && p - s <= rule.max) p++;
      const n = p - s;
      if (n >= rule.min && n <= rule.max && !(p < t.length && alnum(t[p]))) return p;
    }
  }
  return NONE;
}

function matchPem(t, i, m) {
  if (!t.startsWith('-----BEGIN ', i)) return false;
  const h = t.indexOf('-----', i + 11);
  if (h < 0 || h - (i + 11) > 64 || !t.slice(i + 11, h).includes('PRIVATE KEY')) return false;
  m.start = h + 5;
  const end = t.indexOf('-----END', m.start);
  m.end = end < 0 ? t.length : end;
  return m.end > m.start;
}

function matchUserinfo(t, i) {
  if (i == 0 || !alpha(t[i - 1]) || !t.startsWith('://', i)) return NONE;
  const s = i + 3;
  let p = s;
  while (p < t.length && p - s < 256 && !('/?#@"\'<>\\'.includes(t[p]) || space(t[p]))) p++;
  if (p >= t.length || t[p] != '@' || p == s || t.slice(s, p) == FILTERED) return NONE;
  return p;
}

function matchSsn(t, i) {
  if (i + 11 > t.length || (i > 0 && (alnum(t[i - 1]) || '-./'.includes(t[i - 1])))) return NONE;
  for (let k = 0; k < 11; k++) if (k == 3 || k == 6 ? t[i + k] != '-' : !dig(t[i + k])) return NONE;
  const e = i + 11;
  if (e < t.length && (alnum(t[e]) || t[e] == '-' || (t[e] == '.' && e + 1 < t.length && dig(t[e + 1])))) return NONE;
  if (t.startsWith('000', i) || t.startsWith('666', i) || t[i] == '9' || t.startsWith('00', i + 4) || t.startsWith('0000', i + 7)) return NONE;
  return e;
}

function matchIban(t, i) {
  if (i + 4 > t.length || (i > 0 && alnum(t[i - 1]))) return NONE;
  // All capitals, or all lower case (de89370400440532013000): one case for the whole IBAN.
  const letter = low(t[i]) ? low : up;
  if (!letter(t[i]) || !letter(t[i + 1]) || !dig(t[i + 2]) || !dig(t[i + 3])) return NONE;
  const len = R.iban[(t[i] + t[i + 1]).toUpperCase()] | 0;
  if (!len) return NONE;
  let s = '', p = i;
  while (s.length < len && p < t.length) {
    const c = t[p];
    if (dig(c) || letter(c)) s += c.toUpperCase(), p++;
    else if (c == ' ' && s && s.length % 4 == 0 && p + 1 < t.length && (dig(t[p + 1]) || letter(t[p + 1]))) p++;
    else break;
  }
  if (s.length != len || (p < t.length && alnum(t[p]))) return NONE;
  let r = 0;
  for (let k = 0; k < len; k++) {
    const c = s[(k + 4) % len];
    r = dig(c) ? (r * 10 + +c) % 97 : (r * 100 + c.charCodeAt(0) - 55) % 97;
  }
  return r == 1 ? p : NONE;
}

// ---- secrets without a key or a prefix (src/scrubber.cpp explains the evidence) -------------

const b64std = (c) => alnum(c) || c == '+' || c == '/';
// Character tables for the per-character test (scan() asks it at every position).
const B64T = new Uint8Array(128), SEPT = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64T[c.charCodeAt(0)] = 1;
for (const c of ' \t\n\r\f\v"\'`=:,;([{<>|\\') SEPT[c.charCodeAt(0)] = 1;
const ESC = (u) => u == 110 || u == 114 || u == 116;  // n r t
function b64RunStart(t, s) {
  if (s == 0) return true;
  const p = t.charCodeAt(s - 1);
  if (p < 128 && B64T[p]) return s >= 2 && t.charCodeAt(s - 2) == 92 && ESC(p);
  if (p == 92 && ESC(t.charCodeAt(s))) return false;
  return p < 128 && SEPT[p] == 1;
}
function b64RunEnd(t, e) {
  if (e >= t.length) return true;
  const c = t[e];
  if (space(c) || '"\'`,;)]}><|&\\'.includes(c)) return true;
  return c == '.' && (e + 1 >= t.length || space(t[e + 1]));
}
function b64Decode(t, s, n) {
  const out = [];
  for (let q = 0; q + 4 <= n; q += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) v = v * 64 + b64(t[s + q + j]);
    out.push(v >> 16, (v >> 8) & 255, v & 255);
  }
  return out;
}

function matchAwsSecret(t, s) {
  let p = s;
  while (p < t.length && b64std(t[p]) && p - s <= 40) p++;
  if (p - s != 40 || !b64RunEnd(t, p)) return NONE;
  let u = false, l = false, d = false, prev = -1, changes = 0, slashes = 0, run = 0, wordy = 0;
  for (let k = s; k <= p; k++) {
    const c = k < p ? t[k] : ' ', lc = low(c);
    if (lc) run++;
    else if (run) wordy += run >= 3 ? run : 0, (run = 0);
    const cls = up(c) ? 0 : lc ? 1 : dig(c) ? 2 : -1;
    if (cls < 0) { slashes += c == '/'; continue; }
    u ||= cls == 0, l ||= cls == 1, d ||= cls == 2;
    if (prev >= 0 && cls != prev) changes++;
    prev = cls;
  }
  if (!u || !l || !d || changes < 12 || wordy >= 20 || (t[s] == '/' && slashes >= 4)) return NONE;
  return b64Decode(t, s, 40).every((b) => (b >= 0x20 && b <= 0x7e) || b == 10 || b == 13 || b == 9) ? NONE : p;
}

const RSADSI = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01];
function matchDerKey(t, s) {
  if (t[s] != 'M') return NONE;
  let run = s;
  while (run < t.length && b64std(t[run]) && run - s < 24) run++;
  if (run - s < 12) return NONE;
  const b = b64Decode(t, s, run - s);
  if (b[0] != 0x30) return NONE;
  const h = b[1] < 0x80 ? 2 : b[1] == 0x81 ? 3 : b[1] == 0x82 ? 4 : 0;
  if (!h) return NONE;
  let key = b[h] == 2 && b[h + 1] == 1 && (b[h + 2] == 0 || b[h + 2] == 1) && (b[h + 3] == 2 || b[h + 3] == 0x30 || b[h + 3] == 4);
  if (!key && b[h] == 0x30) {
    const o = h + (b[h + 1] < 0x80 ? 2 : b[h + 1] == 0x81 ? 3 : 0);
    if (o > h && o + 11 <= b.length && b[o] == 6 && (b[o + 1] == 9 || b[o + 1] == 10))
      key = RSADSI.every((x, k) => b[o + 2 + k] == x) && (b[o + 9] == 5 || (b[o + 9] == 0x0c && b[o + 10] == 1));
  }
  if (!key) return NONE;
  let p = s;
  for (;;) {
    const line = p;
    while (p < t.length && b64std(t[p])) p++;
    let pad = p;
    while (pad < t.length && t[pad] == '=' && pad - p < 2) pad++;
    if (pad > p || p - line != 64) return pad;
    let q = p;
    const spaced = t[q] == ' ';
    if (spaced) q++;
    else {
      if (t[q] == '\r') q++;
      else if (t[q] == '\\' && t[q + 1] == 'r') q += 2;
      if (t[q] == '\n') q++;
      else if (t[q] == '\\' && t[q + 1] == 'n') q += 2;
      else return p;
    }
    let r = q;
    while (r < t.length && b64std(t[r]) && r - q <= 64) r++;
    const n = r - q;
    const ends = !spaced && (r >= t.length || '"\'\n\r'.includes(t[r]) || (t[r] == '\\' && r + 1 < t.length && 'nr"'.includes(t[r + 1])));
    if (n == 0 || n > 64 || !(n == 64 || t[r] == '=' || t.startsWith('-----', r) || (n % 4 == 0 && (n >= 16 || ends)))) return p;
    p = q;
  }
}

function globAt(pat, pi, t, ti, m, budget) {
  if (--budget <= 0) return false;
  while (pi < pat.length) {
    const c = pat[pi];
    if (c == '*') {
      let run = ti;
      while (run < t.length && !space(t[run])) run++;
      for (let k = run + 1; k-- > ti;) if (globAt(pat, pi + 1, t, k, m, budget)) return true;
      return false;
    }
    if (ti >= t.length) return false;
    if (c == '?' || (c == '#' && dig(t[ti])) || (c != '#' && lc(c) == lc(t[ti]))) {
      pi++;
      ti++;
      continue;
    }
    return false;
  }
  m.end = ti;
  return true;
}

function patternAt(pat, t, pos, m) {
  if (!pat || pat.length > 256) return false;
  return globAt(pat, 0, t, pos, m, 4096) && m.end > pos;
}

const keyChar = (c) => alnum(c) || '_-.$[]'.includes(c);
const valueDelim = (sep, c) => space(c) || '"\'\\,;<>)}]&'.includes(c) || (sep == '=' && c == '#');
const literal = (v) => v == 'null' || v == 'true' || v == 'false' || v == 'undefined' || v == 'NaN';

function looksSecret(v) {
  let d = false, u = false, l = false;
  for (const c of v) d ||= dig(c), u ||= up(c), l ||= low(c);
  const n = codePoints(v);
  return (d && n >= 4) || n >= 16 || (u && l && n >= 8);
}

// One closure over the options' compiled lists (extra keys, patterns, safe keys), as the C++
// Scrubber is one object: the scanners and the event walk below are its methods.
export function createScrubber(given) {
  const options = given && typeof given == 'object' ? given : {};
  const pii = !options.sendDefaultPii;
  const scrubOptions = options.scrub && typeof options.scrub == 'object' ? options.scrub : {};
  const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x == 'string') : []);
  const extraKeys = list(scrubOptions.keys).map(normalizeKey).filter(Boolean);
  const patterns = list(scrubOptions.patterns);
  const safeKeys = list(scrubOptions.safeKeys);
  const keyLists = R.keys;

  const isSafe = (key) => safeKeys.some((s) => ieq(s, key));
  function keyStrength(key) {
    if (!key || key.length > 256 || isSafe(key)) return 0;
    const norm = normalizeKey(key);
    if (keyLists.substrings.some((s) => norm.includes(s)) || extraKeys.some((s) => norm.includes(s))) return 2;
    const words = keyWords(key);
    if (words.some((w) => keyLists.strongWords.includes(w))) return 2;
    if (words.some((w) => keyLists.weakWords.includes(w)) || keyLists.weakExact.includes(norm)) return 1;
    return 0;
  }
  const queryKey = (key) => !!key && key.length <= 64 && !isSafe(key) && keyLists.query.includes(normalizeKey(key));

  // One function as match_kv in src/scrubber.cpp is one (the key read backwards, then the value
  // quoted, a cookie header, an auth scheme's token or a bare value): kept whole so that the two
  // cores' rules can be compared line by line (tests/node/scrub-parity.test.js holds them equal).
  function matchKv(t, i, done, m) {
    const n = t.length, sep = t[i];
    m.rep = FILTERED;
    if (i == 0 || i + 1 >= n) return false;
    const nextChar = t[i + 1], prevChar = t[i - 1];
    if (sep == ':' && (nextChar == ':' || prevChar == ':' || (nextChar == '/' && t[i + 2] == '/'))) return false;
    if (sep == '=' && (nextChar == '=' || '=!<>'.includes(prevChar))) return false;
    let keyPos = i;
    for (let sp = 0; keyPos > 0 && (t[keyPos - 1] == ' ' || t[keyPos - 1] == '\t') && sp < 4; sp++) keyPos--;
    let quote = '', keyStart, keyEnd, escaped = false;
    const rev = [];
    if (keyPos > 0 && (t[keyPos - 1] == '"' || t[keyPos - 1] == "'")) {
      quote = t[--keyPos];
      let keyBackslashes = 0;
      while (keyPos > 0 && t[keyPos - 1] == '\\' && keyBackslashes < 8) keyPos--, keyBackslashes++;
      keyEnd = keyPos;
      // Read backwards; a \uXXXX escape of an ASCII key character ("pass\u0077ord", with one more
      // backslash than the quotes at each level of escaped JSON) counts as that character.
      while (keyPos > 0 && rev.length <= 64) {
        if (keyPos >= 6 && t[keyPos - 5] == 'u' && hex(t[keyPos - 4]) && hex(t[keyPos - 3]) && hex(t[keyPos - 2]) && hex(t[keyPos - 1])) {
          const idx = keyPos - 6, codePoint = parseInt(t.slice(keyPos - 4, keyPos), 16);
          let run = 0;
          while (run <= keyBackslashes && idx >= run && t[idx - run] == '\\') run++;
          const start = idx + 1 - run, char = String.fromCharCode(codePoint);
          if (run == keyBackslashes + 1 && (start == 0 || t[start - 1] != '\\') && codePoint < 0x80 && keyChar(char)) {
            rev.push(char);
            escaped = true;
            keyPos = start;
            continue;
          }
        }
        if (!keyChar(t[keyPos - 1])) break;
        rev.push(t[--keyPos]);
      }
      keyStart = keyPos;
      if (keyEnd == keyStart || rev.length > 64 || keyPos < keyBackslashes + 1 || t[keyPos - 1] != quote) return false;
      for (let b = 0; b < keyBackslashes; b++) if (t[keyPos - 2 - b] != '\\') return false;
      if (keyPos >= keyBackslashes + 2 && t[keyPos - 2 - keyBackslashes] == '\\') return false;
      keyPos -= keyBackslashes + 1;
    } else {
      keyEnd = keyPos;
      while (keyPos > 0 && keyChar(t[keyPos - 1]) && keyEnd - keyPos <= 64) keyPos--;
      keyStart = keyPos;
      if (keyEnd == keyStart || keyEnd - keyStart > 64) return false;
    }
    if (keyPos < done) return false;
    let key = escaped ? rev.reverse().join('') : t.slice(keyStart, keyEnd);
    // An attribute selector (`input#pw[type="password"]`): an open `[` makes the attribute's name the key (src/scrubber.cpp).
    const open = key.lastIndexOf('[');
    if (open >= 0 && key.indexOf(']', open) < 0) key = key.slice(open + 1);
    if (![...key].some(alpha)) return false;
    const strength = keyStrength(key);
    let queryOnly = false;
    if (!strength) {
      if (sep != '=' || quote || !queryKey(key)) return false;
      queryOnly = true;
    }
    const prose = strength == 1 && sep == ':' && !quote;
    let valueStart = i + 1;
    for (let sp = 0; valueStart < n && (t[valueStart] == ' ' || t[valueStart] == '\t') && sp < 8; sp++) valueStart++;
    if (valueStart >= n) return false;
    let quotePos = valueStart, quoteBackslashes = 0;
    while (quotePos < n && t[quotePos] == '\\' && quoteBackslashes < 8) quotePos++, quoteBackslashes++;
    if (!queryOnly && quotePos < n && (t[quotePos] == '"' || t[quotePos] == "'")) {
      const valueQuote = t[quotePos], quotedStart = quotePos + 1;
      let p = quotedStart, close = n;
      while (p < n) {
        if (quoteBackslashes == 0 && t[p] == '\\') { p += 2; continue; }
        if (t[p] == valueQuote) {
          let escapes = 0;
          while (escapes < p - quotedStart && t[p - 1 - escapes] == '\\') escapes++;
          if (escapes == quoteBackslashes) { close = p - quoteBackslashes; break; }
        }
        p++;
      }
      const val = t.slice(quotedStart, close);
      if (!val || val == FILTERED || (prose && !looksSecret(val))) return false;
      m.start = quotedStart;
      m.end = close;
      return true;
    }
    if (t[valueStart] == '{' || t[valueStart] == '[') return false;
    if (sep == ':' && !quote) {
      const normalizedKey = normalizeKey(key);
      if (normalizedKey == 'cookie' || normalizedKey == 'cookies' || normalizedKey == 'setcookie') {
        let cookieEnd = valueStart;
        while (cookieEnd < n && !'\n\r\\"\''.includes(t[cookieEnd])) cookieEnd++;
        if (cookieEnd == valueStart || t.slice(valueStart, cookieEnd) == FILTERED) return false;
        m.start = valueStart;
        m.end = cookieEnd;
        return true;
      }
    }
    let wordEnd = valueStart;
    while (wordEnd < n && (alnum(t[wordEnd]) || t[wordEnd] == '-') && wordEnd - valueStart < 24) wordEnd++;
    if (!queryOnly && wordEnd < n && wordEnd > valueStart && t[wordEnd] == ' ') {
      let word = '';
      for (let x = valueStart; x < wordEnd; x++) word += lc(t[x]);
      if (R.authSchemes.includes(word)) {
        let tokenStart = wordEnd;
        while (tokenStart < n && t[tokenStart] == ' ') tokenStart++;
        let tokenEnd = tokenStart;
        if (sep == ':') {
          const digest = word == 'digest';
          while (tokenEnd < n && t[tokenEnd] != '\n' && t[tokenEnd] != '\r' && t[tokenEnd] != '\\' && (digest || (t[tokenEnd] != '"' && t[tokenEnd] != "'"))) tokenEnd++;
        } else {
          while (tokenEnd < n && !valueDelim(sep, t[tokenEnd])) tokenEnd++;
        }
        const val = t.slice(tokenStart, tokenEnd);
        if (tokenEnd == tokenStart || val == FILTERED || val == '[token]') return false;
        m.rep = '[token]';
        m.start = tokenStart;
        m.end = tokenEnd;
        return true;
      }
    }
    const inQuery = keyStart > 0 && (t[keyStart - 1] == '?' || t[keyStart - 1] == '&');
    let valueEnd = valueStart;
    while (valueEnd < n && !valueDelim(sep, t[valueEnd]) && !(queryOnly && !inQuery && valueEnd - valueStart > 256)) valueEnd++;
    const val = t.slice(valueStart, valueEnd);
    if (!val || literal(val)) return false;
    if (queryOnly && !inQuery && !(valueEnd < n && t[valueEnd] == '&')) return false;
    if (prose && !looksSecret(val)) return false;
    m.start = valueStart;
    m.end = valueEnd;
    return true;
  }

  function scan(t) {
    const edits = [], n = t.length, m = {};
    let i = 0, done = 0, end;
    const add = (s, e, rep) => { edits.push([s, e, rep]); done = i = e; };
    while (i < n) {
      const c = t[i];
      if (c == '-' && matchPem(t, i, m)) { add(m.start, m.end, FILTERED); continue; }
      if (c == ':' && (end = matchUserinfo(t, i)) >= 0) { add(i + 3, end, FILTERED); continue; }
      if ((c == '=' || c == ':') && matchKv(t, i, done, m)) { add(m.start, m.end, m.rep); continue; }
      if (c == 'e' && (end = matchJwt(t, i)) >= 0) { add(i, end, '[jwt]'); continue; }
      if (c == 'b' || c == 'B') {
        if ((end = matchBearer(t, i, m)) >= 0) { add(m.start, end, '[token]'); continue; }
        if ((end = matchBasic(t, i, m)) >= 0) { add(m.start, end, '[token]'); continue; }
      }
      const wordStart = i == 0 || !(alnum(t[i - 1]) || t[i - 1] == '_');
      if (wordStart && (end = matchToken(t, i)) >= 0) { add(i, end, '[token]'); continue; }
      const code = t.charCodeAt(i);
      if (code < 128 && B64T[code] && b64RunStart(t, i)) {
        if ((end = matchDerKey(t, i)) >= 0) { add(i, end, FILTERED); continue; }
        if ((end = matchAwsSecret(t, i)) >= 0) { add(i, end, '[token]'); continue; }
      }
      if (c == '@' && pii && (end = matchEmail(t, i, m)) >= 0 && m.start >= done) { add(m.start, end, '[email]'); continue; }
      if (dig(c)) {
        if ((end = matchSsn(t, i)) >= 0) { add(i, end, '[ssn]'); continue; }
        if ((end = matchCard(t, i)) >= 0) { add(i, end, '[card]'); continue; }
        if (pii && (end = matchIpv4(t, i)) >= 0) { add(i, end, '[ip]'); continue; }
      }
      if (alpha(c) && (end = matchIban(t, i)) >= 0) { add(i, end, '[iban]'); continue; }
      if (pii && (hex(c) || c == ':') && (end = matchIpv6(t, i)) >= 0) { add(i, end, '[ip]'); continue; }
      if (patterns.some((p) => patternAt(p, t, i, m))) { add(i, m.end, FILTERED); continue; }
      i++;
    }
    return edits;
  }

  const applyEdits = (t, edits) => {
    let out = '', pos = 0;
    for (const [s, e, rep] of edits) out += t.slice(pos, s) + rep, (pos = e);
    return out + t.slice(pos);
  };

  function pctAt(t, i) {
    if (t[i] != '%' || i + 2 >= t.length || !hex(t[i + 1]) || !hex(t[i + 2])) return -1;
    const v = parseInt(t.slice(i + 1, i + 3), 16);
    return (v >= 0x20 && v <= 0x7e) || v == 9 || v == 10 || v == 13 ? v : -1;
  }
  function hasEscape(t) {
    for (let i = t.indexOf('%'); i >= 0; i = t.indexOf('%', i + 1)) if (pctAt(t, i) >= 0) return true;
    return false;
  }
  function decode(t, inMap) {
    let decoded = '';
    const map = [];
    for (let i = 0; i < t.length;) {
      const byte = pctAt(t, i);
      map.push(inMap[i]);
      if (byte >= 0) decoded += String.fromCharCode(byte), (i += 3);
      else decoded += t[i++];
    }
    map.push(inMap[t.length]);
    return [decoded, map];
  }

  function text(t) {
    if (typeof t != 'string' || !t) return t;
    const edits = scan(t);
    if (t.length > 1 << 20 || !hasEscape(t)) return applyEdits(t, edits);
    let [decoded, map] = decode(t, Array.from({ length: t.length + 1 }, (_, k) => k));
    if (hasEscape(decoded)) [decoded, map] = decode(decoded, map);
    const decodedEdits = scan(decoded), mapped = [];
    let j = 0;
    for (const [s, e, rep] of edits) {
      while (j + 1 < map.length && map[j + 1] <= s) j++;
      let mapEnd = j;
      while (mapEnd < decoded.length && map[mapEnd] < e) mapEnd++;
      mapped.push([j, mapEnd, rep]);
    }
    let fresh = false, k = 0;
    for (const [s, e] of decodedEdits) {
      while (k < mapped.length && mapped[k][1] <= s) k++;
      if (k >= mapped.length || mapped[k][0] > s || mapped[k][1] < e) { fresh = true; break; }
    }
    if (!fresh) return applyEdits(t, edits);
    const all = [];
    let a = 0, b = 0;
    while (a < mapped.length || b < decodedEdits.length) {
      const edit = b >= decodedEdits.length || (a < mapped.length && mapped[a][0] <= decodedEdits[b][0]) ? mapped[a++] : decodedEdits[b++];
      const last = all[all.length - 1];
      if (last && edit[0] < last[1]) last[1] = Math.max(last[1], edit[1]);
      else all.push([...edit]);
    }
    return applyEdits(decoded, all);
  }

  function url(address) {
    if (typeof address != 'string') return address;
    const scheme = address.indexOf('://');
    if (scheme >= 0) {
      const hostStart = scheme + 3;
      let path = hostStart;
      while (path < address.length && !'/?#'.includes(address[path])) path++;
      const at = address.lastIndexOf('@', path);
      if (at >= hostStart && at < address.length) address = address.slice(0, hostStart) + FILTERED + address.slice(at);
    }
    return text(address);
  }

  // A value that follows `before` in one text (a console argument after the one before it, a
  // parameterize value after the template text and values before it), scrubbed with that context.
  function after(before, current) {
    const tail = before.length > 128 ? before.slice(before.length - 128) : before;
    const joinedText = text(tail + current), beforeText = text(tail);
    if (!joinedText.startsWith(beforeText)) return FILTERED;  // a finding spans both: the value is part of a secret
    const r = joinedText.slice(beforeText.length);
    return !r && current ? FILTERED : r;
  }
  // Object keys that hold a secret get their scrubbed text; " (2)", " (3)"... avoid collisions.
  // Renamed in key order (the C++ core's std::map order) so both cores name them alike.
  function keys(object) {
    const renamed = [];
    for (const k of Object.keys(object)) {
      const n = text(k);
      if (n !== k) renamed.push([k, n]);
    }
    if (!renamed.length) return;
    renamed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const taken = new Set(Object.keys(object)), next = new Map();
    for (const [key, base] of renamed) {
      const fieldValue = object[key];
      delete object[key];
      let name = base;
      if (taken.has(name)) {
        let suffix = Math.max(next.get(base) || 2, 2);
        do name = `${base} (${suffix++})`; while (taken.has(name));
        next.set(base, suffix);
      }
      taken.add(name);
      Object.defineProperty(object, name, { value: fieldValue, enumerable: true, writable: true, configurable: true });
    }
  }
  // A value's text as it is joined into a message: strings and exact integers.
  const joined = (v) => (typeof v == 'string' ? v : Number.isSafeInteger(v) ? String(v) : null);
  // A console argument that is only a key ("password", not "password:"): the next one is its
  // value, as in "key: value".
  function bareKey(s) {
    s = s.trim();
    return s.length > 0 && s.length <= 64 && [...s].every(keyChar) && [...s].some(alpha);
  }

  const URL_KEYS = ['url', 'href', 'from', 'to', 'src', 'referrer', 'abs_path', 'filename'];
  function value(input, key, depth) {
    if (depth > 32) return '[Truncated]';
    if (key && keyStrength(key)) return input == null || input === '' ? input : FILTERED;
    if (typeof input == 'string') return URL_KEYS.includes(key) ? url(input) : text(input);
    if (input && typeof input == 'object') {
      if (Array.isArray(input)) for (let i = 0; i < input.length; i++) input[i] = value(input[i], '', depth + 1);
      else {
        for (const k of Object.keys(input)) input[k] = value(input[k], k, depth + 1);
        keys(input);
      }
    } else if (typeof input == 'number' && Number.isSafeInteger(input) && input >= 1e12) {
      // A card number given as a number.
      const s = String(input), r = text(s);
      if (r !== s) return r;
    }
    return input;
  }

  const isObj = (v) => v && typeof v == 'object' && !Array.isArray(v);
  // Own fields only: what a page put on Object.prototype is not part of the event.
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const str = (obj, k, asUrl) => { if (isObj(obj) && has(obj, k) && typeof obj[k] == 'string') obj[k] = asUrl ? url(obj[k]) : text(obj[k]); };
  // The event fields src/scrubber.cpp's scrub_event covers, in the same way and the same order
  // (one function as scrub_event is one: the parity test compares the two field by field).
  function event(ev) {
    if (!isObj(ev)) return ev;
    const get = (o, k) => (isObj(o) && has(o, k) ? o[k] : undefined);
    const exceptions = get(get(ev, 'exception'), 'values');
    for (const exception of Array.isArray(exceptions) ? exceptions : []) {
      if (!isObj(exception)) continue;
      str(exception, 'value');
      str(exception, 'type');
      const frameList = get(get(exception, 'stacktrace'), 'frames'), frames = Array.isArray(frameList) ? frameList : [];
      for (const frame of frames) {
        if (!isObj(frame)) continue;
        for (const k of ['filename', 'abs_path']) if (has(frame, k) && typeof frame[k] == 'string' && [...'?@#=%'].some((c) => frame[k].includes(c))) frame[k] = url(frame[k]);
      }
    }
    const logentry = get(ev, 'logentry');
    if (isObj(logentry) && Array.isArray(get(logentry, 'params'))) {
      // parameterize values: each one after the template text and values before it (%s; %% = %).
      const params = logentry.params, template = get(logentry, 'message');
      let prefix = '', paramIndex = 0;
      if (typeof template == 'string') {
        for (let k = 0; k < template.length && paramIndex < params.length; k++) {
          if (template[k] == '%' && template[k + 1] == '%') prefix += '%', k++;
          else if (template[k] == '%' && template[k + 1] == 's') {
            const param = params[paramIndex], raw = joined(param);
            k++;
            if (raw != null) {
              const scrubbed = after(prefix, raw);
              params[paramIndex] = typeof param == 'string' || scrubbed !== raw ? scrubbed : value(param, '', 2);
              prefix += raw;
            } else params[paramIndex] = value(param, '', 2);
            paramIndex++;
          } else prefix += template[k];
        }
      }
      for (; paramIndex < params.length; paramIndex++) params[paramIndex] = value(params[paramIndex], '', 2);
    }
    if (isObj(logentry)) str(logentry, 'formatted'), str(logentry, 'message');
    const breadcrumbs = get(ev, 'breadcrumbs');  // an array, as @sentry/browser sends it, or { values }
    for (const crumb of Array.isArray(breadcrumbs) ? breadcrumbs : (Array.isArray(get(breadcrumbs, 'values')) && breadcrumbs.values) || []) {
      if (!isObj(crumb)) continue;
      str(crumb, 'category');
      // Console arguments: each one also after the one before it, as the crumb's message joins
      // them; a bare key before a value reads as "key: value". The message joins them with spaces
      // (safeJoin): it is read forwards once, each argument's text expected where the one before
      // it ended; after an argument of another kind (an object) or a mismatch, the rest is
      // scrubbed as text only.
      const args = has(crumb, 'data') ? get(crumb.data, 'arguments') : undefined, inContext = [];
      const hasMsg = has(crumb, 'message') && typeof crumb.message == 'string';
      let message = hasMsg ? crumb.message : '';
      if (Array.isArray(args)) {
        let prev = null, lost = false, cursor = 0, copied = 0, edited = '';
        args.forEach((arg, index) => {
          const cur = joined(arg);
          if (cur == null) return (prev = null), (lost = true);
          let scrubbed = cur;
          if (prev != null) {
            scrubbed = after(prev + (bareKey(prev) ? ': ' : ' '), cur);
            if (typeof arg == 'string' || scrubbed !== cur) inContext.push([index, scrubbed]);
          }
          if (!lost) {
            const argStart = cursor + (index > 0 && cursor < message.length && message[cursor] == ' ' ? 1 : 0);
            if (argStart > message.length || !message.startsWith(cur, argStart)) lost = true;
            else {
              if (scrubbed !== cur) edited += message.slice(copied, argStart) + scrubbed, (copied = argStart + cur.length);
              cursor = argStart + cur.length;
            }
          }
          prev = typeof arg == 'string' ? arg : null;
        });
        if (copied > 0) message = edited + message.slice(copied);
      }
      if (hasMsg) crumb.message = text(message);
      if (!has(crumb, 'data')) continue;
      crumb.data = value(crumb.data, '', 1);
      for (const [k, r] of inContext) crumb.data.arguments[k] = r;
    }
    const req = get(ev, 'request');
    if (isObj(req)) {
      str(req, 'url', true);
      str(req, 'query_string', true);
      if (pii) delete req.cookies;
      if (isObj(get(req, 'headers'))) {
        if (pii) for (const k of Object.keys(req.headers)) if (['cookie', 'authorization', 'setcookie', 'proxyauthorization'].includes(normalizeKey(k))) delete req.headers[k];
        req.headers = value(req.headers, '', 1);
      }
      if (has(req, 'data')) req.data = value(req.data, '', 1);
    }
    for (const bag of ['extra', 'tags']) if (has(ev, bag)) ev[bag] = value(ev[bag], '', 0);
    if (isObj(get(ev, 'contexts'))) {
      for (const k of Object.keys(ev.contexts)) ev.contexts[k] = value(ev.contexts[k], '', 1);
      keys(ev.contexts);
    }
    else if (has(ev, 'contexts')) ev.contexts = value(ev.contexts, '', 0);
    if (isObj(get(ev, 'user'))) {
      if (pii) delete ev.user.ip_address, delete ev.user.email;
      ev.user = value(ev.user, '', 1);
    }
    str(ev, 'transaction', true);
    const fingerprint = get(ev, 'fingerprint');
    if (Array.isArray(fingerprint)) for (let k = 0; k < fingerprint.length; k++) if (typeof fingerprint[k] == 'string') fingerprint[k] = text(fingerprint[k]);
    return ev;
  }

  return { text, url, value: (v, key = '', depth = 0) => value(v, key, depth), event, keyStrength };
}
