// Embind boundary: one class and two free functions; every value crossing is a number or one
// JSON text (see bindings/README.md for the contract and the ownership rules).
#include <emscripten/bind.h>
#include <emscripten/em_asm.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <string>

#include "client.h"

namespace {

// The platform's entropy for the core's id generator: crypto.getRandomValues through a snippet
// compiled into the module (no eval at run time), Math.random where it is missing.
uint64_t browser_seed() {
  return static_cast<uint64_t>(EM_ASM_DOUBLE({
    var c = (typeof crypto !== 'undefined') ? crypto : null;
    if (c && c.getRandomValues) { var a = new Uint32Array(2); c.getRandomValues(a); return a[0] * 2097152 + (a[1] & 0x1fffff); }
    return Math.random() * 9007199254740991;
  })) ^ static_cast<uint64_t>(emscripten_get_now() * 1000.0);
}

// Bytes the heap can still give before it reaches its maximum (the core refuses inputs that would
// not fit, instead of aborting on a failed memory growth). Cheap, no heap walk, while the heap is
// below half its maximum, which is the normal case.
size_t heap_headroom() {
  const size_t max = emscripten_get_heap_max(), size = emscripten_get_heap_size();
  if (size < max / 2) return max - size;
  const size_t used = static_cast<size_t>(mallinfo().uordblks);
  return max > used ? max - used : 0;
}

// Embind hands strings over as std::string copies; the core works on views of them.
class Core {
 public:
  explicit Core(const std::string& options_json) : client_(options_json, browser_seed()) { client_.set_heap_headroom(&heap_headroom); }
  std::string configure(const std::string& o) { return client_.configure(o); }
  std::string setScope(const std::string& p) { return client_.set_scope(p); }
  void pushScope() { client_.push_scope(); }
  void popScope() { client_.pop_scope(); }
  std::string addBreadcrumb(const std::string& c) { return client_.add_breadcrumb(c); }
  std::string capture(const std::string& in) { return client_.capture(in); }
  std::string captureWithStacks(const std::string& in, const std::string& stacks) { return client_.capture(in, stacks); }
  bool countRepeat(const std::string& fingerprint, double timestamp_s) { return client_.count_repeat(fingerprint, timestamp_s); }
  std::string drain(double now_ms, bool force, int max_per_envelope) { return client_.drain(now_ms, force, max_per_envelope); }
  std::string clientReport(const std::string& d, double now_ms) { return client_.client_report(d, now_ms); }
  std::string stats() const { return client_.stats(emscripten_get_heap_size()); }
  std::string addSymbolTable(const std::string& url, const std::string& table) { return client_.add_symbol_table(url, table); }

 private:
  faultline::Client client_;
};

std::string parseStack(const std::string& line) { return faultline::cli_parse_stack(line); }
std::string fingerprint(const std::string& line) { return faultline::cli_fingerprint(line); }

}  // namespace

EMSCRIPTEN_BINDINGS(faultline) {
  emscripten::class_<Core>("Core")
      .constructor<const std::string&>()
      .function("configure", &Core::configure)
      .function("setScope", &Core::setScope)
      .function("pushScope", &Core::pushScope)
      .function("popScope", &Core::popScope)
      .function("addBreadcrumb", &Core::addBreadcrumb)
      .function("capture", &Core::capture)
      .function("captureWithStacks", &Core::captureWithStacks)
      .function("countRepeat", &Core::countRepeat)
      .function("drain", &Core::drain)
      .function("clientReport", &Core::clientReport)
      .function("stats", &Core::stats)
      .function("addSymbolTable", &Core::addSymbolTable);
  emscripten::function("parseStack", &parseStack);
  emscripten::function("fingerprint", &fingerprint);
}
