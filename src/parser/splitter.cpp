// The incremental statement splitter (splitter.hpp): a lexer that knows strings, comments,
// words and EOT, with the same answer for any chunking of a stream. Bytes are not copied one
// by one: a statement is a contiguous range of the stream, appended to the buffer once per
// chunk (or once at its end), and runs of ordinary bytes are skipped in tight loops.
#include "parser/splitter.hpp"

#include <array>

namespace strata::parser {
namespace {

constexpr char kEot = 0x04;

enum CharClass : uint8_t {
  kPlain = 0,             // nothing special anywhere
  kSpace = 1 << 0,        // whitespace
  kWord = 1 << 1,         // [A-Za-z0-9_]
  kStringStop = 1 << 2,   // ends a run inside a string: " \ newline EOT
  kCommentStop = 1 << 3,  // ends a run inside a block comment: * newline EOT
  kInert = 1 << 4,        // between tokens of a started statement: changes nothing
};

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  for (int c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[c] |= kSpace;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kWord;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kWord;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kWord;
  t['_'] |= kWord;
  for (int c : {int{'"'}, int{'\\'}, int{'\n'}, int{kEot}}) t[c] |= kStringStop;
  for (int c : {int{'*'}, int{'\n'}, int{kEot}}) t[c] |= kCommentStop;
  // Everything but word bytes and those step() acts on (quote, comment starts, ';', ':' of a
  // connection string, line break, EOT).
  for (int c = 0; c < 256; ++c) {
    if ((t[c] & kWord) == 0 && c != '"' && c != '-' && c != '/' && c != ';' && c != ':' &&
        c != '\n' && c != kEot) {
      t[c] |= kInert;
    }
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = make_classes();

inline bool has(char c, uint8_t cls) {
  return (kClasses[static_cast<unsigned char>(c)] & cls) != 0;
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool word_is(const char* word, uint32_t len, std::string_view keyword) {
  return len == keyword.size() && std::string_view(word, len) == keyword;
}

}  // namespace

StatementSplitter::StatementSplitter(size_t max_statement_bytes) : max_(max_statement_bytes) {}

void StatementSplitter::feed(std::string_view bytes) {
  chunk_ = bytes.data();
  seg_ = 0;  // a statement that has started continues from this chunk's first byte
  const size_t n = bytes.size();
  for (size_t i = 0; i < n; ++i) {
    i = step(i, n);
    if (chunk_[i] == '\n') {
      ++line_;
      line_begin_ = base_ + i + 1;
    }
  }
  if (started_ && !oversized_) {
    if (current_.size() + (n - seg_) > max_) {
      report_oversized();
    } else {
      current_.append(chunk_ + seg_, n - seg_);
    }
  }
  base_ += n;
  chunk_ = nullptr;
  seg_ = 0;
}

void StatementSplitter::finish() {
  if (lex_ == Lex::kDash || lex_ == Lex::kSlash) has_content_ = true;  // a lone '-' or '/'
  if (lex_ == Lex::kNormal || lex_ == Lex::kDash || lex_ == Lex::kSlash) end_word(0);
  end_statement(0);
}

std::optional<SplitStatement> StatementSplitter::next() {
  if (ready_.empty()) return std::nullopt;
  SplitStatement s = std::move(ready_.front());
  ready_.pop_front();
  return s;
}

bool StatementSplitter::has_partial() const {
  return has_content_ || oversized_ || (lex_ != Lex::kNormal && lex_ != Lex::kLineComment);
}

void StatementSplitter::mark_start(size_t i) {
  if (started_) return;
  started_ = true;
  seg_ = i;
  start_line_ = line_;
  start_column_ = column_at(i);
}

void StatementSplitter::report_oversized() {
  oversized_ = true;
  ready_.push_back(SplitStatement{std::string(), start_line_, start_column_, true});
  std::string().swap(current_);  // release the buffer: the rest is discarded
}

void StatementSplitter::end_word(size_t end) {
  if (word_len_ == 0) return;
  const uint32_t len = word_len_;
  word_len_ = 0;
  if (!in_migration_) {
    if (words_seen_ == 0) {
      first_is_start_ = word_is(word_, len, "START");
      first_is_syndrdb_ = word_is(word_, len, "SYNDRDB");
    } else if (words_seen_ == 1 && first_is_start_ && word_is(word_, len, "MIGRATION")) {
      in_migration_ = true;
    }
    if (words_seen_ < 2) ++words_seen_;
    return;
  }
  if (words_seen_ >= 2 && word_is(word_, len, "COMMIT")) end_statement(end);
}

void StatementSplitter::end_statement(size_t end) {
  if (started_ && !oversized_) {
    const size_t tail = chunk_ != nullptr ? end - seg_ : 0;
    if (current_.size() + tail > max_) {
      report_oversized();
    } else if (has_content_) {
      current_.append(chunk_ + seg_, tail);
      while (!current_.empty() && has(current_.back(), kSpace)) current_.pop_back();
      ready_.push_back(SplitStatement{std::move(current_), start_line_, start_column_, false});
    }
  }
  current_.clear();
  started_ = false;
  has_content_ = false;
  oversized_ = false;
  lex_ = Lex::kNormal;
  word_len_ = 0;
  words_seen_ = 0;
  first_is_start_ = false;
  first_is_syndrdb_ = false;
  in_migration_ = false;
}

size_t StatementSplitter::step(size_t i, size_t n) {
  const char c = chunk_[i];
  if (c == kEot) {  // EOT ends the statement whatever the lexical state
    if (lex_ == Lex::kDash || lex_ == Lex::kSlash) has_content_ = true;
    if (lex_ == Lex::kNormal || lex_ == Lex::kDash || lex_ == Lex::kSlash) end_word(i);
    end_statement(i);
    return i;
  }
  switch (lex_) {
    case Lex::kString: {
      if (c == '\\') {
        lex_ = Lex::kStringEscape;
      } else if (c == '"') {
        lex_ = Lex::kNormal;
      } else if (c != '\n') {
        while (i + 1 < n && !has(chunk_[i + 1], kStringStop)) ++i;
      }
      return i;
    }
    case Lex::kStringEscape:
      lex_ = Lex::kString;
      return i;
    case Lex::kLineComment:
      if (c == '\n') {
        lex_ = Lex::kNormal;
      } else {
        while (i + 1 < n && chunk_[i + 1] != '\n' && chunk_[i + 1] != kEot) ++i;
      }
      return i;
    case Lex::kBlockComment:
      if (c == '*') {
        lex_ = Lex::kBlockStar;
      } else if (c != '\n') {
        while (i + 1 < n && !has(chunk_[i + 1], kCommentStop)) ++i;
      }
      return i;
    case Lex::kBlockStar:
      if (c == '/')
        lex_ = Lex::kNormal;
      else if (c != '*')
        lex_ = Lex::kBlockComment;
      return i;
    case Lex::kDash:
      if (c == '-') {
        lex_ = Lex::kLineComment;
        return i;
      }
      has_content_ = true;  // the held '-' was an operator or a sign
      lex_ = Lex::kNormal;
      break;
    case Lex::kSlash:
      if (c == '*') {
        lex_ = Lex::kBlockComment;
        return i;
      }
      has_content_ = true;
      lex_ = Lex::kNormal;
      break;
    case Lex::kConnection:
      if (c == ';') {
        end_statement(i);
      } else if (c != '\n') {
        while (i + 1 < n && chunk_[i + 1] != ';' && chunk_[i + 1] != '\n' &&
               chunk_[i + 1] != kEot) {
          ++i;
        }
      }
      return i;
    case Lex::kNormal:
      break;
  }
  // Normal state: c is outside strings and comments.
  if (has(c, kWord)) {
    mark_start(i);
    has_content_ = true;
    for (;;) {
      if (word_len_ < sizeof(word_)) word_[word_len_] = upper(chunk_[i]);
      ++word_len_;
      if (i + 1 >= n || !has(chunk_[i + 1], kWord)) return i;
      ++i;
    }
  }
  const bool after_first_word = word_len_ > 0 && words_seen_ == 0;
  end_word(i);  // may end a START MIGRATION ... COMMIT statement; c then starts afresh
  if (has(c, kSpace)) return c == '\n' ? i : skip_inert(i, n);  // feed() counts the line
  if (c == ':' && after_first_word && first_is_syndrdb_) {
    lex_ = Lex::kConnection;
    has_content_ = true;
    return i;
  }
  switch (c) {
    case ';':
      if (!in_migration_) {
        end_statement(i);
        return i;
      }
      break;
    case '"':
      lex_ = Lex::kString;
      mark_start(i);
      has_content_ = true;
      return i;  // not skip_inert: the string's first byte may be a '\' that escapes
    case '-':
      mark_start(i);
      lex_ = Lex::kDash;
      return i;
    case '/':
      mark_start(i);
      lex_ = Lex::kSlash;
      return i;
    default:
      break;
  }
  mark_start(i);
  has_content_ = true;
  return skip_inert(i, n);
}

size_t StatementSplitter::skip_inert(size_t i, size_t n) const {
  if (!has_content_) return i;  // before a statement, punctuation starts it
  while (i + 1 < n && has(chunk_[i + 1], kInert)) ++i;
  return i;
}

}  // namespace strata::parser
