// libFuzzer target: message canonicalization and grouping accept any text and always produce a
// versioned fingerprint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "grouping.h"
#include "stack_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t a = size ? data[0] % (size + 1) : 0;
  size_t b = size > 1 ? a + data[1] % (size - a + 1) : a;
  faultline::ExceptionInput x;
  x.type = std::string(all.substr(0, a > 64 ? 64 : a));
  x.value = std::string(all.substr(a, b - a));
  x.frames = faultline::parse_stack(all.substr(b), x.value).frames;
  faultline::GroupingOptions opts;
  faultline::classify_frames(x.frames, opts);
  (void)faultline::canonicalize_message(x.type, x.value);
  auto g = faultline::compute_grouping({x}, opts);
  if (g.fingerprint.rfind("fl1:", 0) != 0) std::abort();
  auto m = faultline::compute_message_grouping(x.value, opts);
  if (m.fingerprint.rfind("fl1:", 0) != 0) std::abort();
  return 0;
}
