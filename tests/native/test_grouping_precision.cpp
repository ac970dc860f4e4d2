// Precision of throw-site keys (issue 10): which keys are confident, and how frames that cannot be
// confirmed are keyed. Every stack here is as captured on this machine (2026-12-02) by running the
// code shown, as an ES module, in
//   jsc -m app.mjs                                   (JavaScriptCore; `print` is the shell's)
//   node --import 'data:text/javascript,globalThis.print=console.log' app.mjs   (V8, node 20)
//   gjs -m app.mjs                                   (SpiderMonkey)
// from /tmp/prec/; only the trailing node-internal frames were cut.
#include <gtest/gtest.h>

#include <set>

#include "grouping.h"
#include "stack_parser.h"
#include "symbol_table.h"

using namespace faultline;

namespace {
// An anonymous function's key from a table that has its text: `prefix` ("cb.mjs:totals/?") and
// its text hash in 9 hex digits (grouping.cpp anonymous_suffix).
bool text_key(const json& key, const std::string& prefix) {
  if (!key.is_string()) return false;
  const std::string k = key.get<std::string>();
  if (k.size() != prefix.size() + 9 || k.compare(0, prefix.size(), prefix) != 0) return false;
  return k.find_first_not_of("0123456789abcdef", prefix.size()) == std::string::npos;
}


struct Grouped {
  std::string fingerprint;
  bool confident = false;
  json parts;
};

// Groups a stack as the CLI and the SDK do: frames resolved (and elided frames put back) with
// `table` for frames of `file`, when given.
Grouped group(const std::string& type, const std::string& value, const std::string& stack, const SymbolTable* table = nullptr,
              const std::string& file = "app.mjs") {
  ExceptionInput x;
  x.type = type;
  x.value = value;
  x.frames = parse_stack(stack, value).frames;
  resolve_and_classify(
      x.frames, [&](const Frame& f) { return table && f.filename.find(file) != std::string::npos ? table : nullptr; },
      GroupingOptions{});
  GroupingResult g = compute_grouping({x}, GroupingOptions{});
  return {g.fingerprint, g.confident, g.parts};
}

SymbolTable table_of(const std::string& file, const std::string& code) {
  SymbolTable parsed;
  std::string error;
  // Through the table's text, as the page and the CLI get it.
  EXPECT_TRUE(parse_symbol_table(serialize_symbol_table(build_symbol_table_from_code(file, code)), &parsed, &error)) << error;
  return parsed;
}

// /tmp/prec/app.mjs: parseConfig and parseManifest end in `return JSON.parse(s)` (proper tail
// calls in JavaScriptCore), loadPrefs calls it and keeps going, init calls all three and
// JSON.parse itself.
const char* kApp =
    "'use strict';\n"
    "function parseConfig(s) {\n"
    "  return JSON.parse(s);\n"
    "}\n"
    "function parseManifest(s) {\n"
    "  return JSON.parse(s);\n"
    "}\n"
    "function loadPrefs(s) {\n"
    "  const v = JSON.parse(s);\n"
    "  return v;\n"
    "}\n"
    "function init(which) {\n"
    "  if (which === 1) { const c = parseConfig('{bad'); return c; }\n"
    "  if (which === 2) { const m = parseManifest('<x'); return m; }\n"
    "  if (which === 3) { const p = loadPrefs('{q'); return p; }\n"
    "  if (which === 4) { const d = JSON.parse('{z'); return d; }\n"
    "  if (which === 5) { const t = [1, 2].map((x) => JSON.parse('{' + x)); return t; }\n"
    "}\n"
    "for (const w of [1, 2, 3, 4, 5]) {\n"
    "  try { init(w); } catch (e) { print(w + ' ' + e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n"
    "}\n";

const char* kJscExpected = "JSON Parse error: Expected '}'";
const char* kV8Expected = "Expected property name or '}' in JSON at position 1";

std::string v8(const std::string& message, const std::string& frames) { return "SyntaxError: " + message + "\n" + frames; }

}  // namespace

TEST(GroupingPrecision, AJavaScriptCoreFrameJustOutsideABuiltInIsTheThrowSiteOnlyWhenATableSaysItCallsThatBuiltIn) {
  // jsc: parseConfig and parseManifest are elided; both stacks show `init` just outside `parse`.
  const std::string jsc_config = "parse@[native code]\ninit@/tmp/prec/app.mjs:13:43\nmodule code@/tmp/prec/app.mjs:20:13";
  const std::string jsc_manifest = "parse@[native code]\ninit@/tmp/prec/app.mjs:14:45\nmodule code@/tmp/prec/app.mjs:20:13";
  const std::string jsc_prefs =
      "parse@[native code]\nloadPrefs@/tmp/prec/app.mjs:9:23\ninit@/tmp/prec/app.mjs:15:41\nmodule code@/tmp/prec/app.mjs:20:13";
  const std::string jsc_direct = "parse@[native code]\ninit@/tmp/prec/app.mjs:16:42\nmodule code@/tmp/prec/app.mjs:20:13";
  Grouped config = group("SyntaxError", kJscExpected, jsc_config);
  Grouped manifest = group("SyntaxError", "JSON Parse error: Unrecognized token '<'", jsc_manifest);
  // Without a table the stack cannot tell parseConfig's bug from parseManifest's: not one key.
  EXPECT_NE(config.fingerprint, manifest.fingerprint) << config.parts.dump();
  EXPECT_FALSE(config.confident) << "the fingerprint is not sent: the backend groups";
  EXPECT_FALSE(manifest.confident);
  EXPECT_EQ(config.parts["frame"]["rule"], "unconfirmed-builtin-caller");
  EXPECT_EQ(config.parts["frame"]["frame"], "@/tmp/prec/app.mjs:13:43") << "keyed by the call site in this deploy";
  // The same call site is one key (repeats aggregate in the page).
  EXPECT_EQ(group("SyntaxError", kJscExpected, jsc_config).fingerprint, config.fingerprint);
  // Even a direct call is unconfirmed without a table: the stack looks the same.
  EXPECT_FALSE(group("SyntaxError", kJscExpected, jsc_direct).confident);
  EXPECT_FALSE(group("SyntaxError", kJscExpected, jsc_prefs).confident);

  // V8 and SpiderMonkey never elide: unchanged, confident without a table.
  Grouped v8_config = group("SyntaxError", kV8Expected,
                            v8(kV8Expected, "    at JSON.parse (<anonymous>)\n    at parseConfig (file:///tmp/prec/app.mjs:3:15)\n"
                                            "    at init (file:///tmp/prec/app.mjs:13:32)\n    at file:///tmp/prec/app.mjs:20:9"));
  Grouped v8_direct = group("SyntaxError", kV8Expected,
                            v8(kV8Expected, "    at JSON.parse (<anonymous>)\n    at init (file:///tmp/prec/app.mjs:16:37)\n"
                                            "    at file:///tmp/prec/app.mjs:20:9"));
  Grouped v8_prefs = group("SyntaxError", kV8Expected,
                           v8(kV8Expected, "    at JSON.parse (<anonymous>)\n    at loadPrefs (file:///tmp/prec/app.mjs:9:18)\n"
                                           "    at init (file:///tmp/prec/app.mjs:15:32)\n    at file:///tmp/prec/app.mjs:20:9"));
  Grouped sm_config = group("SyntaxError", "JSON.parse: expected property name or '}' at line 1 column 2 of the JSON data",
                            "parseConfig@file:///tmp/prec/app.mjs:3:15\ninit@file:///tmp/prec/app.mjs:13:43\n@file:///tmp/prec/app.mjs:20:13\n");
  EXPECT_TRUE(v8_config.confident);
  EXPECT_TRUE(v8_direct.confident);
  EXPECT_TRUE(sm_config.confident);
  EXPECT_EQ(v8_config.fingerprint, sm_config.fingerprint);
  EXPECT_EQ(v8_config.parts["frame"]["frame"], "app.mjs:<built-in>:parseConfig");

  // With the file's table: the call at init's position 16:42 is `JSON.parse(` (recorded by name),
  // at loadPrefs' 9:23 too; at 13:43 it is parseConfig, put back as the function that
  // tail-calls `parse`. Each is confirmed and joins the other engines' group.
  SymbolTable t = table_of("app.mjs", kApp);
  Grouped config_t = group("SyntaxError", kJscExpected, jsc_config, &t);
  Grouped manifest_t = group("SyntaxError", "JSON Parse error: Unrecognized token '<'", jsc_manifest, &t);
  Grouped direct_t = group("SyntaxError", kJscExpected, jsc_direct, &t);
  Grouped prefs_t = group("SyntaxError", kJscExpected, jsc_prefs, &t);
  EXPECT_TRUE(config_t.confident) << config_t.parts.dump();
  EXPECT_EQ(config_t.fingerprint, v8_config.fingerprint) << config_t.parts.dump();
  EXPECT_TRUE(manifest_t.confident);
  EXPECT_NE(manifest_t.fingerprint, config_t.fingerprint);
  EXPECT_TRUE(direct_t.confident) << direct_t.parts.dump();
  EXPECT_EQ(direct_t.fingerprint, v8_direct.fingerprint) << direct_t.parts.dump();
  EXPECT_TRUE(prefs_t.confident);
  EXPECT_EQ(prefs_t.fingerprint, v8_prefs.fingerprint);
  // The same stacks in V8 are unchanged by the table.
  EXPECT_EQ(group("SyntaxError", kV8Expected,
                  v8(kV8Expected, "    at JSON.parse (<anonymous>)\n    at init (file:///tmp/prec/app.mjs:16:37)\n"
                                  "    at file:///tmp/prec/app.mjs:20:9"),
                  &t)
                .fingerprint,
            v8_direct.fingerprint);

  // jsc, case 5: `[1, 2].map((x) => JSON.parse('{' + x))`, the arrow elided between `parse` and
  // `map`: unconfirmed without a table; with it, the arrow is put back under `map` (the table's
  // callbacks) as the function that tail-calls `parse`, so it is confirmed.
  const std::string jsc_map = "parse@[native code]\nmap@[native code]\ninit@/tmp/prec/app.mjs:17:42\nmodule code@/tmp/prec/app.mjs:20:13";
  EXPECT_FALSE(group("SyntaxError", kJscExpected, jsc_map).confident);
  Grouped map_t = group("SyntaxError", kJscExpected, jsc_map, &t);
  EXPECT_TRUE(map_t.confident) << map_t.parts.dump();
  EXPECT_EQ(map_t.parts["frame"].value("reconstructed", false), true) << map_t.parts.dump();

  // A table whose call at the frame's position is something else confirms nothing: here the
  // file's code differs (a redeploy under one URL), `init` at 16:42 calls `decodeText(`, a function of the code.
  SymbolTable other = table_of("app.mjs",
                               "'use strict';\nfunction decodeText(s) { return s; }\n\n\n\n\n\n\n\n\n\n"
                               "function init(which) {\n\n\n\n  if (which === 4) { const d = decodeText('{z'); return d; }\n}\n");
  Grouped direct_other = group("SyntaxError", kJscExpected, jsc_direct, &other);
  EXPECT_FALSE(direct_other.confident) << direct_other.parts.dump();
}

TEST(GroupingPrecision, AnAnonymousCallbackIsKeyedByItsCallerAcrossAJavaScriptCoreBuiltInOnlyWhenATableConfirmsIt) {
  // /tmp/prec/cb.mjs: two functions map with different callbacks that fail alike; JavaScriptCore
  // elides both (`return list.map(...)`), so both callbacks show `report` across `map`.
  const char* code =
      "'use strict';\n"
      "function totals(list) { return list.map((x) => x.meta.id); }\n"
      "function taxes(list) { return list.map((x) => x.meta.id); }\n"
      "function report(list, which) {\n"
      "  const a = which ? totals(list) : taxes(list);\n"
      "  return a;\n"
      "}\n"
      "for (const w of [true, false]) {\n"
      "  try { report([{}], w); } catch (e) { print(e.message + '\\n' + e.stack + '\\n'); }\n"
      "}\n";
  const std::string msg = "undefined is not an object (evaluating 'x.meta.id')";
  const std::string jsc_totals = "@/tmp/prec/cb.mjs:2:54\nmap@[native code]\nreport@/tmp/prec/cb.mjs:5:27\nmodule code@/tmp/prec/cb.mjs:9:15";
  const std::string jsc_taxes = "@/tmp/prec/cb.mjs:3:53\nmap@[native code]\nreport@/tmp/prec/cb.mjs:5:41\nmodule code@/tmp/prec/cb.mjs:9:15";
  Grouped totals = group("TypeError", msg, jsc_totals, nullptr, "cb.mjs");
  Grouped taxes = group("TypeError", msg, jsc_taxes, nullptr, "cb.mjs");
  EXPECT_NE(totals.fingerprint, taxes.fingerprint) << totals.parts.dump();
  EXPECT_FALSE(totals.confident);
  EXPECT_EQ(totals.parts["frame"]["rule"], "anonymous-unconfirmed-caller");
  EXPECT_EQ(totals.parts["frame"]["frame"], "@/tmp/prec/cb.mjs:2:54") << "the callback's own position";

  // node: the same code; V8 shows totals and taxes.
  const std::string v8_msg = "Cannot read properties of undefined (reading 'id')";
  Grouped v8_totals = group("TypeError", v8_msg,
                            "TypeError: " + v8_msg +
                                "\n    at file:///tmp/prec/cb.mjs:2:55\n    at Array.map (<anonymous>)\n"
                                "    at totals (file:///tmp/prec/cb.mjs:2:37)\n    at report (file:///tmp/prec/cb.mjs:5:21)\n"
                                "    at file:///tmp/prec/cb.mjs:9:9",
                            nullptr, "cb.mjs");
  EXPECT_TRUE(v8_totals.confident) << "V8 never elides: unchanged";
  // With the table, totals and taxes are put back (their one tail call is `.map`): confirmed.
  SymbolTable t = table_of("cb.mjs", code);
  Grouped totals_t = group("TypeError", msg, jsc_totals, &t, "cb.mjs");
  Grouped taxes_t = group("TypeError", msg, jsc_taxes, &t, "cb.mjs");
  EXPECT_TRUE(totals_t.confident) << totals_t.parts.dump();
  EXPECT_NE(totals_t.fingerprint, taxes_t.fingerprint);
  // The table places each callback where it is defined: an anonymous function of totals, by its text.
  EXPECT_TRUE(text_key(totals_t.parts["frame"]["frame"], "cb.mjs:totals/?")) << totals_t.parts.dump();
}

TEST(GroupingPrecision, EveryUnresolvedFrameOfAMinifiedFileIsDeployScopedWhateverItsName) {
  // /tmp/prec/min.mjs: esbuild --bundle --minify of two classes whose `validate` throws the same
  // message; the minifier keeps the method name `validate` (a property) and renames the classes.
  // Run through `import {run} from './min.mjs'; run(print)` (node: console.log).
  const std::string msg11 = "value out of range: 11", msg1 = "value out of range: -1";
  Grouped v8_cart = group("RangeError", msg11,
                          "RangeError: " + msg11 +
                              "\n    at r.validate (file:///tmp/prec/min.mjs:1:62)\n    at file:///tmp/prec/min.mjs:1:275\n"
                              "    at c (file:///tmp/prec/min.mjs:1:312)\n    at file:///tmp/prec/minrun-node.mjs:1:32");
  Grouped v8_coupon = group("RangeError", msg1,
                            "RangeError: " + msg1 +
                                "\n    at n.validate (file:///tmp/prec/min.mjs:1:170)\n    at file:///tmp/prec/min.mjs:1:294\n"
                                "    at c (file:///tmp/prec/min.mjs:1:312)\n    at file:///tmp/prec/minrun-node.mjs:1:32");
  Grouped jsc_cart = group("RangeError", msg11,
                           "validate@/tmp/prec/min.mjs:1:76\nc@/tmp/prec/min.mjs:1:313\nmodule code@/tmp/prec/minrun.mjs:1:35");
  Grouped jsc_coupon = group("RangeError", msg1,
                             "validate@/tmp/prec/min.mjs:1:184\nc@/tmp/prec/min.mjs:1:313\nmodule code@/tmp/prec/minrun.mjs:1:35");
  Grouped sm_cart = group("RangeError", msg11,
                          "validate@file:///tmp/prec/min.mjs:1:62\nc/<@file:///tmp/prec/min.mjs:1:275\n"
                          "c@file:///tmp/prec/min.mjs:1:312\n@file:///tmp/prec/minrun.mjs:1:35\n");
  Grouped sm_coupon = group("RangeError", msg1,
                            "validate@file:///tmp/prec/min.mjs:1:170\nc/<@file:///tmp/prec/min.mjs:1:294\n"
                            "c@file:///tmp/prec/min.mjs:1:312\n@file:///tmp/prec/minrun.mjs:1:35\n");
  // Two classes' `validate`: two bugs, in every engine.
  EXPECT_NE(v8_cart.fingerprint, v8_coupon.fingerprint) << v8_cart.parts.dump();
  EXPECT_NE(jsc_cart.fingerprint, jsc_coupon.fingerprint);
  EXPECT_NE(sm_cart.fingerprint, sm_coupon.fingerprint);
  for (const Grouped* g : {&v8_cart, &v8_coupon, &jsc_cart, &jsc_coupon, &sm_cart, &sm_coupon}) {
    EXPECT_FALSE(g->confident) << g->parts.dump();
    EXPECT_EQ(g->parts["frame"]["rule"], "deploy-scoped") << g->parts.dump();
  }
  EXPECT_EQ(v8_cart.parts["frame"]["frame"], "@/tmp/prec/min.mjs:1:62");
}

// /tmp/lead-jsc/app.mjs: a built-in's method called on a call's result. JavaScriptCore shows
// formatDay just outside toISOString (and elided report and the arrow, both tail calls).
TEST(GroupingPrecision, ABuiltInMethodCalledOnACallsResultConfirmsItsCallerFromTheTable) {
  const std::string code =
      "'use strict';\n"
      "function formatDay(ms) {\n"
      "  const s = new Date(ms).toISOString();\n"
      "  return s.slice(0, 10);\n"
      "}\n"
      "function report(xs) {\n"
      "  return xs.map((x) => formatDay(x));\n"
      "}\n"
      "try { report([NaN]); } catch (e) { print(e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n";
  const std::string jsc =
      "toISOString@[native code]\nformatDay@/tmp/lead-jsc/app.mjs:3:37\nmap@[native code]\nmodule code@/tmp/lead-jsc/app.mjs:9:13";
  const std::string node =
      "RangeError: Invalid time value\n    at Date.toISOString (<anonymous>)\n    at formatDay (file:///tmp/lead-jsc/app.mjs:3:26)\n"
      "    at file:///tmp/lead-jsc/app.mjs:7:24\n    at Array.map (<anonymous>)\n    at report (file:///tmp/lead-jsc/app.mjs:7:13)";
  const SymbolTable table = table_of("app.mjs", code);
  Grouped j = group("RangeError", "Invalid Date", jsc, &table);
  Grouped v = group("RangeError", "Invalid time value", node);
  EXPECT_TRUE(j.confident) << j.parts.dump();
  EXPECT_EQ(j.parts["frame"]["rule"], "built-in") << j.parts.dump();
  EXPECT_EQ(j.fingerprint, v.fingerprint) << j.parts.dump() << "\n" << v.parts.dump();
  // Without the table nothing says formatDay called toISOString itself: not confident.
  EXPECT_FALSE(group("RangeError", "Invalid Date", jsc).confident);
  // A function of the code that can be the property `toISOString` (a class's method): the call
  // there may be that method, so the table does not confirm the built-in.
  const std::string own = code + "class Day { toISOString() { return 'x'; } }\n";
  const SymbolTable owned = table_of("app.mjs", own);
  EXPECT_FALSE(group("RangeError", "Invalid Date", jsc, &owned).confident);
}

// /tmp/prec/store.mjs (as captured above): two classes of one module, each with a `validate` that
// reads a property of null; anonymous callbacks in a promise reaction and in `map`.
const char* kStore =
    "'use strict';\n"
    "class CartStore {\n"
    "  constructor(items) { this.items = items; }\n"
    "  validate() {\n"
    "    for (const it of this.items) it.sku.trim();\n"
    "    return true;\n"
    "  }\n"
    "}\n"
    "class CouponStore {\n"
    "  constructor(coupon) { this.coupon = coupon; }\n"
    "  validate() {\n"
    "    const code = this.coupon.code.trim();\n"
    "    return code;\n"
    "  }\n"
    "}\n"
    "function fetchProfile(p) {\n"
    "  return p.then((d) => d.profile.avatar.url);\n"
    "}\n"
    "function scheduleSync(job) {\n"
    "  return [job].map((j) => j.payload.size);\n"
    "}\n"
    "function run(which) {\n"
    "  if (which === 1) return new CartStore([{ sku: null }]).validate();\n"
    "  if (which === 2) return new CouponStore({ code: null }).validate();\n"
    "  if (which === 3) return scheduleSync({ payload: null });\n"
    "}\n"
    "for (const w of [1, 2, 3]) {\n"
    "  try { run(w); } catch (e) { print(w + ' ' + e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n"
    "}\n"
    "fetchProfile(Promise.resolve({ profile: null })).catch((e) => print('4 ' + e.name + ': ' + e.message + '\\n' + e.stack + '\\n'));\n";

TEST(GroupingPrecision, ATableBuiltFromTheCodeKeepsTwoClassesSameNamedMethodsApartAndKeysAnonymousCallbacksWhereDefinedInEveryEngine) {
  struct Capture {
    const char* engine;
    std::string message, stack;
  };
  const std::string v8_trim = "Cannot read properties of null (reading 'trim')";
  auto v8 = [](const std::string& message, const std::string& frames) { return "TypeError: " + message + "\n" + frames; };
  // Case 1 (CartStore.validate) and case 2 (CouponStore.validate) in each engine.
  const std::vector<Capture> cart = {
      {"jsc", "null is not an object (evaluating 'it.sku.trim')", "validate@/tmp/prec/store.mjs:5:40\nmodule code@/tmp/prec/store.mjs:28:12"},
      {"node", v8_trim,
       v8(v8_trim, "    at CartStore.validate (file:///tmp/prec/store.mjs:5:41)\n    at run (file:///tmp/prec/store.mjs:23:58)\n"
                   "    at file:///tmp/prec/store.mjs:28:9")},
      {"gjs", "it.sku is null",
       "validate@file:///tmp/prec/store.mjs:5:34\nrun@file:///tmp/prec/store.mjs:23:58\n@file:///tmp/prec/store.mjs:28:12\n"}};
  const std::vector<Capture> coupon = {
      {"jsc", "null is not an object (evaluating 'this.coupon.code.trim')",
       "validate@/tmp/prec/store.mjs:12:34\nmodule code@/tmp/prec/store.mjs:28:12"},
      {"node", v8_trim,
       v8(v8_trim, "    at CouponStore.validate (file:///tmp/prec/store.mjs:12:35)\n    at run (file:///tmp/prec/store.mjs:24:59)\n"
                   "    at file:///tmp/prec/store.mjs:28:9")},
      {"gjs", "this.coupon.code is null",
       "validate@file:///tmp/prec/store.mjs:12:18\nrun@file:///tmp/prec/store.mjs:24:59\n@file:///tmp/prec/store.mjs:28:12\n"}};
  // Without a table SpiderMonkey and JavaScriptCore print `validate` alone for both: one key (the
  // page scans the script in every engine to tell them apart, js/client.js).
  EXPECT_EQ(group("TypeError", cart[2].message, cart[2].stack, nullptr, "store.mjs").fingerprint,
            group("TypeError", coupon[2].message, coupon[2].stack, nullptr, "store.mjs").fingerprint);
  SymbolTable t = table_of("store.mjs", kStore);
  std::set<std::string> cart_keys, coupon_keys;
  for (size_t i = 0; i < cart.size(); ++i) {
    Grouped a = group("TypeError", cart[i].message, cart[i].stack, &t, "store.mjs");
    Grouped b = group("TypeError", coupon[i].message, coupon[i].stack, &t, "store.mjs");
    EXPECT_TRUE(a.confident) << cart[i].engine << " " << a.parts.dump();
    EXPECT_TRUE(b.confident) << coupon[i].engine << " " << b.parts.dump();
    EXPECT_EQ(a.parts["frame"]["frame"], "store.mjs:CartStore.validate") << cart[i].engine << " " << a.parts.dump();
    EXPECT_EQ(b.parts["frame"]["frame"], "store.mjs:CouponStore.validate") << coupon[i].engine << " " << b.parts.dump();
    cart_keys.insert(a.fingerprint);
    coupon_keys.insert(b.fingerprint);
  }
  EXPECT_EQ(cart_keys.size(), 1u) << "one bug, one key in every engine";
  EXPECT_EQ(coupon_keys.size(), 1u);
  EXPECT_NE(*cart_keys.begin(), *coupon_keys.begin()) << "two bugs, two keys";

  // Case 3: the callback of `map` in scheduleSync (JavaScriptCore elided scheduleSync and run:
  // proper tail calls), and case 4: a promise reaction's callback, whose stack has no caller at all.
  const std::vector<Capture> sync = {
      {"jsc", "null is not an object (evaluating 'j.payload.size')",
       "@/tmp/prec/store.mjs:20:36\nmap@[native code]\nmodule code@/tmp/prec/store.mjs:28:12"},
      {"node", "Cannot read properties of null (reading 'size')",
       v8("Cannot read properties of null (reading 'size')",
          "    at file:///tmp/prec/store.mjs:20:37\n    at Array.map (<anonymous>)\n    at scheduleSync (file:///tmp/prec/store.mjs:20:16)\n"
          "    at run (file:///tmp/prec/store.mjs:25:27)\n    at file:///tmp/prec/store.mjs:28:9")},
      {"gjs", "j.payload is null",
       "scheduleSync/<@file:///tmp/prec/store.mjs:20:27\nscheduleSync@file:///tmp/prec/store.mjs:20:16\n"
       "run@file:///tmp/prec/store.mjs:25:27\n@file:///tmp/prec/store.mjs:28:12\n"}};
  const std::vector<Capture> profile = {
      {"jsc", "null is not an object (evaluating 'd.profile.avatar')", "@/tmp/prec/store.mjs:17:33"},
      {"node", "Cannot read properties of null (reading 'avatar')",
       v8("Cannot read properties of null (reading 'avatar')", "    at file:///tmp/prec/store.mjs:17:34")},
      {"gjs", "d.profile is null", "fetchProfile/<@file:///tmp/prec/store.mjs:17:24\n"}};
  // Without a table the promise callback has nothing to key but its line: not confident.
  EXPECT_FALSE(group("TypeError", profile[1].message, profile[1].stack, nullptr, "store.mjs").confident);
  std::set<std::string> sync_keys, profile_keys;
  for (size_t i = 0; i < sync.size(); ++i) {
    Grouped a = group("TypeError", sync[i].message, sync[i].stack, &t, "store.mjs");
    Grouped b = group("TypeError", profile[i].message, profile[i].stack, &t, "store.mjs");
    EXPECT_TRUE(a.confident) << sync[i].engine << " " << a.parts.dump();
    EXPECT_TRUE(b.confident) << profile[i].engine << " " << b.parts.dump();
    EXPECT_TRUE(text_key(a.parts["frame"]["frame"], "store.mjs:scheduleSync/?")) << sync[i].engine << " " << a.parts.dump();
    EXPECT_TRUE(text_key(b.parts["frame"]["frame"], "store.mjs:fetchProfile/?")) << profile[i].engine << " " << b.parts.dump();
    sync_keys.insert(a.fingerprint);
    profile_keys.insert(b.fingerprint);
  }
  EXPECT_EQ(sync_keys.size(), 1u);
  EXPECT_EQ(profile_keys.size(), 1u);

  // A top-level anonymous function (/tmp/prec/top.mjs: a handler pushed onto a list at the top
  // level, called through it): keyed by its text, which no other module's edit moves (an ordinal
  // counted over the whole file, every module's top level for a bundle, did: not confident).
  const char* top = "'use strict';\nconst handlers = [];\nhandlers.push((e) => e.detail.size);\n"
                    "try { handlers[0]({ detail: null }); } catch (e) { print(e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n";
  SymbolTable tt = table_of("top.mjs", top);
  Grouped top_jsc = group("TypeError", "null is not an object (evaluating 'e.detail.size')",
                          "@/tmp/prec/top.mjs:3:30\nmodule code@/tmp/prec/top.mjs:4:18", &tt, "top.mjs");
  Grouped top_v8 = group("TypeError", "Cannot read properties of null (reading 'size')",
                         "TypeError: Cannot read properties of null (reading 'size')\n    at Array.<anonymous> (file:///tmp/prec/top.mjs:3:31)\n"
                         "    at file:///tmp/prec/top.mjs:4:18",
                         &tt, "top.mjs");
  Grouped top_sm = group("TypeError", "e.detail is null", "@file:///tmp/prec/top.mjs:3:22\n@file:///tmp/prec/top.mjs:4:18\n", &tt, "top.mjs");
  EXPECT_TRUE(text_key(top_jsc.parts["frame"]["frame"], "top.mjs:/?")) << top_jsc.parts.dump();
  EXPECT_EQ(top_jsc.fingerprint, top_v8.fingerprint) << top_v8.parts.dump();
  EXPECT_EQ(top_jsc.fingerprint, top_sm.fingerprint) << top_sm.parts.dump();
  EXPECT_TRUE(top_jsc.confident);
  EXPECT_TRUE(top_v8.confident);
  // Two copies of one text at the top level are told apart by their ordinal among themselves,
  // which an identical copy added before moves: kept, not confident, as an ordinal key was.
  const char* twins = "'use strict';\nconst handlers = [];\nhandlers.push((e) => e.detail.size);\nhandlers.push((e) => e.detail.size);\n";
  SymbolTable tw = table_of("top.mjs", twins);
  Grouped second = group("TypeError", "null is not an object (evaluating 'e.detail.size')",
                         "@/tmp/prec/top.mjs:4:30\nmodule code@/tmp/prec/top.mjs:5:18", &tw, "top.mjs");
  const std::string twin_key = second.parts["frame"]["frame"].get<std::string>();
  EXPECT_EQ(twin_key.substr(twin_key.size() - 2), "~1") << second.parts.dump();
  EXPECT_FALSE(second.confident);

  // A table of another version of the script (a redeploy under one URL) that puts another
  // function at the frame's position names nothing: the frame keeps its own name.
  SymbolTable stale = table_of("store.mjs", std::string("'use strict';\n\n\n\nfunction checkout() {\n  return 1;\n}\n\n\n\n\n") +
                                                "function other() {\n  return 2;\n}\n");
  Grouped s = group("TypeError", coupon[2].message, coupon[2].stack, &stale, "store.mjs");
  EXPECT_EQ(s.parts["frame"]["frame"], "store.mjs:validate") << s.parts.dump();
}

// /tmp/prec/lib/app.mjs: parseUser and parseOrder end in `return X.parse(d)`, a method of a
// library module (node_modules/zz/index.mjs) that throws; load calls both.
const char* kLibApp =
    "import { Schema } from './node_modules/zz/index.mjs';\n"
    "const User = new Schema('user'), Order = new Schema('order');\n"
    "function parseUser(d) {\n"
    "  return User.parse(d);\n"
    "}\n"
    "function parseOrder(d) {\n"
    "  return Order.parse(d);\n"
    "}\n"
    "function load(which, d) {\n"
    "  const r = which ? parseUser(d) : parseOrder(d);\n"
    "  return [r];\n"
    "}\n"
    "for (const w of [true, false]) {\n"
    "  try { load(w, 'x'); } catch (e) { print(e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n"
    "}\n";

TEST(GroupingPrecision, OnJavaScriptCoreAnAppFrameJustOutsideALibraryFrameIsTheThrowSiteOnlyWhenATableSaysItCallsThatFunction) {
  const std::string msg = "Expected object, received string";
  // jsc -m: parseUser and parseOrder are elided; both stacks show `load` just outside `parse`.
  const std::string jsc_user = "parse@/tmp/prec/lib/node_modules/zz/index.mjs:4:65\nload@/tmp/prec/lib/app.mjs:10:30\nmodule code@/tmp/prec/lib/app.mjs:14:13";
  const std::string jsc_order = "parse@/tmp/prec/lib/node_modules/zz/index.mjs:4:65\nload@/tmp/prec/lib/app.mjs:10:46\nmodule code@/tmp/prec/lib/app.mjs:14:13";
  const std::string v8_user = "TypeError: " + msg + "\n    at Schema.parse (file:///tmp/prec/lib/node_modules/zz/index.mjs:4:52)\n"
                              "    at parseUser (file:///tmp/prec/lib/app.mjs:4:15)\n    at load (file:///tmp/prec/lib/app.mjs:10:21)\n"
                              "    at file:///tmp/prec/lib/app.mjs:14:9";
  const std::string v8_order = "TypeError: " + msg + "\n    at Schema.parse (file:///tmp/prec/lib/node_modules/zz/index.mjs:4:52)\n"
                               "    at parseOrder (file:///tmp/prec/lib/app.mjs:7:16)\n    at load (file:///tmp/prec/lib/app.mjs:10:36)\n"
                               "    at file:///tmp/prec/lib/app.mjs:14:9";
  const std::string sm_user = "parse@file:///tmp/prec/lib/node_modules/zz/index.mjs:4:52\nparseUser@file:///tmp/prec/lib/app.mjs:4:15\n"
                              "load@file:///tmp/prec/lib/app.mjs:10:21\n@file:///tmp/prec/lib/app.mjs:14:13\n";
  Grouped user = group("TypeError", msg, jsc_user, nullptr, "app.mjs");
  Grouped order = group("TypeError", msg, jsc_order, nullptr, "app.mjs");
  EXPECT_NE(user.fingerprint, order.fingerprint) << "two bugs: " << user.parts.dump();
  EXPECT_FALSE(user.confident);
  EXPECT_EQ(user.parts["frame"]["rule"], "unconfirmed-library-caller");
  EXPECT_EQ(user.parts["frame"]["frame"], "@/tmp/prec/lib/app.mjs:10:30");
  // The SDK says the engine has proper tail calls when the stack shows none of JavaScriptCore's marks.
  ExceptionInput bare;
  bare.type = "TypeError";
  bare.value = msg;
  bare.frames = parse_stack("parse@http://h/node_modules/zz/index.mjs:4:65\nload@http://h/app.mjs:10:30", msg).frames;
  classify_frames(bare.frames, GroupingOptions{});
  EXPECT_TRUE(compute_grouping({bare}, GroupingOptions{}).confident) << "no sign of JavaScriptCore: as V8 and SpiderMonkey";
  bare.proper_tail_calls = true;
  EXPECT_FALSE(compute_grouping({bare}, GroupingOptions{}).confident);
  // V8 and SpiderMonkey show the callers: confident, apart, one key across the two engines.
  Grouped v8u = group("TypeError", msg, v8_user, nullptr, "app.mjs"), v8o = group("TypeError", msg, v8_order, nullptr, "app.mjs");
  Grouped smu = group("TypeError", msg, sm_user, nullptr, "app.mjs");
  EXPECT_TRUE(v8u.confident);
  EXPECT_NE(v8u.fingerprint, v8o.fingerprint);
  EXPECT_EQ(v8u.fingerprint, smu.fingerprint);
  EXPECT_EQ(v8u.parts["frame"]["frame"], "app.mjs:parseUser");

  // With app.mjs's table: load's call at 10:30 is parseUser, which tail-calls `.parse`.
  SymbolTable t = table_of("app.mjs", kLibApp);
  Grouped user_t = group("TypeError", msg, jsc_user, &t, "app.mjs");
  Grouped order_t = group("TypeError", msg, jsc_order, &t, "app.mjs");
  EXPECT_NE(user_t.fingerprint, order_t.fingerprint) << user_t.parts.dump();
  // /tmp/prec/lib/app2.mjs: `const c = User.parse(d); return c;` is no tail call, and its table
  // records the call `.parse` at the frame's position: confirmed, confident, V8's key.
  const char* app2 =
      "import { Schema } from './node_modules/zz/index.mjs';\n"
      "const User = new Schema('user');\n"
      "function parseCart(d) {\n"
      "  const c = User.parse(d);\n"
      "  return c;\n"
      "}\n"
      "try { parseCart('x'); } catch (e) { print(e.name + ': ' + e.message + '\\n' + e.stack + '\\n'); }\n";
  SymbolTable t2 = table_of("app2.mjs", app2);
  const std::string direct = "parse@/tmp/prec/lib/node_modules/zz/index.mjs:4:65\nparseCart@/tmp/prec/lib/app2.mjs:4:23\n"
                             "module code@/tmp/prec/lib/app2.mjs:7:16";
  Grouped direct_none = group("TypeError", msg, direct, nullptr, "app2.mjs");
  EXPECT_FALSE(direct_none.confident) << "without a table the stack looks the same as an elided one";
  Grouped direct_t = group("TypeError", msg, direct, &t2, "app2.mjs");
  EXPECT_TRUE(direct_t.confident) << direct_t.parts.dump();
  EXPECT_EQ(direct_t.parts["frame"]["frame"], "app2.mjs:parseCart") << direct_t.parts.dump();
}
