// The clients (SPEC §7) against the real server: `strata run` (files, stdin, --continue, exit
// codes, file positions) and `strata shell` driven through a pseudo-terminal (password without
// echo, continuation prompt, tables, \timing, \q).
#include <poll.h>
#include <pty.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "server/server_process.hpp"
#include "server/test_client.hpp"
#include "test_time.hpp"

using namespace strata::server::testing;
using namespace std::chrono_literals;

namespace {

struct Output {
  int code = -1;
  std::string out, err;
};

// Runs `strata <args>` with STRATA_PASSWORD=admin-pw, stdin from `input_file` ("" for none).
Output run_strata(const std::string& args, const std::string& input_file = "",
                  const TempDir* dir = nullptr) {
  TempDir own;
  const std::string base = (dir ? dir->path() : own.path()) + "/out";
  std::string command = "STRATA_PASSWORD=admin-pw timeout 60 " + std::string(STRATA_BINARY) + " " +
                        args + " > " + base + ".stdout 2> " + base + ".stderr" +
                        (input_file.empty() ? " < /dev/null" : " < " + input_file);
  Output result;
  int status = std::system(command.c_str());
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(base + ".stdout"), e(base + ".stderr");
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  result.out = so.str();
  result.err = se.str();
  return result;
}

size_t count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("run: plays files over the wire - stops at the first error - --continue goes on") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  const std::string port = " --port " + std::to_string(server.port());
  const std::string dir = server.dir().path();
  write_file(dir + "/ok.sql",
             "-- setup\nCREATE BUNDLE \"A\" WITH FIELDS ({\"n\", INT, false, false});\n"
             "ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES ({\"n\": 1});\nPING\n");
  Output ok = run_strata("run" + port + " --db main " + dir + "/ok.sql");
  CHECK(ok.code == 0);
  CHECK(count_lines(ok.out) == 3);

  write_file(dir + "/bad.sql",
             "CREATE BUNDLE \"B1\" WITH FIELDS ({\"n\", INT, false, false});\n\n"
             "   SELEC oops;\nCREATE BUNDLE \"B2\" WITH FIELDS ({\"n\", INT, false, false});\n");
  Output bad = run_strata("run" + port + " --db main " + dir + "/bad.sql");
  CHECK(bad.code == 1);
  CHECK(count_lines(bad.out) == 2);  // nothing ran after the failure
  CHECK(bad.err.find("bad.sql:3:4: SYNTAX_ERROR") != std::string::npos);
  CHECK(bad.err.find("line 3, column 4") != std::string::npos);  // the server saw file positions

  write_file(dir + "/check.sql", "SHOW BUNDLES;");
  Output shown = run_strata("run" + port + " --db main " + dir + "/check.sql");
  CHECK(shown.out.find("\"B1\"") != std::string::npos);
  CHECK(shown.out.find("\"B2\"") == std::string::npos);

  write_file(dir + "/again.sql",
             "SELEC oops;\nCREATE BUNDLE \"B3\" WITH FIELDS ({\"n\", INT, false, false});\n");
  Output cont = run_strata("run" + port + " --db main --continue - ", dir + "/again.sql");
  CHECK(cont.code == 1);
  CHECK(count_lines(cont.out) == 2);
  Output shown2 = run_strata("run" + port + " --db main " + dir + "/check.sql");
  CHECK(shown2.out.find("\"B3\"") != std::string::npos);

  Output wrong =
      run_strata("run" + port + " --password-env NO_SUCH_VAR_X --db main " + dir + "/check.sql");
  CHECK(wrong.code == 1);  // no password, so USE is refused: authentication required
  CHECK(wrong.err.find("authentication required") != std::string::npos);

  Output nobody = run_strata("run --port 1 " + dir + "/check.sql");
  CHECK(nobody.code == 2);
}

TEST_CASE("run: 2000 statements pipelined with --continue") {
  ServerProcess server({"--auth", "off"});
  REQUIRE(server.port() != 0);
  const std::string file = server.dir().path() + "/many.sql";
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "PING;\n";
  write_file(file, text);
  Output out = run_strata("run --port " + std::to_string(server.port()) + " --continue " + file);
  CHECK(out.code == 0);
  CHECK(count_lines(out.out) == 2000);
}

namespace {

// A child on a pseudo-terminal; reads are bounded in time.
class Pty {
 public:
  explicit Pty(const std::vector<std::string>& args, const std::string& home) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "dumb", 1);
      unsetenv("STRATA_PASSWORD");
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
  void type(const std::string& text) { (void)!write(master_, text.data(), text.size()); }
  // Reads until `needle` appears in the output since the last expect (true) or timeout.
  bool expect(const std::string& needle, std::chrono::milliseconds timeout = 10000ms) {
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    while (true) {
      size_t at = pending_.find(needle);
      if (at != std::string::npos) {
        seen_ += pending_.substr(0, at + needle.size());
        pending_.erase(0, at + needle.size());
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) return false;
      pending_.append(buf, static_cast<size_t>(n));
    }
  }
  int wait_exit(std::chrono::milliseconds timeout = 10000ms) {
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, 10) > 0 && read(master_, buf, sizeof buf) > 0) continue;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }
  std::string seen() const { return seen_ + pending_; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  std::string pending_, seen_;
};

}  // namespace

TEST_CASE("shell: through a pseudo-terminal") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  Pty shell({STRATA_BINARY, "shell", "--port", std::to_string(server.port()), "--user", "admin",
             "--db", "main"},
            server.dir().path());
  REQUIRE(shell.expect("Password for admin: "));
  shell.type("admin-pw\n");
  REQUIRE(shell.expect("strata(main)> "));
  shell.type("CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, false, false});\n");
  REQUIRE(shell.expect("Bundle 'T' created"));
  shell.type("ADD DOCUMENT TO BUNDLE \"T\"\n");
  REQUIRE(shell.expect("    -> "));  // the statement is not complete yet
  shell.type("  WITH VALUES ({\"n\": 7});\n");
  REQUIRE(shell.expect("Document added"));
  shell.type("SELECT * FROM \"T\";\n");
  REQUIRE(shell.expect("DocumentID | n"));
  REQUIRE(shell.expect("(1 row"));
  shell.type("SHOW BUNDLES;\n");
  REQUIRE(shell.expect("Name | Fields"));
  shell.type("\\timing\n");
  REQUIRE(shell.expect("Timing is on."));
  shell.type("PING;\n");
  REQUIRE(shell.expect("Time: "));
  shell.type("SELEC;\n");
  REQUIRE(shell.expect("SYNTAX_ERROR"));
  shell.type("\\q\n");
  CHECK(shell.wait_exit() == 0);
  CHECK(shell.seen().find("admin-pw") == std::string::npos);  // typed without echo
  std::ifstream history(server.dir().path() + "/.strata_history");
  std::stringstream h;
  h << history.rdbuf();
  CHECK(h.str().find("SELECT") != std::string::npos);  // libedit stores spaces as \\040
}
