// The JSON reader's entry point and the JSON writer (see json.h for why the writer exists).
#include "json.h"

#include <cmath>

#include "text.h"

namespace faultline {

namespace {
int hex4(std::string_view t, size_t i) {
  if (i + 4 > t.size()) return -1;
  int v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    const int d = text::hex_value(t[k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}
}  // namespace

std::string replace_lone_surrogate_escapes(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  size_t i = 0;
  while (i < t.size()) {
    if (t[i] != '\\' || i + 1 >= t.size()) {
      out += t[i++];
      continue;
    }
    if (t[i + 1] != 'u') {  // another escape: copy both characters so "\\\\u" is not misread
      out.append(t.substr(i, 2));
      i += 2;
      continue;
    }
    int v = hex4(t, i + 2);
    if (v >= 0xD800 && v <= 0xDBFF) {
      int low = (i + 11 < t.size() && t[i + 6] == '\\' && t[i + 7] == 'u') ? hex4(t, i + 8) : -1;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        out.append(t.substr(i, 12));
        i += 12;
        continue;
      }
      out += "\\ufffd";
      i += 6;
      continue;
    }
    if (v >= 0xDC00 && v <= 0xDFFF) {
      out += "\\ufffd";
      i += 6;
      continue;
    }
    out.append(t.substr(i, 2));
    i += 2;
  }
  return out;
}

namespace {
// json::parse(first, last, nullptr, false) without what it never uses here: parse() instantiates
// both DOM builders, the plain one and the one for a parser callback (with its std::vector<bool>
// state stacks), and chooses between them at run time by the (always empty) callback. This drives
// nlohmann's parser with the plain builder only; json::sax_parse would instantiate the binary
// format readers (CBOR, MessagePack, ...) instead. Same grammar, strictness and result.
json parse_strict(const char* begin, const char* end) {
  using Input = nlohmann::detail::iterator_input_adapter<const char*>;
  json result;
  nlohmann::detail::json_sax_dom_parser<json> builder(result, /*allow_exceptions=*/false);
  const bool ok = nlohmann::detail::parser<json, Input>(Input(begin, end), nullptr, /*allow_exceptions=*/false)
                      .sax_parse(&builder, /*strict=*/true);
  if (!ok || builder.is_errored()) result = json(json::value_t::discarded);
  return result;
}
}  // namespace

json parse_json(std::string_view text) {
  const char* begin = text.data();
  json j = parse_strict(begin, begin + text.size());
  if (j.is_discarded() && text.find("\\u") != std::string_view::npos) {
    const std::string fixed = replace_lone_surrogate_escapes(text);
    j = parse_strict(fixed.data(), fixed.data() + fixed.size());
  }
  return j;
}

json parse_input_line(std::string_view line_json, const char* field, std::string& error) {
  json in = parse_json(line_json);
  if (in.is_discarded() || !in.is_object()) {
    error = dump_json(json{{"error", "input line is not a JSON object"}});
    return json(json::value_t::discarded);
  }
  const json* value = get_field(in, field);
  if (!value || !value->is_string()) {
    error = dump_json(json{{"error", "missing string field \"" + std::string(field) + "\""}});
    return json(json::value_t::discarded);
  }
  return in;
}

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode 15, table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one. On 0, `*bad` is how many
// bytes the replacement character stands for: the invalid lead byte, or the valid start of a
// sequence cut short (its next byte is read again), as nlohmann's replace handler counts them.
size_t utf8_sequence(std::string_view s, size_t i, size_t* bad) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b >= 0xC2 && b <= 0xDF) need = 1;
  else if (b == 0xE0) need = 2, lo = 0xA0;
  else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) need = 2;
  else if (b == 0xED) need = 2, hi = 0x9F;
  else if (b == 0xF0) need = 3, lo = 0x90;
  else if (b >= 0xF1 && b <= 0xF3) need = 3;
  else if (b == 0xF4) need = 3, hi = 0x8F;
  else {
    *bad = 1;
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) {
      *bad = k;
      return 0;
    }
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
      *bad = k;
      return 0;
    }
  }
  return need + 1;
}

void write_string(std::string_view s, std::string& out) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t bad = 0;
      const size_t n = utf8_sequence(s, i, &bad);
      if (n) out.append(s.data() + i, n), i += n;
      else out += "\xEF\xBF\xBD", i += bad;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          const char esc[6] = {'\\', 'u', '0', '0', text::kHexDigits[c >> 4], text::kHexDigits[c & 15]};
          out.append(esc, 6);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void write_unsigned(uint64_t v, std::string& out) {
  char digits[20];
  size_t n = 0;
  do digits[n++] = static_cast<char>('0' + v % 10), v /= 10;
  while (v);
  while (n) out += digits[--n];
}

void write_number(const json& v, std::string& out) {
  if (v.is_number_unsigned()) return write_unsigned(v.get<uint64_t>(), out);
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < 0) out += '-';
    return write_unsigned(i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i), out);
  }
  const double d = v.get<double>();
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  // nlohmann's shortest round-trip formatting (Grisu2), the one its serializer uses: no printf.
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

void write_json(const json& value, std::string& out) {
  switch (value.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        write_string(it.key(), out);
        out += ':';
        write_json(*it, out);
      }
      out += '}';
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        write_json(item, out);
      }
      out += ']';
      return;
    }
    case json::value_t::string: return write_string(value.get_ref<const std::string&>(), out);
    case json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return write_number(value, out);
    case json::value_t::discarded: out += "<discarded>"; return;  // as nlohmann writes it
    case json::value_t::binary:  // never built by the core (no binary formats are read)
    case json::value_t::null: out += "null"; return;
  }
}

}  // namespace faultline
