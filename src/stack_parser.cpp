#include "stack_parser.h"

#include <algorithm>

#include "text.h"

namespace faultline {
namespace {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)


bool has_space(sv s) {
  for (char c : s)
    if (is_space(c)) return true;
  return false;
}

// Parses a run of digits into an int, clamping instead of overflowing.
int to_int(sv digits) {
  long long v = 0;
  for (char c : digits) {
    v = v * 10 + (c - '0');
    if (v > 1000000000) return 1000000000;
  }
  return static_cast<int>(v);
}

// Reads the digits at the start of `rest` into `out` and drops them; false, with nothing read,
// when `rest` does not start with a digit.
bool take_number(sv& rest, int& out) {
  size_t i = 0;
  while (i < rest.size() && is_digit(rest[i])) ++i;
  if (i == 0) return false;
  out = to_int(rest.substr(0, i));
  rest.remove_prefix(i);
  return true;
}

// Splits "location:line:col" / "location:line" off the end. Returns the location without them.
sv split_line_col(sv loc, int& line, int& col) {
  line = col = -1;
  auto trailing_number = [](sv s, size_t& start) {
    size_t e = s.size(), b = e;
    while (b > 0 && is_digit(s[b - 1])) --b;
    if (b == e || b == 0 || s[b - 1] != ':') return false;
    start = b;
    return true;
  };
  size_t b1;
  if (!trailing_number(loc, b1)) return loc;
  int last = to_int(loc.substr(b1));
  sv rest = loc.substr(0, b1 - 1);
  size_t b2;
  if (trailing_number(rest, b2)) {
    line = to_int(rest.substr(b2));
    col = last;
    return rest.substr(0, b2 - 1);
  }
  line = last;
  return rest;
}

// Index of the '(' matching the ')' at s.back(), or npos.
size_t matching_open_paren(sv s) {
  if (s.empty() || s.back() != ')') return sv::npos;
  int depth = 0;
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == ')') ++depth;
    else if (s[i] == '(' && --depth == 0) return i;
  }
  return sv::npos;
}

bool is_native_location(sv loc) {
  return loc == "native" || loc == "native code" || loc == "[native code]" || loc == "<anonymous>" ||
         loc == "(native)";
}

// Does this text look like a place code can live (a URL, a path, an engine token)?
bool looks_like_location(sv loc, bool has_line) {
  if (loc.empty()) return false;
  if (is_native_location(loc) || loc == "eval code") return true;
  if (has_line) return true;  // "webpack/runtime/jsonp chunk loading:27:18" has spaces and is real
  if (has_space(loc) || loc.find('"') != sv::npos) return false;
  return loc.find('/') != sv::npos || loc.find(':') != sv::npos || loc.find('\\') != sv::npos;
}

void set_file(Frame& f, sv file) {
  f.filename = std::string(file);
  f.abs_path = f.filename;
  if (is_native_location(file)) f.native = true;
}

// data: URLs carry code, not a file: report "<data:...>" without positions, named as Sentry's
// stack parser names them: everything between "data:" and the first comma, so the media type and
// its parameters ("<data:text/javascript;base64>"). Without a comma (not a valid data: URL), up
// to the first ';' or ','.
bool apply_data_url(Frame& f, sv loc) {
  if (!starts_with(loc, "data:")) return false;
  size_t end = loc.find(',');
  if (end == sv::npos) end = loc.find_first_of(",;");
  sv mime = loc.substr(5, end == sv::npos ? sv::npos : end - 5);
  if (mime.size() > 100) mime = mime.substr(0, 100);
  f.filename = "<data:" + std::string(mime) + ">";
  f.abs_path = f.filename;
  f.lineno = f.colno = -1;
  f.in_app = false;
  return true;
}

// ---- V8 / Chakra style: "at fn (location)" or "at location" -------------------------------

// V8 eval locations nest: "eval at outer (eval at inner (URL:1:2)), <anonymous>:3:4".
// The innermost parenthesised location is where the eval was called: report that.
sv v8_eval_origin(sv loc) {
  for (int guard = 0; guard < 32 && starts_with(loc, "eval at "); ++guard) {
    size_t open = loc.find('(');
    if (open == sv::npos) return {};
    int depth = 0;
    size_t close = sv::npos;
    for (size_t i = open; i < loc.size(); ++i) {
      if (loc[i] == '(') ++depth;
      else if (loc[i] == ')' && --depth == 0) { close = i; break; }
    }
    if (close == sv::npos) return {};
    loc = loc.substr(open + 1, close - open - 1);
  }
  return loc;
}

bool parse_v8_location(Frame& f, sv loc) {
  loc = trim(loc);
  if (starts_with(loc, "address at ")) loc.remove_prefix(11);  // Hermes
  if (starts_with(loc, "async ")) loc.remove_prefix(6);
  if (starts_with(loc, "eval at ")) {
    f.eval = true;
    loc = v8_eval_origin(loc);
    if (loc.empty()) return false;
    if (starts_with(loc, "async ")) loc.remove_prefix(6);
  }
  if (apply_data_url(f, loc)) return true;
  int line, col;
  sv file = split_line_col(loc, line, col);
  // wasm: "URL:wasm-function[12]:0x5aeb" — keep the module URL, positions are byte offsets.
  size_t wasm = loc.find(":wasm-function[");
  if (wasm != sv::npos) {
    file = loc.substr(0, wasm);
    line = col = -1;
  }
  if (!looks_like_location(file, line >= 0)) return false;
  set_file(f, file);
  if (file == "eval code") f.eval = true;
  f.lineno = line;
  f.colno = col;
  return true;
}

bool parse_gecko_line(sv line, Frame& f);

bool parse_v8_line(sv rest, Frame& f) {
  rest = trim(rest);
  if (rest.empty()) return false;
  // Safari extension frames printed with "at": "fn@safari-extension:(//id/file.js:1:2)".
  for (sv scheme : {sv("safari-extension:("), sv("safari-web-extension:(")}) {
    size_t p = rest.find(scheme);
    if (p != sv::npos && rest.back() == ')') {
      std::string fixed(rest.substr(0, p + scheme.size() - 1));
      fixed.append(rest.substr(p + scheme.size(), rest.size() - p - scheme.size() - 1));
      return parse_gecko_line(fixed, f);
    }
  }
  size_t open = matching_open_paren(rest);
  if (open != sv::npos) {
    sv fn = trim(rest.substr(0, open));
    sv loc = rest.substr(open + 1, rest.size() - open - 2);
    if (!parse_v8_location(f, loc)) return false;
    if (fn == "<anonymous>") fn = {};
    f.function = fn.empty() ? std::string("?") : std::string(fn);
    return true;
  }
  // A line cut at kMaxLineLength loses its closing ')': "fn (http://very/long/url..." still names
  // the function and the file (without a position), as Sentry's parser reports it.
  size_t unterminated = rest.find(" (");
  if (rest.back() != ')' && unterminated != sv::npos && rest.find(')', unterminated) == sv::npos) {
    sv fn = trim(rest.substr(0, unterminated));
    sv loc = rest.substr(unterminated + 2);
    if (!parse_v8_location(f, loc)) return false;
    f.function = fn.empty() || fn == "<anonymous>" ? std::string("?") : std::string(fn);
    return true;
  }
  if (!parse_v8_location(f, rest)) return false;
  f.function = "?";
  return true;
}

// ---- SpiderMonkey / JavaScriptCore style: "fn@location", "@location", "location" -----------

// Firefox's "fn(args)" (Firefox < 14, Opera 11) loses its argument list.
sv strip_call_args(sv fn) {
  if (!fn.empty() && fn.back() == ')') {
    size_t open = matching_open_paren(fn);
    if (open != sv::npos) fn = fn.substr(0, open);
  }
  return fn;
}

// One SpiderMonkey/JavaScriptCore line (`name@url:line:col` and its variants: `@` in quoted names
// and in URLs, anonymous and accessor names, an asynchronous frame's cause, eval chains): each
// variant is one step of reading the line, in order (76 lines).
bool parse_gecko_line(sv line, Frame& f) {
  line = trim(line);
  if (line.empty() || starts_with(line, "Error created at ")) return false;
  if (line == "[native code]") {
    set_file(f, line);
    f.function = "?";
    return true;
  }
  // Function names may contain '@' inside quotes (obj["@fn"]); URLs may contain '@' too
  // (".../@scope/pkg.js"). The separator is the first '@' after the last quote.
  size_t search_from = 0;
  size_t last_quote = line.find_last_of('"');
  if (last_quote != sv::npos) search_from = last_quote + 1;
  size_t at = line.find('@', search_from);
  sv fn, loc;
  if (at == sv::npos) {
    loc = line;
  } else {
    fn = line.substr(0, at);
    loc = line.substr(at + 1);
  }
  fn = strip_call_args(trim(fn));
  if (starts_with(fn, "<anonymous function: ") && ends_with(fn, ">")) fn = fn.substr(21, fn.size() - 22);
  else if (fn == "<anonymous function>" || fn == "(null)") fn = {};
  // SpiderMonkey names an accessor's frame "get subtotal" / "set owner": one space, then a name.
  bool accessor = (starts_with(fn, "get ") || starts_with(fn, "set ")) && fn.size() > 4 && !has_space(fn.substr(4));
  // An asynchronous frame names its cause before '*', which may contain spaces ("promise
  // callback*loadUser@…", "setTimeout handler*poll@…"): a frame, as Sentry's parser keeps it; the
  // grouping must see it to know where the synchronous callers end.
  size_t star = fn.find('*');
  bool async_cause = star != sv::npos && star > 0 && !has_space(fn.substr(star + 1));
  if (has_space(fn) && !accessor && !async_cause && fn != "global code" && fn != "module code" && fn != "eval code" &&
      fn.find('"') == sv::npos)
    return false;  // prose, not a frame ("Error created at ...")

  loc = trim(loc);
  if (loc == "[native code]") {
    set_file(f, loc);
    f.function = fn.empty() ? std::string("?") : std::string(fn);
    return true;
  }
  // Firefox eval: "URL line 26 > eval line 2 > eval:1:30" -> URL, line 26, no column.
  size_t gt = loc.find(" > ");
  if (gt != sv::npos && (loc.find(" > eval", gt) != sv::npos || loc.find(" > Function", gt) != sv::npos)) {
    sv head = loc.substr(0, gt);
    size_t lp = head.rfind(" line ");
    if (lp == sv::npos) return false;
    sv num = head.substr(lp + 6);
    if (num.empty() || !std::all_of(num.begin(), num.end(), is_digit)) return false;
    set_file(f, head.substr(0, lp));
    f.lineno = to_int(num);
    f.colno = -1;
    f.eval = true;
    f.function = fn.empty() ? std::string("eval") : std::string(fn);
    return true;
  }
  if (apply_data_url(f, loc)) {
    f.function = fn.empty() ? std::string("?") : std::string(fn);
    return true;
  }
  int ln, col;
  sv file = split_line_col(loc, ln, col);
  if (at == sv::npos) {
    // A bare line (no "fn@") is a frame only when it is a URL or a position without spaces:
    // JSC prints bare function names and "eval code" for code without a source, and message
    // lines ("location. Error code:1234") must not become frames.
    if (has_space(file)) return false;
    if (ln < 0 && file.find("://") == sv::npos) return false;
  }
  if (!looks_like_location(file, ln >= 0)) return false;
  set_file(f, file);
  f.lineno = ln;
  f.colno = col;
  f.function = fn.empty() ? std::string("?") : std::string(fn);
  return true;
}

// ---- Opera Presto: error.stacktrace (Opera 10/11) and "Backtrace:" in the message (Opera 9) --

// An Opera frame: its file and its function ("?" when the line names none).
bool opera_frame(Frame& f, sv url, sv fn) {
  set_file(f, url);
  f.function = fn.empty() ? std::string("?") : std::string(fn);
  return true;
}

bool parse_opera_line(sv line, Frame& f) {
  line = trim(line);
  // Opera 11+: "Error thrown at line 42, column 12 in <anonymous function: fn>() in URL:"
  //            "called from line 27, column 8 in fn(args) in URL:" / "... column 3 in URL:"
  size_t lp = line.find("line ");
  if ((starts_with(line, "Error thrown at line ") || starts_with(line, "called from line ")) && lp != sv::npos) {
    sv rest = line.substr(lp + 5);
    if (!take_number(rest, f.lineno)) return false;
    if (starts_with(rest, ", column ")) {
      rest.remove_prefix(9);
      if (!take_number(rest, f.colno)) f.colno = -1;
    }
    if (!starts_with(rest, " in ")) return false;
    rest.remove_prefix(4);
    if (ends_with(rest, ":")) rest.remove_suffix(1);
    size_t last_in = rest.rfind(" in ");
    sv fn, url = rest;
    if (last_in != sv::npos) {
      fn = strip_call_args(rest.substr(0, last_in));
      url = rest.substr(last_in + 4);
    }
    if (starts_with(fn, "<anonymous function: ") && ends_with(fn, ">")) fn = fn.substr(21, fn.size() - 22);
    return !url.empty() && opera_frame(f, url, fn);
  }
  // Opera 9/10: "Line 18 of linked script URL: In function fn" / "Line 4 of inline#1 script in URL"
  if (starts_with(line, "Line ")) {
    sv rest = line.substr(5);
    if (!take_number(rest, f.lineno)) return false;
    size_t sp = rest.find("script ");
    if (sp == sv::npos) return false;
    rest = rest.substr(sp + 7);
    if (starts_with(rest, "in ")) rest.remove_prefix(3);
    sv fn;
    size_t in_fn = rest.find(": In function ");
    if (in_fn != sv::npos) {
      fn = trim(rest.substr(in_fn + 14));
      rest = rest.substr(0, in_fn);
    }
    rest = trim(rest);
    return !rest.empty() && opera_frame(f, rest, fn);
  }
  return false;
}

template <typename LineFn>
void for_each_line(sv text, LineFn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    sv line = text.substr(pos, nl == sv::npos ? sv::npos : nl - pos);
    pos = nl == sv::npos ? text.size() : nl + 1;
    if (!fn(line)) break;
  }
}

// Collects frames newest-first, then reverses. Stops after kMaxFrames frames.
template <typename ParseFn>
ParsedStack collect(sv text, size_t skip_lines, ParseFn&& parse) {
  ParsedStack out;
  size_t index = 0;
  for_each_line(text, [&](sv raw) {
    if (index++ < skip_lines) return true;
    if (raw.size() > kMaxLineLength) raw = raw.substr(0, kMaxLineLength);
    sv line = trim(raw);
    if (line.empty()) return true;
    ++out.lines_total;
    if (out.frames.size() >= kMaxFrames) {
      out.truncated = true;
      return false;
    }
    Frame f;
    if (parse(line, f)) out.frames.push_back(std::move(f));
    else ++out.lines_skipped;
    return true;
  });
  std::reverse(out.frames.begin(), out.frames.end());
  return out;
}

bool parse_any_line(sv line, Frame& f) {
  // webpack wraps chunk-load failures as "(error: URL)": keep the URL.
  std::string cleaned;
  size_t we = line.find("(error: ");
  if (we != sv::npos) {
    size_t close = line.rfind(')');
    if (close != sv::npos && close > we) {
      cleaned.assign(line.substr(0, we));
      cleaned.append(line.substr(we + 8, close - we - 8));
      cleaned.append(line.substr(close + 1));
      line = cleaned;
      line = trim(line);
    }
  }
  // Message/header lines ("TypeError: x", "at Error: Blocked a frame ...") are not frames.
  size_t e = line.find("Error: ");
  if (e != sv::npos) {
    // Only when "Error: " ends a word that starts the token (\S*Error: ), as Sentry's parser does.
    return false;
  }
  if (starts_with(line, "at ")) {
    Frame v8;
    if (parse_v8_line(line.substr(3), v8)) {
      v8.at_form = true;
      f = std::move(v8);
      return true;
    }
    return false;
  }
  return parse_gecko_line(line, f);
}

// Number of lines of the message that the stack repeats at its top ("Type: message" header).
size_t header_lines(sv stack, sv message) {
  if (message.empty()) return 0;
  size_t msg_lines = 1 + static_cast<size_t>(std::count(message.begin(), message.end(), '\n'));
  if (msg_lines < 2) return 0;  // single-line headers are recognised line by line
  size_t nl = message.find('\n');
  sv first_msg = message.substr(0, nl);
  size_t snl = stack.find('\n');
  sv first_stack = stack.substr(0, snl);
  if (first_msg.empty() || first_msg.size() > first_stack.size()) return 0;
  // The header is "Name: message": the message starts within the line's first kMaxLineLength
  // bytes, so only those starts are tried. (A find over the whole line cost its length times the
  // message's: a 256 KB first line and a 4 KB message took 11 s.)
  size_t last_start = std::min(first_stack.size() - first_msg.size(), kMaxLineLength);
  for (size_t p = 0; p <= last_start; ++p)
    if (first_stack[p] == first_msg[0] && first_stack.compare(p, first_msg.size(), first_msg) == 0) return msg_lines;
  return 0;
}

}  // namespace

ParsedStack parse_stack(sv stack, sv message, sv stacktrace) {
  if (!stacktrace.empty()) {
    ParsedStack opera = collect(stacktrace, 0, parse_opera_line);
    if (!opera.frames.empty()) return opera;
  }
  if (trim(stack).empty()) {
    size_t bt = message.find("Backtrace:");
    if (bt != sv::npos) return collect(message.substr(bt + 10), 0, parse_opera_line);
    return ParsedStack{};
  }
  return collect(stack, header_lines(stack, message), parse_any_line);
}

}  // namespace faultline
