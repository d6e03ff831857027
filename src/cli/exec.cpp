#include "cli/exec.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/script_runner.hpp"

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

struct ExecOptions {
  std::string data_dir = "./data";
  std::string backup_dir;
  bool continue_on_error = false;
  bool sync = false;
  std::vector<std::string> files;
};

int run_exec(const ExecOptions& o) {
  engine::EngineOptions options;
  options.data_dir = o.data_dir;
  options.backup_dir = o.backup_dir;
  options.sync_data_writes = o.sync;
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "strata exec: cannot open store: " << engine.status().message() << "\n";
    return 2;
  }
  engine::Session session = (*engine)->open_embedded_session();
  std::vector<std::string> files = o.files.empty() ? std::vector<std::string>{"-"} : o.files;
  int rc = 0;
  for (const auto& file : files) {
    int r;
    if (file == "-") {
      FdStreambuf sb(0);
      std::istream in(&sb);
      r = engine::run_script(**engine, session, in, std::cout, o.continue_on_error);
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "strata exec: cannot read " << file << "\n";
        return 2;
      }
      r = engine::run_script(**engine, session, in, std::cout, o.continue_on_error);
    }
    if (r != 0) {
      rc = r;
      if (!o.continue_on_error) break;
    }
  }
  (*engine)->close_session(session);
  std::cout.flush();
  return rc;
}

}  // namespace

void add_exec_command(CLI::App& app) {
  auto opts = std::make_shared<ExecOptions>();
  CLI::App* cmd = app.add_subcommand("exec", "Run statement scripts against an embedded store");
  cmd->add_option("--data", opts->data_dir, "data directory")->capture_default_str();
  cmd->add_option("--backup-dir", opts->backup_dir, "backup directory (default DATA/backups)");
  cmd->add_flag("--continue", opts->continue_on_error, "keep going after an error");
  cmd->add_flag("--sync", opts->sync, "fsync every data statement too");
  cmd->add_option("files", opts->files, "script files, or - for stdin");
  cmd->callback([opts] { throw CLI::RuntimeError(run_exec(*opts)); });
}

}  // namespace strata::cli
