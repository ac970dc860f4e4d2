// ES module linking for JavaScriptCore's proper tail calls: a module's table records its calls of
// imported bindings and its exports (js_scopes.h ImportCallSite/ExportedBinding, symbol_table.h
// "modules"/"import_calls"/"exports").
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "grouping.h"
#include "js_scopes.h"
#include "stack_parser.h"
#include "symbol_table.h"

using namespace faultline;

namespace {

const char* kParsers =
    "// Parsers of another module.\n"
    "export function parseConfig(text) {\n"
    "  return JSON.parse(text);\n"
    "}\n"
    "export function parseManifest(text) {\n"
    "  return JSON.parse(text);\n"
    "}\n"
    "export const decodePath = (s) => decodeURIComponent(s);\n"
    "export default function parseAmount(s) {\n"
    "  return BigInt(s);\n"
    "}\n"
    "function stamp(ms) {\n"
    "  return new Date(ms).toISOString();\n"
    "}\n"
    "export { stamp as formatTimestamp };\n";

const char* kReexport = "export { parseManifest as readManifest } from './parsers.js';\n";

const char* kApp =
    "import parseAmount, { parseConfig, parseManifest, decodePath } from './parsers.js';\n"
    "import * as p from './parsers.js';\n"
    "import { readManifest } from './reexport.js';\n"
    "\n"
    "export function initApp(configText, manifestText) {\n"
    "  const config = parseConfig(configText);\n"
    "  const manifest = parseManifest(manifestText);\n"
    "  return { config, manifest };\n"
    "}\n"
    "export function openDocument(path) {\n"
    "  const last = decodePath(path);\n"
    "  return last.toLowerCase();\n"
    "}\n"
    "export function importPayment(s) {\n"
    "  const amount = parseAmount(s);\n"
    "  return amount > 0n;\n"
    "}\n"
    "export function stampOrder(ms) {\n"
    "  const when = p.formatTimestamp(ms);\n"
    "  return when;\n"
    "}\n"
    "export function loadManifest(t) {\n"
    "  const m = readManifest(t);\n"
    "  return m;\n"
    "}\n";

// Tables as the page and the CLI get them: serialized, then parsed.
SymbolTable table_of_code(const std::string& file, const std::string& code) {
  SymbolTable parsed;
  std::string error;
  EXPECT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code(file, code)), &parsed, &error)) << error;
  return parsed;
}

}  // namespace

TEST(ModuleLinks, TheScannerRecordsImportsCallsOfThemAndExports) {
  JsCallGraph app = scan_call_graph(kApp);
  ASSERT_EQ(app.import_calls.size(), 6u);
  auto at = [](const ImportCallSite& c) { return std::to_string(c.pos.line + 1) + ":" + std::to_string(c.pos.column + 1); };
  // Where jsc put initApp's frame for each call (the captures above).
  EXPECT_EQ(at(app.import_calls[0]), "6:29");
  EXPECT_EQ(app.import_calls[0].module, "./parsers.js");
  EXPECT_EQ(app.import_calls[0].name, "parseConfig");
  EXPECT_EQ(at(app.import_calls[1]), "7:33");
  EXPECT_EQ(app.import_calls[1].name, "parseManifest");
  EXPECT_EQ(app.import_calls[3].name, "default") << "a default import calls the export `default`";
  EXPECT_EQ(at(app.import_calls[4]), "19:33");
  EXPECT_EQ(app.import_calls[4].name, "formatTimestamp") << "`p.formatTimestamp(` of `import * as p`";
  EXPECT_EQ(app.import_calls[4].module, "./parsers.js");
  EXPECT_EQ(app.import_calls[5].name, "readManifest");
  EXPECT_EQ(app.import_calls[5].module, "./reexport.js");

  JsCallGraph parsers = scan_call_graph(kParsers);
  std::map<std::string, std::string> exports;  // exported name -> function's own name
  for (const ExportedBinding& e : parsers.exports)
    exports[e.name] = e.function >= 0 ? parsers.scopes[static_cast<size_t>(e.function)].name_text : "<" + e.module + ">";
  EXPECT_EQ(exports, (std::map<std::string, std::string>{{"parseConfig", "parseConfig"},
                                                         {"parseManifest", "parseManifest"},
                                                         {"decodePath", "decodePath"},
                                                         {"default", "parseAmount"},
                                                         {"formatTimestamp", "stamp"}}));
  JsCallGraph re = scan_call_graph(kReexport);
  ASSERT_EQ(re.exports.size(), 1u);
  EXPECT_EQ(re.exports[0].name, "readManifest");
  EXPECT_EQ(re.exports[0].function, -1);
  EXPECT_EQ(re.exports[0].module, "./parsers.js");
  EXPECT_EQ(re.exports[0].imported, "parseManifest");
}

TEST(ModuleLinks, ACallOfAShadowedOrNonModuleBindingIsNotAnImportCall) {
  JsCallGraph g = scan_call_graph(
      "import { f, g } from './m.js';\n"
      "import * as ns from 'bare-package';\n"
      "function a(f) { return f(1); }\n"           // a parameter hides the import
      "function b() { { const g = () => 1; g(); } return 0; }\n"  // a block's g (unresolved there)
      "function c() { return ns.h(2) + g(3); }\n"
      "export function d() { return ns(1); }\n");  // a namespace object is no function
  std::vector<std::string> calls;
  for (const ImportCallSite& c : g.import_calls) calls.push_back(c.module + " " + c.name + " " + std::to_string(c.pos.line + 1));
  EXPECT_EQ(calls, (std::vector<std::string>{"bare-package h 5", "./m.js g 5"}));
  // A classic script has no imports: `import(` is a dynamic import, not a declaration.
  JsCallGraph script = scan_call_graph("function f(){ return import('./x.js'); }\nfunction h(){ return f(); }\n");
  EXPECT_TRUE(script.import_calls.empty());
  EXPECT_TRUE(script.exports.empty());
  // A reassigned local exported is no fixed function; a class's export is its constructor.
  JsCallGraph e = scan_call_graph("let f = () => 1; f = () => 2;\nexport { f };\nexport default (t) => JSON.parse(t);\n");
  ASSERT_EQ(e.exports.size(), 1u);
  EXPECT_EQ(e.exports[0].name, "default");
  EXPECT_GE(e.exports[0].function, 0);
}

TEST(ModuleLinks, TablesKeepTheirLinksThroughTextAndRefuseMalformedOnes) {
  SymbolTable app = build_symbol_table_from_code("app.js", kApp);
  SymbolTable back;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(app), &back, &error)) << error;
  EXPECT_EQ(back.modules, (std::vector<std::string>{"./parsers.js", "./reexport.js"}));
  ASSERT_EQ(back.import_calls.size(), app.import_calls.size());
  for (size_t i = 0; i < app.import_calls.size(); ++i) {
    EXPECT_FALSE(back.import_calls[i].pos < app.import_calls[i].pos || app.import_calls[i].pos < back.import_calls[i].pos);
    EXPECT_EQ(back.import_calls[i].module, app.import_calls[i].module);
    EXPECT_EQ(back.import_calls[i].name, app.import_calls[i].name);
  }
  ASSERT_EQ(back.exports.size(), 5u);
  SymbolTable re;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code("r.js", kReexport)), &re, &error)) << error;
  ASSERT_EQ(re.exports.size(), 1u);
  EXPECT_EQ(re.names[static_cast<size_t>(re.exports[0].imported)], "parseManifest");
  EXPECT_EQ(re.modules[static_cast<size_t>(re.exports[0].module)], "./parsers.js");
  // A table of a core that wrote none of the three fields reads as before; one whose indices
  // point past its lists, or whose fields have the wrong type, is refused whole.
  const std::string head = R"({"faultline_symbols":2,"sources":["a"],"names":["f"],"files":"AAC","functions":"AACAAC")";
  EXPECT_TRUE(parse_symbol_table(head + "}", &back, &error)) << error;
  EXPECT_TRUE(back.import_calls.empty() && back.exports.empty());
  EXPECT_TRUE(parse_symbol_table(head + R"(,"modules":["./a.js"],"import_calls":"AACC","exports":"CC"})", &back, &error)) << error;
  ASSERT_EQ(back.import_calls.size(), 1u);
  ASSERT_EQ(back.exports.size(), 1u);
  EXPECT_EQ(back.exports[0].function, 0);
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":["./a.js"],"import_calls":"AAEC"})", &back, &error)) << "module past the list";
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":["./a.js"],"import_calls":"AACE"})", &back, &error)) << "name past the list";
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":[],"import_calls":"AAAA"})", &back, &error));
  EXPECT_FALSE(parse_symbol_table(head + R"(,"exports":"CE"})", &back, &error)) << "function past the list";
  EXPECT_FALSE(parse_symbol_table(head + R"(,"exports":"CAAA"})", &back, &error)) << "a re-export of no module";
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":"./a.js"})", &back, &error));
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":[1]})", &back, &error));
  EXPECT_FALSE(parse_symbol_table(head + R"(,"exports":[1]})", &back, &error));
  EXPECT_FALSE(parse_symbol_table(head + R"(,"modules":["./a.js"],"import_calls":"CACCDAAA"})", &back, &error))
      << "calls out of order";
}
