// parse_decimal (the WASM module's strtod) against the C library's strtod: same value, same end.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "decimal.h"

using faultline::parse_decimal;

namespace {
void expect_same(const std::string& text) {
  char* want_end = nullptr;
  char* got_end = nullptr;
  const double want = std::strtod(text.c_str(), &want_end);
  const double got = parse_decimal(text.c_str(), &got_end);
  uint64_t a, b;
  std::memcpy(&a, &want, 8);
  std::memcpy(&b, &got, 8);
  if (std::isnan(want)) EXPECT_TRUE(std::isnan(got)) << text;
  else EXPECT_EQ(a, b) << text << ": strtod " << want << ", parse_decimal " << got;
  EXPECT_EQ(got_end - text.c_str(), want_end - text.c_str()) << text;
}
}  // namespace

TEST(Decimal, ReadsTheNumbersJsonCarriesExactlyAsStrtod) {
  for (const char* t : {"0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.5", "1.5", "3.14159", "1e10", "1E+10", "1e-10",
                        "123456789012345678901234567890", "0.000001", "1764600000.123", "0.30000000000000004",
                        "9007199254740993", "9007199254740992.5", "1.7976931348623157e308", "1.7976931348623159e308",
                        "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
                        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "1e400", "-1e400", "1e23",
                        "8.988465674311580536566680e307", "2.47032822920623272088e-324", "7.2057594037927933e16",
                        "0.1e1", "00012.5000", ".5", "5.", "  42", "+7", "1e", "1e+", "-", ".", "x", "", "inf",
                        "-Infinity", "nan", "1.0e-22", "1.0e22", "123456789012345e-22", "1234567890123456e22"})
    expect_same(t);
}

TEST(Decimal, RoundsHalfwayCasesToEvenAndReadsVeryLongMantissas) {
  // 2^53 + 1 and its neighbours: exactly halfway between two doubles, then just above.
  expect_same("9007199254740993");
  expect_same("9007199254740993.0000000000000000000000000000001");
  expect_same("9007199254740995");
  std::string longer = "0." + std::string(700, '0') + "1";
  expect_same(longer);
  std::string many = "1." + std::string(900, '0') + "1e-5";  // the nonzero digit is past the 768 kept
  expect_same(many);
  std::string half_min_subnormal =
      "2.470328229206232720882538265110014529311637803468524497391932592446548345437467843018932958148"
      "2919e-324";
  expect_same(half_min_subnormal);
}

TEST(Decimal, AgreesWithStrtodOnRandomDoublesAtEveryPrecision) {
  std::mt19937_64 rng(7);
  char buf[64];
  for (int n = 0; n < 30000; ++n) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::snprintf(buf, sizeof buf, "%.*g", 1 + static_cast<int>(rng() % 17), d);
    expect_same(buf);
    if (HasFailure()) return;
  }
  for (int n = 0; n < 20000; ++n) {  // decimal-looking values: digits and small exponents
    std::snprintf(buf, sizeof buf, "%llu.%llue%d", static_cast<unsigned long long>(rng() % 100000000000ULL),
                  static_cast<unsigned long long>(rng() % 1000000000ULL), static_cast<int>(rng() % 60) - 30);
    expect_same(buf);
    if (HasFailure()) return;
  }
}
