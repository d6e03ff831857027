#pragma once
// The statement-stream runner (SPEC §2, §6; one runner for the server and `strata exec`):
// every piece of a stream the parser's StatementSplitter cuts gets exactly one answer, the
// same wherever the stream is read.
//   - answer_text: a statement's text -> its statements through the gate in order, up to the
//     first failure; the answer is that failure's or the last statement's; a text that does
//     not parse answers SYNTAX_ERROR (line and column counted from the statement). Engine::
//     execute_text and the server (EngineHandler, one piece per frame) answer with it.
//   - answer_piece: the same for a piece of a stream, FRAME_TOO_LARGE for an oversized one
//     (parser::oversized_status, the server's message too).
//   - run_script: `strata exec`'s loop over a whole stream (a file or stdin), read in chunks
//     so a multi-gigabyte script is never held whole, one compact JSON line per piece, flushed
//     per piece. Returns 0 when every piece succeeded (as `judge` sees it); 1 at the first
//     failure (reading stops there unless `continue_on_error`: then every piece runs and 1 is
//     still returned).
// Thread-safety: one call per Session at a time.

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string_view>

#include "common/json.hpp"
#include "engine/engine.hpp"
#include "engine/response.hpp"
#include "parser/splitter.hpp"

namespace strata::engine {

// Sees every statement answer_text runs, with its answer (the server counts AUTH outcomes).
using StatementHook = std::function<void(const ast::Statement&, const Answer&)>;

// nullopt for a text without statements (only whitespace and comments).
std::optional<Answer> answer_text(Engine& engine, Session& session, std::string_view text,
                                  const StatementHook& hook = {});

// nullopt for a piece without statements.
std::optional<Answer> answer_piece(Engine& engine, Session& session,
                                   const parser::SplitStatement& piece,
                                   size_t max_statement_bytes);

// Sees each response before it is written, with the piece it answers; may add to it, and says
// whether it counts as a success (the default judge: the response's own status).
using ResponseJudge = std::function<bool(const parser::SplitStatement&, Json& response)>;

int run_script(Engine& engine, Session& session, std::istream& in, std::ostream& out,
               bool continue_on_error, size_t max_statement_bytes = 256u << 20,
               const ResponseJudge& judge = {});

}  // namespace strata::engine
