// Sentry DSN: scheme://publickey[:secret]@host[:port]/[path/]projectid
#pragma once
#include <string>
#include <string_view>

namespace faultline {

struct Dsn {
  std::string scheme;      // "http" or "https"
  std::string public_key;
  std::string host;        // may be an [IPv6] literal, kept with brackets
  int port = 0;            // 0 = default for the scheme
  std::string path;        // "" or "/prefix" (no trailing slash)
  std::string project_id;  // digits (Sentry) or any non-empty segment (GlitchTip uses digits too)

  std::string origin() const;        // scheme://host[:port]
  std::string envelope_url() const;  // origin + path + /api/<project>/envelope/
  std::string to_string() const;     // canonical DSN text without the secret
};

struct DsnResult {
  bool ok = false;
  Dsn dsn;
  std::string error;  // human-readable reason when !ok
};

// Never throws; a malformed DSN gives ok=false and a clear error.
DsnResult parse_dsn(std::string_view text);

}  // namespace faultline
