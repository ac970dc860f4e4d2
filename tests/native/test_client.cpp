#include <gtest/gtest.h>

#include "client.h"

using namespace faultline;

namespace {
json capture(Client& c, const std::string& value, const std::string& stack, json extra = json::object()) {
  json in = json{{"exceptions", json::array({json{{"type", "TypeError"}, {"value", value}, {"stack", stack}}})}, {"timestamp", 1.7e9}};
  for (auto it = extra.begin(); it != extra.end(); ++it) in[it.key()] = it.value();
  return json::parse(c.capture(in.dump()));
}
const char* kStack = "TypeError: x\n    at render (https://a.example/app.js:10:5)\n    at main (https://a.example/app.js:20:1)";
}  // namespace

TEST(Client, RepeatsAreAggregatedUnderTheFingerprintOfTheFirstFullEvent) {
  Client c(R"({"aggregation":{"windowMs":60000}})");
  json first = capture(c, "x is null", kStack);
  json again = capture(c, "x is null", kStack);
  EXPECT_EQ(first["status"], "queued");
  EXPECT_EQ(again["status"], "aggregated");
  EXPECT_EQ(first["fingerprint"], again["fingerprint"]);
}

TEST(Client, SignatureCacheKeysOnEverythingThatChangesTheGroup) {
  Client c(R"({"aggregation":{"windowMs":0}})");
  std::string base = capture(c, "x is null", kStack)["fingerprint"].get<std::string>();
  EXPECT_EQ(capture(c, "x is null", kStack)["fingerprint"], base) << "cache hit gives the same answer";
  EXPECT_NE(capture(c, "x is null", kStack, json{{"fingerprint", json::array({"{{ default }}", "tenant"})}})["fingerprint"], base)
      << "a per-call fingerprint override is part of the signature";
  std::string other_fn = kStack;
  other_fn.replace(other_fn.find("render"), 6, "paint!");
  EXPECT_NE(capture(c, "x is null", other_fn)["fingerprint"], base);
  EXPECT_EQ(capture(c, "x is null", kStack)["fingerprint"], base);
}

TEST(Client, ReconfiguringGroupingOptionsInvalidatesCachedFingerprints) {
  Client c(R"({"aggregation":{"windowMs":0}})");
  std::string lib = "TypeError: x\n    at lib (https://cdn.example/lib.js:1:1)\n    at save (https://a.example/app.js:5:1)";
  std::string before = capture(c, "x is null", lib)["fingerprint"].get<std::string>();
  c.configure(R"({"firstPartyOrigins":["https://a.example"]})");
  std::string after = capture(c, "x is null", lib)["fingerprint"].get<std::string>();
  EXPECT_NE(before, after) << "the throw site moves to the first-party frame once cdn.example is third party";
}

TEST(Client, CountRepeatCountsAKnownRepeatAndRefusesWhatNeedsTheFullPath) {
  Client c(R"({"aggregation":{"windowMs":60000}})");
  EXPECT_FALSE(c.count_repeat("fl1:unknown", 1.7e9));
  std::string fp = capture(c, "x is null", kStack)["fingerprint"].get<std::string>();
  EXPECT_TRUE(c.count_repeat(fp, 1.7e9 + 1));
  EXPECT_TRUE(c.count_repeat(fp, 1.7e9 + 2));
  EXPECT_FALSE(c.count_repeat(fp, 1.7e9 + 120)) << "the window closed";
  json st = json::parse(c.stats());
  EXPECT_EQ(st["captured"], 3) << "the refused repeat is not counted: the caller captures it in full";
  EXPECT_EQ(st["aggregated"], 2);
  json drained = json::parse(c.drain(1.7e12 + 200000, true, 50));
  uint64_t occurrences = 0;
  for (const auto& env : drained["envelopes"]) occurrences += env["occurrences"].get<uint64_t>();
  EXPECT_EQ(occurrences, 3u) << "one full event + a summary of the 2 counted repeats";
}
