// `strata exec` as a process (SPEC §7): one JSON line per statement, exit 0 / 1 at the first
// error / --continue runs everything, files and stdin, statements that span chunks and lines.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

struct Run {
  int rc = -1;
  std::vector<nlohmann::json> lines;
  std::string err;  // standard error
};

Run run(const std::string& args, const std::string& stdin_text = "") {
  TempDir tmp;
  std::string input = tmp.sub("stdin.txt");
  std::string errors = tmp.sub("stderr.txt");
  std::ofstream(input) << stdin_text;
  std::string cmd =
      std::string(STRATA_BINARY) + " exec " + args + " < " + input + " 2>" + errors;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  Run r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) r.lines.push_back(nlohmann::json::parse(l));
  std::ifstream err_in(errors);
  std::stringstream err;
  err << err_in.rdbuf();
  r.err = err.str();
  return r;
}

TEST_CASE("strata exec runs files and stdin, one JSON line per statement", "[engine][exec]") {
  TempDir dir;
  const std::string data = "--data " + dir.sub("data");
  std::string script = dir.sub("a.sql");
  std::ofstream(script) << "CREATE DATABASE \"x\";\nUSE \"x\";\n"
                           "SET AllowDirectSchemaChanges = true;\n"
                           "CREATE BUNDLE \"B\" WITH FIELDS (\n  {\"s\", STRING, true, false}\n);\n"
                           "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"s\": \"" +
                               std::string(100000, 'y') + "\"});\n";
  Run a = run(data + " " + script);
  CHECK(a.rc == 0);
  REQUIRE(a.lines.size() == 5);
  CHECK(a.lines[4]["DocumentID"] == "1");

  Run b = run(data + " -", "USE \"x\"; SELECT COUNT FROM \"B\"; USE \"nope\"; SHOW DATABASES;");
  CHECK(b.rc == 1);
  REQUIRE(b.lines.size() == 3);
  CHECK(b.lines[1]["ResultCount"] == 1);
  CHECK(b.lines[2]["error"]["code"] == "DATABASE_NOT_FOUND");

  Run c = run(data + " --continue -", "USE \"nope\"; SHOW DATABASES");
  CHECK(c.rc == 1);
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[1]["Result"] == nlohmann::json::array({"x"}));

  Run d = run(data + " " + dir.sub("missing.sql"));
  CHECK(d.rc == 2);
}

TEST_CASE("strata exec: error positions count from the statement; stderr names the file's",
          "[engine][exec]") {
  TempDir dir;
  const std::string data = "--data " + dir.sub("data");
  std::string script = dir.sub("b.sql");
  std::ofstream(script) << "CREATE DATABASE \"x\"; USE \"x\";\n"
                           "-- a comment\n"
                           "  SELECT * FROM \"B\"\n    ORDER BY n DESCENDING;\n"
                           "PING\n";
  Run r = run(data + " --continue " + script);
  CHECK(r.rc == 1);
  REQUIRE(r.lines.size() == 4);
  CHECK(r.lines[2]["error"]["code"] == "SYNTAX_ERROR");
  CHECK(r.lines[2]["line"] == 2);  // inside the SELECT, which starts at 3:3 of the file
  CHECK(r.lines[2]["column"] == 16);
  CHECK(r.err.find(script + ":4:16: SYNTAX_ERROR: ") != std::string::npos);

  // A COMMIT without START, an unterminated comment: errors at their file position.
  Run u = run(data + " --continue -", "USE \"x\";\n  COMMIT;\nPING; /* never closed\n");
  CHECK(u.rc == 1);
  REQUIRE(u.lines.size() == 4);
  CHECK(u.lines[1]["message"].get<std::string>().find("COMMIT without START MIGRATION") !=
        std::string::npos);
  CHECK(u.err.find("<stdin>:2:3: SYNTAX_ERROR: ") != std::string::npos);
  CHECK(u.err.find("<stdin>:3:7: SYNTAX_ERROR: ") != std::string::npos);
  CHECK(u.lines[3]["message"].get<std::string>().find("unterminated comment") !=
        std::string::npos);
}

}  // namespace
}  // namespace strata::testing
