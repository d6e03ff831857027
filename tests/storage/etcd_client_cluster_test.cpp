// etcd::Client, LeaseKeeper and WatchStream against a real 3-member etcd cluster (SPEC §11):
// every call, lease expiry and keep-alive, watch events, and member failures — one member
// killed: calls succeed and nothing acknowledged is lost; two killed: STORE_UNAVAILABLE within
// the deadline, then normal again once they are back.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/thread_pool.hpp"
#include "storage/etcd/client.hpp"
#include "storage/etcd/lease.hpp"
#include "storage/etcd/ops.hpp"
#include "storage/etcd/watch.hpp"
#include "storage/etcd_cluster.hpp"

namespace strata::storage::etcd {
namespace {

using Clock = std::chrono::steady_clock;
using testing::EtcdCluster;

// The thread pool leases and watches run their loops on (the Engine's, in a server).
common::ThreadPool& test_pool() {
  static common::ThreadPool pool(2);
  return pool;
}

std::shared_ptr<Client> connect(const EtcdCluster& c, int deadline_ms = 3000) {
  ClientOptions o;
  o.endpoints = c.endpoints();
  o.deadline = std::chrono::milliseconds(deadline_ms);
  auto client = Client::Create(o);
  REQUIRE(client.ok());
  return std::shared_ptr<Client>(std::move(*client));
}

std::optional<std::string> value_of(Client& c, const std::string& key, int64_t revision = 0) {
  auto r = c.range(ops::range(key, {.end = {}, .revision = revision}));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  if (r->kvs_size() == 0) return std::nullopt;
  return r->kvs(0).value();
}

int64_t put(Client& c, const std::string& key, const std::string& value, int64_t lease = 0) {
  auto r = c.put(ops::put(key, value, lease));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r->header().revision();
}

TEST_CASE("etcd client: endpoints parse from etcd:// URLs and bad ones are refused") {
  auto ok = parse_endpoints("etcd://10.0.0.1:2379,http://h2:2380,h3:1");
  REQUIRE(ok.ok());
  CHECK(*ok == std::vector<std::string>{"10.0.0.1:2379", "h2:2380", "h3:1"});
  for (const char* bad : {"", "etcd://", "etcd://h1", "etcd://h1:", "etcd://:2379", "h1:23x9",
                          "etcd://h1:2379,,h2:2379"}) {
    INFO(bad);
    auto r = parse_endpoints(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidValue);
  }
  ClientOptions o;
  CHECK(Client::Create(o).status().code() == Code::kInvalidValue);
  o.endpoints = {"127.0.0.1:1"};
  o.ca_file = "/nonexistent/ca.pem";
  auto tls = Client::Create(o);
  REQUIRE_FALSE(tls.ok());
  CHECK(tls.status().message().find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("etcd client: KV range options, put, delete, txn compares and compaction") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  const int64_t r1 = put(*c, "/t/a", "1");
  put(*c, "/t/b", "2");
  const int64_t r3 = put(*c, "/t/c", "3");
  put(*c, "/t/a", "1b");
  const std::string end = ops::prefix_range_end("/t/");

  // revision: the past is readable until compacted.
  CHECK(value_of(*c, "/t/a", r1) == "1");
  CHECK(value_of(*c, "/t/a") == "1b");
  CHECK(value_of(*c, "/t/c", r1) == std::nullopt);
  // limit, keys_only, count_only, min/max mod revision.
  auto limited = c->range(ops::range("/t/", {.end = end, .limit = 2}));
  REQUIRE(limited.ok());
  CHECK(limited->kvs_size() == 2);
  CHECK(limited->more());
  CHECK(limited->count() == 3);
  auto keys = c->range(ops::range("/t/", {.end = end, .keys_only = true}));
  REQUIRE(keys.ok());
  REQUIRE(keys->kvs_size() == 3);
  CHECK(keys->kvs(0).value().empty());
  auto counted = c->range(ops::range("/t/", {.end = end, .count_only = true}));
  REQUIRE(counted.ok());
  CHECK(counted->kvs_size() == 0);
  CHECK(counted->count() == 3);
  auto recent = c->range(ops::range("/t/", {.end = end, .min_mod_revision = r3}));
  REQUIRE(recent.ok());
  CHECK(recent->kvs_size() == 2);  // /t/a (rewritten) and /t/c
  auto old = c->range(ops::range("/t/", {.end = end, .max_mod_revision = r3 - 1}));
  REQUIRE(old.ok());
  REQUIRE(old->kvs_size() == 1);
  CHECK(old->kvs(0).key() == "/t/b");

  // Txn: compares on value, version, create and mod revision; success and failure ops.
  etcdserverpb::TxnRequest t;
  *t.add_compare() = ops::compare_value("/t/a", "1b");
  *t.add_compare() = ops::compare_version("/t/a", 2);
  *t.add_compare() = ops::compare_create("/t/a", r1);
  *t.add_compare() = ops::compare_mod("/t/zz", 0);  // absent
  *t.add_success() = ops::op(ops::put("/t/d", "4"));
  *t.add_failure() = ops::op(ops::range("/t/a"));
  auto ok = c->txn(t);
  REQUIRE(ok.ok());
  CHECK(ok->succeeded());
  CHECK(value_of(*c, "/t/d") == "4");
  etcdserverpb::TxnRequest f;
  *f.add_compare() = ops::compare_value("/t/a", "wrong");
  *f.add_success() = ops::op(ops::put("/t/e", "5"));
  *f.add_failure() = ops::op(ops::range("/t/a"));
  auto no = c->txn(f);
  REQUIRE(no.ok());
  CHECK_FALSE(no->succeeded());
  CHECK(no->responses(0).response_range().kvs(0).value() == "1b");
  CHECK(value_of(*c, "/t/e") == std::nullopt);

  // DeleteRange of a prefix.
  auto del = c->delete_range(ops::del("/t/", end));
  REQUIRE(del.ok());
  CHECK(del->deleted() == 4);
  auto none = c->range(ops::range("/t/", {.end = end, .count_only = true}));
  REQUIRE(none.ok());
  CHECK(none->count() == 0);

  // Compact: the old revision is gone, with a recognizable error.
  auto compacted = c->compact(r3, true);
  REQUIRE(compacted.ok());
  auto gone = c->range(ops::range("/t/a", {.end = {}, .revision = r1}));
  REQUIRE_FALSE(gone.ok());
  CHECK(Client::compacted(gone.status()));

  // etcd's limits come back as clear errors, not crashes.
  etcdserverpb::TxnRequest many;
  for (int i = 0; i < 200; ++i) *many.add_success() = ops::op(ops::put("/t/m" + std::to_string(i), "x"));
  auto too_many = c->txn(many);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.status().code() == Code::kStorageError);
  auto too_big = c->put(ops::put("/t/big", std::string(2u << 20, 'x')));
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.status().code() == Code::kStorageError);
}

TEST_CASE("etcd client: nested txns carry more ops than --max-txn-ops on one level") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  etcdserverpb::TxnRequest t;
  for (int g = 0; g < 60; ++g) {
    etcdserverpb::TxnRequest group;
    for (int i = 0; i < 60; ++i) {
      *group.add_success() = ops::op(ops::put("/n/" + std::to_string(g * 60 + i), "v"));
    }
    *t.add_success() = ops::op(std::move(group));
  }
  auto r = c->txn(t);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  auto n = c->range(ops::range("/n/", {.end = ops::prefix_range_end("/n/"), .count_only = true}));
  REQUIRE(n.ok());
  CHECK(n->count() == 3600);
}

TEST_CASE("etcd client: a lease kept alive outlives its TTL and an abandoned one expires") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  std::atomic<int> lost_calls{0};
  auto kept = LeaseKeeper::Start(test_pool(), c, 2, [&](const Status&) { ++lost_calls; });
  REQUIRE(kept.ok());
  auto abandoned = c->lease_grant(2);
  REQUIRE(abandoned.ok());
  put(*c, "/l/kept", "k", (*kept)->id());
  put(*c, "/l/abandoned", "a", abandoned->id());
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  CHECK(value_of(*c, "/l/kept") == "k");
  CHECK(value_of(*c, "/l/abandoned") == std::nullopt);
  CHECK((*kept)->alive().ok());
  auto ttl = c->lease_time_to_live((*kept)->id());
  REQUIRE(ttl.ok());
  CHECK(ttl->ttl() > 0);
  // Revoked: its key goes at once and the keeper reports the loss once.
  REQUIRE((*kept)->revoke().ok());
  CHECK(value_of(*c, "/l/kept") == std::nullopt);
  CHECK_FALSE((*kept)->alive().ok());
  CHECK(lost_calls == 1);
  auto again = c->lease_keep_alive((*kept)->id());
  REQUIRE(again.ok());
  CHECK(again->ttl() <= 0);
}

TEST_CASE("etcd client: a keeper whose lease expired behind its back reports it lost") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  std::atomic<bool> lost{false};
  auto kept = LeaseKeeper::Start(test_pool(), c, 2, [&](const Status&) { lost = true; });
  REQUIRE(kept.ok());
  REQUIRE(c->lease_revoke((*kept)->id()).ok());  // as if it had expired
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!lost && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(lost);
  CHECK((*kept)->alive().message().find("expired") != std::string::npos);
}

TEST_CASE("etcd client: a watch delivers a prefix's events from its start revision until cancelled") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  const int64_t first = put(*c, "/w/a", "1");  // before the watch: delivered from history
  put(*c, "/other", "x");                       // outside the prefix: never delivered
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> seen;  // key, value ("" for a delete)
  std::vector<int64_t> revisions;
  WatchOptions o;
  o.key = "/w/";
  o.range_end = ops::prefix_range_end("/w/");
  o.start_revision = first;
  auto w = WatchStream::Start(
      test_pool(), c, o, [&](const std::vector<mvccpb::Event>& events, int64_t rev) {
        std::lock_guard lk(mu);
        for (const auto& e : events) {
          seen.emplace_back(e.kv().key(), e.type() == mvccpb::Event::DELETE ? "" : e.kv().value());
        }
        revisions.push_back(rev);
      });
  put(*c, "/w/b", "2");
  REQUIRE(c->delete_range(ops::del("/w/a")).ok());
  auto wait_for = [&](size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (;;) {
      {
        std::lock_guard lk(mu);
        if (seen.size() >= n || Clock::now() > deadline) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  wait_for(3);
  {
    std::lock_guard lk(mu);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == std::make_pair(std::string("/w/a"), std::string("1")));
    CHECK(seen[1] == std::make_pair(std::string("/w/b"), std::string("2")));
    CHECK(seen[2] == std::make_pair(std::string("/w/a"), std::string("")));
    CHECK(std::is_sorted(revisions.begin(), revisions.end()));
  }
  w->cancel();
  put(*c, "/w/c", "3");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::lock_guard lk(mu);
  CHECK(seen.size() == 3);
}

TEST_CASE("etcd client: one member killed, calls go on and nothing acknowledged is lost") {
  EtcdCluster cluster;
  auto c = connect(cluster);
  std::vector<std::string> acked;  // read by this thread only after the writer stopped
  std::atomic<size_t> acked_count{0};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      const std::string key = "/k/" + std::to_string(i);
      auto r = c->put(ops::put(key, "v" + std::to_string(i)));
      if (r.ok()) {
        acked.push_back(key);
        ++acked_count;
      } else {
        ++failures;
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  cluster.kill(0);  // whichever it is, possibly the leader
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  const size_t before_kill_plus = acked_count;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  writer.join();
  INFO("acknowledged " << acked.size() << ", failed " << failures);
  CHECK(acked.size() > before_kill_plus);  // service continued with two members
  CHECK(failures <= 3);  // at most the writes in flight while a leader was elected
  for (const std::string& key : acked) {
    REQUIRE(value_of(*c, key).has_value());
  }
}

TEST_CASE("etcd client: without quorum calls fail with STORE_UNAVAILABLE in time, then recover") {
  EtcdCluster cluster;
  auto c = connect(cluster, 2000);
  put(*c, "/q/before", "1");
  cluster.kill(1);
  cluster.kill(2);
  for (bool write : {false, true}) {
    const auto start = Clock::now();
    Status s = write ? c->put(ops::put("/q/during", "x")).status()
                     : c->range(ops::range("/q/before")).status();
    const auto took = Clock::now() - start;
    INFO((write ? "put: " : "range: ") << s.ToString());
    CHECK(s.code() == Code::kStoreUnavailable);
    CHECK(took < std::chrono::milliseconds(2500));
  }
  cluster.restart(1);
  cluster.restart(2);
  REQUIRE(cluster.wait_ready(std::chrono::seconds(30)));
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  Status s;
  while (Clock::now() < deadline) {
    s = c->put(ops::put("/q/after", "2")).status();
    if (s.ok()) break;
  }
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(value_of(*c, "/q/before") == "1");
  CHECK(value_of(*c, "/q/after") == "2");
}

TEST_CASE("etcd client: TLS with a client certificate, and refusals without one") {
  EtcdCluster cluster(1, {}, /*tls=*/true);
  ClientOptions o = cluster.client_options();
  o.deadline = std::chrono::milliseconds(2000);
  auto c = Client::Create(o);
  REQUIRE(c.ok());
  put(**c, "/tls/a", "1");
  CHECK(value_of(**c, "/tls/a") == "1");
  // Server authentication alone: the cluster wants a client certificate.
  ClientOptions no_cert = o;
  no_cert.cert_file.clear();
  no_cert.key_file.clear();
  auto anonymous = Client::Create(no_cert);
  REQUIRE(anonymous.ok());
  auto refused = (*anonymous)->range(ops::range("/tls/a"));
  CHECK_FALSE(refused.ok());
  // Plaintext to a TLS endpoint.
  ClientOptions plain;
  plain.endpoints = o.endpoints;
  plain.deadline = o.deadline;
  auto clear = Client::Create(plain);
  REQUIRE(clear.ok());
  auto r = (*clear)->range(ops::range("/tls/a"));
  CHECK(r.status().code() == Code::kStoreUnavailable);
  // A certificate without its key is refused before any connection.
  ClientOptions half = o;
  half.key_file.clear();
  CHECK(Client::Create(half).status().code() == Code::kInvalidValue);
}

}  // namespace
}  // namespace strata::storage::etcd
