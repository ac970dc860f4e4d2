// Source map v3 decoder (ECMA-426, https://tc39.es/ecma426/): `mappings` (Base64 VLQ), `sources`
// with `sourceRoot`, `names`, index maps (`sections`, flattened), `ignoreList` /
// `x_google_ignoreList`, and the debug ID (`debugId` / `debug_id`).
//
// Bounds: the caller bounds the text; the decoder allocates at most one Mapping per segment of
// `mappings`. Bad input never crashes and never throws: parse_source_map() returns false with a
// one-line reason ("mappings: segment with 2 fields at line 3", ...). `sourcesContent` is read
// only when asked (the collector shows source context from it; the CLI and tables never need it).
//
// Positions are 0-based lines and 0-based columns in UTF-16 code units, as the spec and engines
// count them. Stack traces print 1-based lines and columns: subtract one of each before a lookup.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline {

// One decoded segment. source/name are -1 when the segment has no such field.
struct Mapping {
  uint32_t gen_line = 0;
  uint32_t gen_col = 0;
  int32_t source = -1;
  uint32_t orig_line = 0;
  uint32_t orig_col = 0;
  int32_t name = -1;
};

struct SourceMap {
  std::string file;                // the map's `file`, may be empty
  std::string debug_id;            // `debugId` or `debug_id`, lowercase as written; may be empty
  std::vector<std::string> sources;  // `sourceRoot` applied; null entries become ""
  std::vector<std::string> names;
  std::vector<uint8_t> ignored;      // per source: 1 when listed in ignoreList / x_google_ignoreList
  std::vector<Mapping> mappings;     // sorted by (gen_line, gen_col)
  // Per source, its `sourcesContent` entry ("" when absent or null); filled only when parsing
  // with_contents, else empty. A malformed `sourcesContent` is ignored, never a reason to reject.
  std::vector<std::string> contents;
};

// Parses a regular or an index map. On failure returns false, sets *error and leaves *out empty.
// with_contents keeps `sourcesContent` (index maps: the first content given for a merged source).
bool parse_source_map(std::string_view text, SourceMap* out, std::string* error, bool with_contents = false);

// Source context around a 0-based line of an original file's text, as Sentry puts it on a frame:
// up to `around` lines before and after. Lines end at '\n' (a trailing '\r' is dropped); a line
// longer than 150 bytes is cut to a window of about 140 around `column` (0-based) with "{snip}"
// marks, at UTF-8 character boundaries. found is false when the text has no such line.
struct SourceContext {
  bool found = false;
  std::vector<std::string> pre;
  std::string line;
  std::vector<std::string> post;
};
SourceContext source_context(std::string_view text, uint32_t line, uint32_t column, uint32_t around);

// Decodes one `mappings` string into out (appending; indices checked against the counts given).
// Exposed for the symbol table, which stores its ranges in the same VLQ alphabet.
bool decode_mappings(std::string_view mappings, size_t source_count, size_t name_count,
                     std::vector<Mapping>* out, std::string* error);

// Base64 VLQ: one signed value. Returns false on a bad character, a truncated value or a value
// beyond 31 bits. *pos advances past the value.
bool vlq_decode(std::string_view text, size_t* pos, int64_t* value);
void vlq_encode(int64_t value, std::string* out);

// The mapping that covers generated (line, column): the last mapping on that generated line that
// starts at or before the column (the greatest lower bound within the line, as mozilla/source-map's
// default bias does). nullptr when the line has no mapping at or before the column.
const Mapping* find_mapping(const SourceMap& map, uint32_t line, uint32_t column);

// The mapping that starts exactly at (line, column), or nullptr.
const Mapping* find_exact_mapping(const SourceMap& map, uint32_t line, uint32_t column);

}  // namespace faultline
