// The console's shared pages: login, a message, an engine error; and the links between pages.
#include "console/pages.hpp"

namespace strata::console {

namespace {

int http_status_of(std::string_view code) {
  if (code == "DATABASE_NOT_FOUND" || code == "MIGRATION_NOT_FOUND" ||
      code == "SCHEMA_NOT_RECORDED") {
    return 404;
  }
  if (code == "PERMISSION_DENIED") return 403;
  if (code == "INVALID_TARGET_VERSION" || code == "INVALID_VALUE" || code == "SYNTAX_ERROR") {
    return 400;
  }
  if (code == "STORAGE_ERROR" || code == "STORE_UNAVAILABLE") return 503;
  return 500;
}

}  // namespace

std::string database_href(std::string_view db) { return "/db?name=" + url_encode(db); }

std::string migration_href(std::string_view db, uint64_t version) {
  return "/migration?db=" + url_encode(db) + "&version=" + std::to_string(version);
}

std::string rollback_href(std::string_view db, uint64_t target) {
  return "/rollback?db=" + url_encode(db) + "&to=" + std::to_string(target);
}

PageResult login_page(std::string_view next, std::string_view error, std::string_view user,
                      int status) {
  std::string body = "<div class=\"login panel\"><h1>Sign in</h1>";
  body += "<p class=\"lead\">Use a Strata user of any role. The console only reads.</p>";
  if (!error.empty()) body += callout("error", escape(error));
  body += "<form method=\"post\" action=\"/login\">";
  body += "<input type=\"hidden\" name=\"next\" value=\"" + escape(next) + "\">";
  body += "<label for=\"user\">User</label><input id=\"user\" name=\"user\" autocomplete="
          "\"username\" required value=\"" + escape(user) + "\"" +
          (user.empty() ? " autofocus" : "") + ">";
  body += "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
          "type=\"password\" autocomplete=\"current-password\" required" +
          std::string(user.empty() ? "" : " autofocus") + ">";
  body += "<button type=\"submit\">Sign in</button></form></div>";
  return {status, page("Sign in", Viewer{}, {}, body)};
}

PageResult message_page(const Identity& who, int status, std::string_view title,
                        std::string_view message) {
  std::string body = "<h1>" + escape(title) + "</h1>";
  body += callout(status >= 500 ? "error" : "warning", escape(message));
  body += "<p><a href=\"/\">Back to the databases</a></p>";
  return {status, page(title, who.viewer, {{"Databases", "/"}, {std::string(title), ""}}, body)};
}

PageResult engine_error_page(const Identity& who, const std::vector<Crumb>& crumbs,
                             std::string_view title, const Json& response) {
  std::string code = "INTERNAL";
  std::string message = response.value("message", std::string("the engine gave no answer"));
  if (auto it = response.find("error"); it != response.end() && it->is_object()) {
    code = it->value("code", code);
  }
  std::string body = "<h1>" + escape(title) + "</h1>";
  body += callout("error", "<b>" + escape(code) + "</b> — " + escape(message));
  body += "<p><a href=\"/\">Back to the databases</a></p>";
  return {http_status_of(code), page(title, who.viewer, crumbs, body)};
}

}  // namespace strata::console
