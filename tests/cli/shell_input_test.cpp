// `strata shell` as a psql or sqlite3 user types into it (SPEC §7), through a real
// pseudo-terminal against a real server: Ctrl-C on a line and on an open statement, Ctrl-C
// while a statement runs (CANCEL, SPEC §6), Ctrl-D, the prompt's database, history entries,
// Tab completion, and the password asked without echo.
#include <catch2/catch.hpp>

#include "cli/shell_fixture.hpp"

using namespace strata::cli::testing;
using namespace std::chrono_literals;

TEST_CASE("shell: the password is asked without echo; statements span lines") {
  ShellFixture f;
  Pty shell({STRATA_BINARY, "shell", "--port", f.port(), "--user", "admin", "--db", "main"},
            f.dir());
  EXPECT_SHOWN(shell, "Password for admin: ");
  shell.type("admin-pw\n");
  EXPECT_SHOWN(shell, "strata(main)> ");
  shell.type("ADD DOCUMENT TO BUNDLE \"T\"\n");
  EXPECT_SHOWN(shell, "    -> ");  // the statement is not complete yet
  shell.type("  WITH VALUES ({\"n\": 7});\n");
  EXPECT_SHOWN(shell, "BUNDLE_NOT_FOUND");
  shell.type("\\q\n");
  CHECK(shell.wait_exit() == 0);
  CHECK(shell.seen().find("admin-pw") == std::string::npos);  // typed without echo
}

TEST_CASE("shell: Ctrl-C clears the input and keeps the shell; Ctrl-D discards an open statement") {
  ShellFixture f;
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("SELEC this line is never sent");
  shell->type("\x03");
  EXPECT_SHOWN(*shell, "^C");
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "PONG");

  // Ctrl-C inside an open migration drops all of it.
  shell->type("START MIGRATION WITH DESCRIPTION \"half\"\n");
  EXPECT_SHOWN(*shell, "    -> ");
  shell->type("  CREATE BUNDLE \"Half\" WITH FIELDS ({\"x\", INT, false, false});\n");
  EXPECT_SHOWN(*shell, "    -> ");
  shell->type("\x03");
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "PONG");

  // Ctrl-D inside an open migration quits without sending it, and says so.
  shell->type("START MIGRATION WITH DESCRIPTION \"never\"\n");
  EXPECT_SHOWN(*shell, "    -> ");
  shell->type("  CREATE BUNDLE \"Never\" WITH FIELDS ({\"x\", INT, false, false});\n");
  EXPECT_SHOWN(*shell, "    -> ");
  REQUIRE(shell->wait_raw());
  shell->type("\x04");
  EXPECT_SHOWN(*shell, "Discarded the unfinished statement, not sent: START MIGRATION");
  CHECK(shell->wait_exit() == 0);
  CHECK(shell->seen().find("SYNTAX_ERROR") == std::string::npos);

  const Ran ledger = f.run("SHOW MIGRATIONS;");
  CHECK(ledger.out.find("\"migrations\":[]") != std::string::npos);
}

TEST_CASE("shell: Ctrl-D on an empty line quits with 0") {
  ShellFixture f;
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  REQUIRE(shell->wait_raw());
  shell->type("\x04");
  CHECK(shell->wait_exit() == 0);
  CHECK(shell->seen().find("Discarded") == std::string::npos);
}

TEST_CASE("shell: the prompt names the database the server says the session uses") {
  ShellFixture f;
  f.play("CREATE DATABASE \"other\"; CREATE DATABASE \"Shop ünïcode ✓\";");
  auto shell = f.shell({});
  EXPECT_SHOWN(*shell, "strata> ");
  shell->type("-- a comment line before the statement\n");
  shell->type("USE \"other\";\n");
  EXPECT_SHOWN(*shell, "strata(other)> ");
  shell->type("USE \"nope\";\n");
  EXPECT_SHOWN(*shell, "DATABASE_NOT_FOUND");
  EXPECT_SHOWN(*shell, "strata(other)> ");
  shell->type("/* block */ use   \"main\" ;\n");
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("USE \"other\"; DROP DATABASE \"other\";\n");
  EXPECT_SHOWN(*shell, "dropped");
  EXPECT_SHOWN(*shell, "strata> ");
  shell->type("USE \"Shop ünïcode ✓\";\n");  // UTF-8 typed and shown as it is
  EXPECT_SHOWN(*shell, "strata(Shop ünïcode ✓)> ");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
}

TEST_CASE("shell: history entries are whole statements as typed, with their ;") {
  ShellFixture f;
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "PONG");
  shell->type("SHOW\n");
  EXPECT_SHOWN(*shell, "    -> ");
  shell->type("  DATABASES;\n");
  EXPECT_SHOWN(*shell, "(1 row");
  shell->type("\\q\n");
  REQUIRE(shell->wait_exit() == 0);
  // libedit's history file encodes with vis(3): space \040, newline \012.
  const std::string history = read_text(f.dir() + "/.strata_history");
  INFO(history);
  CHECK(history.find("\nPING;\n") != std::string::npos);
  CHECK(history.find("SHOW\\012\\040\\040DATABASES;") != std::string::npos);
  CHECK(history.find("\\q") == std::string::npos);  // shell commands are not statements
}

TEST_CASE("shell: Tab completes keywords and the names of databases, bundles and fields") {
  ShellFixture f;
  f.play(kPeopleSchema);
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("sel\t");
  EXPECT_SHOWN(*shell, "select ");  // in the case it was typed in
  shell->type("* FROM \"Pe\t");
  EXPECT_SHOWN(*shell, "\"People\" ");
  shell->type("WHERE al\t");
  EXPECT_SHOWN(*shell, "alpha ");
  shell->type("== 1;\n");
  EXPECT_SHOWN(*shell, "(1 row");
  shell->type("USE \"ma\t");
  EXPECT_SHOWN(*shell, "\"main\" ");
  shell->type(";\n");
  EXPECT_SHOWN(*shell, "Now using database 'main'");
  shell->type("DESCRIBE BUNDLE \"Pl\t");
  EXPECT_SHOWN(*shell, "\"Places\" ");
  shell->type(";\n");
  EXPECT_SHOWN(*shell, "Bundle \"Places\"");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
}

TEST_CASE("shell: Ctrl-C while a statement runs sends CANCEL and keeps the shell") {
  ShellFixture f;
  // A migration whose VALIDATE takes seconds: 300,000 documents.
  std::string migration = "START MIGRATION WITH DESCRIPTION \"big\"\n"
                          "  CREATE BUNDLE \"Big\" WITH FIELDS ({\"n\", INT, false, true});\n";
  for (int i = 0; i < 300000; ++i) {
    migration += "  ADD DOCUMENT TO BUNDLE \"Big\" WITH VALUES ({\"n\": " + std::to_string(i) +
                 "});\n";
  }
  f.play(migration + "COMMIT;\n");
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  const auto started = std::chrono::steady_clock::now();
  shell->type("VALIDATE MIGRATION WITH VERSION 1;\n");
  std::this_thread::sleep_for(100ms);
  shell->type("\x03");
  EXPECT_SHOWN(*shell, "Cancel request sent");
  EXPECT_SHOWN(*shell, "CANCELLED");
  EXPECT_SHOWN(*shell, "strata(main)> ");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "PONG");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
  // The validation was stopped, not waited for: it takes far longer on its own.
  const auto whole_started = std::chrono::steady_clock::now();
  const Ran whole = f.run("VALIDATE MIGRATION WITH VERSION 1;");
  const double whole_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - whole_started).count();
  INFO("cancelled after " << seconds << " s; uncancelled " << whole_seconds << " s");
  CHECK(whole.code == 0);
  CHECK(seconds < whole_seconds);
}
