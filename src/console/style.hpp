#pragma once
// The console's one stylesheet, inlined into every page's <head>; the page's
// Content-Security-Policy allows exactly this stylesheet by its SHA-256 hash.
// Thread-safety: constants.

#include <string>
#include <string_view>

namespace strata::console {

std::string_view stylesheet();
// "'sha256-<base64>'": the CSP source of stylesheet().
const std::string& stylesheet_csp_source();
// The console's icon as a data: URI (an SVG), so no request goes anywhere for it.
std::string_view icon_data_uri();

}  // namespace strata::console
