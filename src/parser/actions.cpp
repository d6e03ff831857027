// Helpers of the parse actions: string unescaping, number conversion, refused-command names,
// positions relative to a statement, and the per-statement reset of ParseState (state.hpp).

#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>

#include "parser/state.hpp"
#include "parser/statement_traits.hpp"

namespace strata::parser {
namespace {

uint32_t hex4(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<uint32_t>(c - 'a' + 10);
    } else {
      v |= static_cast<uint32_t>(c - 'A' + 10);
    }
  }
  return v;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_word_char(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

// Skips whitespace and comments from p; returns the new position.
const char* skip_blank(const char* p, const char* end) {
  while (p < end) {
    if (std::isspace(static_cast<unsigned char>(*p)) != 0) {
      ++p;
    } else if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
      while (p < end && *p != '\n') ++p;
    } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      const char* close = nullptr;
      for (const char* q = p + 2; q + 1 < end; ++q) {
        if (q[0] == '*' && q[1] == '/') {
          close = q;
          break;
        }
      }
      p = close == nullptr ? end : close + 2;
    } else {
      break;
    }
  }
  return p;
}

std::string read_word(const char*& p, const char* end) {
  std::string word;
  while (p < end && is_word_char(*p) && word.size() < 24) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
    ++p;
  }
  return word;
}

}  // namespace

void decode_string(std::string_view raw, std::string& out) {
  out.clear();
  if (std::memchr(raw.data(), '\\', raw.size()) == nullptr) {
    out.assign(raw);
    return;
  }
  out.reserve(raw.size());
  const char* p = raw.data();
  const char* end = p + raw.size();
  while (p < end) {
    if (*p != '\\') {
      out.push_back(*p++);
      continue;
    }
    ++p;  // the grammar guarantees a valid escape follows
    if (p >= end) break;
    const char c = *p++;
    switch (c) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        if (end - p < 4) return;
        uint32_t cp = hex4(p);
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            const uint32_t low = hex4(p + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              p += 6;
            } else {
              cp = 0xFFFD;
            }
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;  // a lone low surrogate
        }
        append_utf8(cp, out);
        break;
      }
      default:
        out.push_back(c);
        break;  // " \ /
    }
  }
}

std::optional<Json> parse_number(std::string_view text) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    if (!text.empty() && text[0] == '-') {
      int64_t v = 0;
      if (std::from_chars(b, e, v).ec == std::errc()) return Json(v);
    } else {
      uint64_t v = 0;
      if (std::from_chars(b, e, v).ec == std::errc()) return Json(v);
    }
  }
  double d = 0;
  const auto r = std::from_chars(b, e, d);
  if (r.ec != std::errc()) return std::nullopt;
  return Json(d);
}

std::string refused_statement_name(const char* begin, const char* end) {
  const char* p = skip_blank(begin, end);
  const std::string first = read_word(p, end);
  if (first == "STATUS") return "PING";  // the grammar's other spelling of PING
  p = skip_blank(p, end);
  const std::string second = read_word(p, end);
  const std::string both = second.empty() ? first : first + " " + second;
  // The statement table's name that the words spell: both words, the first alone, or the one
  // name the first word begins (DESCRIBE -> DESCRIBE BUNDLE).
  const char* prefixed = nullptr;
  int prefixed_count = 0;
  for (const char* name : statement_names()) {
    const std::string_view n(name);
    if (n == both || n == first) return name;
    if (n.size() > first.size() && n.substr(0, first.size()) == first && n[first.size()] == ' ') {
      prefixed = name;
      ++prefixed_count;
    }
  }
  if (prefixed_count == 1) return prefixed;
  return both;
}

ast::Pos relative_to(const TextPos& origin, size_t line, size_t column) {
  ast::Pos r;
  if (line < origin.line || (line == origin.line && column < origin.column)) {
    r.line = static_cast<uint32_t>(line);
    r.column = static_cast<uint32_t>(column);
  } else {
    r.line = static_cast<uint32_t>(line - origin.line + 1);
    r.column = static_cast<uint32_t>(line == origin.line ? column - origin.column + 1 : column);
  }
  return r;
}

void ParseState::reset_statement() {
  strings_.clear();
  values_.clear();
  array_marks_.clear();
  conditions_.clear();
  condition_depths_.clear();
  condition_marks_.clear();
  not_counts_.clear();
  op_ = ast::CompareOp::kEq;
  number_ = 0;
  field_position_.reset();
  force_ = false;
  field_ = ast::FieldDef();
  fields_.clear();
  changes_.clear();
  relationship_ = ast::RelationshipDef();
  syndr_kind_ = 'A';
  index_unique_ = false;
  entry_unique_ = false;
  index_kind_ = ast::IndexKind::kHash;
  index_name_.reset();
  index_fields_.clear();
  document_ = nullptr;
  assignments_.clear();
  where_.reset();
  descending_ = false;
  order_by_.reset();
  limit_.reset();
  role_.reset();
  filters_.clear();
  version_.reset();
  approval_.reset();
  negative_ = false;
}

}  // namespace strata::parser
