// A stack frame as Sentry puts it on the wire (oldest first in a stacktrace).
#pragma once
#include <string>
#include <vector>
#include "json.h"

namespace faultline {

struct Frame {
  std::string function;   // "?" when the engine gave no name
  std::string filename;   // the URL/path as the engine printed it (Sentry's `filename`)
  std::string abs_path;   // same as filename for URLs (Sentry's `abs_path`)
  int lineno = -1;        // as the engine printed it (1-based); -1 = unknown
  int colno = -1;         // as the engine printed it (1-based; Opera printed 0); -1 = unknown
  bool in_app = true;     // classification (grouping) may set this to false
  bool native = false;    // "[native code]", "(native)", "<anonymous>"-style internal frames
  bool eval = false;      // eval / new Function / Function code
  // The engine printed the frame as `at name (location)`: V8 (and legacy Chakra). V8 prints a
  // class's method with its class (`CartStore.validate`), so a bare name in this form is a plain
  // function. Set by the parser; grouping only, never sent.
  bool at_form = false;
  // Set by source-map / symbol-table resolution. Grouping uses them when `resolved`. On the wire a
  // resolved frame's `function` is the original name and `raw_function` the minified one (Sentry
  // shows it on click); filename, abs_path, lineno and colno stay the minified file's, so Sentry's
  // own source-map processing (by debug ID or URL) still works.
  std::string original_function;  // from a symbol table / source map; empty = unresolved
  std::string original_file;      // original source path, from the same
  bool resolved = false;          // original_* are set
  // A frame JavaScriptCore's proper tail calls dropped, put back from a symbol table's call
  // graph (reconstruct_tail_calls, grouping.h). Used for grouping only: never sent (events carry
  // the stack the engine reported), named in the grouping parts.
  bool reconstructed = false;
  // A frame just outside a JavaScriptCore built-in's `[native code]` frame that called that
  // built-in itself, by its file's symbol table: the table records, at the frame's position, a
  // call of the built-in by that name (symbol_table.h `named_calls`), or the frame was put back
  // as the function that tail-calls it. Without it, the frame may be the caller of a function a
  // proper tail call elided (throw_site, grouping.cpp). Grouping only; never sent.
  bool calls_builtin = false;
  // The same for a frame just outside a library's frame (code, not in-app) in a stack of an engine
  // with proper tail calls: its table records, at its position, a call of that library function
  // (by name, or the function itself in one bundle's table). Grouping only; never sent.
  bool calls_library = false;
  // A frame just outside a JavaScriptCore built-in that no table confirms called it, placed by its
  // file's table: its file (a map's original source, whole), its function by a key no other
  // function of that file shares, and which call site of that function's own body it is
  // ("src/app.js:init#call2", "app.js:render/?1#call0"; call_site_key, grouping.cpp). Empty when
  // the table cannot place it. Grouping only; never sent.
  std::string call_site;
  // The frame's line is hand-written code by its file's own evidence: a symbol table built from
  // the code (symbol_table.h `long_lines`) says the line is not one a minifier writes. Its name is
  // then the author's, however short (`go`, `run`). Grouping only; never sent.
  bool handwritten = false;
  // An anonymous function that a source map's symbol table resolved: where the source defines
  // it, which no engine's elisions or callers change — the nearest enclosing named function's
  // original name (none at the top level of its file) and its ordinal among that function's
  // anonymous functions: "CartStore.lineTotals/?0", "/?1" (lexical_anonymous, grouping.cpp).
  // Grouping only; never sent.
  std::string lexical;
  // The last step of `lexical` is the function's own text alone (its hash, no sibling shares it),
  // not an ordinal: other functions' edits do not move it. Grouping only; never sent.
  bool lexical_by_text = false;
};

inline json frame_to_json(const Frame& f) {
  json j = empty_object();
  const std::string& fn = f.function.empty() ? std::string("?") : f.function;
  if (f.resolved && !f.original_function.empty() && f.original_function != fn) {
    j["function"] = f.original_function;
    j["raw_function"] = fn;
  } else {
    j["function"] = fn;
  }
  if (!f.filename.empty()) j["filename"] = f.filename;
  if (!f.abs_path.empty()) j["abs_path"] = f.abs_path;
  if (f.lineno >= 0) j["lineno"] = f.lineno;
  if (f.colno >= 0) j["colno"] = f.colno;
  j["in_app"] = f.in_app;
  return j;
}

inline json frames_to_json(const std::vector<Frame>& frames) {
  json arr = empty_array();
  for (const auto& f : frames)
    if (!f.reconstructed) arr.push_back(frame_to_json(f));
  return arr;
}

}  // namespace faultline
