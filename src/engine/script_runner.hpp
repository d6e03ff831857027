#pragma once
// run_script: executes a statement stream (a file or stdin) against an Engine, as
// `strata exec` does (SPEC §7). The input is read in chunks and cut by parser's
// StatementSplitter, so a multi-gigabyte script is never held in memory whole; each
// statement is parsed with its position in the stream and executed through the gate.
// Output: one compact JSON response per statement, one per line, flushed per statement.
// Returns 0 when every statement succeeded (as `judge` sees it); 1 at the first error (reading stops there unless
// `continue_on_error`, in which case every statement runs and 1 is still returned).
// Thread-safety: one call per Session at a time.

#include <functional>
#include <istream>
#include <ostream>

#include "engine/engine.hpp"
#include "parser/splitter.hpp"

namespace strata::engine {

// Sees each response before it is written, with the statement it answers; may add to it,
// and says whether it counts as a success (the default judge: is_success).
using ResponseJudge = std::function<bool(const parser::SplitStatement&, Json& response)>;

// A statement longer than `max_statement_bytes` answers FRAME_TOO_LARGE (and is skipped).
int run_script(Engine& engine, Session& session, std::istream& in, std::ostream& out,
               bool continue_on_error, size_t max_statement_bytes = 256u << 20,
               const ResponseJudge& judge = {});

}  // namespace strata::engine
