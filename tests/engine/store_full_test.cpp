// A full disk, a lost permission and a read-only medium, on a real small tmpfs (SPEC §8,
// docs/RELIABILITY.md). Each path that writes — a direct write, the START of a big migration,
// APPLY through one WAL batch, APPLY through ingested table files — answers STORE_FULL (or
// STORE_READ_ONLY) instead of aborting, changes nothing, lets reads go on, and works again
// by itself once space or permission is back (no restart); an APPLY that failed that way is
// marked FAILED as soon as the store accepts writes again; the store then reopens clean. The
// recovery never hangs, also when RocksDB's background flush runs late (under CPU load).
// Needs root to mount the tmpfs; without it each test says it is skipped.

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "storage/tmpfs.hpp"

namespace strata::engine {
namespace {

using storage::testing::Tmpfs;
using Clock = std::chrono::steady_clock;

constexpr size_t kTmpfsBytes = 96u << 20;
// RocksDB reserves WAL space ahead (fallocate) in blocks of 1.1 × the largest memtable
// (16 MB): a write that must fail on a full disk is larger than that.
constexpr size_t kBig = 24u << 20;

struct Fixture {
  Tmpfs fs{kTmpfsBytes};
  std::string data = fs.sub("data");
  std::unique_ptr<Engine> engine;
  Session session;

  bool start() {
    if (!fs.ok()) {
      WARN(fs.why());
      return false;
    }
    open();
    ok("CREATE DATABASE \"d\"");
    ok("USE \"d\"");
    ok("SET AllowDirectSchemaChanges = true");
    ok("CREATE BUNDLE \"T\" WITH FIELDS ({\"k\", STRING, true, true}, {\"v\", STRING, false, "
       "false})");
    for (int i = 0; i < 20; ++i) add("seed" + std::to_string(i), 100);
    return true;
  }
  void open() {
    EngineOptions o;
    o.data_dir = data;
    auto e = Engine::Open(o);
    INFO(e.status().ToString());
    REQUIRE(e.ok());
    engine = std::move(*e);
    session = engine->open_embedded_session();
  }
  void reopen() {
    engine.reset();
    open();
    ok("USE \"d\"");
  }

  Json run(const std::string& text) { return engine->execute_text(session, text); }
  Json ok(const std::string& text) {
    Json r = run(text);
    INFO(text.substr(0, 200) << " -> " << r.dump().substr(0, 400));
    REQUIRE(r.value("success", false));
    return r;
  }
  // The statement fails with `code` and a message saying what happened.
  Json refused(const std::string& text, const std::string& code) {
    Json r = run(text);
    INFO(text.substr(0, 200) << " -> " << r.dump().substr(0, 400));
    REQUIRE(r.value("status", "") == "error");
    CHECK(r["error"]["code"] == code);
    CHECK(r.value("message", "").find("store at " + data) != std::string::npos);
    return r;
  }
  // Incompressible values: a write of 8 MiB or more is ingested as a table file, which
  // compression would otherwise shrink to almost nothing on the full disk.
  std::string add_text(const std::string& key, size_t value_bytes) {
    std::string value(value_bytes, ' ');
    std::mt19937 rng(static_cast<uint32_t>(value_bytes));
    for (char& ch : value) ch = static_cast<char>('a' + rng() % 26);
    return "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"k\": \"" + key + "\", \"v\": \"" +
           value + "\"})";
  }
  Json add(const std::string& key, size_t value_bytes) { return ok(add_text(key, value_bytes)); }
  uint64_t count() { return ok("SELECT COUNT FROM \"T\"")["ResultCount"].get<uint64_t>(); }

  // A migration adding `docs` documents of `bytes` each to a new bundle `bundle`.
  std::string migration(const std::string& bundle, int docs, size_t bytes) {
    std::string s = "START MIGRATION WITH DESCRIPTION \"" + bundle + "\" CREATE BUNDLE \"" +
                    bundle + "\" WITH FIELDS ({\"n\", INT, true, true}, {\"v\", STRING, false, "
                             "false});\n";
    const std::string value(bytes, 'm');
    for (int i = 0; i < docs; ++i) {
      s += "ADD DOCUMENT TO BUNDLE \"" + bundle + "\" WITH VALUES ({\"n\": " +
           std::to_string(i) + ", \"v\": \"" + value + "\"});\n";
    }
    return s + "COMMIT";
  }
  std::string status_of(int version) {
    Json m = ok("SHOW MIGRATIONS");
    for (const auto& r : m["migrations"]) {
      if (r["Version"] == version) return r["Status"];
    }
    return "";
  }
  // Waits (up to 20 s: a loaded machine) until migration `version` has `status`, with no
  // write sent.
  bool becomes(int version, const std::string& status) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      if (status_of(version) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void consistent() {
    auto c = engine->check_consistency("d");
    REQUIRE(c.ok());
    INFO(c->dump());
    CHECK((*c)["ok"] == true);
    Json v = ok("VERIFY MIGRATIONS");  // (T was created directly: schema drift is expected)
    CHECK(v["checksumsValid"] == true);
    CHECK(v["chainValid"] == true);
  }
};

TEST_CASE("store full: a direct write answers STORE_FULL, reads go on, writes come back") {
  Fixture f;
  if (!f.start()) return;
  f.fs.fill(32 << 10);
  f.refused(f.add_text("big", kBig), "STORE_FULL");
  CHECK(f.count() == 20);  // reads go on
  f.refused(f.add_text("big", kBig), "STORE_FULL");  // still full: still refused, no abort
  f.fs.free();
  f.add("big", kBig);  // by itself, no restart
  f.add("after", 10);
  CHECK(f.count() == 22);
  f.reopen();
  CHECK(f.count() == 22);
  f.consistent();
}

TEST_CASE("store full: the START of a big migration answers STORE_FULL and nothing is stored") {
  Fixture f;
  if (!f.start()) return;
  const std::string start = f.migration("Big", 24000, 1000);  // ~24 MB of commands
  f.fs.fill(256 << 10);
  f.refused(start, "STORE_FULL");
  CHECK(f.ok("SHOW MIGRATIONS")["migrations"].empty());
  f.fs.free();
  f.ok(start);
  f.ok("APPLY MIGRATION WITH VERSION 1 FORCE");
  CHECK(f.ok("SELECT COUNT FROM \"Big\"")["ResultCount"] == 24000);
  f.reopen();
  CHECK(f.status_of(1) == "APPLIED");
  f.consistent();
}

TEST_CASE("store full: an APPLY that cannot be written is marked FAILED once space is back") {
  // One WAL batch (6,000 documents, ~6 MB: below Options::ingest_from_keys and
  // ingest_from_bytes), and the ingestion of table files (70,000 documents: above
  // ingest_from_keys).
  for (int docs : {6000, 70000}) {
    DYNAMIC_SECTION(docs << " documents") {
      Fixture f;
      if (!f.start()) return;
      f.ok(f.migration("M", docs, docs > 30000 ? 20 : 1000));
      f.fs.fill(64 << 10);
      f.refused("APPLY MIGRATION WITH VERSION 1 FORCE", "STORE_FULL");
      // A failed WAL write stops RocksDB's writes: the FAILED mark waits for space. (A failed
      // ingestion leaves nothing behind, so its mark may already fit.)
      if (docs < 30000) CHECK(f.status_of(1) == "PENDING");
      CHECK(f.run("SELECT COUNT FROM \"M\"")["error"]["code"] == "BUNDLE_NOT_FOUND");
      f.fs.free();
      CHECK(f.becomes(1, "FAILED"));  // no statement needed
      Json m = f.ok("SHOW MIGRATION 1")["migration"];
      CHECK(m.value("FailureReason", "").find("is full") != std::string::npos);
      f.add("after", 10);
      f.reopen();
      CHECK(f.status_of(1) == "FAILED");
      CHECK(f.run("SELECT COUNT FROM \"M\"")["error"]["code"] == "BUNDLE_NOT_FOUND");
      f.consistent();
    }
  }
}

// Busy threads competing for the CPU while they live: RocksDB's background flush then runs
// late, after a failed write stopped writes — which is when RocksDB 7.8 loses track of a
// flush request, and used to leave DB::Resume() waiting forever (write_errors.cpp).
struct CpuLoad {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  explicit CpuLoad(int n) {
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([this] {
        volatile uint64_t x = 0;
        while (!stop.load(std::memory_order_relaxed)) x = x + 1;
      });
    }
  }
  ~CpuLoad() {
    stop = true;
    for (auto& t : threads) t.join();
  }
};

TEST_CASE("store full: writes come back after a full disk under load every time (no hang)") {
  for (int round = 0; round < 4; ++round) {
    DYNAMIC_SECTION("round " << round) {
      Fixture f;
      if (!f.start()) return;
      f.ok(f.migration("M", 6000, 1000));  // APPLY: one ~6 MB WAL batch, which fails
      f.fs.fill(64 << 10);
      {
        CpuLoad load(4);
        f.refused("APPLY MIGRATION WITH VERSION 1 FORCE", "STORE_FULL");
        std::this_thread::sleep_for(std::chrono::milliseconds(300 * round));
        f.fs.free();
        CHECK(f.becomes(1, "FAILED"));  // the retry thread's resume neither hangs nor fails
        const auto started = Clock::now();
        f.add("after", 10);  // a writer is not held up by a resume that cannot finish
        CHECK(Clock::now() - started < std::chrono::seconds(15));
      }
      // Several memtables filled and flushed: no flush lags behind (no endless write stall).
      for (int i = 0; i < 4; ++i) f.add("more" + std::to_string(i), 4u << 20);
      CHECK(f.count() == 25);
      f.reopen();
      CHECK(f.status_of(1) == "FAILED");
      CHECK(f.count() == 25);
      f.consistent();
    }
  }
}

TEST_CASE("store full: a store on a read-only medium opens read-only") {
  Fixture f;
  if (!f.start()) return;
  f.engine.reset();
  REQUIRE(f.fs.remount(/*read_only=*/true));
  f.open();
  f.ok("USE \"d\"");
  CHECK(f.count() == 20);
  f.ok("SHOW MIGRATIONS");
  f.refused(f.add_text("x", 10), "STORE_READ_ONLY");
  f.refused("CREATE DATABASE \"other\"", "STORE_READ_ONLY");
  f.refused(f.migration("R", 1, 1), "STORE_READ_ONLY");
  CHECK(f.count() == 20);
  f.engine.reset();
  REQUIRE(f.fs.remount(/*read_only=*/false));
  f.reopen();
  f.add("x", 10);
  CHECK(f.count() == 21);
  f.consistent();
}

// Runs the rest of a test as an unprivileged user (root ignores file modes): effective ids
// only, for the whole process, restored on destruction.
struct AsNobody {
  static constexpr uid_t kNobody = 65534;
  bool ok = false;
  explicit AsNobody(const std::string& dir) {
    if (::chown(dir.c_str(), kNobody, kNobody) != 0) return;
    ok = ::setegid(kNobody) == 0 && ::seteuid(kNobody) == 0;
  }
  ~AsNobody() {
    if (::seteuid(0) != 0 || ::setegid(0) != 0) std::abort();
  }
};

TEST_CASE("store full: a lost write permission answers STORE_READ_ONLY, then heals itself") {
  Fixture f;
  if (!f.fs.ok()) {
    WARN(f.fs.why());
    return;
  }
  AsNobody nobody(f.fs.path());
  if (!nobody.ok) {
    WARN("cannot switch to an unprivileged user; skipped");
    return;
  }
  REQUIRE(f.start());
  // ~6 MB of stored commands: the ledger's memtable is over its size, so the next write must
  // start a new WAL file — which a directory without write permission refuses, an error
  // RocksDB deems fatal (DB::Resume cannot lift it; the store is reopened instead).
  f.ok(f.migration("M", 70000, 20));
  REQUIRE(::chmod(f.data.c_str(), 0555) == 0);
  f.refused(f.add_text("x", 10), "STORE_READ_ONLY");
  f.refused("APPLY MIGRATION WITH VERSION 1 FORCE", "STORE_READ_ONLY");
  CHECK(f.count() == 20);  // reads go on
  CHECK(f.status_of(1) == "PENDING");
  REQUIRE(::chmod(f.data.c_str(), 0755) == 0);
  CHECK(f.becomes(1, "FAILED"));  // no statement needed
  f.add("after", 10);
  f.ok("START MIGRATION CREATE BUNDLE \"N\" WITH FIELDS ({\"n\", INT, false, false}) COMMIT");
  CHECK(f.count() == 21);
  f.reopen();
  CHECK(f.status_of(1) == "FAILED");
  CHECK(f.status_of(2) == "PENDING");
  CHECK(f.count() == 21);
  f.consistent();
}

}  // namespace
}  // namespace strata::engine
