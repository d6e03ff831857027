// strata run (SPEC §7): flags of the script runner that talks to a server. Not in this build
// yet: the command says so and exits 2.
#include "cli/commands.hpp"

namespace strata::cli {

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  CLI::App* cmd = app.add_subcommand("run", "Send scripts to a server and print each response");
  cmd->add_option("files", o.files, "Script files, or - for standard input")->required();
  cmd->add_option("--host", o.host, "Server address")->capture_default_str();
  cmd->add_option("--port", o.port, "Server port")->capture_default_str()->check(CLI::Range(1, 65535));
  cmd->add_option("--db", o.db, "Database to USE before the scripts");
  cmd->add_option("--user", o.user, "User name")->capture_default_str();
  cmd->add_flag("--continue", o.keep_going, "Keep going after a failed statement");
  return cmd;
}

int run_run(const RunOptions&) { return not_available("run"); }

}  // namespace strata::cli
