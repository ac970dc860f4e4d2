// Embind boundary of the tools module (dist/faultline-tools.mjs), used by the `faultline` CLI in
// Node: everything the browser module has no use for — the source map decoder, symbol table
// building and symbolication — stays out of the browser's WASM. Every value crossing is a string
// (one JSON text or a file's text); see bindings/README.md.
#include <emscripten/bind.h>

#include <string>

#include "client.h"
#include "symbolicator.h"

namespace {

faultline::Symbolicator& symbolicator() {
  static faultline::Symbolicator instance;
  return instance;
}

std::string parseStack(const std::string& line) { return faultline::cli_parse_stack(line); }
std::string fingerprint(const std::string& line) { return faultline::cli_fingerprint(line); }
std::string loadSourceMap(const std::string& key, const std::string& map_text, const std::string& code) {
  return symbolicator().load(key, map_text, code);
}
bool hasSourceMap(const std::string& key) { return symbolicator().has(key); }
// The collector's entry points: frames resolved by bundle key, maps freed when its cache evicts them.
bool unloadSourceMap(const std::string& key) { return symbolicator().unload(key); }
std::string resolvePositions(const std::string& key, const std::string& request) {
  return symbolicator().resolve_positions(key, request);
}
std::string symbolicate(const std::string& line) { return symbolicator().symbolicate_line(line); }
std::string fingerprintResolved(const std::string& line) {
  return faultline::cli_fingerprint(line, [](const faultline::Frame& f) { return symbolicator().table_for(f); });
}
std::string buildSymbolTable(const std::string& map_text, const std::string& code) {
  return faultline::build_symbol_table_json(map_text, code);
}
std::string loadSymbolTable(const std::string& key, const std::string& table) {
  return symbolicator().load_table(key, table);
}
std::string buildCodeSymbolTable(const std::string& file, const std::string& code) {
  return faultline::build_code_symbol_table_json(file, code);
}
std::string fileBasename(const std::string& filename) { return faultline::frame_file_basename(filename); }

}  // namespace

EMSCRIPTEN_BINDINGS(faultline_tools) {
  emscripten::function("parseStack", &parseStack);
  emscripten::function("fingerprint", &fingerprint);
  emscripten::function("loadSourceMap", &loadSourceMap);
  emscripten::function("hasSourceMap", &hasSourceMap);
  emscripten::function("unloadSourceMap", &unloadSourceMap);
  emscripten::function("resolvePositions", &resolvePositions);
  emscripten::function("symbolicate", &symbolicate);
  emscripten::function("fingerprintResolved", &fingerprintResolved);
  emscripten::function("buildSymbolTable", &buildSymbolTable);
  emscripten::function("buildCodeSymbolTable", &buildCodeSymbolTable);
  emscripten::function("loadSymbolTable", &loadSymbolTable);
  emscripten::function("fileBasename", &fileBasename);
}
