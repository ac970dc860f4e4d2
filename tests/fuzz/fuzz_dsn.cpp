// libFuzzer target: DSN parsing never crashes and its result is self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dsn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = faultline::parse_dsn(text);
  if (r.ok) {
    // A parsed DSN re-parses to the same envelope URL.
    auto again = faultline::parse_dsn(r.dsn.to_string());
    if (!again.ok || again.dsn.envelope_url() != r.dsn.envelope_url()) std::abort();
  } else if (r.error.empty()) {
    std::abort();
  }
  return 0;
}
