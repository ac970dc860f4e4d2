// Grouping quality on the labeled corpus captured from six real engines in two deploys
// (tests/fixtures/grouping/corpus.json, made by scripts/capture-grouping-corpus.mjs).
// B-cubed precision/recall/F1 of Faultline's fingerprint against the bug labels, the number of
// wrongly merged bug pairs, and two naive baselines for comparison. Fails below F1 0.98 or on any
// wrongly merged pair.
#include <gtest/gtest.h>

#include <fstream>
#include <iomanip>
#include <map>
#include <set>

#include "grouping.h"
#include "stack_parser.h"

using namespace faultline;

namespace {

struct Scores {
  double precision = 0, recall = 0, f1 = 0;
  size_t groups = 0;
  std::set<std::pair<std::string, std::string>> merged_pairs;  // different bugs in one group
  std::map<std::string, std::set<std::string>> groups_per_bug;
};

Scores bcubed(const std::vector<std::string>& labels, const std::vector<std::string>& keys) {
  Scores s;
  std::map<std::string, std::map<std::string, size_t>> by_key;  // key -> label -> n
  std::map<std::string, size_t> label_size, key_size;
  for (size_t i = 0; i < labels.size(); ++i) {
    by_key[keys[i]][labels[i]]++;
    label_size[labels[i]]++;
    key_size[keys[i]]++;
    s.groups_per_bug[labels[i]].insert(keys[i]);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    double both = static_cast<double>(by_key[keys[i]][labels[i]]);
    s.precision += both / key_size[keys[i]];
    s.recall += both / label_size[labels[i]];
  }
  s.precision /= labels.size();
  s.recall /= labels.size();
  s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall);
  s.groups = by_key.size();
  for (const auto& [key, labs] : by_key)
    for (auto a = labs.begin(); a != labs.end(); ++a)
      for (auto b = std::next(a); b != labs.end(); ++b) s.merged_pairs.insert({a->first, b->first});
  return s;
}

ExceptionInput to_input(const json& r) {
  ExceptionInput x;
  x.type = r.value("type", "");
  x.value = r.value("value", "");
  x.synthetic = r.value("synthetic", false);
  x.frames = parse_stack(r.value("stack", ""), x.value).frames;
  classify_frames(x.frames, GroupingOptions{});
  return x;
}

}  // namespace

TEST(GroupingCorpus, SixEnginesTwoDeploysBCubedF1AtLeast098AndNoWrongMerge) {
  std::ifstream in(FAULTLINE_SOURCE_DIR "/tests/fixtures/grouping/corpus.json");
  ASSERT_TRUE(in.good()) << "run scripts/capture-grouping-corpus.mjs";
  json corpus = json::parse(in);
  const json& records = corpus["records"];
  ASSERT_GE(records.size(), 1000u);

  std::vector<std::string> labels, ours, baseline_message, baseline_frames;
  std::set<std::string> engines, deploys;
  for (const auto& r : records) {
    engines.insert(r["browser"].get<std::string>());
    deploys.insert(r["deploy"].get<std::string>());
    labels.push_back(r["bug_label"].get<std::string>());
    std::vector<ExceptionInput> chain = {to_input(r)};
    if (r.contains("cause"))
      for (const auto& c : r["cause"]) chain.push_back(to_input(c));
    ours.push_back(compute_grouping(chain, GroupingOptions{}).fingerprint);
    // Baseline 1: type + message, verbatim.
    baseline_message.push_back(r.value("type", "") + "|" + r.value("value", ""));
    // Baseline 2: type + every frame's function, file and line.
    std::string all = r.value("type", "");
    for (const auto& f : chain[0].frames) all += "|" + f.function + "@" + f.filename + ":" + std::to_string(f.lineno);
    baseline_frames.push_back(all);
  }
  Scores s = bcubed(labels, ours);
  Scores b1 = bcubed(labels, baseline_message);
  Scores b2 = bcubed(labels, baseline_frames);

  std::ostringstream report;
  report << std::fixed << std::setprecision(4);
  report << "[grouping-corpus] " << records.size() << " records, " << s.groups_per_bug.size() << " bugs, " << engines.size()
         << " engines, " << deploys.size() << " deploys\n";
  auto row = [&](const char* name, const Scores& x) {
    report << "  " << std::left << std::setw(34) << name << " precision " << x.precision << "  recall " << x.recall << "  F1 "
           << x.f1 << "  groups " << x.groups << "  wrongly merged bug pairs " << x.merged_pairs.size() << "\n";
  };
  row("Faultline fl1", s);
  row("baseline: type + message", b1);
  row("baseline: type + all frames+lines", b2);
  for (const auto& [bug, keys] : s.groups_per_bug)
    if (keys.size() > 1) report << "  split: " << bug << " -> " << keys.size() << " groups\n";
  for (const auto& [a, b] : s.merged_pairs) report << "  MERGED: " << a << " + " << b << "\n";
  std::cout << report.str();

  EXPECT_GE(engines.size(), 6u);
  EXPECT_GE(deploys.size(), 2u);
  EXPECT_GE(s.f1, 0.98) << report.str();
  EXPECT_TRUE(s.merged_pairs.empty()) << report.str();
}
