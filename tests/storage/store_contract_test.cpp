// The store contract (store_contract.hpp) on the embedded RocksDB store; the etcd store runs the
// same functions in store_etcd_cluster_test.cpp.

#include <catch2/catch.hpp>

#include "storage/store_contract.hpp"
#include "storage/temp_dir.hpp"

namespace strata::storage {
namespace {

std::unique_ptr<Store> open_rocks(const testing::TempDir& dir) {
  Options o;
  o.path = dir.sub("db");
  auto r = Store::Open(o);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

TEST_CASE("store contract (RocksDB): put, get, delete") {
  testing::TempDir dir;
  contract::put_get_delete(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): scans in byte order") {
  testing::TempDir dir;
  contract::scans_in_order(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): a txn reads its own writes") {
  testing::TempDir dir;
  contract::txn_reads_its_writes(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): snapshots are stable") {
  testing::TempDir dir;
  contract::snapshots_are_stable(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): big values") {
  testing::TempDir dir;
  contract::big_values(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): locks and fenced commits") {
  testing::TempDir dir;
  contract::locks_and_fences(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): watches see commits") {
  testing::TempDir dir;
  contract::watch_sees_commits(*open_rocks(dir));
}

TEST_CASE("store contract (RocksDB): a large commit is seen all at once") {
  testing::TempDir dir;
  auto store = open_rocks(dir);
  contract::large_commit_all_or_nothing(*store, *store, 100000);
}

}  // namespace
}  // namespace strata::storage
