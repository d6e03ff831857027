// What `strata shell` shows (SPEC §7), through a real pseudo-terminal against a real server:
// the pager and \pager off, \d, \l, \i, \help, \timing, \json, SELECT columns in field order,
// VALIDATE reports as phase tables colored by outcome, and carets under syntax errors.
#include <catch2/catch.hpp>

#include "cli/shell_fixture.hpp"

using namespace strata::cli::testing;
using namespace std::chrono_literals;

namespace {

// Positions of `words` in `text`, in order; true when each comes after the one before.
bool in_order(const std::string& text, const std::vector<std::string>& words) {
  size_t at = 0;
  for (const std::string& w : words) {
    at = text.find(w, at);
    if (at == std::string::npos) return false;
    at += w.size();
  }
  return true;
}

}  // namespace

TEST_CASE("shell: results longer than the screen go through $PAGER; \\pager off") {
  ShellFixture f;
  std::string script = kPeopleSchema;
  for (int i = 0; i < 60; ++i) {
    script += "ADD DOCUMENT TO BUNDLE \"People\" WITH VALUES ({\"alpha\": " + std::to_string(i) +
              "});\n";
  }
  f.play(script);
  auto shell = f.shell({"--db", "main"}, {"PAGER=sed s/^/PAGED:/"}, 24);
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("SELECT * FROM \"People\";\n");
  EXPECT_SHOWN(*shell, "PAGED: DocumentID");
  EXPECT_SHOWN(*shell, "PAGED:(61 rows");
  shell->type("PING;\n");  // short: straight to the terminal
  EXPECT_SHOWN(*shell, "OK PONG");
  shell->type("\\pager off\n");
  EXPECT_SHOWN(*shell, "Pager is off.");
  shell->type("SELECT * FROM \"People\";\n");
  EXPECT_SHOWN(*shell, "(61 rows");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
  const std::string seen = shell->seen();
  CHECK(seen.find("PAGED:", seen.find("Pager is off.")) == std::string::npos);
}

TEST_CASE("shell: \\d, \\l, \\i, \\help, \\timing and \\json") {
  ShellFixture f;
  f.play(kPeopleSchema);
  write_text(f.dir() + "/more.sql",
             "ADD DOCUMENT TO BUNDLE \"People\" WITH VALUES ({\"alpha\": 2});\n"
             "SELECT COUNT FROM \"People\";\n");
  auto shell = f.shell({"--db", "main"}, {"PAGER=cat"});  // \help is longer than the screen
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("\\l\n");
  EXPECT_SHOWN(*shell, " Name");
  EXPECT_SHOWN(*shell, " main");
  shell->type("\\d\n");
  EXPECT_SHOWN(*shell, " Name   | Fields");
  EXPECT_SHOWN(*shell, "People | zeta STRING, alpha INT, mid BOOLEAN");
  shell->type("\\d People\n");
  EXPECT_SHOWN(*shell, "Bundle \"People\"  (1 document)");
  const std::string described = shell->drain();
  CHECK(in_order(described, {"Name", "Type", "Required", "zeta", "alpha", "mid"}));
  shell->type("\\i " + f.dir() + "/more.sql\n");
  EXPECT_SHOWN(*shell, "Document added");
  EXPECT_SHOWN(*shell, "ResultCount: 2");
  shell->type("\\i " + f.dir() + "/missing.sql\n");
  EXPECT_SHOWN(*shell, "\\i: cannot read");
  shell->type("\\help\n");
  EXPECT_SHOWN(*shell, "CREATE BUNDLE");
  EXPECT_SHOWN(*shell, "Shell commands:");
  shell->type("\\help apply rollback\n");
  EXPECT_SHOWN(*shell, "APPLY ROLLBACK TO VERSION n [FORCE]");
  shell->type("\\help SHOUT\n");
  EXPECT_SHOWN(*shell, "no statement starts with 'SHOUT'");
  shell->type("\\timing\n");
  EXPECT_SHOWN(*shell, "Timing is on.");
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "Time: ");
  shell->type("\\json\n");
  EXPECT_SHOWN(*shell, "JSON output is on.");
  shell->type("PING;\n");
  EXPECT_SHOWN(*shell, "{\"message\":\"PONG\"");
  shell->type("\\nope\n");
  EXPECT_SHOWN(*shell, "unknown command \\nope");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
}

TEST_CASE("shell: SELECT columns follow the bundle's field order, DocumentID first") {
  ShellFixture f;
  f.play(kPeopleSchema);
  auto shell = f.shell();
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("SELECT * FROM \"People\";\n");
  EXPECT_SHOWN(*shell, " DocumentID | zeta | alpha | mid");
  EXPECT_SHOWN(*shell, "(1 row");
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
}

TEST_CASE("shell: VALIDATE reports are phase tables; FAIL is red and never OK") {
  ShellFixture f;
  f.play(kPeopleSchema +
         std::string("START MIGRATION\n"
                     "  UPDATE BUNDLE \"Nope\" ADD FIELD {\"x\", STRING, false, false};\n"
                     "COMMIT;\n"));
  auto shell = f.shell({"--db", "main"}, {}, 24, /*color=*/true);
  EXPECT_SHOWN(*shell, "strata(main)> ");
  shell->type("VALIDATE MIGRATION WITH VERSION 2;\n");
  EXPECT_SHOWN(*shell, "Migration version 2 validation complete");
  const std::string report = shell->drain();
  INFO(report);
  CHECK(in_order(report, {"Phase", "✓ | syntax", "✗ | semantic", "✓ | constraint",
                          "✓ | performance", "✓ | reversibility"}));
  CHECK(in_order(report, {"Diagnostics:", "✗", "semantic, command 1 at 2:3",
                          "Bundle 'Nope' does not exist"}));
  CHECK(report.find("Result: \x1b[31mFAIL: cannot apply") != std::string::npos);
  CHECK(report.find("OK") == std::string::npos);
  CHECK(report.find("\x1b[32m") == std::string::npos);  // nothing green

  shell->type("DROP MIGRATION WITH VERSION 2;\n");
  EXPECT_SHOWN(*shell, "dropped");
  shell->type("START MIGRATION UPDATE BUNDLE \"People\" ADD FIELD {\"x\", STRING, false, false} COMMIT\n");
  EXPECT_SHOWN(*shell, "Migration created");
  shell->type("VALIDATE MIGRATION WITH VERSION 2;\n");
  EXPECT_SHOWN(*shell, "Result: \x1b[32mPASS: can apply");
  shell->type("VALIDATE ROLLBACK TO VERSION 0;\n");
  EXPECT_SHOWN(*shell, "DOWN commands:");
  EXPECT_SHOWN(*shell, "DROP BUNDLE");
  EXPECT_SHOWN(*shell, "Result: \x1b[33mcan roll back");  // it deletes a document: a warning
  shell->type("\\q\n");
  CHECK(shell->wait_exit() == 0);
}

namespace {

// Types `before`, then a statement whose second line has a syntax error at column 17; the
// shell must show that line with a caret under the column.
void check_caret(const std::string& before) {
  ShellFixture f({"--auth", "off"});
  Pty shell({STRATA_BINARY, "shell", "--port", f.port(), "--password-env", "NO_SUCH_VARIABLE"},
            f.dir(), {"NO_COLOR=1"});
  EXPECT_SHOWN(shell, "Password for admin: ");  // a terminal is asked; --auth off needs none
  shell.type("\n");
  EXPECT_SHOWN(shell, "strata> ");
  shell.type(before);
  shell.type("SELECT * FROM \"People\"\n");
  shell.type("  WHERE alpha ==;\n");
  EXPECT_SHOWN(shell, "ERROR SYNTAX_ERROR");
  EXPECT_SHOWN(shell, "LINE 2:   WHERE alpha ==\r\n" + std::string(24, ' ') + "^");
  shell.type("\\q\n");
  CHECK(shell.wait_exit() == 0);
}

}  // namespace

TEST_CASE("shell: a syntax error shows its statement line with a caret") { check_caret(""); }

// Positions count from the statement's first token, not from the session (SPEC §2).
TEST_CASE("shell: the caret is right for a statement after others") {
  check_caret("PING;\nPING;\n-- a comment\n");
}

TEST_CASE("shell -c: runs statements and exits 0, 1 on a failure or a VALIDATE FAIL, 2 on usage") {
  ShellFixture f;
  f.play(kPeopleSchema +
         std::string("START MIGRATION UPDATE BUNDLE \"Nope\" ADD FIELD {\"x\", STRING, false, false} COMMIT;\n"));
  const std::vector<std::string> shell = {"shell", "--port", f.port(), "--password-env",
                                          "TEST_PW", "--db", "main"};
  const std::vector<std::string> env = {"TEST_PW=admin-pw"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = shell;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  Ran ok = run_strata(f.dir(), with({"-c", "PING; SELECT * FROM \"People\";"}), "", env);
  CHECK(ok.code == 0);
  CHECK(ok.out.find("OK PONG") != std::string::npos);
  CHECK(ok.out.find(" DocumentID | zeta | alpha | mid") != std::string::npos);

  Ran list = run_strata(f.dir(), with({"-c", "\\l"}), "", env);
  CHECK(list.code == 0);
  CHECK(list.out.find("main") != std::string::npos);

  Ran failed = run_strata(f.dir(), with({"-c", "SELEC; PING;"}), "", env);
  CHECK(failed.code == 1);
  CHECK(failed.out.find("SYNTAX_ERROR") != std::string::npos);
  CHECK(failed.out.find("PONG") == std::string::npos);  // stops at the failure

  Ran second = run_strata(f.dir(), with({"-c", "PING", "-c", "SELEC"}), "", env);
  CHECK(second.code == 1);

  Ran validate = run_strata(f.dir(), with({"-c", "VALIDATE MIGRATION WITH VERSION 2"}), "", env);
  CHECK(validate.code == 1);
  CHECK(validate.out.find("FAIL: cannot apply") != std::string::npos);

  Ran usage = run_strata(f.dir(), with({"--bogus"}), "", env);
  CHECK(usage.code == 2);

  // Piped standard input is a script: the last statement may lack its ';'; a failure exits 1.
  Ran piped = run_strata(f.dir(), shell, "PING;\nSELECT COUNT FROM \"People\"", env);
  CHECK(piped.code == 0);
  CHECK(piped.out.find("ResultCount: 1") != std::string::npos);
  Ran piped_bad = run_strata(f.dir(), shell, "SELEC;\nPING;\n", env);
  CHECK(piped_bad.code == 1);
  CHECK(piped_bad.out.find("PONG") != std::string::npos);
}
