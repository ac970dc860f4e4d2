// Decimal text to double, correctly rounded (round half to even), in double and integer arithmetic
// only. The WASM build links it as the module's strtod (bindings/libc_strtod.cpp): musl's strtod
// computes in long double, which on wasm32 is 128-bit soft float, and the JSON reader calls
// strtod for every number with a fraction, an exponent or more than 64 bits. Natively the tests
// compare it with the C library's strtod.
#pragma once

namespace faultline {

// Reads what strtod reads in the "C" locale for decimal input: leading white space, an optional
// sign, digits with an optional '.' and an optional exponent, or "inf"/"infinity"/"nan" in any case.
// Hexadecimal floats are not read (returns 0, *end = s, as for text that is no number). Out of range:
// ±HUGE_VAL or ±0 (errno is not set: the core never reads it). `end` may be null.
double parse_decimal(const char* s, char** end);

}  // namespace faultline
