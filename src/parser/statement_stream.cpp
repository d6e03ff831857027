// The shared pieces of statement-stream handling (statement_stream.hpp).
#include "parser/statement_stream.hpp"

#include <string>

#include "parser/parser.hpp"

namespace strata::parser {
namespace {

// `text` without leading whitespace starts with `prefix` (upper-case ASCII), compared
// case-insensitively, and, when `whole_word`, the prefix does not run on into an identifier.
bool opens_with(std::string_view text, std::string_view prefix, bool whole_word) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  if (text.size() - i < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    char c = text[i + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[k]) return false;
  }
  if (!whole_word || text.size() - i == prefix.size()) return true;
  const char next = text[i + prefix.size()];
  return !((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') ||
           (next >= '0' && next <= '9') || next == '_');
}

}  // namespace

Status oversized_status(size_t max_statement_bytes) {
  return Status(Code::kFrameTooLarge,
                "statement exceeds the limit of " + std::to_string(max_statement_bytes) + " bytes");
}

Result<ast::Script> parse_piece(const SplitStatement& piece, size_t max_statement_bytes,
                                common::ThreadPool* pool) {
  if (piece.oversized) return oversized_status(max_statement_bytes);
  ParseResult parsed = parse(piece.text, pool);
  if (!parsed.ok()) return to_status(parsed.error());
  return std::move(parsed.script());
}

StreamPosition position_in_stream(const SplitStatement& statement, uint32_t line,
                                  uint32_t column) {
  if (line <= 1) return {statement.line, statement.column + (column > 0 ? column - 1 : 0)};
  return {statement.line + line - 1, column};
}

bool opens_with_connection_string(std::string_view text) {
  return opens_with(text, "SYNDRDB://", false);
}

bool opens_with_protocol_version(std::string_view text) {
  return opens_with(text, "PROTOCOL_VERSION", true);
}

}  // namespace strata::parser
