#include <gtest/gtest.h>

#include <chrono>
#include <string>


#include "stack_parser.h"

using faultline::Frame;
using faultline::parse_stack;

namespace {
std::vector<std::string> functions(const std::vector<Frame>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.function);
  return out;
}
}  // namespace

// Captured from node 20 (V8), gjs (SpiderMonkey) and jsc (JavaScriptCore) on this machine, same source.
const char* kNodeStack =
    "TypeError: Cannot read properties of null (reading 'includes')\n    at isAllowed (/tmp/fault.js:1:44)\n"
    "    at /tmp/fault.js:2:63\n    at Array.map (<anonymous>)\n    at render (/tmp/fault.js:2:37)\n"
    "    at onClick (/tmp/fault.js:3:29)\n    at Object.<anonymous> (/tmp/fault.js:5:7)\n"
    "    at Module._compile (node:internal/modules/cjs/loader:1521:14)";
const char* kGjsStack = "isAllowed@fault.js:1:27\nrender/<@fault.js:2:63\nrender@fault.js:2:37\nonClick@fault.js:3:29\n@fault.js:5:7\n";
const char* kJscStack = "isAllowed@fault.js:1:43\n@fault.js:2:72\nmap@[native code]\nrender@fault.js:2:40\nonClick@fault.js:3:35\nglobal code@fault.js:5:14";

TEST(StackParser, V8FramesComeOldestFirstWithThrowSiteLast) {
  auto p = parse_stack(kNodeStack, "Cannot read properties of null (reading 'includes')");
  ASSERT_EQ(p.frames.size(), 7u);
  EXPECT_EQ(p.frames.back().function, "isAllowed");
  EXPECT_EQ(p.frames.back().filename, "/tmp/fault.js");
  EXPECT_EQ(p.frames.back().abs_path, "/tmp/fault.js");
  EXPECT_EQ(p.frames.back().lineno, 1);
  EXPECT_EQ(p.frames.back().colno, 44);
  EXPECT_EQ(p.frames[0].function, "Module._compile");
  EXPECT_EQ(p.frames[0].filename, "node:internal/modules/cjs/loader");
  const Frame& anon = p.frames[p.frames.size() - 2];
  EXPECT_EQ(anon.function, "?");
  const Frame& native = p.frames[p.frames.size() - 3];
  EXPECT_EQ(native.filename, "<anonymous>");
  EXPECT_TRUE(native.native);
}

TEST(StackParser, SpiderMonkeyAndJscShellStacksParse) {
  auto g = parse_stack(kGjsStack);
  EXPECT_EQ(functions(g.frames), (std::vector<std::string>{"?", "onClick", "render", "render/<", "isAllowed"}));
  auto j = parse_stack(kJscStack);
  EXPECT_EQ(functions(j.frames), (std::vector<std::string>{"global code", "onClick", "render", "map", "?", "isAllowed"}));
  EXPECT_TRUE(j.frames[3].native);
  EXPECT_EQ(j.frames.back().lineno, 1);
  EXPECT_EQ(j.frames.back().colno, 43);
}

TEST(StackParser, FramesPrintedAsAtNameLocationAreMarkedAsV8Form) {
  // Grouping reads it: V8 prints a class's method with its class, so a bare name in this form is
  // a plain function; SpiderMonkey and JavaScriptCore print a method's bare name.
  for (const Frame& f : parse_stack(kNodeStack).frames) EXPECT_TRUE(f.at_form) << f.function;
  for (const char* other : {kGjsStack, kJscStack})
    for (const Frame& f : parse_stack(other).frames) EXPECT_FALSE(f.at_form) << f.function;
}

TEST(StackParser, V8EvalFrameUsesTheCallSiteOfEval) {
  auto p = parse_stack("Error: x\n    at eval (eval at run (https://a.example/app.js:10:5), <anonymous>:1:7)\n"
                       "    at new Function (<anonymous>)\n    at run (https://a.example/app.js:10:5)");
  ASSERT_EQ(p.frames.size(), 3u);
  EXPECT_EQ(p.frames.back().function, "eval");
  EXPECT_EQ(p.frames.back().filename, "https://a.example/app.js");
  EXPECT_EQ(p.frames.back().lineno, 10);
  EXPECT_TRUE(p.frames.back().eval);
  EXPECT_EQ(p.frames[1].function, "new Function");
}

TEST(StackParser, FirefoxFunctionConstructorFrameIsEval) {
  auto p = parse_stack("anonymous@https://a.example/app.js line 3 > Function:1:7\nrun@https://a.example/app.js:3:9\n");
  ASSERT_EQ(p.frames.size(), 2u);
  EXPECT_TRUE(p.frames.back().eval);
  EXPECT_EQ(p.frames.back().lineno, 3);
  EXPECT_EQ(p.frames.back().colno, -1);
}

TEST(StackParser, AsyncAndConstructorFramesKeepTheirNames) {
  auto p = parse_stack("Error: x\n    at new Widget (https://a/w.js:1:2)\n    at async load (https://a/w.js:5:3)\n"
                       "    at async https://a/w.js:9:1");
  EXPECT_EQ(functions(p.frames), (std::vector<std::string>{"?", "async load", "new Widget"}));
}

TEST(StackParser, ExtensionBlobWebpackAndFileUrlsAreKeptVerbatim) {
  auto p = parse_stack(
      "Error\n    at a (chrome-extension://abcdefgh/content.js:1:2)\n    at b (moz-extension://1234-5678/x.js:3:4)\n"
      "    at c (blob:https://a.example/0f1e-22:5:6)\n    at d (webpack:///./src/app.tsx?:7:8)\n"
      "    at e (file:///C:/app/index.html:9:10)");
  ASSERT_EQ(p.frames.size(), 5u);
  EXPECT_EQ(p.frames[4].filename, "chrome-extension://abcdefgh/content.js");
  EXPECT_EQ(p.frames[3].filename, "moz-extension://1234-5678/x.js");
  EXPECT_EQ(p.frames[2].filename, "blob:https://a.example/0f1e-22");
  EXPECT_EQ(p.frames[1].filename, "webpack:///./src/app.tsx?");
  EXPECT_EQ(p.frames[0].filename, "file:///C:/app/index.html");
  auto s = parse_stack("f@safari-web-extension://ABC/script.js:1:2\n");
  EXPECT_EQ(s.frames[0].filename, "safari-web-extension://ABC/script.js");
}

TEST(StackParser, DataUrlFramesNameTheMimeTypeAndAreNotInApp) {
  auto p = parse_stack("Error\n    at f (data:text/javascript,throw new Error(1):1:7)");
  ASSERT_EQ(p.frames.size(), 1u);
  EXPECT_EQ(p.frames[0].filename, "<data:text/javascript>");
  EXPECT_FALSE(p.frames[0].in_app);
}

TEST(StackParser, DataUrlFramesKeepTheMediaTypeParametersUpToTheFirstComma) {
  // As Sentry's Chrome line parser names them: "data:" up to the first comma.
  auto p = parse_stack("Error\n    at f (data:text/javascript;base64,dGhyb3cgbmV3IEVycm9yKCk=:1:7)\n"
                       "    at g (data:application/javascript;charset=utf-8;base64,eDs=:2:3)\n"
                       "    at h (data:text/javascript,a;b,c:3:1)");
  ASSERT_EQ(p.frames.size(), 3u);
  EXPECT_EQ(p.frames[0].filename, "<data:text/javascript>");
  EXPECT_EQ(p.frames[1].filename, "<data:application/javascript;charset=utf-8;base64>");
  EXPECT_EQ(p.frames[2].filename, "<data:text/javascript;base64>");
  for (const auto& f : p.frames) {
    EXPECT_FALSE(f.in_app);
    EXPECT_EQ(f.lineno, -1);
  }
}

TEST(StackParser, GarbageYieldsNoFramesWithoutCrashing) {
  for (const char* junk : {"", "\n\n\n", "hello world", "@@@@", "at", "at ()", "at (((((", ":::::", "))))((((",
                           "fn@", "@:1:2x", "at f (eval at (", "Line x of linked script", "\xff\xfe\x00garbage"}) {
    auto p = parse_stack(junk);
    for (const auto& f : p.frames) EXPECT_GE(f.lineno, -1);
  }
  auto p = parse_stack("this is just\na message\nwith no frames at all");
  EXPECT_TRUE(p.frames.empty());
  EXPECT_EQ(p.lines_skipped, p.lines_total);
}

TEST(StackParser, MultiLineMessageHeaderIsNotMistakenForFrames) {
  auto p = parse_stack("Error: first line\nsecond@line:3\n    at f (https://a/b.js:1:2)", "first line\nsecond@line:3");
  ASSERT_EQ(p.frames.size(), 1u);
  EXPECT_EQ(p.frames[0].function, "f");
}

// The message's lines are looked for at the stack's top through the first line's first
// kMaxLineLength bytes only: a whole-line search cost the line's length times the message's
// (a 256 KB line and a 4 KB message took 11 s in the WASM core; the attack report's A1).
TEST(StackParser, MessageHeaderSearchIsBoundedOnAHugeFirstLine) {
  std::string msg = std::string(8000, 'x') + "y\nsecond@line:3";
  std::string stack = std::string(4 * 1024 * 1024, 'x') + "\n    at f (https://a/b.js:1:2)";
  auto t0 = std::chrono::steady_clock::now();
  auto p = parse_stack(stack, msg);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 2.0) << "the old whole-line search needs about 4M x 8K byte comparisons";
  ASSERT_EQ(p.frames.size(), 1u);
  // The header is still recognised where engines put it ("Name: message"), lines of it skipped.
  auto h = parse_stack("CustomError: " + msg + "\n    at f (https://a/b.js:1:2)", msg);
  ASSERT_EQ(h.frames.size(), 1u);
  EXPECT_EQ(h.frames[0].function, "f");
  EXPECT_EQ(h.lines_skipped, 0u);
  auto late = parse_stack(std::string(1100, ' ') + "first\nsecond@line:3\n    at f (https://a/b.js:1:2)", "first\nsecond@line:3");
  EXPECT_EQ(late.frames.size(), 2u) << "a message found past the first KiB is not the header (its second line reads as a frame)";
}

TEST(StackParser, KeepsAtMostMaxFramesNearestTheThrowSite) {
  std::string s = "RangeError: Maximum call stack size exceeded\n";
  for (int i = 0; i < 500; ++i) s += "    at f" + std::to_string(i) + " (https://a/b.js:" + std::to_string(i + 1) + ":1)\n";
  auto p = parse_stack(s);
  ASSERT_EQ(p.frames.size(), faultline::kMaxFrames);
  EXPECT_TRUE(p.truncated);
  EXPECT_EQ(p.frames.back().function, "f0");
}

TEST(StackParser, TenMegabyteStackYieldsBoundedFrames) {
  std::string line(5 * 1024 * 1024, 'x');
  std::string s = "Error: big\n    at f (https://a/" + line + ".js:1:2)\n" + std::string(5 * 1024 * 1024, '\n') + "junk";
  auto p = parse_stack(s);
  ASSERT_EQ(p.frames.size(), 1u);
  EXPECT_LE(p.frames[0].filename.size(), faultline::kMaxLineLength);
}

TEST(StackParser, HugeLineNumbersClampInsteadOfOverflowing) {
  auto p = parse_stack("Error\n    at f (https://a/b.js:99999999999999999999:88888888888888)");
  ASSERT_EQ(p.frames.size(), 1u);
  EXPECT_GT(p.frames[0].lineno, 0);
  EXPECT_GT(p.frames[0].colno, 0);
}

TEST(StackParser, OperaStacktracePropertyIsPreferredOverStack) {
  auto p = parse_stack("f([arguments not available])@http://a/b.js:3\n", "m",
                       "Error thrown at line 3, column 9 in f(x) in http://a/b.js:\n    x.y();\n"
                       "called from line 7, column 2 in http://a/b.js:\n    f(1);");
  ASSERT_EQ(p.frames.size(), 2u);
  EXPECT_EQ(p.frames.back().function, "f");
  EXPECT_EQ(p.frames.back().colno, 9);
  EXPECT_EQ(p.frames[0].function, "?");
}
