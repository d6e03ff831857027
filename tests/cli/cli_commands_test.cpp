// The command line as scripts and CI jobs use it (SPEC §7), on the real binary: `strata help`,
// suggestions for mistyped commands and flags, exit codes (0 / 1 / 2), `strata run` and
// `strata exec` failing on a VALIDATE that reports FAIL and saying so on stderr with
// file:line, exec's JSON naming the file, and the hint when no password can be had.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/shell_fixture.hpp"

using namespace strata::cli::testing;

namespace {

size_t count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// A scratch directory removed at the end of the test.
struct Scratch {
  strata::server::testing::TempDir dir;
  const std::string& path() const { return dir.path(); }
};

const char* const kFailingValidate =
    "CREATE DATABASE \"ci\";\nUSE \"ci\";\n"
    "START MIGRATION\n"
    "  UPDATE BUNDLE \"Nope\" ADD FIELD {\"x\", STRING, false, false};\n"
    "COMMIT;\n"
    "VALIDATE MIGRATION WITH VERSION 1;\n"
    "PING;\n";

}  // namespace

TEST_CASE("cli: strata help lists every command with one line each") {
  Scratch s;
  const Ran help = run_strata(s.path(), {"help"});
  CHECK(help.code == 0);
  for (const char* command : {"serve", "shell", "run", "exec", "check", "help"}) {
    INFO(command);
    CHECK(help.out.find("\n  " + std::string(command) + " ") != std::string::npos);
  }
  const Ran dashed = run_strata(s.path(), {"--help"});
  CHECK(dashed.code == 0);
  CHECK(dashed.out == help.out);
  const Ran bare = run_strata(s.path(), {});
  CHECK(bare.code == 2);
  CHECK(bare.err == help.out);
  const Ran one = run_strata(s.path(), {"help", "shell"});
  CHECK(one.code == 0);
  CHECK(one.out.find("--port") != std::string::npos);
  CHECK(one.out.find("--command") != std::string::npos);
  const Ran version = run_strata(s.path(), {"--version"});
  CHECK(version.code == 0);
  CHECK(version.out.rfind("strata ", 0) == 0);
}

TEST_CASE("cli: a mistyped command or flag is a usage error that names the nearest") {
  Scratch s;
  const Ran shel = run_strata(s.path(), {"shel"});
  CHECK(shel.code == 2);
  CHECK(shel.err.find("unknown command 'shel'; did you mean shell?") != std::string::npos);
  const Ran sevre = run_strata(s.path(), {"sevre", "--data", "x"});
  CHECK(sevre.code == 2);
  CHECK(sevre.err.find("did you mean serve?") != std::string::npos);
  const Ran far = run_strata(s.path(), {"xyzzy"});
  CHECK(far.code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
  const Ran help = run_strata(s.path(), {"help", "chek"});
  CHECK(help.code == 2);
  CHECK(help.err.find("did you mean check?") != std::string::npos);
  const Ran flag = run_strata(s.path(), {"shell", "--prot", "5"});
  CHECK(flag.code == 2);
  CHECK(flag.err.find("strata shell: unknown option '--prot'; did you mean --port?") !=
        std::string::npos);
  const Ran run_flag = run_strata(s.path(), {"run", "--contineu", "x.sql"});
  CHECK(run_flag.code == 2);
  CHECK(run_flag.err.find("did you mean --continue?") != std::string::npos);
  const Ran missing = run_strata(s.path(), {"exec"});
  CHECK(missing.code == 2);
  const Ran range = run_strata(s.path(), {"shell", "--port", "99999"});
  CHECK(range.code == 2);
}

TEST_CASE("cli: strata run exits 1 when a VALIDATE it sent reported FAIL, and says so") {
  ShellFixture f;
  write_text(f.dir() + "/gate.sql", kFailingValidate);
  const Ran gate = run_strata(f.dir(), {"run", "--port", f.port(), "--password-env", "TEST_PW",
                                        f.dir() + "/gate.sql"},
                              "", {"TEST_PW=admin-pw"});
  CHECK(gate.code == 1);
  CHECK(count_lines(gate.out) == 4);  // nothing ran after the failed VALIDATE
  CHECK(gate.out.find("\"overallResult\":\"FAIL\"") != std::string::npos);
  CHECK(gate.err.find("gate.sql:6:1: VALIDATE reported FAIL: command 1: Bundle 'Nope' does not "
                      "exist") != std::string::npos);

  write_text(f.dir() + "/pass.sql",
             "CREATE DATABASE \"ci2\";\nUSE \"ci2\";\n"
             "START MIGRATION CREATE BUNDLE \"Ok\" WITH FIELDS ({\"x\", INT, false, false}) COMMIT;\n"
             "VALIDATE MIGRATION WITH VERSION 1;\n");
  const Ran pass = run_strata(f.dir(), {"run", "--port", f.port(), "--password-env", "TEST_PW",
                                        f.dir() + "/pass.sql"},
                              "", {"TEST_PW=admin-pw"});
  CHECK(pass.code == 0);
  CHECK(pass.err.empty());
}

TEST_CASE("cli: strata exec reports failures on stderr with file:line; its JSON names the file") {
  Scratch s;
  const std::string data = s.path() + "/data", file = s.path() + "/gate.sql";
  write_text(file, kFailingValidate);
  const Ran gate = run_strata(s.path(), {"exec", "--data", data, file});
  CHECK(gate.code == 1);
  CHECK(count_lines(gate.out) == 4);
  CHECK(gate.err.find(file + ":6:1: VALIDATE reported FAIL: command 1: Bundle 'Nope' does not "
                             "exist") != std::string::npos);
  CHECK(gate.out.find("\"file\":\"" + file + "\"") != std::string::npos);

  const std::string bad = s.path() + "/bad.sql";
  write_text(bad, "USE \"ci\";\n\n  DESCRIBE BUNDLE \"Missing\";\nPING;\n");
  const Ran failed = run_strata(s.path(), {"exec", "--data", data, bad});
  CHECK(failed.code == 1);
  CHECK(failed.err.find(bad + ":3:3: BUNDLE_NOT_FOUND: Bundle 'Missing' does not exist") !=
        std::string::npos);
  const std::string last = failed.out.substr(failed.out.rfind('{'));
  CHECK(last.find("\"file\":\"" + bad + "\"") != std::string::npos);
  CHECK(last.find("\"BUNDLE_NOT_FOUND\"") != std::string::npos);

  const Ran piped = run_strata(s.path(), {"exec", "--data", data, "-"}, "USE \"nowhere\";\n");
  CHECK(piped.code == 1);
  CHECK(piped.err.find("<stdin>:1:1: DATABASE_NOT_FOUND") != std::string::npos);

  const Ran ok = run_strata(s.path(), {"exec", "--data", data, "-"}, "PING;\n");
  CHECK(ok.code == 0);
  CHECK(ok.err.empty());
  CHECK(ok.out.find("\"file\"") == std::string::npos);
}

TEST_CASE("cli: without a password and without a terminal, run and shell say how to give one") {
  ShellFixture f;
  write_text(f.dir() + "/ping.sql", "SHOW DATABASES;\n");
  const Ran run = run_strata(f.dir(), {"run", "--port", f.port(), f.dir() + "/ping.sql"});
  CHECK(run.code == 1);
  CHECK(run.err.find("authentication required") != std::string::npos);
  CHECK(run.err.find("STRATA_PASSWORD") != std::string::npos);
  CHECK(run.err.find("--password-env") != std::string::npos);

  const Ran with_db = run_strata(f.dir(), {"run", "--port", f.port(), "--db", "main",
                                           f.dir() + "/ping.sql"});
  CHECK(with_db.code == 1);
  CHECK(with_db.err.find("STRATA_PASSWORD") != std::string::npos);

  const Ran shell = run_strata(f.dir(), {"shell", "--port", f.port(), "--db", "main"}, "PING;\n");
  CHECK(shell.code == 1);
  CHECK(shell.err.find("STRATA_PASSWORD") != std::string::npos);

  const Ran good = run_strata(f.dir(), {"run", "--port", f.port(), f.dir() + "/ping.sql"}, "",
                              {"STRATA_PASSWORD=admin-pw"});
  CHECK(good.code == 0);
  CHECK(good.err.empty());
}

TEST_CASE("cli: strata help COMMAND SUBCOMMAND shows the subcommand's help") {
  Scratch s;
  const Ran help = run_strata(s.path(), {"help", "migrate", "apply"});
  CHECK(help.code == 0);
  CHECK(help.out.find("--dry-run") != std::string::npos);
  CHECK(help.out == run_strata(s.path(), {"migrate", "apply", "--help"}).out);
  const Ran typo = run_strata(s.path(), {"help", "migrate", "aply"});
  CHECK(typo.code == 2);
  CHECK(typo.err.find("strata help migrate: unknown command 'aply'; did you mean apply?") !=
        std::string::npos);
}

TEST_CASE("cli: strata serve refuses an empty --init-db before creating anything") {
  Scratch s;
  const std::string data = s.path() + "/data";
  for (const std::string& name : {std::string(), std::string("a\tb")}) {
    INFO(name);
    const Ran serve = run_strata(
        s.path(), {"serve", "--data", data, "--port", "0", "--init-db", name}, "", {}, 20);
    CHECK(serve.code == 2);
    CHECK(serve.err.find("--init-db " + nlohmann::json(name).dump() + ": invalid database name") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(data));
  }
}

TEST_CASE("cli: a byte order mark at the start of a script is skipped") {
  Scratch s;
  const std::string bom = "\xEF\xBB\xBF";
  write_text(s.path() + "/bom.sql", bom + "PING;\n");
  const Ran check = run_strata(s.path(), {"check", s.path() + "/bom.sql"});
  CHECK(check.code == 0);
  CHECK(check.out.find("\\ufeff") == std::string::npos);
  // Positions count from the byte after it.
  write_text(s.path() + "/bad.sql", bom + "PNG;\n");
  const Ran bad = run_strata(s.path(), {"check", s.path() + "/bad.sql"});
  CHECK(bad.code == 1);
  CHECK(bad.out.find("bad.sql:1:1: error") != std::string::npos);
  // Standard input, and exec.
  CHECK(run_strata(s.path(), {"check", "-"}, bom + "PING;\n").code == 0);
  const Ran exec = run_strata(s.path(), {"exec", "--data", s.path() + "/data", "-"},
                              bom + "CREATE DATABASE \"x\";\n");
  CHECK(exec.code == 0);
  CHECK(exec.out.find("\"success\":true") != std::string::npos);
}
