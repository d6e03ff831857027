#pragma once
// Access: who is asking, for every console request (SPEC §12).
//   - pages: the session cookie `strata_session` (HttpOnly, SameSite=Strict, Path=/) names a
//     login in the WebSessions table; its user's role is looked up again on every request, so
//     a dropped user is logged out and a changed role applies at once;
//   - POST /login checks user and password with the engine's UserStore. A failed attempt is
//     answered after the AuthThrottle's growing delay for the address (as AUTH is), and an
//     attempt that comes while an earlier failure's delay still runs is refused (429) without
//     looking at the password, so parallel guesses gain nothing;
//   - /metrics: HTTP Basic credentials, checked and throttled the same way;
//   - POST requests with an Origin header must come from the console's own origin.
// With ConsoleOptions::auth false everyone is admin and there is no login.
//
// Thread-safety: safe for concurrent use.

#include <httplib.h>

#include <optional>
#include <string>

#include "common/auth_throttle.hpp"
#include "console/options.hpp"
#include "console/pages.hpp"
#include "console/web_sessions.hpp"
#include "engine/engine.hpp"

namespace strata::console {

inline constexpr const char* kSessionCookie = "strata_session";

class Access {
 public:
  Access(const ConsoleOptions& options, engine::Engine& engine, AuthThrottle& throttle);

  // The identity behind a request's session cookie (admin when auth is off); nullopt when
  // there is no live session.
  std::optional<Identity> identify(const httplib::Request& req);
  // GET /login, POST /login, POST /logout.
  void login_form(const httplib::Request& req, httplib::Response& res);
  void login(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);
  // The identity of /metrics's Basic credentials; nullopt after answering 401 or 429 in `res`.
  std::optional<Identity> basic(const httplib::Request& req, httplib::Response& res);
  // False (after answering 403 in `res`) for a POST whose Origin is another site's.
  bool same_origin(const httplib::Request& req, httplib::Response& res);

  size_t sessions() { return sessions_.size(); }

 private:
  // Checks user/password with the throttle; on refusal fills `res` (401/429/503) and returns
  // nullopt. `page` decides the refusal's form (HTML login page or a plain 401).
  std::optional<ast::Role> check_password(const httplib::Request& req, httplib::Response& res,
                                          const std::string& user, const std::string& password,
                                          bool page);
  Identity identity_of(const std::string& user, ast::Role role) const;

  const ConsoleOptions& options_;
  engine::Engine& engine_;
  AuthThrottle& throttle_;
  WebSessions sessions_;
};

// Writes `page` as the response: its status, HTML, and the security headers of html.hpp.
void send_page(httplib::Response& res, const PageResult& page);
// 303 See Other to `location`.
void redirect(httplib::Response& res, const std::string& location);
// `next` when it is a path on this site ("/…", not "//…"), else "/".
std::string local_path(const std::string& next);

}  // namespace strata::console
