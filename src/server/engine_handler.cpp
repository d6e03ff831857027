#include "server/engine_handler.hpp"

#include <chrono>

#include "engine/response.hpp"
#include "engine/script_runner.hpp"
#include "parser/parser.hpp"
#include "server/handshake.hpp"
#include "server/responses.hpp"
#include "server/statement_metrics.hpp"

namespace strata::server {

namespace {

// The response line of a reply: the engine's serialized text as is (shared, not copied), or
// its JSON dumped.
void set_response(Reply* reply, engine::Answer answer) {
  if (answer.text()) {
    reply->shared_line = answer.text();
  } else {
    reply->lines = json_line(std::move(answer).json());
  }
}

}  // namespace

struct EngineHandler::State : HandlerSession {
  State(engine::Engine& e, engine::Session s, Peer p)
      : engine(e), session(std::move(s)), peer(std::move(p)) {}
  ~State() override { engine.close_session(session); }
  engine::Engine& engine;
  engine::Session session;
  Peer peer;
  // The session's interrupt, read without touching `session` (used by its worker).
  const std::shared_ptr<engine::Interrupt> interrupt = session.interrupt;
};

std::unique_ptr<HandlerSession> EngineHandler::open_session(const Peer& peer) {
  auto state = std::make_unique<State>(
      engine_,
      engine_.open_session(auth_ ? "" : "admin", auth_ ? ast::Role::kReader : ast::Role::kAdmin),
      peer);
  state->session.authenticated = !auth_;
  state->session.credentials_checked = auth_;
  return state;
}

Reply EngineHandler::execute(HandlerSession& session, std::string_view text, uint32_t line,
                             uint32_t column) {
  (void)line, (void)column;  // positions in answers count from the statement (SPEC §2)
  auto& state = static_cast<State&>(session);
  Reply reply;
  bool answered_statement = false;
  std::optional<engine::Answer> response = engine::answer_text(
      engine_, state.session, text,
      [&](const ast::Statement& statement, const engine::Answer& answer) {
        answered_statement = true;
        record_statement(statement, answer);
        reply.statement_index = static_cast<int>(statement.index());
        reply.statement_name = ast::statement_name(statement);
        if (const auto* auth = std::get_if<ast::Auth>(&statement)) {
          reply.auth_user = auth->user;
          reply.auth = answer.success() ? Reply::Auth::kSucceeded : Reply::Auth::kFailed;
        }
      });
  if (response && !answered_statement && !response->success()) {
    const Json failed = response->json();  // the text did not parse
    record_unparsed(failed["error"].value("code", "SYNTAX_ERROR"));
  }
  set_response(&reply,
               response ? std::move(*response) : engine::success_message("empty statement"));
  return reply;
}

Reply EngineHandler::protocol_version(HandlerSession& session, int version) {
  if (version < 0) return RequestHandler::protocol_version(session, version);
  auto& state = static_cast<State&>(session);
  engine::Answer answer =
      engine_.answer(state.session, ast::ProtocolVersion{static_cast<uint64_t>(version), {}});
  if (!answer.success()) return Reply{json_line(std::move(answer).json())};
  return Reply{"PROTOCOL_OK " + std::to_string(version) + "\n"};
}

Reply EngineHandler::handshake(HandlerSession& session, const HandshakeRequest& request) {
  auto& state = static_cast<State&>(session);
  Reply reply;
  reply.auth_user = request.user;
  ast::Connect connect;
  connect.host = request.host;
  connect.port = request.port;
  connect.database = request.database;
  connect.user = request.user;
  connect.password = request.password;
  engine::Answer answer = engine_.answer(state.session, connect);
  record_statement(ast::Statement(connect), answer);
  if (!answer.success()) {
    // Refused credentials count as a failed login (throttled); a refused USE only closes.
    if (!state.session.authenticated) reply.auth = Reply::Auth::kFailed;
    reply.lines = json_line(std::move(answer).json());
    reply.close = true;
    return reply;
  }
  reply.auth = Reply::Auth::kSucceeded;
  reply.lines = std::string(kWelcomeLine) + json_line(std::move(answer).json());
  return reply;
}

void EngineHandler::abandon(HandlerSession& session) {
  // Only the interrupt is touched: a worker may be running a statement of this session.
  static_cast<State&>(session).interrupt->abandon();
}

}  // namespace strata::server
