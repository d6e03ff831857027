// Optimistic writes (docs/CLUSTER.md "Optimistic writes"): two engines over one real etcd
// cluster — two servers in one process — write to one database at once. Every write
// statement commits without the database's lock when it can; one that loses its race runs
// again under the lock. Checked: races were lost (the metric counts them) and yet every
// acknowledged change is there exactly once, unique values stay unique, and each engine's
// answers are those of a statement that ran alone.

#include <atomic>
#include <barrier>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.hpp"
#include "engine/engine.hpp"
#include "storage/etcd_cluster.hpp"

namespace strata::engine {
namespace {

uint64_t optimistic_writes(const std::string& outcome) {
  return metrics::default_registry()
      .counter("strata_optimistic_writes_total",
               "Optimistic commits of cluster mode, won, or lost (run again under the lock)",
               {"outcome"})
      .with({outcome})
      .value();
}

std::unique_ptr<Engine> open_engine(const storage::testing::EtcdCluster& etcd,
                                    const std::string& prefix, const std::string& name) {
  EngineOptions o;
  o.store = etcd.url();
  o.store_prefix = prefix;
  o.lock_ttl_s = 3;
  o.server_name = name;
  o.threads = 2;
  auto e = Engine::Open(o);
  INFO(e.status().ToString());
  REQUIRE(e.ok());
  return std::move(*e);
}

bool ok(const Json& r) { return r.value("status", "") == "success"; }
std::string code(const Json& r) {
  return r.contains("error") ? r["error"].value("code", "") : std::string();
}

TEST_CASE("optimistic writes: two engines writing one database lose races, never changes") {
  storage::testing::EtcdCluster etcd;
  const std::string prefix = "/opt" + std::to_string(std::random_device{}());
  std::unique_ptr<Engine> engines[2] = {open_engine(etcd, prefix, "a"),
                                        open_engine(etcd, prefix, "b")};
  Session setup = engines[0]->open_embedded_session();
  REQUIRE(ok(engines[0]->execute_text(setup, "CREATE DATABASE \"d\"")));
  REQUIRE(ok(engines[0]->execute_text(setup, "USE \"d\"")));
  REQUIRE(ok(engines[0]->execute_text(
      setup, "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, true, true}, "
             "{\"w\", INT, false, false}) COMMIT")));
  REQUIRE(ok(engines[0]->execute_text(setup, "APPLY MIGRATION WITH VERSION 1")));

  const uint64_t lost_before = optimistic_writes("lost");
  const uint64_t won_before = optimistic_writes("won");
  constexpr int kWriters = 4, kEach = 40;
  std::barrier start(kWriters);
  std::vector<std::vector<Json>> answers(kWriters);
  std::vector<Json> used(kWriters);  // checked after the join: Catch2 asserts on one thread
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      Engine& e = *engines[w % 2];
      Session s = e.open_embedded_session();
      used[w] = e.execute_text(s, "USE \"d\"");
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        // Every fourth value is the same for every writer: one of them may add it.
        const int n = i % 4 == 0 ? 100000 + i : w * 1000 + i;
        answers[w].push_back(e.execute_text(
            s, "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\":" + std::to_string(n) +
                   ",\"w\":" + std::to_string(w) + "})"));
      }
      e.close_session(s);
    });
  }
  for (auto& t : threads) t.join();
  for (const Json& u : used) REQUIRE(ok(u));

  int added = 0;
  std::vector<int> shared(kEach, 0);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEach; ++i) {
      const Json& r = answers[w][i];
      INFO("writer " << w << " statement " << i << ": " << r.dump());
      if (ok(r)) {
        ++added;
        if (i % 4 == 0) ++shared[i];
      } else {
        CHECK(i % 4 == 0);
        CHECK(code(r) == "CONSTRAINT_VIOLATION");
      }
    }
  }
  for (int i = 0; i < kEach; i += 4) CHECK(shared[i] == 1);
  CHECK(added == kWriters * (kEach - kEach / 4) + kEach / 4);
  // Both engines count every document once.
  for (auto& e : engines) {
    Session s = e->open_embedded_session();
    REQUIRE(ok(e->execute_text(s, "USE \"d\"")));
    Json count = e->execute_text(s, "SELECT COUNT FROM \"T\"");
    INFO(count.dump());
    REQUIRE(ok(count));
    CHECK(count.value("ResultCount", -1) == added);
  }
  // The writes were optimistic, and some of them lost their race and ran again.
  const uint64_t lost = optimistic_writes("lost") - lost_before;
  const uint64_t won = optimistic_writes("won") - won_before;
  INFO("won " << won << ", lost " << lost);
  CHECK(won >= static_cast<uint64_t>(added) / 2);
  CHECK(lost > 0);
}

}  // namespace
}  // namespace strata::engine
