#pragma once
// FakeHandler: a RequestHandler for the server's own tests, so framing, ordering, limits and
// shutdown are tested without the engine. It answers:
//   PING / STATUS            {"status":"success","success":true,"message":"PONG"}
//   ECHO <text>              {"status":"success","success":true,"echo":"<whole statement>"}
//   SLEEP <ms>               sleeps, then success
//   AUTH "<user>" "<pw>"     user admin, password secret; anything else fails
//   anything else            the echo answer, or PERMISSION_DENIED before authentication
// The handshake accepts admin/secret on database "main".
// Thread-safety: safe for concurrent use (sessions are separate objects).

#include <atomic>
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "server/request_handler.hpp"
#include "server/responses.hpp"

namespace strata::server::testing {

class FakeHandler : public RequestHandler {
 public:
  explicit FakeHandler(bool require_auth = false) : require_auth_(require_auth) {}

  struct State : HandlerSession {
    bool authenticated = false;
    std::string database;
  };

  std::unique_ptr<HandlerSession> open_session(const Peer&) override {
    auto state = std::make_unique<State>();
    state->authenticated = !require_auth_;
    return state;
  }

  Reply execute(HandlerSession& session, std::string_view text, uint32_t line,
                uint32_t column) override {
    auto& state = static_cast<State&>(session);
    executed_.fetch_add(1);
    std::string t(text);
    std::smatch m;
    static const std::regex ping(R"(\s*(PING|STATUS)\s*)", std::regex::icase);
    static const std::regex sleep(R"(\s*SLEEP\s+(\d+)\s*)", std::regex::icase);
    static const std::regex auth(R"re(\s*AUTH\s+"([^"]*)"\s+"([^"]*)"\s*)re", std::regex::icase);
    if (std::regex_match(t, ping)) return ok({{"message", "PONG"}});
    if (std::regex_match(t, m, auth)) {
      if (m[1] == "admin" && m[2] == "secret") {
        state.authenticated = true;
        return Reply{json_line(success({{"message", "Authentication successful"}})), false,
                     Reply::Auth::kSucceeded};
      }
      return Reply{error_line(Status(Code::kAuthFailed, "authentication failed")), false,
                   Reply::Auth::kFailed};
    }
    if (!state.authenticated) {
      return Reply{error_line(Status(Code::kPermissionDenied, "authentication required"))};
    }
    if (std::regex_match(t, m, sleep)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(m[1])));
      return ok({{"message", "slept"}});
    }
    return ok({{"echo", t}, {"line", line}, {"column", column}});
  }

  Reply handshake(HandlerSession& session, const HandshakeRequest& request) override {
    auto& state = static_cast<State&>(session);
    if (request.user != "admin" || request.password != "secret") {
      return Reply{error_line(Status(Code::kAuthFailed, "authentication failed")), true,
                   Reply::Auth::kFailed};
    }
    if (request.database != "main") {
      return Reply{error_line(Status(Code::kDatabaseNotFound,
                                     "Database '" + request.database + "' does not exist")),
                   true, Reply::Auth::kFailed};
    }
    state.authenticated = true;
    state.database = request.database;
    return Reply{
        std::string(kWelcome) + json_line(success({{"message", "Authentication successful"},
                                                   {"database", request.database}})),
        false, Reply::Auth::kSucceeded};
  }

  long executed() const { return executed_.load(); }

 private:
  static constexpr std::string_view kWelcome = "S0001 Welcome to Strata\n";
  static Json success(Json extra) {
    Json j = {{"status", "success"}, {"success", true}};
    for (auto& [k, v] : extra.items()) j[k] = v;
    return j;
  }
  static Reply ok(Json extra) { return Reply{json_line(success(std::move(extra)))}; }

  bool require_auth_;
  std::atomic<long> executed_{0};
};

}  // namespace strata::server::testing
