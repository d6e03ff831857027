#pragma once
// How `strata shell` shows a response line (SPEC §7): result sets (SELECT, SHOW DATABASES,
// SHOW BUNDLES, SHOW INDEXES, SHOW USERS), SHOW MIGRATIONS and DESCRIBE BUNDLE as aligned
// tables — a SELECT's columns in its bundle's field order, DocumentID first —, VALIDATE
// reports as phase tables (shell_report.hpp), a colored OK / ERROR status with the message,
// a syntax error's statement line with a caret under its column, and any other fields as
// indented JSON. With `json` the line is shown exactly as the server sent it.
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::cli {

struct ShellFormat {
  bool color = false;  // ANSI colors (only on a terminal, and not with NO_COLOR)
  bool json = false;   // raw response lines
};

// What the shell knows about the statement a response answers.
struct ResponseContext {
  std::string_view statement;                              // the text sent, for carets
  const std::vector<std::string>* field_order = nullptr;  // a SELECT's bundle's fields
};

// The text to print for one response line (ends in '\n').
std::string format_response(const std::string& line, const ShellFormat& format,
                            const ResponseContext& context = {});

// An aligned table with a header row, e.g.
//   Version | Status  | Description
//   --------+---------+------------
//   1       | APPLIED | Initial
std::string render_table(const std::vector<std::string>& columns,
                         const std::vector<std::vector<std::string>>& rows);

// One table cell for a JSON value: strings bare, lists of strings joined with ", ", other
// values as compact JSON; newlines become spaces and long text is cut with "…".
std::string cell(const Json& value);

// `text` in an ANSI color when `color` is on.
namespace ansi {
inline constexpr const char* kGreen = "\x1b[32m";
inline constexpr const char* kRed = "\x1b[31m";
inline constexpr const char* kYellow = "\x1b[33m";
inline constexpr const char* kBold = "\x1b[1m";
}  // namespace ansi
std::string paint(bool color, const char* code, const std::string& text);

}  // namespace strata::cli
