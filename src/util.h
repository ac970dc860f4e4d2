// Small shared utilities: bounded text, JSON normalization (Sentry's maxValueLength /
// normalizeDepth rules), timestamps and event ids.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
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

}  // namespace faultline
