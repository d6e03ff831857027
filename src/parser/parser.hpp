#pragma once
// The parser's entry point: statement text in, AST or syntax error out (SPEC §2, §3).
//
// parse() never throws and never crashes, whatever the bytes: binary garbage, unbalanced or
// 100,000-deep nesting (refused past kMaxNesting levels with a syntax error), huge inputs.
// Thread-safety: reentrant; no shared state.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/json.hpp"
#include "common/thread_pool.hpp"
#include "parser/ast.hpp"

namespace strata::parser {

// Deepest nesting of ( [ { the parser accepts inside one statement.
inline constexpr int kMaxNesting = 200;

struct SyntaxError {
  uint32_t line = 1;     // 1-based
  uint32_t column = 1;   // 1-based, in bytes
  std::string expected;  // e.g. "a bundle name (a double-quoted string)"
  std::string found;     // the text at the error, e.g. "'FORM'" or "end of input"
  std::string message;   // "expected <expected>, found <found>" or a specific message
  bool operator==(const SyntaxError&) const = default;
};

class ParseResult {
 public:
  ParseResult(ast::Script script) : v_(std::move(script)) {}
  ParseResult(SyntaxError error) : v_(std::move(error)) {}
  bool ok() const { return std::holds_alternative<ast::Script>(v_); }
  const ast::Script& script() const { return std::get<ast::Script>(v_); }
  ast::Script& script() { return std::get<ast::Script>(v_); }
  const SyntaxError& error() const { return std::get<SyntaxError>(v_); }

 private:
  std::variant<ast::Script, SyntaxError> v_;
};

// Parses a script: zero or more statements separated by ';' (SPEC §2). An empty or
// whitespace/comment-only text is an empty script. Every line and column — of an AST node or
// of a SyntaxError — counts from the first token of its top-level statement (line 1, column
// 1), never from the start of the text; a client that knows where the statement lies in a
// file adds that (statement_stream.hpp, position_in_stream). A string or block comment left
// open is an error at its opening.
//
// ADD DOCUMENT statements of the common shape, alone or inside START MIGRATION, are read by a
// hand-written scanner (fast_add_document.hpp) instead of the PEGTL grammar; the result is
// the same for every text.
//
// `pool`: a text of 1 MiB or more has its migration commands put in compact form on this pool
// while the parse goes on (migration_command.hpp CommandAssembler); null (tests, `strata
// check`): all on the calling thread. The result is the same either way.
ParseResult parse(std::string_view text, common::ThreadPool* pool = nullptr);

// parse() without the ADD DOCUMENT scanner: the PEGTL grammar alone. For tests that check
// that the scanner changes nothing; everything else calls parse().
ParseResult parse_grammar_only(std::string_view text);

// A JSON number from its text (as the grammar's number_text matched it): int64 for negatives,
// uint64 otherwise, double for fractions, exponents and integers out of range. nullopt if a
// double overflows.
std::optional<Json> parse_number(std::string_view text);

// Converts a syntax error into a SYNTAX_ERROR status whose details carry line, column,
// expected and found.
Status to_status(const SyntaxError& error);

}  // namespace strata::parser
