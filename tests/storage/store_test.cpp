// Store and Txn: reads, writes, scans, snapshots, atomicity, reopen (STYLE §10, SPEC §8).

#include "storage/store.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_pool.hpp"
#include "storage/temp_dir.hpp"

namespace strata::storage {
namespace {

using testing::TempDir;

std::unique_ptr<Store> open_store(const std::string& path, size_t ingest_from_keys = 1u << 16,
                                  common::ThreadPool* pool = nullptr) {
  Options o;
  o.path = path;
  o.ingest_from_keys = ingest_from_keys;
  o.pool = pool;
  auto r = Store::Open(o);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::optional<std::string> get(const Store& s, Space sp, std::string_view k,
                               const Snapshot* snap = nullptr) {
  auto r = s.get(sp, k, snap);
  REQUIRE(r.ok());
  return *r;
}

std::vector<std::string> keys(std::unique_ptr<Iterator> it) {
  std::vector<std::string> out;
  for (; it->valid(); it->next()) out.emplace_back(it->key());
  REQUIRE(it->status().ok());
  return out;
}

void put_commit(Store& s, Space sp, const std::string& k, const std::string& v) {
  auto t = s.begin();
  t->put(sp, k, v);
  REQUIRE(s.commit(*t, false).ok());
}

TEST_CASE("store: put, get and delete through a committed txn") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto txn = store->begin();
  CHECK(txn->empty());
  txn->put(Space::kDocs, "a", "1");
  txn->put(Space::kDocs, "b", "2");
  CHECK(txn->count() == 2);
  CHECK(txn->bytes() > 0);
  CHECK_FALSE(get(*store, Space::kDocs, "a"));  // not visible before commit
  REQUIRE(store->commit(*txn, true).ok());
  CHECK(txn->empty());
  CHECK(get(*store, Space::kDocs, "a") == "1");
  CHECK(get(*store, Space::kDocs, "b") == "2");

  txn->del(Space::kDocs, "a");
  txn->put(Space::kDocs, "b", "3");
  REQUIRE(store->commit(*txn, false).ok());
  CHECK_FALSE(get(*store, Space::kDocs, "a"));
  CHECK(get(*store, Space::kDocs, "b") == "3");
  CHECK(store->describe() == "store at " + dir.sub("db"));
}

TEST_CASE("store: scans are in byte order and respect bounds") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto txn = store->begin();
  for (const std::string& k :
       std::vector<std::string>{"b", "a", "ab", "c", std::string("a\0", 2), std::string("\xff", 1),
                                std::string("\xff\xff", 2), std::string("a\xff", 2), "aa"}) {
    txn->put(Space::kIndex, k, "v" + k);
  }
  REQUIRE(store->commit(*txn, false).ok());
  CHECK(keys(store->scan(Space::kIndex, "a", "b")) ==
        std::vector<std::string>{"a", std::string("a\0", 2), "aa", "ab", std::string("a\xff", 2)});
  CHECK(keys(store->scan(Space::kIndex, "ab", "c")) ==
        std::vector<std::string>{"ab", std::string("a\xff", 2), "b"});
  CHECK(keys(store->scan(Space::kIndex, "b", "")) ==
        std::vector<std::string>{"b", "c", "\xff", "\xff\xff"});
  CHECK(keys(store->scan(Space::kIndex, "c", "b")).empty());
  CHECK(keys(store->scan_prefix(Space::kIndex, "a")).size() == 5);
  CHECK(keys(store->scan_prefix(Space::kIndex, "\xff")) ==
        std::vector<std::string>{"\xff", "\xff\xff"});
  CHECK(keys(store->scan_prefix(Space::kIndex, "")).size() == 9);
  auto it = store->scan(Space::kIndex, "c", "d");
  REQUIRE(it->valid());
  CHECK(it->key() == "c");
  CHECK(it->value() == "vc");
}

TEST_CASE("store: prefix_end edge cases") {
  CHECK(prefix_end("") == "");
  CHECK(prefix_end("a") == "b");
  CHECK(prefix_end("ab") == "ac");
  CHECK(prefix_end("a\xff") == "b");
  CHECK(prefix_end("a\xff\xff") == "b");
  CHECK(prefix_end("\xff") == "");
  CHECK(prefix_end("\xff\xff\xff") == "");
  CHECK(prefix_end(std::string("\x00", 1)) == std::string("\x01", 1));
  CHECK(prefix_end("\x01\xfe\xff") == "\x01\xff");
}

TEST_CASE("store: a txn reads its own writes merged with the store") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto setup = store->begin();
  for (std::string k : {"k1", "k2", "k3", "k5"}) setup->put(Space::kDocs, k, "db-" + k);
  REQUIRE(store->commit(*setup, false).ok());

  auto txn = store->begin();
  txn->put(Space::kDocs, "k4", "txn-k4");
  txn->put(Space::kDocs, "k2", "txn-k2");
  txn->del(Space::kDocs, "k3");
  txn->put(Space::kDocs, "k6", "txn-k6");
  txn->del(Space::kDocs, "k6");
  txn->put(Space::kDocs, "k0", "x");
  txn->put(Space::kDocs, "k0", "txn-k0");  // overwrite inside the batch
  txn->put(Space::kCatalog, "k1", "other space");

  auto g = [&](std::string_view k) {
    auto r = txn->get(Space::kDocs, k);
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(g("k1") == "db-k1");
  CHECK(g("k2") == "txn-k2");
  CHECK_FALSE(g("k3"));
  CHECK(g("k4") == "txn-k4");
  CHECK(g("k5") == "db-k5");
  CHECK_FALSE(g("k6"));
  CHECK(g("k0") == "txn-k0");

  std::vector<std::pair<std::string, std::string>> seen;
  for (auto it = txn->scan_prefix(Space::kDocs, "k"); it->valid(); it->next()) {
    seen.emplace_back(it->key(), it->value());
  }
  CHECK(
      seen ==
      std::vector<std::pair<std::string, std::string>>{
          {"k0", "txn-k0"}, {"k1", "db-k1"}, {"k2", "txn-k2"}, {"k4", "txn-k4"}, {"k5", "db-k5"}});
  CHECK(keys(txn->scan(Space::kDocs, "k1", "k5")) == std::vector<std::string>{"k1", "k2", "k4"});
  CHECK(keys(txn->scan(Space::kDocs, "k3", "k4")).empty());
  CHECK(keys(txn->scan(Space::kDocs, "k5", "k1")).empty());
  CHECK(keys(txn->scan(Space::kDocs, "k2", "k2")).empty());
  CHECK(keys(txn->scan(Space::kCatalog, "", "")) == std::vector<std::string>{"k1"});
  // Nothing is visible outside before commit.
  CHECK(get(*store, Space::kDocs, "k2") == "db-k2");
  CHECK(keys(store->scan_prefix(Space::kDocs, "k")).size() == 4);

  REQUIRE(store->commit(*txn, false).ok());
  CHECK(keys(store->scan_prefix(Space::kDocs, "k")) ==
        std::vector<std::string>{"k0", "k1", "k2", "k4", "k5"});
  // The reused txn reads the new state.
  CHECK(g("k0") == "txn-k0");
  CHECK_FALSE(g("k3"));
}

TEST_CASE("store: a snapshot does not see later commits") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  put_commit(*store, Space::kDocs, "a", "1");
  auto snap = store->snapshot();
  auto txn = store->begin();  // reads on its own snapshot
  put_commit(*store, Space::kDocs, "a", "2");
  put_commit(*store, Space::kDocs, "b", "3");
  CHECK(get(*store, Space::kDocs, "a", snap.get()) == "1");
  CHECK_FALSE(get(*store, Space::kDocs, "b", snap.get()));
  CHECK(keys(store->scan(Space::kDocs, "", "", snap.get())) == std::vector<std::string>{"a"});
  CHECK(get(*store, Space::kDocs, "a") == "2");
  auto r = txn->get(Space::kDocs, "a");
  REQUIRE(r.ok());
  CHECK(*r == "1");
  CHECK(keys(txn->scan_prefix(Space::kDocs, "")) == std::vector<std::string>{"a"});
}

TEST_CASE("store: a 100,000-put txn is all-or-nothing visible", "[concurrency]") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  constexpr int kN = 100000;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, full{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto snap = store->snapshot();
      int n = 0;
      for (auto it = store->scan_prefix(Space::kDocs, "big/", snap.get()); it->valid();
           it->next()) {
        ++n;
      }
      if (n != 0 && n != kN) bad.fetch_add(1);
      if (n == kN) full.fetch_add(1);
    }
  });
  auto txn = store->begin();
  for (int i = 0; i < kN; ++i) {
    txn->put(Space::kDocs, "big/" + std::to_string(i), std::string(20, 'x'));
  }
  CHECK(txn->count() == kN);
  REQUIRE(store->commit(*txn, true).ok());
  while (full.load() == 0) std::this_thread::yield();
  done = true;
  reader.join();
  CHECK(bad.load() == 0);
  CHECK(keys(store->scan_prefix(Space::kDocs, "big/")).size() == kN);
}

TEST_CASE("store: data survives close and reopen") {
  TempDir dir;
  {
    auto store = open_store(dir.sub("db"));
    put_commit(*store, Space::kLedger, "m1", "applied");
    put_commit(*store, Space::kSystem, "u1", "admin");
  }
  auto store = open_store(dir.sub("db"));
  CHECK(get(*store, Space::kLedger, "m1") == "applied");
  CHECK(get(*store, Space::kSystem, "u1") == "admin");
  auto v = get(*store, Space::kMeta, "format_version");
  CHECK(v == "2");
}

TEST_CASE("store: spaces are independent") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto txn = store->begin();
  for (int i = 0; i < kSpaceCount; ++i) {
    txn->put(static_cast<Space>(i), "same-key", "space-" + std::to_string(i));
  }
  REQUIRE(store->commit(*txn, false).ok());
  for (int i = 0; i < kSpaceCount; ++i) {
    CHECK(get(*store, static_cast<Space>(i), "same-key") == "space-" + std::to_string(i));
  }
  auto del = store->begin();
  del->del(Space::kDocs, "same-key");
  REQUIRE(store->commit(*del, false).ok());
  CHECK_FALSE(get(*store, Space::kDocs, "same-key"));
  CHECK(get(*store, Space::kIndex, "same-key") == "space-3");
  CHECK(std::string(space_name(Space::kMeta)) == "default");
}

TEST_CASE("store: an iterator and a snapshot may outlive their store") {
  TempDir dir;
  std::unique_ptr<Iterator> it;
  std::shared_ptr<const Snapshot> snap;
  {
    auto store = open_store(dir.sub("db"));
    put_commit(*store, Space::kDocs, "a", "1");
    snap = store->snapshot();
    it = store->scan_prefix(Space::kDocs, "");
  }
  REQUIRE(it->valid());
  CHECK(it->key() == "a");
  it.reset();
  snap.reset();
  auto store = open_store(dir.sub("db"));  // the DB was closed: the lock is free again
  CHECK(get(*store, Space::kDocs, "a") == "1");
}


TEST_CASE("store: a txn may rewrite the key its scan stands on, then move on") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto setup = store->begin();
  auto key = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "d%d", 100 + i);
    return std::string(buf);
  };
  for (int i = 0; i < 200; i += 2) setup->put(Space::kDocs, key(i), "db");
  REQUIRE(store->commit(*setup, false).ok());
  auto txn = store->begin();
  for (int i = 1; i < 200; i += 2) txn->put(Space::kDocs, key(i), std::string(i * 10, 'b'));
  txn->del(Space::kDocs, key(50));

  std::vector<std::string> visited;
  for (auto it = txn->scan_prefix(Space::kDocs, "d"); it->valid(); it->next()) {
    std::string k(it->key());
    visited.push_back(k);
    txn->put(Space::kDocs, k, std::string(300, 'u'));  // the current key
    txn->put(Space::kIndex, k, "entry");               // another space
  }
  std::vector<std::string> want;
  for (int i = 0; i < 200; ++i) {
    if (i != 50) want.push_back(key(i));
  }
  CHECK(visited == want);
  int updated = 0;
  for (auto it = txn->scan_prefix(Space::kDocs, "d"); it->valid(); it->next()) {
    updated += it->value() == std::string(300, 'u');
  }
  CHECK(updated == 199);
  CHECK(keys(txn->scan_prefix(Space::kIndex, "d")).size() == 199);
}


// Past 64 MiB of writes a commit drains the write set in write order instead of sorting it:
// rewritten and deleted keys must still end up as their last write said.
TEST_CASE("store: a txn over 64 MiB commits its last write of every key") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  put_commit(*store, Space::kDocs, "gone", "old");
  put_commit(*store, Space::kDocs, "kept", "old");
  auto txn = store->begin();
  const std::string big(1u << 20, 'x');
  for (int i = 0; i < 70; ++i) txn->put(Space::kDocs, "big" + std::to_string(i), big);
  txn->put(Space::kIndex, "k", "first");
  txn->del(Space::kDocs, "gone");
  txn->put(Space::kDocs, "kept", "new");
  txn->put(Space::kIndex, "k", "second");
  txn->put(Space::kDocs, "big7", "small");
  txn->del(Space::kDocs, "big9");
  REQUIRE(txn->bytes() > (64u << 20));
  REQUIRE(store->commit(*txn, true).ok());
  CHECK(txn->empty());
  CHECK_FALSE(get(*store, Space::kDocs, "gone"));
  CHECK(get(*store, Space::kDocs, "kept") == "new");
  CHECK(get(*store, Space::kIndex, "k") == "second");
  CHECK(get(*store, Space::kDocs, "big7") == "small");
  CHECK_FALSE(get(*store, Space::kDocs, "big9"));
  CHECK(get(*store, Space::kDocs, "big69") == big);
  CHECK(keys(store->scan_prefix(Space::kDocs, "big")).size() == 69);
}


// A scan started inside another scan re-sorts the txn's written keys; the outer scan must go
// on from where it stood: strictly increasing keys, each visited once, deleted ones skipped.
TEST_CASE("store: a nested scan that re-sorts the writes leaves the outer scan in order") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto setup = store->begin();
  for (int i = 0; i < 100; i += 3) setup->put(Space::kDocs, "k" + std::to_string(1000 + i), "db");
  REQUIRE(store->commit(*setup, false).ok());
  auto txn = store->begin();
  for (int i = 1; i < 100; i += 3) txn->put(Space::kDocs, "k" + std::to_string(1000 + i), "w");
  txn->del(Space::kDocs, "k1030");
  std::vector<std::string> visited;
  int written_behind = 0;
  for (auto it = txn->scan_prefix(Space::kDocs, "k"); it->valid(); it->next()) {
    std::string k(it->key());
    visited.push_back(k);
    const int n = std::stoi(k.substr(1));
    if ((n - 1000) % 3 == 0 && n + 2 < 1100) {  // a key from the store
      txn->put(Space::kDocs, "k" + std::to_string(n + 2), "ahead");  // a new key ahead
      txn->put(Space::kDocs, "k0" + std::to_string(n), "behind");    // a new key behind
      ++written_behind;
      CHECK(keys(txn->scan_prefix(Space::kDocs, "k")).size() > 0);  // re-sorts the writes
    }
  }
  REQUIRE(written_behind > 0);
  for (size_t i = 1; i < visited.size(); ++i) CHECK(visited[i - 1] < visited[i]);
  CHECK(std::find(visited.begin(), visited.end(), "k1030") == visited.end());
  for (const auto& k : visited) CHECK(k.rfind("k0", 0) != 0);  // nothing behind the scan
  // Every key the txn now holds, in order, once.
  auto all = keys(txn->scan_prefix(Space::kDocs, "k"));
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(std::find(all.begin(), all.end(), "k1030") == all.end());
  CHECK(std::count_if(all.begin(), all.end(), [](const std::string& k) {
          return k.rfind("k0", 0) == 0;
        }) == written_behind);
}

// The sort of a large write set reads keys 8 bytes at a time (write_set.cpp): keys sharing
// long prefixes, keys that are prefixes of others, zero bytes and 8-byte boundaries must
// still come out in byte order, through a scan of the txn and through the commit.
TEST_CASE("store: 100,000 keys alike for dozens of bytes scan and commit in byte order") {
  TempDir dir;
  auto store = open_store(dir.sub("db"));
  std::mt19937_64 rng(20261121);
  std::vector<std::string> written;
  auto txn = store->begin();
  for (int i = 0; i < 100000; ++i) {
    std::string k(std::uniform_int_distribution<size_t>(0, 40)(rng), 'p');
    k += static_cast<char>(rng() % 3);  // 0, 1 or 2: zero bytes inside keys
    const uint64_t r = rng();
    k.append(reinterpret_cast<const char*>(&r), rng() % 9);  // 0..8 more bytes
    if (rng() % 4 == 0) k.resize(k.size() / 2);              // prefixes of other keys
    txn->put(Space::kIndex, k, "v");
    written.push_back(std::move(k));
  }
  std::sort(written.begin(), written.end());
  written.erase(std::unique(written.begin(), written.end()), written.end());
  CHECK(keys(txn->scan(Space::kIndex, "", "")) == written);
  REQUIRE(store->commit(*txn, true).ok());
  CHECK(keys(store->scan(Space::kIndex, "", "")) == written);
}

bool has_ingest_files(const std::string& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with("strata-ingest-")) return true;
  }
  return false;
}

size_t table_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    n += entry.path().extension() == ".sst";
  }
  return n;
}

// A commit of Options::ingest_from_keys keys or more becomes SST files ingested into every Space
// at once: the same last-write-wins, deletes of stored keys, snapshot isolation and
// durability as a WAL batch.
TEST_CASE("store: an ingested commit writes the last write of every key, in every Space") {
  TempDir dir;
  const std::string path = dir.sub("db");
  {
    auto store = open_store(path, /*ingest_from_keys=*/1000);
    put_commit(*store, Space::kDocs, "gone", "old");
    put_commit(*store, Space::kDocs, "kept", "old");
    put_commit(*store, Space::kLedger, "l", "old");
    auto before = store->snapshot();
    auto txn = store->begin();
    for (int i = 0; i < 50000; ++i) {
      txn->put(Space::kDocs, "doc/" + std::to_string(i), "v" + std::to_string(i));
      txn->put(Space::kIndex, "idx/" + std::to_string(49999 - i), std::to_string(i));
    }
    txn->del(Space::kDocs, "gone");
    txn->put(Space::kDocs, "kept", "new");
    txn->put(Space::kDocs, "doc/7", "rewritten");
    txn->del(Space::kDocs, "doc/8");
    txn->put(Space::kLedger, "l", "new");
    REQUIRE(txn->count() >= 1000);
    REQUIRE(table_files(path) == 0);  // so far everything is in the WAL and memtables
    REQUIRE(store->commit(*txn, /*sync=*/false).ok());
    CHECK(table_files(path) >= 3);  // one file or more per Space written
    CHECK(txn->empty());
    CHECK_FALSE(has_ingest_files(path));

    CHECK(get(*store, Space::kDocs, "gone", before.get()) == "old");  // older snapshot
    CHECK_FALSE(get(*store, Space::kDocs, "doc/1", before.get()));
    CHECK(get(*store, Space::kLedger, "l", before.get()) == "old");

    // Small commits after it take the WAL path and layer on top.
    put_commit(*store, Space::kDocs, "doc/9", "after");
  }
  auto store = open_store(path);
  CHECK_FALSE(get(*store, Space::kDocs, "gone"));
  CHECK(get(*store, Space::kDocs, "kept") == "new");
  CHECK(get(*store, Space::kDocs, "doc/7") == "rewritten");
  CHECK_FALSE(get(*store, Space::kDocs, "doc/8"));
  CHECK(get(*store, Space::kDocs, "doc/9") == "after");
  CHECK(get(*store, Space::kDocs, "doc/49999") == "v49999");
  CHECK(get(*store, Space::kIndex, "idx/0") == "49999");
  CHECK(get(*store, Space::kLedger, "l") == "new");
  CHECK(keys(store->scan_prefix(Space::kDocs, "doc/")).size() == 49999);
  CHECK(keys(store->scan_prefix(Space::kIndex, "idx/")).size() == 50000);
}

// A commit of few keys but Options::ingest_from_bytes or more (a big migration's START: its
// commands record in 1 MiB chunks) is ingested too: no WAL record, batch or memtable copy of it.
TEST_CASE("store: a commit of few keys but many bytes is ingested, atomically and durably") {
  TempDir dir;
  const std::string path = dir.sub("db");
  const std::string chunk(1u << 20, 'c');
  {
    auto store = open_store(path);
    put_commit(*store, Space::kDocs, "gone", "old");
    auto before = store->snapshot();
    auto txn = store->begin();
    for (int i = 0; i < 12; ++i) txn->put(Space::kLedger, "rec/" + std::to_string(i), chunk);
    txn->put(Space::kLedger, "header", "h");
    txn->del(Space::kDocs, "gone");
    REQUIRE(txn->count() < 100);
    REQUIRE(txn->bytes() >= (8u << 20));
    REQUIRE(table_files(path) == 0);
    REQUIRE(store->commit(*txn, /*sync=*/true).ok());
    CHECK(table_files(path) >= 2);  // the Ledger's and the Docs' (a delete) files
    CHECK(get(*store, Space::kDocs, "gone", before.get()) == "old");
    CHECK_FALSE(get(*store, Space::kLedger, "header", before.get()));
    // Below the threshold: the WAL, as before.
    const size_t files = table_files(path);
    auto small = store->begin();
    small->put(Space::kLedger, "rec/small", std::string(1u << 20, 's'));
    REQUIRE(store->commit(*small, true).ok());
    CHECK(table_files(path) == files);
  }
  auto store = open_store(path);
  CHECK_FALSE(get(*store, Space::kDocs, "gone"));
  CHECK(get(*store, Space::kLedger, "header") == "h");
  CHECK(keys(store->scan_prefix(Space::kLedger, "rec/")).size() == 13);
  CHECK(get(*store, Space::kLedger, "rec/11") == chunk);
}

// A migration-sized commit is sorted (digit sort, one part per core, merged) and its table files
// built on the engine's thread pool: with 3 workers (parts merged in two rounds) it writes
// exactly what the committing thread alone writes.
TEST_CASE("store: a commit sorted and built on a thread pool writes what one thread writes") {
  TempDir dir;
  common::ThreadPool pool(3);
  auto alone = open_store(dir.sub("alone"), /*ingest_from_keys=*/1000);
  auto pooled = open_store(dir.sub("pooled"), /*ingest_from_keys=*/1000, &pool);
  std::mt19937 rng(7);
  std::vector<std::string> written;
  for (int i = 0; i < 100000; ++i) {  // above the parallel sort's threshold (65,536 keys)
    // Long shared prefixes: the sort must look past its first 16-byte digit.
    written.push_back("index/of/some/bundle/value/" + std::to_string(rng() % 5000) + "/" +
                      std::to_string(rng()));
  }
  auto fill = [&](Store& store) {
    auto txn = store.begin();
    for (size_t i = 0; i < written.size(); ++i) {
      txn->put(Space::kIndex, written[i], std::to_string(i));
      if (i % 2 == 0) txn->put(Space::kDocs, written[i], "d");
    }
    REQUIRE(store.commit(*txn, /*sync=*/false).ok());
  };
  fill(*alone);
  fill(*pooled);
  for (Space space : {Space::kIndex, Space::kDocs}) {
    auto a = alone->scan(space, "", "");
    auto b = pooled->scan(space, "", "");
    size_t n = 0;
    for (; a->valid(); a->next(), b->next(), ++n) {
      REQUIRE(b->valid());
      REQUIRE(a->key() == b->key());
      REQUIRE(a->value() == b->value());
    }
    CHECK_FALSE(b->valid());
    CHECK(n > 40000);
  }
  std::sort(written.begin(), written.end());
  written.erase(std::unique(written.begin(), written.end()), written.end());
  CHECK(keys(pooled->scan_prefix(Space::kIndex, "index/")) == written);
}

// A crash between building the files and ingesting them leaves strata-ingest-*.tmp files in
// the store's directory; opening the store removes them.
TEST_CASE("store: files of an interrupted ingestion are removed at open") {
  TempDir dir;
  const std::string path = dir.sub("db");
  { open_store(path); }
  std::ofstream(path + "/strata-ingest-3.tmp") << "half a table";
  REQUIRE(has_ingest_files(path));
  auto store = open_store(path);
  CHECK_FALSE(has_ingest_files(path));
  put_commit(*store, Space::kDocs, "a", "1");
  CHECK(get(*store, Space::kDocs, "a") == "1");
}

}  // namespace
}  // namespace strata::storage
