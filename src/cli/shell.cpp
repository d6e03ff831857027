// strata shell (SPEC §7): an interactive client. libedit gives line editing and history
// (~/.strata_history); the parser's StatementSplitter decides when a statement is complete,
// so statements may span lines (a continuation prompt shows one is open) and run when
// complete. Responses are shown by shell_format (tables, colored status; --json for raw
// lines). Backslash commands: \timing, \json, \help, \q. The password is asked without echo
// (or taken from $STRATA_PASSWORD). Standard input that is not a terminal is read plainly,
// without prompts, so the shell can also be scripted.
#include <editline/readline.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/shell_format.hpp"
#include "cli/wire_client.hpp"
#include "parser/splitter.hpp"

namespace strata::cli {

CLI::App* add_shell_command(CLI::App& app, ShellOptions& o) {
  CLI::App* cmd = app.add_subcommand("shell", "Interactive shell connected to a server");
  add_client_options(cmd, o, "Database to USE after connecting");
  cmd->add_flag("--json", o.json, "Print raw response lines instead of tables");
  return cmd;
}

namespace {

constexpr const char* kHelp =
    "Statements end with ';' and may span lines; they run when complete.\n"
    "  \\timing   toggle showing how long each statement took\n"
    "  \\json     toggle raw JSON responses\n"
    "  \\help     this text\n"
    "  \\q        quit (or Ctrl-D)\n"
    "Try: SHOW DATABASES;  USE \"main\";  SHOW BUNDLES;  SHOW MIGRATIONS;\n";

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.strata_history" : std::string();
}

class Shell {
 public:
  Shell(WireClient& client, const ShellOptions& options, bool interactive)
      : client_(client), interactive_(interactive), database_(options.db) {
    format_.json = options.json;
    format_.color = interactive && isatty(1) && std::getenv("NO_COLOR") == nullptr;
  }

  // Runs until \q or end of input; the exit code.
  int loop() {
    while (true) {
      std::optional<std::string> line = read_line();
      if (!line) break;
      if (!splitter_.has_partial() && handle_command(*line)) {
        if (quit_) break;
        continue;
      }
      splitter_.feed(*line);
      splitter_.feed("\n");
      if (!run_ready()) return kExitProblems;
    }
    splitter_.finish();
    return run_ready() ? kExitOk : kExitProblems;
  }

  // Runs one statement outside the loop (AUTH, USE at start); false when it failed.
  bool run(const std::string& statement, bool show) {
    std::optional<std::string> answer = client_.ask(statement);
    if (!answer) {
      std::cerr << "strata shell: the server closed the connection\n";
      return false;
    }
    Json response = Json::parse(*answer, nullptr, false);
    const bool ok = response.is_object() && response.value("success", false);
    if (show || !ok) std::cout << format_response(*answer, format_) << std::flush;
    return ok;
  }

 private:
  std::optional<std::string> read_line() {
    if (!interactive_) {
      std::string line;
      if (!std::getline(std::cin, line)) return std::nullopt;
      return line;
    }
    const std::string prompt =
        splitter_.has_partial()
            ? "    -> "
            : "strata" + (database_.empty() ? "" : "(" + database_ + ")") + "> ";
    char* raw = ::readline(prompt.c_str());
    if (raw == nullptr) {
      std::cout << "\n";
      return std::nullopt;
    }
    std::string line(raw);
    std::free(raw);
    return line;
  }

  // A backslash command on a fresh line; true when `line` was one.
  bool handle_command(const std::string& line) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return true;  // a blank line
    std::string word = line.substr(start, line.find_last_not_of(" \t;") + 1 - start);
    if (word == "\\q" || word == "\\quit" || word == "quit" || word == "exit") {
      quit_ = true;
    } else if (word == "\\timing") {
      timing_ = !timing_;
      std::cout << "Timing is " << (timing_ ? "on" : "off") << ".\n";
    } else if (word == "\\json") {
      format_.json = !format_.json;
      std::cout << "JSON output is " << (format_.json ? "on" : "off") << ".\n";
    } else if (word == "\\help" || word == "\\?" || word == "help") {
      std::cout << kHelp;
    } else if (word[0] == '\\') {
      std::cout << "unknown command " << word << "; \\help lists them\n";
    } else {
      return false;
    }
    return true;
  }

  // Sends every complete statement; false when the connection is gone.
  bool run_ready() {
    while (auto statement = splitter_.next()) {
      if (statement->oversized) {
        std::cout << "statement too large\n";
        continue;
      }
      if (interactive_) ::add_history(statement->text.c_str());
      const auto started = std::chrono::steady_clock::now();
      std::optional<std::string> answer = client_.ask(statement->text);
      if (!answer) {
        std::cerr << "strata shell: the server closed the connection\n";
        return false;
      }
      std::cout << format_response(*answer, format_);
      if (timing_) {
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        std::printf("Time: %.3f ms\n", ms);
      }
      std::cout << std::flush;
      Json response = Json::parse(*answer, nullptr, false);
      if (response.is_object() && response.value("success", false) &&
          response.contains("database") &&
          statement->text.find_first_not_of(" \t\r\n") != std::string::npos) {
        // USE answers with the database it switched to.
        const std::string& t = statement->text;
        const size_t s = t.find_first_not_of(" \t\r\n");
        if (t.size() - s >= 3 && (t.compare(s, 3, "USE") == 0 || t.compare(s, 3, "use") == 0)) {
          database_ = response["database"].get<std::string>();
        }
      }
    }
    return true;
  }

  WireClient& client_;
  bool interactive_;
  std::string database_;
  ShellFormat format_;
  parser::StatementSplitter splitter_;
  bool timing_ = false;
  bool quit_ = false;
};

}  // namespace

int run_shell(const ShellOptions& options) {
  auto client = connect_client(options);
  if (!client.ok()) {
    std::cerr << "strata shell: " << client.status().message() << "\n";
    return kExitUsage;
  }
  const bool interactive = isatty(0);
  Shell shell(**client, options, interactive);
  std::optional<std::string> password = obtain_password(options.password_env, options.user);
  if (password && !password->empty() &&
      !shell.run(auth_statement(options.user, *password), false)) {
    return kExitProblems;
  }
  if (!options.db.empty() && !shell.run(use_statement(options.db), false)) return kExitProblems;
  const std::string history = history_path();
  if (interactive) {
    ::rl_readline_name = "strata";
    ::using_history();
    if (!history.empty()) ::read_history(history.c_str());
    std::cout << "strata shell connected to " << options.host << ":" << options.port
              << (password && !password->empty() ? " as " + options.user : std::string())
              << ". \\help for help, \\q to quit.\n";
  }
  const int code = shell.loop();
  if (interactive && !history.empty()) ::write_history(history.c_str());
  return code;
}

}  // namespace strata::cli
