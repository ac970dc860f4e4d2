// The message rules of grouping: an engine's error message -> a cross-engine canonical kind
// ("nullish-property-access", "not-a-function:f", ...), or the developer's own message with its
// parameters (numbers, ids, quoted values, URLs, e-mails...) replaced by placeholders. See
// README.md ("Grouping") for the rules and why each is grounded in how engines behave.
#include "message_rules.h"

#include <algorithm>

#include "text.h"

namespace faultline {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)

// An identifier-like run of letters and digits that is a generated id, not a word: base36/base62
// tokens and short hashes ("7f3a2c", "3hwupn", "aB3xYz9Q", "a1b2c3d4"). At least 6 characters
// with letters and digits, and one of: a hex digest fragment (7+ hex digits); letters and digits
// alternating twice or more ("qai3md"), unless it reads as words around a short number
// ("base64url": letter runs of 3+ around at most 2 digits); digits then 4+ letters ("3hwupn").
// Not ids: a word followed by a number ("user123", "order2024": the word is the template, the
// number a <num>), and anything shorter ("v2", "utf8", "k8s", "i18n", "x64").
bool looks_like_generated_id(std::string_view t) {
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

namespace {

constexpr size_t kMaxMessage = 2048;  // what of a message is looked at for grouping

bool istarts_with(sv s, sv p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (lower(s[i]) != lower(p[i])) return false;
  return true;
}

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

std::string canonicalize_message_v1(std::string_view type, std::string_view message) {
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

// The rules: src/message_rules.txt (its head explains the lines), without comments.
constexpr char kRules[] =
#include "message_rules.inc"
    ;

// Whether `a` and `b` are the same text, letters compared case-insensitively when `icase`.
bool same(sv a, sv b, bool icase) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(icase && lower(a[i]) == lower(b[i]))) return false;
  return true;
}

bool is_wildcard(char c) { return c == '*' || c == '$' || c == '#' || c == '%'; }

// Whether the section line's types ("TypeError =InternalError", "=", "*") take `type`.
bool types_take(sv types, sv type) {
  for (size_t i = 0; i < types.size();) {
    size_t end = std::min(types.find(' ', i), types.size());
    sv t = types.substr(i, end - i);
    if (t == "*" || (t[0] == '=' ? t.substr(1) == type : (type.empty() || t == type))) return true;
    i = end + 1;
  }
  return false;
}

// Matches `text` against one pattern line (wildcards as in message_rules.txt); the subject of a
// `$` or `#` goes to `subject`.
bool matches(sv pattern, sv text, std::string& subject) {
  bool icase = !pattern.empty() && pattern[0] == '~';
  if (icase) pattern.remove_prefix(1);
  size_t pos = 0;     // in text: where the text after the last literal matched starts
  char wildcard = 0;  // the wildcard before the literal being matched (0: the literal is a prefix)
  sv word;            // the operator keyword of a `%`
  for (size_t i = 0;;) {
    size_t j = i;
    while (j < pattern.size() && !is_wildcard(pattern[j])) ++j;
    sv literal = pattern.substr(i, j - i);
    size_t at = 0;
    if (wildcard && j == pattern.size()) {  // the last literal ends the text
      if (text.size() < pos + literal.size()) return false;
      at = text.size() - literal.size();
    } else if (wildcard) {  // its first occurrence
      for (at = pos; at + literal.size() <= text.size() && !same(text.substr(at, literal.size()), literal, icase); ++at) {}
      if (at + literal.size() > text.size()) return false;
    }
    if (!same(text.substr(at, literal.size()), literal, icase)) return false;
    sv captured = text.substr(pos, at - pos);
    if (wildcard == '%' && !has_operator_word(captured, word)) return false;
    if (wildcard == '$' || wildcard == '#') subject = subject_of(captured);
    if (wildcard == '#' && (subject.empty() || subject == "<min>" || contains(captured, " "))) return false;
    pos = at + literal.size();
    if (j == pattern.size()) return pos == text.size();
    wildcard = pattern[j];
    for (i = j + 1; wildcard == '%' && i < pattern.size() && is_alpha(pattern[i]);) ++i;
    word = pattern.substr(j + 1, i - j - 1);
  }
}

}  // namespace

std::string canonicalize_message(std::string_view type, std::string_view message) {
  sv m = trim(message.substr(0, kMaxMessage));
  sv l1 = first_line(m);
  sv rules(kRules, sizeof kRules - 1);
  sv kind;
  std::string subject;
  for (size_t i = 0; i < rules.size();) {
    size_t end = std::min(rules.find('\n', i), rules.size());
    sv line = rules.substr(i, end - i);
    i = end + 1;
    if (line.empty()) continue;
    if (line[0] == '@') {
      if (!types_take(line.substr(1), type)) i = std::min(rules.find("\n@", end), rules.size()) + 1;  // skip the section
    } else if (line[0] == '>') {
      kind = line.substr(1);
    } else {
      bool first_line_only = line[0] == '^';
      subject.clear();
      if (!matches(first_line_only ? line.substr(1) : line, first_line_only ? l1 : m, subject)) continue;
      std::string out(kind);
      if (ends_with(kind, ":")) return out.append(type);
      return subject.empty() ? out : out + ":" + subject;
    }
  }
  return "msg:" + parameterize_message(m);
}

namespace {

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

}  // namespace faultline
