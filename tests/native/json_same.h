// Test helper shared by tests/native/test_json.cpp and tests/fuzz/fuzz_json.cpp: two JSON values
// are the same when they have the same types (unsigned, signed, float; -0.0 is not 0.0), the same
// scalars bit for bit and the same members in the same order.
#pragma once

#include <cstring>

#include "json.h"

namespace faultline::testing_json {
inline bool same(const json& a, const json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  if (!a.is_structured()) return a == b;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
    if ((a.is_object() && i.key() != j.key()) || !same(*i, *j)) return false;
  return true;
}
}  // namespace faultline::testing_json
