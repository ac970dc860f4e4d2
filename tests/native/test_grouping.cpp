#include <gtest/gtest.h>

#include <set>

#include "grouping.h"
#include "stack_parser.h"

using namespace faultline;

namespace {
ExceptionInput ex(const std::string& type, const std::string& value, const std::string& stack) {
  ExceptionInput x;
  x.type = type;
  x.value = value;
  x.frames = parse_stack(stack, value).frames;
  GroupingOptions o;
  classify_frames(x.frames, o);
  return x;
}
std::string fp(const ExceptionInput& x) { return compute_grouping({x}, GroupingOptions{}).fingerprint; }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// Captured on this machine from node 20 (V8), gjs (SpiderMonkey) and jsc (JavaScriptCore):
// loadCart() reads .items of a null cart, reached from onBuy() and from viaTimer().
const char* kV8OnBuy = "TypeError: Cannot read properties of null (reading 'items')\n    at loadCart (/tmp/fault2.js:2:44)\n"
                       "    at checkout (/tmp/fault2.js:3:34)\n    at onBuy (/tmp/fault2.js:4:27)\n    at grab (/tmp/fault2.js:9:26)\n"
                       "    at Object.<anonymous> (/tmp/fault2.js:10:1)\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)";
const char* kV8ViaTimer = "TypeError: Cannot read properties of null (reading 'items')\n    at loadCart (/tmp/fault2.js:2:44)\n"
                          "    at checkout (/tmp/fault2.js:3:34)\n    at viaTimer (/tmp/fault2.js:5:30)\n    at grab (/tmp/fault2.js:9:26)\n"
                          "    at Object.<anonymous> (/tmp/fault2.js:10:14)";
const char* kSmOnBuy = "loadCart@/tmp/fault2.js:2:27\ncheckout@/tmp/fault2.js:3:34\nonBuy@/tmp/fault2.js:4:27\ngrab@/tmp/fault2.js:9:26\n@/tmp/fault2.js:10:5\n";
const char* kJscOnBuy = "loadCart@/tmp/fault2.js:2:43\ncheckout@/tmp/fault2.js:3:42\nonBuy@/tmp/fault2.js:4:35\ngrab@/tmp/fault2.js:9:27\nglobal code@/tmp/fault2.js:10:5";
// An anonymous map() callback calling the same reader with an undefined cart.
const char* kV8Anon = "TypeError: Cannot read properties of undefined (reading 'items')\n    at loadCart (/tmp/fault2.js:2:44)\n"
                      "    at /tmp/fault2.js:11:53\n    at Array.map (<anonymous>)\n    at /tmp/fault2.js:11:27\n";
const char* kSmAnon = "loadCart@/tmp/fault2.js:2:27\n@/tmp/fault2.js:11:53\n@/tmp/fault2.js:11:27\ngrab@/tmp/fault2.js:9:26\n";
}  // namespace

TEST(Grouping, NullReadFromThreeEnginesGroupsTogether) {
  std::string v8 = fp(ex("TypeError", "Cannot read properties of null (reading 'items')", kV8OnBuy));
  std::string sm = fp(ex("TypeError", "user.cart is null", kSmOnBuy));
  std::string jsc = fp(ex("TypeError", "null is not an object (evaluating 'user.cart.items')", kJscOnBuy));
  EXPECT_EQ(v8, sm);
  EXPECT_EQ(v8, jsc);
  std::string ff = fp(ex("TypeError", "can't access property \"items\", user.cart is null", kSmOnBuy));
  EXPECT_EQ(v8, ff) << "Firefox ESR's long form too";
  EXPECT_EQ(v8.rfind("fl1:", 0), 0u);
  EXPECT_EQ(v8.size(), 36u);
}

TEST(Grouping, SameThrowSiteThroughDifferentCallPathsIsOneBug) {
  EXPECT_EQ(fp(ex("TypeError", "Cannot read properties of null (reading 'items')", kV8OnBuy)),
            fp(ex("TypeError", "Cannot read properties of null (reading 'items')", kV8ViaTimer)));
  EXPECT_EQ(fp(ex("TypeError", "Cannot read properties of undefined (reading 'items')", kV8Anon)),
            fp(ex("TypeError", "user.cart is undefined", kSmAnon)));
}

TEST(Grouping, HashedBundleRenameAndShiftedLinesKeepFingerprint) {
  std::string a = replace_all(kV8OnBuy, "/tmp/fault2.js", "https://shop.example/assets/index-BnRzX8aF.js");
  std::string b = replace_all(replace_all(kV8OnBuy, "/tmp/fault2.js", "https://shop.example/assets/index-Cq9w2LmP.js"), ":2:44", ":7:12");
  std::string c = replace_all(kV8OnBuy, "/tmp/fault2.js", "https://cdn.example/static/js/index.3f2a1b9c.chunk.min.js?v=42");
  std::string msg = "Cannot read properties of null (reading 'items')";
  EXPECT_EQ(fp(ex("TypeError", msg, a)), fp(ex("TypeError", msg, b)));
  EXPECT_EQ(normalize_file("https://shop.example/assets/index-BnRzX8aF.js"), "index.js");
  EXPECT_EQ(normalize_file("https://cdn.example/static/js/main.3f2a1b9c.chunk.js?x=1#y"), "main.chunk.js");
  EXPECT_EQ(normalize_file("https://cdn.example/v1.2.3/app.min.js"), "app.js");
  EXPECT_EQ(normalize_file("https://cdn.example/123.js"), "<chunk>.js");
  EXPECT_EQ(normalize_file("/tmp/fault2.js"), "fault2.js");
  EXPECT_EQ(normalize_file("react-dom.development.js"), "react.dom.development.js");
}

TEST(Grouping, DifferentFunctionsWithTheSameMessageAreDifferentBugs) {
  std::string msg = "Cannot read properties of null (reading 'items')";
  std::string other = replace_all(kV8OnBuy, "at loadCart", "at loadWishlist");
  EXPECT_NE(fp(ex("TypeError", msg, kV8OnBuy)), fp(ex("TypeError", msg, other)));
}

TEST(Grouping, DifferentTemplatesNeverMergeButParametersDo) {
  const char* stack = "Error\n    at validate (https://a.example/app.js:3:9)\n    at submit (https://a.example/app.js:9:3)";
  EXPECT_NE(fp(ex("ValidationError", "city invalid", stack)), fp(ex("ValidationError", "user invalid", stack)));
  EXPECT_EQ(fp(ex("ValidationError", "order 17 invalid", stack)), fp(ex("ValidationError", "order 912 invalid", stack)));
  EXPECT_NE(fp(ex("ValidationError", "order 17 invalid", stack)), fp(ex("ValidationError", "order 17 missing", stack)));
  EXPECT_NE(fp(ex("ValidationError", "city invalid", stack)), fp(ex("TypeError", "city invalid", stack)));
}

TEST(Grouping, ParameterizationKeepsTheTemplate) {
  EXPECT_EQ(parameterize_message("order 17 invalid"), "order <num> invalid");
  EXPECT_EQ(parameterize_message("user a.b@example.com not found (id=1234)"), "user <email> not found (id=<num>)");
  EXPECT_EQ(parameterize_message("GET https://api.example/v1/items?id=9 failed"), "GET <url> failed");
  EXPECT_EQ(parameterize_message("session 3f2a1b9c7d expired at 2024-11-02T10:11:12Z"), "session <hex> expired at <date>");
  EXPECT_EQ(parameterize_message("no route to 10.0.0.12"), "no route to <ip>");
  EXPECT_EQ(parameterize_message("item 0b6f8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b gone"), "item <uuid> gone");
  EXPECT_EQ(parameterize_message("Field 'email' can't be empty"), "Field <str> can't be empty");
  EXPECT_EQ(parameterize_message("took 1.5s, limit -3"), "took <num>s, limit <num>");
}

TEST(Grouping, EngineWordingsVerifiedOnThisMachineCanonicalize) {
  // Each row: V8 (node 20), SpiderMonkey (gjs), JavaScriptCore (jsc), as printed here.
  struct Row { const char* type; const char* v8; const char* sm_type; const char* sm; const char* jsc; const char* key; } rows[] = {
      {"TypeError", "Cannot read properties of null (reading 'foo')", "TypeError", "o is null", "null is not an object (evaluating 'o.foo')", "nullish-property-access"},
      {"TypeError", "Cannot set properties of null (setting 'x')", "TypeError", "o is null", "null is not an object (evaluating 'o.x = 1')", "nullish-property-access"},
      {"TypeError", "Cannot destructure property 'a' of 'undefined' as it is undefined.", "TypeError", "undefined has no properties", "Right side of assignment cannot be destructured", "nullish-property-access"},
      {"TypeError", "o.f is not a function", "TypeError", "o.f is not a function", "o.f is not a function. (In 'o.f()', 'o.f' is undefined)", "not-a-function:<min>"},
      {"TypeError", "Widget is not a constructor", "TypeError", "Widget is not a constructor", "5 is not a constructor (evaluating 'new Widget()')", "not-a-constructor:Widget"},
      {"ReferenceError", "zzz is not defined", "ReferenceError", "zzz is not defined", "Can't find variable: zzz", "undefined-variable:zzz"},
      {"ReferenceError", "Cannot access 'tdzv' before initialization", "ReferenceError", "can't access lexical declaration 'tdzv' before initialization", "Cannot access uninitialized variable.", "uninitialized-binding"},
      {"TypeError", "Assignment to constant variable.", "TypeError", "invalid assignment to const 'c'", "Attempted to assign to readonly property.", "const-assignment"},
      {"RangeError", "Maximum call stack size exceeded", "InternalError", "too much recursion", "Maximum call stack size exceeded.", "stack-overflow"},
      {"RangeError", "Invalid array length", "RangeError", "invalid array length", "Array length must be a positive integer of safe magnitude.", "invalid-array-length"},
      {"TypeError", "Converting circular structure to JSON\n    --> starting at object with constructor 'Object'", "TypeError", "cyclic object value", "JSON.stringify cannot serialize cyclic structures.", "cyclic-json"},
      {"SyntaxError", "Expected property name or '}' in JSON at position 1", "SyntaxError", "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data", "JSON Parse error: Expected '}'", "json-parse"},
      {"SyntaxError", "Unexpected end of JSON input", "SyntaxError", "JSON.parse: unexpected end of data at line 1 column 1 of the JSON data", "JSON Parse error: Unexpected EOF", "json-parse"},
      {"TypeError", "Reduce of empty array with no initial value", "TypeError", "reduce of empty array with no initial value", "reduce of empty array with no initial value", "empty-reduce"},
      {"TypeError", "items is not iterable", "TypeError", "items is not iterable", "undefined is not a function (near '...y of items...')", "not-iterable:items"},
      {"TypeError", "Cannot mix BigInt and other types, use explicit conversions", "TypeError", "can't convert BigInt to number", "Invalid mix of BigInt and other type in addition.", "bigint-mix"},
      {"RangeError", "toFixed() digits argument must be between 0 and 100", "RangeError", "precision 200 out of range", "toFixed() argument must be between 0 and 100", "number-format-range"},
      {"RangeError", "Invalid time value", "RangeError", "invalid date", "Invalid Date", "invalid-date"},
      {"TypeError", "Cannot convert a Symbol value to a string", "TypeError", "can't convert symbol to string", "Cannot convert a symbol to a string", "symbol-to-string"},
      {"TypeError", "Cannot use 'in' operator to search for 'x' in 5", "TypeError", "right-hand side of 'in' should be an object, got number", "5 is not an Object. (evaluating ''x' in 5')", "in-operator-non-object"},
      {"TypeError", "Failed to fetch", "TypeError", "NetworkError when attempting to fetch resource.", "Load failed", "fetch-failed"},
      {"TypeError", "Failed to fetch dynamically imported module: https://a/x.js", "TypeError", "error loading dynamically imported module: https://a/x.js", "Importing a module script failed.", "dynamic-import-failed"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(canonicalize_message(r.type, r.v8), r.key) << r.v8;
    EXPECT_EQ(canonicalize_message(r.sm_type, r.sm), r.key) << r.sm;
    EXPECT_EQ(canonicalize_message(r.type, r.jsc), r.key) << r.jsc;
    EXPECT_EQ(canonical_type(r.sm_type, r.sm), r.type);
  }
}

TEST(Grouping, DeveloperMessagesThatLookLikeEngineErrorsAreNotCanonicalizedForOtherTypes) {
  EXPECT_EQ(canonicalize_message("Error", "user is null"), "msg:user is null");
  EXPECT_EQ(canonicalize_message("AuthError", "token is undefined"), "msg:token is undefined");
}

TEST(Grouping, FunctionNamesNormalizeAcrossEngines) {
  EXPECT_EQ(normalize_function("HTMLButtonElement.onClick"), "onClick");
  EXPECT_EQ(normalize_function("async loadUser"), "loadUser");
  EXPECT_EQ(normalize_function("new Widget"), "Widget");
  EXPECT_EQ(normalize_function("Object.render [as draw]"), "render");
  EXPECT_EQ(normalize_function("render/<"), "");
  EXPECT_EQ(normalize_function("[2]</Bar.prototype._baz/</<"), "");
  EXPECT_EQ(normalize_function("outer/inner"), "inner");
  EXPECT_EQ(normalize_function("async*fetchAll"), "fetchAll");
  EXPECT_EQ(normalize_function("global code"), "");
  EXPECT_EQ(normalize_function("Object.<anonymous>"), "");
  EXPECT_EQ(normalize_function("e"), "<min>");
}

TEST(Grouping, ExtensionThirdPartyNativeAndSdkFramesAreNotInApp) {
  std::vector<Frame> frames(6);
  frames[0].filename = "https://app.example/app.js";
  frames[1].filename = "chrome-extension://abc/content.js";
  frames[2].filename = "https://cdn.thirdparty.example/widget.js";
  frames[3].filename = "[native code]";
  frames[3].native = true;
  frames[4].filename = "https://app.example/node_modules/faultline/js/index.js";
  frames[5].filename = "https://app.example/vendor/lib.js";
  GroupingOptions o;
  o.first_party_origins = {"https://app.example"};
  o.in_app_exclude = {"/vendor/"};
  classify_frames(frames, o);
  EXPECT_TRUE(frames[0].in_app);
  EXPECT_FALSE(frames[1].in_app);
  EXPECT_FALSE(frames[2].in_app);
  EXPECT_FALSE(frames[3].in_app);
  EXPECT_FALSE(frames[4].in_app);
  EXPECT_FALSE(frames[5].in_app);
  o.in_app_include = {"cdn.thirdparty.example"};
  classify_frames(frames, o);
  EXPECT_TRUE(frames[2].in_app);
}

TEST(Grouping, ThrowSiteInsideALibraryGroupsByTheAppsCallSite) {
  const char* a = "TypeError: x is not a function\n    at lib (https://app.example/node_modules/lib/index.js:1:1)\n"
                  "    at saveProfile (https://app.example/app.js:10:1)";
  const char* b = "TypeError: x is not a function\n    at lib (https://app.example/node_modules/lib/index.js:1:1)\n"
                  "    at saveSettings (https://app.example/app.js:20:1)";
  EXPECT_NE(fp(ex("TypeError", "x is not a function", a)), fp(ex("TypeError", "x is not a function", b)));
}

TEST(Grouping, CausesAndAggregateMembersContribute) {
  const char* s = "Error: checkout failed\n    at pay (https://a/app.js:5:1)";
  ExceptionInput top = ex("Error", "checkout failed", s);
  ExceptionInput c1 = ex("TypeError", "Failed to fetch", "");
  ExceptionInput c2 = ex("SyntaxError", "Unexpected end of JSON input", "");
  auto g1 = compute_grouping({top, c1}, {});
  auto g2 = compute_grouping({top, c2}, {});
  auto g3 = compute_grouping({top}, {});
  EXPECT_NE(g1.fingerprint, g2.fingerprint);
  EXPECT_NE(g1.fingerprint, g3.fingerprint);
  EXPECT_EQ(g1.parts["causes"][0], "TypeError|fetch-failed");
}

TEST(Grouping, StacklessScriptErrorsSplitByKnownLocationOnly) {
  ExceptionInput a, b, c;
  a.type = b.type = c.type = "Error";
  a.value = b.value = c.value = "Script error.";
  a.filename = "https://cdn.example/widget.js";
  a.lineno = 10;
  b.filename = "https://cdn.example/other.js";
  b.lineno = 10;
  EXPECT_NE(fp(a), fp(b));
  EXPECT_EQ(compute_grouping({c}, {}).parts["strategy"], "message");
  EXPECT_EQ(compute_grouping({a}, {}).parts["strategy"], "location");
}

TEST(Grouping, NonErrorThrowsGroupByTheirParameterizedDescription) {
  ExceptionInput a, b;
  a.synthetic = b.synthetic = true;
  a.value = "Non-Error exception captured with keys: code, message";
  b.value = "Non-Error promise rejection captured with value: 42";
  EXPECT_NE(fp(a), fp(b));
  ExceptionInput b2 = b;
  b2.value = "Non-Error promise rejection captured with value: 43";
  EXPECT_EQ(fp(b), fp(b2));
  EXPECT_EQ(compute_grouping({a}, {}).parts["synthetic"], true);
}

TEST(Grouping, UserOverrideExpandsDefault) {
  auto g = compute_grouping({ex("Error", "boom", "Error: boom\n    at f (https://a/b.js:1:1)")}, {});
  EXPECT_EQ(apply_fingerprint_override(g, {"{{ default }}"}), g.fingerprint);
  std::string x = apply_fingerprint_override(g, {"{{ default }}", "tenant-a"});
  std::string y = apply_fingerprint_override(g, {"{{ default }}", "tenant-b"});
  EXPECT_NE(x, g.fingerprint);
  EXPECT_NE(x, y);
  EXPECT_EQ(apply_fingerprint_override(g, {"checkout"}), apply_fingerprint_override(compute_message_grouping("other", {}), {"checkout"}))
      << "a fixed override groups everything under it";
}

TEST(Grouping, HashIsLengthPrefixedSoPartBoundariesMatter) {
  auto a = compute_message_grouping("ab c", {});
  auto b = compute_message_grouping("a bc", {});
  EXPECT_NE(a.fingerprint, b.fingerprint);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(compute_message_grouping("kind " + std::string(1, 'a' + i % 26) + std::string(i / 26, 'x'), {}).fingerprint);
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(Grouping, ErrorSubclassConstructorFrameIsSkippedLikeV8Does) {
  // Captured in the demo: V8 hides `new PaymentError`, SpiderMonkey and JavaScriptCore show it.
  auto v8 = ex("PaymentError", "checkout failed", "PaymentError: checkout failed\n    at HTMLButtonElement.<anonymous> (http://h/demo.js:20:5)");
  auto sm = ex("PaymentError", "checkout failed", "PaymentError@http://h/demo.js:7:60\n@http://h/demo.js:20:5\n");
  auto jsc = ex("PaymentError", "checkout failed", "PaymentError@http://h/demo.js:7:70\n@http://h/demo.js:20:9\nclick@[native code]");
  EXPECT_EQ(fp(v8), fp(sm));
  EXPECT_EQ(fp(v8), fp(jsc));
}

TEST(Grouping, NetworkFailuresGroupByTheFailedRequestNotByFrames) {
  // V8 gives a failed fetch's TypeError a stack; SpiderMonkey and JavaScriptCore do not.
  auto v8 = ex("TypeError", "Failed to fetch", "TypeError: Failed to fetch\n    at HTMLButtonElement.<anonymous> (http://h/demo.js:31:34)");
  auto sm = ex("TypeError", "NetworkError when attempting to fetch resource.", "");
  auto jsc = ex("TypeError", "Load failed", "");
  v8.request = sm.request = "GET https://api.example/users/17/orders?page=2";
  jsc.request = "GET https://api.example/users/912/orders";
  EXPECT_EQ(fp(v8), fp(sm));
  EXPECT_EQ(fp(v8), fp(jsc));
  auto other = jsc;
  other.request = "POST https://api.example/checkout";
  EXPECT_NE(fp(other), fp(jsc)) << "different endpoints are different problems";
  EXPECT_EQ(parameterize_request("GET https://a.example/v2/items/0b6f8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b/x?q=1"), "GET https://a.example/v<num>/items/<uuid>/x");
}

TEST(Grouping, ThrownNonErrorValuesGroupByDescriptionWhateverLocationTheEngineReports) {
  ExceptionInput chrome, webkit;
  chrome.synthetic = webkit.synthetic = true;
  chrome.value = webkit.value = "Object captured as exception with keys: code, detail";
  chrome.frames = parse_stack("Error: x\n    at http://h/demo/demo.js:26:3").frames;
  chrome.filename = "http://h/demo/demo.js";
  EXPECT_EQ(fp(chrome), fp(webkit));
}
