// Symbol table: what a page needs to turn a minified frame (line, column) into the original file
// and the original function, derived from a bundle's source map and its generated code, without
// any source code and without the full mappings. `faultline sourcemaps inject` writes one per
// bundle; the SDK fetches it after an error and hands it to the core (Client::add_symbol_table).
//
// Format (JSON, version 3 when a tail target is a member call by name, else version 2 — the same
// without such targets; version 1, the same without "calls" and "tails", still parses):
//   {"faultline_symbols": 3, "debug_id": "<uuid>", "file": "index-3f2a.js",
//    "sources": ["src/cart.js", ...],     // original files (sourceRoot applied)
//    "ignore": [3, ...],                  // indices of sources in the map's ignoreList (not in-app)
//    "names": ["loadCart", ...],          // original function names
//    "files": "<VLQ>",                    // runs of generated code from one original file
//    "functions": "<VLQ>",                // function ranges of the generated code
//    "calls": "<VLQ>",                    // call sites of functions that have tail calls
//    "tails": "<VLQ>"}                    // those functions' tail-call targets
// and optional fields: "callbacks", "named_calls", "sites" (the other call sites), "long_lines",
// "texts" (anonymous functions' text hashes: Function::text).
// `texts` is, for each anonymous function (name 0) in the order of `functions`, 6 characters of
// the Base64 alphabet: its 36-bit text hash, most significant 6 bits first, "AAAAAA" for none.
// `files` is a sequence of triples (generated line delta, column, source delta): from that
// position up to the next run, the code comes from `sources[source]` (-1: unmapped, e.g. an
// injected snippet). `functions` is a sequence of 6-tuples (start line delta, start column, end
// line - start line, end column, name delta, source delta) sorted by start; nested functions follow
// their parent. A column is absolute when its line differs from the previous position's, else a
// delta from it (start: from the previous start; end: from this start); name and source are
// stored +1 (0 = anonymous / unknown) as deltas from the previous function's. Values are Base64
// VLQ, the alphabet of source map `mappings`. Positions are 0-based, columns in UTF-16 units.
// `calls` is a sequence of triples (line delta, column, callee delta) sorted by position: the
// position JavaScriptCore reports for a frame executing that call (just after the callee, see
// js_scopes.h) and the index of the function it calls, stored only for callees that have tail
// calls. `tails` is, per function with tail calls, (function index delta, count, count targets):
// a target is a function index + 1, or -(name index + 1) for a built-in or global called by name
// (`parse` for `JSON.parse(`, a key into `names`) or a member call by its property name, written
// with a leading dot (`.map` for `list.map(cb)`, only when no function of the code can be that
// property: js_scopes.h), or 0 for a callee the scanner could not resolve. `callbacks` (optional)
// is a sequence of (line delta, column, name delta, count, count function indices): a built-in,
// by the name JavaScriptCore gives its frame, called at that position with those functions of the
// code as its arguments (`xs.map(decode)`; js_scopes.h, CallbackSite). They serve JavaScriptCore's proper tail calls (reconstruct_tail_calls, grouping.h).
//
// The function rule: a function's original name is the `names` entry of the map's mapping at the
// function's name token in the generated code (its own name, or the binding it is assigned to; see
// js_scopes.h); when that mapping has no name, the token was not renamed and its text is the name.
// A position's function is the innermost function range that contains it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frame.h"
#include "js_scopes.h"
#include "sourcemap.h"

namespace faultline {

struct SymbolTable {
  struct FileRun {
    JsPosition start;
    int32_t source = -1;
  };
  struct Function {
    JsPosition start, end;
    int32_t name = -1;    // index into names, -1 = anonymous
    int32_t source = -1;  // index into sources, -1 = unknown
    int32_t parent = -1;  // enclosing function (computed, not stored)
    // An anonymous function's nearest enclosing named function (-1: the top level) and its
    // ordinal, in source order, among the anonymous functions that function defines (at the top
    // level: among those of its source). Computed, not stored; -1 for a named function.
    int32_t definer = -1;
    int32_t ordinal = -1;
    // An anonymous function's text hash (js_scopes.h kTextHashBits; 0: the table has no text for
    // it), written as "texts". Grouping keys it by its definer and this hash instead of the
    // ordinal, so that a deploy that adds an anonymous function before it does not move it
    // (siblings with one hash: grouping.cpp anonymous_suffix).
    uint64_t text = 0;
  };
  std::string debug_id, file;
  std::vector<std::string> sources, names;
  std::vector<uint8_t> ignored;  // per source
  std::vector<FileRun> files;
  std::vector<Function> functions;
  struct Call {
    JsPosition pos;
    int32_t callee = -1;
  };
  struct Target {
    int32_t function = -1;  // a function of the table
    int32_t name = -1;      // else a built-in by name (index into names); neither: unresolved
  };
  std::vector<Call> calls;                  // sorted by position
  // A built-in called with the code's functions as its arguments (js_scopes.h, CallbackSite):
  // `xs.map(decode)`. Written as "callbacks" (optional: cores that do not know it put nothing
  // back through a built-in's callbacks).
  struct Callback {
    JsPosition pos;
    int32_t name = -1;               // the built-in's name (index into names)
    std::vector<int32_t> functions;  // the arguments' functions
  };
  std::vector<Callback> callbacks;          // sorted by position
  // Call sites whose callee is known by name only (js_scopes.h NamedCallSite): `parse` for
  // `JSON.parse(`, `decodeURIComponent`, `.toFixed` for a member call by name. Written as
  // "named_calls" (optional: cores that do not know it ignore it), a sequence of triples (line
  // delta, column, name delta) like `calls`, the name an index into `names`.
  struct NamedCall {
    JsPosition pos;
    int32_t name = -1;
  };
  std::vector<NamedCall> named_calls;       // sorted by position
  std::vector<std::vector<Target>> tails;   // per function (empty: no tail call)
  // The code's other call sites in functions (js_scopes.h JsCallGraph::call_positions), those in
  // neither `calls` nor `named_calls`: calls of a variable or parameter (`r(`), of a member
  // several functions can be (`W.handler(`), of a call's result (`f(x)(`, `a[i](`). Left out:
  // calls of a function of the code without tail calls (its frame is always on the stack, so no
  // frame there is just outside a built-in) and calls at the top level. Written as "sites"
  // (optional: cores that do not know it ignore it), a sequence of pairs (line delta, column)
  // like `calls`. With `calls` and `named_calls` they are every call site a frame just outside a
  // built-in can be at, so its ordinal among its function's call sites can be counted
  // (call_site_ordinal): a JavaScriptCore frame that no table confirms is keyed by it.
  std::vector<JsPosition> sites;            // sorted by position
  // Tables built from the code itself: the 0-based lines longer than kLongLine UTF-16 units
  // (sorted), which hand-written code does not have and minifiers write; `line_info` says the
  // table carries the list (so a line not in it is hand-written). Written as "long_lines" (an
  // optional field: cores that do not know it ignore it).
  static constexpr uint32_t kLongLine = 250;
  bool line_info = false;
  std::vector<uint32_t> long_lines;
  // ES module linking (js_scopes.h ImportCallSite, ExportedBinding): the module specifiers the
  // code imports from, as written ("modules", an array of strings); its calls of imported
  // bindings ("import_calls": (line delta, column, module delta, name delta) like `calls`, the
  // name an index into `names`: the export called, `default` for a default import, `f` for
  // `ns.f(`); and its exports ("exports": per export, (name delta, v) with v = function index + 1,
  // or v = 0 followed by (module index, name index) for a re-export of another module's binding),
  // in source order. All three optional: a core that does not know them ignores them and keys a
  // frame at such a call as an unconfirmed built-in's caller (it is in `sites`), as before. A
  // reader resolves a specifier against the table's URL (grouping.cpp) and follows the call into
  // the table of that module, when it has one.
  std::vector<std::string> modules;
  struct ImportCall {
    JsPosition pos;
    int32_t module = -1;  // index into modules
    int32_t name = -1;    // index into names
  };
  std::vector<ImportCall> import_calls;  // sorted by position
  struct Export {
    int32_t name = -1;      // index into names
    int32_t function = -1;  // the exported function, else a re-export:
    int32_t module = -1;    // index into modules
    int32_t imported = -1;  // index into names
  };
  std::vector<Export> exports;
};

struct SymbolLookup {
  bool resolved = false;   // the position maps to an original file
  std::string file;        // original source path
  std::string function;    // original name of the innermost function (also when not resolved); empty: anonymous or top level
  bool ignored = false;    // the source is in the map's ignore list (not in-app)
  int32_t function_index = -1;  // the innermost function's index in the table, -1: none
};

// Derives the table from a decoded map and the generated code the map describes. `contents`, when
// given, holds each map source's original text (its `sourcesContent` entry, source_contents below;
// empty: none): anonymous functions found in it get their text hash.
SymbolTable build_symbol_table(const SourceMap& map, std::string_view generated_code,
                               const std::vector<std::string>* contents = nullptr);
// Each source's `sourcesContent` entry of the map's JSON text (index maps: each section's, paired
// by SourceMap::source_order), "" when absent or null, or when two sections give one merged source
// different texts.
std::vector<std::string> source_contents(std::string_view map_text, const SourceMap& map);
// A table for code without a map (unminified, served as written): only what JavaScriptCore's
// tail calls need — function ranges with their own names, `calls` and `tails` — and no sources,
// so frames are not "resolved" by it (they keep the engine's names and the served file); only
// frames put back from its call graph get its names (and the caller's file).
SymbolTable build_symbol_table_from_code(std::string_view file, std::string_view code);
// The same from the code's call graph already scanned (code_table.h reads it first).
SymbolTable build_symbol_table_from_code(std::string_view file, std::string_view code, const JsCallGraph& graph);
// The call of an imported binding at this 0-based position, or nullptr.
const SymbolTable::ImportCall* import_call_at(const SymbolTable& table, uint32_t line, uint32_t column);
// The export of that name, or nullptr.
const SymbolTable::Export* export_named(const SymbolTable& table, std::string_view name);
// The function a call at this 0-based position calls, when the table records it; else -1.
int32_t call_at(const SymbolTable& table, uint32_t line, uint32_t column);
// The built-in called back with functions of the code at this 0-based position, or nullptr.
const SymbolTable::Callback* callback_at(const SymbolTable& table, uint32_t line, uint32_t column);
// The name of the callee of a call at this 0-based position that the table records by name
// (`parse`, `.toFixed`); empty when it records none there.
std::string_view named_call_at(const SymbolTable& table, uint32_t line, uint32_t column);
// Which call site of its function a 0-based position is: its ordinal (0 = the first) among the
// table's call sites (`calls`, `named_calls`, `sites`: every call but those of a function of the
// code without tail calls) in that function's own body — not in the functions nested in it —, in
// the order of the generated code. -1 when the table records no call
// there, none is recorded in `sites` at all (an older writer), or the position is not in that
// function's own body (`function` is the index lookup_symbol gives).
int32_t call_site_ordinal(const SymbolTable& table, int32_t function, uint32_t line, uint32_t column);
std::string serialize_symbol_table(const SymbolTable& table);
// Parses a serialized table. False with *error on any malformed or out-of-range content.
bool parse_symbol_table(std::string_view text, SymbolTable* out, std::string* error);
// 0-based line and column of the generated code.
SymbolLookup lookup_symbol(const SymbolTable& table, uint32_t line, uint32_t column);
// The index of the innermost function whose range holds the position, -1: none (the top level).
int32_t function_at(const SymbolTable& table, JsPosition position);
// Whether the 0-based line is hand-written code by the table's evidence (line_info, not long).
bool handwritten_line(const SymbolTable& table, uint32_t line);
// Resolves one frame of the table's bundle by its 1-based lineno/colno: sets original_function,
// original_file and resolved, and clears in_app when the source is in the map's ignore list.
// The minified fields are left as they are (events keep them). False when it does not resolve.
bool resolve_frame(const SymbolTable& table, Frame* frame);

}  // namespace faultline
