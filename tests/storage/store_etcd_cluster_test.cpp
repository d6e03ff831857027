// The etcd store over a real 3-member cluster (SPEC §8, §11): the store contract of the RocksDB
// store, and what only a cluster has — a 100,000-key commit seen all at once or not at all by
// another server, a writer killed -9 in the middle of staging (nothing visible; the next writer
// rolls it back), a writer paused past its lease TTL (it cannot commit), member failures.
//
// Writers that must die are child processes: this binary re-executed on a hidden test case,
// told what to do through STRATA_ETCD_CHILD_* variables, reporting through a pipe.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "common/thread_pool.hpp"
#include "storage/etcd/etcd_store.hpp"
#include "storage/etcd/ops.hpp"
#include "storage/etcd_cluster.hpp"
#include "storage/store_contract.hpp"

namespace strata::storage::etcd {
namespace {

using contract::db_key;
using testing::EtcdCluster;

constexpr const char* kChildTest = "etcd store: child writer (run by the parent tests)";

std::string fresh_prefix() {
  static std::mt19937 rng(std::random_device{}());
  return "/test" + std::to_string(rng() % 1000000000);
}

// The thread pool the stores' lease, watches and compaction run on (the Engine's, in a server).
common::ThreadPool& test_pool() {
  static common::ThreadPool pool(2);
  return pool;
}

EtcdStoreOptions store_options(const std::vector<std::string>& endpoints,
                               const std::string& prefix, int64_t ttl_s = 3) {
  EtcdStoreOptions o;
  o.pool = &test_pool();
  o.client.endpoints = endpoints;
  o.client.deadline = std::chrono::milliseconds(3000);
  o.prefix = prefix;
  o.lock_ttl_s = ttl_s;
  o.server = "test-" + std::to_string(getpid());
  o.compact_interval = std::chrono::seconds(0);
  return o;
}

std::unique_ptr<EtcdStore> open(const EtcdCluster& c, const std::string& prefix,
                                int64_t ttl_s = 3) {
  auto s = EtcdStore::Open(store_options(c.endpoints(), prefix, ttl_s));
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return std::move(*s);
}

std::string num(int i) {
  char k[16];
  std::snprintf(k, sizeof k, "%08d", i);
  return k;
}

// The number of raw etcd keys under `prefix` + `sub`.
int64_t raw_count(EtcdStore& s, const std::string& prefix, const std::string& sub) {
  const std::string p = prefix + sub;
  auto r = s.client().range(ops::range(p, {.end = ops::prefix_range_end(p), .count_only = true}));
  REQUIRE(r.ok());
  return r->count();
}

// ---------------------------------------------------------------------------------------------
// The child writer.

// What the child does, from STRATA_ETCD_CHILD_MODE:
//   "stage":  commits kChildKeys new keys (and rewrites the seeded ones) in a staged commit; after
//             staging request STRATA_ETCD_CHILD_STOP it writes 'S' to the pipe and sleeps (to be
//             killed).
//   "pause":  takes lock "db/x", writes 'L', reads one byte from fd 0, then commits one key fenced
//             by the lock and writes '0' (committed) or '1' (refused); then a staged commit fenced
//             by the lock that stops itself (SIGSTOP) after its first staging request, and writes
//             '0' or '1' for it too.
constexpr int kChildKeys = 60000;
constexpr uint32_t kChildDb = 11;

void seed(Store& s) {
  auto t = s.begin();
  for (int i = 0; i < 100; ++i) t->put(Space::kDocs, db_key(kChildDb, "s" + num(i)), "old");
  t->put(Space::kDocs, db_key(kChildDb, "doomed"), "old");
  t->put(Space::kLedger, db_key(kChildDb, "big"), std::string(2u << 20, 'o'));
  contract::commit(s, *t);
}

void fill_child_txn(Txn& t, const std::string& tag) {
  for (int i = 0; i < 100; ++i) t.put(Space::kDocs, db_key(kChildDb, "s" + num(i)), tag);
  for (int i = 0; i < kChildKeys; ++i) {
    t.put(Space::kDocs, db_key(kChildDb, "n" + num(i)), tag + std::string(60, 'x'));
  }
  t.del(Space::kDocs, db_key(kChildDb, "doomed"));
  t.put(Space::kLedger, db_key(kChildDb, "big"), std::string(3u << 20, 'n'));
  t.put(Space::kLedger, db_key(kChildDb, "newbig"), std::string(1u << 20, 'n'));
}

// The state a staged-and-abandoned child commit must leave: exactly the seeded one.
void check_seeded(Store& s, const Snapshot* snap = nullptr) {
  for (int i = 0; i < 100; i += 7) {
    CHECK(contract::get(s, Space::kDocs, db_key(kChildDb, "s" + num(i)), snap) == "old");
  }
  CHECK(contract::get(s, Space::kDocs, db_key(kChildDb, "doomed"), snap) == "old");
  CHECK(contract::get(s, Space::kLedger, db_key(kChildDb, "big"), snap) ==
        std::string(2u << 20, 'o'));
  CHECK_FALSE(contract::get(s, Space::kLedger, db_key(kChildDb, "newbig"), snap));
  CHECK_FALSE(contract::get(s, Space::kDocs, db_key(kChildDb, "n" + num(0)), snap));
  CHECK(contract::keys(s.scan_prefix(Space::kDocs, keys::database_prefix(kChildDb), snap)).size() ==
        101);
}

TEST_CASE(kChildTest, "[.child]") {
  const char* mode = std::getenv("STRATA_ETCD_CHILD_MODE");
  if (mode == nullptr) return;  // not a child
  const int out = std::atoi(std::getenv("STRATA_ETCD_CHILD_FD"));
  std::vector<std::string> endpoints;
  std::string list = std::getenv("STRATA_ETCD_CHILD_ENDPOINTS");
  for (size_t at = 0; at < list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    endpoints.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  auto store = EtcdStore::Open(store_options(endpoints, std::getenv("STRATA_ETCD_CHILD_PREFIX"), 2));
  if (!store.ok()) std::_Exit(3);
  auto say = [&](char c) {
    if (write(out, &c, 1) != 1) std::_Exit(5);
  };
  if (std::string(mode) == "stage") {
    const size_t stop = std::strtoul(std::getenv("STRATA_ETCD_CHILD_STOP"), nullptr, 10);
    (*store)->set_staging_hook([&](size_t n) {
      if (n < stop) return;
      say('S');
      for (;;) pause();  // killed here
    });
    auto t = (*store)->begin();
    fill_child_txn(*t, "child");
    (void)(*store)->commit(*t, true);
    std::_Exit(4);  // the staging hook should never have returned
  }
  // "pause"
  auto lock = (*store)->lock("db/x", LockOwner{"child", "1", "test"}, std::chrono::seconds(10));
  if (!lock.ok()) std::_Exit(6);
  say('L');
  char go;
  if (read(0, &go, 1) != 1) std::_Exit(7);
  auto t = (*store)->begin();
  t->put(Space::kDocs, db_key(12, "after-pause"), "child");
  say((*store)->commit(*t, true, lock->get()).ok() ? '0' : '1');
  // A staged commit under a lock taken anew, paused after its first request.
  auto lock2 = (*store)->lock("db/y", LockOwner{"child", "1", "big"}, std::chrono::seconds(10));
  if (!lock2.ok()) std::_Exit(8);
  (*store)->set_staging_hook([](size_t n) {
    if (n == 0) raise(SIGSTOP);
  });
  auto big = (*store)->begin();
  for (int i = 0; i < kChildKeys; ++i) {
    big->put(Space::kDocs, db_key(13, num(i)), std::string(60, 'c'));
  }
  say((*store)->commit(*big, true, lock2->get()).ok() ? '0' : '1');
  std::_Exit(0);
}

// A running child writer.
class Child {
 public:
  Child(const EtcdCluster& c, const std::string& prefix, const std::string& mode,
        int stop_after = 0) {
    int to_parent[2], to_child[2];
    REQUIRE(pipe(to_parent) == 0);
    REQUIRE(pipe(to_child) == 0);
    std::string endpoints;
    for (const auto& e : c.endpoints()) endpoints += (endpoints.empty() ? "" : ",") + e;
    setenv("STRATA_ETCD_CHILD_MODE", mode.c_str(), 1);
    setenv("STRATA_ETCD_CHILD_FD", std::to_string(to_parent[1]).c_str(), 1);
    setenv("STRATA_ETCD_CHILD_ENDPOINTS", endpoints.c_str(), 1);
    setenv("STRATA_ETCD_CHILD_PREFIX", prefix.c_str(), 1);
    setenv("STRATA_ETCD_CHILD_STOP", std::to_string(stop_after).c_str(), 1);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      int devnull = ::open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      execl("/proc/self/exe", "storage_cluster_tests", kChildTest, static_cast<char*>(nullptr));
      _exit(127);
    }
    unsetenv("STRATA_ETCD_CHILD_MODE");
    close(to_parent[1]);
    close(to_child[0]);
    from_ = to_parent[0];
    to_ = to_child[1];
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGCONT);
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(from_);
    close(to_);
  }
  // The next byte the child says, or 0 when it says nothing within `timeout`.
  char hear(std::chrono::seconds timeout) {
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count() * 1000)) <= 0) return 0;
    char c = 0;
    return read(from_, &c, 1) == 1 ? c : 0;
  }
  void tell(char c) { REQUIRE(write(to_, &c, 1) == 1); }
  void kill9() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Waits until the child stopped itself (SIGSTOP).
  bool wait_stopped(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WUNTRACED | WNOHANG) == pid_ && WIFSTOPPED(status)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int from_ = -1;
  int to_ = -1;
};

// ---------------------------------------------------------------------------------------------

TEST_CASE("etcd store: the store contract, as on RocksDB") {
  EtcdCluster cluster;
  {
    auto s = open(cluster, fresh_prefix());
    contract::put_get_delete(*s);
    contract::scans_in_order(*s);
    contract::txn_reads_its_writes(*s);
    contract::snapshots_are_stable(*s);
    contract::big_values(*s);
  }
  {
    const std::string prefix = fresh_prefix();
    auto s = open(cluster, prefix);
    contract::big_values(*s);
    // Nothing is left behind in etcd: no chunk of a value that was replaced or deleted.
    CHECK(raw_count(*s, prefix, "/c/") == 0);
    CHECK(raw_count(*s, prefix, "/s/") == 0);
    CHECK(raw_count(*s, prefix, "/o/") == 0);
  }
  contract::locks_and_fences(*open(cluster, fresh_prefix()));
  contract::watch_sees_commits(*open(cluster, fresh_prefix()));
}

TEST_CASE("etcd store: a layout of another format under the prefix is refused") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto s = open(cluster, prefix);
  REQUIRE(s->client().put(ops::put(prefix + "/format", "strata-etcd 99")).ok());
  auto again = EtcdStore::Open(store_options(cluster.endpoints(), prefix));
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == Code::kStorageError);
  CHECK(again.status().message().find("strata-etcd 99") != std::string::npos);
  auto bad = EtcdStore::Open(store_options(cluster.endpoints(), "no-slash"));
  CHECK(bad.status().code() == Code::kInvalidValue);
}

TEST_CASE("etcd store: a 100,000-key commit is seen all at once or not at all by another server") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto writer = open(cluster, prefix);
  auto reader = open(cluster, prefix);  // another server's store
  std::atomic<size_t> requests{0};
  std::atomic<bool> mid{false};
  // Between staging requests the commit is half-written: let readers look then.
  writer->set_staging_hook([&](size_t n) {
    requests = n + 1;
    mid = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  });
  contract::large_commit_all_or_nothing(*writer, *reader, 100000, &mid);
  INFO("staging requests: " << requests);
  CHECK(requests > 1);  // it was more than one etcd request
  CHECK(raw_count(*writer, prefix, "/s/") == 0);
  CHECK(raw_count(*writer, prefix, "/o/") == 0);
}

TEST_CASE("etcd store: commits fit a cluster with small request limits when told them") {
  EtcdCluster cluster(3, {"--max-txn-ops", "32", "--max-request-bytes", "262144"});
  const std::string prefix = fresh_prefix();
  auto o = store_options(cluster.endpoints(), prefix);
  o.client.max_txn_ops = 32;
  o.client.max_request_bytes = 262144;
  auto s = EtcdStore::Open(o);
  REQUIRE(s.ok());
  size_t requests = 0;
  (*s)->set_staging_hook([&](size_t n) { requests = n + 1; });
  auto t = (*s)->begin();
  for (int i = 0; i < 20000; ++i) t->put(Space::kDocs, db_key(1, num(i)), std::string(30, 'v'));
  t->put(Space::kLedger, db_key(1, "C"), std::string(1u << 20, 'c'));
  contract::commit(**s, *t);
  CHECK(requests > 10);
  CHECK(contract::keys((*s)->scan_prefix(Space::kDocs, keys::database_prefix(1))).size() == 20000);
  CHECK(contract::get(**s, Space::kLedger, db_key(1, "C")) == std::string(1u << 20, 'c'));
  // A store that believes the defaults gets etcd's refusal as an error, and nothing changes.
  auto wrong = EtcdStore::Open(store_options(cluster.endpoints(), prefix));
  REQUIRE(wrong.ok());
  auto w = (*wrong)->begin();
  for (int i = 0; i < 2000; ++i) w->put(Space::kDocs, db_key(2, num(i)), "x");
  Status refused = (*wrong)->commit(*w, true);
  INFO(refused.ToString());
  CHECK(refused.code() == Code::kStorageError);
  CHECK(contract::keys((*s)->scan_prefix(Space::kDocs, keys::database_prefix(2))).empty());
}

TEST_CASE("etcd store: a commit on a stale snapshot fails instead of overwriting") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto a = open(cluster, prefix);
  auto b = open(cluster, prefix);
  auto ta = a->begin();
  auto read = ta->get(Space::kDocs, db_key(1, "counter"));
  REQUIRE(read.ok());
  auto tb = b->begin();
  tb->put(Space::kDocs, db_key(1, "counter"), "b");
  contract::commit(*b, *tb);
  ta->put(Space::kDocs, db_key(1, "counter"), "a");
  Status s = a->commit(*ta, true);
  CHECK(s.code() == Code::kStorageError);
  CHECK(s.message().find("changed since") != std::string::npos);
  CHECK(contract::get(*a, Space::kDocs, db_key(1, "counter")) == "b");
  // Another database is another domain: no conflict.
  auto tc = a->begin();
  auto td = b->begin();
  td->put(Space::kDocs, db_key(2, "x"), "b");
  contract::commit(*b, *td);
  tc->put(Space::kDocs, db_key(1, "counter"), "a2");
  contract::commit(*a, *tc);
}

TEST_CASE("etcd store: an optimistic commit applies only while the lock is free and nothing changed") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto a = open(cluster, prefix);
  auto b = open(cluster, prefix);
  const LockOwner owner{"a", "1", "test"};
  const auto wait = std::chrono::seconds(5);
  using Race = Store::Race;
  auto race = [&](Txn& t) {
    auto r = a->commit_unless_locked(t, "db/1", owner, wait);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  };

  // The lock is free and nothing changed: one Txn, applied; the txn then reads its own commit.
  auto t = a->begin();
  t->put(Space::kDocs, db_key(1, "k"), "1");
  CHECK(race(*t) == Race::kWon);
  CHECK(contract::get(*b, Space::kDocs, db_key(1, "k")) == "1");
  CHECK(t->snapshot()->version(Domain::Of(keys::database_prefix(1))) ==
        b->snapshot()->version(Domain::Of(keys::database_prefix(1))));

  // Another server holds the lock: lost, nothing written, and the lock is still its.
  auto held = b->lock("db/1", LockOwner{"b", "2", "APPLY"}, wait);
  REQUIRE(held.ok());
  t = a->begin();
  t->put(Space::kDocs, db_key(1, "k"), "2");
  t->put(Space::kDocs, db_key(1, "other"), "2");
  CHECK(race(*t) == Race::kLost);
  CHECK(contract::get(*b, Space::kDocs, db_key(1, "k")) == "1");
  CHECK_FALSE(contract::get(*b, Space::kDocs, db_key(1, "other")));
  CHECK((*held)->held().ok());
  // A lock of another database is no obstacle.
  t = a->begin();
  t->put(Space::kDocs, db_key(2, "k"), "2");
  auto other_db = a->commit_unless_locked(*t, "db/2", owner, wait);
  REQUIRE(other_db.ok());
  CHECK(*other_db == Race::kWon);
  REQUIRE((*held)->release().ok());

  // The domain changed after the snapshot (a commit through the other server): lost.
  t = a->begin();
  REQUIRE(t->get(Space::kDocs, db_key(1, "k")).ok());
  auto tb = b->begin();
  tb->put(Space::kDocs, db_key(1, "k"), "b");
  contract::commit(*b, *tb);
  t->put(Space::kDocs, db_key(1, "k"), "a");
  CHECK(race(*t) == Race::kLost);
  CHECK(contract::get(*a, Space::kDocs, db_key(1, "k")) == "b");

  // Too big for one request: staged under the lock, which is free again afterwards.
  size_t requests = 0;
  a->set_staging_hook([&](size_t n) { requests = n + 1; });
  t = a->begin();
  for (int i = 0; i < 30000; ++i) t->put(Space::kDocs, db_key(1, num(i)), std::string(60, 'v'));
  CHECK(race(*t) == Race::kWon);
  CHECK(requests > 1);
  // The 30,000 keys and "k".
  CHECK(contract::keys(b->scan_prefix(Space::kDocs, keys::database_prefix(1))).size() == 30001);
  auto locks = b->locks();
  REQUIRE(locks.ok());
  CHECK(locks->empty());

  // Big and stale: the staging's flag compares the snapshot's revision, so nothing is written
  // and the lock it took is released.
  requests = 0;
  t = a->begin();
  REQUIRE(t->get(Space::kDocs, db_key(1, "k")).ok());
  tb = b->begin();
  tb->put(Space::kDocs, db_key(1, "k"), "b2");
  contract::commit(*b, *tb);
  for (int i = 0; i < 30000; ++i) t->put(Space::kDocs, db_key(1, num(i)), "stale");
  CHECK(race(*t) == Race::kLost);
  CHECK(requests == 0);
  CHECK(contract::get(*b, Space::kDocs, db_key(1, num(7))) == std::string(60, 'v'));
  CHECK(contract::get(*b, Space::kDocs, db_key(1, "k")) == "b2");
  locks = b->locks();
  REQUIRE(locks.ok());
  CHECK(locks->empty());
  CHECK(raw_count(*a, prefix, "/s/") == 0);
  CHECK(raw_count(*a, prefix, "/o/") == 0);
}

TEST_CASE("etcd store: an optimistic commit whose statement took the lock late is fenced by it") {
  // A long statement takes its lock while it runs (Engine::kLockLongWritesAfter): its commit
  // is fenced by that lock, compares what its snapshot read, and releases the lock.
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto a = open(cluster, prefix);
  auto b = open(cluster, prefix);
  const LockOwner owner{"a", "1", "APPLY MIGRATION"};
  const auto wait = std::chrono::seconds(5);
  using Race = Store::Race;
  auto no_locks = [&] {
    auto locks = b->locks();
    REQUIRE(locks.ok());
    return locks->empty();
  };
  for (const int keys : {1, 30000}) {  // one Txn; staged
    INFO(keys << " keys");
    // Nothing changed before the lock was taken: applied, and the lock is free again.
    auto t = a->begin();
    REQUIRE(t->get(Space::kDocs, db_key(1, "k")).ok());
    auto late = a->lock("db/1", owner, wait);
    REQUIRE(late.ok());
    for (int i = 0; i < keys; ++i) t->put(Space::kDocs, db_key(1, num(i)), "won");
    auto r = a->commit_unless_locked(*t, "db/1", owner, wait, late->get());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(*r == Race::kWon);
    CHECK(contract::get(*b, Space::kDocs, db_key(1, num(0))) == "won");
    CHECK(no_locks());
    // Another server committed between the snapshot and the lock: lost, nothing written, the
    // lock free again.
    t = a->begin();
    REQUIRE(t->get(Space::kDocs, db_key(1, "k")).ok());
    auto tb = b->begin();
    tb->put(Space::kDocs, db_key(1, "k"), "b" + std::to_string(keys));
    contract::commit(*b, *tb);
    late = a->lock("db/1", owner, wait);
    REQUIRE(late.ok());
    for (int i = 0; i < keys; ++i) t->put(Space::kDocs, db_key(1, num(i)), "stale");
    r = a->commit_unless_locked(*t, "db/1", owner, wait, late->get());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(*r == Race::kLost);
    CHECK(contract::get(*b, Space::kDocs, db_key(1, num(0))) == "won");
    CHECK(contract::get(*b, Space::kDocs, db_key(1, "k")) == "b" + std::to_string(keys));
    CHECK(no_locks());
  }
  CHECK(raw_count(*a, prefix, "/s/") == 0);
}

TEST_CASE("etcd store: cached reads agree with a model of two servers' commits") {
  // Each store keeps what its snapshots read per domain and publish revision, and carries it
  // over its own commits (read_cache.hpp). Against a model: two servers commit random puts and
  // deletes (small values, values too big to cache, chunked ones) to three databases and read
  // random keys, each read checked against the state its snapshot must see — also a snapshot
  // taken before the other server's commit, whose own commit then fails.
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  std::unique_ptr<EtcdStore> stores[2] = {open(cluster, prefix), open(cluster, prefix)};
  using Model = std::map<std::string, std::string>;
  Model model;
  std::mt19937 rng(11);
  auto key_of = [&](uint32_t db, int k) { return db_key(db, "k" + std::to_string(k)); };
  auto value_of = [&](int round) {
    switch (rng() % 10) {
      case 0: return std::string(100u << 10, static_cast<char>('a' + round % 26));  // > cache
      case 1: return std::string(700u << 10, static_cast<char>('a' + round % 26));  // chunked
      default: return "v" + std::to_string(round);
    }
  };
  auto check_reads = [&](const Snapshot& snap, const Model& want, uint32_t db) {
    for (int i = 0; i < 6; ++i) {
      const std::string key = key_of(db, static_cast<int>(rng() % 12));
      auto got = snap.get(Space::kDocs, key);
      REQUIRE(got.ok());
      auto it = want.find(key);
      INFO("key " << i << " of db " << db);
      CHECK(got->has_value() == (it != want.end()));
      if (got->has_value() && it != want.end()) CHECK(**got == it->second);
    }
    // Scans (cached per range too): a random range of the database, and all of it.
    std::string lo = key_of(db, static_cast<int>(rng() % 12));
    std::string hi = key_of(db, static_cast<int>(rng() % 12));
    if (hi < lo) std::swap(lo, hi);
    for (const auto& [from, to] : {std::pair{lo, hi}, std::pair{keys::database_prefix(db),
                                                               keys::database_prefix(db + 1)}}) {
      std::vector<std::pair<std::string, std::string>> got, expected;
      auto it = snap.scan(Space::kDocs, from, to);
      for (; it->valid(); it->next()) got.emplace_back(it->key(), it->value());
      REQUIRE(it->status().ok());
      for (auto m = want.lower_bound(from); m != want.end() && m->first < to; ++m) {
        expected.push_back(*m);
      }
      INFO("scan of db " << db);
      CHECK(got == expected);
    }
  };
  int commits = 0, conflicts = 0;
  for (int round = 0; round < 160; ++round) {
    const int who = static_cast<int>(rng() % 2);
    const uint32_t db = 1 + rng() % 3;
    auto txn = stores[who]->begin();
    const Model at_begin = model;
    check_reads(*txn->snapshot(), at_begin, db);
    // Now and then the other server commits to the same database first.
    const bool raced = rng() % 5 == 0;
    if (raced) {
      auto other = stores[1 - who]->begin();
      const std::string key = key_of(db, static_cast<int>(rng() % 12));
      const std::string v = value_of(round);
      other->put(Space::kDocs, key, v);
      contract::commit(*stores[1 - who], *other);
      model[key] = v;
      check_reads(*txn->snapshot(), at_begin, db);  // the older snapshot still sees its state
    }
    Model after = at_begin;
    for (int w = 0; w < 1 + static_cast<int>(rng() % 3); ++w) {
      const std::string key = key_of(db, static_cast<int>(rng() % 12));
      if (rng() % 4 == 0) {
        txn->del(Space::kDocs, key);
        after.erase(key);
      } else {
        const std::string v = value_of(round);
        txn->put(Space::kDocs, key, v);
        after[key] = v;
      }
    }
    // Half the commits are optimistic (commit_unless_locked): they carry the cache over too.
    Status st;
    if (rng() % 2 == 0) {
      st = stores[who]->commit(*txn, true);
      if (raced) CHECK(st.code() == Code::kStorageError);
    } else {
      auto race = stores[who]->commit_unless_locked(*txn, "db/" + std::to_string(db),
                                                    LockOwner{"model", "1", "test"},
                                                    std::chrono::seconds(5));
      REQUIRE(race.ok());
      CHECK((*race == Store::Race::kLost) == raced);
      if (*race == Store::Race::kLost) st = Status(Code::kStorageError, "lost");
    }
    if (raced) {
      ++conflicts;
    } else {
      REQUIRE(st.ok());
      model = after;
      ++commits;
    }
    // Both servers read the newest state: the committer from what it carried over, the other
    // after a change it did not make.
    check_reads(*stores[who]->snapshot(), model, db);
    check_reads(*stores[1 - who]->snapshot(), model, db);
  }
  CHECK(commits > 100);
  CHECK(conflicts > 10);
}

TEST_CASE("etcd store: concurrent statements on one server see every commit acknowledged on another before they began") {
  // Snapshots taken at the same time share one Range (publication.hpp); each must still see
  // every commit acknowledged before it was asked for.
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto a = open(cluster, prefix);
  auto b = open(cluster, prefix);
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::atomic<int> stale{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = db_key(static_cast<uint32_t>(10 + t), "k");
      for (int r = 0; r < kRounds; ++r) {
        auto txn = a->begin();
        txn->put(Space::kDocs, key, std::to_string(r));
        if (!a->commit(*txn, true).ok()) {
          ++failed;
          continue;
        }
        auto seen = b->snapshot()->get(Space::kDocs, key);
        if (!seen.ok() || !seen->has_value() || **seen != std::to_string(r)) ++stale;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failed == 0);
  CHECK(stale == 0);
}

TEST_CASE("etcd store: a writer killed -9 mid-staging leaves nothing visible and the next writer rolls it back") {
  EtcdCluster cluster;
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round << ": killed after staging request " << round);
    const std::string prefix = fresh_prefix();
    auto store = open(cluster, prefix);
    seed(*store);
    Child child(cluster, prefix, "stage", round);
    REQUIRE(child.hear(std::chrono::seconds(120)) == 'S');
    child.kill9();
    // Staged writes are in etcd, but no reader sees any of them.
    CHECK(raw_count(*store, prefix, "/s/") == round + 1);
    check_seeded(*store);
    // Compaction now must keep what the roll-back needs.
    auto compacted = store->compact(std::chrono::seconds(0));
    REQUIRE(compacted.ok());
    // Until the dead writer's lease expires (TTL 2 s) its domain cannot be written.
    auto early = store->begin();
    early->put(Space::kDocs, db_key(kChildDb, "next"), "1");
    Status refused = store->commit(*early, true);
    if (!refused.ok()) CHECK(refused.message().find("another server") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::seconds(4));
    // The next writer of that database rolls the staging back, then commits.
    auto next = store->begin();
    next->put(Space::kDocs, db_key(kChildDb, "next"), "2");
    contract::commit(*store, *next);
    CHECK(contract::get(*store, Space::kDocs, db_key(kChildDb, "next")) == "2");
    auto t = store->begin();
    t->del(Space::kDocs, db_key(kChildDb, "next"));
    contract::commit(*store, *t);
    check_seeded(*store);
    CHECK(raw_count(*store, prefix, "/s/") == 0);
    CHECK(raw_count(*store, prefix, "/o/") == 0);
    CHECK(raw_count(*store, prefix, "/k/") == 102);  // the 101 docs and the big value
    CHECK(raw_count(*store, prefix, "/c/") == 4);    // the big value's chunks (2 MiB / 512 KiB)
  }
}

TEST_CASE("etcd store: a writer paused past its lease TTL cannot commit") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto store = open(cluster, prefix);
  Child child(cluster, prefix, "pause");
  REQUIRE(child.hear(std::chrono::seconds(60)) == 'L');
  kill(child.pid(), SIGSTOP);
  // While it sleeps past its TTL (2 s) its lock expires and someone else takes it.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  auto mine = store->lock("db/x", LockOwner{"parent", "1", "test"}, std::chrono::seconds(5));
  REQUIRE(mine.ok());
  kill(child.pid(), SIGCONT);
  child.tell('g');
  CHECK(child.hear(std::chrono::seconds(30)) == '1');  // its fenced commit was refused
  CHECK_FALSE(contract::get(*store, Space::kDocs, db_key(12, "after-pause")));

  // A staged commit whose writer is paused past the TTL after its first request: the next
  // writer rolls it back, and the paused writer, resumed, cannot finish it.
  REQUIRE(child.wait_stopped(std::chrono::seconds(120)));
  std::this_thread::sleep_for(std::chrono::seconds(4));
  auto t = store->begin();
  t->put(Space::kDocs, db_key(13, "parent"), "p");
  contract::commit(*store, *t);  // rolls the child's staging back first
  kill(child.pid(), SIGCONT);
  CHECK(child.hear(std::chrono::seconds(60)) == '1');
  CHECK(contract::keys(store->scan_prefix(Space::kDocs, keys::database_prefix(13))).size() == 1);
}

TEST_CASE("etcd store: commits survive a killed member, without quorum STORE_UNAVAILABLE, then recovery") {
  EtcdCluster cluster;
  const std::string prefix = fresh_prefix();
  auto s = EtcdStore::Open([&] {
    auto o = store_options(cluster.endpoints(), prefix);
    o.client.deadline = std::chrono::milliseconds(2000);
    return o;
  }());
  REQUIRE(s.ok());
  Store& store = **s;
  std::vector<int> acked;
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      auto t = store.begin();
      t->put(Space::kDocs, db_key(1, num(i)), "v");
      t->put(Space::kIndex, db_key(1, num(i)), "i");
      if (store.commit(*t, true).ok()) {
        acked.push_back(i);
      } else {
        ++failed;
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  cluster.kill(0);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  stop = true;
  writer.join();
  INFO("acknowledged " << acked.size() << ", failed " << failed);
  REQUIRE(acked.size() > 10);
  auto snap = store.snapshot();
  for (int i : acked) {
    REQUIRE(contract::get(store, Space::kDocs, db_key(1, num(i)), snap.get()) == "v");
    REQUIRE(contract::get(store, Space::kIndex, db_key(1, num(i)), snap.get()) == "i");
  }
  // Quorum lost.
  cluster.kill(1);
  const auto start = std::chrono::steady_clock::now();
  auto t = store.begin();
  t->put(Space::kDocs, db_key(1, "lost"), "x");
  Status s1 = store.commit(*t, true);
  auto read = store.get(Space::kDocs, db_key(1, num(acked.front())));
  const auto took = std::chrono::steady_clock::now() - start;
  INFO("commit: " << s1.ToString() << "; read: " << read.status().ToString());
  CHECK(s1.code() == Code::kStoreUnavailable);
  CHECK(read.status().code() == Code::kStoreUnavailable);
  CHECK(took < std::chrono::seconds(7));
  cluster.restart(0);
  cluster.restart(1);
  REQUIRE(cluster.wait_ready(std::chrono::seconds(60)));
  auto again = store.begin();
  again->put(Space::kDocs, db_key(1, "back"), "y");
  contract::commit(store, *again);
  CHECK(contract::get(store, Space::kDocs, db_key(1, "back")) == "y");
  CHECK_FALSE(contract::get(store, Space::kDocs, db_key(1, "lost")));
}

}  // namespace
}  // namespace strata::storage::etcd
