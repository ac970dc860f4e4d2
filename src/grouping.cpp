#include "grouping.h"

#include <algorithm>
#include <cstdint>

#include "message_rules.h"
#include "text.h"

namespace faultline {
namespace {

using namespace text;  // sv, is_digit, is_space, trim, starts_with, ... (text.h)

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

}  // namespace

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

// esbuild's "[name]-[hash]" whose 8 base32 characters happen to be letters only (about 1 hash in
// 5: (26/32)^8): capitals after a name written in small letters ("app-RCRSUHDK", "chunk-QWERTYUI").
// A person names a file in one case ("app-settings", "APP-SETTINGS") or in camel case, not a
// small-letter name with an 8-capital suffix, while esbuild's hashes are always capitals.
bool esbuild_letters_after_lower_name(sv name, sv h) {
  if (h.size() != 8 || !all_of(h, is_upper)) return false;
  bool lower = false;
  for (char c : name) {
    if (is_upper(c)) return false;
    if (is_lower_letter(c)) lower = true;
  }
  return lower;
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
      (looks_like_bundler_hash(base.substr(base.size() - 8)) ||
       esbuild_letters_after_lower_name(base.substr(0, base.size() - 9), base.substr(base.size() - 8))))
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

void lexical_anonymous(const SymbolTable& t, int32_t i, Frame* f);

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
  // A member call by its property name (".map", symbol_table.h): no function of the code has
  // that name, so it ran when the frame just inside is the built-in of that name.
  bool member(const SymbolTable::Target& x) const {
    return x.function < 0 && x.name >= 0 && starts_with(t.names[static_cast<size_t>(x.name)], ".");
  }
  bool closes_member(const SymbolTable::Target& x) const {
    return inner.native && sv(t.names[static_cast<size_t>(x.name)]).substr(1) == builtin_name(inner.function);
  }
  void from(int32_t f, int depth) {
    path.push_back(f);
    for (const SymbolTable::Target& x : t.tails[static_cast<size_t>(f)]) {
      if (x.function < 0 && x.name < 0) {
        unsure = true;  // a tail call the scanner could not resolve could lead anywhere
      } else if (member(x)) {
        // Another object's method (another script's function, a built-in JavaScriptCore shows
        // no frame for) could lead anywhere: only the built-in of the inner frame's name is known.
        if (!closes_member(x)) unsure = true;
        else ++paths, found = path;
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

// The bare name an engine printed for a frame: `loadB` from `loadB`, `Cart.total`, `get total`,
// `async loadB`, `new Cart`, `total [as sum]`; empty for an anonymous frame; "?" when the text
// says nothing usable (SpiderMonkey's `outer/<`, other prose).
// A printed function name without V8's " [as x]" and its async/new/get/set prefix.
sv undecorated(sv fn) {
  fn = trim(fn);
  size_t as = fn.find(" [as ");
  if (as != sv::npos) fn = fn.substr(0, as);
  for (sv prefix : {sv("async "), sv("new "), sv("get "), sv("set ")})
    if (starts_with(fn, prefix)) fn.remove_prefix(prefix.size());
  return fn;
}

std::string printed_name(sv fn) {
  fn = trim(fn);
  if (fn.empty() || fn == "?" || fn == "<anonymous>") return {};
  fn = undecorated(fn);
  size_t dot = fn.rfind('.');
  if (dot != sv::npos) fn = fn.substr(dot + 1);
  if (fn.empty() || fn.find_first_of(" /<>*@()") != sv::npos) return "?";
  return std::string(fn);
}

// A V8 name inferred from a property path whose every qualifier is a name of 3+ characters
// (`scenarios.checkout.id`, `Store.go`): its short last part is a property's name, which
// minifiers keep, so it is no evidence of minified code (a minified binding shows in the
// qualifier: `t.id`).
bool property_of_named_object(sv fn) {
  fn = undecorated(fn);
  size_t last = fn.rfind('.');
  if (last == sv::npos || last == 0) return false;
  for (sv rest = fn.substr(0, last); !rest.empty();) {
    size_t dot = rest.find('.');
    sv part = rest.substr(0, dot);
    if (part.size() < 3) return false;
    for (char c : part)
      if (!is_alnum(c) && c != '_' && c != '$') return false;
    rest = dot == sv::npos ? sv() : rest.substr(dot + 1);
  }
  return true;
}

// Whether the table's function at a frame's position (`function_index`, from lookup_symbol: the
// innermost function whose span holds the frame's line:column, -1 at top level) is the function
// the engine says ran there. A table describes the code the scan read or the build it was made
// from; code served again under the same URL may have changed since the stack was captured (a
// redeploy, a script whose second fetch differs), and then positions land in other functions.
//  - `global code` / `module code` (JavaScriptCore's top level) only outside every function;
//  - a named frame only in a named function; in a table from the code (no sources: its names are
//    the code's own, as engines print them) with that very name;
//  - an anonymous frame anywhere: engines leave unnamed some functions the scanner names
//    (`o.f = function`), so it is no evidence either way.
// In a map's table the names are the original ones and the frames' the minifier's: only the
// presence of a name is compared there (the table is bound to its build by the debug ID).
// JavaScriptCore puts the outer frame of an async function resumed after an `await` one column
// past the function's closing brace when the function ends on the line it starts on (jsc -m,
// 2026-12-02: `async function Cn(t){…}` in columns 1-92 of a line gives `Cn@…:51` at the awaited
// call and `Cn@…:93`; written over several lines, the line and column of its parameters): such
// a frame agrees with the function that ends just before it (minified code is one line).
bool frame_in_function(const SymbolTable& t, const Frame& f, int32_t function_index) {
  if (f.native || f.lineno < 1 || f.colno < 1) return true;
  sv raw = trim(f.function);
  if (raw == "global code" || raw == "module code") return function_index < 0;
  std::string name = printed_name(raw);
  // JavaScriptCore names an anonymous `export default function () {}` "starDefault".
  if (name.empty() || name == "?" || name == "starDefault") return true;
  auto named_so = [&](const SymbolTable::Function& fn) {
    if (fn.name < 0) return false;
    if (!t.sources.empty()) return true;
    sv own = t.names[static_cast<size_t>(fn.name)];
    size_t dot = own.rfind('.');
    if (dot != sv::npos) own = own.substr(dot + 1);
    return own == sv(name);
  };
  if (function_index >= 0 && static_cast<size_t>(function_index) < t.functions.size() &&
      named_so(t.functions[static_cast<size_t>(function_index)]))
    return true;
  const uint32_t line = static_cast<uint32_t>(f.lineno - 1), column = static_cast<uint32_t>(f.colno - 1);
  for (const SymbolTable::Function& fn : t.functions)
    if (fn.start.line == line && fn.end.line == line && fn.end.column + 1 == column && named_so(fn)) return true;
  return false;
}

// A path with its `.` and `..` segments applied (never above its root).
std::string remove_dot_segments(sv path) {
  std::string out;
  while (!path.empty()) {
    size_t slash = path.find('/', 1);
    sv part = path.substr(0, slash);  // "/name" (or "name" first in a relative path)
    path.remove_prefix(part.size());
    sv name = starts_with(part, "/") ? part.substr(1) : part;
    if (name == "..") out.resize(out.rfind('/') == std::string::npos ? 0 : out.rfind('/'));
    if (name == ".." || name == ".") {
      if (path.empty()) out += '/';
    } else {
      out.append(part.data(), part.size());
    }
  }
  return out;
}

}  // namespace

// A module specifier resolved against the importing module's URL, as a browser resolves a
// URL-like specifier (HTML, "resolve a module specifier": `./`, `../`, `/` are parsed against
// the importer's URL; a full URL is taken as written): `./parsers.js` from
// `https://shop.example/app/app.js?v=2` is `https://shop.example/app/parsers.js`. Only within
// the importer's origin (a path is resolved against a path: JavaScriptCore's shell prints
// files). Empty for a bare specifier (`lodash`: an import map or a bundler decides what it is),
// another origin, or an importer that is no URL or path.
std::string resolve_module_url(std::string_view importer, std::string_view specifier) {
  sv base = importer, spec = specifier;
  if (base.empty() || spec.empty() || base.find_first_of(" \n[<") != sv::npos) return {};
  const sv origin = origin_of(base);
  sv path = base.substr(origin.size());
  path = path.substr(0, path.find_first_of("?#"));
  std::string joined;
  if (spec.find("://") != sv::npos) {
    if (origin.empty() || origin_of(spec) != origin) return {};
    spec.remove_prefix(origin.size());
    if (!starts_with(spec, "/")) return {};
    joined = std::string(spec);
  } else if (starts_with(spec, "/") && !starts_with(spec, "//")) {
    joined = std::string(spec);
  } else if (starts_with(spec, "./") || starts_with(spec, "../")) {
    size_t slash = path.rfind('/');
    joined = std::string(slash == sv::npos ? sv() : path.substr(0, slash + 1)) + std::string(spec);
  } else {
    return {};
  }
  size_t q = joined.find_first_of("?#");
  std::string tail = q == std::string::npos ? std::string() : joined.substr(q);
  if (q != std::string::npos) joined.resize(q);
  return std::string(origin) + remove_dot_segments(joined) + tail;
}

namespace {

// The function a call of an imported binding reaches: the module its specifier names, resolved
// against the importing frame's URL, and in that module's table (`table_of`, asked with a frame
// of that URL) the function it exports under the name called, re-exports followed a few steps.
// None (table nullptr) when a module has no table, exports no such name, or re-exports it from a
// module without one: then nothing is linked.
struct LinkedFunction {
  const SymbolTable* table = nullptr;
  int32_t function = -1;
  std::string url;
};
LinkedFunction link_import(const SymbolTable& t, const SymbolTable::ImportCall& call, const std::string& importer,
                           const SymbolTableOf& table_of) {
  LinkedFunction out;
  std::string url = resolve_module_url(importer, t.modules[static_cast<size_t>(call.module)]);
  std::string name = t.names[static_cast<size_t>(call.name)];
  for (int hop = 0; hop < 4 && !url.empty(); ++hop) {
    Frame probe;
    probe.filename = probe.abs_path = url;
    probe.lineno = probe.colno = 1;
    const SymbolTable* u = table_of(probe);
    const SymbolTable::Export* e = u ? export_named(*u, name) : nullptr;
    if (!e) return out;
    if (e->function >= 0) {
      out.table = u;
      out.function = e->function;
      out.url = std::move(url);
      return out;
    }
    name = u->names[static_cast<size_t>(e->imported)];
    url = resolve_module_url(url, u->modules[static_cast<size_t>(e->module)]);
  }
  return out;
}

}  // namespace

// One walk over the stack (about 110 lines): at each frame with a table, the call at its position
// (a call of the code, or a built-in's callbacks) and the one chain of tail calls that leads to the
// frame inside it; the search itself is TailSearch's.
std::vector<Frame> reconstruct_tail_calls(const std::vector<Frame>& frames, const std::vector<const SymbolTable*>& tables,
                                          const std::vector<int32_t>& functions, const SymbolTableOf& table_of) {
  // A table that disagrees with any frame of its file in this stack (a frame named `loadB` where
  // the table has `loadC`) describes other code than the code that ran: nothing is put back
  // from it, whichever frame sits at a call site (every frame of the file is a position the
  // reconstruction relies on: the caller's call site, the inner frame, the path between them).
  std::vector<const SymbolTable*> stale;
  for (size_t k = 0; k < frames.size() && k < tables.size(); ++k) {
    const SymbolTable* t = tables[k];
    if (!t || std::find(stale.begin(), stale.end(), t) != stale.end()) continue;
    if (!frame_in_function(*t, frames[k], k < functions.size() ? functions[k] : -1)) stale.push_back(t);
  }
  auto is_stale = [&](const SymbolTable* t) { return std::find(stale.begin(), stale.end(), t) != stale.end(); };
  std::vector<Frame> out;
  out.reserve(frames.size());
  std::vector<Frame> after_builtin;  // put back under the built-in frame that follows
  for (size_t i = 0; i < frames.size(); ++i) {
    out.push_back(frames[i]);
    for (Frame& x : after_builtin) out.push_back(std::move(x));
    after_builtin.clear();
    const SymbolTable* t = i < tables.size() ? tables[i] : nullptr;
    if (!t || i + 1 >= frames.size() || (t->calls.empty() && t->callbacks.empty() && t->import_calls.empty()) ||
        frames[i].lineno < 1 || frames[i].colno < 1)
      continue;
    if (is_stale(t)) continue;
    const uint32_t line = static_cast<uint32_t>(frames[i].lineno - 1), column = static_cast<uint32_t>(frames[i].colno - 1);
    std::vector<int32_t> found;
    bool under_builtin = false;
    bool inner_native = false;  // the frame the chain leads to is a built-in's
    const SymbolTable* source = t;  // the table of the functions put back
    std::string url;                // their file, when another module's
    const SymbolTable::ImportCall* imported = table_of ? import_call_at(*t, line, column) : nullptr;
    if (int32_t f = call_at(*t, line, column); f >= 0) {
      const Frame& inner = frames[i + 1];
      inner_native = inner.native;
      int32_t inner_function = i + 1 < tables.size() && tables[i + 1] == t ? functions[i + 1] : -1;
      if (inner_function == f) continue;  // the callee is on the stack: nothing was elided
      TailSearch s{*t, inner, inner_function, {}, {}, 0, 0, false};
      s.from(f, 0);
      if (s.paths != 1 || s.unsure) continue;
      found = std::move(s.found);
    } else if (const SymbolTable::Callback* cb = callback_at(*t, line, column)) {
      // A built-in handed functions of the code (`xs.map(decode)`): the frame just inside the
      // caller's is that built-in's (`map@[native code]`), and the frame inside it is what the
      // callback it called became. A callback on the stack elided nothing; else exactly one
      // chain of tail calls, from one of the callbacks, must lead to that inner frame.
      if (i + 2 >= frames.size() || !frames[i + 1].native || builtin_name(frames[i + 1].function) != t->names[static_cast<size_t>(cb->name)])
        continue;
      const Frame& inner = frames[i + 2];
      inner_native = inner.native;
      int32_t inner_function = i + 2 < tables.size() && tables[i + 2] == t ? functions[i + 2] : -1;
      if (std::find(cb->functions.begin(), cb->functions.end(), inner_function) != cb->functions.end()) continue;
      int paths = 0;
      bool unsure = false;
      for (size_t k = 0; k < cb->functions.size(); ++k) {
        const int32_t c = cb->functions[k];
        if (std::find(cb->functions.begin(), cb->functions.begin() + static_cast<std::ptrdiff_t>(k), c) !=
            cb->functions.begin() + static_cast<std::ptrdiff_t>(k))
          continue;  // the same function handed twice
        if (t->tails[static_cast<size_t>(c)].empty()) continue;  // it would be on the stack
        TailSearch s{*t, inner, inner_function, {}, {}, 0, 0, false};
        s.from(c, 0);
        paths += s.paths;
        unsure = unsure || s.unsure;
        if (s.paths == 1) found = std::move(s.found);
      }
      if (paths != 1 || unsure) continue;
      under_builtin = true;
    } else if (imported) {
      // A call of an imported binding (ES module linking): the callee is the function the other
      // module's table exports under that name, and the chain is followed in that table as in
      // this one. Nothing without that table, or from one a frame of its file contradicts.
      LinkedFunction link = link_import(*t, *imported, frames[i].abs_path.empty() ? frames[i].filename : frames[i].abs_path, table_of);
      if (!link.table || is_stale(link.table)) continue;
      bool contradicted = false;
      for (size_t k = 0; k < frames.size() && k < tables.size() && !contradicted; ++k)
        contradicted = tables[k] == link.table && !frame_in_function(*link.table, frames[k], k < functions.size() ? functions[k] : -1);
      if (contradicted) continue;
      const Frame& inner = frames[i + 1];
      inner_native = inner.native;
      int32_t inner_function = i + 1 < tables.size() && tables[i + 1] == link.table ? functions[i + 1] : -1;
      if (inner_function == link.function) continue;  // the callee is on the stack
      TailSearch s{*link.table, inner, inner_function, {}, {}, 0, 0, false};
      s.from(link.function, 0);
      if (s.paths != 1 || s.unsure) continue;
      found = std::move(s.found);
      source = link.table;
      url = std::move(link.url);
    } else {
      continue;
    }
    for (int32_t g : found) {
      const SymbolTable::Function& fn = source->functions[static_cast<size_t>(g)];
      Frame x;
      x.filename = url.empty() ? frames[i].filename : url;
      x.abs_path = url.empty() ? frames[i].abs_path : url;
      x.resolved = true;
      x.reconstructed = true;
      if (fn.name >= 0) x.original_function = source->names[static_cast<size_t>(fn.name)];
      x.function = x.original_function.empty() ? "?" : x.original_function;
      x.original_file = fn.source >= 0 ? source->sources[static_cast<size_t>(fn.source)] : url.empty() ? frames[i].original_file : std::string();
      if (fn.name < 0) lexical_anonymous(*source, g, &x);
      // The last function of the chain tail-calls the inner frame; a built-in's, by its name.
      x.calls_builtin = g == found.back() && inner_native;
      (under_builtin ? after_builtin : out).push_back(std::move(x));
    }
  }
  return out;
}

namespace {

// Where a source map's table says an anonymous function is defined: the nearest enclosing named
// function (anonymous ones between are passed over: a callback in a callback) and the function's
// ordinal, in source order, among the anonymous functions that function defines (at the top level
// of a file: among those of that file, the table's sources). The table knows every function's
// range, and every engine's frame inside the function finds it, so the key depends neither on the
// caller nor on what an engine elided (JavaScriptCore's proper tail calls) — two listeners of one
// emitter, or two callbacks of two methods that tail-call `map`, stay apart in every engine. The
// ordinal is deploy-stable while the defining function keeps its anonymous functions (an edit that
// adds one before it there shifts it: a new group). Both are computed once per table
// (symbol_table.h: definer, ordinal).
std::string resolved_function_name(sv name);
std::string frame_file(const Frame& f);

// Which anonymous function of its definer: "/?" and its text hash in 9 hex digits
// ("/?03fa9c01b"; "~k" after it among siblings with that text) when the table has
// its text, else "/?" and its ordinal ("/?1"). The text keeps the key when the deploy adds or
// removes another anonymous function before it (the ordinal moved it onto its neighbour's old
// key: a merge across that deploy); an edit of the function itself changes it (a split at that
// deploy). The whole function is hashed, not its head: heads such as `.then((res) => {` repeat
// within one function, and telling those apart would take the ordinal again.
// Siblings (one definer; at the top level, one source) with one text are counted here, when a
// frame is keyed, by one pass over the table's functions: nothing per table is kept for the rare
// case, and the browser core has no sort or hash table to find them at load.
// `by_text` (when given) says whether the key is the text alone (no ordinal, no "~k").
std::string anonymous_suffix(const SymbolTable& t, int32_t i, bool* by_text = nullptr) {
  const SymbolTable::Function& g = t.functions[static_cast<size_t>(i)];
  if (by_text) *by_text = false;
  if (g.text == 0) return "/?" + std::to_string(g.ordinal);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "/?";
  for (int k = static_cast<int>(kTextHashBits / 4) - 1; k >= 0; --k) out += kHex[(g.text >> (4 * k)) & 15];
  int32_t before = 0;
  bool twins = false;
  for (size_t k = 0; k < t.functions.size(); ++k) {
    const SymbolTable::Function& h = t.functions[k];
    if (static_cast<int32_t>(k) == i || h.name >= 0 || h.text != g.text || h.definer != g.definer ||
        (g.definer < 0 && h.source != g.source))
      continue;
    twins = true;
    before += static_cast<int32_t>(k) < i;
  }
  if (twins) out += "~" + std::to_string(before);
  if (by_text) *by_text = !twins;
  return out;
}

void lexical_anonymous(const SymbolTable& t, int32_t i, Frame* f) {
  const SymbolTable::Function& g = t.functions[static_cast<size_t>(i)];
  if (g.ordinal < 0) return;
  if (g.definer >= 0) {
    const std::string& name = t.names[static_cast<size_t>(t.functions[static_cast<size_t>(g.definer)].name)];
    f->lexical = resolved_function_name(name);
    if (f->lexical.empty()) f->lexical = name;  // never the top level's key
  }
  f->lexical += anonymous_suffix(t, i, &f->lexical_by_text);
}

// A function of a table by a key that no other function of the table's source shares: its name as
// grouping keys a resolved frame's ("init", "CartStore.validate"), followed by "~k", its ordinal in
// source order among the functions of its source with that name, when it is not the only one; an
// anonymous function by its definer's key and its ordinal among the anonymous functions that
// function defines ("render/?1", "/?0" at the top level of its source: lexical_anonymous). Empty
// when there is none (a definer in another source).
std::string table_function_key(const SymbolTable& t, int32_t i, int depth = 0) {
  const SymbolTable::Function& g = t.functions[static_cast<size_t>(i)];
  if (g.name < 0) {
    if (g.ordinal < 0 || depth > 64) return {};
    std::string definer;
    if (g.definer >= 0) {
      if (t.functions[static_cast<size_t>(g.definer)].source != g.source) return {};
      definer = table_function_key(t, g.definer, depth + 1);
      if (definer.empty()) return {};
    }
    return definer + anonymous_suffix(t, i);
  }
  const std::string& raw = t.names[static_cast<size_t>(g.name)];
  std::string key = resolved_function_name(raw);
  if (key.empty() || key == "<min>") key = raw;
  size_t before = 0, same = 0;
  for (size_t k = 0; k < t.functions.size(); ++k)
    if (t.functions[k].name == g.name && t.functions[k].source == g.source) {
      ++same;
      before += k < static_cast<size_t>(i);
    }
  if (same > 1) key += "~" + std::to_string(before);
  return key;
}

// Which call site of which function a frame is, by its file's table (Frame::call_site): the file,
// the function's key (table_function_key) and "#call" with the position's ordinal among the call
// sites of that function's own body (call_site_ordinal, symbol_table.h), "app.js:init#call2". Only
// where the table's names are the code's own: a source map's table that resolved the frame, in
// the function's own source, or a table from hand-written code (Frame::handwritten). Empty when
// the table cannot place it (the top level, no call recorded at the position, a table without
// "sites").
std::string call_site_key(const SymbolTable& t, const Frame& f, int32_t function) {
  if (function < 0 || f.lineno < 1 || f.colno < 1) return {};
  const SymbolTable::Function& g = t.functions[static_cast<size_t>(function)];
  if (t.sources.empty() ? !f.handwritten
                        : !f.resolved || g.source < 0 || t.sources[static_cast<size_t>(g.source)] != f.original_file)
    return {};
  int32_t n = call_site_ordinal(t, function, static_cast<uint32_t>(f.lineno - 1), static_cast<uint32_t>(f.colno - 1));
  if (n < 0) return {};
  std::string key = table_function_key(t, function);
  if (key.empty()) return key;
  // The file as every other key names it (frame_file: the resolved source, checked above to be the
  // function's, by its name, not its whole path, which can hold the build's own directory and
  // change with every build; else the served file).
  return frame_file(f) + ":" + key + "#call" + std::to_string(n);
}

}  // namespace

namespace {
// A frame of code that is not the app's (a dependency, another origin's script): a library the
// app called. Built-ins' frames (native) are not.
bool library_frame(const Frame& f) { return !f.in_app && !f.native && !f.eval && !f.filename.empty() && f.lineno >= 1; }

// A frame's function name as a call names it: the original name when a table resolved it, the
// part after the last dot (`Schema.parse` and `parse` are `parse`).
std::string last_name(const Frame& f) {
  sv name = trim(f.resolved && !f.original_function.empty() ? sv(f.original_function) : sv(f.function));
  std::string fn = normalize_function(name);
  if (fn != "<min>") return fn;
  size_t dot = name.find_last_of('.');
  return std::string(dot == sv::npos ? name : name.substr(dot + 1));
}

// A table built from the code itself (no sources: build_symbol_table_from_code) names the frame's
// function as a map's table does, the original file being the frame's own: a class's method as
// `CartStore.validate`, an anonymous function where it is defined (lexical_anonymous). Every
// engine's frame in that function then has one key, which the engines' own names do not give
// (SpiderMonkey and JavaScriptCore print `validate` for two classes' methods, V8 the receiver's
// class; an anonymous callback has no name to key). Only on a hand-written line by the table's
// own evidence (Frame::handwritten: a minifier's names are no names), inside a function, and not
// when the frame names another function than the table does (a table of another version of the
// script: the engine's name, the part after the last dot, must be the table's own).
bool code_table_names(const SymbolTable& t, const Frame& f, const SymbolLookup& r) {
  if (!t.sources.empty() || !f.handwritten || r.function_index < 0) return false;
  std::string own = normalize_function(f.function);
  if (own.empty() || r.function.empty()) return true;
  sv table = r.function;
  size_t dot = table.rfind('.');
  if (dot != sv::npos) table.remove_prefix(dot + 1);
  return own == table || (own == "<min>" && trim(f.function).size() >= table.size() &&
                          ends_with(trim(f.function), table));
}

// A built-in's frame as JavaScriptCore prints it (`parse@[native code]`), which V8 (`at
// JSON.parse (<anonymous>)`) and SpiderMonkey (none) do not.
bool jsc_builtin(const Frame& f) { return f.native && f.filename == "[native code]"; }
}  // namespace

namespace {
// An in-app frame just outside a library's frame called that library function itself unless its
// table records, at its position, a call through which an app function could have been elided
// on an engine with proper tail calls (throw_site): a call of a function of the code that has
// tail calls, other than the library frame's own (`calls`; reconstruct_tail_calls put nothing
// back), a call of a variable, a parameter or a member several functions can be (`sites`), or a
// call by another name than the library function's (`named_calls`: `User.parse(` is `.parse`,
// the frame `Schema.parse`). A call the table does not record there is of a function of the code
// without tail calls (nothing to elide) or of a form the scanner skips (`(0, f)(x)`). The tables
// are looked up again: reconstruct_tail_calls may have put frames back between.
void confirm_library_callers(std::vector<Frame>& frames, const SymbolTableOf& table_of) {
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    Frame& f = frames[i];
    if (!f.in_app || f.native || f.reconstructed || !library_frame(frames[i + 1]) || f.lineno < 1 || f.colno < 1) continue;
    const SymbolTable* t = table_of(f);
    if (!t) continue;
    const uint32_t line = static_cast<uint32_t>(f.lineno - 1), column = static_cast<uint32_t>(f.colno - 1);
    const int32_t function = function_at(*t, JsPosition{line, column});
    if (!frame_in_function(*t, f, function)) continue;  // a table of other code
    sv called = named_call_at(*t, line, column);
    if (starts_with(called, ".")) called.remove_prefix(1);
    const Frame& inner = frames[i + 1];
    const int32_t callee = call_at(*t, line, column);
    bool same = false;
    if (callee >= 0 && table_of(inner) == t && inner.lineno >= 1 && inner.colno >= 1)
      same = function_at(*t, JsPosition{static_cast<uint32_t>(inner.lineno - 1), static_cast<uint32_t>(inner.colno - 1)}) == callee;
    const bool elidable = (callee >= 0 && !same) || std::binary_search(t->sites.begin(), t->sites.end(), JsPosition{line, column}) ||
                          (!called.empty() && called != last_name(inner));
    f.calls_library = !elidable;
    if (!f.calls_library && f.call_site.empty()) f.call_site = call_site_key(*t, f, function);
  }
}

}  // namespace

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
      f.handwritten = handwritten_line(*t, static_cast<uint32_t>(f.lineno - 1));
      any_calls = any_calls || !t->calls.empty() || !t->import_calls.empty();
      if (!r.resolved) {
        if (code_table_names(*t, f, r)) {
          f.original_function = std::move(r.function);
          f.resolved = true;
          if (t->functions[static_cast<size_t>(r.function_index)].name < 0) lexical_anonymous(*t, r.function_index, &f);
        }
        continue;
      }
      f.original_file = std::move(r.file);
      f.original_function = std::move(r.function);
      f.resolved = true;
      if (r.function_index >= 0 && t->functions[static_cast<size_t>(r.function_index)].name < 0)
        lexical_anonymous(*t, r.function_index, &f);
    }
    // A frame just outside a JavaScriptCore built-in called it itself when its table records a
    // call of that built-in, by name, at its position (`JSON.parse(` as `parse`, `n.toFixed(` as
    // `.toFixed`; see throw_site). Not from a table a frame of its file contradicts.
    for (size_t i = 0; i + 1 < frames.size(); ++i) {
      const SymbolTable* t = tables[i];
      if (!t || !jsc_builtin(frames[i + 1]) || frames[i].native || frames[i].lineno < 1 || frames[i].colno < 1) continue;
      bool stale = false;
      for (size_t k = 0; k < frames.size() && !stale; ++k)
        stale = tables[k] == t && !frame_in_function(*t, frames[k], functions[k]);
      if (stale) continue;
      sv called = named_call_at(*t, static_cast<uint32_t>(frames[i].lineno - 1), static_cast<uint32_t>(frames[i].colno - 1));
      if (starts_with(called, ".")) called.remove_prefix(1);
      frames[i].calls_builtin = !called.empty() && called == builtin_name(frames[i + 1].function);
      if (!frames[i].calls_builtin) frames[i].call_site = call_site_key(*t, frames[i], functions[i]);
    }
    if (any_calls) frames = reconstruct_tail_calls(frames, tables, functions, table_of);
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
  if (table_of) confirm_library_callers(frames, table_of);
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

bool is_identifier(sv s) {
  if (s.empty() || is_digit(s[0])) return false;
  for (char c : s)
    if (!(is_digit(c) || is_upper(c) || is_lower_letter(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80)) return false;
  return true;
}

// A table's name for a class method, `CartStore.validate` (js_scopes.h: has_class; a map's table
// and one built from the code alike): the class is kept, so that two classes of one module with a method of one name stay apart in every engine
// (V8 prints `CartStore.validate`, SpiderMonkey and JavaScriptCore `validate`; without a table
// the key is the bare name, see throw_site). Empty when `name` is not of that form.
std::string class_qualified(sv name) {
  size_t dot = name.rfind('.');
  if (dot == sv::npos || !is_identifier(name.substr(0, dot))) return {};
  sv method = name.substr(dot + 1);
  std::string fn = normalize_function(method);
  if (fn.empty()) return {};
  if (fn == "<min>") fn = std::string(method);
  return std::string(name.substr(0, dot)) + "." + fn;
}

// A resolved frame's name is the original one, or none (an anonymous function in the source):
// never the minifier's, which means nothing across builds.
std::string resolved_function_name(sv name) {
  std::string q = class_qualified(name);
  if (!q.empty()) return q;
  std::string fn = normalize_function(name);
  return fn == "<min>" && name.size() <= 2 && !name.empty() ? std::string(name) : fn;
}
std::string frame_function(const Frame& f) {
  if (f.resolved) return resolved_function_name(f.original_function);
  std::string fn = normalize_function(f.function);
  if (fn == "<min>" && f.handwritten) {
    // A short name an author wrote (`go`): the engine's text, qualifiers dropped as for others.
    sv raw = trim(f.function);
    size_t dot = raw.find_last_of('.');
    if (dot != sv::npos && dot + 1 < raw.size()) raw = raw.substr(dot + 1);
    if (!raw.empty() && raw.find(' ') == sv::npos) return std::string(raw);
  }
  return fn;
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
// precedes their throw site. A DOMException's name is the app's own class when the SDK saw the
// thrown object was no DOMException (ExceptionInput::not_dom_exception).
bool is_engine_error_type(sv t, bool not_dom_exception) {
  static const sv native[] = {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "URIError", "EvalError",
                              "AggregateError", "InternalError", "UnhandledRejection", ""};
  static const sv dom[] = {"DOMException", "AbortError", "NetworkError", "DataCloneError", "NotAllowedError", "QuotaExceededError",
                           "SecurityError", "InvalidStateError", "NotFoundError", "NotSupportedError", "TimeoutError"};
  for (sv x : native)
    if (t == x) return true;
  if (not_dom_exception) return false;
  for (sv x : dom)
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
// SpiderMonkey names an anonymous function after the function that defines it ("lineTotals/<",
// "lineTotals/totals<", "matrix/</<": a callback in a callback of matrix): the first named
// function outward, or "" when it is defined in top-level code ("@", "scenarios<") or the name is
// not SpiderMonkey's (V8 and JavaScriptCore give anonymous functions no name).
std::string spidermonkey_definer(sv raw) {
  if (starts_with(raw, "async*")) raw.remove_prefix(6);
  if (raw.empty() || raw.back() != '<' || ends_with(raw, "<anonymous>")) return {};
  size_t slash = raw.rfind('/');
  while (slash != sv::npos) {
    raw = raw.substr(0, slash);  // the enclosing function's part
    slash = raw.rfind('/');
    sv part = slash == sv::npos ? raw : raw.substr(slash + 1);
    if (!part.empty() && part.back() != '<') return std::string(part);  // as printed: minified or not
  }
  return {};
}

struct AnonymousCaller {
  std::string key;           // "lineTotals", "emitter.js:emit<relayout"; empty: none
  bool dispatcher = false;   // called directly by an in-app function that did not define it
  // A frame on the way (the caller, or a frame between) sits just outside a JavaScriptCore
  // built-in and no table says it called that built-in itself (Frame::calls_builtin): a proper
  // tail call may have elided the function that did, so the caller is not known (throw_site).
  bool unconfirmed = false;
};

// Whether frames[lo..hi) hold a frame just outside a JavaScriptCore built-in's frame that no
// table confirms called that built-in (Frame::calls_builtin, see throw_site).
// A stack that only JavaScriptCore prints: a built-in's frame `parse@[native code]`, or the top
// level named `global code` / `module code` (SpiderMonkey prints `@url`, V8 `at url`).
bool javascriptcore_marks(const std::vector<Frame>& frames) {
  for (const Frame& f : frames) {
    if (jsc_builtin(f)) return true;
    sv fn = trim(f.function);
    if (fn == "global code" || fn == "module code") return true;
  }
  return false;
}

bool unconfirmed_builtin_caller(const std::vector<Frame>& frames, size_t lo, size_t hi) {
  for (size_t j = lo; j < hi && j + 1 < frames.size(); ++j)
    if (!frames[j].native && jsc_builtin(frames[j + 1]) && !frames[j].calls_builtin) return true;
  return false;
}

// The named function that synchronously called an anonymous function, from the frames under it:
// the built-ins between them (Array.map, forEach, new Promise: V8's "at Array.map (<anonymous>)",
// JavaScriptCore's "map@[native code]", nothing in SpiderMonkey) and further anonymous functions
// (nested callbacks) are passed over. Every engine shows that caller, so it keys the callback:
// two callbacks of one file called by different functions are two bugs. None (the callback ran
// from a timer, a promise reaction, an event, or after an `await`) when the next frame is an
// asynchronous one (shown by SpiderMonkey and V8, never by JavaScriptCore), not the app's code,
// eval'd, or a minified frame no table resolved.
// A callback that the app's own function called DIRECTLY (no built-in between) and did not define
// is one passed into it: the caller is a higher-order function or a dispatcher (an emitter's
// `emit`, `withRetry(fn)`, a router's `handle`) that calls many callbacks, and the function that
// defined this one is not on the stack. Engines name `const f = () => …` and `{f: () => …}`
// (inferred names), so a frame that is still anonymous is such an argument. Then the caller's own
// caller is added to the key ("?<emit<relayout": listeners emitted from different places stay
// apart), and the key is not confident: one place may emit several events (relayout() emitting
// 'resize' and 'scroll'), a router's one dispatch calls every route's handler, so two listeners
// of one emitter can share every frame but their own line. "Directly" reads the same in every
// engine: V8 and JavaScriptCore show the built-in frame that sits between a callback and the
// function that passed it to `map`/`forEach`/`then`; SpiderMonkey shows none, but names the
// callback after its definer ("lineTotals/<"), and a definer equal to the caller is the built-in
// case (the function that defined it called `map`).
// JavaScriptCore elides a caller that ends in `return list.map(cb)` (proper tail call): a caller
// found across a JavaScriptCore built-in is used only when a table confirms it called that
// built-in (`unconfirmed`, see throw_site).
template <typename Minified>
AnonymousCaller anonymous_caller(const std::vector<Frame>& frames, size_t top, bool any_app, Minified&& unresolved_minified) {
  const std::string top_file = frame_file(frames[top]);
  // The next named in-app frame under `from`, passing over built-ins and anonymous functions.
  auto named_under = [&](size_t from, bool* passed_native) -> long {
    for (size_t k = from, steps = 0; k-- > 0 && steps < 16; ++steps) {
      const Frame& c = frames[k];
      if (is_async_frame(c)) return -1;
      if (c.native) {
        if (passed_native) *passed_native = true;
        continue;
      }
      if (c.eval || c.filename.empty() || (any_app && !c.in_app) || unresolved_minified(c)) return -1;
      if (frame_function(c).empty()) {
        if (passed_native) *passed_native = true;  // a nested callback: the outer one's case decides
        continue;
      }
      return static_cast<long>(k);
    }
    return -1;
  };
  auto token = [&](size_t k) {
    std::string file = frame_file(frames[k]);
    std::string fn = frame_function(frames[k]);
    return file == top_file ? fn : file + ":" + fn;
  };
  AnonymousCaller out;
  bool via_builtin = false;
  long caller = named_under(top, &via_builtin);
  if (caller < 0) return out;
  out.key = token(static_cast<size_t>(caller));
  out.unconfirmed = unconfirmed_builtin_caller(frames, static_cast<size_t>(caller), top);
  // Both names as the engine printed them (a table may have resolved the caller's to the original).
  const std::string definer = spidermonkey_definer(frames[top].function);
  sv caller_printed = frames[static_cast<size_t>(caller)].function;
  if (starts_with(caller_printed, "async*")) caller_printed.remove_prefix(6);
  if (via_builtin || (!definer.empty() && sv(definer) == caller_printed)) return out;
  out.dispatcher = true;
  long outer = named_under(static_cast<size_t>(caller), nullptr);
  if (outer >= 0) out.key += "<" + token(static_cast<size_t>(outer));
  if (outer >= 0 && unconfirmed_builtin_caller(frames, static_cast<size_t>(outer), static_cast<size_t>(caller))) out.unconfirmed = true;
  return out;
}

struct ThrowSite {
  std::string token;
  json explain;
  bool confident = false;
};

// Files of this stack that hold minified code: a frame there has a minifier-looking name, or a
// column no hand-written line reaches.
constexpr int kMinifiedColumn = 250;

// The frames a throw site may be, innermost first: the in-app ones (every non-native one with a
// file when none is in-app), without the frames of the error class's own constructor chain, nor
// a class's constructor frame JavaScriptCore raises a call without `new` in (see throw_site).
std::vector<size_t> throw_site_frames(const std::vector<Frame>& frames, std::string_view error_type, std::string_view message_key,
                                      std::string_view message) {
  const bool any_app = std::any_of(frames.begin(), frames.end(), [](const Frame& f) { return f.in_app; });
  std::vector<size_t> idx;  // usable frames, innermost first
  for (size_t k = frames.size(); k-- > 0;) {
    const Frame& f = frames[k];
    if (!f.native && !f.filename.empty() && (!any_app || f.in_app)) idx.push_back(k);
  }
  if (idx.empty()) return idx;
  // An error class of the app's own: SpiderMonkey and JavaScriptCore show its constructor's frame
  // (`ValidationError@errors.js:8:5`), and, when it extends another class of the app's, the
  // frames of the base constructors its super() calls ran, inner to it (`AppError@errors.js:2:5`,
  // `BaseError@…`); V8 shows none of them (it captures from the frame under `new.target`'s). The
  // error object is created while they run, so at that moment every frame inner to the frame of
  // the class named like the error is a base constructor's: all of them are left out, and the
  // throw site is the frame that said `new ValidationError` in every engine. Only the innermost
  // few frames are looked at (a class chain is short; a frame of that name deeper in the stack is
  // the app's own function, not the constructor running now).
  const std::string ctor = normalize_function(error_type);
  if (idx.size() > 1 && !ctor.empty() && ctor != "<min>") {
    constexpr size_t kClassChain = 8;
    for (size_t j = 0; j < idx.size() - 1 && j < kClassChain; ++j)
      if (frame_function(frames[idx[j]]) == ctor) {
        idx.erase(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(j + 1));
        break;
      }
  }
  // A class called without `new`: JavaScriptCore (whose wording this is) raises it in a frame of
  // the class's constructor, the innermost one (`Cart@app.js:1:25`; `Cart@` without a position
  // for a class with no constructor, not usable anyway), where V8 and SpiderMonkey raise it in
  // the caller's frame. The constructor ran no code: the caller is the throw site in every engine.
  if (message_key == "class-call-without-new" && contains(message, "without |new|") && idx.size() > 1 &&
      idx[0] + 1 == frames.size())
    idx.erase(idx.begin());
  return idx;
}

// Files of this stack that hold minified code, and how sure that is. A column no hand-written
// line reaches (past kMinifiedColumn), or two frames with different minifier-looking names (1-2
// characters), is evidence of minified code. One short name alone is not: authors write short
// names too (a method `id` or `go`, which V8 prints as `applyGiftCard.id`).
struct MinifiedFiles {
  std::vector<std::string> minified, short_named;

  static bool in(const std::vector<std::string>& files, const std::string& file) {
    return std::find(files.begin(), files.end(), file) != files.end();
  }
  static MinifiedFiles of(const std::vector<Frame>& frames) {
    MinifiedFiles out;
    std::vector<std::pair<std::string, std::string>> short_names;  // file, name
    for (const Frame& f : frames) {
      if (f.resolved || f.handwritten || f.filename.empty()) continue;
      if (f.colno > kMinifiedColumn) out.minified.push_back(f.filename);
      if (normalize_function(f.function) != "<min>" || property_of_named_object(f.function)) continue;
      std::string name = printed_name(f.function);
      for (const auto& [file, other] : short_names)
        if (file == f.filename && other != name) out.minified.push_back(f.filename);
      short_names.emplace_back(f.filename, name);
      out.short_named.push_back(f.filename);
    }
    return out;
  }
  // Every frame of a minified file that no table resolved is keyed deploy-scoped and is not
  // confident, whatever its name. A short name is the minifier's. A long one survived because it
  // is a property name (a method, a getter, an object's key: minifiers rename bindings, never
  // properties), and a property name is not unique in a bundle: two classes' `validate` (V8 prints
  // `u.validate` and `$.validate`, the class minified; SpiderMonkey and JavaScriptCore `validate`
  // alone), two modules' `render`, a handler `onClick` in every component. Without the original
  // names the stack cannot tell them apart, so the position in this very build does (a split on
  // each deploy, never a merge); a table resolves them (original file and class.method).
  // What follows from it: a recursion cycle through such frames is keyed by positions and not
  // confident; an error class's constructor frame (minified, so not recognised by name) keeps the
  // next frame in the key; an anonymous function's caller there is no caller (anonymous_caller);
  // a message rule's `<min>` subject (`reading 'x'`) never merges two places, since the frame
  // key is a position. In a file with one short name and no other evidence, only short names
  // (up to 3 characters: esbuild's renamed bindings) and anonymous frames are, as the name
  // itself may be the minifier's.
  bool unresolved(const Frame& f) const {
    if (f.resolved || f.handwritten) return false;
    if (in(minified, f.filename)) return true;
    if (!in(short_named, f.filename)) return false;
    std::string fn = normalize_function(f.function);
    return fn.empty() || fn == "<min>" || fn.size() <= 3;
  }
};

// A stack overflow's key (see throw_site): the set of the frames' keys (`seq`, innermost first) in
// the innermost repeating cycle, `cycle:a,b`; empty when the stack repeats none. `readable`: no
// member is a position or an anonymous function's; `start`: the frames before the cycle.
// The innermost frames need not belong to the cycle: the limit can be hit in a function the
// recursion calls at every level (a helper, a built-in's callback), and a frame resolved by
// position can land in a neighbouring function. So the cycle may start after a short prefix
// (at most kOverflowPrefix frames), which is left out of the key; after a prefix, the cycle
// must repeat over at least 2 periods and 4 frames.
struct RecursionCycle {
  std::string token;
  bool readable = true;
  size_t start = 0;
};
RecursionCycle recursion_cycle(const std::vector<std::string>& seq) {
  RecursionCycle out;
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
  if (!p) return out;
  std::vector<std::string> members(seq.begin() + static_cast<std::ptrdiff_t>(start), seq.begin() + static_cast<std::ptrdiff_t>(start + p));
  // (At most 16 names: sorted by insertion; std::sort's introsort was 1.4 KB of WASM code used only here.)
  for (size_t i = 1; i < members.size(); ++i)
    for (size_t j = i; j > 0 && members[j] < members[j - 1]; --j) members[j].swap(members[j - 1]);
  members.erase(std::unique(members.begin(), members.end()), members.end());
  out.token = "cycle:";
  for (size_t m = 0; m < members.size(); ++m) {
    if (m) out.token += ",";
    out.token += members[m];
    if (members[m][0] == '@' || members[m].find(":?") != std::string::npos) out.readable = false;
  }
  out.start = start;
  return out;
}

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
//  - an unresolved minified frame: deploy_scoped();
//  - in a JavaScriptCore stack, an in-app frame just outside a built-in that no table confirms
//    called it (a proper tail call may have elided the one that did): the file + its function and
//    call site where its table places it ("app.js:init#call2", Frame::call_site), else
//    deploy_scoped(); not confident either way (the same for one just outside a library's frame).
// Its length (about 150 lines, most of them the reasons) is the rules above tried in that order,
// each returning its key: one function keeps the order in one place. The frames it looks at
// (throw_site_frames), the minified files (MinifiedFiles) and a cycle's key (recursion_cycle)
// are their own functions.
ThrowSite throw_site(const std::vector<Frame>& frames, std::string_view error_type, bool not_dom_exception,
                     std::string_view message_key, std::string_view message, bool proper_tail_calls) {
  ThrowSite site;
  const bool any_app = std::any_of(frames.begin(), frames.end(), [](const Frame& f) { return f.in_app; });
  std::vector<size_t> idx = throw_site_frames(frames, error_type, message_key, message);  // usable frames, innermost first
  if (idx.empty()) return site;

  const MinifiedFiles minified = MinifiedFiles::of(frames);
  auto unresolved_minified = [&](const Frame& f) { return minified.unresolved(f); };
  auto plain_token = [&](const Frame& f) {
    if (unresolved_minified(f)) return deploy_scoped(f);
    std::string fn = frame_function(f);
    if (fn.empty()) fn = f.lexical;
    return frame_file(f) + ":" + (fn.empty() ? std::string("?") : fn);
  };
  auto describe = [&](const Frame& f, const char* rule) {
    json e = object_of({{"frame", site.token}, {"rule", rule}, {"function", f.function}, {"filename", f.filename}, {"in_app", f.in_app}});
    if (f.resolved) e["original_function"] = f.original_function, e["original_file"] = f.original_file;
    // A frame JavaScriptCore's proper tail call dropped, put back from the symbol table.
    if (f.reconstructed) e["reconstructed"] = true;
    return e;
  };

  const Frame& top = frames[idx[0]];
  if (message_key == "stack-overflow" && idx.size() >= 2) {
    std::vector<std::string> seq;
    for (size_t i = 0; i < idx.size() && i < 64; ++i) seq.push_back(plain_token(frames[idx[i]]));
    RecursionCycle cycle = recursion_cycle(seq);
    if (!cycle.token.empty()) {
      site.token = std::move(cycle.token);
      site.confident = cycle.readable;
      site.explain = describe(top, "recursion-cycle");
      if (cycle.start) site.explain["skipped_innermost"] = cycle.start;
      return site;
    }
  }
  if (unresolved_minified(top)) {
    site.token = deploy_scoped(top);
    // An error class of the app's own: SpiderMonkey and JavaScriptCore show its (minified, so
    // unrecognizable) constructor as the innermost frame, which every throw of that class shares,
    // and inner to it the constructors of the app's classes it extends (`AppError` under
    // `ValidationError`), as many as the class chain is long. The frames up to kMinifiedClassChain
    // deep are kept: the throw site is among them in those engines (and the callers in V8), so two
    // throws of one class never merge (V8 then splits by caller: precision first).
    constexpr size_t kMinifiedClassChain = 4;
    if (!is_engine_error_type(error_type, not_dom_exception))
      for (size_t j = 1; j < idx.size() && j < kMinifiedClassChain; ++j) site.token += ">" + deploy_scoped(frames[idx[j]]);
    site.explain = describe(top, "deploy-scoped");
    return site;
  }
  // JavaScriptCore implements proper tail calls (strict code, modules): a function ending in
  // `return JSON.parse(s)` is not on its stack, and the frame just outside the built-in's
  // (`parse@[native code]`) is then its caller's: `init`, where V8 and SpiderMonkey show
  // `parseConfig` (or `parseManifest`, which init calls too: two bugs, one JSC stack shape). So
  // the in-app frame just outside a JavaScriptCore built-in is the throw site only when a symbol
  // table for its file says the call at its position is a call of that built-in (`JSON.parse(`
  // recorded as `parse`, a member call by name `.toFixed`), or it was put back as the function
  // that tail-calls it (Frame::calls_builtin). Else (no table, or the call there is of a function
  // of the code, a variable, another object's method) it may be an elided function's caller: the
  // key is its position in this deploy (deploy_scoped: `init@app.js:467:29` and `:468:33` are two
  // call sites, two groups), not confident, so the fingerprint is not sent and the backend groups.
  // The same holds for an anonymous function's caller found across a built-in (`map@[native
  // code]`): then the anonymous function's own position keys it. V8 and SpiderMonkey never elide
  // a frame (their built-in frames are `<anonymous>` / none): unchanged. JavaScriptCore shows no
  // asynchronous frames; a function resumed after an `await` is a frame like any other here (its
  // calls can be elided ones' callers all the same).
  // With a table that places the frame (Frame::call_site), the key is instead its function and
  // which call site of that function's own body it is ("app.js:init#call2"): deploy-stable while
  // the function keeps its calls before that one, and still one key per call site, never one for
  // two (the function's key is its table's alone, the ordinal one per position). Not confident
  // either: one call site through a variable can reach several functions that tail-call a
  // built-in (a router's `W.handler(req)`), two bugs that JavaScriptCore's stack cannot tell apart.
  // The ordinal is counted in the generated code, so it moves when a call is added or removed
  // before it in that function, and when a minifier inlines a function into it or reorders its
  // code differently: then the key changes with the deploy (a split, never a merge).
  if (unconfirmed_builtin_caller(frames, idx[0], idx[0] + 1)) {
    site.token = top.call_site.empty() ? deploy_scoped(top) : top.call_site;
    site.explain = describe(top, "unconfirmed-builtin-caller");
    return site;
  }
  // The same holds for an error raised in a library's code (a dependency, another origin's
  // script: not in-app), whose innermost in-app frame is the app's call into it: on JavaScriptCore
  // `function parseUser(d) { return UserSchema.parse(d); }` is not on the stack, so two app
  // functions that end in calls of one library function (parseUser, parseOrder), called from
  // one function (load), both show `load` just outside `parse` (jsc -m, 2026-12-02), where V8 and
  // SpiderMonkey show parseUser and parseOrder. Unless the frame's table records, at its
  // position, a call of that library function (Frame::calls_library) or the frame was put back,
  // it is keyed by its call site, not confident. Only on an engine with proper tail calls
  // (ExceptionInput::proper_tail_calls, or its marks on the stack); V8 and SpiderMonkey unchanged.
  if (idx[0] + 1 < frames.size() && library_frame(frames[idx[0] + 1]) && !top.calls_library && !top.reconstructed &&
      (proper_tail_calls || javascriptcore_marks(frames))) {
    site.token = top.call_site.empty() ? deploy_scoped(top) : top.call_site;
    site.explain = describe(top, "unconfirmed-library-caller");
    return site;
  }
  std::string fn = frame_function(top);
  // An anonymous function that a source map's table placed is keyed where the source defines it
  // ("cartStore.js:CartStore.lineTotals/?0", lexical_anonymous); else "?" followed by the named
  // function that called it synchronously ("app.js:?<lineTotals"), or "?" alone when the stack
  // shows none (see anonymous_caller).
  const std::string lexical = fn.empty() ? top.lexical : std::string();
  AnonymousCaller anon;
  if (fn.empty() && lexical.empty()) anon = anonymous_caller(frames, idx[0], any_app, unresolved_minified);
  if (anon.unconfirmed) {
    site.token = deploy_scoped(top);
    site.explain = describe(top, "anonymous-unconfirmed-caller");
    return site;
  }
  const std::string& caller = anon.key;
  std::string name = !fn.empty() ? fn : !lexical.empty() ? lexical : caller.empty() ? std::string("?") : "?<" + caller;
  // An anonymous function that no table placed, and whose callers do not tell it apart ("?"
  // alone: run from a timer, a promise reaction, an event or after an await; or passed to the
  // app's own dispatcher, "?<emit<relayout"), is not confident, but its key still groups in the
  // page (repeats counted into one summary) and in the local collector. Every anonymous function
  // of the file (or every listener of one emitter) with the same message kind would share it, so
  // its line in this build is added ("?@190"): the engines agree on a frame's line (not on its
  // column), so one bug stays one group across engines within a deploy, and two functions on
  // different lines never share a group. A deploy that moves the line splits the group (it is not
  // sent as the event's fingerprint in `auto` mode: the server groups these events itself).
  // The recursion-cycle key above does not take the line: a cycle is its functions' set.
  // A table built from the code (no original files: the frame's own file) counts a top-level
  // anonymous function's ordinal over the whole file, which for a bundle is every module's top
  // level: an edit of any module before it moves it. Kept as the key, not confident (a module
  // served alone keeps it; a bundle splits at such a deploy, and the backend groups).
  // A top-level key from the function's text alone ("/?" and 9 hex digits, anonymous_suffix) does
  // not move with other modules' edits: confident. Its ordinal, or its ordinal among copies of its
  // text ("~k"), does.
  const bool whole_file_ordinal = starts_with(lexical, "/?") && top.original_file.empty() && !top.lexical_by_text;
  const bool known = !fn.empty() || (!lexical.empty() && !whole_file_ordinal) || !caller.empty();
  if (fn.empty() && lexical.empty() && (caller.empty() || anon.dispatcher) && top.lineno > 0) {
    name += "@" + std::to_string(top.lineno);
    // On a minified line (a table named the file but not the function) the column is the place.
    if (top.colno > kMinifiedColumn) name += ":" + std::to_string(top.colno);
  }
  if (builtin_call_kind(message_key)) {
    // The built-in and the function that called it. Precision first: two call sites of one
    // built-in (JSON.parse in loadConfig and in readResponse) are two bugs and stay apart. In a
    // JavaScriptCore stack that function is known only with a table (above); a frame put back
    // from it joins the other engines' group.
    site.token = frame_file(top) + ":<built-in>:" + name;
    site.confident = known && !anon.dispatcher;
    site.explain = describe(top, "built-in");
    return site;
  }
  site.token = frame_file(top) + ":" + name;
  site.confident = known && !anon.dispatcher;
  site.explain = describe(top, !lexical.empty() ? "anonymous-in-definer"
                               : top.resolved    ? "resolved"
                               : !fn.empty()     ? "function"
                               : caller.empty()  ? "anonymous"
                               : anon.dispatcher ? "anonymous-passed-to-caller"
                                                 : "anonymous-in-caller");
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
  r.message_key = canonicalize_message(top.type, top.value, !top.not_dom_exception);
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
  if (!network && !synthetic_value)
    site = throw_site(top.frames, top.type, top.not_dom_exception, r.message_key, top.value, top.proper_tail_calls);
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
  } else if (!top.request.empty()) {
    // A failed response (httpClientIntegration) with no app frame: the endpoint it failed on is
    // the problem's place, not a message whose status code is a number like any other.
    strategy = "request";
  } else if (!top.filename.empty() && !synthetic_value) {
    // No stack (e.g. an ErrorEvent without an error object): where it happened is all we have.
    strategy = "location";
    parts.push_back("at:" + normalize_file(top.filename));
    if (r.message_key == "script-error" && top.lineno > 0) parts.push_back("line:" + std::to_string(top.lineno));
  } else {
    strategy = "message";
    r.confident = r.message_key != "script-error";
  }
  // The request an exception names (a failed response's method, origin and parameterized path)
  // is part of its key with or without a throw site: one app helper (`api(path)`) that raises
  // every endpoint's failure is one throw site for different problems.
  if (!network && !top.request.empty()) {
    parts.push_back("request:" + parameterize_request(top.request));
    r.parts["request"] = parts.back();
    if (strategy == "request") r.confident = true;
  }
  json causes = empty_array();
  for (size_t i = 1; i < chain.size() && i < 6; ++i) {
    std::string key = canonical_type(chain[i].type, chain[i].value) + "|" + canonicalize_message(chain[i].type, chain[i].value, !chain[i].not_dom_exception);
    parts.push_back("cause:" + key);
    causes.push_back(key);
  }
  r.fingerprint = hash_parts(parts);
  if (!r.parts.is_object()) r.parts = empty_object();
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
  r.parts = object_of({{"version", "fl1"}, {"strategy", "message"}, {"message", r.message_key}, {"confident", true}});
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
