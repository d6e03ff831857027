// strata run (SPEC §7): sends scripts to a server and prints each response line.
//
// Each file (or standard input for "-") is read as it comes and split by the parser's
// StatementSplitter; every statement goes out as its own frame (text + EOT). With --continue
// statements are pipelined (up to kWindow statements or kWindowBytes in flight) and every
// failure is reported; without it, each statement waits for its answer so that nothing runs
// after the first failure (a migration script must not go on past a failed step).
// A failure is also reported on stderr as FILE:LINE:COLUMN of the statement (and of the
// error inside it, when the server names a line and column). A VALIDATE that answers success
// but reports FAIL counts as a failure (outcome.hpp), so a script can gate CI.
// Exit codes: 0 all succeeded; 1 a statement failed or a VALIDATE reported FAIL; 2 usage,
// unreadable file, no server.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/outcome.hpp"
#include "cli/wire_client.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_stream.hpp"

namespace strata::cli {

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  CLI::App* cmd = app.add_subcommand("run", "Send scripts to a server and print each response");
  cmd->add_option("files", o.files, "Script files, or - for standard input")->required();
  add_client_options(cmd, o, "Database to USE before the scripts");
  cmd->add_flag("--continue", o.keep_going, "Keep going after a failed statement (pipelined)");
  return cmd;
}

namespace {

constexpr size_t kWindow = 128;
constexpr size_t kWindowBytes = 1 << 20;

struct InFlight {
  std::string file;
  parser::SplitStatement where;  // where the statement starts in its file (text not kept)
  size_t bytes;
};

class Runner {
 public:
  Runner(WireClient& client, const RunOptions& options, bool has_password)
      : client_(client),
        options_(options),
        progress_(isatty(2)),
        has_password_(has_password) {}

  // Plays one input; false after a failure (without --continue) or a lost connection.
  bool play(const std::string& name, int fd) {
    parser::StatementSplitter splitter;
    char chunk[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::cerr << "strata run: cannot read " << name << ": " << std::strerror(errno) << "\n";
        io_error_ = true;
        return false;
      }
      if (n == 0)
        splitter.finish();
      else
        splitter.feed(std::string_view(chunk, static_cast<size_t>(n)));
      while (auto statement = splitter.next()) {
        if (!send(name, *statement)) return false;
      }
      if (n == 0) return true;
    }
  }

  // Reads the answers still outstanding (all of them with --continue, else up to the first
  // failure); false when one failed or the server went away.
  bool drain() {
    bool ok = true;
    while (!in_flight_.empty() && !lost_) {
      if (!receive()) {
        ok = false;
        if (!options_.keep_going) break;
      }
    }
    return ok;
  }

  bool failed() const { return failures_ > 0; }
  bool io_error() const { return io_error_; }

 private:
  bool send(const std::string& file, const parser::SplitStatement& statement) {
    if (statement.oversized) {
      std::cerr << "strata run: " << file << ":" << statement.line << ":" << statement.column
                << ": statement too large to send\n";
      ++failures_;
      return options_.keep_going;
    }
    const size_t window = options_.keep_going ? kWindow : 1;
    while (!in_flight_.empty() &&
           (in_flight_.size() >= window || in_flight_bytes_ >= kWindowBytes)) {
      if (!receive() && !options_.keep_going) return false;
      if (lost_) return false;
    }
    in_flight_.push_back(
        {file, parser::SplitStatement{{}, statement.line, statement.column, false},
         statement.text.size()});
    in_flight_bytes_ += statement.text.size();
    std::string frame;
    frame.reserve(statement.text.size() + 1);
    frame.append(statement.text);
    frame.push_back('\x04');
    if (!client_.send(frame).ok()) {
      std::cerr << "strata run: the server closed the connection\n";
      lost_ = io_error_ = true;
      return false;
    }
    if (!options_.keep_going) return receive();
    return true;
  }

  // Reads one answer; false when it was an error (or the connection is gone).
  bool receive() {
    std::optional<std::string> line = client_.read_line();
    if (!line) {
      std::cerr << "strata run: the server closed the connection\n";
      lost_ = io_error_ = true;
      in_flight_.clear();
      return false;
    }
    InFlight statement = std::move(in_flight_.front());
    in_flight_.pop_front();
    in_flight_bytes_ -= statement.bytes;
    std::cout << *line << '\n';
    if (progress_ && ++answered_ % 1000 == 0) {
      std::cerr << "\r" << answered_ << " statements answered" << std::flush;
    }
    Json response = Json::parse(*line, nullptr, false);
    if (outcome_of(response) == Outcome::kOk) return true;
    ++failures_;
    report(statement, response);
    return false;
  }

  void report(const InFlight& statement, const Json& response) {
    uint32_t line = statement.where.line, column = statement.where.column;
    if (response.is_object() && response.contains("line") && response["line"].is_number()) {
      // The server counts from the statement's first token; add where it is in the file.
      const parser::StreamPosition at = parser::position_in_stream(
          statement.where, response["line"].get<uint32_t>(), response.value("column", 1u));
      line = at.line;
      column = at.column;
    }
    if (progress_ && answered_ >= 1000) std::cerr << "\n";
    std::cerr << statement.file << ":" << line << ":" << column << ": "
              << failure_summary(response) << "\n";
    if (!has_password_ && !hinted_ && needs_authentication(response)) {
      std::cerr << "strata run: " << password_hint(options_) << "\n";
      hinted_ = true;
    }
  }

  WireClient& client_;
  const RunOptions& options_;
  std::deque<InFlight> in_flight_;
  size_t in_flight_bytes_ = 0;
  size_t answered_ = 0;
  size_t failures_ = 0;
  bool progress_;
  bool has_password_;
  bool hinted_ = false;
  bool lost_ = false;
  bool io_error_ = false;
};

}  // namespace

int run_run(const RunOptions& options) {
  auto client = connect_client(options);
  if (!client.ok()) {
    std::cerr << "strata run: " << client.status().message() << "\n";
    return kExitUsage;
  }
  std::optional<std::string> password = obtain_password(options.password_env, options.user);
  std::vector<std::string> preamble;
  if (password && !password->empty()) preamble.push_back(auth_statement(options.user, *password));
  if (!options.db.empty()) preamble.push_back(use_statement(options.db));
  for (const std::string& statement : preamble) {
    std::optional<std::string> line = (*client)->ask(statement, /*newline=*/false);
    Json response = line ? Json::parse(*line, nullptr, false) : Json();
    if (!response.is_object() || !response.value("success", false)) {
      std::cerr << "strata run: " << (line ? response.value("message", *line) : "no answer")
                << "\n";
      if ((!password || password->empty()) && needs_authentication(response)) {
        std::cerr << "strata run: " << password_hint(options) << "\n";
      }
      return kExitProblems;
    }
  }
  Runner runner(**client, options, password && !password->empty());
  bool ok = true;
  for (const std::string& file : options.files) {
    int fd = file == "-" ? 0 : ::open(file.c_str(), O_RDONLY);
    if (fd < 0) {
      std::cerr << "strata run: cannot open " << file << ": " << std::strerror(errno) << "\n";
      runner.drain();
      return kExitUsage;
    }
    ok = runner.play(file == "-" ? "<stdin>" : file, fd);
    if (fd != 0) ::close(fd);
    if (!ok && !options.keep_going) break;
    if (runner.io_error()) break;
  }
  runner.drain();
  (*client)->shutdown_send();
  if (runner.io_error()) return kExitUsage;
  return runner.failed() ? kExitProblems : kExitOk;
}

}  // namespace strata::cli
