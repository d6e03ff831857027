#pragma once
// flip(): damages a store file in place, as bit rot or a bad disk block would — the bytes at
// [offset, offset + len) XORed with 0x5A — for the corruption tests (docs/RELIABILITY.md).
// Not thread-safe; one file at a time.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace strata::storage::testing {

inline void flip(const std::filesystem::path& file, uint64_t offset, size_t len) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  std::string bytes(len, '\0');
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(bytes.data(), static_cast<std::streamsize>(len));
  REQUIRE(f.gcount() == static_cast<std::streamsize>(len));
  for (char& c : bytes) c = static_cast<char>(c ^ 0x5A);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(len));
  REQUIRE(f);
}

}  // namespace strata::storage::testing
