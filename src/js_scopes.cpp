#include "js_scopes.h"

#include <algorithm>
#include <cstring>

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

// Keywords after which a `/` starts a regular expression literal rather than a division.
bool keyword_before_expression(std::string_view w) {
  return one_of(w, {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
                    "else", "yield", "await"});
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

constexpr const char* kOperators[] = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=",
                                      "=>",   "==",  "!=",  "<=",  ">=",  "&&",  "||",  "??",  "?.",  "++",  "--",
                                      "+=",   "-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",  "**",  "<<",  ">>"};

class Scanner {
 public:
  Scanner(std::string_view src, size_t max_scopes) : src_(src), max_scopes_(max_scopes) {}

  std::vector<FunctionScope> run() {
    while (true) {
      Token t = next_token();
      if (t.kind == Kind::End) break;
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

 private:
  struct Open {
    char bracket = '(';             // '(' '[' '{' or '$' for a template substitution `${`
    int scope = -1;                 // '{' of a function body: index of its scope
    int function_params = -1;       // '(' of a `function`'s parameters: index of its scope
    bool method_candidate = false;  // '(' after a name or ']': `name(...) {` would be a method
    bool class_body = false;        // '{' of a class body; class_name is its name token, if any
    Token class_name;
    Token before[4];                // the tokens before the bracket, nearest first
    JsPosition pos;
  };
  struct Arrow {
    int scope;
    size_t depth;
  };

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
  void new_line() {
    ++here_.line;
    here_.column = 0;
    saw_newline_ = true;
  }

  void skip_space_and_comments() {
    while (!at_end()) {
      unsigned char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        advance();
      } else if (c == 0xE2 && peek(1) == 0x80 && (peek(2) == 0xA8 || peek(2) == 0xA9)) {
        advance();
      } else if (c == 0xC2 && peek(1) == 0xA0) {  // no-break space
        advance();
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (!at_end() && peek() != '\n' && peek() != '\r') advance();
      } else if (c == '/' && peek(1) == '*') {
        advance();
        advance();
        while (!at_end() && !(peek() == '*' && peek(1) == '/')) advance();
        if (!at_end()) {
          advance();
          advance();
        }
      } else {
        break;
      }
    }
  }

  void skip_quoted(unsigned char quote) {
    advance();
    while (!at_end() && peek() != quote) {
      if (peek() == '\\') advance();
      else if (peek() == '\n') return;  // unterminated: stop at the line's end
      if (!at_end()) advance();
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

  bool regex_allowed() const {
    if (history_size_ == 0) return true;
    const Token& p = history_[0];
    if (p.kind == Kind::Ident) return keyword_before_expression(p.text);
    if (p.kind == Kind::Punct) return !(p.text == ")" || p.text == "]" || p.text == "}");
    return false;
  }

  // A regular expression literal; false (nothing consumed) when the line ends first.
  bool skip_regex() {
    size_t save_pos = pos_;
    JsPosition save_here = here_, save_last = last_char_;
    advance();
    bool in_class = false;
    while (!at_end()) {
      unsigned char c = peek();
      if (c == '\n' || c == '\r') break;
      if (c == '\\') {
        advance();
        if (!at_end() && peek() != '\n') advance();
        continue;
      }
      if (c == '[') in_class = true;
      else if (c == ']') in_class = false;
      else if (c == '/' && !in_class) {
        advance();
        while (!at_end() && is_ident_part(peek())) advance();
        return true;
      }
      advance();
    }
    pos_ = save_pos;
    here_ = save_here;
    last_char_ = save_last;
    return false;
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
      while (!at_end() && is_ident_part(peek())) {
        if (peek() == '\\') advance();
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
      for (size_t i = 0; i < len; ++i) advance();
    }
    t.text = src_.substr(begin, pos_ - begin);
    t.end = last_char_;
    return t;
  }

  void push_template() {
    Open o;
    o.bracket = '$';
    stack_.push_back(o);
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
    scopes_.push_back(s);
    return static_cast<int>(scopes_.size() - 1);
  }
  void set_name(int scope, const Token& t) {
    if (scope < 0 || t.kind != Kind::Ident) return;
    FunctionScope& s = scopes_[static_cast<size_t>(scope)];
    s.has_name = true;
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
    if (assign || key) set_name(scope, *before2);
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
    if (t.newline_before && t.kind == Kind::Ident && statement_keyword(t.text)) close_arrows(stack_.size(), last_end_);
    bool opens_block = t.kind == Kind::Punct && t.text == "{";
    // An arrow whose body is not a block: its scope runs to the end of the expression.
    if (arrow_body >= 0 && !opens_block) arrows_.push_back(Arrow{arrow_body, stack_.size()});

    if (t.kind == Kind::Ident) {
      if (!after_dot() && t.text == "function") return start_function(t);
      if (!after_dot() && t.text == "class") return start_class();
      if (pending_class_ && pending_class_depth_ == stack_.size() && !class_name_done_) {
        if (t.text != "extends") class_name_ = t;
        class_name_done_ = true;
        return;
      }
      if (pending_function_ >= 0 && pending_function_name_allowed_) {
        set_name(pending_function_, t);
        pending_function_name_allowed_ = false;
      }
      return;
    }
    if (t.kind != Kind::Punct) return;
    std::string_view p = t.text;
    if (p == "*" && pending_function_ >= 0) return;
    if (p == "=>") return start_arrow();
    if (p == "{") return open(t, '{', function_body >= 0 ? function_body : arrow_body, method);
    if (p == "(" || p == "[") return open(t, p[0], -1, false);
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
    // Named later by its own name token if it has one; else by the binding it is assigned to.
    name_from_binding(pending_function_, prev(shift), prev(shift + 1), prev(shift + 2));
  }

  // A class's constructor frames carry the class's name in every engine (`new AuthError`,
  // `AuthError@`), so its body remembers the class name token (own name or binding).
  void start_class() {
    pending_class_ = true;
    pending_class_depth_ = stack_.size();
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
      // `(a, b) =>` or `async (a) =>`: the tokens before `(` were saved when it opened.
      const Token* before = last_closed_paren_.before;
      size_t shift = before[0].kind == Kind::Ident && before[0].text == "async" ? 1 : 0;
      scope = new_scope(shift ? before[0].start : last_closed_paren_.pos);
      if (scope >= 0 && shift + 2 < 4) name_from_binding(scope, &before[shift], &before[shift + 1], &before[shift + 2]);
      else if (scope >= 0) name_from_binding(scope, &before[shift], &before[shift + 1], nullptr);
    } else if (params->kind == Kind::Ident) {
      size_t shift = is_word(prev(1)) && prev(1)->text == "async" ? 1 : 0;
      scope = new_scope(shift ? prev(1)->start : params->start);
      if (scope >= 0) name_from_binding(scope, prev(shift + 1), prev(shift + 2), prev(shift + 3));
    }
    expect_arrow_body_ = scope;
  }

  void open(const Token& t, char bracket, int body_for, bool method) {
    Open o;
    o.bracket = bracket;
    o.pos = t.start;
    for (size_t i = 0; i < 4; ++i) o.before[i] = prev(i) ? *prev(i) : Token{};
    if (bracket == '{') {
      o.scope = body_for;
      if (pending_class_ && pending_class_depth_ == stack_.size()) {
        o.class_body = true;
        o.class_name = class_name_;
        pending_class_ = false;
      } else if (body_for < 0 && method) {
        // `name(...) {`: a method, getter or setter; its scope starts at the name.
        o.scope = new_scope(method_name_.start);
        bool constructor = method_name_.text == "constructor" && !stack_.empty() && stack_.back().class_body;
        set_name(o.scope, constructor ? stack_.back().class_name : method_name_);
      }
      pending_function_ = -1;
    } else if (bracket == '(') {
      if (pending_function_ >= 0) {
        o.function_params = pending_function_;
        pending_function_ = -1;
        pending_function_name_allowed_ = false;
      } else {
        const Token* before = prev(0);
        o.method_candidate = (before && before->kind == Kind::Ident && !control_keyword(before->text)) ||
                             is_punct(before, "]");
      }
    }
    stack_.push_back(o);
  }

  void close(const Token& t) {
    close_arrows(stack_.size(), last_end_);
    if (stack_.empty()) return;
    Open o = stack_.back();
    stack_.pop_back();
    if (o.scope >= 0) scopes_[static_cast<size_t>(o.scope)].end = t.start;
    if (o.bracket != '(') return;
    last_closed_paren_ = o;
    have_closed_paren_ = true;
    if (o.function_params >= 0) {
      expect_body_ = o.function_params;
    } else if (o.method_candidate) {
      // Only a `{` right after the `)` makes it a method; any other token cancels this.
      method_name_pending_ = true;
      method_name_ = o.before[0];
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
  Token method_name_;
  Open last_closed_paren_;
  bool have_closed_paren_ = false;
  bool pending_class_ = false;
  size_t pending_class_depth_ = 0;
  bool class_name_done_ = false;
  Token class_name_;
};

}  // namespace

std::vector<FunctionScope> scan_function_scopes(std::string_view source, size_t max_scopes) {
  return Scanner(source, max_scopes).run();
}

}  // namespace faultline
