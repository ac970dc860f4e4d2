// Scope: the data attached to every event captured while it is active (user, tags, contexts,
// extra, level, fingerprint, transaction). withScope() pushes a copy and pops it afterwards.
#pragma once
#include <cstdint>
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

class ScopeStack {
 public:
  static constexpr size_t kMaxDepth = 64;
  ScopeStack() : stack_(1) {}
  Scope& current() { return stack_.back(); }
  const Scope& current() const { return stack_.back(); }
  // Pushing past kMaxDepth is refused (returns false) so a runaway withScope can't grow memory.
  bool push();
  bool pop();  // popping the root scope is a no-op and returns false
  size_t depth() const { return stack_.size(); }

 private:
  std::vector<Scope> stack_;
};

bool is_valid_level(std::string_view level);

}  // namespace faultline
