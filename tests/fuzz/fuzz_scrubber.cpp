// libFuzzer target: scrubbing any text/URL/JSON never crashes, and never grows text without bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scrubber.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const faultline::Scrubber scrubber;
  std::string a = scrubber.scrub_text(text);
  std::string b = scrubber.scrub_url(text);
  if (a.size() > size * 8 + 64 || b.size() > size * 8 + 64) std::abort();
  faultline::json j = faultline::parse_json(text);
  if (!j.is_discarded()) {
    scrubber.scrub_value(j);
    faultline::json ev = faultline::json::object();
    ev["extra"] = j;
    ev["message"] = std::string(text);
    scrubber.scrub_event(ev);
  }
  return 0;
}
