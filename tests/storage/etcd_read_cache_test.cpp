// ReadCache (src/storage/etcd/read_cache.hpp), without etcd: an entry answers only at the
// publish revision it was read at; an own commit carries the entries over with its writes only
// from the revision it compared; older reads never replace newer entries; and the bounds hold.
// (store_etcd_cluster_test.cpp checks the cache through two stores over a real cluster.)

#include <catch2/catch.hpp>
#include <string>

#include "storage/etcd/read_cache.hpp"
#include "storage/keys.hpp"

namespace strata::storage::etcd {
namespace {

std::string key(uint32_t db, const std::string& rest) { return keys::database_prefix(db) + rest; }
const Domain kDb1 = Domain::Of(keys::database_prefix(1));
const Domain kDb2 = Domain::Of(keys::database_prefix(2));

TEST_CASE("etcd read cache: entries answer only at the publish revision they were read at") {
  ReadCache c;
  CHECK_FALSE(c.find(kDb1, 10, Space::kDocs, key(1, "a")));
  c.put(kDb1, 10, Space::kDocs, key(1, "a"), std::string("va"));
  c.put(kDb1, 10, Space::kDocs, key(1, "gone"), std::nullopt);
  auto a = c.find(kDb1, 10, Space::kDocs, key(1, "a"));
  REQUIRE(a);
  CHECK(*a == std::optional<std::string>("va"));
  auto gone = c.find(kDb1, 10, Space::kDocs, key(1, "gone"));
  REQUIRE(gone);  // known...
  CHECK_FALSE(gone->has_value());  // ...to be absent
  CHECK_FALSE(c.find(kDb1, 11, Space::kDocs, key(1, "a")));   // another revision
  CHECK_FALSE(c.find(kDb1, 10, Space::kIndex, key(1, "a")));  // another Space
  CHECK_FALSE(c.find(kDb2, 10, Space::kDocs, key(1, "a")));   // another domain
  // A read at an older revision does not replace the newer state; a newer one does.
  c.put(kDb1, 9, Space::kDocs, key(1, "b"), std::string("old"));
  CHECK_FALSE(c.find(kDb1, 9, Space::kDocs, key(1, "b")));
  CHECK(c.find(kDb1, 10, Space::kDocs, key(1, "a")));
  c.put(kDb1, 12, Space::kDocs, key(1, "b"), std::string("vb"));
  CHECK_FALSE(c.find(kDb1, 10, Space::kDocs, key(1, "a")));
  CHECK(c.find(kDb1, 12, Space::kDocs, key(1, "b")));
  c.drop(kDb1);
  CHECK_FALSE(c.find(kDb1, 12, Space::kDocs, key(1, "b")));
  CHECK(c.bytes() == 0);
}

TEST_CASE("etcd read cache: an own commit carries the entries over, with its writes") {
  ReadCache c;
  c.put(kDb1, 10, Space::kDocs, key(1, "a"), std::string("va"));
  c.put(kDb1, 10, Space::kDocs, key(1, "b"), std::string("vb"));
  c.put(kDb1, 10, Space::kDocs, key(1, "new"), std::nullopt);
  c.put(kDb2, 10, Space::kDocs, key(2, "x"), std::string("vx"));
  WriteSet w;
  w.put(Space::kDocs, key(1, "a"), "va2");
  w.del(Space::kDocs, key(1, "b"));
  w.put(Space::kDocs, key(1, "new"), "vnew");
  w.put(Space::kDocs, key(1, "big"), std::string(ReadCache::kMaxValue + 1, 'x'));
  w.put(Space::kDocs, key(2, "x"), "vx2");  // another domain: its own call
  c.committed(kDb1, 10, 15, w);
  CHECK(*c.find(kDb1, 15, Space::kDocs, key(1, "a")) == std::optional<std::string>("va2"));
  CHECK_FALSE(c.find(kDb1, 15, Space::kDocs, key(1, "b"))->has_value());
  CHECK(*c.find(kDb1, 15, Space::kDocs, key(1, "new")) == std::optional<std::string>("vnew"));
  CHECK_FALSE(c.find(kDb1, 15, Space::kDocs, key(1, "big")));  // too big: not known
  CHECK_FALSE(c.find(kDb1, 10, Space::kDocs, key(1, "a")));
  // kDb2 was not committed here: its entries stay at 10, untouched by kDb1's call.
  CHECK(*c.find(kDb2, 10, Space::kDocs, key(2, "x")) == std::optional<std::string>("vx"));
  // A commit that compared another revision than the one held: the domain starts afresh.
  c.committed(kDb2, 11, 16, w);
  CHECK_FALSE(c.find(kDb2, 10, Space::kDocs, key(2, "x")));
  CHECK_FALSE(c.find(kDb2, 16, Space::kDocs, key(2, "x")));
}

TEST_CASE("etcd read cache: scans answer at their revision and follow an own commit") {
  ReadCache c;
  using Scan = ReadCache::Scan;
  const std::string lo = key(1, "u"), hi = key(1, "v");  // [u, v): keys starting with "u"
  CHECK_FALSE(c.find_scan(kDb1, 10, Space::kLedger, lo, hi));
  c.put_scan(kDb1, 10, Space::kLedger, lo, hi, Scan{});  // found empty
  c.put_scan(kDb1, 10, Space::kLedger, key(1, "a"), key(1, "c"),
             Scan{{key(1, "a1"), "1"}, {key(1, "b"), "2"}});
  auto empty = c.find_scan(kDb1, 10, Space::kLedger, lo, hi);
  REQUIRE(empty);
  CHECK(empty->empty());
  CHECK_FALSE(c.find_scan(kDb1, 11, Space::kLedger, lo, hi));       // another revision
  CHECK_FALSE(c.find_scan(kDb1, 10, Space::kDocs, lo, hi));         // another Space
  CHECK_FALSE(c.find_scan(kDb1, 10, Space::kLedger, lo, key(1, "w")));  // another range
  // An own commit: writes inside a range land in it, in key order; others leave it alone.
  WriteSet w;
  w.put(Space::kLedger, key(1, "u2"), "two");
  w.put(Space::kLedger, key(1, "u1"), "one");
  w.put(Space::kLedger, key(1, "v"), "outside");  // the end is not in the range
  w.del(Space::kLedger, key(1, "a1"));
  w.put(Space::kLedger, key(1, "b"), "2b");
  w.put(Space::kDocs, key(1, "u3"), "another space");
  c.committed(kDb1, 10, 12, w);
  auto u = c.find_scan(kDb1, 12, Space::kLedger, lo, hi);
  REQUIRE(u);
  CHECK(*u == Scan{{key(1, "u1"), "one"}, {key(1, "u2"), "two"}});
  auto ab = c.find_scan(kDb1, 12, Space::kLedger, key(1, "a"), key(1, "c"));
  REQUIRE(ab);
  CHECK(*ab == Scan{{key(1, "b"), "2b"}});
  // A value too big to keep makes the scan holding it unknown.
  WriteSet big;
  big.put(Space::kLedger, key(1, "u9"), std::string(ReadCache::kMaxValue + 1, 'x'));
  c.committed(kDb1, 12, 13, big);
  CHECK_FALSE(c.find_scan(kDb1, 13, Space::kLedger, lo, hi));
  CHECK(c.find_scan(kDb1, 13, Space::kLedger, key(1, "a"), key(1, "c")));
  // A scan that commits grow past kMaxScan is forgotten.
  c.put_scan(kDb1, 13, Space::kLedger, key(1, "g"), key(1, "h"), Scan{});
  WriteSet grow;
  for (int i = 0; i < 3; ++i) {
    grow.put(Space::kLedger, key(1, "g" + std::to_string(i)),
             std::string(ReadCache::kMaxScan / 2, 'g'));
  }
  c.committed(kDb1, 13, 14, grow);
  CHECK_FALSE(c.find_scan(kDb1, 14, Space::kLedger, key(1, "g"), key(1, "h")));
  CHECK(c.find_scan(kDb1, 14, Space::kLedger, key(1, "a"), key(1, "c")));
  // Scans too big are not kept; past kMaxScans a domain forgets its scans, not its values.
  c.put_scan(kDb1, 14, Space::kLedger, key(1, "x"), key(1, "y"),
             Scan{{key(1, "x1"), std::string(ReadCache::kMaxScan, 'x')}});
  CHECK_FALSE(c.find_scan(kDb1, 14, Space::kLedger, key(1, "x"), key(1, "y")));
  c.put(kDb1, 14, Space::kLedger, key(1, "kept"), std::string("k"));
  for (size_t i = 0; i <= ReadCache::kMaxScans; ++i) {
    const std::string from = key(1, "s" + std::to_string(1000 + i));
    c.put_scan(kDb1, 14, Space::kLedger, from, from + "~", Scan{});
  }
  CHECK_FALSE(c.find_scan(kDb1, 14, Space::kLedger, key(1, "a"), key(1, "c")));
  CHECK(c.find(kDb1, 14, Space::kLedger, key(1, "kept")));
  // The bytes of scans are counted and given back.
  c.drop(kDb1);
  CHECK(c.bytes() == 0);
}

TEST_CASE("etcd read cache: values, domains and bytes stay within the bounds") {
  ReadCache c;
  c.put(kDb1, 10, Space::kDocs, key(1, "huge"), std::string(ReadCache::kMaxValue + 1, 'h'));
  CHECK_FALSE(c.find(kDb1, 10, Space::kDocs, key(1, "huge")));
  // One domain past kMaxDomainBytes starts afresh.
  const std::string v(ReadCache::kMaxValue, 'v');
  for (size_t i = 0; i * v.size() <= ReadCache::kMaxDomainBytes + v.size(); ++i) {
    c.put(kDb1, 10, Space::kDocs, key(1, std::to_string(i)), v);
    CHECK(c.bytes() <= ReadCache::kMaxDomainBytes + 2 * v.size());
  }
  // Many domains: never past kMaxBytes in all.
  for (uint32_t db = 1; db < 3000; ++db) {
    const Domain d = Domain::Of(keys::database_prefix(db));
    for (int i = 0; i < 3; ++i) c.put(d, 10, Space::kDocs, key(db, std::to_string(i)), v);
    CHECK(c.bytes() <= ReadCache::kMaxBytes + v.size() + 64);
  }
}

}  // namespace
}  // namespace strata::storage::etcd
