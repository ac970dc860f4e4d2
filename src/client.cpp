#include "client.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "envelope.h"
#include "frame.h"
#include "stack_parser.h"


namespace faultline {
namespace {

double wall_clock_seconds() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

json ok_result() { return json{{"ok", true}}; }
json error_result(const std::string& why) { return json{{"ok", false}, {"error", why}}; }

std::vector<std::string> string_list(const json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& s : v)
    if (s.is_string() && out.size() < 256) out.push_back(s.get<std::string>());
  return out;
}

// A capture's text fields may be anything JS handed over; turn non-strings into text.
std::string text_field(const json& obj, const char* key, size_t max_len) {
  const json* v = get_field(obj, key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return truncate_utf8(v->get_ref<const std::string&>(), max_len);
  return truncate_utf8(dump_json(*v), max_len);
}

int int_field(const json& obj, const char* key) {
  double d = get_number(obj, key, 0);
  if (!std::isfinite(d) || d < 0) return 0;
  if (d > 1e9) return 0;
  return static_cast<int>(d);
}

void merge_bag(json& target, const json* patch) {
  if (!patch || !patch->is_object()) return;
  for (auto it = patch->begin(); it != patch->end(); ++it) {
    if (it->is_null()) target.erase(it.key());
    else target[it.key()] = *it;
  }
}

}  // namespace

Client::Client(std::string_view options_json, uint64_t seed) : crumbs_(100), rng_(seed) {
  std::string r = configure(options_json);
  (void)r;
}

std::string Client::configure(std::string_view options_json) {
  json o = parse_json(options_json);
  if (o.is_discarded() || !o.is_object()) {
    options_error_ = "options must be a JSON object";
    return dump_json(error_result(options_error_));
  }
  std::string problems;
  ClientOptions next = opts_;

  if (const json* dsn = get_field(o, "dsn")) {
    if (dsn->is_null() || (dsn->is_string() && dsn->get_ref<const std::string&>().empty())) {
      next.has_dsn = false;
    } else if (dsn->is_string()) {
      DsnResult r = parse_dsn(dsn->get_ref<const std::string&>());
      if (r.ok) {
        next.has_dsn = true;
        next.dsn = r.dsn;
      } else {
        next.has_dsn = false;
        problems += r.error + "; ";
      }
    } else {
      problems += "invalid DSN: must be a string; ";
    }
  }
  if (get_field(o, "release")) next.release = truncate_utf8(get_string(o, "release"), 200);
  if (get_field(o, "environment")) next.environment = truncate_utf8(get_string(o, "environment"), 64);
  if (get_field(o, "dist")) next.dist = truncate_utf8(get_string(o, "dist"), 64);
  if (const json* v = get_field(o, "maxBreadcrumbs")) {
    double n = v->is_number() ? v->get<double>() : -1;
    if (n >= 0 && n <= BreadcrumbBuffer::kMaxCapacity) next.max_breadcrumbs = static_cast<size_t>(n);
    else problems += "maxBreadcrumbs must be a number from 0 to 1000; ";
  }
  next.send_default_pii = get_bool(o, "sendDefaultPii", next.send_default_pii);
  if (get_field(o, "inAppInclude")) next.grouping.in_app_include = string_list(o["inAppInclude"]);
  if (get_field(o, "inAppExclude")) next.grouping.in_app_exclude = string_list(o["inAppExclude"]);
  if (get_field(o, "firstPartyOrigins")) next.grouping.first_party_origins = string_list(o["firstPartyOrigins"]);
  // Where the SDK's own modules are served from (js/client.js sdkUrls): their frames are not in-app.
  if (get_field(o, "sdkUrls")) {
    next.grouping.sdk_markers = GroupingOptions{}.sdk_markers;
    for (auto& u : string_list(o["sdkUrls"]))
      if (u.size() >= 8) next.grouping.sdk_markers.push_back(u);
  }
  if (const json* s = get_field(o, "scrub"); s && s->is_object()) {
    if (get_field(*s, "keys")) next.scrub.extra_keys = string_list((*s)["keys"]);
    if (get_field(*s, "patterns")) next.scrub.extra_patterns = string_list((*s)["patterns"]);
    if (get_field(*s, "safeKeys")) next.scrub.safe_keys = string_list((*s)["safeKeys"]);
  }
  next.scrub.send_default_pii = next.send_default_pii;
  if (const json* a = get_field(o, "aggregation"); a && a->is_object()) {
    double w = get_number(*a, "windowMs", next.aggregation.window_ms);
    double b = get_number(*a, "perGroupBudget", next.aggregation.per_group_budget);
    double g = get_number(*a, "maxGroups", static_cast<double>(next.aggregation.max_groups));
    if (w >= 0 && w <= 86400000) next.aggregation.window_ms = w; else problems += "aggregation.windowMs out of range; ";
    if (b >= 1 && b <= 1000) next.aggregation.per_group_budget = static_cast<uint32_t>(b); else problems += "aggregation.perGroupBudget out of range; ";
    if (g >= 1 && g <= 100000) next.aggregation.max_groups = static_cast<size_t>(g); else problems += "aggregation.maxGroups out of range; ";
  }
  if (const json* v = get_field(o, "maxValueLength"); v && v->is_number()) {
    double n = v->get<double>();
    if (n >= 16 && n <= 1 << 20) next.limits.max_value_length = static_cast<size_t>(n);
    else problems += "maxValueLength must be from 16 to 1048576; ";
  }
  if (const json* v = get_field(o, "normalizeDepth"); v && v->is_number()) {
    double n = v->get<double>();
    if (n >= 1 && n <= 32) next.limits.max_depth = static_cast<int>(n);
    else problems += "normalizeDepth must be from 1 to 32; ";
  }
  if (const json* v = get_field(o, "maxQueue"); v && v->is_number()) {
    double n = v->get<double>();
    if (n >= 1 && n <= 10000) next.max_queue = static_cast<size_t>(n);
    else problems += "maxQueue must be from 1 to 10000; ";
  }
  if (const json* s = get_field(o, "sdk"); s && s->is_object()) {
    next.sdk_name = truncate_utf8(get_string(*s, "name", next.sdk_name), 100);
    next.sdk_version = truncate_utf8(get_string(*s, "version", next.sdk_version), 50);
    if (get_field(*s, "integrations")) {
      next.sdk_integrations = string_list((*s)["integrations"]);
      if (next.sdk_integrations.size() > 64) next.sdk_integrations.resize(64);
      for (auto& i : next.sdk_integrations) i = truncate_utf8(i, 64);
    }
    if (const json* p = get_field(*s, "packages"); p && p->is_array()) {
      json packages = json::array();
      for (const auto& x : *p) {
        std::string name = truncate_utf8(get_string(x, "name"), 100), version = truncate_utf8(get_string(x, "version"), 50);
        if (!name.empty() && !version.empty() && packages.size() < 16) packages.push_back(json{{"name", name}, {"version", version}});
      }
      next.sdk_packages = std::move(packages);
    }
  }
  if (const json* v = get_field(o, "sampleRate"); v && !v->is_null()) {
    double r = v->is_number() ? v->get<double>() : -1;
    if (r > 0 && r <= 1) next.sample_rate = r;
    else if (r != 0) problems += "sampleRate must be a number from 0 to 1; ";  // 0 sends nothing: no event to weigh
  }
  if (const json* v = get_field(o, "grouping"); v && !v->is_null()) {
    std::string m = v->is_string() ? v->get<std::string>() : std::string();
    if (m == "client") next.grouping_mode = GroupingMode::Client;
    else if (m == "server") next.grouping_mode = GroupingMode::Server;
    else if (m == "auto") next.grouping_mode = GroupingMode::Auto;
    else problems += "grouping must be 'client', 'server' or 'auto'; ";
  }

  bool agg_changed = next.aggregation.window_ms != opts_.aggregation.window_ms ||
                     next.aggregation.per_group_budget != opts_.aggregation.per_group_budget ||
                     next.aggregation.max_groups != opts_.aggregation.max_groups;
  if (agg_changed) {
    // Counted repeats are never lost to a reconfiguration: report them first.
    for (const auto& r : aggregator_.take_reports(0, true)) {
      json ev = build_summary_event(r);
      enqueue(get_string(ev, "event_id"), dump_json(ev), r.count);
    }
    aggregator_ = Aggregator(next.aggregation);
  }
  opts_ = std::move(next);
  signature_cache_.clear();  // grouping options may have changed
  crumbs_.set_capacity(opts_.max_breadcrumbs);
  scrubber_ = Scrubber(opts_.scrub);
  options_error_ = problems;
  if (!problems.empty()) {
    problems.resize(problems.size() - 2);
    return dump_json(error_result(problems));
  }
  return dump_json(ok_result());
}

std::string Client::set_scope(std::string_view patch_json) {
  if (!fits_in_heap_(patch_json.size())) {
    ++scope_cut_;
    return dump_json(error_result("out of memory: scope patch refused"));
  }
  json p = parse_json(patch_json);
  if (p.is_discarded()) return dump_json(error_result("scope patch is not valid JSON"));
  std::string problems = scopes_.current().apply_patch(p, &scope_cut_);
  return dump_json(problems.empty() ? ok_result() : error_result(problems));
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
  json crumb = json::object();
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
  if (bytes > kMaxCrumbBytes && crumb.contains("data")) {
    crumb.erase("data");
    bytes = dump_json(crumb).size();
  }
  if (bytes > kMaxCrumbBytes && crumb.contains("message")) {
    crumb["message"] = truncate_utf8(crumb["message"].get_ref<const std::string&>(), kMaxCrumbBytes / 2);
    bytes = dump_json(crumb).size();
  }
  crumbs_.push(std::move(crumb), bytes);
  return dump_json(ok_result());
}

bool Client::count_repeat(std::string_view fingerprint, double ts) {
  if (!std::isfinite(ts) || ts <= 0 || ts > 253402300799.0) ts = wall_clock_seconds();
  if (!aggregator_.count_if_repeat(fingerprint, ts * 1000.0)) return false;
  last_timestamp_ = ts;
  ++captured_;
  ++aggregated_;
  return true;
}

void Client::read_input(const json& in, std::string_view oob_stacks, Input& x, bool count_drops) {
  uint64_t sig = 0xCBF29CE484222325ULL;
  auto mix = [&sig](std::string_view t) {
    for (unsigned char ch : t) sig = (sig ^ ch) * 0x100000001B3ULL;
    sig = (sig ^ 0xFF) * 0x100000001B3ULL;  // separator
  };
  const json* exc = get_field(in, "exceptions");
  if (exc && exc->is_array()) {
    for (const auto& e : *exc) {
      // This entry's segment of the out-of-band stacks (consumed whatever the entry holds).
      const size_t end = std::min(oob_stacks.find('\0'), oob_stacks.size());
      const std::string_view segment = oob_stacks.substr(0, end);
      oob_stacks.remove_prefix(end < oob_stacks.size() ? end + 1 : end);
      if (x.chain.size() >= opts_.max_chain) {
        if (count_drops) count_drop("chain_truncated");
        break;
      }
      if (!e.is_object()) continue;
      ExceptionInput ex;
      ex.type = text_field(e, "type", 256);
      ex.value = text_field(e, "value", opts_.limits.max_value_length);
      std::string stack = get_string(e, "stack");
      if (stack.empty()) stack = std::string(segment.substr(0, opts_.max_stack_bytes));
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
      const json* m = get_field(e, "mechanism");
      x.mechanisms.push_back(m && m->is_object() ? *m : json::object());
      const json* p = get_field(e, "parent");
      x.parents.push_back(p && p->is_number_unsigned() ? *p : json());
      for (std::string_view part : {std::string_view(ex.type), std::string_view(ex.value), std::string_view(stack),
                                    std::string_view(stacktrace), std::string_view(ex.filename), std::string_view(ex.request)})
        mix(part);
      mix(std::to_string(x.pops.back()) + (ex.synthetic ? "s" : "e") + std::to_string(ex.lineno));
      x.stacks.push_back(std::move(stack));
      x.stacktraces.push_back(std::move(stacktrace));
      x.chain.push_back(std::move(ex));
    }
  }
  // A message may come with a synthetic exception holding the stack of its call (attachStacktrace):
  // the event then has both, as @sentry/browser sends it.
  x.is_message = x.chain.empty();
  x.message = text_field(in, "message", opts_.limits.max_value_length);
  if (x.is_message && x.message.empty()) x.message = "<empty capture>";

  x.scope = scopes_.current();  // copy: per-call data must not leak into the scope
  Scope& scope = x.scope;
  if (const json* s = get_field(in, "scope"); s && s->is_object()) scope.apply_patch(*s);
  if (const json* t = get_field(in, "tags"); t && t->is_object()) scope.apply_patch(json{{"tags", *t}});  // stringifies
  merge_bag(scope.extra, get_field(in, "extra"));
  merge_bag(scope.contexts, get_field(in, "contexts"));
  if (const json* u = get_field(in, "user"); u && u->is_object()) merge_bag(scope.user, u);
  x.user_fp = scope.fingerprint;
  if (const json* f = get_field(in, "fingerprint"); f && f->is_array()) x.user_fp = string_list(*f);

  mix(x.is_message ? x.message : std::string_view("exception"));
  for (const auto& f : x.user_fp) mix(f);
  x.sig = sig;
}

void Client::group_input(Input& x, GroupingResult& g) const {
  for (size_t k = 0; k < x.chain.size(); ++k) {
    ExceptionInput& ex = x.chain[k];
    if (!x.stacks[k].empty() || !x.stacktraces[k].empty()) ex.frames = parse_stack(x.stacks[k], ex.value, x.stacktraces[k]).frames;
    // React's framesToPop: the innermost N frames belong to an invariant() helper, not the bug.
    if (x.pops[k]) ex.frames.resize(ex.frames.size() > x.pops[k] ? ex.frames.size() - x.pops[k] : 0);
    resolve_frames(ex.frames);
  }
  g = x.is_message ? compute_message_grouping(x.message, opts_.grouping) : compute_grouping(x.chain, opts_.grouping);
}

// Frames of a bundle with a symbol table get their original function and file first, so that
// classification sees the original file (a dependency inside the app's bundle is not in-app);
// a source in the map's ignore list is not in-app either, whatever the URL says.
void Client::resolve_frames(std::vector<Frame>& frames) const {
  std::vector<size_t> ignored;
  if (!tables_.empty()) {
    for (size_t i = 0; i < frames.size(); ++i) {
      Frame& f = frames[i];
      auto t = tables_.find(f.abs_path.empty() ? f.filename : f.abs_path);
      if (t == tables_.end() || f.lineno < 1 || f.colno < 1) continue;
      SymbolLookup r = lookup_symbol(t->second, static_cast<uint32_t>(f.lineno - 1), static_cast<uint32_t>(f.colno - 1));
      if (!r.resolved) continue;
      f.original_file = std::move(r.file);
      f.original_function = std::move(r.function);
      f.resolved = true;
      if (r.ignored) ignored.push_back(i);
    }
  }
  classify_frames(frames, opts_.grouping);
  for (size_t i : ignored) frames[i].in_app = false;
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

json Client::base_event(const std::string& event_id, double ts, const std::string& level) const {
  json ev = json::object();
  ev["event_id"] = event_id;
  ev["timestamp"] = ts;
  ev["platform"] = "javascript";
  ev["level"] = level;
  json sdk = json::object();
  sdk["name"] = opts_.sdk_name;
  sdk["version"] = opts_.sdk_version;
  if (!opts_.sdk_integrations.empty()) sdk["integrations"] = opts_.sdk_integrations;
  sdk["packages"] = opts_.sdk_packages.is_array() && !opts_.sdk_packages.empty()
                        ? opts_.sdk_packages
                        : json::array({json{{"name", "npm:faultline"}, {"version", opts_.sdk_version}}});
  // As @sentry/browser: without this, Relay stores the sender's IP address as user.ip_address on
  // every `javascript` event ("legacy" inference). Only sendDefaultPii lets it infer the IP.
  sdk["settings"] = json{{"infer_ip", opts_.send_default_pii ? "auto" : "never"}};
  ev["sdk"] = std::move(sdk);
  if (!opts_.release.empty()) ev["release"] = opts_.release;
  if (!opts_.environment.empty()) ev["environment"] = opts_.environment;
  if (!opts_.dist.empty()) ev["dist"] = opts_.dist;
  return ev;
}

namespace {
// The tag a Sentry user can search and chart occurrence counts by (`faultline.repeats:100-999`).
std::string repeats_bucket(uint64_t n) {
  if (n <= 1) return "1";
  uint64_t lo = 1;
  while (lo * 10 <= n && lo < 100000) lo *= 10;
  if (lo < 10) return "2-9";
  if (lo >= 100000) return "100000+";
  return std::to_string(lo) + "-" + std::to_string(lo * 10 - 1);
}
}  // namespace

void Client::add_count(json& ev, uint64_t count, double first_seen, double last_seen, bool summary, bool evicted) const {
  if (count < 1) count = 1;
  json& contexts = ev["contexts"];
  if (!contexts.is_object()) contexts = json::object();
  json& fl = contexts["faultline"];
  if (!fl.is_object()) fl = json::object();
  fl["type"] = "faultline";
  fl["count"] = count;
  fl["first_seen"] = first_seen;
  fl["last_seen"] = last_seen;
  fl["summary"] = summary;
  if (summary) fl["evicted"] = evicted;
  // Sentry's error upsampling (getsentry/sentry#93003, #94376): for projects where it is enabled,
  // an event weighs 1 / contexts.error_sampling.client_sample_rate in issue counts, graphs and
  // alerts. This event stands for `count` occurrences, each kept with probability sampleRate.
  const double rate = opts_.sample_rate / static_cast<double>(count);
  if (rate < 1.0) contexts["error_sampling"] = json{{"type", "error_sampling"}, {"client_sample_rate", rate}};
  if (count > 1) {  // a single occurrence needs no tag: `!has:faultline.repeats` finds those
    json& tags = ev["tags"];
    if (!tags.is_object()) tags = json::object();
    tags["faultline.repeats"] = repeats_bucket(count);
  }
}

json Client::build_event(const json& in, const Input& x, const GroupingResult& g, const std::string& fingerprint,
                         const std::vector<std::string>& wire_fp, const std::string& event_id, double ts, double crumbs_until) {
  const Scope& scope = x.scope;
  std::string level = get_string(in, "level");
  if (!is_valid_level(level)) level = scope.level.empty() ? (x.message.empty() ? "error" : "info") : scope.level;
  json ev = base_event(event_id, ts, level);

  if (x.is_message) {
    // As @sentry/browser sends it: `message`, and for a parameterize`...` template also `logentry`
    // with the template and its values.
    ev["message"] = x.message;
    if (const json* t = get_field(in, "template"); t && t->is_object()) {
      std::string tm = text_field(*t, "message", opts_.limits.max_value_length);
      const json* params = get_field(*t, "params");
      if (!tm.empty()) ev["logentry"] = json{{"message", tm}, {"params", params && params->is_array() ? *params : json::array()}};
    }
  } else {
    json values = json::array();
    // Sentry wants the thrown error last; exception_id 0 is the last value, 1 the one before, ...
    for (size_t k = x.chain.size(); k-- > 0;) {
      const ExceptionInput& ex = x.chain[k];
      json v = json::object();
      if (!ex.type.empty() || x.message.empty()) v["type"] = ex.type.empty() ? std::string("Error") : ex.type;  // a message's stack has no type
      v["value"] = ex.value;
      if (!ex.frames.empty()) v["stacktrace"] = json{{"frames", frames_to_json(ex.frames)}};
      json mech = x.mechanisms[k];
      if (k == 0) {
        if (!mech.contains("type") || !mech["type"].is_string()) mech["type"] = "generic";
        if (!mech.contains("handled") || !mech["handled"].is_boolean()) mech["handled"] = true;
      } else {
        json m2 = json::object();
        m2["type"] = "chained";
        m2["source"] = mech.contains("source") && mech["source"].is_string() ? mech["source"] : json("cause");
        m2["handled"] = true;
        mech = std::move(m2);
      }
      if (mech.contains("data") && !mech["data"].is_object()) mech.erase("data");
      if (x.chain.size() > 1) mech["exception_id"] = k;  // as Sentry: ids only where there is a tree of exceptions
      if (k > 0) mech["parent_id"] = x.parents[k].is_number_unsigned() && x.parents[k].get<size_t>() < k ? x.parents[k].get<size_t>() : k - 1;
      if (ex.type == "AggregateError") mech["is_exception_group"] = true;
      if (ex.synthetic) mech["synthetic"] = true;
      v["mechanism"] = std::move(mech);
      values.push_back(std::move(v));
    }
    ev["exception"] = json{{"values", std::move(values)}};
    if (!x.message.empty()) ev["message"] = x.message;
    add_debug_meta(ev, in, x);
  }

  json crumbs = crumbs_.to_json();
  if (crumbs_until > 0) {
    // A summary is built later than its last occurrence: only the crumbs that preceded it.
    json kept = json::array();
    for (auto& c : crumbs)
      if (get_number(c, "timestamp", 0) <= crumbs_until) kept.push_back(std::move(c));
    crumbs = std::move(kept);
  }
  if (!crumbs.empty()) ev["breadcrumbs"] = std::move(crumbs);  // an array, as @sentry/browser sends them

  json contexts = scope.contexts;
  for (auto it = contexts.begin(); it != contexts.end();) {
    if (!it->is_object() || it.key() == "faultline" || it.key() == "error_sampling") it = contexts.erase(it);  // every context must be an object; ours are set below
    else ++it;
  }
  json fl = json::object();
  fl["type"] = "faultline";
  fl["fingerprint"] = fingerprint;
  fl["grouping"] = g.parts;
  // The parts show parameterized text, in which digits of a secret became placeholders that the
  // scrubber can no longer recognise ("Bearer abc<num>def"); when scrubbing changes a message, its
  // parts are computed again from the scrubbed text (the fingerprint stays the raw text's).
  if (!g.parts.is_null() && !g.parts.empty()) {
    if (x.is_message) {
      std::string scrubbed = scrubber_.scrub_text(x.message);
      if (scrubbed != x.message) fl["grouping"] = compute_message_grouping(scrubbed, opts_.grouping).parts;
    } else {
      std::vector<ExceptionInput> scrubbed = x.chain;
      bool changed = false;
      for (auto& e : scrubbed) {
        std::string v = scrubber_.scrub_text(e.value);
        if (v != e.value) e.value = std::move(v), changed = true;
      }
      if (changed) fl["grouping"] = compute_grouping(scrubbed, opts_.grouping).parts;
    }
  }
  // Bundles whose symbol table the SDK could not get in time for this event (it groups unresolved).
  if (const json* st = get_field(in, "symbols"); st && st->is_object()) {
    json states = json::object();
    for (auto it = st->begin(); it != st->end() && states.size() < 16; ++it)
      if (it->is_string()) states[truncate_utf8(it.key(), 2048)] = truncate_utf8(it->get_ref<const std::string&>(), 200);
    if (!states.empty()) fl["symbol_tables"] = std::move(states);
  }
  fl["grouping_mode"] = opts_.grouping_mode == GroupingMode::Client ? "client" : opts_.grouping_mode == GroupingMode::Server ? "server" : "auto";
  fl["fingerprint_sent"] = !wire_fp.empty();
  contexts["faultline"] = std::move(fl);
  ev["contexts"] = std::move(contexts);
  if (!scope.tags.empty()) ev["tags"] = scope.tags;
  if (!scope.extra.empty()) ev["extra"] = scope.extra;
  if (!scope.user.empty()) ev["user"] = scope.user;
  if (!scope.transaction.empty()) ev["transaction"] = scope.transaction;
  if (const json* r = get_field(in, "request"); r && r->is_object()) {
    json req = json::object();
    std::string url = text_field(*r, "url", 2048);
    if (!url.empty()) req["url"] = url;
    if (const json* h = get_field(*r, "headers"); h && h->is_object()) {
      json headers = json::object();
      for (auto it = h->begin(); it != h->end(); ++it)
        if (it->is_string()) headers[it.key()] = truncate_utf8(it->get_ref<const std::string&>(), 1024);
      if (!headers.empty()) req["headers"] = std::move(headers);
    }
    if (!req.empty()) ev["request"] = std::move(req);
  }
  if (!wire_fp.empty()) ev["fingerprint"] = wire_fp;
  return ev;
}

// Sentry's `debug_meta.images` for source maps, as @sentry/browser fills it: one
// {type: "sourcemap", code_file, debug_id} per file of the event's frames that registered a debug
// ID (the SDK passes the ids of the files in the capture's stacks as `debugIds`: URL -> id, from
// `_sentryDebugIds`). Sentry matches uploaded source maps to frames by it.
void Client::add_debug_meta(json& ev, const json& in, const Input& x) const {
  const json* ids = get_field(in, "debugIds");
  if (!ids || !ids->is_object() || ids->empty()) return;
  json images = json::array();
  std::vector<std::string> seen;
  for (const auto& ex : x.chain) {
    for (const auto& f : ex.frames) {
      const std::string& file = f.abs_path.empty() ? f.filename : f.abs_path;
      if (file.empty() || images.size() >= 32 || std::find(seen.begin(), seen.end(), file) != seen.end()) continue;
      const json* id = get_field(*ids, file.c_str());
      if (!id || !id->is_string() || id->get_ref<const std::string&>().empty() || id->get_ref<const std::string&>().size() > 64) continue;
      seen.push_back(file);
      images.push_back(json{{"type", "sourcemap"}, {"code_file", file}, {"debug_id", *id}});
    }
  }
  if (!images.empty()) ev["debug_meta"] = json{{"images", std::move(images)}};
}

// Normalizes and scrubs an event the same way whether it is a full event or a summary.
void Client::finish_event(json& ev) {
  for (const char* bag : {"extra", "contexts", "user", "request"})
    if (ev.contains(bag)) normalize_json(ev[bag], opts_.limits, 0);
  scrubber_.scrub_event(ev);
}

// The per-event byte budget: breadcrumbs go first, then extra, then contexts other than the ones
// that carry the count. False when the event still does not fit.
bool Client::fit_event(json& ev, std::string& payload) {
  payload = dump_json(ev);
  if (payload.size() > opts_.max_event_bytes) ++trimmed_events_;
  for (const char* shed : {"breadcrumbs", "extra", "contexts"}) {
    if (payload.size() <= opts_.max_event_bytes) break;
    if (!ev.contains(shed)) continue;
    if (shed[0] == 'c') {
      json keep = json::object();
      for (const char* k : {"faultline", "error_sampling"})
        if (ev[shed].contains(k)) keep[k] = ev[shed][k];
      ev[shed] = std::move(keep);
    } else {
      ev.erase(shed);
    }
    payload = dump_json(ev);
  }
  return payload.size() <= opts_.max_event_bytes;
}

std::string Client::capture(std::string_view input_json, std::string_view oob_stacks) {
  ++captured_;
  if (input_json.size() + oob_stacks.size() > opts_.max_input_bytes) {
    // Parsing would need several times this in memory; the SDK truncates long values before
    // they get here, so this is a last line of defence. Counted, never silent.
    count_drop("oversized_input");
    return dump_json(json{{"status", "dropped"}, {"reason", "oversized_input"},
                          {"error", "capture input larger than " + std::to_string(opts_.max_input_bytes) + " bytes"}});
  }
  if (!fits_in_heap_(input_json.size() + oob_stacks.size())) {
    count_drop("out_of_memory");
    return dump_json(json{{"status", "dropped"}, {"reason", "out_of_memory"}, {"error", "not enough heap left for this capture"}});
  }
  json in = parse_json(input_json);
  if (in.is_discarded() || !in.is_object()) {
    count_drop("invalid_input");
    return dump_json(json{{"status", "dropped"}, {"reason", "invalid_input"},
                          {"error", "capture input must be a JSON object"}});
  }

  double ts = get_number(in, "timestamp", 0);
  if (!std::isfinite(ts) || ts <= 0 || ts > 253402300799.0) ts = wall_clock_seconds();
  const double now_ms = ts * 1000.0;
  last_timestamp_ = ts;

  // 1. Read the input. Stacks are parsed only when needed: a repeat of an error seen before (same
  //    texts, same options) takes its fingerprint from the signature cache.
  Input x;
  read_input(in, oob_stacks, x, true);

  GroupingResult g;
  bool grouped = false;
  auto group_now = [&] {
    if (!grouped) group_input(x, g);
    grouped = true;
  };
  std::string fingerprint, title;
  std::vector<std::string> wire_fp;  // the event's `fingerprint` field (empty: the server groups)
  auto cached = signature_cache_.find(x.sig);
  if (cached != signature_cache_.end()) {
    fingerprint = cached->second.fingerprint;
    title = cached->second.title;
    wire_fp = cached->second.event_fingerprint;
  } else {
    group_now();
    fingerprint = x.user_fp.empty() ? g.fingerprint : apply_fingerprint_override(g, x.user_fp);
    title = g.title;
    wire_fp = wire_fingerprint(g, x.user_fp);
    if (signature_cache_.size() >= kSignatureCacheSize) signature_cache_.clear();
    signature_cache_.emplace(x.sig, Grouped{fingerprint, title, wire_fp});
  }

  // 2. Aggregation: repeats inside the window are counted, not built. The latest input is kept
  //    (bounded) so the group's summary can show this occurrence in full.
  if (aggregator_.record(fingerprint, title, now_ms, wire_fp) == Decision::Counted) {
    ++aggregated_;
    aggregator_.retain(fingerprint, input_json, oob_stacks);
    return "{\"status\":\"aggregated\",\"fingerprint\":\"" + fingerprint + "\"}";
  }
  aggregator_.retain(fingerprint, input_json, oob_stacks);
  group_now();

  // 3. Build the full event.
  std::string event_id = get_string(in, "event_id");
  if (!is_hex32(event_id)) event_id = rng_.hex32();
  json ev = build_event(in, x, g, fingerprint, wire_fp, event_id, ts, 0);
  add_count(ev, 1, ts, ts, false, false);
  finish_event(ev);
  std::string payload;
  if (!fit_event(ev, payload)) {
    count_drop("oversized_input");
    return dump_json(json{{"status", "dropped"}, {"reason", "oversized_input"}, {"error", "event larger than the per-event limit"}});
  }
  if (!enqueue(event_id, std::move(payload), 1))
    return dump_json(json{{"status", "dropped"}, {"reason", "queue_overflow"}, {"error", "the queue is full"}});
  return dump_json(json{{"status", "queued"}, {"event_id", event_id}, {"fingerprint", fingerprint}});
}

json Client::build_summary_event(const GroupReport& r) {
  const std::string event_id = rng_.hex32();
  double last = r.last_seen_ms / 1000.0;
  if (!(std::isfinite(last) && last > 0)) last = wall_clock_seconds();
  const double first = std::isfinite(r.first_seen_ms) && r.first_seen_ms > 0 ? r.first_seen_ms / 1000.0 : last;
  json ev;
  json in = r.retained_json.empty() ? json() : parse_json(r.retained_json);
  if (in.is_object()) {
    // The latest occurrence that reached the core as text, built like any event, at its time.
    Input x;
    read_input(in, r.retained_stacks, x, false);
    GroupingResult g;
    group_input(x, g);
    ev = build_event(in, x, g, r.fingerprint, r.event_fingerprint, event_id, last, last + 0.001);
    add_count(ev, r.count, first, last, true, r.evicted);
    finish_event(ev);
    std::string payload;
    if (fit_event(ev, payload)) {
      ++summaries_;
      return ev;
    }
    ev = json();  // too large even trimmed: the counts must still leave, with the group's identity
  }
  {
    // Nothing retained (over the byte budget, or an overflow report), or too large: the group's identity only.
    ev = base_event(event_id, last, "error");
    std::string title = r.title.empty() ? std::string("Repeated error") : r.title;
    ev["message"] = title;
    ev["contexts"] = json{{"faultline", json{{"type", "faultline"}, {"fingerprint", r.fingerprint}}}};
    if (!r.event_fingerprint.empty()) ev["fingerprint"] = r.event_fingerprint;
    add_count(ev, r.count, first, last, true, r.evicted);
    finish_event(ev);
  }
  ++summaries_;
  return ev;
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

json Client::envelope_header(const std::string& event_id, double now_ms) const {
  json h = json::object();
  if (!event_id.empty()) h["event_id"] = event_id;
  h["sent_at"] = iso8601(now_ms / 1000.0);
  h["sdk"] = json{{"name", opts_.sdk_name}, {"version", opts_.sdk_version}};
  if (opts_.has_dsn) h["dsn"] = opts_.dsn.to_string();
  return h;
}

std::string Client::drain(double now_ms, bool force, int max_events_per_envelope) {
  if (!std::isfinite(now_ms) || now_ms <= 0) now_ms = wall_clock_seconds() * 1000.0;
  for (const auto& r : aggregator_.take_reports(now_ms, force)) {
    json ev = build_summary_event(r);
    enqueue(get_string(ev, "event_id"), dump_json(ev), r.count);
  }
  size_t per = max_events_per_envelope < 1 ? 1 : static_cast<size_t>(max_events_per_envelope);
  if (per > 1000) per = 1000;
  json envelopes = json::array();
  while (!queue_.empty()) {
    std::vector<EnvelopeItem> items;
    json ids = json::array();
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
    json e = json::object();
    e["body"] = build_envelope(envelope_header(first_id, now_ms), items);
    e["event_ids"] = std::move(ids);
    e["occurrences"] = occurrences;
    sent_events_ += items.size();
    envelopes.push_back(std::move(e));
  }
  return dump_json(json{{"envelopes", std::move(envelopes)}});
}

std::string Client::client_report(std::string_view discarded_json, double now_ms) {
  std::map<std::pair<std::string, std::string>, uint64_t> totals;
  json d = parse_json(discarded_json);
  if (d.is_array()) {
    for (const auto& x : d) {
      std::string reason = get_string(x, "reason"), category = get_string(x, "category", "error");
      double q = get_number(x, "quantity", 0);
      if (reason.empty() || !(q >= 1) || q > 1e12) continue;
      totals[{truncate_utf8(reason, 64), truncate_utf8(category, 32)}] += static_cast<uint64_t>(q);
    }
  }
  for (const auto& [reason, n] : unreported_)
    if (n > 0) totals[{reason, "error"}] += n;
  unreported_.clear();
  if (totals.empty()) return {};
  json events = json::array();
  for (const auto& [key, n] : totals)
    events.push_back(json{{"reason", key.first}, {"category", key.second}, {"quantity", n}});
  if (!std::isfinite(now_ms) || now_ms <= 0) now_ms = wall_clock_seconds() * 1000.0;
  json report = json{{"timestamp", now_ms / 1000.0}, {"discarded_events", std::move(events)}};
  return build_envelope(envelope_header("", now_ms), {EnvelopeItem{"client_report", dump_json(report)}});
}

std::string Client::stats(size_t heap_bytes) const {
  json s = json::object();
  s["captured"] = captured_;
  s["queued"] = queued_;
  s["aggregated"] = aggregated_;
  s["sent_events"] = sent_events_;
  s["summaries"] = summaries_;
  s["queue_length"] = queue_.size();
  json d = json::object();
  for (const auto& [k, v] : dropped_) d[k] = v;
  s["dropped"] = std::move(d);
  s["groups"] = aggregator_.tracked_groups();
  s["aggregator_bytes"] = aggregator_.approx_memory_bytes();
  s["breadcrumbs"] = crumbs_.size();
  s["breadcrumb_bytes"] = crumbs_.bytes();
  s["queue_bytes"] = queue_bytes_;
  s["scope_values_cut"] = scope_cut_;
  s["events_trimmed"] = trimmed_events_;
  s["scope_depth"] = scopes_.depth();
  s["symbol_tables"] = tables_.size();
  s["dsn"] = opts_.has_dsn ? json(opts_.dsn.to_string()) : json();
  s["envelope_url"] = opts_.has_dsn ? json(opts_.dsn.envelope_url()) : json();
  if (!options_error_.empty()) s["options_error"] = options_error_;
  s["heap_bytes"] = static_cast<double>(heap_bytes);
  return dump_json(s);
}

std::string cli_parse_stack(std::string_view line_json) {
  json in = parse_json(line_json);
  if (in.is_discarded() || !in.is_object()) return dump_json(json{{"error", "input line is not a JSON object"}});
  const json* stack = get_field(in, "stack");
  if (!stack || !stack->is_string()) return dump_json(json{{"error", "missing string field \"stack\""}});
  ParsedStack p = parse_stack(stack->get_ref<const std::string&>(), get_string(in, "message"), get_string(in, "stacktrace"));
  return dump_json(json{{"frames", frames_to_json(p.frames)}});
}

std::string cli_fingerprint(std::string_view line_json, const std::function<void(std::vector<Frame>&)>& resolve) {
  json in = parse_json(line_json);
  if (in.is_discarded() || !in.is_object()) return dump_json(json{{"error", "input line is not a JSON object"}});
  const json* stack = get_field(in, "stack");
  if (stack && !stack->is_string() && !stack->is_null()) return dump_json(json{{"error", "field \"stack\" must be a string"}});
  ExceptionInput x;
  x.type = text_field(in, "type", 256);
  x.value = text_field(in, "value", 8192);
  if (x.type.empty() && x.value.empty() && !stack) return dump_json(json{{"error", "need at least one of \"type\", \"value\", \"stack\""}});
  if (stack && stack->is_string()) x.frames = parse_stack(stack->get_ref<const std::string&>(), x.value).frames;
  GroupingOptions opts;
  classify_frames(x.frames, opts);
  if (resolve) resolve(x.frames);  // after classification: an ignore-listed source clears in_app
  GroupingResult g = compute_grouping({x}, opts);
  return dump_json(json{{"fingerprint", g.fingerprint}, {"title", g.title}, {"frames", frames_to_json(x.frames)}, {"parts", g.parts}});
}

}  // namespace faultline
