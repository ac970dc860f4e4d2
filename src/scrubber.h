// PII scrubbing, on by default (sendDefaultPii: false). Runs in the page, before anything leaves it.
//
// Always scrubbed (whatever sendDefaultPii says):
//   - values of sensitive keys (password, secret, token, auth, session, cookie, api key, card number,
//     cvv, ssn, private key, csrf, signature...)           -> "[Filtered]"
//   - such keys in URL query strings and "key=value" text -> key=[Filtered]; user:pass@ in URLs
//   - JWTs -> "[jwt]", "Bearer <token>" -> "Bearer [token]", Luhn-valid card numbers with a known
//     issuer prefix -> "[card]"
// Scrubbed unless sendDefaultPii is true:
//   - e-mail addresses -> "[email]", IPv4/IPv6 addresses -> "[ip]", user.email / user.ip_address,
//     Cookie / Authorization / Set-Cookie request headers and request cookies.
// Users add keys (substring match, case-insensitive) and patterns in a small language:
//   literal text, `*` = any run of non-space characters, `?` = one character, `#` = one digit;
//   a match anywhere in a string becomes "[Filtered]". No regex engine: linear scanners only.
// Not scrubbed: ordinary ids, dates, times, versions (v1.2.3.4 / "version 1.2.3.4"), UUIDs, hashes,
// numbers that fail Luhn or have no card issuer prefix.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "json.h"

namespace faultline {

struct ScrubOptions {
  bool send_default_pii = false;
  std::vector<std::string> extra_keys;      // user-added sensitive keys
  std::vector<std::string> extra_patterns;  // user-added patterns (see above)
  std::vector<std::string> safe_keys;       // never scrub these keys' values (exact, case-insensitive)
};

class Scrubber {
 public:
  explicit Scrubber(ScrubOptions opts = {});
  std::string scrub_text(std::string_view text) const;
  std::string scrub_url(std::string_view url) const;
  void scrub_value(json& value, std::string_view key = {}, int depth = 0) const;
  void scrub_event(json& event) const;
  bool is_sensitive_key(std::string_view key) const;

 private:
  ScrubOptions opts_;
  std::vector<std::string> extra_keys_norm_;
};

bool luhn_valid(std::string_view digits);
// The pattern language above; exposed for tests.
bool pattern_match_at(std::string_view pattern, std::string_view text, size_t pos, size_t& end);

}  // namespace faultline
