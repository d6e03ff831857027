// Runs every tests/cases/*.test file (format: tests/cases/README.md) against an embedded
// Engine on a fresh data directory, one DYNAMIC_SECTION per file.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "engine/case_file.hpp"
#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;

ast::Role role_from(const std::string& name) {
  if (name == "reader") return ast::Role::kReader;
  if (name == "migrator") return ast::Role::kMigrator;
  return ast::Role::kAdmin;
}

void run_case_file(const fs::path& file) {
  std::vector<CaseBlock> blocks;
  std::string error;
  INFO("case file " << file.filename().string() << ": " << error);
  REQUIRE(load_case_file(file, &blocks, &error));
  TempDir dir;
  auto engine = open_engine(dir.path(), engine::EngineOptions{});
  std::map<std::string, engine::Session> sessions;
  std::string current = "main";
  sessions[current] = engine->open_embedded_session();
  Captures captures;
  for (const auto& b : blocks) {
    INFO(file.filename().string() << ":" << b.line);
    if (b.kind == CaseBlock::Kind::kDirective) {
      const auto [verb, name, role] = directive_of(b);
      if (verb == "session") {
        if (!sessions.count(name)) {
          sessions[name] = engine->open_session(name, role_from(role.empty() ? "admin" : role));
        }
        current = name;
      } else if (verb == "reopen") {
        sessions.clear();
        engine.reset();
        engine = open_engine(dir.path(), engine::EngineOptions{});
        current = "main";
        sessions[current] = engine->open_embedded_session();
      } else if (verb == "consistent") {
        auto report = engine->check_consistency(name);
        REQUIRE(report.ok());
        INFO(report->dump());
        CHECK((*report)["ok"].get<bool>());
      } else if (verb == "sleep") {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(name)));
      } else {
        FAIL("unknown directive @" << b.text);
      }
      continue;
    }
    CaseResult r = run_case_statement(b, &captures, [&](const std::string& statement) {
      return engine->execute_text(sessions[current], statement);
    });
    INFO(r.report);
    REQUIRE(r.expected_valid);
    CHECK(r.ok);
  }
}

TEST_CASE("case files", "[engine][cases]") {
  fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".test") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    DYNAMIC_SECTION(f.filename().string()) { run_case_file(f); }
  }
}

TEST_CASE("case file format", "[engine][cases]") {
  std::vector<CaseBlock> blocks;
  std::string error;
  REQUIRE(parse_case_file(
      "# c\n@session s reader\nSHOW\n DATABASES\n----\n{\"a\":\n1}\n\nPING\n----\n{}\n", &blocks,
      &error));
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].kind == CaseBlock::Kind::kDirective);
  CHECK(blocks[1].text == "SHOW\n DATABASES");
  CHECK(blocks[1].line == 3);
  CHECK(Json::parse(blocks[1].expected) == Json{{"a", 1}});
  Captures c;
  std::string why;
  CHECK(match(Json::parse(R"({"id":"$capture:X","n":"$number","s":"$string","z":"$absent"})"),
              Json::parse(R"({"id":"7","n":2,"s":"x","extra":1})"), &c, &why));
  CHECK(c["X"] == "7");
  CHECK(substitute("WHERE DocumentID == \"$X\" $Y", c) == "WHERE DocumentID == \"7\" $Y");
  CHECK_FALSE(match(Json::parse(R"([1,2])"), Json::parse(R"([1])"), &c, &why));
  CHECK_FALSE(parse_case_file("SHOW DATABASES\n", &blocks, &error));
}

}  // namespace
}  // namespace strata::testing
