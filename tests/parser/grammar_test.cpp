// The grammar itself: PEGTL's analyze() finds no rule that can loop without consuming input,
// and every rule of grammar/*.peg has a PEGTL struct of the same name (STYLE §2).

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tao/pegtl/contrib/analyze.hpp>

#include "parser/grammar/strata.hpp"

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("grammar: analyze reports no problems", "[grammar]") {
  CHECK(tao::pegtl::analyze<strata::parser::grammar::script>(-1) == 0);
}

TEST_CASE("grammar: every .peg rule has a PEGTL struct of the same name", "[grammar]") {
  const std::filesystem::path root = STRATA_SOURCE_DIR;
  std::string headers;
  for (const auto& entry : std::filesystem::directory_iterator(root / "src/parser/grammar")) {
    if (entry.path().extension() == ".hpp") headers += read_text(entry.path());
  }
  REQUIRE(!headers.empty());

  const std::set<std::string> expected_files = {"strata.peg",   "session.peg", "schema.peg",
                                                "document.peg", "admin.peg",   "migration.peg"};
  std::set<std::string> seen_files;
  const std::regex rule_line(R"(^([a-z_][a-z0-9_]*)\s*<-)");
  size_t rules = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root / "grammar")) {
    if (entry.path().extension() != ".peg") continue;
    seen_files.insert(entry.path().filename().string());
    std::istringstream lines(read_text(entry.path()));
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, rule_line)) continue;
      ++rules;
      const std::string name = m[1];
      const std::regex decl("struct " + name + R"(\s*[:{])");
      INFO(entry.path().filename().string() << ": rule " << name);
      CHECK(std::regex_search(headers, decl));
    }
  }
  CHECK(seen_files == expected_files);
  CHECK(rules > 150);
}
