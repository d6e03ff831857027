// The incremental statement splitter (splitter.hpp): a byte-at-a-time lexer that knows
// strings, comments, words and EOT, so any chunking of the same stream yields the same
// statements.
#include "parser/splitter.hpp"

namespace strata::parser {
namespace {

constexpr char kEot = 0x04;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool word_is(const char* word, uint32_t len, std::string_view keyword) {
  return len == keyword.size() && std::string_view(word, len) == keyword;
}

}  // namespace

StatementSplitter::StatementSplitter(size_t max_statement_bytes) : max_(max_statement_bytes) {}

void StatementSplitter::feed(std::string_view bytes) {
  for (char c : bytes) {
    step(c);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
}

void StatementSplitter::finish() {
  if (lex_ == Lex::kDash || lex_ == Lex::kSlash) has_content_ = true;  // a lone '-' or '/'
  if (lex_ == Lex::kNormal || lex_ == Lex::kDash || lex_ == Lex::kSlash) end_word();
  end_statement();
}

std::optional<SplitStatement> StatementSplitter::next() {
  if (ready_.empty()) return std::nullopt;
  SplitStatement s = std::move(ready_.front());
  ready_.pop_front();
  return s;
}

bool StatementSplitter::has_partial() const {
  return has_content_ || oversized_ ||
         (lex_ != Lex::kNormal && lex_ != Lex::kLineComment);
}

void StatementSplitter::take(char c) {
  if (!started_) {
    started_ = true;
    start_line_ = line_;
    start_column_ = column_;
  }
  ++current_size_;
  if (oversized_) return;
  if (current_size_ > max_) {
    oversized_ = true;
    ready_.push_back(SplitStatement{std::string(), start_line_, start_column_, true});
    std::string().swap(current_);  // release the buffer: the rest is discarded
    return;
  }
  current_.push_back(c);
}

void StatementSplitter::content(char c) {
  take(c);
  has_content_ = true;
}

void StatementSplitter::end_word() {
  if (word_len_ == 0) return;
  const uint32_t len = word_len_;
  word_len_ = 0;
  if (!in_migration_) {
    if (words_seen_ == 0) {
      first_is_start_ = word_is(word_, len, "START");
    } else if (words_seen_ == 1 && first_is_start_ && word_is(word_, len, "MIGRATION")) {
      in_migration_ = true;
      words_seen_ = 2;
      return;
    }
    if (words_seen_ < 2) ++words_seen_;
    return;
  }
  if (word_is(word_, len, "COMMIT")) end_statement();
}

void StatementSplitter::end_statement() {
  if (has_content_ && !oversized_) {
    while (!current_.empty() && is_space(current_.back())) current_.pop_back();
    ready_.push_back(SplitStatement{std::move(current_), start_line_, start_column_, false});
  }
  current_.clear();
  current_size_ = 0;
  started_ = false;
  has_content_ = false;
  oversized_ = false;
  lex_ = Lex::kNormal;
  word_len_ = 0;
  words_seen_ = 0;
  first_is_start_ = false;
  in_migration_ = false;
}

void StatementSplitter::step(char c) {
  if (c == kEot) {  // EOT ends the statement whatever the lexical state
    if (lex_ == Lex::kDash || lex_ == Lex::kSlash) has_content_ = true;
    if (lex_ == Lex::kNormal || lex_ == Lex::kDash || lex_ == Lex::kSlash) end_word();
    end_statement();
    return;
  }
  switch (lex_) {
    case Lex::kString:
      take(c);
      if (c == '\\') lex_ = Lex::kStringEscape;
      else if (c == '"') lex_ = Lex::kNormal;
      return;
    case Lex::kStringEscape:
      take(c);
      lex_ = Lex::kString;
      return;
    case Lex::kLineComment:
      take(c);
      if (c == '\n') lex_ = Lex::kNormal;
      return;
    case Lex::kBlockComment:
      take(c);
      if (c == '*') lex_ = Lex::kBlockStar;
      return;
    case Lex::kBlockStar:
      take(c);
      if (c == '/') lex_ = Lex::kNormal;
      else if (c != '*') lex_ = Lex::kBlockComment;
      return;
    case Lex::kDash:
      if (c == '-') {
        take(c);
        lex_ = Lex::kLineComment;
        return;
      }
      has_content_ = true;  // the held '-' was an operator or a sign
      lex_ = Lex::kNormal;
      break;
    case Lex::kSlash:
      if (c == '*') {
        take(c);
        lex_ = Lex::kBlockComment;
        return;
      }
      has_content_ = true;
      lex_ = Lex::kNormal;
      break;
    case Lex::kNormal:
      break;
  }
  // Normal state.
  if (is_word_char(c)) {
    if (word_len_ < sizeof(word_)) word_[word_len_] = upper(c);
    ++word_len_;
    content(c);
    return;
  }
  end_word();  // may end a START MIGRATION ... COMMIT statement; c then starts afresh
  if (is_space(c)) {
    if (started_) take(c);
    return;
  }
  switch (c) {
    case ';':
      if (in_migration_) {
        content(c);
      } else {
        end_statement();
      }
      return;
    case '"':
      content(c);
      lex_ = Lex::kString;
      return;
    case '-':
      take(c);
      lex_ = Lex::kDash;
      return;
    case '/':
      take(c);
      lex_ = Lex::kSlash;
      return;
    default:
      content(c);
      return;
  }
}

}  // namespace strata::parser
