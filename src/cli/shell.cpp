// strata shell (SPEC §7): the loop and the statements of the interactive client (shell.hpp).
// The parser's StatementSplitter decides when a statement is complete, so statements may span
// lines (a continuation prompt shows one is open) and run when complete; each completed input
// becomes one history entry, as typed, with its ';'. Responses are shown by shell_format
// through the pager. Standard input that is not a terminal is read as a script, without
// prompts; `-c "…"` runs statements and exits. The password is asked without echo (or taken
// from $STRATA_PASSWORD).
#include "cli/shell.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/shell_text.hpp"

namespace strata::cli {

CLI::App* add_shell_command(CLI::App& app, ShellOptions& o) {
  CLI::App* cmd = app.add_subcommand("shell", "Interactive shell connected to a server");
  add_client_options(cmd, o, "Database to USE after connecting");
  cmd->add_flag("--json", o.json, "Print raw response lines instead of tables");
  cmd->add_option("-c,--command", o.commands,
                  "Run these statements (or one backslash command) and exit; may be repeated");
  return cmd;
}

namespace {

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.strata_history" : std::string();
}

// How Ctrl-D describes the unfinished statement it discards: its first line, shortened.
std::string describe_unfinished(const std::string& typed) {
  const size_t start = typed.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  std::string first = typed.substr(start, typed.find('\n', start) - start);
  if (first.size() > 60) first = first.substr(0, 57) + "...";
  size_t lines = 0;
  for (size_t i = start; i < typed.size(); ++i) lines += typed[i] == '\n';
  return first + " (" + std::to_string(lines) + (lines == 1 ? " line)" : " lines)");
}

}  // namespace

Shell::Shell(std::unique_ptr<WireClient> client, const ShellOptions& options)
    : client_(std::move(client)),
      options_(options),
      names_([this](const std::string& statement) { return ask_quietly(statement); }) {
  format_.json = options.json;
  format_.color = isatty(1) && std::getenv("NO_COLOR") == nullptr;
}

bool Shell::start(const std::optional<std::string>& password) {
  auto step = [&](const std::string& statement) -> std::optional<Json> {
    std::optional<std::string> answer = client_->ask(statement);
    if (!answer) {
      std::cerr << "strata shell: the server closed the connection\n";
      return std::nullopt;
    }
    Json response = Json::parse(*answer, nullptr, false);
    if (outcome_of(response) != Outcome::kOk) {
      std::cout << format_response(*answer, format_) << std::flush;
      if ((!password || password->empty()) && needs_authentication(response)) {
        std::cerr << "strata shell: " << password_hint(options_) << "\n";
      }
      return std::nullopt;
    }
    return response;
  };
  if (password && !password->empty()) {
    auto answer = step(auth_statement(options_.user, *password));
    if (!answer) return false;
    const Json session = answer->value("session", Json::object());
    if (session.is_object() && session.contains("id") && session["id"].is_number_integer()) {
      session_id_ = session["id"].get<int64_t>();
      cancel_key_ = session.value("cancelKey", "");
    }
  }
  if (!options_.db.empty()) {
    auto answer = step(use_statement(options_.db));
    if (!answer) return false;
    database_ = answer->value("database", options_.db);
    names_.set_database(database_);
  }
  return true;
}

std::string Shell::prompt(bool continuation) const {
  if (continuation) return "    -> ";
  return "strata" + (database_.empty() ? "" : "(" + database_ + ")") + "> ";
}

void Shell::show(const std::string& text) {
  if (format_.json) {
    std::cout << text << std::flush;  // raw lines are for programs: never paged
  } else {
    pager_.show(text);
  }
  take_interrupt();  // a Ctrl-C meant for the pager
}

std::optional<Json> Shell::ask_quietly(const std::string& statement) {
  if (lost_) return std::nullopt;
  std::optional<std::string> answer = client_->ask(statement);
  if (!answer) {
    lost_ = true;
    return std::nullopt;
  }
  Json response = Json::parse(*answer, nullptr, false);
  if (outcome_of(response) == Outcome::kFailed) return std::nullopt;
  return response;
}

std::optional<std::string> Shell::ask(const std::string& text) {
  take_interrupt();
  if (!client_->send_statement(text).ok()) return std::nullopt;
  return client_->read_line([this] {
    if (take_interrupt()) cancel_running();
    return true;
  });
}

void Shell::cancel_running() {
  if (!session_id_ || cancel_key_.empty()) {
    std::cerr << "\nstrata shell: cannot cancel: the server gave this session no cancel key "
                 "(its login answer named no \"session\"); waiting for the statement to "
                 "finish\n";
    return;
  }
  auto other = connect_client(options_);
  if (!other.ok()) {
    std::cerr << "\nstrata shell: cannot cancel: " << other.status().message() << "\n";
    return;
  }
  const std::string statement =
      "CANCEL SESSION " + std::to_string(*session_id_) + " " + quote_name(cancel_key_);
  if (!(*other)->send_statement(statement).ok()) {
    std::cerr << "\nstrata shell: cannot cancel: the server closed the connection\n";
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::optional<std::string> answer =
      (*other)->read_line([&] { return std::chrono::steady_clock::now() < deadline; });
  Json response = answer ? Json::parse(*answer, nullptr, false) : Json();
  if (outcome_of(response) == Outcome::kOk) {
    std::cerr << "\nCancel request sent\n";
  } else {
    std::cerr << "\nstrata shell: the server refused the cancel: "
              << (answer ? failure_summary(response) : "no answer") << "\n";
  }
}

std::optional<Outcome> Shell::execute(const parser::SplitStatement& statement) {
  if (statement.oversized) {
    show("statement too large\n");
    return Outcome::kFailed;
  }
  const std::vector<std::string> words = leading_words(statement.text, 2);
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::string> answer = ask(statement.text);
  if (!answer) {
    lost_ = true;
    std::cerr << "strata shell: the server closed the connection\n";
    return std::nullopt;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count();
  Json response = Json::parse(*answer, nullptr, false);
  const Outcome outcome = outcome_of(response);
  const bool ok = outcome != Outcome::kFailed;
  if (ok) names_.changed_by(words);
  ResponseContext context{statement.text, nullptr};
  const std::string first = words.empty() ? "" : words[0];
  std::vector<std::string> fields;
  if (ok && first == "SELECT" && !format_.json && response.contains("Result")) {
    // Documents arrive with their keys sorted: show them in the bundle's field order.
    const std::vector<std::string> named = quoted_names(statement.text);
    if (!named.empty()) {
      if (const NameCache::Bundle* bundle = names_.bundle(named.front())) {
        fields = bundle->fields;
        context.field_order = &fields;
      }
    }
  }
  if (ok && first == "USE" && response.contains("database") && response["database"].is_string()) {
    database_ = response["database"].get<std::string>();  // the server's word, not the text's
    names_.set_database(database_);
  }
  if (ok && first == "DROP" && words.size() > 1 && words[1] == "DATABASE") {
    const std::vector<std::string> named = quoted_names(statement.text);
    if (!named.empty() && named.front() == database_) {
      database_.clear();
      names_.set_database(database_);
    }
  }
  std::string text = format_response(*answer, format_, context);
  if (timing_) {
    char line[64];
    std::snprintf(line, sizeof line, "Time: %.3f ms\n", ms);
    text += line;
  }
  show(text);
  return outcome;
}

bool Shell::run_ready(parser::StatementSplitter& splitter, bool stop, const std::string& source) {
  bool ok = true;
  while (auto statement = splitter.next()) {
    std::optional<Outcome> outcome = execute(*statement);
    if (!outcome) return false;
    if (*outcome == Outcome::kOk) continue;
    ok = false;
    if (stop) {
      std::cerr << "strata shell: " << source << ":" << statement->line
                << ": stopped at this statement\n";
      return false;
    }
  }
  return ok;
}

bool Shell::run_text(std::string_view text, const std::string& source) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && text[start] == '\\') {
    return command(text.substr(start)).value_or(false);
  }
  parser::StatementSplitter splitter;
  splitter.feed(text);
  splitter.finish();
  return run_ready(splitter, /*stop=*/true, source);
}

int Shell::loop(LineReader& reader, bool interactive) {
  parser::StatementSplitter splitter;
  std::string typed;  // the input of the statement being completed, as typed
  bool failed = false;
  while (!quit_ && !lost_) {
    const InputLine input = reader.read(prompt(splitter.has_partial()));
    if (input.kind == InputLine::kInterrupted) {
      if (!interactive) return kExitProblems;
      std::cout << "^C\n" << std::flush;  // the typed line and any open statement are dropped
      splitter = parser::StatementSplitter();
      typed.clear();
      continue;
    }
    if (input.kind == InputLine::kEnd) {
      if (!interactive) {
        splitter.finish();  // a script's last statement may lack its ';'
        if (!run_ready(splitter, false, "<stdin>")) failed = true;
        break;
      }
      std::cout << "\n";
      if (splitter.has_partial()) {
        std::cout << "Discarded the unfinished statement, not sent: " << describe_unfinished(typed)
                  << "\n";
      }
      break;
    }
    if (!splitter.has_partial() && typed.empty()) {
      if (std::optional<bool> done = command(input.text)) {
        if (!*done) failed = true;
        continue;
      }
    }
    splitter.feed(input.text);
    splitter.feed("\n");
    typed += input.text + "\n";
    if (!run_ready(splitter, false, "<stdin>")) failed = true;
    if (!splitter.has_partial()) {
      const size_t end = typed.find_last_not_of(" \t\r\n");
      if (end != std::string::npos) reader.remember(typed.substr(0, end + 1));
      typed.clear();
    }
  }
  std::cout << std::flush;
  if (lost_) return kExitProblems;
  return failed && !interactive ? kExitProblems : kExitOk;
}

int run_shell(const ShellOptions& options) {
  auto client = connect_client(options);
  if (!client.ok()) {
    std::cerr << "strata shell: " << client.status().message() << "\n";
    return kExitUsage;
  }
  const bool interactive = isatty(0) && options.commands.empty();
  Shell shell(std::move(*client), options);
  std::optional<std::string> password = obtain_password(options.password_env, options.user);
  if (!shell.start(password)) return kExitProblems;
  install_interrupt_handler();
  if (!options.commands.empty()) {
    for (const std::string& text : options.commands) {
      if (!shell.run_text(text, "-c")) return kExitProblems;
    }
    return kExitOk;
  }
  LineReader reader(interactive, interactive ? history_path() : "", &shell.names());
  if (interactive) {
    std::cout << "strata shell connected to " << options.host << ":" << options.port
              << (password && !password->empty() ? " as " + options.user : std::string())
              << ". \\help for help, \\q to quit.\n";
  }
  return shell.loop(reader, interactive);
}

}  // namespace strata::cli
