// Grouping: decides which events are "the same bug", in the browser, before anything is sent.
// See README.md ("Grouping") for the rules and why each is grounded in how engines behave.
//
// fingerprint = "fl1:" + 128-bit hash over length-prefixed parts:
//   canonical type | message key | throw-site frame token | cause/AggregateError keys
// where the message key is a cross-engine canonical kind for engine errors
// ("nullish-property-access", "not-a-function:f", ...) or the developer's message with its
// parameters (numbers, ids, quoted values, URLs, e-mails...) replaced by placeholders, and the
// frame token is the innermost in-app frame as "normalized-file-basename:normalized-function"
// (never a line or a column, so a new deploy keeps the group).
#pragma once
#include <cstddef>
#include <type_traits>
#include <string>
#include <string_view>
#include <vector>

#include "frame.h"
#include "json.h"
#include "message_rules.h"
#include "symbol_table.h"

namespace faultline {

struct ExceptionInput {
  std::string type;           // "TypeError", "Error", "" for non-Error throws
  std::string value;          // message
  std::vector<Frame> frames;  // oldest first, as produced by parse_stack
  std::string filename;       // ErrorEvent location when there is no stack ("Script error.")
  int lineno = 0;
  int colno = 0;
  bool synthetic = false;     // a non-Error value was thrown/captured
  std::string request;        // "GET https://api/x/17" when the SDK saw this error reject a fetch/XHR
  // The SDK saw the thrown object and it is not a DOMException (input field "dom": false): a
  // DOMException's name in its type (`NotFoundError`, `TimeoutError`) is then the app's own class,
  // whose message is the developer's, not a browser's wording of a standard error.
  bool not_dom_exception = false;
  // The stack is of an engine with proper tail calls (JavaScriptCore): the SDK says so (input
  // field "ptc": true, where the page runs on JavaScriptCore), or the stack shows JavaScriptCore's
  // marks (`[native code]` frames, `global code` / `module code`). A function that ends in
  // `return f(x)` is then missing from the stack (throw_site).
  bool proper_tail_calls = false;
};

struct GroupingOptions {
  std::vector<std::string> in_app_include;       // substrings of filename: force in-app
  std::vector<std::string> in_app_exclude;       // substrings of filename: never in-app
  std::vector<std::string> first_party_origins;  // when set, other http(s) origins are third party
  std::vector<std::string> sdk_markers = {       // substrings that mark the SDK's own files
      "faultline-core.mjs", "faultline.min.mjs", "faultline.iife.js", "/node_modules/faultline/",
      "/faultline/js/"};
};

struct GroupingResult {
  std::string fingerprint;     // "fl1:<32 hex>"
  std::string title;           // "TypeError: Cannot read properties of null (reading 'x')"
  std::string canonical_type;  // "RangeError" for Firefox's InternalError: too much recursion, ...
  std::string message_key;     // what the message contributed
  json parts;                  // every component, for contexts.faultline.grouping
  // Whether the fingerprint can be trusted to mean "one bug" beyond this deploy and page, so that
  // it may override the server's grouping (`grouping: 'auto'` sends `fingerprint` only then).
  // Confident: the throw site is a readable or source-map-resolved frame of the function that
  // created the error; or a failed request's endpoint; or a stack-less value grouped by its
  // message. Not confident: the throw site rests on an unresolved minified frame (then the key is
  // deploy-scoped: file with its hash + line:column), on an anonymous function that no named
  // function called synchronously (a timer, promise or event callback), or on an ErrorEvent location.
  bool confident = false;
};

void classify_frames(std::vector<Frame>& frames, const GroupingOptions& opts);
// The frames of a bundle with a symbol table (`table_of` gives it, or nullptr) get their original
// function and file first, then every frame is classified (classify_frames: a dependency inside
// the app's bundle is not in-app), then frames of ignore-listed sources are marked not in-app.
// The one order of the page (Client, with the tables the SDK fetched) and of `faultline
// fingerprint --source-maps` (tables built from the maps of a directory).
// `table_of` is a reference to the caller's callable (a lambda), valid for the call only: never
// stored. (std::function, for this one use, was 0.3 KB of WASM code: its type erasure and copies.)
class SymbolTableOf {
 public:
  SymbolTableOf(std::nullptr_t = nullptr) {}
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, SymbolTableOf>>>
  SymbolTableOf(const F& f)
      : callable_(&f), call_([](const void* c, const Frame& frame) -> const SymbolTable* { return (*static_cast<const F*>(c))(frame); }) {}
  explicit operator bool() const { return call_ != nullptr; }
  const SymbolTable* operator()(const Frame& frame) const { return call_(callable_, frame); }

 private:
  const void* callable_ = nullptr;
  const SymbolTable* (*call_)(const void*, const Frame&) = nullptr;
};
void resolve_and_classify(std::vector<Frame>& frames, const SymbolTableOf& table_of, const GroupingOptions& opts);
// JavaScriptCore's proper tail calls (strict code, modules): a function that ends in `return
// f(x)` leaves the stack. A caller frame there sits exactly at a call's position (just after the
// callee, js_scopes.h); V8 and SpiderMonkey put it at the callee's first character and never
// elide. When frame i (with a table) is at a call site the table records, its callee F is not
// the frame just inside (frames[i+1]: not F's function in the same table, not a built-in named
// like F), and exactly one chain of recorded tail calls F -> ... leads to that inner frame (a
// function of the table, or a built-in by name), with no unresolved tail call on the way, the
// chain's functions are inserted after frame i, resolved, marked `reconstructed`. Otherwise
// nothing changes. Nothing is put back from a table that any frame of its file contradicts (the
// code changed since the stack was captured): a named frame must lie in a function of that name
// (of a name at all in a map's table, whose names are the original ones), JavaScriptCore's
// `global code` / `module code` outside every function. `tables[i]` / `functions[i]`: frame i's
// table and function index (or -1).
// A call of an imported binding (symbol_table.h `import_calls`, ES module linking) is followed
// the same way into the table of the module it imports from: `table_of`, asked with a frame whose
// file is the specifier resolved against the caller's URL (resolve_module_url), gives that table,
// whose `exports` name the callee; the functions put back get that module's URL as their file.
// Without `table_of`, or without that table or export, nothing is linked.
std::vector<Frame> reconstruct_tail_calls(const std::vector<Frame>& frames, const std::vector<const SymbolTable*>& tables,
                                          const std::vector<int32_t>& functions, const SymbolTableOf& table_of = nullptr);
// A module specifier resolved against the importing module's URL or path as a browser does for
// `./`, `../`, `/` and same-origin full URLs; empty for a bare specifier or another origin.
std::string resolve_module_url(std::string_view importer, std::string_view specifier);
// chain[0] = the thrown error, chain[1..] = its causes / AggregateError members in order.
GroupingResult compute_grouping(const std::vector<ExceptionInput>& chain, const GroupingOptions& opts);
GroupingResult compute_message_grouping(std::string_view message, const GroupingOptions& opts);
// Sentry-style override: "{{ default }}" expands to the computed fingerprint.
std::string apply_fingerprint_override(const GroupingResult& computed, const std::vector<std::string>& user_fingerprint);
// What an event carries in its `fingerprint` field for that override, as Sentry expects it: the
// user's list with "{{ default }}" replaced by the computed fingerprint (e.g. ["fl1:…", "tenant-a"]),
// or just the computed fingerprint when there is no override. Same override, same list.
std::vector<std::string> event_fingerprint(const GroupingResult& computed, const std::vector<std::string>& user_fingerprint);

// Exposed for tests and the CLI (the message rules: message_rules.h).
std::string normalize_function(std::string_view function);
std::string normalize_file(std::string_view filename);

}  // namespace faultline
