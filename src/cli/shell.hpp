#pragma once
// The shell's session (SPEC §7): one connection to a server, the statements typed or given,
// how each answer is shown, and the state psql users expect around it — the session's real
// database (taken from the server's answers, so the prompt never lies), the names Tab
// completes, \timing, \json, the pager. Ctrl-C while a statement runs sends
// `CANCEL SESSION id "key"` on a second connection (SPEC §6) and keeps waiting for the answer.
// shell.cpp holds the loop and the statements, shell_commands.cpp the backslash commands.
// Thread-safety: one per process, on the main thread.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/outcome.hpp"
#include "cli/shell_complete.hpp"
#include "cli/shell_format.hpp"
#include "cli/shell_input.hpp"
#include "cli/shell_pager.hpp"
#include "cli/wire_client.hpp"
#include "common/json.hpp"
#include "parser/splitter.hpp"

namespace strata::cli {

class Shell {
 public:
  Shell(std::unique_ptr<WireClient> client, const ShellOptions& options);

  // Logs in (AUTH, when a password is given) and USEs --db; false after showing why not.
  bool start(const std::optional<std::string>& password);
  // Reads statements and backslash commands until \q or the end of input. Interactive: a
  // failed statement does not end it, Ctrl-D discards an unfinished statement. Otherwise
  // (piped input) the input is a script: the last statement may lack its ';'.
  // Returns the exit code: 0; 1 when the connection was lost (interactive) or, for a script,
  // when a statement failed or a VALIDATE reported FAIL.
  int loop(LineReader& reader, bool interactive);
  // Runs the statements of `text` (a backslash command when it starts with '\'), stopping
  // at the first failure, which it names as `source`:LINE. False after a failure.
  bool run_text(std::string_view text, const std::string& source);

  NameCache& names() { return names_; }
  const std::string& database() const { return database_; }

 private:
  // Sends one statement and shows its answer; nullopt when the connection is gone.
  std::optional<Outcome> execute(const parser::SplitStatement& statement);
  // Runs every statement the splitter has ready; false when one failed and `stop` says to
  // stop there (or the connection is gone).
  bool run_ready(parser::StatementSplitter& splitter, bool stop, const std::string& source);
  // The answer to `text`; Ctrl-C meanwhile sends a CANCEL. nullopt: connection gone.
  std::optional<std::string> ask(const std::string& text);
  void cancel_running();
  // A statement sent for the shell's own needs (names, \d), not shown; nullopt on failure.
  std::optional<Json> ask_quietly(const std::string& statement);
  // A backslash command (shell_commands.cpp), or a blank line: whether it succeeded;
  // nullopt when `line` is neither.
  std::optional<bool> command(std::string_view line);
  void show(const std::string& text);
  std::string prompt(bool continuation) const;

  std::unique_ptr<WireClient> client_;
  const ShellOptions& options_;
  ShellFormat format_;
  Pager pager_;
  NameCache names_;
  std::string database_;
  std::optional<int64_t> session_id_;  // from the AUTH answer, for CANCEL
  std::string cancel_key_;
  bool timing_ = false;
  bool quit_ = false;
  bool lost_ = false;
  int include_depth_ = 0;  // \i inside \i
};

}  // namespace strata::cli
