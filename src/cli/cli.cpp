// The `strata` command line (cli.hpp): declares every subcommand on one CLI11 app, parses argv
// and runs the chosen command. Usage errors exit 2; --help and --version exit 0.
#include "cli/cli.hpp"

#include <iostream>

#include "cli/commands.hpp"

namespace strata::cli {

int run_main(int argc, char** argv) {
  CLI::App app{"strata: a document database whose schema changes only through migrations"};
  app.name("strata");
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);

  ServeOptions serve;
  ShellOptions shell;
  RunOptions run;
  ExecOptions exec;
  CheckOptions check;
  StoreCheckOptions store;
  CLI::App* serve_cmd = add_serve_command(app, serve);
  CLI::App* shell_cmd = add_shell_command(app, shell);
  CLI::App* run_cmd = add_run_command(app, run);
  CLI::App* exec_cmd = add_exec_command(app, exec);
  CLI::App* check_cmd = add_check_command(app, check);
  CLI::App* store_cmd = add_store_command(app, store);

  std::string help_topic;
  CLI::App* help_cmd = app.add_subcommand("help", "Show help for strata or one command");
  help_cmd->add_option("command", help_topic, "A command name");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the error
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (help_cmd->parsed()) {
    // App::help() would describe the selected subcommand ("help" itself): format directly.
    const auto formatter = app.get_formatter();
    if (help_topic.empty()) {
      std::cout << formatter->make_help(&app, "strata", CLI::AppFormatMode::Normal);
      return kExitOk;
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == help_topic) {
        std::cout << formatter->make_help(sub, "strata " + help_topic, CLI::AppFormatMode::Normal);
        return kExitOk;
      }
    }
    std::cerr << "strata help: unknown command '" << help_topic << "'\n"
              << formatter->make_help(&app, "strata", CLI::AppFormatMode::Normal);
    return kExitUsage;
  }
  if (serve_cmd->parsed()) return run_serve(serve);
  if (shell_cmd->parsed()) return run_shell(shell);
  if (run_cmd->parsed()) return run_run(run);
  if (exec_cmd->parsed()) return run_exec(exec);
  if (check_cmd->parsed()) return run_check(check);
  if (store_cmd->parsed()) return run_store_check(store);
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace strata::cli
