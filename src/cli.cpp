// One-shot helpers behind `faultline parse-stack` and `faultline fingerprint` (client.h).
#include "client.h"

#include "frame.h"
#include "stack_parser.h"

namespace faultline {

std::string cli_parse_stack(std::string_view line_json) {
  std::string error;
  const json in = parse_input_line(line_json, "stack", error);
  if (!error.empty()) return error;
  ParsedStack p = parse_stack(get_field(in, "stack")->get_ref<const std::string&>(), get_string(in, "message"), get_string(in, "stacktrace"));
  return dump_json(json{{"frames", frames_to_json(p.frames)}});
}

std::string cli_fingerprint(std::string_view line_json, const SymbolTableOf& table_of) {
  json in = parse_json(line_json);
  if (in.is_discarded() || !in.is_object()) return dump_json(json{{"error", "input line is not a JSON object"}});
  const json* stack = get_field(in, "stack");
  if (stack && !stack->is_string() && !stack->is_null()) return dump_json(json{{"error", "field \"stack\" must be a string"}});
  ExceptionInput x;
  x.type = text_field(in, "type", 256);
  x.value = text_field(in, "value", 8192);
  const json* dom = get_field(in, "dom");
  if (dom && !dom->is_boolean() && !dom->is_null()) return dump_json(json{{"error", "field \"dom\" must be true or false"}});
  x.not_dom_exception = dom && dom->is_boolean() && !dom->get<bool>();
  const json* ptc = get_field(in, "ptc");
  if (ptc && !ptc->is_boolean() && !ptc->is_null()) return dump_json(json{{"error", "field \"ptc\" must be true or false"}});
  x.proper_tail_calls = ptc && ptc->is_boolean() && ptc->get<bool>();
  if (x.type.empty() && x.value.empty() && !stack) return dump_json(json{{"error", "need at least one of \"type\", \"value\", \"stack\""}});
  if (stack && stack->is_string()) x.frames = parse_stack(stack->get_ref<const std::string&>(), x.value).frames;
  GroupingOptions opts;
  resolve_and_classify(x.frames, table_of, opts);  // resolved first, as in the page
  GroupingResult g = compute_grouping({x}, opts);
  return dump_json(json{{"fingerprint", g.fingerprint}, {"title", g.title}, {"frames", frames_to_json(x.frames)}, {"parts", g.parts}});
}


}  // namespace faultline
