// Issue 10's corruption study, as tests (SPEC §8, docs/RELIABILITY.md): six acknowledged
// migrations and 200 direct adds, then bytes flipped in the write-ahead log (head, middle,
// tail, the last record), in a table file, in the MANIFEST and in CURRENT. Each time the
// engine either opens with every acknowledged migration and document intact, or refuses with
// a message naming the damaged file, or (a table file, read lazily) answers a STORAGE_ERROR
// naming it — never a clean answer with data missing. `strata store check` reports each.

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "storage/damage.hpp"
#include "storage/temp_dir.hpp"

namespace strata::engine {
namespace {

namespace fs = std::filesystem;
using storage::testing::flip;
using storage::testing::TempDir;

constexpr int kMigrations = 6;
constexpr int kAdds = 200;

Json run(Engine& e, Session& s, const std::string& text) { return e.execute_text(s, text); }

void must(Engine& e, Session& s, const std::string& text) {
  Json r = run(e, s, text);
  INFO(text << " -> " << r.dump());
  REQUIRE(r.value("success", false));
}

// The store of issue 10: migrations 1..6 applied (bundle B<v> with one document each), then
// 200 direct adds to B1. `wal_sizes` receives the WAL's size after each acknowledged write.
struct History {
  TempDir dir;
  std::string data = dir.sub("data");
  std::vector<uint64_t> wal_sizes;

  explicit History(bool flush_into_tables) {
    {
      auto e = open();
      Session s = e->open_embedded_session();
      must(*e, s, "CREATE DATABASE \"d\"");
      must(*e, s, "USE \"d\"");
      for (int v = 1; v <= kMigrations; ++v) {
        const std::string b = "B" + std::to_string(v);
        must(*e, s, "START MIGRATION WITH DESCRIPTION \"v" + std::to_string(v) +
                        "\" CREATE BUNDLE \"" + b +
                        "\" WITH FIELDS ({\"n\", INT, false, false}); ADD DOCUMENT TO BUNDLE \"" +
                        b + "\" WITH VALUES ({\"n\": " + std::to_string(v) + "}) COMMIT");
        must(*e, s, "APPLY MIGRATION WITH VERSION " + std::to_string(v));
        wal_sizes.push_back(fs::file_size(wal()));
      }
      for (int i = 0; i < kAdds; ++i) {
        must(*e, s, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\": " +
                        std::to_string(1000 + i) + "})");
        wal_sizes.push_back(fs::file_size(wal()));
      }
    }
    if (flush_into_tables) open().reset();  // recovery writes the WAL into table files
  }

  std::unique_ptr<Engine> open() const {
    EngineOptions o;
    o.data_dir = data;
    auto e = Engine::Open(o);
    INFO(e.status().ToString());
    REQUIRE(e.ok());
    return std::move(*e);
  }

  fs::path wal() const { return files(".log").at(0); }
  std::vector<fs::path> files(std::string_view part) const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(data)) {
      if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

// The error names `file` as damaged.
void names_file(const std::string& message, const fs::path& file) {
  INFO(message);
  CHECK(message.find("corrupt") != std::string::npos);
  CHECK(message.find(file.filename().string()) != std::string::npos);
}

// Opens the damaged store: refused naming `file`, or everything acknowledged is there (reads
// of a damaged table file may instead fail naming it). Returns true when it opened.
bool intact_or_loud(const History& h, const fs::path& file) {
  EngineOptions o;
  o.data_dir = h.data;
  auto opened = Engine::Open(o);
  if (!opened.ok()) {
    CHECK(opened.status().code() == Code::kStorageError);
    names_file(opened.status().message(), file);
    return false;
  }
  Engine& e = **opened;
  Session s = e.open_embedded_session();
  // Every answer is either right or a STORAGE_ERROR naming the damaged file.
  auto answer = [&](const std::string& text) -> std::optional<Json> {
    Json r = run(e, s, text);
    if (r.value("success", false)) return r;
    CHECK(r["error"]["code"] == "STORAGE_ERROR");
    names_file(r.value("message", ""), file);
    return std::nullopt;
  };
  if (!answer("USE \"d\"")) return true;
  if (auto m = answer("SHOW MIGRATIONS")) {
    CHECK((*m)["currentVersion"] == kMigrations);
    REQUIRE((*m)["migrations"].size() == kMigrations);
    for (const auto& rec : (*m)["migrations"]) CHECK(rec["Status"] == "APPLIED");
  }
  if (auto v = answer("VERIFY MIGRATIONS")) CHECK((*v)["problems"].empty());
  for (int b = 1; b <= kMigrations; ++b) {
    if (auto c = answer("SELECT COUNT FROM \"B" + std::to_string(b) + "\"")) {
      CHECK((*c)["ResultCount"] == (b == 1 ? 1 + kAdds : 1));
    }
  }
  return true;
}

// `strata store check --data DIR`: its exit code and output.
std::pair<int, std::string> store_check(const std::string& data) {
  const std::string out = data + ".check.txt";
  const std::string cmd =
      std::string(STRATA_BINARY) + " store check --data '" + data + "' > '" + out + "' 2>&1";
  int status = std::system(cmd.c_str());
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

// Where to flip 16 bytes of a History's WAL, from its own sizes (records carry times and
// durations, so two histories' WALs may differ by a few bytes).
struct Flip {
  const char* name;
  uint64_t (*offset)(const History& h);
};

TEST_CASE("store corruption: flips in the WAL never open with acknowledged data missing") {
  const std::vector<Flip> flips = {
      {"head", [](const History&) -> uint64_t { return 0; }},
      {"middle", [](const History& h) { return h.wal_sizes.back() / 2; }},
      // where APPLY 6's record starts, plus some
      {"APPLY 6's record", [](const History& h) { return h.wal_sizes[kMigrations - 2] + 100; }},
      {"last record's header",
       [](const History& h) { return h.wal_sizes[h.wal_sizes.size() - 2]; }},
      {"tail", [](const History& h) { return h.wal_sizes.back() - 16; }},
  };
  for (const Flip& f : flips) {
    DYNAMIC_SECTION(f.name) {
      History h(false);
      const fs::path wal = h.wal();
      REQUIRE(f.offset(h) + 16 <= fs::file_size(wal));
      flip(wal, f.offset(h), 16);
      const bool opened = intact_or_loud(h, wal);
      auto [code, text] = store_check(h.data);
      INFO(text);
      if (!opened) {
        CHECK(code == 1);
        CHECK(text.find(wal.filename().string()) != std::string::npos);
      }
    }
  }
}

TEST_CASE("store corruption: flips in a table file, the MANIFEST or CURRENT are loud") {
  SECTION("a table file's middle") {
    History h(true);
    std::vector<fs::path> tables = h.files(".sst");
    REQUIRE_FALSE(tables.empty());
    // The largest table holds the documents.
    fs::path victim = *std::max_element(tables.begin(), tables.end(), [](auto& a, auto& b) {
      return fs::file_size(a) < fs::file_size(b);
    });
    flip(victim, fs::file_size(victim) / 2, 16);
    intact_or_loud(h, victim);
    auto [code, text] = store_check(h.data);
    INFO(text);
    CHECK(code == 1);
    CHECK(text.find("table file " + victim.filename().string() + " is damaged") !=
          std::string::npos);
  }
  for (const char* where : {"head", "middle", "tail"}) {
    DYNAMIC_SECTION("the MANIFEST's " << where) {
      History h(true);
      const fs::path manifest = h.files("MANIFEST-").at(0);
      const uint64_t size = fs::file_size(manifest);
      const uint64_t at = std::string(where) == "head" ? 0
                          : std::string(where) == "middle" ? size / 2
                                                           : size - 16;
      flip(manifest, at, 16);
      if (!intact_or_loud(h, manifest)) {
        auto [code, text] = store_check(h.data);
        INFO(text);
        CHECK(code == 1);
        CHECK(text.find(manifest.filename().string()) != std::string::npos);
      }
    }
  }
  SECTION("CURRENT") {
    History h(true);
    flip(fs::path(h.data) / "CURRENT", 9, 3);
    CHECK_FALSE(intact_or_loud(h, fs::path(h.data) / "CURRENT"));
    auto [code, text] = store_check(h.data);
    INFO(text);
    CHECK(code == 1);
    CHECK(text.find("CURRENT") != std::string::npos);
  }
}

TEST_CASE("store check: a clean store exits 0, a tampered ledger exits 1") {
  History h(false);
  {
    auto [code, text] = store_check(h.data);
    INFO(text);
    CHECK(code == 0);
    CHECK(text.find("store at " + h.data + " is clean") != std::string::npos);
  }
  {
    // Rewrite migration 3's description inside its stored record header: the checksum no
    // longer matches (what VERIFY MIGRATIONS reports).
    auto e = h.open();
    Session s = e->open_embedded_session();
    must(*e, s, "USE \"d\"");
    auto view = e->read("d");
    REQUIRE(view.ok());
    auto txn = e->store().begin();
    auto it = e->store().scan_prefix(storage::Space::kLedger, "");
    int changed = 0;
    for (; it->valid(); it->next()) {
      std::string value(it->value());
      const size_t at = value.find("\"v3\"");
      if (at == std::string::npos) continue;
      value.replace(at, 4, "\"v9\"");
      txn->put(storage::Space::kLedger, it->key(), value);
      ++changed;
    }
    REQUIRE(changed > 0);
    REQUIRE(e->store().commit(*txn, true).ok());
  }
  auto [code, text] = store_check(h.data);
  INFO(text);
  CHECK(code == 1);
  CHECK(text.find("database 'd': migration 3") != std::string::npos);
  // Usage errors exit 2.
  const int usage = std::system((std::string(STRATA_BINARY) + " store check >/dev/null 2>&1").c_str());
  CHECK(WIFEXITED(usage));
  CHECK(WEXITSTATUS(usage) == 2);
}

}  // namespace
}  // namespace strata::engine
