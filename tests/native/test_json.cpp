// The JSON writer (src/json.cpp) against nlohmann's own serializer, which it replaces in the core.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

#include "json.h"

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

// parse_json drives nlohmann's parser with its plain DOM builder only (not json::parse, which also
// instantiates the callback builder): the same values, and a discarded value exactly where
// json::parse(text, nullptr, false) gives one, including trailing text after a complete value.
TEST(JsonReader, AcceptsAndRejectsExactlyWhatJsonParseDoes) {
  const char* texts[] = {
      "{}", "[]", "0", "-0", "1e400", "\"x\"", "true", "null", " {\"a\" : [ 1 , {\"b\":[]} ] } ", "[1,2,]", "{\"a\":1,}",
      "{\"a\":1} {", "[1] x", "1 2", "{'a':1}", "[\"\x01\"]", "[\"\\x\"]", "\"\\u12\"", "[nul]", "[1e]", "[-]", "[01]",
      "\xEF\xBB\xBF[1]", "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}", "{\"k\":1,\"k\":2}", "[\"\xC3\x28\"]", "/* c */ 1", "", "  ",
      "{\"a\"", "[", "]", "{\"a\" 1}", "[1 2]", "{\"\":\"\"}"};
  for (const char* t : texts) {
    const json want = json::parse(t, nullptr, false);
    const json got = parse_json(t);
    EXPECT_EQ(got.is_discarded(), want.is_discarded()) << t;
    if (!want.is_discarded()) EXPECT_EQ(got, want) << t;
  }
  std::mt19937 rng(13);
  const char alphabet[] = "{}[]\",:0123456789.eE+-truefalsn \\u";
  for (int n = 0; n < 20000; ++n) {
    std::string t;
    const int len = static_cast<int>(rng() % 24);
    for (int i = 0; i < len; ++i) t += alphabet[rng() % (sizeof alphabet - 1)];
    const json want = json::parse(t, nullptr, false);
    const json got = parse_json(t);
    ASSERT_EQ(got.is_discarded(), want.is_discarded()) << t;
    if (!want.is_discarded()) ASSERT_EQ(got, want) << t;
  }
}
