#include "server/engine_handler.hpp"

#include <strings.h>

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

std::optional<Reply> EngineHandler::answer_now(HandlerSession& session, std::string_view text,
                                               uint32_t line, uint32_t column) {
  // Parsing is the I/O thread's work here: keep it to short statements that can be SHOWs.
  constexpr size_t kMaxInlineBytes = 512;
  if (text.size() > kMaxInlineBytes) return std::nullopt;
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text.size() - start < 4 ||
      strncasecmp(text.data() + start, "SHOW", 4) != 0) {
    return std::nullopt;
  }
  auto& state = static_cast<State&>(session);
  (void)line, (void)column;
  parser::ParseResult parsed = parser::parse(text);
  if (!parsed.ok() || parsed.script().size() != 1) return std::nullopt;
  const auto started = std::chrono::steady_clock::now();
  std::optional<engine::Answer> answer =
      engine_.answer_if_ready(state.session, parsed.script().front());
  if (!answer) return std::nullopt;
  const ast::Statement& statement = parsed.script().front();
  record_statement(statement, *answer);
  record_latency(static_cast<int>(statement.index()), ast::statement_name(statement),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  Reply reply;
  set_response(&reply, std::move(*answer));
  return reply;
}

Reply EngineHandler::handshake(HandlerSession& session, const HandshakeRequest& request) {
  auto& state = static_cast<State&>(session);
  Reply reply;
  reply.auth_user = request.user;
  // With auth off every connection is an admin: the driver's credentials are not checked.
  Result<ast::Role> role = auth_ ? engine_.users().authenticate(request.user, request.password)
                                 : Result<ast::Role>(ast::Role::kAdmin);
  if (!role.ok()) {
    reply.lines = error_line(role.status());
    reply.auth = Reply::Auth::kFailed;
    reply.close = true;
    return reply;
  }
  state.session.authenticated = true;
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
                                           {"role", ast::role_name(*role)},
                                           {"database", request.database},
                                           {"session", engine::Engine::session_json(
                                                           state.session)}}));
  return reply;
}

void EngineHandler::abandon(HandlerSession& session) {
  // Only the interrupt is touched: a worker may be running a statement of this session.
  static_cast<State&>(session).interrupt->abandon();
}

}  // namespace strata::server
