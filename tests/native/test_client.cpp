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

TEST(Client, StacksOutsideTheJsonGiveTheSameEventAsStacksInside) {
  std::string inner = "Error: inner\n    at load (https://a.example/db.js:3:9)";
  json in_json = json{{"exceptions", json::array({json{{"type", "TypeError"}, {"value", "x is null"}, {"stack", kStack}},
                                                 json{{"type", "Error"}, {"value", "inner"}, {"stack", inner}, {"parent", 0}}})},
                      {"timestamp", 1.7e9}, {"event_id", std::string(32, 'a')}};
  json out_of_band = in_json;
  for (auto& e : out_of_band["exceptions"]) e.erase("stack");
  Client a(R"({"aggregation":{"windowMs":0}})"), b(R"({"aggregation":{"windowMs":0}})");
  json ra = json::parse(a.capture(in_json.dump()));
  json rb = json::parse(b.capture(out_of_band.dump(), std::string(kStack) + '\0' + inner));
  EXPECT_EQ(ra["fingerprint"], rb["fingerprint"]);
  auto event_of = [](Client& c) {
    std::string body = json::parse(c.drain(1.7e12, true, 1))["envelopes"][0]["body"].get<std::string>();
    json ev = json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
    ev.erase("timestamp");
    return ev["exception"];
  };
  json ea = event_of(a), eb = event_of(b);
  EXPECT_EQ(ea, eb);
  EXPECT_EQ(eb["values"][0]["stacktrace"]["frames"].size(), 1u) << "the second segment belongs to the second exception";
  EXPECT_EQ(eb["values"][1]["stacktrace"]["frames"].size(), 2u);
}

TEST(Client, OutOfBandStackSegmentsFollowTheExceptionEntriesAndAStackInTheJsonWins) {
  Client c(R"({"aggregation":{"windowMs":0}})");
  json in = json{{"exceptions", json::array({json{{"type", "Error"}, {"value", "a"}, {"stack", "Error: a\n    at json (https://a.example/j.js:1:1)"}},
                                             "not an object",
                                             json{{"type", "Error"}, {"value", "c"}}})},
                 {"timestamp", 1.7e9}};
  std::string segs = std::string("Error: a\n    at ignored (https://a.example/x.js:1:1)") + '\0' + "garbage for the string entry" + '\0' +
                     "Error: c\n    at third (https://a.example/t.js:2:2)";
  json r = json::parse(c.capture(in.dump(), segs));
  ASSERT_EQ(r["status"], "queued");
  std::string body = json::parse(c.drain(1.7e12, true, 1))["envelopes"][0]["body"].get<std::string>();
  json ev = json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
  const json& values = ev["exception"]["values"];
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1]["stacktrace"]["frames"][0]["function"], "json");
  EXPECT_EQ(values[0]["stacktrace"]["frames"][0]["function"], "third");
  EXPECT_EQ(json::parse(c.capture("{}", std::string(5 * 1024 * 1024, 'x')))["reason"], "oversized_input") << "the stacks count toward the input cap";
}

TEST(Client, AFingerprintOverrideIsSentAsSentrysListOnTheEventAndOnItsSummary) {
  Client c(R"({"aggregation":{"windowMs":60000}})");
  std::string plain = capture(c, "x is null", kStack)["fingerprint"].get<std::string>();
  json tenant = json{{"fingerprint", json::array({"{{ default }}", "tenant-a"})}};
  json first = capture(c, "x is null", kStack, tenant);
  json again = capture(c, "x is null", kStack, tenant);
  json other = capture(c, "x is null", kStack, json{{"fingerprint", json::array({"{{ default }}", "tenant-b"})}});
  EXPECT_EQ(first["status"], "queued");
  EXPECT_EQ(again["status"], "aggregated");
  EXPECT_NE(first["fingerprint"], plain) << "the override is its own group";
  EXPECT_NE(other["fingerprint"], first["fingerprint"]);
  std::vector<json> events;
  json drained = json::parse(c.drain(1.7e12 + 120000, true, 1));
  for (const auto& env : drained["envelopes"]) {
    std::string body = env["body"].get<std::string>();
    events.push_back(json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1)));
  }
  json want = json::array({plain, "tenant-a"});
  int with_tenant_a = 0;
  for (const auto& ev : events) {
    if (ev["fingerprint"] != want) continue;
    ++with_tenant_a;
    EXPECT_EQ(ev["contexts"]["faultline"]["fingerprint"], first["fingerprint"]) << "the context keeps the group key";
  }
  EXPECT_EQ(with_tenant_a, 2) << "the full event and the summary of its repeat carry the same list";
}

TEST(Client, SdkUrlsOptionMakesTheSdksOwnFramesNotInAppWhateverPathServesThem) {
  // Chromium's stack of a failed fetch goes through the SDK's wrapper, served here from /js/.
  std::string stack = "TypeError: Failed to fetch\n    at window.fetch (https://a.example/js/hooks/http.js:36:17)\n"
                      "    at load (https://a.example/app.js:5:1)";
  Client plain(R"({"aggregation":{"windowMs":0}})"), told(R"({"aggregation":{"windowMs":0},"sdkUrls":["https://a.example/js/"]})");
  auto frames_of = [](Client& c, const std::string& st) {
    json in = json{{"exceptions", json::array({json{{"type", "TypeError"}, {"value", "boom"}, {"stack", st}}})}, {"timestamp", 1.7e9}};
    c.capture(in.dump());
    std::string body = json::parse(c.drain(1.7e12, true, 1))["envelopes"][0]["body"].get<std::string>();
    return json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1))["exception"]["values"][0]["stacktrace"]["frames"];
  };
  json before = frames_of(plain, stack), after = frames_of(told, stack);
  EXPECT_EQ(before[1]["in_app"], true) << "without the option, /js/ is just a path";
  EXPECT_EQ(after[1]["in_app"], false);
  EXPECT_EQ(after[0]["in_app"], true);
}

namespace {
json only_event(Client& c) {
  std::string body = json::parse(c.drain(1.7e12, true, 1))["envelopes"][0]["body"].get<std::string>();
  return json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
}
}  // namespace

TEST(Client, EventsHaveSentryBrowserShapesMessageBreadcrumbArrayTemplateLogLevelAndTagValues) {
  Client c(R"({"aggregation":{"windowMs":0}})");
  c.add_breadcrumb(R"({"category":"foo","message":"bar","level":"baz","timestamp":1.7e9})");
  c.add_breadcrumb(R"({"category":"sentry.event","event_id":"0123456789abcdef0123456789abcdef","level":"info"})");
  c.set_scope(R"({"tags":{"n":3.5,"b":false,"z":null}})");
  c.capture(R"({"message":"This is first","level":"log","template":{"message":"This is %s","params":["first"]},"timestamp":1.7e9})");
  json ev = only_event(c);
  EXPECT_EQ(ev["message"], "This is first");
  EXPECT_EQ(ev["logentry"], json::parse(R"({"message":"This is %s","params":["first"]})"));
  EXPECT_EQ(ev["level"], "log");
  ASSERT_TRUE(ev["breadcrumbs"].is_array());
  EXPECT_EQ(ev["breadcrumbs"][0]["level"], "baz") << "custom breadcrumb levels are kept";
  EXPECT_EQ(ev["breadcrumbs"][1]["event_id"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(ev["tags"], json::parse(R"({"n":3.5,"b":false,"z":null})"));

  // A message with the stack of its call (attachStacktrace): both, level info, no exception type.
  c.capture(R"J({"message":"with stack","exceptions":[{"value":"with stack","synthetic":true,"stack":"Error\n    at f (https://a.example/app.js:1:1)\n    at g (https://a.example/app.js:2:1)"}],"timestamp":1.7e9})J");
  json ms = only_event(c);
  EXPECT_EQ(ms["message"], "with stack");
  EXPECT_EQ(ms["level"], "info");
  EXPECT_FALSE(ms["exception"]["values"][0].contains("type"));
  EXPECT_EQ(ms["exception"]["values"][0]["stacktrace"]["frames"].size(), 2u);
}

TEST(Client, DefaultLevelAppliesOnlyWhenNeitherTheInputNorTheScopeSetsALevel) {
  // httpClientIntegration's event: a message and an exception, which Sentry sends without a level
  // (shown as error); the scope's level wins over it, the input's own level over both.
  // A new client each time: every capture is a first event (never a repeat).
  const auto level = [](const std::string& more, const char* scope = nullptr) {
    Client c(R"({"aggregation":{"windowMs":0}})");
    if (scope) c.set_scope(scope);
    const std::string m = "HTTP Client Error with status code: 500";
    c.capture(R"({"message":")" + m + R"(","default_level":"error","exceptions":[{"type":"Error","value":")" + m + R"(","synthetic":true}],"timestamp":1.7e9)" + more + "}");
    return only_event(c)["level"].get<std::string>();
  };
  EXPECT_EQ(level(""), "error");
  EXPECT_EQ(level(R"(,"level":"fatal")"), "fatal");
  EXPECT_EQ(level("", R"({"level":"warning"})"), "warning");
  EXPECT_EQ(level(R"(,"default_level":"bogus")"), "info") << "an invalid default_level is ignored (a message with a stack: info)";
}

TEST(Client, AThrowSiteInAScriptWhoseTableTheSdkCouldNotHaveIsNotSentAsTheFingerprint) {
  Client c(R"({"aggregation":{"windowMs":0},"grouping":"auto"})");
  auto event_of = [&]() {
    std::string body = json::parse(c.drain(1.7e12, true, 1))["envelopes"][0]["body"].get<std::string>();
    return json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
  };
  capture(c, "x is null", kStack);
  json plain = event_of();
  EXPECT_TRUE(plain.contains("fingerprint")) << "a named function's key is confident";
  // The SDK wanted app.js's table (the page's scan, or a bundle's registered table) and it failed:
  // with it, SpiderMonkey's `render` could have been `CartStore.render` (or another class's).
  const std::string sm = "render@https://a.example/app.js:10:5\nmain@https://a.example/app.js:20:1\n";
  capture(c, "x is null", sm, json{{"symbols", json{{"https://a.example/app.js", "failed"}}}});
  json missing = event_of();
  EXPECT_FALSE(missing.contains("fingerprint")) << missing.dump();
  EXPECT_EQ(missing["contexts"]["faultline"]["grouping"]["table_missing"], true);
  EXPECT_EQ(missing["contexts"]["faultline"]["symbol_tables"]["https://a.example/app.js"], "failed");
  // Another script's missing table changes nothing for a throw site in app.js.
  capture(c, "x is null", sm, json{{"symbols", json{{"https://a.example/other.js", "timeout"}}}});
  EXPECT_TRUE(event_of().contains("fingerprint"));
  // V8 prints a class's method with its class: its bare `render` is a plain function, which the
  // table names alike, so the key stays confident; `CartStore.render` would not.
  capture(c, "x is null", kStack, json{{"symbols", json{{"https://a.example/app.js", "pending"}}}});
  EXPECT_TRUE(event_of().contains("fingerprint"));
  capture(c, "x is null", "TypeError: x\n    at CartStore.render (https://a.example/app.js:10:5)",
          json{{"symbols", json{{"https://a.example/app.js", "pending"}}}});
  EXPECT_FALSE(event_of().contains("fingerprint"));
}
