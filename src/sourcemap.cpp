#include "sourcemap.h"

#include <algorithm>
#include <unordered_map>

#include "json.h"

namespace faultline {
namespace {

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// The spec joins sourceRoot and a source as URLs; in practice (mozilla/source-map, Sentry) a
// relative source is appended to the root with one '/' between them, and an absolute one is kept.
std::string apply_source_root(const std::string& root, const std::string& source) {
  if (root.empty() || source.empty()) return source;
  if (source[0] == '/' || source.find("://") != std::string::npos) return source;
  if (root.back() == '/') return root + source;
  return root + "/" + source;
}

bool read_string_list(const json& map, const char* key, bool required, std::vector<std::string>* out,
                      std::string* error) {
  const json* list = get_field(map, key);
  if (!list || list->is_null()) return required ? fail(error, std::string("missing \"") + key + "\" array") : true;
  if (!list->is_array()) return fail(error, std::string("\"") + key + "\" is not an array");
  out->reserve(list->size());
  for (const json& item : *list) {
    if (item.is_string()) out->push_back(item.get<std::string>());
    else if (item.is_null()) out->emplace_back();
    else return fail(error, std::string("\"") + key + "\" holds a non-string entry");
  }
  return true;
}

void read_ignore_list(const json& map, SourceMap* out) {
  out->ignored.assign(out->sources.size(), 0);
  for (const char* key : {"ignoreList", "x_google_ignoreList"}) {
    const json* list = get_field(map, key);
    if (!list || !list->is_array()) continue;
    // Entries that are not valid source indices are skipped: the list only ever removes frames
    // from the app, so a stray index must not reject an otherwise good map.
    for (const json& item : *list) {
      if (!item.is_number_integer()) continue;
      int64_t i = item.get<int64_t>();
      if (i >= 0 && static_cast<uint64_t>(i) < out->ignored.size()) out->ignored[static_cast<size_t>(i)] = 1;
    }
  }
}

bool parse_regular_map(const json& map, SourceMap* out, std::string* error) {
  const json* version = get_field(map, "version");
  if (version && !(version->is_number() && version->get<double>() == 3))
    return fail(error, "unsupported source map version (only 3)");
  std::vector<std::string> raw_sources;
  if (!read_string_list(map, "sources", true, &raw_sources, error)) return false;
  if (!read_string_list(map, "names", false, &out->names, error)) return false;
  std::string root = get_string(map, "sourceRoot");
  out->sources.reserve(raw_sources.size());
  for (const auto& s : raw_sources) out->sources.push_back(apply_source_root(root, s));
  read_ignore_list(map, out);
  out->source_order.resize(out->sources.size());
  for (size_t i = 0; i < out->sources.size(); ++i) out->source_order[i] = static_cast<int32_t>(i);
  const json* mappings = get_field(map, "mappings");
  if (!mappings || !mappings->is_string()) return fail(error, "missing \"mappings\" string");
  return decode_mappings(mappings->get_ref<const std::string&>(), out->sources.size(), out->names.size(),
                         &out->mappings, error);
}

// Index of `value` in `list`, appending it when new (sources and names of sections are merged).
int32_t intern(const std::string& value, std::vector<std::string>* list,
               std::unordered_map<std::string, int32_t>* index) {
  auto it = index->find(value);
  if (it != index->end()) return it->second;
  int32_t i = static_cast<int32_t>(list->size());
  list->push_back(value);
  index->emplace(value, i);
  return i;
}

bool read_offset(const json& section, uint32_t* line, uint32_t* column, std::string* error) {
  const json* offset = get_field(section, "offset");
  if (!offset || !offset->is_object()) return fail(error, "sections: entry without \"offset\"");
  const json* l = get_field(*offset, "line");
  const json* c = get_field(*offset, "column");
  if (!l || !c || !l->is_number_unsigned() || !c->is_number_unsigned())
    return fail(error, "sections: offset line/column must be non-negative integers");
  uint64_t lv = l->get<uint64_t>(), cv = c->get<uint64_t>();
  if (lv > 0x7fffffff || cv > 0x7fffffff) return fail(error, "sections: offset out of range");
  *line = static_cast<uint32_t>(lv);
  *column = static_cast<uint32_t>(cv);
  return true;
}

// An index map is flattened into one regular map: each section's mappings are shifted by its
// offset (the column only on the section's first line) and its sources and names merged.
bool parse_index_map(const json& map, SourceMap* out, std::string* error) {
  const json* sections = get_field(map, "sections");
  if (!sections->is_array()) return fail(error, "\"sections\" is not an array");
  std::unordered_map<std::string, int32_t> source_index, name_index;
  std::vector<uint8_t> ignored;
  uint32_t prev_line = 0, prev_col = 0;
  bool first = true;
  for (const json& section : *sections) {
    uint32_t line = 0, column = 0;
    if (!read_offset(section, &line, &column, error)) return false;
    if (!first && (line < prev_line || (line == prev_line && column < prev_col)))
      return fail(error, "sections: offsets are not in order");
    first = false;
    prev_line = line;
    prev_col = column;
    const json* inner = get_field(section, "map");
    if (!inner || !inner->is_object())
      return fail(error, get_field(section, "url") ? "sections: \"url\" sections are not supported"
                                                   : "sections: entry without \"map\"");
    if (get_field(*inner, "sections")) return fail(error, "sections: nested index maps are not allowed");
    SourceMap part;
    std::string part_error;
    if (!parse_regular_map(*inner, &part, &part_error)) return fail(error, "sections: " + part_error);
    std::vector<int32_t> source_remap(part.sources.size()), name_remap(part.names.size());
    for (size_t i = 0; i < part.sources.size(); ++i) {
      source_remap[i] = intern(part.sources[i], &out->sources, &source_index);
      if (ignored.size() < out->sources.size()) ignored.resize(out->sources.size(), 0);
      if (part.ignored[i]) ignored[static_cast<size_t>(source_remap[i])] = 1;
      out->source_order.push_back(source_remap[i]);
    }
    for (size_t i = 0; i < part.names.size(); ++i) name_remap[i] = intern(part.names[i], &out->names, &name_index);
    for (Mapping m : part.mappings) {
      uint64_t gen_line = uint64_t(m.gen_line) + line;
      uint64_t gen_col = m.gen_line == 0 ? uint64_t(m.gen_col) + column : m.gen_col;
      if (gen_line > 0x7fffffff || gen_col > 0x7fffffff) return fail(error, "sections: position out of range");
      m.gen_line = static_cast<uint32_t>(gen_line);
      m.gen_col = static_cast<uint32_t>(gen_col);
      if (m.source >= 0) m.source = source_remap[static_cast<size_t>(m.source)];
      if (m.name >= 0) m.name = name_remap[static_cast<size_t>(m.name)];
      out->mappings.push_back(m);
    }
  }
  ignored.resize(out->sources.size(), 0);
  out->ignored = std::move(ignored);
  // Sections are ordered, but a section's mappings may run past the next section's offset;
  // sorting keeps lookups correct whatever the input.
  std::stable_sort(out->mappings.begin(), out->mappings.end(), [](const Mapping& a, const Mapping& b) {
    return a.gen_line != b.gen_line ? a.gen_line < b.gen_line : a.gen_col < b.gen_col;
  });
  return true;
}

bool position_less(const Mapping& m, uint32_t line, uint32_t column) {
  return m.gen_line != line ? m.gen_line < line : m.gen_col < column;
}

}  // namespace

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

char base64_digit(int value) { return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[value & 63]; }

bool vlq_decode(std::string_view text, size_t* pos, int64_t* value) {
  uint64_t result = 0;
  int shift = 0;
  while (true) {
    if (*pos >= text.size()) return false;
    int digit = base64_value(text[*pos]);
    if (digit < 0) return false;
    ++*pos;
    result |= uint64_t(digit & 31) << shift;
    if (!(digit & 32)) break;
    shift += 5;
    if (shift > 30) return false;
  }
  if (result > 0xffffffffull) return false;
  bool negative = result & 1;
  int64_t magnitude = static_cast<int64_t>(result >> 1);
  *value = negative ? -magnitude : magnitude;
  return true;
}

void vlq_encode(int64_t value, std::string* out) {
  uint64_t v = value < 0 ? (uint64_t(-value) << 1) | 1 : uint64_t(value) << 1;
  do {
    int digit = static_cast<int>(v & 31);
    v >>= 5;
    if (v) digit |= 32;
    out->push_back(base64_digit(digit));
  } while (v);
}

// One loop over the VLQ segments (the five fields relative to the previous segment, the column
// restarting per line): the state it carries across lines is the whole of the format.
bool decode_mappings(std::string_view mappings, size_t source_count, size_t name_count,
                     std::vector<Mapping>* out, std::string* error) {
  // Fields 2-5 are relative to the previous segment of the whole map; the column restarts per line.
  int64_t line = 0, col = 0, source = 0, orig_line = 0, orig_col = 0, name = 0;
  size_t pos = 0;
  bool sorted = true;
  size_t line_start = out->size();
  auto where = [&] { return " at generated line " + std::to_string(line + 1); };
  while (pos < mappings.size()) {
    char c = mappings[pos];
    if (c == ';') {
      ++pos;
      ++line;
      col = 0;
      line_start = out->size();
      if (line > 0x7fffffff) return fail(error, "mappings: too many lines");
      continue;
    }
    if (c == ',') {
      ++pos;
      continue;
    }
    int64_t fields[5];
    int count = 0;
    while (pos < mappings.size() && mappings[pos] != ',' && mappings[pos] != ';') {
      if (count == 5) return fail(error, "mappings: segment with more than 5 fields" + where());
      if (!vlq_decode(mappings, &pos, &fields[count])) return fail(error, "mappings: bad VLQ value" + where());
      ++count;
    }
    if (count != 1 && count != 4 && count != 5)
      return fail(error, "mappings: segment with " + std::to_string(count) + " fields" + where());
    Mapping m;
    col += fields[0];
    if (col < 0 || col > 0x7fffffff) return fail(error, "mappings: negative or huge column" + where());
    m.gen_line = static_cast<uint32_t>(line);
    m.gen_col = static_cast<uint32_t>(col);
    if (count >= 4) {
      source += fields[1];
      orig_line += fields[2];
      orig_col += fields[3];
      if (source < 0 || static_cast<uint64_t>(source) >= source_count)
        return fail(error, "mappings: source index out of range" + where());
      if (orig_line < 0 || orig_col < 0 || orig_line > 0x7fffffff || orig_col > 0x7fffffff)
        return fail(error, "mappings: negative original position" + where());
      m.source = static_cast<int32_t>(source);
      m.orig_line = static_cast<uint32_t>(orig_line);
      m.orig_col = static_cast<uint32_t>(orig_col);
    }
    if (count == 5) {
      name += fields[4];
      if (name < 0 || static_cast<uint64_t>(name) >= name_count)
        return fail(error, "mappings: name index out of range" + where());
      m.name = static_cast<int32_t>(name);
    }
    if (out->size() > line_start && out->back().gen_col > m.gen_col) sorted = false;
    out->push_back(m);
  }
  // The spec does not require segments in column order within a line; lookups need it.
  if (!sorted)
    std::stable_sort(out->begin(), out->end(), [](const Mapping& a, const Mapping& b) {
      return a.gen_line != b.gen_line ? a.gen_line < b.gen_line : a.gen_col < b.gen_col;
    });
  return true;
}

bool parse_source_map(std::string_view text, SourceMap* out, std::string* error) {
  *out = SourceMap{};
  // A map may start with the XSSI guard ")]}'" (Closure, some servers); skip its first line.
  if (text.substr(0, 4) == ")]}'") {
    size_t nl = text.find('\n');
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  json map = parse_json(text);
  if (map.is_discarded()) return fail(error, "not valid JSON");
  if (!map.is_object()) return fail(error, "not a JSON object");
  out->file = get_string(map, "file");
  out->debug_id = get_string(map, "debugId", get_string(map, "debug_id"));
  bool ok = get_field(map, "sections") ? parse_index_map(map, out, error) : parse_regular_map(map, out, error);
  if (!ok) *out = SourceMap{};
  return ok;
}

const Mapping* find_mapping(const SourceMap& map, uint32_t line, uint32_t column) {
  // First mapping after (line, column), then step back one: the greatest lower bound.
  auto it = std::upper_bound(map.mappings.begin(), map.mappings.end(), std::make_pair(line, column),
                             [](const std::pair<uint32_t, uint32_t>& p, const Mapping& m) {
                               return !position_less(m, p.first, p.second) &&
                                      !(m.gen_line == p.first && m.gen_col == p.second);
                             });
  if (it == map.mappings.begin()) return nullptr;
  --it;
  return it->gen_line == line ? &*it : nullptr;
}

const Mapping* find_exact_mapping(const SourceMap& map, uint32_t line, uint32_t column) {
  const Mapping* m = find_mapping(map, line, column);
  return m && m->gen_col == column ? m : nullptr;
}

}  // namespace faultline
