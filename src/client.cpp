#include "client.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "envelope.h"
#include "frame.h"
#include "stack_parser.h"
#include "text.h"

namespace faultline {

Client::Client(std::string_view options_json, uint64_t seed) : crumbs_(100), rng_(seed) {
  std::string r = configure(options_json);
  (void)r;
}

std::string Client::set_scope(std::string_view patch_json) {
  if (!fits_in_heap_(patch_json.size())) {
    ++scope_cut_;
    return dump_json(error_result("out of memory: scope patch refused"));
  }
  json p = parse_json(patch_json);
  if (p.is_discarded()) return dump_json(error_result("scope patch is not valid JSON"));
  std::string problems = scopes_.current().apply_patch(p, &scope_cut_);
  json r = problems.empty() ? ok_result() : error_result(problems);
  // A new user: the session's distinct id, as Sentry takes it (id, else e-mail, else username:
  // the first that is not empty), scrubbed as user.id is (an e-mail gives "[email]").
  if (const json* u = p.is_object() ? get_field(p, "user") : nullptr) {
    std::string did;
    if (u->is_object()) {
      for (const char* k : {"id", "email", "username"}) {
        const json* f = get_field(*u, k);
        if (!f) continue;
        if (f->is_string()) did = f->get<std::string>();
        else if (f->is_number_integer() && !f->is_number_unsigned() && f->get<int64_t>() != 0 && f->get<int64_t>() >= -9007199254740991LL && f->get<int64_t>() <= 9007199254740991LL)
          did = std::to_string(f->get<int64_t>());
        else if (f->is_number_unsigned() && f->get<uint64_t>() != 0 && f->get<uint64_t>() <= 9007199254740991ULL) did = std::to_string(f->get<uint64_t>());
        if (!did.empty()) break;
      }
    }
    r["did"] = scrubber_.scrub_text(did);
  }
  return dump_json(r);
}

void Client::push_scope() {
  if (!scopes_.push()) count_drop("scope_depth_exceeded");
}

void Client::pop_scope() { scopes_.pop(); }

std::string Client::add_breadcrumb(std::string_view crumb_json) {
  if (crumb_json.size() > opts_.max_input_bytes || !fits_in_heap_(crumb_json.size())) {
    count_drop("oversized_breadcrumb");
    return dump_json(error_result("breadcrumb larger than " + std::to_string(opts_.max_input_bytes) + " bytes"));
  }
  json c = parse_json(crumb_json);
  if (c.is_discarded() || !c.is_object()) return dump_json(error_result("breadcrumb must be a JSON object"));
  json crumb = empty_object();
  double ts = get_number(c, "timestamp", 0);
  crumb["timestamp"] = (std::isfinite(ts) && ts > 0) ? ts : wall_clock_seconds();
  for (const char* key : {"type", "category", "message", "event_id"}) {
    std::string v = text_field(c, key, key[0] == 'm' ? opts_.limits.max_value_length : 128);
    if (!v.empty()) crumb[key] = v;
  }
  // Any level the app gave (Sentry keeps custom ones), bounded.
  std::string level = text_field(c, "level", 32);
  if (!level.empty()) crumb["level"] = level;
  if (const json* d = get_field(c, "data"); d && d->is_object()) {
    json data = *d;
    NormalizeLimits lim = opts_.limits;
    lim.max_value_length = lim.max_value_length < 2048 ? lim.max_value_length : 2048;
    lim.max_depth = 3;
    normalize_json(data, lim, 0);
    crumb["data"] = std::move(data);
  }
  // One crumb is at most kMaxCrumbBytes: its data goes first, then its message is shortened.
  size_t bytes = dump_json(crumb).size();
  if (bytes > kMaxCrumbBytes && get_field(crumb, "data")) {
    members(crumb)->erase("data");
    bytes = dump_json(crumb).size();
  }
  if (json* message = get_field(crumb, "message"); message && bytes > kMaxCrumbBytes) {
    *message = truncate_utf8(message->get_ref<const std::string&>(), kMaxCrumbBytes / 2);
    bytes = dump_json(crumb).size();
  }
  crumbs_.push(std::move(crumb), bytes);
  return dump_json(ok_result());
}

ScopeRef Client::scope_snapshot() {
  ScopeRef& kept = scopes_.snapshot();
  if (kept) return kept;
  const Scope& scope = static_cast<const ScopeStack&>(scopes_).current();
  auto bag = [](const json& b, const Scope::BagBytes& size) { return size.keys == b.size() ? size.bytes : dump_json(b).size(); };
  size_t bytes = sizeof(ScopeSnapshot) + dump_json(scope.tags).size() + dump_json(scope.user).size() + bag(scope.extra, scope.extra_bytes) +
                 bag(scope.contexts, scope.contexts_bytes) + scope.transaction.size() + scope.level.size();
  for (const auto& f : scope.fingerprint) bytes += f.size() + sizeof(std::string);
  if (snapshot_bytes_ + bytes > kMaxSnapshotBytes) return {};
  auto* made = new ScopeSnapshot{scope, bytes, &snapshot_bytes_};
  snapshot_bytes_ += bytes;
  return kept = ScopeRef(made);
}

bool Client::count_repeat(std::string_view fingerprint, double ts) {
  if (!std::isfinite(ts) || ts <= 0 || ts > 253402300799.0) ts = wall_clock_seconds();
  // The scope of this repeat goes with its count: the group's summary shows it (a shared
  // snapshot, made only when the scope changed since the last one).
  if (!aggregator_.count_if_repeat(fingerprint, ts * 1000.0, scope_snapshot())) return false;
  last_timestamp_ = ts;
  ++captured_;
  ++aggregated_;
  return true;
}

// The signature of a capture's texts (FNV-1a, each text followed by a separator byte).
struct Client::Signature {
  uint64_t value = text::kFnvOffset;
  void add(std::string_view t) {
    value = text::fnv1a(t, value);
    value = (value ^ 0xFF) * text::kFnvPrime;
  }
};

void Client::read_exception(const json& e, std::string_view oob_stack, Input& x, Signature& sig) const {
  ExceptionInput ex;
  ex.type = text_field(e, "type", 256);
  ex.value = text_field(e, "value", opts_.limits.max_value_length);
  std::string stack = get_string(e, "stack");
  if (stack.empty()) stack = std::string(oob_stack.substr(0, opts_.max_stack_bytes));
  std::string stacktrace = get_string(e, "stacktrace");
  if (stack.size() > opts_.max_stack_bytes) stack.resize(opts_.max_stack_bytes);
  if (stacktrace.size() > opts_.max_stack_bytes) stacktrace.resize(opts_.max_stack_bytes);
  double pop = get_number(e, "framesToPop", 0);
  x.pops.push_back(pop >= 1 && pop < 1000 ? static_cast<size_t>(pop) : 0);
  ex.filename = text_field(e, "filename", 1024);
  ex.lineno = int_field(e, "lineno");
  ex.colno = int_field(e, "colno");
  ex.synthetic = get_bool(e, "synthetic", false);
  ex.request = text_field(e, "request", 2048);
  ex.not_dom_exception = !get_bool(e, "dom", true);
  ex.proper_tail_calls = get_bool(e, "ptc", false);
  const json* m = get_field(e, "mechanism");
  x.mechanisms.push_back(m && m->is_object() ? *m : empty_object());
  const json* p = get_field(e, "parent");
  x.parents.push_back(p && p->is_number_unsigned() ? *p : json());
  for (std::string_view part : {std::string_view(ex.type), std::string_view(ex.value), std::string_view(stack),
                                std::string_view(stacktrace), std::string_view(ex.filename), std::string_view(ex.request)})
    sig.add(part);
  sig.add(std::to_string(x.pops.back()) + (ex.synthetic ? "s" : "e") + (ex.not_dom_exception ? "n" : "") + (ex.proper_tail_calls ? "p" : "") + std::to_string(ex.lineno));
  x.stacks.push_back(std::move(stack));
  x.stacktraces.push_back(std::move(stacktrace));
  x.chain.push_back(std::move(ex));
}

void Client::read_input(const json& in, std::string_view oob_stacks, Input& x, bool count_drops, const Scope* base) {
  Signature sig;
  const json* exc = get_field(in, "exceptions");
  if (exc && exc->is_array()) {
    for (const json& e : *items(*exc)) {
      // This entry's segment of the out-of-band stacks (consumed whatever the entry holds).
      const size_t end = std::min(oob_stacks.find('\0'), oob_stacks.size());
      const std::string_view segment = oob_stacks.substr(0, end);
      oob_stacks.remove_prefix(end < oob_stacks.size() ? end + 1 : end);
      if (x.chain.size() >= opts_.max_chain) {
        if (count_drops) count_drop("chain_truncated");
        break;
      }
      if (e.is_object()) read_exception(e, segment, x, sig);
    }
  }
  // A message may come with a synthetic exception holding the stack of its call (attachStacktrace):
  // the event then has both, as @sentry/browser sends it.
  x.is_message = x.chain.empty();
  x.message = text_field(in, "message", opts_.limits.max_value_length);
  if (x.is_message && x.message.empty()) x.message = "<empty capture>";
  x.groups_as_message = x.is_message || (!x.message.empty() && get_bool(in, "attached", false));

  x.scope = base ? *base : static_cast<const ScopeStack&>(scopes_).current();  // copy: per-call data must not leak into the scope
  Scope& scope = x.scope;
  if (const json* s = get_field(in, "scope"); s && s->is_object()) scope.apply_patch(*s);
  if (const json* t = get_field(in, "tags"); t && t->is_object()) scope.apply_patch(object_of("tags", *t));  // stringifies
  merge_bag(scope.extra, get_field(in, "extra"));
  merge_bag(scope.contexts, get_field(in, "contexts"));
  if (const json* u = get_field(in, "user"); u && u->is_object()) merge_bag(scope.user, u);
  x.user_fp = scope.fingerprint;
  if (const json* f = get_field(in, "fingerprint"); f && f->is_array()) x.user_fp = string_list(*f);

  if (const json* st = get_field(in, "symbols"); st && st->is_object())
    for (auto it = members(*st)->begin(); it != members(*st)->end() && x.tables_missing.size() < 16; ++it) x.tables_missing.push_back(it->first);
  sig.add(x.groups_as_message ? x.message : std::string_view("exception"));
  for (const auto& f : x.user_fp) sig.add(f);
  for (const auto& u : x.tables_missing) sig.add(u);
  x.sig = sig.value;
}

void Client::group_input(Input& x, GroupingResult& g) const {
  for (size_t k = 0; k < x.chain.size(); ++k) {
    ExceptionInput& ex = x.chain[k];
    if (!x.stacks[k].empty() || !x.stacktraces[k].empty()) ex.frames = parse_stack(x.stacks[k], ex.value, x.stacktraces[k]).frames;
    // React's framesToPop: the innermost N frames belong to an invariant() helper, not the bug.
    if (x.pops[k]) ex.frames.resize(ex.frames.size() > x.pops[k] ? ex.frames.size() - x.pops[k] : 0);
    resolve_frames(ex.frames);
  }
  g = x.groups_as_message ? compute_message_grouping(x.message, opts_.grouping) : compute_grouping(x.chain, opts_.grouping);
  // The throw site is in a script whose table the SDK wanted and did not get in time (a slow or
  // failed fetch, a scan refused for its size): with the table its key could differ (a class's
  // method `CartStore.validate` where the engine prints `validate` for two classes, an anonymous
  // function where it is defined), so the key is not sent as the fingerprint: the server groups.
  // Not for a V8 frame named without a qualifier: V8 prints a class's method with its class
  // (`CartStore.validate`), so a bare name there is a plain function, which the table names alike.
  if (g.confident && !x.tables_missing.empty()) {
    const json* frame = get_field(g.parts, "frame");
    const json* file = frame ? get_field(*frame, "filename") : nullptr;
    const std::string rule = frame ? get_string(*frame, "rule") : std::string(), printed = frame ? get_string(*frame, "function") : std::string();
    const bool v8 = !x.chain.empty() && std::any_of(x.chain[0].frames.begin(), x.chain[0].frames.end(), [](const Frame& f) { return f.at_form; });
    const bool plain_v8 = v8 && (rule == "function" || rule == "built-in") && !printed.empty() && printed != "?" &&
                          printed.find('.') == std::string::npos && printed.find(' ') == std::string::npos;
    if (!plain_v8 && file && file->is_string() &&
        std::find(x.tables_missing.begin(), x.tables_missing.end(), file->get_ref<const std::string&>()) != x.tables_missing.end()) {
      g.confident = false;
      g.parts["confident"] = false;
      g.parts["table_missing"] = true;
    }
  }
}

// Frames of a bundle with a symbol table get their original function and file first, so that
// classification sees the original file (a dependency inside the app's bundle is not in-app);
// a source in the map's ignore list is not in-app either, whatever the URL says.
void Client::resolve_frames(std::vector<Frame>& frames) const {
  if (tables_.empty()) return classify_frames(frames, opts_.grouping);
  resolve_and_classify(frames, [this](const Frame& f) -> const SymbolTable* {
    auto t = tables_.find(f.abs_path.empty() ? f.filename : f.abs_path);
    return t == tables_.end() ? nullptr : &t->second;
  }, opts_.grouping);
}

std::string Client::add_symbol_table(std::string_view url, std::string_view table_json) {
  if (url.empty() || url.size() > 2048) return dump_json(error_result("symbol table: the bundle URL must have 1 to 2048 characters"));
  if (table_json.size() > opts_.max_input_bytes || !fits_in_heap_(table_json.size() * 2)) {
    count_drop("symbol_table_too_large");
    return dump_json(error_result("symbol table: too large (" + std::to_string(table_json.size()) + " bytes)"));
  }
  auto it = tables_.find(url);
  if (it == tables_.end() && tables_.size() >= kMaxSymbolTables)
    return dump_json(error_result("symbol table: at most " + std::to_string(kMaxSymbolTables) + " bundles have tables"));
  SymbolTable t;
  std::string error;
  if (!parse_symbol_table(table_json, &t, &error)) return dump_json(error_result(error));
  json r = ok_result();
  r["functions"] = t.functions.size();
  r["sources"] = t.sources.size();
  if (it == tables_.end()) tables_.emplace(std::string(url), std::move(t));
  else it->second = std::move(t);
  signature_cache_.clear();  // texts grouped without the table group differently with it
  return dump_json(r);
}

std::vector<std::string> Client::wire_fingerprint(const GroupingResult& g, const std::vector<std::string>& user_fp) const {
  if (!user_fp.empty()) {
    // The user's override always leaves. When Faultline does not send its own grouping, Sentry
    // expands "{{ default }}" with its own, so the list goes as the user wrote it.
    const bool ours = opts_.grouping_mode == GroupingMode::Client || (opts_.grouping_mode == GroupingMode::Auto && g.confident);
    if (ours) return event_fingerprint(g, user_fp);
    std::vector<std::string> out;
    for (const auto& s : user_fp) {
      if (out.size() >= 16) break;
      out.push_back(s == "{{default}}" ? std::string("{{ default }}") : truncate_utf8(s, 512));
    }
    return out;
  }
  switch (opts_.grouping_mode) {
    case GroupingMode::Client: return event_fingerprint(g, {});
    case GroupingMode::Server: return {};
    case GroupingMode::Auto: break;
  }
  return g.confident ? event_fingerprint(g, {}) : std::vector<std::string>{};
}

namespace {
std::string dropped_answer(const char* reason, const std::string& why) {
  return dump_json(object_of({{"status", "dropped"}, {"reason", reason}, {"error", why}}));
}
}  // namespace

std::string Client::drop_capture(const char* reason, const std::string& why) {
  count_drop(reason);
  return dropped_answer(reason, why);
}

std::string Client::capture(std::string_view input_json, std::string_view oob_stacks) {
  ++captured_;
  const size_t bytes = input_json.size() + oob_stacks.size();
  // Parsing would need several times this in memory; the SDK truncates long values before they
  // get here, so this is a last line of defence. Counted, never silent.
  if (bytes > opts_.max_input_bytes)
    return drop_capture("oversized_input", "capture input larger than " + std::to_string(opts_.max_input_bytes) + " bytes");
  if (!fits_in_heap_(bytes)) return drop_capture("out_of_memory", "not enough heap left for this capture");
  json in = parse_json(input_json);
  if (in.is_discarded() || !in.is_object()) return drop_capture("invalid_input", "capture input must be a JSON object");
  double ts = get_number(in, "timestamp", 0);
  if (!std::isfinite(ts) || ts <= 0 || ts > 253402300799.0) ts = wall_clock_seconds();
  last_timestamp_ = ts;

  Input x;
  read_input(in, oob_stacks, x, true);
  GroupingResult g;
  bool grouped = false;
  const Grouped key = grouping_key(x, g, grouped);
  // Repeats inside the window are counted, not built. The latest input is kept (bounded), with the
  // scope as it is now, so the group's summary can show this occurrence in full as it was.
  const bool counted = aggregator_.record(key.fingerprint, key.title, ts * 1000.0, key.event_fingerprint) == Decision::Counted;
  aggregator_.retain(key.fingerprint, input_json, oob_stacks, scope_snapshot());
  if (counted) {
    ++aggregated_;
    return "{\"status\":\"aggregated\",\"fingerprint\":\"" + key.fingerprint + "\"}";
  }
  if (!grouped) group_input(x, g);
  return queue_full_event(in, x, g, key, ts);
}

Client::Grouped Client::grouping_key(Input& x, GroupingResult& g, bool& grouped) {
  // Stacks are parsed only when needed: a repeat of an error seen before (same texts, same
  // options) takes its fingerprint from the signature cache.
  if (auto cached = signature_cache_.find(x.sig); cached != signature_cache_.end()) return cached->second;
  group_input(x, g);
  grouped = true;
  Grouped key{x.user_fp.empty() ? g.fingerprint : apply_fingerprint_override(g, x.user_fp), g.title, wire_fingerprint(g, x.user_fp)};
  if (signature_cache_.size() >= kSignatureCacheSize) signature_cache_.clear();
  signature_cache_.emplace(x.sig, key);
  return key;
}

std::string Client::queue_full_event(const json& in, const Input& x, const GroupingResult& g, const Grouped& key, double ts) {
  std::string event_id = get_string(in, "event_id");
  if (!is_hex32(event_id)) event_id = rng_.hex32();
  json ev = build_event(in, x, g, key.fingerprint, key.event_fingerprint, event_id, ts, 0);
  add_count(ev, 1, ts, ts, false, false);
  finish_event(ev);
  std::string payload;
  if (!fit_event(ev, payload)) return drop_capture("oversized_input", "event larger than the per-event limit");
  if (!enqueue(event_id, std::move(payload), 1)) return dropped_answer("queue_overflow", "the queue is full");  // counted there
  return dump_json(object_of({{"status", "queued"}, {"event_id", event_id}, {"fingerprint", key.fingerprint}}));
}

bool Client::enqueue(std::string event_id, std::string payload, uint64_t occurrences) {
  // Summaries (occurrences > 1 or evictions) may use a second cap's worth of room: they carry counts.
  size_t cap = occurrences > 1 ? opts_.max_queue * 2 : opts_.max_queue;
  if (queue_.size() >= cap || queue_bytes_ + payload.size() > opts_.max_queue_bytes) {
    count_drop("queue_overflow", occurrences);
    return false;
  }
  ++queued_;
  queue_bytes_ += payload.size();
  queue_.push_back(Pending{std::move(event_id), std::move(payload), occurrences});
  return true;
}

void Client::queue_summaries(double now_ms, bool force) {
  for (const auto& r : aggregator_.take_reports(now_ms, force)) {
    json ev = build_summary_event(r);
    enqueue(get_string(ev, "event_id"), dump_json(ev), r.count);
  }
}

std::string Client::drain(double now_ms, bool force, int max_events_per_envelope) {
  if (!std::isfinite(now_ms) || now_ms <= 0) now_ms = wall_clock_seconds() * 1000.0;
  queue_summaries(now_ms, force);
  size_t per = max_events_per_envelope < 1 ? 1 : static_cast<size_t>(max_events_per_envelope);
  if (per > 1000) per = 1000;
  json envelopes = empty_array();
  while (!queue_.empty()) {
    std::vector<EnvelopeItem> items;
    json ids = empty_array();
    uint64_t occurrences = 0;
    size_t bytes = 0;
    while (!queue_.empty() && items.size() < per &&
           (items.empty() || bytes + queue_.front().payload.size() <= opts_.max_envelope_bytes)) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      bytes += p.payload.size();
      queue_bytes_ -= p.payload.size() < queue_bytes_ ? p.payload.size() : queue_bytes_;
      ids.push_back(p.event_id);
      occurrences += p.occurrences;
      items.push_back(EnvelopeItem{"event", std::move(p.payload)});
    }
    std::string first_id = items.size() == 1 ? ids[0].get<std::string>() : std::string();
    json e = empty_object();
    e["body"] = build_envelope(envelope_header(first_id, now_ms), items);
    e["event_ids"] = std::move(ids);
    e["occurrences"] = occurrences;
    sent_events_ += items.size();
    envelopes.push_back(std::move(e));
  }
  return dump_json(object_of("envelopes", std::move(envelopes)));
}

std::string Client::client_report(std::string_view discarded_json, double now_ms) {
  // Reason -> category -> quantity, in JSON objects: their std::map is the module's own (a
  // std::map keyed by a pair of strings was code of its own), iterated in the same order.
  json totals = empty_object();
  auto add = [&totals](const std::string& reason, const std::string& category, uint64_t n) {
    json& t = totals[reason][category];
    t = (t.is_null() ? 0 : t.get<uint64_t>()) + n;
  };
  json d = parse_json(discarded_json);
  if (const json::array_t* list = items(d)) {
    for (const json& x : *list) {
      std::string reason = get_string(x, "reason"), category = get_string(x, "category", "error");
      double q = get_number(x, "quantity", 0);
      if (reason.empty() || !(q >= 1) || q > 1e12) continue;
      add(truncate_utf8(reason, 64), truncate_utf8(category, 32), static_cast<uint64_t>(q));
    }
  }
  for (const auto& [reason, n] : unreported_)
    if (n > 0) add(reason, "error", n);
  unreported_.clear();
  if (totals.empty()) return {};
  json events = empty_array();
  for (const auto& [reason, by_category] : *members(totals))
    for (const auto& [category, n] : *members(by_category))
      events.push_back(object_of({{"reason", reason}, {"category", category}, {"quantity", n}}));
  if (!std::isfinite(now_ms) || now_ms <= 0) now_ms = wall_clock_seconds() * 1000.0;
  json report = object_of("discarded_events", std::move(events));
  report["timestamp"] = now_ms / 1000.0;
  return build_envelope(envelope_header("", now_ms), {EnvelopeItem{"client_report", dump_json(report)}});
}

std::string Client::stats(size_t heap_bytes) const {
  json dropped = empty_object();
  for (const auto& [k, v] : dropped_) dropped[k] = v;
  json s = object_of({{"captured", captured_}, {"queued", queued_}, {"aggregated", aggregated_}, {"sent_events", sent_events_},
                      {"summaries", summaries_}, {"queue_length", queue_.size()},
                      {"groups", aggregator_.tracked_groups()}, {"aggregator_bytes", aggregator_.approx_memory_bytes() + snapshot_bytes_},
                      {"breadcrumbs", crumbs_.size()}, {"breadcrumb_bytes", crumbs_.bytes()}, {"queue_bytes", queue_bytes_},
                      {"scope_values_cut", scope_cut_}, {"events_trimmed", trimmed_events_}, {"scope_depth", scopes_.depth()},
                      {"symbol_tables", tables_.size()}, {"heap_bytes", static_cast<double>(heap_bytes)},
                      {"dsn", opts_.has_dsn ? json(opts_.dsn.to_string()) : json()},
                      {"envelope_url", opts_.has_dsn ? json(opts_.dsn.envelope_url()) : json()}});
  s["dropped"] = std::move(dropped);
  if (!options_error_.empty()) s["options_error"] = options_error_;
  return dump_json(s);
}

}  // namespace faultline
