// Every call site of the code (js_scopes.h JsCallGraph::call_positions), the symbol table's
// "sites" (symbol_table.h) and the key they give a JavaScriptCore frame that no table confirms as
// the caller of the built-in just inside it: its function and which call site of that function's
// own body it is (Frame::call_site, throw_site). Stacks are as captured on this machine
// (2026-12-02) with `jsc -m app.mjs` from the code shown (the file renamed app.mjs).
#include <gtest/gtest.h>

#include <algorithm>

#include "grouping.h"
#include "js_scopes.h"
#include "stack_parser.h"
#include "symbol_table.h"

using namespace faultline;

namespace {

// 1-based "line:col" of each recorded call position, as JavaScriptCore prints a frame there.
std::vector<std::string> positions(const JsCallGraph& g) {
  std::vector<std::string> out;
  for (const JsPosition& p : g.call_positions) out.push_back(std::to_string(p.line + 1) + ":" + std::to_string(p.column + 1));
  return out;
}

SymbolTable through_text(const SymbolTable& built) {
  SymbolTable parsed;
  std::string error;
  EXPECT_TRUE(parse_symbol_table(serialize_symbol_table(built), &parsed, &error)) << error;
  return parsed;
}

struct Grouped {
  std::string fingerprint;
  bool confident = false;
  json parts;
};

Grouped group(const std::string& stack, const SymbolTable* table) {
  ExceptionInput x;
  x.type = "SyntaxError";
  x.value = "JSON Parse error: Expected '}'";
  x.frames = parse_stack(stack, x.value).frames;
  resolve_and_classify(x.frames, [&](const Frame&) { return table; }, GroupingOptions{});
  GroupingResult g = compute_grouping({x}, GroupingOptions{});
  return {g.fingerprint, g.confident, g.parts};
}

// A router: parseBody and parseQuery end in `return JSON.parse(text)` (proper tail calls in
// JavaScriptCore, so they are missing from its stacks); dispatch calls a route's handler twice
// through a member several functions can be, run through a parameter. Deploy B adds code before
// them and a statement without a call in dispatch: every line moves.
const char* kDeployA =
    "'use strict';\n"
    "function parseBody(text) { return JSON.parse(text); }\n"
    "function parseQuery(text) { return JSON.parse(text); }\n"
    "const routes = { body: { handler: parseBody }, query: { handler: parseQuery } };\n"
    "function dispatch(kind, head, body) {\n"
    "  const W = routes[kind];\n"
    "  const h = W.handler(head);\n"
    "  const b = W.handler(body);\n"
    "  return [h, b];\n"
    "}\n"
    "function run(r, text) {\n"
    "  const v = r(text);\n"
    "  return v;\n"
    "}\n"
    "for (const [k, h, b] of [['body', '{x', '{}'], ['query', '{}', '{y']]) {\n"
    "  try { dispatch(k, h, b); } catch (e) { print(e.stack + '\\n'); }\n"
    "}\n"
    "try { run(parseQuery, '{z'); } catch (e) { print(e.stack + '\\n'); }\n";
const char* kDeployB =
    "'use strict';\n"
    "// release 2: a banner, a helper, and a log line in dispatch (no call)\n"
    "const BANNER = 'v2';\n"
    "function version() { return BANNER; }\n"
    "\n"
    "function parseBody(text) { return JSON.parse(text); }\n"
    "function parseQuery(text) { return JSON.parse(text); }\n"
    "const routes = { body: { handler: parseBody }, query: { handler: parseQuery } };\n"
    "function dispatch(kind, head, body) {\n"
    "  const W = routes[kind];\n"
    "  const started = 1;\n"
    "  const h = W.handler(head);\n"
    "  const b = W.handler(body);\n"
    "  return [h, b, started];\n"
    "}\n"
    "function run(r, text) {\n"
    "  const v = r(text);\n"
    "  return v;\n"
    "}\n"
    "for (const [k, h, b] of [['body', '{x', '{}'], ['query', '{}', '{y']]) {\n"
    "  try { dispatch(k, h, b); } catch (e) { print(e.stack + '\\n'); }\n"
    "}\n"
    "try { run(parseQuery, '{z'); } catch (e) { print(e.stack + '\\n'); }\n";

// jsc -m, deploy A then B: the first handler call, the second, the parameter's call.
const char* kHeadA = "parse@[native code]\ndispatch@/tmp/calls/app.mjs:7:22\nmodule code@/tmp/calls/app.mjs:16:17";
const char* kBodyA = "parse@[native code]\ndispatch@/tmp/calls/app.mjs:8:22\nmodule code@/tmp/calls/app.mjs:16:17";
const char* kRunA = "parse@[native code]\nrun@/tmp/calls/app.mjs:12:14\nmodule code@/tmp/calls/app.mjs:18:10";
const char* kHeadB = "parse@[native code]\ndispatch@/tmp/calls/app.mjs:12:22\nmodule code@/tmp/calls/app.mjs:21:17";
const char* kBodyB = "parse@[native code]\ndispatch@/tmp/calls/app.mjs:13:22\nmodule code@/tmp/calls/app.mjs:21:17";
const char* kRunB = "parse@[native code]\nrun@/tmp/calls/app.mjs:17:14\nmodule code@/tmp/calls/app.mjs:23:10";

}  // namespace

TEST(CallSites, EveryCallIsRecordedWhereJavaScriptCorePutsTheFrameExecutingIt) {
  // jsc prints a caller's frame just after its callee: `W.handler(` at 7:22 (d1 below at 3:42 for
  // `.call(`, d2 at 4:55 after `]`, d3 at 5:42 after `)`, d4 at 6:32 for `mk()(`: jsc -m,
  // 2026-12-02, each callee ending in `return JSON.parse(t)`).
  JsCallGraph a = scan_call_graph(kDeployA);
  std::vector<std::string> p = positions(a);
  for (const char* at : {"7:22", "8:22", "12:14", "16:17", "18:10"})
    EXPECT_NE(std::find(p.begin(), p.end(), at), p.end()) << at;
  // `function dispatch(`, `for (`, `catch (`: not calls.
  for (const char* at : {"5:18", "15:5", "16:36"}) EXPECT_EQ(std::find(p.begin(), p.end(), at), p.end()) << at;

  const char* kForms =
      "'use strict';\n"
      "const W = { handler: (t) => JSON.parse(t) };\n"
      "function d1(t) { const b = W.handler.call(null, t); return b; }\n"
      "function d2(t) { const f = [W.handler]; const b = f[0](t); return b; }\n"
      "function d3(t) { const b = (0, W.handler)(t); return b; }\n"
      "function d4(t) { const b = mk()(t); return b; }\n"
      "function mk() { return W.handler; }\n"
      "class A extends Object { constructor() { super(); } get x() { return 1; } m(v) { if (v) (v)(1); return new Map(); } }\n"
      "const it = { [Symbol.iterator]() { return [][Symbol.iterator](); } };\n";
  std::vector<std::string> forms = positions(scan_call_graph(kForms));
  for (const char* at : {"2:39", "3:42", "4:55", "5:42", "6:30", "6:32", "8:47", "8:92", "8:111", "9:62"})
    EXPECT_NE(std::find(forms.begin(), forms.end(), at), forms.end()) << at;
  // The method definitions `constructor(`, `get x(`, `m(`; `if (` and the statement after it.
  for (const char* at : {"8:37", "8:58", "8:76", "8:85", "8:89", "9:31"}) EXPECT_EQ(std::find(forms.begin(), forms.end(), at), forms.end()) << at;
  EXPECT_TRUE(std::is_sorted(a.call_positions.begin(), a.call_positions.end()));
}

TEST(CallSites, TheTableKeepsTheCallsNoOtherListHoldsAndCountsEachFunctionsOwnCalls) {
  SymbolTable t = through_text(build_symbol_table_from_code("app.mjs", kDeployA));
  ASSERT_FALSE(t.sites.empty());
  // `JSON.parse(` (in named_calls) is not repeated in sites; `W.handler(` is there.
  auto in_sites = [&](uint32_t line, uint32_t col) {
    return std::find_if(t.sites.begin(), t.sites.end(), [&](const JsPosition& p) { return p.line == line - 1 && p.column == col - 1; }) !=
           t.sites.end();
  };
  EXPECT_TRUE(in_sites(7, 22));
  EXPECT_FALSE(in_sites(2, 45)) << "JSON.parse( is a named call";
  EXPECT_EQ(named_call_at(t, 1, 44), "parse");
  auto ordinal = [&](uint32_t line, uint32_t col) {
    int32_t f = lookup_symbol(t, line - 1, col - 1).function_index;
    return call_site_ordinal(t, f, line - 1, col - 1);
  };
  EXPECT_EQ(ordinal(7, 22), 0);
  EXPECT_EQ(ordinal(8, 22), 1);
  EXPECT_EQ(ordinal(12, 14), 0);
  EXPECT_EQ(ordinal(7, 23), -1) << "no call there";
  EXPECT_EQ(ordinal(2, 45), 0) << "parseBody's JSON.parse(, counted from named_calls";
  // Not in the function given: -1.
  EXPECT_EQ(call_site_ordinal(t, lookup_symbol(t, 11, 13).function_index, 6, 21), -1);
  // A nested function's calls are its own: `outer`'s second call is #1, whatever the arrow holds.
  SymbolTable n = through_text(build_symbol_table_from_code(
      "n.mjs", "function outer(xs, g) {\n  const a = g(xs);\n  const f = (y) => { g(y); g(y); return g(y); };\n  const b = g(a);\n  return [f, b];\n}\n"));
  EXPECT_EQ(call_site_ordinal(n, lookup_symbol(n, 3, 13).function_index, 3, 13), 1);
  EXPECT_EQ(call_site_ordinal(n, lookup_symbol(n, 2, 22).function_index, 2, 22), 0);
  EXPECT_EQ(call_site_ordinal(n, lookup_symbol(n, 2, 28).function_index, 2, 28), 1);
}

TEST(CallSites, SitesRoundTripAndMalformedSitesAreRefused) {
  SymbolTable built = build_symbol_table_from_code("app.mjs", kDeployA);
  SymbolTable back = through_text(built);
  ASSERT_EQ(back.sites.size(), built.sites.size());
  for (size_t i = 0; i < built.sites.size(); ++i) {
    EXPECT_EQ(back.sites[i].line, built.sites[i].line);
    EXPECT_EQ(back.sites[i].column, built.sites[i].column);
  }
  EXPECT_EQ(serialize_symbol_table(back), serialize_symbol_table(built));
  SymbolTable t;
  std::string error;
  const std::string head = R"({"faultline_symbols":2,"sources":["a"],"names":[],"files":"AAC","functions":"AACAAC","calls":"","tails":"")";
  EXPECT_TRUE(parse_symbol_table(head + R"(,"sites":"AEAC"})", &t, &error)) << error;
  EXPECT_EQ(t.sites.size(), 2u);
  // Not a string, not VLQ, out of order, repeated, a negative line.
  for (const char* bad : {R"(,"sites":5})", R"(,"sites":"A!"})", R"(,"sites":"AEAD"})", R"(,"sites":"AEAA"})", R"(,"sites":"DA"})",
                          R"(,"sites":"A"})"}) {
    error.clear();
    EXPECT_FALSE(parse_symbol_table(head + bad, &t, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
    EXPECT_TRUE(t.sites.empty() && t.functions.empty()) << bad;
  }
  // An older table (no "sites"): no ordinal, so grouping keeps the deploy-scoped key.
  ASSERT_TRUE(parse_symbol_table(head + "}", &t, &error));
  EXPECT_EQ(call_site_ordinal(t, 0, 0, 0), -1);
}

TEST(CallSites, AnUnconfirmedJavaScriptCoreCallerKeepsItsKeyAcrossDeploysByItsFunctionAndCallSite) {
  SymbolTable a = through_text(build_symbol_table_from_code("app.mjs", kDeployA));
  SymbolTable b = through_text(build_symbol_table_from_code("app.mjs", kDeployB));
  Grouped head_a = group(kHeadA, &a), body_a = group(kBodyA, &a), run_a = group(kRunA, &a);
  Grouped head_b = group(kHeadB, &b), body_b = group(kBodyB, &b), run_b = group(kRunB, &b);
  EXPECT_EQ(head_a.parts["frame"]["rule"], "unconfirmed-builtin-caller") << head_a.parts.dump();
  EXPECT_EQ(head_a.parts["frame"]["frame"], "app.mjs:dispatch#call0") << head_a.parts.dump();
  EXPECT_EQ(body_a.parts["frame"]["frame"], "app.mjs:dispatch#call1") << body_a.parts.dump();
  EXPECT_EQ(run_a.parts["frame"]["frame"], "app.mjs:run#call0") << run_a.parts.dump();
  // Every line moved in deploy B: the same call sites keep their keys.
  EXPECT_EQ(head_b.fingerprint, head_a.fingerprint) << head_b.parts.dump();
  EXPECT_EQ(body_b.fingerprint, body_a.fingerprint) << body_b.parts.dump();
  EXPECT_EQ(run_b.fingerprint, run_a.fingerprint) << run_b.parts.dump();
  // Two call sites of one function stay two keys; none is confident (one call site can reach
  // several functions a proper tail call elided: parseBody and parseQuery here).
  EXPECT_NE(head_a.fingerprint, body_a.fingerprint);
  EXPECT_NE(head_a.fingerprint, run_a.fingerprint);
  for (const Grouped* g : {&head_a, &body_a, &run_a, &head_b, &body_b, &run_b}) EXPECT_FALSE(g->confident) << g->parts.dump();
  // Without a table: the position in this deploy, as before.
  Grouped plain_a = group(kHeadA, nullptr), plain_b = group(kHeadB, nullptr);
  EXPECT_EQ(plain_a.parts["frame"]["frame"], "@/tmp/calls/app.mjs:7:22");
  EXPECT_NE(plain_a.fingerprint, plain_b.fingerprint);
  // A table of other code (no call at the frame's position): the position, never a guess.
  SymbolTable other = through_text(build_symbol_table_from_code("app.mjs", "'use strict';\nfunction dispatch() {\n  return 1;\n}\n"));
  EXPECT_EQ(group(kHeadA, &other).parts["frame"]["frame"], "@/tmp/calls/app.mjs:7:22");
  // A call of a function of the code without tail calls is not counted (its frame would be on the
  // stack): adding one before it keeps the key.
  std::string c = kDeployB;
  c.replace(c.find("  const started = 1;"), 20, "  const started = 1; version();");
  SymbolTable kept = through_text(build_symbol_table_from_code("app.mjs", c));
  EXPECT_EQ(group(kHeadB, &kept).fingerprint, head_a.fingerprint);
  // Any other call added before it in the function moves the ordinal: a new key (a split, not a
  // merge).
  c.replace(c.find("version();"), 10, "version(); W.touch(kind);");
  SymbolTable moved = through_text(build_symbol_table_from_code("app.mjs", c));
  Grouped head_moved = group(kHeadB, &moved);
  EXPECT_EQ(head_moved.parts["frame"]["frame"], "app.mjs:dispatch#call1") << head_moved.parts.dump();
}

TEST(CallSites, FunctionsOfOneNameAreToldApartInTheKey) {
  // Two functions named `handle` (methods of two objects) with a call through a parameter each:
  // `handle~0#call0` and `handle~1#call0`, never one key.
  const char* code =
      "'use strict';\n"
      "const a = { handle(f, t) { const v = f(t); return v; } };\n"
      "const b = { handle(f, t) { const v = f(t); return v; } };\n";
  SymbolTable t = through_text(build_symbol_table_from_code("app.mjs", code));
  Grouped ga = group("parse@[native code]\nhandle@/tmp/calls/app.mjs:2:39\nmodule code@/tmp/calls/app.mjs:9:1", &t);
  Grouped gb = group("parse@[native code]\nhandle@/tmp/calls/app.mjs:3:39\nmodule code@/tmp/calls/app.mjs:9:1", &t);
  EXPECT_EQ(ga.parts["frame"]["frame"], "app.mjs:handle~0#call0") << ga.parts.dump();
  EXPECT_EQ(gb.parts["frame"]["frame"], "app.mjs:handle~1#call0") << gb.parts.dump();
  EXPECT_NE(ga.fingerprint, gb.fingerprint);
}

TEST(CallSites, AMapsSourceIsNamedInTheKeyAsEveryResolvedFrameIsSoABuildDirectoryDoesNotSplitIt) {
  // A map's sources name where the build read them, which may change with each build
  // (`../build-1234/src/app.mjs` in a fresh CI directory): the key names the source as resolved
  // frames' keys do (normalize_file), so the call site keeps its key across such deploys.
  auto mapped = [](const char* code, const char* source) {
    SymbolTable t = through_text(build_symbol_table_from_code("app.mjs", code));
    t.sources = {source};
    t.ignored = {0};
    t.files = {SymbolTable::FileRun{{0, 0}, 0}};
    for (auto& f : t.functions) f.source = 0;
    return t;
  };
  SymbolTable a = mapped(kDeployA, "../build-a1/src/app.mjs"), b = mapped(kDeployB, "../build-b2/src/app.mjs");
  Grouped head_a = group(kHeadA, &a), head_b = group(kHeadB, &b);
  EXPECT_EQ(head_a.parts["frame"]["frame"], "app.mjs:dispatch#call0") << head_a.parts.dump();
  EXPECT_EQ(head_b.fingerprint, head_a.fingerprint) << head_b.parts.dump();
}
