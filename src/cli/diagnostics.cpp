// Diagnostics of `strata check` (diagnostics.hpp).
#include "cli/diagnostics.hpp"

#include <algorithm>

namespace strata::cli {
namespace {

// Lines longer than this are shown as a window around the column.
constexpr size_t kMaxShown = 160;
constexpr size_t kContextBefore = 70;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Control bytes would garble a terminal: they show as '?'. Tabs stay, so the caret lines up.
char printable(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7F ? '?' : c;
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
  for (size_t i = 0; i < text.size(); ++i) {
    shown.push_back(printable(text[i]));
    if (i < caret && !is_continuation(text[i])) marker.push_back(text[i] == '\t' ? '\t' : ' ');
  }
  out << shown << suffix << '\n' << marker << "^\n";
}

}  // namespace strata::cli
