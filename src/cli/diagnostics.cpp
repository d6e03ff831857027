// Diagnostics of `strata check` (diagnostics.hpp).
#include "cli/diagnostics.hpp"

#include <algorithm>

namespace strata::cli {
namespace {

// Lines longer than this are shown as a window around the column.
constexpr size_t kMaxShown = 160;
constexpr size_t kContextBefore = 70;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes are not one.
size_t utf8_length(std::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80                 ? 1
             : c >= 0xC2 && c <= 0xDF ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if (!is_continuation(text[i + k])) return 0;
  }
  return n;
}

// Appends the line as shown: valid UTF-8 as is, tabs kept (so the caret lines up), control
// bytes and invalid UTF-8 as '?', one column each. The marker gets one column per character
// before the caret byte.
void render(std::string_view text, size_t caret, std::string& shown, std::string& marker) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8_length(text, i);
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (n == 0 || (c < 0x20 && c != '\t') || c == 0x7F) {
      shown.push_back('?');
    } else {
      shown.append(text.substr(i, n));
    }
    if (i < caret) marker.push_back(c == '\t' ? '\t' : ' ');
    i += n == 0 ? 1 : n;
  }
}

}  // namespace

DiagnosticPrinter::DiagnosticPrinter(std::string name, std::string_view source)
    : name_(std::move(name)), source_(source) {}

std::string_view DiagnosticPrinter::line_text(uint32_t line) {
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < source_.size(); ++i) {
      if (source_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }
  if (line == 0 || line > line_starts_.size()) return {};
  const size_t begin = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : source_.size();
  if (end > begin && source_[end - 1] == '\r') --end;
  return source_.substr(begin, end - begin);
}

void DiagnosticPrinter::error(std::ostream& out, uint32_t line, uint32_t column,
                              std::string_view message) {
  out << name_ << ':' << line << ':' << column << ": error: " << message << '\n';
  std::string_view text = line_text(line);
  size_t caret = std::min<size_t>(column == 0 ? 0 : column - 1, text.size());
  std::string prefix, suffix;
  if (text.size() > kMaxShown) {  // a window around the column
    size_t from = caret > kContextBefore ? caret - kContextBefore : 0;
    while (from > 0 && is_continuation(text[from])) --from;
    size_t to = std::min(text.size(), from + kMaxShown);
    while (to < text.size() && is_continuation(text[to])) ++to;
    if (from > 0) prefix = "...";
    if (to < text.size()) suffix = "...";
    text = text.substr(from, to - from);
    caret -= from;
  }
  std::string shown = prefix;
  std::string marker(prefix.size(), ' ');
  render(text, caret, shown, marker);
  out << shown << suffix << '\n' << marker << "^\n";
}

}  // namespace strata::cli
