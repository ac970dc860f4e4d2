// libFuzzer target: the source map decoder, the function-scope scanner and the symbol table accept
// any bytes. The input up to its first NUL byte is read as a source map, the rest as generated code; the table built from both must survive a serialize/parse round trip and
// answer every lookup without crashing. The input is also read as a symbol table directly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "js_scopes.h"
#include "json.h"
#include "sourcemap.h"
#include "symbol_table.h"
#include "grouping.h"
#include <algorithm>
#include "symbolicator.h"

using namespace faultline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  size_t split = rest.find('\0');
  std::string_view map_text = rest.substr(0, split);
  std::string_view code = split == std::string_view::npos ? rest : rest.substr(split + 1);

  SourceMap map;
  std::string error;
  if (!parse_source_map(map_text, &map, &error)) {
    if (error.empty() || !map.mappings.empty()) std::abort();
  }
  for (const Mapping& m : map.mappings) {
    if (m.source >= static_cast<int32_t>(map.sources.size()) || m.name >= static_cast<int32_t>(map.names.size()))
      std::abort();
  }
  for (uint32_t line = 0; line < 3; ++line)
    for (uint32_t col : {0u, 1u, 7u, 100u, 0x7fffffffu}) (void)find_mapping(map, line, col);

  // Every source_order entry names a merged source (the collector indexes contents with them).
  for (int32_t i : map.source_order)
    if (i < 0 || i >= static_cast<int32_t>(map.sources.size())) std::abort();
  if (map.source_order.size() < map.sources.size()) std::abort();
  // The collector's path: load under a key, resolve positions, answer in JSON, unload.
  Symbolicator sym;
  json loaded = parse_json(sym.load("k", map_text, code));
  if (loaded.is_discarded()) std::abort();
  if (!loaded.contains("error")) {
    json out = parse_json(sym.resolve_positions("k", R"({"frames":[{"lineno":1,"colno":1},{"lineno":1,"colno":9},{"lineno":2,"colno":3},{"lineno":3,"colno":2147483647},{"lineno":"x"}]})"));
    if (out.is_discarded() || !out.contains("frames") || out["frames"].size() != 5) std::abort();
    if (!sym.unload("k")) std::abort();
  }

  auto scopes = scan_function_scopes(code, 4096);
  for (const auto& s : scopes)
    if (s.end < s.start) std::abort();

  // The call graph: every index in range, call sites in order.
  JsCallGraph graph = scan_call_graph(code, 4096);
  if (graph.tails.size() != graph.scopes.size() && !(graph.scopes.empty() && graph.tails.empty())) std::abort();
  for (const CallSite& c : graph.calls)
    if (c.callee < 0 || static_cast<size_t>(c.callee) >= graph.scopes.size()) std::abort();
  for (const auto& list : graph.tails)
    for (const CallTarget& t : list)
      if (t.function >= static_cast<int32_t>(graph.scopes.size())) std::abort();
  for (const CallbackSite& c : graph.callbacks)
    for (int32_t f : c.functions)
      if (f < 0 || static_cast<size_t>(f) >= graph.scopes.size()) std::abort();

  for (const ExportedBinding& e : graph.exports)
    if (e.function >= static_cast<int32_t>(graph.scopes.size()) || (e.function < 0 && e.module.empty())) std::abort();
  for (size_t i = 1; i < graph.import_calls.size(); ++i)
    if (graph.import_calls[i].pos < graph.import_calls[i - 1].pos) std::abort();

  SymbolTable table = build_symbol_table(map, code);
  std::string text = serialize_symbol_table(table);
  SymbolTable back;
  if (!parse_symbol_table(text, &back, &error)) std::abort();  // what we write we must read
  if (back.calls.size() != table.calls.size()) std::abort();
  for (size_t i = 0; i < table.calls.size(); ++i)
    if (back.calls[i].callee != table.calls[i].callee || back.calls[i].pos < table.calls[i].pos ||
        table.calls[i].pos < back.calls[i].pos)
      std::abort();
  if (back.callbacks.size() != table.callbacks.size()) std::abort();
  for (size_t i = 0; i < table.callbacks.size(); ++i)
    if (back.callbacks[i].functions != table.callbacks[i].functions || back.callbacks[i].name != table.callbacks[i].name)
      std::abort();
  // Module links (import_calls, exports) survive the round trip (specifiers as JSON writes them:
  // invalid UTF-8 comes back as U+FFFD).
  if (back.modules.size() != table.modules.size() || back.import_calls.size() != table.import_calls.size() ||
      back.exports.size() != table.exports.size())
    std::abort();
  for (size_t i = 0; i < table.modules.size(); ++i)
    if (dump_json(json(back.modules[i])) != dump_json(json(table.modules[i]))) std::abort();
  for (size_t i = 0; i < table.import_calls.size(); ++i)
    if (back.import_calls[i].module != table.import_calls[i].module || back.import_calls[i].name != table.import_calls[i].name)
      std::abort();
  for (size_t i = 0; i < table.exports.size(); ++i)
    if (back.exports[i].function != table.exports[i].function || back.exports[i].name != table.exports[i].name)
      std::abort();
  // Tail-call reconstruction over JavaScriptCore-like stacks at every recorded call site: bounded,
  // only ever adds frames marked reconstructed, keeps the engine's frames in order.
  {
    std::vector<Frame> frames;
    for (size_t i = 0; i < back.calls.size() && i < 8; ++i) {
      Frame f;
      f.function = "f";
      f.filename = f.abs_path = "http://h/app.js";
      f.lineno = static_cast<int>(std::min<uint32_t>(back.calls[i].pos.line, 1 << 30)) + 1;
      f.colno = static_cast<int>(std::min<uint32_t>(back.calls[i].pos.column, 1 << 30)) + 1;
      frames.push_back(f);
      Frame native;
      native.function = i % 2 ? "parse" : "map";
      native.native = true;
      if (i % 3) frames.push_back(native);
    }
    // And at callback sites: the built-in of the site's name, then another built-in.
    for (size_t i = 0; i < back.callbacks.size() && i < 4; ++i) {
      Frame f;
      f.function = "g";
      f.filename = f.abs_path = "http://h/app.js";
      f.lineno = static_cast<int>(std::min<uint32_t>(back.callbacks[i].pos.line, 1 << 30)) + 1;
      f.colno = static_cast<int>(std::min<uint32_t>(back.callbacks[i].pos.column, 1 << 30)) + 1;
      frames.push_back(f);
      Frame builtin, inner;
      builtin.native = inner.native = true;
      builtin.function = back.names[static_cast<size_t>(back.callbacks[i].name)];
      inner.function = i % 2 ? "parse" : "decodeURIComponent";
      frames.push_back(builtin);
      frames.push_back(inner);
    }
    std::vector<Frame> copy = frames;
    resolve_and_classify(copy, [&](const Frame& f) { return f.native ? nullptr : &back; }, GroupingOptions{});
    size_t kept = 0;
    for (const Frame& f : copy) kept += !f.reconstructed;
    if (kept != frames.size() || copy.size() > frames.size() * 9 + 1) std::abort();
    (void)compute_grouping({ExceptionInput{"TypeError", "x", copy}}, GroupingOptions{});
  }
  for (const auto& s : scopes) {
    SymbolLookup a = lookup_symbol(table, s.start.line, s.start.column);
    SymbolLookup b = lookup_symbol(back, s.start.line, s.start.column);
    // Names and files are written as JSON: invalid UTF-8 in them comes back as U+FFFD.
    auto as_written = [](const std::string& text) { return dump_json(json(text)); };
    if (a.resolved != b.resolved || as_written(a.file) != as_written(b.file) ||
        as_written(a.function) != as_written(b.function))
      std::abort();
  }

  SymbolTable direct;
  if (parse_symbol_table(rest, &direct, &error)) {
    for (uint32_t col : {0u, 5u, 1000u}) (void)lookup_symbol(direct, 0, col);
    // A table from anywhere (a fetched file) drives reconstruction: it must stay bounded.
    std::vector<Frame> frames(3);
    for (size_t i = 0; i < direct.calls.size() && i < 3; ++i) {
      frames[i].filename = "a.js";
      frames[i].lineno = static_cast<int>(std::min<uint32_t>(direct.calls[i].pos.line, 1 << 30)) + 1;
      frames[i].colno = static_cast<int>(std::min<uint32_t>(direct.calls[i].pos.column, 1 << 30)) + 1;
    }
    if (!direct.callbacks.empty()) {
      frames[1].filename = "a.js";
      frames[1].lineno = static_cast<int>(std::min<uint32_t>(direct.callbacks[0].pos.line, 1 << 30)) + 1;
      frames[1].colno = static_cast<int>(std::min<uint32_t>(direct.callbacks[0].pos.column, 1 << 30)) + 1;
      frames.insert(frames.begin() + 2, Frame{});
      frames[2].native = true;
      frames[2].function = direct.names[static_cast<size_t>(direct.callbacks[0].name)];
    }
    if (!direct.import_calls.empty()) {
      // A call of an import, linked to the same table under every URL (its own exports).
      frames[0].filename = "https://h/a/b.js";
      frames[0].lineno = static_cast<int>(std::min<uint32_t>(direct.import_calls[0].pos.line, 1 << 30)) + 1;
      frames[0].colno = static_cast<int>(std::min<uint32_t>(direct.import_calls[0].pos.column, 1 << 30)) + 1;
    }
    Frame& last = frames.back();
    last.native = true;
    last.function = direct.names.empty() ? "x" : direct.names[0];
    resolve_and_classify(frames, [&](const Frame& f) { return f.native ? nullptr : &direct; }, GroupingOptions{});
    if (frames.size() > 4 + 3 * 9) std::abort();
    for (const std::string& m : direct.modules) (void)resolve_module_url("https://h/a/b.js?q#f", m);
  }
  return 0;
}
