#include "server/engine_handler.hpp"

#include "engine/response.hpp"
#include "parser/parser.hpp"
#include "server/handshake.hpp"
#include "server/responses.hpp"

namespace strata::server {

struct EngineHandler::State : HandlerSession {
  State(engine::Engine& e, engine::Session s, Peer p)
      : engine(e), session(std::move(s)), peer(std::move(p)) {}
  ~State() override { engine.close_session(session); }
  engine::Engine& engine;
  engine::Session session;
  Peer peer;
  bool authenticated = false;
};

namespace {

bool is_user_statement(const ast::Statement& s) {
  return std::holds_alternative<ast::CreateUser>(s) ||
         std::holds_alternative<ast::AlterUserPassword>(s) ||
         std::holds_alternative<ast::AlterUserRole>(s) ||
         std::holds_alternative<ast::DropUser>(s) || std::holds_alternative<ast::ShowUsers>(s);
}

}  // namespace

std::unique_ptr<HandlerSession> EngineHandler::open_session(const Peer& peer) {
  auto state = std::make_unique<State>(
      engine_,
      engine_.open_session(auth_ ? "" : "admin", auth_ ? ast::Role::kReader : ast::Role::kAdmin),
      peer);
  state->authenticated = !auth_;
  return state;
}

Json EngineHandler::execute_statement(State& state, const ast::Statement& statement, Reply* reply) {
  if (const auto* auth = std::get_if<ast::Auth>(&statement)) {
    auto role = users_.authenticate(auth->user, auth->password);
    if (!role.ok()) {
      reply->auth = Reply::Auth::kFailed;
      reply->auth_user = auth->user;
      return engine::error(role.status());
    }
    reply->auth = Reply::Auth::kSucceeded;
    reply->auth_user = auth->user;
    state.authenticated = true;
    state.session.user = auth->user;
    state.session.role = *role;
    return engine::success({{"message", "Authentication successful"},
                            {"user", auth->user},
                            {"role", engine::role_to_string(*role)}});
  }
  if (!state.authenticated && !std::holds_alternative<ast::Ping>(statement)) {
    return engine::error(Status(Code::kPermissionDenied, "authentication required"));
  }
  if (is_user_statement(statement)) {
    if (state.session.role != ast::Role::kAdmin) {
      return engine::error(
          Status(Code::kPermissionDenied, std::string("permission denied: role ") +
                                              engine::role_to_string(state.session.role) +
                                              " cannot run " + ast::statement_name(statement)));
    }
    return *engine::execute_user_statement(users_, statement);
  }
  return engine_.execute(state.session, statement);
}

Reply EngineHandler::execute(HandlerSession& session, std::string_view text, uint32_t line,
                             uint32_t column) {
  auto& state = static_cast<State&>(session);
  Reply reply;
  parser::ParseResult parsed = parser::parse(text, line - 1, column - 1);
  if (!parsed.ok()) {
    reply.lines = error_line(parser::to_status(parsed.error()));
    return reply;
  }
  Json response = engine::success_message("empty statement");
  for (const ast::Statement& statement : parsed.script()) {
    response = execute_statement(state, statement, &reply);
    if (!engine::is_success(response)) break;
  }
  reply.lines = json_line(response);
  return reply;
}

Reply EngineHandler::handshake(HandlerSession& session, const HandshakeRequest& request) {
  auto& state = static_cast<State&>(session);
  Reply reply;
  reply.auth_user = request.user;
  // With auth off every connection is an admin: the driver's credentials are not checked.
  Result<ast::Role> role = auth_ ? users_.authenticate(request.user, request.password)
                                 : Result<ast::Role>(ast::Role::kAdmin);
  if (!role.ok()) {
    reply.lines = error_line(role.status());
    reply.auth = Reply::Auth::kFailed;
    reply.close = true;
    return reply;
  }
  state.authenticated = true;
  state.session.user = request.user;
  state.session.role = *role;
  Json used = engine_.execute(state.session, ast::UseDatabase{request.database, {}});
  if (!engine::is_success(used)) {
    reply.lines = json_line(used);
    reply.close = true;
    return reply;
  }
  reply.auth = Reply::Auth::kSucceeded;
  reply.lines = std::string(kWelcomeLine) +
                json_line(engine::success({{"message", "Authentication successful"},
                                           {"user", request.user},
                                           {"role", engine::role_to_string(*role)},
                                           {"database", request.database}}));
  return reply;
}

}  // namespace strata::server
