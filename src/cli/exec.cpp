// strata exec (SPEC §7): scripts against an embedded store, no server. Streams each input
// through engine::run_script; exit 0 when every statement succeeded, 1 at the first failed
// statement or VALIDATE that reported FAIL (after all of them with --continue), 2 when the
// store or a file cannot be opened. Each failure is also said on stderr as
// FILE:LINE:COLUMN: CODE: message (the statement's place in its file), and its JSON line
// names the file ("file").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/outcome.hpp"
#include "engine/engine.hpp"
#include "engine/script_runner.hpp"
#include "parser/statement_stream.hpp"

namespace strata::cli {

namespace {

// A streambuf over a file descriptor whose underflow returns whatever one read() gives, so
// piped input is processed as it arrives.
class FdStreambuf : public std::streambuf {
 public:
  explicit FdStreambuf(int fd) : fd_(fd), buf_(1 << 16) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    ssize_t n;
    do {
      n = ::read(fd_, buf_.data(), buf_.size());
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return traits_type::eof();
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  int fd_;
  std::vector<char> buf_;
};

// Judges each response as the other clients do (outcome.hpp) and reports failures on stderr
// as FILE:LINE:COLUMN: the statement's start in its file plus the error's position inside it
// (parser::position_in_stream).
engine::ResponseJudge judge_for(const std::string& file) {
  return [file](const parser::SplitStatement& statement, Json& response) {
    if (outcome_of(response) == Outcome::kOk) return true;
    parser::StreamPosition at{statement.line, statement.column};
    if (response.is_object() && response.contains("line") && response["line"].is_number()) {
      at = parser::position_in_stream(statement, response["line"].get<uint32_t>(),
                                      response.value("column", 1u));
    }
    if (response.is_object()) response["file"] = file;
    std::cerr << file << ":" << at.line << ":" << at.column << ": " << failure_summary(response)
              << "\n";
    return false;
  };
}

}  // namespace

int run_exec(const ExecOptions& o) {
  std::vector<std::string> files = o.files.empty() ? std::vector<std::string>{"-"} : o.files;
  for (const auto& file : files) {  // refuse unreadable files before touching the store
    if (file != "-" && !std::ifstream(file, std::ios::binary)) {
      std::cerr << "strata exec: cannot read " << file << "\n";
      return kExitUsage;
    }
  }
  engine::EngineOptions options;
  options.data_dir = o.data;
  options.store = o.store;
  options.store_prefix = o.store_prefix;
  options.lock_ttl_s = o.lock_ttl;
  options.threads = o.workers;
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "strata exec: cannot open store: " << engine.status().message() << "\n";
    return kExitUsage;
  }
  engine::Session session = (*engine)->open_embedded_session();
  int rc = 0;
  for (const auto& file : files) {
    int r;
    if (file == "-") {
      FdStreambuf sb(0);
      std::istream in(&sb);
      r = engine::run_script(**engine, session, in, std::cout, o.keep_going, 256u << 20,
                             judge_for("<stdin>"));
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "strata exec: cannot read " << file << "\n";
        return kExitUsage;
      }
      r = engine::run_script(**engine, session, in, std::cout, o.keep_going, 256u << 20,
                             judge_for(file));
    }
    if (r != 0) {
      rc = r;
      if (!o.keep_going) break;
    }
  }
  (*engine)->close_session(session);
  std::cout.flush();
  return rc;
}

CLI::App* add_exec_command(CLI::App& app, ExecOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("exec", "Run scripts against an embedded store, without a server");
  cmd->add_option("files", o.files, "Script files, or - for standard input")->required();
  cmd->add_option("--data", o.data, "Data directory")->capture_default_str();
  cmd->add_option("--store", o.store, "Cluster mode: etcd://h1:2379,... instead of --data");
  cmd->add_option("--store-prefix", o.store_prefix, "Key prefix in etcd")->capture_default_str();
  cmd->add_option("--lock-ttl", o.lock_ttl, "Seconds a dead process's locks outlive it (etcd)")
      ->capture_default_str()
      ->check(CLI::Range(2, 3600));
  cmd->add_option("--workers", o.workers,
                  "Engine worker threads for parallel work: parsing, sorts (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1024u));
  cmd->add_flag("--continue", o.keep_going, "Keep going after a failed statement");
  return cmd;
}

}  // namespace strata::cli
