#pragma once
// ServerProcess: the real `strata serve` binary (STRATA_BINARY) as a child process on
// 127.0.0.1 with an ephemeral port and a fresh data directory; its log goes to a file the
// test can read. Destruction kills it (SIGKILL) if it still runs and removes the directory.
// Thread-safety: one per test, on the test thread.

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_time.hpp"

namespace strata::server::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/strata_server_test_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  // Starts `strata serve --data <dir>/data --port 0 [--init-db main] <extra...>` with
  // STRATA_ADMIN_PASSWORD=`admin_password` (unset when empty) and waits until it listens.
  explicit ServerProcess(std::vector<std::string> extra = {},
                         std::string admin_password = "admin-pw", const TempDir* dir = nullptr,
                         bool init_main = true)
      : own_dir_(dir ? nullptr : std::make_unique<TempDir>()), dir_(dir ? *dir : *own_dir_) {
    log_path_ = dir_.path() + "/server" + std::to_string(++starts_) + ".log";
    std::vector<std::string> args = {STRATA_BINARY,         "serve",  "--data",
                                     dir_.path() + "/data", "--port", "0"};
    if (init_main) args.insert(args.end(), {"--init-db", "main"});
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      FILE* log = std::fopen(log_path_.c_str(), "w");
      dup2(fileno(log), 2);
      dup2(fileno(log), 1);
      if (admin_password.empty()) {
        unsetenv("STRATA_ADMIN_PASSWORD");
      } else {
        setenv("STRATA_ADMIN_PASSWORD", admin_password.c_str(), 1);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline =
        std::chrono::steady_clock::now() + strata::testing::scaled(std::chrono::seconds(20));
    static const std::regex listening(R"(listening on [^ ]+:(\d+))");
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      std::string text = log();
      if (std::regex_search(text, m, listening)) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
        return;
      }
      if (exited(std::chrono::milliseconds(0))) return;  // failed to start: port_ stays 0
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~ServerProcess() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void signal(int sig) { kill(pid_, sig); }
  // True when the process has exited within `timeout`; exit_code() then holds its status.
  bool exited(std::chrono::milliseconds timeout) {
    if (exit_code_) return true;
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    do {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }
  std::optional<int> exit_code() const { return exit_code_; }
  const TempDir& dir() const { return dir_; }

 private:
  static inline int starts_ = 0;
  std::unique_ptr<TempDir> own_dir_;
  const TempDir& dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::optional<int> exit_code_;
};

}  // namespace strata::server::testing
