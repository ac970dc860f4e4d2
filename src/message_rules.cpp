// The message rules of grouping: an engine's error message -> a cross-engine canonical kind
// ("nullish-property-access", "not-a-function:f", ...), or the developer's own message with its
// parameters (numbers, ids, quoted values, URLs, e-mails...) replaced by placeholders. The engine
// wordings are data, src/message_rules.txt, with why each is grounded in how engines behave; the
// matcher that reads them is canonicalize_message here. See README.md ("Grouping").
#include "message_rules.h"

#include <algorithm>
#include <vector>

#include "text.h"

namespace faultline {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)

// An identifier-like run of letters and digits that is a generated id, not a word: base36/base62
// tokens and short hashes ("7f3a2c", "3hwupn", "aB3xYz9Q", "a1b2c3d4"). At least 6 characters
// with letters and digits, and one of: a hex digest fragment (7+ hex digits); letters and digits
// alternating twice or more ("qai3md"), unless it reads as words around a short number
// ("base64url": letter runs of 3+ around at most 2 digits); digits then 4+ letters ("3hwupn").
// Not ids: a word followed by a number ("user123", "order2024": the word is the template, the
// number a <num>), and anything shorter ("v2", "utf8", "k8s", "i18n", "x64").
bool looks_like_generated_id(std::string_view t) {
  if (t.size() < 6) return false;
  int transitions = 0, digits = 0;
  size_t run = 0, shortest_letter_run = sv::npos, letters_after_digits = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!is_alnum(t[i])) return false;
    bool d = is_digit(t[i]);
    digits += d;
    if (i > 0 && d != is_digit(t[i - 1])) {
      ++transitions;
      if (!is_digit(t[i - 1])) shortest_letter_run = std::min(shortest_letter_run, run);
      run = 0;
    }
    ++run;
  }
  if (!is_digit(t.back())) {
    shortest_letter_run = std::min(shortest_letter_run, run);
    letters_after_digits = run;
  }
  if (digits == 0 || digits == static_cast<int>(t.size())) return false;
  if (t.size() >= 7 && all_of(t, is_hex)) return true;
  if (transitions >= 2) return !(shortest_letter_run >= 3 && digits <= 2);
  return is_digit(t[0]) && letters_after_digits >= 4;
}

namespace {

constexpr size_t kMaxMessage = 2048;  // what of a message is looked at for grouping

// "a.b.c" -> "c"; drops "()", "(intermediate value).", quotes; short/minified names -> <min>.
std::string subject_of(sv expr) {
  expr = trim(expr);
  while (!expr.empty() && (expr.front() == '\'' || expr.front() == '"' || expr.front() == '`')) expr.remove_prefix(1);
  while (!expr.empty() && (expr.back() == '\'' || expr.back() == '"' || expr.back() == '`')) expr.remove_suffix(1);
  if (ends_with(expr, "()")) expr.remove_suffix(2);
  size_t dot = expr.find_last_of('.');
  if (dot != sv::npos) expr = expr.substr(dot + 1);
  if (expr.empty() || expr.size() > 64) return {};
  for (char c : expr)
    if (!(is_alnum(c) || c == '_' || c == '$')) return {};
  if (expr.size() <= 2) return "<min>";
  return std::string(expr);
}

// Whether JavaScript source text uses the operator keyword `word` (`in`, `of`) between two
// operands. JavaScriptCore quotes the source it evaluated in its messages, and minified code
// leaves out every space it can: `'flag' in value` becomes `"flag"in t`, `for (const [k, v] of
// list)` becomes `for(const[k,v]of e)`. So the keyword is found by its neighbours not being
// identifier characters, not by the spaces around it.
bool has_operator_word(sv text, sv word) {
  auto ident = [](char c) { return is_alnum(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80; };
  for (size_t i = text.find(word); i != sv::npos; i = text.find(word, i + 1)) {
    size_t end = i + word.size();
    if (i > 0 && end < text.size() && !ident(text[i - 1]) && !ident(text[end])) return true;
  }
  return false;
}

}  // namespace

std::string canonical_type(std::string_view type, std::string_view message) {
  if (type == "InternalError" && contains(message, "too much recursion")) return "RangeError";
  if (type.empty()) return "Error";
  return std::string(type.substr(0, 128));
}

namespace {

// The rules: src/message_rules.txt (its head explains the lines), without comments.
constexpr char kRules[] =
#include "message_rules.inc"
    ;

// Whether `a` and `b` are the same text, letters compared case-insensitively when `icase`.
bool same(sv a, sv b, bool icase) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(icase && lower(a[i]) == lower(b[i]))) return false;
  return true;
}

bool is_wildcard(char c) { return c == '*' || c == '$' || c == '#' || c == '%'; }

// Whether the section line's types ("TypeError =InternalError", "=", "*") take `type`.
bool types_take(sv types, sv type) {
  for (size_t i = 0; i < types.size();) {
    size_t end = std::min(types.find(' ', i), types.size());
    sv t = types.substr(i, end - i);
    if (t == "*" || (t[0] == '=' ? t.substr(1) == type : (type.empty() || t == type))) return true;
    i = end + 1;
  }
  return false;
}

// Matches `text` against one pattern line (wildcards as in message_rules.txt); the subject of a
// `$` or `#` goes to `subject`.
bool matches(sv pattern, bool icase, sv text, std::string& subject) {
  size_t pos = 0;     // in text: where the text after the last literal matched starts
  char wildcard = 0;  // the wildcard before the literal being matched (0: the literal is a prefix)
  sv word;            // the operator keyword of a `%`
  for (size_t i = 0;;) {
    size_t j = i;
    while (j < pattern.size() && !is_wildcard(pattern[j])) ++j;
    sv literal = pattern.substr(i, j - i);
    size_t at = 0;
    if (wildcard && j == pattern.size()) {  // the last literal ends the text
      if (text.size() < pos + literal.size()) return false;
      at = text.size() - literal.size();
    } else if (wildcard) {  // its first occurrence
      at = icase ? pos : text.find(literal, pos);
      while (icase && at + literal.size() <= text.size() && !same(text.substr(at, literal.size()), literal, true)) ++at;
      if (at == sv::npos || at + literal.size() > text.size()) return false;
    }
    if (!same(text.substr(at, literal.size()), literal, icase)) return false;
    sv captured = text.substr(pos, at - pos);
    if (wildcard == '%' && !has_operator_word(captured, word)) return false;
    if (wildcard == '$' || wildcard == '#') subject = subject_of(captured);
    if (wildcard == '#' && (subject.empty() || subject == "<min>" || contains(captured, " "))) return false;
    pos = at + literal.size();
    if (j == pattern.size()) return pos == text.size();
    wildcard = pattern[j];
    for (i = j + 1; wildcard == '%' && i < pattern.size() && is_alpha(pattern[i]);) ++i;
    word = pattern.substr(j + 1, i - j - 1);
  }
}

// One pattern line of the table, with the section and kind it is under.
struct Rule {
  sv types;  // the section's types
  sv kind;
  sv pattern;
  bool first_line_only;
  bool icase;
  // The literal text the pattern starts and ends with: most patterns fail on them, compared before
  // the pattern is read.
  sv head, tail;
};

Rule make_rule(sv types, sv kind, sv pattern, bool first_line_only) {
  bool icase = !pattern.empty() && pattern[0] == '~';
  if (icase) pattern.remove_prefix(1);
  Rule rule{types, kind, pattern, first_line_only, icase, {}, {}};
  size_t first = sv::npos, after_last = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!is_wildcard(pattern[i])) continue;
    if (first == sv::npos) first = i;
    after_last = i + 1;
    if (pattern[i] == '%')
      while (after_last < pattern.size() && is_alpha(pattern[after_last])) ++after_last;
  }
  rule.head = pattern.substr(0, first);  // without a wildcard: the whole pattern
  if (first != sv::npos) rule.tail = pattern.substr(after_last);
  return rule;
}

// The table's lines, split once (reading the text line by line for every message cost more than
// matching it).
const std::vector<Rule>& rules() {
  static const std::vector<Rule> parsed = [] {
    std::vector<Rule> out;
    sv text(kRules, sizeof kRules - 1), types, kind;
    for (size_t i = 0; i < text.size();) {
      size_t end = std::min(text.find('\n', i), text.size());
      sv line = text.substr(i, end - i);
      i = end + 1;
      if (line.empty()) continue;
      if (line[0] == '@') types = line.substr(1);
      else if (line[0] == '>') kind = line.substr(1);
      else out.push_back(make_rule(types, kind, line[0] == '^' ? line.substr(1) : line, line[0] == '^'));
    }
    return out;
  }();
  return parsed;
}

}  // namespace

std::string canonicalize_message(std::string_view type, std::string_view message, bool dom_exception) {
  sv m = trim(message.substr(0, kMaxMessage));
  sv l1 = first_line(m);
  std::string subject;
  sv section;
  bool section_takes_type = false;
  for (const Rule& rule : rules()) {
    if (rule.types.data() != section.data()) {
      section = rule.types;
      section_takes_type = types_take(section, type);
    }
    if (!section_takes_type || (!dom_exception && rule.kind == "dom:")) continue;
    sv text = rule.first_line_only ? l1 : m;
    if (text.size() < rule.head.size() + rule.tail.size()) continue;
    if (!rule.head.empty() && (lower(text[0]) != lower(rule.head[0]) || !same(text.substr(0, rule.head.size()), rule.head, rule.icase)))
      continue;
    if (!rule.tail.empty() && (lower(text.back()) != lower(rule.tail.back()) ||
                               !same(text.substr(text.size() - rule.tail.size()), rule.tail, rule.icase)))
      continue;
    subject.clear();
    if (!matches(rule.pattern, rule.icase, text, subject)) continue;
    std::string out(rule.kind);
    if (ends_with(rule.kind, ":")) return out.append(type);
    return subject.empty() ? out : out + ":" + subject;
  }
  return "msg:" + parameterize_message(m);
}

namespace {

bool looks_like_uuid(sv t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? t[i] != '-' : !is_hex(t[i])) return false;
  }
  return true;
}

bool looks_like_ipv4(sv t) {
  int parts = 0;
  size_t i = 0;
  while (i < t.size()) {
    size_t j = i;
    while (j < t.size() && is_digit(t[j])) ++j;
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == t.size()) break;
    if (t[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool looks_like_date(sv t) {  // 2024-11-02, 2024-11-02T10:11:12Z, 10:11:12
  if (t.size() >= 10 && is_digit(t[0]) && is_digit(t[3]) && t[4] == '-' && is_digit(t[5]) && t[7] == '-') return true;
  if (t.size() >= 5 && is_digit(t[0]) && is_digit(t[1]) && t[2] == ':' && is_digit(t[3])) return true;
  return false;
}

bool looks_like_hex_id(sv t) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return all_of(t.substr(2), is_hex);
  if (t.size() < 7 || !all_of(t, is_hex)) return false;
  bool digit = false, letter = false, upper = false;
  for (char c : t) {
    (is_digit(c) ? digit : letter) = true;
    upper = upper || (c >= 'A' && c <= 'F');
  }
  // Letters alone ("deadbeef", "CAFEBABE"), 8 or more of one case: a digest or a sentinel value.
  // No word of a message is spelt with a-f alone that long, and a value of 8 hex digits is letters
  // alone once in about 2 600.
  if (!digit) return t.size() >= 8 && (!upper || all_of(t, [](char c) { return c >= 'A' && c <= 'F'; }));
  return letter;
}

// Classifies one whitespace-delimited word (punctuation at its ends is kept outside).
// An e-mail address: local part "@" domain. The domain may have no dot: validators report exactly
// the addresses they reject ("Invalid e-mail address: bob@example"), and "root@localhost" is a
// valid form. Not: "@scope/pkg" (nothing before "@"), "react@18.2.0" (a package and its version:
// the domain must start with a letter).
bool looks_like_email(sv w) {
  size_t at = w.find('@');
  if (at == sv::npos || at == 0 || at + 1 >= w.size()) return false;
  sv domain = w.substr(at + 1);
  if (!is_alpha(domain[0])) return false;
  for (char c : domain)
    if (!(is_alnum(c) || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

// A run of hex digits that reads as a value, not as a word with a number: at least 4 characters,
// digits and letters, starting with a digit or alternating ("9beae", "a1f3e"; not "abc123", which
// is a word and a number, nor "e2e").
bool looks_like_short_hex(sv run) {
  if (run.size() < 4 || !all_of(run, is_hex)) return false;
  int transitions = 0, digits = 0;
  for (size_t i = 0; i < run.size(); ++i) {
    digits += is_digit(run[i]);
    if (i > 0 && is_digit(run[i]) != is_digit(run[i - 1])) ++transitions;
  }
  if (digits == 0 || digits == static_cast<int>(run.size())) return false;
  return is_digit(run[0]) || transitions >= 2;
}

std::string param_word(sv w) {
  if (contains(w, "://")) return "<url>";
  if (looks_like_email(w)) return "<email>";
  if (looks_like_uuid(w)) return "<uuid>";
  if (looks_like_ipv4(w)) return "<ip>";
  if (looks_like_date(w)) return "<date>";
  if (looks_like_hex_id(w)) return "<hex>";
  // Generated ids inside a word are replaced as a whole ("draft_7f3a2c" -> "draft_<id>"), not
  // digit by digit (which would leave the letters and make every value a new template):
  //  - a base36/base62 or hex id (looks_like_generated_id, looks_like_short_hex);
  //  - the value of a prefixed id: after a word and '_' or '-', a run with a digit is the id
  //    whatever its shape ("c_77", "c_9beae", "inv_2024", "order-17" -> "c_<id>", ...);
  //  - a hex literal after '#' ("#12ab", "#1f2", "#404" -> "<hex>", as "0xff00ff" is).
  std::string ided;
  bool any_id = false;
  bool prev_has_letter = false;
  for (size_t i = 0; i < w.size();) {
    if (!is_alnum(w[i])) {
      ided += w[i++];
      continue;
    }
    size_t j = i;
    while (j < w.size() && is_alnum(w[j])) ++j;
    sv run = w.substr(i, j - i);
    bool has_digit = std::any_of(run.begin(), run.end(), is_digit);
    bool prefixed = i > 0 && (w[i - 1] == '_' || w[i - 1] == '-') && prev_has_letter && i >= 2 && is_alnum(w[i - 2]);
    if (i > 0 && w[i - 1] == '#' && all_of(run, is_hex) && (has_digit || run.size() == 3 || run.size() == 6)) {
      ided.pop_back();
      ided += "<hex>";
      any_id = true;
    } else if (looks_like_generated_id(run) || looks_like_short_hex(run) || (prefixed && has_digit)) {
      ided += "<id>";
      any_id = true;
    } else {
      ided.append(run);
    }
    prev_has_letter = std::any_of(run.begin(), run.end(), is_alpha);
    i = j;
  }
  sv src = any_id ? sv(ided) : w;
  // Any remaining digit run becomes <num>: "17", "-3.5", "order_17", "#404", "12ms", "v2".
  std::string out;
  size_t i = 0;
  bool replaced = any_id;
  while (i < src.size()) {
    if (is_digit(src[i]) || ((src[i] == '-' || src[i] == '+') && i + 1 < src.size() && is_digit(src[i + 1]) && (i == 0 || !is_alnum(src[i - 1])))) {
      size_t j = i + 1;
      while (j < src.size() && (is_digit(src[j]) || ((src[j] == '.' || src[j] == ',') && j + 1 < src.size() && is_digit(src[j + 1])))) ++j;
      out += "<num>";
      replaced = true;
      i = j;
    } else {
      out += src[i++];
    }
  }
  return replaced ? out : std::string(w);
}

bool is_quote(char c) { return c == '\'' || c == '"' || c == '`'; }

}  // namespace

std::string parameterize_message(std::string_view message) {
  sv m = message.substr(0, kMaxMessage);
  std::string out;
  out.reserve(m.size());
  size_t i = 0;
  auto emit_space = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  while (i < m.size()) {
    char c = m[i];
    if (is_space(c)) {
      emit_space();
      ++i;
      continue;
    }
    // A quoted value: an opening quote not preceded by a letter (so "can't" is not a quote).
    if (is_quote(c) && (i == 0 || !is_alnum(m[i - 1]))) {
      size_t close = m.find(c, i + 1);
      if (close != sv::npos && close - i <= 200 && m.substr(i + 1, close - i - 1).find('\n') == sv::npos &&
          (close + 1 == m.size() || !is_alnum(m[close + 1]))) {
        out += "<str>";
        i = close + 1;
        continue;
      }
    }
    size_t j = i;
    while (j < m.size() && !is_space(m[j])) ++j;
    sv word = m.substr(i, j - i);
    // Keep surrounding punctuation out of the classification: "(id=17)," -> "(id=<num>),".
    size_t b = 0, e = word.size();
    while (b < e && (word[b] == '(' || word[b] == '[' || word[b] == '{' || word[b] == '<' || is_quote(word[b]))) ++b;
    while (e > b && (word[e - 1] == ')' || word[e - 1] == ']' || word[e - 1] == '}' || word[e - 1] == '>' ||
                     word[e - 1] == ',' || word[e - 1] == ';' || word[e - 1] == ':' || word[e - 1] == '.' ||
                     word[e - 1] == '!' || word[e - 1] == '?' || is_quote(word[e - 1])))
      --e;
    sv core = word.substr(b, e - b);
    // key=value pairs: parameterize the value only.
    size_t eq = core.find('=');
    out.append(word.substr(0, b));
    if (eq != sv::npos && eq > 0 && eq + 1 < core.size() && !contains(core, "://")) {
      // The key too: "/api/orders/1842?page=2" -> "/api/orders/<num>?page=<num>".
      out += param_word(core.substr(0, eq));
      out += '=';
      out += param_word(core.substr(eq + 1));
    } else {
      out += param_word(core);
    }
    out.append(word.substr(e));
    i = j;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string parameterize_request(std::string_view request) {
  // "GET https://api.example/users/17/orders?x=1" -> "GET https://api.example/users/<num>/orders"
  sv r = trim(request.substr(0, 2048));
  size_t q = r.find_first_of("?#");
  if (q != sv::npos) r = r.substr(0, q);
  std::string out;
  size_t scheme = r.find("://");
  size_t path_start = scheme == sv::npos ? 0 : r.find('/', scheme + 3);
  if (path_start == sv::npos) return std::string(r);
  out.append(r.substr(0, path_start));
  size_t i = path_start;
  while (i < r.size()) {
    size_t j = r.find('/', i + 1);
    if (j == sv::npos) j = r.size();
    out += '/';
    sv seg = r.substr(i + 1, j - i - 1);
    if (!seg.empty()) out += param_word(seg);
    i = j;
  }
  return out;
}

}  // namespace faultline
