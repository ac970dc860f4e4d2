// Sentry envelope framing: a header line, then for each item an item-header line (with an
// explicit `length` in bytes) and the payload. https://develop.sentry.dev/sdk/envelopes/
#pragma once
#include <string>
#include <vector>
#include "json.h"

namespace faultline {

struct EnvelopeItem {
  std::string type;     // "event", "client_report", ...
  std::string payload;  // serialized JSON
};

// `header` holds event_id / sent_at / sdk / dsn as wanted.
std::string build_envelope(const json& header, const std::vector<EnvelopeItem>& items);

// Reads an envelope back (for tests and the CLI). Returns false on malformed input.
bool parse_envelope(std::string_view text, json& header, std::vector<EnvelopeItem>& items, std::string& error);

}  // namespace faultline
