// Character and string helpers shared by the core's scanners (stack parser, grouping, scrubber,
// DSN, JSON writer). ASCII only and locale-free on purpose: the text being read is what JS
// engines print, and <cctype> would depend on the C locale. Nothing here allocates.
#pragma once
#include <cstdint>
#include <string_view>

namespace faultline::text {

using sv = std::string_view;  // the scanners' name for it

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// The six ASCII white-space characters of C's isspace() in the "C" locale.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Blanks inside one line: white space without the line breaks.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Value of a hex digit, -1 for any other character.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// Lowercase hex digits, indexed by value (ids, escapes, hashes).
inline constexpr char kHexDigits[] = "0123456789abcdef";

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
inline bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
// Whether `s` is not empty and every character satisfies `pred`.
inline bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
// `s` up to its first '\n'.
inline std::string_view first_line(std::string_view s) { return s.substr(0, s.find('\n')); }
// `s` without leading and trailing is_space() characters.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/), for cache keys and signatures, never
// for anything an attacker could exploit by choosing collisions.
inline constexpr uint64_t kFnvOffset = 0xCBF29CE484222325ULL;
inline constexpr uint64_t kFnvPrime = 0x100000001B3ULL;
inline uint64_t fnv1a(std::string_view s, uint64_t h = kFnvOffset) {
  for (unsigned char c : s) h = (h ^ c) * kFnvPrime;
  return h;
}

}  // namespace faultline::text
