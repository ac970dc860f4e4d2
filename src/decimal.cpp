#include "decimal.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "text.h"

namespace faultline {
namespace {

// Digits kept exactly; a longer mantissa keeps 768 of them plus a sticky 1 for the nonzero rest.
// 768 is enough: the exact midpoint between two doubles has at most 767 significant digits
// (the same bound fast_float and Go's strconv use).
constexpr int kMaxDigits = 768;
// 10^n for n <= 22 is exact in a double: the fast path (Clinger) multiplies or divides by one.
constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Unsigned integer of up to kWords 32-bit words, least significant first. Big enough for the
// largest case: 769 digits times 10^-(-342) (about 3 700 bits) shifted by 64 more.
class Big {
 public:
  static constexpr int kWords = 128;
  void mul_add(uint32_t m, uint32_t a) {
    uint64_t carry = a;
    for (int i = 0; i < n_; ++i) {
      const uint64_t t = uint64_t(w_[i]) * m + carry;
      w_[i] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry && n_ < kWords) w_[n_++] = static_cast<uint32_t>(carry);
  }
  void mul_pow10(int e) {
    for (; e >= 9; e -= 9) mul_add(1000000000u, 0);
    for (; e > 0; --e) mul_add(10, 0);
  }
  void shl(int bits) {
    if (bits <= 0 || n_ == 0) return;
    const int words = bits / 32, rest = bits % 32;
    int top = n_ + words + 1;
    if (top > kWords) top = kWords;
    for (int i = top - 1; i >= 0; --i) {
      const int src = i - words;
      uint64_t v = src >= 0 && src < n_ ? uint64_t(w_[src]) << rest : 0;
      if (rest && src - 1 >= 0 && src - 1 < n_) v |= w_[src - 1] >> (32 - rest);
      w_[i] = static_cast<uint32_t>(v);
    }
    n_ = top;
    trim();
  }
  int bits() const { return n_ ? 32 * (n_ - 1) + (32 - __builtin_clz(w_[n_ - 1])) : 0; }
  bool zero() const { return n_ == 0; }
  // Compares *this with other << shift (shift in bits).
  int compare_shifted(const Big& other, int shift) const {
    Big s = other;
    s.shl(shift);
    return compare(s);
  }
  int compare(const Big& o) const {
    if (n_ != o.n_) return n_ < o.n_ ? -1 : 1;
    for (int i = n_ - 1; i >= 0; --i)
      if (w_[i] != o.w_[i]) return w_[i] < o.w_[i] ? -1 : 1;
    return 0;
  }
  void sub(const Big& o) {  // *this >= o
    int64_t borrow = 0;
    for (int i = 0; i < n_; ++i) {
      int64_t t = int64_t(w_[i]) - (i < o.n_ ? o.w_[i] : 0) - borrow;
      borrow = t < 0;
      w_[i] = static_cast<uint32_t>(t + (borrow << 32));
    }
    trim();
  }

 private:
  void trim() {
    while (n_ && w_[n_ - 1] == 0) --n_;
  }
  uint32_t w_[kWords] = {};
  int n_ = 0;
};

// floor(num / den) when it is below 2^64 (the caller scales num so that it is), and whether the
// division left a remainder. Binary long division: at most 64 shifted subtractions.
uint64_t divide(Big num, const Big& den, bool* inexact) {
  uint64_t q = 0;
  for (int bit = num.bits() - den.bits(); bit >= 0; --bit) {
    if (num.compare_shifted(den, bit) >= 0) {
      Big s = den;
      s.shl(bit);
      num.sub(s);
      q |= uint64_t(1) << bit;
    }
  }
  *inexact = !num.zero();
  return q;
}

// q * 2^e2 (q >= 2^62) rounded to the nearest double, ties to even; `sticky`: the exact value is
// a little more than q * 2^e2.
double round_to_double(uint64_t q, int e2, bool sticky) {
  const int len = 64 - __builtin_clzll(q);
  const int exp = len - 1 + e2;  // the value is in [2^exp, 2^(exp+1))
  if (exp > 1023) return std::numeric_limits<double>::infinity();
  // Bits of q dropped: down to 53 significant bits, or to 2^-1074 for a subnormal result.
  int drop = exp >= -1022 ? len - 53 : -1074 - e2;
  if (drop > len) return 0.0;  // below half the smallest subnormal
  uint64_t kept = drop >= 64 ? 0 : q >> drop;
  const uint64_t rest = drop >= 64 ? q : q & ((uint64_t(1) << drop) - 1);
  const uint64_t half = uint64_t(1) << (drop - 1);
  if (rest > half || (rest == half && (sticky || (kept & 1)))) ++kept;
  return std::ldexp(static_cast<double>(kept), e2 + drop);  // exact: kept <= 2^53
}

bool match_word(const char*& p, const char* word) {  // case-insensitive, ASCII
  const char* q = p;
  for (; *word; ++word, ++q)
    if (text::lower(*q) != *word) return false;
  p = q;
  return true;
}

// A decimal number as read: its significant digits (leading zeros dropped, at most kMaxDigits,
// then a sticky 1 for a nonzero rest) and the power of ten they are scaled by.
struct Decimal {
  char digits[kMaxDigits + 1];
  int count = 0;
  long exp10 = 0;
};

// Reads digits, an optional fraction and an optional exponent at `p`; returns the end of what was
// read, or null when there is no digit. Every integer digit past the kept ones raises the exponent;
// every kept fraction digit lowers it.
const char* read_decimal(const char* p, Decimal& d) {
  bool any = false, dropped = false;
  for (; text::is_digit(*p); ++p) {
    any = true;
    if (d.count == 0 && *p == '0') continue;
    if (d.count < kMaxDigits) d.digits[d.count++] = *p;
    else ++d.exp10, dropped |= *p != '0';
  }
  if (*p == '.') {
    ++p;
    for (; text::is_digit(*p); ++p) {
      any = true;
      if (d.count == 0 && *p == '0') --d.exp10;
      else if (d.count < kMaxDigits) d.digits[d.count++] = *p, --d.exp10;
      else dropped |= *p != '0';
    }
  }
  if (!any) return nullptr;
  if (*p == 'e' || *p == 'E') {
    const char* q = p + 1;
    const bool negative = *q == '-';
    if (*q == '-' || *q == '+') ++q;
    if (text::is_digit(*q)) {
      long e = 0;
      for (; text::is_digit(*q); ++q)
        if (e < 100000) e = e * 10 + (*q - '0');
      d.exp10 += negative ? -e : e;
      p = q;
    }
  }
  if (dropped) d.digits[d.count++] = '1', --d.exp10;  // the sticky digit (count is now kMaxDigits + 1)
  return p;
}

double to_double(const Decimal& d) {
  if (d.count == 0) return 0.0;
  // Out of range whatever the digits: above DBL_MAX (~1.8e308) or below half of 4.9e-324.
  if (d.exp10 + d.count > 310) return std::numeric_limits<double>::infinity();
  if (d.exp10 + d.count < -343) return 0.0;
  // Fast path: up to 15 digits (< 2^53) and |exponent| <= 22: one exact operand, one rounding.
  if (d.count <= 15 && d.exp10 >= -22 && d.exp10 <= 22) {
    uint64_t m = 0;
    for (int i = 0; i < d.count; ++i) m = m * 10 + static_cast<uint64_t>(d.digits[i] - '0');
    const double v = static_cast<double>(m);
    return d.exp10 >= 0 ? v * kExactPow10[d.exp10] : v / kExactPow10[-d.exp10];
  }
  // Exact path: value = num / den with num = digits * 10^max(exp10, 0), den = 10^max(-exp10, 0);
  // scale by a power of two so the quotient has 63 or 64 bits, then round once.
  Big num, den;
  den.mul_add(1, 1);
  for (int i = 0; i < d.count; ++i) num.mul_add(10, static_cast<uint32_t>(d.digits[i] - '0'));
  if (d.exp10 > 0) num.mul_pow10(static_cast<int>(d.exp10));
  else den.mul_pow10(static_cast<int>(-d.exp10));
  const int shift = 63 - (num.bits() - den.bits());
  if (shift > 0) num.shl(shift);
  else den.shl(-shift);
  // num/den is now in (2^62, 2^64): its floor has 63 or 64 bits.
  bool inexact = false;
  const uint64_t q = divide(num, den, &inexact);
  return round_to_double(q, -shift, inexact);
}

}  // namespace

double parse_decimal(const char* s, char** end) {
  const char* p = s;
  while (text::is_space(*p)) ++p;
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  double value;
  Decimal d;
  if (match_word(p, "inf")) {
    match_word(p, "inity");
    value = std::numeric_limits<double>::infinity();
  } else if (match_word(p, "nan")) {
    value = std::numeric_limits<double>::quiet_NaN();
  } else if (const char* stop = read_decimal(p, d)) {
    p = stop;
    value = to_double(d);
  } else {  // no number here: nothing is read
    if (end) *end = const_cast<char*>(s);
    return 0.0;
  }
  if (end) *end = const_cast<char*>(p);
  return negative ? -value : value;
}

}  // namespace faultline
