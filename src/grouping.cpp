#include "grouping.h"

#include <algorithm>
#include <cstdint>

#include "text.h"

namespace faultline {
namespace {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)

constexpr size_t kMaxMessage = 2048;  // what of a message is looked at for grouping

bool contains(sv s, sv p) { return s.find(p) != sv::npos; }

bool istarts_with(sv s, sv p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (lower(s[i]) != lower(p[i])) return false;
  return true;
}

sv first_line(sv s) {
  size_t nl = s.find('\n');
  return nl == sv::npos ? s : s.substr(0, nl);
}

// ---- hashing: two FNV-1a-64 lanes with different offsets, finalised with a splitmix step -----
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string hash_parts(const std::vector<std::string>& parts) {
  uint64_t a = kFnvOffset, b = 0x84222325CBF29CE4ULL;  // FNV-1a, and a second lane seeded apart
  auto feed = [&](sv bytes) {
    for (unsigned char c : bytes) {
      a = (a ^ c) * kFnvPrime;
      b = (b ^ c) * kFnvPrime;
      b ^= b >> 29;
    }
  };
  for (const auto& p : parts) {
    std::string len = std::to_string(p.size()) + ":";  // length-prefixed: no ambiguity between parts
    feed(len);
    feed(p);
  }
  // Hex by hand: snprintf would pull printf and float formatting into the WASM module.
  std::string out = "fl1:";
  for (uint64_t v : {mix64(a ^ (b << 1)), mix64(b + 0x9E3779B97F4A7C15ULL * a)})
    for (int shift = 60; shift >= 0; shift -= 4) out += kHexDigits[(v >> shift) & 0xF];
  return out;
}

// ---- message canonicalization ----------------------------------------------------------------

// "a.b.c" -> "c"; drops "()", "(intermediate value).", quotes; short/minified names -> <min>.
std::string subject_of(sv expr) {
  expr = trim(expr);
  while (!expr.empty() && (expr.front() == '\'' || expr.front() == '"' || expr.front() == '`')) expr.remove_prefix(1);
  while (!expr.empty() && (expr.back() == '\'' || expr.back() == '"' || expr.back() == '`')) expr.remove_suffix(1);
  if (ends_with(expr, "()")) expr.remove_suffix(2);
  size_t dot = expr.find_last_of('.');
  if (dot != sv::npos) expr = expr.substr(dot + 1);
  if (expr.empty() || expr.size() > 64) return {};
  for (char c : expr)
    if (!(is_alnum(c) || c == '_' || c == '$')) return {};
  if (expr.size() <= 2) return "<min>";
  return std::string(expr);
}

// Text between `open` and the next `close` after it.
sv between(sv s, sv open, sv close) {
  size_t a = s.find(open);
  if (a == sv::npos) return {};
  a += open.size();
  size_t b = s.find(close, a);
  if (b == sv::npos) return {};
  return s.substr(a, b - a);
}

// Whether JavaScript source text uses the operator keyword `word` (`in`, `of`) between two
// operands. JavaScriptCore quotes the source it evaluated in its messages, and minified code
// leaves out every space it can: `'flag' in value` becomes `"flag"in t`, `for (const [k, v] of
// list)` becomes `for(const[k,v]of e)`. So the keyword is found by its neighbours not being
// identifier characters, not by the spaces around it.
bool has_operator_word(sv text, sv word) {
  auto ident = [](char c) { return is_alnum(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80; };
  for (size_t i = text.find(word); i != sv::npos; i = text.find(word, i + 1)) {
    size_t end = i + word.size();
    if (i > 0 && end < text.size() && !ident(text[i - 1]) && !ident(text[end])) return true;
  }
  return false;
}

std::string kind(const char* k, const std::string& subject = {}) {
  return subject.empty() ? std::string(k) : std::string(k) + ":" + subject;
}

bool is_type(sv type, sv want) { return type.empty() || type == want; }

}  // namespace

std::string canonical_type(std::string_view type, std::string_view message) {
  if (type == "InternalError" && contains(message, "too much recursion")) return "RangeError";
  if (type.empty()) return "Error";
  return std::string(type.substr(0, 128));
}

std::string canonicalize_message(std::string_view type, std::string_view message) {
  sv m = trim(message.substr(0, kMaxMessage));
  sv l1 = first_line(m);
  auto any = [&](std::initializer_list<sv> prefixes) {
    for (sv p : prefixes)
      if (istarts_with(m, p)) return true;
    return false;
  };

  // Reading/writing a property of null or undefined, and iterating over a value that cannot be
  // iterated: one kind, because the engines cannot tell them apart the same way. V8 reports a
  // for-of over undefined as "items is not iterable", SpiderMonkey as "items is undefined" (the
  // wording it also uses for a property read), JavaScriptCore as "undefined is not an object
  // (evaluating 'x of items')"; over a number, JavaScriptCore says "undefined is not a function
  // (near '...x of items...')". The throw site keeps different functions apart.
  if (is_type(type, "TypeError")) {
    if (starts_with(m, "Cannot read properties of ") || starts_with(m, "Cannot set properties of ") ||
        (starts_with(m, "Cannot read property ") && (ends_with(m, " of null") || ends_with(m, " of undefined"))) ||
        (starts_with(m, "Cannot set property ") && (ends_with(m, " of null") || ends_with(m, " of undefined"))) ||
        starts_with(m, "Cannot destructure ") || starts_with(m, "can't access property ") ||
        starts_with(m, "can't assign to property ") || ends_with(m, " is null") || ends_with(m, " is undefined") ||
        ends_with(m, " has no properties") || m == "Right side of assignment cannot be destructured" ||
        starts_with(m, "Spread syntax requires ...iterable not be null or undefined") ||
        ((starts_with(m, "null is not an object") || starts_with(m, "undefined is not an object"))))
      return kind("nullish-property-access");
    // A built-in method applied to null or undefined (String.prototype.toLowerCase.call(x),
    // list.map(Function.prototype.call, String.prototype.trim), Array.prototype.map.call(x)...).
    // JavaScriptCore says only "Type error" for the String methods; its stack names the built-in.
    if (ends_with(m, " called on null or undefined") || contains(m, " called on incompatible ") ||
        m == "Cannot convert undefined or null to object" || m == "can't convert null to object" ||
        m == "can't convert undefined to object" || m == "Type error" ||
        contains(m, " requires that |this| not be null or undefined") ||
        contains(m, " requires that input parameter not be null or undefined") ||
        contains(m, " requires an array-like object - not null or undefined"))
      return kind("nullish-receiver");
    if ((contains(m, " is not a function (near '...") && has_operator_word(between(m, "(near '...", "...')"), "of")) || contains(m, " is not iterable") ||
        contains(m, " is not a function or its return value is not iterable") || ends_with(m, "is not async iterable"))
      return kind("nullish-property-access");
    if (starts_with(m, "Class constructor ") && contains(m, "cannot be invoked without 'new'")) return kind("class-call-without-new");
    if (m == "Cannot call a class constructor without |new|" || istarts_with(m, "class constructors must be invoked with"))
      return kind("class-call-without-new");
    if (starts_with(m, "Promise resolver ") || m == "Promise constructor takes a function argument") return kind("promise-resolver-not-callable");
    size_t nf = m.find(" is not a function");
    if (nf != sv::npos) return kind("not-a-function", subject_of(m.substr(0, nf)));
    size_t nc = m.find(" is not a constructor");
    if (nc != sv::npos) {
      sv evaluating = between(m, "(evaluating 'new ", "')");  // JSC names the value, not the callee
      if (!evaluating.empty()) {
        size_t paren = evaluating.find('(');
        return kind("not-a-constructor", subject_of(evaluating.substr(0, paren)));
      }
      return kind("not-a-constructor", subject_of(m.substr(0, nc)));
    }
    // Writing where the language forbids it. JavaScriptCore says "Attempted to assign to readonly
    // property." for a const binding, a read-only or getter-only property, a frozen object and an
    // array with a non-writable length alike, so those are one kind.
    if (m == "Assignment to constant variable." || starts_with(m, "invalid assignment to const") ||
        m == "Attempted to assign to readonly property." || starts_with(m, "Cannot assign to read only property ") ||
        (starts_with(m, "Cannot set property ") && ends_with(m, " which has only a getter")) ||
        starts_with(m, "setting getter-only property ") || (starts_with(m, "\"") && ends_with(m, "\" is read-only")) ||
        (starts_with(m, "Cannot add property ") && ends_with(m, "object is not extensible")) ||
        (starts_with(m, "can't define property ") && ends_with(m, "Object is not extensible")) ||
        m == "Attempting to define property on object that is not extensible." ||
        starts_with(m, "can't define array index property past the end of an array with non-writable length") ||
        starts_with(m, "Cannot assign to read only property"))
      return kind("read-only-assignment");
    if ((starts_with(m, "Cannot delete property ") ) || m == "Unable to delete property." ||
        (starts_with(m, "property ") && ends_with(m, "is non-configurable and can't be deleted")))
      return kind("delete-non-configurable");
    if (starts_with(m, "Cannot redefine property: ") || starts_with(m, "can't redefine non-configurable property") ||
        starts_with(m, "Attempting to change value of a readonly property") ||
        starts_with(m, "Attempting to change configurable attribute of unconfigurable property") ||
        starts_with(m, "Attempting to change enumerable attribute of unconfigurable property") ||
        starts_with(m, "Attempting to configurable attribute of unconfigurable property"))
      return kind("redefine-property");
    if (starts_with(m, "Converting circular structure to JSON") || m == "cyclic object value" ||
        m == "JSON.stringify cannot serialize cyclic structures.")
      return kind("cyclic-json");
    if (istarts_with(m, "reduce of empty array with no initial value") || m == "reduceRight of empty array with no initial value")
      return kind("empty-reduce");
    if (starts_with(m, "Cannot mix BigInt and other types") || m == "can't convert BigInt to number" ||
        starts_with(m, "Invalid mix of BigInt and other type") || m == "Cannot convert a BigInt value to a number" ||
        m == "Conversion from 'BigInt' to 'number' is not allowed.")
      return kind("bigint-to-number");
    if (m == "Do not know how to serialize a BigInt" || m == "JSON.stringify cannot serialize BigInt." ||
        m == "BigInt value can't be serialized in JSON")
      return kind("bigint-json");
    if (m == "Cannot convert a Symbol value to a string" || m == "can't convert symbol to string" ||
        m == "Cannot convert a symbol to a string")
      return kind("symbol-to-string");
    if (m == "Cannot convert a Symbol value to a number" || m == "can't convert symbol to number" ||
        m == "Cannot convert a symbol to a number")
      return kind("symbol-to-number");
    if (any({"Cannot read private member ", "Cannot write private member ", "Receiver must be an instance of class ",
             "Cannot access invalid private field", "Cannot access private method or acessor",
             "Cannot access private method or accessor", "can't access private field or method",
             "can't set private field", "Object must be an instance of class "}))
      return kind("private-member-access");
    if (starts_with(m, "Cannot use 'in' operator") || istarts_with(m, "cannot use 'in' operator") ||
        starts_with(m, "right-hand side of 'in' should be an object") ||
        (contains(m, " is not an Object. (evaluating '") && has_operator_word(between(m, "(evaluating '", "')"), "in")))
      return kind("in-operator-non-object");
    if (starts_with(m, "Right-hand side of 'instanceof' ") || starts_with(m, "Right hand side of instanceof ") ||
        starts_with(m, "invalid 'instanceof' operand"))
      return kind("instanceof-non-callable");
    if (starts_with(m, "Object prototype may only be an Object or null") ||
        starts_with(m, "Prototype value can only be an object or null") || contains(m, "expected an object or null, got"))
      return kind("prototype-not-object");
    if (istarts_with(m, "cyclic __proto__ value") || starts_with(m, "can't set prototype: it would cause a prototype chain cycle"))
      return kind("prototype-cycle");
    if (starts_with(m, "Cannot perform '") && ends_with(m, "on a proxy that has been revoked")) return kind("revoked-proxy");
    if (starts_with(m, "Proxy has already been revoked") || m == "illegal operation attempted on a revoked proxy")
      return kind("revoked-proxy");
    if (m == "Generator is already running" || m == "Generator is executing" || m == "already executing generator")
      return kind("generator-running");
    if (starts_with(m, "Invalid value used as weak map key") || starts_with(m, "Invalid value used in weak set") ||
        starts_with(m, "WeakMap keys must be objects") || starts_with(m, "WeakSet values must be objects") ||
        starts_with(m, "WeakMap key must be an object") || starts_with(m, "WeakSet value must be an object"))
      return kind("invalid-weak-key");
    if (m == "Object.defineProperty called on non-object" || m == "Properties can only be defined on Objects." ||
        (ends_with(m, " is not a non-null object")))
      return kind("define-property-non-object");
    if (m == "Cannot convert object to primitive value" || m == "No default value" ||
        (starts_with(m, "can't convert ") && (ends_with(m, " to string") || ends_with(m, " to number") || ends_with(m, " to primitive type"))))
      return kind("object-to-primitive");
    if (m == "Failed to fetch" || m == "NetworkError when attempting to fetch resource." || m == "Load failed" ||
        m == "Network request failed")
      return kind("fetch-failed");
    if (starts_with(m, "Failed to fetch dynamically imported module") ||
        starts_with(m, "error loading dynamically imported module") || m == "Importing a module script failed.")
      return kind("dynamic-import-failed");
  }
  if (is_type(type, "ReferenceError")) {
    size_t nd = m.find(" is not defined");
    if (nd != sv::npos && nd + 15 == m.size()) return kind("undefined-variable", subject_of(m.substr(0, nd)));
    if (starts_with(m, "Can't find variable: ")) return kind("undefined-variable", subject_of(m.substr(21)));
    // SpiderMonkey's wording for a strict-mode assignment to an undeclared name, which V8 and
    // JavaScriptCore word as a read ("x is not defined", "Can't find variable: x").
    if (starts_with(m, "assignment to undeclared variable ")) return kind("undefined-variable", subject_of(m.substr(34)));
    if ((starts_with(m, "Cannot access '") && ends_with(m, "before initialization")) ||
        starts_with(m, "can't access lexical declaration") || m == "Cannot access uninitialized variable.")
      return kind("uninitialized-binding");
    if (starts_with(m, "Must call super constructor in derived class") || starts_with(m, "'super()' must be called in derived constructor") ||
        starts_with(m, "must call super constructor before using 'this'") || starts_with(m, "super() called twice") ||
        m == "Super constructor may only be called once" || starts_with(m, "super() called twice in derived class constructor"))
      return kind("super-call");
  }
  // DOMExceptions: the name is standard, the wording is each browser's own (Chromium "Failed to
  // execute 'removeChild' on 'Node': …", Firefox "Node.removeChild: …", WebKit "The object can not
  // be found here."), so the name is the kind. Verified in Chromium, Firefox ESR and WebKitGTK.
  static const sv kDomNames[] = {"AbortError", "HierarchyRequestError", "NotFoundError", "InvalidCharacterError",
                                 "IndexSizeError", "InvalidStateError", "NotAllowedError", "NotSupportedError",
                                 "QuotaExceededError", "SecurityError", "NetworkError", "TimeoutError", "InvalidAccessError",
                                 "TypeMismatchError", "WrongDocumentError", "NoModificationAllowedError", "InUseAttributeError",
                                 "NamespaceError", "OperationError", "NotReadableError", "ConstraintError", "DataError",
                                 "TransactionInactiveError", "ReadOnlyError", "VersionError", "EncodingError",
                                 "InvalidNodeTypeError", "InvalidModificationError"};
  for (sv d : kDomNames)
    if (type == d) return "dom:" + std::string(d);
  if (is_type(type, "SyntaxError") && (contains(l1, "is not a valid selector")))
    return kind("invalid-selector");
  if (is_type(type, "TypeError") && (ends_with(l1, "Invalid URL") || (starts_with(m, "URL constructor: ") && ends_with(l1, "is not a valid URL.")) ||
                                     ends_with(l1, "cannot be parsed as a URL.")))
    return kind("invalid-url");
  // Every URIError is a malformed URI sequence (decodeURI*, encodeURI*): V8 "URI malformed",
  // SpiderMonkey "malformed URI sequence", JavaScriptCore "URI error" or "String contained an
  // illegal UTF-16 sequence.".
  if (type == "URIError") return kind("malformed-uri");
  // structuredClone / postMessage of something that cannot be cloned: the wording names the value
  // (V8: "() => 1 could not be cloned."), the DOMException's name does not.
  if (type == "DataCloneError" || (type.empty() && (ends_with(m, " could not be cloned.") || m == "The object can not be cloned.")))
    return kind("data-clone");
  if (is_type(type, "RangeError") || type == "InternalError") {
    if (starts_with(m, "Maximum call stack size exceeded") || m == "too much recursion") return kind("stack-overflow");
    if (m == "Invalid array length" || m == "invalid array length" ||
        m == "Array length must be a positive integer of safe magnitude." ||
        m == "Array size is not a small enough positive integer." || starts_with(m, "Invalid typed array length") ||
        m == "Invalid array buffer length" || m == "length cannot be negative")
      return kind("invalid-array-length");
    if (starts_with(m, "toFixed() digits argument must be between") || starts_with(m, "toFixed() argument must be between") ||
        (starts_with(m, "precision ") && ends_with(m, " out of range")) ||
        starts_with(m, "toPrecision() argument must be between") || starts_with(m, "toExponential() argument must be between"))
      return kind("number-format-range");
    if (starts_with(m, "toString() radix argument must be between") || starts_with(m, "radix must be an integer at least 2"))
      return kind("number-radix-range");
    if (m == "Invalid time value" || m == "invalid date" || m == "Invalid Date") return kind("invalid-date");
    if (contains(m, "cannot be converted to a BigInt because it is not an integer") || m == "Not an integer" ||
        contains(m, "can't be converted to BigInt because it isn't an integer"))
      return kind("bigint-not-integer");
    if (m == "Division by zero" || m == "0 is an invalid divisor value." || m == "BigInt division by zero")
      return kind("bigint-division-by-zero");
    if (starts_with(m, "Invalid count value") || starts_with(m, "String.prototype.repeat argument must be") ||
        starts_with(m, "repeat count must be"))
      return kind("invalid-repeat-count");
    if (starts_with(m, "The normalization form should be one of") || m == "argument does not match any normalization form" ||
        starts_with(m, "form must be one of 'NFC'"))
      return kind("invalid-normalization-form");
    // V8 in Node "Incorrect locale information provided", in Chromium 156 "Invalid language tag:
    // x"; SpiderMonkey and JavaScriptCore "invalid language tag: …".
    if (m == "Incorrect locale information provided" || istarts_with(m, "invalid language tag")) return kind("invalid-locale");
    // Intl constructors given a bad option. The engines name the value (V8 and SpiderMonkey) or
    // only the option (JavaScriptCore), so the kind keeps the option, never the value:
    //   currency  V8 "Invalid currency code : X", SpiderMonkey "invalid currency code in
    //             NumberFormat(): X", JavaScriptCore "currency is not a well-formed currency code";
    //   time zone "Invalid time zone specified: X", "invalid time zone in DateTimeFormat(): X",
    //             "invalid time zone: X";
    //   unit      "Invalid unit argument for Intl.NumberFormat() 'x'" (and for
    //             RelativeTimeFormat.prototype.format()), "invalid unit identifier in
    //             NumberFormat(): x", "unit is not a well-formed unit identifier", "unit argument
    //             is not a recognized unit type"; SpiderMonkey's RelativeTimeFormat says
    //             "invalid value "x" for option unit";
    //   digits    "maximumFractionDigits value is out of range.", "invalid digits value: 200",
    //             "maximumFractionDigits is out of range";
    //   any other enumerated option: "Value x out of range for Intl.NumberFormat options
    //             property style", "invalid value "x" for option style", "style must be either
    //             "decimal", …" / "dateStyle must be "full", …" -> invalid-intl-option:style.
    if (starts_with(m, "Invalid currency code") || starts_with(m, "invalid currency code") ||
        m == "currency is not a well-formed currency code")
      return kind("invalid-currency");
    if (starts_with(m, "Invalid time zone specified") || starts_with(m, "invalid time zone in ") ||
        starts_with(m, "invalid time zone: "))
      return kind("invalid-time-zone");
    if (starts_with(m, "Invalid unit argument for ") || starts_with(m, "invalid unit identifier in ") ||
        m == "unit is not a well-formed unit identifier" || m == "unit argument is not a recognized unit type" ||
        (starts_with(m, "invalid value ") && ends_with(m, " for option unit")))
      return kind("invalid-unit");
    if ((ends_with(m, "FractionDigits value is out of range.") || ends_with(m, "SignificantDigits value is out of range.")) ||
        starts_with(m, "invalid digits value: ") ||
        (ends_with(m, " is out of range") && (contains(m, "FractionDigits") || contains(m, "SignificantDigits"))))
      return kind("invalid-intl-digits");
    {
      sv option;
      if (starts_with(m, "Value ") && contains(m, " out of range for Intl.") && contains(m, " options property ")) {
        option = m.substr(m.rfind(" options property ") + 18);
      } else if (starts_with(m, "invalid value ") && contains(m, " for option ")) {
        option = m.substr(m.rfind(" for option ") + 12);
      } else if (contains(m, " must be either \"") ||
                 (contains(m, " must be \"") && (contains(m, "\" or \"") || contains(m, "\", or \"")))) {
        option = m.substr(0, m.find(" must be "));
      }
      std::string name = subject_of(option);
      if (!name.empty() && name != "<min>" && option.find(' ') == sv::npos) return kind("invalid-intl-option", name);
    }
  }
  // Intl.NumberFormat with style "currency" and no currency: V8 "Currency code is required with
  // currency style.", SpiderMonkey "undefined currency in NumberFormat() with currency style",
  // JavaScriptCore "currency must be a string".
  if (is_type(type, "TypeError") && (m == "Currency code is required with currency style." ||
                                     m == "undefined currency in NumberFormat() with currency style" ||
                                     m == "currency must be a string"))
    return kind("missing-currency");
  if (is_type(type, "SyntaxError")) {
    if (contains(l1, " in JSON at position") || starts_with(m, "Unexpected end of JSON input") ||
        contains(l1, "is not valid JSON") || starts_with(m, "JSON.parse: ") || starts_with(m, "JSON Parse error:"))
      return kind("json-parse");
    // new RegExp(pattern) with a bad pattern or flags. V8 embeds the pattern ("Invalid regular
    // expression: /(abc/: Unterminated group"), so only the family is kept; SpiderMonkey uses
    // its own short wordings.
    if (starts_with(m, "Invalid regular expression") || starts_with(m, "Invalid flags supplied to RegExp constructor") ||
        contains(m, "regular expression") || m == "nothing to repeat" || m == "unterminated parenthetical" ||
        m == "unterminated character class" || m == "invalid range in character class" ||
        starts_with(m, "numbers out of order in {} quantifier") || m == "unmatched ) in regular expression" ||
        m == "invalid quantifier" || m == "incomplete quantifier")
      return kind("invalid-regexp");
    if (starts_with(m, "Cannot convert ") && ends_with(m, " to a BigInt")) return kind("bigint-syntax");
    if (m == "Failed to parse String to BigInt" || m == "invalid BigInt syntax") return kind("bigint-syntax");
  }
  if (m == "Script error." || m == "Script error") return kind("script-error");
  return "msg:" + parameterize_message(m);
}

namespace {

bool all_of(sv s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

bool looks_like_uuid(sv t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? t[i] != '-' : !is_hex(t[i])) return false;
  }
  return true;
}

bool looks_like_ipv4(sv t) {
  int parts = 0;
  size_t i = 0;
  while (i < t.size()) {
    size_t j = i;
    while (j < t.size() && is_digit(t[j])) ++j;
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == t.size()) break;
    if (t[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool looks_like_date(sv t) {  // 2024-11-02, 2024-11-02T10:11:12Z, 10:11:12
  if (t.size() >= 10 && is_digit(t[0]) && is_digit(t[3]) && t[4] == '-' && is_digit(t[5]) && t[7] == '-') return true;
  if (t.size() >= 5 && is_digit(t[0]) && is_digit(t[1]) && t[2] == ':' && is_digit(t[3])) return true;
  return false;
}

bool looks_like_hex_id(sv t) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return all_of(t.substr(2), is_hex);
  if (t.size() < 7 || !all_of(t, is_hex)) return false;
  bool digit = false, letter = false;
  for (char c : t) (is_digit(c) ? digit : letter) = true;
  return digit && letter;
}

// An identifier-like run of letters and digits that is a generated id, not a word: base36/base62
// tokens and short hashes ("7f3a2c", "3hwupn", "aB3xYz9Q", "a1b2c3d4"). At least 6 characters
// with letters and digits, and one of: a hex digest fragment (7+ hex digits); letters and digits
// alternating twice or more ("qai3md"), unless it reads as words around a short number
// ("base64url": letter runs of 3+ around at most 2 digits); digits then 4+ letters ("3hwupn").
// Not ids: a word followed by a number ("user123", "order2024": the word is the template, the
// number a <num>), and anything shorter ("v2", "utf8", "k8s", "i18n", "x64").
bool looks_like_generated_id(sv t) {
  if (t.size() < 6) return false;
  int transitions = 0, digits = 0;
  size_t run = 0, shortest_letter_run = sv::npos, letters_after_digits = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!is_alnum(t[i])) return false;
    bool d = is_digit(t[i]);
    digits += d;
    if (i > 0 && d != is_digit(t[i - 1])) {
      ++transitions;
      if (!is_digit(t[i - 1])) shortest_letter_run = std::min(shortest_letter_run, run);
      run = 0;
    }
    ++run;
  }
  if (!is_digit(t.back())) {
    shortest_letter_run = std::min(shortest_letter_run, run);
    letters_after_digits = run;
  }
  if (digits == 0 || digits == static_cast<int>(t.size())) return false;
  if (t.size() >= 7 && all_of(t, is_hex)) return true;
  if (transitions >= 2) return !(shortest_letter_run >= 3 && digits <= 2);
  return is_digit(t[0]) && letters_after_digits >= 4;
}

// Classifies one whitespace-delimited word (punctuation at its ends is kept outside).
// An e-mail address: local part "@" domain. The domain may have no dot: validators report exactly
// the addresses they reject ("Invalid e-mail address: bob@example"), and "root@localhost" is a
// valid form. Not: "@scope/pkg" (nothing before "@"), "react@18.2.0" (a package and its version:
// the domain must start with a letter).
bool looks_like_email(sv w) {
  size_t at = w.find('@');
  if (at == sv::npos || at == 0 || at + 1 >= w.size()) return false;
  sv domain = w.substr(at + 1);
  if (!is_alpha(domain[0])) return false;
  for (char c : domain)
    if (!(is_alnum(c) || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

// A run of hex digits that reads as a value, not as a word with a number: at least 4 characters,
// digits and letters, starting with a digit or alternating ("9beae", "a1f3e"; not "abc123", which
// is a word and a number, nor "e2e").
bool looks_like_short_hex(sv run) {
  if (run.size() < 4 || !all_of(run, is_hex)) return false;
  int transitions = 0, digits = 0;
  for (size_t i = 0; i < run.size(); ++i) {
    digits += is_digit(run[i]);
    if (i > 0 && is_digit(run[i]) != is_digit(run[i - 1])) ++transitions;
  }
  if (digits == 0 || digits == static_cast<int>(run.size())) return false;
  return is_digit(run[0]) || transitions >= 2;
}

std::string param_word(sv w) {
  if (contains(w, "://")) return "<url>";
  if (looks_like_email(w)) return "<email>";
  if (looks_like_uuid(w)) return "<uuid>";
  if (looks_like_ipv4(w)) return "<ip>";
  if (looks_like_date(w)) return "<date>";
  if (looks_like_hex_id(w)) return "<hex>";
  // Generated ids inside a word are replaced as a whole ("draft_7f3a2c" -> "draft_<id>"), not
  // digit by digit (which would leave the letters and make every value a new template):
  //  - a base36/base62 or hex id (looks_like_generated_id, looks_like_short_hex);
  //  - the value of a prefixed id: after a word and '_' or '-', a run with a digit is the id
  //    whatever its shape ("c_77", "c_9beae", "inv_2024", "order-17" -> "c_<id>", ...);
  //  - a hex literal after '#' ("#12ab", "#1f2", "#404" -> "<hex>", as "0xff00ff" is).
  std::string ided;
  bool any_id = false;
  bool prev_has_letter = false;
  for (size_t i = 0; i < w.size();) {
    if (!is_alnum(w[i])) {
      ided += w[i++];
      continue;
    }
    size_t j = i;
    while (j < w.size() && is_alnum(w[j])) ++j;
    sv run = w.substr(i, j - i);
    bool has_digit = std::any_of(run.begin(), run.end(), is_digit);
    bool prefixed = i > 0 && (w[i - 1] == '_' || w[i - 1] == '-') && prev_has_letter && i >= 2 && is_alnum(w[i - 2]);
    if (i > 0 && w[i - 1] == '#' && all_of(run, is_hex) && (has_digit || run.size() == 3 || run.size() == 6)) {
      ided.pop_back();
      ided += "<hex>";
      any_id = true;
    } else if (looks_like_generated_id(run) || looks_like_short_hex(run) || (prefixed && has_digit)) {
      ided += "<id>";
      any_id = true;
    } else {
      ided.append(run);
    }
    prev_has_letter = std::any_of(run.begin(), run.end(), is_alpha);
    i = j;
  }
  sv src = any_id ? sv(ided) : w;
  // Any remaining digit run becomes <num>: "17", "-3.5", "order_17", "#404", "12ms", "v2".
  std::string out;
  size_t i = 0;
  bool replaced = any_id;
  while (i < src.size()) {
    if (is_digit(src[i]) || ((src[i] == '-' || src[i] == '+') && i + 1 < src.size() && is_digit(src[i + 1]) && (i == 0 || !is_alnum(src[i - 1])))) {
      size_t j = i + 1;
      while (j < src.size() && (is_digit(src[j]) || ((src[j] == '.' || src[j] == ',') && j + 1 < src.size() && is_digit(src[j + 1])))) ++j;
      out += "<num>";
      replaced = true;
      i = j;
    } else {
      out += src[i++];
    }
  }
  return replaced ? out : std::string(w);
}

bool is_quote(char c) { return c == '\'' || c == '"' || c == '`'; }

}  // namespace

std::string parameterize_message(std::string_view message) {
  sv m = message.substr(0, kMaxMessage);
  std::string out;
  out.reserve(m.size());
  size_t i = 0;
  auto emit_space = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  while (i < m.size()) {
    char c = m[i];
    if (is_space(c)) {
      emit_space();
      ++i;
      continue;
    }
    // A quoted value: an opening quote not preceded by a letter (so "can't" is not a quote).
    if (is_quote(c) && (i == 0 || !is_alnum(m[i - 1]))) {
      size_t close = m.find(c, i + 1);
      if (close != sv::npos && close - i <= 200 && m.substr(i + 1, close - i - 1).find('\n') == sv::npos &&
          (close + 1 == m.size() || !is_alnum(m[close + 1]))) {
        out += "<str>";
        i = close + 1;
        continue;
      }
    }
    size_t j = i;
    while (j < m.size() && !is_space(m[j])) ++j;
    sv word = m.substr(i, j - i);
    // Keep surrounding punctuation out of the classification: "(id=17)," -> "(id=<num>),".
    size_t b = 0, e = word.size();
    while (b < e && (word[b] == '(' || word[b] == '[' || word[b] == '{' || word[b] == '<' || is_quote(word[b]))) ++b;
    while (e > b && (word[e - 1] == ')' || word[e - 1] == ']' || word[e - 1] == '}' || word[e - 1] == '>' ||
                     word[e - 1] == ',' || word[e - 1] == ';' || word[e - 1] == ':' || word[e - 1] == '.' ||
                     word[e - 1] == '!' || word[e - 1] == '?' || is_quote(word[e - 1])))
      --e;
    sv core = word.substr(b, e - b);
    // key=value pairs: parameterize the value only.
    size_t eq = core.find('=');
    out.append(word.substr(0, b));
    if (eq != sv::npos && eq > 0 && eq + 1 < core.size() && !contains(core, "://")) {
      // The key too: "/api/orders/1842?page=2" -> "/api/orders/<num>?page=<num>".
      out += param_word(core.substr(0, eq));
      out += '=';
      out += param_word(core.substr(eq + 1));
    } else {
      out += param_word(core);
    }
    out.append(word.substr(e));
    i = j;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string parameterize_request(std::string_view request) {
  // "GET https://api.example/users/17/orders?x=1" -> "GET https://api.example/users/<num>/orders"
  sv r = trim(request.substr(0, 2048));
  size_t q = r.find_first_of("?#");
  if (q != sv::npos) r = r.substr(0, q);
  std::string out;
  size_t scheme = r.find("://");
  size_t path_start = scheme == sv::npos ? 0 : r.find('/', scheme + 3);
  if (path_start == sv::npos) return std::string(r);
  out.append(r.substr(0, path_start));
  size_t i = path_start;
  while (i < r.size()) {
    size_t j = r.find('/', i + 1);
    if (j == sv::npos) j = r.size();
    out += '/';
    sv seg = r.substr(i + 1, j - i - 1);
    if (!seg.empty()) out += param_word(seg);
    i = j;
  }
  return out;
}

std::string normalize_function(std::string_view function) {
  sv f = trim(function);
  if (starts_with(f, "async*")) f.remove_prefix(6);  // Firefox async frames
  for (bool again = true; again;) {
    again = false;
    for (sv p : {sv("async "), sv("new "), sv("bound "), sv("*")}) {
      if (starts_with(f, p)) {
        f.remove_prefix(p.size());
        again = true;
      }
    }
  }
  size_t as = f.find(" [as ");
  if (as != sv::npos) f = f.substr(0, as);
  // Node's timers call an anonymous callback as a method of their own object, and V8 names the
  // frame after that property: `setTimeout(() => …)` runs as "Timeout._onTimeout",
  // `setImmediate(() => …)` as "Immediate._onImmediate" (a named callback keeps its name:
  // "Timeout.onRetry [as _onTimeout]"). Browsers and the other engines show no name.
  if (f == "Timeout._onTimeout" || f == "Immediate._onImmediate") return {};
  // Firefox nests names with '/': "outer/inner"; "render/<" is an anonymous function inside render.
  if (ends_with(f, "/<") || (ends_with(f, "<") && !ends_with(f, "<anonymous>"))) return {};
  size_t slash = f.find_last_of('/');
  if (slash != sv::npos) f = f.substr(slash + 1);
  size_t dot = f.find_last_of('.');
  if (dot != sv::npos && dot + 1 < f.size()) f = f.substr(dot + 1);
  // Accessors: V8 names the frame "get subtotal" ("Cart.get subtotal [as subtotal]" for a class),
  // SpiderMonkey "get subtotal", JavaScriptCore "subtotal": the property name is the function.
  if (starts_with(f, "get ") || starts_with(f, "set ")) f = trim(f.substr(4));
  static const sv kAnonymous[] = {"?", "<anonymous>", "anonymous", "Anonymous function", "<anonymous function>",
                                  "global code", "Global code", "module code", "eval code", "eval",
                                  "(anonymous function)", "(anonymous)", "(null)", ""};
  for (sv a : kAnonymous)
    if (f == a) return {};
  if (f.size() > 128) f = f.substr(0, 128);
  if (f.size() <= 2) return "<min>";  // minifier-looking names change on every build
  return std::string(f);
}

namespace {

bool is_hash_token(sv t) {
  if (t.empty()) return false;
  if (all_of(t, is_digit)) return true;                       // chunk ids: 123.js, app.7.js
  if (t == "min" || t == "prod" || t == "production") return true;
  bool digit = false, upper = false, lowerc = false;
  for (char c : t) {
    if (is_digit(c)) digit = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lowerc = true;
    else if (c != '_' && c != '-') return false;
  }
  if (t.size() >= 7 && all_of(t, is_hex) && digit && (upper || lowerc)) return true;  // 3f2a1b9c
  if (t.size() >= 8 && digit && upper && lowerc) return true;                        // BnRzX8aF
  if (t.size() >= 2 && t[0] == 'v' && all_of(t.substr(1), is_digit)) return true;  // v2
  return false;
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_letter(char c) { return c >= 'a' && c <= 'z'; }

// A piece of a name written in camel case: every capital is followed by a small letter ("HomeView",
// "myWidget"), at most three capitals. Random mixed-case letters rarely read so: two capitals in a
// row or a capital at the end ("BnRzXqaF") happen in 87% of them.
bool camel_case_word(sv t) {
  int capitals = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!is_upper(t[i])) continue;
    ++capitals;
    if (i + 1 == t.size() || !is_lower_letter(t[i + 1])) return false;
  }
  return capitals <= 3;
}

// The content hash that bundlers append to a file name by default, as "[name]-[hash]" (Rollup and
// Vite: 8 characters of URL-safe base64, A-Z a-z 0-9 - _; Rollup's `hashCharacters: 'base36'`: 8
// of a-z 0-9; esbuild: 8 of base32, A-Z 2-7) or "[name].[hash]" (webpack, Parcel: hex, handled
// per token by is_hash_token). The 8 characters are a hash only with evidence that they are not a
// word: letters and digits mixed (upper-case letters with digits, as esbuild's "OPHOJY7D"; both
// cases with digits, "c87k4Pzr", "B2nP_x-Q"; small letters with digits that read as a generated id
// or hex), or both cases in no camel-case reading ("BnRzXqaF", but not "HomeView"). Letters of one
// case are a name ("app-settings", "app-SETTINGS"), so a hash without digits in one case (19% of
// esbuild's, 1.6% of Rollup's) stays in the name and that file starts new groups on each deploy:
// a split, never two files merged.
bool looks_like_bundler_hash(sv h) {
  if (h.size() != 8) return false;
  bool digit = false, upper = false, lowerc = false, sep = false;
  for (char c : h) {
    if (is_digit(c)) digit = true;
    else if (is_upper(c)) upper = true;
    else if (is_lower_letter(c)) lowerc = true;
    else if (c == '-' || c == '_') sep = true;
    else return false;
  }
  if (!upper && !lowerc) return false;  // digits alone are a chunk id (is_hash_token)
  if (upper && digit) return true;
  if (lowerc && digit && !upper) return !sep && (all_of(h, is_hex) || looks_like_generated_id(h));
  if (upper && lowerc) {
    for (size_t i = 0; i < h.size();) {
      size_t j = h.find_first_of("-_", i);
      if (j == sv::npos) j = h.size();
      if (j > i && !camel_case_word(h.substr(i, j - i))) return true;
      i = j + 1;
    }
  }
  return false;
}

// A URL's path without scheme, host, query or fragment ("https://a/x/app.js?v=2" -> "/x/app.js");
// text that is not a URL is returned as it is, less any query or fragment.
sv url_path(sv f) {
  size_t scheme = f.find("://");
  if (scheme != sv::npos && scheme < 32) {
    f = f.substr(scheme + 3);
    size_t slash = f.find('/');
    f = slash == sv::npos ? sv() : f.substr(slash);
  }
  size_t q = f.find_first_of("?#");
  return q == sv::npos ? f : f.substr(0, q);
}

}  // namespace

std::string normalize_file(std::string_view filename) {
  sv f = trim(filename);
  if (f.empty()) return {};
  if (f == "native" || f == "native code" || f == "[native code]" || f == "<anonymous>") return "<native>";
  if (starts_with(f, "<data:") || starts_with(f, "data:")) return "<data>";
  if (starts_with(f, "blob:")) f.remove_prefix(5);
  f = url_path(f);
  size_t sep = f.find_last_of("/\\");
  sv base = sep == sv::npos ? f : f.substr(sep + 1);
  if (base.empty()) return "<root>";
  // Split off the extension, then drop hash-like tokens from the stem.
  sv ext;
  size_t dot = base.find_last_of('.');
  if (dot != sv::npos && dot > 0 && base.size() - dot <= 6) {
    ext = base.substr(dot);
    base = base.substr(0, dot);
  }
  // "[name]-[hash]" as one piece first: base64url hashes contain '-' and '_' themselves.
  if (base.size() >= 10 && (base[base.size() - 9] == '-' || base[base.size() - 9] == '.') &&
      looks_like_bundler_hash(base.substr(base.size() - 8)))
    base = base.substr(0, base.size() - 9);
  std::vector<sv> kept;
  size_t i = 0;
  while (i <= base.size()) {
    size_t j = base.find_first_of(".-_~", i);
    if (j == sv::npos) j = base.size();
    sv tok = base.substr(i, j - i);
    if (!tok.empty() && !is_hash_token(tok)) kept.push_back(tok);
    i = j + 1;
  }
  std::string out;
  for (size_t k = 0; k < kept.size(); ++k) {
    if (k) out += '.';
    out.append(kept[k]);
  }
  if (out.empty()) out = "<chunk>";
  out.append(ext);
  return out;
}

namespace {

bool has_prefix_in(sv s, const std::vector<std::string>& list) {
  for (const auto& p : list)
    if (!p.empty() && s.find(p) != sv::npos) return true;
  return false;
}

sv origin_of(sv url) {
  size_t scheme = url.find("://");
  if (scheme == sv::npos) return {};
  size_t slash = url.find('/', scheme + 3);
  return url.substr(0, slash);
}

}  // namespace

namespace {

// The last dot-separated part of a built-in's frame name: JavaScriptCore says `parse`, V8
// `JSON.parse`.
sv builtin_name(sv fn) {
  size_t dot = fn.rfind('.');
  return dot == sv::npos ? fn : fn.substr(dot + 1);
}

// Paths of elided functions from `first` (called at the caller's position) down to the inner
// frame: each step is a tail call the table records. Only a single path, with every target along
// it known, is believed.
struct TailSearch {
  const SymbolTable& t;
  const Frame& inner;
  int32_t inner_function;  // the inner frame's function in this table, -1 if elsewhere
  std::vector<int32_t> path, found;
  int paths = 0, nodes = 0;
  bool unsure = false;

  bool closes(const SymbolTable::Target& x) const {
    if (x.function >= 0) return x.function == inner_function;
    return inner.native && x.name >= 0 && builtin_name(inner.function) == t.names[static_cast<size_t>(x.name)];
  }
  void from(int32_t f, int depth) {
    path.push_back(f);
    for (const SymbolTable::Target& x : t.tails[static_cast<size_t>(f)]) {
      if (x.function < 0 && x.name < 0) {
        unsure = true;  // a tail call the scanner could not resolve could lead anywhere
      } else if (closes(x)) {
        ++paths;
        found = path;
      } else if (x.function >= 0 && !t.tails[static_cast<size_t>(x.function)].empty()) {
        if (std::find(path.begin(), path.end(), x.function) != path.end()) continue;
        if (depth >= 8 || ++nodes > 64) unsure = true;
        else from(x.function, depth + 1);
      }
      // A target without tail calls that is not the inner frame was not the call that ran.
    }
    path.pop_back();
  }
};

}  // namespace

std::vector<Frame> reconstruct_tail_calls(const std::vector<Frame>& frames, const std::vector<const SymbolTable*>& tables,
                                          const std::vector<int32_t>& functions) {
  std::vector<Frame> out;
  out.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    out.push_back(frames[i]);
    const SymbolTable* t = i < tables.size() ? tables[i] : nullptr;
    if (!t || i + 1 >= frames.size() || t->calls.empty() || frames[i].lineno < 1 || frames[i].colno < 1) continue;
    int32_t f = call_at(*t, static_cast<uint32_t>(frames[i].lineno - 1), static_cast<uint32_t>(frames[i].colno - 1));
    if (f < 0) continue;
    const Frame& inner = frames[i + 1];
    int32_t inner_function = i + 1 < tables.size() && tables[i + 1] == t ? functions[i + 1] : -1;
    if (inner_function == f) continue;  // the callee is on the stack: nothing was elided
    const SymbolTable::Function& callee = t->functions[static_cast<size_t>(f)];
    // A member call resolved by its name whose callee at run time was a built-in of that name.
    if (inner.native && callee.name >= 0 && builtin_name(inner.function) == t->names[static_cast<size_t>(callee.name)]) continue;
    TailSearch s{*t, inner, inner_function, {}, {}, 0, 0, false};
    s.from(f, 0);
    if (s.paths != 1 || s.unsure) continue;
    for (int32_t g : s.found) {
      const SymbolTable::Function& fn = t->functions[static_cast<size_t>(g)];
      Frame x;
      x.filename = frames[i].filename;
      x.abs_path = frames[i].abs_path;
      x.resolved = true;
      x.reconstructed = true;
      if (fn.name >= 0) x.original_function = t->names[static_cast<size_t>(fn.name)];
      x.function = x.original_function.empty() ? "?" : x.original_function;
      x.original_file = fn.source >= 0 ? t->sources[static_cast<size_t>(fn.source)] : frames[i].original_file;
      out.push_back(std::move(x));
    }
  }
  return out;
}

void resolve_and_classify(std::vector<Frame>& frames, const SymbolTableOf& table_of, const GroupingOptions& opts) {
  std::vector<const SymbolTable*> tables(frames.size(), nullptr);
  std::vector<int32_t> functions(frames.size(), -1);
  bool any_calls = false;
  if (table_of) {
    for (size_t i = 0; i < frames.size(); ++i) {
      Frame& f = frames[i];
      const SymbolTable* t = f.lineno >= 1 && f.colno >= 1 ? table_of(f) : nullptr;
      if (!t) continue;
      SymbolLookup r = lookup_symbol(*t, static_cast<uint32_t>(f.lineno - 1), static_cast<uint32_t>(f.colno - 1));
      tables[i] = t;
      functions[i] = r.function_index;
      any_calls = any_calls || !t->calls.empty();
      if (!r.resolved) continue;
      f.original_file = std::move(r.file);
      f.original_function = std::move(r.function);
      f.resolved = true;
    }
    if (any_calls) frames = reconstruct_tail_calls(frames, tables, functions);
  }
  classify_frames(frames, opts);
  // Frames of ignore-listed sources (the map's ignoreList) are not in-app, whatever the URL says.
  for (Frame& f : frames) {
    if (!f.resolved) continue;
    const SymbolTable* t = table_of ? table_of(f) : nullptr;
    if (!t) continue;
    for (size_t s = 0; s < t->sources.size(); ++s)
      if (t->ignored[s] && t->sources[s] == f.original_file) f.in_app = false;
  }
}

void classify_frames(std::vector<Frame>& frames, const GroupingOptions& opts) {
  for (auto& f : frames) {
    sv file = f.filename;
    bool in_app = true;
    // A data: URL frame from a stack line has no position (stack_parser.cpp) and is not in-app; one
    // with a line is the location the engine reported for an error of code the page built itself
    // (a worker or script from a data: URL, named "<data:text/javascript,base64>" by the SDK), in-app
    // as Sentry's global handlers mark it.
    if (f.native || f.eval || file.empty() || (starts_with(file, "<data:") && f.lineno <= 0)) in_app = false;
    else if (starts_with(file, "chrome-extension://") || starts_with(file, "moz-extension://") ||
             starts_with(file, "safari-extension://") || starts_with(file, "safari-web-extension://") ||
             starts_with(file, "ms-browser-extension://") || starts_with(file, "chrome://") ||
             starts_with(file, "resource://"))
      in_app = false;
    else if (starts_with(file, "node:") || starts_with(file, "internal/")) in_app = false;
    else if (has_prefix_in(file, opts.sdk_markers)) in_app = false;
    else if (contains(file, "/node_modules/")) in_app = false;
    // A resolved frame of a bundle: the original source says whether it is a dependency.
    else if (f.resolved && (contains(f.original_file, "node_modules/") || contains(f.original_file, "webpack/runtime") ||
                            starts_with(f.original_file, "vite/")))
      in_app = false;
    else if (!opts.first_party_origins.empty() && (starts_with(file, "http://") || starts_with(file, "https://"))) {
      sv origin = origin_of(file);
      in_app = false;
      for (const auto& o : opts.first_party_origins)
        if (origin == sv(o)) in_app = true;
    }
    if (has_prefix_in(file, opts.in_app_exclude)) in_app = false;
    else if (!f.native && has_prefix_in(file, opts.in_app_include)) in_app = true;
    f.in_app = in_app;
  }
}

namespace {

// Kinds that only a built-in function raises when user code calls it (JSON.parse, reduce,
// toFixed, toISOString, decodeURIComponent, RegExp...). The error object is created inside the
// built-in; the user function that called it is the next frame in V8 and SpiderMonkey, but
// JavaScriptCore implements proper tail calls in strict code and modules, so a caller that ends
// in `return JSON.parse(text)` is not on its stack at all (nor are callers that tail-called it).
// The built-in is named by the kind (SpiderMonkey never shows built-in frames); its caller is
// kept too, so different call sites stay apart (see throw_site for what that costs on JSC).
bool builtin_call_kind(sv k) {
  if (starts_with(k, "dom:") || k == "invalid-selector" || k == "invalid-url") return true;  // raised inside a DOM method
  static const sv kinds[] = {"json-parse", "cyclic-json", "empty-reduce", "number-format-range", "number-radix-range",
                             "invalid-date", "malformed-uri", "invalid-regexp", "bigint-json", "bigint-syntax",
                             "bigint-not-integer", "invalid-repeat-count", "invalid-normalization-form", "invalid-locale",
                             "invalid-currency", "invalid-time-zone", "invalid-unit", "invalid-intl-digits", "missing-currency",
                             "prototype-not-object", "prototype-cycle", "define-property-non-object", "invalid-weak-key",
                             "redefine-property", "data-clone", "promise-resolver-not-callable",
                             // JavaScriptCore raises it in the class constructor's own frame, V8 and
                             // SpiderMonkey in the caller's, which a tail call may elide.
                             "class-call-without-new", "nullish-receiver"};
  for (sv x : kinds)
    if (k == x) return true;
  return starts_with(k, "invalid-intl-option:");
}

// A resolved frame's name is the original one, or none (an anonymous function in the source):
// never the minifier's, which means nothing across builds.
std::string frame_function(const Frame& f) {
  if (f.resolved) {
    std::string fn = normalize_function(f.original_function);
    return fn == "<min>" && f.original_function.size() <= 2 && !f.original_function.empty() ? f.original_function : fn;
  }
  return normalize_function(f.function);
}
std::string frame_file(const Frame& f) {
  return normalize_file(f.resolved && !f.original_file.empty() ? sv(f.original_file) : sv(f.filename));
}

// A frame of minified code that no symbol table resolved: its name means nothing across builds,
// so it is keyed by where it is in this very build: the served file name (content hash kept,
// scheme, host and query dropped) + line:column. Splits across deploys; never merges two places.
std::string deploy_scoped(const Frame& f) {
  sv file = url_path(f.filename);
  if (file.size() > 256) file = file.substr(file.size() - 256);
  return "@" + std::string(file) + ":" + std::to_string(f.lineno) + ":" + std::to_string(f.colno);
}

// Error types the engines and the DOM create themselves: no constructor frame of the app's code
// precedes their throw site.
bool is_engine_error_type(sv t) {
  static const sv types[] = {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "URIError", "EvalError",
                             "AggregateError", "InternalError", "DOMException", "AbortError", "NetworkError", "DataCloneError",
                             "NotAllowedError", "QuotaExceededError", "SecurityError", "InvalidStateError", "NotFoundError",
                             "NotSupportedError", "TimeoutError", "UnhandledRejection", ""};
  for (sv x : types)
    if (t == x) return true;
  return false;
}

// SpiderMonkey marks the first frame of each asynchronous segment ("async*load@…",
// "EventListener.handleEvent*setup@…"), V8 each asynchronous frame ("at async load (…)");
// JavaScriptCore shows none of them.
bool is_async_frame(const Frame& f) {
  sv fn = f.function;
  size_t star = fn.find('*');
  return starts_with(fn, "async ") || (star != sv::npos && star > 0);
}

// The named function that synchronously called an anonymous function, from the frames under it:
// the built-ins between them (Array.map, forEach, new Promise: V8's "at Array.map (<anonymous>)",
// JavaScriptCore's "map@[native code]", nothing in SpiderMonkey) and further anonymous functions
// (nested callbacks) are passed over. Every engine shows that caller, so it keys the callback:
// two callbacks of one file called by different functions are two bugs. None (the callback ran
// from a timer, a promise reaction, an event, or after an `await`) when the next frame is an
// asynchronous one (shown by SpiderMonkey and V8, never by JavaScriptCore), not the app's code,
// eval'd, or a minified frame no table resolved. SpiderMonkey's own naming of anonymous functions
// after their lexical parent ("lineTotals/totals<") is not used: V8 and JavaScriptCore have no
// such name, and it differs from the caller when another function invokes the callback.
// JavaScriptCore elides a caller that ends in `return list.map(cb)` (proper tail call): its events
// then key on the caller's caller and form a group of their own.
template <typename Minified>
std::string anonymous_caller(const std::vector<Frame>& frames, size_t top, bool any_app, Minified&& unresolved_minified) {
  const std::string top_file = frame_file(frames[top]);
  for (size_t k = top, steps = 0; k-- > 0 && steps < 16; ++steps) {
    const Frame& c = frames[k];
    if (is_async_frame(c)) return {};
    if (c.native) continue;
    if (c.eval || c.filename.empty() || (any_app && !c.in_app) || unresolved_minified(c)) return {};
    std::string fn = frame_function(c);
    if (fn.empty()) continue;
    std::string file = frame_file(c);
    return file == top_file ? fn : file + ":" + fn;
  }
  return {};
}

struct ThrowSite {
  std::string token;
  json explain;
  bool confident = false;
};

// Files of this stack that hold minified code: a frame there has a minifier-looking name, or a
// column no hand-written line reaches.
constexpr int kMinifiedColumn = 250;

// The throw site is the frame where the error object was created, because that frame is never
// elided (it was executing) and does not depend on the call path:
//  - the innermost in-app frame (or innermost non-native one when none is in-app), after the
//    error class's own constructor frame (SpiderMonkey and JavaScriptCore show it, V8 hides it);
//  - stack overflow: the set of functions in the innermost repeating cycle, since which of two
//    mutually recursive functions hit the limit is chance;
//  - an error raised inside a built-in: the file + "<built-in>" + the function that called it
//    (see builtin_call_kind);
//  - an anonymous function: the file + "?" + the named function that called it synchronously
//    ("app.js:?<lineTotals", see anonymous_caller); "file:?" alone (not confident) when none;
//  - an unresolved minified frame: deploy_scoped().
ThrowSite throw_site(const std::vector<Frame>& frames, std::string_view error_type, std::string_view message_key) {
  ThrowSite site;
  bool any_app = std::any_of(frames.begin(), frames.end(), [](const Frame& f) { return f.in_app; });
  std::vector<size_t> idx;  // usable frames, innermost first
  for (size_t k = frames.size(); k-- > 0;) {
    const Frame& f = frames[k];
    if (!f.native && !f.filename.empty() && (!any_app || f.in_app)) idx.push_back(k);
  }
  if (idx.empty()) return site;
  const std::string ctor = normalize_function(error_type);
  if (idx.size() > 1 && !ctor.empty() && ctor != "<min>" && frame_function(frames[idx[0]]) == ctor) idx.erase(idx.begin());

  std::vector<std::string> minified_files;
  for (const Frame& f : frames)
    if (!f.resolved && !f.filename.empty() && (normalize_function(f.function) == "<min>" || f.colno > kMinifiedColumn))
      minified_files.push_back(f.filename);
  // In a minified file, a frame's name is the minifier's unless it is long enough to be a kept
  // one (method and property names survive minification; esbuild's renamed bindings have 1-3
  // characters). Anonymous frames there have nothing else to tell them apart.
  auto unresolved_minified = [&](const Frame& f) {
    if (f.resolved || std::find(minified_files.begin(), minified_files.end(), f.filename) == minified_files.end()) return false;
    std::string fn = normalize_function(f.function);
    return fn.empty() || fn == "<min>" || fn.size() <= 3;
  };
  auto plain_token = [&](const Frame& f) {
    if (unresolved_minified(f)) return deploy_scoped(f);
    std::string fn = frame_function(f);
    return frame_file(f) + ":" + (fn.empty() ? std::string("?") : fn);
  };
  auto describe = [&](const Frame& f, const char* rule) {
    json e = json{{"frame", site.token}, {"rule", rule}, {"function", f.function}, {"filename", f.filename}, {"in_app", f.in_app}};
    if (f.resolved) e["original_function"] = f.original_function, e["original_file"] = f.original_file;
    // A frame JavaScriptCore's proper tail call dropped, put back from the symbol table.
    if (f.reconstructed) e["reconstructed"] = true;
    return e;
  };

  const Frame& top = frames[idx[0]];
  if (message_key == "stack-overflow" && idx.size() >= 2) {
    std::vector<std::string> seq;
    for (size_t i = 0; i < idx.size() && i < 64; ++i) seq.push_back(plain_token(frames[idx[i]]));
    // The innermost frames need not belong to the cycle: the limit can be hit in a function the
    // recursion calls at every level (a helper, a built-in's callback), and a frame resolved by
    // position can land in a neighbouring function. So the cycle may start after a short prefix
    // (at most kOverflowPrefix frames), which is left out of the key; after a prefix, the cycle
    // must repeat over at least 2 periods and 4 frames.
    constexpr size_t kOverflowPrefix = 3;
    size_t start = 0, p = 0;
    for (size_t s = 0; s <= kOverflowPrefix && !p; ++s) {
      for (size_t q = 1; q <= 16 && s + 2 * q <= seq.size() && (s == 0 || s + 4 <= seq.size()); ++q) {
        bool cycle = true;
        for (size_t i = s; i + q < seq.size() && i < s + 4 * q && cycle; ++i) cycle = seq[i] == seq[i + q];
        if (cycle) {
          start = s, p = q;
          break;
        }
      }
    }
    if (p) {
      std::vector<std::string> members(seq.begin() + static_cast<std::ptrdiff_t>(start),
                                       seq.begin() + static_cast<std::ptrdiff_t>(start + p));
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      site.token = "cycle:";
      bool readable = true;
      for (size_t m = 0; m < members.size(); ++m) {
        if (m) site.token += ",";
        site.token += members[m];
        if (members[m][0] == '@' || members[m].find(":?") != std::string::npos) readable = false;
      }
      site.confident = readable;
      site.explain = describe(top, "recursion-cycle");
      if (start) site.explain["skipped_innermost"] = start;
      return site;
    }
  }
  if (unresolved_minified(top)) {
    site.token = deploy_scoped(top);
    // An error class of the app's own: SpiderMonkey and JavaScriptCore show its (minified, so
    // unrecognizable) constructor as the innermost frame, which every throw of that class shares.
    // The next frame is the throw site there (and the caller in V8): both are kept, so two throws
    // of one class never merge (V8 then splits by caller: precision first).
    if (idx.size() > 1 && !is_engine_error_type(error_type)) site.token += ">" + deploy_scoped(frames[idx[1]]);
    site.explain = describe(top, "deploy-scoped");
    return site;
  }
  std::string fn = frame_function(top);
  // An anonymous function is "?" followed by the named function that called it synchronously
  // ("app.js:?<lineTotals"), or "?" alone when the stack shows none (see anonymous_caller).
  std::string caller;
  if (fn.empty()) caller = anonymous_caller(frames, idx[0], any_app, unresolved_minified);
  std::string name = !fn.empty() ? fn : caller.empty() ? std::string("?") : "?<" + caller;
  if (builtin_call_kind(message_key)) {
    // The built-in and the function that called it. Precision first: two call sites of one
    // built-in (JSON.parse in loadConfig and in readResponse) are two bugs and stay apart. The
    // price: where JavaScriptCore elided that caller by a proper tail call (`return
    // JSON.parse(s)` in strict code), its events key on the caller's caller and form a group of
    // their own instead of joining the other engines' (a split; a merge only when that caller's
    // caller also calls the same built-in itself, which the stack cannot tell apart).
    site.token = frame_file(top) + ":<built-in>:" + name;
    site.confident = name != "?";
    site.explain = describe(top, "built-in");
    return site;
  }
  site.token = frame_file(top) + ":" + name;
  site.confident = name != "?";
  site.explain = describe(top, top.resolved ? "resolved" : !fn.empty() ? "function" : caller.empty() ? "anonymous" : "anonymous-in-caller");
  return site;
}

std::string make_title(sv type, sv value) {
  std::string t(type.empty() ? sv("Error") : type);
  sv v = trim(first_line(value));
  if (!v.empty()) {
    t += ": ";
    t.append(v.substr(0, 200));
  }
  return t;
}

}  // namespace

GroupingResult compute_grouping(const std::vector<ExceptionInput>& chain, const GroupingOptions& opts) {
  GroupingResult r;
  if (chain.empty()) return compute_message_grouping("<empty>", opts);
  const ExceptionInput& top = chain[0];
  r.canonical_type = canonical_type(top.type, top.value);
  r.message_key = canonicalize_message(top.type, top.value);
  r.title = make_title(top.type.empty() ? sv("Error") : sv(top.type), top.value);

  std::vector<std::string> parts = {"exception", r.canonical_type, r.message_key};
  ThrowSite site;
  // Network failures raised by the DOM carry a stack in V8 but none in SpiderMonkey or JSC, so
  // frames cannot group them across engines; the failed request can (method + parameterized
  // origin and path), which also keeps different endpoints apart.
  const bool network = r.message_key == "fetch-failed" || r.message_key == "dynamic-import-failed";
  // A thrown non-Error value has no stack of its own; where engines say it came from differs
  // (V8 and SpiderMonkey name the script, JSC may not), so its description alone groups it.
  const bool synthetic_value = top.synthetic && r.message_key != "script-error";
  if (!network && !synthetic_value) site = throw_site(top.frames, top.type, r.message_key);
  const std::string& token = site.token;
  std::string strategy = "stack";
  if (network) {
    strategy = "request";
    if (!top.request.empty()) {
      parts.push_back("request:" + parameterize_request(top.request));
      r.parts["request"] = parts.back();
      r.confident = true;
    }
  } else if (!token.empty()) {
    parts.push_back(token);
    r.confident = site.confident;
  } else if (!top.filename.empty() && !synthetic_value) {
    // No stack (e.g. an ErrorEvent without an error object): where it happened is all we have.
    strategy = "location";
    parts.push_back("at:" + normalize_file(top.filename));
    if (r.message_key == "script-error" && top.lineno > 0) parts.push_back("line:" + std::to_string(top.lineno));
  } else {
    strategy = "message";
    r.confident = r.message_key != "script-error";
  }
  json causes = json::array();
  for (size_t i = 1; i < chain.size() && i < 6; ++i) {
    std::string key = canonical_type(chain[i].type, chain[i].value) + "|" + canonicalize_message(chain[i].type, chain[i].value);
    parts.push_back("cause:" + key);
    causes.push_back(key);
  }
  r.fingerprint = hash_parts(parts);
  if (!r.parts.is_object()) r.parts = json::object();
  r.parts["version"] = "fl1";
  r.parts["strategy"] = strategy;
  r.parts["type"] = r.canonical_type;
  r.parts["message"] = r.message_key;
  if (!token.empty()) r.parts["frame"] = site.explain;
  r.parts["confident"] = r.confident;
  if (strategy == "location") r.parts["location"] = parts[3];
  if (!causes.empty()) r.parts["causes"] = std::move(causes);
  if (top.synthetic) r.parts["synthetic"] = true;
  return r;
}

GroupingResult compute_message_grouping(std::string_view message, const GroupingOptions&) {
  GroupingResult r;
  r.canonical_type = "Message";
  r.message_key = "msg:" + parameterize_message(message);
  r.title = std::string(trim(first_line(message)).substr(0, 200));
  if (r.title.empty()) r.title = "<empty message>";
  r.fingerprint = hash_parts({"message", r.message_key});
  r.confident = true;
  r.parts = json{{"version", "fl1"}, {"strategy", "message"}, {"message", r.message_key}, {"confident", true}};
  return r;
}

std::vector<std::string> event_fingerprint(const GroupingResult& computed, const std::vector<std::string>& user) {
  std::vector<std::string> out;
  for (const auto& p : user) {
    if (out.size() == 16) break;  // bounded: the list is kept per tracked group
    sv t = trim(p);
    out.push_back(t == "{{ default }}" || t == "{{default}}" ? computed.fingerprint : std::string(t.substr(0, 512)));
  }
  if (out.empty()) out.push_back(computed.fingerprint);
  return out;
}

std::string apply_fingerprint_override(const GroupingResult& computed, const std::vector<std::string>& user) {
  if (user.empty()) return computed.fingerprint;
  std::vector<std::string> parts = event_fingerprint(computed, user);
  if (parts.size() == 1 && parts[0] == computed.fingerprint) return computed.fingerprint;
  parts.insert(parts.begin(), "override");
  return hash_parts(parts);
}

}  // namespace faultline
