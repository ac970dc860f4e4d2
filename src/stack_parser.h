// Parses JavaScript `error.stack` text from V8 (Chrome, Edge, Node), SpiderMonkey (Firefox),
// JavaScriptCore (Safari) and older engines (Opera Presto, IE/Edge legacy, React Native/Hermes)
// into Sentry frames, oldest first.
//
// Bounded work: each line is looked at through its first kMaxLineLength bytes (like Sentry's
// parser), and at most kMaxFrames frames are kept — the ones nearest the throw site.
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "frame.h"

namespace faultline {

struct ParsedStack {
  std::vector<Frame> frames;  // oldest first (outermost caller first, throw site last)
  size_t lines_total = 0;     // non-empty lines looked at
  size_t lines_skipped = 0;   // lines that were neither a frame nor the message header
  bool truncated = false;     // more frames than kMaxFrames were present
};

inline constexpr size_t kMaxFrames = 100;
inline constexpr size_t kMaxLineLength = 1024;

// `stack` = error.stack; `message` = error.message (its lines are skipped when the stack repeats
// it); `stacktrace` = Opera's error.stacktrace, preferred over `stack` when it yields frames
// (it has columns and more frames). With no stack at all, Opera 9's "Backtrace:" inside the
// message is used.
ParsedStack parse_stack(std::string_view stack, std::string_view message = {}, std::string_view stacktrace = {});

}  // namespace faultline
