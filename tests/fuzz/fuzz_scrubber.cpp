// libFuzzer target: scrubbing any text/URL/JSON never crashes, and never grows text without bound.
// Covers every scanner (JSON/escaped JSON, key=value, key: value, percent-decoding, token formats,
// PEM, IBAN, SSN, cards) with the default options and with sendDefaultPii + a user pattern.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scrubber.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const faultline::Scrubber scrubber;
  static const faultline::Scrubber permissive([] {
    faultline::ScrubOptions o;
    o.send_default_pii = true;
    o.extra_patterns = {"ACCT-####", "s?c#t"};
    o.extra_keys = {"tenant"};
    return o;
  }());
  std::string a = scrubber.scrub_text(text);
  std::string b = scrubber.scrub_url(text);
  std::string c = permissive.scrub_text(text);
  if (a.size() > size * 8 + 64 || b.size() > size * 8 + 64 || c.size() > size * 8 + 64) std::abort();
  // Scrubbed text scrubbed again never crashes either (markers next to separators, decoded text).
  std::string again = scrubber.scrub_text(a);
  if (again.size() > a.size() * 8 + 64) std::abort();
  (void)scrubber.key_strength(text.substr(0, 80));
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
