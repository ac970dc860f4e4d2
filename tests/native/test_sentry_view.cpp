// What a Sentry user sees: sdk settings (no inferred IP), counts Sentry can weigh, summaries that
// are real events, and when Faultline's fingerprint is sent (the `grouping` option).
#include <gtest/gtest.h>

#include "client.h"

using namespace faultline;

namespace {
const char* kStack = "TypeError: x\n    at render (https://a.example/app.js:10:5)\n    at main (https://a.example/app.js:20:1)";

json capture(Client& c, const std::string& value, double ts, json extra = json::object()) {
  json in = json{{"exceptions", json::array({json{{"type", "TypeError"}, {"value", value}, {"stack", kStack},
                                                  {"mechanism", json{{"type", "onerror"}, {"handled", false}}}}})},
                 {"timestamp", ts}};
  for (auto it = extra.begin(); it != extra.end(); ++it) in[it.key()] = it.value();
  return json::parse(c.capture(in.dump()));
}

std::vector<json> drain_events(Client& c, double now_ms) {
  std::vector<json> out;
  json drained = json::parse(c.drain(now_ms, true, 1));
  for (const auto& env : drained["envelopes"]) {
    std::string body = env["body"].get<std::string>();
    out.push_back(json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1)));
  }
  return out;
}

// Sentry's weight for an event under error upsampling: 1 / client_sample_rate, else 1.
double weight(const json& ev) {
  if (ev.contains("contexts") && ev["contexts"].contains("error_sampling"))
    return 1.0 / ev["contexts"]["error_sampling"]["client_sample_rate"].get<double>();
  return 1.0;
}
}  // namespace

TEST(SentryView, EveryEventTellsRelayNotToInferTheIpUnlessPiiIsAllowed) {
  Client c(R"({"aggregation":{"windowMs":60000},"release":"r@1","dist":"d7"})");
  capture(c, "x is null", 1.7e9);
  capture(c, "x is null", 1.7e9 + 1);
  std::vector<json> events = drain_events(c, 1.7e12 + 10000);
  ASSERT_EQ(events.size(), 2u) << "a full event and a summary";
  for (const auto& ev : events) {
    EXPECT_EQ(ev["sdk"]["settings"]["infer_ip"], "never");
    EXPECT_EQ(ev["sdk"]["packages"][0]["name"], "npm:faultline");
    EXPECT_EQ(ev["dist"], "d7") << "the summary has the same base fields as the full event";
    EXPECT_EQ(ev["release"], "r@1");
    EXPECT_FALSE(ev.contains("user")) << "no IP-only user";
  }
  Client pii(R"({"sendDefaultPii":true,"sdk":{"integrations":["GlobalHandlers","BrowserApiErrors"]}})");
  capture(pii, "y is null", 1.7e9);
  json ev = drain_events(pii, 1.7e12)[0];
  EXPECT_EQ(ev["sdk"]["settings"]["infer_ip"], "auto");
  EXPECT_EQ(ev["sdk"]["integrations"], json::array({"GlobalHandlers", "BrowserApiErrors"}));
}

TEST(SentryView, ASummaryWeighsTheOccurrencesItStandsForUnderErrorUpsampling) {
  Client c(R"({"aggregation":{"windowMs":600000}})");
  for (int i = 0; i < 1000; ++i) capture(c, "x is null", 1.7e9 + i * 0.01);
  std::vector<json> events = drain_events(c, 1.7e12 + 1e6);
  ASSERT_EQ(events.size(), 2u);
  double total = 0;
  uint64_t counted = 0;
  for (const auto& ev : events) {
    total += weight(ev);
    counted += ev["contexts"]["faultline"]["count"].get<uint64_t>();
  }
  EXPECT_NEAR(total, 1000.0, 1e-6);
  EXPECT_EQ(counted, 1000u);
  const json& summary = events[1];
  EXPECT_EQ(summary["contexts"]["faultline"]["count"], 999);
  EXPECT_EQ(summary["tags"]["faultline.repeats"], "100-999");
  EXPECT_FALSE(events[0].contains("tags")) << "a single occurrence carries no repeats tag";
  EXPECT_FALSE(events[0]["contexts"].contains("error_sampling")) << "a single occurrence weighs 1 without help";
}

TEST(SentryView, TheSdkSampleRateIsPartOfTheWeight) {
  Client c(R"({"sampleRate":0.25,"aggregation":{"windowMs":600000}})");
  for (int i = 0; i < 4; ++i) capture(c, "x is null", 1.7e9 + i);
  std::vector<json> events = drain_events(c, 1.7e12 + 1e6);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_DOUBLE_EQ(weight(events[0]), 4.0);
  EXPECT_DOUBLE_EQ(weight(events[1]), 12.0) << "3 kept occurrences, each standing for 4";
}

TEST(SentryView, RepeatsBucketsAreDecades) {
  Client c(R"({"aggregation":{"windowMs":600000}})");
  for (int i = 0; i < 12; ++i) capture(c, "x is null", 1.7e9 + i);
  std::vector<json> events = drain_events(c, 1.7e12 + 1e6);
  EXPECT_EQ(events[1]["tags"]["faultline.repeats"], "10-99");
}

TEST(SentryView, ASummaryIsTheLastOccurrenceInFull) {
  Client c(R"({"aggregation":{"windowMs":600000},"release":"r@1"})");
  c.set_scope(R"({"user":{"id":"42"},"tags":{"plan":"pro"}})");
  c.add_breadcrumb(R"({"category":"ui.click","message":"button#buy","timestamp":1700000000.5})");
  capture(c, "x is null", 1.7e9, json{{"request", json{{"url", "https://a.example/cart"}}}});
  c.add_breadcrumb(R"({"category":"navigation","message":"to checkout","timestamp":1700000001.5})");
  capture(c, "x is null", 1.7e9 + 2,
          json{{"request", json{{"url", "https://a.example/checkout?token=abc"}}},
               {"contexts", json{{"trace", json{{"trace_id", "0123456789abcdef0123456789abcdef"}, {"span_id", "0123456789abcdef"}}}}},
               {"scope", json{{"tags", json{{"step", "pay"}}}}}});
  c.add_breadcrumb(R"({"category":"later","message":"after the last occurrence","timestamp":1700000009})");
  std::vector<json> events = drain_events(c, 1.7e12 + 1e6);
  ASSERT_EQ(events.size(), 2u);
  const json& s = events[1];
  EXPECT_EQ(s["contexts"]["faultline"]["summary"], true);
  EXPECT_DOUBLE_EQ(s["timestamp"].get<double>(), 1.7e9 + 2);
  EXPECT_DOUBLE_EQ(s["contexts"]["faultline"]["first_seen"].get<double>(), 1.7e9 + 2);
  const json& x = s["exception"]["values"].back();
  EXPECT_EQ(x["type"], "TypeError");
  EXPECT_EQ(x["mechanism"]["handled"], false);
  EXPECT_EQ(x["stacktrace"]["frames"].back()["function"], "render");
  EXPECT_EQ(s["request"]["url"], "https://a.example/checkout?token=[Filtered]") << "scrubbed like any event";
  EXPECT_EQ(s["user"]["id"], "42");
  EXPECT_EQ(s["tags"]["plan"], "pro");
  EXPECT_EQ(s["tags"]["step"], "pay") << "the occurrence's own scope";
  EXPECT_EQ(s["contexts"]["trace"]["trace_id"], "0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(s["breadcrumbs"].is_array()) << "an array, as @sentry/browser sends them";
  ASSERT_EQ(s["breadcrumbs"].size(), 2u) << "crumbs up to the last occurrence, not after";
  EXPECT_EQ(s["breadcrumbs"][1]["category"], "navigation");
  EXPECT_EQ(s["fingerprint"], events[0]["fingerprint"]);
}

TEST(SentryView, RetainedOccurrencesStayWithinTheirByteBudget) {
  Client c(R"({"aggregation":{"windowMs":600000,"maxGroups":5000},"maxQueue":1000})");
  std::string big(60 * 1024, 'a');
  for (int g = 0; g < 200; ++g) {
    std::string v = "error kind " + std::string(1, 'A' + g % 26) + std::string(1, 'a' + g / 26) + " " + big.substr(0, 1000);
    json in = json{{"exceptions", json::array({json{{"type", "Error"}, {"value", v},
                    {"stack", std::string("Error\n    at f") + std::to_string(g) + " (https://a.example/x.js:1:1)"}}})},
                   {"timestamp", 1.7e9}, {"extra", json{{"blob", big}}}};
    c.capture(in.dump());
    in["timestamp"] = 1.7e9 + 1;
    c.capture(in.dump());
  }
  json stats = json::parse(c.stats());
  EXPECT_LE(stats["aggregator_bytes"].get<double>(), 2.6 * 1024 * 1024) << "2 MB of retained inputs at most, plus the groups";
  std::vector<json> events = drain_events(c, 1.7e12 + 1e6);
  size_t summaries = 0, minimal = 0;
  uint64_t total = 0;
  for (const auto& ev : events) {
    total += ev["contexts"]["faultline"]["count"].get<uint64_t>();
    if (!ev["contexts"]["faultline"]["summary"].get<bool>()) continue;
    ++summaries;
    if (!ev.contains("exception")) ++minimal;
  }
  EXPECT_EQ(total, 400u) << "counts stay exact whatever was retained";
  EXPECT_EQ(summaries, 200u);
  EXPECT_GT(minimal, 0u) << "over the budget, a summary carries the group's identity only";
  EXPECT_LT(minimal, 200u);
}

TEST(SentryView, GroupingModesDecideWhenTheFingerprintIsSent) {
  for (const char* mode : {"client", "server", "auto"}) {
    Client c(std::string(R"({"grouping":")") + mode + "\"}");
    capture(c, "x is null", 1.7e9);
    capture(c, "order 17 failed", 1.7e9, json{{"fingerprint", json::array({"{{ default }}", "tenant-a"})}});
    std::vector<json> events = drain_events(c, 1.7e12);
    ASSERT_EQ(events.size(), 2u);
    const json& plain = events[0];
    const json& user = events[1];
    EXPECT_TRUE(plain["contexts"]["faultline"]["fingerprint"].is_string()) << "the group key is always in the context";
    if (std::string(mode) == "server") {
      EXPECT_FALSE(plain.contains("fingerprint")) << mode;
      EXPECT_EQ(user["fingerprint"], json::array({"{{ default }}", "tenant-a"})) << "Sentry expands {{ default }} itself";
    } else {
      // A stack with in-app frames is a grouping Faultline is sure of.
      EXPECT_EQ(plain["fingerprint"], json::array({plain["contexts"]["faultline"]["fingerprint"]})) << mode;
      EXPECT_EQ(user["fingerprint"][1], "tenant-a");
      EXPECT_EQ(user["fingerprint"][0].get<std::string>().rfind("fl1:", 0), 0u);
    }
    EXPECT_EQ(plain["contexts"]["faultline"]["grouping_mode"], mode);
  }
  Client bad(R"({"grouping":"sometimes"})");
  EXPECT_TRUE(json::parse(bad.stats()).contains("options_error"));
}
