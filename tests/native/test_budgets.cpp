// Byte budgets: whatever the page logs or puts in its scope, every breadcrumb buffer, scope bag,
// event and the queue stay within bytes (not only counts), so the core's heap cannot grow until
// the WASM module aborts; what a budget cuts is either noted in the event or counted as a drop.
#include <gtest/gtest.h>

#include <chrono>

#include "breadcrumbs.h"
#include "client.h"
#include "scope.h"

using namespace faultline;

namespace {
json stats(const Client& c) { return json::parse(c.stats()); }
std::string big(size_t n, char ch = 'x') { return std::string(n, ch); }
json capture_distinct(Client& c, int i) {
  json in = {{"exceptions", json::array({json{{"type", "Error"}, {"value", "distinct failure kind " + std::string(1, char('a' + i % 26)) + big(i / 26 + 1, char('a' + i % 26))},
                                              {"stack", "Error: x\n    at f" + std::to_string(i) + " (https://a.example/app.js:1:1)"}}})},
             {"timestamp", 1.7e9}};
  return json::parse(c.capture(in.dump()));
}
}  // namespace

TEST(Budgets, BreadcrumbBufferEvictsOldestByBytesAsWellAsCount) {
  BreadcrumbBuffer b(100, 10000);
  for (int i = 0; i < 100; ++i) b.push(json{{"message", std::to_string(i)}}, 2000);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.bytes(), 10000u);
  EXPECT_EQ(b.to_json()[0]["message"], "95");
  EXPECT_EQ(b.evicted(), 95u);
  b.push(json{{"message", "huge"}}, 20000);  // larger than the whole budget: refused, nothing evicted
  EXPECT_EQ(b.size(), 5u);
  b.set_max_bytes(4000);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.to_json()[1]["message"], "99");
  b.clear();
  EXPECT_EQ(b.bytes(), 0u);
}

TEST(Budgets, HundredsOfLargeConsoleCrumbsStayWithinTheBreadcrumbBudget) {
  Client c(R"({"maxBreadcrumbs":100,"maxValueLength":1000000})");
  for (int i = 0; i < 300; ++i)
    c.add_breadcrumb(json{{"category", "console"}, {"message", big(40000)}, {"data", {{"blob", big(40000)}}}}.dump());
  json s = stats(c);
  EXPECT_LE(s["breadcrumb_bytes"].get<size_t>(), BreadcrumbBuffer::kDefaultMaxBytes);
  EXPECT_GE(s["breadcrumbs"].get<size_t>(), 3u);  // each crumb cut to at most 16 KiB
}

TEST(Budgets, ScopeValuesAndBagsAreBoundedInBytesAndTheCutsAreCounted) {
  Scope s;
  uint64_t cut = 0;
  std::string problems = s.apply_patch(json{{"extra", {{"huge", big(100000)}, {"small", "ok"}}}}, &cut);
  EXPECT_EQ(s.extra["small"], "ok");
  ASSERT_TRUE(s.extra["huge"].is_string());
  EXPECT_NE(s.extra["huge"].get<std::string>().find("over the 16384-byte limit"), std::string::npos);
  EXPECT_EQ(cut, 1u);
  EXPECT_FALSE(problems.empty());
  // Many values just under the per-value limit: the bag stops growing at its budget.
  for (int i = 0; i < 20; ++i) s.apply_patch(json{{"contexts", {{"ctx" + std::to_string(i), {{"v", big(15000)}}}}}}, &cut);
  EXPECT_LE(dump_json(s.contexts).size(), ScopeLimits::kMaxBagBytes);
  EXPECT_GE(s.contexts.size(), 3u);
  EXPECT_GE(cut, 10u);
  // Replacing a key with a smaller value is still allowed when the bag is full.
  s.apply_patch(json{{"contexts", {{"ctx0", {{"v", "small now"}}}}}}, &cut);
  EXPECT_EQ(s.contexts["ctx0"]["v"], "small now");
  for (int i = 0; i < 500; ++i) s.apply_patch(json{{"tags", {{"t" + std::to_string(i), "v"}}}}, &cut);
  EXPECT_EQ(s.tags.size(), ScopeLimits::kMaxTags);
  s.apply_patch(json{{"user", {{"id", "1"}, {"blob", big(50000)}}}}, &cut);
  EXPECT_TRUE(s.user.is_object());
  EXPECT_LE(dump_json(s.user).size(), ScopeLimits::kMaxValueBytes);
}

// The bag budgets are exact: the size kept key by key equals the serialized bag after any mix of
// new keys, replacements, refusals, removals (a null context) and clears.
TEST(Budgets, ScopeBagSizesAreTrackedExactlyKeyByKey) {
  Scope s;
  uint64_t cut = 0;
  unsigned seed = 1;
  auto rnd = [&](unsigned n) { seed = seed * 1103515245u + 12345u; return (seed >> 8) % n; };
  for (int i = 0; i < 4000; ++i) {
    const char* bag = rnd(2) ? "extra" : "contexts";
    std::string key = "k" + std::to_string(rnd(60)) + (rnd(5) == 0 ? "\"\u00e9\n" : "");
    json v;
    switch (rnd(6)) {
      case 0: v = nullptr; break;
      case 1: v = json{{"blob", big(rnd(3000))}}; break;
      case 2: v = json{{"n", rnd(1000)}, {"s", "t\"ab\t"}}; break;
      case 3: v = json{{"huge", big(20000)}}; break;  // over the value budget: a note
      default: v = json{{"a", json::array({1, "two", nullptr})}}; break;
    }
    if (rnd(400) == 0) s.apply_patch(json{{bag, nullptr}}, &cut);
    else s.apply_patch(json{{bag, {{key, v}}}}, &cut);
    ASSERT_EQ(s.extra_bytes.bytes, dump_json(s.extra).size()) << "after step " << i;
    ASSERT_EQ(s.contexts_bytes.bytes, dump_json(s.contexts).size()) << "after step " << i;
    ASSERT_LE(s.extra_bytes.bytes, ScopeLimits::kMaxBagBytes);
    ASSERT_LE(s.contexts_bytes.bytes, ScopeLimits::kMaxBagBytes);
  }
  EXPECT_GT(cut, 0u);
  // Filled to within a few bytes of the budget: a member that fits exactly is taken, one byte more is not.
  Scope f;
  for (int i = 0; i < 4; ++i) f.apply_patch(json{{"extra", {{"f" + std::to_string(i), big(16000)}}}}, &cut);
  const size_t room = ScopeLimits::kMaxBagBytes - f.extra_bytes.bytes;  // for ,"k":"..." (7 bytes + the text)
  ASSERT_GT(room, 7u);
  EXPECT_FALSE(f.apply_patch(json{{"extra", {{"k", big(room - 7 + 1)}}}}, &cut).empty());
  EXPECT_FALSE(f.extra.contains("k"));
  EXPECT_EQ(f.apply_patch(json{{"extra", {{"k", big(room - 7)}}}}, &cut), "");
  EXPECT_EQ(f.extra_bytes.bytes, ScopeLimits::kMaxBagBytes);
  EXPECT_EQ(dump_json(f.extra).size(), ScopeLimits::kMaxBagBytes);
}

// A setter costs the values it touches, not the bag: 100 000 setExtra calls against a full 64 KiB
// bag (each refused) used to re-serialize the bag every time (6 GB of JSON: many seconds). Generous
// bound on a loaded machine; the new cost is a few dumps of 20 bytes per call.
TEST(Budgets, ScopeSettersDoNotReserializeTheBag) {
  Scope s;
  uint64_t cut = 0;
  for (int i = 0; i < 5; ++i) s.apply_patch(json{{"extra", {{"fill" + std::to_string(i), big(15000)}}}}, &cut);
  ASSERT_GT(s.extra_bytes.bytes, ScopeLimits::kMaxBagBytes - 16000);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100000; ++i) s.apply_patch(json{{"extra", {{"e" + std::to_string(i), big(20)}}}}, &cut);
  for (int i = 0; i < 20000; ++i) s.apply_patch(json{{"tags", {{"t" + std::to_string(i), "v"}}}}, &cut);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 4.0);
  EXPECT_EQ(s.extra_bytes.bytes, dump_json(s.extra).size());
  EXPECT_EQ(s.tags.size(), ScopeLimits::kMaxTags);
}

TEST(Budgets, AnOversizedEventShedsBreadcrumbsAndExtraBeforeItIsDropped) {
  Client c(R"({"aggregation":{"windowMs":0},"maxValueLength":1000000})");
  for (int i = 0; i < 100; ++i) c.add_breadcrumb(json{{"message", big(1500)}}.dump());
  // Per-capture extra is not bounded by the scope budgets: 700 KB of it.
  json in = {{"message", "with a huge extra"}, {"extra", {{"a", big(350000)}, {"b", big(350000)}}}, {"timestamp", 1.7e9}};
  json r = json::parse(c.capture(in.dump()));
  ASSERT_EQ(r["status"], "queued") << r.dump();
  json envs = json::parse(c.drain(1.7e12, true, 1))["envelopes"];
  ASSERT_EQ(envs.size(), 1u);
  const std::string body = envs[0]["body"].get<std::string>();
  EXPECT_LE(body.size(), c.options().max_event_bytes + 1024);
  EXPECT_EQ(body.find("\"extra\""), std::string::npos);
  EXPECT_NE(body.find("with a huge extra"), std::string::npos);
  EXPECT_EQ(stats(c)["events_trimmed"], 1);
}

TEST(Budgets, TheQueueIsBoundedInBytesAndEveryEventItRefusesIsCounted) {
  Client c(R"({"aggregation":{"windowMs":0},"maxQueue":1000,"maxValueLength":1000000})");
  for (int i = 0; i < 100; ++i) c.add_breadcrumb(json{{"message", big(1200)}}.dump());
  int queued = 0, dropped = 0;
  for (int i = 0; i < 200; ++i) {
    json r = capture_distinct(c, i);
    if (r["status"] == "queued") ++queued;
    else if (r["reason"] == "queue_overflow" || r["status"] == "dropped") ++dropped;
  }
  json s = stats(c);
  EXPECT_LE(s["queue_bytes"].get<size_t>(), c.options().max_queue_bytes);
  const uint64_t overflow = s["dropped"].value("queue_overflow", 0);
  EXPECT_GT(overflow, 0u);
  EXPECT_EQ(static_cast<uint64_t>(queued) + overflow, 200u) << s.dump();
  json envs = json::parse(c.drain(1.7e12, true, 1))["envelopes"];
  EXPECT_EQ(stats(c)["queue_bytes"], 0);
  uint64_t occ = 0;
  for (auto& e : envs) occ += e["occurrences"].get<uint64_t>();
  EXPECT_EQ(occ + overflow, 200u);
}

TEST(Budgets, InputsThatWouldNotFitTheHeapAreRefusedAndCountedAsOutOfMemory) {
  Client c(R"({"aggregation":{"windowMs":0}})");
  static size_t headroom = 64u << 20;
  c.set_heap_headroom([] { return headroom; });
  EXPECT_EQ(capture_distinct(c, 1)["status"], "queued");
  headroom = 4u << 20;  // 4 MB left: an input needs 8x its size plus 512 KiB
  json r = capture_distinct(c, 2);
  EXPECT_EQ(r["status"], "dropped");
  EXPECT_EQ(r["reason"], "out_of_memory");
  EXPECT_EQ(json::parse(c.set_scope(R"({"extra":{"a":1}})"))["ok"], false);
  json s = stats(c);
  EXPECT_EQ(s["dropped"]["out_of_memory"], 1);
  EXPECT_EQ(s["captured"], 2);
  headroom = 64u << 20;
  EXPECT_EQ(capture_distinct(c, 3)["status"], "queued");
}
