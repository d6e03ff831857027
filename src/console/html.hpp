#pragma once
// HTML building blocks of the audit console (SPEC §12): escaping, the page frame every page
// shares (top bar, breadcrumbs, the user and the logout button, the stylesheet inlined under
// a CSP hash), and small pieces (state badges, times, code lists, key/value tables).
//
// Every name and value that comes from a database goes through escape() before it reaches
// a page: a bundle or a description `<script>` renders as text. Pages carry a
// Content-Security-Policy (security_headers()) that allows no script at all and only the one
// inline stylesheet, so a missed escape still could not run code.
//
// Thread-safety: pure functions (the stylesheet's hash is computed once, thread-safely).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"
#include "console/encoding.hpp"

namespace strata::console {

// A JSON value as plain text: strings as they are, null as "—", others as compact JSON.
std::string text_of(const Json& value);

// Who is looking (shown in the top bar); empty user when the console runs without login.
struct Viewer {
  std::string user;
  std::string role;
};

struct Crumb {
  std::string label;
  std::string href;  // empty: the current page (not a link)
};

// A whole page: doctype, head (title, inline stylesheet, icon), top bar, breadcrumbs, `body`.
// `title` and crumbs are escaped here; `body` is HTML the caller built (escaped already).
std::string page(std::string_view title, const Viewer& viewer, const std::vector<Crumb>& crumbs,
                 std::string_view body);

// The headers every HTML response carries: CSP (no script; the stylesheet by its hash),
// nosniff, no referrer to other sites (same-origin, so that the browser still sends a real
// Origin with the login form), no framing, no caching.
std::vector<std::pair<std::string, std::string>> security_headers();

// <span class="state state-applied">APPLIED</span> (class from the state's name).
std::string state_badge(std::string_view state);
// The same colors with another text (e.g. "4 applied").
std::string state_badge(std::string_view state, std::string_view label);
// A PASS / PASS_WITH_WARNINGS / FAIL result as a badge.
std::string result_badge(std::string_view result);
// <time datetime="…">2026-01-10 10:00 UTC</time> for an RFC 3339 time; "—" for null.
std::string time_tag(const Json& value);
// An ordered list of statements in monospace (empty list: `empty_text` in a muted line); past
// `max` items, a line says how many more there are (a million-document migration's page
// stays readable).
std::string code_list(const Json& statements, std::string_view empty_text, size_t max = 1000);
// A bulleted list of a JSON array's items as text ("" for an empty or non-array value).
std::string list_items(const Json& items);
// A two-column table of label/value rows (values are HTML the caller escaped).
std::string facts(const std::vector<std::pair<std::string, std::string>>& rows);
// A panel with a heading and HTML content.
std::string section(std::string_view heading, std::string_view content);
// A callout: kind is "error", "warning" or "info".
std::string callout(std::string_view kind, std::string_view html);

}  // namespace strata::console
