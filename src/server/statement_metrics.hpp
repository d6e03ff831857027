#pragma once
// StatementMetrics: what the server counts of every statement it answers (SPEC §12, /metrics):
//   strata_statements_total{kind,outcome}        counter; outcome is "success" or the error
//                                                code (SYNTAX_ERROR, PERMISSION_DENIED, …);
//                                                kind is the statement's name (ast.hpp), or
//                                                "unparsed" for a text that did not parse
//   strata_statement_duration_seconds{kind}      histogram of the time a statement took from
//                                                the worker taking it to its answer
// The children of a kind are looked up once and cached per statement type, so a statement
// costs three relaxed atomic adds (W4's PING path). The latency reuses the two clock reads
// the session makes anyway for its slow-statement log (Reply::statement_index).
// Thread-safety: safe for concurrent use.

#include <string_view>

#include "engine/response.hpp"
#include "parser/ast.hpp"

namespace strata::server {

// Counts one statement answered by the engine.
void record_statement(const ast::Statement& statement, const engine::Answer& answer);
// Records the latency of a statement of type `index` (its ast::Statement index) and `name`.
void record_latency(int index, const char* name, double seconds);
// Records a text that did not parse (its error code, e.g. SYNTAX_ERROR).
void record_unparsed(std::string_view code);

}  // namespace strata::server
