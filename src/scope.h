// Scope: the data attached to every event captured while it is active (user, tags, contexts,
// extra, level, fingerprint, transaction). withScope() pushes a copy and pops it afterwards.
#pragma once
#include <cstdint>
#include <utility>
#include <string>
#include <vector>
#include "json.h"

namespace faultline {

// Byte budgets (serialized JSON) that keep every event, and the core's heap, bounded whatever the
// page puts in its scope: one value of extra/contexts/user over kMaxValueBytes is replaced by a
// note saying so; a key that would take a bag over kMaxBagBytes is refused; at most kMaxTags tags.
struct ScopeLimits {
  static constexpr size_t kMaxValueBytes = 16 * 1024;
  static constexpr size_t kMaxBagBytes = 64 * 1024;
  static constexpr size_t kMaxTags = 200;
};

struct Scope {
  json user = empty_object();
  json tags = empty_object();      // string -> string
  json extra = empty_object();
  json contexts = empty_object();  // name -> object
  std::string level;               // "" = default for the event kind
  std::vector<std::string> fingerprint;
  std::string transaction;

  // The serialized size of extra and of contexts (dump_json(...).size(), exactly), kept up to date
  // key by key so that a setter costs the values it touches, not the whole bag (re-serializing the
  // bag on every setExtra made N setters quadratic). `keys` guards against a bag changed behind
  // apply_patch's back: when it no longer matches, the size is measured again.
  struct BagBytes {
    size_t bytes = 2;  // "{}"
    size_t keys = 0;
  };
  BagBytes extra_bytes, contexts_bytes;

  // Merge a patch: {user, tags, extra, contexts, level, fingerprint, transaction}. A null value
  // removes a field (or a key inside tags/extra/contexts). Returns an error text or "". Values cut
  // or refused by the byte budgets (ScopeLimits) are counted in *cut when given.
  std::string apply_patch(const json& patch, uint64_t* cut = nullptr);
};

// An immutable copy of a scope as it was at a capture, shared by the aggregation groups whose
// latest counted occurrence had it: a summary is built with the scope of the last repeat it
// counts, not with the scope at the time it is sent. Its bytes (serialized) are counted in
// *total while it lives, so that the client can bound what all snapshots hold.
struct ScopeSnapshot {
  Scope scope;
  size_t bytes = 0;
  size_t* total = nullptr;
  size_t refs = 0;
};

// A counted reference to a ScopeSnapshot (the last one let go deletes it and takes its bytes off
// *total). Written out rather than std::shared_ptr, whose control block and virtual functions cost
// the browser's module about 2 KB gzip.
class ScopeRef {
 public:
  ScopeRef() = default;
  explicit ScopeRef(ScopeSnapshot* p) : p_(p) { if (p_) ++p_->refs; }
  ScopeRef(const ScopeRef& o) : ScopeRef(o.p_) {}
  ScopeRef(ScopeRef&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  ScopeRef& operator=(ScopeRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ScopeRef() { reset(); }
  void reset();  // (scope.cpp: one copy of the snapshot's deletion in the module)
  explicit operator bool() const { return p_ != nullptr; }
  const ScopeSnapshot* operator->() const { return p_; }

 private:
  ScopeSnapshot* p_ = nullptr;
};

class ScopeStack {
 public:
  static constexpr size_t kMaxDepth = 64;
  ScopeStack() : stack_(1) {}
  // The current scope for a change: its snapshot (below) no longer holds, and is let go.
  Scope& current() {
    snapshot().reset();
    return stack_.back();
  }
  const Scope& current() const { return stack_.back(); }
  // The current scope's snapshot, null until one is made (the client makes it when a capture needs
  // it), and again after every change. A pushed scope starts with its parent's: they are equal.
  ScopeRef& snapshot() { return snapshots_[stack_.size() - 1]; }
  // Pushing past kMaxDepth is refused (returns false) so a runaway withScope can't grow memory.
  bool push();
  bool pop();  // popping the root scope is a no-op and returns false
  size_t depth() const { return stack_.size(); }

 private:
  std::vector<Scope> stack_;
  ScopeRef snapshots_[kMaxDepth];  // one per level of stack_ (an array: no vector code for it)
};

bool is_valid_level(std::string_view level);

}  // namespace faultline
