#include "js_scopes.h"

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>

namespace faultline {
namespace {

enum class Kind { End, Ident, Punct, String, Number, Regex, Template };

struct Token {
  Kind kind = Kind::End;
  std::string_view text;
  JsPosition start, end;    // end = position of the token's last character
  bool newline_before = false;
};

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '#' || c == '\\' ||
         c >= 0x80;
}
bool is_ident_part(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

bool one_of(std::string_view word, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (word == w) return true;
  return false;
}

// Keywords after which a `/` starts a regular expression literal rather than a division (`yield`,
// `await` and `of` only where they are keywords: Scanner::regex_allowed).
bool keyword_before_expression(std::string_view w) {
  return one_of(w, {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
                    "else", "yield", "await", "default", "extends"});
}
// `keyword (...) {` is a statement, not a method.
bool control_keyword(std::string_view w) {
  return one_of(w, {"if", "for", "while", "switch", "catch", "with", "function", "return", "typeof", "await",
                    "yield", "new", "delete", "void", "in", "of", "instanceof", "else", "do"});
}
// A statement keyword on a new line ends an arrow's expression body (automatic semicolon insertion).
bool statement_keyword(std::string_view w) {
  return one_of(w, {"function", "const", "let", "var", "class", "if", "for", "while", "return", "export", "import",
                    "throw", "try", "switch", "do"});
}

// U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR (UTF-8 E2 80 A8 / A9) at byte i.
bool ls_ps_at(std::string_view s, size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
}
// A line terminator at byte i: \n, \r, U+2028, U+2029.
bool line_terminator_at(std::string_view s, size_t i) {
  return i < s.size() && (s[i] == '\n' || s[i] == '\r' || ls_ps_at(s, i));
}
// The length in bytes of a Unicode space (Zs) or U+FEFF at byte i, 0 if none: U+00A0, U+1680,
// U+2000-U+200A, U+202F, U+205F, U+3000, U+FEFF — white space to ECMAScript, each one column.
size_t unicode_space_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (b(0) == 0xC2 && b(1) == 0xA0) return 2;
  if (b(0) == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;
  if (b(0) == 0xE2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xAF)) return 3;
  if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;
  if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;
  if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;
  return 0;
}

constexpr const char* kOperators[] = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=",
                                      "=>",   "==",  "!=",  "<=",  ">=",  "&&",  "||",  "??",  "?.",  "++",  "--",
                                      "+=",   "-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",  "**",  "<<",  ">>"};

class Scanner {
 public:
  Scanner(std::string_view src, size_t max_scopes, std::vector<Token>* tokens = nullptr,
          ScriptKind kind = ScriptKind::Unknown)
      : src_(src), max_scopes_(max_scopes), tokens_(tokens), kind_(kind) {}

  std::vector<FunctionScope> run() {
    while (true) {
      Token t = next_token();
      if (t.kind == Kind::End) break;
      if (tokens_) tokens_->push_back(t);
      note_module_syntax(t);
      handle(t);
      push_history(t);
    }
    JsPosition end = last_end_;
    close_arrows(0, end);
    for (const Open& o : stack_)
      if (o.scope >= 0) scopes_[static_cast<size_t>(o.scope)].end = end;
    std::stable_sort(scopes_.begin(), scopes_.end(),
                     [](const FunctionScope& a, const FunctionScope& b) { return a.start < b.start; });
    return std::move(scopes_);
  }

  // After run(): declared names, and those of 1 or 2 characters (JsCallGraph).
  uint32_t declared_names() const { return declared_; }
  uint32_t short_declared_names() const { return short_declared_; }
  uint32_t nested_names() const { return nested_; }
  uint32_t short_nested_names() const { return short_nested_; }
  uint32_t distinct_short_nested_names() const { return static_cast<uint32_t>(distinct_short_.size()); }
  // After run(): where and why the tokens did not tell how the code reads (empty: they did).
  const std::string& doubt() const { return doubt_; }
  // After run(): the code has an `import` or `export` declaration (only modules have them), and
  // the reading of some token depended on the script's kind, which was not given.
  bool reread_as_module() const { return kind_ == ScriptKind::Unknown && module_syntax_ && kind_dependent_; }

 private:
  // What a `/` right after a closing bracket is.
  enum class After : uint8_t { Division, Regex, RegexOnNewLine };
  struct Open {
    char bracket = '(';             // '(' '[' '{' or '$' for a template substitution `${`
    int scope = -1;                 // '{' of a function body: index of its scope
    int function_params = -1;       // '(' of a `function`'s parameters: index of its scope
    bool method_candidate = false;  // '(' after a name or ']': `name(...) {` would be a method
    bool class_body = false;        // '{' of a class body; class_name is its name token, if any
    bool control_head = false;      // '(' of `if (`, `while (`, `for (`, `with (`: a statement follows
    bool statements = false;        // '{' whose content is statements (a block, a function's body)
    After after = After::Division;  // '{': what a `/` after its `}` is (a statement's end or not)
    int ternary = 0;                // `?` of `?:` open at this level
    uint32_t params = 0, short_params = 0;  // '(': names at its level after `(` `,` `...` (parameters if `=>` follows)
    std::vector<std::string_view> short_names;
    Token class_name;
    Token before[4];                // the tokens before the bracket, nearest first
    JsPosition pos;
  };
  struct Arrow {
    int scope;
    size_t depth;
  };
  enum : uint8_t { kAsync = 1, kGenerator = 2 };

  // ---- lexing ------------------------------------------------------------------------------
  unsigned char peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? static_cast<unsigned char>(src_[pos_ + ahead]) : 0;
  }
  bool at_end() const { return pos_ >= src_.size(); }

  // One byte; lines end at \n, \r\n, \r, U+2028 and U+2029; a column counts UTF-16 code units.
  void advance() {
    unsigned char c = peek();
    if ((c & 0xC0) != 0x80) last_char_ = here_;
    ++pos_;
    if (c == '\n' || (c == '\r' && peek() != '\n')) {
      new_line();
    } else if (c == 0xE2 && peek() == 0x80 && (peek(1) == 0xA8 || peek(1) == 0xA9)) {
      pos_ += 2;
      new_line();
    } else if ((c & 0xC0) != 0x80 && c != '\r') {
      here_.column += c >= 0xF0 ? 2 : 1;
    }
  }
  // One byte that is never a line break: a U+2028/U+2029 written in a string literal is one column
  // of the same line to JavaScriptCore (its lexer counts lines outside string literals only).
  void advance_in_line() {
    unsigned char c = peek();
    if ((c & 0xC0) != 0x80) {
      last_char_ = here_;
      here_.column += c >= 0xF0 ? 2 : 1;
    }
    ++pos_;
  }
  void new_line() {
    ++here_.line;
    here_.column = 0;
    saw_newline_ = true;
    line_start_ = true;
  }
  void doubt(const char* what) {
    if (!doubt_.empty()) return;
    doubt_ = "line " + std::to_string(here_.line + 1) + ": " + what;
  }

  void skip_line_comment() {
    while (!at_end() && !line_terminator_at(src_, pos_)) advance();
  }

  void skip_space_and_comments() {
    while (!at_end()) {
      unsigned char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || ls_ps_at(src_, pos_)) {
        advance();
      } else if (size_t n = unicode_space_at(src_, pos_)) {
        for (size_t i = 0; i < n; ++i) advance();
      } else if (c == '/' && peek(1) == '/') {
        skip_line_comment();
      } else if (c == '/' && peek(1) == '*') {
        advance();
        advance();
        while (!at_end() && !(peek() == '*' && peek(1) == '/')) advance();
        if (!at_end()) {
          advance();
          advance();
        }
      } else if (c == '#' && peek(1) == '!' && pos_ == 0) {
        skip_line_comment();  // a hashbang
      } else if (c == '<' && peek(1) == '!' && peek(2) == '-' && peek(3) == '-' && html_open_comment()) {
        skip_line_comment();
      } else if (c == '-' && peek(1) == '-' && peek(2) == '>' && line_start_) {
        // First on its line: a comment in a classic script, a syntax error in a module.
        skip_line_comment();
      } else {
        break;
      }
    }
  }

  // Whether the `<!--` at pos_ begins a comment: in a classic script, yes; in a module, no. When the
  // kind is unknown, the classic reading is taken, and it is a doubt when a module could read it
  // as `<` `!` `--` (after an operand, before an assignable name).
  bool html_open_comment() {
    if (kind_ == ScriptKind::Module) return false;
    if (kind_ == ScriptKind::Classic) return true;
    kind_dependent_ = true;
    if (history_size_ == 0 || !ends_operand(history_[0])) return true;
    size_t k = pos_ + 4;
    while (k < src_.size() && (src_[k] == ' ' || src_[k] == '\t' || line_terminator_at(src_, k) || unicode_space_at(src_, k)))
      k += ls_ps_at(src_, k) ? 3 : std::max<size_t>(1, unicode_space_at(src_, k));
    if (k >= src_.size()) return true;
    unsigned char c = static_cast<unsigned char>(src_[k]);
    if (!is_ident_start(c) && c != '(' && c != '/') return true;
    size_t e = k;
    while (e < src_.size() && is_ident_part(static_cast<unsigned char>(src_[e]))) ++e;
    std::string_view word = src_.substr(k, e - k);
    if (one_of(word, {"return", "if", "for", "while", "do", "var", "let", "const", "function", "class", "throw", "try",
                      "switch", "break", "continue", "else", "case", "default", "import", "export"}))
      return true;  // `--return`: a syntax error in a module
    doubt("`<!--` that a classic script reads as a comment and a module as operators");
    return true;
  }
  // The token may end an expression (what may stand before a binary operator).
  static bool ends_operand(const Token& t) {
    switch (t.kind) {
      case Kind::Number:
      case Kind::String:
      case Kind::Regex:
        return true;
      case Kind::Template:
        return t.text.back() == '`';
      case Kind::Ident:
        return !keyword_before_expression(t.text) && !statement_keyword(t.text);
      case Kind::Punct:
        return one_of(t.text, {")", "]", "}", "++", "--"});
      default:
        return false;
    }
  }

  void skip_quoted(unsigned char quote) {
    advance();
    while (!at_end() && peek() != quote) {
      if (peek() == '\n' || peek() == '\r') return;  // unterminated: stop at the line's end
      if (peek() == '\\') {
        advance();
        if (at_end()) return;
        // `\` before a line terminator continues the string on the next line.
        if (line_terminator_at(src_, pos_)) advance();
        else advance_in_line();
        continue;
      }
      advance_in_line();
    }
    if (!at_end()) advance();
  }

  // From after "`" or "}" of a substitution to the closing "`" (true) or a "${" (false).
  bool skip_template_chars() {
    while (!at_end()) {
      unsigned char c = peek();
      if (c == '\\') {
        advance();
        if (!at_end()) advance();
      } else if (c == '`') {
        advance();
        return true;
      } else if (c == '$' && peek(1) == '{') {
        advance();
        advance();
        return false;
      } else {
        advance();
      }
    }
    return true;
  }

  // A `/` here starts a regular expression literal (see js_scopes.h).
  bool regex_allowed() {
    if (history_size_ == 0) return true;
    const Token& p = history_[0];
    bool dotted = history_size_ > 1 && (is_punct(&history_[1], ".") || is_punct(&history_[1], "?."));
    switch (p.kind) {
      case Kind::Ident:
        if (dotted) return false;  // a property name: `x.return / 2`
        if (p.text == "yield") return has_flag(innermost_function(), kGenerator);
        if (p.text == "of") return in_for_head();
        if (p.text == "await") return await_keyword();
        return keyword_before_expression(p.text);
      case Kind::Punct:
        if (p.text == ")" || p.text == "]" || p.text == "}")
          return after_close_ == After::Regex || (after_close_ == After::RegexOnNewLine && saw_newline_);
        return p.text != "++" && p.text != "--";  // `x++ / 2`; a prefix `++/re/` is an early error
      case Kind::Template:
        return p.text.size() >= 2 && p.text.substr(p.text.size() - 2) == "${";
      default:
        return false;
    }
  }
  // `await` is a keyword in an async function, and at a module's top level.
  bool await_keyword() {
    int f = innermost_function();
    if (f >= 0) return has_flag(f, kAsync);
    if (kind_ != ScriptKind::Unknown) return kind_ == ScriptKind::Module;
    kind_dependent_ = true;
    doubt("`await /` at the top level: a regular expression in a module, a division in a classic script");
    return false;
  }
  bool in_for_head() const {
    if (stack_.empty() || stack_.back().bracket != '(') return false;
    const Token* b = stack_.back().before;
    return (b[0].kind == Kind::Ident && b[0].text == "for") ||
           (b[0].kind == Kind::Ident && b[0].text == "await" && b[1].kind == Kind::Ident && b[1].text == "for");
  }

  // A regular expression literal; false (nothing consumed) when the line ends first. A class
  // `[...]` may hold `/`; classes do not nest in the literal's lexical grammar, not even with the
  // `v` flag (whose nested classes are checked after the literal is read: `/[[a]/]/v` is `/[[a]/`).
  bool skip_regex() {
    size_t end = std::string_view::npos;
    bool in_class = false;
    for (size_t i = pos_ + 1; i < src_.size();) {
      unsigned char c = static_cast<unsigned char>(src_[i]);
      if (line_terminator_at(src_, i)) break;
      if (c == '\\') {
        if (line_terminator_at(src_, i + 1)) break;
        i += 2;
        continue;
      }
      if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '/' && !in_class) {
        end = i + 1;
        break;
      }
      ++i;
    }
    if (end == std::string_view::npos) return false;
    while (pos_ < end) advance();
    while (!at_end() && is_ident_part(peek())) advance();
    return true;
  }

  Token next_token() {
    saw_newline_ = false;
    skip_space_and_comments();
    Token t;
    t.newline_before = saw_newline_;
    t.start = here_;
    size_t begin = pos_;
    if (at_end()) {
      t.kind = Kind::End;
      return t;
    }
    unsigned char c = peek();
    if (c == '}' && !stack_.empty() && stack_.back().bracket == '$') {
      // The end of a `${...}` substitution: the template literal goes on.
      stack_.pop_back();
      advance();
      if (!skip_template_chars()) push_template();
      t.kind = Kind::Template;
    } else if (c == '`') {
      advance();
      if (!skip_template_chars()) push_template();
      t.kind = Kind::Template;
    } else if (c == '"' || c == '\'') {
      skip_quoted(c);
      t.kind = Kind::String;
    } else if ((c >= '0' && c <= '9') || (c == '.' && peek(1) >= '0' && peek(1) <= '9')) {
      while (!at_end() && (is_ident_part(peek()) || peek() == '.')) advance();
      t.kind = Kind::Number;
    } else if (is_ident_start(c)) {
      while (!at_end() && is_ident_part(peek()) && !unicode_space_at(src_, pos_) && !ls_ps_at(src_, pos_)) {
        if (peek() == '\\') {
          // `\u0066` or `\u{66}`: the engine's name is the decoded one, which this scanner does
          // not compute (its name and binding checks compare the text as written).
          doubt("an identifier written with \\u escapes");
          advance();
          if (peek() == 'u' && peek(1) == '{') {
            while (!at_end() && peek() != '}' && !line_terminator_at(src_, pos_)) advance();
          }
        }
        if (!at_end()) advance();
      }
      t.kind = Kind::Ident;
    } else if (c == '/' && regex_allowed() && skip_regex()) {
      t.kind = Kind::Regex;
    } else {
      t.kind = Kind::Punct;
      size_t len = 1;
      for (const char* op : kOperators) {
        size_t n = std::strlen(op);
        if (src_.compare(pos_, n, op) == 0) {
          len = n;
          break;
        }
      }
      if (len == 2 && c == '?' && peek(1) == '.' && peek(2) >= '0' && peek(2) <= '9') len = 1;  // `a?.5:b`
      for (size_t i = 0; i < len; ++i) advance();
    }
    t.text = src_.substr(begin, pos_ - begin);
    t.end = last_char_;
    line_start_ = false;
    return t;
  }

  void push_template() {
    Open o;
    o.bracket = '$';
    stack_.push_back(o);
  }

  // An `import` or `export` declaration at the top level: the code is a module.
  void note_module_syntax(const Token& t) {
    if (import_pending_) {
      import_pending_ = false;
      if (!is_punct(&t, "(")) module_syntax_ = true;  // `import x from`, `import {`, `import.meta`
    }
    if (t.kind != Kind::Ident || !stack_.empty() || after_dot()) return;
    if (t.text == "export") module_syntax_ = true;
    else if (t.text == "import") import_pending_ = true;
  }

  // ---- scopes ------------------------------------------------------------------------------
  void push_history(const Token& t) {
    for (size_t i = 3; i > 0; --i) history_[i] = history_[i - 1];
    history_[0] = t;
    if (history_size_ < 4) ++history_size_;
    last_end_ = t.end;
  }
  const Token* prev(size_t i) const { return i < history_size_ ? &history_[i] : nullptr; }
  static bool is_punct(const Token* t, const char* text) { return t && t->kind == Kind::Punct && t->text == text; }
  static bool is_word(const Token* t) { return t && t->kind == Kind::Ident; }
  bool after_dot() const { return is_punct(prev(0), ".") || is_punct(prev(0), "?."); }

  int new_scope(JsPosition start) {
    if (scopes_.size() >= max_scopes_) return -1;
    FunctionScope s;
    s.start = start;
    s.end = start;
    s.body = start;
    scopes_.push_back(s);
    flags_.push_back(0);
    return static_cast<int>(scopes_.size() - 1);
  }
  void set_flag(int scope, uint8_t flag) {
    if (scope < 0) return;
    flags_[static_cast<size_t>(scope)] |= flag;
    scopes_[static_cast<size_t>(scope)].async_or_generator = true;
  }
  bool has_flag(int scope, uint8_t flag) const { return scope >= 0 && (flags_[static_cast<size_t>(scope)] & flag); }
  // The function whose body the scanner is in (a block body on the stack, or an arrow's expression
  // body), -1 at the top level.
  int innermost_function() const {
    int body = -1;
    size_t depth = 0;
    for (size_t i = stack_.size(); i-- > 0;)
      if (stack_[i].scope >= 0) {
        body = stack_[i].scope;
        depth = i + 1;
        break;
      }
    if (!arrows_.empty() && (body < 0 || arrows_.back().depth >= depth)) return arrows_.back().scope;
    return body;
  }
  // Whether a statement may begin here: prev(back) is the token before, `newline` whether a line
  // break follows it (a statement then ends where the grammar allows no continuation: ASI).
  bool statement_position(size_t back, bool newline) const {
    if (!stack_.empty() && !stack_.back().statements) return false;  // in ( [ ${ or an object or class body
    const Token* p = prev(back);
    if (!p) return true;
    switch (p->kind) {
      case Kind::Punct:
        if (one_of(p->text, {";", "{", "}", ")"})) return true;
        if (p->text == ":") return last_colon_statement_;  // a label, `case x:`, `default:`
        if (one_of(p->text, {"]", "++", "--"})) return newline;
        return false;  // an operator, `,`, `=>`
      case Kind::Ident:
        if (is_punct(prev(back + 1), ".") || is_punct(prev(back + 1), "?.")) return newline;
        if (one_of(p->text, {"else", "do", "try", "finally", "catch", "break", "continue"})) return true;
        if (one_of(p->text, {"var", "let", "const", "import", "export"})) return false;  // a pattern, `import {`
        if (one_of(p->text, {"return", "yield"})) return newline;  // restricted: a new line ends them
        if (keyword_before_expression(p->text)) return false;
        return newline;
      case Kind::Template:
        return p->text.back() == '`' && newline;
      default:
        return newline;
    }
  }
  static size_t characters(std::string_view w) {
    size_t n = 0;
    for (unsigned char c : w) n += (c & 0xC0) != 0x80;
    return n;
  }
  // Up to 8 distinct short names declared in functions (a minifier gives one scope's bindings
  // distinct names; code whose every parameter is `t` has one).
  void note_distinct(std::string_view name, bool is_short) {
    if (!is_short || distinct_short_.size() >= 8) return;
    for (std::string_view d : distinct_short_)
      if (d == name) return;
    distinct_short_.push_back(name);
  }
  void declared(std::string_view name, bool param = false) {
    bool is_short = characters(name) <= 2;
    ++declared_;
    short_declared_ += is_short;
    if (param || innermost_function() >= 0) {
      ++nested_;
      short_nested_ += is_short;
      note_distinct(name, is_short);
    }
  }
  // A name that declares a binding (see JsCallGraph::declared_names); parameters of an arrow are
  // counted at its `=>`.
  void count_declaration(const Token& t) {
    if (after_dot() || property_name_ || one_of(t.text, {"function", "class", "async", "await", "yield", "this", "of", "in",
                                                          "extends", "new", "typeof", "void", "delete", "instanceof"}))
      return;
    const Token* p = prev(0);
    if (is_word(p) && one_of(p->text, {"function", "class", "var", "let", "const"})) return declared(t.text);
    if (is_punct(p, "*") && is_word(prev(1)) && prev(1)->text == "function") return declared(t.text);
    if (stack_.empty() || stack_.back().bracket != '(' || !(is_punct(p, "(") || is_punct(p, ",") || is_punct(p, "..."))) return;
    Open& o = stack_.back();
    bool params = o.function_params >= 0 || (is_word(&o.before[0]) && o.before[0].text == "catch");
    if (params) return declared(t.text, true);
    ++o.params;
    if (characters(t.text) <= 2) {
      ++o.short_params;
      if (o.short_names.size() < 8) o.short_names.push_back(t.text);
    }
  }
  // The next token is where an object literal's key or a class member's name is written.
  bool property_name_position() const {
    if (stack_.empty() || stack_.back().bracket != '{' || stack_.back().statements) return false;
    const Token* p = prev(0);
    size_t modifiers = 0;  // `get` `set` `async` `static` `*` before the name
    while (p && ((is_word(p) && one_of(p->text, {"get", "set", "async", "static"})) || is_punct(p, "*")) && modifiers < 3)
      p = prev(++modifiers);
    if (stack_.back().class_body) return is_punct(p, "{") || is_punct(p, ";") || is_punct(p, "}");
    return is_punct(p, "{") || is_punct(p, ",");
  }
  // A `function` or `class` at prev(back - 1) is a declaration: in statement position, or exported.
  bool declaration_position(size_t back, bool newline) const {
    const Token* p = prev(back);
    if (is_word(p) && p->text == "export") return true;
    if (is_word(p) && p->text == "default" && is_word(prev(back + 1)) && prev(back + 1)->text == "export") return true;
    return statement_position(back, newline);
  }
  void set_name(int scope, const Token& t, FunctionScope::NameKind kind) {
    if (scope < 0 || t.kind != Kind::Ident) return;
    FunctionScope& s = scopes_[static_cast<size_t>(scope)];
    s.has_name = true;
    s.name_kind = kind;
    s.name_pos = t.start;
    s.name_text = std::string(t.text);
  }
  // The binding an anonymous function is assigned to: `x =`, `o.x =`, `{x:` / `,x:`, `x ??=`...
  // `before` is the token before the function's first token, `before2` the one before that.
  void name_from_binding(int scope, const Token* before, const Token* before2, const Token* before3) {
    if (!before || !before2 || before2->kind != Kind::Ident) return;
    if (before->kind != Kind::Punct) return;
    bool assign = one_of(before->text, {"=", "||=", "&&=", "?\?="});
    bool key = before->text == ":" && before3 && (is_punct(before3, "{") || is_punct(before3, ","));
    bool member = assign && (is_punct(before3, ".") || is_punct(before3, "?."));
    if (assign || key) set_name(scope, *before2, key || member ? FunctionScope::NameKind::Property : FunctionScope::NameKind::Binding);
  }

  void close_arrows(size_t min_depth, JsPosition end) {
    while (!arrows_.empty() && arrows_.back().depth >= min_depth) {
      scopes_[static_cast<size_t>(arrows_.back().scope)].end = end;
      arrows_.pop_back();
    }
  }

  void handle(const Token& t) {
    int function_body = expect_body_;
    int arrow_body = expect_arrow_body_;
    bool method = method_name_pending_;
    expect_body_ = expect_arrow_body_ = -1;
    method_name_pending_ = false;
    if (function_body >= 0) scopes_[static_cast<size_t>(function_body)].body = t.start;
    if (arrow_body >= 0) scopes_[static_cast<size_t>(arrow_body)].body = t.start;
    if (t.newline_before && t.kind == Kind::Ident && statement_keyword(t.text)) close_arrows(stack_.size(), last_end_);
    bool opens_block = t.kind == Kind::Punct && t.text == "{";
    // An arrow whose body is not a block: its scope runs to the end of the expression.
    if (arrow_body >= 0 && !opens_block) {
      arrows_.push_back(Arrow{arrow_body, stack_.size()});
      scopes_[static_cast<size_t>(arrow_body)].expression_body = true;
    }

    if (t.kind == Kind::Ident) {
      // `{ function: x }`, `{ class: "a" }`, a method `function() {}` of a class: property names.
      property_name_ = property_name_position();
      bool keyword = !after_dot() && !property_name_;
      count_declaration(t);
      if (keyword && t.text == "function") return start_function(t);
      if (keyword && t.text == "class") return start_class(t);
      if (pending_class_ && pending_class_depth_ == stack_.size() && !class_name_done_) {
        if (t.text != "extends") class_name_ = t;
        class_name_done_ = true;
        return;
      }
      if (pending_function_ >= 0 && pending_function_name_allowed_) {
        set_name(pending_function_, t, FunctionScope::NameKind::Own);
        pending_function_name_allowed_ = false;
      }
      return;
    }
    if (t.kind != Kind::Punct) return;
    std::string_view p = t.text;
    if (p == "*" && pending_function_ >= 0) {
      set_flag(pending_function_, kGenerator);
      return;
    }
    int& ternary = stack_.empty() ? top_ternary_ : stack_.back().ternary;
    if (p == "?") {
      ++ternary;
      return;
    }
    if (p == ":") {
      // The `:` of `?:`, else of a label, `case` or `default` where statements are, else a property's.
      if (ternary > 0) {
        --ternary;
        last_colon_statement_ = false;
      } else {
        last_colon_statement_ = stack_.empty() || stack_.back().statements;
      }
      return;
    }
    if (p == ";") ternary = 0;
    if (p == "=>") return start_arrow();
    if (p == "{") return open(t, '{', function_body, arrow_body, method);
    if (p == "(" || p == "[") return open(t, p[0], -1, -1, false);
    if (p == ")" || p == "]" || p == "}") return close(t);
    if (p == "," || p == ";") close_arrows(stack_.size(), last_end_);
  }

  void start_function(const Token& t) {
    JsPosition start = t.start;
    size_t shift = 0;
    if (is_word(prev(0)) && prev(0)->text == "async") {
      start = prev(0)->start;
      shift = 1;
    }
    pending_function_ = new_scope(start);
    pending_function_name_allowed_ = true;
    if (pending_function_ >= 0) {
      if (shift == 1) set_flag(pending_function_, kAsync);
      // Statement position: a declaration, which binds its name in the enclosing scope (and whose
      // body's `}` ends a statement).
      scopes_[static_cast<size_t>(pending_function_)].declaration =
          declaration_position(shift, shift ? prev(0)->newline_before : t.newline_before);
    }
    // Named later by its own name token if it has one; else by the binding it is assigned to.
    name_from_binding(pending_function_, prev(shift), prev(shift + 1), prev(shift + 2));
  }

  // A class's constructor frames carry the class's name in every engine (`new AuthError`,
  // `AuthError@`), so its body remembers the class name token (own name or binding).
  void start_class(const Token& t) {
    pending_class_ = true;
    pending_class_depth_ = stack_.size();
    pending_class_declaration_ = declaration_position(0, t.newline_before);
    class_name_done_ = false;
    class_name_ = Token{};
    const Token* before = prev(0);
    const Token* before2 = prev(1);
    if (before && before2 && before2->kind == Kind::Ident && before->kind == Kind::Punct && before->text == "=")
      class_name_ = *before2;
  }

  void start_arrow() {
    const Token* params = prev(0);
    if (!params) return;
    int scope = -1;
    if (is_punct(params, ")") && have_closed_paren_) {
      declared_ += last_closed_paren_.params;
      short_declared_ += last_closed_paren_.short_params;
      nested_ += last_closed_paren_.params;
      short_nested_ += last_closed_paren_.short_params;
      for (std::string_view n : last_closed_paren_.short_names) note_distinct(n, true);
      // `(a, b) =>` or `async (a) =>`: the tokens before `(` were saved when it opened.
      const Token* before = last_closed_paren_.before;
      size_t shift = before[0].kind == Kind::Ident && before[0].text == "async" ? 1 : 0;
      scope = new_scope(shift ? before[0].start : last_closed_paren_.pos);
      if (shift == 1) set_flag(scope, kAsync);
      if (scope >= 0 && shift + 2 < 4) name_from_binding(scope, &before[shift], &before[shift + 1], &before[shift + 2]);
      else if (scope >= 0) name_from_binding(scope, &before[shift], &before[shift + 1], nullptr);
    } else if (params->kind == Kind::Ident) {
      declared(params->text, true);
      size_t shift = is_word(prev(1)) && prev(1)->text == "async" ? 1 : 0;
      scope = new_scope(shift ? prev(1)->start : params->start);
      if (shift == 1) set_flag(scope, kAsync);
      if (scope >= 0) name_from_binding(scope, prev(shift + 1), prev(shift + 2), prev(shift + 3));
    }
    if (scope >= 0) scopes_[static_cast<size_t>(scope)].arrow = true;
    expect_arrow_body_ = scope;
  }

  // `function_body`, `arrow_body`: the scope whose body a `{` opens, if any; `method`: a `{` right
  // after `name(...)`.
  void open(const Token& t, char bracket, int function_body, int arrow_body, bool method) {
    Open o;
    o.bracket = bracket;
    o.pos = t.start;
    for (size_t i = 0; i < 4; ++i) o.before[i] = prev(i) ? *prev(i) : Token{};
    // Methods are written only in class bodies and object literals.
    method = method && !stack_.empty() && stack_.back().bracket == '{' && !stack_.back().statements;
    if (bracket == '{') {
      int body_for = function_body >= 0 ? function_body : arrow_body;
      o.scope = body_for;
      // What follows the matching `}`: a statement (a `/` starts a regular expression) after a
      // block or a declaration; an operator (a division) after an object literal or a function
      // or class expression; after an arrow's body, a statement only on a new line (ASI).
      if (function_body >= 0) {
        o.statements = true;
        o.after = scopes_[static_cast<size_t>(function_body)].declaration ? After::Regex : After::Division;
      } else if (arrow_body >= 0) {
        o.statements = true;
        o.after = After::RegexOnNewLine;
      } else if (pending_class_ && pending_class_depth_ == stack_.size()) {
        o.after = pending_class_declaration_ ? After::Regex : After::Division;
      } else if (method) {
        o.statements = true;
      } else if (!stack_.empty() && stack_.back().class_body && is_word(prev(0)) && prev(0)->text == "static") {
        o.statements = true;  // a class's static block
      } else if (statement_position(0, t.newline_before)) {
        o.statements = true;  // a block
        o.after = After::Regex;
      }
      if (pending_class_ && pending_class_depth_ == stack_.size()) {
        o.class_body = true;
        o.class_name = class_name_;
        pending_class_ = false;
      } else if (body_for < 0 && method) {
        // `name(...) {`: a method, getter or setter; its scope starts at the name.
        o.scope = new_scope(method_name_.start);
        bool constructor = method_name_.text == "constructor" && !stack_.empty() && stack_.back().class_body;
        set_name(o.scope, constructor ? stack_.back().class_name : method_name_,
                 constructor ? FunctionScope::NameKind::Class : FunctionScope::NameKind::Property);
        if (o.scope >= 0 && !constructor && !stack_.empty() && stack_.back().class_body &&
            stack_.back().class_name.kind == Kind::Ident && scopes_[static_cast<size_t>(o.scope)].has_name) {
          FunctionScope& m = scopes_[static_cast<size_t>(o.scope)];
          m.has_class = true;
          m.class_pos = stack_.back().class_name.start;
          m.class_text = std::string(stack_.back().class_name.text);
        }
        if (o.scope >= 0 && method_prefix_.kind == Kind::Ident && method_prefix_.text == "get")
          scopes_[static_cast<size_t>(o.scope)].getter = true;
        if (o.scope >= 0 && method_prefix_.kind == Kind::Ident && method_prefix_.text == "set")
          scopes_[static_cast<size_t>(o.scope)].setter = true;
        if (is_punct(&method_prefix_, "*") || is_punct(&method_prefix2_, "*")) set_flag(o.scope, kGenerator);
        if ((is_word(&method_prefix_) && method_prefix_.text == "async") ||
            (is_word(&method_prefix2_) && method_prefix2_.text == "async"))
          set_flag(o.scope, kAsync);
      }
      pending_function_ = -1;
    } else if (bracket == '(') {
      if (pending_function_ >= 0) {
        o.function_params = pending_function_;
        pending_function_ = -1;
        pending_function_name_allowed_ = false;
      } else {
        const Token* before = prev(0);
        // (`"name"() {` and `0() {` are methods too: property names may be strings or numbers.)
        o.method_candidate = (before && before->kind == Kind::Ident && (!control_keyword(before->text) || property_name_)) ||
                             is_punct(before, "]") || (before && (before->kind == Kind::String || before->kind == Kind::Number));
        // The head of `if (`, `while (` (also do-while's), `for (`, `for await (`, `with (`: a
        // statement follows its `)`.
        bool dotted = is_punct(prev(1), ".") || is_punct(prev(1), "?.");
        o.control_head = is_word(before) && !dotted && one_of(before->text, {"if", "while", "for", "with"});
        if (is_word(before) && before->text == "await" && is_word(prev(1)) && prev(1)->text == "for") o.control_head = true;
      }
    }
    stack_.push_back(o);
  }

  void close(const Token& t) {
    close_arrows(stack_.size(), last_end_);
    after_close_ = After::Division;
    if (stack_.empty()) return;
    Open o = stack_.back();
    stack_.pop_back();
    if (o.scope >= 0) scopes_[static_cast<size_t>(o.scope)].end = t.start;
    if (o.bracket == '{') after_close_ = o.after;
    if (o.bracket != '(') return;
    if (o.control_head) after_close_ = After::Regex;
    last_closed_paren_ = o;
    have_closed_paren_ = true;
    if (o.function_params >= 0) {
      expect_body_ = o.function_params;
    } else if (o.method_candidate) {
      // Only a `{` right after the `)` makes it a method; any other token cancels this.
      method_name_pending_ = true;
      method_name_ = o.before[0];
      method_prefix_ = o.before[1];
      method_prefix2_ = o.before[2];
    }
  }

  std::string_view src_;
  size_t max_scopes_;
  size_t pos_ = 0;
  JsPosition here_, last_char_, last_end_;
  bool saw_newline_ = false;
  Token history_[4];
  size_t history_size_ = 0;
  std::vector<Open> stack_;
  std::vector<Arrow> arrows_;
  std::vector<FunctionScope> scopes_;
  int pending_function_ = -1;
  bool pending_function_name_allowed_ = false;
  int expect_body_ = -1;
  int expect_arrow_body_ = -1;
  bool method_name_pending_ = false;
  Token method_name_, method_prefix_, method_prefix2_;
  std::vector<Token>* tokens_;
  Open last_closed_paren_;
  bool have_closed_paren_ = false;
  bool pending_class_ = false;
  size_t pending_class_depth_ = 0;
  bool class_name_done_ = false;
  bool pending_class_declaration_ = false;
  Token class_name_;
  ScriptKind kind_ = ScriptKind::Unknown;
  std::vector<uint8_t> flags_;      // per scope: kAsync, kGenerator
  After after_close_ = After::Division;
  bool line_start_ = true;          // only spaces and comments since the last line break
  int top_ternary_ = 0;             // `?` of `?:` open at the top level
  bool last_colon_statement_ = false;
  bool property_name_ = false;      // the last name token was written where a property name goes
  uint32_t declared_ = 0, short_declared_ = 0, nested_ = 0, short_nested_ = 0;
  std::vector<std::string_view> distinct_short_;
  std::string doubt_;
  bool module_syntax_ = false, import_pending_ = false, kind_dependent_ = false;
};

// ---- call graph -------------------------------------------------------------------------------

// Words that are never a callee or a binding.
bool reserved_word(std::string_view w) {
  return one_of(w, {"if", "for", "while", "switch", "catch", "with", "function", "return", "typeof", "await", "yield",
                    "new", "delete", "void", "in", "of", "instanceof", "else", "do", "class", "const", "let", "var",
                    "import", "export", "super", "throw", "case", "default", "try", "finally", "extends", "async",
                    "null", "true", "false", "this", "debugger", "break", "continue", "static", "get", "set"});
}

class CallGraphBuilder {
 public:
  CallGraphBuilder(std::vector<Token> tokens, std::vector<FunctionScope> scopes)
      : t_(std::move(tokens)), scopes_(std::move(scopes)) {}

  JsCallGraph run() {
    JsCallGraph g;
    if (t_.empty()) {
      g.scopes = std::move(scopes_);
      return g;
    }
    structure();
    declarations();
    rebinding();
    g.tails.resize(scopes_.size());
    tail_calls(&g.tails);
    call_sites(g.tails, &g.calls, &g.named_calls, &g.call_positions);
    callback_sites(g.tails, &g.callbacks);
    if (module_) module_links(&g);
    g.scopes = std::move(scopes_);
    return g;
  }

 private:
  struct Binding {
    int count = 0;          // declarations of the name in this scope
    int32_t function = -1;  // the function it names, when it is one
    bool assigned = false;  // assigned somewhere: not a fixed function
    bool block = false;     // declared (also) in a block: visible only there, so never resolved
    bool global_property = false;  // `var` / function declaration at a classic script's top: a property of the global object
  };

  bool punct(size_t i, const char* text) const { return i < t_.size() && t_[i].kind == Kind::Punct && t_[i].text == text; }
  bool ident(size_t i) const { return i < t_.size() && t_[i].kind == Kind::Ident; }
  bool word(size_t i, const char* w) const { return ident(i) && t_[i].text == w; }
  bool name_token(size_t i) const { return ident(i) && !reserved_word(t_[i].text) && t_[i].text[0] != '#'; }
  bool after_dot(size_t i) const { return i > 0 && (punct(i - 1, ".") || punct(i - 1, "?.")); }

  // Bracket levels and matches; the innermost function scope of each token; try blocks.
  void structure() {
    size_t n = t_.size();
    level_.assign(n, 0);
    match_.assign(n, SIZE_MAX);
    scope_of_.assign(n, -1);
    innermost_try_.assign(n, SIZE_MAX);
    enclosing_.assign(n, SIZE_MAX);
    std::vector<size_t> open;
    std::vector<uint8_t> try_block;  // per open bracket: a try/catch/finally block
    std::vector<size_t> tries;       // openers of the open try/catch/finally blocks
    for (size_t i = 0; i < n; ++i) {
      const Token& k = t_[i];
      bool opener = k.kind == Kind::Punct && (k.text == "(" || k.text == "[" || k.text == "{");
      bool closer = k.kind == Kind::Punct && (k.text == ")" || k.text == "]" || k.text == "}");
      bool tpl_close = k.kind == Kind::Template && k.text.front() == '}';
      bool tpl_open = k.kind == Kind::Template && k.text.size() >= 2 && k.text.substr(k.text.size() - 2) == "${";
      if ((closer || tpl_close) && !open.empty()) {
        match_[open.back()] = i;
        match_[i] = open.back();
        if (try_block.back()) tries.pop_back();
        open.pop_back();
        try_block.pop_back();
      }
      level_[i] = open.size();
      if (!open.empty()) enclosing_[i] = open.back();
      if (!tries.empty()) innermost_try_[i] = tries.back();
      if (opener || tpl_open) {
        bool t = k.text == "{" && i > 0 &&
                 (word(i - 1, "try") || word(i - 1, "finally") || (punct(i - 1, ")") && match_[i - 1] != SIZE_MAX &&
                                                                   match_[i - 1] > 0 && word(match_[i - 1] - 1, "catch")) ||
                  word(i - 1, "catch"));
        open.push_back(i);
        try_block.push_back(t);
        if (t) tries.push_back(i);
      }
    }
    // Innermost scope containing each token: scopes are sorted by start, nested ones after their
    // parent, so a sweep with a stack of open scopes finds it.
    parent_.assign(scopes_.size(), -1);
    std::vector<int32_t> stack;
    size_t s = 0;
    for (size_t i = 0; i < n; ++i) {
      JsPosition p = t_[i].start;
      while (s < scopes_.size() && scopes_[s].start <= p) {
        while (!stack.empty() && scopes_[static_cast<size_t>(stack.back())].end < scopes_[s].start) stack.pop_back();
        parent_[s] = stack.empty() ? -1 : stack.back();
        stack.push_back(static_cast<int32_t>(s));
        start_token_.emplace(s, i);
        ++s;
      }
      while (!stack.empty() && scopes_[static_cast<size_t>(stack.back())].end < p) stack.pop_back();
      scope_of_[i] = stack.empty() ? -1 : stack.back();
    }
  }

  Binding& binding(int32_t scope, std::string_view name) { return bindings_[{scope, std::string(name)}]; }
  void declare(int32_t scope, std::string_view name, int32_t function = -1) {
    Binding& b = binding(scope, name);
    ++b.count;
    if (block_mode_) b.block = true;
    if (var_mode_ && scope < 0 && !block_mode_) b.global_property = true;
    if (b.count == 1) b.function = function;
    else b.function = -1;
  }
  // Every name inside brackets [from, to] (a parameter list or a destructuring pattern). Over-
  // counting (a default value's names, a renamed key) can only hide an outer binding.
  void declare_all(int32_t scope, size_t from, size_t to) {
    for (size_t i = from; i <= to && i < t_.size(); ++i)
      if (name_token(i) && !after_dot(i) && !punct(i + 1, "(")) declare(scope, t_[i].text);
  }

  // The scope whose first token is token i, if any.
  int32_t scope_starting_at(size_t i) const {
    for (int32_t s = scope_of_[i]; s >= 0; s = parent_[static_cast<size_t>(s)]) {
      auto it = start_token_.find(static_cast<size_t>(s));
      if (it != start_token_.end() && it->second == i) return s;
      if (it != start_token_.end() && it->second < i) break;
    }
    return -1;
  }
  // The token in which position p (a scope's last character) lies, not before token `from`.
  size_t last_token_of(JsPosition p, size_t from) const {
    auto it = std::upper_bound(t_.begin() + static_cast<std::ptrdiff_t>(std::min(from, t_.size())), t_.end(), p,
                               [](const JsPosition& pos, const Token& k) { return pos < k.start; });
    size_t i = static_cast<size_t>(it - t_.begin());
    return i > from ? i - 1 : from;
  }

  // Token i (a block-scoped declaration: let, const, class, a function declaration) sits in a
  // block of `scope` (a `{ }` that is not the function's body, a `for (` head) rather than at the
  // function's (or the module's) top level.
  bool block_level(size_t i, int32_t scope) {
    size_t o = i < enclosing_.size() ? enclosing_[i] : SIZE_MAX;
    if (o == SIZE_MAX) return false;
    if (scope < 0 || !punct(o, "{")) return true;
    return o != body_open(scope);
  }
  // The `{` opening a function's body: the first `{` at the level of its first token.
  size_t body_open(int32_t scope) {
    auto c = body_open_.find(scope);
    if (c != body_open_.end()) return c->second;
    size_t r = SIZE_MAX;
    auto it = start_token_.find(static_cast<size_t>(scope));
    if (it != start_token_.end()) {
      size_t L = level_[it->second];
      JsPosition end = scopes_[static_cast<size_t>(scope)].end;
      for (size_t k = it->second; k < t_.size() && t_[k].start <= end && level_[k] >= L; ++k)
        if (level_[k] == L && punct(k, "{")) {
          r = k;
          break;
        }
    }
    body_open_[scope] = r;
    return r;
  }

  void declarations() {
    size_t n = t_.size();
    // Parameters of every function.
    for (const auto& [scope, first] : start_token_) {
      const FunctionScope& f = scopes_[scope];
      size_t i = first;
      if (f.arrow) {
        if (word(i, "async") && !punct(i + 1, "=>")) ++i;
        if (punct(i, "(") && match_[i] != SIZE_MAX) declare_all(static_cast<int32_t>(scope), i + 1, match_[i]);
        else if (name_token(i)) declare(static_cast<int32_t>(scope), t_[i].text);
        continue;
      }
      for (size_t k = 0; i < n && k < 6 && !punct(i, "("); ++k) ++i;
      if (punct(i, "(") && match_[i] != SIZE_MAX) declare_all(static_cast<int32_t>(scope), i + 1, match_[i]);
      // A function's own name: in the enclosing scope for a declaration, its own otherwise.
      if (f.name_kind == FunctionScope::NameKind::Own) {
        int32_t where = f.declaration ? parent_[scope] : static_cast<int32_t>(scope);
        block_mode_ = f.declaration && block_level(first, where);
        var_mode_ = f.declaration;
        declare(where, f.name_text, static_cast<int32_t>(scope));
        block_mode_ = var_mode_ = false;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (!ident(i) || after_dot(i)) continue;
      std::string_view w = t_[i].text;
      int32_t here = scope_of_[i];
      if (w == "var" || w == "const" || (w == "let" && (name_token(i + 1) || punct(i + 1, "[") || punct(i + 1, "{")))) {
        block_mode_ = w != "var" && block_level(i, here);
        var_mode_ = w == "var";
        declaration_list(i + 1, here);  // the loop goes on inside initializers (nested functions)
        block_mode_ = var_mode_ = false;
      } else if (w == "class" && name_token(i + 1) && !word(i + 1, "extends")) {
        block_mode_ = block_level(i, here);
        declare(here, t_[i + 1].text, constructor_of_class(i, here));
        block_mode_ = false;
      } else if (w == "catch" && punct(i + 1, "(") && match_[i + 1] != SIZE_MAX) {
        declare_all(here, i + 2, match_[i + 1]);
      } else if (w == "import" && !punct(i + 1, "(") && !punct(i + 1, ".")) {
        for (size_t k = i + 1; k < n && !word(k, "from") && !punct(k, ";") && k < i + 4096; ++k)
          if (name_token(k) && !word(k, "as")) declare(here, t_[k].text);
      } else if (name_token(i) && !punct(i + 1, "(") && !declared_tokens_.count(i)) {
        // An assignment to a name: that binding is not a fixed function.
        size_t k = i + 1;
        bool assign = k < n && t_[k].kind == Kind::Punct &&
                      one_of(t_[k].text, {"=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=",
                                          "^=", "&&=", "||=", "?\?=", "++", "--"});
        bool pre = i > 0 && (punct(i - 1, "++") || punct(i - 1, "--"));
        if (assign || pre) assigned_.push_back(i);
      }
    }
    destructuring_targets();
    for (size_t i : assigned_) {
      Binding* b = resolve(scope_of_[i], t_[i].text);
      if (b) b->assigned = true;
    }
  }

  // Assignments written without `name =`: a destructuring assignment (`[a, f] = [g, h]`,
  // `({f} = o)`) and the target of `for (f of …)` / `for (f in …)` / `for ([a, f] of …)`. Every
  // name in such a pattern is taken as assigned (a default value's names too: over-approximated,
  // which can only make a binding untrusted).
  void destructuring_targets() {
    size_t n = t_.size();
    for (size_t i = 0; i < n; ++i) {
      if (word(i, "for") && !after_dot(i)) {
        size_t open = punct(i + 1, "(") ? i + 1 : word(i + 1, "await") && punct(i + 2, "(") ? i + 2 : SIZE_MAX;
        if (open != SIZE_MAX && name_token(open + 1) && (word(open + 2, "of") || word(open + 2, "in")))
          assigned_.push_back(open + 1);
      }
      if (!(punct(i, "[") || punct(i, "{")) || match_[i] == SIZE_MAX || match_[i] <= i) continue;
      size_t m = match_[i];
      if (i > 0 && (word(i - 1, "var") || word(i - 1, "let") || word(i - 1, "const"))) continue;
      // `x[k] = v`, `f()[0] = v`: a member, not a pattern.
      if (punct(i, "[") && i > 0 && ((ident(i - 1) && !reserved_word(t_[i - 1].text)) || punct(i - 1, ")") || punct(i - 1, "]") ||
                                     word(i - 1, "this") || word(i - 1, "super")))
        continue;
      bool loop_target = (word(m + 1, "of") || word(m + 1, "in")) && i >= 2 && punct(i - 1, "(") &&
                         (word(i - 2, "for") || word(i - 2, "await"));
      if (!punct(m + 1, "=") && !loop_target) continue;
      for (size_t k = i + 1; k < m; ++k)
        if (name_token(k) && !after_dot(k) && !punct(k + 1, ":") && !punct(k + 1, "(") && !declared_tokens_.count(k))
          assigned_.push_back(k);
    }
  }

  // The explicit constructor of the class declared at token i (`class A [extends X] {`), or -1.
  // A call `A(t)` without `new` runs no code of it: JavaScriptCore raises "Cannot call a class
  // constructor without |new|" in a frame of that constructor (`A@file:line:col` inside it; a
  // class without a constructor gives `A@` with no position), V8 and SpiderMonkey in the caller.
  // So such a call is resolved to the constructor, as a call of it (verified in jsc).
  int32_t constructor_of_class(size_t i, int32_t here) {
    size_t L = level_[i], open = SIZE_MAX;
    for (size_t k = i + 1; k < t_.size() && k < i + 4096 && level_[k] >= L; ++k)
      if (level_[k] == L && punct(k, "{")) {
        open = k;
        break;
      }
    if (open == SIZE_MAX || match_[open] == SIZE_MAX) return -1;
    for (size_t k = open + 1; k < match_[open]; ++k) {
      if (level_[k] != L + 1) continue;
      int32_t s = scope_starting_at(k);
      if (s >= 0 && parent_[static_cast<size_t>(s)] == here && scopes_[static_cast<size_t>(s)].name_kind == FunctionScope::NameKind::Class)
        return s;
    }
    return -1;
  }

  // `var|let|const` declarators from token i to the end of the statement; returns the last token.
  size_t declaration_list(size_t i, int32_t scope) {
    size_t n = t_.size();
    size_t base = i < n ? level_[i] : 0;
    bool expect_name = true;
    for (; i < n; ++i) {
      if (level_[i] < base) return i - 1;
      if (level_[i] > base) continue;
      // An initializer's brackets are passed over whole (their own declarations are found by the
      // main loop), so the work stays linear.
      if (!expect_name && match_[i] != SIZE_MAX && match_[i] > i) {
        i = match_[i];
        continue;
      }
      const Token& k = t_[i];
      if (k.kind == Kind::Punct && (k.text == ";" || k.text == ")" || k.text == "]" || k.text == "}")) return i;
      if (k.newline_before && k.kind == Kind::Ident && !expect_name && statement_keyword(k.text)) return i - 1;
      if (expect_name) {
        if ((punct(i, "[") || punct(i, "{")) && match_[i] != SIZE_MAX) {
          declare_all(scope, i + 1, match_[i]);
          i = match_[i];
        } else if (name_token(i)) {
          int32_t fn = -1;
          if (punct(i + 1, "=") && i + 2 < n) fn = whole_function_initializer(i + 2);
          declare(scope, k.text, fn);
          declared_tokens_.insert(i);
        } else {
          return i;  // not a declarator: the list has ended
        }
        expect_name = false;
      } else if (punct(i, ",")) {
        expect_name = true;
      } else if (word(i, "of") || word(i, "in")) {
        return i;
      }
    }
    return n - 1;
  }

  // The function that token i starts when it is the whole initializer (followed by `,` `;` a
  // closing bracket, the end, or a new line); else -1.
  int32_t whole_function_initializer(size_t i) {
    int32_t s = scope_starting_at(i);
    if (s < 0) return -1;
    size_t last = last_token_of(scopes_[static_cast<size_t>(s)].end, i);
    if (last >= t_.size()) return -1;
    size_t next = last + 1;
    if (next >= t_.size()) return s;
    const Token& k = t_[next];
    if (k.newline_before) return s;
    if (k.kind == Kind::Punct && (k.text == "," || k.text == ";" || k.text == ")" || k.text == "]" || k.text == "}")) return s;
    return -1;
  }

  Binding* resolve(int32_t scope, std::string_view name, int32_t* where = nullptr) {
    std::string key(name);
    for (int32_t s = scope;; s = parent_[static_cast<size_t>(s)]) {
      auto it = bindings_.find({s, key});
      if (it != bindings_.end()) {
        if (where) *where = s;
        return &it->second;
      }
      if (s < 0) return nullptr;
    }
  }
  // Whether scope `inner` is `outer` or nested in it (-1: the script's top, which holds them all).
  bool within(int32_t inner, int32_t outer) const {
    for (int32_t s = inner;; s = parent_[static_cast<size_t>(s)]) {
      if (s == outer) return true;
      if (s < 0) return false;
    }
  }

  // A binding of one function (declared once, never assigned) that the code can still make
  // name another function at run time, where the scanner does not see it:
  //  - a direct `eval(…)` where the name is visible and means this binding: the evaluated text
  //    can assign it (`f = g`, strict or not) or, in sloppy code, declare a `var f` that hides it;
  //  - at a classic script's top (no `import`/`export`: a module's top-level names are no
  //    properties, and imports cannot be assigned), a `var` or function declaration is a property
  //    of the global object: any write of a property of that name (`window.f = g`,
  //    `globalThis.f =`, `self.f =`, top-level `this.f =`, an alias of the global object `g.f =`,
  //    `o["f"] =`, `Object.defineProperty(o, "f", …)`, `Object.assign(o, {f: g})`) may replace
  //    it, as may a computed write on the global object (`window[k] = g`);
  //  - any binding at a classic script's top, when the script makes code from text at the global
  //    scope (`(0, eval)(s)`, `window.eval(s)`, `Function(s)`, `setTimeout("…")`).
  // Another script's writes (`window.f = g` in a second file, a second file's own `function f`)
  // are not seen: the table describes one script.
  bool rebindable(const Binding& b, int32_t where, std::string_view name) {
    if (eval_scopes_.size() > kMaxEvalScopes) return true;  // bounded work: then nothing is trusted
    for (int32_t e : eval_scopes_)
      if (within(e, where) && resolve(e, name) == &b) return true;
    if (where >= 0 || module_) return false;
    if (string_code_) return true;
    return b.global_property && (global_any_write_ || global_writes_.count(std::string(name)) > 0);
  }

  // An assignment operator at token i (`=`, `+=`, …, `??=`, `++`, `--`).
  bool assignment_at(size_t i) const {
    return i < t_.size() && t_[i].kind == Kind::Punct &&
           one_of(t_[i].text, {"=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=",
                               "||=", "?\?=", "++", "--"});
  }
  // Token i is the name `name` alone as an expression (`window.f = f;`): writing a binding's own
  // value back changes nothing.
  bool same_value(size_t i, std::string_view name) const {
    if (!ident(i) || t_[i].text != name) return false;
    if (i + 1 >= t_.size() || t_[i + 1].newline_before) return true;
    return punct(i + 1, ";") || punct(i + 1, ",") || punct(i + 1, ")") || punct(i + 1, "}") || punct(i + 1, "]");
  }
  // The text of a string literal token without its quotes (a template only without `${`).
  static bool literal_text(const Token& k, std::string* out) {
    if (k.text.size() < 2) return false;
    if (k.kind == Kind::String) {
      *out = std::string(k.text.substr(1, k.text.size() - 2));
      return true;
    }
    if (k.kind == Kind::Template && k.text.front() == '`' && k.text.back() == '`' && k.text.find("${") == std::string_view::npos) {
      *out = std::string(k.text.substr(1, k.text.size() - 2));
      return true;
    }
    return false;
  }
  bool global_object_name(size_t i) const {
    if (!ident(i) || after_dot(i)) return false;
    std::string_view w = t_[i].text;
    if (w == "this") return scope_of_[i] < 0;
    return one_of(w, {"window", "globalThis", "self", "top", "parent", "frames"});
  }
  // The direct arguments of the call whose `(` is token `open`: [first, last] token ranges.
  std::vector<std::pair<size_t, size_t>> arguments_of(size_t open) const {
    std::vector<std::pair<size_t, size_t>> out;
    size_t close = match_[open];
    if (close == SIZE_MAX || close <= open + 1) return out;
    size_t start = open + 1;
    for (size_t k = open + 1; k <= close; ++k) {
      // A nested bracket is passed over whole, so that the work stays linear in nested calls.
      if (k < close && match_[k] != SIZE_MAX && match_[k] > k && match_[k] < close) {
        k = match_[k];
        continue;
      }
      if (k < close && level_[k] != level_[open] + 1) continue;
      if (k == close || punct(k, ",")) {
        if (k > start) out.emplace_back(start, k - 1);
        start = k + 1;
      }
      if (out.size() >= 16) break;
    }
    return out;
  }
  // The keys at the first level of the object literal [a, b] (`{k: …}`, `{"k": …}`, `{k}`,
  // `{k() {…}}`); false when it is not one or has a computed key or a spread.
  bool literal_keys(size_t a, size_t b, std::vector<std::string>* keys) const {
    if (!punct(a, "{") || match_[a] != b) return false;
    size_t L = level_[a] + 1;
    bool expect_key = true;
    for (size_t k = a + 1; k < b; ++k) {
      if (level_[k] != L) continue;
      if (!expect_key && match_[k] != SIZE_MAX && match_[k] > k && match_[k] < b) {
        k = match_[k];
        continue;
      }
      if (punct(k, ",")) {
        expect_key = true;
        continue;
      }
      if (!expect_key) continue;
      expect_key = false;
      if (punct(k, "[") || punct(k, "...")) return false;
      size_t key = k;
      // `get x() {`, `async x() {`, `*x() {`
      if ((word(k, "get") || word(k, "set") || word(k, "async")) && !punct(k + 1, ":") && !punct(k + 1, "(") &&
          !punct(k + 1, ",") && !punct(k + 1, "}"))
        key = k + 1;
      if (punct(key, "*")) ++key;
      if (punct(key, "[")) return false;
      std::string text;
      if (ident(key)) keys->push_back(std::string(t_[key].text));
      else if (literal_text(t_[key], &text)) keys->push_back(text);
    }
    return true;
  }
  // The object literal among the tokens [a, b] has a `get` key at its first level (a property
  // descriptor: `{get: f}`, `{get() {…}}`, `{get}`).
  bool descriptor_with_getter(size_t a, size_t b) const {
    std::vector<std::string> keys;
    if (!literal_keys(a, b, &keys)) return false;
    return std::find(keys.begin(), keys.end(), "get") != keys.end();
  }

  // What the code says, beyond its declarations, about names rebound at run time (rebindable)
  // and getters defined without `get name() {}` (descriptor_getter).
  void rebinding() {
    size_t n = t_.size();
    std::vector<int32_t> with_depth(n + 1, 0);  // difference array of `with` bodies
    for (size_t i = 0; i < n; ++i) {
      const Token& k = t_[i];
      if (k.kind == Kind::Ident && !after_dot(i) && level_[i] == 0 &&
          ((k.text == "export" && !punct(i + 1, ":")) || (k.text == "import" && !punct(i + 1, "(") && !punct(i + 1, "."))))
        module_ = true;
      if (word(i, "with") && !after_dot(i) && punct(i + 1, "(") && match_[i + 1] != SIZE_MAX) {
        size_t from = match_[i + 1] + 1, to;
        if (punct(from, "{") && match_[from] != SIZE_MAX) to = match_[from];
        else to = enclosing_[i] != SIZE_MAX && match_[enclosing_[i]] != SIZE_MAX ? match_[enclosing_[i]] : n - 1;
        if (from <= to && to < n) {
          ++with_depth[from];
          --with_depth[to + 1];
        }
      }
      if (word(i, "eval")) {
        bool direct = !after_dot(i) && (punct(i + 1, "(") || (punct(i - 1, "(") && punct(i + 1, ")") && punct(i + 2, "(")));
        if (direct) {
          if (std::find(eval_scopes_.begin(), eval_scopes_.end(), scope_of_[i]) == eval_scopes_.end()) eval_scopes_.push_back(scope_of_[i]);
        } else if (!punct(i + 1, ":")) {
          string_code_ = true;  // an indirect eval runs its text at the global scope
        }
      }
      if (word(i, "Function") && (punct(i + 1, "(") || (i > 0 && word(i - 1, "new")))) string_code_ = true;
      if ((word(i, "setTimeout") || word(i, "setInterval")) && punct(i + 1, "(") &&
          (t_.size() > i + 2 && (t_[i + 2].kind == Kind::String || t_[i + 2].kind == Kind::Template)))
        string_code_ = true;
      // `o.f = g`, `o.f += …`: a property f written.
      if (ident(i) && after_dot(i) && i >= 1 && punct(i - 1, ".") && assignment_at(i + 1) && !same_value(i + 2, k.text))
        global_writes_.insert(std::string(k.text));
      // `o["f"] = g`; `window[k] = g` (any name of the global object).
      if (punct(i, "[") && i > 0 && match_[i] != SIZE_MAX && assignment_at(match_[i] + 1) &&
          (ident(i - 1) || punct(i - 1, ")") || punct(i - 1, "]"))) {
        std::string text;
        if (match_[i] == i + 2 && literal_text(t_[i + 1], &text)) {
          if (!same_value(match_[i] + 2, text)) global_writes_.insert(text);
        } else if (global_object_name(i - 1)) {
          global_any_write_ = true;
        }
      }
      if (punct(i, "(") && i > 0 && ident(i - 1) && match_[i] != SIZE_MAX) property_definitions(i);
    }
    in_with_.assign(n, 0);
    int32_t depth = 0;
    for (size_t i = 0; i < n; ++i) {
      depth += with_depth[i];
      in_with_[i] = depth > 0;
    }
  }

  // A call `callee(args)` whose `(` is token `open` that defines properties: the names it may
  // write (global_writes_) and the getters it may define (descriptor_getters_).
  void property_definitions(size_t open) {
    std::string_view callee = t_[open - 1].text;
    auto args = arguments_of(open);
    std::string text;
    auto name_arg = [&](size_t a, std::string* out) { return args[a].first == args[a].second && literal_text(t_[args[a].first], out); };
    if (callee == "Proxy") {
      any_name_getter_ = true;  // its handler's `get` runs on a read of every name
      return;
    }
    if (callee == "defineProperty" || callee == "__defineGetter__" || callee == "__defineSetter__") {
      size_t at = callee == "defineProperty" ? 1 : 0;
      if (args.size() > at && name_arg(at, &text)) {
        global_writes_.insert(text);
        if (callee != "__defineSetter__") descriptor_getters_.insert(text);
      } else {
        if (callee != "__defineSetter__") any_name_getter_ = true;
        if (!args.empty() && global_object_name(args[0].first) && args[0].first == args[0].second) global_any_write_ = true;
      }
      return;
    }
    if (callee == "defineProperties" || callee == "create" || callee == "assign" || callee == "set") {
      if (args.size() < 2) return;
      bool getters = callee == "defineProperties" || callee == "create";
      if (callee == "set") {
        // `Reflect.set(o, "f", g)`
        if (open >= 3 && punct(open - 2, ".") && word(open - 3, "Reflect") && args.size() >= 3) {
          if (name_arg(1, &text)) global_writes_.insert(text);
          else global_any_write_ = true;
        }
        return;
      }
      for (size_t a = 1; a < args.size(); ++a) {
        std::vector<std::string> keys;
        if (literal_keys(args[a].first, args[a].second, &keys)) {
          for (const std::string& key : keys) {
            // Every key, `{f}` and `{f: f}` too (over-approximated).
            global_writes_.insert(key);
            if (getters) descriptor_getters_.insert(key);
          }
        } else {
          if (getters) any_name_getter_ = true;
          if (global_object_name(args[0].first) && args[0].first == args[0].second) global_any_write_ = true;
        }
      }
      return;
    }
    // Any other call handed a property descriptor with a getter (`__defProp(target, name, {get:
    // all[name]})`, an alias of Object.defineProperty, as bundlers write): a getter of the name in
    // its second argument, or of any name.
    if (args.size() >= 3) {
      for (size_t a = 2; a < args.size(); ++a)
        if (descriptor_with_getter(args[a].first, args[a].second)) {
          if (name_arg(1, &text)) descriptor_getters_.insert(text), global_writes_.insert(text);
          else any_name_getter_ = true;
          break;
        }
    }
  }
  // A getter of `name` defined by a property descriptor (Object.defineProperty and the like).
  bool descriptor_getter(std::string_view name) const {
    return any_name_getter_ || descriptor_getters_.count(std::string(name)) > 0;
  }

  // The callee of tokens [from, to] (an identifier or a member chain), resolved from `scope`.
  CallTarget target(size_t from, size_t to, int32_t scope) {
    CallTarget r;
    // Inside `with (o) { … }` any name may be a property of `o`: nothing there is known.
    if (from < in_with_.size() && in_with_[from]) return r;
    if (from == to) {
      if (!name_token(from)) return r;
      int32_t where = -1;
      Binding* b = resolve(scope, t_[from].text, &where);
      if (!b) r.name = std::string(t_[from].text);  // a global: a built-in or another script's
      else if (b->count == 1 && b->function >= 0 && !b->assigned && !b->block && !rebindable(*b, where, t_[from].text))
        r.function = b->function;
      return r;
    }
    // `JSON.parse(`: the object is a global no code of the bundle declares.
    bool global_root = name_token(from) && !resolve(scope, t_[from].text);
    return member_target(to, from, global_root && to == from + 2, global_root);
  }
  // The callee of a member call whose property name is token `prop`; `object_start` is the first
  // token of the whole callee.
  // Only a call on a global object no code declares (`JSON.parse(`) is known, by its property
  // name: any other object's property may hold any function (`{load: JSON.parse}`, a mock passed
  // as a parameter, `Sub.prototype.run = other`, `const J = JSON`), so it is unresolved.
  CallTarget member_target(size_t prop_index, size_t object_start, bool global_object, bool global_root) {
    CallTarget r;
    std::string_view prop = t_[prop_index].text;
    if (!ident(prop_index) || prop.empty() || prop[0] == '#' || prop == "bind") return r;
    if (prop == "call" || prop == "apply") {
      // `String.prototype.toLowerCase.call(x)`: JavaScriptCore shows the built-in's frame by its
      // name and none for `call`. Only a property (not a binding, which could be any function of
      // the code) that names no function of the code is taken, by name.
      size_t f = prop_index >= 2 ? prop_index - 2 : SIZE_MAX;
      if (!global_root || f == SIZE_MAX || f < object_start + 2 || !punct(prop_index - 1, ".") || !ident(f) ||
          !punct(f - 1, "."))
        return r;
      if (!methods_named(t_[f].text).empty()) return r;
      r.name = std::string(t_[f].text);
      return r;
    }
    if (global_object) {
      r.name = std::string(prop);
    } else if (methods_named(prop).empty() && !defines_property(prop)) {
      // `list.map(cb)`, `this.items.reduce(...)`, `p.toFixed(2)` on an object of the code: no
      // function of the code is, or is assigned as, a property of that name, so the callee is a
      // built-in (or another script's function). Recorded as a member call by its name (".map"),
      // which reconstruction takes as the call that ran only when the frame just inside is the
      // built-in of that very name (`map@[native code]`); any other member name there makes the
      // function untrusted (TailSearch, grouping.cpp).
      r.name = "." + std::string(prop);
    }
    return r;
  }
  // Whether the code may give some object a property `name` other than by a method definition:
  // `.name =` (and `||=` `&&=` `??=`), an object key `{name:` / `,name:` or shorthand `{name}`, a
  // class field `name =`, or a string literal "name" (a computed key, defineProperty,
  // Object.assign from a literal, `o["name"] =`). Over-approximated: any of these refuses.
  bool defines_property(std::string_view name) {
    if (!properties_built_) {
      properties_built_ = true;
      for (size_t i = 0; i < t_.size(); ++i) {
        const Token& k = t_[i];
        if (k.kind == Kind::String && k.text.size() >= 2) {
          properties_.insert(std::string(k.text.substr(1, k.text.size() - 2)));
          continue;
        }
        if (k.kind != Kind::Ident) continue;
        bool assigned = i + 1 < t_.size() && t_[i + 1].kind == Kind::Punct && one_of(t_[i + 1].text, {"=", "||=", "&&=", "?\?="});
        if (after_dot(i)) {
          if (assigned) properties_.insert(std::string(k.text));
          continue;
        }
        bool after_open = i > 0 && (punct(i - 1, "{") || punct(i - 1, ",") || punct(i - 1, ";") || punct(i - 1, "}"));
        bool key = punct(i + 1, ":") || punct(i + 1, ",") || punct(i + 1, "}") || assigned;
        if (after_open && key) properties_.insert(std::string(k.text));
      }
    }
    return properties_.count(std::string(name)) > 0;
  }
  const std::vector<int32_t>& methods_named(std::string_view name) {
    if (!methods_built_) {
      methods_built_ = true;
      for (size_t s = 0; s < scopes_.size(); ++s)
        if (scopes_[s].name_kind == FunctionScope::NameKind::Property || scopes_[s].name_kind == FunctionScope::NameKind::Own)
          methods_[scopes_[s].name_text].push_back(static_cast<int32_t>(s));
      // A declared function is callable as a method only once assigned to a property; both are
      // counted so that a name shared by a method and a function is ambiguous.
    }
    static const std::vector<int32_t> none;
    auto it = methods_.find(std::string(name));
    return it == methods_.end() ? none : it->second;
  }

  // Start of the callee chain that ends at token `end` (just before a `(`), or SIZE_MAX.
  size_t callee_start(size_t end) const {
    if (!ident(end)) return SIZE_MAX;
    size_t i = end;
    while (i >= 2 && punct(i - 1, ".") && ident(i - 2)) i -= 2;
    if (i >= 1 && (punct(i - 1, ".") || punct(i - 1, "?.") || word(i - 1, "new"))) return SIZE_MAX;
    if (i != end) {
      for (size_t k = i; k < end; k += 2)
        if (word(k, "new") || (k != i && !name_token(k))) return SIZE_MAX;
      if (!name_token(i) && !word(i, "this") && !word(i, "super")) return SIZE_MAX;
    } else if (!name_token(i)) {
      return SIZE_MAX;
    }
    return i;
  }

  void add_tail(std::vector<CallTarget>* out, CallTarget t) {
    for (const CallTarget& x : *out)
      if (x.function == t.function && x.name == t.name) return;
    out->push_back(std::move(t));
  }

  // Calls in tail position in tokens [a, b] (see js_scopes.h); bounded recursion.
  // Every expression in tail position that is, or may be, a call gives a target; one the scanner
  // cannot classify gives an unresolved one, so that the function is not trusted (TailSearch).
  void tail_expression(size_t a, size_t b, int32_t scope, std::vector<CallTarget>* out, int depth) {
    if (a > b || b >= t_.size()) return;
    if (depth > 64) return add_tail(out, CallTarget{});
    if (punct(a, "(") && match_[a] == b) return tail_expression(a + 1, b - 1, scope, out, depth + 1);
    size_t base = level_[a];
    size_t last_comma = SIZE_MAX, question = SIZE_MAX, last_or = SIZE_MAX, last_and = SIZE_MAX;
    for (size_t i = a; i <= b; ++i) {
      if (level_[i] < base) return add_tail(out, CallTarget{});  // malformed
      if (level_[i] > base) continue;
      const Token& k = t_[i];
      if (k.kind == Kind::Punct) {
        if (k.text == "=>") return;  // an arrow function: its body is not this function's
        if (k.text == ",") last_comma = i;
        else if (k.text == "?" && question == SIZE_MAX) question = i;
        else if (k.text == "||" || k.text == "??") last_or = i;
        else if (k.text == "&&") last_and = i;
      } else if (k.kind == Kind::Ident && (k.text == "yield" || k.text == "function" || k.text == "class")) {
        if (k.text == "yield") return;
      }
    }
    if (last_comma != SIZE_MAX) return tail_expression(last_comma + 1, b, scope, out, depth + 1);
    if (question != SIZE_MAX) {
      int nest = 0;
      for (size_t i = question + 1; i <= b; ++i) {
        if (level_[i] != base) continue;
        if (punct(i, "?")) ++nest;
        else if (punct(i, ":") && nest-- == 0) {
          tail_expression(question + 1, i - 1, scope, out, depth + 1);
          tail_expression(i + 1, b, scope, out, depth + 1);
          return;
        }
      }
      return add_tail(out, CallTarget{});
    }
    if (last_or != SIZE_MAX) return tail_expression(last_or + 1, b, scope, out, depth + 1);
    if (last_and != SIZE_MAX) return tail_expression(last_and + 1, b, scope, out, depth + 1);
    if (!may_be_call(a, b)) return;
    // `callee(...)`: an identifier resolved by scope, or a member of a global object.
    size_t open = punct(b, ")") ? match_[b] : SIZE_MAX;
    if (open != SIZE_MAX && open > a && callee_start(open - 1) == a) return add_tail(out, target(a, open - 1, scope));
    // `new Date(ms).toISOString()`, `f(x).map(cb)`, `[a, b].map(cb)`: a member call on whatever
    // object the expression before it made (that expression is evaluated first, not in tail
    // position): known by the property's name only, as any other object's member.
    if (open != SIZE_MAX && open > a + 1 && ident(open - 1) && punct(open - 2, ".")) return add_tail(out, member_target(open - 1, a, false, false));
    // Anything else that may be a call (a method of another object, `table[k](t)`, `(0, f)(t)`,
    // `f?.(t)`, a tagged template, a call of a call's result): unresolved.
    add_tail(out, CallTarget{});
  }

  // Tokens [a, b] (no `,` `?:` `||` `&&` at their level) may be a call expression: they end with
  // `)` or a template, and have no operator at their level (a call is a primary followed only by
  // `.x`, `?.`, `[...]`, `(...)`, templates), and are not `new X(...)` or a bare template literal.
  bool may_be_call(size_t a, size_t b) const {
    bool ends_call = punct(b, ")") || (t_[b].kind == Kind::Template && t_[b].text.back() == '`');
    if (!ends_call) return false;
    if (t_[a].kind == Kind::Template && t_[a].text.front() == '`' && (a == b || match_[a] != SIZE_MAX)) {
      // A template literal `...${x}...`: a call only when something follows it.
      size_t k = a;
      while (k < b && match_[k] != SIZE_MAX && match_[k] > k) k = match_[k];
      if (k == b) return false;
    }
    size_t base = level_[a];
    for (size_t i = a; i <= b; ++i) {
      if (level_[i] != base) continue;
      const Token& k = t_[i];
      if (k.kind == Kind::Punct && !one_of(k.text, {".", "?.", "(", ")", "[", "]", "{", "}"})) return false;
      if (k.kind == Kind::Ident && i > a && !after_dot(i) &&
          one_of(k.text, {"instanceof", "in", "typeof", "void", "delete", "await", "yield"}))
        return false;
      if (i == a && k.kind == Kind::Ident && one_of(k.text, {"typeof", "void", "delete", "await", "yield"})) return false;
    }
    if (word(a, "new")) {
      // `new X.Y(...)` alone constructs; `new X(...).f()` calls.
      size_t i = a + 1;
      while (ident(i) && punct(i + 1, ".")) i += 2;
      if (ident(i) && punct(i + 1, "(") && match_[i + 1] == b) return false;
      if (ident(i) && i == b) return false;
    }
    return true;
  }

  void tail_calls(std::vector<std::vector<CallTarget>>* tails) {
    size_t n = t_.size();
    for (size_t i = 0; i < n; ++i) {
      if (!word(i, "return") || after_dot(i)) continue;
      int32_t f = scope_of_[i];
      if (f < 0 || scopes_[static_cast<size_t>(f)].async_or_generator) continue;
      // Inside a try block of this very function: never a tail call. Inside a catch or finally
      // block it may be one (a catch without finally, a finally: ECMAScript's tail position,
      // which JavaScriptCore implements): not recorded, so a call there is unresolved.
      size_t tb = innermost_try_[i];
      bool in_handler = false;
      if (tb != SIZE_MAX && tb > start_token_.at(static_cast<size_t>(f))) {
        if (tb > 0 && word(tb - 1, "try")) continue;
        in_handler = true;
      }
      size_t base = level_[i], end = i;
      // A return expression longer than kMaxTail tokens is not looked into (bounded work).
      constexpr size_t kMaxTail = 4096;
      for (size_t k = i + 1; k < n && k <= i + kMaxTail; ++k) {
        if (level_[k] < base) break;
        if (level_[k] == base) {
          if (punct(k, ";")) break;
          if (t_[k].newline_before && t_[k].kind == Kind::Ident && statement_keyword(t_[k].text)) break;
          if (k == i + 1 && t_[k].newline_before) break;  // `return` then a new line: returns undefined
        }
        end = k;
      }
      if (end <= i) continue;
      if (!in_handler) {
        tail_expression(i + 1, end, f, &(*tails)[static_cast<size_t>(f)], 0);
      } else {
        std::vector<CallTarget> any;
        tail_expression(i + 1, end, f, &any, 0);
        if (!any.empty()) add_tail(&(*tails)[static_cast<size_t>(f)], CallTarget{});
      }
    }
    for (const auto& [scope, first] : start_token_) {
      const FunctionScope& fs = scopes_[scope];
      if (!fs.arrow || !fs.expression_body || fs.async_or_generator) continue;
      // `(params) =>`, `x =>`, `async (params) =>`, `async x =>`.
      size_t arrow = first;
      if (word(arrow, "async") && !punct(arrow + 1, "=>")) ++arrow;
      arrow = punct(arrow, "(") && match_[arrow] != SIZE_MAX ? match_[arrow] + 1 : arrow + 1;
      if (!punct(arrow, "=>")) continue;
      size_t last = last_token_of(fs.end, arrow);
      if (last >= n || last <= arrow) continue;
      tail_expression(arrow + 1, last, static_cast<int32_t>(scope), &(*tails)[scope], 0);
    }
  }

  // Whether a chain of tail calls from scope `s` (through functions of the code, bounded) reaches a
  // built-in or member call named `name` (`parse`, `.parse`).
  bool tail_chain_names(const std::vector<std::vector<CallTarget>>& tails, int32_t s, std::string_view name,
                        std::vector<int32_t>* seen) const {
    if (s < 0 || static_cast<size_t>(s) >= tails.size() || seen->size() > 64) return true;
    if (std::find(seen->begin(), seen->end(), s) != seen->end()) return false;
    seen->push_back(s);
    for (const CallTarget& x : tails[static_cast<size_t>(s)]) {
      if (x.function >= 0) {
        if (tail_chain_names(tails, x.function, name, seen)) return true;
      } else if (x.name == name || (!x.name.empty() && x.name[0] == '.' && std::string_view(x.name).substr(1) == name)) {
        return true;
      }
    }
    return false;
  }

  // A member call `o.p(`, `this.p(`, `f(x).p(` whose property `p` can only be one function of the
  // code: exactly one method definition `p(…) {` (not a getter or setter, no function declared
  // under that name), no other way the code gives an object a property `p` (`.p =`, a key `p:`,
  // a shorthand `{p}`, a class field, a string "p": defines_property), no getter that could
  // return another function for it (a descriptor's, a Proxy's), not inside `with`, and not on an
  // object the code does not declare (a global: `JSON.parse(`, `window.p(`, another script's
  // object). The method is then the callee unless the object came from another script or the
  // platform: a built-in shows its own frame in JavaScriptCore's stacks, except a built-in
  // stored under that very name, so a method whose tail calls lead to a built-in named `p`
  // (`toFixed(d) { return this.v.toFixed(d) }`, whose stack is byte for byte the number's) is
  // not taken. JavaScriptCore puts the caller's frame just after `p` (jsc -m, 2026-12-02:
  // `re@…:7:39` for `h(e).serialize()` where serialize ends in `return JSON.stringify(…)`).
  // `start` is the callee chain's first token (`o` of `o.a.p`), or SIZE_MAX when the object is
  // another expression (`f(x).p(`, `a[i].p(`).
  int32_t member_method(size_t start, size_t end, const std::vector<std::vector<CallTarget>>& tails) {
    if (start == end || end < 2 || !ident(end) || !punct(end - 1, ".")) return -1;
    if (in_with_[end]) return -1;
    if (start != SIZE_MAX && !word(start, "this") && !word(start, "super") &&
        (!name_token(start) || !resolve(scope_of_[start], t_[start].text)))
      return -1;
    std::string_view prop = t_[end].text;
    const std::vector<int32_t>& same = methods_named(prop);
    if (same.size() != 1) return -1;
    const FunctionScope& m = scopes_[static_cast<size_t>(same[0])];
    if (m.name_kind != FunctionScope::NameKind::Property || m.getter || m.setter) return -1;
    if (defines_property(prop) || descriptor_getter(prop)) return -1;
    std::vector<int32_t> seen;
    if (tail_chain_names(tails, same[0], prop, &seen)) return -1;
    return same[0];
  }

  // Whether the `(` at token i opens the arguments of a call whose callee ends in a `)` or `]`
  // (`f(x)(y)`, `(0, o.f)(x)`, `a[i](x)`), not the head of `if (…)`, `while (…)`, `for (…)`,
  // `with (…)`, `switch (…)`, `catch (…)` followed by a parenthesized statement.
  bool call_of_expression(size_t i) const {
    if (i == 0 || !(punct(i - 1, ")") || punct(i - 1, "]"))) return false;
    // A computed method name `[Symbol.iterator]() {` defines a function: its `)` is followed by `{`.
    if (match_[i] == SIZE_MAX || punct(match_[i] + 1, "{")) return false;
    if (punct(i - 1, "]")) return true;
    size_t open = match_[i - 1];
    if (open == SIZE_MAX || open == 0) return open != SIZE_MAX;
    return !(ident(open - 1) && one_of(t_[open - 1].text, {"if", "while", "for", "with", "switch", "catch", "function"})) &&
           !(punct(open - 1, "*") && open >= 2 && word(open - 2, "function")) &&
           !(ident(open - 1) && open >= 2 && word(open - 2, "function"));
  }

  // `all` (optional): every call site of the code at the position JavaScriptCore reports for a
  // frame executing it (JsCallGraph::call_positions).
  void call_sites(const std::vector<std::vector<CallTarget>>& tails, std::vector<CallSite>* calls,
                  std::vector<NamedCallSite>* named = nullptr, std::vector<JsPosition>* all = nullptr) {
    std::vector<JsPosition> getters, paren;  // in token order, so sorted
    for (size_t i = 1; i + 1 < t_.size(); ++i) {
      // A property read that runs a getter: `x.name` not called, not assigned to.
      if (!punct(i, ".") || !ident(i + 1)) continue;
      if (i + 2 < t_.size() && t_[i + 2].kind == Kind::Punct &&
          one_of(t_[i + 2].text, {"(", "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=",
                                  "&&=", "||=", "?\?=", "++", "--", "`"}))
        continue;
      if (punct(i - 1, "++") || punct(i - 1, "--") || t_[i + 2 < t_.size() ? i + 2 : i].kind == Kind::Template) continue;
      const std::vector<int32_t>& same = methods_named(t_[i + 1].text);
      // The only getter of that name: none defined by a descriptor (`Object.defineProperty(o,
      // "name", {get: …})`, `__defineGetter__`, defineProperties / Object.create, a Proxy), which
      // would run on the same read.
      if (same.size() == 1 && scopes_[static_cast<size_t>(same[0])].getter && !descriptor_getter(t_[i + 1].text) &&
          !in_with_[i]) {
        calls->push_back(CallSite{t_[i].start, same[0]});
        if (all) getters.push_back(t_[i].start);
      }
    }
    for (size_t i = 1; i < t_.size(); ++i) {
      if (!punct(i, "(")) continue;
      size_t end = i - 1;
      if (all && call_of_expression(i)) paren.push_back(JsPosition{t_[end].end.line, t_[end].end.column + 1});
      if (!ident(end)) continue;
      // `function f(`, a method definition `f(...) {`: not calls.
      if (end >= 1 && (word(end - 1, "function") || (punct(end - 1, "*") && end >= 2 && word(end - 2, "function")))) continue;
      int32_t def = scope_starting_at(end);
      if (def >= 0 && scopes_[static_cast<size_t>(def)].name_kind == FunctionScope::NameKind::Property) continue;
      if (def >= 0 && word(end, "async")) continue;
      // A call: a name, a member (any property name, `m.get(`), `super(`; not `if (`, `return (`.
      if (all && def < 0 && (after_dot(end) || name_token(end) || word(end, "super")))
        paren.push_back(JsPosition{t_[end].end.line, t_[end].end.column + 1});
      size_t start = callee_start(end);
      // `new RegExp(`, `new Intl.NumberFormat(`: JavaScriptCore shows the built-in constructor's
      // frame by its name, the caller's frame just after it. Recorded by name only.
      bool constructed = false;
      if (start == SIZE_MAX && named) {
        size_t k = end;
        while (k >= 2 && punct(k - 1, ".") && ident(k - 2)) k -= 2;
        if (k >= 1 && word(k - 1, "new") && name_token(k)) start = k, constructed = true;
      }
      int32_t callee = -1;
      CallTarget c;
      if (start != SIZE_MAX) {
        c = target(start, end, scope_of_[i]);
        callee = c.function;
        if (callee < 0 && !constructed) callee = member_method(start, end, tails);
      } else if (end >= 2 && punct(end - 1, ".") && (punct(end - 2, ")") || punct(end - 2, "]"))) {
        callee = member_method(SIZE_MAX, end, tails);  // `f(x).p(`, `a[i].p(`
        // `new Date(ms).toISOString(`, `list.filter(f).map(`: a built-in's member on a call's (or
        // an element's) result is recorded by name (".toISOString") as on any other receiver, when
        // no function of the code can be that property (member_target).
        if (callee < 0 && named && !in_with_[i]) c = member_target(end, end - 2, false, false);
      }
      const Token& last = t_[end];
      JsPosition at{last.end.line, last.end.column + 1};
      if (callee >= 0) {
        if (!constructed) calls->push_back(CallSite{at, callee});
      } else if (!c.name.empty() && named) {
        named->push_back(NamedCallSite{at, c.name});
      }
    }
    std::stable_sort(calls->begin(), calls->end(), [](const CallSite& a, const CallSite& b) { return a.pos < b.pos; });
    if (all) {  // the two sorted lists merged, each position once
      for (size_t a = 0, b = 0; a < getters.size() || b < paren.size();) {
        const JsPosition q = b == paren.size() || (a < getters.size() && getters[a] < paren[b]) ? getters[a++] : paren[b++];
        if (all->empty() || all->back() < q) all->push_back(q);
      }
    }
    if (named)
      std::stable_sort(named->begin(), named->end(), [](const NamedCallSite& a, const NamedCallSite& b) { return a.pos < b.pos; });
  }

  // ---- ES module linking (JsCallGraph::import_calls, exports) ----------------------------------
  // An import binding (`local` bound to the export `name` of `module`, "*" for a namespace); the
  // clause lists below use the same record for (name, local) pairs.
  struct Imported {
    std::string local, module, name;
  };
  // A specifier or a module export name written as a string literal without escapes.
  bool plain_string(size_t i, std::string* out) const {
    if (i >= t_.size() || t_[i].kind != Kind::String || !literal_text(t_[i], out)) return false;
    return out->find('\\') == std::string::npos && !out->empty();
  }
  // An import or export clause's name: an identifier (`default` too) or a string (`"a-b"`).
  bool clause_name(size_t i, std::string* out) const {
    if (ident(i) && t_[i].text[0] != '#') {
      *out = std::string(t_[i].text);
      return true;
    }
    return plain_string(i, out);
  }
  // `{a, b as c, default as d, "x" as e}` from token `open`: each as {local: c, name: b}; false
  // when it reads otherwise.
  bool clause_list(size_t open, std::vector<Imported>* out) const {
    if (!punct(open, "{") || match_[open] == SIZE_MAX) return false;
    size_t close = match_[open];
    for (size_t k = open + 1; k < close;) {
      Imported x;
      if (!clause_name(k, &x.name)) return false;
      x.local = x.name;
      ++k;
      if (word(k, "as")) {
        if (!clause_name(k + 1, &x.local)) return false;
        k += 2;
      }
      out->push_back(std::move(x));
      if (punct(k, ",")) ++k;
      else if (k != close) return false;
    }
    return true;
  }
  // The specifier after `from` at token k.
  bool from_clause(size_t k, std::string* module) const { return word(k, "from") && plain_string(k + 1, module); }

  void read_import(size_t i) {
    std::vector<Imported> named;
    size_t k = i + 1;
    if (name_token(k) && !word(k, "from") && !punct(k + 1, "=")) {  // default binding (not `import x = …`)
      named.push_back(Imported{std::string(t_[k].text), {}, "default"});
      ++k;
      if (punct(k, ",")) ++k;
      else if (!word(k, "from")) return;
    } else if (word(k, "from") && word(k + 1, "from")) {  // `import from from './x.js'`
      named.push_back(Imported{"from", {}, "default"});
      ++k;
    }
    if (punct(k, "*") && word(k + 1, "as") && name_token(k + 2)) {
      named.push_back(Imported{std::string(t_[k + 2].text), {}, "*"});
      k += 3;
    } else if (punct(k, "{")) {
      if (!clause_list(k, &named)) return;
      k = match_[k] + 1;
    }
    std::string module;
    if (named.empty() || !from_clause(k, &module)) return;
    for (Imported& x : named) {
      x.module = module;
      imports_.push_back(std::move(x));
    }
  }

  // The import a module-level binding `local` is, seen from token i's scope: only when the call
  // resolves to the module's top and the name is declared there once (an import binding cannot
  // be assigned; a direct eval that sees it still could shadow it in sloppy code, which a module
  // is not, but is refused as for any binding).
  const Imported* imported_binding(size_t i, std::string_view local) {
    if (in_with_[i]) return nullptr;
    int32_t where = 0;
    Binding* b = resolve(scope_of_[i], local, &where);
    if (!b || where != -1 || b->count != 1 || b->block || b->assigned || rebindable(*b, where, local)) return nullptr;
    for (const Imported& x : imports_)
      if (x.local == local) return &x;
    return nullptr;
  }

  // The binding exported as `name` from the module's top: its function, or the import it is.
  void add_export(const std::string& name, size_t at, std::string_view local, JsCallGraph* g) {
    if (const Imported* im = imported_binding(at, local)) {
      if (im->name != "*") g->exports.push_back(ExportedBinding{name, -1, im->module, im->name});
      return;
    }
    Binding* b = resolve(-1, local);
    if (b && b->count == 1 && b->function >= 0 && !b->assigned && !b->block) g->exports.push_back(ExportedBinding{name, b->function, {}, {}});
  }

  void read_export(size_t i, JsCallGraph* g) {
    size_t k = i + 1;
    if (word(k, "default")) {
      // `export default function f() {}`, `export default (t) => …`, `export default f;`
      int32_t s = scope_starting_at(k + 1);
      if (s >= 0) g->exports.push_back(ExportedBinding{"default", s, {}, {}});
      else if (name_token(k + 1) && (k + 2 >= t_.size() || punct(k + 2, ";") || t_[k + 2].newline_before))
        add_export("default", k + 1, t_[k + 1].text, g);
      return;
    }
    if (word(k, "async") && word(k + 1, "function")) ++k;
    size_t name = SIZE_MAX;
    if (word(k, "function")) name = punct(k + 1, "*") ? k + 2 : k + 1;
    else if (word(k, "class")) name = k + 1;
    else if ((word(k, "const") || word(k, "let") || word(k, "var")) && punct(k + 2, "=")) name = k + 1;  // the first declarator
    if (name != SIZE_MAX) {
      if (name_token(name)) add_export(std::string(t_[name].text), name, t_[name].text, g);
      return;
    }
    std::vector<Imported> list;  // {local: the exported name, name: the local or imported one}
    if (!punct(k, "{") || !clause_list(k, &list)) return;
    std::string module;
    const bool from = from_clause(match_[k] + 1, &module);
    for (const Imported& x : list) {
      if (!from) add_export(x.local, k, x.name, g);
      else if (x.name != "*") g->exports.push_back(ExportedBinding{x.local, -1, module, x.name});
    }
  }

  // A module's static imports and exports (its top level: a declaration inside a block or a
  // function is a syntax error), then each call of an imported binding.
  void module_links(JsCallGraph* g) {
    size_t n = t_.size();
    for (size_t i = 0; i < n; ++i)
      if (level_[i] == 0 && word(i, "import") && !after_dot(i) && !punct(i + 1, "(") && !punct(i + 1, ".")) read_import(i);
    for (size_t i = 0; i < n; ++i)
      if (level_[i] == 0 && word(i, "export") && !after_dot(i) && !punct(i + 1, ":")) read_export(i, g);
    if (imports_.empty()) return;
    for (size_t i = 1; i < n; ++i) {
      if (!punct(i, "(") || !ident(i - 1)) continue;
      size_t end = i - 1, start = callee_start(end);
      if (start == SIZE_MAX || scope_starting_at(end) >= 0) continue;  // not a call, or a method definition
      // `f(` of an import, `ns.f(` of `import * as ns`.
      const bool member = end == start + 2 && punct(start + 1, ".");
      if (!name_token(start) || (end != start && !member)) continue;
      const Imported* im = imported_binding(start, t_[start].text);
      if (!im || (im->name == "*") != member) continue;
      const Token& last = t_[end];
      g->import_calls.push_back(ImportCallSite{JsPosition{last.end.line, last.end.column + 1}, im->module,
                                               member ? std::string(last.text) : im->name});
    }
  }

  // The function expression that is exactly tokens [a, b] (`(s) => f(s)`, `function (v) {…}`), or -1.
  int32_t function_expression(size_t a, size_t b) {
    if (starts_.empty())
      for (const auto& [scope, first] : start_token_) starts_.emplace(first, static_cast<int32_t>(scope));
    auto it = starts_.find(a);
    if (it == starts_.end()) return -1;
    const FunctionScope& fs = scopes_[static_cast<size_t>(it->second)];
    if (fs.declaration || last_token_of(fs.end, a) != b) return -1;
    return it->second;
  }
  bool literal_token(size_t i) const {
    const Token& k = t_[i];
    if (k.kind == Kind::String || k.kind == Kind::Number || k.kind == Kind::Regex) return true;
    if (k.kind == Kind::Template) return k.text.size() >= 2 && k.text.front() == '`' && k.text.back() == '`';
    return k.kind == Kind::Ident && one_of(k.text, {"true", "false", "null", "undefined"});
  }
  void callback_sites(const std::vector<std::vector<CallTarget>>& tails, std::vector<CallbackSite>* out) {
    for (size_t i = 2; i < t_.size(); ++i) {
      if (!punct(i, "(") || match_[i] == SIZE_MAX || !ident(i - 1) || !punct(i - 2, ".") || in_with_[i]) continue;
      size_t end = i - 1;
      if (scope_starting_at(end) >= 0) continue;  // a method definition `.x(` cannot be; defensive
      std::string_view prop = t_[end].text;
      size_t start = callee_start(end);
      bool named;
      if (start != SIZE_MAX) {
        CallTarget c = target(start, end, scope_of_[i]);
        named = c.function < 0 && (c.name == "." + std::string(prop) || (c.name == prop && start + 2 == end));
      } else {
        named = (punct(end - 2, ")") || punct(end - 2, "]")) && member_target(end, end - 2, false, false).name == "." + std::string(prop);
      }
      if (!named) continue;
      CallbackSite site;
      bool ok = true, any_tails = false;
      for (const auto& [a, b] : arguments_of(i)) {
        int32_t f = -1;
        if (a == b && name_token(a)) f = target(a, a, scope_of_[a]).function;
        else f = function_expression(a, b);
        if (f >= 0) {
          site.functions.push_back(f);
          any_tails = any_tails || !tails[static_cast<size_t>(f)].empty();
        } else if (!(a == b && literal_token(a))) {
          ok = false;  // an argument that may be any function (or hand the built-in one)
          break;
        }
      }
      if (!ok || !any_tails || site.functions.size() > 8) continue;
      const Token& last = t_[end];
      site.pos = JsPosition{last.end.line, last.end.column + 1};
      site.name = std::string(prop);
      out->push_back(std::move(site));
    }
    std::stable_sort(out->begin(), out->end(), [](const CallbackSite& a, const CallbackSite& b) { return a.pos < b.pos; });
  }

  std::map<size_t, int32_t> starts_;  // first token -> scope
  std::vector<Token> t_;
  std::vector<FunctionScope> scopes_;
  std::vector<size_t> level_, match_;
  std::vector<int32_t> scope_of_, parent_;
  std::vector<size_t> enclosing_;      // per token: the opener of the innermost bracket around it
  std::map<int32_t, size_t> body_open_;
  bool block_mode_ = false;            // declarations being made are block-level
  bool var_mode_ = false;              // declarations being made are `var` or function declarations
  // Rebinding evidence (rebinding()): scopes with a direct eval, tokens inside a `with` body,
  // the script is a module, it runs text as code at the global scope, property names written.
  std::vector<int32_t> eval_scopes_;
  static constexpr size_t kMaxEvalScopes = 64;
  std::vector<uint8_t> in_with_;
  bool module_ = false;
  bool string_code_ = false;
  bool global_any_write_ = false;
  std::set<std::string> global_writes_;
  bool any_name_getter_ = false;
  std::set<std::string> descriptor_getters_;
  std::vector<size_t> innermost_try_;  // per token: the opener of the innermost try/catch/finally block around it
  std::map<size_t, size_t> start_token_;  // scope -> its first token
  std::map<std::pair<int32_t, std::string>, Binding> bindings_;
  std::vector<Imported> imports_;  // a module's import bindings
  std::vector<size_t> assigned_;
  std::set<size_t> declared_tokens_;
  bool methods_built_ = false;
  bool properties_built_ = false;
  std::set<std::string> properties_;
  std::unordered_map<std::string, std::vector<int32_t>> methods_;
};

}  // namespace

namespace {
// The text hash of every scope (js_scopes.h kTextHashBits): each token's text is hashed (FNV-1a),
// and a scope's hash is a polynomial hash over its tokens' hashes, from the prefix sums of the
// whole token list (so that nested scopes cost O(1) each, not their length again), mixed with the
// token count and cut to 36 bits. Tokens belong to a scope when they start within its range.
std::vector<uint64_t> scope_text_hashes(const std::vector<Token>& tokens, const std::vector<FunctionScope>& scopes) {
  constexpr uint64_t kBase = 0x9E3779B97F4A7C15ull;
  std::vector<uint64_t> prefix(tokens.size() + 1, 0), power(tokens.size() + 1, 1);
  for (size_t i = 0; i < tokens.size(); ++i) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : tokens[i].text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    prefix[i + 1] = prefix[i] * kBase + h;
    power[i + 1] = power[i] * kBase;
  }
  std::vector<uint64_t> out;
  out.reserve(scopes.size());
  auto starts_before = [](const Token& t, const JsPosition& p) { return t.start < p; };
  for (const FunctionScope& s : scopes) {
    size_t a = static_cast<size_t>(std::lower_bound(tokens.begin(), tokens.end(), s.start, starts_before) - tokens.begin());
    size_t b = static_cast<size_t>(
        std::upper_bound(tokens.begin(), tokens.end(), s.end, [](const JsPosition& p, const Token& t) { return p < t.start; }) -
        tokens.begin());
    if (b < a) b = a;
    uint64_t h = prefix[b] - prefix[a] * power[b - a];
    h ^= uint64_t(b - a) * 0xff51afd7ed558ccdull;  // splitmix64's finalizer
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
    h &= (uint64_t(1) << kTextHashBits) - 1;
    out.push_back(h ? h : 1);
  }
  return out;
}
}  // namespace

ScopeTexts scan_scope_texts(std::string_view source, size_t max_scopes) {
  std::vector<Token> tokens;
  Scanner scanner(source, max_scopes, &tokens);
  ScopeTexts out;
  out.scopes = scanner.run();
  if (scanner.reread_as_module()) {
    tokens.clear();
    out.scopes = Scanner(source, max_scopes, &tokens, ScriptKind::Module).run();
  }
  out.text_hashes = scope_text_hashes(tokens, out.scopes);
  return out;
}

std::vector<FunctionScope> scan_function_scopes(std::string_view source, size_t max_scopes) {
  return Scanner(source, max_scopes).run();
}

JsCallGraph scan_call_graph(std::string_view source, size_t max_scopes) {
  return scan_call_graph(source, ScriptKind::Unknown, max_scopes);
}

JsCallGraph scan_call_graph(std::string_view source, ScriptKind kind, size_t max_scopes) {
  std::vector<Token> tokens;
  Scanner scanner(source, max_scopes, &tokens, kind);
  std::vector<FunctionScope> scopes = scanner.run();
  std::string misread = scanner.doubt();
  if (scanner.reread_as_module()) {
    // An `import`/`export` declaration says it is a module: read again as one.
    tokens.clear();
    Scanner module(source, max_scopes, &tokens, ScriptKind::Module);
    scopes = module.run();
    misread = module.doubt();
  }
  uint32_t declared = scanner.declared_names(), short_declared = scanner.short_declared_names();
  std::vector<uint64_t> hashes = scope_text_hashes(tokens, scopes);
  JsCallGraph g = CallGraphBuilder(std::move(tokens), std::move(scopes)).run();
  g.text_hashes = std::move(hashes);
  g.declared_names = declared;
  g.short_declared_names = short_declared;
  g.nested_names = scanner.nested_names();
  g.short_nested_names = scanner.short_nested_names();
  g.distinct_short_nested_names = scanner.distinct_short_nested_names();
  if (!misread.empty()) {
    // Some code may read otherwise than the scanner read it: no function of it is trusted.
    for (auto& tails : g.tails)
      if (std::all_of(tails.begin(), tails.end(), [](const CallTarget& c) { return c.known(); })) tails.push_back(CallTarget{});
    g.named_calls.clear();  // nor any call site's callee by name
    g.call_positions.clear();  // nor which call site a position is
    g.import_calls.clear();    // nor which import a call is
    g.exports.clear();
    g.misread = std::move(misread);
  }
  return g;
}

}  // namespace faultline
