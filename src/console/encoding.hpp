#pragma once
// The console's text encodings: HTML escaping, query-string percent-encoding and base64
// (HTTP Basic credentials, the stylesheet's CSP hash).
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace strata::console {

// &, <, >, " and ' as entities: safe in text and in quoted attribute values.
std::string escape(std::string_view text);
// Percent-encoding of a query-string value (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view text);
// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::string_view bytes);
// Decodes standard base64 into *out; false (and *out unspecified) on malformed input.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace strata::console
