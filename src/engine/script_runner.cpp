// The statement-stream runner (script_runner.hpp).
#include "engine/script_runner.hpp"

#include <algorithm>
#include <string>

#include "parser/parser.hpp"
#include "parser/statement_stream.hpp"

namespace strata::engine {

namespace {

// Runs `script` through the gate in order, up to the first failure.
std::optional<Answer> run_statements(Engine& engine, Session& session, const ast::Script& script,
                                     const StatementHook& hook) {
  std::optional<Answer> answer;
  for (const ast::Statement& statement : script) {
    answer = engine.answer(session, statement);
    if (hook) hook(statement, *answer);
    if (!answer->success()) break;
  }
  return answer;
}

}  // namespace

std::optional<Answer> answer_text(Engine& engine, Session& session, std::string_view text,
                                  const StatementHook& hook) {
  parser::ParseResult parsed = parser::parse(text, &engine.pool());
  if (!parsed.ok()) return Answer(error(parser::to_status(parsed.error())));
  return run_statements(engine, session, parsed.script(), hook);
}

std::optional<Answer> answer_piece(Engine& engine, Session& session,
                                   const parser::SplitStatement& piece,
                                   size_t max_statement_bytes) {
  Result<ast::Script> script = parser::parse_piece(piece, max_statement_bytes, &engine.pool());
  if (!script.ok()) return Answer(error(script.status()));
  return run_statements(engine, session, *script, {});
}

int run_script(Engine& engine, Session& session, std::istream& in, std::ostream& out,
               bool continue_on_error, size_t max_statement_bytes, const ResponseJudge& judge) {
  parser::StatementSplitter splitter(max_statement_bytes);
  std::string buf(1 << 16, '\0');
  int rc = 0;
  bool eof = false;
  std::streambuf* sb = in.rdbuf();
  while (!eof) {
    // Take what is available now (at least one byte, blocking only for that), so an
    // interactive pipe is answered statement by statement.
    std::streamsize n = 0;
    if (sb->sgetc() == std::char_traits<char>::eof()) {
      eof = true;
    } else {
      std::streamsize avail = std::max<std::streamsize>(1, sb->in_avail());
      n = sb->sgetn(buf.data(),
                    std::min<std::streamsize>(avail, static_cast<std::streamsize>(buf.size())));
    }
    if (n > 0) splitter.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (eof) splitter.finish();
    while (auto piece = splitter.next()) {
      std::optional<Answer> answered = answer_piece(engine, session, *piece, max_statement_bytes);
      if (!answered) continue;
      Answer& answer = *answered;
      bool ok = answer.success();
      if (judge) {
        Json response = std::move(answer).json();
        ok = judge(*piece, response);
        out << serialize(response) << '\n';
      } else if (answer.text()) {
        out << *answer.text() << '\n';
      } else {
        out << serialize(answer.json()) << '\n';
      }
      if (ok) continue;
      rc = 1;
      if (!continue_on_error) {
        out.flush();
        return rc;
      }
    }
    out.flush();
  }
  return rc;
}

}  // namespace strata::engine
