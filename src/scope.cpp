#include "scope.h"

namespace faultline {

bool is_valid_level(std::string_view level) {
  return level == "fatal" || level == "error" || level == "warning" || level == "info" || level == "debug";
}

namespace {

// Tags must be strings on the wire: numbers/booleans are stringified, other values rejected.
bool tag_value(const json& v, std::string& out) {
  if (v.is_string()) out = v.get<std::string>();
  else if (v.is_boolean()) out = v.get<bool>() ? "true" : "false";
  else if (v.is_number_integer()) out = std::to_string(v.get<long long>());
  else if (v.is_number()) out = dump_json(v);
  else return false;
  if (out.size() > 200) out.resize(200);  // Sentry's tag value limit
  return true;
}

void merge_object(json& target, const json& patch, bool tags) {
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (it->is_null()) {
      target.erase(key);
      continue;
    }
    if (tags) {
      std::string v;
      if (key.empty() || key.size() > 200 || !tag_value(*it, v)) continue;
      target[key] = v;
    } else {
      target[key] = *it;
    }
  }
}

}  // namespace

std::string Scope::apply_patch(const json& patch) {
  if (!patch.is_object()) return "scope patch must be an object";
  std::string problems;
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    const json& v = *it;
    if (key == "user") {
      if (v.is_null()) user = json::object();
      else if (v.is_object()) user = v;
      else problems += "user must be an object; ";
    } else if (key == "tags" || key == "extra" || key == "contexts") {
      json& target = key == "tags" ? tags : key == "extra" ? extra : contexts;
      if (v.is_null()) target = json::object();
      else if (v.is_object()) merge_object(target, v, key == "tags");
      else problems += key + " must be an object; ";
    } else if (key == "level") {
      if (v.is_null()) level.clear();
      else if (v.is_string() && is_valid_level(v.get<std::string>())) level = v.get<std::string>();
      else problems += "level must be one of fatal, error, warning, info, debug; ";
    } else if (key == "fingerprint") {
      fingerprint.clear();
      if (v.is_array()) {
        for (const auto& part : v)
          if (part.is_string()) fingerprint.push_back(part.get<std::string>());
      } else if (!v.is_null()) {
        problems += "fingerprint must be an array of strings; ";
      }
    } else if (key == "transaction") {
      if (v.is_string()) transaction = v.get<std::string>();
      else transaction.clear();
    }
  }
  return problems;
}

bool ScopeStack::push() {
  if (stack_.size() >= kMaxDepth) return false;
  stack_.push_back(stack_.back());
  return true;
}

bool ScopeStack::pop() {
  if (stack_.size() <= 1) return false;
  stack_.pop_back();
  return true;
}

}  // namespace faultline
