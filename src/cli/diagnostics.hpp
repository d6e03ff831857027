#pragma once
// Compiler-style diagnostics for `strata check`: "file:line:col: error: message", then the
// source line and a caret under the column. The source is a whole file held once in memory;
// line starts are indexed on the first diagnostic only.
// Thread-safety: one instance per file.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

class DiagnosticPrinter {
 public:
  // `name` is what the messages call the file; `source` must outlive the printer.
  DiagnosticPrinter(std::string name, std::string_view source);

  // Prints one error at a 1-based line and byte column of the source.
  void error(std::ostream& out, uint32_t line, uint32_t column, std::string_view message);

 private:
  std::string_view line_text(uint32_t line);

  std::string name_;
  std::string_view source_;
  std::vector<size_t> line_starts_;  // empty until the first diagnostic
};

}  // namespace strata::cli
