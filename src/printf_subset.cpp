#include "printf_subset.h"

#include <cstdint>
#include <cstring>

namespace faultline {

namespace {

struct Sink {
  char* out;
  size_t size;
  size_t length = 0;
  void put(char c) {
    if (length + 1 < size) out[length] = c;
    ++length;
  }
  void repeat(char c, int n) {
    for (int i = 0; i < n; ++i) put(c);
  }
};

struct Spec {
  bool left = false, zero = false, plus = false, space = false, alt = false;
  int width = 0, precision = -1;
};

void write_padded(Sink& sink, const Spec& spec, const char* prefix, const char* digits, int count, int zeros) {
  const int prefix_len = static_cast<int>(std::strlen(prefix));
  const int body = prefix_len + zeros + count;
  const int pad = spec.width > body ? spec.width - body : 0;
  const bool zero_pad = spec.zero && !spec.left && spec.precision < 0;
  if (!spec.left && !zero_pad) sink.repeat(' ', pad);
  for (int i = 0; i < prefix_len; ++i) sink.put(prefix[i]);
  if (zero_pad) sink.repeat('0', pad);
  sink.repeat('0', zeros);
  for (int i = 0; i < count; ++i) sink.put(digits[i]);
  if (spec.left) sink.repeat(' ', pad);
}

void write_integer(Sink& sink, const Spec& spec, char conv, uintmax_t magnitude, bool negative) {
  const unsigned base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
  const char* alphabet = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char digits[32];
  int count = 0;
  for (uintmax_t v = magnitude; v != 0; v /= base) digits[sizeof digits - 1 - count++] = alphabet[v % base];
  if (magnitude == 0 && spec.precision != 0) digits[sizeof digits - 1 - count++] = '0';
  int zeros = spec.precision > count ? spec.precision - count : 0;
  const char* prefix = "";
  if (conv == 'd' || conv == 'i') prefix = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  else if (spec.alt && conv == 'o' && zeros == 0 && (count == 0 || digits[sizeof digits - count] != '0')) zeros = 1;
  else if (spec.alt && magnitude != 0 && base == 16) prefix = conv == 'X' ? "0X" : "0x";
  write_padded(sink, spec, prefix, digits + sizeof digits - count, count, zeros);
}

}  // namespace

// One loop over the format, one branch per conversion the core uses (%d %u %s %x %f %g and their
// flags): a printf is read as a whole; the number writers are functions of their own above.
int vsnprintf_subset(char* out, size_t size, const char* format, va_list args) {
  Sink sink{out, size};
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      sink.put(*p);
      continue;
    }
    Spec spec;
    for (;; ++p) {
      const char f = p[1];
      if (f == '-') spec.left = true;
      else if (f == '0') spec.zero = true;
      else if (f == '+') spec.plus = true;
      else if (f == ' ') spec.space = true;
      else if (f == '#') spec.alt = true;
      else break;
    }
    ++p;
    if (*p == '*') {
      spec.width = va_arg(args, int);
      if (spec.width < 0) spec.left = true, spec.width = -spec.width;
      ++p;
    } else {
      while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
      ++p;
      spec.precision = 0;
      if (*p == '*') {
        spec.precision = va_arg(args, int);
        if (spec.precision < 0) spec.precision = -1;  // a negative precision is taken as omitted
        ++p;
      } else {
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
      }
    }
    // Length: 'H' hh, 'h', 'l', 'L' ll, 'j', 'z', 't'.
    char length = 0;
    if (*p == 'h' || *p == 'l') {
      length = *p++;
      if (*p == length) length = length == 'h' ? 'H' : 'L', ++p;
    } else if (*p == 'j' || *p == 'z' || *p == 't') {
      length = *p++;
    }
    const char conv = *p;
    if (conv == 'd' || conv == 'i') {
      intmax_t v;
      if (length == 'L' || length == 'j') v = length == 'L' ? va_arg(args, long long) : va_arg(args, intmax_t);
      else if (length == 'l') v = va_arg(args, long);
      else if (length == 'z' || length == 't') v = va_arg(args, ptrdiff_t);
      else v = va_arg(args, int);
      if (length == 'H') v = static_cast<signed char>(v);
      else if (length == 'h') v = static_cast<short>(v);
      const uintmax_t magnitude = v < 0 ? uintmax_t(0) - static_cast<uintmax_t>(v) : static_cast<uintmax_t>(v);
      write_integer(sink, spec, conv, magnitude, v < 0);
    } else if (conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o') {
      uintmax_t v;
      if (length == 'L' || length == 'j') v = length == 'L' ? va_arg(args, unsigned long long) : va_arg(args, uintmax_t);
      else if (length == 'l') v = va_arg(args, unsigned long);
      else if (length == 'z' || length == 't') v = va_arg(args, size_t);
      else v = va_arg(args, unsigned);
      if (length == 'H') v = static_cast<unsigned char>(v);
      else if (length == 'h') v = static_cast<unsigned short>(v);
      write_integer(sink, spec, conv, v, false);
    } else if (conv == 'c' && length == 0) {
      const char c = static_cast<char>(va_arg(args, int));
      Spec s = spec;
      s.precision = -1;
      write_padded(sink, s, "", &c, 1, 0);
    } else if (conv == 's' && length == 0) {
      const char* s = va_arg(args, const char*);
      if (!s) s = "(null)";
      size_t n = 0;
      while (s[n] && (spec.precision < 0 || n < static_cast<size_t>(spec.precision))) ++n;
      Spec t = spec;
      t.precision = -1;
      t.zero = false;
      write_padded(sink, t, "", s, static_cast<int>(n), 0);
    } else if (conv == '%' && length == 0) {
      sink.put('%');
    } else {
      if (size) out[0] = '\0';
      return -1;
    }
  }
  if (size) out[sink.length < size ? sink.length : size - 1] = '\0';
  return static_cast<int>(sink.length);
}

}  // namespace faultline
