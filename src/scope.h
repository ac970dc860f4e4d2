// Scope: the data attached to every event captured while it is active (user, tags, contexts,
// extra, level, fingerprint, transaction). withScope() pushes a copy and pops it afterwards.
#pragma once
#include <string>
#include <vector>
#include "json.h"

namespace faultline {

struct Scope {
  json user = json::object();
  json tags = json::object();      // string -> string
  json extra = json::object();
  json contexts = json::object();  // name -> object
  std::string level;               // "" = default for the event kind
  std::vector<std::string> fingerprint;
  std::string transaction;

  // Merge a patch: {user, tags, extra, contexts, level, fingerprint, transaction}. A null value
  // removes a field (or a key inside tags/extra/contexts). Returns an error text or "".
  std::string apply_patch(const json& patch);
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
