#pragma once
// Private to src/storage/etcd: the etcd store's locks (SPEC §11). A lock is the key
// <P>/l/<name>, created only when absent (a Txn comparing its create revision with 0) and put
// with the store's lease, so it vanishes when the holder stops renewing the lease (crash,
// pause past the TTL, partition). Its value names the owner (JSON: server, session,
// statement, since, and a random id that settles an acquisition whose answer was lost). The
// fencing token is the key's create revision: greater for every new holder. A commit fenced
// by the lock compares that create revision in the same Txn, so a holder whose key expired
// cannot commit. Waiting for a held lock polls it every 100 ms until the wait ends.
// Thread-safety: safe for concurrent use.

#include <memory>
#include <string>
#include <vector>

#include "storage/etcd/backend.hpp"
#include "storage/store.hpp"

namespace strata::storage::etcd {

class EtcdLock final : public Lock {
 public:
  // `taken_at`: the publish keys as the Txn that took the lock read them (null: not read).
  EtcdLock(std::shared_ptr<Backend> backend, std::shared_ptr<LeaseKeeper> lease, std::string name,
           int64_t token, std::shared_ptr<const Publication> taken_at = nullptr);
  ~EtcdLock() override;

  const std::string& name() const override { return name_; }
  uint64_t token() const override { return static_cast<uint64_t>(token_); }
  Status held() const override;
  Status release() override;

  // What a fenced commit compares: the lock key and its create revision.
  const std::string& key() const { return key_; }
  int64_t create_revision() const { return token_; }
  // Every publish key as of the instant the lock was taken (null when not known): a view
  // holding every commit acknowledged before, as a snapshot of its own would.
  const std::shared_ptr<const Publication>& taken_at() const { return taken_at_; }
  // A commit deleted the lock key in its own Txn: release() has nothing left to do.
  void released_by_commit() {
    std::lock_guard lk(mu_);
    released_ = true;
  }

 private:
  std::shared_ptr<Backend> backend_;
  std::shared_ptr<LeaseKeeper> lease_;
  std::string name_;
  std::string key_;
  int64_t token_;
  std::shared_ptr<const Publication> taken_at_;
  mutable std::mutex mu_;
  bool released_ = false;
};

Result<std::unique_ptr<Lock>> acquire_lock(const std::shared_ptr<Backend>& backend,
                                           const std::string& name, const LockOwner& owner,
                                           std::chrono::milliseconds wait);
Result<std::vector<LockInfo>> list_locks(Backend& backend);

}  // namespace strata::storage::etcd
