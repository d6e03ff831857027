// The ADD DOCUMENT scanner (fast_add_document.hpp): a recursive descent over the subset, each
// function mirroring the grammar rule named in its comment and declining (returning false)
// wherever that rule would take a path the subset leaves to PEGTL.

#include "parser/fast_add_document.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "parser/grammar/lexical.hpp"
#include "parser/state.hpp"

namespace strata::parser {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// PEGTL's identifier_other: the characters a keyword must not run on into.
bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

class Scanner {
 public:
  Scanner(const char* begin, const char* end) : p_(begin), end_(end) {}

  // add_document <- ADD DOCUMENT TO BUNDLE bundle_name WITH VALUES? document_values, with
  // document_values <- '(' document_object document_values_close (one object only).
  bool add_document(FastAddDocument& doc) {
    return head(doc.bundle) && object(doc.values, 2, true) && token(')');
  }
  // add_document, its one document flat and written as canonical text (the subset of
  // scan_add_document_text).
  bool add_document_text(FastAddDocumentText& doc) {
    return head(doc.bundle) && flat_object(doc.values, doc.members) && token(')');
  }
  const char* position() const { return p_; }

 private:
  // add_document up to the '(' of document_values.
  bool head(std::string& bundle) {
    if (!keyword("ADD") || !keyword("DOCUMENT") || !keyword("TO") || !keyword("BUNDLE") ||
        !quoted(bundle) || !keyword("WITH")) {
      return false;
    }
    (void)keyword("VALUES");
    return token('(');
  }

  // A document_object of scalars, as canonical text: the members sorted by key.
  bool flat_object(std::string& out, std::vector<FlatMember>& members) {
    if (!token('{')) return false;
    if (!token('}')) {
      for (;;) {
        FlatMember m;
        if (!plain_quoted(m.key)) return false;
        if (!token(':') && !token('=')) return false;
        if (!flat_value(m)) return false;
        members.push_back(m);
        if (token('}')) break;
        if (!token(',')) return false;
      }
    }
    // Keys of printable ASCII: byte order is std::map's order, the canonical one.
    std::sort(members.begin(), members.end(),
              [](const FlatMember& a, const FlatMember& b) { return a.key < b.key; });
    out.push_back('{');
    for (size_t i = 0; i < members.size(); ++i) {
      const FlatMember& m = members[i];
      if (i > 0) {
        if (m.key == members[i - 1].key) return false;  // a repeated key
        out.push_back(',');
      }
      out.push_back('"');
      out.append(m.key);
      out.append("\":");
      if (m.kind == FlatMember::Kind::kString) {
        out.push_back('"');
        out.append(m.token);
        out.push_back('"');
      } else if (m.kind == FlatMember::Kind::kInteger) {
        out.append(m.token);
      } else {
        out.append(m.kind == FlatMember::Kind::kTrue    ? "true"
                   : m.kind == FlatMember::Kind::kFalse ? "false"
                                                        : "null");
      }
    }
    out.push_back('}');
    return true;
  }

  // A quoted string of plain characters only; `body` is what lies between the quotes.
  bool plain_quoted(std::string_view& body) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* begin = ++p_;
    while (p_ != end_ && grammar::plain_chars::is_plain(*p_)) ++p_;
    if (p_ == end_ || *p_ != '"') return false;  // an escape, a byte >= 0x80 or the end
    body = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    blanks();
    return true;
  }

  // A scalar whose canonical text is known without converting it.
  bool flat_value(FlatMember& m) {
    if (p_ == end_) return false;
    const char* begin = p_;
    switch (*p_) {
      case '"':
        m.kind = FlatMember::Kind::kString;
        return plain_quoted(m.token);
      case 't':
      case 'T':
        m.kind = FlatMember::Kind::kTrue;
        m.token = std::string_view(p_, std::min<size_t>(4, static_cast<size_t>(end_ - p_)));
        return keyword("TRUE");
      case 'f':
      case 'F':
        m.kind = FlatMember::Kind::kFalse;
        m.token = std::string_view(p_, std::min<size_t>(5, static_cast<size_t>(end_ - p_)));
        return keyword("FALSE");
      case 'n':
      case 'N':
        m.kind = FlatMember::Kind::kNull;
        m.token = std::string_view(p_, std::min<size_t>(4, static_cast<size_t>(end_ - p_)));
        return keyword("NULL");
      default:
        break;
    }
    // number_text without fraction or exponent, printed back by std::to_chars unchanged.
    const char* p = p_;
    if (*p == '-') ++p;
    const char* digits = p;
    if (p != end_ && *p == '0') {
      ++p;
    } else {
      while (p != end_ && is_digit(*p)) ++p;
    }
    const size_t n = static_cast<size_t>(p - digits);
    if (n == 0 || n > 18) return false;
    if (p != end_ && (*p == '.' || *p == 'e' || *p == 'E' || is_digit(*p))) return false;
    if (*begin == '-' && *digits == '0') return false;  // -0 prints as 0
    m.kind = FlatMember::Kind::kInteger;
    m.token = std::string_view(begin, static_cast<size_t>(p - begin));
    p_ = p;
    blanks();
    return true;
  }

  // The whitespace half of skip: comments are left in place, so whatever follows declines.
  void blanks() {
    while (p_ != end_ && grammar::whitespace::is_space(*p_)) ++p_;
  }

  // kw<word>: the word in any case, not followed by an identifier character, then blanks.
  // `word` is upper-case letters.
  bool keyword(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if ((p_[i] | 0x20) != (word[i] | 0x20)) return false;
    }
    const char* after = p_ + word.size();
    if (after != end_ && is_identifier_char(*after)) return false;
    p_ = after;
    blanks();
    return true;
  }

  // tok<c>
  bool token(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    blanks();
    return true;
  }

  // quoted <- '"' string_body closing_quote skip, decoded as action<string_body> does.
  bool quoted(std::string& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* body = ++p_;
    bool escaped = false;
    for (;;) {
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '"') break;
      if (grammar::plain_chars::is_plain(c)) {
        ++p_;
      } else if (c == '\\' && escape()) {
        escaped = true;
      } else {
        return false;  // a control character, a byte of UTF-8 or a malformed escape
      }
    }
    const std::string_view raw(body, static_cast<size_t>(p_ - body));
    if (escaped) {
      decode_string(raw, out);
    } else {
      out.assign(raw);  // what decode_string does without a backslash, minus its search
    }
    ++p_;
    blanks();
    return true;
  }

  // escape <- '\\' escape_code, at p_ (the backslash); moves past it when well-formed.
  bool escape() {
    const size_t left = static_cast<size_t>(end_ - p_);
    if (left < 2) return false;
    switch (p_[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        p_ += 2;
        return true;
      case 'u':
        if (left < 6) return false;
        for (int i = 2; i < 6; ++i) {
          const char h = p_[i];
          if (!is_digit(h) && !((h | 0x20) >= 'a' && (h | 0x20) <= 'f')) return false;
        }
        p_ += 6;
        return true;
      default:
        return false;
    }
  }

  // document_object (`document` true: members take ':' or '=') and object (':' only), the
  // '{' at p_ opening bracket number `depth`. A repeated key keeps its last value, as
  // ParseState::set_member does; keys already in order (as the stored canonical text has
  // them) are appended without a search.
  bool object(Json& out, int depth, bool document) {
    if (depth > kFastMaxNesting || !token('{')) return false;
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    if (token('}')) return true;
    for (;;) {
      std::string key;
      if (!quoted(key)) return false;
      if (!token(':') && !(document && token('='))) return false;
      Json value;
      if (!this->value(value, depth)) return false;
      if (members.empty() || members.rbegin()->first < key) {
        members.emplace_hint(members.end(), std::move(key), std::move(value));  // sorted keys
      } else {
        members.insert_or_assign(std::move(key), std::move(value));
      }
      if (token('}')) return true;
      if (!token(',')) return false;
    }
  }

  // array, its elements collected above `mark` in elements_ and moved in at once (as
  // action<array> does), the '[' at p_ opening bracket number `depth`.
  bool array(Json& out, int depth) {
    if (depth > kFastMaxNesting || !token('[')) return false;
    const size_t mark = elements_.size();
    if (!token(']')) {
      for (;;) {
        Json element;
        if (!value(element, depth)) return false;
        elements_.push_back(std::move(element));
        if (token(']')) break;
        if (!token(',')) return false;
      }
    }
    out = Json::array();
    auto& array = out.get_ref<Json::array_t&>();
    const auto first = elements_.begin() + static_cast<std::ptrdiff_t>(mark);
    array.reserve(static_cast<size_t>(elements_.end() - first));
    std::move(first, elements_.end(), std::back_inserter(array));
    elements_.erase(first, elements_.end());
    return true;
  }

  // number <- number_text skip, converted by parse_number over the span of number_text.
  bool number(Json& out) {
    const char* p = p_;
    auto digits = [&p, this] {
      if (p == end_ || !is_digit(*p)) return false;
      while (p != end_ && is_digit(*p)) ++p;
      return true;
    };
    if (*p == '-') ++p;
    if (p != end_ && *p == '0') {
      ++p;
    } else if (!digits()) {
      return false;
    }
    if (p != end_ && *p == '.') {
      ++p;
      if (!digits()) return false;
    }
    if (p != end_ && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p != end_ && (*p == '+' || *p == '-')) ++p;
      if (!digits()) return false;
    }
    std::optional<Json> v = parse_number(std::string_view(p_, static_cast<size_t>(p - p_)));
    if (!v) return false;  // out of range: PEGTL reports it
    out = std::move(*v);
    p_ = p;
    blanks();
    return true;
  }

  // value <- object / array / json_string / number / true_literal / false_literal
  //        / null_literal, inside `depth` open brackets.
  bool value(Json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1, false);
      case '[':
        return array(out, depth + 1);
      case '"':
        out = Json::string_t();
        return quoted(out.get_ref<Json::string_t&>());
      case 't':
      case 'T':
        out = true;
        return keyword("TRUE");
      case 'f':
      case 'F':
        out = false;
        return keyword("FALSE");
      case 'n':
      case 'N':
        out = nullptr;
        return keyword("NULL");
      default:
        return number(out);
    }
  }

  const char* p_;
  const char* const end_;
  std::vector<Json> elements_;  // elements of the open arrays
};

// Runs `rule` from `begin`; the document it read, with the bytes it took, or nullopt.
template <typename Document, bool (Scanner::*rule)(Document&)>
std::optional<Document> scan(const char* begin, const char* end) {
  Scanner scanner(begin, end);
  Document doc;
  if (!(scanner.*rule)(doc)) return std::nullopt;
  doc.size = static_cast<size_t>(scanner.position() - begin);
  return doc;
}

}  // namespace

std::optional<FastAddDocumentText> scan_add_document_text(const char* begin, const char* end) {
  return scan<FastAddDocumentText, &Scanner::add_document_text>(begin, end);
}

std::optional<FastAddDocument> scan_add_document(const char* begin, const char* end) {
  return scan<FastAddDocument, &Scanner::add_document>(begin, end);
}

}  // namespace strata::parser
