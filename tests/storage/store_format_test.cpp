// Store::Open refusals: other format versions, foreign directories, corrupted stores (SPEC §8).

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/store.hpp"
#include "storage/temp_dir.hpp"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

Result<std::unique_ptr<Store>> open_at(const std::string& path, bool create = true) {
  Options o;
  o.path = path;
  o.create_if_missing = create;
  return Store::Open(o);
}

std::unique_ptr<Store> must_open(const std::string& path) {
  auto r = open_at(path);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

void commit_put(Store& s, Space sp, const std::string& k, const std::string& v) {
  auto t = s.begin();
  t->put(sp, k, v);
  REQUIRE(s.commit(*t, true).ok());
}

// Overwrites the whole file with garbage of the same length (at least 64 bytes).
void scribble(const fs::path& file) {
  size_t n = std::max<size_t>(fs::file_size(file), 64);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (size_t i = 0; i < n; ++i) out.put(static_cast<char>((i * 131 + 7) & 0xFF));
}

std::vector<fs::path> files_named(const std::string& dir, std::string_view part) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path());
  }
  return out;
}

TEST_CASE("store format: a newer format version is refused with a clear message") {
  TempDir dir;
  std::string path = dir.sub("db");
  {
    auto store = must_open(path);
    commit_put(*store, Space::kMeta, "format_version", "99");
  }
  auto r = open_at(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kStorageError);
  CHECK(r.status().message() ==
        "store at " + path + " was written by format version 99; this strata reads version 2");
}

TEST_CASE("store format: an unreadable format_version record is reported as corruption") {
  TempDir dir;
  std::string path = dir.sub("db");
  {
    auto store = must_open(path);
    commit_put(*store, Space::kMeta, "format_version", "one");
  }
  auto r = open_at(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "store at " + path + " is corrupted: unreadable format_version record");
}

TEST_CASE("store format: a directory of other files is not a Strata store") {
  TempDir dir;
  { std::ofstream(dir.sub("notes.txt")) << "hello"; }
  auto r = open_at(dir.path());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kStorageError);
  CHECK(r.status().message().find(dir.path() + " is not a Strata store") == 0);
  CHECK(fs::exists(dir.sub("notes.txt")));
  CHECK_FALSE(fs::exists(dir.sub("CURRENT")));  // nothing was written into it

  // A plain file is not a store either.
  auto f = open_at(dir.sub("notes.txt"));
  REQUIRE_FALSE(f.ok());
  CHECK(f.status().message().find("is not a Strata store") != std::string::npos);
}

TEST_CASE("store format: a RocksDB without the version record but with data is refused") {
  TempDir dir;
  std::string path = dir.sub("db");
  {
    auto store = must_open(path);
    auto t = store->begin();
    t->del(Space::kMeta, "format_version");
    t->put(Space::kDocs, "someone", "else's data");
    REQUIRE(store->commit(*t, true).ok());
  }
  auto r = open_at(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(path + " is not a Strata store") == 0);
}

TEST_CASE("store format: an empty store whose creation was cut short is completed") {
  TempDir dir;
  std::string path = dir.sub("db");
  {
    auto store = must_open(path);
    auto t = store->begin();
    t->del(Space::kMeta, "format_version");
    REQUIRE(store->commit(*t, true).ok());
  }
  auto store = must_open(path);
  auto v = store->get(Space::kMeta, "format_version");
  REQUIRE(v.ok());
  CHECK(*v == "2");
}

TEST_CASE("store format: a missing store with create_if_missing=false is an error") {
  TempDir dir;
  auto r = open_at(dir.sub("nothing"), false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kStorageError);
  CHECK_FALSE(fs::exists(dir.sub("nothing")));
  auto e = open_at(dir.path(), false);  // exists but empty
  REQUIRE_FALSE(e.ok());
}

TEST_CASE("store format: a store in use by another Store is refused") {
  TempDir dir;
  auto first = must_open(dir.sub("db"));
  auto second = open_at(dir.sub("db"));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kStorageError);
  INFO(second.status().message());
  CHECK(second.status().message().find("store at " + dir.sub("db") + " is in use") == 0);
}

TEST_CASE("store format: garbage in CURRENT or MANIFEST fails cleanly") {
  for (std::string victim : {"CURRENT", "MANIFEST-"}) {
    DYNAMIC_SECTION(victim) {
      TempDir dir;
      std::string path = dir.sub("db");
      {
        auto store = must_open(path);
        commit_put(*store, Space::kDocs, "k", "v");
      }
      auto files = files_named(path, victim);
      REQUIRE_FALSE(files.empty());
      for (const auto& f : files) scribble(f);
      auto r = open_at(path);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kStorageError);
      CHECK(r.status().message().find("store at " + path) == 0);
      INFO(r.status().message());
      CHECK(r.status().message().find("orrupt") != std::string::npos);
    }
  }
}

TEST_CASE("store format: a store without its CURRENT file is reported as corrupted") {
  TempDir dir;
  std::string path = dir.sub("db");
  must_open(path).reset();
  fs::remove(fs::path(path) / "CURRENT");
  auto r = open_at(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "store at " + path + " is corrupted: its CURRENT file is missing");
}

TEST_CASE("store format: garbage in a table file fails cleanly") {
  TempDir dir;
  std::string path = dir.sub("db");
  {
    auto store = must_open(path);
    auto t = store->begin();
    for (int i = 0; i < 1000; ++i) t->put(Space::kDocs, "key" + std::to_string(i), "value");
    REQUIRE(store->commit(*t, true).ok());
  }
  must_open(path).reset();  // recovery flushes the WAL into a table file
  auto tables = files_named(path, ".sst");
  REQUIRE_FALSE(tables.empty());
  for (const auto& f : tables) scribble(f);

  auto r = open_at(path);
  if (!r.ok()) {
    CHECK(r.status().code() == Code::kStorageError);
    CHECK(r.status().message().find("store at " + path + " is corrupted: ") == 0);
    return;
  }
  // Table files open lazily: the damage must then surface as an error on read.
  auto v = (*r)->get(Space::kDocs, "key1");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == Code::kStorageError);
  CHECK(v.status().message().find("corrupted") != std::string::npos);
  auto it = (*r)->scan_prefix(Space::kDocs, "key");
  CHECK_FALSE(it->valid());
  CHECK_FALSE(it->status().ok());
}

}  // namespace
}  // namespace strata::storage
