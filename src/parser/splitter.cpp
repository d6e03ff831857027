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
  if (!bom_done_) {  // the stream's first bytes, which may arrive one by one
    while (!bytes.empty() && bom_held_ < kUtf8Bom.size() && bytes[0] == kUtf8Bom[bom_held_]) {
      ++bom_held_;
      bytes.remove_prefix(1);
    }
    if (bom_held_ == kUtf8Bom.size()) {
      bom_done_ = true;
      base_ = line_begin_ = kUtf8Bom.size();  // columns count from the byte after it
    } else if (!bytes.empty()) {
      bom_done_ = true;  // not a byte order mark: the bytes held are the stream's own
      feed_bytes(kUtf8Bom.substr(0, bom_held_));
    }
  }
  feed_bytes(bytes);
}

void StatementSplitter::feed_bytes(std::string_view bytes) {
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
  if (!bom_done_) {
    bom_done_ = true;
    feed_bytes(kUtf8Bom.substr(0, bom_held_));  // a stream cut inside its first three bytes
  }
  if (lex_ == Lex::kDash || lex_ == Lex::kSlash) end_held(0);  // a lone '-' or '/'
  if (lex_ == Lex::kNormal) end_word(0);
  end_statement(0);
}

std::optional<SplitStatement> StatementSplitter::next() {
  if (ready_.empty()) return std::nullopt;
  SplitStatement s = std::move(ready_.front());
  ready_.pop_front();
  return s;
}

bool StatementSplitter::has_partial() const {
  return started_ || oversized_ || (lex_ != Lex::kNormal && lex_ != Lex::kLineComment);
}

void StatementSplitter::mark_start(size_t i) {
  if (started_) return;
  started_ = true;
  seg_ = i;
  start_line_ = line_;
  start_column_ = column_at(i);
}

void StatementSplitter::hold(size_t i, char c) {
  held_char_ = c;
  held_index_ = i;
  held_base_ = base_;
  held_line_ = line_;
  held_column_ = column_at(i);
}

void StatementSplitter::end_held(size_t i) {
  lex_ = Lex::kNormal;
  prev_opens_ = false;
  if (started_) return;
  started_ = true;
  start_line_ = held_line_;
  start_column_ = held_column_;
  if (chunk_ != nullptr && held_base_ == base_) {
    seg_ = held_index_;
  } else {  // held at the end of an earlier chunk, which was not buffered
    current_.assign(1, held_char_);
    seg_ = i;
  }
}

void StatementSplitter::note_inert(size_t i, size_t last) {
  if (!in_migration_) return;
  for (size_t k = last + 1; k-- > i;) {
    const char c = chunk_[k];
    if (has(c, kSpace)) continue;
    prev_opens_ = c == '(' || c == ',' || c == '{' || c == '[' || c == ':' || c == '=' ||
                  c == '<' || c == '>' || c == '!';
    return;
  }
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
  if (words_seen_ == 0) {
    words_seen_ = 1;
    first_is_syndrdb_ = first_word_leads_ && word_is(word_, len, "SYNDRDB");
    in_migration_ = first_word_leads_ && word_is(word_, len, "START");
    return;
  }
  if (!in_migration_) return;
  if (!prev_opens_ && word_is(word_, len, "COMMIT")) {
    end_statement(end);
    return;
  }
  prev_opens_ = word_is(word_, len, "WHERE") || word_is(word_, len, "AND") ||
                word_is(word_, len, "OR") || word_is(word_, len, "NOT") ||
                word_is(word_, len, "BY");
}

void StatementSplitter::end_statement(size_t end) {
  if (started_ && !oversized_) {
    const size_t tail = chunk_ != nullptr ? end - seg_ : 0;
    if (current_.size() + tail > max_) {
      report_oversized();
    } else {
      current_.append(chunk_ + seg_, tail);
      while (!current_.empty() && has(current_.back(), kSpace)) current_.pop_back();
      ready_.push_back(SplitStatement{std::move(current_), start_line_, start_column_, false});
    }
  } else if (!started_ && (lex_ == Lex::kBlockComment || lex_ == Lex::kBlockStar)) {
    // A block comment before any token, left open: the parser reports it at its '/*'.
    ready_.push_back(SplitStatement{"/*", held_line_, held_column_, false});
  }
  current_.clear();
  started_ = false;
  oversized_ = false;
  lex_ = Lex::kNormal;
  word_len_ = 0;
  words_seen_ = 0;
  first_word_leads_ = false;
  first_is_syndrdb_ = false;
  in_migration_ = false;
  prev_opens_ = false;
}

size_t StatementSplitter::step(size_t i, size_t n) {
  const char c = chunk_[i];
  if (c == kEot) {  // EOT ends the statement whatever the lexical state
    if (lex_ == Lex::kDash || lex_ == Lex::kSlash) end_held(i);
    if (lex_ == Lex::kNormal) end_word(i);
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
      end_held(i);  // the held '-' was an operator or a sign
      break;
    case Lex::kSlash:
      if (c == '*') {
        lex_ = Lex::kBlockComment;
        return i;
      }
      end_held(i);
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
    if (!started_) {
      mark_start(i);
      first_word_leads_ = true;
    }
    for (;;) {
      if (word_len_ < sizeof(word_)) word_[word_len_] = upper(chunk_[i]);
      ++word_len_;
      if (i + 1 >= n || !has(chunk_[i + 1], kWord)) return i;
      ++i;
    }
  }
  const bool after_first_word = word_len_ > 0 && words_seen_ == 0;
  end_word(i);  // may end a migration block at COMMIT; c then starts afresh
  if (has(c, kSpace)) {
    if (c == '\n') return i;  // feed() counts the line
    const size_t last = skip_inert(i, n);
    note_inert(i, last);
    return last;
  }
  if (c == ':' && after_first_word && first_is_syndrdb_) {
    lex_ = Lex::kConnection;
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
      mark_start(i);
      lex_ = Lex::kString;
      prev_opens_ = false;
      return i;  // the bytes after the quote are the string's
    case '-':
    case '/':
      hold(i, c);
      lex_ = c == '-' ? Lex::kDash : Lex::kSlash;
      return i;
    default:
      break;
  }
  mark_start(i);
  const size_t last = skip_inert(i, n);
  note_inert(i, last);
  return last;
}

size_t StatementSplitter::skip_inert(size_t i, size_t n) const {
  if (!started_) return i;  // before a statement, punctuation starts it
  while (i + 1 < n && has(chunk_[i + 1], kInert)) ++i;
  return i;
}

}  // namespace strata::parser
