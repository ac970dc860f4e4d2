// PII scrubbing, on by default (sendDefaultPii: false). Runs in the page, before anything leaves it.
// The rule data (sensitive keys, auth schemes, token formats, IBAN lengths) lives in
// src/scrub_rules.json, shared with the JS fallback core (js/scrub-rules.js is generated from it);
// js/scrub.js implements the same algorithm and tests/node/scrub-parity.test.js holds them equal.
//
// Always scrubbed (whatever sendDefaultPii says):
//   - values of sensitive keys in objects                     -> "[Filtered]"
//   - the same keys inside text: JSON ("password":"x", escaped JSON \"token\":\"x\" at any depth),
//     key=value (query strings, form bodies, cookies; ;/&/,-separated), key: value and key = value
//     (headers, log lines; "Authorization: Basic <x>" keeps the scheme)  -> the value "[Filtered]"
//   - user:pass@ in URLs, PEM private-key bodies               -> "[Filtered]"
//     (also without their BEGIN line: base64 DER whose structure is a private key's, see match_der_key)
//   - a bare AWS secret access key (40 random-looking [A-Za-z0-9/+], see match_aws_secret) -> "[token]"
//   - JWTs -> "[jwt]"; Bearer/Basic credentials and well-known token formats (AWS access key ids,
//     GitHub, GitLab, Stripe, Slack, Google API, npm, OpenAI/Anthropic keys) -> "[token]";
//     Luhn-valid card numbers with an issuer prefix -> "[card]"; IBANs (country length + mod-97)
//     -> "[iban]"; US SSNs (ddd-dd-dddd outside the never-issued ranges) -> "[ssn]"
// Scrubbed unless sendDefaultPii is true:
//   - e-mail addresses -> "[email]", IPv4/IPv6 addresses -> "[ip]", user.email / user.ip_address,
//     Cookie / Authorization / Set-Cookie request headers and request cookies.
// Percent-encoded text is decoded (escapes of printable ASCII, tabs and line breaks, at most two rounds) and scanned again:
// when that reveals something, the decoded text is returned with both scans' findings replaced,
// so "email=jane.doe%40example.com" becomes "email=[email]". '+' is kept as is (it is part of
// e-mail addresses and of '+'-joined values).
// Every scanner is linear (no regex engine, no backtracking; look-behinds bounded to 64 chars) and
// treats any byte that is not ASCII as an ordinary character.
// Users add keys (substring match, case-insensitive) and patterns in a small language:
//   literal text, `*` = any run of non-space characters, `?` = one character, `#` = one digit;
//   a match anywhere in a string becomes "[Filtered]".
// Not scrubbed: ordinary ids, dates, times, versions (v1.2.3.4 / "version 1.2.3.4"), UUIDs, hashes,
// numbers that fail Luhn or have no card issuer prefix; keys like keyboard, monkey, zip_code,
// country_code, error_code, status_code, keyCode, primary_key, public_key, author, passport.
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

// How a key's value is treated. weak keys (token, key, pass, session...) count everywhere except
// in prose-like "key: value" text, where the value must also look like a secret.
enum class KeyStrength { none, weak, strong };

class Scrubber {
 public:
  explicit Scrubber(ScrubOptions opts = {});
  std::string scrub_text(std::string_view text) const;
  std::string scrub_url(std::string_view url) const;
  void scrub_value(json& value, std::string_view key = {}, int depth = 0) const;
  void scrub_event(json& event) const;
  // A value that follows `before` in one text (a console argument after the previous one, a
  // parameterize value after the template text and values before it): scrubbed with that context,
  // so "password:" + "hunter2" hides the value. Uses the last 128 bytes of before.
  std::string scrub_after(std::string_view before, std::string_view value) const;
  // Object keys that hold a secret are replaced by their scrubbed text (a suffix " (2)", " (3)"...
  // keeps a replaced key from colliding with another key).
  void scrub_keys(json& obj) const;
  bool is_sensitive_key(std::string_view key) const { return key_strength(key) != KeyStrength::none; }
  KeyStrength key_strength(std::string_view key) const;
  bool is_query_key(std::string_view key) const;  // sensitive only as a query/form key (code)
  const ScrubOptions& options() const { return opts_; }

 private:
  ScrubOptions opts_;
  std::vector<std::string> extra_keys_norm_;
};

bool luhn_valid(std::string_view digits);
// The pattern language above; exposed for tests.
bool pattern_match_at(std::string_view pattern, std::string_view text, size_t pos, size_t& end);

}  // namespace faultline
