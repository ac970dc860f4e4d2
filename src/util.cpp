#include "util.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "text.h"

namespace faultline {

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
  if (max_bytes < kEllipsis.size()) return std::string(kEllipsis.substr(0, 0));
  size_t cut = max_bytes - kEllipsis.size();
  // Step back over continuation bytes so we never split a code point.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out(s.substr(0, cut));
  out += kEllipsis;
  return out;
}

bool normalize_json(json& value, const NormalizeLimits& limits, int depth) {
  bool cut = false;
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.size() > limits.max_value_length) {
      value = truncate_utf8(s, limits.max_value_length);
      cut = true;
    }
  } else if (value.is_object() || value.is_array()) {
    if (depth >= limits.max_depth) {
      value = value.is_object() ? "[Object]" : "[Array]";
      return true;
    }
    if (json::array_t* a = items(value)) {
      if (a->size() > limits.max_breadth) {
        a->erase(a->begin() + static_cast<long>(limits.max_breadth), a->end());
        cut = true;
      }
      for (json& item : *a) cut |= normalize_json(item, limits, depth + 1);
    } else {
      json::object_t& o = *members(value);
      if (o.size() > limits.max_breadth) {  // an object: its first keys (in sorted order)
        o.erase(std::next(o.begin(), static_cast<long>(limits.max_breadth)), o.end());
        cut = true;
      }
      for (auto& member : o) cut |= normalize_json(member.second, limits, depth + 1);
    }
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    if (!std::isfinite(d)) {  // JSON has no NaN/Infinity
      value = std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
      cut = true;
    }
  }
  return cut;
}

namespace {
// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days,
// http://howardhinnant.github.io/date_algorithms.html). By hand rather than gmtime_r, which in
// WASM is an import into the glue together with the time-zone code it shares with localtime.
void civil_from_days(int64_t days, int& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;                                // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                  // [0, 11]
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2));
}
}  // namespace

std::string iso8601(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) seconds = 0;
  const auto whole = static_cast<int64_t>(seconds);
  int ms = static_cast<int>((seconds - static_cast<double>(whole)) * 1000.0);
  if (ms < 0) ms = 0;
  if (ms > 999) ms = 999;
  int year, month, day;
  civil_from_days(whole / 86400, year, month, day);
  const int secs = static_cast<int>(whole % 86400);
  // Formatted by hand: snprintf would pull printf and float formatting into the WASM module.
  std::string out;
  auto put = [&out](int v, int width) {
    char d[8];
    for (int i = width - 1; i >= 0; --i, v /= 10) d[i] = static_cast<char>('0' + v % 10);
    out.append(d, static_cast<size_t>(width));
  };
  put(year, 4), out += '-', put(month, 2), out += '-', put(day, 2), out += 'T';
  put(secs / 3600, 2), out += ':', put(secs / 60 % 60, 2), out += ':', put(secs % 60, 2), out += '.', put(ms, 3), out += 'Z';
  return out;
}

namespace {
uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed) { reseed(seed); }

void Rng::reseed(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix(x);
}

uint64_t Rng::next() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::string Rng::hex32() {
  uint64_t a = next(), b = next();
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) out[15 - i] = text::kHexDigits[(a >> (4 * i)) & 0xF];
  for (int i = 0; i < 16; ++i) out[31 - i] = text::kHexDigits[(b >> (4 * i)) & 0xF];
  return out;
}

uint64_t platform_seed() {
  uint64_t seed = 0;
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    if (std::fread(&seed, sizeof seed, 1, f) != 1) seed = 0;
    std::fclose(f);
  }
  seed ^= static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());
  return seed;
}

bool is_hex32(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// ---- reading JSON input -------------------------------------------------------------------

double wall_clock_seconds() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

json ok_result() { return object_of("ok", true); }
json error_result(const std::string& why) { return object_of({{"ok", false}, {"error", why}}); }

std::vector<std::string> string_list(const json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const json& s : *items(v))
    if (s.is_string() && out.size() < 256) out.push_back(s.get<std::string>());
  return out;
}

// A capture's text fields may be anything JS handed over; turn non-strings into text.
std::string text_field(const json& obj, const char* key, size_t max_len) {
  const json* v = get_field(obj, key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return truncate_utf8(v->get_ref<const std::string&>(), max_len);
  return truncate_utf8(dump_json(*v), max_len);
}

int int_field(const json& obj, const char* key) {
  double d = get_number(obj, key, 0);
  if (!std::isfinite(d) || d < 0) return 0;
  if (d > 1e9) return 0;
  return static_cast<int>(d);
}

void merge_bag(json& target, const json* patch) {
  if (!patch || !patch->is_object()) return;
  for (const auto& [key, value] : *members(*patch)) {
    if (value.is_null()) target.erase(key);
    else target[key] = value;
  }
}

}  // namespace faultline
