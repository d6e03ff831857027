#pragma once
// Private to src/storage/etcd: EtcdSnapshot, a consistent read view of the etcd store
// (docs/CLUSTER.md "Reads"). Taking one is one linearizable Range of every publish key (shared
// with the snapshots taken at the same time: publication.hpp); it answers at the response's revision H, except for a domain whose publish key says a commit is
// being staged at revision F: that domain is read at F - 1, before the staging began. Values
// stored in chunks are reassembled at the same revision. A snapshot whose revision etcd has
// compacted since answers kStorageError "snapshot too old" (retry on a fresh one).
//
// A lazy snapshot takes its view at its first use (a Txn's snapshot after a commit, which is
// usually dropped unread). Thread-safety: safe for concurrent reads; iterators belong to one
// thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/etcd/backend.hpp"
#include "storage/etcd/publication.hpp"
#include "storage/store.hpp"

namespace strata::storage::etcd {

class EtcdSnapshot final : public Snapshot {
 public:
  // Takes the view now (eager) or at first use (lazy).
  static std::shared_ptr<EtcdSnapshot> Take(std::shared_ptr<Backend> backend, bool lazy = false);
  // A lazy view as of `revision` (> 0): the state right after a commit made at `revision`,
  // whatever was committed since. `written`: the domains that commit wrote — their version()
  // is `revision`, answered without asking etcd.
  static std::shared_ptr<EtcdSnapshot> At(std::shared_ptr<Backend> backend, int64_t revision,
                                          std::vector<Domain> written);
  // A view already read: the publish keys as a linearizable request saw them (a lock's Txn).
  static std::shared_ptr<EtcdSnapshot> With(std::shared_ptr<Backend> backend,
                                            std::shared_ptr<const Publication> view);

  // Non-ok when the view could not be taken (then every read answers it).
  Status status() const;
  int64_t revision() const;                                // H
  const std::map<Domain, DomainState>& domains() const;    // every publish key, by domain
  const DomainState* domain(const Domain& d) const;        // nullptr: never written
  // The revision `d` is read at: H, or F - 1 while a commit is staged there.
  int64_t read_revision(const Domain& d) const;
  // The publish revision the read cache holds `d`'s reads under; 0 (no caching) while a
  // commit is staged there.
  int64_t cache_revision(const Domain& d) const;

  Result<std::optional<std::string>> get(Space space, std::string_view key) const override;
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin,
                                 std::string_view end) const override;
  uint64_t version(const Domain& domain) const override;

  const std::shared_ptr<Backend>& backend() const { return backend_; }

 private:
  explicit EtcdSnapshot(std::shared_ptr<Backend> backend) : backend_(std::move(backend)) {}
  void take() const;
  void ensure() const { std::call_once(once_, [this] { take(); }); }

  std::shared_ptr<Backend> backend_;
  mutable std::once_flag once_;
  int64_t at_ = 0;  // > 0: the view as of this revision (At)
  std::vector<Domain> written_;  // At: the domains whose publish revision is at_
  mutable std::shared_ptr<const Publication> view_;
};

// Decodes a stored value (layout.hpp) read at `revision`, fetching its chunks when it has
// them. Errors: the client's; kStorageError for a malformed value.
Result<std::string> decode_value(const Backend& b, Space space, std::string_view key,
                                 std::string_view stored, int64_t revision);

// The publish keys a Range of the publish prefix answered (`at` > 0: it read that revision,
// else the response's). Notes the revision for compaction.
std::shared_ptr<const Publication> publication_from(Backend& b,
                                                    const etcdserverpb::RangeResponse& r,
                                                    int64_t revision);

// Maps a failed read: a compacted revision becomes "snapshot too old".
Status read_error(const Status& s);

}  // namespace strata::storage::etcd
