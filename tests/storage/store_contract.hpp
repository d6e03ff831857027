#pragma once
// The behaviour every Store must have (store.hpp, SPEC §8), as functions over a Store, run by
// store_contract_test.cpp on the embedded RocksDB store and by store_etcd_cluster_test.cpp on
// the etcd store over a real cluster: the same checks, on both.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/keys.hpp"
#include "storage/store.hpp"

namespace strata::storage::contract {

using Clock = std::chrono::steady_clock;

inline std::optional<std::string> get(const Store& s, Space sp, std::string_view k,
                                      const Snapshot* snap = nullptr) {
  auto r = s.get(sp, k, snap);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

inline std::vector<std::string> keys(std::unique_ptr<Iterator> it) {
  std::vector<std::string> out;
  for (; it->valid(); it->next()) out.emplace_back(it->key());
  INFO(it->status().ToString());
  REQUIRE(it->status().ok());
  return out;
}

inline void commit(Store& s, Txn& t) {
  Status st = s.commit(t, true);
  INFO(st.ToString());
  REQUIRE(st.ok());
}

// A key of database `db` (its 4-byte prefix, keys.hpp) followed by `rest`.
inline std::string db_key(uint32_t db, std::string_view rest) {
  return keys::database_prefix(db) + std::string(rest);
}

inline void put_get_delete(Store& store) {
  auto txn = store.begin();
  CHECK(txn->empty());
  txn->put(Space::kDocs, db_key(1, "a"), "1");
  txn->put(Space::kDocs, db_key(1, "b"), "2");
  txn->put(Space::kMeta, "next_db_id", std::string("\0\0\0\2", 4));
  txn->put(Space::kSystem, "user/x", "{}");
  CHECK(txn->count() == 4);
  CHECK_FALSE(get(store, Space::kDocs, db_key(1, "a")));  // nothing visible before the commit
  commit(store, *txn);
  CHECK(txn->empty());
  CHECK(get(store, Space::kDocs, db_key(1, "a")) == "1");
  CHECK(get(store, Space::kMeta, "next_db_id") == std::string("\0\0\0\2", 4));
  CHECK(get(store, Space::kSystem, "user/x") == "{}");
  CHECK_FALSE(get(store, Space::kCatalog, db_key(1, "a")));  // Spaces are separate
  txn->del(Space::kDocs, db_key(1, "a"));
  txn->put(Space::kDocs, db_key(1, "b"), "3");
  commit(store, *txn);
  CHECK_FALSE(get(store, Space::kDocs, db_key(1, "a")));
  CHECK(get(store, Space::kDocs, db_key(1, "b")) == "3");
  // Binary keys and values, empty values, short keys of a per-database Space.
  const std::string bin("\0\xff\x01key\0", 7);
  txn->put(Space::kIndex, db_key(2, bin), std::string("\0\0v\0", 4));
  txn->put(Space::kIndex, db_key(2, "empty"), "");
  txn->put(Space::kIndex, "ab", "short");
  commit(store, *txn);
  CHECK(get(store, Space::kIndex, db_key(2, bin)) == std::string("\0\0v\0", 4));
  CHECK(get(store, Space::kIndex, db_key(2, "empty")) == "");
  CHECK(get(store, Space::kIndex, "ab") == "short");
}

inline void scans_in_order(Store& store) {
  auto txn = store.begin();
  for (const char* k : {"c", "a", "ab", "b", "ba", "\xff", "\xff\xff"}) {
    txn->put(Space::kDocs, db_key(3, k), std::string("v") + k);
  }
  txn->put(Space::kDocs, db_key(4, "a"), "other database");
  commit(store, *txn);
  const std::string p = keys::database_prefix(3);
  CHECK(keys(store.scan_prefix(Space::kDocs, p)) ==
        std::vector<std::string>{p + "a", p + "ab", p + "b", p + "ba", p + "c", p + "\xff",
                                 p + "\xff\xff"});
  CHECK(keys(store.scan(Space::kDocs, p + "ab", p + "ba")) ==
        std::vector<std::string>{p + "ab", p + "b"});
  CHECK(keys(store.scan(Space::kDocs, p + "zz", p + "a")).empty());  // begin >= end
  // Across databases, and unbounded.
  auto all = keys(store.scan(Space::kDocs, p + "c", ""));
  REQUIRE(all.size() >= 4);
  CHECK(all[3] == db_key(4, "a"));
  auto it = store.scan_prefix(Space::kDocs, p + "b");
  REQUIRE(it->valid());
  CHECK(it->value() == "vb");
}

inline void txn_reads_its_writes(Store& store) {
  auto seed = store.begin();
  for (const char* k : {"a", "c", "e"}) seed->put(Space::kDocs, db_key(5, k), "old");
  commit(store, *seed);
  auto txn = store.begin();
  txn->put(Space::kDocs, db_key(5, "b"), "new");
  txn->put(Space::kDocs, db_key(5, "c"), "changed");
  txn->del(Space::kDocs, db_key(5, "e"));
  auto got = txn->get(Space::kDocs, db_key(5, "c"));
  REQUIRE(got.ok());
  CHECK(*got == "changed");
  auto gone = txn->get(Space::kDocs, db_key(5, "e"));
  REQUIRE(gone.ok());
  CHECK_FALSE(*gone);
  std::vector<std::pair<std::string, std::string>> seen;
  for (auto it = txn->scan_prefix(Space::kDocs, keys::database_prefix(5)); it->valid(); it->next()) {
    seen.emplace_back(it->key().substr(4), it->value());
  }
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{
                    {"a", "old"}, {"b", "new"}, {"c", "changed"}});
  CHECK(txn->own_write(Space::kDocs, db_key(5, "b")) == std::optional<std::optional<std::string_view>>(std::string_view("new")));
  CHECK(get(store, Space::kDocs, db_key(5, "c")) == "old");  // not visible before commit
  commit(store, *txn);
  CHECK(get(store, Space::kDocs, db_key(5, "c")) == "changed");
  CHECK_FALSE(get(store, Space::kDocs, db_key(5, "e")));
}

inline void snapshots_are_stable(Store& store) {
  auto t = store.begin();
  t->put(Space::kDocs, db_key(6, "k"), "1");
  t->put(Space::kSystem, "sys", "1");
  commit(store, *t);
  auto snap = store.snapshot();
  t->put(Space::kDocs, db_key(6, "k"), "2");
  t->put(Space::kDocs, db_key(6, "new"), "n");
  t->put(Space::kSystem, "sys", "2");
  commit(store, *t);
  CHECK(get(store, Space::kDocs, db_key(6, "k"), snap.get()) == "1");
  CHECK_FALSE(get(store, Space::kDocs, db_key(6, "new"), snap.get()));
  CHECK(get(store, Space::kSystem, "sys", snap.get()) == "1");
  CHECK(keys(store.scan_prefix(Space::kDocs, keys::database_prefix(6), snap.get())).size() == 1);
  CHECK(get(store, Space::kDocs, db_key(6, "k")) == "2");
  // A txn reads on the snapshot it began on.
  auto reader = store.begin();
  t->put(Space::kDocs, db_key(6, "k"), "3");
  commit(store, *t);
  auto v = reader->get(Space::kDocs, db_key(6, "k"));
  REQUIRE(v.ok());
  CHECK(*v == "2");
}

// Values far larger than one etcd request (they are chunked there).
inline void big_values(Store& store) {
  std::string big(3u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) % 251);
  auto t = store.begin();
  t->put(Space::kLedger, db_key(7, "C1"), big);
  t->put(Space::kLedger, db_key(7, "C2"), "small");
  commit(store, *t);
  CHECK(get(store, Space::kLedger, db_key(7, "C1")) == big);
  auto it = store.scan_prefix(Space::kLedger, keys::database_prefix(7));
  REQUIRE(it->valid());
  CHECK(it->value() == big);
  it->next();
  REQUIRE(it->valid());
  CHECK(it->value() == "small");
  // Replaced by a smaller big value, then by a small one, then deleted.
  t->put(Space::kLedger, db_key(7, "C1"), big.substr(0, 1u << 20));
  commit(store, *t);
  CHECK(get(store, Space::kLedger, db_key(7, "C1")) == big.substr(0, 1u << 20));
  t->put(Space::kLedger, db_key(7, "C1"), "tiny");
  commit(store, *t);
  CHECK(get(store, Space::kLedger, db_key(7, "C1")) == "tiny");
  t->put(Space::kLedger, db_key(7, "C1"), big);
  commit(store, *t);
  t->del(Space::kLedger, db_key(7, "C1"));
  commit(store, *t);
  CHECK_FALSE(get(store, Space::kLedger, db_key(7, "C1")));
  CHECK(keys(store.scan_prefix(Space::kLedger, keys::database_prefix(7))).size() == 1);
}

inline void locks_and_fences(Store& store) {
  LockOwner alice{"server-a", "1", "APPLY MIGRATION WITH VERSION 1"};
  LockOwner bob{"server-b", "2", "APPLY MIGRATION WITH VERSION 2"};
  auto first = store.lock("db/main", alice, std::chrono::milliseconds(1000));
  REQUIRE(first.ok());
  CHECK((*first)->held().ok());
  auto listed = store.locks();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].name == "db/main");
  CHECK((*listed)[0].owner.server == "server-a");
  CHECK((*listed)[0].owner.statement == "APPLY MIGRATION WITH VERSION 1");
  CHECK((*listed)[0].since_ms > 0);
  CHECK((*listed)[0].token == (*first)->token());
  // Held: a second taker waits, then gives up naming the holder.
  const auto start = Clock::now();
  auto second = store.lock("db/main", bob, std::chrono::milliseconds(300));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kTimeout);
  CHECK(second.status().message().find("server-a") != std::string::npos);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(300));
  // Another name is independent.
  auto other = store.lock("db/other", bob, std::chrono::milliseconds(300));
  REQUIRE(other.ok());
  // A fenced commit while held.
  auto t = store.begin();
  t->put(Space::kDocs, db_key(8, "fenced"), "1");
  Status fenced = store.commit(*t, true, first->get());
  INFO(fenced.ToString());
  REQUIRE(fenced.ok());
  const uint64_t token = (*first)->token();
  REQUIRE((*first)->release().ok());
  CHECK_FALSE((*first)->held().ok());
  // Released: a fenced commit fails and writes nothing; the next holder has a larger token.
  t->put(Space::kDocs, db_key(8, "late"), "1");
  CHECK_FALSE(store.commit(*t, true, first->get()).ok());
  CHECK_FALSE(get(store, Space::kDocs, db_key(8, "late")));
  auto next = store.lock("db/main", bob, std::chrono::milliseconds(1000));
  REQUIRE(next.ok());
  CHECK((*next)->token() > token);
  // A waiter gets the lock as soon as it is released.
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (void)(*next)->release();
  });
  auto waited = store.lock("db/main", alice, std::chrono::milliseconds(5000));
  releaser.join();
  REQUIRE(waited.ok());

  // commit_and_release: the fenced commit is written and the lock is free at once (etcd: the
  // commit's own Txn deletes the lock key); the txn reads what it committed.
  auto t2 = store.begin();
  t2->put(Space::kDocs, db_key(8, "and-release"), "1");
  REQUIRE(store.commit_and_release(*t2, true, **waited).ok());
  CHECK_FALSE((*waited)->held().ok());
  CHECK(get(store, Space::kDocs, db_key(8, "and-release")) == "1");
  auto still = t2->get(Space::kDocs, db_key(8, "and-release"));
  REQUIRE(still.ok());
  CHECK(*still == std::optional<std::string>("1"));
  auto free_now = store.lock("db/main", bob, std::chrono::milliseconds(0));
  INFO(free_now.status().ToString());
  REQUIRE(free_now.ok());
  auto none = store.locks();
  REQUIRE(none.ok());
  CHECK(none->size() == 2);  // db/other and bob's new db/main, not alice's
  // A lock lost before the commit: nothing is written, and the lock is released all the same.
  REQUIRE((*free_now)->release().ok());
  auto t3 = store.begin();
  t3->put(Space::kDocs, db_key(8, "lost"), "1");
  CHECK_FALSE(store.commit_and_release(*t3, true, **free_now).ok());
  CHECK_FALSE(get(store, Space::kDocs, db_key(8, "lost")));
  REQUIRE((*other)->release().ok());
}

inline void watch_sees_commits(Store& store) {
  std::mutex mu;
  std::vector<Domain> changed;
  auto w = store.watch([&](const Change& c) {
    std::lock_guard lk(mu);
    changed.push_back(c.domain);
  });
  REQUIRE(w.ok());
  auto t = store.begin();
  t->put(Space::kDocs, db_key(9, "x"), "1");
  t->put(Space::kSystem, "w", "1");
  commit(store, *t);
  auto seen = [&](const Domain& d) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (;;) {
      {
        std::lock_guard lk(mu);
        if (std::find(changed.begin(), changed.end(), d) != changed.end()) return true;
      }
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  CHECK(seen(Domain::Of(keys::database_prefix(9))));
  CHECK(seen(Domain::Global()));
  CHECK(domain_of(Space::kDocs, db_key(9, "x")).database() == 9u);
  w->reset();  // no callback after this
  size_t before;
  {
    std::lock_guard lk(mu);
    before = changed.size();
  }
  t->put(Space::kDocs, db_key(9, "y"), "1");
  commit(store, *t);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::lock_guard lk(mu);
  CHECK(changed.size() == before);
}

// A commit of `n` keys seen by concurrent readers: all of it or none of it, never a part.
// `mid`, when given, is true while the commit is half-written (the etcd store's staging): some
// reads must happen then.
inline void large_commit_all_or_nothing(Store& writer_store, const Store& reader_store, int n,
                                        const std::atomic<bool>* mid = nullptr) {
  const uint32_t db = 10;
  auto t = writer_store.begin();
  for (int i = 0; i < n; ++i) {
    char k[16];
    std::snprintf(k, sizeof k, "%08d", i);
    t->put(Space::kDocs, db_key(db, k), std::string(40, static_cast<char>('a' + i % 26)));
    if (i % 4 == 0) t->put(Space::kIndex, db_key(db, k), "i");
  }
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, empty_reads{0}, full_reads{0}, errors{0}, mid_reads{0};
  std::thread reader([&] {
    while (!done) {
      const bool mid_before = mid != nullptr && *mid;
      auto snap = reader_store.snapshot();
      auto first = reader_store.get(Space::kDocs, db_key(db, "00000000"), snap.get());
      auto last = reader_store.get(Space::kIndex, db_key(db, [&] {
                                     char k[16];
                                     std::snprintf(k, sizeof k, "%08d", (n - 1) / 4 * 4);
                                     return std::string(k);
                                   }()), snap.get());
      if (!first.ok() || !last.ok()) {
        ++errors;
        continue;
      }
      if (first->has_value() != last->has_value()) ++partial;
      (first->has_value() ? full_reads : empty_reads)++;
      if (mid_before && *mid) ++mid_reads;
      // Now and then a whole count at the same snapshot.
      if ((empty_reads + full_reads) % 8 == 1) {
        int count = 0;
        auto it = reader_store.scan_prefix(Space::kDocs, keys::database_prefix(db), snap.get());
        for (; it->valid(); it->next()) ++count;
        if (!it->status().ok()) {
          ++errors;
        } else if (count != 0 && count != n) {
          ++partial;
        }
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status s = writer_store.commit(*t, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done = true;
  reader.join();
  INFO(s.ToString() << "; reads empty " << empty_reads << ", full " << full_reads << ", errors "
                    << errors << ", during the commit " << mid_reads);
  REQUIRE(s.ok());
  CHECK(partial == 0);
  CHECK(errors == 0);
  CHECK(empty_reads > 0);
  if (mid != nullptr) CHECK(mid_reads > 0);
  int count = 0;
  for (auto it = reader_store.scan_prefix(Space::kDocs, keys::database_prefix(db)); it->valid();
       it->next()) {
    ++count;
  }
  CHECK(count == n);
}

}  // namespace strata::storage::contract
