#pragma once
// Pty: a child process on a pseudo-terminal (forkpty) of a fixed size, as a user's terminal
// would run it: the test types bytes (Ctrl-C is "\x03", Ctrl-D "\x04", Tab "\t") and waits
// for text to appear. Every wait is bounded in time. Destruction kills the child.
// Thread-safety: one per test, on the test thread.

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace strata::cli::testing {

class Pty {
 public:
  // Runs `args` (args[0] is the program) with HOME=`home`, TERM=dumb, STRATA_PASSWORD unset
  // and `env` set ("NAME=value"), on a terminal of `rows` x `columns`.
  Pty(const std::vector<std::string>& args, const std::string& home,
      const std::vector<std::string>& env = {}, unsigned short rows = 24,
      unsigned short columns = 120) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = columns;
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "dumb", 1);
      unsetenv("STRATA_PASSWORD");
      unsetenv("PAGER");
      for (const std::string& e : env) {
        const size_t eq = e.find('=');
        setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
      }
      std::vector<char*> argv;
      for (auto& a : const_cast<std::vector<std::string>&>(args)) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Pty() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  void type(const std::string& text) { (void)!write(master_, text.data(), text.size()); }

  // Waits until the program has put the terminal in raw mode (a line editor reading keys):
  // a Ctrl-D typed while the terminal is still line-buffered (between a prompt being shown
  // and the editor switching modes) would be lost, as it would for a user typing ahead.
  bool wait_raw(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      termios mode{};
      if (tcgetattr(master_, &mode) == 0 && !(mode.c_lflag & ICANON)) return true;
      fill(5);
    }
    return false;
  }

  // Reads until `needle` appears in the output since the last expect (true) or timeout.
  bool expect(const std::string& needle,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(15000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t at = pending_.find(needle);
      if (at != std::string::npos) {
        seen_ += pending_.substr(0, at + needle.size());
        pending_.erase(0, at + needle.size());
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !fill(static_cast<int>(left.count()))) return false;
    }
  }

  // Everything that arrives within `quiet` of silence (at most `limit`), consumed.
  std::string drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(300),
                    std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline && fill(static_cast<int>(quiet.count()))) {
    }
    std::string out = std::move(pending_);
    seen_ += out;
    pending_.clear();
    return out;
  }

  // The exit code once the child has exited within `timeout`; -1 otherwise (or on a signal).
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::milliseconds(15000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      fill(10);
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }

  // All output so far (consumed or not).
  std::string seen() const { return seen_ + pending_; }

 private:
  // Waits up to `ms` for output; false when none came (or the terminal closed).
  bool fill(int ms) {
    pollfd p{master_, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return false;
    char buf[4096];
    ssize_t n = read(master_, buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  std::string pending_, seen_;
};

}  // namespace strata::cli::testing
