#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "envelope.h"
#include "util.h"

using namespace faultline;

TEST(Envelope, FramesItemsWithByteLengthsAndReadsBack) {
  std::string payload = R"({"message":"line1\nline2 é"})";
  std::string env = build_envelope(json{{"event_id", "0123456789abcdef0123456789abcdef"}},
                                   {EnvelopeItem{"event", payload}, EnvelopeItem{"client_report", "{}"}});
  json header;
  std::vector<EnvelopeItem> items;
  std::string err;
  ASSERT_TRUE(parse_envelope(env, header, items, err)) << err;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].type, "event");
  EXPECT_EQ(items[0].payload, payload);
  EXPECT_EQ(items[1].type, "client_report");
  EXPECT_EQ(header["event_id"], "0123456789abcdef0123456789abcdef");
  // The item header states the payload's length in bytes (UTF-8), as Sentry requires.
  size_t first_nl = env.find('\n');
  json ih = json::parse(env.substr(first_nl + 1, env.find('\n', first_nl + 1) - first_nl - 1));
  EXPECT_EQ(ih["length"].get<size_t>(), payload.size());
}

TEST(Envelope, MalformedEnvelopesAreRejectedWithReason) {
  json h;
  std::vector<EnvelopeItem> items;
  std::string err;
  EXPECT_FALSE(parse_envelope("not json\n", h, items, err));
  EXPECT_FALSE(parse_envelope("{}\n{\"type\":\"event\",\"length\":999}\n{}\n", h, items, err));
  EXPECT_NE(err.find("length"), std::string::npos);
}

TEST(Util, TruncateNeverSplitsACodePoint) {
  std::string s = "aé€😀bcdefgh";  // 1 + 2 + 3 + 4 bytes then ascii
  for (size_t n = 3; n < s.size(); ++n) {
    std::string t = truncate_utf8(s, n);
    EXPECT_LE(t.size(), n);
    // Valid UTF-8: parse back as JSON string must not need replacement.
    json j = t;
    EXPECT_EQ(j.dump(-1, ' ', false, json::error_handler_t::strict).empty(), false);
  }
  EXPECT_EQ(truncate_utf8("short", 100), "short");
}

TEST(Util, NormalizeCutsDepthBreadthAndLongStrings) {
  json v = json::parse(R"({"a":{"b":{"c":{"d":1}}},"s":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","arr":[1,2,3,4,5]})");
  NormalizeLimits lim;
  lim.max_depth = 2;
  lim.max_value_length = 10;
  lim.max_breadth = 3;
  EXPECT_TRUE(normalize_json(v, lim));
  EXPECT_EQ(v["a"]["b"], "[Object]");
  EXPECT_LE(v["s"].get<std::string>().size(), 10u);
  EXPECT_EQ(v["arr"].size(), 3u);
}

TEST(Util, NonFiniteNumbersBecomeStrings) {
  json v = json::object();
  v["n"] = std::numeric_limits<double>::quiet_NaN();
  v["i"] = std::numeric_limits<double>::infinity();
  normalize_json(v, NormalizeLimits{});
  EXPECT_EQ(v["n"], "NaN");
  EXPECT_EQ(v["i"], "Infinity");
}

TEST(Util, Iso8601FormatsUtcMilliseconds) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(1732483200.5), "2024-11-24T21:20:00.500Z");
  EXPECT_EQ(iso8601(std::nan("")), "1970-01-01T00:00:00.000Z");
}

TEST(Util, EventIdsAreUniqueUuid4Hex) {
  Rng rng(platform_seed());
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = rng.hex32();
    ASSERT_TRUE(is_hex32(id)) << id;
    EXPECT_EQ(id[12], '4');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_FALSE(is_hex32("0123456789ABCDEF0123456789abcdef"));
}

TEST(Util, LoneSurrogateEscapesFromJsonStringifyStillParse) {
  // What JSON.stringify('a\ud800b\udfffc\ud83d\ude00') produces: two lone halves and one valid pair.
  json j = parse_json(R"({"v":"a\ud800b\udfffc\ud83d\ude00","esc":"\\ud800"})");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["v"], "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xF0\x9F\x98\x80");
  EXPECT_EQ(j["esc"], "\\ud800") << "an escaped backslash followed by u is not a surrogate escape";
  EXPECT_TRUE(parse_json(R"({"v":"\ud800)").is_discarded()) << "still invalid JSON is still rejected";
}
