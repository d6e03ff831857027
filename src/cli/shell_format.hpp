#pragma once
// How `strata shell` shows a response line (SPEC §7): result sets (SELECT, SHOW DATABASES,
// SHOW BUNDLES, SHOW INDEXES, SHOW USERS) and SHOW MIGRATIONS as aligned tables, a colored
// OK / ERROR status with the message, and any other fields (reports, migrations) as indented
// JSON. With `json` the line is shown exactly as the server sent it.
// Thread-safety: pure functions.

#include <string>
#include <vector>

namespace strata::cli {

struct ShellFormat {
  bool color = false;  // ANSI colors (only on a terminal, and not with NO_COLOR)
  bool json = false;   // raw response lines
};

// The text to print for one response line (ends in '\n').
std::string format_response(const std::string& line, const ShellFormat& format);

// An aligned table with a header row, e.g.
//   Version | Status  | Description
//   --------+---------+------------
//   1       | APPLIED | Initial
std::string render_table(const std::vector<std::string>& columns,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace strata::cli
