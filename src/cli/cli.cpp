// The `strata` command line (cli.hpp): declares every subcommand on one CLI11 app, parses argv
// and runs the chosen command. `strata help` lists every command with one line each; `strata
// help COMMAND [SUBCOMMAND]` (or COMMAND [SUBCOMMAND] --help) shows its flags. A mistyped
// command or flag is a usage error that names the nearest one ("did you mean shell?"). Usage
// errors exit 2; --help and --version exit 0.
#include "cli/cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/migrate.hpp"
#include "common/suggest.hpp"

namespace strata::cli {

void log_to_stderr(const std::string& pattern, const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("strata", std::move(sink)));
  spdlog::set_pattern(pattern);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

namespace {

std::vector<CLI::App*> commands_of(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

// Every command with its one-line description.
std::string command_list(CLI::App& app) {
  std::ostringstream out;
  out << app.get_description() << "\n\nUsage: strata COMMAND [options]\n\nCommands:\n";
  size_t width = 0;
  for (CLI::App* sub : commands_of(app)) width = std::max(width, sub->get_name().size());
  for (CLI::App* sub : commands_of(app)) {
    out << "  " << sub->get_name() << std::string(width + 2 - sub->get_name().size(), ' ')
        << sub->get_description() << "\n";
  }
  out << "\n'strata help COMMAND' shows a command's options; 'strata --version' the version.\n"
         "Exit codes: 0 success; 1 a statement failed, a VALIDATE reported FAIL or the input "
         "has problems; 2 usage errors.\n";
  return out.str();
}

// The long and short flag names of `cmd`, with their dashes.
std::vector<std::string> flag_names(const CLI::App* cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* option : cmd->get_options()) {
    for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : option->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// Explains a parse error as a usage error, naming the nearest command or flag; exit code 2.
int usage_error(CLI::App& app, CLI::App* command, const std::vector<std::string>& args,
                const CLI::ParseError& e) {
  std::string path = command ? command->get_name() : "";
  const bool nested = command && command->get_parent() && command->get_parent() != &app;
  if (nested) path = command->get_parent()->get_name() + " " + path;  // strata migrate apply
  const std::string who = command ? "strata " + path : "strata";
  const std::string help = nested ? "strata " + path + " --help"
                                  : "strata help" + (command ? " " + path : std::string());
  // A flag that is not one of the command's (the error names it, or it is among the args).
  const std::vector<std::string> flags = flag_names(command ? command : &app);
  for (const std::string& arg : args) {
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") continue;
    if (std::isdigit(static_cast<unsigned char>(arg[1]))) continue;  // a value: --to -1
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) continue;
    std::cerr << who << ": unknown option '" << name << "'";
    if (auto near = nearest(name, flags)) std::cerr << "; did you mean " << *near << "?";
    std::cerr << "\n'" << help << "' lists the options.\n";
    return kExitUsage;
  }
  std::cerr << who << ": " << e.what() << "\n'" << help << "' shows the usage.\n";
  return kExitUsage;
}

// `strata help [COMMAND [SUBCOMMAND]]`: the list of commands, or the help of the one named
// (`strata help migrate apply` is `strata migrate apply --help`).
int run_help(CLI::App& app, const std::vector<std::string>& topic) {
  if (topic.empty()) {
    std::cout << command_list(app);
    return kExitOk;
  }
  CLI::App* command = &app;
  std::string path = "strata";
  for (const std::string& word : topic) {
    std::vector<std::string> names;
    CLI::App* found = nullptr;
    for (CLI::App* sub : commands_of(*command)) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) found = sub;
    }
    if (!found) {
      const std::string who = "strata help" + path.substr(6);  // strata help migrate
      std::cerr << who << ": unknown command '" << word << "'";
      if (auto near = nearest(word, names)) std::cerr << "; did you mean " << *near << "?";
      std::cerr << "\n";
      if (command == &app) {
        std::cerr << command_list(app);
      } else {
        std::cerr << "'" << who << "' lists them.\n";
      }
      return kExitUsage;
    }
    command = found;
    path += " " + word;
  }
  std::cout << app.get_formatter()->make_help(command, path, CLI::AppFormatMode::Normal);
  return kExitOk;
}

}  // namespace

int run_main(int argc, char** argv) {
  CLI::App app{"strata: a document database whose schema changes only through migrations"};
  app.name("strata");
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(0, 1);

  ServeOptions serve;
  ShellOptions shell;
  RunOptions run;
  ExecOptions exec;
  CheckOptions check;
  StoreCheckOptions store;
  MigrateOptions migrate;
  CLI::App* serve_cmd = add_serve_command(app, serve);
  CLI::App* shell_cmd = add_shell_command(app, shell);
  CLI::App* run_cmd = add_run_command(app, run);
  CLI::App* exec_cmd = add_exec_command(app, exec);
  CLI::App* check_cmd = add_check_command(app, check);
  CLI::App* store_cmd = add_store_command(app, store);
  CLI::App* migrate_cmd = add_migrate_command(app, migrate);

  std::vector<std::string> help_topic;
  CLI::App* help_cmd = app.add_subcommand("help", "List the commands, or show one's options");
  help_cmd->add_option("command", help_topic, "A command name, and a subcommand's (migrate apply)");

  const std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> names;
  for (CLI::App* sub : commands_of(app)) names.push_back(sub->get_name());
  if (args.empty()) {
    std::cerr << command_list(app);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << command_list(app);
    return kExitOk;
  }
  if (args[0][0] != '-' && std::find(names.begin(), names.end(), args[0]) == names.end()) {
    std::cerr << "strata: unknown command '" << args[0] << "'";
    if (auto near = nearest(args[0], names)) std::cerr << "; did you mean " << *near << "?";
    std::cerr << "\n'strata help' lists the commands.\n";
    return kExitUsage;
  }

  log_to_stderr("strata: %v", "warn");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    CLI::App* command = nullptr;
    for (CLI::App* sub : commands_of(app)) {
      if (!args.empty() && sub->get_name() == args[0]) command = sub;
    }
    if (command && args.size() > 1 && !commands_of(*command).empty() && args[1][0] != '-') {
      // A command's own subcommand (strata migrate apply), or a misspelt one.
      std::vector<std::string> subs;
      CLI::App* parent = command;
      for (CLI::App* sub : commands_of(*parent)) {
        subs.push_back(sub->get_name());
        if (sub->get_name() == args[1]) command = sub;
      }
      if (command == parent) {
        std::cerr << "strata " << parent->get_name() << ": unknown command '" << args[1] << "'";
        if (auto near = nearest(args[1], subs)) std::cerr << "; did you mean " << *near << "?";
        std::cerr << "\n'strata help " << parent->get_name() << "' lists them.\n";
        return kExitUsage;
      }
    }
    return usage_error(app, command, args, e);
  }

  if (help_cmd->parsed()) return run_help(app, help_topic);
  if (serve_cmd->parsed()) return run_serve(serve);
  if (shell_cmd->parsed()) return run_shell(shell);
  if (run_cmd->parsed()) return run_run(run);
  if (exec_cmd->parsed()) return run_exec(exec);
  if (check_cmd->parsed()) return run_check(check);
  if (store_cmd->parsed()) return run_store_check(store);
  if (migrate_cmd->parsed()) return run_migrate(migrate_cmd, migrate);
  std::cerr << command_list(app);
  return kExitUsage;
}

}  // namespace strata::cli
