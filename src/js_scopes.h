// Function scopes of generated (bundled, minified) JavaScript, found by a token scanner — the
// same information Sentry's js-source-scopes takes from a full parse, enough to say which
// function a (line, column) of the bundle is in and where that function's name token sits.
//
// What counts as a function: `function` declarations and expressions (with `*`, `async`), arrow
// functions (parenthesized or single-identifier parameters; block or expression bodies) and
// methods, getters and setters in classes and object literals (`name(...) {`).
// A function's name token is its own name (`function loadCart`, `loadCart() {`), else the binding
// it is assigned to — `x = function`, `x = () =>`, `{ x: () => }` — which is also how engines name
// anonymous functions in stacks. A class's `constructor` is named by its class (`class A {` or
// `A = class {`), as engines name constructor frames. Anonymous callbacks have no name token.
//
// How the tokens are read (the lexer; what a real engine's scanner decides with its parser's
// context, decided here from the tokens around, as sweet.js's reader and esprima's tokenizer do):
//  - a `/` starts a regular expression literal where an expression may start: after an operator,
//    `(` `[` `,` `{` `;`, a keyword such as `return` `typeof` `in` `case` `default` (not a property
//    name `x.return`), the `)` closing the head of `if (…)` `while (…)` `for (…)` `with (…)`, and a
//    `}` that ends a statement (a block, a function or class declaration, `switch`/`try` blocks;
//    an arrow function's body when a new line follows). Elsewhere it is a division: after a name,
//    a literal, `]`, any other `)`, `++`/`--`, and a `}` that ends an expression (an object
//    literal, a function or class expression). Whether a `{` opens a block or an object literal
//    is read from the token before it and the bracket around it (`:` of a label or `case` vs. of
//    a property or `?:`; a new line after a name or `)` ends the statement). `yield` is a keyword
//    in a generator, `await` in an async function (and at a module's top level), `of` in a
//    `for (…)` head; elsewhere they are names.
//  - lines end at \n, \r\n, a lone \r, U+2028 and U+2029 — in code, comments and templates —,
//    which end a `//` comment; a U+2028/U+2029 written in a string literal is one column of the
//    same line, as JavaScriptCore counts it (a `\` before it continues the string on a new line).
//    U+FEFF and the other Unicode spaces are spaces; `#!` on the first line is a comment.
//  - Annex B's HTML-like comments, in classic scripts only: `<!--` anywhere, and `-->` first on a
//    line (after spaces and comments), begin a single-line comment. In a module they are the
//    operators `<` `!` `--` (a `-->` first on a line is a syntax error there, so it is read as a
//    comment in both). The kind is given (`ScriptKind`) or, when unknown, a module is known by an
//    `import`/`export` declaration at its top level; otherwise a `<!--` that a module could read
//    as operators (after an operand, before a name) is a doubt.
// Where the tokens alone do not tell how the code reads (such a `<!--`, `await /` at the top
// level of a script of unknown kind, an identifier written with `\u` escapes), the reading is a doubt: the call graph then
// trusts no function (JsCallGraph::misread; every function gets an unresolved tail target), so
// nothing is put back from that code rather than something wrong.
//
// Limits (documented, not hidden): the scanner does not parse. An arrow function with an
// expression body ends at the next `,` `;` or closing bracket of its level, or at a statement
// keyword on a new line.
// Bad input (unbalanced brackets, unterminated strings) never crashes: open scopes end at the end
// of the text. At most `max_scopes` scopes are reported.
//
// Positions are 0-based lines and 0-based columns in UTF-16 code units (source map positions).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline {

struct JsPosition {
  uint32_t line = 0;
  uint32_t column = 0;
};

inline bool operator<(const JsPosition& a, const JsPosition& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}
inline bool operator<=(const JsPosition& a, const JsPosition& b) { return !(b < a); }

struct FunctionScope {
  JsPosition start;       // first token of the function (`function`, `async`, parameters, method name)
  JsPosition end;         // last character of its body (the closing `}` or the expression's last token)
  JsPosition body;        // first token of its body (`{` or the expression's first token); start until known
  bool has_name = false;  // name_pos / name_text are set
  JsPosition name_pos;    // the name token (own name or binding), in the generated code
  std::string name_text;  // that token as written in the generated code
  // How the name token was found: its own name (`function f`), a binding (`f = () =>`), a
  // property or method (`f() {`, `{f: function}`, `o.f = function`), or a constructor's class.
  enum class NameKind : uint8_t { None, Own, Binding, Property, Class } name_kind = NameKind::None;
  bool declaration = false;         // `function f` in statement position: binds f in the enclosing scope
  bool async_or_generator = false;  // its calls are never proper tail calls
  bool arrow = false;
  bool expression_body = false;     // an arrow whose body is an expression
  bool getter = false;              // `get name() {` in a class or object literal
  bool setter = false;              // `set name(v) {` in a class or object literal
  // A method (getter, setter) of a class body with a name: the class's name token (own name, or the
  // binding of `X = class {`), so that tables can name it `Class.method` as V8 does
  // (`CartStore.validate`) where SpiderMonkey and JavaScriptCore print `validate` alone.
  bool has_class = false;
  JsPosition class_pos;
  std::string class_text;
};

// What a JavaScriptCore stack needs to show the frames its proper tail calls dropped (see
// symbol_table.h): calls of the code whose callee is one function of it, and each function's
// tail calls.
//
// A call site is `callee(` where callee is an identifier or a member chain ending in a property
// name (`a.b.f(`); `new X(`, optional calls `f?.(`, calls of call results and parenthesized callees
// are not recorded. Its position is the one JavaScriptCore reports for a caller frame: just after
// the callee's last character (the `(` in minified code; `f (` gives the space). Callees:
//  - an identifier resolves, scope-aware, to the nearest enclosing function scope (or the module
//    top) that declares it (parameters, var/let/const including patterns, function and class
//    declarations, catch parameters, imports; block scopes are counted as their function's, which
//    can only hide a binding, never invent one). It is a function of the code only when that
//    scope declares the name exactly once, as a function declaration, a named function
//    expression's own name, or `const/let/var f = <function>` whose initializer is the whole
//    function, and the name is never assigned (`f =`, `f +=`, `f++`) in the code. A name declared
//    nowhere is a global (a built-in such as `decodeURIComponent`): recorded by name.
//    A name with a declaration in a block (let/const/class/function inside `{ }` or a `for (`
//    head) is not resolved: it is visible only in that block. "Assigned" includes destructuring
//    (`[f] = [g]`, `({f} = o)`) and `for (f of …)`. Nor is a name the code can rebind where the
//    scanner does not see it: one visible at a direct `eval(` (its text may assign or, sloppy,
//    hide it), any callee inside a `with` body, and at a classic script's top (no import/export)
//    a `var`/function declaration whose name is written as a property anywhere in the script
//    (`window.f = g`, `globalThis.f =`, `self.f =`, `this.f =`, `alias.f =`, `o["f"] =`,
//    defineProperty / assign / Reflect.set with that name; `window.f = f` changes nothing), or any
//    top-level name when the script runs text as global code (`(0, eval)(s)`, `Function(s)`,
//    `setTimeout("…")`) or writes a computed name of the global object (`window[k] = g`).
//    Another script's writes are not seen (a table describes one script).
//  - a member call `x.f(` is never resolved to a function of the code (a property can hold any
//    function); `JSON.parse(` (object a global no code declares) is recorded by its property name
//    (`parse`), what JavaScriptCore names a built-in's frame, as is `G.x.f.call(` / `.apply(`.
//    Any other member call in tail position (`list.map(cb)`, `new Date(t).toISOString()`) gives
//    the target ".f" (a member call by name) when no function of the code can be a property `f`:
//    none is a method or getter of that name, and no `.f =`, `f:` key, shorthand `{f}`, class
//    field `f =` or string literal "f" appears (over-approximated); else it is unresolved.
//  - a class declared in the code (`class A {`) resolves to its explicit constructor: `A(t)`
//    without `new` makes JavaScriptCore raise in a frame of that constructor.
// A getter runs on a property read: `c.subtotal` where exactly one function of the code is named
// `subtotal` and it is a getter is recorded as a call of that getter, at the `.` (where
// JavaScriptCore puts the frame of a function reading it; V8 and SpiderMonkey at the name).
// Getters defined by a descriptor count as other getters of that name: `Object.defineProperty(o,
// "subtotal", …)` (and Reflect's), `__defineGetter__("subtotal", …)`, the keys of
// `Object.defineProperties(o, {…})` / `Object.create(p, {…})`, any call handed `{get: …}` after
// two arguments (a bundler's alias of defineProperty); one whose name is not a literal, or a
// `Proxy`, is a getter of every name. A read inside a `with` body is not recorded.
// Tail calls: a function's calls in tail position (ECMAScript's, which JavaScriptCore implements in
// strict code): the expression of a `return` outside a try block, or an arrow's expression
// body, where a parenthesized expression, the last operand of a comma, both branches of `?:` and
// the right operand of `&&`, `||`, `??` are in tail position; an expression with a top-level
// arrow function is not looked into. A tail expression that is, or may be, a call the scanner
// cannot resolve or does not record (`table[k](t)`, `(0, f)(t)`, `f?.(t)`, a tagged template, a
// member call not taken by name, a call in a catch or finally block) gives an unresolved target, so that the
// function is not used for reconstruction. Async functions and generators have none (their returns are never tail calls).
struct CallTarget {
  int32_t function = -1;  // index into the scopes
  std::string name;       // a built-in / global / unresolved member's name when function < 0
  bool known() const { return function >= 0 || !name.empty(); }  // neither: unresolvable
};
struct CallSite {
  JsPosition pos;       // where JavaScriptCore puts a frame that is executing this call
  int32_t callee = -1;  // index into the scopes
};
// A built-in handed the code's functions, which it calls back synchronously (`xs.map(decode)`,
// `xs.map((s) => decode(s))`, `Array.from(xs, f)`): JavaScriptCore shows the built-in's frame
// (`map@[native code]`) just inside the caller's, whose position is just after `map` as for any
// call; a callback that tail-calls leaves no frame of its own under the built-in's.
// Recorded when the member is taken by its name (no function of the code can be that property, as
// for a member tail call by name; or a global object's member, `Array.from`), every argument is
// a function of the code — an identifier resolved as a callee is, or a function expression —
// or a literal, and at least one of those functions has tail calls.
struct CallbackSite {
  JsPosition pos;                  // just after the member's name, as CallSite::pos
  std::string name;                // the built-in's name as JavaScriptCore names its frame (`map`, `from`)
  std::vector<int32_t> functions;  // the arguments' functions (scopes), in order
};
// A call site whose callee is known only by name (CallTarget::name: a global such as
// `decodeURIComponent(`, a global object's member `JSON.parse(` as `parse`, a member call by
// name `n.toFixed(` as `.toFixed`), at the position JavaScriptCore reports for the frame making
// it. What grouping needs to believe that a frame just outside a built-in's `[native code]` frame
// called that built-in itself (and is not the caller of a function a proper tail call elided).
struct NamedCallSite {
  JsPosition pos;
  std::string name;
};
// ES module linking (a module's top level only): a call of an imported binding — `f(` for
// `import {g as f} from './x.js'` or `import f from './x.js'` (the export `default`), `ns.g(` for
// `import * as ns from './x.js'` — at the position JavaScriptCore reports for the caller's frame
// (as CallSite::pos). Only a binding the call resolves to at the module's top (not one a
// function or block declares again, nor one inside `with` or visible at a direct `eval`).
// The module is the specifier as written; resolving it to a URL is the reader's (grouping.cpp).
struct ImportCallSite {
  JsPosition pos;
  std::string module;  // the specifier, `./parsers.js`
  std::string name;    // the export it calls, `parseConfig`, `default`
};
// A module's export of one of its functions (`export function f`, `export default function`,
// `export const f = () =>`, `export {f as g}`: the binding must name that function alone, never
// assigned), or a re-export of another module's (`export {f} from './y.js'`, `export {f}` of an
// imported `f`): then `function` is -1 and `module`/`imported` say whose.
struct ExportedBinding {
  std::string name;      // the exported name (`default` for a default export)
  int32_t function = -1;  // index into the scopes
  std::string module, imported;
};
struct JsCallGraph {
  std::vector<FunctionScope> scopes;           // as scan_function_scopes
  std::vector<CallSite> calls;                 // sorted by position; only resolved callees
  std::vector<CallbackSite> callbacks;         // sorted by position
  std::vector<NamedCallSite> named_calls;      // sorted by position; callees known by name only
  std::vector<std::vector<CallTarget>> tails;  // per scope: its tail calls' targets (distinct)
  // Every call site the scanner sees, resolved or not, at the position JavaScriptCore reports for
  // a frame executing it (as CallSite::pos), sorted, distinct: `callee(` with a name or a member
  // chain as callee (`r(`, `W.handler(`, `f.call(`, `new X(`, `super(`), a call of a call's or an
  // element's result or of a parenthesized callee (`f(x)(`, `a[i](`, `(0, o.f)(`: just after the
  // `)` or `]`), and a getter's read (CallSite). Not: optional calls `f?.(`, tagged templates.
  // The symbol table keeps some of them as "sites" (symbol_table.h): grouping keys a
  // JavaScriptCore frame no table confirms by which call site of its function it is.
  std::vector<JsPosition> call_positions;
  std::vector<ImportCallSite> import_calls;    // sorted by position (a module's calls of its imports)
  std::vector<ExportedBinding> exports;        // in source order
  // Empty, or where and why the scanner could not tell how the code reads (see above): then
  // every scope's tails also hold an unresolved target, so no function is trusted.
  std::string misread;
  // Names the code gives its own bindings, as a minifier's renaming shows (code_table.h): the
  // declared names — parameters (of functions, arrows, catch), the first name of each `var`/
  // `let`/`const`, function and class names — and how many have 1 or 2 characters.
  uint32_t declared_names = 0, short_declared_names = 0;
  // Those declared inside functions (parameters, locals, nested functions' names), and how many
  // distinct short ones (counted up to 8).
  uint32_t nested_names = 0, short_nested_names = 0, distinct_short_nested_names = 0;
  // Per scope: a hash of the function's own text (scope_text_hash below).
  std::vector<uint64_t> text_hashes;
};

// A function's text as grouping keys an anonymous function by it (symbol_table.h "texts"): a hash
// of its tokens from `start` to `end` — whitespace, line breaks and comments are not tokens, so a
// re-indented or commented copy hashes the same; any other edit of the function (its body too)
// changes it. 36 bits, never 0 (0 means "no text"). The tokens are the lexer's, the same for the
// served code (tables from the code) and a source map's original sources (`sourcesContent`).
constexpr uint64_t kTextHashBits = 36;

// Classic scripts and modules read `<!--` (and top-level `await`) differently.
enum class ScriptKind : uint8_t { Unknown, Classic, Module };

// Scopes in order of their start position; a nested function comes after its parent.
std::vector<FunctionScope> scan_function_scopes(std::string_view source, size_t max_scopes = 1000000);
JsCallGraph scan_call_graph(std::string_view source, size_t max_scopes = 1000000);
JsCallGraph scan_call_graph(std::string_view source, ScriptKind kind, size_t max_scopes = 1000000);
// Only the scopes and their text hashes (JsCallGraph::text_hashes), without the call graph: what a
// source map's table needs of an original source.
struct ScopeTexts {
  std::vector<FunctionScope> scopes;
  std::vector<uint64_t> text_hashes;
};
ScopeTexts scan_scope_texts(std::string_view source, size_t max_scopes = 1000000);

}  // namespace faultline
