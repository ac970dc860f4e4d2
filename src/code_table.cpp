#include "code_table.h"

namespace faultline {

namespace {

// A `//# name=`, `//@ name=` or `/*# name=` comment anywhere in the code.
bool has_build_comment(std::string_view code, std::string_view name) {
  for (size_t at = code.find(name); at != std::string_view::npos; at = code.find(name, at + 1)) {
    if (at < 3 || at + name.size() >= code.size() || code[at + name.size()] != '=') continue;
    std::string_view before = code.substr(at - 3, 3);
    if (before == "//#" || before == "//@" || before == "/*#") return true;
    if (at >= 4) {
      std::string_view spaced = code.substr(at - 4, 4);
      if (spaced == "//# " || spaced == "//@ " || spaced == "/*# ") return true;
    }
  }
  return false;
}

}  // namespace

std::string code_text_refusal(std::string_view code) {
  if (has_build_comment(code, "sourceMappingURL")) return "a build output: it has a sourceMappingURL comment";
  if (has_build_comment(code, "debugId")) return "a build output: it has a debugId comment";
  // Characters counted in UTF-16 units, as the engines count columns (a UTF-8 continuation byte is
  // no unit; a 4-byte sequence is two).
  size_t total = 0, in_long = 0, line = 0;
  for (size_t i = 0; i <= code.size(); ++i) {
    if (i == code.size() || code[i] == '\n') {
      if (line > 500) in_long += line;
      total += line;
      line = 0;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(code[i]);
    if ((c & 0xC0) != 0x80) line += c >= 0xF0 ? 2 : 1;
  }
  if (total && in_long * 5 > total)
    return "minified: " + std::to_string(in_long * 100 / total) + " % of the code is on lines over 500 characters";
  return "";
}

std::string code_names_refusal(const SymbolTable& table) {
  size_t named = 0, short_names = 0;
  for (const auto& f : table.functions) {
    if (f.name < 0 || static_cast<size_t>(f.name) >= table.names.size()) continue;
    ++named;
    // Length in characters: identifiers may hold non-ASCII letters.
    size_t n = 0;
    for (unsigned char c : table.names[static_cast<size_t>(f.name)]) n += (c & 0xC0) != 0x80;
    short_names += n <= 2;
  }
  if (named && short_names * 4 > named)
    return "minified: " + std::to_string(short_names) + " of " + std::to_string(named) + " named functions have names of 1 or 2 characters";
  return "";
}

CodeTable scan_code_table(std::string_view file, std::string_view code, size_t max_bytes) {
  CodeTable out;
  if (code.size() > max_bytes) {
    out.refused = "too large: " + std::to_string(code.size()) + " bytes (at most " + std::to_string(max_bytes) + ")";
    return out;
  }
  out.refused = code_text_refusal(code);
  if (!out.refused.empty()) return out;
  SymbolTable t = build_symbol_table_from_code(file, code);
  out.refused = code_names_refusal(t);
  if (out.refused.empty()) out.table = serialize_symbol_table(t);
  return out;
}

}  // namespace faultline
