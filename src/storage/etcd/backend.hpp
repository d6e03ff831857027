#pragma once
// Private to src/storage/etcd: what an EtcdStore shares with its snapshots, iterators, locks
// and commits — the client, the key layout, the resolved limits, the lease, the samples of
// revisions the compaction uses, and the shared publish-key reads. Kept alive by each of them,
// so they may outlive the store.
// Thread-safety: safe for concurrent use.

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "storage/etcd/client.hpp"
#include "storage/etcd/etcd_store.hpp"
#include "storage/etcd/layout.hpp"
#include "storage/etcd/lease.hpp"
#include "storage/etcd/publication.hpp"
#include "storage/etcd/read_cache.hpp"

namespace strata::storage::etcd {

struct Backend {
  Backend(const EtcdStoreOptions& o, std::shared_ptr<Client> c);

  EtcdStoreOptions options;
  std::shared_ptr<Client> client;
  layout::Layout layout;
  size_t chunk_bytes;     // values above this are chunked
  size_t request_bytes;   // what the ops of one request may add up to
  int groups;             // nested Txns per request
  int group_ops;          // ops per nested Txn
  int64_t page_keys = 256;  // keys per Range page of a scan

  // The live lease (granted again when the last one was lost). Errors: the grant's.
  Result<std::shared_ptr<LeaseKeeper>> lease();
  int64_t lease_id() const;
  // After etcd refused a request with "lease not found": that lease is gone; lease() grants a
  // new one. True when `status` was that refusal.
  bool lease_refused(const Status& status, int64_t id);

  // A commit id unique in the cluster: this store's lease and a counter.
  std::string new_commit_id(int64_t lease_id);

  // Notes that `revision` was current now (for compaction by age).
  void sample(int64_t revision);
  // The newest sampled revision at least `age` old, or 0.
  int64_t revision_older_than(std::chrono::steady_clock::duration age) const;

  // Shares the publish-key Ranges of snapshots taken at the same time (publication.hpp).
  PublicationReader publications;

  // Values read, per domain and publish revision (read_cache.hpp).
  ReadCache read_cache;

  std::function<void(size_t)> staging_hook;  // tests only; set before commits run

 private:
  mutable std::mutex mu_;
  std::shared_ptr<LeaseKeeper> lease_;
  std::atomic<uint64_t> next_commit_{1};
  std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> samples_;
};

}  // namespace strata::storage::etcd
