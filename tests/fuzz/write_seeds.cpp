// fuzz_seeds DIR: writes the seed corpus of seeds.hpp into DIR, one file per seed (scripts/fuzz
// runs it before the fuzz targets). Exits 1 on a write error.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz/seeds.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  size_t n = 0;
  for (const strata::fuzz::Seed& seed : strata::fuzz::seeds(STRATA_SOURCE_DIR)) {
    std::ofstream out(dir / seed.name, std::ios::binary);
    out << seed.text;
    if (!out) return 1;
    ++n;
  }
  std::printf("fuzz_seeds: %zu seeds in %s\n", n, argv[1]);
  return 0;
}
