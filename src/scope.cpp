#include "scope.h"

#include "util.h"

namespace faultline {

bool is_valid_level(std::string_view level) {
  // Sentry's SDK levels, `log` included (@sentry/browser sends it; Relay stores it as `info`).
  return level == "fatal" || level == "error" || level == "warning" || level == "log" || level == "info" || level == "debug";
}

namespace {

std::string over_budget(size_t bytes) {
  return "[Filtered: " + std::to_string(bytes) + " bytes, over the " + std::to_string(ScopeLimits::kMaxValueBytes) + "-byte limit]";
}

// A value within the per-value budget (its serialized size in *bytes), or the note that replaces it.
json bounded(const json& v, std::string& problems, uint64_t& cut, size_t* bytes = nullptr) {
  const size_t n = dump_json(v).size();
  if (bytes) *bytes = n;
  if (n <= ScopeLimits::kMaxValueBytes) return v;
  ++cut;
  problems += "a value of " + std::to_string(n) + " bytes was replaced by a note; ";
  json note = over_budget(n);
  if (bytes) *bytes = dump_json(note).size();
  return note;
}

// Tag values are kept as @sentry/browser sends them: strings (cut to Sentry's 200 characters),
// numbers, booleans and null as they are (Relay stores them as strings), other values as the SDK
// normalized them, within the value budget. A null context is removed; null tags/extras are kept.
// The serialized size of one member, "key":value (its comma excepted).
size_t member_bytes(const std::string& key, const json& v) { return dump_json(json(key)).size() + 1 + dump_json(v).size(); }

void merge_object(json& target, Scope::BagBytes* size, const json& patch, bool null_removes, std::string& problems, uint64_t& cut) {
  const bool tags = size == nullptr;
  if (!target.is_object()) target = empty_object();
  json::object_t& members_of_target = *members(target);
  if (size && size->keys != target.size()) *size = {dump_json(target).size(), target.size()};
  for (const auto& [key, value] : *members(patch)) {
    auto old = members_of_target.find(key);
    const bool absent = old == members_of_target.end();
    if (value.is_null() && null_removes) {
      if (absent) continue;
      if (size) {
        size->bytes -= member_bytes(key, old->second) + (target.size() > 1 ? 1 : 0);
        --size->keys;
      }
      members_of_target.erase(old);
      continue;
    }
    if (tags) {
      if (key.empty() || key.size() > 200) continue;
      json v = value.is_string() ? json(truncate_utf8(value.get_ref<const std::string&>(), 200)) : value.is_primitive() ? value : bounded(value, problems, cut);
      if (absent && target.size() >= ScopeLimits::kMaxTags) {
        ++cut;
        problems += "more than " + std::to_string(ScopeLimits::kMaxTags) + " tags; ";
        continue;
      }
      target[key] = std::move(v);
    } else {
      size_t n = 0;
      json v = bounded(value, problems, cut, &n);
      // The bag's exact size with this member in: an old value's member replaced, or a new member
      // (and its comma) added.
      const size_t in = dump_json(json(key)).size() + 1 + n;
      const size_t next = !absent ? size->bytes - member_bytes(key, old->second) + in : size->bytes + in + (target.empty() ? 0 : 1);
      if (next > ScopeLimits::kMaxBagBytes) {  // the bag would be too big: refused, the old value stays
        ++cut;
        problems += "\"" + key + "\" refused: over the " + std::to_string(ScopeLimits::kMaxBagBytes) + "-byte budget; ";
        continue;
      }
      if (absent) ++size->keys;
      size->bytes = next;
      target[key] = std::move(v);
    }
  }
}

}  // namespace

std::string Scope::apply_patch(const json& patch, uint64_t* cut_count) {
  if (!patch.is_object()) return "scope patch must be an object";
  std::string problems;
  uint64_t cut = 0;
  for (const auto& [key, v] : *members(patch)) {
    if (key == "user") {
      if (v.is_null()) user = empty_object();
      else if (v.is_object()) {
        user = bounded(v, problems, cut);
        if (!user.is_object()) user = empty_object();
      }
      else problems += "user must be an object; ";
    } else if (key == "tags" || key == "extra" || key == "contexts") {
      json& target = key == "tags" ? tags : key == "extra" ? extra : contexts;
      BagBytes* size = key == "tags" ? nullptr : key == "extra" ? &extra_bytes : &contexts_bytes;
      if (v.is_null()) {
        target = empty_object();
        if (size) *size = {};
      }
      else if (v.is_object()) merge_object(target, size, v, key == "contexts", problems, cut);  // a null context is removed; null tags/extras are kept
      else problems += key + " must be an object; ";
    } else if (key == "level") {
      if (v.is_null()) level.clear();
      else if (v.is_string() && is_valid_level(v.get<std::string>())) level = v.get<std::string>();
      else problems += "level must be one of fatal, error, warning, log, info, debug; ";
    } else if (key == "fingerprint") {
      fingerprint.clear();
      if (v.is_array()) {
        for (const json& part : *items(v))
          if (part.is_string()) fingerprint.push_back(part.get<std::string>());
      } else if (!v.is_null()) {
        problems += "fingerprint must be an array of strings; ";
      }
    } else if (key == "transaction") {
      if (v.is_string()) transaction = v.get<std::string>();
      else transaction.clear();
    }
  }
  if (cut_count) *cut_count += cut;
  return problems;
}

void ScopeRef::reset() {
  if (p_ && --p_->refs == 0) {
    if (p_->total) *p_->total -= p_->bytes;
    delete p_;
  }
  p_ = nullptr;
}

bool ScopeStack::push() {
  if (stack_.size() >= kMaxDepth) return false;
  stack_.push_back(stack_.back());
  snapshots_[stack_.size() - 1] = snapshots_[stack_.size() - 2];
  return true;
}

bool ScopeStack::pop() {
  if (stack_.size() <= 1) return false;
  snapshot().reset();
  stack_.pop_back();
  return true;
}

}  // namespace faultline
