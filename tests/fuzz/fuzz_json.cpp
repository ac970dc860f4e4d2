// libFuzzer target: the core's JSON reader (parse_json) never crashes, and wherever nlohmann's
// json::parse accepts a text, parse_json reads the same values with the same number types
// (a text json::parse refuses may still be read when its only fault is an unpaired surrogate
// escape, which parse_json reads as U+FFFD; tests/native/test_json.cpp checks that case).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "json.h"
#include "../native/json_same.h"

using faultline::testing_json::same;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  const faultline::json got = faultline::parse_json(std::string_view(text, size));
  const faultline::json want = faultline::json::parse(text, text + size, nullptr, false);
  if (!want.is_discarded() && (got.is_discarded() || !same(got, want))) std::abort();
  if (got.is_discarded() && std::string_view(text, size).find("\\u") == std::string_view::npos && !want.is_discarded()) std::abort();
  if (want.is_discarded() && !got.is_discarded() && std::string_view(text, size).find("\\u") == std::string_view::npos) std::abort();
  return 0;
}
