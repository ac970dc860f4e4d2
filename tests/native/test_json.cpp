// The JSON writer (src/json.cpp) against nlohmann's own serializer, which it replaces in the core.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "json.h"
#include "json_same.h"

using namespace faultline;

namespace {
std::string nlohmann_dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

TEST(JsonWriter, WritesWhatNlohmannWritesForEveryKindOfValue) {
  const json samples[] = {
      json(), json(true), json(false), json(0), json(-1), json(INT64_MIN), json(INT64_MAX), json(UINT64_MAX),
      json(0.0), json(-0.0), json(1.0), json(0.1), json(1.5e300), json(-2.5e-300), json(5e-324), json(1e21),
      json(123456789.125), json(1764600000.123), json(0.30000000000000004), json(1e15), json(1e16), json(1e-5),
      json(std::numeric_limits<double>::quiet_NaN()), json(std::numeric_limits<double>::infinity()),
      json(""), json("plain"), json("quote \" backslash \\ slash /"), json("\b\f\n\r\t\x01\x1f\x7f"),
      json(std::string("nul \0 inside", 12)), json("é ü 日本 😀"), json::array(), json::object(),
      json{{"b", 1}, {"a", json::array({1, "two", nullptr, json::object()})}, {"c", json{{"d", false}}}},
  };
  for (const json& j : samples) EXPECT_EQ(dump_json(j), nlohmann_dump(j)) << nlohmann_dump(j);
}

TEST(JsonWriter, ReplacesInvalidUtf8AsNlohmannsReplaceHandlerDoes) {
  const std::string samples[] = {
      "\x80", "a\xC0\xAFz", "\xC2", "x\xE2\x82", "\xE2\x82\x41", "\xED\xA0\x80", "\xF0\x9F\x98", "\xF0\x9F\x98\x80\xF0",
      "\xF4\x90\x80\x80", "\xF5\x80", "\xFF\xFE", "\xE0\x80\x80", "ok\xC3\xA9\xC3", "\xC3\x28", "\xF0\x28\x8C\xBC",
  };
  for (const std::string& s : samples) EXPECT_EQ(dump_json(json(s)), nlohmann_dump(json(s)));
}

TEST(JsonWriter, AgreesWithNlohmannOnRandomBytesAndNumbers) {
  std::mt19937_64 rng(42);
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 12, ' ');
    for (char& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() % 0x20 : 0x70 + rng() % 0x90);
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    const json j{{"s", s}, {"d", d}, {"i", static_cast<int64_t>(rng())}};
    ASSERT_EQ(dump_json(j), nlohmann_dump(j));
  }
}

TEST(JsonReader, ReadsTheTextsJsonStringifyWrites) {
  json j = parse_json(R"({"a":[1,-2,3.5,-0.0,"\u00e9\ud83d\ude00"],"b":{"c":null}})");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["a"][1].get<int64_t>(), -2);
  EXPECT_EQ(j["a"][2].get<double>(), 3.5);
  EXPECT_EQ(j["a"][4].get<std::string>(), "é😀");
  EXPECT_TRUE(parse_json("{\"a\":").is_discarded());
  EXPECT_TRUE(parse_json("").is_discarded());
}

// The reader (parse_json) against what the core read JSON with before it: nlohmann's json::parse,
// and, when that refused a text with a \u escape, json::parse of the text with every unpaired
// surrogate escape replaced by \ufffd (JSON.stringify writes lone surrogates that way).
namespace {
int hex4(std::string_view t, size_t i) {
  if (i + 4 > t.size()) return -1;
  int v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    const char c = t[k];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}
std::string replace_lone_surrogate_escapes(std::string_view t) {
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    if (t[i] != '\\' || i + 1 >= t.size()) {
      out += t[i++];
      continue;
    }
    if (t[i + 1] != 'u') {
      out.append(t.substr(i, 2));
      i += 2;
      continue;
    }
    const int v = hex4(t, i + 2);
    if (v >= 0xD800 && v <= 0xDBFF) {
      const int low = (i + 11 < t.size() && t[i + 6] == '\\' && t[i + 7] == 'u') ? hex4(t, i + 8) : -1;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        out.append(t.substr(i, 12));
        i += 12;
        continue;
      }
      out += "\\ufffd";
      i += 6;
      continue;
    }
    if (v >= 0xDC00 && v <= 0xDFFF) {
      out += "\\ufffd";
      i += 6;
      continue;
    }
    out.append(t.substr(i, 2));
    i += 2;
  }
  return out;
}
json reference_parse(const std::string& t) {
  json j = json::parse(t, nullptr, false);
  if (j.is_discarded() && t.find("\\u") != std::string::npos) j = json::parse(replace_lone_surrogate_escapes(t), nullptr, false);
  return j;
}
using testing_json::same;
::testing::AssertionResult reads_as_reference(const std::string& t) {
  const json want = reference_parse(t), got = parse_json(t);
  if (got.is_discarded() != want.is_discarded())
    return ::testing::AssertionFailure() << (want.is_discarded() ? "accepted" : "refused") << " [" << t << "]";
  if (!want.is_discarded() && !same(got, want))
    return ::testing::AssertionFailure() << dump_json(got) << " != " << dump_json(want) << " for [" << t << "]";
  return ::testing::AssertionSuccess();
}

// A random JSON text: nested values, strings with escapes, surrogates and UTF-8, numbers of every
// form, random white space.
void random_json(std::mt19937& rng, int depth, std::string& out) {
  const auto ws = [&] {
    const char blanks[] = " \t\n\r";
    for (int k = rng() % 3; k > 0; --k) out += blanks[rng() % 4];
  };
  ws();
  const unsigned kind = depth > 4 ? 2 + rng() % 5 : rng() % 7;
  if (kind < 2) {
    const bool object = kind == 0;
    out += object ? '{' : '[';
    const int n = static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      if (k) out += ',';
      if (object) {
        ws();
        out += rng() % 3 ? "\"k" + std::to_string(rng() % 3) + "\"" : "\"\"";
        ws();
        out += ':';
      }
      random_json(rng, depth + 1, out);
    }
    ws();
    out += object ? '}' : ']';
  } else if (kind < 4) {
    const char* pieces[] = {"a", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u00e9", "\\u20AC",
                            "\\ud83d\\ude00", "\\ud800", "\\udc00", "\\uD800\\u0041", "\xC3\xA9", "\xE2\x82\xAC",
                            "\xF0\x9F\x98\x80", "\xED\x9F\xBF", "\xEF\xBF\xBD", " ", "~"};
    out += '"';
    for (int k = rng() % 5; k > 0; --k) out += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    out += '"';
  } else if (kind == 4) {
    const char* numbers[] = {"0", "-0", "7", "-12", "3.25", "-0.0", "1e3", "2E-7", "1.5e+300", "1e400", "-1e-400", "4.9e-324",
                             "18446744073709551615", "18446744073709551616", "-9223372036854775808",
                             "-9223372036854775809", "123456789012345678901234567890", "0.1", "1.7976931348623157e308"};
    out += numbers[rng() % (sizeof numbers / sizeof *numbers)];
  } else {
    const char* words[] = {"true", "false", "null"};
    out += words[rng() % 3];
  }
  ws();
}
}  // namespace

TEST(JsonReader, AcceptsAndRejectsExactlyWhatJsonParseDoes) {
  const std::string texts[] = {
      "{}", "[]", "0", "-0", "1e400", "\"x\"", "true", "null", " {\"a\" : [ 1 , {\"b\":[]} ] } ", "[1,2,]", "{\"a\":1,}",
      "{\"a\":1} {", "[1] x", "1 2", "{'a':1}", "[\"\x01\"]", "[\"\\x\"]", "\"\\u12\"", "[nul]", "[1e]", "[-]", "[01]",
      "\xEF\xBB\xBF[1]", "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}", "{\"k\":1,\"k\":2}", "[\"\xC3\x28\"]", "/* c */ 1", "", "  ",
      "{\"a\"", "[", "]", "{\"a\" 1}", "[1 2]", "{\"\":\"\"}", "01", "-01", "0.", ".5", "1.e3", "-", "+1", "1e+", "tru",
      "truex", "nulll", "NaN", "Infinity", "\xEF\xBB", "\xEF", "\xEF\xBB\xBF", " \xEF\xBB\xBF[]", "\xEF\xBB\xBF \n 2 ",
      std::string("{}\0garbage", 10), std::string("1\0x", 3), std::string("\0", 1), std::string("[1,\0]", 5),
      std::string("\"a\0b\"", 5), std::string(" \0", 2), "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
      "\"\\ud800\\ud800\\udc00\"", "\"\\ud800\\uzzzz\"", "\"\\ud800\\\"", "\"\\\\ud800\"", "[\"\\uDBFF\\uDFFF\"]",
      "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1E+2", "1e-0",
      "\"\xF4\x90\x80\x80\"", "\"\xED\xA0\x80\"", "\"\xC0\xAF\"", "\"\xE0\x80\x80\"", "\"\xF0\x9F\x98\"", "\"\x7F\"",
      "{\"a\":1 \"b\":2}", "{\"a\":}", "{:1}", "{1:1}", "[,]", "[1,,2]", "\t\r\n[\t\r\n]\t\r\n", "\f1", "1\f", "[1]]"};
  for (const std::string& t : texts) EXPECT_TRUE(reads_as_reference(t));

  std::mt19937 rng(13);
  const char alphabet[] = "{}[]\",:0123456789.eE+-truefalsnd \\u\x01\xC3\xA9\x80";
  for (int n = 0; n < 20000; ++n) {
    std::string t;
    const int len = static_cast<int>(rng() % 24);
    for (int i = 0; i < len; ++i) t += alphabet[rng() % (sizeof alphabet - 1)];
    ASSERT_TRUE(reads_as_reference(t));
  }
  // Valid texts, then the same texts with one byte changed, inserted or removed.
  for (int n = 0; n < 20000; ++n) {
    std::string t;
    random_json(rng, 0, t);
    ASSERT_TRUE(reads_as_reference(t));
    const size_t at = rng() % (t.size() + 1);
    const char byte = static_cast<char>(rng() % 4 ? "{}[]\",:.-e0\\u \0"[rng() % 15] : rng() % 256);
    switch (rng() % 3) {
      case 0: if (at < t.size()) t[at] = byte; break;
      case 1: t.insert(t.begin() + static_cast<long>(at), byte); break;
      default: if (at < t.size()) t.erase(at, 1);
    }
    ASSERT_TRUE(reads_as_reference(t));
  }
}

TEST(JsonReader, ReadsDeepNestingWithoutRecursion) {
  // 200 000 levels: a recursive reader would overflow the WASM module's 256 KB stack.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const json j = parse_json(deep);
  ASSERT_TRUE(j.is_array());
  EXPECT_TRUE(parse_json(std::string(200000, '[')).is_discarded());
  EXPECT_TRUE(same(parse_json("{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}"),
                   json::parse("{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}")));
}

TEST(JsonReader, ReadsUnpairedSurrogateEscapesAsReplacementCharacters) {
  EXPECT_EQ(parse_json("\"a\\ud800b\"").get<std::string>(), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(parse_json("\"\\udc00\\ud83d\\ude00\"").get<std::string>(), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_json("\"\\ud800\\u0041\"").get<std::string>(), "\xEF\xBF\xBD" "A");
}
