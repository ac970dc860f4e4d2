// Single include point for nlohmann/json. The core is built with JSON_NOEXCEPTION: only the
// non-throwing parts of the API may be used (parse_json below, find(), is_*(),
// value() on objects after is_object()). Helpers below make that convenient.
//
// nlohmann/json is the core's DOM. JSON text is read by parse_json and written by write_json
// (json.cpp), a small reader and writer beside it: nlohmann's lexer and parser weighed 14 KB of the
// WASM module, and nlohmann's serializer formats \u00XX escapes with snprintf, which keeps
// printf's code in the WASM module. write_json's output is nlohmann's dump(-1) with invalid UTF-8 replaced
// by U+FFFD, byte for byte (tests/native/test_json.cpp compares the reader with json::parse, the writer with dump).
#pragma once
#include <nlohmann/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace faultline {
using json = nlohmann::json;

// Parse without throwing; returns a discarded value on error (check is_discarded()). The reader
// is json.cpp's own (nlohmann's lexer and parser are not in the module): it accepts what
// json::parse(text, nullptr, false) accepts, with the same values, and also an unpaired UTF-16
// surrogate escape, which JSON.stringify writes for a lone surrogate ("\ud800"), read as U+FFFD.
json parse_json(std::string_view text);

// One input line of the command-line tools: a JSON object with a string member `field`. Returns
// the object; when the line is not one, a discarded value, and `error` holds the answer to print
// instead ({"error": "..."} as JSON text).
json parse_input_line(std::string_view line_json, const char* field, std::string& error);

// Serialize without throwing: compact, object keys in the DOM's (sorted) order, control characters
// as \u00xx, invalid UTF-8 as U+FFFD, non-finite numbers as null. Appends to `out`.
void write_json(const json& value, std::string& out);

// A JSON object written member by member: object_of({{"a", x}, {"b", y}}) for json{{"a", x},
// {"b", y}}, object_of("a", std::move(v)) for one member moved in. nlohmann's initializer-list
// constructor first builds a two-element array per member at every call site and then converts
// it (about 100 bytes of WASM code per member); here each member costs one pair.
json object_of(std::initializer_list<std::pair<const char*, json>> members);
json object_of(const char* key, json value);

inline std::string dump_json(const json& value) {
  std::string out;
  write_json(value, out);
  return out;
}

// An object's members and an array's items as the DOM's own containers (std::map, std::vector),
// or nullptr when `v` is not one. The core loops over these and looks members up in them
// directly: nlohmann's iterators switch on the value's type at every step (begin, ++, *, key(),
// ==), and that code was inlined into every loop and find() of the WASM module.
inline json::object_t* members(json& v) { return v.get_ptr<json::object_t*>(); }
inline const json::object_t* members(const json& v) { return v.get_ptr<const json::object_t*>(); }
inline json::array_t* items(json& v) { return v.get_ptr<json::array_t*>(); }
inline const json::array_t* items(const json& v) { return v.get_ptr<const json::array_t*>(); }

// An empty object and an empty array. json::object() and json::array() take an initializer list
// (empty here) and go through nlohmann's initializer-list constructor, which checks whether the
// list's elements are key/value pairs: 0.7 KB of WASM code that nothing else needs.
inline json empty_object() { return json(json::value_t::object); }
inline json empty_array() { return json(json::value_t::array); }

// Safe accessors: the member `key` of an object (null when `obj` is no object or has no such
// member); the value of a string, number or boolean member, or the fallback when the key is
// missing or has another type.
inline const json* get_field(const json& obj, const char* key) {
  const json::object_t* o = members(obj);
  if (!o) return nullptr;
  auto it = o->find(key);
  return it == o->end() ? nullptr : &it->second;
}
inline json* get_field(json& obj, const char* key) { return const_cast<json*>(get_field(static_cast<const json&>(obj), key)); }
inline std::string get_string(const json& obj, const char* key, std::string fallback = {}) {
  const json* v = get_field(obj, key);
  return v && v->is_string() ? v->get<std::string>() : fallback;
}
inline double get_number(const json& obj, const char* key, double fallback) {
  const json* v = get_field(obj, key);
  return v && v->is_number() ? v->get<double>() : fallback;
}
inline bool get_bool(const json& obj, const char* key, bool fallback) {
  const json* v = get_field(obj, key);
  return v && v->is_boolean() ? v->get<bool>() : fallback;
}
}  // namespace faultline
