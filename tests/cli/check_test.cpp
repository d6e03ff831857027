// `strata check` and the command line, driven as a real process (STRATA_BINARY): exit codes,
// diagnostics with positions and carets, and robustness on binary garbage, 100,000-deep
// nesting, a 50 MB file and standard input.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "test_time.hpp"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or by the timeout
  bool timed_out = false;
  double seconds = 0;
  std::string out;
  std::string err;
};

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("strata_check_test_" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path write_file(const std::string& name, const std::string& content) {
  const fs::path p = scratch() / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

// Runs the strata binary with `args`, stdin from `input`, and a time limit.
RunResult run(const std::vector<std::string>& args, const std::string& input = "",
              int timeout_seconds = 60) {
  const fs::path in = write_file("stdin.txt", input);
  const fs::path out = scratch() / "stdout.txt", err = scratch() / "stderr.txt";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd_in = open(in.c_str(), O_RDONLY);
    const int fd_out = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fd_err = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd_in, 0);
    dup2(fd_out, 1);
    dup2(fd_err, 2);
    std::vector<char*> argv;
    std::string binary = STRATA_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  RunResult r;
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::chrono::steady_clock::now() - start >
        strata::testing::scaled(std::chrono::seconds(timeout_seconds))) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<std::string> example_paths() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(STRATA_SOURCE_DIR "/examples")) {
    if (e.path().extension() == ".sql") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("check: every example is clean", "[cli][check]") {
  std::vector<std::string> args = {"check"};
  const auto files = example_paths();
  REQUIRE(files.size() >= 10);
  args.insert(args.end(), files.begin(), files.end());
  const RunResult r = run(args);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("check: a malformed file gets file:line:col diagnostics with carets", "[cli][check]") {
  const fs::path p =
      write_file("bad.sql",
                 "USE \"x\";\n"
                 "CREATE BUNDLE \"A\" WITH FIELDS (\n"
                 "  {\"id\", VARCHAR, true, true}\n"
                 ");\n"
                 "PING; SELECT DOCUMENTS FORM \"A\";\n"
                 "START MIGRATION\n"
                 "\tDROP INDEX \"i\";\n"
                 "\tCREATE BUNDLE \"Q\" WITH FIELDS ({\"a\", INT, true, false, 1.5});\n"
                 "COMMIT\n"
                 "START MIGRATION COMMIT\n");
  const RunResult r = run({"check", p.string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const std::string f = p.string();
  CHECK(r.out == f +
                     ":3:3: error: Unknown type 'VARCHAR' for field 'id'\n"
                     "  {\"id\", VARCHAR, true, true}\n"
                     "  ^\n" +
                     f +
                     ":5:24: error: expected FROM, found 'FORM'\n"
                     "PING; SELECT DOCUMENTS FORM \"A\";\n"
                     "                       ^\n" +
                     f +
                     ":8:33: error: Default value 1.5 of field 'a' is not a valid INT (command 2)\n"
                     "\tCREATE BUNDLE \"Q\" WITH FIELDS ({\"a\", INT, true, false, 1.5});\n"
                     "\t                               ^\n" +
                     f +
                     ":10:1: error: migration must contain at least one command\n"
                     "START MIGRATION COMMIT\n"
                     "^\n");
}

TEST_CASE("check: what the lexer and splitter refuse is reported at its file position",
          "[cli][check]") {
  // An unterminated comment or string, a COMMIT without START and a misspelt START block are
  // errors (SPEC §2), at the file position of the statement plus the position inside it.
  struct Row {
    std::string text;
    std::string first_line;  // the expected first line of the output, after "<stdin>:"
  };
  const std::vector<Row> rows = {
      {"PING;\n  PING /* never closed\nPING;\n",
       "2:8: error: unterminated comment: no '*/' closes the '/*' opened here"},
      {"PING;\n\n   /* never closed; PING;\n",
       "3:4: error: unterminated comment: no '*/' closes the '/*' opened here"},
      {"USE \"main\";\n  USE \"x;\nPING;\n",
       "2:7: error: unterminated string: no '\"' closes the string opened here"},
      {"PING;\n  -- done\n  COMMIT;\n", "3:3: error: COMMIT without START MIGRATION"},
      {"START MIGRATON\n  DROP INDEX \"i\";\nCOMMIT\nPING\n",
       "1:7: error: expected MIGRATION, found 'MIGRATON'"},
      {"PING; START MIGRATION\n  DROP INDEX \"i\"\n  DROP INDEX \"j\"\nCOMMIT\n",
       "3:3: error: expected ';', DOWN or COMMIT, found 'DROP'"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    const RunResult r = run({"check", "-"}, row.text);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.substr(0, r.out.find('\n')) == "<stdin>:" + row.first_line);
    CHECK(std::count(r.out.begin(), r.out.end(), '^') == 1);  // one error, then clean
  }
}

TEST_CASE("check: several files, an unreadable one, standard input", "[cli][check]") {
  const fs::path good = write_file("good.sql", "PING;\nSHOW DATABASES\n");
  CHECK(run({"check", good.string()}).exit_code == 0);
  const RunResult missing = run({"check", good.string(), (scratch() / "missing.sql").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot read") != std::string::npos);
  CHECK(run({"check", scratch().string()}).exit_code == 2);  // a directory

  const RunResult in = run({"check", "-"}, "PING;\n  SHOW BUNDLES FOR;\n");
  INFO(in.out);
  CHECK(in.exit_code == 1);
  CHECK(in.out.rfind("<stdin>:2:19: error: ", 0) == 0);
  CHECK(in.out.find("\n  SHOW BUNDLES FOR;\n                  ^\n") != std::string::npos);
  CHECK(run({"check", "-"}, "START MIGRATION DROP INDEX \"i\"; COMMIT").exit_code == 0);
  CHECK(run({"check", "-"}, "").exit_code == 0);
}

TEST_CASE("check: an oversized statement is one error, and checking goes on", "[cli][check]") {
  const RunResult r = run({"check", "--max-statement-bytes", "16", "-"},
                          "PING;\nSHOW DATABASES; ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({});\n"
                          "SHOW BUNDLES FOR;\n");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("<stdin>:2:17: error: statement exceeds the limit of 16 bytes\n", 0) == 0);
  CHECK(r.out.find("<stdin>:3:17: error: ") != std::string::npos);
}

TEST_CASE("check: binary garbage fails cleanly", "[cli][check]") {
  std::string garbage;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 1 << 18; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    garbage.push_back(static_cast<char>(x & 0xFF));
  }
  const RunResult r = run({"check", write_file("garbage.bin", garbage).string()}, "", 30);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(": error: ") != std::string::npos);
  CHECK(r.out.find("more errors not shown") != std::string::npos);
}

TEST_CASE("check: 100,000-deep nesting is refused, not a crash", "[cli][check]") {
  const std::string parens = "SELECT DOCUMENTS FROM \"B\" WHERE " + std::string(100000, '(') +
                             "a == 1" + std::string(100000, ')') + ";\n";
  const std::string arrays =
      "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"a\": " + std::string(100000, '[') +
      std::string(100000, ']') + "});\n";
  const std::string objects = "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES (";
  std::string deep_objects = objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(100000, '}') + ");\nPING\n";
  for (const std::string& text : {parens, arrays, deep_objects, std::string(100000, '(')}) {
    const RunResult r = run({"check", write_file("deep.sql", text).string()}, "", 30);
    INFO(r.out.substr(0, 300) << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind(scratch().string() + "/deep.sql:1:", 0) == 0);
  }
}

TEST_CASE("check: a 50 MB file is checked in bounded time", "[cli][check]") {
  std::string text;
  text.reserve(51u << 20);
  for (int m = 0; text.size() < (50u << 20); ++m) {
    text += "START MIGRATION WITH DESCRIPTION \"batch " + std::to_string(m) + "\"\n";
    for (int c = 0; c < 1000; ++c) {
      text += "  ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"id\": \"" + std::to_string(c) +
              "\", \"tags\": [\"a\", \"b\"], \"n\": {\"x\": 1.5, \"y\": null}});\n";
    }
    text += "  CREATE BUNDLE \"B" + std::to_string(m) +
            "\" WITH FIELDS ({\"id\", STRING, true, true}, {\"n\", INT, false, false, 0});\n"
            "COMMIT;\n";
  }
  text += "DROP BUNDLE \"oops\" WITH FORSE;\n";  // one error, at the very end
  const fs::path p = write_file("big.sql", text);
  const RunResult r = run({"check", p.string()}, "", 120);
  INFO(r.out.substr(0, 500) << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(": error: ") != std::string::npos);
  WARN("strata check on " << (text.size() >> 20) << " MiB: " << r.seconds << " s");
  CHECK(r.seconds < 60 * strata::testing::time_scale());
  fs::remove(p);
}

TEST_CASE("command line: usage, help, version", "[cli]") {
  CHECK(run({}).exit_code == 2);
  CHECK(run({"frobnicate"}).exit_code == 2);
  CHECK(run({"check"}).exit_code == 2);
  CHECK(run({"serve", "--auth", "maybe"}).exit_code == 2);
  const RunResult version = run({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("strata ", 0) == 0);
  const RunResult help = run({"help"});
  CHECK(help.exit_code == 0);
  for (const char* cmd : {"serve", "shell", "run", "exec", "check"}) {
    CHECK(help.out.find(cmd) != std::string::npos);
  }
  const RunResult help_serve = run({"help", "serve"});
  CHECK(help_serve.exit_code == 0);
  CHECK(help_serve.out.find("--init-db") != std::string::npos);
  CHECK(run({"help", "nope"}).exit_code == 2);
  CHECK(run({"check", "--help"}).exit_code == 0);
  CHECK(run({"run", "/nonexistent/x.sql"}).exit_code != 0);
}
