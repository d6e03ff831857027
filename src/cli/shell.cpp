// strata shell (SPEC §7): flags of the interactive client. Not in this build yet: the command
// says so and exits 2.
#include "cli/commands.hpp"

namespace strata::cli {

CLI::App* add_shell_command(CLI::App& app, ShellOptions& o) {
  CLI::App* cmd = app.add_subcommand("shell", "Interactive shell connected to a server");
  cmd->add_option("--host", o.host, "Server address")->capture_default_str();
  cmd->add_option("--port", o.port, "Server port")->capture_default_str()->check(CLI::Range(1, 65535));
  cmd->add_option("--db", o.db, "Database to USE after connecting");
  cmd->add_option("--user", o.user, "User name (the password is asked without echo)")
      ->capture_default_str();
  cmd->add_flag("--json", o.json, "Print raw response lines instead of tables");
  return cmd;
}

int run_shell(const ShellOptions&) { return not_available("shell"); }

}  // namespace strata::cli
