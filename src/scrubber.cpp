#include "scrubber.h"

namespace faultline {
namespace {

using sv = std::string_view;
constexpr const char* kFiltered = "[Filtered]";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
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

size_t match_bearer(sv t, size_t i, size_t& token_start) {
  if (!ieq_prefix(t, i, "bearer ") || (i > 0 && is_alnum(t[i - 1]))) return sv::npos;
  size_t p = i + 7;
  while (p < t.size() && t[p] == ' ') ++p;
  size_t s = p;
  while (p < t.size() && (is_b64url(t[p]) || t[p] == '.' || t[p] == '~' || t[p] == '+' || t[p] == '/' || t[p] == '=')) ++p;
  if (p - s < 8) return sv::npos;
  token_start = s;
  return p;
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

bool Scrubber::is_sensitive_key(std::string_view key) const {
  if (key.empty() || key.size() > 256) return false;
  for (const auto& safe : opts_.safe_keys) {
    if (safe.size() != key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) same = lower(safe[i]) == lower(key[i]);
    if (same) return false;
  }
  std::string norm = normalize_key(key);
  static const char* kJoined[] = {"password", "passwd", "secret", "apikey", "authorization", "creditcard", "cardnumber",
                                  "privatekey", "accesskey", "setcookie", "accesstoken", "refreshtoken", "idtoken",
                                  "sessionid", "credential", "xsrf", "csrf"};
  for (const char* j : kJoined)
    if (norm.find(j) != std::string::npos) return true;
  static const char* kWords[] = {"pwd", "token", "auth", "session", "cookie", "cookies", "cvv", "cvc", "ssn",
                                 "jwt", "bearer", "sig", "signature", "pin", "otp", "secret"};
  for (const auto& w : key_words(key))
    for (const char* s : kWords)
      if (w == s) return true;
  for (const auto& k : extra_keys_norm_)
    if (norm.find(k) != std::string::npos) return true;
  return false;
}

std::string Scrubber::scrub_text(std::string_view t) const {
  if (t.empty()) return {};
  std::string out;
  out.reserve(t.size());
  size_t i = 0;
  size_t copied = 0;  // t[copied, i) is pending copy
  auto replace = [&](size_t start, size_t end, sv with) {
    out.append(t.substr(copied, start - copied));
    out.append(with);
    copied = i = end;
  };
  while (i < t.size()) {
    char c = t[i];
    size_t end, start;
    if (c == 'e' && (end = match_jwt(t, i)) != sv::npos) { replace(i, end, "[jwt]"); continue; }
    if ((c == 'b' || c == 'B') && (end = match_bearer(t, i, start)) != sv::npos) {
      out.append(t.substr(copied, start - copied));
      out.append("[token]");
      copied = i = end;
      continue;
    }
    if (c == '=' && i > 0) {
      // key=value with a sensitive key: "password=hunter2", "?api_key=abc&x=1"
      size_t k = i;
      while (k > 0 && (is_alnum(t[k - 1]) || t[k - 1] == '_' || t[k - 1] == '-' || t[k - 1] == '.')) --k;
      size_t v = i + 1, e = v;
      while (e < t.size() && !is_space(t[e]) && t[e] != '&' && t[e] != ';' && t[e] != ',' && t[e] != '"' && t[e] != '\'' && t[e] != '#') ++e;
      if (k < i && e > v && is_sensitive_key(t.substr(k, i - k)) && t.substr(v, e - v) != kFiltered) {
        out.append(t.substr(copied, v - copied));
        out.append(kFiltered);
        copied = i = e;
        continue;
      }
    }
    if (c == '@' && !opts_.send_default_pii && (end = match_email(t, i, start)) != sv::npos && start >= copied) {
      replace(start, end, "[email]");
      continue;
    }
    if (is_digit(c)) {
      if ((end = match_card(t, i)) != sv::npos) { replace(i, end, "[card]"); continue; }
      if (!opts_.send_default_pii && (end = match_ipv4(t, i)) != sv::npos) { replace(i, end, "[ip]"); continue; }
    }
    if (!opts_.send_default_pii && (is_hex(c) || c == ':') && (end = match_ipv6(t, i)) != sv::npos) {
      replace(i, end, "[ip]");
      continue;
    }
    bool matched = false;
    for (const auto& pat : opts_.extra_patterns) {
      if (pattern_match_at(pat, t, i, end)) {
        replace(i, end, kFiltered);
        matched = true;
        break;
      }
    }
    if (matched) continue;
    // Skip the rest of a word quickly: detectors only start at word starts, '@', '=' and digits.
    ++i;
  }
  out.append(t.substr(copied));
  return out;
}

std::string Scrubber::scrub_url(std::string_view url) const {
  // user:password@host -> [Filtered]@host
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
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) scrub_value(it.value(), it.key(), depth + 1);
  } else if (value.is_array()) {
    for (auto& item : value) scrub_value(item, {}, depth + 1);
  }
}

void Scrubber::scrub_event(json& ev) const {
  if (!ev.is_object()) return;
  auto scrub_str = [&](json& obj, const char* key, bool url) {
    auto it = obj.find(key);
    if (it != obj.end() && it->is_string()) *it = url ? scrub_url(it->get_ref<const std::string&>()) : scrub_text(it->get_ref<const std::string&>());
  };
  if (auto ex = ev.find("exception"); ex != ev.end() && ex->is_object()) {
    if (auto vals = ex->find("values"); vals != ex->end() && vals->is_array()) {
      for (auto& v : *vals) {
        if (!v.is_object()) continue;
        scrub_str(v, "value", false);
        auto st = v.find("stacktrace");
        if (st == v.end() || !st->is_object()) continue;
        auto frames = st->find("frames");
        if (frames == st->end() || !frames->is_array()) continue;
        for (auto& f : *frames) {
          if (!f.is_object()) continue;
          for (const char* k : {"filename", "abs_path"}) {
            auto it = f.find(k);
            if (it != f.end() && it->is_string() && it->get_ref<const std::string&>().find_first_of("?@#=") != std::string::npos)
              *it = scrub_url(it->get_ref<const std::string&>());
          }
        }
      }
    }
  }
  if (auto le = ev.find("logentry"); le != ev.end() && le->is_object()) {
    scrub_str(*le, "formatted", false);
    scrub_str(*le, "message", false);
  }
  scrub_str(ev, "message", false);
  if (auto bc = ev.find("breadcrumbs"); bc != ev.end() && (bc->is_object() || bc->is_array())) {
    // Breadcrumbs as an array (how the SDK sends them) or as {values: [...]}.
    json* vals = &*bc;
    if (bc->is_object()) {
      auto v = bc->find("values");
      vals = v != bc->end() ? &*v : nullptr;
    }
    if (vals && vals->is_array()) {
      for (auto& b : *vals) {
        if (!b.is_object()) continue;
        scrub_str(b, "message", false);
        if (auto d = b.find("data"); d != b.end()) scrub_value(*d, {}, 1);
      }
    }
  }
  if (auto req = ev.find("request"); req != ev.end() && req->is_object()) {
    scrub_str(*req, "url", true);
    scrub_str(*req, "query_string", true);
    if (!opts_.send_default_pii) req->erase("cookies");
    if (auto h = req->find("headers"); h != req->end() && h->is_object()) {
      if (!opts_.send_default_pii) {
        for (auto it = h->begin(); it != h->end();) {
          std::string k = normalize_key(it.key());
          if (k == "cookie" || k == "authorization" || k == "setcookie" || k == "proxyauthorization") it = h->erase(it);
          else ++it;
        }
      }
      scrub_value(*h, {}, 1);
    }
    if (auto d = req->find("data"); d != req->end()) scrub_value(*d, {}, 1);
  }
  for (const char* bag : {"extra", "contexts", "tags"})
    if (auto it = ev.find(bag); it != ev.end()) scrub_value(*it, {}, 0);
  if (auto u = ev.find("user"); u != ev.end() && u->is_object()) {
    if (!opts_.send_default_pii) {
      u->erase("ip_address");
      u->erase("email");
    }
    scrub_value(*u, {}, 1);
  }
  scrub_str(ev, "transaction", true);
}

}  // namespace faultline
