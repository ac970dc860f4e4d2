// Single include point for nlohmann/json. The core is built with JSON_NOEXCEPTION: only the
// non-throwing parts of the API may be used (parse(text, nullptr, false), find(), is_*(),
// value() on objects after is_object()). Helpers below make that convenient.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace faultline {
using json = nlohmann::json;

// JSON.stringify escapes lone UTF-16 surrogates ("\ud800"), which nlohmann/json rejects.
// Replace every unpaired surrogate escape with U+FFFD so such text still parses.
std::string replace_lone_surrogate_escapes(std::string_view text);

// Parse without throwing; returns a discarded value on error (check is_discarded()).
inline json parse_json(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() && text.find("\\u") != std::string_view::npos) {
    std::string fixed = replace_lone_surrogate_escapes(text);
    j = json::parse(fixed.begin(), fixed.end(), nullptr, false);
  }
  return j;
}

// Serialize without throwing on invalid UTF-8 (invalid bytes become U+FFFD).
inline std::string dump_json(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Safe accessors: return the fallback when the key is missing or has another type.
inline std::string get_string(const json& obj, const char* key, std::string fallback = {}) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}
inline double get_number(const json& obj, const char* key, double fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return fallback;
  return it->get<double>();
}
inline bool get_bool(const json& obj, const char* key, bool fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}
inline const json* get_field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}
}  // namespace faultline
