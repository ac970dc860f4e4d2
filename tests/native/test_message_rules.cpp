// Grouping's message rules as a table (src/message_rules.txt, read by canonicalize_message) give
// the keys that the hand-written comparisons they replaced gave, recorded in
// tests/fixtures/message-keys.json for every input listed there under every type listed there:
// the messages of the grouping corpora (tests/fixtures/grouping/*.json), of the stack fixtures
// (tests/fixtures/stacks), every string literal of the native tests, and the old rules' own texts
// alone and inside other text.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "json.h"
#include "message_rules.h"

using namespace faultline;

namespace {

json load_keys() {
  std::ifstream in(FAULTLINE_SOURCE_DIR "/tests/fixtures/message-keys.json");
  if (!in.good()) return json();
  return json::parse(in, nullptr, false);
}

// The recorded key of `message` under `type` (see the fixture's note).
std::string recorded_key(const json& keys, const json& row, const std::string& type) {
  std::string message = row[0].get<std::string>();
  if (row.size() > 1)
    for (const auto& [key, types] : row[1].items())
      for (const auto& t : types)
        if (t.get<std::string>() == type) return key == "msg" ? "msg:" + parameterize_message(message) : key;
  if (keys["type_keys"].contains(type)) return keys["type_keys"][type].get<std::string>();
  return "msg:" + parameterize_message(message);
}

}  // namespace

TEST(MessageRules, TheTableGivesTheRecordedKeyOfEveryInputUnderEveryType) {
  json keys = load_keys();
  ASSERT_TRUE(keys.is_object() && keys.contains("messages")) << "tests/fixtures/message-keys.json missing";
  size_t checked = 0, kinds = 0, differences = 0;
  for (const auto& row : keys["messages"]) {
    std::string message = row[0].get<std::string>();
    for (const auto& t : keys["types"]) {
      std::string type = t.get<std::string>();
      std::string want = recorded_key(keys, row, type);
      std::string got = canonicalize_message(type, message);
      ++checked;
      kinds += want.rfind("msg:", 0) != 0;
      if (got != want && ++differences <= 40) ADD_FAILURE() << "type '" << type << "' message '" << message << "': " << got << ", recorded " << want;
    }
  }
  EXPECT_EQ(differences, 0u);
  EXPECT_GT(checked, 100000u);
  EXPECT_GT(kinds, 5000u);  // the inputs reach the rules, not only the developer-message path
}

TEST(MessageRules, PatternsMatchPrefixesSuffixesFirstOccurrencesAndNamedSubjects) {
  // A literal after a wildcard is its first occurrence: the subject ends at the first " is not a function".
  EXPECT_EQ(canonicalize_message("TypeError", "app.render is not a function is not a function"), "not-a-function:render");
  // `#` needs a plain name of 3+ characters: "s" is none, so the rule does not apply.
  EXPECT_EQ(canonicalize_message("RangeError", "invalid value \"x\" for option style"), "invalid-intl-option:style");
  EXPECT_EQ(canonicalize_message("RangeError", "invalid value \"x\" for option s").rfind("msg:", 0), 0u);
  // `^`: the first line only; `~`: letters in any case.
  EXPECT_EQ(canonicalize_message("SyntaxError", "Unexpected token < in JSON at position 0"), "json-parse");
  EXPECT_EQ(canonicalize_message("SyntaxError", "bad input\nUnexpected token < in JSON at position 0").rfind("msg:", 0), 0u);
  EXPECT_EQ(canonicalize_message("TypeError", "CANNOT READ PRIVATE MEMBER #x"), "private-member-access");
  // The operator keyword in JavaScriptCore's quoted source, not the letters inside a name.
  EXPECT_EQ(canonicalize_message("TypeError", "t is not an Object. (evaluating '\"flag\"in t')"), "in-operator-non-object");
  EXPECT_EQ(canonicalize_message("TypeError", "t is not an Object. (evaluating 'index')").rfind("msg:", 0), 0u);
  // A kind ending in ':' takes the type.
  EXPECT_EQ(canonicalize_message("QuotaExceededError", "The quota has been exceeded."), "dom:QuotaExceededError");
}
