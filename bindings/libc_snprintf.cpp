// The browser module's snprintf and vsnprintf: faultline::vsnprintf_subset (src/printf_subset.h)
// instead of musl's, whose printf_core formats floating point and was 7.4 KB of the module's code
// for a single caller, nlohmann's lexer ("<U+%.4X>" in a parse error's text; since the core reads
// JSON itself, the browser module has no caller left, and nlohmann's serializer in the scan module
// is one). Defining both symbols here keeps musl's vsnprintf.o and vfprintf.o out of the link,
// also should a call come back. Linked into the browser and scan modules only (`node bench/wasm-size.mjs` lists what is reached from snprintf); native builds use
// the C library's, against which tests/native/test_printf_subset.cpp checks the subset.
#include <cstdarg>
#include <cstddef>

#include "printf_subset.h"

extern "C" {
int vsnprintf(char* out, size_t size, const char* format, va_list args) {
  return faultline::vsnprintf_subset(out, size, format, args);
}
int snprintf(char* out, size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = faultline::vsnprintf_subset(out, size, format, args);
  va_end(args);
  return n;
}
}
