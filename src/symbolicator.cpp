#include "symbolicator.h"

#include "json.h"
#include "stack_parser.h"

namespace faultline {

std::string frame_file_basename(std::string_view filename) {
  size_t cut = filename.find_first_of("?#");
  if (cut != std::string_view::npos) filename = filename.substr(0, cut);
  size_t slash = filename.find_last_of('/');
  return std::string(slash == std::string_view::npos ? filename : filename.substr(slash + 1));
}

std::string Symbolicator::load(const std::string& key, std::string_view map_text, std::string_view generated_code) {
  Bundle b;
  std::string error;
  if (!parse_source_map(map_text, &b.map, &error)) return dump_json(json{{"error", "source map: " + error}});
  const std::vector<std::string> contents = source_contents(map_text, b.map);
  b.table = build_symbol_table(b.map, generated_code, &contents);
  b.has_code = !generated_code.empty();
  size_t memory = b.map.mappings.size() * sizeof(Mapping) + b.table.functions.size() * sizeof(SymbolTable::Function) +
                  b.table.files.size() * sizeof(SymbolTable::FileRun) + b.map.source_order.size() * sizeof(int32_t);
  for (const auto& s : b.map.sources) memory += s.size() + sizeof(std::string);
  for (const auto& s : b.map.names) memory += s.size() + sizeof(std::string);
  for (const auto& s : b.table.names) memory += s.size() + sizeof(std::string);
  json ok = {{"ok", true},
             {"debug_id", b.map.debug_id},
             {"sources", b.map.sources.size()},
             {"functions", b.table.functions.size()},
             {"memory", memory},
             {"source_order", b.map.source_order}};
  bundles_[key] = std::move(b);
  return dump_json(ok);
}

std::string Symbolicator::load_table(const std::string& key, std::string_view table_text) {
  Bundle b;
  std::string error;
  if (!parse_symbol_table(table_text, &b.table, &error)) return dump_json(json{{"error", error}});
  json ok = {{"ok", true}, {"functions", b.table.functions.size()}};
  bundles_[key] = std::move(b);
  return dump_json(ok);
}

std::string Symbolicator::resolve_positions(const std::string& key, std::string_view request_json) const {
  auto it = bundles_.find(key);
  if (it == bundles_.end()) return dump_json(json{{"error", "no source map loaded under this key"}});
  const Bundle& b = it->second;
  json in = parse_json(request_json);
  const json* frames = get_field(in, "frames");
  if (!frames || !frames->is_array()) return dump_json(json{{"error", "missing \"frames\" array"}});
  if (frames->size() > 1000) return dump_json(json{{"error", "more than 1000 frames"}});
  json out = empty_array();
  for (const json& f : *frames) {
    double l = get_number(f, "lineno", 0), c = get_number(f, "colno", 0);
    if (!(l >= 1 && l <= 0x7fffffff && c >= 1 && c <= 0x7fffffff)) {
      out.push_back(json{{"resolved", false}});
      continue;
    }
    uint32_t line = static_cast<uint32_t>(l) - 1, col = static_cast<uint32_t>(c) - 1;
    const Mapping* m = find_mapping(b.map, line, col);
    if (!m || m->source < 0) {
      out.push_back(json{{"resolved", false}});
      continue;
    }
    size_t src = static_cast<size_t>(m->source);
    json j = {{"resolved", true},
              {"filename", b.map.sources[src]},
              {"source", src},
              {"lineno", m->orig_line + 1},
              {"colno", m->orig_col + 1},
              {"in_app", !b.map.ignored[src]}};
    if (b.has_code) {
      SymbolLookup s = lookup_symbol(b.table, line, col);
      j["function"] = s.function.empty() ? std::string("?") : s.function;
    } else {
      j["function"] = nullptr;
    }
    out.push_back(std::move(j));
  }
  return dump_json(json{{"frames", std::move(out)}});
}

const Symbolicator::Bundle* Symbolicator::find(const Frame& frame) const {
  if (frame.filename.empty()) return nullptr;
  auto it = bundles_.find(frame_file_basename(frame.filename));
  return it == bundles_.end() ? nullptr : &it->second;
}

const SymbolTable* Symbolicator::table_for(const Frame& frame) const {
  const Bundle* b = find(frame);
  return b ? &b->table : nullptr;
}

std::string Symbolicator::symbolicate_line(std::string_view line_json) const {
  std::string error;
  const json in = parse_input_line(line_json, "stack", error);
  if (!error.empty()) return error;
  std::vector<Frame> frames = parse_stack(get_field(in, "stack")->get_ref<const std::string&>(), get_string(in, "message")).frames;
  json out = empty_array();
  for (Frame& f : frames) {
    json minified = frame_to_json(f);
    const Bundle* b = find(f);
    if (!b || !resolve_frame(b->table, &f)) {
      out.push_back(std::move(minified));
      continue;
    }
    json j = minified;
    j["function"] = f.original_function.empty() ? std::string("?") : f.original_function;
    j["filename"] = f.original_file;
    j["abs_path"] = f.original_file;
    j["in_app"] = f.in_app;
    j["resolved"] = true;
    const Mapping* m = find_mapping(b->map, static_cast<uint32_t>(f.lineno - 1), static_cast<uint32_t>(f.colno - 1));
    if (m && m->source >= 0) {
      j["lineno"] = m->orig_line + 1;
      j["colno"] = m->orig_col + 1;
    } else {
      j.erase("lineno");
      j.erase("colno");
    }
    j["minified"] = std::move(minified);
    out.push_back(std::move(j));
  }
  return dump_json(json{{"frames", std::move(out)}});
}

std::string build_symbol_table_json(std::string_view map_text, std::string_view generated_code) {
  SourceMap map;
  std::string error;
  if (!parse_source_map(map_text, &map, &error)) return dump_json(json{{"error", "source map: " + error}});
  const std::vector<std::string> contents = source_contents(map_text, map);
  SymbolTable table = build_symbol_table(map, generated_code, &contents);
  return dump_json(json{{"table", serialize_symbol_table(table)}, {"debug_id", map.debug_id}});
}

std::string build_code_symbol_table_json(std::string_view file, std::string_view code) {
  return dump_json(json{{"table", serialize_symbol_table(build_symbol_table_from_code(file, code))}});
}

}  // namespace faultline
