#pragma once
// EtcdStore: the cluster store (SPEC §11) — store.hpp's interface over an etcd v3 cluster, so
// any number of stateless Strata servers share one state. docs/CLUSTER.md is the design; in
// short:
//   - keys live under <prefix>/k/ (layout.hpp); a value above the chunk size is split into
//     chunks, so no single etcd request limits what a value may hold;
//   - every domain (store.hpp) has a publish key, written by every commit that touches it;
//   - a snapshot is one linearizable read of every publish key: it reads each domain at that
//     revision H, or, for a domain whose big commit is still being staged, at the revision just
//     before its staging began — so a half-staged commit is never seen;
//   - a commit that fits in one etcd request (--max-request-bytes, --max-txn-ops; nested Txns
//     multiply the ops one request may carry) is one Txn; a bigger one flags its domains as
//     staging, writes in several Txns, and clears the flags in one last Txn: the instant its
//     writes become visible, on every server;
//   - every commit compares the publish keys it read (a concurrent writer makes it fail, not
//     overwrite), its staging owner key (its lease must live) and, with a fence, the lock key's
//     create revision (the fencing token);
//   - a staging whose writer died (its owner key expired with its lease) is rolled back, to the
//     values read at the revision before it began, by the next writer of its domains;
//   - locks are keys put with this store's lease (TTL = lock_ttl_s), kept alive by LeaseKeeper;
//   - Strata compacts etcd's history itself, keeping `compact_retention` of it for running
//     readers and never removing what a staging in progress would roll back to.
//
// Thread-safety: an EtcdStore is safe for concurrent use; see store.hpp for Txns and Iterators.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "storage/etcd/client.hpp"
#include "storage/store.hpp"

namespace strata::storage::etcd {

struct EtcdStoreOptions {
  ClientOptions client;         // endpoints, deadline of each call, TLS, the cluster's limits
  std::string prefix = "/strata";
  int64_t lock_ttl_s = 10;      // the TTL of this store's lease (locks, staging owners)
  // A commit, however big, either finishes within this or fails (and is rolled back).
  std::chrono::milliseconds commit_deadline{std::chrono::minutes(10)};
  // Values above this many bytes are stored in chunks of this size (0: from the request limit).
  size_t chunk_bytes = 0;
  // History kept for readers (a snapshot older than this may fail with "snapshot too old"),
  // and how often to compact; 0 s: never compact automatically.
  std::chrono::seconds compact_retention{300};
  std::chrono::seconds compact_interval{60};
  std::string server;  // this server's name, recorded with its locks and stagings
  // The engine's thread pool: the lease keep-alive, the watch streams and the compaction loop
  // are services of it, and a commit's big sorts use its cores. Required; must outlive the
  // store.
  common::ThreadPool* pool = nullptr;
};

struct Backend;   // what snapshots, iterators and locks share with their store (backend.hpp)
struct Optimistic;  // an optimistic commit's lock (commit.cpp)

class EtcdStore final : public Store {
 public:
  // Connects, checks (or writes) the layout version under the prefix, grants the lease and
  // starts the compaction loop. Errors: kInvalidValue (options), kStoreUnavailable,
  // kStorageError ("etcd prefix /strata holds ...").
  static Result<std::unique_ptr<EtcdStore>> Open(const EtcdStoreOptions& options);
  ~EtcdStore() override;

  Result<std::optional<std::string>> get(Space space, std::string_view key,
                                         const Snapshot* snapshot) const override;
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin, std::string_view end,
                                 const Snapshot* snapshot) const override;
  std::shared_ptr<const Snapshot> snapshot() const override;
  std::unique_ptr<Txn> begin() const override;
  std::unique_ptr<Txn> begin_under(const Lock& lock) const override;
  using Store::commit;
  Status commit(Txn& txn, bool sync, const Lock* fence) override;
  Status commit_and_release(Txn& txn, bool sync, Lock& lock) override;
  bool optimistic() const override { return true; }
  Result<Race> commit_unless_locked(Txn& txn, const std::string& lock_name,
                                    const LockOwner& owner, std::chrono::milliseconds wait,
                                    Lock* held = nullptr) override;
  Result<std::unique_ptr<Lock>> lock(const std::string& name, const LockOwner& owner,
                                     std::chrono::milliseconds wait) override;
  Result<std::vector<LockInfo>> locks() const override;
  Result<std::unique_ptr<Watch>> watch(std::function<void(const Change&)> on_change) override;
  std::string describe() const override;

  // Compacts etcd's history up to the revision current `retention` ago, never past the
  // revision a staging in progress rolls back to. Returns the revision compacted to, or 0
  // when there was nothing to do.
  Result<int64_t> compact(std::chrono::seconds retention);
  // Rolls back every staging whose writer is gone (done by commits anyway, for the domains
  // they write). Returns how many were rolled back.
  Result<int> recover();

  Client& client();
  // The id of the current lease (0 when none could be had).
  int64_t lease_id() const;
  // For tests: called after each staging request of a big commit with its number (from 0),
  // before the next one is sent.
  void set_staging_hook(std::function<void(size_t)> hook);

 private:
  explicit EtcdStore(std::shared_ptr<Backend> backend);
  void compaction_loop();
  // commit(); with `released`, a commit of one Txn also deletes the fence's lock key and sets
  // *released; with `optimistic` (no fence), commit_unless_locked(), and *lost tells a race
  // lost.
  Status commit_with(Txn& txn, const Lock* fence, bool* released,
                     const Optimistic* optimistic = nullptr, bool* lost = nullptr);

  std::shared_ptr<Backend> backend_;
  std::mutex compaction_mu_;
  std::condition_variable compaction_wake_;
  bool stopping_ = false;
  common::Service compaction_;
};

}  // namespace strata::storage::etcd
