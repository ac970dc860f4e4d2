// A vsnprintf for integers, characters and strings only. The WASM build links it as the module's
// snprintf and vsnprintf (bindings/libc_snprintf.cpp): musl's printf_core, with its floating-point
// formatting and argument tables, is 7.4 KB of code there, all of it for one call in nlohmann's
// lexer (`"<U+%.4X>"`, the text of a control character in a parse error). Natively the tests
// compare it with the C library's vsnprintf.
#pragma once
#include <cstdarg>
#include <cstddef>

namespace faultline {

// C99 vsnprintf for the conversions d i u x X o c s % with the flags '-', '0', '+', ' ' and '#',
// a width and a precision (digits or '*'), and the length modifiers hh h l ll j z t. Writes at most
// `size` bytes including the terminating NUL and returns the length the full text has. A format
// holding any other conversion (floating point, %p, %n, wide characters) writes "" and returns -1,
// which C's snprintf returns for an encoding error: never a wrong text.
int vsnprintf_subset(char* out, size_t size, const char* format, va_list args);

}  // namespace faultline
