#include <gtest/gtest.h>

#include "breadcrumbs.h"
#include "scope.h"

using faultline::BreadcrumbBuffer;
using faultline::json;
using faultline::Scope;
using faultline::ScopeStack;

TEST(Breadcrumbs, RingBufferKeepsNewestInOrder) {
  BreadcrumbBuffer b(3);
  for (int i = 0; i < 5; ++i) b.push(json{{"message", std::to_string(i)}});
  json all = b.to_json();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["message"], "2");
  EXPECT_EQ(all[2]["message"], "4");
  EXPECT_EQ(b.evicted(), 2u);
}

TEST(Breadcrumbs, ShrinkingCapacityKeepsNewest) {
  BreadcrumbBuffer b(5);
  for (int i = 0; i < 7; ++i) b.push(json{{"message", std::to_string(i)}});
  b.set_capacity(2);
  json all = b.to_json();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["message"], "5");
  EXPECT_EQ(all[1]["message"], "6");
  b.set_capacity(4);
  b.push(json{{"message", "7"}});
  EXPECT_EQ(b.to_json().size(), 3u);
  EXPECT_EQ(b.to_json()[2]["message"], "7");
}

TEST(Breadcrumbs, ZeroCapacityStoresNothingAndCapsAtMaximum) {
  BreadcrumbBuffer b(0);
  b.push(json{{"message", "x"}});
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.evicted(), 1u);
  b.set_capacity(1u << 30);
  EXPECT_EQ(b.capacity(), BreadcrumbBuffer::kMaxCapacity);
}

TEST(Scope, PatchMergesTagsAsSentKeepsNullTagsAndNullRemovesContexts) {
  Scope s;
  EXPECT_EQ(s.apply_patch(json::parse(R"({"tags":{"a":"1","b":2,"c":true}})")), "");
  EXPECT_EQ(s.tags["b"], 2);  // values as @sentry/browser sends them
  EXPECT_EQ(s.tags["c"], true);
  s.apply_patch(json::parse(R"({"tags":{"a":null}})"));
  ASSERT_TRUE(s.tags.contains("a"));
  EXPECT_TRUE(s.tags["a"].is_null());
  s.apply_patch(json::parse(R"({"tags":{"long":")" + std::string(300, 'x') + R"("}})"));
  EXPECT_EQ(s.tags["long"].get<std::string>().size(), 200u);
  s.apply_patch(json::parse(R"({"contexts":{"app":{"v":1}}})"));
  s.apply_patch(json::parse(R"({"contexts":{"app":null}})"));
  EXPECT_FALSE(s.contexts.contains("app"));
  s.apply_patch(json::parse(R"({"level":"log"})"));
  EXPECT_EQ(s.level, "log");
  s.apply_patch(json::parse(R"({"user":{"id":"42"},"level":"warning","fingerprint":["{{ default }}","x"]})"));
  EXPECT_EQ(s.user["id"], "42");
  EXPECT_EQ(s.level, "warning");
  ASSERT_EQ(s.fingerprint.size(), 2u);
  s.apply_patch(json::parse(R"({"user":null,"level":null})"));
  EXPECT_TRUE(s.user.empty());
  EXPECT_EQ(s.level, "");
}

TEST(Scope, InvalidPatchValuesAreReportedNotApplied) {
  Scope s;
  std::string err = s.apply_patch(json::parse(R"({"level":"loud","tags":[1],"user":"bob"})"));
  EXPECT_NE(err.find("level"), std::string::npos);
  EXPECT_NE(err.find("tags"), std::string::npos);
  EXPECT_NE(err.find("user"), std::string::npos);
  EXPECT_EQ(s.level, "");
  EXPECT_NE(s.apply_patch(json::parse("[1,2]")), "");
}

TEST(Scope, WithScopeCopiesAndPopRestores) {
  ScopeStack st;
  st.current().apply_patch(json::parse(R"({"tags":{"outer":"1"}})"));
  ASSERT_TRUE(st.push());
  st.current().apply_patch(json::parse(R"({"tags":{"inner":"1"}})"));
  EXPECT_TRUE(st.current().tags.contains("outer"));
  EXPECT_TRUE(st.pop());
  EXPECT_FALSE(st.current().tags.contains("inner"));
  EXPECT_FALSE(st.pop()) << "the root scope cannot be popped";
}

TEST(Scope, PushIsBoundedSoRunawayNestingCannotGrowMemory) {
  ScopeStack st;
  size_t pushed = 0;
  for (int i = 0; i < 1000; ++i) pushed += st.push() ? 1 : 0;
  EXPECT_EQ(st.depth(), ScopeStack::kMaxDepth);
  EXPECT_EQ(pushed, ScopeStack::kMaxDepth - 1);
}
