#pragma once
// The shell's \help: the syntax of every statement of the language (SPEC §3), one entry per
// statement with a one-line summary, looked up by its leading words ("\help APPLY ROLLBACK").
// Thread-safety: pure functions over a constant table.

#include <string>
#include <string_view>

namespace strata::cli {

// Without a topic: every statement's name and summary, grouped by family, plus the shell's
// backslash commands. With one: the syntax of every statement whose name starts with the
// topic's words (case-insensitive), or a line saying none does.
std::string statement_help(std::string_view topic);

}  // namespace strata::cli
