#pragma once
// An incremental statement splitter for byte streams (SPEC §2, §6): fed bytes as they
// arrive, it yields each complete statement's text.
//
// Rules: ';' ends a statement, except inside a string, a comment (-- to end of line, /* */)
// or a START MIGRATION ... COMMIT block. A statement is such a block when its first two words
// (outside strings and comments) are START MIGRATION; the word COMMIT (outside strings and
// comments) then ends it, so the ';' after COMMIT is optional (a following ';' ends an empty
// statement, which vanishes). The byte EOT (0x04) ends the statement before it whatever the
// lexical state (an unterminated string or block stops there). A statement that is only
// whitespace, comments or EOT vanishes. A statement longer than `max_statement_bytes` is
// reported once as oversized, by the feed() call that passes the limit, and its bytes are
// discarded, never buffered, up to its end.
//
// A statement's text runs from its first non-whitespace byte (possibly a comment) to the byte
// before its terminator, trailing whitespace removed; `line`/`column` are the position of that
// first byte in the stream, so parse(text, line - 1, column - 1) reports stream positions.
// A statement that starts with the word syndrdb followed by ':' is a driver's connection string
// (SPEC §6, `syndrdb://HOST:PORT:DATABASE:USER:PASSWORD;`): it is taken verbatim up to ';' or
// EOT, so a password may hold quotes, "--" or "/*".
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
  std::string text;   // the statement, without its terminating ';' or EOT
  uint32_t line = 1;  // where its text starts in the stream (1-based)
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
  // True when an unfinished statement has begun: something besides whitespace, or an open
  // string or comment, is waiting for its end.
  bool has_partial() const;

 private:
  enum class Lex : uint8_t {
    kNormal,        // between tokens or inside a word / number / operator
    kString,        // inside "..."
    kStringEscape,  // just after a backslash inside a string
    kDash,          // a '-' that may start a "--" comment
    kSlash,         // a '/' that may start a "/*" comment
    kLineComment,   // inside -- ... end of line
    kBlockComment,  // inside /* ... */
    kBlockStar,     // a '*' inside a block comment that may close it
    kConnection,    // inside a connection string syndrdb://...: only ';' and EOT matter
  };

  // Processes the byte at chunk index i (and, for runs of ordinary bytes, those after it);
  // returns the index of the last byte consumed. Runs never contain '\n'.
  size_t step(size_t i, size_t n);
  // After an inert byte at chunk index i in the normal state: the index of the last of the
  // inert bytes that follow it (spaces, brackets, commas ...), which change nothing once a
  // statement has content.
  size_t skip_inert(size_t i, size_t n) const;
  // Starts the current statement at chunk index i unless it has started.
  void mark_start(size_t i);
  // Ends the word being read and acts on START / MIGRATION / COMMIT; `end` is the chunk index
  // of the byte after the word.
  void end_word(size_t end);
  // Ends the current statement just before chunk index `end`: queues it when it has content.
  void end_statement(size_t end);
  void report_oversized();
  uint32_t column_at(size_t i) const { return static_cast<uint32_t>(base_ + i - line_begin_ + 1); }

  size_t max_;
  std::deque<SplitStatement> ready_;
  std::string current_;          // the statement's bytes from chunks before the current one
  const char* chunk_ = nullptr;  // the bytes being fed
  size_t seg_ = 0;               // chunk index where the statement's unbuffered bytes begin
  bool started_ = false;         // the current statement has had a non-space byte
  bool has_content_ = false;     // ... and something besides comments
  bool oversized_ = false;       // the current statement was reported as oversized
  Lex lex_ = Lex::kNormal;
  char word_[10] = {};     // the first bytes of the word being read, upper-cased
  uint32_t word_len_ = 0;  // length of the word being read (0: not in a word)
  int words_seen_ = 0;     // completed words of the current statement (counted up to 2)
  bool first_is_start_ = false;
  bool first_is_syndrdb_ = false;
  bool in_migration_ = false;                   // inside START MIGRATION ... COMMIT
  uint64_t base_ = 0;                           // stream offset of the chunk's first byte
  uint64_t line_begin_ = 0;                     // stream offset of the current line's first byte
  uint32_t line_ = 1;                           // line of the next byte
  uint32_t start_line_ = 1, start_column_ = 1;  // position of the current statement
};

}  // namespace strata::parser
