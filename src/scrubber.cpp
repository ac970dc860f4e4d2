#include "scrubber.h"

#include <map>

#include <cstdint>

#include "text.h"

namespace faultline {
namespace {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)
constexpr const char* kFiltered = "[Filtered]";

bool is_b64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }

std::string normalize_key(sv key) {
  std::string out;
  for (char c : key)
    if (is_alnum(c)) out += lower(c);
  return out;
}

// Splits "sessionId", "x-api-key", "user_password" into lowercase words.
std::vector<std::string> key_words(sv key) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (!is_alnum(c)) {
      if (!cur.empty()) words.push_back(std::move(cur)), cur.clear();
      continue;
    }
    bool boundary = i > 0 && c >= 'A' && c <= 'Z' && key[i - 1] >= 'a' && key[i - 1] <= 'z';
    if (boundary && !cur.empty()) words.push_back(std::move(cur)), cur.clear();
    cur += lower(c);
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

// ---- shared rule data (src/scrub_rules.json, embedded by CMake) ----------------------------

const char kRulesText[] =
#include "scrub_rules.inc"
    ;

struct TokenRule {
  std::vector<std::string> prefixes;
  char cls = 'a';
  size_t min = 1, max = 1;
};

struct Rules {
  std::vector<std::string> substrings, strong_words, weak_words, weak_exact, query, schemes;
  std::vector<TokenRule> tokens;
  unsigned char iban[26][26] = {};
};

std::vector<std::string> strings_at(const json& obj, const char* key) {
  std::vector<std::string> out;
  const json* list = get_field(obj, key);
  if (!list || !list->is_array()) return out;
  for (const json& v : *items(*list))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

Rules load_rules() {
  Rules r;
  json j = parse_json(kRulesText);
  if (!j.is_object()) return r;  // cannot happen: tests parse the same file
  const json none;
  const json* k = get_field(j, "keys");
  const json& keys = k ? *k : none;
  r.substrings = strings_at(keys, "substrings");
  r.strong_words = strings_at(keys, "strongWords");
  r.weak_words = strings_at(keys, "weakWords");
  r.weak_exact = strings_at(keys, "weakExact");
  r.query = strings_at(keys, "query");
  r.schemes = strings_at(j, "authSchemes");
  if (const json* t = get_field(j, "tokens"); t && t->is_array()) {
    for (const json& rule : *items(*t)) {
      if (!rule.is_object()) continue;
      TokenRule tr;
      tr.prefixes = strings_at(rule, "prefixes");
      std::string cls = get_string(rule, "class", "a");
      tr.cls = cls.empty() ? 'a' : cls[0];
      tr.min = static_cast<size_t>(get_number(rule, "min", 1));
      tr.max = static_cast<size_t>(get_number(rule, "max", 255));
      r.tokens.push_back(std::move(tr));
    }
  }
  if (const json* ib = get_field(j, "iban"); ib && ib->is_object()) {
    for (const auto& [cc, n] : *members(*ib)) {
      if (cc.size() == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' && n.is_number_unsigned())
        r.iban[cc[0] - 'A'][cc[1] - 'A'] = static_cast<unsigned char>(n.get<unsigned>());
    }
  }
  return r;
}

const Rules& rules() {
  static const Rules r = load_rules();
  return r;
}

bool contains(const std::vector<std::string>& list, sv s) {
  for (const auto& x : list)
    if (x == s) return true;
  return false;
}

// ---- detectors: each returns the end of a match starting at `i`, or npos -------------------

// JWT: three base64url segments, the first starting with "eyJ" (a JSON header).
size_t match_jwt(sv t, size_t i) {
  if (t.compare(i, 3, "eyJ") != 0 || (i > 0 && is_b64url(t[i - 1]))) return sv::npos;
  size_t p = i;
  for (int seg = 0; seg < 3; ++seg) {
    size_t s = p;
    while (p < t.size() && is_b64url(t[p])) ++p;
    if (p - s < 8) return sv::npos;
    if (seg < 2) {
      if (p >= t.size() || t[p] != '.') return sv::npos;
      ++p;
    }
  }
  return p;
}

size_t match_email(sv t, size_t at, size_t& start) {
  size_t l = at;
  while (l > 0 && (is_alnum(t[l - 1]) || t[l - 1] == '.' || t[l - 1] == '_' || t[l - 1] == '%' || t[l - 1] == '+' || t[l - 1] == '-')) --l;
  if (l == at) return sv::npos;
  size_t r = at + 1;
  while (r < t.size() && (is_alnum(t[r]) || t[r] == '.' || t[r] == '-')) ++r;
  while (r > at + 1 && t[r - 1] == '.') --r;  // a sentence's full stop is not part of the address
  size_t last_dot = t.substr(0, r).rfind('.');
  if (last_dot != sv::npos && last_dot <= at) last_dot = sv::npos;
  if (last_dot == sv::npos || last_dot + 1 >= r || last_dot == at + 1) return sv::npos;
  size_t tld = r - last_dot - 1;
  if (tld < 2) return sv::npos;
  for (size_t k = last_dot + 1; k < r; ++k)
    if (!is_alpha(t[k])) return sv::npos;
  start = l;
  return r;
}

bool card_prefix_ok(sv digits) {
  char a = digits[0], b = digits[1];
  if (a == '4') return true;                                    // Visa
  if (a == '5' && b >= '0' && b <= '8') return true;            // Mastercard, Maestro
  if (a == '2' && b >= '2' && b <= '7') return true;            // Mastercard 2-series
  if (a == '3' && (b == '4' || b == '5' || b == '6' || b == '7' || b == '8')) return true;  // Amex, JCB, Diners
  if (a == '6') return true;                                    // Discover, UnionPay, Maestro
  return false;
}

// Card number: 13-19 digits, optionally grouped by single spaces or dashes, issuer prefix, Luhn.
size_t match_card(sv t, size_t i) {
  if (!is_digit(t[i]) || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-'))) return sv::npos;
  std::string digits;
  std::vector<std::pair<size_t, size_t>> cuts;  // (digit count, end offset) at group boundaries
  size_t p = i;
  while (p < t.size() && digits.size() <= 19) {
    if (is_digit(t[p])) {
      digits += t[p++];
      continue;
    }
    if ((t[p] == ' ' || t[p] == '-') && p + 1 < t.size() && is_digit(t[p + 1])) {
      cuts.emplace_back(digits.size(), p);
      ++p;
      continue;
    }
    break;
  }
  if (p < t.size() && (is_alnum(t[p]) || (t[p] == '.' && p + 1 < t.size() && is_digit(t[p + 1])))) return sv::npos;
  cuts.emplace_back(digits.size(), p);
  for (size_t k = cuts.size(); k-- > 0;) {
    size_t n = cuts[k].first;
    if (n < 13 || n > 19) continue;
    sv d(digits.data(), n);
    if (card_prefix_ok(d) && luhn_valid(d)) return cuts[k].second;
  }
  return sv::npos;
}

bool preceded_by_version_word(sv t, size_t i) {
  if (i > 0 && (t[i - 1] == 'v' || t[i - 1] == 'V')) return true;
  // A product token's version ("Chrome/156.0.0.0") is not an address.
  if (i > 0 && t[i - 1] == '/' && !(i >= 2 && t[i - 2] == '/')) return true;
  // The host of a URL ("http://10.0.0.5:8080/") is a server, not a person.
  if (i >= 3 && t.compare(i - 3, 3, "://") == 0) return true;
  size_t b = i > 16 ? i - 16 : 0;
  std::string before;
  for (size_t k = b; k < i; ++k) before += lower(t[k]);
  return before.find("version") != std::string::npos || before.find("ver ") != std::string::npos ||
         before.find("release") != std::string::npos || before.find("build ") != std::string::npos;
}

size_t match_ipv4(sv t, size_t i) {
  if (!is_digit(t[i]) || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '.'))) return sv::npos;
  size_t p = i;
  for (int octet = 0; octet < 4; ++octet) {
    size_t s = p;
    int v = 0;
    while (p < t.size() && is_digit(t[p]) && p - s < 3) v = v * 10 + (t[p++] - '0');
    if (p == s || v > 255) return sv::npos;
    if (octet < 3) {
      if (p >= t.size() || t[p] != '.') return sv::npos;
      ++p;
    }
  }
  if (p < t.size() && (is_alnum(t[p]) || (t[p] == '.' && p + 1 < t.size() && is_digit(t[p + 1])))) return sv::npos;
  if (preceded_by_version_word(t, i)) return sv::npos;
  return p;
}

size_t match_ipv6(sv t, size_t i) {
  if (!(is_hex(t[i]) || t[i] == ':') || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == ':'))) return sv::npos;
  size_t p = i;
  int colons = 0, group = 0;
  bool double_colon = false, any_hex = false;
  while (p < t.size() && (is_hex(t[p]) || t[p] == ':')) {
    if (t[p] == ':') {
      ++colons;
      if (p + 1 < t.size() && t[p + 1] == ':') {
        if (double_colon) return sv::npos;
        double_colon = true;
      }
      group = 0;
    } else {
      any_hex = true;
      if (++group > 4) return sv::npos;
    }
    ++p;
  }
  if (p < t.size() && (is_alnum(t[p]) || t[p] == '.')) return sv::npos;
  if (!any_hex || colons < 2 || (!double_colon && colons != 7)) return sv::npos;
  return p;
}

bool ieq_prefix(sv t, size_t i, sv p) {
  if (t.size() - i < p.size()) return false;
  for (size_t k = 0; k < p.size(); ++k)
    if (lower(t[i + k]) != p[k]) return false;
  return true;
}

// An HTTP auth scheme (`word`: "bearer " or "basic ", any case) starting a word at t[i]: sets
// `start` to where the credentials begin (after the spaces that follow it).
bool after_scheme(sv t, size_t i, sv word, size_t& start) {
  if (!ieq_prefix(t, i, word) || (i > 0 && is_alnum(t[i - 1]))) return false;
  start = i + word.size();
  while (start < t.size() && t[start] == ' ') ++start;
  return true;
}

size_t match_bearer(sv t, size_t i, size_t& token_start) {
  if (!after_scheme(t, i, "bearer ", token_start)) return sv::npos;
  size_t p = token_start;
  while (p < t.size() && (is_b64url(t[p]) || t[p] == '.' || t[p] == '~' || t[p] == '+' || t[p] == '/' || t[p] == '=')) ++p;
  return p - token_start < 8 ? sv::npos : p;
}

bool glob_at(sv pat, size_t pi, sv t, size_t ti, size_t& end, int budget) {
  if (--budget <= 0) return false;
  while (pi < pat.size()) {
    char c = pat[pi];
    if (c == '*') {
      size_t run = ti;
      while (run < t.size() && !is_space(t[run])) ++run;
      for (size_t k = run + 1; k-- > ti;)
        if (glob_at(pat, pi + 1, t, k, end, budget)) return true;
      return false;
    }
    if (ti >= t.size()) return false;
    if (c == '?' || (c == '#' && is_digit(t[ti])) || (c != '#' && lower(c) == lower(t[ti]))) {
      ++pi;
      ++ti;
      continue;
    }
    return false;
  }
  end = ti;
  return true;
}

bool upper(char c) { return c >= 'A' && c <= 'Z'; }

bool in_class(char cls, char c) {
  switch (cls) {
    case 'A': return is_digit(c) || upper(c);
    case 'w': return is_alnum(c) || c == '_';
    case 'd': return is_alnum(c) || c == '-';
    case 'u': return is_alnum(c) || c == '_' || c == '-';
    default: return is_alnum(c);
  }
}

// A well-known token format (rules().tokens) starting at `i`, which is a word start.
size_t match_token(sv t, size_t i) {
  for (const auto& rule : rules().tokens) {
    for (const auto& pre : rule.prefixes) {
      if (pre.empty() || pre[0] != t[i] || t.compare(i, pre.size(), pre) != 0) continue;
      size_t s = i + pre.size(), p = s;
      while (p < t.size() && in_class(rule.cls, t[p]) && p - s <= rule.max) ++p;
      size_t n = p - s;
      if (n >= rule.min && n <= rule.max && !(p < t.size() && is_alnum(t[p]))) return p;
    }
  }
  return sv::npos;
}

// "-----BEGIN <...>PRIVATE KEY<...>-----" <body> "-----END": the body (to the end of the text when
// the END line is missing, e.g. a truncated value) as [body_start, body_end).
bool match_pem(sv t, size_t i, size_t& body_start, size_t& body_end) {
  if (t.compare(i, 11, "-----BEGIN ") != 0) return false;
  size_t h = t.find("-----", i + 11);
  if (h == sv::npos || h - (i + 11) > 64) return false;
  if (t.substr(i + 11, h - (i + 11)).find("PRIVATE KEY") == sv::npos) return false;
  body_start = h + 5;
  size_t end = t.find("-----END", body_start);
  body_end = end == sv::npos ? t.size() : end;
  return body_end > body_start;
}

// "scheme://userinfo@": the userinfo's end (the '@'), for ':' at `i`.
size_t match_userinfo(sv t, size_t i) {
  if (i == 0 || !is_alpha(t[i - 1]) || t.compare(i, 3, "://") != 0) return sv::npos;
  size_t s = i + 3, p = s;
  while (p < t.size() && p - s < 256) {
    char c = t[p];
    if (c == '/' || c == '?' || c == '#' || c == '@' || is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\') break;
    ++p;
  }
  if (p >= t.size() || t[p] != '@' || p == s || t.substr(s, p - s) == kFiltered) return sv::npos;
  return p;
}

// US SSN ddd-dd-dddd, not in the never-issued ranges (area 000, 666, 900-999; group 00; serial 0000).
size_t match_ssn(sv t, size_t i) {
  if (i + 11 > t.size() || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '-' || t[i - 1] == '.' || t[i - 1] == '/'))) return sv::npos;
  for (size_t k = 0; k < 11; ++k) {
    bool dash = k == 3 || k == 6;
    if (dash ? t[i + k] != '-' : !is_digit(t[i + k])) return sv::npos;
  }
  size_t e = i + 11;
  if (e < t.size() && (is_alnum(t[e]) || t[e] == '-' || (t[e] == '.' && e + 1 < t.size() && is_digit(t[e + 1])))) return sv::npos;
  if (t.compare(i, 3, "000") == 0 || t.compare(i, 3, "666") == 0 || t[i] == '9') return sv::npos;
  if (t.compare(i + 4, 2, "00") == 0 || t.compare(i + 7, 4, "0000") == 0) return sv::npos;
  return e;
}

// IBAN: country code with a known length, check digits, BBAN (optionally in groups of 4 separated
// by single spaces), mod-97 == 1.
size_t match_iban(sv t, size_t i) {
  if (i + 4 > t.size() || (i > 0 && is_alnum(t[i - 1]))) return sv::npos;
  // All capitals, or all lower case (de89370400440532013000): one case for the whole IBAN.
  const bool lc = t[i] >= 'a' && t[i] <= 'z';
  auto letter = [lc](char c) { return lc ? (c >= 'a' && c <= 'z') : upper(c); };
  if (!letter(t[i]) || !letter(t[i + 1]) || !is_digit(t[i + 2]) || !is_digit(t[i + 3])) return sv::npos;
  size_t len = rules().iban[(t[i] | 0x20) - 'a'][(t[i + 1] | 0x20) - 'a'];
  if (!len) return sv::npos;
  std::string s;
  size_t p = i;
  while (s.size() < len && p < t.size()) {
    char c = t[p];
    if (is_digit(c) || letter(c)) {
      s += lc && !is_digit(c) ? static_cast<char>(c - 32) : c;
      ++p;
    } else if (c == ' ' && !s.empty() && s.size() % 4 == 0 && p + 1 < t.size() && (is_digit(t[p + 1]) || letter(t[p + 1]))) {
      ++p;
    } else {
      break;
    }
  }
  if (s.size() != len || (p < t.size() && is_alnum(t[p]))) return sv::npos;
  unsigned r = 0;
  for (size_t k = 0; k < len; ++k) {
    char c = s[(k + 4) % len];
    r = is_digit(c) ? (r * 10 + static_cast<unsigned>(c - '0')) % 97 : (r * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
  }
  return r == 1 ? p : sv::npos;
}

int b64_value(char c) {
  if (upper(c)) return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (is_digit(c)) return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// "Basic <base64 of user:password>" anywhere in text: the credentials' range. The base64 must
// decode to printable ASCII containing ':' (so "basic information" is not a credential).
size_t match_basic(sv t, size_t i, size_t& token_start) {
  if (!after_scheme(t, i, "basic ", token_start)) return sv::npos;
  const size_t s = token_start;
  size_t p = s;
  while (p < t.size() && b64_value(t[p]) >= 0) ++p;
  size_t e = p;
  while (p < t.size() && t[p] == '=' && p - e < 2) ++p;
  if (e - s < 8 || (p < t.size() && is_alnum(t[p]))) return sv::npos;
  bool colon = false;
  unsigned acc = 0;
  int bits = 0;
  for (size_t k = s; k < e; ++k) {
    acc = (acc << 6) | static_cast<unsigned>(b64_value(t[k]));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      unsigned ch = (acc >> bits) & 0xFF;
      if (ch < 0x20 || ch > 0x7E) return sv::npos;
      if (ch == ':') colon = true;
    }
  }
  return colon ? p : sv::npos;
}

// ---- secrets without a key or a prefix: evidence from the format itself ---------------------

bool is_b64std(char c) { return is_alnum(c) || c == '+' || c == '/'; }

// Can a base64 run start at `s` (not inside a longer token)? After a separator, or after a JSON
// escape ("\n", "\r", "\t" written as two characters, as in a JSON-encoded PEM or log line).
bool b64_run_start(sv t, size_t s) {
  if (s == 0) return true;
  const char p = t[s - 1];
  if (is_b64std(p)) return s >= 2 && t[s - 2] == '\\' && (p == 'n' || p == 'r' || p == 't');  // inside a run
  if (p == '\\' && (t[s] == 'n' || t[s] == 'r' || t[s] == 't')) return false;  // an escape, not a run
  if (is_space(p) || p == '"' || p == '\'' || p == '`' || p == '=' || p == ':' || p == ',' || p == ';' || p == '(' ||
      p == '[' || p == '{' || p == '<' || p == '>' || p == '|' || p == '\\')
    return true;
  return false;
}

// Does a base64 run end at `e` (the next character cannot continue a token)?
bool b64_run_end(sv t, size_t e) {
  if (e >= t.size()) return true;
  const char c = t[e];
  if (is_space(c) || c == '"' || c == '\'' || c == '`' || c == ',' || c == ';' || c == ')' || c == ']' || c == '}' ||
      c == '>' || c == '<' || c == '|' || c == '&' || c == '\\')
    return true;
  return c == '.' && (e + 1 >= t.size() || is_space(t[e + 1]));  // a sentence's full stop
}

// Decodes the first n/4*3 bytes of the standard-base64 characters t[s, s+n) (all is_b64std).
size_t b64_decode(sv t, size_t s, size_t n, unsigned char* out) {
  size_t k = 0;
  for (size_t q = 0; q + 4 <= n; q += 4) {
    unsigned v = 0;
    for (size_t j = 0; j < 4; ++j) v = (v << 6) | static_cast<unsigned>(b64_value(t[s + q + j]));
    out[k++] = static_cast<unsigned char>(v >> 16);
    out[k++] = static_cast<unsigned char>(v >> 8);
    out[k++] = static_cast<unsigned char>(v);
  }
  return k;
}

// A bare AWS secret access key: exactly 40 characters of [A-Za-z0-9/+] at `s`, not part of a longer
// token, that looks random. Evidence (each grounded in the format: 30 random bytes in base64):
//  - upper case, lower case and a digit all occur (a random key lacks one in ~0.1% of cases);
//    hex (git SHAs, SHA-1 content hashes) and single-case ids have no mixed case;
//  - at least 12 changes between upper/lower/digit from one letter or digit to the next (random
//    keys: 24 on average, fewer than 12 in ~0.01%; words and paths change rarely);
//  - not words: fewer than 20 of its characters in runs of 3 or more lower-case letters (random
//    keys reach 20 in ~0.2%; a 40-character camelCase name made of words nearly always does);
//  - not an absolute path ('/' first and at least 4 '/'; random keys: ~0.03%);
//  - its 30 decoded bytes are not all printable text (base64 of ordinary text is).
size_t match_aws_secret(sv t, size_t s) {
  size_t p = s;
  while (p < t.size() && is_b64std(t[p]) && p - s <= 40) ++p;
  if (p - s != 40 || !b64_run_end(t, p)) return sv::npos;
  bool up = false, low = false, digit = false;
  int prev = -1, changes = 0, slashes = 0, run = 0, wordy = 0;
  for (size_t k = s; k <= p; ++k) {
    const char c = k < p ? t[k] : ' ';
    const bool lc = c >= 'a' && c <= 'z';
    if (lc) ++run;
    else if (run) wordy += run >= 3 ? run : 0, run = 0;
    int cls = upper(c) ? 0 : lc ? 1 : is_digit(c) ? 2 : -1;
    if (cls < 0) {
      slashes += c == '/';
      continue;
    }
    up |= cls == 0;
    low |= cls == 1;
    digit |= cls == 2;
    if (prev >= 0 && cls != prev) ++changes;
    prev = cls;
  }
  if (!up || !low || !digit || changes < 12 || wordy >= 20) return sv::npos;
  if (t[s] == '/' && slashes >= 4) return sv::npos;
  unsigned char bytes[30];
  b64_decode(t, s, 40, bytes);
  bool text = true;
  for (unsigned char b : bytes) text = text && ((b >= 0x20 && b <= 0x7E) || b == '\n' || b == '\r' || b == '\t');
  return text ? sv::npos : p;
}

// A PEM private-key body without its "-----BEGIN" line: base64 of DER starting at `s`. A DER private
// key is a SEQUENCE (0x30, short or 0x81/0x82 long length: base64 "M…", "MIG"/"MIH", "MII") whose
// first element is the INTEGER version 0 or 1 (02 01 00|01: PKCS#1 RSA and DSA, PKCS#8, SEC1 EC)
// followed by an INTEGER, SEQUENCE or OCTET STRING; or, encrypted (PKCS#8 EncryptedPrivateKeyInfo),
// whose first element is a SEQUENCE starting with a PKCS#5 or PKCS#12 encryption OID. Certificates,
// public keys and CSRs start with a SEQUENCE of other content and are left alone. The body runs over
// lines of 64 characters (PEM) joined by a line break (real or written "\n", optionally "\r") or a
// space; it ends after a shorter line, padding, or anything else.
size_t match_der_key(sv t, size_t s) {
  if (t[s] != 'M') return sv::npos;
  size_t run = s;
  while (run < t.size() && is_b64std(t[run]) && run - s < 24) ++run;
  if (run - s < 12) return sv::npos;
  unsigned char b[18] = {};
  const size_t nb = b64_decode(t, s, run - s, b);
  if (b[0] != 0x30) return sv::npos;
  size_t h = b[1] < 0x80 ? 2 : b[1] == 0x81 ? 3 : b[1] == 0x82 ? 4 : 0;
  if (!h) return sv::npos;
  bool key = b[h] == 0x02 && b[h + 1] == 0x01 && (b[h + 2] == 0x00 || b[h + 2] == 0x01) &&
             (b[h + 3] == 0x02 || b[h + 3] == 0x30 || b[h + 3] == 0x04);
  if (!key && b[h] == 0x30) {
    // EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.5.x | .1.12.1.x, … }, … }
    size_t o = h + (b[h + 1] < 0x80 ? 2 : b[h + 1] == 0x81 ? 3 : 0);
    static const unsigned char rsadsi[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01};
    if (o > h && o + 11 <= nb && b[o] == 0x06 && (b[o + 1] == 0x09 || b[o + 1] == 0x0a)) {
      bool same = true;
      for (size_t k = 0; k < sizeof rsadsi; ++k) same = same && b[o + 2 + k] == rsadsi[k];
      key = same && (b[o + 9] == 0x05 || (b[o + 9] == 0x0c && b[o + 10] == 0x01));
    }
  }
  if (!key) return sv::npos;
  size_t p = s;
  for (;;) {
    const size_t line = p;
    while (p < t.size() && is_b64std(t[p])) ++p;
    size_t pad = p;
    while (pad < t.size() && t[pad] == '=' && pad - p < 2) ++pad;
    if (pad > p || p - line != 64) return pad;
    // A full line: the body goes on after a line break (real or written as an escape) or a space.
    size_t q = p;
    const bool spaced = q < t.size() && t[q] == ' ';
    if (spaced) {
      ++q;
    } else {
      if (q < t.size() && t[q] == '\r') ++q;
      else if (q + 1 < t.size() && t[q] == '\\' && t[q + 1] == 'r') q += 2;
      if (q < t.size() && t[q] == '\n') ++q;
      else if (q + 1 < t.size() && t[q] == '\\' && t[q + 1] == 'n') q += 2;
      else return p;
    }
    // ...if what follows is a body line too, so that a following word is not taken: 64 characters,
    // or a last line (padded; or a multiple of 4 characters, as base64 is, and at least 16 of them
    // or, after a line break, ending the text, a quoted string or the line), or one the END line
    // follows.
    size_t r = q;
    while (r < t.size() && is_b64std(t[r]) && r - q <= 64) ++r;
    const size_t n = r - q;
    const bool ends = !spaced && (r >= t.size() || t[r] == '"' || t[r] == '\'' || t[r] == '\n' || t[r] == '\r' ||
                      (t[r] == '\\' && r + 1 < t.size() && (t[r + 1] == 'n' || t[r + 1] == 'r' || t[r + 1] == '"')));
    if (n == 0 || n > 64 ||
        !(n == 64 || (r < t.size() && t[r] == '=') || t.compare(r, 5, "-----") == 0 || (n % 4 == 0 && (n >= 16 || ends))))
      return p;
    p = q;
  }
}

bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '$' || c == '[' || c == ']'; }

bool is_value_delim(char sep, char c) {
  return is_space(c) || c == '"' || c == '\'' || c == '\\' || c == ',' || c == ';' || c == '<' || c == '>' || c == ')' ||
         c == '}' || c == ']' || c == '&' || (sep == '=' && c == '#');
}

bool is_literal(sv v) { return v == "null" || v == "true" || v == "false" || v == "undefined" || v == "NaN"; }

// A value after a weak key in prose ("unexpected token: identifier" is not a secret).
bool looks_secret(sv v) {
  bool digit = false, up = false, low = false;
  size_t n = 0;  // code points (UTF-8 lead bytes), as the JS fallback counts them
  for (char c : v) {
    digit |= is_digit(c);
    up |= upper(c);
    low |= c >= 'a' && c <= 'z';
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return (digit && n >= 4) || n >= 16 || (up && low && n >= 8);
}

struct Edit {
  size_t s, e;
  const char* rep;
};

// key=value / key: value / "key":"value" (and \"key\":\"value\" at any escaping depth) for the
// separator at `i`. On a sensitive key, the value's range [vs, ve) to filter.
bool match_kv(const Scrubber& S, sv t, size_t i, size_t done, size_t& vs, size_t& ve, const char*& rep) {
  rep = kFiltered;
  const size_t n = t.size();
  const char sep = t[i];
  if (i == 0 || i + 1 >= n) return false;
  const char nx = t[i + 1], pv = t[i - 1];
  if (sep == ':' && (nx == ':' || pv == ':' || (nx == '/' && i + 2 < n && t[i + 2] == '/'))) return false;
  if (sep == '=' && (nx == '=' || pv == '=' || pv == '!' || pv == '<' || pv == '>')) return false;
  size_t k = i;
  for (int sp = 0; k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t') && sp < 4; ++sp) --k;
  char quote = 0;
  size_t key_start, key_end;
  std::string key_rev;
  bool escaped = false;
  if (k > 0 && (t[k - 1] == '"' || t[k - 1] == '\'')) {
    quote = t[k - 1];
    --k;
    size_t bs = 0;
    while (k > 0 && t[k - 1] == '\\' && bs < 8) --k, ++bs;
    key_end = k;
    // Read backwards; a \uXXXX escape of an ASCII key character ("pass\u0077ord", with one more
    // backslash than the quotes at each level of escaped JSON) counts as that character.
    while (k > 0 && key_rev.size() <= 64) {
      if (k >= 6 && t[k - 5] == 'u' && is_hex(t[k - 4]) && is_hex(t[k - 3]) && is_hex(t[k - 2]) && is_hex(t[k - 1])) {
        const size_t idx = k - 6;
        size_t b = 0;
        while (b <= bs && idx >= b && t[idx - b] == '\\') ++b;
        unsigned cp = 0;
        for (size_t h = k - 4; h < k; ++h) cp = cp * 16 + static_cast<unsigned>(is_digit(t[h]) ? t[h] - '0' : (t[h] | 0x20) - 'a' + 10);
        const size_t start = idx + 1 - b;
        if (b == bs + 1 && (start == 0 || t[start - 1] != '\\') && cp < 0x80 && is_key_char(static_cast<char>(cp))) {
          key_rev += static_cast<char>(cp);
          escaped = true;
          k = start;
          continue;
        }
      }
      if (!is_key_char(t[k - 1])) break;
      key_rev += t[k - 1];
      --k;
    }
    key_start = k;
    if (key_end == key_start || key_rev.size() > 64 || k < bs + 1 || t[k - 1] != quote) return false;
    for (size_t b = 0; b < bs; ++b)
      if (t[k - 2 - b] != '\\') return false;
    if (k >= bs + 2 && t[k - 2 - bs] == '\\') return false;
    k -= bs + 1;
  } else {
    key_end = k;
    while (k > 0 && is_key_char(t[k - 1]) && key_end - k <= 64) --k;
    key_start = k;
    if (key_end == key_start || key_end - key_start > 64) return false;
  }
  if (k < done) return false;
  const std::string key_dec(key_rev.rbegin(), key_rev.rend());
  sv key = escaped ? sv(key_dec) : t.substr(key_start, key_end - key_start);
  // An attribute selector (`input#pw[type="password"]`, a click breadcrumb's element): a `[` left
  // open before the separator makes the attribute's name the key, not the element before it
  // (a form field's `user[password]=` keeps its whole key).
  if (const size_t open = key.rfind('['); open != sv::npos && key.find(']', open) == sv::npos) key = key.substr(open + 1);
  bool letter = false;
  for (char c : key) letter |= is_alpha(c);
  if (!letter) return false;
  KeyStrength st = S.key_strength(key);
  bool query_only = false;
  if (st == KeyStrength::none) {
    if (sep != '=' || quote || !S.is_query_key(key)) return false;
    query_only = true;
  }
  const bool prose = st == KeyStrength::weak && sep == ':' && !quote;
  size_t v = i + 1;
  for (int sp = 0; v < n && (t[v] == ' ' || t[v] == '\t') && sp < 8; ++sp) ++v;
  if (v >= n) return false;
  // A quoted value: up to the same quote with the same number of backslashes.
  size_t q = v, qb = 0;
  while (q < n && t[q] == '\\' && qb < 8) ++q, ++qb;
  if (!query_only && q < n && (t[q] == '"' || t[q] == '\'')) {
    const char vq = t[q];
    size_t s = q + 1, p = s, close = n;
    while (p < n) {
      if (qb == 0 && t[p] == '\\') {
        p += 2;
        continue;
      }
      if (t[p] == vq) {
        size_t r = 0;
        while (r < p - s && t[p - 1 - r] == '\\') ++r;
        if (r == qb) {
          close = p - qb;
          break;
        }
      }
      ++p;
    }
    sv val = t.substr(s, close - s);
    if (val.empty() || val == kFiltered || (prose && !looks_secret(val))) return false;
    vs = s;
    ve = close;
    return true;
  }
  if (t[v] == '{' || t[v] == '[') return false;
  // A Cookie / Set-Cookie header line holds several cookies: its whole value is filtered.
  if (sep == ':' && !quote) {
    std::string nk = normalize_key(key);
    if (nk == "cookie" || nk == "cookies" || nk == "setcookie") {
      size_t e = v;
      while (e < n && t[e] != '\n' && t[e] != '\r' && t[e] != '\\' && t[e] != '"' && t[e] != '\'') ++e;
      if (e == v || t.substr(v, e - v) == kFiltered) return false;
      vs = v;
      ve = e;
      return true;
    }
  }
  // "Authorization: Basic <credentials>" keeps the scheme; a header's value runs to the line end.
  size_t w = v;
  while (w < n && (is_alnum(t[w]) || t[w] == '-') && w - v < 24) ++w;
  if (!query_only && w < n && w > v && t[w] == ' ') {
    std::string word;
    for (size_t x = v; x < w; ++x) word += lower(t[x]);
    if (contains(rules().schemes, word)) {
      size_t s = w;
      while (s < n && t[s] == ' ') ++s;
      size_t e = s;
      if (sep == ':') {
        bool digest = word == "digest";
        while (e < n && t[e] != '\n' && t[e] != '\r' && t[e] != '\\' && (digest || (t[e] != '"' && t[e] != '\''))) ++e;
      } else {
        while (e < n && !is_value_delim(sep, t[e])) ++e;
      }
      if (e == s || t.substr(s, e - s) == kFiltered || t.substr(s, e - s) == "[token]") return false;
      rep = "[token]";
      vs = s;
      ve = e;
      return true;
    }
  }
  // A query-only key not after '?'/'&' must be followed by '&' within 256 chars (bounded: no rescans).
  const bool in_query = key_start > 0 && (t[key_start - 1] == '?' || t[key_start - 1] == '&');
  size_t e = v;
  while (e < n && !is_value_delim(sep, t[e]) && !(query_only && !in_query && e - v > 256)) ++e;
  sv val = t.substr(v, e - v);
  if (val.empty() || is_literal(val)) return false;
  if (query_only && !in_query && !(e < n && t[e] == '&')) return false;
  if (prose && !looks_secret(val)) return false;
  vs = v;
  ve = e;
  return true;
}

// One pass over `t`: every finding as an edit, in order, never overlapping.
void scan(const Scrubber& S, sv t, std::vector<Edit>& ed) {
  const ScrubOptions& o = S.options();
  const bool pii = !o.send_default_pii;
  const size_t n = t.size();
  size_t i = 0, done = 0;
  auto add = [&](size_t s, size_t e, const char* rep) {
    ed.push_back({s, e, rep});
    done = i = e;
  };
  while (i < n) {
    const char c = t[i];
    size_t end, start;
    const char* rep;
    if (c == '-' && match_pem(t, i, start, end)) { add(start, end, kFiltered); continue; }
    if (c == ':' && (end = match_userinfo(t, i)) != sv::npos) { add(i + 3, end, kFiltered); continue; }
    if ((c == '=' || c == ':') && match_kv(S, t, i, done, start, end, rep)) { add(start, end, rep); continue; }
    if (c == 'e' && (end = match_jwt(t, i)) != sv::npos) { add(i, end, "[jwt]"); continue; }
    if (c == 'b' || c == 'B') {
      if ((end = match_bearer(t, i, start)) != sv::npos) { add(start, end, "[token]"); continue; }
      if ((end = match_basic(t, i, start)) != sv::npos) { add(start, end, "[token]"); continue; }
    }
    const bool word_start = i == 0 || !(is_alnum(t[i - 1]) || t[i - 1] == '_');
    if (word_start && (end = match_token(t, i)) != sv::npos) { add(i, end, "[token]"); continue; }
    if (is_b64std(c) && b64_run_start(t, i)) {
      if ((end = match_der_key(t, i)) != sv::npos) { add(i, end, kFiltered); continue; }
      if ((end = match_aws_secret(t, i)) != sv::npos) { add(i, end, "[token]"); continue; }
    }
    if (c == '@' && pii && (end = match_email(t, i, start)) != sv::npos && start >= done) { add(start, end, "[email]"); continue; }
    if (is_digit(c)) {
      if ((end = match_ssn(t, i)) != sv::npos) { add(i, end, "[ssn]"); continue; }
      if ((end = match_card(t, i)) != sv::npos) { add(i, end, "[card]"); continue; }
      if (pii && (end = match_ipv4(t, i)) != sv::npos) { add(i, end, "[ip]"); continue; }
    }
    if (is_alpha(c) && (end = match_iban(t, i)) != sv::npos) { add(i, end, "[iban]"); continue; }
    if (pii && (is_hex(c) || c == ':') && (end = match_ipv6(t, i)) != sv::npos) { add(i, end, "[ip]"); continue; }
    bool matched = false;
    for (const auto& pat : o.extra_patterns) {
      if (pattern_match_at(pat, t, i, end)) {
        add(i, end, kFiltered);
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
}

std::string apply_edits(sv t, const std::vector<Edit>& ed) {
  std::string out;
  out.reserve(t.size());
  size_t pos = 0;
  for (const auto& e : ed) {
    out.append(t.substr(pos, e.s - pos));
    out.append(e.rep);
    pos = e.e;
  }
  out.append(t.substr(pos));
  return out;
}

// A %XX escape of a printable ASCII character, a tab or a line break (%0A joins the lines of a PEM
// body in a URL; other bytes are left encoded: decoding them could
// create invalid UTF-8 or control characters).
int pct_at(sv t, size_t i) {
  if (t[i] != '%' || i + 2 >= t.size()) return -1;
  int h = hex_value(t[i + 1]), l = hex_value(t[i + 2]);
  if (h < 0 || l < 0) return -1;
  int v = h * 16 + l;
  return (v >= 0x20 && v <= 0x7E) || v == '\t' || v == '\n' || v == '\r' ? v : -1;
}

bool has_escape(sv t) {
  for (size_t i = t.find('%'); i != sv::npos; i = t.find('%', i + 1))
    if (pct_at(t, i) >= 0) return true;
  return false;
}

// Decodes one round; map[j] = offset in the original text of decoded char j (map[size] = end).
void pct_decode(sv t, const std::vector<uint32_t>& in_map, std::string& out, std::vector<uint32_t>& map) {
  out.clear();
  map.clear();
  for (size_t i = 0; i < t.size();) {
    int v = pct_at(t, i);
    map.push_back(in_map[i]);
    if (v >= 0) {
      out += static_cast<char>(v);
      i += 3;
    } else {
      out += t[i++];
    }
  }
  map.push_back(in_map[t.size()]);
}

constexpr size_t kMaxDecode = 1 << 20;

}  // namespace

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (size_t k = digits.size(); k-- > 0;) {
    if (!is_digit(digits[k])) return false;
    int d = digits[k] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool pattern_match_at(std::string_view pattern, std::string_view text, size_t pos, size_t& end) {
  if (pattern.empty() || pattern.size() > 256) return false;
  return glob_at(pattern, 0, text, pos, end, 4096) && end > pos;
}

Scrubber::Scrubber(ScrubOptions opts) : opts_(std::move(opts)) {
  for (const auto& k : opts_.extra_keys) {
    std::string n = normalize_key(k);
    if (!n.empty()) extra_keys_norm_.push_back(std::move(n));
  }
}

namespace {
// Is `key` one of the safeKeys option's names (exact, ASCII case-insensitive)?
bool is_listed(const std::vector<std::string>& names, std::string_view key) {
  for (const auto& name : names) {
    if (name.size() != key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) same = lower(name[i]) == lower(key[i]);
    if (same) return true;
  }
  return false;
}
}  // namespace

KeyStrength Scrubber::key_strength(std::string_view key) const {
  if (key.empty() || key.size() > 256 || is_listed(opts_.safe_keys, key)) return KeyStrength::none;
  const Rules& r = rules();
  std::string norm = normalize_key(key);
  for (const auto& sub : r.substrings)
    if (norm.find(sub) != std::string::npos) return KeyStrength::strong;
  for (const auto& k : extra_keys_norm_)
    if (norm.find(k) != std::string::npos) return KeyStrength::strong;
  std::vector<std::string> words = key_words(key);
  for (const auto& w : words)
    if (contains(r.strong_words, w)) return KeyStrength::strong;
  for (const auto& w : words)
    if (contains(r.weak_words, w)) return KeyStrength::weak;
  if (contains(r.weak_exact, norm)) return KeyStrength::weak;
  return KeyStrength::none;
}

bool Scrubber::is_query_key(std::string_view key) const {
  if (key.empty() || key.size() > 64 || is_listed(opts_.safe_keys, key)) return false;
  return contains(rules().query, normalize_key(key));
}

std::string Scrubber::scrub_text(std::string_view t) const {
  if (t.empty()) return {};
  std::vector<Edit> ed;
  scan(*this, t, ed);
  if (t.size() > kMaxDecode || !has_escape(t)) return apply_edits(t, ed);
  // Percent-encoded text: decode (two rounds at most: "%2540" is an encoded "%40") and scan again.
  std::vector<uint32_t> id(t.size() + 1), map, map2;
  for (size_t k = 0; k <= t.size(); ++k) id[k] = static_cast<uint32_t>(k);
  std::string d, d2;
  pct_decode(t, id, d, map);
  if (has_escape(d)) {
    pct_decode(d, map, d2, map2);
    d.swap(d2);
    map.swap(map2);
  }
  std::vector<Edit> dd;
  scan(*this, d, dd);
  // The first scan's findings in decoded coordinates (widened to whole escapes).
  std::vector<Edit> mapped;
  size_t j = 0;
  for (const auto& e : ed) {
    while (j + 1 < map.size() && map[j + 1] <= e.s) ++j;
    size_t ds = j, de = j;
    while (de < d.size() && map[de] < e.e) ++de;
    mapped.push_back({ds, de, e.rep});
  }
  // Nothing new once decoded: keep the text as it was written.
  bool fresh = false;
  size_t m = 0;
  for (const auto& e : dd) {
    while (m < mapped.size() && mapped[m].e <= e.s) ++m;
    if (m >= mapped.size() || mapped[m].s > e.s || mapped[m].e < e.e) {
      fresh = true;
      break;
    }
  }
  if (!fresh) return apply_edits(t, ed);
  // Both scans' findings on the decoded text; overlapping ones merge (the first one's marker).
  std::vector<Edit> all;
  size_t a = 0, b = 0;
  while (a < mapped.size() || b < dd.size()) {
    const Edit& x = (b >= dd.size() || (a < mapped.size() && mapped[a].s <= dd[b].s)) ? mapped[a++] : dd[b++];
    if (!all.empty() && x.s < all.back().e) {
      if (x.e > all.back().e) all.back().e = x.e;
    } else {
      all.push_back(x);
    }
  }
  return apply_edits(d, all);
}

std::string Scrubber::scrub_url(std::string_view url) const {
  // user:password@host -> [Filtered]@host (the last '@' before the path: passwords may hold '@')
  std::string u(url);
  size_t scheme = u.find("://");
  if (scheme != std::string::npos) {
    size_t host_start = scheme + 3;
    size_t path = u.find_first_of("/?#", host_start);
    size_t at = u.rfind('@', path == std::string::npos ? u.size() : path);
    if (at != std::string::npos && at >= host_start) u.replace(host_start, at - host_start, kFiltered);
  }
  return scrub_text(u);
}

namespace {
bool is_url_key(sv k) {
  return k == "url" || k == "href" || k == "from" || k == "to" || k == "src" || k == "referrer" || k == "abs_path" ||
         k == "filename";
}
}  // namespace

void Scrubber::scrub_value(json& value, std::string_view key, int depth) const {
  if (depth > 32) {
    value = "[Truncated]";
    return;
  }
  if (!key.empty() && is_sensitive_key(key)) {
    if (!value.is_null() && !(value.is_string() && value.get_ref<const std::string&>().empty())) value = kFiltered;
    return;
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    value = is_url_key(key) ? scrub_url(s) : scrub_text(s);
  } else if (json::object_t* o = members(value)) {
    for (auto& [k, v] : *o) scrub_value(v, k, depth + 1);
    scrub_keys(value);
  } else if (json::array_t* a = items(value)) {
    for (json& item : *a) scrub_value(item, {}, depth + 1);
  } else if (value.is_number_integer()) {
    // A card number given as a number (exact integers only: 13 digits or more, at most 2^53 - 1).
    std::string s;
    if (value.is_number_unsigned()) {
      uint64_t u = value.get<uint64_t>();
      if (u >= 1000000000000ULL && u <= 9007199254740991ULL) s = std::to_string(u);
    } else {
      int64_t v = value.get<int64_t>();
      if (v >= 1000000000000LL && v <= 9007199254740991LL) s = std::to_string(v);
    }
    if (!s.empty()) {
      std::string r = scrub_text(s);
      if (r != s) value = r;
    }
  }
}

void Scrubber::scrub_keys(json& obj) const {
  json::object_t* o = members(obj);
  if (!o) return;
  std::vector<std::pair<std::string, std::string>> renamed;  // in key order (std::map's)
  for (const auto& member : *o) {
    std::string k = scrub_text(member.first);
    if (k != member.first) renamed.emplace_back(member.first, std::move(k));
  }
  if (renamed.empty()) return;
  // (std::map<std::string, uint64_t>: an instantiation the core already has; sets cost size.)
  std::map<std::string, uint64_t> taken, next;
  for (const auto& member : *o) taken[member.first] = 1;
  for (auto& [old_key, base] : renamed) {
    auto at = o->find(old_key);
    json v = std::move(at->second);
    o->erase(at);
    std::string name = base;
    if (taken.count(name)) {
      uint64_t& n = next[base];
      if (n < 2) n = 2;
      do name = base + " (" + std::to_string(n++) + ")"; while (taken.count(name));
    }
    taken[name] = 1;
    obj[name] = std::move(v);
  }
}

std::string Scrubber::scrub_after(std::string_view before, std::string_view value) const {
  size_t cut = before.size() > 128 ? before.size() - 128 : 0;
  while (cut > 0 && cut < before.size() && (static_cast<unsigned char>(before[cut]) & 0xC0) == 0x80) ++cut;
  sv tail = before.substr(cut);
  std::string joined(tail);
  joined.append(value);
  std::string sj = scrub_text(joined), st = scrub_text(tail);
  // The tail scrubs alike alone and followed by the value: what follows it is the value's part.
  // Otherwise a finding spans both: the value is part of a secret.
  if (sj.size() >= st.size() && sj.compare(0, st.size(), st) == 0) {
    std::string r = sj.substr(st.size());
    if (r.empty() && !value.empty()) return kFiltered;
    return r;
  }
  return kFiltered;
}

namespace {
// A value's text as it is joined into a message (strings; exact integers), or false.
bool joined_text(const json& v, std::string& out) {
  // (Integers within +-(2^53 - 1), as the JS core reads them: String(n) of a safe integer.)
  constexpr int64_t kSafe = 9007199254740991LL;
  if (v.is_string()) out = v.get_ref<const std::string&>();
  else if (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(kSafe)) out = std::to_string(v.get<uint64_t>());
  else if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= -kSafe && v.get<int64_t>() <= kSafe) out = std::to_string(v.get<int64_t>());
  else return false;
  return true;
}
// A console argument that is only a key ("password", not "password:"): the next argument is its
// value, as in "key: value".
bool bare_key(sv s) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return false;
  bool alpha = false;
  for (char c : s) {
    if (!is_key_char(c)) return false;
    alpha = alpha || is_alpha(c);
  }
  return alpha;
}
}  // namespace

// Field by field over the event (exception, logentry, breadcrumbs, request, contexts, user,
// fingerprint, then the rest), as the JS fallback's scrubber does: the scrub-parity test compares
// the two, so each stays one list (about 170 lines).
void Scrubber::scrub_event(json& ev) const {
  if (!ev.is_object()) return;
  auto scrub_str = [&](json& obj, const char* key, bool url) {
    json* it = get_field(obj, key);
    if (it && it->is_string()) *it = url ? scrub_url(it->get_ref<const std::string&>()) : scrub_text(it->get_ref<const std::string&>());
  };
  if (json* ex = get_field(ev, "exception")) {
    if (json* vals = get_field(*ex, "values"); vals && vals->is_array()) {
      for (json& v : *items(*vals)) {
        if (!v.is_object()) continue;
        scrub_str(v, "value", false);
        scrub_str(v, "type", false);
        json* st = get_field(v, "stacktrace");
        json* frames = st ? get_field(*st, "frames") : nullptr;
        if (!frames || !frames->is_array()) continue;
        for (json& f : *items(*frames)) {
          if (!f.is_object()) continue;
          for (const char* k : {"filename", "abs_path"}) {
            json* it = get_field(f, k);
            if (it && it->is_string() && it->get_ref<const std::string&>().find_first_of("?@#=%") != std::string::npos)
              *it = scrub_url(it->get_ref<const std::string&>());
          }
        }
      }
    }
  }
  if (json* le = get_field(ev, "logentry")) {
    // parameterize values: each one after the template text and values before it (%s, %% = %).
    json* params = get_field(*le, "params");
    if (params && params->is_array()) {
      json* tm = get_field(*le, "message");
      std::string prefix, ps;
      size_t pi = 0;
      if (tm && tm->is_string()) {
        const std::string& t = tm->get_ref<const std::string&>();
        for (size_t k = 0; k < t.size() && pi < params->size(); ++k) {
          if (t[k] == '%' && k + 1 < t.size() && t[k + 1] == '%') {
            prefix += '%';
            ++k;
          } else if (t[k] == '%' && k + 1 < t.size() && t[k + 1] == 's') {
            json& p = (*params)[pi++];
            ++k;
            if (joined_text(p, ps)) {
              std::string r = scrub_after(prefix, ps);
              if (p.is_string() || r != ps) p = r;
              else scrub_value(p, {}, 2);
              prefix += ps;
            } else {
              scrub_value(p, {}, 2);
            }
          } else {
            prefix += t[k];
          }
        }
      }
      for (; pi < params->size(); ++pi) scrub_value((*params)[pi], {}, 2);
    }
    scrub_str(*le, "formatted", false);
    scrub_str(*le, "message", false);
  }
  scrub_str(ev, "message", false);
  if (json* bc = get_field(ev, "breadcrumbs")) {
    // Breadcrumbs as an array (how the SDK sends them) or as {values: [...]}.
    json* vals = bc->is_object() ? get_field(*bc, "values") : bc;
    if (vals && vals->is_array()) {
      for (json& b : *items(*vals)) {
        if (!b.is_object()) continue;
        scrub_str(b, "category", false);
        json* d = get_field(b, "data");
        // Console arguments: each one also after the one before it ("password:", value), as the
        // crumb's message joins them; a bare key before a value reads as "key: value".
        std::vector<std::pair<size_t, std::string>> in_context;
        json* args = d ? get_field(*d, "arguments") : nullptr;
        json* msg = get_field(b, "message");
        if (msg && !msg->is_string()) msg = nullptr;
        std::string message = msg ? msg->get<std::string>() : std::string();
        if (args && args->is_array()) {
          std::string prev, cur, edited;
          bool have_prev = false, lost = false;
          // The message joins the arguments with spaces (@sentry/browser's safeJoin): it is read
          // forwards once, each argument's text expected where the one before it ended; after an
          // argument of another kind (an object) or a mismatch, the rest is scrubbed as text only.
          size_t cursor = 0, copied = 0;
          for (size_t k = 0; k < args->size(); ++k) {
            const json& a = (*args)[k];
            if (!joined_text(a, cur)) {
              have_prev = false;
              lost = true;
              continue;
            }
            std::string r = cur;
            if (have_prev) {
              r = scrub_after(prev + (bare_key(prev) ? ": " : " "), cur);
              if (a.is_string() || r != cur) in_context.emplace_back(k, r);
            }
            if (!lost) {
              size_t at = cursor + (k > 0 && cursor < message.size() && message[cursor] == ' ' ? 1 : 0);
              if (at > message.size() || message.compare(at, cur.size(), cur) != 0) {
                lost = true;
              } else {
                // The same value in the message loses what the context showed (a bare key's value).
                if (r != cur) {
                  edited.append(message, copied, at - copied);
                  edited += r;
                  copied = at + cur.size();
                }
                cursor = at + cur.size();
              }
            }
            have_prev = a.is_string();
            if (have_prev) prev = cur;
          }
          if (copied > 0) message = edited + message.substr(copied);
        }
        if (msg) *msg = scrub_text(message);
        if (d) {
          scrub_value(*d, {}, 1);
          if (!in_context.empty()) {
            json& scrubbed_args = (*d)["arguments"];
            for (auto& [k, r] : in_context) scrubbed_args[k] = std::move(r);
          }
        }
      }
    }
  }
  if (json* req = get_field(ev, "request"); req && req->is_object()) {
    scrub_str(*req, "url", true);
    scrub_str(*req, "query_string", true);
    json::object_t& r = *members(*req);
    if (!opts_.send_default_pii) r.erase("cookies");
    if (json* h = get_field(*req, "headers")) {
      json::object_t* hs = members(*h);
      if (hs && !opts_.send_default_pii) {
        for (auto it = hs->begin(); it != hs->end();) {
          std::string k = normalize_key(it->first);
          if (k == "cookie" || k == "authorization" || k == "setcookie" || k == "proxyauthorization") it = hs->erase(it);
          else ++it;
        }
      }
      if (hs) scrub_value(*h, {}, 1);
    }
    if (json* d = get_field(*req, "data")) scrub_value(*d, {}, 1);
  }
  for (const char* bag : {"extra", "tags"})
    if (json* it = get_field(ev, bag)) scrub_value(*it, {}, 0);
  // A context's name ("session", "auth") is a section, not a key: its fields are scrubbed by key
  // (replacing the whole context would also make it invalid: contexts must be objects).
  if (json* it = get_field(ev, "contexts")) {
    if (json::object_t* cs = members(*it)) {
      for (auto& c : *cs) scrub_value(c.second, {}, 1);
      scrub_keys(*it);
    } else {
      scrub_value(*it, {}, 0);
    }
  }
  if (json* u = get_field(ev, "user"); u && u->is_object()) {
    if (!opts_.send_default_pii) {
      members(*u)->erase("ip_address");
      members(*u)->erase("email");
    }
    scrub_value(*u, {}, 1);
  }
  scrub_str(ev, "transaction", true);
  if (json* fp = get_field(ev, "fingerprint"); fp && fp->is_array())
    for (json& f : *items(*fp))
      if (f.is_string()) f = scrub_text(f.get_ref<const std::string&>());
}

}  // namespace faultline
