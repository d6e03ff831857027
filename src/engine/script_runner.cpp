#include "engine/script_runner.hpp"

#include <algorithm>
#include <string>

#include "engine/response.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"

namespace strata::engine {

namespace {

// Judges and writes one response; false when it counts as an error.
bool emit(const parser::SplitStatement& st, Json r, std::ostream& out,
          const ResponseJudge& judge) {
  const bool ok = judge ? judge(st, r) : is_success(r);
  out << r.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  return ok;
}

// Executes one split statement; writes its responses. Returns false on an error response.
bool run_statement(Engine& engine, Session& session, const parser::SplitStatement& st,
                   std::ostream& out, const ResponseJudge& judge) {
  if (st.oversized) {
    Json r = error(Status(Code::kFrameTooLarge, "statement exceeds the maximum statement size",
                          Json{{"line", st.line}, {"column", st.column}}));
    return emit(st, std::move(r), out, judge);
  }
  auto parsed = parser::parse(st.text, st.line - 1, st.column - 1);
  if (!parsed.ok()) return emit(st, error(parser::to_status(parsed.error())), out, judge);
  for (const auto& statement : parsed.script()) {
    if (!emit(st, engine.execute(session, statement), out, judge)) return false;
  }
  return true;
}

}  // namespace

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
    while (auto st = splitter.next()) {
      if (!run_statement(engine, session, *st, out, judge)) {
        rc = 1;
        if (!continue_on_error) {
          out.flush();
          return rc;
        }
      }
    }
    out.flush();
  }
  return rc;
}

}  // namespace strata::engine
