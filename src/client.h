// The core's facade: everything the WASM boundary and the CLI call. Every entry point takes and
// returns JSON text, never throws, and turns bad input into {"error": ...} or a well-formed event,
// counting what it drops. See bindings/README.md for the contract.
#pragma once
#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aggregator.h"
#include "breadcrumbs.h"
#include "dsn.h"
#include "grouping.h"
#include "json.h"
#include "scope.h"
#include "scrubber.h"
#include "symbol_table.h"
#include "util.h"
#include "version.h"

namespace faultline {

// Who groups: `client` sends Faultline's fingerprint on every event, `server` never (Sentry's own
// grouping decides), `auto` only when Faultline's grouping is confident. The in-page aggregation
// always uses Faultline's key; a user-supplied fingerprint is always sent.
enum class GroupingMode { Client, Server, Auto };

struct ClientOptions {
  bool has_dsn = false;
  Dsn dsn;
  std::string release, environment, dist;
  size_t max_breadcrumbs = 100;
  bool send_default_pii = false;
  GroupingOptions grouping;
  ScrubOptions scrub;
  AggregatorOptions aggregation;
  NormalizeLimits limits;
  size_t max_queue = 100;               // serialized events waiting for drain()
  size_t max_envelope_bytes = 900 * 1024;
  size_t max_event_bytes = 256 * 1024;       // one serialized event (breadcrumbs, extra shed first)
  size_t max_queue_bytes = 8 * 1024 * 1024;  // all events waiting for drain()
  size_t max_chain = 8;                 // exceptions per event (cause chain / AggregateError)
  size_t max_stack_bytes = 512 * 1024;  // of one stack text handed to the parser
  size_t max_input_bytes = 4 * 1024 * 1024;  // of one JSON text crossing the boundary (the SDK truncates first)
  std::string sdk_name = "faultline.javascript.browser";
  std::string sdk_version = kVersion;  // package.json's (src/version.h)
  std::vector<std::string> sdk_integrations;  // enabled integrations, as the SDK reports them
  json sdk_packages;                          // [{name, version}]; default npm:faultline
  double sample_rate = 1.0;                   // the SDK's sampleRate (events stand for 1/rate each)
  GroupingMode grouping_mode = GroupingMode::Auto;
};

// Reads an options object into `next` (fields absent from it keep their value); returns the
// problems found, "; "-separated, or "" (src/options.cpp).
std::string read_client_options(const json& options, ClientOptions& next);

class Client {
 public:
  // `seed` initializes the id generator; the platform layer supplies it (bindings/ in WASM).
  explicit Client(std::string_view options_json = "{}", uint64_t seed = platform_seed());
  Client(const Client&) = delete;  // its scope snapshots count their bytes in it
  Client& operator=(const Client&) = delete;

  std::string configure(std::string_view options_json);
  std::string set_scope(std::string_view patch_json);
  void push_scope();
  void pop_scope();
  std::string add_breadcrumb(std::string_view crumb_json);
  std::string capture(std::string_view input_json) { return capture(input_json, {}); }
  // The same, with the exceptions' stacks outside the JSON: `oob_stacks` holds one segment per entry
  // of `exceptions`, in order, separated by NUL bytes; a non-empty segment is that exception's
  // `stack` (a `stack` in the JSON wins). Stacks are most of a capture's bytes, and read this way
  // they skip the JSON lexer, which is the costliest part of a capture in WASM.
  std::string capture(std::string_view input_json, std::string_view oob_stacks);
  // A repeat of a capture whose fingerprint the caller learned from an earlier capture() answer
  // (same texts, same fingerprint options): counted in its group and true, or false with nothing
  // changed when it needs the full path (group unknown or evicted, window closed, budget left).
  bool count_repeat(std::string_view fingerprint, double timestamp_s);
  std::string drain(double now_ms, bool force, int max_events_per_envelope);
  std::string client_report(std::string_view discarded_json, double now_ms);
  // A bundle's symbol table (`faultline sourcemaps inject` writes it beside the bundle), for the frames
  // whose URL (abs_path) is `url`: they are resolved to their original function and file before
  // grouping (see README, "Source maps, debug IDs and symbol tables"). Replaces an earlier table of
  // that URL; at most kMaxSymbolTables are kept. {"ok":true,"functions":n,"sources":n} or
  // {"ok":false,"error":...} (malformed table, too large, too many); the signature cache is cleared,
  // so a repeat whose texts were grouped before groups again with the table.
  std::string add_symbol_table(std::string_view url, std::string_view table_json);
  // `heap_bytes`: the module's memory size, which only the platform layer knows (0 natively).
  std::string stats(size_t heap_bytes = 0) const;

  // The platform layer (bindings/ in WASM) tells how many bytes the heap can still give before it
  // reaches its maximum: past it, memory growth fails, which with -fno-exceptions aborts the whole
  // module. Inputs that would not fit are refused and counted (out_of_memory). Unset: no check.
  using HeadroomFn = size_t (*)();
  void set_heap_headroom(HeadroomFn f) { headroom_ = f; }

  // Structured access for native callers/tests.
  const ClientOptions& options() const { return opts_; }
  void count_drop(const std::string& reason, uint64_t n = 1) { dropped_[reason] += n; unreported_[reason] += n; }

 private:
  struct Pending {
    std::string event_id;
    std::string payload;  // serialized event
    uint64_t occurrences = 1;
  };
  // A capture input read into what grouping and event building need.
  struct Input {
    std::vector<ExceptionInput> chain;
    std::vector<std::string> stacks, stacktraces;
    std::vector<size_t> pops;
    std::vector<json> mechanisms, parents;
    std::string message;
    bool is_message = true;
    // A message with the stack of its call (attachStacktrace, the input's "attached"): the event has
    // the synthetic exception, grouping is the message's (its text; the stack is for display).
    bool groups_as_message = true;
    Scope scope;
    std::vector<std::string> user_fp;
    // Scripts whose symbol table the SDK wanted for this capture and could not have (its input
    // "symbols": pending, timeout, failed, skipped): a key on their frames is not confident.
    std::vector<std::string> tables_missing;
    uint64_t sig = 0;  // over the texts that decide the grouping (the signature cache's key)
  };
  // `base`: the scope the input's own scope data is merged over (a summary's, kept from its last
  // counted occurrence); null: the current scope.
  void read_input(const json& in, std::string_view oob_stacks, Input& x, bool count_drops, const Scope* base = nullptr);
  // The current scope as a shared immutable snapshot (made once per change of the scope), for the
  // aggregation groups; null when the snapshots alive would hold more than kMaxSnapshotBytes.
  ScopeRef scope_snapshot();
  struct Signature;  // of a capture's texts (client.cpp)
  void read_exception(const json& e, std::string_view oob_stack, Input& x, Signature& sig) const;
  void group_input(Input& x, GroupingResult& g) const;  // parses the stacks, computes the grouping
  void resolve_frames(std::vector<Frame>& frames) const;  // symbol tables, then classification
  void add_debug_meta(json& ev, const json& in, const Input& x) const;
  // What the event carries in `fingerprint` (empty: nothing, the server groups), per grouping mode.
  std::vector<std::string> wire_fingerprint(const GroupingResult& g, const std::vector<std::string>& user_fp) const;
  // The fields every event carries, full or summary: id, time, platform, level, sdk, release...
  json base_event(const std::string& event_id, double ts, const std::string& level) const;
  // How many occurrences an event stands for, where Sentry and its users can count them.
  void add_count(json& ev, uint64_t count, double first_seen, double last_seen, bool summary, bool evicted) const;
  json build_event(const json& in, const Input& x, const GroupingResult& g, const std::string& fingerprint,
                   const std::vector<std::string>& wire_fp, const std::string& event_id, double ts, double crumbs_until);
  json exception_values(const Input& x) const;  // the `exception` interface, thrown error last
  json breadcrumbs_until(double until) const;     // the buffer's crumbs, those at or before `until` when > 0
  json faultline_context(const json& in, const Input& x, const GroupingResult& g, const std::string& fingerprint,
                         bool fingerprint_sent) const;
  void finish_event(json& ev);
  bool fit_event(json& ev, std::string& payload);
  json build_summary_event(const GroupReport& r);
  bool enqueue(std::string event_id, std::string payload, uint64_t occurrences);  // false: counted queue_overflow
  // The aggregator's due reports (all of them when `force`) become summary events in the queue.
  void queue_summaries(double now_ms, bool force);
  json envelope_header(const std::string& event_id, double now_ms) const;

  ClientOptions opts_;
  std::string options_error_;
  // What the live scope snapshots hold (ScopeSnapshot::total points here: declared before the
  // scope stack and the aggregator that keep snapshots, so it outlives them).
  size_t snapshot_bytes_ = 0;
  static constexpr size_t kMaxSnapshotBytes = 2 * 1024 * 1024;
  ScopeStack scopes_;
  BreadcrumbBuffer crumbs_;
  Aggregator aggregator_;
  Scrubber scrubber_;
  Rng rng_;
  std::deque<Pending> queue_;
  std::map<std::string, uint64_t> dropped_;     // all drops by reason (stats)
  std::map<std::string, uint64_t> unreported_;  // drops not yet sent in a client report
  static constexpr size_t kMaxCrumbBytes = 16 * 1024;
  HeadroomFn headroom_ = nullptr;
  // Would handling `input_bytes` of JSON (parsed, copied into an event, serialized) fit in the heap?
  bool fits_in_heap_(size_t input_bytes) const { return !headroom_ || headroom_() / 8 > input_bytes + (512 << 10); }
  size_t queue_bytes_ = 0;
  uint64_t scope_cut_ = 0, trimmed_events_ = 0;
  uint64_t captured_ = 0, queued_ = 0, aggregated_ = 0, sent_events_ = 0, summaries_ = 0;
  double last_timestamp_ = 0;
  // Signature of a capture's raw texts -> (fingerprint, title): repeats skip parsing and grouping.
  static constexpr size_t kSignatureCacheSize = 256;
  struct Grouped {
    std::string fingerprint, title;
    std::vector<std::string> event_fingerprint;
  };
  std::map<uint64_t, Grouped> signature_cache_;  // not unordered: see Aggregator::groups_
  static constexpr size_t kMaxSymbolTables = 32;
  std::map<std::string, SymbolTable, std::less<>> tables_;  // bundle URL -> its symbol table
  // The capture path (client.cpp): the grouping key from the cache or computed (then `grouped`),
  // the full event built and queued, and the answer for a dropped capture (counted).
  Grouped grouping_key(Input& x, GroupingResult& g, bool& grouped);
  std::string queue_full_event(const json& in, const Input& x, const GroupingResult& g, const Grouped& key, double ts);
  std::string drop_capture(const char* reason, const std::string& why);
};

// One-shot helpers behind `faultline parse-stack` and `faultline fingerprint` (one NDJSON line in,
// one JSON line out; a malformed line gives {"error": "..."}).
std::string cli_parse_stack(std::string_view line_json);
// `table_of`, when given, names the symbol table of a frame's bundle (source maps): frames are
// resolved with it before they are classified and grouped, as the page does (resolve_and_classify).
std::string cli_fingerprint(std::string_view line_json, const SymbolTableOf& table_of = nullptr);

}  // namespace faultline
