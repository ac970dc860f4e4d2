// The symbol table the SDK builds in the page from a script's own code (the scan module,
// bindings/faultline_scan.cpp, loaded by js/scan.js), when JavaScriptCore's stack has frames in a
// script that has no table of its own: the call graph of build_symbol_table_from_code
// (symbol_table.h), which puts back the frames JavaScriptCore's proper tail calls dropped.
//
// Only for code as its author wrote it. A table built from code whose names a minifier shortened
// would name the frames it puts back by those names (`a`, `Kt`), and the core would then key them
// as resolved, deploy-invariant names: two different bugs whose functions the next deploy's
// minifier names alike would merge. Without a table, minified frames stay deploy-scoped (never a
// merge). So the scan refuses, with a reason, any script that shows it is a build output:
//  1. a `sourceMappingURL` or `debugId` comment (`//# …=`, `//@ …=`, `/*# …=`): a build tool wrote
//     the file and its map; the table for it comes from the map (`faultline sourcemaps inject`);
//  2. long lines of code: lines of more than 500 characters holding more than a fifth of its
//     functions (minifiers join the code into a few very long lines; hand-written code has the
//     odd long data, string or template line, which holds no function);
//  3. mangled names: among the functions that have a name, more than a quarter named by 1 or 2
//     characters (a minifier's shortest names first);
//  4. mangled bindings: at least 16 names declared inside functions (parameters, locals), 90 % or
//     more of them of 1 or 2 characters, at least 3 distinct ones. Minifiers rename every binding
//     that is not global, so a classic script's top-level functions keep their names (esbuild,
//     terser) but everything inside them is `e`, `t`, `n`…, however the lines are wrapped or
//     indented; hand-written code has such names too (`e`, `i`, `x`), not for nearly all.
// The scanner's own doubts (js_scopes.h: code it cannot tell how to read) refuse the script too.
// Bad input never crashes (the scanner's own guarantee); a script over max_bytes is refused.
#pragma once
#include <string>
#include <string_view>

#include "symbol_table.h"

namespace faultline {

struct CodeTable {
  std::string table;    // the serialized table (symbol_table.h format), empty when refused
  std::string refused;  // why no table: one line of text, empty when built
};

// The reason of rule 1 (the text alone), empty when it does not apply.
std::string code_text_refusal(std::string_view code);
// The reason of rules 2-4 and the scanner's doubts for the code's call graph, empty when none applies.
std::string code_graph_refusal(std::string_view code, const JsCallGraph& graph);
// Applies the rules and builds the table for `file` (its URL or name, written in the table). The
// kind, when the page knows it (a `<script type=module>` or not), settles `<!--` (js_scopes.h).
CodeTable scan_code_table(std::string_view file, std::string_view code, size_t max_bytes = 8u << 20,
                          ScriptKind kind = ScriptKind::Unknown);

}  // namespace faultline
