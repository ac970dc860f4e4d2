// The scan module (dist/faultline-scan.wasm): builds, in the page, the call-graph symbol table of a
// script's own code (src/code_table.h), which the SDK hands to the core like a fetched table. It is
// loaded only when a JavaScriptCore stack has frames in a script without a table, by a loader of
// its own (js/scan.js, no Emscripten glue): one plain C export over UTF-8 bytes, malloc and free.
// Each scan gets a fresh instance (the loader drops it after the call), so nothing is kept here
// between scans and a failed allocation (abort) costs that scan only.
#include <emscripten/emscripten.h>

#include <string>
#include <string_view>

#include "code_table.h"

namespace {
std::string result;
}

// The table's JSON text, or `!` followed by the reason the code got none (code_table.h). The text
// stays valid until the next call, NUL-terminated (neither form holds a raw NUL).
extern "C" EMSCRIPTEN_KEEPALIVE const char* fl_scan(const char* file, size_t file_size, const char* code, size_t code_size) {
  faultline::CodeTable t = faultline::scan_code_table(std::string_view(file, file_size), std::string_view(code, code_size));
  result = t.refused.empty() ? std::move(t.table) : "!" + t.refused;
  return result.c_str();
}
