#include "console/access.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "console/encoding.hpp"

namespace strata::console {

namespace {

std::string cookie(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view part(header.data() + pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
    pos = end + 1;
  }
  return "";
}

std::string session_cookie(const std::string& token, long max_age) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; Max-Age=" +
         std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
}

long seconds_up(AuthThrottle::Clock::duration d) {
  return static_cast<long>(std::chrono::ceil<std::chrono::seconds>(d).count());
}

}  // namespace

void send_page(httplib::Response& res, const PageResult& page) {
  res.status = page.status;
  for (const auto& [name, value] : security_headers()) res.set_header(name, value);
  res.set_content(page.html, "text/html; charset=utf-8");
}

void redirect(httplib::Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
}

std::string local_path(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  }
  return next;
}

Access::Access(const ConsoleOptions& options, engine::Engine& engine, AuthThrottle& throttle)
    : options_(options),
      engine_(engine),
      throttle_(throttle),
      sessions_(options.session_idle, options.session_lifetime, options.max_sessions) {}

Identity Access::identity_of(const std::string& user, ast::Role role) const {
  return Identity{user, role, Viewer{user, ast::role_name(role)}};
}

std::optional<Identity> Access::identify(const httplib::Request& req) {
  if (!options_.auth) return Identity{"admin", ast::Role::kAdmin, Viewer{}};
  const std::string token = cookie(req, kSessionCookie);
  if (token.empty()) return std::nullopt;
  std::optional<std::string> user = sessions_.find(token);
  if (!user) return std::nullopt;
  auto role = engine_.users().role_of(*user);  // the role now, not at login
  if (!role.ok() || !role->has_value()) {
    sessions_.erase(token);  // the user is gone (or the store is): log out
    return std::nullopt;
  }
  return identity_of(*user, **role);
}

bool Access::same_origin(const httplib::Request& req, httplib::Response& res) {
  if (!req.has_header("Origin")) return true;
  const std::string origin = req.get_header_value("Origin");
  if (origin == "http://" + req.get_header_value("Host")) return true;
  spdlog::warn("console: refused a cross-site POST {} from origin {}", req.path, origin);
  send_page(res, message_page(Identity{}, 403, "Refused",
                              "This form was sent from another site."));
  return false;
}

std::optional<ast::Role> Access::check_password(const httplib::Request& req,
                                                httplib::Response& res, const std::string& user,
                                                const std::string& password, bool page) {
  const std::string& address = req.remote_addr;
  if (const auto wait = throttle_.retry_after(address); wait.count() > 0) {
    res.set_header("Retry-After", std::to_string(seconds_up(wait)));
    const std::string message = "Too many failed sign-ins from your address; try again in " +
                                std::to_string(seconds_up(wait)) + " s.";
    if (page) {
      send_page(res, login_page("/", message, user, 429));
    } else {
      res.status = 429;
      res.set_content(message + "\n", "text/plain; charset=utf-8");
    }
    return std::nullopt;
  }
  auto role = engine_.users().authenticate(user, password);
  if (role.ok()) {
    throttle_.record_success(address);
    return *role;
  }
  if (role.status().code() != Code::kAuthFailed) {
    res.status = 503;
    res.set_content("the user store cannot be read: " + role.status().message() + "\n",
                    "text/plain; charset=utf-8");
    return std::nullopt;
  }
  const auto delay = throttle_.record_failure(address);
  spdlog::warn("console: authentication failed for user '{}' from {}", user, address);
  std::this_thread::sleep_for(delay);  // like AUTH: the answer to a failure comes late
  if (page) {
    send_page(res, login_page(local_path(req.get_param_value("next")),
                              "Wrong user name or password.", user, 401));
  } else {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"strata\", charset=\"UTF-8\"");
    res.set_content("authentication failed\n", "text/plain; charset=utf-8");
  }
  return std::nullopt;
}

void Access::login_form(const httplib::Request& req, httplib::Response& res) {
  if (identify(req)) return redirect(res, "/");
  send_page(res, login_page(local_path(req.get_param_value("next")), "", ""));
}

void Access::login(const httplib::Request& req, httplib::Response& res) {
  if (!options_.auth) return redirect(res, "/");
  if (!same_origin(req, res)) return;
  const std::string user = req.get_param_value("user");
  const std::string password = req.get_param_value("password");
  if (user.empty() || password.empty()) {
    send_page(res, login_page(local_path(req.get_param_value("next")),
                              "Enter a user name and a password.", user, 400));
    return;
  }
  if (!check_password(req, res, user, password, /*page=*/true)) return;
  const std::string token = sessions_.create(user);
  res.set_header("Set-Cookie", session_cookie(token, options_.session_lifetime.count()));
  spdlog::info("console: user '{}' logged in from {}", user, req.remote_addr);
  redirect(res, local_path(req.get_param_value("next")));
}

void Access::logout(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(req, res)) return;
  const std::string token = cookie(req, kSessionCookie);
  if (!token.empty()) sessions_.erase(token);
  res.set_header("Set-Cookie", session_cookie("", 0));
  redirect(res, options_.auth ? "/login" : "/");
}

std::optional<Identity> Access::basic(const httplib::Request& req, httplib::Response& res) {
  if (!options_.auth) return Identity{"admin", ast::Role::kAdmin, Viewer{}};
  const std::string header = req.get_header_value("Authorization");
  std::string decoded;
  size_t colon = std::string::npos;
  if (header.rfind("Basic ", 0) == 0 && base64_decode(header.substr(6), &decoded)) {
    colon = decoded.find(':');
  }
  if (colon == std::string::npos) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"strata\", charset=\"UTF-8\"");
    res.set_content("authentication required (HTTP Basic, a Strata user)\n",
                    "text/plain; charset=utf-8");
    return std::nullopt;
  }
  const std::string user = decoded.substr(0, colon);
  auto role = check_password(req, res, user, decoded.substr(colon + 1), /*page=*/false);
  if (!role) return std::nullopt;
  return identity_of(user, *role);
}

}  // namespace strata::console
