#include "symbol_table.h"

#include <algorithm>
#include <unordered_map>

#include "json.h"

namespace faultline {
namespace {

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

class Interner {
 public:
  explicit Interner(std::vector<std::string>* list) : list_(list) {}
  int32_t add(const std::string& value) {
    auto it = index_.find(value);
    if (it != index_.end()) return it->second;
    int32_t i = static_cast<int32_t>(list_->size());
    list_->push_back(value);
    index_.emplace(value, i);
    return i;
  }

 private:
  std::vector<std::string>* list_;
  std::unordered_map<std::string, int32_t> index_;
};

std::string original_token(const SourceMap& map, JsPosition pos, const std::string& text) {
  const Mapping* m = find_exact_mapping(map, pos.line, pos.column);
  if (m && m->name >= 0) return map.names[static_cast<size_t>(m->name)];
  return text;
}

// A class's method is named `Class.method` (grouping keys on it, grouping.cpp class_qualified): two classes of
// one module may both have a `validate`, and only V8's frames name the class.
std::string function_name(const SourceMap& map, const FunctionScope& scope) {
  if (!scope.has_name) return {};
  std::string name = original_token(map, scope.name_pos, scope.name_text);
  if (!scope.has_class) return name;
  return original_token(map, scope.class_pos, scope.class_text) + "." + name;
}

int32_t source_at(const SourceMap& map, JsPosition p) {
  const Mapping* m = find_mapping(map, p.line, p.column);
  return m ? m->source : -1;
}


void compute_parents(std::vector<SymbolTable::Function>* functions) {
  std::vector<int32_t> open;
  for (size_t i = 0; i < functions->size(); ++i) {
    auto& f = (*functions)[i];
    while (!open.empty() && (*functions)[static_cast<size_t>(open.back())].end < f.start) open.pop_back();
    f.parent = open.empty() ? -1 : open.back();
    open.push_back(static_cast<int32_t>(i));
  }
}

// Each anonymous function's definer and ordinal (symbol_table.h), after compute_parents.
void compute_definers(std::vector<SymbolTable::Function>* functions) {
  std::vector<int32_t> anonymous(functions->size() + 1, 0);  // per named function, then per source + 1 at the top level
  for (auto& f : *functions) {
    if (f.name >= 0) continue;
    // Parents come first, so the parent's definer is known: a callback in a callback is its
    // outer named function's.
    const int32_t p = f.parent;
    f.definer = p < 0 ? -1 : (*functions)[static_cast<size_t>(p)].name >= 0 ? p : (*functions)[static_cast<size_t>(p)].definer;
    size_t k = f.definer >= 0 ? static_cast<size_t>(f.definer) : functions->size() + static_cast<size_t>(std::max(f.source, -1) + 1);
    if (k >= anonymous.size()) anonymous.resize(k + 1, 0);
    f.ordinal = anonymous[k]++;
  }
}

constexpr size_t kTextChars = 6;  // 36 bits

bool decode_texts(std::string_view text, SymbolTable* t) {
  size_t anonymous = 0;
  for (const auto& f : t->functions) anonymous += f.name < 0;
  if (text.size() != anonymous * kTextChars) return false;
  size_t at = 0;
  for (auto& f : t->functions) {
    if (f.name >= 0) continue;
    uint64_t v = 0;
    for (size_t k = 0; k < kTextChars; ++k) {
      int d = base64_value(text[at++]);
      if (d < 0) return false;
      v = (v << 6) | uint64_t(d);
    }
    f.text = v;
  }
  return true;
}

// (line, column) against the previous position: absolute column on a new line, else a delta.
void encode_position(JsPosition p, JsPosition prev, std::string* out) {
  vlq_encode(int64_t(p.line) - prev.line, out);
  vlq_encode(p.line == prev.line ? int64_t(p.column) - prev.column : int64_t(p.column), out);
}

class VlqReader {
 public:
  explicit VlqReader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  bool read(int64_t* v) { return vlq_decode(text_, &pos_, v); }
  bool read_position(JsPosition prev, JsPosition* out) {
    int64_t dl, c;
    if (!read(&dl) || !read(&c)) return false;
    int64_t line = int64_t(prev.line) + dl;
    int64_t column = dl == 0 ? int64_t(prev.column) + c : c;
    if (line < 0 || column < 0 || line > 0x7fffffff || column > 0x7fffffff) return false;
    out->line = static_cast<uint32_t>(line);
    out->column = static_cast<uint32_t>(column);
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool read_index(VlqReader& r, int32_t* current, size_t count) {
  int64_t d;
  if (!r.read(&d)) return false;
  int64_t v = int64_t(*current) + d;  // stored +1: 0 means none
  if (v < -1 || v > int64_t(count) - 1) return false;
  *current = static_cast<int32_t>(v);
  return true;
}

// The records of one list of the table ("files", "functions", "calls"), in order of their position
// (`at`, each against the one before): `read_rest` reads what follows the position.
template <class Record, class ReadRest>
bool decode_records(std::string_view text, JsPosition Record::*at, std::vector<Record>* out, ReadRest read_rest) {
  VlqReader r(text);
  JsPosition prev;
  while (!r.done()) {
    Record record;
    if (!r.read_position(prev, &(record.*at)) || !read_rest(r, record)) return false;
    if (!out->empty() && record.*at < out->back().*at) return false;
    out->push_back(record);
    prev = record.*at;
  }
  return true;
}

bool decode_files(std::string_view text, SymbolTable* t) {
  int32_t source = -1;
  return decode_records(text, &SymbolTable::FileRun::start, &t->files, [&](VlqReader& r, SymbolTable::FileRun& run) {
    if (!read_index(r, &source, t->sources.size())) return false;
    run.source = source;
    return true;
  });
}

bool decode_functions(std::string_view text, SymbolTable* t) {
  int32_t name = -1, source = -1;
  return decode_records(text, &SymbolTable::Function::start, &t->functions, [&](VlqReader& r, SymbolTable::Function& f) {
    if (!r.read_position(f.start, &f.end) || f.end < f.start) return false;
    if (!read_index(r, &name, t->names.size()) || !read_index(r, &source, t->sources.size())) return false;
    f.name = name;
    f.source = source;
    return true;
  });
}

bool read_strings(const json& j, const char* key, std::vector<std::string>* out) {
  const json* list = get_field(j, key);
  if (!list || !list->is_array()) return false;
  for (const json& s : *items(*list)) {
    if (!s.is_string()) return false;
    out->push_back(s.get<std::string>());
  }
  return true;
}

// Call sites of functions that have tail calls, and those tail calls (js_scopes.h).
void add_calls(const JsCallGraph& graph, Interner* names, SymbolTable* t) {
  t->tails.assign(t->functions.size(), {});
  for (size_t i = 0; i < graph.tails.size() && i < t->functions.size(); ++i)
    for (const CallTarget& c : graph.tails[i]) {
      SymbolTable::Target x;
      if (c.function >= 0) x.function = c.function;
      else if (!c.name.empty()) x.name = names->add(c.name);
      t->tails[i].push_back(x);
    }
  for (const CallSite& c : graph.calls)
    if (c.callee >= 0 && static_cast<size_t>(c.callee) < t->tails.size() && !t->tails[static_cast<size_t>(c.callee)].empty())
      t->calls.push_back({c.pos, c.callee});
  std::stable_sort(t->calls.begin(), t->calls.end(),
                   [](const SymbolTable::Call& a, const SymbolTable::Call& b) { return a.pos < b.pos; });
  for (const NamedCallSite& c : graph.named_calls) t->named_calls.push_back({c.pos, names->add(c.name)});
  // Every other call site in a function, except calls of a function of the code without tail
  // calls (its frame is always on the stack, so no frame at that call sits just outside a
  // built-in) and calls at the top level (no function to key them by): symbol_table.h `sites`.
  size_t a = 0, b = 0;  // all three sorted: walked together
  for (const JsPosition& p : graph.call_positions) {
    while (a < graph.calls.size() && graph.calls[a].pos < p) ++a;
    while (b < t->named_calls.size() && t->named_calls[b].pos < p) ++b;
    if ((a < graph.calls.size() && !(p < graph.calls[a].pos)) || (b < t->named_calls.size() && !(p < t->named_calls[b].pos)) ||
        function_at(*t, p) < 0)
      continue;
    t->sites.push_back(p);
  }
  // A module's calls of its imports and its exports (symbol_table.h "modules").
  Interner modules(&t->modules);
  for (const ImportCallSite& c : graph.import_calls)
    t->import_calls.push_back({c.pos, modules.add(c.module), names->add(c.name)});
  for (const ExportedBinding& e : graph.exports) {
    SymbolTable::Export x;
    x.name = names->add(e.name);
    if (e.function >= 0) {
      if (static_cast<size_t>(e.function) >= t->functions.size()) continue;
      x.function = e.function;
    } else {
      if (e.module.empty()) continue;
      x.module = modules.add(e.module);
      x.imported = names->add(e.imported);
    }
    t->exports.push_back(x);
  }
  for (const CallbackSite& c : graph.callbacks) {
    SymbolTable::Callback x;
    x.pos = c.pos;
    x.name = names->add(c.name);
    for (int32_t f : c.functions)
      if (f >= 0 && static_cast<size_t>(f) < t->functions.size()) x.functions.push_back(f);
    if (!x.functions.empty()) t->callbacks.push_back(std::move(x));
  }
}

bool decode_callbacks(std::string_view text, SymbolTable* t) {
  int32_t name = -1;
  return decode_records(text, &SymbolTable::Callback::pos, &t->callbacks, [&](VlqReader& r, SymbolTable::Callback& c) {
    int64_t d, count;
    if (!r.read(&d) || !r.read(&count)) return false;
    int64_t v = int64_t(name) + d;
    if (v < 0 || v >= int64_t(t->names.size()) || count < 1 || count > 8) return false;
    c.name = name = static_cast<int32_t>(v);
    for (int64_t k = 0; k < count; ++k) {
      int64_t f;
      if (!r.read(&f) || f < 0 || f >= int64_t(t->functions.size())) return false;
      c.functions.push_back(static_cast<int32_t>(f));
    }
    return true;
  });
}

// The same for an index that must name an entry (never "none"), also written to *out.
bool read_entry(VlqReader& r, int32_t* prev, size_t limit, int32_t* out) {
  if (!read_index(r, prev, limit) || *prev < 0) return false;
  *out = *prev;
  return true;
}

bool decode_named_calls(std::string_view text, SymbolTable* t) {
  int32_t name = -1;
  return decode_records(text, &SymbolTable::NamedCall::pos, &t->named_calls, [&](VlqReader& r, SymbolTable::NamedCall& c) {
    return read_entry(r, &name, t->names.size(), &c.name);
  });
}

bool decode_sites(std::string_view text, SymbolTable* t) {
  VlqReader r(text);
  JsPosition prev;
  while (!r.done()) {
    JsPosition p;
    if (!r.read_position(prev, &p) || (!t->sites.empty() && !(prev < p))) return false;  // strictly increasing
    t->sites.push_back(p);
    prev = p;
  }
  return true;
}

bool decode_import_calls(std::string_view text, SymbolTable* t) {
  int32_t module = -1, name = -1;
  return decode_records(text, &SymbolTable::ImportCall::pos, &t->import_calls, [&](VlqReader& r, SymbolTable::ImportCall& c) {
    return read_entry(r, &module, t->modules.size(), &c.module) && read_entry(r, &name, t->names.size(), &c.name);
  });
}

bool decode_exports(std::string_view text, SymbolTable* t) {
  VlqReader r(text);
  int64_t name = -1;
  while (!r.done()) {
    int64_t d, v;
    if (!r.read(&d) || !r.read(&v)) return false;
    SymbolTable::Export x;
    name += d;
    if (name < 0 || name >= int64_t(t->names.size()) || v < 0 || v > int64_t(t->functions.size())) return false;
    x.name = static_cast<int32_t>(name);
    if (v > 0) {
      x.function = static_cast<int32_t>(v - 1);
    } else {
      int64_t m, n;
      if (!r.read(&m) || !r.read(&n) || m < 0 || m >= int64_t(t->modules.size()) || n < 0 || n >= int64_t(t->names.size()))
        return false;
      x.module = static_cast<int32_t>(m);
      x.imported = static_cast<int32_t>(n);
    }
    if (t->exports.size() >= 100000) return false;
    t->exports.push_back(x);
  }
  return true;
}

bool decode_calls(std::string_view text, SymbolTable* t) {
  int32_t callee = -1;
  return decode_records(text, &SymbolTable::Call::pos, &t->calls, [&](VlqReader& r, SymbolTable::Call& c) {
    return read_entry(r, &callee, t->functions.size(), &c.callee);
  });
}

// The functions of the code's call graph, named and placed in a source by `describe(scope, &f)`;
// then their parents, and the call sites and tail calls of the graph.
template <class Describe>
void add_functions(const JsCallGraph& graph, Interner* names, SymbolTable* t, Describe describe) {
  for (const FunctionScope& scope : graph.scopes) {
    SymbolTable::Function f;
    f.start = scope.start;
    f.end = scope.end;
    describe(scope, &f);
    t->functions.push_back(f);
  }
  compute_parents(&t->functions);
  add_calls(graph, names, t);
}

// The inverse of decode_records: each record's position against the one before, then `write_rest`.
template <class Record, class WriteRest>
std::string encode_records(const std::vector<Record>& records, JsPosition Record::*at, WriteRest write_rest) {
  std::string out;
  JsPosition prev;
  for (const Record& record : records) {
    encode_position(record.*at, prev, &out);
    write_rest(record, &out);
    prev = record.*at;
  }
  return out;
}

bool decode_tails(std::string_view text, SymbolTable* t) {
  VlqReader r(text);
  t->tails.assign(t->functions.size(), {});
  int64_t f = -1;
  while (!r.done()) {
    int64_t d, count;
    if (!r.read(&d) || !r.read(&count) || d <= 0) return false;
    f += d;
    if (f >= int64_t(t->functions.size()) || count < 1 || count > 64) return false;
    for (int64_t k = 0; k < count; ++k) {
      int64_t v;
      if (!r.read(&v)) return false;
      SymbolTable::Target x;
      if (v > 0) {
        if (v > int64_t(t->functions.size())) return false;
        x.function = static_cast<int32_t>(v - 1);
      } else if (v < 0) {
        if (-v > int64_t(t->names.size())) return false;
        x.name = static_cast<int32_t>(-v - 1);
      }
      t->tails[static_cast<size_t>(f)].push_back(x);
    }
  }
  return true;
}

}  // namespace

namespace {
// The record of a list sorted by position that sits exactly at (line, column), null when none.
template <class Record>
const Record* record_at(const std::vector<Record>& records, uint32_t line, uint32_t column) {
  auto it = std::lower_bound(records.begin(), records.end(), JsPosition{line, column},
                             [](const Record& c, const JsPosition& pos) { return c.pos < pos; });
  return it == records.end() || it->pos.line != line || it->pos.column != column ? nullptr : &*it;
}
}  // namespace

int32_t call_at(const SymbolTable& t, uint32_t line, uint32_t column) {
  const SymbolTable::Call* c = record_at(t.calls, line, column);
  return c ? c->callee : -1;
}

const SymbolTable::Callback* callback_at(const SymbolTable& t, uint32_t line, uint32_t column) {
  return record_at(t.callbacks, line, column);
}

const SymbolTable::ImportCall* import_call_at(const SymbolTable& t, uint32_t line, uint32_t column) {
  return record_at(t.import_calls, line, column);
}

const SymbolTable::Export* export_named(const SymbolTable& t, std::string_view name) {
  for (const SymbolTable::Export& e : t.exports)
    if (t.names[static_cast<size_t>(e.name)] == name) return &e;
  return nullptr;
}

std::string_view named_call_at(const SymbolTable& t, uint32_t line, uint32_t column) {
  const SymbolTable::NamedCall* c = record_at(t.named_calls, line, column);
  return c ? std::string_view(t.names[static_cast<size_t>(c->name)]) : std::string_view();
}

int32_t call_site_ordinal(const SymbolTable& t, int32_t function, uint32_t line, uint32_t column) {
  const JsPosition p{line, column};
  if (t.sites.empty() || function < 0 || static_cast<size_t>(function) >= t.functions.size() || function_at(t, p) != function)
    return -1;
  const JsPosition from = t.functions[static_cast<size_t>(function)].start;
  int32_t n = 0;
  bool found = false;
  // Linear over the three lists: only a frame no table confirms asks (rare), once per capture.
  auto count = [&](const JsPosition& q) {
    if (!(q < p)) found = found || !(p < q);
    else if (from <= q && function_at(t, q) == function) ++n;
  };
  for (const SymbolTable::Call& c : t.calls) count(c.pos);
  for (const SymbolTable::NamedCall& c : t.named_calls) count(c.pos);
  for (const JsPosition& q : t.sites) count(q);
  return found ? n : -1;
}

std::vector<std::string> source_contents(std::string_view map_text, const SourceMap& map) {
  std::vector<std::string> out(map.sources.size());
  std::vector<uint8_t> conflict(map.sources.size(), 0);
  json j = parse_json(map_text);
  if (j.is_discarded() || !j.is_object()) return out;
  // The `sourcesContent` entries in document order, as source_order lists the `sources` entries.
  std::vector<const json*> entries;
  auto add = [&](const json& m) {
    const json* sources = get_field(m, "sources");
    if (!sources || !sources->is_array()) return;
    const json* contents = get_field(m, "sourcesContent");
    size_t n = items(*sources)->size();
    for (size_t i = 0; i < n; ++i)
      entries.push_back(contents && contents->is_array() && i < items(*contents)->size() ? &(*items(*contents))[i] : nullptr);
  };
  if (const json* sections = get_field(j, "sections"); sections && sections->is_array()) {
    for (const json& section : *items(*sections))
      if (const json* m = get_field(section, "map"); m && m->is_object()) add(*m);
  } else {
    add(j);
  }
  if (entries.size() != map.source_order.size()) return std::vector<std::string>(map.sources.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    int32_t s = map.source_order[i];
    if (s < 0 || static_cast<size_t>(s) >= out.size() || conflict[static_cast<size_t>(s)]) continue;
    std::string text = entries[i] && entries[i]->is_string() ? entries[i]->get<std::string>() : std::string();
    std::string& slot = out[static_cast<size_t>(s)];
    if (text.empty()) continue;
    if (!slot.empty() && slot != text) {
      slot.clear();
      conflict[static_cast<size_t>(s)] = 1;
      continue;
    }
    slot = std::move(text);
  }
  return out;
}

SymbolTable build_symbol_table(const SourceMap& map, std::string_view generated_code, const std::vector<std::string>* contents) {
  SymbolTable t;
  t.debug_id = map.debug_id;
  t.file = map.file;
  Interner sources(&t.sources), names(&t.names);
  std::vector<int32_t> source_index(map.sources.size(), -1);  // map source -> table source
  auto table_source = [&](int32_t s) {
    if (s < 0) return -1;
    int32_t& i = source_index[static_cast<size_t>(s)];
    if (i < 0) i = sources.add(map.sources[static_cast<size_t>(s)]);
    return i;
  };

  for (const Mapping& m : map.mappings) {
    int32_t s = table_source(m.source);
    if (!t.files.empty() && t.files.back().source == s) continue;
    t.files.push_back({JsPosition{m.gen_line, m.gen_col}, s});
  }
  // An anonymous function's text is its original text, from `sourcesContent`: the generated
  // code's would change at deploys of unchanged code (a minifier renames locals by what else the
  // bundle holds, inlines and reorders differently), which would split every such group at every
  // deploy. The original function is the original source's scope (scanned with the same lexer as
  // tables from the code, so one function's key is the same from both) whose head holds the
  // position where the map puts the generated function's first token, and whose range holds the
  // one where it puts the generated function's last mapped token: else (no content, a position
  // the map does not place, a source the scanner reads otherwise, e.g. JSX or types that move a
  // range) no text, and the function keeps its ordinal key.
  std::unordered_map<int32_t, ScopeTexts> originals;  // per map source, scanned on first use
  auto original_text = [&](const FunctionScope& scope) -> uint64_t {
    if (!contents) return 0;
    const Mapping* m = find_exact_mapping(map, scope.start.line, scope.start.column);
    if (!m || m->source < 0 || static_cast<size_t>(m->source) >= contents->size() ||
        (*contents)[static_cast<size_t>(m->source)].empty())
      return 0;
    auto it = originals.find(m->source);
    if (it == originals.end()) it = originals.emplace(m->source, scan_scope_texts((*contents)[static_cast<size_t>(m->source)])).first;
    const ScopeTexts& o = it->second;
    const JsPosition start{m->orig_line, m->orig_col};
    // The original function whose head (from its first token to its body's) holds that position:
    // esbuild maps `t=>{` to the parameter of `(e) => {`, `function(t){` to `function`. Heads
    // nest only through default parameters (`(f = () => 0) => …`): the few latest-starting
    // scopes are looked at, innermost first.
    auto s = std::upper_bound(o.scopes.begin(), o.scopes.end(), start,
                              [](const JsPosition& p, const FunctionScope& f) { return p < f.start; });
    bool found = false;
    for (int k = 0; k < 4 && s != o.scopes.begin() && !found; ++k) {
      --s;
      found = !(start < s->start) && (!(s->start < start) || start < s->body);
    }
    if (!found) return 0;
    const Mapping* e = find_mapping(map, scope.end.line, scope.end.column);
    if (!e || e->source != m->source) return 0;
    const JsPosition last{e->orig_line, e->orig_col};
    if (last < s->start || s->end < last) return 0;
    return o.text_hashes[static_cast<size_t>(s - o.scopes.begin())];
  };
  add_functions(scan_call_graph(generated_code), &names, &t, [&](const FunctionScope& scope, SymbolTable::Function* f) {
    std::string name = function_name(map, scope);
    f->name = name.empty() ? -1 : names.add(name);
    int32_t s = source_at(map, scope.has_name ? scope.name_pos : scope.start);
    if (s < 0) s = source_at(map, scope.start);
    f->source = table_source(s);
    if (f->name < 0) f->text = original_text(scope);
  });
  compute_definers(&t.functions);
  t.ignored.assign(t.sources.size(), 0);
  for (size_t i = 0; i < map.sources.size(); ++i)
    if (map.ignored[i] && source_index[i] >= 0) t.ignored[static_cast<size_t>(source_index[i])] = 1;
  return t;
}

// Lines longer than kLongLine UTF-16 units (a byte count that skips UTF-8 continuation bytes;
// astral characters count 1 instead of 2, erring towards "short").
std::vector<uint32_t> long_lines_of(std::string_view code) {
  std::vector<uint32_t> out;
  uint32_t line = 0, width = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(code[i]);
    if (c == '\n' || c == '\r') {
      if (width > SymbolTable::kLongLine) out.push_back(line);
      if (c == '\r' && i + 1 < code.size() && code[i + 1] == '\n') ++i;
      ++line;
      width = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  if (width > SymbolTable::kLongLine) out.push_back(line);
  return out;
}

SymbolTable build_symbol_table_from_code(std::string_view file, std::string_view code) {
  return build_symbol_table_from_code(file, code, scan_call_graph(code));
}

SymbolTable build_symbol_table_from_code(std::string_view file, std::string_view code, const JsCallGraph& graph) {
  SymbolTable t;
  t.file = std::string(file);
  // Minified code is dense: under 6 % of its characters are spaces or tabs (esbuild's output:
  // 2-4 %; hand-written code, even one function a line: 9-21 %). Such code keeps no line info
  // (every line is taken as a minifier's, whatever its length: esbuild `--line-limit`).
  size_t blanks = 0, chars = 0;
  for (char c : code) {
    if (c == '\n' || c == '\r') continue;
    ++chars;
    blanks += c == ' ' || c == '\t';
  }
  Interner names(&t.names);
  // And its functions have a minifier's names: at least half of those named by their own name or
  // binding (what minifiers rename; properties and methods they keep) have 1 or 2 characters.
  size_t named = 0, short_named = 0;
  for (const FunctionScope& scope : graph.scopes)
    if (scope.has_name && (scope.name_kind == FunctionScope::NameKind::Own || scope.name_kind == FunctionScope::NameKind::Binding)) {
      ++named;
      short_named += scope.name_text.size() <= 2;
    }
  bool dense = chars >= 512 && blanks * 100 < chars * 6;
  bool minifier_names = named >= 4 && short_named * 2 >= named;
  t.line_info = !dense && !minifier_names;
  if (t.line_info) t.long_lines = long_lines_of(code);
  add_functions(graph, &names, &t, [&](const FunctionScope& scope, SymbolTable::Function* f) {
    // A class's method is `Class.method`, as a map's table names it (function_name above): grouping
    // keys a frame this table places by the table's name in every engine (the page scans in every
    // engine, js/client.js), so two classes' `validate` stay apart where SpiderMonkey and
    // JavaScriptCore print `validate` alone.
    if (!scope.has_name) f->name = -1;
    else f->name = names.add(scope.has_class ? scope.class_text + "." + scope.name_text : scope.name_text);
  });
  // The served text is the code's own: every anonymous function gets its text hash.
  for (size_t i = 0; i < t.functions.size() && i < graph.text_hashes.size(); ++i)
    if (t.functions[i].name < 0) t.functions[i].text = graph.text_hashes[i];
  return t;
}

// Every field of the format, in the order symbol_table.h documents them; parse_symbol_table reads
// them in the same order. One list each, so that a new field is added in one place per direction.
std::string serialize_symbol_table(const SymbolTable& t) {
  int32_t source = -1, name = -1, callee = -1;
  std::string files = encode_records(t.files, &SymbolTable::FileRun::start, [&](const SymbolTable::FileRun& run, std::string* out) {
    vlq_encode(int64_t(run.source) - source, out);
    source = run.source;
  });
  source = -1;
  std::string functions = encode_records(t.functions, &SymbolTable::Function::start, [&](const SymbolTable::Function& f, std::string* out) {
    encode_position(f.end, f.start, out);
    vlq_encode(int64_t(f.name) - name, out);
    vlq_encode(int64_t(f.source) - source, out);
    name = f.name;
    source = f.source;
  });
  std::string calls = encode_records(t.calls, &SymbolTable::Call::pos, [&](const SymbolTable::Call& c, std::string* out) {
    vlq_encode(int64_t(c.callee) - callee, out);
    callee = c.callee;
  });
  int32_t callback_name = -1;
  std::string callbacks = encode_records(t.callbacks, &SymbolTable::Callback::pos, [&](const SymbolTable::Callback& c, std::string* out) {
    size_t count = std::min<size_t>(c.functions.size(), 8);
    vlq_encode(int64_t(c.name) - callback_name, out);
    vlq_encode(int64_t(count), out);
    for (size_t k = 0; k < count; ++k) vlq_encode(c.functions[k], out);
    callback_name = c.name;
  });
  int32_t called = -1;
  std::string named_calls = encode_records(t.named_calls, &SymbolTable::NamedCall::pos, [&](const SymbolTable::NamedCall& c, std::string* out) {
    vlq_encode(int64_t(c.name) - called, out);
    called = c.name;
  });
  std::string sites;
  JsPosition prev_site;
  for (const JsPosition& p : t.sites) {
    encode_position(p, prev_site, &sites);
    prev_site = p;
  }
  int32_t import_module = -1, import_name = -1;
  std::string import_calls = encode_records(t.import_calls, &SymbolTable::ImportCall::pos, [&](const SymbolTable::ImportCall& c, std::string* out) {
    vlq_encode(int64_t(c.module) - import_module, out);
    vlq_encode(int64_t(c.name) - import_name, out);
    import_module = c.module;
    import_name = c.name;
  });
  std::string exports;
  int64_t export_name = -1;
  for (const SymbolTable::Export& e : t.exports) {
    vlq_encode(int64_t(e.name) - export_name, &exports);
    export_name = e.name;
    vlq_encode(e.function >= 0 ? int64_t(e.function) + 1 : 0, &exports);
    if (e.function < 0) {
      vlq_encode(e.module, &exports);
      vlq_encode(e.imported, &exports);
    }
  }
  std::string tails;
  int64_t last = -1;
  for (size_t i = 0; i < t.tails.size(); ++i) {
    if (t.tails[i].empty()) continue;
    size_t count = std::min<size_t>(t.tails[i].size(), 64);
    vlq_encode(int64_t(i) - last, &tails);
    vlq_encode(int64_t(count), &tails);
    for (size_t k = 0; k < count; ++k) {
      const auto& x = t.tails[i][k];
      vlq_encode(x.function >= 0 ? int64_t(x.function) + 1 : x.name >= 0 ? -(int64_t(x.name) + 1) : 0, &tails);
    }
    last = int64_t(i);
  }
  std::string texts;
  bool any_text = false;
  for (const SymbolTable::Function& f : t.functions) {
    if (f.name >= 0) continue;
    any_text = any_text || f.text != 0;
    for (size_t k = kTextChars; k-- > 0;) texts += base64_digit(static_cast<int>((f.text >> (6 * k)) & 63));
  }
  json ignore = empty_array();
  for (size_t i = 0; i < t.ignored.size(); ++i)
    if (t.ignored[i]) ignore.push_back(i);
  // Version 3 when a tail target is a member call by name (".map"): a core that reads only
  // versions 1 and 2 would take it for a built-in that did not run and trust its sibling tails, so
  // it must refuse the table; without such targets the table stays version 2 for those cores.
  // (Member names of `named_calls` alone do not count: cores that do not read that field ignore it.)
  bool members = false;
  for (const auto& targets : t.tails)
    for (const SymbolTable::Target& x : targets)
      if (x.name >= 0 && !t.names[static_cast<size_t>(x.name)].empty() && t.names[static_cast<size_t>(x.name)][0] == '.') members = true;
  json out = {{"faultline_symbols", members ? 3 : 2}, {"debug_id", t.debug_id}, {"file", t.file}, {"sources", t.sources},
              {"ignore", ignore},       {"names", t.names},       {"files", files}, {"functions", functions},
              {"calls", calls},         {"tails", tails}};
  if (t.line_info) out["long_lines"] = t.long_lines;
  if (!t.callbacks.empty()) out["callbacks"] = callbacks;
  if (!named_calls.empty()) out["named_calls"] = named_calls;
  if (!sites.empty()) out["sites"] = sites;
  // Optional, no new version: a core that does not know it keys anonymous functions by ordinal.
  if (any_text) out["texts"] = texts;
  // Module linking: optional fields, no new version (a core that ignores them keys those frames
  // as before, symbol_table.h).
  if (!t.import_calls.empty() || !t.exports.empty()) {
    out["modules"] = t.modules;
    if (!t.import_calls.empty()) out["import_calls"] = import_calls;
    if (!t.exports.empty()) out["exports"] = exports;
  }
  return dump_json(out);
}

bool parse_symbol_table(std::string_view text, SymbolTable* out, std::string* error) {
  *out = SymbolTable{};
  json j = parse_json(text);
  if (j.is_discarded() || !j.is_object()) return fail(error, "symbol table: not a JSON object");
  const json* version = get_field(j, "faultline_symbols");
  if (!version || !version->is_number_integer() || version->get<int64_t>() < 1 || version->get<int64_t>() > 3)
    return fail(error, "symbol table: not a version 1, 2 or 3 faultline symbol table");
  if (!read_strings(j, "sources", &out->sources) || !read_strings(j, "names", &out->names))
    return fail(error, "symbol table: \"sources\" and \"names\" must be arrays of strings");
  out->debug_id = get_string(j, "debug_id");
  out->file = get_string(j, "file");
  out->ignored.assign(out->sources.size(), 0);
  if (const json* ignore = get_field(j, "ignore"); ignore && ignore->is_array()) {
    for (const json& i : *items(*ignore))
      if (i.is_number_unsigned() && i.get<uint64_t>() < out->sources.size()) out->ignored[i.get<size_t>()] = 1;
  }
  const json* files = get_field(j, "files");
  const json* functions = get_field(j, "functions");
  if (!files || !functions || !files->is_string() || !functions->is_string())
    return fail(error, "symbol table: \"files\" and \"functions\" must be strings");
  const json* calls = get_field(j, "calls");
  const json* tails = get_field(j, "tails");
  const json* callbacks = get_field(j, "callbacks");
  if ((calls && !calls->is_string()) || (tails && !tails->is_string()) || (callbacks && !callbacks->is_string()))
    return fail(error, "symbol table: \"calls\", \"tails\" and \"callbacks\" must be strings");
  bool ok = decode_files(files->get_ref<const std::string&>(), out) &&
            decode_functions(functions->get_ref<const std::string&>(), out) &&
            decode_calls(calls ? std::string_view(calls->get_ref<const std::string&>()) : std::string_view(), out) &&
            decode_tails(tails ? std::string_view(tails->get_ref<const std::string&>()) : std::string_view(), out) &&
            decode_callbacks(callbacks ? std::string_view(callbacks->get_ref<const std::string&>()) : std::string_view(), out);
  const json* named_calls = get_field(j, "named_calls");
  if (named_calls && !named_calls->is_string()) {
    *out = SymbolTable{};
    return fail(error, "symbol table: \"named_calls\" must be a string");
  }
  ok = ok && (!named_calls || decode_named_calls(named_calls->get_ref<const std::string&>(), out));
  const json* sites = get_field(j, "sites");
  if (sites && !sites->is_string()) {
    *out = SymbolTable{};
    return fail(error, "symbol table: \"sites\" must be a string");
  }
  ok = ok && (!sites || decode_sites(sites->get_ref<const std::string&>(), out));
  const json* texts = get_field(j, "texts");
  if (texts && !texts->is_string()) {
    *out = SymbolTable{};
    return fail(error, "symbol table: \"texts\" must be a string");
  }
  ok = ok && (!texts || decode_texts(texts->get_ref<const std::string&>(), out));
  const json* modules = get_field(j, "modules");
  const json* import_calls = get_field(j, "import_calls");
  const json* exports = get_field(j, "exports");
  if ((modules && !read_strings(j, "modules", &out->modules)) || (import_calls && !import_calls->is_string()) ||
      (exports && !exports->is_string())) {
    *out = SymbolTable{};
    return fail(error, "symbol table: \"modules\" must be an array of strings, \"import_calls\" and \"exports\" strings");
  }
  ok = ok && (!import_calls || decode_import_calls(import_calls->get_ref<const std::string&>(), out)) &&
       (!exports || decode_exports(exports->get_ref<const std::string&>(), out));
  if (!ok) {
    *out = SymbolTable{};
    return fail(error, "symbol table: malformed or out-of-order ranges");
  }
  if (const json* ll = get_field(j, "long_lines")) {
    if (!ll->is_array()) {
      *out = SymbolTable{};
      return fail(error, "symbol table: \"long_lines\" must be an array of line numbers");
    }
    for (const json& v : *items(*ll)) {
      if (!v.is_number_unsigned() || v.get<uint64_t>() > 0x7fffffff ||
          (!out->long_lines.empty() && v.get<uint64_t>() <= out->long_lines.back())) {
        *out = SymbolTable{};
        return fail(error, "symbol table: \"long_lines\" must be an array of line numbers");
      }
      out->long_lines.push_back(static_cast<uint32_t>(v.get<uint64_t>()));
    }
    out->line_info = true;
  }
  compute_parents(&out->functions);
  compute_definers(&out->functions);
  return true;
}

int32_t function_at(const SymbolTable& t, JsPosition p) {
  auto fn = std::upper_bound(t.functions.begin(), t.functions.end(), p,
                             [](const JsPosition& pos, const SymbolTable::Function& f) { return pos < f.start; });
  int32_t i = static_cast<int32_t>(fn - t.functions.begin()) - 1;
  while (i >= 0 && t.functions[static_cast<size_t>(i)].end < p) i = t.functions[static_cast<size_t>(i)].parent;
  return i;
}

bool handwritten_line(const SymbolTable& t, uint32_t line) {
  return t.line_info && !std::binary_search(t.long_lines.begin(), t.long_lines.end(), line);
}

SymbolLookup lookup_symbol(const SymbolTable& t, uint32_t line, uint32_t column) {
  SymbolLookup r;
  JsPosition p{line, column};
  int32_t i = function_at(t, p);
  int32_t source = -1;
  auto run = std::upper_bound(t.files.begin(), t.files.end(), p,
                              [](const JsPosition& pos, const SymbolTable::FileRun& f) { return pos < f.start; });
  if (run != t.files.begin()) source = std::prev(run)->source;
  r.function_index = i;
  if (i >= 0) {
    const auto& f = t.functions[static_cast<size_t>(i)];
    if (f.name >= 0) r.function = t.names[static_cast<size_t>(f.name)];
    if (source < 0) source = f.source;
  }
  if (source < 0) {
    // No original file (a table built from the code itself, or code a map leaves unmapped): not
    // resolved, the function still named (grouping.cpp code_table_names).
    SymbolLookup none;
    none.function_index = i;
    none.function = std::move(r.function);
    return none;
  }
  r.resolved = true;
  r.file = t.sources[static_cast<size_t>(source)];
  r.ignored = t.ignored[static_cast<size_t>(source)] != 0;
  return r;
}

bool resolve_frame(const SymbolTable& table, Frame* frame) {
  if (frame->lineno < 1 || frame->colno < 1) return false;
  SymbolLookup r = lookup_symbol(table, static_cast<uint32_t>(frame->lineno - 1), static_cast<uint32_t>(frame->colno - 1));
  if (!r.resolved) return false;
  frame->original_file = std::move(r.file);
  frame->original_function = std::move(r.function);
  frame->resolved = true;
  if (r.ignored) frame->in_app = false;
  return true;
}

}  // namespace faultline
