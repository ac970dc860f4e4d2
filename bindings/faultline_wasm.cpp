// The WASM boundary: one class; every value crossing is a number or one
// JSON text (see bindings/README.md for the contract and the ownership rules).
#include <emscripten/em_asm.h>
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <string>
#include <string_view>

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

// The exports: C functions over one Core each; bindings/core-api.js (appended to the glue) wraps
// them in the `Core` class. A string comes in as UTF-8 bytes and their
// count (it may hold NULs: captureWithStacks separates stacks with them); a string result stays in
// its Core until the next call, NUL-terminated: JSON
// text never holds a raw NUL. Plain C exports instead of Embind: the glue has no Embind runtime.
struct Core {
  explicit Core(std::string_view options_json) : client(options_json, browser_seed()) { client.set_heap_headroom(&heap_headroom); }
  const char* hold(std::string text) {
    result = std::move(text);
    return result.c_str();
  }
  faultline::Client client;
  std::string result;
};

std::string_view view(const char* data, size_t size) { return std::string_view(data, size); }

}  // namespace

#define FL_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE

FL_EXPORT Core* fl_core_new(const char* o, size_t n) { return new Core(view(o, n)); }
FL_EXPORT void fl_core_delete(Core* c) { delete c; }
FL_EXPORT const char* fl_configure(Core* c, const char* o, size_t n) { return c->hold(c->client.configure(view(o, n))); }
FL_EXPORT const char* fl_set_scope(Core* c, const char* p, size_t n) { return c->hold(c->client.set_scope(view(p, n))); }
FL_EXPORT void fl_push_scope(Core* c) { c->client.push_scope(); }
FL_EXPORT void fl_pop_scope(Core* c) { c->client.pop_scope(); }
FL_EXPORT const char* fl_add_breadcrumb(Core* c, const char* b, size_t n) { return c->hold(c->client.add_breadcrumb(view(b, n))); }
FL_EXPORT const char* fl_capture(Core* c, const char* in, size_t n) { return c->hold(c->client.capture(view(in, n))); }
FL_EXPORT const char* fl_capture_with_stacks(Core* c, const char* in, size_t n, const char* stacks, size_t m) {
  return c->hold(c->client.capture(view(in, n), view(stacks, m)));
}
FL_EXPORT int fl_count_repeat(Core* c, const char* fp, size_t n, double timestamp_s) { return c->client.count_repeat(view(fp, n), timestamp_s); }
FL_EXPORT const char* fl_drain(Core* c, double now_ms, int force, int max_per_envelope) { return c->hold(c->client.drain(now_ms, force != 0, max_per_envelope)); }
FL_EXPORT const char* fl_client_report(Core* c, const char* d, size_t n, double now_ms) { return c->hold(c->client.client_report(view(d, n), now_ms)); }
FL_EXPORT const char* fl_stats(Core* c) { return c->hold(c->client.stats(emscripten_get_heap_size())); }
FL_EXPORT const char* fl_add_symbol_table(Core* c, const char* url, size_t n, const char* table, size_t m) {
  return c->hold(c->client.add_symbol_table(view(url, n), view(table, m)));
}
