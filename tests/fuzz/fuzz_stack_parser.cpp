// libFuzzer target: the stack parser accepts any bytes, stays bounded, and emits sane frames.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stack_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  // First byte splits the input into message and stack, so both paths are exercised.
  size_t split = size ? data[0] % (size + 1) : 0;
  std::string_view message = all.substr(0, split), stack = all.substr(split);
  auto parsed = faultline::parse_stack(stack, message, size % 7 == 0 ? stack : std::string_view{});
  for (const auto& f : parsed.frames) {
    if (f.lineno < -1 || f.colno < -1) std::abort();
  }
  if (parsed.lines_skipped > parsed.lines_total) std::abort();
  return 0;
}
