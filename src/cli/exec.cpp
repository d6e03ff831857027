// strata exec (SPEC §7): flags of the script runner on an embedded store. Not in this build
// yet: the command says so and exits 2.
#include "cli/commands.hpp"

namespace strata::cli {

CLI::App* add_exec_command(CLI::App& app, ExecOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("exec", "Run scripts against an embedded store, without a server");
  cmd->add_option("files", o.files, "Script files, or - for standard input")->required();
  cmd->add_option("--data", o.data, "Data directory")->capture_default_str();
  cmd->add_flag("--continue", o.keep_going, "Keep going after a failed statement");
  return cmd;
}

int run_exec(const ExecOptions&) { return not_available("exec"); }

}  // namespace strata::cli
