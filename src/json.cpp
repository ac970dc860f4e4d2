// The JSON reader's entry point and the JSON writer (see json.h for why the writer exists).
#include "json.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "text.h"

namespace faultline {

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

// The JSON reader: RFC 8259 text into nlohmann's DOM, without nlohmann's lexer and parser (their
// code, their parse-error texts and their std::vector<bool> state stack were 14 KB of the WASM
// module). It accepts exactly what json::parse(text, nullptr, false) accepts, with the same values
// (tests/native/test_json.cpp compares the two on random texts), and one addition: an unpaired
// UTF-16 surrogate escape, which JSON.stringify writes for a lone surrogate ("\ud800") and
// nlohmann rejects, reads as U+FFFD. nlohmann's quirks kept: a UTF-8 byte order mark at the start
// is skipped, and a NUL byte after the complete value ends the text (its lexer reads NUL as the
// end of input). Nesting depth is bounded by memory only: the reader keeps its open containers in
// a vector, never on the call stack, so a deeply nested text cannot overflow the WASM stack.
class Reader {
 public:
  Reader(const char* begin, const char* end) : p_(begin), end_(end) {}

  bool read(json& root) {
    if (p_ < end_ && static_cast<unsigned char>(*p_) == 0xEF) {  // a byte order mark, or nothing
      if (end_ - p_ < 3 || static_cast<unsigned char>(p_[1]) != 0xBB || static_cast<unsigned char>(p_[2]) != 0xBF)
        return false;
      p_ += 3;
    }
    std::vector<json*> open;  // the containers being read, innermost last
    json* slot = &root;       // where the next value goes
    for (;;) {
      // A value into *slot.
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        ++p_;
        *slot = c == '{' ? json(json::value_t::object) : json(json::value_t::array);
        skip_space();
        if (p_ < end_ && *p_ == (c == '{' ? '}' : ']')) {
          ++p_;
        } else {
          open.push_back(slot);
          slot = next_slot(*slot);
          if (!slot) return false;
          continue;
        }
      } else if (c == '"') {
        std::string s;
        ++p_;
        if (!read_string(s)) return false;
        *slot = std::move(s);
      } else if (c == '-' || text::is_digit(c)) {
        if (!read_number(*slot)) return false;
      } else if (literal("true")) {
        *slot = true;
      } else if (literal("false")) {
        *slot = false;
      } else if (literal("null")) {
        *slot = nullptr;  // (the slot of a repeated key holds the earlier value)
      } else {
        return false;
      }
      // After a value: a separator and the next slot, or the end of containers.
      for (;;) {
        skip_space();
        if (open.empty()) return p_ == end_ || *p_ == '\0';
        if (p_ == end_) return false;
        json& top = *open.back();
        if (*p_ == ',') {
          ++p_;
          slot = next_slot(top);
          if (!slot) return false;
          break;
        }
        if (*p_ != (top.is_object() ? '}' : ']')) return false;
        ++p_;
        open.pop_back();
      }
    }
  }

 private:
  const char* p_;
  const char* end_;

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  // The place of the next member of `container` (for an object, after reading `"key":`).
  json* next_slot(json& container) {
    if (container.is_array()) {
      auto& items = container.get_ref<json::array_t&>();
      items.emplace_back();
      return &items.back();
    }
    skip_space();
    std::string key;
    if (p_ == end_ || *p_++ != '"' || !read_string(key)) return nullptr;
    skip_space();
    if (p_ == end_ || *p_++ != ':') return nullptr;
    return &container.get_ref<json::object_t&>()[std::move(key)];
  }

  int hex4(const char* at) const {
    if (end_ - at < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = text::hex_value(at[k]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  // The rest of a string after its opening quote, decoded into `out`.
  bool read_string(std::string& out) {
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        size_t bad = 0;
        const size_t n = utf8_sequence(std::string_view(p_, static_cast<size_t>(end_ - p_)), 0, &bad);
        if (!n) return false;
        out.append(p_, n);
        p_ += n;
        continue;
      }
      ++p_;
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (p_ == end_) return false;
      switch (*p_++) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          long cp = hex4(p_);
          if (cp < 0) return false;
          p_ += 4;
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            const int low = cp <= 0xDBFF && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' ? hex4(p_ + 2) : -1;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              p_ += 6;
            } else {
              cp = 0xFFFD;  // unpaired (the next escape, if any, is read on its own)
            }
          }
          append_utf8(cp, out);
          break;
        }
        default: return false;
      }
    }
  }

  static void append_utf8(long cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
      return;
    }
    static constexpr unsigned char kLead[] = {0, 0xC0, 0xE0, 0xF0};  // 110xxxxx, 1110xxxx, 11110xxx
    const int extra = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
    out += static_cast<char>(kLead[extra] | (cp >> (6 * extra)));
    for (int k = extra - 1; k >= 0; --k) out += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
  }

  // A number: an integer that fits is read as nlohmann reads it (unsigned without a sign,
  // signed with one); anything else as a double by strtod, refused when not finite.
  bool read_number(json& out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (!digits()) return false;
    if (start[negative] == '0' && p_ - start > 1 + negative) return false;  // "01": no value is followed by a digit
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
      integer = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      integer = false;
    }
    if (integer) {
      uint64_t v = 0;
      bool fits = true;
      for (const char* d = start + negative; d < p_ && fits; ++d) {
        const unsigned digit = static_cast<unsigned>(*d - '0');
        fits = v <= (UINT64_MAX - digit) / 10;
        v = v * 10 + digit;
      }
      if (fits && !negative) {
        out = v;
        return true;
      }
      if (fits && v <= (uint64_t{1} << 63)) {
        out = static_cast<int64_t>(0 - v);
        return true;
      }
    }
    const std::string token(start, p_);
    const double d = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(d)) return false;
    out = d;
    return true;
  }

  // One or more digits.
  bool digits() {
    const char* from = p_;
    while (p_ < end_ && text::is_digit(*p_)) ++p_;
    return p_ > from;
  }
};

}  // namespace

json parse_json(std::string_view text) {
  json result;
  if (!Reader(text.data(), text.data() + text.size()).read(result)) result = json(json::value_t::discarded);
  return result;
}

json object_of(std::initializer_list<std::pair<const char*, json>> members) {
  json o = empty_object();
  for (const auto& [key, value] : members) o[key] = value;
  return o;
}

json object_of(const char* key, json value) {
  json o = empty_object();
  o[key] = std::move(value);
  return o;
}

json parse_input_line(std::string_view line_json, const char* field, std::string& error) {
  json in = parse_json(line_json);
  if (in.is_discarded() || !in.is_object()) {
    error = dump_json(object_of("error", "input line is not a JSON object"));
    return json(json::value_t::discarded);
  }
  const json* value = get_field(in, field);
  if (!value || !value->is_string()) {
    error = dump_json(object_of("error", "missing string field \"" + std::string(field) + "\""));
    return json(json::value_t::discarded);
  }
  return in;
}

namespace {

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
