#pragma once
// EngineHandler: the production RequestHandler — statements go to the Engine's single gate.
//
// The gate itself enforces authentication (SPEC §6): a session opened with auth on starts
// unauthenticated, so only AUTH and PING run until AUTH succeeds; AUTH and user statements
// are answered by the gate. What the handler adds is the handshake (the driver's connection
// string: password check, then USE) and, for the server's throttling and three-strikes rule,
// whether an AUTH succeeded. With auth off every connection is an authenticated admin and the
// handshake takes any credentials. Both success answers carry the session's id and cancel key
// (SPEC §6); a connection that goes away abandons its engine session (its statement stops).
// Every response is one compact JSON line; answers the engine keeps serialized (SHOW
// MIGRATIONS) are passed on as shared text, not re-dumped. Passwords never reach a log or a
// response.
//
// Thread-safety: safe for concurrent use across sessions (Engine and UserStore are); one
// session's calls are serialized by the server.

#include "engine/engine.hpp"
#include "server/request_handler.hpp"

namespace strata::server {

class EngineHandler : public RequestHandler {
 public:
  // `auth` false: every connection is an authenticated admin (SPEC §6 --auth off).
  EngineHandler(engine::Engine& engine, bool auth) : engine_(engine), auth_(auth) {}

  std::unique_ptr<HandlerSession> open_session(const Peer& peer) override;
  Reply execute(HandlerSession& session, std::string_view text, uint32_t line,
                uint32_t column) override;
  // The handshake through the engine's gate (ast::Connect: credentials, then USE).
  Reply handshake(HandlerSession& session, const HandshakeRequest& request) override;
  // Sets the engine session's interrupt: its running statement answers CANCELLED.
  void abandon(HandlerSession& session) override;
  // PROTOCOL_VERSION through the engine's gate (ast::ProtocolVersion).
  Reply protocol_version(HandlerSession& session, int version) override;

 private:
  struct State;

  engine::Engine& engine_;
  const bool auth_;
};

}  // namespace strata::server
