#include "grouping.h"

#include <algorithm>
#include <cstdint>

namespace faultline {
namespace {

using sv = std::string_view;

constexpr size_t kMaxMessage = 2048;  // what of a message is looked at for grouping

bool starts_with(sv s, sv p) { return s.size() >= p.size() && s.compare(0, p.size(), p) == 0; }
bool ends_with(sv s, sv p) { return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0; }
bool contains(sv s, sv p) { return s.find(p) != sv::npos; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool istarts_with(sv s, sv p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (lower(s[i]) != lower(p[i])) return false;
  return true;
}

sv trim(sv s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

sv first_line(sv s) {
  size_t nl = s.find('\n');
  return nl == sv::npos ? s : s.substr(0, nl);
}

// ---- hashing: two FNV-1a-64 lanes with different offsets, finalised with a splitmix step -----
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string hash_parts(const std::vector<std::string>& parts) {
  uint64_t a = 0xCBF29CE484222325ULL, b = 0x84222325CBF29CE4ULL;
  auto feed = [&](sv bytes) {
    for (unsigned char c : bytes) {
      a = (a ^ c) * 0x100000001B3ULL;
      b = (b ^ c) * 0x100000001B3ULL;
      b ^= b >> 29;
    }
  };
  for (const auto& p : parts) {
    std::string len = std::to_string(p.size()) + ":";  // length-prefixed: no ambiguity between parts
    feed(len);
    feed(p);
  }
  // Hex by hand: snprintf would pull printf and float formatting into the WASM module.
  std::string out = "fl1:";
  static const char* digits = "0123456789abcdef";
  for (uint64_t v : {mix64(a ^ (b << 1)), mix64(b + 0x9E3779B97F4A7C15ULL * a)})
    for (int shift = 60; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xF];
  return out;
}

// ---- message canonicalization ----------------------------------------------------------------

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

// Text between `open` and the next `close` after it.
sv between(sv s, sv open, sv close) {
  size_t a = s.find(open);
  if (a == sv::npos) return {};
  a += open.size();
  size_t b = s.find(close, a);
  if (b == sv::npos) return {};
  return s.substr(a, b - a);
}

std::string kind(const char* k, const std::string& subject = {}) {
  return subject.empty() ? std::string(k) : std::string(k) + ":" + subject;
}

bool is_type(sv type, sv want) { return type.empty() || type == want; }

}  // namespace

std::string canonical_type(std::string_view type, std::string_view message) {
  if (type == "InternalError" && contains(message, "too much recursion")) return "RangeError";
  if (type.empty()) return "Error";
  return std::string(type.substr(0, 128));
}

std::string canonicalize_message(std::string_view type, std::string_view message) {
  sv m = trim(message.substr(0, kMaxMessage));
  sv l1 = first_line(m);

  // Reading/writing a property of null or undefined.
  if (is_type(type, "TypeError")) {
    if (starts_with(m, "Cannot read properties of ") || starts_with(m, "Cannot set properties of ") ||
        (starts_with(m, "Cannot read property ") && (ends_with(m, " of null") || ends_with(m, " of undefined"))) ||
        (starts_with(m, "Cannot set property ") && (ends_with(m, " of null") || ends_with(m, " of undefined"))) ||
        starts_with(m, "Cannot destructure ") || starts_with(m, "can't access property ") ||
        starts_with(m, "can't assign to property ") || ends_with(m, " is null") || ends_with(m, " is undefined") ||
        ends_with(m, " has no properties") || m == "Right side of assignment cannot be destructured" ||
        ((starts_with(m, "null is not an object") || starts_with(m, "undefined is not an object"))))
      return kind("nullish-property-access");
    // JSC reports a for-of over a non-iterable as "undefined is not a function (near '...y of x...')".
    if (contains(m, " is not a function (near '...") && contains(m, " of ")) {
      sv near = between(m, "(near '...", "...')");
      size_t of = near.rfind(" of ");
      return kind("not-iterable", of == sv::npos ? std::string() : subject_of(near.substr(of + 4)));
    }
    size_t nf = m.find(" is not a function");
    if (nf != sv::npos) return kind("not-a-function", subject_of(m.substr(0, nf)));
    size_t ni = m.find(" is not iterable");
    if (ni != sv::npos) return kind("not-iterable", subject_of(m.substr(0, ni)));
    size_t nc = m.find(" is not a constructor");
    if (nc != sv::npos) {
      sv evaluating = between(m, "(evaluating 'new ", "')");  // JSC names the value, not the callee
      if (!evaluating.empty()) {
        size_t paren = evaluating.find('(');
        return kind("not-a-constructor", subject_of(evaluating.substr(0, paren)));
      }
      return kind("not-a-constructor", subject_of(m.substr(0, nc)));
    }
    if (m == "Assignment to constant variable." || starts_with(m, "invalid assignment to const") ||
        m == "Attempted to assign to readonly property.")
      return kind("const-assignment");
    if (starts_with(m, "Converting circular structure to JSON") || m == "cyclic object value" ||
        m == "JSON.stringify cannot serialize cyclic structures.")
      return kind("cyclic-json");
    if (istarts_with(m, "reduce of empty array with no initial value")) return kind("empty-reduce");
    if (starts_with(m, "Cannot mix BigInt and other types") || m == "can't convert BigInt to number" ||
        starts_with(m, "Invalid mix of BigInt and other type"))
      return kind("bigint-mix");
    if (m == "Cannot convert a Symbol value to a string" || m == "can't convert symbol to string" ||
        m == "Cannot convert a symbol to a string")
      return kind("symbol-to-string");
    if (starts_with(m, "Cannot use 'in' operator") || starts_with(m, "right-hand side of 'in' should be an object") ||
        (contains(m, " is not an Object. (evaluating '") && contains(m, " in ")))
      return kind("in-operator-non-object");
    if (m == "Failed to fetch" || m == "NetworkError when attempting to fetch resource." || m == "Load failed" ||
        m == "Network request failed")
      return kind("fetch-failed");
    if (starts_with(m, "Failed to fetch dynamically imported module") ||
        starts_with(m, "error loading dynamically imported module") || m == "Importing a module script failed.")
      return kind("dynamic-import-failed");
  }
  if (is_type(type, "ReferenceError")) {
    size_t nd = m.find(" is not defined");
    if (nd != sv::npos && nd + 15 == m.size()) return kind("undefined-variable", subject_of(m.substr(0, nd)));
    if (starts_with(m, "Can't find variable: ")) return kind("undefined-variable", subject_of(m.substr(21)));
    if ((starts_with(m, "Cannot access '") && ends_with(m, "before initialization")) ||
        starts_with(m, "can't access lexical declaration") || m == "Cannot access uninitialized variable.")
      return kind("uninitialized-binding");
  }
  if (is_type(type, "RangeError") || type == "InternalError") {
    if (starts_with(m, "Maximum call stack size exceeded") || m == "too much recursion") return kind("stack-overflow");
    if (m == "Invalid array length" || m == "invalid array length" ||
        m == "Array length must be a positive integer of safe magnitude." ||
        m == "Array size is not a small enough positive integer.")
      return kind("invalid-array-length");
    if (starts_with(m, "toFixed() digits argument must be between") || starts_with(m, "toFixed() argument must be between") ||
        (starts_with(m, "precision ") && ends_with(m, " out of range")) ||
        starts_with(m, "toPrecision() argument must be between"))
      return kind("number-format-range");
    if (m == "Invalid time value" || m == "invalid date" || m == "Invalid Date") return kind("invalid-date");
  }
  if (is_type(type, "SyntaxError")) {
    if (contains(l1, " in JSON at position") || starts_with(m, "Unexpected end of JSON input") ||
        contains(l1, "is not valid JSON") || starts_with(m, "JSON.parse: ") || starts_with(m, "JSON Parse error:"))
      return kind("json-parse");
  }
  if (m == "Script error." || m == "Script error") return kind("script-error");
  return "msg:" + parameterize_message(m);
}

namespace {

bool all_of(sv s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

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
  bool digit = false, letter = false;
  for (char c : t) (is_digit(c) ? digit : letter) = true;
  return digit && letter;
}

// Classifies one whitespace-delimited word (punctuation at its ends is kept outside).
std::string param_word(sv w) {
  if (contains(w, "://")) return "<url>";
  size_t at = w.find('@');
  if (at != sv::npos && at > 0 && w.find('.', at) != sv::npos) return "<email>";
  if (looks_like_uuid(w)) return "<uuid>";
  if (looks_like_ipv4(w)) return "<ip>";
  if (looks_like_date(w)) return "<date>";
  if (looks_like_hex_id(w)) return "<hex>";
  // Any digit run becomes <num>: "17", "-3.5", "order_17", "#404", "12ms", "v2".
  std::string out;
  size_t i = 0;
  bool replaced = false;
  while (i < w.size()) {
    if (is_digit(w[i]) || ((w[i] == '-' || w[i] == '+') && i + 1 < w.size() && is_digit(w[i + 1]) && (i == 0 || !is_alnum(w[i - 1])))) {
      size_t j = i + 1;
      while (j < w.size() && (is_digit(w[j]) || ((w[j] == '.' || w[j] == ',') && j + 1 < w.size() && is_digit(w[j + 1])))) ++j;
      out += "<num>";
      replaced = true;
      i = j;
    } else {
      out += w[i++];
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
      out.append(core.substr(0, eq + 1));
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

std::string normalize_function(std::string_view function) {
  sv f = trim(function);
  if (starts_with(f, "async*")) f.remove_prefix(6);  // Firefox async frames
  for (bool again = true; again;) {
    again = false;
    for (sv p : {sv("async "), sv("new "), sv("bound "), sv("*")}) {
      if (starts_with(f, p)) {
        f.remove_prefix(p.size());
        again = true;
      }
    }
  }
  size_t as = f.find(" [as ");
  if (as != sv::npos) f = f.substr(0, as);
  // Firefox nests names with '/': "outer/inner"; "render/<" is an anonymous function inside render.
  if (ends_with(f, "/<") || (ends_with(f, "<") && !ends_with(f, "<anonymous>"))) return {};
  size_t slash = f.find_last_of('/');
  if (slash != sv::npos) f = f.substr(slash + 1);
  size_t dot = f.find_last_of('.');
  if (dot != sv::npos && dot + 1 < f.size()) f = f.substr(dot + 1);
  static const sv kAnonymous[] = {"?", "<anonymous>", "anonymous", "Anonymous function", "<anonymous function>",
                                  "global code", "Global code", "module code", "eval code", "eval",
                                  "(anonymous function)", "(anonymous)", "(null)", ""};
  for (sv a : kAnonymous)
    if (f == a) return {};
  if (f.size() > 128) f = f.substr(0, 128);
  if (f.size() <= 2) return "<min>";  // minifier-looking names change on every build
  return std::string(f);
}

namespace {

bool is_hash_token(sv t, bool last_after_dash) {
  if (t.empty()) return false;
  if (all_of(t, is_digit)) return true;                       // chunk ids: 123.js, app.7.js
  if (t == "min" || t == "prod" || t == "production") return true;
  bool digit = false, upper = false, lowerc = false;
  for (char c : t) {
    if (is_digit(c)) digit = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lowerc = true;
    else if (c != '_' && c != '-') return false;
  }
  if (t.size() >= 7 && all_of(t, is_hex) && digit && (upper || lowerc)) return true;  // 3f2a1b9c
  if (t.size() >= 8 && digit && upper && lowerc) return true;                        // BnRzX8aF
  if (last_after_dash && t.size() == 8 && upper && lowerc) return true;  // Vite's [name]-[hash] without digits
  if (t.size() >= 2 && t[0] == 'v' && all_of(t.substr(1), is_digit)) return true;  // v2
  return false;
}

}  // namespace

std::string normalize_file(std::string_view filename) {
  sv f = trim(filename);
  if (f.empty()) return {};
  if (f == "native" || f == "native code" || f == "[native code]" || f == "<anonymous>") return "<native>";
  if (starts_with(f, "<data:") || starts_with(f, "data:")) return "<data>";
  if (starts_with(f, "blob:")) f.remove_prefix(5);
  size_t scheme = f.find("://");
  if (scheme != sv::npos && scheme < 32) {
    f = f.substr(scheme + 3);
    size_t slash = f.find('/');
    f = slash == sv::npos ? sv() : f.substr(slash);
  }
  size_t q = f.find_first_of("?#");
  if (q != sv::npos) f = f.substr(0, q);
  size_t sep = f.find_last_of("/\\");
  sv base = sep == sv::npos ? f : f.substr(sep + 1);
  if (base.empty()) return "<root>";
  // Split off the extension, then drop hash-like tokens from the stem.
  sv ext;
  size_t dot = base.find_last_of('.');
  if (dot != sv::npos && dot > 0 && base.size() - dot <= 6) {
    ext = base.substr(dot);
    base = base.substr(0, dot);
  }
  std::vector<sv> kept;
  size_t i = 0;
  while (i <= base.size()) {
    size_t j = base.find_first_of(".-_~", i);
    if (j == sv::npos) j = base.size();
    sv tok = base.substr(i, j - i);
    bool last_after_dash = j == base.size() && i > 0 && base[i - 1] == '-';
    if (!tok.empty() && !is_hash_token(tok, last_after_dash)) kept.push_back(tok);
    i = j + 1;
  }
  std::string out;
  for (size_t k = 0; k < kept.size(); ++k) {
    if (k) out += '.';
    out.append(kept[k]);
  }
  if (out.empty()) out = "<chunk>";
  out.append(ext);
  return out;
}

namespace {

bool has_prefix_in(sv s, const std::vector<std::string>& list) {
  for (const auto& p : list)
    if (!p.empty() && s.find(p) != sv::npos) return true;
  return false;
}

sv origin_of(sv url) {
  size_t scheme = url.find("://");
  if (scheme == sv::npos) return {};
  size_t slash = url.find('/', scheme + 3);
  return url.substr(0, slash);
}

}  // namespace

void classify_frames(std::vector<Frame>& frames, const GroupingOptions& opts) {
  for (auto& f : frames) {
    sv file = f.filename;
    bool in_app = true;
    if (f.native || f.eval || file.empty() || starts_with(file, "<data:")) in_app = false;
    else if (starts_with(file, "chrome-extension://") || starts_with(file, "moz-extension://") ||
             starts_with(file, "safari-extension://") || starts_with(file, "safari-web-extension://") ||
             starts_with(file, "ms-browser-extension://") || starts_with(file, "chrome://") ||
             starts_with(file, "resource://"))
      in_app = false;
    else if (starts_with(file, "node:") || starts_with(file, "internal/")) in_app = false;
    else if (has_prefix_in(file, opts.sdk_markers)) in_app = false;
    else if (contains(file, "/node_modules/")) in_app = false;
    else if (!opts.first_party_origins.empty() && (starts_with(file, "http://") || starts_with(file, "https://"))) {
      sv origin = origin_of(file);
      in_app = false;
      for (const auto& o : opts.first_party_origins)
        if (origin == sv(o)) in_app = true;
    }
    if (has_prefix_in(file, opts.in_app_exclude)) in_app = false;
    else if (!f.native && has_prefix_in(file, opts.in_app_include)) in_app = true;
    f.in_app = in_app;
  }
}

namespace {

// The throw site: the innermost in-app frame (or innermost non-native frame when none is
// in-app), as "file:function". An anonymous function is named by its caller ("?>render"),
// which engines agree on even when they name the anonymous function differently.
std::string frame_token(const std::vector<Frame>& frames, std::string_view error_type, json& explain) {
  auto usable = [&](const Frame& f, bool need_app) { return !f.native && !f.filename.empty() && (!need_app || f.in_app); };
  bool any_app = std::any_of(frames.begin(), frames.end(), [](const Frame& f) { return f.in_app; });
  // SpiderMonkey and JavaScriptCore show an Error subclass's own constructor as the innermost
  // frame ("PaymentError@app.js"); V8 hides it. Skip it so the engines agree.
  const std::string ctor = normalize_function(error_type);
  bool innermost = true;
  for (size_t k = frames.size(); k-- > 0;) {
    const Frame& f = frames[k];
    if (!usable(f, any_app)) continue;
    std::string fn = normalize_function(f.function);
    if (innermost && !ctor.empty() && fn == ctor && k > 0) {
      innermost = false;
      continue;
    }
    innermost = false;
    if (fn.empty()) {
      std::string caller;
      for (size_t c = k; c-- > 0;) {
        if (!usable(frames[c], any_app)) continue;
        caller = normalize_function(frames[c].function);
        break;
      }
      fn = "?>" + caller;
    }
    std::string token = normalize_file(f.filename) + ":" + fn;
    explain = json{{"frame", token}, {"function", f.function}, {"filename", f.filename}, {"in_app", f.in_app}};
    return token;
  }
  return {};
}

std::string make_title(sv type, sv value) {
  std::string t(type.empty() ? sv("Error") : type);
  sv v = trim(first_line(value));
  if (!v.empty()) {
    t += ": ";
    t.append(v.substr(0, 200));
  }
  return t;
}

}  // namespace

GroupingResult compute_grouping(const std::vector<ExceptionInput>& chain, const GroupingOptions& opts) {
  GroupingResult r;
  if (chain.empty()) return compute_message_grouping("<empty>", opts);
  const ExceptionInput& top = chain[0];
  r.canonical_type = canonical_type(top.type, top.value);
  r.message_key = canonicalize_message(top.type, top.value);
  r.title = make_title(top.type.empty() ? sv("Error") : sv(top.type), top.value);

  std::vector<std::string> parts = {"exception", r.canonical_type, r.message_key};
  json explain_frame;
  // Network failures raised by the DOM carry a stack in V8 but none in SpiderMonkey or JSC, so
  // frames cannot group them across engines; the failed request can (method + parameterized
  // origin and path), which also keeps different endpoints apart.
  const bool network = r.message_key == "fetch-failed" || r.message_key == "dynamic-import-failed";
  // A thrown non-Error value has no stack of its own; where engines say it came from differs
  // (V8 and SpiderMonkey name the script, JSC may not), so its description alone groups it.
  const bool synthetic_value = top.synthetic && r.message_key != "script-error";
  std::string token = network || synthetic_value ? std::string() : frame_token(top.frames, top.type, explain_frame);
  std::string strategy = "stack";
  if (network) {
    strategy = "request";
    if (!top.request.empty()) {
      parts.push_back("request:" + parameterize_request(top.request));
      r.parts["request"] = parts.back();
    }
  } else if (!token.empty()) {
    parts.push_back(token);
  } else if (!top.filename.empty() && !synthetic_value) {
    // No stack (e.g. an ErrorEvent without an error object): where it happened is all we have.
    strategy = "location";
    parts.push_back("at:" + normalize_file(top.filename));
    if (r.message_key == "script-error" && top.lineno > 0) parts.push_back("line:" + std::to_string(top.lineno));
  } else {
    strategy = "message";
  }
  json causes = json::array();
  for (size_t i = 1; i < chain.size() && i < 6; ++i) {
    std::string key = canonical_type(chain[i].type, chain[i].value) + "|" + canonicalize_message(chain[i].type, chain[i].value);
    parts.push_back("cause:" + key);
    causes.push_back(key);
  }
  r.fingerprint = hash_parts(parts);
  if (!r.parts.is_object()) r.parts = json::object();
  r.parts["version"] = "fl1";
  r.parts["strategy"] = strategy;
  r.parts["type"] = r.canonical_type;
  r.parts["message"] = r.message_key;
  if (!token.empty()) r.parts["frame"] = explain_frame;
  if (strategy == "location") r.parts["location"] = parts[3];
  if (!causes.empty()) r.parts["causes"] = std::move(causes);
  if (top.synthetic) r.parts["synthetic"] = true;
  return r;
}

GroupingResult compute_message_grouping(std::string_view message, const GroupingOptions&) {
  GroupingResult r;
  r.canonical_type = "Message";
  r.message_key = "msg:" + parameterize_message(message);
  r.title = std::string(trim(first_line(message)).substr(0, 200));
  if (r.title.empty()) r.title = "<empty message>";
  r.fingerprint = hash_parts({"message", r.message_key});
  r.parts = json{{"version", "fl1"}, {"strategy", "message"}, {"message", r.message_key}};
  return r;
}

std::vector<std::string> event_fingerprint(const GroupingResult& computed, const std::vector<std::string>& user) {
  std::vector<std::string> out;
  for (const auto& p : user) {
    if (out.size() == 16) break;  // bounded: the list is kept per tracked group
    sv t = trim(p);
    out.push_back(t == "{{ default }}" || t == "{{default}}" ? computed.fingerprint : std::string(t.substr(0, 512)));
  }
  if (out.empty()) out.push_back(computed.fingerprint);
  return out;
}

std::string apply_fingerprint_override(const GroupingResult& computed, const std::vector<std::string>& user) {
  if (user.empty()) return computed.fingerprint;
  std::vector<std::string> parts = event_fingerprint(computed, user);
  if (parts.size() == 1 && parts[0] == computed.fingerprint) return computed.fingerprint;
  parts.insert(parts.begin(), "override");
  return hash_parts(parts);
}

}  // namespace faultline
