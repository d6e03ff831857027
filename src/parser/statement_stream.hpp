#pragma once
// What every reader of a statement stream shares besides the splitter (splitter.hpp), so that
// the server, `strata exec`, `strata run`, `strata check` and the shell answer a stream alike
// (SPEC §2, §6):
//   - oversized_status: the one error a statement over the size limit gets;
//   - parse_piece: a piece the splitter cut -> its statements, or the one error that answers
//     it (FRAME_TOO_LARGE, or SYNTAX_ERROR for a syntax error, an unterminated string or
//     comment, a COMMIT without START, a misspelt START block);
//   - position_in_stream: a position inside a statement (parse() counts from its first token)
//     -> the position in the stream or file the statement was cut from;
//   - opens_with_connection_string / opens_with_protocol_version: what a statement is by its
//     first token alone (no parse), for the server, which answers these two before the engine.
// Thread-safety: pure functions.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.hpp"
#include "common/thread_pool.hpp"
#include "parser/ast.hpp"
#include "parser/splitter.hpp"

namespace strata::parser {

// FRAME_TOO_LARGE: "statement exceeds the limit of N bytes".
Status oversized_status(size_t max_statement_bytes);

// The statements of `piece`, or its error: oversized_status for an oversized piece, the
// SYNTAX_ERROR of to_status (line and column counted from the statement) for a failed parse.
// `pool`: as parse()'s.
Result<ast::Script> parse_piece(const SplitStatement& piece, size_t max_statement_bytes,
                                common::ThreadPool* pool = nullptr);

struct StreamPosition {
  uint32_t line = 1;
  uint32_t column = 1;
};

// Where `line`:`column` of a position inside `statement` (1:1 = its first token) lies in the
// stream it was cut from: `file position = statement start + position inside it`.
StreamPosition position_in_stream(const SplitStatement& statement, uint32_t line,
                                  uint32_t column);

// True when the first token of `text` (after whitespace) is the scheme `syndrdb://` of the
// driver's connection string (grammar/session.peg `connection_scheme`, any case).
bool opens_with_connection_string(std::string_view text);
// True when the first token of `text` (after whitespace) is the keyword PROTOCOL_VERSION.
bool opens_with_protocol_version(std::string_view text);

}  // namespace strata::parser
