#include "console/html.hpp"

#include <cctype>

#include "console/style.hpp"

namespace strata::console {

namespace {

// "APPLIED" -> "applied", "ROLLED_BACK" -> "rolled_back"; anything unexpected -> "other".
std::string state_class(std::string_view state) {
  std::string out;
  for (char c : state) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (c == '_') {
      out.push_back('_');
    } else {
      return "other";
    }
  }
  return out.empty() ? "other" : out;
}

}  // namespace

std::string text_of(const Json& value) {
  if (value.is_null()) return "—";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string page(std::string_view title, const Viewer& viewer, const std::vector<Crumb>& crumbs,
                 std::string_view body) {
  std::string out;
  out.reserve(body.size() + stylesheet().size() + 2048);
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  out += "<title>" + escape(title) + " · Strata</title>";
  out += "<link rel=\"icon\" href=\"" + std::string(icon_data_uri()) + "\">";
  out += "<style>";
  out += stylesheet();
  out += "</style></head><body>";
  out += "<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">Strata"
         "<span>audit console</span></a>";
  if (!viewer.user.empty()) {
    out += "<div class=\"who\"><span><b>" + escape(viewer.user) + "</b> · " +
           escape(viewer.role) + "</span>";
    out += "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button>"
           "</form></div>";
  }
  out += "</div></header><main>";
  if (!crumbs.empty()) {
    out += "<nav class=\"crumbs\">";
    for (size_t i = 0; i < crumbs.size(); ++i) {
      if (i > 0) out += "<span class=\"sep\">/</span>";
      if (crumbs[i].href.empty()) {
        out += "<span>" + escape(crumbs[i].label) + "</span>";
      } else {
        out += "<a href=\"" + escape(crumbs[i].href) + "\">" + escape(crumbs[i].label) + "</a>";
      }
    }
    out += "</nav>";
  }
  out += body;
  out += "</main><footer>Strata · read-only view of the migration ledgers</footer></body></html>\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> security_headers() {
  return {
      {"Content-Security-Policy", "default-src 'none'; style-src " + stylesheet_csp_source() +
                                      "; img-src data:; form-action 'self'; "
                                      "frame-ancestors 'none'; base-uri 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cache-Control", "no-store"},
  };
}

std::string state_badge(std::string_view state) { return state_badge(state, state); }

std::string state_badge(std::string_view state, std::string_view label) {
  return "<span class=\"state state-" + state_class(state) + "\">" + escape(label) + "</span>";
}

std::string result_badge(std::string_view result) { return state_badge(result); }

std::string time_tag(const Json& value) {
  if (!value.is_string()) return "<span class=\"muted\">—</span>";
  const std::string t = value.get<std::string>();
  // "2026-01-10T10:00:00Z" -> "2026-01-10 10:00:00 UTC"
  std::string shown = t;
  if (t.size() == 20 && t[10] == 'T' && t.back() == 'Z') {
    shown = t.substr(0, 10) + " " + t.substr(11, 8) + " UTC";
  }
  return "<time datetime=\"" + escape(t) + "\">" + escape(shown) + "</time>";
}

std::string code_list(const Json& statements, std::string_view empty_text, size_t max) {
  if (!statements.is_array() || statements.empty()) {
    return "<p class=\"empty\">" + escape(empty_text) + "</p>";
  }
  std::string out = "<ol class=\"code\">";
  size_t shown = 0;
  for (const Json& s : statements) {
    if (shown++ == max) break;
    out += "<li>" + escape(text_of(s)) + "</li>";
  }
  out += "</ol>";
  if (statements.size() > max) {
    out += "<p class=\"muted\">… and " + std::to_string(statements.size() - max) +
           " more, not shown here.</p>";
  }
  return out;
}

std::string list_items(const Json& items) {
  if (!items.is_array() || items.empty()) return "";
  std::string out = "<ul class=\"plain\">";
  for (const Json& i : items) out += "<li>" + escape(text_of(i)) + "</li>";
  return out + "</ul>";
}

std::string facts(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = "<table class=\"facts\">";
  for (const auto& [label, value] : rows) {
    out += "<tr><th>" + escape(label) + "</th><td>" + value + "</td></tr>";
  }
  out += "</table>";
  return out;
}

std::string section(std::string_view heading, std::string_view content) {
  std::string out = "<section class=\"panel\"><h2>" + escape(heading) + "</h2>";
  out += content;
  out += "</section>";
  return out;
}

std::string callout(std::string_view kind, std::string_view html) {
  return "<div class=\"callout callout-" + std::string(kind) + "\">" + std::string(html) +
         "</div>";
}

}  // namespace strata::console
