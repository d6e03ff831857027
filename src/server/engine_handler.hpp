#pragma once
// EngineHandler: the production RequestHandler — statements go to the Engine's single gate.
//
// What it adds in front of the gate is the connection's authentication (SPEC §6):
//   - until a session authenticates, only AUTH and PING run; everything else gets
//     PERMISSION_DENIED "authentication required" (with auth off, sessions start as admin);
//   - AUTH "user" "password" and the handshake check the password with engine::UserStore and
//     set the session's user and role, which the gate then enforces (with auth off the
//     handshake takes any credentials: every connection is an admin);
//   - user statements (CREATE/ALTER/DROP USER, SHOW USERS) run through
//     engine::execute_user_statement, admins only, until the gate dispatches them itself.
// Every response is one compact JSON line. Passwords never reach a log or a response.
//
// Thread-safety: safe for concurrent use across sessions (Engine and UserStore are); one
// session's calls are serialized by the server.

#include "engine/engine.hpp"
#include "engine/users.hpp"
#include "server/request_handler.hpp"

namespace strata::server {

class EngineHandler : public RequestHandler {
 public:
  // `auth` false: every connection is an authenticated admin (SPEC §6 --auth off).
  EngineHandler(engine::Engine& engine, engine::UserStore& users, bool auth)
      : engine_(engine), users_(users), auth_(auth) {}

  std::unique_ptr<HandlerSession> open_session(const Peer& peer) override;
  Reply execute(HandlerSession& session, std::string_view text, uint32_t line,
                uint32_t column) override;
  Reply handshake(HandlerSession& session, const HandshakeRequest& request) override;

 private:
  struct State;
  Json execute_statement(State& state, const ast::Statement& statement, Reply* reply);

  engine::Engine& engine_;
  engine::UserStore& users_;
  const bool auth_;
};

}  // namespace strata::server
