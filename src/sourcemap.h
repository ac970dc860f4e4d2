// Source map v3 decoder (ECMA-426, https://tc39.es/ecma426/): `mappings` (Base64 VLQ), `sources`
// with `sourceRoot`, `names`, index maps (`sections`, flattened), `ignoreList` /
// `x_google_ignoreList`, and the debug ID (`debugId` / `debug_id`).
//
// Bounds: the caller bounds the text; the decoder allocates at most one Mapping per segment of
// `mappings`. Bad input never crashes and never throws: parse_source_map() returns false with a
// one-line reason ("mappings: segment with 2 fields at line 3", ...). `sourcesContent` is never
// read: nothing here needs the original code (the collector takes source context from the map's
// JSON itself, in the order `source_order` gives).
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
  uint32_t gen_line = 0, gen_col = 0;    // generated position
  int32_t source = -1;
  uint32_t orig_line = 0, orig_col = 0;  // original position
  int32_t name = -1;
};

struct SourceMap {
  std::string file;                // the map's `file`, may be empty
  std::string debug_id;            // `debugId` or `debug_id`, lowercase as written; may be empty
  std::vector<std::string> sources;  // `sourceRoot` applied; null entries become ""
  std::vector<std::string> names;
  std::vector<uint8_t> ignored;      // per source: 1 when listed in ignoreList / x_google_ignoreList
  std::vector<Mapping> mappings;     // sorted by (gen_line, gen_col)
  // For each entry of the map's `sources` arrays in document order (an index map's sections one
  // after the other), its index in `sources` above (merged sources share one). A caller holding
  // the map's JSON pairs its `sourcesContent` entries with these to find a source's content.
  std::vector<int32_t> source_order;
};

// Parses a regular or an index map. On failure returns false, sets *error and leaves *out empty.
bool parse_source_map(std::string_view text, SourceMap* out, std::string* error);


// Decodes one `mappings` string into out (appending; indices checked against the counts given).
// Exposed for the symbol table, which stores its ranges in the same VLQ alphabet.
bool decode_mappings(std::string_view mappings, size_t source_count, size_t name_count,
                     std::vector<Mapping>* out, std::string* error);

// Base64 VLQ: one signed value. Returns false on a bad character, a truncated value or a value
// beyond 31 bits. *pos advances past the value.
// Base64 (RFC 4648, as source maps' VLQ and the symbol tables' fields use it): a character's
// 6-bit value (-1 for another character), and the character of a value in 0..63.
int base64_value(char c);
char base64_digit(int value);
bool vlq_decode(std::string_view text, size_t* pos, int64_t* value);
void vlq_encode(int64_t value, std::string* out);

// The mapping that covers generated (line, column): the last mapping on that generated line that
// starts at or before the column (the greatest lower bound within the line, as mozilla/source-map's
// default bias does). nullptr when the line has no mapping at or before the column.
const Mapping* find_mapping(const SourceMap& map, uint32_t line, uint32_t column);

// The mapping that starts exactly at (line, column), or nullptr.
const Mapping* find_exact_mapping(const SourceMap& map, uint32_t line, uint32_t column);

}  // namespace faultline
