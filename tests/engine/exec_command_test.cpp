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
};

Run run(const std::string& args, const std::string& stdin_text = "") {
  TempDir tmp;
  std::string input = tmp.sub("stdin.txt");
  std::ofstream(input) << stdin_text;
  std::string cmd = std::string(STRATA_BINARY) + " exec " + args + " < " + input + " 2>/dev/null";
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
  return r;
}

TEST_CASE("strata exec runs files and stdin, one JSON line per statement", "[engine][exec]") {
  TempDir dir;
  const std::string data = "--data " + dir.sub("data");
  std::string script = dir.sub("a.sql");
  std::ofstream(script) << "CREATE DATABASE \"x\";\nUSE \"x\";\n"
                           "CREATE BUNDLE \"B\" WITH FIELDS (\n  {\"s\", STRING, true, false}\n);\n"
                           "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"s\": \"" +
                               std::string(100000, 'y') + "\"});\n";
  Run a = run(data + " " + script);
  CHECK(a.rc == 0);
  REQUIRE(a.lines.size() == 4);
  CHECK(a.lines[3]["DocumentID"] == "1");

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

}  // namespace
}  // namespace strata::testing
