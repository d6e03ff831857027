#pragma once
// An incremental statement splitter for byte streams (SPEC §2, §6): fed bytes as they
// arrive, it yields each complete statement's text.
//
// Rules: ';' ends a statement, except inside a string, a comment (-- to end of line, /* */)
// or a migration block. A statement whose first token is the word START is a migration block,
// whatever follows START (so `START MIGRATON ...` is one statement, one syntax error, and none
// of its commands runs on its own); the word COMMIT then ends it where a command could end
// (not as an operand: a field named commit after WHERE, AND, OR, NOT, BY, '(' , ',' or a
// comparison does not), so the ';' after COMMIT is optional (a following ';' ends an empty
// statement, which vanishes). A COMMIT outside a block is a statement of its own, which the
// parser refuses. The byte EOT (0x04) ends the statement before it whatever the lexical state
// (an unterminated string or block stops there). A statement that is only whitespace,
// comments or EOT vanishes — except a block comment left open, which comes out as the
// statement "/*" at its opening, so that the parser reports it rather than nothing. A
// statement longer than `max_statement_bytes` is reported once as oversized, by the feed()
// call that passes the limit, and its bytes are discarded, never buffered, up to its end.
//
// A statement's text runs from its first token to the byte before its terminator, trailing
// whitespace removed: whitespace and comments before the first token belong to no statement
// and are neither kept nor counted against the limit. `line`/`column` are the position of
// that first token in the stream; parse() counts positions from it, and
// position_in_stream (statement_stream.hpp) maps them back.
// A statement that starts with the word syndrdb followed by ':' is a driver's connection string
// (SPEC §6, grammar/session.peg): it is taken verbatim up to ';' or EOT, so a password may
// hold quotes, "--" or "/*".
// A UTF-8 byte order mark (kUtf8Bom) as the stream's first bytes is skipped, as editors save
// some files with one: positions count from the byte after it.
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

// The UTF-8 byte order mark, skipped once at the start of a script (a stream or a file).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

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

  // feed() once past a byte order mark at the start of the stream.
  void feed_bytes(std::string_view bytes);
  // Processes the byte at chunk index i (and, for runs of ordinary bytes, those after it);
  // returns the index of the last byte consumed. Runs never contain '\n'.
  size_t step(size_t i, size_t n);
  // After an inert byte at chunk index i in the normal state: the index of the last of the
  // inert bytes that follow it (spaces, brackets, commas ...), which change nothing once a
  // statement has content.
  size_t skip_inert(size_t i, size_t n) const;
  // Starts the current statement at chunk index i (its first token) unless it has started.
  void mark_start(size_t i);
  // Holds the '-' or '/' at chunk index i, which starts a comment or is a token.
  void hold(size_t i, char c);
  // The held byte is a token: the statement starts there if it has not; `i` is the chunk
  // index of the byte after it.
  void end_held(size_t i);
  // After the inert run [i, last] of the normal state: inside a migration block, whether its
  // last visible byte leaves an operand expected (then a COMMIT is a field name).
  void note_inert(size_t i, size_t last);
  // Ends the word being read and acts on START / COMMIT; `end` is the chunk index of the byte
  // after the word.
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
  bool started_ = false;         // the current statement's first token has been seen
  bool oversized_ = false;       // the current statement was reported as oversized
  Lex lex_ = Lex::kNormal;
  char word_[10] = {};     // the first bytes of the word being read, upper-cased
  uint32_t word_len_ = 0;  // length of the word being read (0: not in a word)
  int words_seen_ = 0;     // completed words of the current statement (counted up to 2)
  bool first_word_leads_ = false;  // the statement's first token is a word
  bool first_is_syndrdb_ = false;
  bool in_migration_ = false;  // inside a migration block (first word START), until COMMIT
  bool prev_opens_ = false;    // in a block: the last token leaves an operand expected
  // The '-' or '/' held by kDash / kSlash (or the '/' opening the current block comment).
  char held_char_ = 0;
  size_t held_index_ = 0;     // its chunk index, valid while held_base_ == base_
  uint64_t held_base_ = ~uint64_t{0};
  uint32_t held_line_ = 1, held_column_ = 1;
  uint32_t bom_held_ = 0;  // bytes of a byte order mark seen at the stream's start
  bool bom_done_ = false;  // past the stream's start: a byte order mark is skipped or absent
  uint64_t base_ = 0;                           // stream offset of the chunk's first byte
  uint64_t line_begin_ = 0;                     // stream offset of the current line's first byte
  uint32_t line_ = 1;                           // line of the next byte
  uint32_t start_line_ = 1, start_column_ = 1;  // position of the current statement
};

}  // namespace strata::parser
