// The engine's case files (tests/cases/*.test) replayed over TCP against the real binary
// (STYLE §18): the same statements must get the same answers embedded and over the wire.
// Sessions become connections: `main` is the admin; `@session NAME ROLE` connects as a user
// NAME created with that role; `@reopen` is a SIGTERM and a restart on the same data
// directory; `@consistent` is the embedded runner's business (it needs the engine itself).
// Positions in answers are the server's stream positions; they are mapped back to positions
// in the statement's own text before matching, as `strata run` does for files.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "engine/case_file.hpp"
#include "parser/splitter.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"

using namespace strata::server::testing;
using nlohmann::json;
using strata::testing::Captures;
using strata::testing::CaseBlock;
namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) { return json(s).dump(); }

class WireReplay {
 public:
  explicit WireReplay(const TempDir& dir) : dir_(dir) { start(); }

  void start() {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{}, "admin-pw", &dir_,
                                              /*init_main=*/false);
    REQUIRE(server_->port() != 0);
    connections_.clear();
    current_ = "main";
    connect("main", "admin", "admin-pw");
  }

  void restart() {
    connections_.clear();
    server_->signal(SIGTERM);
    REQUIRE(server_->exited(std::chrono::seconds(20)));
    INFO("exit status " << server_->exit_code().value_or(-1) << "; server log:\n" << server_->log());
    REQUIRE(server_->exit_code() == 0);
    start();
  }

  void session(const std::string& name, const std::string& role) {
    if (!connections_.count(name)) {
      if (!users_.count(name)) {
        json created =
            ask("main", "CREATE USER " + quoted(name) + " WITH PASSWORD \"case-pw\" ROLE " +
                            (role.empty() ? "admin" : role));
        REQUIRE(created.value("success", false));
        users_.insert(name);
      }
      connect(name, name, "case-pw");
    }
    current_ = name;
  }

  // Sends a block's text; the answer is the first error among its statements, else the last
  // answer (as the embedded runner's execute_text). Positions in answers count from their
  // statement (SPEC §2), as embedded: nothing to translate.
  json execute(const std::string& text) {
    strata::parser::StatementSplitter splitter;
    splitter.feed(text);
    splitter.finish();
    size_t count = 0;
    while (splitter.next()) ++count;
    TestClient& client = *connections_.at(current_);
    client.send(text + "\x04\n");
    if (count == 0) return json();
    auto lines = client.read_lines(count, std::chrono::milliseconds(60000));
    REQUIRE(lines.size() == count);
    json answer;
    for (const auto& line : lines) {
      answer = json::parse(line);
      if (!answer.value("success", false)) break;
    }
    return answer;
  }

 private:
  // One single-line statement on connection `name`.
  json ask(const std::string& name, const std::string& statement) {
    TestClient& client = *connections_.at(name);
    client.send(statement + "\x04\n");
    auto line = client.read_line(std::chrono::milliseconds(20000));
    REQUIRE(line);
    return json::parse(*line);
  }

  void connect(const std::string& name, const std::string& user, const std::string& password) {
    connections_[name] = std::make_unique<TestClient>(server_->port());
    REQUIRE(ask(name, "AUTH " + quoted(user) + " " + quoted(password)).value("success", false));
  }

  const TempDir& dir_;
  std::unique_ptr<ServerProcess> server_;
  std::map<std::string, std::unique_ptr<TestClient>> connections_;
  std::set<std::string> users_;
  std::string current_;
};

void replay(const fs::path& file) {
  std::vector<CaseBlock> blocks;
  std::string error;
  INFO("case file " << file.filename().string() << ": " << error);
  REQUIRE(strata::testing::load_case_file(file, &blocks, &error));
  TempDir dir;
  WireReplay wire(dir);
  Captures captures;
  for (const auto& b : blocks) {
    INFO(file.filename().string() << ":" << b.line);
    if (b.kind == CaseBlock::Kind::kDirective) {
      const auto [verb, name, role] = strata::testing::directive_of(b);
      if (verb == "session") wire.session(name, role);
      if (verb == "reopen") wire.restart();
      if (verb == "sleep") std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(name)));
      continue;
    }
    auto r = strata::testing::run_case_statement(
        b, &captures, [&](const std::string& statement) { return wire.execute(statement); });
    INFO(r.report);
    REQUIRE(r.expected_valid);
    CHECK(r.ok);
  }
}

}  // namespace

TEST_CASE("wire: the case files answer the same over TCP") {
  fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    DYNAMIC_SECTION(f.filename().string()) { replay(f); }
  }
}
