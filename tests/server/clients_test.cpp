// `strata run` (SPEC §7) against the real server: files, stdin, --continue, exit codes, file
// positions. (The shell's terminal tests are in tests/cli.)
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
             "-- setup\nSET AllowDirectSchemaChanges = true;\nCREATE BUNDLE \"A\" WITH FIELDS ({\"n\", INT, false, false});\n"
             "ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES ({\"n\": 1});\nPING\n");
  Output ok = run_strata("run" + port + " --db main " + dir + "/ok.sql");
  CHECK(ok.code == 0);
  CHECK(count_lines(ok.out) == 4);

  write_file(dir + "/bad.sql",
             "CREATE BUNDLE \"B1\" WITH FIELDS ({\"n\", INT, false, false});\n\n"
             "   SELEC oops;\nCREATE BUNDLE \"B2\" WITH FIELDS ({\"n\", INT, false, false});\n");
  Output bad = run_strata("run" + port + " --db main " + dir + "/bad.sql");
  CHECK(bad.code == 1);
  CHECK(count_lines(bad.out) == 2);  // nothing ran after the failure
  CHECK(bad.err.find("bad.sql:3:4: SYNTAX_ERROR") != std::string::npos);
  // The server counts from the statement (SPEC §2); strata run adds where it is in the file.
  CHECK(bad.err.find("line 1, column 1") != std::string::npos);
  write_file(dir + "/inside.sql", "PING;\n  SELECT * FROM \"A\"\n    ORDER BY n DESCENDING;\n");
  Output inside = run_strata("run" + port + " --db main " + dir + "/inside.sql");
  CHECK(inside.code == 1);
  CHECK(inside.err.find("inside.sql:3:16: SYNTAX_ERROR") != std::string::npos);
  CHECK(inside.err.find("line 2, column 16") != std::string::npos);

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
