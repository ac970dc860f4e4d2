#include "aggregator.h"

#include <cmath>

namespace faultline {

Aggregator::Aggregator(AggregatorOptions o) : opts_(o) {
  if (opts_.max_groups < 1) opts_.max_groups = 1;
  if (opts_.per_group_budget < 1) opts_.per_group_budget = 1;
  if (!(opts_.window_ms >= 0)) opts_.window_ms = 0;
}

GroupReport Aggregator::report_of(Group& g, bool evicted) {
  GroupReport r;
  r.fingerprint = g.fingerprint;
  r.title = g.title;
  r.event_fingerprint = g.event_fingerprint;
  r.count = g.counted;
  r.first_seen_ms = g.first_counted;
  r.last_seen_ms = g.last_counted;
  r.evicted = evicted;
  // The retained input leaves with the report. An evicted group's bytes stay counted until
  // take_reports hands its report out; a live group retains again at its next full event.
  if (!evicted) retained_bytes_ -= g.retained_json.size() + g.retained_stacks.size();
  r.retained_json = std::move(g.retained_json);
  r.retained_stacks = std::move(g.retained_stacks);
  r.retained_scope = std::move(g.retained_scope);
  g.retained_scope.reset();
  g.retained_json.clear();
  g.retained_stacks.clear();
  summarized_ += g.counted;
  g.counted = 0;
  return r;
}

Decision Aggregator::record(std::string_view fingerprint, std::string_view title, double now_ms,
                            const std::vector<std::string>& event_fingerprint) {
  ++occurrences_;
  // A clock that jumps backwards, or a NaN, must not reopen or stretch windows: use a monotonic clock.
  if (std::isfinite(now_ms) && now_ms > clock_) clock_ = now_ms;
  const double now = clock_;

  auto it = groups_.find(fingerprint);
  if (it == groups_.end()) {
    if (groups_.size() >= opts_.max_groups) {
      Group& victim = lru_.back();
      if (victim.counted > 0) {
        if (evicted_.size() < opts_.max_groups) {
          evicted_.push_back(report_of(victim, true));
        } else {
          // Bounded memory even when nobody drains: fold further evictions into the last report's
          // count under a shared "overflow" identity. Counts stay exact; identity is coarsened.
          if (evicted_.back().fingerprint != "fl1:overflow")
            evicted_.push_back(GroupReport{"fl1:overflow", "Errors evicted from aggregation", {}, 0, now, now, true, {}, {}, {}});
          GroupReport& o = evicted_.back();
          o.count += victim.counted;
          o.last_seen_ms = now;
          summarized_ += victim.counted;
          victim.counted = 0;
        }
      }
      retained_bytes_ -= victim.retained_json.size() + victim.retained_stacks.size();  // what stayed with it
      groups_.erase(std::string_view(victim.fingerprint));
      lru_.pop_back();
    }
    Group g;
    g.fingerprint = std::string(fingerprint);
    g.title = std::string(title.substr(0, opts_.max_title));
    g.event_fingerprint = event_fingerprint;  // as given: empty means the events carry no fingerprint
    g.window_start = now;
    g.full_in_window = 1;
    g.last_seen = now;
    lru_.push_front(std::move(g));
    groups_.emplace(std::string_view(lru_.front().fingerprint), lru_.begin());
    ++full_;
    return Decision::SendFull;
  }

  Lru::iterator gi = it->second;
  if (gi != lru_.begin()) lru_.splice(lru_.begin(), lru_, gi);  // O(1) move to front, iterators stay valid
  Group& g = *gi;
  g.last_seen = now;
  if (now - g.window_start >= opts_.window_ms) {
    // A new window: the repeats of the old one stay pending until take_reports hands them out.
    g.window_start = now;
    g.full_in_window = 0;
  }
  if (g.full_in_window < opts_.per_group_budget) {
    ++g.full_in_window;
    ++full_;
    return Decision::SendFull;
  }
  if (g.counted == 0) g.first_counted = now;
  g.last_counted = now;
  ++g.counted;
  return Decision::Counted;
}

bool Aggregator::count_if_repeat(std::string_view fingerprint, double now_ms, const ScopeRef& scope) {
  auto it = groups_.find(fingerprint);
  if (it == groups_.end()) return false;
  const double now = std::isfinite(now_ms) && now_ms > clock_ ? now_ms : clock_;
  Group& g = *it->second;
  if (now - g.window_start >= opts_.window_ms || g.full_in_window < opts_.per_group_budget) return false;
  if (record(fingerprint, g.title, now_ms) != Decision::Counted) return false;  // the same bookkeeping as any repeat
  if (scope) g.retained_scope = scope;  // (g stays valid: record moves its list node, not the group)
  return true;
}

std::vector<GroupReport> Aggregator::take_reports(double now_ms, bool force) {
  if (std::isfinite(now_ms) && now_ms > clock_) clock_ = now_ms;
  std::vector<GroupReport> out = std::move(evicted_);
  evicted_.clear();
  for (const GroupReport& r : out) retained_bytes_ -= r.retained_json.size() + r.retained_stacks.size();
  for (Group& g : lru_) {
    if (g.counted == 0) continue;
    if (force || clock_ - g.window_start >= opts_.window_ms) out.push_back(report_of(g, false));
  }
  return out;
}

bool Aggregator::retain(std::string_view fingerprint, std::string_view input_json, std::string_view stacks, const ScopeRef& scope) {
  auto it = groups_.find(fingerprint);
  if (it == groups_.end()) return false;
  Group& g = *it->second;
  const size_t size = input_json.size() + stacks.size(), old = g.retained_json.size() + g.retained_stacks.size();
  if (size > opts_.max_retained_one || retained_bytes_ - old + size > opts_.max_retained_bytes) return false;
  g.retained_json.assign(input_json.data(), input_json.size());
  g.retained_stacks.assign(stacks.data(), stacks.size());
  g.retained_scope = scope;
  retained_bytes_ = retained_bytes_ - old + size;
  return true;
}

uint64_t Aggregator::pending() const {
  uint64_t n = 0;
  for (const Group& g : lru_) n += g.counted;
  for (const GroupReport& r : evicted_) n += r.count;
  return n;
}

size_t Aggregator::approx_memory_bytes() const {
  // A std::map node: three links, its colour and the key/value pair.
  size_t bytes = sizeof(*this) + groups_.size() * (4 * sizeof(void*) + sizeof(*groups_.begin())) + retained_bytes_;
  auto list = [](const std::vector<std::string>& l) {
    size_t n = l.capacity() * sizeof(std::string);
    for (const auto& s : l) n += s.capacity();
    return n;
  };
  for (const Group& g : lru_) bytes += sizeof(Group) + 3 * sizeof(void*) + g.fingerprint.capacity() + g.title.capacity() + list(g.event_fingerprint) + 32;
  for (const GroupReport& r : evicted_) bytes += sizeof(GroupReport) + r.fingerprint.capacity() + r.title.capacity() + list(r.event_fingerprint);
  return bytes;
}

}  // namespace faultline
