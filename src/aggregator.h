// Aggregation of repeats: per fingerprint, the first `per_group_budget` occurrences in a window
// become full events; later ones are counted and reported as summaries, so that the counts of
// everything reported always add up to the number of occurrences.
//
// Memory is bounded: at most `max_groups` groups are tracked. When a new group arrives at the cap,
// the least recently seen group is evicted; if it had counted repeats not yet reported, they are
// reported (evicted = true), never lost. If more than `max_groups` such reports pile up before
// take_reports is called, further ones are folded into one "fl1:overflow" report (exact counts,
// coarser identity) so memory stays bounded.
#pragma once
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "scope.h"

namespace faultline {

struct AggregatorOptions {
  double window_ms = 60000;       // a group's window starts at its first full event
  uint32_t per_group_budget = 1;  // full events per group per window
  size_t max_groups = 1000;
  size_t max_title = 200;
  // The capture input of a group's latest occurrence that reached the core as text is kept, so
  // that its summary can be a real event (exception, stack, request, user, tags, trace). One per
  // group, at most max_retained_one bytes each and max_retained_bytes in all; an input that does
  // not fit leaves the group's previous one (or none) in place.
  size_t max_retained_one = 64 * 1024;
  size_t max_retained_bytes = 2 * 1024 * 1024;
};

enum class Decision { SendFull, Counted };

struct GroupReport {
  std::string fingerprint, title;
  std::vector<std::string> event_fingerprint;  // what the group's events carry in `fingerprint` (empty: none)
  uint64_t count = 0;  // occurrences counted (not sent) in the reported span
  double first_seen_ms = 0, last_seen_ms = 0;
  bool evicted = false;
  std::string retained_json, retained_stacks;  // the latest retained capture input (may be empty)
  ScopeRef retained_scope;  // the scope at the latest counted occurrence (null: none kept)
};

class Aggregator {
 public:
  explicit Aggregator(AggregatorOptions o = {});

  // event_fingerprint: what the group's events carry in `fingerprint` (kept for its summaries).
  Decision record(std::string_view fingerprint, std::string_view title, double now_ms,
                  const std::vector<std::string>& event_fingerprint = {});
  // The repeat fast path: counts one occurrence and returns true only when record() would have
  // answered Counted (a tracked group whose window is open and whose budget is spent); otherwise
  // changes nothing and returns false, and the caller takes the full path through record().
  // `scope` (when not null) is the scope of this occurrence: the group's summary is built with it.
  bool count_if_repeat(std::string_view fingerprint, double now_ms, const ScopeRef& scope = {});
  // Reports for counted repeats whose window has closed (all pending ones when force=true, e.g.
  // on flush or page unload), plus the reports produced by eviction since the last call.
  std::vector<GroupReport> take_reports(double now_ms, bool force);
  // Keeps this capture input (JSON text and its out-of-band stacks) and the scope it was captured
  // with as the group's latest occurrence, within the byte bounds above (the scope is shared and
  // bounded by its owner). False when the group is unknown or it did not fit (the previous pair stays).
  bool retain(std::string_view fingerprint, std::string_view input_json, std::string_view stacks, const ScopeRef& scope = {});
  size_t retained_bytes() const { return retained_bytes_; }

  size_t tracked_groups() const { return groups_.size(); }
  size_t approx_memory_bytes() const;
  uint64_t occurrences() const { return occurrences_; }
  uint64_t reported_full() const { return full_; }
  uint64_t reported_in_summaries() const { return summarized_; }
  uint64_t pending() const;  // counted, not yet handed out
  const AggregatorOptions& options() const { return opts_; }

 private:
  struct Group {
    std::string fingerprint, title;
    std::vector<std::string> event_fingerprint;
    double window_start = 0;
    uint32_t full_in_window = 0;
    uint64_t counted = 0;  // pending repeats
    double first_counted = 0, last_counted = 0;
    double last_seen = 0;
    std::string retained_json, retained_stacks;
    ScopeRef retained_scope;
  };
  using Lru = std::list<Group>;  // front = most recently seen
  GroupReport report_of(Group& g, bool evicted);

  AggregatorOptions opts_;
  Lru lru_;
  // Keys view into Group::fingerprint. A std::map, not std::unordered_map: the module's hash tables
  // cost 2.6 KB of WASM code; a lookup is ~10 comparisons of fingerprints at the 1 000 groups default.
  std::map<std::string_view, Lru::iterator> groups_;
  std::vector<GroupReport> evicted_;
  uint64_t occurrences_ = 0, full_ = 0, summarized_ = 0;
  size_t retained_bytes_ = 0;
  double clock_ = 0;  // monotonic: time never goes backwards for the windows
};

}  // namespace faultline
