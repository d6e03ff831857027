#pragma once
// What the shell tests share: a real `strata serve` (auth on, admin password "admin-pw",
// database "main"), scripts played into it with `strata run`, and `strata shell` started on a
// pseudo-terminal against it (the password from $TEST_PW, so no prompt).
// Thread-safety: one per test.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/process.hpp"
#include "cli/pty.hpp"
#include "server/server_process.hpp"

// Waits for `text` on the terminal; on a timeout, fails the test showing what was seen.
#define EXPECT_SHOWN(pty, text)                                 \
  do {                                                          \
    const bool shown_ = (pty).expect(text);                     \
    INFO("expected: " << (text) << "\nterminal:\n" << (pty).seen()); \
    REQUIRE(shown_);                                            \
  } while (0)

namespace strata::cli::testing {

// Two bundles whose fields are not in alphabetical order, and one document.
inline constexpr const char* kPeopleSchema =
    "START MIGRATION WITH DESCRIPTION \"people\"\n"
    "  CREATE BUNDLE \"People\" WITH FIELDS ({\"zeta\", STRING, false, false}, "
    "{\"alpha\", INT, false, false}, {\"mid\", BOOLEAN, false, false});\n"
    "  CREATE BUNDLE \"Places\" WITH FIELDS ({\"city\", STRING, true, false});\n"
    "COMMIT;\n"
    "APPLY MIGRATION WITH VERSION 1;\n"
    "ADD DOCUMENT TO BUNDLE \"People\" WITH VALUES ({\"zeta\": \"z1\", \"alpha\": 1, \"mid\": true});\n";

class ShellFixture {
 public:
  explicit ShellFixture(std::vector<std::string> server_flags = {})
      : server_(std::move(server_flags)) {
    REQUIRE(server_.port() != 0);
  }

  std::string port() const { return std::to_string(server_.port()); }
  const std::string& dir() const { return server_.dir().path(); }
  server::testing::ServerProcess& server() { return server_; }

  // Plays `script` with `strata run --db main`; its result.
  Ran run(const std::string& script, const std::vector<std::string>& extra = {}) {
    write_text(dir() + "/script.sql", script);
    std::vector<std::string> args = {"run", "--port", port(), "--password-env", "TEST_PW",
                                     "--db", "main"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(dir() + "/script.sql");
    return run_strata(dir(), args, "", {"TEST_PW=admin-pw"});
  }
  void play(const std::string& script) {
    const Ran r = run(script);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
  }

  // `strata shell` on a terminal, logged in, with `args` added (e.g. --db main); without
  // colors (NO_COLOR) unless `color`.
  std::unique_ptr<Pty> shell(const std::vector<std::string>& args = {"--db", "main"},
                             std::vector<std::string> env = {}, unsigned short rows = 24,
                             bool color = false) {
    std::vector<std::string> argv = {STRATA_BINARY, "shell", "--port", port(),
                                     "--password-env", "TEST_PW"};
    argv.insert(argv.end(), args.begin(), args.end());
    env.push_back("TEST_PW=admin-pw");
    if (!color) env.push_back("NO_COLOR=1");
    return std::make_unique<Pty>(argv, dir(), env, rows);
  }

 private:
  server::testing::ServerProcess server_;
};

}  // namespace strata::cli::testing
