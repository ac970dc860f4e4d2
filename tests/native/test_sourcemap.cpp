// Source map v3 decoder, function scopes of generated code and the symbol table built from both.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "js_scopes.h"
#include "sourcemap.h"
#include "symbol_table.h"
#include "symbolicator.h"
#include "client.h"
#include "json.h"

using namespace faultline;

namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(FAULTLINE_FIXTURES_DIR) + "/sourcemaps/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SourceMap parse_ok(const std::string& text) {
  SourceMap map;
  std::string error;
  EXPECT_TRUE(parse_source_map(text, &map, &error)) << error;
  return map;
}

std::string parse_error(const std::string& text) {
  SourceMap map;
  std::string error;
  EXPECT_FALSE(parse_source_map(text, &map, &error));
  EXPECT_TRUE(map.mappings.empty());
  return error;
}

// 0-based (line, column) of the first occurrence of `needle` in `code`, columns in UTF-16 units
// (the fixtures are ASCII).
JsPosition position_of(const std::string& code, const std::string& needle) {
  size_t at = code.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  JsPosition p;
  for (size_t i = 0; i < at; ++i) {
    if (code[i] == '\n') {
      ++p.line;
      p.column = 0;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

TEST(SourceMapVlq, RoundTripsValuesAcrossTheRange) {
  for (int64_t v : {0LL, 1LL, -1LL, 15LL, 16LL, -16LL, 1000LL, -123456LL, 1073741823LL, -1073741823LL}) {
    std::string text;
    vlq_encode(v, &text);
    size_t pos = 0;
    int64_t back = 7;
    ASSERT_TRUE(vlq_decode(text, &pos, &back)) << v;
    EXPECT_EQ(back, v);
    EXPECT_EQ(pos, text.size());
  }
}

TEST(SourceMapVlq, RejectsBadCharactersTruncationAndOverflow) {
  size_t pos = 0;
  int64_t v;
  EXPECT_FALSE(vlq_decode("!", &pos, &v));
  pos = 0;
  EXPECT_FALSE(vlq_decode("g", &pos, &v));  // continuation bit set, then the text ends
  pos = 0;
  EXPECT_FALSE(vlq_decode("gggggggggA", &pos, &v));  // more than 32 bits
}

TEST(SourceMapDecoder, MapsPositionsToSourcesNamesAndOriginalPositions) {
  // Line 0: col 0 -> a.js 0:0; col 4 -> a.js 1:2 name "foo"; line 2: col 1 -> b.js 9:0.
  SourceMap map = parse_ok(
      R"({"version":3,"file":"out.js","sourceRoot":"webpack:///app","sources":["a.js","/abs/b.js",null],
          "names":["foo"],"mappings":"AAAA,IACEA;;CCQF"})");
  ASSERT_EQ(map.sources.size(), 3u);
  EXPECT_EQ(map.sources[0], "webpack:///app/a.js");
  EXPECT_EQ(map.sources[1], "/abs/b.js");  // absolute paths ignore the root
  EXPECT_EQ(map.sources[2], "");
  EXPECT_EQ(map.file, "out.js");
  ASSERT_EQ(map.mappings.size(), 3u);
  const Mapping* m = find_mapping(map, 0, 6);  // greatest lower bound within the line
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->gen_col, 4u);
  EXPECT_EQ(m->orig_line, 1u);
  EXPECT_EQ(m->orig_col, 2u);
  ASSERT_EQ(m->name, 0);
  EXPECT_EQ(map.names[0], "foo");
  m = find_mapping(map, 2, 1);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->source, 1);
  EXPECT_EQ(m->orig_line, 9u);
  EXPECT_EQ(find_mapping(map, 2, 0), nullptr);  // before the line's first mapping
  EXPECT_EQ(find_mapping(map, 1, 50), nullptr);  // a line without mappings never borrows another line's
  EXPECT_NE(find_exact_mapping(map, 0, 4), nullptr);
  EXPECT_EQ(find_exact_mapping(map, 0, 5), nullptr);
}

TEST(SourceMapDecoder, SortsSegmentsThatAreNotInColumnOrder) {
  SourceMap map = parse_ok(R"({"version":3,"sources":["a.js"],"names":[],"mappings":"KAAA,HAAC"})");
  ASSERT_EQ(map.mappings.size(), 2u);
  EXPECT_EQ(map.mappings[0].gen_col, 2u);
  EXPECT_EQ(map.mappings[1].gen_col, 5u);
}

TEST(SourceMapDecoder, MarksSourcesOfBothIgnoreListSpellings) {
  SourceMap map = parse_ok(
      R"({"version":3,"sources":["app.js","node_modules/lib.js","vendor.js"],"names":[],"mappings":"",
          "ignoreList":[1, 99, "x"],"x_google_ignoreList":[2]})");
  EXPECT_EQ(map.ignored, (std::vector<uint8_t>{0, 1, 1}));
}

TEST(SourceMapDecoder, ReadsTheDebugIdInBothSpellings) {
  EXPECT_EQ(parse_ok(R"({"version":3,"sources":[],"mappings":"","debugId":"85314830-023f-4cf1-a267-535f4e37bb17"})").debug_id,
            "85314830-023f-4cf1-a267-535f4e37bb17");
  EXPECT_EQ(parse_ok(R"({"version":3,"sources":[],"mappings":"","debug_id":"abc"})").debug_id, "abc");
}

TEST(SourceMapDecoder, FlattensIndexMapSectionsWithTheirOffsets) {
  SourceMap map = parse_ok(R"({"version":3,"sections":[
      {"offset":{"line":0,"column":10},"map":{"version":3,"sources":["a.js"],"names":["f"],"mappings":"AAAAA;CAAC"}},
      {"offset":{"line":5,"column":0},"map":{"version":3,"sources":["b.js","a.js"],"names":["g","f"],
                                              "mappings":"ACAAC,EDAAD","ignoreList":[0]}}]})");
  EXPECT_EQ(map.sources, (std::vector<std::string>{"a.js", "b.js"}));
  EXPECT_EQ(map.names, (std::vector<std::string>{"f", "g"}));
  EXPECT_EQ(map.ignored, (std::vector<uint8_t>{0, 1}));
  const Mapping* m = find_exact_mapping(map, 0, 10);  // first line: the column offset applies
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(map.names[m->name], "f");
  EXPECT_NE(find_exact_mapping(map, 1, 1), nullptr);  // later lines: only the line offset
  m = find_exact_mapping(map, 5, 0);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(map.sources[m->source], "a.js");  // remapped into the merged sources
  EXPECT_EQ(map.names[m->name], "f");
  m = find_exact_mapping(map, 5, 2);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(map.sources[m->source], "b.js");
  EXPECT_EQ(map.names[m->name], "g");
}

TEST(SourceMapDecoder, RejectsBadInputWithAClearReason) {
  EXPECT_EQ(parse_error("not json"), "not valid JSON");
  EXPECT_EQ(parse_error("[1,2]"), "not a JSON object");
  EXPECT_EQ(parse_error(R"({"version":2,"sources":[],"mappings":""})"), "unsupported source map version (only 3)");
  EXPECT_EQ(parse_error(R"({"version":3,"mappings":""})"), "missing \"sources\" array");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":[]})"), "missing \"mappings\" string");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"mappings":"AA"})"),
            "mappings: segment with 2 fields at generated line 1");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"mappings":";AAAAAA"})"),
            "mappings: segment with more than 5 fields at generated line 2");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"mappings":"ACAA"})"),
            "mappings: source index out of range at generated line 1");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"names":[],"mappings":"AAAAA"})"),
            "mappings: name index out of range at generated line 1");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"mappings":"D"})"),
            "mappings: negative or huge column at generated line 1");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":["a"],"mappings":"A$"})"), "mappings: bad VLQ value at generated line 1");
  EXPECT_EQ(parse_error(R"({"version":3,"sources":[1],"mappings":""})"), "\"sources\" holds a non-string entry");
  EXPECT_EQ(parse_error(R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"sections":[]}}]})"),
            "sections: nested index maps are not allowed");
  EXPECT_EQ(parse_error(R"({"version":3,"sections":[{"offset":{"line":2,"column":0},"map":{"sources":[],"mappings":""}},
                                                      {"offset":{"line":1,"column":0},"map":{"sources":[],"mappings":""}}]})"),
            "sections: offsets are not in order");
  EXPECT_EQ(parse_error(R"({"version":3,"sections":[{"offset":{"line":0,"column":0},"url":"x.map"}]})"),
            "sections: \"url\" sections are not supported");
}

TEST(SourceMapDecoder, SkipsTheXssiGuardLine) {
  EXPECT_EQ(parse_ok(")]}'\n{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA\"}").mappings.size(), 1u);
}

TEST(JsScopes, FindsDeclarationsExpressionsArrowsAndMethodsWithTheirNameTokens) {
  std::string code =
      "function a(b){return b}\n"
      "var c=function(){},d=async(e)=>{e()},f=g=>g+1,h={i:()=>1,j(){},get k(){return 2}};\n"
      "class L{m(){if(x){}}static async*n(){}}\n"
      "o.p=function q(){};arr.map(function(){});";
  auto scopes = scan_function_scopes(code);
  std::vector<std::string> names;
  for (const auto& s : scopes) names.push_back(s.has_name ? s.name_text : "<anon>");
  EXPECT_EQ(names, (std::vector<std::string>{"a", "c", "d", "f", "i", "j", "k", "m", "n", "q", "<anon>"}));
  // Ranges: `function a(b){return b}` is line 0, columns 0..22.
  EXPECT_EQ(scopes[0].start.column, 0u);
  EXPECT_EQ(scopes[0].end.column, 22u);
  // `f=g=>g+1` ends at the `1` before the comma.
  const auto& f = scopes[3];
  EXPECT_EQ(code.substr(code.find('\n') + 1 + f.start.column, 1), "g");
  EXPECT_EQ(code.substr(code.find('\n') + 1 + f.end.column, 1), "1");
}

TEST(JsScopes, NamesAConstructorByItsClassAsEnginesDo) {
  auto scopes = scan_function_scopes("class l extends Error{constructor(r){super(r)}}var o=class{constructor(){}};");
  ASSERT_EQ(scopes.size(), 2u);
  EXPECT_EQ(scopes[0].name_text, "l");
  EXPECT_EQ(scopes[0].name_pos.column, 6u);
  EXPECT_EQ(scopes[1].name_text, "o");
}

TEST(JsScopes, IsNotFooledByBracesInStringsTemplatesRegexesAndComments) {
  std::string code =
      "function a(){var s='}',t=\"{\",u=`}${(()=>'}')()}{`,r=/[}]\\//g;/* } */// }\n"
      "return 1}function b(){}";
  auto scopes = scan_function_scopes(code);
  ASSERT_EQ(scopes.size(), 3u);
  EXPECT_EQ(scopes[0].name_text, "a");
  EXPECT_EQ(scopes[0].end.line, 1u);
  EXPECT_EQ(scopes[0].end.column, 8u);
  EXPECT_FALSE(scopes[1].has_name);  // the arrow inside the template substitution
  EXPECT_EQ(scopes[2].name_text, "b");
  EXPECT_EQ(scopes[2].start.line, 1u);
}

TEST(JsScopes, CountsColumnsInUtf16CodeUnits) {
  // "é" is one UTF-16 unit (2 UTF-8 bytes), "😀" two (4 bytes).
  auto scopes = scan_function_scopes("var s='é😀';function f(){}");
  ASSERT_EQ(scopes.size(), 1u);
  EXPECT_EQ(scopes[0].start.column, 12u);
  EXPECT_EQ(scopes[0].name_pos.column, 21u);
}

TEST(JsScopes, SurvivesUnbalancedAndTruncatedCode) {
  for (const char* code : {"function a(){", "}}}))]]", "function", "x=>", "`${", "'", "/", "a(){", "(((((("}) {
    auto scopes = scan_function_scopes(code);
    for (const auto& s : scopes) EXPECT_TRUE(s.start <= s.end) << code;
  }
}

// The esbuild fixtures: the same app, minified, in two deploys whose minified names and positions differ
// (tests/fixtures/sourcemaps/app/build.mjs).
class EsbuildBundle : public ::testing::TestWithParam<const char*> {};

TEST_P(EsbuildBundle, ResolvesEveryThrowSiteToItsOriginalFunctionAndFile) {
  std::string name = GetParam();
  std::string code = read_fixture(name + ".js");
  SourceMap map = parse_ok(read_fixture(name + ".js.map"));
  SymbolTable table = build_symbol_table(map, code);
  struct Site {
    const char* needle;
    const char* file;
    const char* function;
  } sites[] = {
      {"new RangeError", "src/format.js", "formatPrice"},
      {"new TypeError", "src/format.js", "parseQuantity"},
      {".cart.items", "src/cart.js", "loadCart"},
      {".sku", "src/cart.js", ""},  // the anonymous arrow passed to map()
      {"this.cart.lines", "src/cart.js", "Checkout.total"},  // a class method, with its class (maps: the class token's original name)
      {"new Error(\"unknown", "src/cart.js", "applyDiscount"},
      {".user)", "src/cart.js", "onBuy"},
      {".describe()", "src/cart.js", "onPay"},
      {"onBuy({", "src/main.js", "nullCart"},
      {"[t]()", "src/main.js", "run"},
  };
  for (const Site& site : sites) {
    JsPosition p = position_of(code, site.needle);
    SymbolLookup r = lookup_symbol(table, p.line, p.column);
    EXPECT_TRUE(r.resolved) << site.needle;
    EXPECT_EQ(r.file, site.file) << site.needle;
    EXPECT_EQ(r.function, site.function) << site.needle;
    // The serialized table answers the same.
    SymbolTable back;
    std::string error;
    ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(table), &back, &error)) << error;
    SymbolLookup r2 = lookup_symbol(back, p.line, p.column);
    EXPECT_EQ(r2.file, r.file);
    EXPECT_EQ(r2.function, r.function);
  }
}

INSTANTIATE_TEST_SUITE_P(TwoDeploys, EsbuildBundle, ::testing::Values("shop-a", "shop-b"));

TEST(SymbolTable, IsMuchSmallerThanTheMapAndHoldsNoMappingsOrSource) {
  std::string map_text = read_fixture("shop-a.js.map");
  SymbolTable table = build_symbol_table(parse_ok(map_text), read_fixture("shop-a.js"));
  std::string text = serialize_symbol_table(table);
  EXPECT_LT(text.size(), map_text.size());
  EXPECT_EQ(text.find("mappings"), std::string::npos);
  EXPECT_EQ(text.find("sourcesContent"), std::string::npos);
}

TEST(SymbolTable, UnmappedCodeAndPositionsBeforeAnyMappingAreUnresolved) {
  // Line 0 is an injected snippet without mappings; line 1 maps to a.js.
  SourceMap map = parse_ok(R"({"version":3,"sources":["a.js"],"names":["realName"],"mappings":"A;AAAA,SAASA"})");
  SymbolTable table = build_symbol_table(map, "!function(){x()}();\nfunction b(){throw 1}");
  EXPECT_FALSE(lookup_symbol(table, 0, 12).resolved);
  SymbolLookup r = lookup_symbol(table, 1, 14);
  EXPECT_TRUE(r.resolved);
  EXPECT_EQ(r.file, "a.js");
  EXPECT_EQ(r.function, "realName");
}

TEST(SymbolTable, MarksFramesInIgnoredSources) {
  SourceMap map = parse_ok(R"({"version":3,"sources":["app.js","node_modules/lib.js"],"names":[],
                               "mappings":"AAAA,KCAA","ignoreList":[1]})");
  SymbolTable table = build_symbol_table(map, "xxxxxyyyyy");
  EXPECT_FALSE(lookup_symbol(table, 0, 2).ignored);
  EXPECT_TRUE(lookup_symbol(table, 0, 7).ignored);
  SymbolTable back;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(table), &back, &error)) << error;
  EXPECT_TRUE(lookup_symbol(back, 0, 7).ignored);
}

TEST(SymbolTable, RejectsMalformedTablesWithAClearReason) {
  SymbolTable t;
  std::string error;
  EXPECT_FALSE(parse_symbol_table("nope", &t, &error));
  EXPECT_EQ(error, "symbol table: not a JSON object");
  EXPECT_FALSE(parse_symbol_table(R"({"faultline_symbols":4})", &t, &error));
  EXPECT_EQ(error, "symbol table: not a version 1, 2 or 3 faultline symbol table");
  // A name index beyond "names".
  EXPECT_FALSE(parse_symbol_table(
      R"({"faultline_symbols":1,"sources":["a"],"names":[],"files":"","functions":"AAAACA"})", &t, &error));
  EXPECT_EQ(error, "symbol table: malformed or out-of-order ranges");
  // Functions out of order.
  EXPECT_FALSE(parse_symbol_table(
      R"({"faultline_symbols":1,"sources":[],"names":[],"files":"","functions":"AKAAAAAFAAAA"})", &t, &error));
}

// --- the collector's resolution ------------------------------------------------------------

TEST(SourceMapSourceOrder, NamesTheMergedSourceOfEverySourcesEntryInDocumentOrder) {
  EXPECT_EQ(parse_ok(R"({"version":3,"sources":["a.js","b.js","a.js"],"mappings":""})").source_order,
            (std::vector<int32_t>{0, 1, 2}));  // a regular map keeps its entries, duplicates too
  SourceMap map = parse_ok(R"({"version":3,"sections":[
      {"offset":{"line":0,"column":0},"map":{"version":3,"sources":["a.js"],"mappings":"AAAA"}},
      {"offset":{"line":3,"column":0},"map":{"version":3,"sources":["b.js","a.js"],"mappings":"AAAA"}}]})");
  EXPECT_EQ(map.sources, (std::vector<std::string>{"a.js", "b.js"}));
  EXPECT_EQ(map.source_order, (std::vector<int32_t>{0, 1, 0}));  // the second section's a.js is merged
}

TEST(SymbolicatorPositions, ResolvesFramesOfABundleToOriginalFunctionFileAndPosition) {
  std::string code = read_fixture("shop-a.js");
  std::string map_text = read_fixture("shop-a.js.map");
  Symbolicator sym;
  json loaded = json::parse(sym.load("b1", map_text, code));
  ASSERT_TRUE(loaded.value("ok", false)) << loaded.dump();
  EXPECT_GT(loaded.value("memory", 0), 0);
  EXPECT_EQ(loaded["source_order"], json::array({0, 1, 2}));
  JsPosition p = position_of(code, "new RangeError");
  json req = {{"frames", json::array({json{{"lineno", p.line + 1}, {"colno", p.column + 1}},
                                      json{{"lineno", 1}}, json("garbage"), json{{"lineno", 900}, {"colno", 1}},
                                      json{{"lineno", 1}, {"colno", 1e12}}})}};
  json out = json::parse(sym.resolve_positions("b1", req.dump()));
  ASSERT_EQ(out["frames"].size(), 5u);
  const json& f = out["frames"][0];
  EXPECT_EQ(f["resolved"], true);
  EXPECT_EQ(f["filename"], "src/format.js");
  EXPECT_EQ(f["source"], 0);
  EXPECT_EQ(f["function"], "formatPrice");
  EXPECT_EQ(f["in_app"], true);
  // The original line is the one of the throw in the source the bundle was built from.
  std::istringstream lines(read_fixture("app/src/format.js"));
  std::string line;
  for (int i = 0; i < f["lineno"].get<int>(); ++i) std::getline(lines, line);
  EXPECT_NE(line.find("new RangeError"), std::string::npos) << line;
  // No column, not an object, no such line, a column out of range: unresolved, not an error.
  for (size_t i = 1; i < 5; ++i) EXPECT_EQ(out["frames"][i]["resolved"], false) << i;
  // Unknown keys and bad requests are errors, not crashes; unload frees the key.
  EXPECT_TRUE(json::parse(sym.resolve_positions("nope", req.dump())).contains("error"));
  EXPECT_TRUE(json::parse(sym.resolve_positions("b1", "[1]")).contains("error"));
  EXPECT_TRUE(sym.unload("b1"));
  EXPECT_FALSE(sym.has("b1"));
  EXPECT_FALSE(sym.unload("b1"));
  // Without the generated code the function is unknown (null), the position still resolves.
  ASSERT_TRUE(json::parse(sym.load("b2", map_text, "")).value("ok", false));
  json f2 = json::parse(sym.resolve_positions("b2", req.dump()))["frames"][0];
  EXPECT_EQ(f2["filename"], "src/format.js");
  EXPECT_TRUE(f2["function"].is_null());
}

// The page's path: the SDK hands a bundle's table to the core (Client::add_symbol_table), which
// resolves that bundle's frames before grouping. Two deploys of one bug (names and columns differ)
// group as one, the event's frames carry the original names (the minified one as raw_function), and
// the files' debug IDs the SDK passes become debug_meta.images.
namespace {
// A V8 stack whose innermost frame is at `needle` in the bundle (minified name as engines print it).
std::string v8_stack_at(const std::string& code, const std::string& url, const char* message, const char* needle) {
  JsPosition p = position_of(code, needle);
  return std::string("Error: ") + message + "\n    at u (" + url + ":" + std::to_string(p.line + 1) + ":" +
         std::to_string(p.column + 1) + ")\n    at " + url + ":1:9";
}
json capture_event(Client& c, const std::string& stack, const std::string& url, const std::string& debug_id) {
  json in = {{"exceptions", json::array({json{{"type", "Error"}, {"value", "unknown discount SPRING"}, {"stack", stack}}})},
             {"debugIds", json{{url, debug_id}}}};
  json r = json::parse(c.capture(in.dump()));
  EXPECT_EQ(r["status"], "queued") << r.dump();
  json d = json::parse(c.drain(0, true, 1));
  std::string body = d["envelopes"][0]["body"].get<std::string>();
  return json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
}
}  // namespace

TEST(ClientSymbolTables, TwoDeploysOfOneBugGroupAsOneWithOriginalNamesAndDebugMeta) {
  const std::string url_a = "https://shop.example/assets/shop-a.js", url_b = "https://shop.example/assets/shop-b.js";
  Client c(R"({"dsn":"https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1","grouping":"auto","aggregation":{"windowMs":0}})");
  for (const auto& [url, name] : {std::pair{url_a, "shop-a"}, std::pair{url_b, "shop-b"}}) {
    std::string table = serialize_symbol_table(build_symbol_table(parse_ok(read_fixture(std::string(name) + ".js.map")),
                                                                  read_fixture(std::string(name) + ".js")));
    json r = json::parse(c.add_symbol_table(url, table));
    ASSERT_EQ(r["ok"], true) << r.dump();
    EXPECT_GT(r["functions"].get<int>(), 5);
  }
  const std::string code_a = read_fixture("shop-a.js"), code_b = read_fixture("shop-b.js");
  ASSERT_NE(position_of(code_a, "new Error(\"unknown").column, position_of(code_b, "new Error(\"unknown").column)
      << "the fixture's deploys must differ in position";
  json a = capture_event(c, v8_stack_at(code_a, url_a, "unknown discount SPRING", "new Error(\"unknown"), url_a, "a0a0a0a0-1111-4222-8333-444455556666");
  json b = capture_event(c, v8_stack_at(code_b, url_b, "unknown discount SPRING", "new Error(\"unknown"), url_b, "b0b0b0b0-1111-4222-8333-444455556666");
  EXPECT_EQ(a["contexts"]["faultline"]["fingerprint"], b["contexts"]["faultline"]["fingerprint"]);
  EXPECT_TRUE(a.contains("fingerprint")) << "resolved to a named function: confident, sent in auto mode";
  EXPECT_EQ(a["fingerprint"], b["fingerprint"]);
  json top = a["exception"]["values"][0]["stacktrace"]["frames"].back();
  EXPECT_EQ(top["function"], "applyDiscount");
  EXPECT_EQ(top["raw_function"], "u");
  EXPECT_EQ(top["abs_path"], url_a) << "the minified location stays for Sentry's own source-map processing";
  EXPECT_EQ(a["debug_meta"], json::parse(R"({"images":[{"type":"sourcemap","code_file":"https://shop.example/assets/shop-a.js","debug_id":"a0a0a0a0-1111-4222-8333-444455556666"}]})"));
  EXPECT_EQ(b["debug_meta"]["images"][0]["code_file"], url_b);
}

TEST(ClientSymbolTables, WithoutATableTheMinifiedFrameIsDeployScopedAndNotSent) {
  const std::string url_a = "https://shop.example/assets/shop-a.js", url_b = "https://shop.example/assets/shop-b.js";
  Client c(R"({"dsn":"https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1","grouping":"auto","aggregation":{"windowMs":0}})");
  // A table of another bundle does not resolve these frames.
  std::string table = serialize_symbol_table(build_symbol_table(parse_ok(read_fixture("shop-a.js.map")), read_fixture("shop-a.js")));
  ASSERT_EQ(json::parse(c.add_symbol_table("https://elsewhere.example/x.js", table))["ok"], true);
  json a = capture_event(c, v8_stack_at(read_fixture("shop-a.js"), url_a, "unknown discount SPRING", "new Error(\"unknown"), url_a, "");
  json b = capture_event(c, v8_stack_at(read_fixture("shop-b.js"), url_b, "unknown discount SPRING", "new Error(\"unknown"), url_b, "");
  EXPECT_NE(a["contexts"]["faultline"]["fingerprint"], b["contexts"]["faultline"]["fingerprint"]);
  EXPECT_FALSE(a.contains("fingerprint"));
  EXPECT_EQ(a["exception"]["values"][0]["stacktrace"]["frames"].back()["function"], "u");
  EXPECT_FALSE(a["exception"]["values"][0]["stacktrace"]["frames"].back().contains("raw_function"));
  EXPECT_FALSE(a.contains("debug_meta")) << "an empty debug id is no image";
}

TEST(ClientSymbolTables, AddingATableRegroupsTextsSeenBeforeAndBadTablesAreRefused) {
  const std::string url = "https://shop.example/assets/shop-a.js", code = read_fixture("shop-a.js");
  Client c(R"({"aggregation":{"windowMs":0}})");
  const std::string stack = v8_stack_at(code, url, "unknown discount SPRING", "new Error(\"unknown");
  json in = {{"exceptions", json::array({json{{"type", "Error"}, {"value", "unknown discount SPRING"}, {"stack", stack}}})},
             {"symbols", json{{url, "timeout"}}}};
  json before = json::parse(c.capture(in.dump()));
  json ev = [&] {
    json d = json::parse(c.drain(0, true, 1));
    std::string body = d["envelopes"][0]["body"].get<std::string>();
    return json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
  }();
  EXPECT_EQ(ev["contexts"]["faultline"]["symbol_tables"][url], "timeout") << "the event says why it is unresolved";
  for (const char* bad : {"", "{}", "[1]", R"({"faultline_symbols":2})",
                          R"({"faultline_symbols":1,"sources":["a"],"names":[],"files":"A!","functions":""})",
                          R"({"faultline_symbols":1,"sources":[],"names":[],"files":"AAC","functions":""})"}) {
    json r = json::parse(c.add_symbol_table(url, bad));
    EXPECT_EQ(r["ok"], false) << bad;
    EXPECT_TRUE(r["error"].is_string());
  }
  EXPECT_EQ(json::parse(c.add_symbol_table("", "{}"))["ok"], false);
  json after_bad = json::parse(c.capture(in.dump()));
  EXPECT_EQ(after_bad["fingerprint"], before["fingerprint"]) << "refused tables change nothing";
  std::string table = serialize_symbol_table(build_symbol_table(parse_ok(read_fixture("shop-a.js.map")), code));
  ASSERT_EQ(json::parse(c.add_symbol_table(url, table))["ok"], true);
  json after = json::parse(c.capture(in.dump()));
  EXPECT_NE(after["fingerprint"], before["fingerprint"]) << "the cached grouping of these texts was dropped";
  EXPECT_EQ(json::parse(c.stats())["symbol_tables"], 1);
}

TEST(ClientSymbolTables, ResolvedFramesAreClassifiedByTheirOriginalFileAndTheIgnoreList) {
  // One bundle holding the app (src/app.js), a dependency (node_modules/) and an ignore-listed source.
  SymbolTable t;
  t.sources = {"src/app.js", "node_modules/lib/x.js", "vendor/ignored.js"};
  t.ignored = {0, 0, 1};
  t.names = {"appFn", "libFn", "ignFn"};
  t.files = {{JsPosition{0, 0}, 0}, {JsPosition{0, 100}, 1}, {JsPosition{0, 200}, 2}};
  t.functions = {{JsPosition{0, 0}, JsPosition{0, 99}, 0, 0, -1},
                 {JsPosition{0, 100}, JsPosition{0, 199}, 1, 1, -1},
                 {JsPosition{0, 200}, JsPosition{0, 300}, 2, 2, -1}};
  const std::string url = "https://shop.example/assets/index-Ab12Cd34.js";
  Client c(R"({"aggregation":{"windowMs":0}})");
  ASSERT_EQ(json::parse(c.add_symbol_table(url, serialize_symbol_table(t)))["ok"], true);
  // Innermost first: the ignore-listed source, the dependency, then the app.
  const std::string stack = "TypeError: x is undefined\n    at c (" + url + ":1:251)\n    at b (" + url + ":1:151)\n    at a (" + url + ":1:51)";
  json in = {{"exceptions", json::array({json{{"type", "TypeError"}, {"value", "x is undefined"}, {"stack", stack}}})}};
  ASSERT_EQ(json::parse(c.capture(in.dump()))["status"], "queued");
  std::string body = json::parse(c.drain(0, true, 1))["envelopes"][0]["body"].get<std::string>();
  json ev = json::parse(body.substr(body.rfind('\n', body.size() - 2) + 1));
  json frames = ev["exception"]["values"][0]["stacktrace"]["frames"];
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0]["function"], "appFn");
  EXPECT_EQ(frames[0]["in_app"], true);
  EXPECT_EQ(frames[1]["function"], "libFn");
  EXPECT_EQ(frames[1]["in_app"], false) << "a dependency inside the app's bundle";
  EXPECT_EQ(frames[2]["function"], "ignFn");
  EXPECT_EQ(frames[2]["in_app"], false) << "the map's ignore list";
  EXPECT_NE(ev["contexts"]["faultline"]["grouping"].dump().find("appFn"), std::string::npos)
      << "the throw site is the app's frame: " << ev["contexts"]["faultline"]["grouping"].dump();
}
