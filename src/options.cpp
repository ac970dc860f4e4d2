// Client options: reading the options JSON the SDK hands over (Client::configure). Each reader
// takes the fields of one topic, keeps the previous value of a field that is absent, and appends
// what it refuses to `problems` ("...; "), so one bad option never discards the others.
#include "client.h"

namespace faultline {
namespace {

void read_identity(const json& o, ClientOptions& next, std::string& problems) {
  if (const json* dsn = get_field(o, "dsn")) {
    if (dsn->is_null() || (dsn->is_string() && dsn->get_ref<const std::string&>().empty())) {
      next.has_dsn = false;
    } else if (dsn->is_string()) {
      DsnResult r = parse_dsn(dsn->get_ref<const std::string&>());
      next.has_dsn = r.ok;
      if (r.ok) next.dsn = r.dsn;
      else problems += r.error + "; ";
    } else {
      problems += "invalid DSN: must be a string; ";
    }
  }
  if (get_field(o, "release")) next.release = truncate_utf8(get_string(o, "release"), 200);
  if (get_field(o, "environment")) next.environment = truncate_utf8(get_string(o, "environment"), 64);
  if (get_field(o, "dist")) next.dist = truncate_utf8(get_string(o, "dist"), 64);
  next.send_default_pii = get_bool(o, "sendDefaultPii", next.send_default_pii);
}

void read_grouping_and_scrubbing(const json& o, ClientOptions& next, std::string& problems) {
  if (const json* v = get_field(o, "inAppInclude")) next.grouping.in_app_include = string_list(*v);
  if (const json* v = get_field(o, "inAppExclude")) next.grouping.in_app_exclude = string_list(*v);
  if (const json* v = get_field(o, "firstPartyOrigins")) next.grouping.first_party_origins = string_list(*v);
  // Where the SDK's own modules are served from (js/client.js sdkUrls): their frames are not in-app.
  if (const json* v = get_field(o, "sdkUrls")) {
    next.grouping.sdk_markers = GroupingOptions{}.sdk_markers;
    for (auto& u : string_list(*v))
      if (u.size() >= 8) next.grouping.sdk_markers.push_back(u);
  }
  if (const json* s = get_field(o, "scrub"); s && s->is_object()) {
    if (const json* v = get_field(*s, "keys")) next.scrub.extra_keys = string_list(*v);
    if (const json* v = get_field(*s, "patterns")) next.scrub.extra_patterns = string_list(*v);
    if (const json* v = get_field(*s, "safeKeys")) next.scrub.safe_keys = string_list(*v);
  }
  next.scrub.send_default_pii = next.send_default_pii;
}

// A number option within [lo, hi], or the problem `why` when present and outside.
template <typename T>
void read_bounded(const json& o, const char* key, double lo, double hi, T& target, const char* why, std::string& problems) {
  const json* v = get_field(o, key);
  if (!v || !v->is_number()) return;
  const double n = v->get<double>();
  if (n >= lo && n <= hi) target = static_cast<T>(n);
  else problems += why;
}

void read_limits(const json& o, ClientOptions& next, std::string& problems) {
  if (const json* v = get_field(o, "maxBreadcrumbs")) {
    double n = v->is_number() ? v->get<double>() : -1;
    if (n >= 0 && n <= BreadcrumbBuffer::kMaxCapacity) next.max_breadcrumbs = static_cast<size_t>(n);
    else problems += "maxBreadcrumbs must be a number from 0 to 1000; ";
  }
  if (const json* a = get_field(o, "aggregation"); a && a->is_object()) {
    double w = get_number(*a, "windowMs", next.aggregation.window_ms);
    double b = get_number(*a, "perGroupBudget", next.aggregation.per_group_budget);
    double g = get_number(*a, "maxGroups", static_cast<double>(next.aggregation.max_groups));
    if (w >= 0 && w <= 86400000) next.aggregation.window_ms = w; else problems += "aggregation.windowMs out of range; ";
    if (b >= 1 && b <= 1000) next.aggregation.per_group_budget = static_cast<uint32_t>(b); else problems += "aggregation.perGroupBudget out of range; ";
    if (g >= 1 && g <= 100000) next.aggregation.max_groups = static_cast<size_t>(g); else problems += "aggregation.maxGroups out of range; ";
  }
  read_bounded(o, "maxValueLength", 16, 1 << 20, next.limits.max_value_length, "maxValueLength must be from 16 to 1048576; ", problems);
  read_bounded(o, "normalizeDepth", 1, 32, next.limits.max_depth, "normalizeDepth must be from 1 to 32; ", problems);
  read_bounded(o, "maxQueue", 1, 10000, next.max_queue, "maxQueue must be from 1 to 10000; ", problems);
}

void read_sdk(const json& o, ClientOptions& next, std::string& problems) {
  if (const json* s = get_field(o, "sdk"); s && s->is_object()) {
    next.sdk_name = truncate_utf8(get_string(*s, "name", next.sdk_name), 100);
    next.sdk_version = truncate_utf8(get_string(*s, "version", next.sdk_version), 50);
    if (const json* v = get_field(*s, "integrations")) {
      next.sdk_integrations = string_list(*v);
      if (next.sdk_integrations.size() > 64) next.sdk_integrations.resize(64);
      for (auto& i : next.sdk_integrations) i = truncate_utf8(i, 64);
    }
    if (const json* p = get_field(*s, "packages"); p && p->is_array()) {
      json packages = empty_array();
      for (const json& x : *items(*p)) {
        std::string name = truncate_utf8(get_string(x, "name"), 100), version = truncate_utf8(get_string(x, "version"), 50);
        if (!name.empty() && !version.empty() && packages.size() < 16) packages.push_back(object_of({{"name", name}, {"version", version}}));
      }
      next.sdk_packages = std::move(packages);
    }
  }
  if (const json* v = get_field(o, "sampleRate"); v && !v->is_null()) {
    double r = v->is_number() ? v->get<double>() : -1;
    if (r > 0 && r <= 1) next.sample_rate = r;
    else if (r != 0) problems += "sampleRate must be a number from 0 to 1; ";  // 0 sends nothing: no event to weigh
  }
}

void read_grouping_mode(const json& o, ClientOptions& next, std::string& problems) {
  if (const json* v = get_field(o, "grouping"); v && !v->is_null()) {
    std::string m = v->is_string() ? v->get<std::string>() : std::string();
    if (m == "client") next.grouping_mode = GroupingMode::Client;
    else if (m == "server") next.grouping_mode = GroupingMode::Server;
    else if (m == "auto") next.grouping_mode = GroupingMode::Auto;
    else problems += "grouping must be 'client', 'server' or 'auto'; ";
  }
}

}  // namespace

std::string read_client_options(const json& o, ClientOptions& next) {
  std::string problems;
  read_identity(o, next, problems);
  read_grouping_and_scrubbing(o, next, problems);
  read_limits(o, next, problems);
  read_sdk(o, next, problems);
  read_grouping_mode(o, next, problems);
  if (!problems.empty()) problems.resize(problems.size() - 2);
  return problems;
}

std::string Client::configure(std::string_view options_json) {
  json o = parse_json(options_json);
  if (o.is_discarded() || !o.is_object()) {
    options_error_ = "options must be a JSON object";
    return dump_json(error_result(options_error_));
  }
  ClientOptions next = opts_;
  std::string problems = read_client_options(o, next);
  const bool aggregation_changed = next.aggregation.window_ms != opts_.aggregation.window_ms ||
                                   next.aggregation.per_group_budget != opts_.aggregation.per_group_budget ||
                                   next.aggregation.max_groups != opts_.aggregation.max_groups;
  if (aggregation_changed) {
    queue_summaries(0, true);  // counted repeats are never lost to a reconfiguration: report them first
    aggregator_ = Aggregator(next.aggregation);
  }
  opts_ = std::move(next);
  signature_cache_.clear();  // grouping options may have changed
  crumbs_.set_capacity(opts_.max_breadcrumbs);
  scrubber_ = Scrubber(opts_.scrub);
  options_error_ = problems;
  return dump_json(problems.empty() ? ok_result() : error_result(problems));
}

}  // namespace faultline
