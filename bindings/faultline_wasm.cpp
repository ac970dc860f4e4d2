// Embind boundary: one class and two free functions; every value crossing is a number or one
// JSON text (see bindings/README.md for the contract and the ownership rules).
#include <emscripten/bind.h>

#include <string>

#include "client.h"

namespace {

// Embind hands strings over as std::string copies; the core works on views of them.
class Core {
 public:
  explicit Core(const std::string& options_json) : client_(options_json) {}
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
  std::string stats() const { return client_.stats(); }

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
      .function("stats", &Core::stats);
  emscripten::function("parseStack", &parseStack);
  emscripten::function("fingerprint", &fingerprint);
}
