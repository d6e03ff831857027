// parse(): runs grammar::script over the text with the actions of actions*.hpp and the message
// table of errors.hpp, and turns every failure into a SyntaxError (SPEC §2, §5). Nothing
// escapes: PEGTL parse errors, action errors, allocation failures and anything else are
// caught here. Nesting deeper than kMaxNesting is refused: the parse stops at the first bracket
// too deep (so PEGTL's recursive descent cannot exhaust the stack), and a failed parse first
// runs a linear scan that reports such nesting anywhere in the text before any other error.
// ADD DOCUMENT statements the scanner of fast_add_document.hpp recognises skip the grammar:
// a text that is just one (parse_single_add_document), and those inside START MIGRATION
// (grammar::fast_add_document).

#include "parser/parser.hpp"

#include <cctype>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <tao/pegtl.hpp>

#include "common/status_details.hpp"
#include "parser/actions_migration.hpp"
#include "parser/errors.hpp"
#include "parser/fast_add_document.hpp"

namespace strata::parser {
namespace {

constexpr size_t kMaxFoundBytes = 40;
// From this many bytes of text on, a migration's commands are put in compact form on the
// caller's thread pool while the parse goes on (CommandAssembler).
constexpr size_t kAssembleOnPoolFrom = 1u << 20;

// Length of the well-formed UTF-8 sequence at p (0 if malformed).
size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Printable text of raw bytes: control bytes and malformed UTF-8 become \xNN.
std::string printable(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const auto* end = p + raw.size();
  while (p < end) {
    if (*p >= 0x20 && *p < 0x7F) {
      out.push_back(static_cast<char>(*p++));
      continue;
    }
    const size_t n = *p >= 0x80 ? utf8_length(p, end) : 0;
    if (n > 0) {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    } else {
      out += "\\x";
      out.push_back(kHex[*p >> 4]);
      out.push_back(kHex[*p & 0xF]);
      ++p;
    }
  }
  return out;
}

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// The token at `byte`, quoted: 'Users', '"Users"', '(' ... or "end of input".
std::string found_at(std::string_view text, size_t byte) {
  if (byte >= text.size()) return "end of input";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + byte;
  const auto* end = reinterpret_cast<const unsigned char*>(text.data()) + text.size();
  size_t n = 1;
  if (*p == '"') {
    bool escaped = false;
    while (p + n < end && n < kMaxFoundBytes) {
      const unsigned char c = p[n++];
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"' || c == '\n') {
        break;
      }
    }
  } else if (is_word_byte(*p)) {
    while (p + n < end && n < kMaxFoundBytes && is_word_byte(p[n])) ++n;
  } else if (*p == '=' || *p == '!' || *p == '<' || *p == '>') {
    while (p + n < end && n < 2 && (p[n] == '=' || p[n] == '<' || p[n] == '>')) ++n;
  } else if (*p >= 0x80) {
    n = std::max<size_t>(1, utf8_length(p, end));
  }
  std::string token = printable(std::string_view(reinterpret_cast<const char*>(p), n));
  if (p + n < end && n >= kMaxFoundBytes) token += "...";
  return "'" + token + "'";
}

SyntaxError make_error(std::string_view text, size_t byte, size_t line, size_t column,
                       const TextPos& origin, std::string expected, std::string message) {
  SyntaxError e;
  const ast::Pos at = relative_to(origin, line, column);
  e.line = at.line;
  e.column = at.column;
  e.expected = std::move(expected);
  e.found = found_at(text, byte);
  e.message =
      message.empty() ? "expected " + e.expected + ", found " + e.found : std::move(message);
  return e;
}

// Line and column of `byte` in `text` (1-based, bytes), counting '\n' as the parse does.
std::pair<size_t, size_t> line_column(std::string_view text, size_t byte) {
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, byte - line_start + 1};
}

bool starts_connection_string(std::string_view text, size_t i) {
  static constexpr std::string_view kScheme = "syndrdb://";
  if (text.size() - i < kScheme.size()) return false;
  for (size_t k = 0; k < kScheme.size(); ++k) {
    char c = text[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[k]) return false;
  }
  return true;
}

// A string or block comment still open at the end of a text: where it opens, and which.
struct Unterminated {
  size_t byte;
  bool comment;
};

// Lexes `text` (strings, comments and connection strings, as the grammar reads them) and finds
// what is still open at its end.
std::optional<Unterminated> find_unterminated(std::string_view text) {
  const size_t size = text.size();
  bool word = false;  // the byte before is part of a word
  for (size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t open = i;
      for (++i; i < size && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (i >= size) return Unterminated{open, false};
    } else if (c == '-' && i + 1 < size && text[i + 1] == '-') {
      while (i + 1 < size && text[i + 1] != '\n') ++i;
    } else if (c == '/' && i + 1 < size && text[i + 1] == '*') {
      const size_t close = text.find("*/", i + 2);
      if (close == std::string_view::npos) return Unterminated{i, true};
      i = close + 1;
    } else if (!word && starts_connection_string(text, i)) {
      while (i + 1 < size && text[i + 1] != ';') ++i;  // its password may hold anything
    }
    word = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  }
  return std::nullopt;
}

// An error inside a string or block comment that nothing closes is reported where that string
// or comment opens (SPEC §2): that is where the mistake is.
std::optional<SyntaxError> unterminated_error(std::string_view text, size_t error_byte,
                                              const TextPos& origin) {
  const std::optional<Unterminated> open = find_unterminated(text);
  if (!open || open->byte > error_byte) return std::nullopt;
  const auto [line, column] = line_column(text, open->byte);
  SyntaxError e = make_error(
      text, open->byte, line, column, origin,
      open->comment ? "'*/' closing the comment" : "'\"' closing the string",
      open->comment ? "unterminated comment: no '*/' closes the '/*' opened here"
                    : "unterminated string: no '\"' closes the string opened here");
  if (open->comment) e.found = "'/*'";
  return e;
}

// Refuses ( [ { nested deeper than kMaxNesting outside strings and comments.
std::optional<SyntaxError> check_nesting(std::string_view text, const TextPos& origin) {
  int depth = 0;
  size_t line = 1;
  size_t line_start = 0;
  const size_t size = text.size();
  for (size_t i = 0; i < size; ++i) {
    const char c = text[i];
    switch (c) {
      case '\n':
        ++line;
        line_start = i + 1;
        break;
      case '"':
        for (++i; i < size && text[i] != '"'; ++i) {
          if (text[i] == '\\') {
            ++i;
          } else if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
          }
        }
        break;
      case '-':
        if (i + 1 < size && text[i + 1] == '-') {
          while (i + 1 < size && text[i + 1] != '\n') ++i;
        }
        break;
      case '/':
        if (i + 1 < size && text[i + 1] == '*') {
          for (i += 2; i < size && !(text[i] == '*' && i + 1 < size && text[i + 1] == '/'); ++i) {
            if (text[i] == '\n') {
              ++line;
              line_start = i + 1;
            }
          }
          ++i;
        }
        break;
      case '(':
      case '[':
      case '{':
        if (++depth > kMaxNesting) {
          return make_error(text, i, line, i - line_start + 1, origin,
                            "at most " + std::to_string(kMaxNesting) + " levels of nesting",
                            "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
        }
        break;
      case ')':
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

// The error of a parse that threw `failure`, its position counted from `origin` (the start of
// the statement being parsed). Nesting deeper than kMaxNesting is reported before any other
// error, wherever it is in the text, so check_nesting runs first; the parse itself stopped at
// the first bracket too deep (NestingTooDeep) and never recursed deeper. A string or comment
// left open at the end is reported where it opens. May throw only while building an error
// (e.g. out of memory).
ParseResult report_failure(std::string_view text, const TextPos& origin,
                           const std::exception_ptr& failure) {
  try {
    if (auto error = check_nesting(text, origin)) return std::move(*error);
    std::rethrow_exception(failure);
  } catch (const NestingTooDeep&) {
    // Unreachable: the bracket that stopped the parse is one check_nesting reports.
    return make_error(text, 0, 1, 1, origin,
                      "at most " + std::to_string(kMaxNesting) + " levels of nesting",
                      "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
  } catch (const tao::pegtl::parse_error& e) {
    const auto& positions = e.positions();
    if (positions.empty()) {
      return make_error(text, 0, 1, 1, origin, std::string(e.message()), std::string());
    }
    const tao::pegtl::position& p = positions.front();
    if (auto open = unterminated_error(text, p.byte, origin)) return std::move(*open);
    return make_error(text, p.byte, p.line, p.column, origin, std::string(e.message()),
                      std::string());
  } catch (const ActionError& e) {
    return make_error(text, e.at.byte, e.at.line, e.at.column, origin, e.expected, e.message);
  } catch (const std::bad_alloc&) {
    return make_error(text, 0, 1, 1, origin, "a smaller statement",
                      "statement too large to parse (out of memory)");
  } catch (const std::exception& e) {
    return make_error(text, 0, 1, 1, origin, "a valid statement",
                      std::string("internal parser error: ") + e.what());
  } catch (...) {
    return make_error(text, 0, 1, 1, origin, "a valid statement", "internal parser error");
  }
}

// parse()'s fast path: a text that is one ADD DOCUMENT the scanner recognises
// (fast_add_document.hpp), after whitespace and before an optional ';' and whitespace, is the
// one-statement script the grammar (script <- skip separators script_item* end_of_input) would
// give, positioned as its statement_start would be. False, with `state` untouched, for any
// other text.
bool parse_single_add_document(const char* begin, const char* end, ParseState& state) {
  using grammar::whitespace;
  TextPos at;
  const char* p = begin;
  for (; p != end && whitespace::is_space(*p); ++p) {
    if (*p == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  at.byte = static_cast<size_t>(p - begin);
  std::optional<FastAdd> doc = action<grammar::fast_add_document>::scan(p, end, state);
  if (!doc) return false;
  const char* rest = p + doc->size;
  if (rest != end && *rest == ';') ++rest;
  while (rest != end && whitespace::is_space(*rest)) ++rest;
  if (rest != end) return false;
  state.origin_ = state.statement_at_ = at;
  action<grammar::fast_add_document>::emit(std::move(*doc), state);
  return true;
}

// parse() proper; may throw only while building an error (e.g. out of memory). The text is
// parsed without a pre-scan: the actions count bracket depth (ParseState::bracket_depth_) and
// stop past kMaxNesting, and only a failed parse pays for check_nesting. `fast_paths` false
// runs the grammar alone. The state outlives a failed parse: its origin_ (where the statement
// being parsed starts) places the error.
ParseResult parse_or_throw(std::string_view text, bool fast_paths, common::ThreadPool* pool) {
  std::exception_ptr failure;
  ParseState state(text.size() >= kAssembleOnPoolFrom ? pool : nullptr);
  try {
    const char* begin = text.data() == nullptr ? "" : text.data();
    const char* end = begin + text.size();
    state.fast_paths_ = fast_paths;
    if (parse_single_add_document(begin, end, state)) return ParseResult(std::move(state.script_));
    tao::pegtl::memory_input<tao::pegtl::tracking_mode::eager, tao::pegtl::eol::lf_crlf,
                             const char*>
        in(begin, end, "statement");
    tao::pegtl::parse<grammar::script, action, control>(in, state);
    return ParseResult(std::move(state.script_));
  } catch (...) {
    failure = std::current_exception();
  }
  return report_failure(text, state.origin_, failure);
}

ParseResult parse_never_throwing(std::string_view text, bool fast_paths, common::ThreadPool* pool) {
  try {
    return parse_or_throw(text, fast_paths, pool);
  } catch (...) {
    // Building the error failed (out of memory): a minimal error without allocation.
    SyntaxError e;
    e.message = "out of memory";  // short enough for the small-string buffer
    return ParseResult(std::move(e));
  }
}

}  // namespace

ParseResult parse(std::string_view text, common::ThreadPool* pool) {
  return parse_never_throwing(text, true, pool);
}

ParseResult parse_grammar_only(std::string_view text) {
  return parse_never_throwing(text, false, nullptr);
}

Status to_status(const SyntaxError& error) {
  Json details = {{"line", error.line},
                  {"column", error.column},
                  {"expected", error.expected},
                  {"found", error.found}};
  return with_details(Status(Code::kSyntaxError,
                             "syntax error at line " + std::to_string(error.line) + ", column " +
                                 std::to_string(error.column) + ": " + error.message),
                      std::move(details));
}

}  // namespace strata::parser
