// The WASM module's strtod: faultline::parse_decimal (src/decimal.h) instead of musl's, which
// computes in long double (128-bit soft float on wasm32). the JSON reader (src/json.cpp) is its only caller;
// defining the symbol here keeps musl's strtod.o, its __floatscan and the soft-float runtime out of
// the link. Linked into the WASM targets only; native builds use the C library's strtod, against
// which tests/native/test_decimal.cpp checks parse_decimal.
//
// musl defines strtof, strtod and strtold in one object, and libc++'s string.o (std::stof, stold)
// refers to all three, so all three are defined here or musl's object comes back. Nothing in the
// module calls strtof or strtold (the linker drops them); were they called, strtof would round
// twice (decimal -> double -> float) and strtold would have a double's precision.
#include "decimal.h"

extern "C" {
double strtod(const char* s, char** end) { return faultline::parse_decimal(s, end); }
float strtof(const char* s, char** end) { return static_cast<float>(faultline::parse_decimal(s, end)); }
long double strtold(const char* s, char** end) { return faultline::parse_decimal(s, end); }
}
