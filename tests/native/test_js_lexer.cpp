// The token scanner under the call graph (js_scopes.h): where a `/` starts a regular expression,
// Annex B's HTML-like comments, line terminators as JavaScriptCore counts them, and the doubts
// that make the scanner trust no function rather than read code wrongly. Each case is one an
// outside attack turned into a confident wrong merge of two bugs in WebKitGTK (or its kin): a
// misread hides the real `return JSON.parse(t)` in a string and shows a `return cfgParse(t)`
// written in a comment as the tail call. Positions and stacks are as jsc and node print them on
// this machine for the same code.
#include <gtest/gtest.h>

#include <algorithm>

#include "grouping.h"
#include "js_scopes.h"
#include "stack_parser.h"
#include "symbol_table.h"

using namespace faultline;

namespace {

const std::string kLS = "\xE2\x80\xA8";  // U+2028 LINE SEPARATOR
const std::string kPS = "\xE2\x80\xA9";  // U+2029 PARAGRAPH SEPARATOR

int32_t scope_named(const JsCallGraph& g, const std::string& name) {
  for (size_t i = 0; i < g.scopes.size(); ++i)
    if (g.scopes[i].name_text == name) return static_cast<int32_t>(i);
  return -1;
}
std::vector<std::string> tails_of(const JsCallGraph& g, const std::string& name) {
  std::vector<std::string> out;
  int32_t f = scope_named(g, name);
  EXPECT_GE(f, 0) << name;
  if (f < 0) return out;
  for (const CallTarget& t : g.tails[static_cast<size_t>(f)])
    out.push_back(t.function >= 0 ? "#" + g.scopes[static_cast<size_t>(t.function)].name_text : t.known() ? t.name : "?");
  return out;
}
// The call sites recorded as 1-based "line:col->callee", as JavaScriptCore would print the caller.
std::vector<std::string> calls_of(const JsCallGraph& g) {
  std::vector<std::string> out;
  for (const CallSite& c : g.calls)
    out.push_back(std::to_string(c.pos.line + 1) + ":" + std::to_string(c.pos.column + 1) + "->" +
                  g.scopes[static_cast<size_t>(c.callee)].name_text);
  return out;
}

// Bug A: ctl -> cfgParse -> JSON.parse; bug B: sh -> manParse -> JSON.parse, where manParse's
// body is `body` (it must end in `return JSON.parse(t)`, with a decoy `return cfgParse(t)` in a
// comment that only a misreading scanner sees).
std::string two_bugs(const std::string& body, bool strict = true) {
  return std::string(strict ? "'use strict';\n" : "") +
         "function cfgParse(t) { return JSON.parse(t); }\n"
         "function ctl(t) { cfgParse(t); }\n"
         "function manParse(t) {\n" + body + "\n}\n"
         "function sh(t) { manParse(t); }\n";
}
const std::vector<std::string> kParse{"parse"};

struct Grouped {
  std::string fingerprint;
  size_t reconstructed = 0;
  std::string reconstructed_name;
};
Grouped group(const SymbolTable& table, const std::string& value, const std::string& stack) {
  ExceptionInput x;
  x.type = "SyntaxError";
  x.value = value;
  x.frames = parse_stack(stack, value).frames;
  resolve_and_classify(x.frames, [&](const Frame& f) { return f.filename.find("run.js") != std::string::npos ? &table : nullptr; },
                       GroupingOptions{});
  GroupingResult g = compute_grouping({x}, GroupingOptions{});
  Grouped out{g.fingerprint, 0, ""};
  for (const Frame& f : x.frames)
    if (f.reconstructed) {
      ++out.reconstructed;
      out.reconstructed_name = f.function;
    }
  return out;
}
const std::string kJscMsg = "JSON Parse error: Expected '}'";
const std::string kV8Msg = "Expected property name or '}' in JSON at position 1";

}  // namespace

// `if (t) /"/.test(t); return JSON.parse(t); // "; return cfgParse(t);` read the regex as a
// division: its `"` opened a string that hid the real return, and the comment's became the tail.
TEST(JsLexer, ASlashAfterTheHeadOfIfWhileForOrWithStartsARegularExpression) {
  const std::string decoy = "/\"/.test(t); return JSON.parse(t); // \"; return cfgParse(t);";
  for (const std::string& head : {"if (t) ", "while (false) ", "for (;false;) ", "for (const k of [1]) ",
                                  "for (const k in {}) ", "do ; while (false) ", "if (!t) {} else "}) {
    JsCallGraph g = scan_call_graph(two_bugs("  " + head + decoy));
    EXPECT_EQ(tails_of(g, "manParse"), kParse) << head;
    EXPECT_TRUE(g.misread.empty()) << head << g.misread;
  }
  // `with` (sloppy code only; a function using `with` is untrusted anyway, but the decoy is no tail).
  JsCallGraph with = scan_call_graph(two_bugs("  with (Math) " + decoy, false));
  std::vector<std::string> with_tails = tails_of(with, "manParse");
  EXPECT_EQ(std::find(with_tails.begin(), with_tails.end(), "#cfgParse"), with_tails.end());
  // A method that happens to be named like the keyword is a call: its `)` ends an expression.
  JsCallGraph method = scan_call_graph(two_bugs("  const q = t.if(t) / 2; return JSON.parse(t); // /"));
  EXPECT_EQ(tails_of(method, "manParse"), kParse);
}

TEST(JsLexer, ASlashAfterTheBraceEndingAStatementStartsARegularExpression) {
  const std::string decoy = "/\"/.test(t); return JSON.parse(t); // \"; return cfgParse(t);";
  for (const std::string& statement :
       {"{}", "function inner() {}", "class K {}", "if (t) {}", "if (!t) {} else {}", "try {} catch (e) {}",
        "try {} finally {}", "switch (t) {}", "lbl: {}", "while (false) {}", "for (;false;) {}", "{ const o = {}; }",
        "const f = () => {}\n", "switch (t) { case 1: {} }"}) {
    JsCallGraph g = scan_call_graph(two_bugs("  " + statement + "\n  " + decoy));
    EXPECT_EQ(tails_of(g, "manParse"), kParse) << statement;
  }
}

TEST(JsLexer, ASlashAfterAnExpressionIsADivision) {
  // The regular expression reading would hide the return in `/ 2; return JSON.parse(t); /`.
  for (const std::string& expression :
       {"const q = {valueOf() { return 4; }} / 2", "const q = {}\n  / 2", "const q = function () { return 4; } / 2",
        "const q = class {} / 2", "const q = t ? {} : {}\n  / 2", "const q = (t) / 2", "const q = [t][0] / 2",
        "let i = 1; const q = i++ / 2", "const q = t.return / 2", "const q = t.typeof / 2", "const q = `${t}` / 2",
        "const of = 4; const q = of / 2"}) {
    JsCallGraph g = scan_call_graph(two_bugs("  " + expression + "; return JSON.parse(t); // /"));
    EXPECT_EQ(tails_of(g, "manParse"), kParse) << expression;
  }
  // `yield` is a name outside generators (sloppy code).
  JsCallGraph sloppy = scan_call_graph(two_bugs("  var yield = 4; var q = yield / 2; return JSON.parse(t); // /", false));
  EXPECT_EQ(tails_of(sloppy, "manParse"), kParse);
}

TEST(JsLexer, YieldAwaitAndOfAreKeywordsWhereTheGrammarMakesThem) {
  // A `"}` in the literal would close the function early if read as a division and a string.
  std::string code =
      "'use strict';\n"
      "function* gen(t) { yield /\"}/.test(t); }\n"
      "async function load(t) { await /\"}/.test(t); }\n"
      "const arrow = async (t) => await /\"}/.test(t);\n"
      "function loop(t) { for (const m of /\"}/.exec(t)) {} }\n"
      "function after(t) { return JSON.parse(t); }\n";
  JsCallGraph g = scan_call_graph(code);
  for (const char* name : {"gen", "load", "loop"}) {
    int32_t f = scope_named(g, name);
    ASSERT_GE(f, 0) << name;
    EXPECT_EQ(g.scopes[static_cast<size_t>(f)].end.line, g.scopes[static_cast<size_t>(f)].start.line) << name;
  }
  EXPECT_EQ(tails_of(g, "after"), kParse);
  EXPECT_EQ(g.scopes[static_cast<size_t>(scope_named(g, "after"))].start.line, 5u) << "a top-level function";
}

// JavaScriptCore ignores a `<!--` line of a classic script and runs the code after a U+2028 in a
// `//` comment; the scanner did the opposite (jsc: `sh@run.js:9:26` is manParse's call; node
// shows manParse there, so JavaScriptCore's put-back frame must be manParse, never cfgParse).
TEST(JsLexer, HtmlLikeCommentsOfClassicScriptsAndLineSeparatorsEndingCommentsGroupAsTheEngineRunsThem) {
  std::string code = "'use strict';\nfunction cfgParse(t) { return JSON.parse(t); }\nfunction ctl(t) { cfgParse(t); }\n"
                     "function manParse(t) {\n<!-- return cfgParse(t);\n  // " + kLS + " return JSON.parse(t);\n}\n"
                     "function sh(t) { manParse(t); }\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(tails_of(g, "manParse"), kParse);
  EXPECT_TRUE(g.misread.empty()) << "after `{` a module could not read `<!--` as operators: " << g.misread;
  SymbolTable table = build_symbol_table_from_code("run.js", code);
  Grouped jsc_a = group(table, kJscMsg, "parse@[native code]\nctl@http://h/run.js:3:27\nglobal code@http://h/run.js:10:10");
  Grouped jsc_b = group(table, kJscMsg, "parse@[native code]\nsh@http://h/run.js:9:26\nglobal code@http://h/run.js:10:9");
  Grouped v8_a = group(table, kV8Msg, "SyntaxError: " + kV8Msg + "\n    at JSON.parse (<anonymous>)\n    at cfgParse (http://h/run.js:2:36)\n"
                                      "    at ctl (http://h/run.js:3:19)\n    at http://h/run.js:10:7");
  Grouped v8_b = group(table, kV8Msg, "SyntaxError: " + kV8Msg + "\n    at JSON.parse (<anonymous>)\n    at manParse (http://h/run.js:7:14)\n"
                                      "    at sh (http://h/run.js:9:18)\n    at http://h/run.js:10:7");
  EXPECT_EQ(jsc_b.reconstructed_name, "manParse");
  EXPECT_NE(jsc_a.fingerprint, jsc_b.fingerprint) << "two bugs";
  EXPECT_EQ(jsc_a.fingerprint, v8_a.fingerprint);
  EXPECT_EQ(jsc_b.fingerprint, v8_b.fingerprint);
}

TEST(JsLexer, HtmlLikeCommentsAreCommentsInClassicScriptsOnly) {
  // `-->` first on a line (after spaces or a comment) is a comment; elsewhere it is `--` `>`.
  std::string close = two_bugs("  return JSON.parse(t);\n  --> return cfgParse(t);\n /* c */ --> return cfgParse(t);") +
                      "function late(t) { let x = 1; x --> 0; return JSON.parse(t); }\n";
  JsCallGraph g = scan_call_graph(close);
  EXPECT_EQ(tails_of(g, "manParse"), kParse);
  EXPECT_EQ(tails_of(g, "late"), kParse);
  // `y <!--x` is `y < !(--x)` in a module, a comment in a classic script: given, each is read so.
  std::string mid = two_bugs("  let y = 1; y = y <!-- y; return cfgParse(t);\n  return JSON.parse(t);");
  EXPECT_EQ(tails_of(scan_call_graph(mid, ScriptKind::Classic), "manParse"), kParse);
  EXPECT_EQ(tails_of(scan_call_graph(mid, ScriptKind::Module), "manParse"), (std::vector<std::string>{"#cfgParse", "parse"}));
  // Not given, and both readings possible: a doubt, and no function is trusted.
  JsCallGraph unknown = scan_call_graph(mid);
  EXPECT_FALSE(unknown.misread.empty());
  for (const char* f : {"cfgParse", "manParse", "ctl", "sh"}) {
    std::vector<std::string> t = tails_of(unknown, f);
    EXPECT_NE(std::find(t.begin(), t.end(), "?"), t.end()) << f;
  }
  // An `import` declaration says it is a module.
  JsCallGraph module = scan_call_graph("import { x } from './x.js';\n" + mid.substr(mid.find('\n') + 1));
  EXPECT_TRUE(module.misread.empty()) << module.misread;
  EXPECT_EQ(tails_of(module, "manParse"), (std::vector<std::string>{"#cfgParse", "parse"}));
}

// Positions as jsc reports them for the callers of g (`fN@run.js:L:C`).
TEST(JsLexer, LineTerminatorsAndSpacesCountAsJavaScriptCoreCountsThem) {
  std::string code = "\"use strict\";\nfunction g(t) { throw new Error(\"g\"); }\n"
                     "function f1(t) { const s = \"a" + kLS + "b\"; g(t); }\n"
                     "function f2(t) { const s = \"a" + kPS + "b\"; g(t); }\n"
                     "function f3(t) { // c" + kLS + " g(t);\n}\n"
                     "function f4(t) { /* " + kPS + " */ g(t); }\n"
                     "function f5(t) { const s = `" + kLS + "`; g(t); }\n"
                     "function f6(t) { const s = \"a\\" + kLS + "b\"; g(t); }\n"
                     "function f7(t) { const s = `\r\n`; g(t); }\n"
                     "function f8(t) { const s = `\r`; g(t); }\n"
                     "function f9(t) {\xEF\xBB\xBF\xC2\xA0g(t); }\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(calls_of(g), (std::vector<std::string>{"3:36->g", "4:36->g", "6:3->g", "9:6->g", "11:5->g", "13:6->g", "15:5->g",
                                                   "17:5->g", "18:20->g"}));
  EXPECT_EQ(g.scopes.size(), 10u);
}

TEST(JsLexer, KeywordsWrittenAsPropertyNamesStartNoFunctionOrClass) {
  std::string code = two_bugs("  const o = { function: t, class: 'a', b: { c: 1 } };\n"
                              "  const k = class { function() { return 1; } };\n"
                              "  if (o) /\"/.test(t); return JSON.parse(t); // \"; return cfgParse(t);");
  JsCallGraph g = scan_call_graph(code);
  EXPECT_EQ(tails_of(g, "manParse"), kParse);
  std::vector<std::string> names;
  for (const FunctionScope& s : g.scopes) names.push_back(s.has_name ? s.name_text : "?");
  EXPECT_EQ(names, (std::vector<std::string>{"cfgParse", "ctl", "manParse", "function", "sh"}));
}

TEST(JsLexer, IdentifiersWrittenWithEscapesAreADoubt) {
  // `\u0063fgParse` is cfgParse to the engine; the scanner compares names as written.
  JsCallGraph g = scan_call_graph(two_bugs("  var \\u0063fgParse = JSON.parse;\n  return JSON.parse(t);", false));
  EXPECT_FALSE(g.misread.empty());
  std::vector<std::string> t = tails_of(g, "ctl");
  EXPECT_NE(std::find(t.begin(), t.end(), "?"), t.end());
}

// The declarations the resolver binds: `function` after a line break that ends a statement (ASI)
// is a declaration, and its `}` ends a statement; `foo(x)` then a block is no method.
TEST(JsLexer, DeclarationsWithoutSemicolonsAreDeclarations) {
  std::string code = "const a = 1\nfunction ok(t) { return JSON.parse(t) }\nlet b = a\n"
                     "function done(t) { return ok(t) }\ndone(b)\n{\n  done(b)\n}\n";
  JsCallGraph g = scan_call_graph(code);
  EXPECT_TRUE(g.scopes[static_cast<size_t>(scope_named(g, "ok"))].declaration);
  EXPECT_EQ(tails_of(g, "done"), (std::vector<std::string>{"#ok"}));
  EXPECT_EQ(g.scopes.size(), 2u) << "the block after `done(b)` is no method";
}

#include "code_table.h"

// The outside attack's `longdata` (a hand-written script with one 22 KB object literal line and a
// 3 KB template line: refused, so its two bugs merged in WebKitGTK) and `minwrap` (esbuild
// --minify of a classic script, a line break before each top-level function: accepted, its
// nested names mangled).
TEST(CodeTable, LongDataLinesAreAcceptedAndWrappedMinifiedCodeIsRefused) {
  std::string data = "'use strict';\nconst ICONS = {";
  for (int i = 0; i < 300; ++i) data += " icon" + std::to_string(i) + ": { w: " + std::to_string(i) + ", path: \"M0 0L1 1Z\" },";
  data += " };\nconst TEMPLATE = `";
  for (int i = 0; i < 60; ++i) data += "<div class=\"row\"><span>${" + std::to_string(i) + "}</span></div>";
  data += "`;\nfunction parseConfig(text) { return JSON.parse(text); }\nfunction parseManifest(text) { return JSON.parse(text); }\n"
          "function initApp(a, b) { parseConfig(a); parseManifest(b); }\n";
  CodeTable hand = scan_code_table("app.js", data);
  EXPECT_TRUE(hand.refused.empty()) << hand.refused;
  EXPECT_FALSE(hand.table.empty());

  std::string wrapped = "\"use strict\";";
  for (int i = 0; i < 20; ++i)
    wrapped += "function handlerNumber" + std::to_string(i) + "(n){return n.split(\",\").map(function(t){return t.trim()+" +
               std::to_string(i) + "}).join(\";\")}\n";
  wrapped += "function parseConfig(n){return(function(t){return JSON.parse(t)})(n)}\nfunction parseManifest(n){return JSON.parse(n)}\n"
             "function initApp(n,e){parseConfig(n),parseManifest(e)}\n";
  EXPECT_EQ(scan_code_table("app.js", wrapped).refused.rfind("minified: ", 0), 0u) << scan_code_table("app.js", wrapped).refused;
  // All on one line: the functions are on a long line.
  std::string one_line = wrapped;
  std::replace(one_line.begin(), one_line.end(), '\n', ';');
  EXPECT_NE(scan_code_table("app.js", one_line).refused.find("functions are on lines over 500"), std::string::npos);
  // Hand-written code with short parameters but named locals is not a minifier's.
  std::string terse = "'use strict';\n";
  for (int i = 0; i < 20; ++i)
    terse += "function handler" + std::to_string(i) + "(e, x) {\n  const items = e.split(',');\n  return items.map((v) => v + x);\n}\n";
  EXPECT_TRUE(scan_code_table("app.js", terse).refused.empty()) << scan_code_table("app.js", terse).refused;
  // A script whose reading is in doubt is refused with the scanner's reason.
  EXPECT_EQ(scan_code_table("app.js", "var y = 1; y = y <!-- y;\nfunction loadConfig(t) { return parseText(t); }\n").refused.rfind("unreadable: ", 0), 0u);
  // Told it is a classic script, the `<!--` is a comment and the table is built.
  EXPECT_TRUE(scan_code_table("app.js", "var y = 1; y = y <!-- y;\nfunction loadConfig(t) { return parseText(t); }\n", 8u << 20, ScriptKind::Classic).refused.empty());
}
