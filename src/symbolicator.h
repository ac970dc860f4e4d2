// Symbolication for the command line (`faultline symbolicate|fingerprint --source-maps <dir>`) and
// for tools: holds decoded source maps and the symbol tables built from them, keyed by the
// basename of the bundle they describe, and resolves stack frames whose file has that basename.
//
// The caller (js/cli.js) finds and reads the files; this never touches the filesystem. Every entry
// point takes and returns one JSON text and never throws: bad input yields {"error": "..."}.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "frame.h"
#include "sourcemap.h"
#include "symbol_table.h"

namespace faultline {

class Symbolicator {
 public:
  // Decodes `map_text` and builds the symbol table from it and `generated_code` (the bundle; may be
  // empty, then functions are not resolved). Returns {"ok":true,"debug_id":"...","sources":N,
  // "functions":N} or {"error":"..."}. A key loaded again is replaced.
  // The result also has "memory" (about the bytes the decoded bundle holds) and "source_order"
  // (SourceMap::source_order: which source each `sourcesContent` entry belongs to).
  std::string load(const std::string& key, std::string_view map_text, std::string_view generated_code);
  // A symbol table alone (the `<file>.flsym.json` inject wrote, e.g. a table from the code of a
  // script without a map): grouping uses it (table_for), symbolication finds no mappings in it.
  // {"ok":true,"functions":N} or {"error":"..."}.
  std::string load_table(const std::string& key, std::string_view table_text);
  bool has(const std::string& key) const { return bundles_.count(key) != 0; }
  // Frees a loaded bundle; false when the key was not loaded.
  bool unload(const std::string& key) { return bundles_.erase(key) != 0; }

  // The symbol table of the bundle loaded under the frame file's basename (query and fragment
  // removed), or nullptr: for resolve_and_classify (grouping.h).
  const SymbolTable* table_for(const Frame& frame) const;

  // One NDJSON line {"stack": "...", "message"?: "..."} -> {"frames": [...]}: Sentry frames, oldest
  // first; a resolved frame shows the original function, file, line and column, marks
  // "resolved": true and keeps the minified frame under "minified".
  std::string symbolicate_line(std::string_view line_json) const;

  // Frames of the bundle loaded under `key`, by position (the collector knows which bundle a
  // frame belongs to: by debug ID or URL): {"frames":[{"lineno":L,"colno":C}, ...]} -> {"frames":
  // [...]} in the same order, each {"resolved":false} or {"resolved":true, "filename": original
  // source, "source": its index in the map's merged sources, "lineno"/"colno": original position
  // (1-based), "function": original enclosing function ("?" anonymous or top level; null without
  // generated code), "in_app": false when ignore-listed}. A position whose mapping names no
  // source does not resolve. {"error": "..."} for an unknown key or a malformed request (at most
  // 1000 frames).
  std::string resolve_positions(const std::string& key, std::string_view request_json) const;

 private:
  struct Bundle {
    SourceMap map;
    SymbolTable table;
    bool has_code = false;
  };
  const Bundle* find(const Frame& frame) const;
  std::map<std::string, Bundle> bundles_;
};

// The basename of a frame's file as the CLI keys maps: the last path segment, query and fragment removed.
std::string frame_file_basename(std::string_view filename);

// The whole of `faultline sourcemaps inject`'s table for one bundle: {"table": "<symbol table JSON
// text>", "debug_id": "..."} or {"error": "..."}.
std::string build_symbol_table_json(std::string_view map_text, std::string_view generated_code);
// The same for a script without a map (build_symbol_table_from_code): {"table": "<JSON text>"}.
std::string build_code_symbol_table_json(std::string_view file, std::string_view code);

}  // namespace faultline
