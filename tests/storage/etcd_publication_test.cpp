// PublicationReader (src/storage/etcd/publication.hpp), without etcd: concurrent snapshots share
// the publish-key Range, and each still gets a Range that started after it asked — the property
// that keeps cluster reads linearizable.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "storage/etcd/publication.hpp"

namespace strata::storage::etcd {
namespace {

// A fake etcd: `commits` is its revision; a fetch reads it when it starts, then takes `latency`
// (the round trip), as a Range answers at a revision current while it was served.
struct FakeCluster {
  std::atomic<int64_t> commits{0};
  std::atomic<int> fetches{0};
  std::chrono::microseconds latency{0};

  std::shared_ptr<const Publication> fetch() {
    ++fetches;
    auto p = std::make_shared<Publication>();
    p->revision = commits.load();
    std::this_thread::sleep_for(latency);
    return p;
  }
};

TEST_CASE("publication: one caller at a time sends one Range per read, each newer") {
  FakeCluster etcd;
  PublicationReader reader;
  auto fetch = [&] { return etcd.fetch(); };
  CHECK(reader.read(fetch)->revision == 0);
  etcd.commits = 5;
  CHECK(reader.read(fetch)->revision == 5);  // not the cached revision 0
  CHECK(reader.read(fetch)->revision == 5);
  CHECK(etcd.fetches == 3);
}

TEST_CASE("publication: concurrent readers share Ranges and each sees every commit made before it asked") {
  FakeCluster etcd;
  etcd.latency = std::chrono::milliseconds(2);
  PublicationReader reader;
  auto fetch = [&] { return etcd.fetch(); };
  constexpr int kThreads = 16;
  constexpr int kReads = 40;
  std::atomic<int> stale{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReads; ++i) {
        // This thread's own commit is acknowledged before it reads: the read must show it.
        const int64_t acknowledged = ++etcd.commits;
        if (reader.read(fetch)->revision < acknowledged) ++stale;
        if ((i + t) % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(stale == 0);
  // Without sharing there would be kThreads * kReads Ranges; with it about two per round trip.
  INFO("Ranges sent: " << etcd.fetches.load() << " for " << kThreads * kReads << " reads");
  CHECK(etcd.fetches < kThreads * kReads / 3);
}

TEST_CASE("publication: a failed Range fails the readers that shared it, and the next read retries") {
  PublicationReader reader;
  int calls = 0;
  auto failing = [&] {
    ++calls;
    auto p = std::make_shared<Publication>();
    p->status = Status(Code::kStoreUnavailable, "no quorum");
    return p;
  };
  CHECK(reader.read(failing)->status.code() == Code::kStoreUnavailable);
  auto fine = [&] {
    ++calls;
    auto p = std::make_shared<Publication>();
    p->revision = 9;
    return p;
  };
  auto p = reader.read(fine);
  CHECK(p->status.ok());
  CHECK(p->revision == 9);
  CHECK(calls == 2);
}

}  // namespace
}  // namespace strata::storage::etcd
