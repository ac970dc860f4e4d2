// Small shared utilities: bounded text, JSON normalization (Sentry's maxValueLength /
// normalizeDepth rules), timestamps and event ids.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "json.h"

namespace faultline {

// Cut `s` to at most `max_bytes` bytes at a UTF-8 code point boundary; when cut, append "…"
// (the ellipsis is included in the budget). Invalid UTF-8 is left for dump_json to replace.
std::string truncate_utf8(std::string_view s, size_t max_bytes);

struct NormalizeLimits {
  size_t max_value_length = 8192;  // per string
  int max_depth = 6;               // deeper objects/arrays become "[Object]" / "[Array]"
  size_t max_breadth = 100;        // keys per object / items per array; the rest is dropped
};
// Applies the limits in place; returns true when anything was cut.
bool normalize_json(json& value, const NormalizeLimits& limits, int depth = 0);

// RFC 3339 UTC with milliseconds, e.g. 2026-11-24T22:40:07.123Z. Non-finite input -> epoch.
std::string iso8601(double seconds_since_epoch);

// Small, fast PRNG (xoshiro256**) for event/span ids; not used for anything secret.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  void reseed(uint64_t seed);
  uint64_t next();
  std::string hex32();  // 32 lowercase hex chars (UUID v4 layout without dashes)
 private:
  uint64_t s_[4];
};

// Entropy for native builds (/dev/urandom mixed with the clock). The core itself never asks the
// platform for anything: the WASM layer (bindings/) seeds the Client from crypto.getRandomValues.
uint64_t platform_seed();

bool is_hex32(std::string_view s);

// ---- reading JSON input (options, captures, breadcrumbs) ----

// Seconds since the epoch from the system clock (for inputs without a usable timestamp).
double wall_clock_seconds();
// The core's answers: {"ok":true}, {"ok":false,"error":why}.
json ok_result();
json error_result(const std::string& why);
// The strings of a JSON array (other items skipped), at most 256.
std::vector<std::string> string_list(const json& v);
// obj[key] as text cut to max_len bytes: a string as is, null or missing as "", anything else as
// its JSON text (JS may hand over any value).
std::string text_field(const json& obj, const char* key, size_t max_len);
// obj[key] as a count from 0 to 1e9 (0 for anything else).
int int_field(const json& obj, const char* key);
// Sets target's keys from the object `patch`; a null value removes the key.
void merge_bag(json& target, const json* patch);

}  // namespace faultline
