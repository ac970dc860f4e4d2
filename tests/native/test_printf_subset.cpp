// vsnprintf_subset (the browser module's snprintf) against the C library's vsnprintf: the same
// text and the same return value for every conversion it supports, truncation included; -1 and an
// empty text for the conversions it does not.
#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "printf_subset.h"

namespace {
// Both formatters over the same arguments, into buffers of several sizes.
void expect_same(const char* format, ...) {
  for (size_t size : {size_t(0), size_t(1), size_t(3), size_t(9), size_t(64)}) {
    char want[64], got[64];
    std::memset(want, 'w', sizeof want);
    std::memset(got, 'w', sizeof got);
    va_list a, b;
    va_start(a, format);
    va_copy(b, a);
    const int want_n = std::vsnprintf(size ? want : nullptr, size, format, a);
    const int got_n = faultline::vsnprintf_subset(size ? got : nullptr, size, format, b);
    va_end(b);
    va_end(a);
    EXPECT_EQ(got_n, want_n) << format << " size " << size;
    if (size) EXPECT_EQ(std::string(got), std::string(want)) << format << " size " << size;
  }
}
}  // namespace

TEST(PrintfSubset, WritesNlohmannsControlCharacterTokenAsSnprintf) {
  // The one call in the browser module: nlohmann's lexer, get_token_string().
  for (int c = 0; c < 256; ++c) expect_same("<U+%.4X>", static_cast<unsigned char>(c));
}

TEST(PrintfSubset, FormatsIntegersWithFlagsWidthPrecisionAndLengthsAsSnprintf) {
  for (int v : {0, 1, -1, 7, -42, 255, 65535, INT_MAX, INT_MIN}) {
    for (const char* f : {"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-8.3d|", "%.0d", "%u",
                          "%x", "%X", "%#x", "%#X", "%o", "%#o", "%#.0o", "%08x", "%#010x", "%.0x", "%hhd", "%hd", "%hhu", "%hx"})
      expect_same(f, v);
    expect_same("%*d|%-*d|%.*d", 6, v, 6, v, 4, v);
    expect_same("%.*d", -3, v);
  }
  for (long long v : {0LL, -1LL, LLONG_MAX, LLONG_MIN, 1234567890123LL}) {
    expect_same("%lld", v);
    expect_same("%llx", static_cast<unsigned long long>(v));
    expect_same("%20llu|", static_cast<unsigned long long>(v));
    expect_same("%jd", static_cast<intmax_t>(v));
  }
  expect_same("%ld %lu %zu %zd %td", -5L, 5UL, size_t(12), ptrdiff_t(-12), ptrdiff_t(3));
}

TEST(PrintfSubset, FormatsCharactersStringsAndPercentAsSnprintf) {
  expect_same("[%c][%3c][%-3c]", 'a', 'b', 'c');
  expect_same("[%s][%10s][%-10s][%.2s][%8.3s]", "text", "right", "left", "cut", "cut");
  expect_same("100%% of %s", "it");
  expect_same("no conversions at all, longer than the small buffers");
  expect_same("");
}

TEST(PrintfSubset, RefusesOtherConversionsWithMinusOneAndAnEmptyText) {
  char buf[16] = "unchanged";
  auto call = [&](const char* format, ...) {
    va_list a;
    va_start(a, format);
    const int n = faultline::vsnprintf_subset(buf, sizeof buf, format, a);
    va_end(a);
    return n;
  };
  EXPECT_EQ(call("%f", 1.5), -1);
  EXPECT_STREQ(buf, "");
  EXPECT_EQ(call("x=%g", 2.0), -1);
  EXPECT_EQ(call("%p", static_cast<void*>(buf)), -1);
  EXPECT_EQ(call("%ls", L"w"), -1);
  EXPECT_STREQ(buf, "");
}
