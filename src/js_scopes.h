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
// Limits (documented, not hidden): the scanner does not parse; it tracks strings, template
// literals, comments, regular expression literals (by the previous token) and brackets. A `/`
// right after `}` is read as division. An arrow function with an expression body ends at the next
// `,` `;` or closing bracket of its level, or at a statement keyword on a new line.
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
  bool has_name = false;  // name_pos / name_text are set
  JsPosition name_pos;    // the name token (own name or binding), in the generated code
  std::string name_text;  // that token as written in the generated code
};

// Scopes in order of their start position; a nested function comes after its parent.
std::vector<FunctionScope> scan_function_scopes(std::string_view source, size_t max_scopes = 1000000);

}  // namespace faultline
