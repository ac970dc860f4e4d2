// Event building: the fields every event carries, full events from a capture, summary events
// from an aggregator report, the occurrence count, normalization, scrubbing and the byte budget.
#include "client.h"

#include <algorithm>
#include <cmath>

#include "frame.h"

namespace faultline {

namespace {
// Sets ev[key] to `value` unless it is empty: Sentry's events leave out what they do not know.
template <typename T>
void set_unless_empty(json& ev, const char* key, const T& value) {
  if (!value.empty()) ev[key] = value;
}
}  // namespace

json Client::base_event(const std::string& event_id, double ts, const std::string& level) const {
  json ev = empty_object();
  ev["event_id"] = event_id;
  ev["timestamp"] = ts;
  ev["platform"] = "javascript";
  ev["level"] = level;
  json sdk = empty_object();
  sdk["name"] = opts_.sdk_name;
  sdk["version"] = opts_.sdk_version;
  if (!opts_.sdk_integrations.empty()) sdk["integrations"] = opts_.sdk_integrations;
  json& packages = sdk["packages"] = opts_.sdk_packages;
  if (!packages.is_array() || packages.empty()) {
    packages = empty_array();
    packages.push_back(object_of({{"name", "npm:faultline"}, {"version", opts_.sdk_version}}));
  }
  // As @sentry/browser: without this, Relay stores the sender's IP address as user.ip_address on
  // every `javascript` event ("legacy" inference). Only sendDefaultPii lets it infer the IP.
  sdk["settings"] = object_of("infer_ip", opts_.send_default_pii ? "auto" : "never");
  set_unless_empty(ev, "release", opts_.release);
  set_unless_empty(ev, "environment", opts_.environment);
  set_unless_empty(ev, "dist", opts_.dist);
  ev["sdk"] = std::move(sdk);
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
  if (!contexts.is_object()) contexts = empty_object();
  json& fl = contexts["faultline"];
  if (!fl.is_object()) fl = empty_object();
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
  if (rate < 1.0) contexts["error_sampling"] = object_of({{"type", "error_sampling"}, {"client_sample_rate", rate}});
  if (count > 1) {  // a single occurrence needs no tag: `!has:faultline.repeats` finds those
    json& tags = ev["tags"];
    if (!tags.is_object()) tags = empty_object();
    tags["faultline.repeats"] = repeats_bucket(count);
  }
}

namespace {

// The mechanism of exception `k` of a chain (0: the thrown one, which keeps what the SDK said;
// the others are its causes), with the ids Sentry links a chain by.
json chain_mechanism(const json& given, const ExceptionInput& ex, size_t k, size_t chain_size, const json& parent) {
  json mech = given;
  if (k == 0) {
    const json* type = get_field(mech, "type");
    if (!type || !type->is_string()) mech["type"] = "generic";
    const json* handled = get_field(mech, "handled");
    if (!handled || !handled->is_boolean()) mech["handled"] = true;
  } else {
    const json* source = get_field(mech, "source");
    mech = object_of({{"type", "chained"}, {"source", source && source->is_string() ? *source : json("cause")}, {"handled", true}});
  }
  if (const json* data = get_field(mech, "data"); data && !data->is_object()) members(mech)->erase("data");
  if (chain_size > 1) mech["exception_id"] = k;  // as Sentry: ids only where there is a tree of exceptions
  if (k > 0) mech["parent_id"] = parent.is_number_unsigned() && parent.get<size_t>() < k ? parent.get<size_t>() : k - 1;
  if (ex.type == "AggregateError") mech["is_exception_group"] = true;
  if (ex.synthetic) mech["synthetic"] = true;
  return mech;
}

// The `request` interface from the capture's request object: url, method and string headers,
// bounded. (The method is kept here, with the input, so that a group's summary has it too.)
json request_interface(const json& in) {
  json req = empty_object();
  const json* r = get_field(in, "request");
  if (!r || !r->is_object()) return req;
  for (const char* key : {"url", "method"})
    if (std::string v = text_field(*r, key, 2048); !v.empty()) req[key] = v;
  if (const json* h = get_field(*r, "headers"); h && h->is_object()) {
    json headers = empty_object();
    for (const auto& [key, value] : *members(*h))
      if (value.is_string()) headers[key] = truncate_utf8(value.get_ref<const std::string&>(), 1024);
    if (!headers.empty()) req["headers"] = std::move(headers);
  }
  return req;
}

}  // namespace

json Client::exception_values(const Input& x) const {
  json values = empty_array();
  // Sentry wants the thrown error last; exception_id 0 is the last value, 1 the one before, ...
  for (size_t k = x.chain.size(); k-- > 0;) {
    const ExceptionInput& ex = x.chain[k];
    json v = empty_object();
    if (!ex.type.empty() || x.message.empty()) v["type"] = ex.type.empty() ? std::string("Error") : ex.type;  // a message's stack has no type
    v["value"] = ex.value;
    if (!ex.frames.empty()) v["stacktrace"] = object_of("frames", frames_to_json(ex.frames));
    v["mechanism"] = chain_mechanism(x.mechanisms[k], ex, k, x.chain.size(), x.parents[k]);
    values.push_back(std::move(v));
  }
  return object_of("values", std::move(values));
}

json Client::breadcrumbs_until(double until) const {
  json crumbs = crumbs_.to_json();
  if (until <= 0) return crumbs;
  // A summary is built later than its last occurrence: only the crumbs that preceded it.
  json kept = empty_array();
  for (json& c : *items(crumbs))
    if (get_number(c, "timestamp", 0) <= until) kept.push_back(std::move(c));
  return kept;
}

json Client::faultline_context(const json& in, const Input& x, const GroupingResult& g, const std::string& fingerprint,
                               bool fingerprint_sent) const {
  json fl = empty_object();
  fl["type"] = "faultline";
  fl["fingerprint"] = fingerprint;
  fl["grouping"] = g.parts;
  // The parts show parameterized text, in which digits of a secret became placeholders that the
  // scrubber can no longer recognise ("Bearer abc<num>def"); when scrubbing changes a message, its
  // parts are computed again from the scrubbed text (the fingerprint stays the raw text's).
  if (!g.parts.is_null() && !g.parts.empty()) {
    if (x.groups_as_message) {
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
    json states = empty_object();
    for (auto it = members(*st)->begin(); it != members(*st)->end() && states.size() < 16; ++it)
      if (it->second.is_string()) states[truncate_utf8(it->first, 2048)] = truncate_utf8(it->second.get_ref<const std::string&>(), 200);
    if (!states.empty()) fl["symbol_tables"] = std::move(states);
  }
  fl["grouping_mode"] = opts_.grouping_mode == GroupingMode::Client ? "client" : opts_.grouping_mode == GroupingMode::Server ? "server" : "auto";
  fl["fingerprint_sent"] = fingerprint_sent;
  return fl;
}

json Client::build_event(const json& in, const Input& x, const GroupingResult& g, const std::string& fingerprint,
                         const std::vector<std::string>& wire_fp, const std::string& event_id, double ts, double crumbs_until) {
  const Scope& scope = x.scope;
  // The input's level, else the scope's, else the input's default_level (an integration's event
  // that Sentry sends without a level, which Sentry then shows as error), else info for a message
  // (captureMessage) and error for an exception.
  std::string level = get_string(in, "level");
  if (!is_valid_level(level)) level = scope.level;
  if (level.empty()) level = get_string(in, "default_level");
  if (!is_valid_level(level)) level = x.message.empty() ? "error" : "info";
  json ev = base_event(event_id, ts, level);
  // As @sentry/browser sends it: `message`, and for a parameterize`...` template also `logentry`
  // with the template and its values (also for a message with its stack, attachStacktrace).
  if (x.is_message) {
    ev["message"] = x.message;
  } else {
    ev["exception"] = exception_values(x);
    if (!x.message.empty()) ev["message"] = x.message;
    add_debug_meta(ev, in, x);
  }
  if (const json* t = get_field(in, "template"); t && t->is_object() && !x.message.empty()) {
    std::string tm = text_field(*t, "message", opts_.limits.max_value_length);
    const json* params = get_field(*t, "params");
    if (!tm.empty()) ev["logentry"] = object_of({{"message", tm}, {"params", params && params->is_array() ? *params : empty_array()}});
  }
  json crumbs = breadcrumbs_until(crumbs_until);
  if (!crumbs.empty()) ev["breadcrumbs"] = std::move(crumbs);  // an array, as @sentry/browser sends them
  json contexts = scope.contexts;
  if (json::object_t* c = members(contexts))
    for (auto it = c->begin(); it != c->end();) {
      if (!it->second.is_object() || it->first == "faultline" || it->first == "error_sampling") it = c->erase(it);  // every context must be an object; ours are set below
      else ++it;
    }
  contexts["faultline"] = faultline_context(in, x, g, fingerprint, !wire_fp.empty());
  ev["contexts"] = std::move(contexts);
  set_unless_empty(ev, "tags", scope.tags);
  set_unless_empty(ev, "extra", scope.extra);
  set_unless_empty(ev, "user", scope.user);
  set_unless_empty(ev, "transaction", scope.transaction);
  if (json req = request_interface(in); !req.empty()) ev["request"] = std::move(req);
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
  json images = empty_array();
  std::vector<std::string> seen;
  for (const auto& ex : x.chain) {
    for (const auto& f : ex.frames) {
      const std::string& file = f.abs_path.empty() ? f.filename : f.abs_path;
      if (file.empty() || images.size() >= 32 || std::find(seen.begin(), seen.end(), file) != seen.end()) continue;
      const json* id = get_field(*ids, file.c_str());
      if (!id || !id->is_string() || id->get_ref<const std::string&>().empty() || id->get_ref<const std::string&>().size() > 64) continue;
      seen.push_back(file);
      images.push_back(object_of({{"type", "sourcemap"}, {"code_file", file}, {"debug_id", *id}}));
    }
  }
  if (!images.empty()) ev["debug_meta"] = object_of("images", std::move(images));
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
      json keep = empty_object();
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


json Client::build_summary_event(const GroupReport& r) {
  const std::string event_id = rng_.hex32();
  double last = r.last_seen_ms / 1000.0;
  if (!(std::isfinite(last) && last > 0)) last = wall_clock_seconds();
  const double first = std::isfinite(r.first_seen_ms) && r.first_seen_ms > 0 ? r.first_seen_ms / 1000.0 : last;
  json ev;
  json in = r.retained_json.empty() ? json() : parse_json(r.retained_json);
  if (in.is_object()) {
    // The latest occurrence that reached the core as text, built like any event, at its time, with
    // the scope of the group's last counted occurrence (the current one if none could be kept).
    Input x;
    read_input(in, r.retained_stacks, x, false, r.retained_scope ? &r.retained_scope->scope : nullptr);
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
    ev["contexts"] = object_of("faultline", object_of({{"type", "faultline"}, {"fingerprint", r.fingerprint}}));
    if (!r.event_fingerprint.empty()) ev["fingerprint"] = r.event_fingerprint;
    add_count(ev, r.count, first, last, true, r.evicted);
    finish_event(ev);
  }
  ++summaries_;
  return ev;
}


json Client::envelope_header(const std::string& event_id, double now_ms) const {
  json h = empty_object();
  if (!event_id.empty()) h["event_id"] = event_id;
  h["sent_at"] = iso8601(now_ms / 1000.0);
  h["sdk"] = object_of({{"name", opts_.sdk_name}, {"version", opts_.sdk_version}});
  if (opts_.has_dsn) h["dsn"] = opts_.dsn.to_string();
  return h;
}


}  // namespace faultline
