// The fuzz targets' regression replay, built with every compiler: each target's body
// (targets.hpp) runs on every seed (seeds.hpp) and on every reproducer kept in
// tests/fuzz/regressions/<target>/ — an input libFuzzer once found a crash, a sanitizer report,
// a hang or a broken property with. Each must now pass its target's properties; a crash
// fails the test run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/seeds.hpp"
#include "fuzz/targets.hpp"

namespace strata::fuzz {
namespace {

namespace fs = std::filesystem;
using Body = std::string (*)(std::string_view);

// Every input of `target`: the seeds, then its reproducers (sorted by name).
std::vector<Seed> inputs(const std::string& target) {
  std::vector<Seed> out = seeds(STRATA_SOURCE_DIR);
  std::vector<fs::path> files;
  const fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / target;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    out.push_back({"regressions/" + target + "/" + f.filename().string(), text.str()});
  }
  return out;
}

void replay(const std::string& target, Body body) {
  const std::vector<Seed> all = inputs(target);
  REQUIRE(all.size() > 100);
  for (const Seed& input : all) {
    INFO(input.name);
    CHECK(body(input.text) == "");
  }
}

}  // namespace

TEST_CASE("fuzz: the splitter and framer replay every seed and reproducer") {
  replay("split", split_one);
}

TEST_CASE("fuzz: the parser replays every seed and reproducer") { replay("parse", parse_one); }

TEST_CASE("fuzz: the statement path replays every seed and reproducer") {
  replay("statement", statement_one);
}

}  // namespace strata::fuzz
