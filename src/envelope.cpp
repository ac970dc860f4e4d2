#include "envelope.h"

namespace faultline {

std::string build_envelope(const json& header, const std::vector<EnvelopeItem>& items) {
  std::string out = dump_json(header);
  out += '\n';
  for (const auto& item : items) {
    json ih = empty_object();
    ih["type"] = item.type;
    ih["length"] = item.payload.size();
    if (item.type == "event" || item.type == "client_report") ih["content_type"] = "application/json";
    out += dump_json(ih);
    out += '\n';
    out += item.payload;
    out += '\n';
  }
  return out;
}

bool parse_envelope(std::string_view text, json& header, std::vector<EnvelopeItem>& items, std::string& error) {
  items.clear();
  size_t nl = text.find('\n');
  header = parse_json(text.substr(0, nl));
  if (header.is_discarded() || !header.is_object()) {
    error = "envelope header is not a JSON object";
    return false;
  }
  size_t pos = nl == std::string_view::npos ? text.size() : nl + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (line.empty()) continue;
    json ih = parse_json(line);
    if (ih.is_discarded() || !ih.is_object()) {
      error = "item header is not a JSON object";
      return false;
    }
    EnvelopeItem item;
    item.type = get_string(ih, "type");
    const json* len = get_field(ih, "length");
    if (len && len->is_number_unsigned()) {
      size_t n = len->get<size_t>();
      if (pos + n > text.size()) {
        error = "item length runs past the end of the envelope";
        return false;
      }
      item.payload = std::string(text.substr(pos, n));
      pos += n;
      if (pos < text.size() && text[pos] == '\n') ++pos;
    } else {
      size_t e = text.find('\n', pos);
      item.payload = std::string(text.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos));
      pos = e == std::string_view::npos ? text.size() : e + 1;
    }
    items.push_back(std::move(item));
  }
  return true;
}

}  // namespace faultline
