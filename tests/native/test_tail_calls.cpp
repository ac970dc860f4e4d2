// JavaScriptCore's proper tail calls: the call graph the scanner reads from the code
// (js_scopes.h), the table's `calls`/`tails` (symbol_table.h) and the frames grouping puts back
// (reconstruct_tail_calls, grouping.h). Stacks are as captured on this machine from jsc
// (JavaScriptCore), node (V8) and gjs (SpiderMonkey) running the same code.
#include <gtest/gtest.h>

#include <algorithm>

#include "grouping.h"
#include "js_scopes.h"
#include "stack_parser.h"
#include "symbol_table.h"

using namespace faultline;

namespace {

// Index of the scope named `name` (generated name), -1 if none.
int32_t scope_named(const JsCallGraph& g, const std::string& name, size_t nth = 0) {
  for (size_t i = 0; i < g.scopes.size(); ++i)
    if (g.scopes[i].name_text == name && nth-- == 0) return static_cast<int32_t>(i);
  return -1;
}
// The callee recorded for a call at 1-based line:col (as JavaScriptCore prints it), -1 if none.
int32_t callee_at(const JsCallGraph& g, uint32_t line, uint32_t col) {
  for (const CallSite& c : g.calls)
    if (c.pos.line == line - 1 && c.pos.column == col - 1) return c.callee;
  return -1;
}
std::vector<std::string> tail_names(const JsCallGraph& g, int32_t f) {
  std::vector<std::string> out;
  for (const CallTarget& t : g.tails[static_cast<size_t>(f)])
    out.push_back(t.function >= 0 ? "#" + g.scopes[static_cast<size_t>(t.function)].name_text : t.known() ? t.name : "?");
  return out;
}

// The strict script of the issue, run by jsc, node and gjs on this machine.
const char* kPtcScript =
    "\"use strict\";\n"
    "function parseConfig(t) { return JSON.parse(t); }\n"
    "function parseManifest(t) { return JSON.parse(t); }\n"
    "function initApp(a) {\n"
    "  const x = 1;   const r = a ? parseConfig(\"{bad\") : parseManifest(\"{bad\");\n"
    "  return r;\n"
    "}\n"
    "function cbUser(list) { return list.map(function (v) { return v.x.y; }); }\n"
    "function outer() { const z = cbUser([{}]); return z; }\n";

}  // namespace

TEST(TailCalls, CallSitesSitWhereJavaScriptCorePutsACallersFrame) {
  JsCallGraph g = scan_call_graph(kPtcScript);
  // jsc: `initApp@ptc.js:5:43` and `5:67` (the `(` after each callee), `outer@ptc.js:9:36`.
  EXPECT_EQ(callee_at(g, 5, 43), scope_named(g, "parseConfig"));
  EXPECT_EQ(callee_at(g, 5, 67), scope_named(g, "parseManifest"));
  EXPECT_EQ(callee_at(g, 9, 36), scope_named(g, "cbUser"));
  // node and gjs put the same frames at the callee's first character: nothing is recorded there.
  EXPECT_EQ(callee_at(g, 5, 32), -1);
  EXPECT_EQ(callee_at(g, 5, 54), -1);
  EXPECT_EQ(tail_names(g, scope_named(g, "parseConfig")), std::vector<std::string>{"parse"});
  // `list.map(...)`: no function of the code is or becomes a property `map`: a member call by name.
  EXPECT_EQ(tail_names(g, scope_named(g, "cbUser")), std::vector<std::string>{".map"});
  EXPECT_TRUE(tail_names(g, scope_named(g, "initApp")).empty());  // `return r`
}

TEST(TailCalls, CoversConditionalLogicalCommaAndArrowTailsButNotTryAsyncOrNew) {
  JsCallGraph g = scan_call_graph(
      "function a(t){return t?b(t):(c(t),d(t))}function b(t){return t&&e(t)}function c(){}function d(){}function e(){}"
      "const f=t=>JSON.parse(t);function g(t){try{return b(t)}finally{}}async function h(t){return b(t)}"
      "function*i(t){return b(t)}function j(t){return new Date(t).toISOString()}function k(t){return b(t)+1}"
      "function l(t){return x=>b(x)}function m(t){return String.prototype.toLowerCase.call(t)}"
      "function n(t){return t.f.bind(t)()}function o(t){return await0(t),void 0}");
  EXPECT_EQ(tail_names(g, scope_named(g, "a")), (std::vector<std::string>{"#b", "#d"}));
  EXPECT_EQ(tail_names(g, scope_named(g, "b")), std::vector<std::string>{"#e"});
  EXPECT_EQ(tail_names(g, scope_named(g, "f")), std::vector<std::string>{"parse"});
  EXPECT_TRUE(tail_names(g, scope_named(g, "g")).empty()) << "a return inside try/finally is no tail call";
  EXPECT_TRUE(tail_names(g, scope_named(g, "h")).empty()) << "async functions have no tail calls";
  EXPECT_TRUE(tail_names(g, scope_named(g, "i")).empty()) << "generators have no tail calls";
  EXPECT_EQ(tail_names(g, scope_named(g, "j")), std::vector<std::string>{".toISOString"}) << "a member call, by its name only";
  EXPECT_TRUE(tail_names(g, scope_named(g, "k")).empty());
  EXPECT_TRUE(tail_names(g, scope_named(g, "l")).empty()) << "the arrow's call is the arrow's, not l's";
  EXPECT_EQ(tail_names(g, scope_named(g, "m")), std::vector<std::string>{"toLowerCase"});
  EXPECT_EQ(tail_names(g, scope_named(g, "n")), std::vector<std::string>{"?"}) << "a call of a call's result";
  EXPECT_TRUE(tail_names(g, scope_named(g, "o")).empty());
}

TEST(TailCalls, ResolvesCalleesByScopeAsMinifiersReuseNames) {
  // `a` is a module function, a parameter of `d` and a nested function of `b`; `p` is reassigned.
  std::string code =
      "function a(t){return JSON.parse(t)}"
      "function b(){function a(t){return JSON.parse(t)}return a(1)+0}"
      "function c(){return a(\"x\")+0}"
      "function d(a){return a(\"x\")+0}"
      "let p=function(t){return JSON.parse(t)};function q(){return p(1)+0}p=null;"
      "var r=1,s=t=>JSON.parse(t),u=function(){}.bind(null);function v(){return s(1)+u(2)+0}"
      "class K{run(t){return JSON.parse(t)}}class L{go(t){return JSON.parse(t)}go2(){}}"
      "function w(o){return o.run(1)+o.go(2)+o.call(3)+JSON.parse(4)+0}";
  JsCallGraph g = scan_call_graph(code);
  auto call_of = [&](const std::string& text) {
    size_t at = code.find(text);
    EXPECT_NE(at, std::string::npos) << text;
    return callee_at(g, 1, static_cast<uint32_t>(at + text.size() + 1));
  };
  EXPECT_EQ(call_of("}return a"), scope_named(g, "a", 1)) << "the nearest declaration: b's own a";
  EXPECT_EQ(call_of("function c(){return a"), scope_named(g, "a", 0));
  EXPECT_EQ(call_of("function d(a){return a"), -1) << "a parameter can be any function";
  EXPECT_EQ(call_of("return p"), -1) << "a reassigned binding is not one function";
  EXPECT_EQ(call_of("return s"), scope_named(g, "s"));
  EXPECT_EQ(call_of("+u"), -1) << "bound at run time, not the function expression";
  // A member call whose property only one method definition of the code can be (K's run, L's
  // go; nothing else gives an object a `run` or `go`): that method (see
  // AMethodCallWhosePropertyOnlyOneMethodOfTheCodeCanBeIsPutBack).
  EXPECT_EQ(call_of("o.run"), scope_named(g, "run"));
  EXPECT_EQ(call_of("o.go"), scope_named(g, "go"));
  EXPECT_EQ(call_of("o.call"), -1) << "`call` is no method of the code";
  EXPECT_EQ(call_of("+JSON.parse"), -1);
}

namespace {

// The fingerprint of a stack captured from `file` with a table built from that file's code.
struct Grouped {
  std::string fingerprint;
  std::vector<Frame> frames;
  json parts;
};
Grouped group(const SymbolTable& table, const std::string& type, const std::string& value, const std::string& stack) {
  ExceptionInput x;
  x.type = type;
  x.value = value;
  x.frames = parse_stack(stack, value).frames;
  resolve_and_classify(x.frames, [&](const Frame& f) { return f.filename.find("ptc.js") != std::string::npos ? &table : nullptr; },
                       GroupingOptions{});
  GroupingResult g = compute_grouping({x}, GroupingOptions{});
  return {g.fingerprint, x.frames, g.parts};
}
size_t reconstructed(const Grouped& g) {
  return static_cast<size_t>(std::count_if(g.frames.begin(), g.frames.end(), [](const Frame& f) { return f.reconstructed; }));
}

}  // namespace

TEST(TailCalls, JavaScriptCoreStacksRegainTheElidedCallerAndGroupWithV8AndSpiderMonkey) {
  SymbolTable table = build_symbol_table_from_code("ptc.js", kPtcScript);
  // Through the table's text, as the page and the CLI get it.
  SymbolTable parsed;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(table), &parsed, &error)) << error;
  const std::string msg_jsc = "JSON Parse error: Expected '}'";
  const std::string msg_v8 = "Expected property name or '}' in JSON at position 1";
  Grouped jsc_config = group(parsed, "SyntaxError", msg_jsc, "parse@[native code]\ninitApp@http://h/ptc.js:5:43\nglobal code@http://h/ptc.js:10:14");
  Grouped jsc_manifest = group(parsed, "SyntaxError", msg_jsc, "parse@[native code]\ninitApp@http://h/ptc.js:5:67\nglobal code@http://h/ptc.js:11:14");
  Grouped v8_config = group(parsed, "SyntaxError", msg_v8,
                            "SyntaxError: " + msg_v8 + "\n    at JSON.parse (<anonymous>)\n    at parseConfig (http://h/ptc.js:2:39)\n"
                            "    at initApp (http://h/ptc.js:5:32)\n    at http://h/ptc.js:10:7");
  Grouped v8_manifest = group(parsed, "SyntaxError", msg_v8,
                              "SyntaxError: " + msg_v8 + "\n    at JSON.parse (<anonymous>)\n    at parseManifest (http://h/ptc.js:3:41)\n"
                              "    at initApp (http://h/ptc.js:5:54)\n    at http://h/ptc.js:11:7");
  Grouped sm_config = group(parsed, "SyntaxError", "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data",
                            "parseConfig@http://h/ptc.js:2:39\ninitApp@http://h/ptc.js:5:32\n@http://h/ptc.js:10:7\n");
  EXPECT_EQ(reconstructed(jsc_config), 1u);
  EXPECT_EQ(jsc_config.fingerprint, v8_config.fingerprint) << jsc_config.parts.dump();
  EXPECT_EQ(jsc_manifest.fingerprint, v8_manifest.fingerprint) << jsc_manifest.parts.dump();
  EXPECT_EQ(sm_config.fingerprint, v8_config.fingerprint);
  EXPECT_NE(jsc_config.fingerprint, jsc_manifest.fingerprint) << "two callers of JSON.parse are two bugs";
  EXPECT_EQ(jsc_config.parts["frame"].value("reconstructed", false), true) << "why grouped says the frame was put back";
  // V8 and SpiderMonkey stacks are never changed: their caller frames sit at the callee's name.
  EXPECT_EQ(reconstructed(v8_config) + reconstructed(v8_manifest) + reconstructed(sm_config), 0u);
  // Nor is the stack sent: the put-back frame is for grouping only.
  EXPECT_EQ(frames_to_json(jsc_config.frames).size(), jsc_config.frames.size() - 1);

  // The anonymous callback: cbUser (`return list.map(...)`) elided between outer and map.
  Grouped jsc_cb = group(parsed, "TypeError", "undefined is not an object (evaluating 'v.x.y')",
                         "@http://h/ptc.js:8:66\nmap@[native code]\nouter@http://h/ptc.js:9:36\nglobal code@http://h/ptc.js:12:12");
  Grouped v8_cb = group(parsed, "TypeError", "Cannot read properties of undefined (reading 'y')",
                        "TypeError: Cannot read properties of undefined (reading 'y')\n    at http://h/ptc.js:8:67\n"
                        "    at Array.map (<anonymous>)\n    at cbUser (http://h/ptc.js:8:37)\n    at outer (http://h/ptc.js:9:30)");
  // cbUser's only tail call is `list.map(...)`, a member no function of the code can be, and the
  // frame just inside outer's call of cbUser is the built-in `map`: cbUser is put back.
  EXPECT_EQ(reconstructed(jsc_cb), 1u);
  EXPECT_EQ(jsc_cb.fingerprint, v8_cb.fingerprint) << jsc_cb.parts.dump() << "\n" << v8_cb.parts.dump();
}

TEST(TailCalls, NothingIsPutBackWithoutEvidenceOrWhenTheChainIsAmbiguous) {
  // f tail-calls either g or JSON.parse, and g tail-calls JSON.parse: a `parse` frame under a
  // call of f could be reached both ways. h's tail call goes through a parameter (unknown).
  std::string code =
      "\"use strict\";\n"
      "function g(t){return JSON.parse(t)}\n"
      "function f(t,a){return a?g(t):JSON.parse(t)}\n"
      "function h(t,cb){return cb(t)}\n"
      "function k(t){return JSON.parse(t)}\n"
      "function run(){const r=f(\"{\",1)+h(\"{\",k)+k(\"{\");return r}\n";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  auto at = [&](const std::string& text) {
    size_t line_start = code.rfind('\n', code.find(text)) + 1;
    return std::to_string(code.find(text) + text.size() - line_start + 1);
  };
  const std::string ambiguous = "parse@[native code]\nrun@http://h/ptc.js:6:" + at("r=f");
  EXPECT_EQ(reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF", ambiguous)), 0u);
  const std::string unknown = "parse@[native code]\nrun@http://h/ptc.js:6:" + at("+h");
  EXPECT_EQ(reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF", unknown)), 0u);
  // k is on the stack (not elided): nothing to put back.
  const std::string present = "parse@[native code]\nk@http://h/ptc.js:5:23\nrun@http://h/ptc.js:6:" + at("+k");
  EXPECT_EQ(reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF", present)), 0u);
  // An inner frame that k's tail call cannot reach (a different built-in): not k's doing.
  const std::string other = "toFixed@[native code]\nrun@http://h/ptc.js:6:" + at("+k");
  EXPECT_EQ(reconstructed(group(table, "RangeError", "toFixed() argument must be between 0 and 100", other)), 0u);
  // The innermost frame at a call site (a stack overflow hit at the call): no inner frame.
  const std::string innermost = "run@http://h/ptc.js:6:" + at("+k");
  EXPECT_EQ(reconstructed(group(table, "RangeError", "Maximum call stack size exceeded.", innermost)), 0u);
  // The chain that closes: k elided, JSON.parse under it.
  const std::string ok = "parse@[native code]\nrun@http://h/ptc.js:6:" + at("+k");
  EXPECT_EQ(reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF", ok)), 1u);
}

TEST(TailCalls, FollowsAChainOfElidedFunctions) {
  // jsc: `parse@[native code]` / `viaChain@m.js:13:39` for chainA -> chainB -> JSON.parse.
  std::string code =
      "\"use strict\";\n"
      "function chainA(t) { return chainB(t); }\n"
      "function chainB(t) { return JSON.parse(t); }\n"
      "function viaChain() { const r = chainA(\"{bad\"); return r; }\n";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  Grouped g = group(table, "SyntaxError", "JSON Parse error: Expected '}'", "parse@[native code]\nviaChain@http://h/ptc.js:4:39");
  ASSERT_EQ(g.frames.size(), 4u);
  EXPECT_EQ(g.frames[1].original_function, "chainA");
  EXPECT_EQ(g.frames[2].original_function, "chainB");
  EXPECT_TRUE(g.frames[1].reconstructed && g.frames[2].reconstructed);
  Grouped v8 = group(table, "SyntaxError", "Expected property name or '}' in JSON at position 1",
                     "SyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n"
                     "    at chainB (http://h/ptc.js:3:35)\n    at chainA (http://h/ptc.js:2:29)\n    at viaChain (http://h/ptc.js:4:33)");
  EXPECT_EQ(g.fingerprint, v8.fingerprint);
}

TEST(TailCalls, OldTablesParseAndMalformedCallsAreRefused) {
  SymbolTable t;
  std::string error;
  EXPECT_TRUE(parse_symbol_table(R"({"faultline_symbols":1,"sources":["a"],"names":[],"files":"AAC","functions":"AACAAC"})", &t, &error))
      << error;
  EXPECT_TRUE(t.calls.empty());
  // A call whose callee index is past the functions, a tail target past the names.
  EXPECT_FALSE(parse_symbol_table(
      R"({"faultline_symbols":2,"sources":["a"],"names":[],"files":"AAC","functions":"AACAAC","calls":"AAE","tails":""})", &t, &error));
  EXPECT_FALSE(parse_symbol_table(
      R"({"faultline_symbols":2,"sources":["a"],"names":[],"files":"AAC","functions":"AACAAC","calls":"","tails":"CCD"})", &t, &error));
  EXPECT_FALSE(parse_symbol_table(
      R"({"faultline_symbols":2,"sources":["a"],"names":[],"files":"AAC","functions":"AACAAC","calls":5,"tails":""})", &t, &error));
}

TEST(TailCalls, AGetterThatTailCallsIsPutBackAtThePropertyRead) {
  // jsc: `parse@[native code]` / `basketView@g.js:3:37` (the `.` of `c.subtotal`); V8 shows
  // `JSON.parse` / `get subtotal` / `basketView` at the name.
  std::string code =
      "\"use strict\";\n"
      "class Cart { constructor() { this.raw = \"{\"; } get subtotal() { return JSON.parse(this.raw); } }\n"
      "function basketView(c) { const s = c.subtotal; return s; }\n"
      "function basketTax(c) { const t = 0.2 * c.subtotal + 1; return t; }\n";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  const std::string jsc_msg = "JSON Parse error: Unexpected EOF";
  Grouped view = group(table, "SyntaxError", jsc_msg, "parse@[native code]\nbasketView@http://h/ptc.js:3:37\nglobal code@http://h/ptc.js:5:17");
  Grouped tax = group(table, "SyntaxError", jsc_msg, "parse@[native code]\nbasketTax@http://h/ptc.js:4:42\nglobal code@http://h/ptc.js:6:16");
  Grouped v8 = group(table, "SyntaxError", "Expected property name or '}' in JSON at position 1",
                     "SyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n"
                     "    at get subtotal [as subtotal] (http://h/ptc.js:2:77)\n    at basketView (http://h/ptc.js:3:39)");
  EXPECT_EQ(reconstructed(view), 1u);
  EXPECT_EQ(view.fingerprint, tax.fingerprint) << "one bug in the getter, whoever reads it";
  EXPECT_EQ(view.fingerprint, v8.fingerprint) << view.parts.dump() << "\n" << v8.parts.dump();
  EXPECT_EQ(reconstructed(v8), 0u);
}

namespace {

// jsc's caller frame for the call `text(` of `code` (the position just after `text`), 1-based.
std::string jsc_at(const std::string& code, const std::string& fn, const std::string& text) {
  size_t at = code.find(text);
  EXPECT_NE(at, std::string::npos) << text;
  size_t line_start = code.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  size_t line = static_cast<size_t>(std::count(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
  return fn + "@http://h/ptc.js:" + std::to_string(line) + ":" + std::to_string(at + text.size() - line_start + 1);
}
size_t put_back(const SymbolTable& table, const std::string& caller_frame) {
  return reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF", "parse@[native code]\n" + caller_frame));
}

}  // namespace

// An outside attack (W1, W5-W7): JavaScriptCore's stacks `parse@[native code]` / `bugY@…` were
// given `pick` and `inner` although pick's other tail call `table[k](t)` (unresolved) is what ran;
// likewise tails the table did not record: a `return` in a catch block (a tail call, elided),
// a tagged template, a parenthesised callee. A function is used only when all its tails are known.
TEST(TailCalls, AFunctionWithAnyUnresolvedOrUnrecordedTailCallIsNotTrusted) {
  std::string code =
      "\"use strict\";\n"
      "function inner(t) { return JSON.parse(t); }\n"
      "function other(t) { return JSON.parse(t); }\n"
      "function tag(s, t) { return JSON.parse(t); }\n"
      "const table = { raw: JSON.parse };\n"
      "function pick(t, k) { return k === \"i\" ? inner(t) : table[k](t); }\n"
      "function fCatch(t, k) { if (k) return inner(t); try { throw 0; } catch (e) { return other(t); } }\n"
      "function fTag(t, k) { if (k) return inner(t); return tag`${t}`; }\n"
      "function fSeq(t, k) { return k ? inner(t) : (0, other)(t); }\n"
      "function fOpt(t, k) { return k ? inner(t) : other?.(t); }\n"
      "function fTry(t) { try { return other(t); } catch (e) { return null; } }\n"
      "function fTpl(t) { return `${other(t)}`; }\n"
      "function fNew(t) { return new Map(inner(t)); }\n"
      "function bugX(t) { const r = pick(t, \"i\"); return [r]; }\n"
      "function bugY(t) { const r = pick(t, \"raw\"); return [r]; }\n"
      "function bug1(t) { const r = fCatch(t, 0); return [r]; }\n"
      "function bug5(t) { const r = fTag(t, 0); return [r]; }\n"
      "function bug9(t) { const r = fSeq(t, 0); return [r]; }\n"
      "function bugO(t) { const r = fOpt(t, 0); return [r]; }\n"
      "function bugI(t) { const r = inner(t); return [r]; }\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(tail_names(g, scope_named(g, "pick")), (std::vector<std::string>{"#inner", "?"}));
  EXPECT_EQ(tail_names(g, scope_named(g, "fCatch")), (std::vector<std::string>{"#inner", "?"}));
  EXPECT_EQ(tail_names(g, scope_named(g, "fTag")), (std::vector<std::string>{"#inner", "?"}));
  EXPECT_EQ(tail_names(g, scope_named(g, "fSeq")), (std::vector<std::string>{"#inner", "?"}));
  EXPECT_EQ(tail_names(g, scope_named(g, "fOpt")), (std::vector<std::string>{"#inner", "?"}));
  EXPECT_TRUE(tail_names(g, scope_named(g, "fTry")).empty()) << "a return in a try block is no tail call";
  EXPECT_TRUE(tail_names(g, scope_named(g, "fTpl")).empty()) << "an untagged template is no call";
  EXPECT_TRUE(tail_names(g, scope_named(g, "fNew")).empty()) << "`new X(...)` is no tail call";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  for (const auto& [fn, callee] : std::vector<std::pair<std::string, std::string>>{
           {"bugX", "= pick"}, {"bugY", "= pick(t, \"raw"}, {"bug1", "= fCatch"}, {"bug5", "= fTag"}, {"bug9", "= fSeq"}, {"bugO", "= fOpt"}})
    EXPECT_EQ(put_back(table, jsc_at(code, fn, callee.substr(0, callee.find('(')))), 0u) << fn;
  EXPECT_EQ(put_back(table, jsc_at(code, "bugI", "= inner")), 1u) << "a function whose tails are all known is still used";
}

// W2: a function/let/const/class declared in a block is visible only there; a call after the
// block reaches the outer `load`, which the resolver took for the block's function.
TEST(TailCalls, BlockScopedDeclarationsDoNotResolveCallsOutsideTheirBlock) {
  std::string code =
      "\"use strict\";\n"
      "function load(t) { return JSON.parse(t); }\n"
      "function helper(t) { return JSON.parse(t); }\n"
      "function other(t) { return JSON.parse(t); }\n"
      "function bugR(t) { { function load(t) { return helper(t); } } const r = load(t); return [r]; }\n"
      "function bugBlkConst(t) { { const load = (x) => other(x); void load; } const r = load(t); return [r]; }\n"
      "function bugBlkLet(t) { if (t) { let load = function (x) { return other(x); }; void load; } const r = load(t); return [r]; }\n"
      "function bugFor(t) { for (const load of [other]) void load; const r = load(t); return [r]; }\n"
      "function bugLoad(t) { const r = load(t); return [r]; }\n"
      "function bugH(t) { const r = helper(t); return [r]; }\n";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  for (const char* fn : {"bugR", "bugBlkConst", "bugBlkLet", "bugFor"}) {
    std::string head = std::string("function ") + fn + "(";
    std::string rest = code.substr(code.find(head));
    std::string at = rest.substr(0, rest.find("= load") + 6);
    EXPECT_EQ(put_back(table, jsc_at(code, fn, at)), 0u) << fn;
  }
  EXPECT_EQ(put_back(table, jsc_at(code, "bugLoad", "bugLoad(t) { const r = load")), 1u) << "the module's load, declared at its top level";
  EXPECT_EQ(put_back(table, jsc_at(code, "bugH", "= helper")), 1u);
}

// W3, W4: a member call resolved by the property's name took `alt.load` ({load: JSON.parse}) for
// Cfg's method, `J.parse` (const J = JSON) for Parser's, a prototype override and a mock passed
// as a parameter for the one method of that name. Members are not resolved (only a global
// object's, by name: `JSON.parse`).
TEST(TailCalls, MemberCallsAreNeverResolvedByThePropertyName) {
  std::string code =
      "\"use strict\";\n"
      "class Cfg { load(t) { return JSON.parse(t); } }\n"
      "const alt = { load: JSON.parse };\n"
      "class Parser { parse(t) { return JSON.parse(t); } }\n"
      "const J = JSON;\n"
      "function viaJ(t) { return J.parse(t); }\n"
      "function other(t) { return JSON.parse(t); }\n"
      "const api = { fetchJson(t) { return JSON.parse(t); } };\n"
      "const mock = { fetchJson: other };\n"
      "function useApi(o, t) { const r = o.fetchJson(t); return [r]; }\n"
      "class Base { go(t) { const r = this.run(t); return [r]; } run(t) { return JSON.parse(t); } }\n"
      "function bugA(cfg, t) { const r = cfg.load(t); return [r]; }\n"
      "function bugB(t) { const r = alt.load(t); return [r]; }\n"
      "function bugD(t) { const r = viaJ(t); return [r]; }\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(tail_names(g, scope_named(g, "viaJ")), std::vector<std::string>{"?"}) << "J is a binding, not the global JSON";
  EXPECT_EQ(tail_names(g, scope_named(g, "other")), std::vector<std::string>{"parse"});
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  EXPECT_EQ(put_back(table, jsc_at(code, "bugA", "cfg.load")), 0u);
  EXPECT_EQ(put_back(table, jsc_at(code, "bugB", "alt.load")), 0u);
  EXPECT_EQ(put_back(table, jsc_at(code, "bugD", "= viaJ")), 0u);
  EXPECT_EQ(put_back(table, jsc_at(code, "useApi", "o.fetchJson")), 0u);
  // `this.run(t)`: run is the only function of the code that can be a property `run` (one
  // method definition, nothing else gives any object a `run`): the method-call rule below.
  EXPECT_EQ(put_back(table, jsc_at(code, "go", "this.run")), 1u);
}

// A method call `o.p(…)` whose property can only be one function of the code, as captured on
// this machine (jsc -m ptc.js, node ptc.mjs, gjs -m ptc.mjs; 2026-12-02): CartStore.serialize
// ends in `return JSON.stringify(…)`, so JavaScriptCore shows `stringify@[native code]` directly
// under the caller, at the `(` after `serialize`; V8 and SpiderMonkey show serialize.
TEST(TailCalls, AMethodCallWhosePropertyOnlyOneMethodOfTheCodeCanBeIsPutBack) {
  std::string code =
      "const out = typeof print === \"function\" ? print : console.log;\n"
      "class CartStore { constructor() { this.items = []; } snapshot() { const t = { items: this.items }; t.self = t; return t; } "
      "serialize() { return JSON.stringify(this.snapshot()); } }\n"
      "function cartOf(e) { return e.cart; }\n"
      "function sizeOf(e) { return cartOf(e).serialize().length; }\n"
      "function persist(c) { const s = c.serialize(); return [s]; }\n"
      "class Money { constructor(v) { this.v = v; } toFixed(d) { return this.v.toFixed(d); } }\n"
      "function price(p) { const r = p.toFixed(200); return [r]; }\n"
      "class Base { go(t) { const r = this.run(t); return [r]; } run(t) { return JSON.parse(t); } }\n"
      "class Sub extends Base { run(t) { return JSON.parse(t + \"x\"); } }\n";
  SymbolTable table;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code("ptc.js", code)), &table, &error)) << error;
  const std::string jsc_msg = "JSON.stringify cannot serialize cyclic structures.";
  const std::string v8_msg = "Converting circular structure to JSON";
  Grouped jsc_size = group(table, "TypeError", jsc_msg, "stringify@[native code]\nsizeOf@http://h/ptc.js:4:48\nmodule code@http://h/ptc.js:11:10");
  Grouped jsc_persist = group(table, "TypeError", jsc_msg, "stringify@[native code]\npersist@http://h/ptc.js:5:44\nmodule code@http://h/ptc.js:11:10");
  Grouped v8_size = group(table, "TypeError", v8_msg,
                          "TypeError: " + v8_msg + "\n    at JSON.stringify (<anonymous>)\n    at CartStore.serialize (http://h/ptc.js:2:150)\n"
                          "    at sizeOf (http://h/ptc.js:4:39)\n    at http://h/ptc.js:10:24");
  Grouped sm_persist = group(table, "TypeError", "cyclic object value",
                             "serialize@http://h/ptc.js:2:150\npersist@http://h/ptc.js:5:35\n@http://h/ptc.js:10:72\n");
  ASSERT_EQ(reconstructed(jsc_size), 1u);
  ASSERT_EQ(jsc_size.frames.size(), 4u);  // oldest first: module code, sizeOf, serialize, stringify
  EXPECT_TRUE(jsc_size.frames[2].reconstructed);
  EXPECT_EQ(jsc_size.frames[2].original_function, "CartStore.serialize");
  EXPECT_EQ(jsc_size.fingerprint, v8_size.fingerprint) << jsc_size.parts.dump() << "\n" << v8_size.parts.dump();
  EXPECT_EQ(jsc_persist.fingerprint, sm_persist.fingerprint) << jsc_persist.parts.dump();
  EXPECT_EQ(jsc_size.fingerprint, jsc_persist.fingerprint) << "one bug (serialize) reached from two callers";
  // Money.toFixed tail-calls a built-in of its own name: a number's toFixed gives jsc the same
  // stack byte for byte (`price@…:7:40` for both, captured), so the method is not put back.
  EXPECT_EQ(reconstructed(group(table, "RangeError", "toFixed() argument must be between 0 and 100",
                                "toFixed@[native code]\nprice@http://h/ptc.js:7:40\nmodule code@http://h/ptc.js:11:10")), 0u);
  // Two methods named run (Base's, Sub's override): `this.run` may be either.
  EXPECT_EQ(put_back(table, "go@http://h/ptc.js:8:40"), 0u);

  // Any other way the code gives an object the property, or a getter that may return another
  // function for it, or an object the code does not declare (a global), keeps the method out.
  std::string others =
      "class A { load(t) { return JSON.parse(t); } }\n"
      "function a1(o) { const r = o.load(t); return [r]; }\n"
      "function a2(t) { const r = window.load(t); return [r]; }\n"
      "class B { save(t) { return JSON.parse(t); } }\n"
      "function b1(o) { const r = o.save(t); return [r]; }\n"
      "const m = {}; m.save = JSON.parse;\n"
      "class C { get read() { return JSON.parse; } set keep(v) {} keep2(t) { return JSON.parse(t); } }\n"
      "function c1(o) { const r = o.read(1) + o.keep(2); return [r]; }\n"
      "class D { send(t) { return JSON.parse(t); } }\n"
      "function d1(o) { const r = o.send(t); return [r]; }\n"
      "Object.defineProperty(m, \"send\", { get() { return JSON.parse; } });\n"
      "class E { emit(t) { return JSON.parse(t); } }\n"
      "function e1(o) { with (o) { const r = o.emit(t); return [r]; } }\n";
  SymbolTable ot = build_symbol_table_from_code("ptc.js", others);
  EXPECT_EQ(put_back(ot, jsc_at(others, "a1", "o.load")), 1u) << "the control: one method, nothing else";
  EXPECT_EQ(put_back(ot, jsc_at(others, "a2", "window.load")), 0u) << "a global object's property";
  EXPECT_EQ(put_back(ot, jsc_at(others, "b1", "o.save")), 0u) << "m.save = JSON.parse";
  EXPECT_EQ(put_back(ot, jsc_at(others, "c1", "o.read")), 0u) << "a getter's value";
  EXPECT_EQ(put_back(ot, jsc_at(others, "c1", "o.keep")), 0u) << "a setter is never called";
  EXPECT_EQ(put_back(ot, jsc_at(others, "d1", "o.send")), 0u) << "a descriptor's getter of that name";
  EXPECT_EQ(put_back(ot, jsc_at(others, "e1", "o.emit")), 0u) << "inside with";
}

// Member tail calls into built-ins, as captured on this machine (jsc -m, node): `return
// l.map(cb)`, `return p.toFixed(200)`, `return new Date(ms).toISOString()` leave only the
// built-in's frame above the caller in JavaScriptCore. The elided function is put back when its
// tail calls are member calls of exactly the inner built-in's name and no function of the code
// can be a property of that name; a user method of that name (Money.toFixed, which tail-calls
// the built-in too, so jsc's stack is the same byte for byte) keeps it out.
TEST(TailCalls, MemberTailCallsIntoBuiltInsArePutBackOnlyWhenNoFunctionOfTheCodeCanBeTheCallee) {
  std::string code =
      "const out = typeof print === \"function\" ? print : console.log;\n"
      "function totalsA(l) { return l.map((x) => x.v.w); }\n"
      "function totalsB(l) { return l.map((x) => x.v.w); }\n"
      "function stamp(ms) { return new Date(ms).toISOString(); }\n"
      "function bugM(l) { const r = totalsA(l); return [r]; }\n"
      "function bugN(l) { const r = totalsB(l); return [r]; }\n"
      "function bugS(ms) { const r = stamp(ms); return [r]; }\n";
  SymbolTable table;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code("ptc.js", code)), &table, &error)) << error;
  const std::string jsc_msg = "undefined is not an object (evaluating 'x.v.w')";
  const std::string v8_msg = "Cannot read properties of undefined (reading 'w')";
  Grouped jsc_m = group(table, "TypeError", jsc_msg, "@http://h/ptc.js:2:46\nmap@[native code]\nbugM@http://h/ptc.js:5:37");
  Grouped jsc_n = group(table, "TypeError", jsc_msg, "@http://h/ptc.js:3:46\nmap@[native code]\nbugN@http://h/ptc.js:6:37");
  Grouped v8_m = group(table, "TypeError", v8_msg,
                       "TypeError: " + v8_msg + "\n    at http://h/ptc.js:2:47\n    at Array.map (<anonymous>)\n"
                       "    at totalsA (http://h/ptc.js:2:32)\n    at bugM (http://h/ptc.js:5:30)");
  Grouped v8_n = group(table, "TypeError", v8_msg,
                       "TypeError: " + v8_msg + "\n    at http://h/ptc.js:3:47\n    at Array.map (<anonymous>)\n"
                       "    at totalsB (http://h/ptc.js:3:32)\n    at bugN (http://h/ptc.js:6:30)");
  EXPECT_EQ(reconstructed(jsc_m), 1u);
  EXPECT_EQ(jsc_m.fingerprint, v8_m.fingerprint) << jsc_m.parts.dump();
  EXPECT_EQ(jsc_n.fingerprint, v8_n.fingerprint);
  EXPECT_NE(jsc_m.fingerprint, jsc_n.fingerprint) << "two functions' callbacks are two bugs";
  Grouped jsc_s = group(table, "RangeError", "Invalid Date", "toISOString@[native code]\nbugS@http://h/ptc.js:7:36");
  Grouped v8_s = group(table, "RangeError", "Invalid time value",
                       "RangeError: Invalid time value\n    at Date.toISOString (<anonymous>)\n    at stamp (http://h/ptc.js:4:42)\n"
                       "    at bugS (http://h/ptc.js:7:31)");
  EXPECT_EQ(reconstructed(jsc_s), 1u);
  EXPECT_EQ(jsc_s.fingerprint, v8_s.fingerprint) << "a member call on the result of `new Date(ms)`";
  // The inner built-in is not the member's name: `map` under a call of stamp is not stamp's doing.
  EXPECT_EQ(reconstructed(group(table, "TypeError", jsc_msg, "@http://h/ptc.js:2:46\nmap@[native code]\nbugS@http://h/ptc.js:7:36")), 0u);

  // The look-alike pair: Money.toFixed (a method of the code named like the built-in, itself a
  // tail call to it) and a number's toFixed give jsc the same stack; V8 tells them apart.
  std::string money =
      "const out = typeof print === \"function\" ? print : console.log;\n"
      "class Money { constructor(v) { this.v = v; } toFixed(d) { return this.v.toFixed(d); } }\n"
      "function formatPrice(p) { return p.toFixed(200); }\n"
      "function bugP(p) { const r = formatPrice(p); return [r]; }\n"
      "const alias = { toISOString: formatPrice };\n"
      "function fmt(d) { return d.toISOString(); }\n"
      "function bugF(d) { const r = fmt(d); return [r]; }\n";
  JsCallGraph g = scan_call_graph(money);
  EXPECT_EQ(tail_names(g, scope_named(g, "formatPrice")), std::vector<std::string>{"?"}) << "Money has a method toFixed";
  EXPECT_EQ(tail_names(g, scope_named(g, "fmt")), std::vector<std::string>{"?"}) << "a property toISOString is assigned a function";
  SymbolTable mt = build_symbol_table_from_code("ptc.js", money);
  const std::string jsc_p = "toFixed@[native code]\nbugP@http://h/ptc.js:4:41";  // number and Money alike
  Grouped jsc_money = group(mt, "RangeError", "toFixed() argument must be between 0 and 100", jsc_p);
  Grouped v8_number = group(mt, "RangeError", "toFixed() digits argument must be between 0 and 100",
                            "RangeError: toFixed() digits argument must be between 0 and 100\n    at Number.toFixed (<anonymous>)\n"
                            "    at formatPrice (http://h/ptc.js:3:36)\n    at bugP (http://h/ptc.js:4:30)");
  Grouped v8_money = group(mt, "RangeError", "toFixed() digits argument must be between 0 and 100",
                           "RangeError: toFixed() digits argument must be between 0 and 100\n    at Number.toFixed (<anonymous>)\n"
                           "    at Money.toFixed (http://h/ptc.js:2:73)\n    at formatPrice (http://h/ptc.js:3:36)\n"
                           "    at bugP (http://h/ptc.js:4:30)");
  EXPECT_NE(v8_number.fingerprint, v8_money.fingerprint);
  EXPECT_EQ(reconstructed(jsc_money), 0u);
  EXPECT_NE(jsc_money.fingerprint, v8_number.fingerprint) << "jsc cannot tell the two apart: its own group, never the number's";
  EXPECT_NE(jsc_money.fingerprint, v8_money.fingerprint);

  // A sibling tail call that also reaches `map` (two chains), or a member of another name (any
  // function): nothing is put back.
  std::string siblings =
      "function inner(l) { return l.map((x) => x.a.b); }\n"
      "function pick(l, k) { return k ? l.map((x) => x.v.w) : inner(l); }\n"
      "function other(l, k) { return k ? l.map((x) => x.v.w) : l.forEach((x) => x.v.w); }\n"
      "function bugK(l) { const r = pick(l, 0); return [r]; }\n"
      "function bugO(l) { const r = other(l, 1); return [r]; }\n";
  SymbolTable st = build_symbol_table_from_code("ptc.js", siblings);
  EXPECT_EQ(reconstructed(group(st, "TypeError", jsc_msg, "@http://h/ptc.js:1:41\nmap@[native code]\n" + jsc_at(siblings, "bugK", "= pick"))), 0u);
  EXPECT_EQ(reconstructed(group(st, "TypeError", jsc_msg, "@http://h/ptc.js:3:46\nmap@[native code]\n" + jsc_at(siblings, "bugO", "= other"))), 0u);
}

// A class called without `new`, as captured on this machine (jsc -m, node): JavaScriptCore
// raises "Cannot call a class constructor without |new|" in the constructor's own frame
// (`Cart@a.mjs:1:25`) and elides makeCart (`return Cart()` is a tail call); V8 raises it in the
// caller (`at makeCart`). The constructor frame is passed over for that wording, and the call
// `Cart()` resolves to the constructor, so makeCart is put back. makeCart2 (not a tail call) is
// another bug and stays apart in both engines.
TEST(TailCalls, AClassCalledWithoutNewIsRaisedInTheCallerInEveryEngine) {
  std::string code =
      "class Cart { constructor() { this.items = []; } }\n"
      "class Empty {}\n"
      "class Sub extends Cart {}\n"
      "function makeCart() { return Cart(); }\n"
      "function makeEmpty() { return Empty(); }\n"
      "function makeSub() { return Sub(); }\n"
      "function makeCart2() { const c = Cart(); return [c]; }\n"
      "const print = globalThis.print || console.log;\n"
      "function run(f) { try { f(); } catch (e) { print(e.message + \"\\n\" + e.stack + \"\\n--\"); } }\n"
      "function a1() { const r = makeCart(); return [r]; }\n"
      "function a2() { const r = makeEmpty(); return [r]; }\n"
      "function a3() { const r = makeSub(); return [r]; }\n"
      "function a4() { const r = makeCart2(); return [r]; }\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(tail_names(g, scope_named(g, "makeCart")), std::vector<std::string>{"#Cart"}) << "the class's constructor";
  EXPECT_EQ(tail_names(g, scope_named(g, "makeEmpty")), std::vector<std::string>{"?"}) << "no constructor: no frame to match";
  SymbolTable table = build_symbol_table_from_code("ptc.js", code);
  const std::string jsc_msg = "Cannot call a class constructor without |new|";
  const std::string v8_msg = "Class constructor Cart cannot be invoked without 'new'";
  Grouped jsc1 = group(table, "TypeError", jsc_msg, "Cart@http://h/ptc.js:1:25\na1@http://h/ptc.js:10:35\nrun@http://h/ptc.js:9:26");
  Grouped jsc4 = group(table, "TypeError", jsc_msg,
                       "Cart@http://h/ptc.js:1:25\nmakeCart2@http://h/ptc.js:7:38\na4@http://h/ptc.js:13:36\nrun@http://h/ptc.js:9:26");
  Grouped v8_1 = group(table, "TypeError", v8_msg,
                       "TypeError: " + v8_msg + "\n    at makeCart (http://h/ptc.js:4:30)\n    at a1 (http://h/ptc.js:10:27)\n"
                       "    at run (http://h/ptc.js:9:25)");
  Grouped v8_4 = group(table, "TypeError", v8_msg,
                       "TypeError: " + v8_msg + "\n    at makeCart2 (http://h/ptc.js:7:34)\n    at a4 (http://h/ptc.js:13:27)\n"
                       "    at run (http://h/ptc.js:9:25)");
  Grouped sm_1 = group(table, "TypeError", "class constructors must be invoked with 'new'",
                       "makeCart@http://h/ptc.js:4:30\na1@http://h/ptc.js:10:27\nrun@http://h/ptc.js:9:25\n");
  EXPECT_EQ(reconstructed(jsc1), 1u);
  EXPECT_EQ(jsc1.fingerprint, v8_1.fingerprint) << jsc1.parts.dump() << "\n" << v8_1.parts.dump();
  EXPECT_EQ(sm_1.fingerprint, v8_1.fingerprint);
  EXPECT_EQ(jsc4.fingerprint, v8_4.fingerprint) << jsc4.parts.dump();
  EXPECT_NE(v8_1.fingerprint, v8_4.fingerprint) << "two callers of the class are two bugs";
  // The constructor frame is passed over only for JavaScriptCore's wording, whose frame it is: a
  // TypeError of another wording thrown in a constructor keeps that constructor as its site.
  Grouped other = group(table, "TypeError", "Cannot read properties of undefined (reading 'x')",
                        "TypeError: Cannot read properties of undefined (reading 'x')\n    at new Cart (http://h/ptc.js:1:30)\n"
                        "    at a1 (http://h/ptc.js:10:27)");
  EXPECT_EQ(other.parts["frame"].value("frame", ""), "ptc.js:Cart");
}

// Short names an author wrote (`go`, `run`, `id`) were taken for a minifier's (1-3 characters in
// a file that has any) and keyed by deploy (`@p7_proto.mjs:8:80`, an outside attack's split).
// A table built from the code says which lines are hand-written (none longer than 250 columns,
// and the code not dense): frames there keep their names. Minified code keeps the old rule,
// whatever its line lengths (esbuild `--line-limit`): dense code has no line info.
TEST(TailCalls, ShortNamesOnHandWrittenLinesOfATableFromTheCodeAreTheAuthorsNames) {
  std::string code =
      "\"use strict\";\n"
      "class Base { go(t) { const r = this.run(t); return [r]; } run(t) { return JSON.parse(t); } }\n"
      "function id(t) { return JSON.parse(t); }\n"
      "function use(t) { const r = id(t); return [r]; }\n";
  SymbolTable table;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code("ptc.js", code)), &table, &error)) << error;
  EXPECT_TRUE(table.line_info);
  const std::string v8_msg = "Unexpected end of JSON input";
  const std::string run_stack = "SyntaxError: " + v8_msg + "\n    at JSON.parse (<anonymous>)\n    at Base.run (http://h/ptc.js:2:80)\n"
                                "    at Base.go (http://h/ptc.js:2:40)\n    at http://h/ptc.js:9:1";
  const std::string id_stack = "SyntaxError: " + v8_msg + "\n    at JSON.parse (<anonymous>)\n    at id (http://h/ptc.js:3:30)\n"
                               "    at use (http://h/ptc.js:4:29)\n    at http://h/ptc.js:9:1";
  Grouped run = group(table, "SyntaxError", v8_msg, run_stack);
  Grouped id = group(table, "SyntaxError", v8_msg, id_stack);
  EXPECT_EQ(run.parts["frame"].value("frame", ""), "ptc.js:<built-in>:Base.run");
  EXPECT_EQ(id.parts["frame"].value("frame", ""), "ptc.js:<built-in>:id");
  EXPECT_NE(run.fingerprint, id.fingerprint);
  // Without a table the same stacks keep the deploy-scoped key (the names may be a minifier's).
  ExceptionInput x;
  x.type = "SyntaxError";
  x.value = v8_msg;
  x.frames = parse_stack(id_stack, v8_msg).frames;
  classify_frames(x.frames, GroupingOptions{});
  EXPECT_EQ(compute_grouping({x}, GroupingOptions{}).parts["frame"].value("frame", "").substr(0, 1), "@");

  // Minified (dense) code with short lines: two functions both named `a` (in two scopes) stay two
  // deploy-scoped keys, never one `ptc.js:a`.
  std::string dense = "\"use strict\";\n";
  for (int i = 0; i < 12; ++i)
    dense += "function b" + std::to_string(i) + "(t){function a(e){return e.x.y}return a(t)+" + std::to_string(i) + "}\n";
  SymbolTable dt = build_symbol_table_from_code("ptc.js", dense);
  EXPECT_FALSE(dt.line_info) << "dense code: no line is taken as hand-written";
  const std::string msg = "Cannot read properties of undefined (reading 'y')";
  Grouped a1 = group(dt, "TypeError", msg, "TypeError: " + msg + "\n    at a (http://h/ptc.js:2:37)\n    at b0 (http://h/ptc.js:2:51)");
  Grouped a2 = group(dt, "TypeError", msg, "TypeError: " + msg + "\n    at a (http://h/ptc.js:3:37)\n    at b1 (http://h/ptc.js:3:51)");
  EXPECT_NE(a1.fingerprint, a2.fingerprint);
  EXPECT_EQ(a1.parts["frame"].value("frame", "").substr(0, 1), "@");
}

namespace {

// The callee the table records at jsc's caller frame for the call `text(` of `code`, -1 if none.
int32_t table_call(const std::string& code, const std::string& text) {
  SymbolTable t = build_symbol_table_from_code("ptc.js", code);
  size_t at = code.find(text);
  EXPECT_NE(at, std::string::npos) << text;
  size_t line_start = code.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  uint32_t line = static_cast<uint32_t>(std::count(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  return call_at(t, line, static_cast<uint32_t>(at + text.size() - line_start));
}

// Two bugs of the outside attack on the scan (REPORT.md 1c): `ctl -> cfgParse -> return JSON.parse`
// and `sh -> manParse -> return JSON.parse`, where sh calls `cfgParse(t)` but the name means
// manParse when it runs. `rebind` makes it so; `call` is sh's call as written.
const char* kParsers =
    "function cfgParse(t) { 'use strict'; return JSON.parse(t); }\n"
    "function ctl(t) { cfgParse(t); }\n"
    "function manParse(t) { 'use strict'; return JSON.parse(t); }\n";

}  // namespace

// Outside attack 1c: the call site `cfgParse(t)` resolved statically to cfgParse, but at run time
// the name meant manParse (jsc: `parse@[native code]` / `sh@rebind.js:4:59`, the stack of bug B),
// and cfgParse was put back: bug B got bug A's fingerprint, confident. A name the code can rebind
// where the scanner does not see it is not trusted.
TEST(TailCalls, ANameTheCodeCanRebindAtRunTimeIsNotTrusted) {
  const std::string parsers = kParsers;
  // Direct eval: its text may declare `var cfgParse` (sloppy) or assign `cfgParse = …` (any mode).
  const std::string eval_code = parsers + "function sh(t) { eval('var cfgParse = manParse'); cfgParse(t); }\n";
  EXPECT_EQ(put_back(build_symbol_table_from_code("ptc.js", eval_code), jsc_at(eval_code, "sh", "); cfgParse")), 0u);
  EXPECT_EQ(table_call(eval_code, "ctl(t) { cfgParse"), -1) << "an eval that sees the binding may assign it for every caller";
  // An eval whose scope has its own cfgParse does not touch the top-level one.
  const std::string eval_shadowed = parsers + "function sh(t) { let cfgParse = 1; eval('cfgParse = 2'); return cfgParse; }\n";
  EXPECT_GE(table_call(eval_shadowed, "ctl(t) { cfgParse"), 0);
  // `with`: a name inside its body may be the object's property.
  const std::string with_code = parsers + "function sh(t) { with ({ cfgParse: manParse }) { cfgParse(t); } }\n";
  EXPECT_EQ(put_back(build_symbol_table_from_code("ptc.js", with_code), jsc_at(with_code, "sh", "}) { cfgParse")), 0u);
  EXPECT_GE(table_call(with_code, "ctl(t) { cfgParse"), 0) << "outside the with body the name is the function";
  // A top-level function of a classic script is a property of the global object.
  for (const std::string& write :
       {std::string("window.cfgParse = manParse;"), std::string("globalThis.cfgParse = manParse;"),
        std::string("self.cfgParse = manParse;"), std::string("this.cfgParse = manParse;"),
        std::string("window['cfgParse'] = manParse;"), std::string("const g = window; g.cfgParse = manParse;"),
        std::string("Object.defineProperty(window, 'cfgParse', { value: manParse });"),
        std::string("Object.assign(window, { cfgParse: manParse });"), std::string("window[name] = manParse;"),
        std::string("(0, eval)('cfgParse = manParse');"), std::string("new Function('cfgParse = manParse')();")}) {
    const std::string code = "'use strict';\n" + parsers + "function sh(t) { cfgParse(t); }\n" + write + "\n";
    EXPECT_EQ(put_back(build_symbol_table_from_code("ptc.js", code), jsc_at(code, "sh", "sh(t) { cfgParse")), 0u) << write;
  }
  // Assignments written without `cfgParse =`.
  for (const std::string& write : {std::string("[cfgParse] = [manParse];"), std::string("({ cfgParse } = { cfgParse: manParse });"),
                                   std::string("for (cfgParse of [manParse]) ;"), std::string("cfgParse = manParse;")}) {
    const std::string code = "'use strict';\n" + parsers + "function sh(t) { cfgParse(t); }\n" + write + "\n";
    EXPECT_EQ(table_call(code, "sh(t) { cfgParse"), -1) << write;
  }
  // What cannot rebind it: the same value written back, another property's write, a module's
  // top-level function (no property of the global object), a function inside a wrapper.
  for (const std::string& code :
       {"'use strict';\n" + parsers + "function sh(t) { cfgParse(t); }\nwindow.cfgParse = cfgParse;\nwindow.other = manParse;\n",
        "'use strict';\n" + parsers + "function sh(t) { cfgParse(t); }\nwindow.cfgParse = manParse;\nexport { sh };\n",
        "(function () { 'use strict';\n" + parsers + "function sh(t) { cfgParse(t); }\nwindow.cfgParse = manParse;\n})();\n"}) {
    EXPECT_GE(table_call(code, "sh(t) { cfgParse"), 0) << code;
    EXPECT_EQ(put_back(build_symbol_table_from_code("ptc.js", code), jsc_at(code, "sh", "sh(t) { cfgParse")), 1u) << code;
  }
}

// Outside attack 1d: `other.total` runs a getter defined with Object.defineProperty (jsc:
// `parse@[native code]` / `readOther@getter.js:6:36`), and the class's `get total()`, taken for
// the only getter of that name, was put back: the two bugs merged.
TEST(TailCalls, GettersDefinedByDescriptorsMakeAPropertyReadUntrusted) {
  const std::string cls =
      "'use strict';\n"
      "class Cart { constructor(s) { this.s = s; } get total() { return JSON.parse(this.s); } }\n";
  const std::string reads =
      "function readCart(c) { const v = c.total; return v; }\n"
      "function readOther(o) { const v = o.total; return v; }\n";
  auto read_at = [&](const std::string& code) {
    return put_back(build_symbol_table_from_code("ptc.js", code), jsc_at(code, "readOther", "const v = o"));
  };
  EXPECT_EQ(read_at(cls + reads), 1u) << "the class's getter alone: put back";
  for (const std::string& define : {
           std::string("Object.defineProperty(other, 'total', { get: function otherTotal() { return JSON.parse(this.s); } });"),
           std::string("Reflect.defineProperty(other, 'total', { get() { return JSON.parse(this.s); } });"),
           std::string("Object.defineProperties(other, { total: { get: () => JSON.parse(other.s) } });"),
           std::string("const o2 = Object.create(null, { 'total': { get: () => JSON.parse('{') } });"),
           std::string("other.__defineGetter__('total', function () { return JSON.parse(this.s); });"),
           std::string("Object.defineProperty(other, key, { get: () => JSON.parse(other.s) });"),
           std::string("var __defProp = Object.defineProperty; __defProp(other, name, { get: all[name], enumerable: true });"),
           std::string("const p = new Proxy({}, { get(t, k) { return JSON.parse(t[k]); } });")}) {
    const std::string code = cls + "const other = { s: '{bad' };\n" + define + "\n" + reads;
    EXPECT_EQ(read_at(code), 0u) << define;
  }
  // A descriptor of another name, or an object with a `get` method that defines nothing.
  for (const std::string& unrelated : {std::string("Object.defineProperty(other, 'count', { get: () => 1 });"),
                                       std::string("const api = { get: (u) => fetch(u), post: (u) => fetch(u) };")}) {
    const std::string code = cls + "const other = { s: '{bad' };\n" + unrelated + "\n" + reads;
    EXPECT_EQ(read_at(code), 1u) << unrelated;
  }
}

// Outside attack 1e: the scan read the script again after a redeploy under the same URL; v2 only
// inserts `function loadC(t) { parseAlpha(t); }` above loadB, so bug B's frame `loadB@…:5:31`
// (jsc, captured from v1) sits at loadC's call of parseAlpha in v2, and parseAlpha was put back:
// bug B took bug A's fingerprint. A table is used only where the frames agree with it.
// jsc -m (2026-12-02), a module whose async function is written on one line, as minifiers write
// every function: the outer frame of the async function resumed after its `await` sits one column
// past its closing brace (3:93; the function ends in column 92), outside its span. That frame
// agrees with the function ending just before it, so R, which JavaScriptCore elided (`return
// JSON.parse(t)`), is put back; a frame of another name there still means other code.
TEST(TailCalls, AnAsyncFunctionsFrameJustPastItsClosingBraceIsInIt) {
  const std::string code =
      "function R(t){return JSON.parse(t)}\n"
      "function w(t){let e=R(t);return e}\n"
      "async function Cn(t){for(let[n,e]of t){try{await w(e),print(\"ok\")}catch(s){print(s.stack)}}}\n"
      "Cn([[1,\"{\"]]);\n";
  const std::string msg = "JSON Parse error: Expected '}'";
  SymbolTable t = build_symbol_table_from_code("ptc.js", code);
  Grouped g = group(t, "SyntaxError", msg,
                    "parse@[native code]\nw@http://h/ptc.js:2:22\nCn@http://h/ptc.js:3:51\nCn@http://h/ptc.js:3:93\n"
                    "module code@http://h/ptc.js:4:3");
  ASSERT_EQ(reconstructed(g), 1u);
  auto put = std::find_if(g.frames.begin(), g.frames.end(), [](const Frame& f) { return f.reconstructed; });
  ASSERT_NE(put, g.frames.end());
  EXPECT_EQ(put->original_function, "R");
  // The same function written over several lines: jsc gives its parameters' position (3:19).
  const std::string lines =
      "function R(t){return JSON.parse(t)}\n"
      "function w(t){let e=R(t);return e}\n"
      "async function Cn(t){\n"
      "for(let[n,e]of t){try{await w(e),print(\"ok\")}catch(s){print(s.stack)}}\n"
      "}\n"
      "Cn([[1,\"{\"]]);\n";
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", lines), "SyntaxError", msg,
                                "parse@[native code]\nw@http://h/ptc.js:2:22\nCn@http://h/ptc.js:4:30\n"
                                "Cn@http://h/ptc.js:3:19\nmodule code@http://h/ptc.js:6:3")),
            1u);
  EXPECT_EQ(reconstructed(group(t, "SyntaxError", msg,
                                "parse@[native code]\nw@http://h/ptc.js:2:22\nCn@http://h/ptc.js:3:51\n"
                                "Other@http://h/ptc.js:3:93\nmodule code@http://h/ptc.js:4:3")),
            0u)
      << "one past the end of Cn, a frame named Other is other code";
}

TEST(TailCalls, NothingIsPutBackFromATableOfOtherCodeThanTheCodeThatRan) {
  const std::string v1 =
      "'use strict';\n"
      "function parseAlpha(t) { return JSON.parse(t); }\n"
      "function parseOmega(t) { return JSON.parse(t); }\n"
      "function loadA(t) { parseAlpha(t); }\n"
      "function loadB(t) { parseOmega(t); }\n"
      "window.TESTS = [['bugB-omega', function () { loadB('{bad'); }], ['bugA-alpha', function () { loadA('{bad'); }]];\n";
  const std::string v2 =
      "'use strict';\n"
      "function parseAlpha(t) { return JSON.parse(t); }\n"
      "function parseOmega(t) { return JSON.parse(t); }\n"
      "function loadA(t) { parseAlpha(t); }\n"
      "function loadC(t) { parseAlpha(t); }\n"
      "function loadB(t) { parseOmega(t); }\n"
      "window.TESTS = [['bugB-omega', function () { loadB('{bad'); }], ['bugA-alpha', function () { loadA('{bad'); }]];\n";
  const std::string jsc_msg = "JSON Parse error: Expected '}'";
  // jsc running v1 (the stacks of the attack's WebKit events).
  const std::string bug_b = "parse@[native code]\nloadB@http://h/ptc.js:5:31\n@http://h/ptc.js:6:51\nglobal code@http://h/index.html:14:45";
  const std::string bug_a = "parse@[native code]\nloadA@http://h/ptc.js:4:31\n@http://h/ptc.js:6:99\nglobal code@http://h/index.html:14:45";
  SymbolTable t1 = build_symbol_table_from_code("ptc.js", v1), t2 = build_symbol_table_from_code("ptc.js", v2);
  Grouped b1 = group(t1, "SyntaxError", jsc_msg, bug_b), a1 = group(t1, "SyntaxError", jsc_msg, bug_a);
  ASSERT_EQ(reconstructed(b1), 1u);
  auto put = std::find_if(b1.frames.begin(), b1.frames.end(), [](const Frame& f) { return f.reconstructed; });
  ASSERT_NE(put, b1.frames.end());
  EXPECT_EQ(put->original_function, "parseOmega") << "the table of the code that ran";
  EXPECT_NE(b1.fingerprint, a1.fingerprint);
  Grouped b2 = group(t2, "SyntaxError", jsc_msg, bug_b), a2 = group(t2, "SyntaxError", jsc_msg, bug_a);
  EXPECT_EQ(reconstructed(b2), 0u) << "v2's 5:31 is in loadC, the frame says loadB";
  EXPECT_NE(b2.fingerprint, a1.fingerprint) << "never bug A's group";
  EXPECT_EQ(reconstructed(a2), 1u) << "loadA did not move: its frame agrees with v2";
  EXPECT_EQ(a2.fingerprint, a1.fingerprint);
  // v2's own stack of bug B (jsc: loadB at 6:31) is put back from v2's table.
  Grouped b2own = group(t2, "SyntaxError", jsc_msg,
                        "parse@[native code]\nloadB@http://h/ptc.js:6:31\n@http://h/ptc.js:7:51\nglobal code@http://h/index.html:14:45");
  EXPECT_EQ(reconstructed(b2own), 1u);
  EXPECT_EQ(b2own.fingerprint, b1.fingerprint);

  // The caller's frame agrees (loadB now calls parseAlpha at the same place) but its own caller
  // landed in another function: every frame of the file is checked, nothing is put back.
  const std::string w1 =
      "'use strict';\n"
      "function parseAlpha(t) { return JSON.parse(t); }\n"
      "function parseOmega(t) { return JSON.parse(t); }\n"
      "function loadB(t) { parseOmega(t); }\n"
      "function runB() { loadB('{bad'); }\n";
  const std::string w2 =
      "'use strict';\n"
      "function parseAlpha(t) { return JSON.parse(t); }\n"
      "function parseOmega(t) { return JSON.parse(t); }\n"
      "function loadB(t) { parseAlpha(t); }\n"
      "function helper() { return 1; }\n"
      "function runB() { loadB('{bad'); }\n";
  const std::string run_b = "parse@[native code]\nloadB@http://h/ptc.js:4:31\nrunB@http://h/ptc.js:5:24\nglobal code@http://h/ptc.js:7:5";
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", w1), "SyntaxError", jsc_msg, run_b)), 1u);
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", w2), "SyntaxError", jsc_msg, run_b)), 0u);
  // JavaScriptCore's top level (`global code`) inside a function of the table: other code too.
  const std::string top = "parse@[native code]\nloadB@http://h/ptc.js:4:31\nglobal code@http://h/ptc.js:5:20";
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", w1), "SyntaxError", jsc_msg, top)), 0u);
  // jsc -m: an anonymous default export's frame is `starDefault`, a function the code leaves unnamed.
  const std::string m1 = w1 + "export default function () { loadB('{bad'); }\n";
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", m1), "SyntaxError", jsc_msg,
                              "parse@[native code]\nloadB@http://h/ptc.js:4:31\nstarDefault@http://h/ptc.js:6:35\nmodule code@http://h/ptc.js:9:1")),
            1u);
  EXPECT_EQ(reconstructed(group(build_symbol_table_from_code("ptc.js", w1 + "loadB('{bad');\n"), "SyntaxError", jsc_msg,
                              "parse@[native code]\nloadB@http://h/ptc.js:4:31\nglobal code@http://h/ptc.js:6:6")),
            1u);
}

// A callback handed to a built-in that tail-calls, as captured on this machine (jsc -m cb.js,
// node cb.mjs, gjs -m cb.mjs; 2026-12-02): `p.split("/").map(decodeSegment)` where decodeSegment
// ends in `return decodeURIComponent(s)` gives jsc `decodeURIComponent@[native code]` /
// `map@[native code]` / `parseRoute@…:3:52` (the `(` after `map`): decodeSegment has no frame.
// Through an arrow, `map((s) => decodeSegment(s))`, the arrow and decodeSegment are both gone.
TEST(TailCalls, ACallbackThatTailCallsIsPutBackUnderTheBuiltInThatCalledIt) {
  std::string code =
      "const out = typeof print === \"function\" ? print : console.log;\n"
      "function decodeSegment(s) { return decodeURIComponent(s); }\n"
      "function parseRoute(p) { const a = p.split(\"/\").map(decodeSegment); return a.length; }\n"
      "function readQuery(p) { const a = p.split(\"&\").map((s) => decodeSegment(s)); return a.length; }\n"
      "function both(p, k) { const a = p.split(\"/\").map(k ? decodeSegment : other); return a; }\n"
      "function other(s) { return decodeURIComponent(s + \"x\"); }\n"
      "function twoCbs(p) { const a = p.split(\"/\").map(decodeSegment, other); return a; }\n";
  JsCallGraph g = scan_call_graph(code);
  ASSERT_EQ(g.callbacks.size(), 3u) << "parseRoute's, readQuery's and twoCbs's map; not both's (an expression)";
  EXPECT_EQ(g.callbacks[0].name, "map");
  EXPECT_EQ(g.callbacks[0].functions, std::vector<int32_t>{scope_named(g, "decodeSegment")});
  SymbolTable table;
  std::string error;
  ASSERT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code("ptc.js", code)), &table, &error)) << error;
  ASSERT_EQ(table.callbacks.size(), 3u);
  const std::string v8_msg = "URI malformed";
  Grouped jsc_route = group(table, "URIError", "URI error",
                            "decodeURIComponent@[native code]\nmap@[native code]\nparseRoute@http://h/ptc.js:3:52\nmodule code@http://h/ptc.js:9:10");
  Grouped jsc_query = group(table, "URIError", "URI error",
                            "decodeURIComponent@[native code]\nmap@[native code]\nreadQuery@http://h/ptc.js:4:51\nmodule code@http://h/ptc.js:9:10");
  Grouped v8_route = group(table, "URIError", v8_msg,
                           "URIError: URI malformed\n    at decodeURIComponent (<anonymous>)\n    at decodeSegment (http://h/ptc.js:2:36)\n"
                           "    at Array.map (<anonymous>)\n    at parseRoute (http://h/ptc.js:3:49)\n    at http://h/ptc.js:8:24");
  Grouped sm_query = group(table, "URIError", "malformed URI sequence",
                           "decodeSegment@http://h/ptc.js:2:36\nreadQuery/a<@http://h/ptc.js:4:72\nreadQuery@http://h/ptc.js:4:48\n@http://h/ptc.js:8:65\n");
  ASSERT_EQ(reconstructed(jsc_route), 1u);
  // Put back where it ran (oldest first): module code, parseRoute, map, decodeSegment, decodeURIComponent.
  ASSERT_EQ(jsc_route.frames.size(), 5u);
  EXPECT_TRUE(jsc_route.frames[2].native);
  EXPECT_TRUE(jsc_route.frames[3].reconstructed);
  EXPECT_EQ(jsc_route.frames[3].original_function, "decodeSegment");
  EXPECT_TRUE(jsc_route.frames[4].native);
  EXPECT_EQ(jsc_route.fingerprint, v8_route.fingerprint) << jsc_route.parts.dump() << "\n" << v8_route.parts.dump();
  EXPECT_EQ(reconstructed(jsc_query), 2u) << "the arrow and decodeSegment";
  EXPECT_EQ(jsc_query.fingerprint, sm_query.fingerprint) << jsc_query.parts.dump();
  // Two callbacks that both reach decodeURIComponent (captured: `twoCbs@…:7:48`): either may
  // have run as far as the code says, so nothing is put back.
  EXPECT_EQ(reconstructed(group(table, "URIError", "URI error",
                                "decodeURIComponent@[native code]\nmap@[native code]\ntwoCbs@http://h/ptc.js:7:48")), 0u);
  // The frame inside is not the site's built-in (`forEach`), or the callback is on the stack.
  EXPECT_EQ(reconstructed(group(table, "URIError", "URI error",
                                "decodeURIComponent@[native code]\nforEach@[native code]\nparseRoute@http://h/ptc.js:3:52")), 0u);
  EXPECT_EQ(reconstructed(group(table, "URIError", "URI error",
                                "decodeURIComponent@[native code]\ndecodeSegment@http://h/ptc.js:2:54\nmap@[native code]\n"
                                "parseRoute@http://h/ptc.js:3:52")), 0u);
  // An inner built-in no callback's tail calls reach.
  EXPECT_EQ(reconstructed(group(table, "SyntaxError", "JSON Parse error: Unexpected EOF",
                                "parse@[native code]\nmap@[native code]\nparseRoute@http://h/ptc.js:3:52")), 0u);

  // A method named like the built-in (the call may be the method's), an argument the code does
  // not fix (a parameter), a function of the code that may be the property: nothing recorded.
  std::string others =
      "function dec(s) { return decodeURIComponent(s); }\n"
      "class L { map(f) { return [1].map(f); } }\n"
      "function a(p) { return [p.split(\"/\").map(dec)]; }\n"
      "function b(p, f) { return [p.split(\"/\").forEach(dec, f)]; }\n"
      "const o = { filter: dec };\n"
      "function c(p) { return [p.split(\"/\").filter(dec)]; }\n"
      "function d(p) { return [p.split(\"/\").some(dec, 1, \"x\", null)]; }\n";
  JsCallGraph og = scan_call_graph(others);
  ASSERT_EQ(og.callbacks.size(), 1u) << "only d's `some`, whose other arguments are literals";
  EXPECT_EQ(og.callbacks[0].name, "some");
}
