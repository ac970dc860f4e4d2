// ES module linking for JavaScriptCore's proper tail calls: a module's table records its calls of
// imported bindings and its exports (js_scopes.h ImportCallSite/ExportedBinding, symbol_table.h
// "modules"/"import_calls"/"exports"), and grouping follows such a call into the table of the
// module it imports from (reconstruct_tail_calls, resolve_module_url). The stacks are as captured
// on this machine from `jsc -m main.js` (JavaScriptCore), node 20 (V8) and `gjs -m` (SpiderMonkey)
// running these very modules (node's copies were named .mjs; their frames are renamed .js here).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "client.h"
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

struct Modules {
  std::map<std::string, SymbolTable> by_file;  // file name -> table (as the CLI keys them)
  Modules() {
    by_file["app.js"] = table_of_code("app.js", kApp);
    by_file["parsers.js"] = table_of_code("parsers.js", kParsers);
    by_file["reexport.js"] = table_of_code("reexport.js", kReexport);
  }
};

struct Grouped {
  std::string fingerprint;
  std::vector<Frame> frames;
  json parts;
  bool confident = false;
};
Grouped group(const Modules& m, const std::string& type, const std::string& value, const std::string& stack,
              const std::vector<std::string>& without = {}) {
  ExceptionInput x;
  x.type = type;
  x.value = value;
  x.frames = parse_stack(stack, value).frames;
  auto table_of = [&](const Frame& f) -> const SymbolTable* {
    std::string file = f.filename.substr(f.filename.rfind('/') + 1);
    if (std::find(without.begin(), without.end(), file) != without.end()) return nullptr;
    auto it = m.by_file.find(file);
    return it == m.by_file.end() ? nullptr : &it->second;
  };
  resolve_and_classify(x.frames, table_of, GroupingOptions{});
  GroupingResult g = compute_grouping({x}, GroupingOptions{});
  return {g.fingerprint, x.frames, g.parts, g.confident};
}
size_t reconstructed(const Grouped& g) {
  return static_cast<size_t>(std::count_if(g.frames.begin(), g.frames.end(), [](const Frame& f) { return f.reconstructed; }));
}

// Captured stacks (jsc, node, gjs) of the six runs of main.js.
struct Case {
  const char* type;
  const char* jsc_value;
  const char* jsc;
  const char* v8_value;
  const char* v8;
  const char* sm_value;
  const char* sm;
};
const Case kCases[] = {
    {"SyntaxError", "JSON Parse error: Expected '}'",
     "parse@[native code]\ninitApp@/tmp/ml/app.js:6:29\n@/tmp/ml/main.js:3:22\nmodule code@/tmp/ml/main.js:11:10",
     "Expected property name or '}' in JSON at position 1",
     "SyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n"
     "    at parseConfig (file:///tmp/ml/parsers.js:3:15)\n    at Module.initApp (file:///tmp/ml/app.js:6:18)\n"
     "    at file:///tmp/ml/main.js:3:15\n    at file:///tmp/ml/main.js:11:9",
     "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data",
     "parseConfig@file:///tmp/ml/parsers.js:3:15\ninitApp@file:///tmp/ml/app.js:6:29\nruns<@file:///tmp/ml/main.js:3:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
    {"SyntaxError", "JSON Parse error: Expected '}'",
     "parse@[native code]\ninitApp@/tmp/ml/app.js:7:33\n@/tmp/ml/main.js:4:22\nmodule code@/tmp/ml/main.js:11:10",
     "Expected property name or '}' in JSON at position 1",
     "SyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n"
     "    at parseManifest (file:///tmp/ml/parsers.js:6:15)\n    at Module.initApp (file:///tmp/ml/app.js:7:20)\n"
     "    at file:///tmp/ml/main.js:4:15\n    at file:///tmp/ml/main.js:11:9",
     "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data",
     "parseManifest@file:///tmp/ml/parsers.js:6:15\ninitApp@file:///tmp/ml/app.js:7:33\nruns<@file:///tmp/ml/main.js:4:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
    {"URIError", "URI error",
     "decodeURIComponent@[native code]\nopenDocument@/tmp/ml/app.js:11:26\n@/tmp/ml/main.js:5:27\nmodule code@/tmp/ml/main.js:11:10",
     "URI malformed",
     "URIError: URI malformed\n    at decodeURIComponent (<anonymous>)\n    at decodePath (file:///tmp/ml/parsers.js:8:34)\n"
     "    at Module.openDocument (file:///tmp/ml/app.js:11:16)\n    at file:///tmp/ml/main.js:5:15\n    at file:///tmp/ml/main.js:11:9",
     "malformed URI sequence",
     "decodePath@file:///tmp/ml/parsers.js:8:52\nopenDocument@file:///tmp/ml/app.js:11:26\nruns<@file:///tmp/ml/main.js:5:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
    {"SyntaxError", "Failed to parse String to BigInt",
     "BigInt@[native code]\nimportPayment@/tmp/ml/app.js:15:29\n@/tmp/ml/main.js:6:28\nmodule code@/tmp/ml/main.js:11:10",
     "Cannot convert 1.5 to a BigInt",
     "SyntaxError: Cannot convert 1.5 to a BigInt\n    at BigInt (<anonymous>)\n    at parseAmount (file:///tmp/ml/parsers.js:10:10)\n"
     "    at Module.importPayment (file:///tmp/ml/app.js:15:18)\n    at file:///tmp/ml/main.js:6:15\n    at file:///tmp/ml/main.js:11:9",
     "invalid BigInt syntax",
     "parseAmount@file:///tmp/ml/parsers.js:10:10\nimportPayment@file:///tmp/ml/app.js:15:29\nruns<@file:///tmp/ml/main.js:6:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
    {"RangeError", "Invalid Date",
     "toISOString@[native code]\nstampOrder@/tmp/ml/app.js:19:33\n@/tmp/ml/main.js:7:25\nmodule code@/tmp/ml/main.js:11:10",
     "Invalid time value",
     "RangeError: Invalid time value\n    at Date.toISOString (<anonymous>)\n    at Module.stamp (file:///tmp/ml/parsers.js:13:23)\n"
     "    at Module.stampOrder (file:///tmp/ml/app.js:19:18)\n    at file:///tmp/ml/main.js:7:15\n    at file:///tmp/ml/main.js:11:9",
     "invalid date",
     "stamp@file:///tmp/ml/parsers.js:13:23\nstampOrder@file:///tmp/ml/app.js:19:18\nruns<@file:///tmp/ml/main.js:7:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
    {"SyntaxError", "JSON Parse error: Expected '}'",
     "parse@[native code]\nloadManifest@/tmp/ml/app.js:23:25\n@/tmp/ml/main.js:8:27\nmodule code@/tmp/ml/main.js:11:10",
     "Expected property name or '}' in JSON at position 1",
     "SyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n"
     "    at parseManifest (file:///tmp/ml/parsers.js:6:15)\n    at Module.loadManifest (file:///tmp/ml/app.js:23:13)\n"
     "    at runs (file:///tmp/ml/main.js:8:15)\n    at file:///tmp/ml/main.js:11:9",
     "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data",
     "parseManifest@file:///tmp/ml/parsers.js:6:15\nloadManifest@file:///tmp/ml/app.js:23:25\nruns<@file:///tmp/ml/main.js:8:15\n"
     "@file:///tmp/ml/main.js:11:9\n"},
};

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

TEST(ModuleLinks, SpecifiersResolveAgainstTheImportersUrlAsInABrowser) {
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js?v=2#x", "./parsers.js"), "https://shop.example/app/parsers.js");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "../lib/a.js?v=3"), "https://shop.example/lib/a.js?v=3");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "../../../x.js"), "https://shop.example/x.js");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "/static/./m.js"), "https://shop.example/static/m.js");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "https://shop.example/a/../b.js"), "https://shop.example/b.js");
  EXPECT_EQ(resolve_module_url("/tmp/ml/app.js", "./parsers.js"), "/tmp/ml/parsers.js") << "jsc's shell prints paths";
  EXPECT_EQ(resolve_module_url("file:///tmp/ml/app.js", "./parsers.js"), "file:///tmp/ml/parsers.js");
  // Not linked: bare specifiers (an import map's), another origin, a scheme-relative URL.
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "lodash"), "");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "https://cdn.example/x.js"), "");
  EXPECT_EQ(resolve_module_url("https://shop.example/app/app.js", "//cdn.example/x.js"), "");
  EXPECT_EQ(resolve_module_url("[native code]", "./x.js"), "");
}

TEST(ModuleLinks, JavaScriptCoreStacksThroughAnImportedTailCallGroupWithV8AndSpiderMonkey) {
  Modules m;
  std::vector<std::string> keys;
  for (const Case& c : kCases) {
    Grouped jsc = group(m, c.type, c.jsc_value, c.jsc);
    Grouped v8 = group(m, c.type, c.v8_value, c.v8);
    Grouped sm = group(m, c.type, c.sm_value, c.sm);
    EXPECT_EQ(reconstructed(jsc), 1u) << c.jsc;
    EXPECT_EQ(jsc.fingerprint, v8.fingerprint) << jsc.parts.dump() << "\n" << v8.parts.dump();
    EXPECT_EQ(sm.fingerprint, v8.fingerprint) << sm.parts.dump() << "\n" << v8.parts.dump();
    EXPECT_TRUE(jsc.confident) << jsc.parts.dump();
    EXPECT_EQ(reconstructed(v8) + reconstructed(sm), 0u);
    // The frame put back is the callee's module's, by the URL the import resolves to.
    for (const Frame& f : jsc.frames)
      if (f.reconstructed) EXPECT_EQ(f.filename, "/tmp/ml/parsers.js");
    keys.push_back(jsc.parts["frame"].dump());
  }
  // parseConfig and parseManifest from one initApp, and parseManifest from loadManifest through
  // the re-export: initApp's two calls are two bugs; the third is parseManifest's, as in V8.
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_EQ(keys[1], keys[5]);
  // Sent stacks are the engine's: nothing put back is sent.
  Grouped jsc = group(m, kCases[0].type, kCases[0].jsc_value, kCases[0].jsc);
  EXPECT_EQ(frames_to_json(jsc.frames).size(), jsc.frames.size() - 1);
}

TEST(ModuleLinks, WithoutTheCalleesTableOrWithAContradictingOneNothingIsLinked) {
  Modules m;
  const Case& c = kCases[0];
  Grouped before = group(m, c.type, c.jsc_value, c.jsc, {"parsers.js"});
  EXPECT_EQ(reconstructed(before), 0u);
  EXPECT_FALSE(before.confident);
  EXPECT_EQ(before.parts["frame"]["rule"], "unconfirmed-builtin-caller");
  // Without parsers.js's table the re-export leads nowhere either.
  EXPECT_EQ(reconstructed(group(m, kCases[5].type, kCases[5].jsc_value, kCases[5].jsc, {"parsers.js"})), 0u);
  EXPECT_EQ(reconstructed(group(m, kCases[5].type, kCases[5].jsc_value, kCases[5].jsc, {"reexport.js"})), 0u);

  // parsers.js's table of other code: parseConfig exported, but it calls a function of the code
  // (still on the stack if it ran): no chain closes at `parse`.
  Modules other;
  other.by_file["parsers.js"] = table_of_code("parsers.js",
                                              "function check(t) { return t.length; }\n"
                                              "export function parseConfig(text) {\n  return check(text);\n}\n");
  EXPECT_EQ(reconstructed(group(other, c.type, c.jsc_value, c.jsc)), 0u);
  // An export of that name missing: nothing.
  other.by_file["parsers.js"] = table_of_code("parsers.js", "export function parseConfigV2(text) {\n  return JSON.parse(text);\n}\n");
  EXPECT_EQ(reconstructed(group(other, c.type, c.jsc_value, c.jsc)), 0u);
  // A frame of parsers.js on the stack that its table contradicts (a frame named `loadB` in no
  // function of that name): that table describes other code, nothing is put back from it.
  Modules stale;
  stale.by_file["parsers.js"] = table_of_code("parsers.js",
                                              "export function parseConfig(text) {\n  return JSON.parse(text);\n}\n"
                                              "export function other(t) {\n  return t.x;\n}\n");
  Grouped g = group(stale, c.type, c.jsc_value,
                    "parse@[native code]\ninitApp@/tmp/ml/app.js:6:29\nloadB@/tmp/ml/parsers.js:5:12\n@/tmp/ml/main.js:3:22");
  EXPECT_EQ(reconstructed(g), 0u);
  EXPECT_EQ(reconstructed(group(stale, c.type, c.jsc_value, c.jsc)), 1u) << "the same table, no frame contradicting it";
  // A bare specifier is never linked, even when a table of that file name exists.
  Modules bare;
  bare.by_file["app.js"] = table_of_code("app.js",
                                         "import { parseConfig } from 'parsers.js';\n\n\n\n"
                                         "export function initApp(configText, manifestText) {\n"
                                         "  const config = parseConfig(configText);\n  return config;\n}\n");
  EXPECT_EQ(reconstructed(group(bare, c.type, c.jsc_value, c.jsc)), 0u);
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

TEST(ModuleLinks, ThePagesCoreLinksIntoATableItHoldsForTheImportedModulesUrl) {
  // The page's core keys its tables by URL (Client::add_symbol_table): the JavaScriptCore frame is
  // linked once the imported module's table is there (fetched or scanned for an earlier error).
  Client c(R"({"aggregation":{"windowMs":0}})");
  auto fingerprint = [&](const std::string& type, const std::string& value, const std::string& stack) {
    json in = {{"exceptions", json::array({json{{"type", type}, {"value", value}, {"stack", stack}}})}};
    return json::parse(c.capture(in.dump()))["fingerprint"].get<std::string>();
  };
  auto http = [](std::string stack) {
    for (size_t at; (at = stack.find("/tmp/ml/")) != std::string::npos;) {
      size_t from = stack.rfind("file://", at) == at - 7 ? at - 7 : at;
      stack.replace(from, at + 8 - from, "https://shop.example/app/");
    }
    return stack;
  };
  const Case& k = kCases[0];
  const std::string jsc = http(k.jsc), v8 = http(k.v8);
  ASSERT_NE(jsc.find("initApp@https://shop.example/app/app.js:6:29"), std::string::npos) << jsc;
  ASSERT_EQ(json::parse(c.add_symbol_table("https://shop.example/app/app.js",
                                           serialize_symbol_table(build_symbol_table_from_code("app.js", kApp))))["ok"], true);
  const std::string unlinked = fingerprint(k.type, k.jsc_value, jsc);
  EXPECT_NE(unlinked, fingerprint(k.type, k.v8_value, v8)) << "no table for parsers.js yet";
  ASSERT_EQ(json::parse(c.add_symbol_table("https://shop.example/app/parsers.js",
                                           serialize_symbol_table(build_symbol_table_from_code("parsers.js", kParsers))))["ok"], true);
  EXPECT_EQ(fingerprint(k.type, k.jsc_value, jsc), fingerprint(k.type, k.v8_value, v8));
  // A table under another directory's parsers.js is not this module's.
  Client other(R"({"aggregation":{"windowMs":0}})");
  ASSERT_EQ(json::parse(other.add_symbol_table("https://shop.example/app/app.js",
                                               serialize_symbol_table(build_symbol_table_from_code("app.js", kApp))))["ok"], true);
  ASSERT_EQ(json::parse(other.add_symbol_table("https://shop.example/lib/parsers.js",
                                               serialize_symbol_table(build_symbol_table_from_code("parsers.js", kParsers))))["ok"], true);
  json in = {{"exceptions", json::array({json{{"type", k.type}, {"value", k.jsc_value}, {"stack", jsc}}})}};
  EXPECT_EQ(json::parse(other.capture(in.dump()))["fingerprint"], unlinked);
}
