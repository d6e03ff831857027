#pragma once
// Private to src/storage: the locks and commit notifications of a store owned by one process
// (the embedded RocksDB store). A lock is a named slot with an owner, a fencing token from one
// counter per store, and a condition variable to wait on; it has no TTL, since the process that
// holds it is the only process using the store (its death ends every lock with it). A watch is
// a callback the committing thread calls right after a commit, once per domain it touched.
//
// Thread-safety: LocalCoordination is safe for concurrent use. Callbacks run on the committing
// thread, outside every lock of this class; a Watch's destructor waits for a running callback.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/store.hpp"
#include "storage/write_set.hpp"

namespace strata::storage {

class LocalCoordination : public std::enable_shared_from_this<LocalCoordination> {
 public:
  Result<std::unique_ptr<Lock>> lock(const std::string& name, const LockOwner& owner,
                                     std::chrono::milliseconds wait);
  Result<std::vector<LockInfo>> locks() const;

  std::unique_ptr<Watch> watch(std::function<void(const Change&)> on_change);
  // True when at least one watch is registered (so a commit computes its domains).
  bool watched() const;
  // Calls every watch once per domain of `domains`.
  void notify(const std::vector<Domain>& domains);

  // Releases the lock `name` if `token` still holds it (called by the Lock).
  void release(const std::string& name, uint64_t token);
  bool holds(const std::string& name, uint64_t token) const;

 private:
  struct Watcher;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::map<std::string, LockInfo> held_;
  uint64_t next_token_ = 1;
  std::vector<std::shared_ptr<Watcher>> watchers_;
};

// The domains `writes` touches, in order.
std::vector<Domain> touched_domains(WriteSet& writes);

}  // namespace strata::storage
