// The message rules of grouping (see grouping.h for how the message key enters the fingerprint):
// an engine's error message becomes a cross-engine canonical kind ("nullish-property-access",
// "not-a-function:f", "dom:NotFoundError", ...); any other message becomes "msg:" and the
// developer's text with its parameters (numbers, ids, quoted values, URLs, e-mails, dates...)
// replaced by placeholders ("msg:order <num> not found"). Only the first 2048 bytes are read.
#pragma once
#include <string>
#include <string_view>

namespace faultline {

// dom_exception false: the error is known not to be a DOMException, so the DOMException names'
// rule (the name is the kind, the browser's wording dropped) does not apply to it.
std::string canonicalize_message(std::string_view type, std::string_view message, bool dom_exception = true);
// Firefox's "InternalError: too much recursion" is a RangeError elsewhere; "" is "Error".
std::string canonical_type(std::string_view type, std::string_view message);
std::string parameterize_message(std::string_view message);
// "GET https://api.example/users/17?x=1" -> "GET https://api.example/users/<num>".
std::string parameterize_request(std::string_view request);
// A run of letters and digits that is a generated id (base36/base62 token, short hash), not a word.
bool looks_like_generated_id(std::string_view token);

}  // namespace faultline
