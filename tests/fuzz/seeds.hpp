#pragma once
// The fuzz targets' seed corpus, built from the project's own statements so that nothing is
// copied: every examples/*.sql script whole; every tests/cases/*.test file cut into scripts of
// kCaseWindow consecutive statements, each led by the file's latest CREATE DATABASE and USE
// before it (the state those statements expect); and every statement of the parser's
// statement corpus. scripts/fuzz writes them out with fuzz_seeds; the replay test runs them.
// Thread-safety: pure functions.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/case_file.hpp"
#include "parser/statement_corpus.hpp"

namespace strata::fuzz {

struct Seed {
  std::string name;  // a file name: example_<file>, case_<file>_<n>, corpus_<n>
  std::string text;
};

inline constexpr size_t kCaseWindow = 8;

inline std::vector<Seed> seeds(const std::filesystem::path& source_dir) {
  namespace fs = std::filesystem;
  auto sorted_files = [](const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == extension) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  };
  std::vector<Seed> out;
  for (const fs::path& f : sorted_files(source_dir / "examples", ".sql")) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    out.push_back({"example_" + f.stem().string(), text.str()});
  }
  for (const fs::path& f : sorted_files(source_dir / "tests" / "cases", ".test")) {
    std::vector<testing::CaseBlock> blocks;
    std::string error;
    if (!testing::load_case_file(f, &blocks, &error)) continue;
    std::string create, use, script;
    size_t in_window = 0, windows = 0;
    auto flush = [&] {
      if (in_window == 0) return;
      out.push_back({"case_" + f.stem().string() + "_" + std::to_string(++windows), script});
      script.clear();
      in_window = 0;
    };
    for (const testing::CaseBlock& b : blocks) {
      if (b.kind != testing::CaseBlock::Kind::kStatement) continue;
      if (in_window == 0) script = create + use;
      script += b.text + ";\n";
      if (b.text.rfind("CREATE DATABASE", 0) == 0) create = b.text + ";\n";
      if (b.text.rfind("USE ", 0) == 0) use = b.text + ";\n";
      if (++in_window == kCaseWindow) flush();
    }
    flush();
  }
  const std::vector<std::string>& corpus = testing::statement_corpus();
  for (size_t i = 0; i < corpus.size(); ++i) {
    out.push_back({"corpus_" + std::to_string(i + 1), corpus[i]});
  }
  return out;
}

}  // namespace strata::fuzz
