// libFuzzer target: the JSON entry points of the core (what the WASM boundary calls) take any
// text without crashing, and every capture yields a result object.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static faultline::Client* client = new faultline::Client(R"({"dsn":"http://k@127.0.0.1:1/1","maxQueue":50})");
  switch (size ? data[0] % 7 : 0) {
    case 0: (void)client->configure(text); break;
    case 1: (void)client->set_scope(text); break;
    case 2: (void)client->add_breadcrumb(text); break;
    case 3: (void)client->client_report(text, 1e12); break;
    case 4: {
      // Out-of-band stacks: the text after the first 0x01 byte (NUL-separated segments).
      size_t cut = text.find('\x01');
      std::string r = cut == std::string_view::npos ? client->capture(text, text) : client->capture(text.substr(0, cut), text.substr(cut + 1));
      if (r.empty() || r[0] != '{') std::abort();
      break;
    }
    default: {
      std::string r = client->capture(text);
      if (r.empty() || r[0] != '{') std::abort();
    }
  }
  // Keep memory bounded across iterations.
  (void)client->drain(1e12, (size & 3) == 0, 10);
  return 0;
}
