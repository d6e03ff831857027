#pragma once
// Running the real `strata` binary (STRATA_BINARY) as a child process, as a script or a CI job
// would: arguments, standard input from a string, extra environment, stdout and stderr
// captured, the exit code, and a time limit (a hung client is killed and reported).
// Thread-safety: one call at a time per test.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace strata::cli::testing {

struct Ran {
  int code = -1;  // -1: killed by a signal or the time limit
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// Runs `strata args...` in `dir` (which holds its captured output) with `env` ("NAME=value")
// added and STRATA_PASSWORD unset unless `env` sets it.
inline Ran run_strata(const std::string& dir, const std::vector<std::string>& args,
                      const std::string& input = "", const std::vector<std::string>& env = {},
                      int timeout_seconds = 60) {
  const std::string in = dir + "/proc.stdin", out = dir + "/proc.stdout",
                    err = dir + "/proc.stderr";
  write_text(in, input);
  const pid_t pid = fork();
  if (pid == 0) {
    unsetenv("STRATA_PASSWORD");
    for (const std::string& e : env) {
      const size_t eq = e.find('=');
      setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
    const int fd_in = open(in.c_str(), O_RDONLY);
    const int fd_out = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fd_err = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd_in, 0);
    dup2(fd_out, 1);
    dup2(fd_err, 2);
    setsid();  // no controlling terminal: the password cannot be asked on /dev/tty
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    std::string binary = STRATA_BINARY;
    argv.push_back(binary.data());
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  bool done = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      done = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  Ran r;
  if (done && WIFEXITED(status)) r.code = WEXITSTATUS(status);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

}  // namespace strata::cli::testing
