#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "aggregator.h"

using namespace faultline;

namespace {
uint64_t sum(const std::vector<GroupReport>& rs) {
  uint64_t n = 0;
  for (const auto& r : rs) n += r.count;
  return n;
}
}  // namespace

TEST(Aggregator, FirstOccurrenceIsSentAndRepeatsAreCounted) {
  Aggregator a({60000, 1, 10});
  EXPECT_EQ(a.record("fp", "T", 1000), Decision::SendFull);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(a.record("fp", "T", 1001 + i), Decision::Counted);
  EXPECT_TRUE(a.take_reports(2000, false).empty()) << "window still open";
  auto rs = a.take_reports(61001, false);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].count, 9u);
  EXPECT_EQ(rs[0].first_seen_ms, 1001);
  EXPECT_EQ(rs[0].last_seen_ms, 1009);
  EXPECT_EQ(rs[0].title, "T");
}

TEST(Aggregator, PerGroupBudgetAndNewWindowSendFullEventsAgain) {
  Aggregator a({1000, 3, 10});
  int full = 0;
  for (int i = 0; i < 10; ++i) full += a.record("fp", "", 0 + i) == Decision::SendFull;
  EXPECT_EQ(full, 3);
  EXPECT_EQ(a.record("fp", "", 5000), Decision::SendFull) << "a new window begins";
  EXPECT_EQ(sum(a.take_reports(5000, true)), 7u);
}

TEST(Aggregator, ForceReportsEverythingPending) {
  Aggregator a;
  a.record("a", "", 1);
  a.record("a", "", 2);
  a.record("b", "", 3);
  a.record("b", "", 4);
  a.record("b", "", 5);
  EXPECT_EQ(sum(a.take_reports(10, true)), 3u);
  EXPECT_TRUE(a.take_reports(10, true).empty()) << "reported counts are not reported twice";
}

TEST(Aggregator, CountsAddUpUnderEvictionPressure) {
  for (size_t max_groups : {size_t(50), size_t(2000)}) {
    Aggregator a({500, 2, max_groups});
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> group(0, 999);
    uint64_t reported = 0;
    double t = 0;
    for (int i = 0; i < 100000; ++i) {
      t += (rng() % 3);
      a.record("fingerprint-" + std::to_string(group(rng)), "title", t);
      if (i % 997 == 0) reported += sum(a.take_reports(t, false));
      ASSERT_LE(a.tracked_groups(), max_groups);
    }
    reported += sum(a.take_reports(t, true));
    EXPECT_EQ(a.occurrences(), 100000u);
    EXPECT_EQ(a.reported_full() + reported, 100000u) << "max_groups=" << max_groups;
    EXPECT_EQ(a.reported_in_summaries(), reported);
    EXPECT_EQ(a.pending(), 0u);
    EXPECT_LT(a.approx_memory_bytes(), max_groups * 512 + 65536) << "memory stays under the cap";
  }
}

TEST(Aggregator, EvictionReportsPendingCountsOfTheLeastRecentGroup) {
  Aggregator a({60000, 1, 2});
  a.record("old", "Old", 1);
  a.record("old", "Old", 2);  // counted
  a.record("mid", "Mid", 3);
  a.record("new", "New", 4);  // evicts "old"
  auto rs = a.take_reports(5, false);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(rs[0].evicted);
  EXPECT_EQ(rs[0].fingerprint, "old");
  EXPECT_EQ(rs[0].count, 1u);
  EXPECT_EQ(a.tracked_groups(), 2u);
}

TEST(Aggregator, ClockGoingBackwardsNaNAndEmptyFingerprintsAreHandled) {
  Aggregator a({1000, 1, 4});
  EXPECT_EQ(a.record("", "", 5000), Decision::SendFull);
  EXPECT_EQ(a.record("", "", 10), Decision::Counted) << "time going backwards does not reopen the window";
  EXPECT_EQ(a.record("", "", std::nan("")), Decision::Counted);
  EXPECT_EQ(a.record("", "", std::numeric_limits<double>::infinity()), Decision::Counted);
  EXPECT_EQ(a.record("", "", 1e300), Decision::SendFull);
  EXPECT_EQ(a.occurrences(), a.reported_full() + sum(a.take_reports(0, true)));
}

TEST(Aggregator, EvictionReportsStayBoundedWithoutDrainingAndCountsStillAddUp) {
  Aggregator a({1e9, 1, 8});
  for (int i = 0; i < 20000; ++i) {
    std::string fp = "g" + std::to_string(i / 2);  // each group seen twice: one full, one counted
    a.record(fp, "", i);
  }
  EXPECT_LT(a.approx_memory_bytes(), 64 * 1024);
  auto rs = a.take_reports(1, true);
  EXPECT_LE(rs.size(), 8u + 1u + 8u);
  EXPECT_EQ(a.reported_full() + sum(rs), 20000u);
}

TEST(Aggregator, RepeatFastPathCountsOnlyWhatRecordWouldCountAndOtherwiseChangesNothing) {
  Aggregator a({1000, 2, 10});
  EXPECT_FALSE(a.count_if_repeat("fp", 0)) << "unknown group";
  EXPECT_EQ(a.occurrences(), 0u);
  EXPECT_EQ(a.record("fp", "T", 0), Decision::SendFull);
  EXPECT_FALSE(a.count_if_repeat("fp", 1)) << "budget left: the caller must build a full event";
  EXPECT_EQ(a.occurrences(), 1u);
  EXPECT_EQ(a.record("fp", "T", 2), Decision::SendFull);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(a.count_if_repeat("fp", 3 + i));
  EXPECT_EQ(a.occurrences(), 7u);
  EXPECT_FALSE(a.count_if_repeat("fp", 1500)) << "window closed: the next occurrence is a full event";
  EXPECT_EQ(a.occurrences(), 7u);
  EXPECT_EQ(a.record("fp", "T", 1500), Decision::SendFull);
  auto rs = a.take_reports(1500, true);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].count, 5u);
  EXPECT_EQ(rs[0].first_seen_ms, 3);
  EXPECT_EQ(rs[0].last_seen_ms, 7);
}

TEST(Aggregator, ReportCarriesTheScopeOfTheLastCountedRepeatAndLetsEarlierSnapshotsGo) {
  size_t live = 0;
  auto snapshot = [&live](const char* plan) {
    auto* s = new ScopeSnapshot{};
    s->scope.tags["plan"] = plan;
    s->bytes = 100;
    s->total = &live;
    live += 100;
    return ScopeRef(s);
  };
  {
    Aggregator a({60000, 1, 10});
    EXPECT_EQ(a.record("fp", "T", 0), Decision::SendFull);
    EXPECT_TRUE(a.retain("fp", "{}", "", snapshot("first")));
    EXPECT_EQ(live, 100u) << "held by the group only";
    EXPECT_EQ(a.record("fp", "T", 1), Decision::Counted);
    EXPECT_TRUE(a.retain("fp", "{\"n\":2}", "", snapshot("second")));
    EXPECT_EQ(live, 100u) << "the first snapshot was let go";
    ScopeRef third = snapshot("third");
    EXPECT_TRUE(a.count_if_repeat("fp", 2, third));  // the fast path: the scope changes, the input stays
    ScopeRef unused = snapshot("not counted");
    EXPECT_FALSE(a.count_if_repeat("other", 3, unused)) << "unknown group: nothing kept";
    unused.reset();
    auto rs = a.take_reports(3, true);
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].count, 2u);
    EXPECT_EQ(rs[0].retained_json, "{\"n\":2}");
    ASSERT_TRUE(static_cast<bool>(rs[0].retained_scope));
    EXPECT_EQ(rs[0].retained_scope->scope.tags["plan"], "third");
    third.reset();
    EXPECT_EQ(live, 100u) << "the report holds the last one";
  }
  EXPECT_EQ(live, 0u) << "every snapshot deleted once nothing holds it";
}
