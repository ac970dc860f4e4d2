#include "code_table.h"

#include <vector>

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
  return "";
}

std::string code_graph_refusal(std::string_view code, const JsCallGraph& graph) {
  if (!graph.misread.empty()) return "unreadable: " + graph.misread;
  // Rule 2: each line's width in UTF-16 units, as engines count columns (a UTF-8 continuation
  // byte is no unit; a 4-byte sequence is two); the functions that start on lines over 500.
  std::vector<uint8_t> long_line(1, 0);
  size_t width = 0;
  for (size_t i = 0; i <= code.size(); ++i) {
    if (i == code.size() || code[i] == '\n') {
      long_line.back() = width > 500;
      long_line.push_back(0);
      width = 0;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(code[i]);
    if ((c & 0xC0) != 0x80) width += c >= 0xF0 ? 2 : 1;
  }
  size_t functions = graph.scopes.size(), on_long = 0, named = 0, short_names = 0;
  for (const FunctionScope& f : graph.scopes) {
    on_long += f.start.line < long_line.size() && long_line[f.start.line];
    if (!f.has_name) continue;
    ++named;
    // Length in characters: identifiers may hold non-ASCII letters.
    size_t n = 0;
    for (unsigned char c : f.name_text) n += (c & 0xC0) != 0x80;
    short_names += n <= 2;
  }
  if (functions && on_long * 5 > functions)
    return "minified: " + std::to_string(on_long) + " of " + std::to_string(functions) + " functions are on lines over 500 characters";
  if (named && short_names * 4 > named)
    return "minified: " + std::to_string(short_names) + " of " + std::to_string(named) + " named functions have names of 1 or 2 characters";
  if (graph.nested_names >= 16 && graph.short_nested_names * 10 >= graph.nested_names * 9 && graph.distinct_short_nested_names >= 3)
    return "minified: " + std::to_string(graph.short_nested_names) + " of " + std::to_string(graph.nested_names) +
           " names declared in functions have 1 or 2 characters";
  return "";
}

CodeTable scan_code_table(std::string_view file, std::string_view code, size_t max_bytes, ScriptKind kind) {
  CodeTable out;
  if (code.size() > max_bytes) {
    out.refused = "too large: " + std::to_string(code.size()) + " bytes (at most " + std::to_string(max_bytes) + ")";
    return out;
  }
  out.refused = code_text_refusal(code);
  if (!out.refused.empty()) return out;
  JsCallGraph graph = scan_call_graph(code, kind);
  out.refused = code_graph_refusal(code, graph);
  if (out.refused.empty()) out.table = serialize_symbol_table(build_symbol_table_from_code(file, code, graph));
  return out;
}

}  // namespace faultline
