// Damaged logs (SPEC §8, docs/RELIABILITY.md): bytes flipped in a write-ahead log or the
// MANIFEST either leave every acknowledged (synced) batch readable or refuse the open with a
// message naming the damaged file; a log cut short by a crash opens without the cut record.
// Never an open with acknowledged data silently missing.

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "storage/store.hpp"
#include "storage/damage.hpp"
#include "storage/temp_dir.hpp"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;
using testing::flip;
using testing::TempDir;

std::string batch_key(int batch, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "b/%04d/%03d", batch, i);
  return buf;
}

std::string batch_value(int batch, int i, size_t size) {
  return std::to_string(batch) + ":" + std::to_string(i) + std::string(size, 'a' + batch % 26);
}

fs::path only_file(const std::string& dir, std::string_view suffix_or_prefix) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(suffix_or_prefix) || name.starts_with(suffix_or_prefix)) {
      found.push_back(e.path());
    }
  }
  REQUIRE(found.size() == 1);
  return found.front();
}

// A store holding `batches` synced batches of `keys` keys each in its WAL; `ends` receives the
// WAL's size after each commit (so ends[i-1] is where batch i's record starts).
struct LogStore {
  TempDir dir;
  std::string path = dir.sub("db");
  int batches = 0;
  int keys = 0;
  size_t value_size = 0;
  std::vector<uint64_t> ends;

  LogStore(int n, int k, size_t size, bool flushed_first = false)
      : batches(n), keys(k), value_size(size) {
    Options o;
    o.path = path;
    if (flushed_first) {
      {
        auto s = Store::Open(o);
        REQUIRE(s.ok());
        write(**s, 0, n / 2);
      }
      REQUIRE(Store::Open(o).ok());  // recovery moves the first half into a table file
      auto s = Store::Open(o);
      REQUIRE(s.ok());
      write(**s, n / 2, n);
      return;
    }
    auto s = Store::Open(o);
    REQUIRE(s.ok());
    write(**s, 0, n);
  }

  void write(Store& store, int from, int to) {
    auto txn = store.begin();
    for (int b = from; b < to; ++b) {
      for (int i = 0; i < keys; ++i) txn->put(Space::kDocs, batch_key(b, i), batch_value(b, i, value_size));
      REQUIRE(store.commit(*txn, /*sync=*/true).ok());
      ends.push_back(fs::file_size(wal()));
    }
  }

  // The newest WAL (an older one may linger until RocksDB deletes it).
  fs::path wal() const {
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(path)) {
      if (e.path().extension() == ".log") logs.push_back(e.path());
    }
    REQUIRE_FALSE(logs.empty());
    return *std::max_element(logs.begin(), logs.end());
  }

  Result<std::unique_ptr<Store>> reopen() const {
    Options o;
    o.path = path;
    o.create_if_missing = false;
    return Store::Open(o);
  }

  // The number of batches wholly present; a partly present batch fails the test.
  int present(Store& store) const {
    int whole = 0;
    for (int b = 0; b < batches; ++b) {
      int found = 0;
      for (int i = 0; i < keys; ++i) {
        auto v = store.get(Space::kDocs, batch_key(b, i));
        REQUIRE(v.ok());
        if (v->has_value()) {
          CHECK(**v == batch_value(b, i, value_size));
          ++found;
        }
      }
      CHECK((found == 0 || found == keys));
      if (found == keys) ++whole;
    }
    return whole;
  }
};

// Either every batch is back, or the open is refused naming `file` as corrupted.
void expect_intact_or_refused(const LogStore& s, const fs::path& file) {
  auto r = s.reopen();
  if (!r.ok()) {
    INFO(r.status().message());
    CHECK(r.status().code() == Code::kStorageError);
    CHECK(r.status().message().find("store at " + s.path + " is corrupted") == 0);
    CHECK(r.status().message().find(file.filename().string()) != std::string::npos);
    return;
  }
  CHECK(s.present(**r) == s.batches);
}

struct Flip {
  const char* name;
  uint64_t offset;
  size_t len;
};

TEST_CASE("store corruption: bytes flipped anywhere in a one-block WAL never lose a batch") {
  // Six batches of ~550 bytes: the whole WAL is one 32 KiB block, where a damaged length
  // field looks like a record cut short by a crash to RocksDB (the case check_logs covers).
  LogStore probe(6, 5, 80);
  const uint64_t size = probe.ends.back();
  const uint64_t last = probe.ends[probe.ends.size() - 2];  // where the last record starts
  const std::vector<Flip> flips = {
      {"head, 16 bytes", 0, 16},
      {"first record's length", 4, 2},
      {"middle, 16 bytes", size / 2, 16},
      {"second record's header", probe.ends[0], 7},
      {"last record's header, 16 bytes", last, 16},
      {"last record's length", last + 4, 2},
      {"last record's checksum", last, 4},
      {"last record's type", last + 6, 1},
      {"tail, 16 bytes", size - 16, 16},
      {"last byte", size - 1, 1},
  };
  for (const Flip& f : flips) {
    DYNAMIC_SECTION(f.name) {
      LogStore s(6, 5, 80);
      REQUIRE(s.ends.back() == size);
      flip(s.wal(), f.offset, f.len);
      expect_intact_or_refused(s, s.wal());
    }
  }
}

TEST_CASE("store corruption: bytes flipped in a WAL of many blocks never lose a batch") {
  LogStore probe(40, 8, 600);  // ~5 KB per batch, ~200 KB: records span blocks
  const uint64_t size = probe.ends.back();
  const uint64_t last = probe.ends[probe.ends.size() - 2];
  const std::vector<Flip> flips = {
      {"head", 0, 16},
      {"first record's length", 4, 2},
      {"middle", size / 2, 16},
      {"a record in the middle's header", probe.ends[19], 16},
      {"last record's header", last, 16},
      {"last record's length", last + 4, 2},
      {"tail", size - 16, 16},
  };
  for (const Flip& f : flips) {
    DYNAMIC_SECTION(f.name) {
      LogStore s(40, 8, 600);
      REQUIRE(s.ends.back() == size);
      flip(s.wal(), f.offset, f.len);
      expect_intact_or_refused(s, s.wal());
    }
  }
}

TEST_CASE("store corruption: a WAL cut short by a crash opens without the cut record") {
  SECTION("cut inside the last record's body") {
    LogStore s(6, 5, 80);
    fs::resize_file(s.wal(), s.ends.back() - 10);
    auto r = s.reopen();
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(s.present(**r) == 5);
  }
  SECTION("cut inside the last record's header") {
    LogStore s(6, 5, 80);
    fs::resize_file(s.wal(), s.ends[4] + 3);
    auto r = s.reopen();
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(s.present(**r) == 5);
  }
  SECTION("cut between the fragments of a record spanning blocks") {
    LogStore s(8, 40, 2000);  // ~80 KB per batch: FIRST, MIDDLE, LAST fragments
    fs::resize_file(s.wal(), s.ends[6] + 40000);
    auto r = s.reopen();
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(s.present(**r) == 7);
  }
  SECTION("zeros after the last record (space a crash left allocated)") {
    LogStore s(6, 5, 80);
    {
      std::ofstream out(s.wal(), std::ios::binary | std::ios::app);
      out << std::string(40000, '\0');
    }
    auto r = s.reopen();
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(s.present(**r) == 6);
  }
}

TEST_CASE("store corruption: bytes flipped in the MANIFEST never lose a batch") {
  // Half the batches were moved into a table file by a reopen: the MANIFEST's last edits
  // record that file, and losing one would lose those batches. (Its size varies from run to
  // run with background work, so the offsets are taken from each store's own MANIFEST.)
  struct At {
    const char* name;
    uint64_t (*offset)(uint64_t size);
    size_t len;
  };
  const std::vector<At> flips = {
      {"head", [](uint64_t) { return uint64_t{0}; }, 16},
      {"first record's length", [](uint64_t) { return uint64_t{4}; }, 2},
      {"middle", [](uint64_t size) { return size / 2; }, 16},
      {"tail", [](uint64_t size) { return size - 16; }, 16},
      {"last byte", [](uint64_t size) { return size - 1; }, 1},
  };
  for (const At& f : flips) {
    DYNAMIC_SECTION(f.name) {
      LogStore s(6, 5, 80, /*flushed_first=*/true);
      const fs::path m = only_file(s.path, "MANIFEST-");
      flip(m, f.offset(fs::file_size(m)), f.len);
      expect_intact_or_refused(s, m);
    }
  }
}

TEST_CASE("store corruption: a damaged CURRENT file is refused by name") {
  LogStore s(3, 2, 10);
  const fs::path current = fs::path(s.path) / "CURRENT";
  flip(current, 9, 2);  // inside the MANIFEST's number
  auto r = s.reopen();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("store at " + s.path +
                                  " is corrupted: its CURRENT file names no MANIFEST") == 0);
}

}  // namespace
}  // namespace strata::storage
