#pragma once
// An incremental statement splitter for byte streams (SPEC §2, §6): fed bytes as they
// arrive, it yields each complete statement's text.
//
// Rules: ';' ends a statement, except inside a string, a comment (-- to end of line, /* */)
// or a START MIGRATION ... COMMIT block (a ';' directly after COMMIT ends the block's
// statement; so does the COMMIT keyword followed by EOT or end of input). The byte EOT (0x04)
// also ends the statement before it. A statement that is only whitespace, comments or EOT
// vanishes. A statement longer than `max_statement_bytes` is reported once as oversized and
// its bytes are discarded, never buffered, up to its end.
//
// The splitter knows strings, comments and the START/COMMIT keywords and nothing else.
// Feeding the same bytes in any chunking yields the same statements.
// Thread-safety: one instance per stream; not shared.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace strata::parser {

struct SplitStatement {
  std::string text;        // the statement, without its terminating ';' or EOT
  uint32_t line = 1;       // where its text starts in the stream (1-based)
  uint32_t column = 1;
  bool oversized = false;  // true: text is empty, the statement exceeded the limit
};

class StatementSplitter {
 public:
  explicit StatementSplitter(size_t max_statement_bytes = 256u << 20);

  // Appends bytes; complete statements become available through next().
  void feed(std::string_view bytes);
  // Declares the end of the stream: a pending non-empty statement becomes available.
  void finish();
  // The next complete statement, if any.
  std::optional<SplitStatement> next();
  // True when bytes of an unfinished statement are buffered (something besides whitespace).
  bool has_partial() const;

 private:
  // lexer state, buffers; defined in splitter.cpp
  struct State;
  size_t max_;
  std::string current_;
  std::deque<SplitStatement> ready_;
  // lexical state
  enum class Lex { kNormal, kString, kStringEscape, kLineComment, kBlockComment, kBlockStar,
                   kDash, kSlash } lex_ = Lex::kNormal;
  bool in_migration_ = false;
  bool after_commit_ = false;
  bool oversized_ = false;
  bool has_content_ = false;
  size_t current_size_ = 0;
  std::string word_;        // the identifier being read (upper-cased), for START/MIGRATION/COMMIT
  int words_seen_ = 0;      // how many words the statement has had so far
  bool first_word_start_ = false;
  uint32_t line_ = 1, column_ = 1;            // position of the next byte
  uint32_t start_line_ = 1, start_column_ = 1;  // start of the current statement's content
};

}  // namespace strata::parser
