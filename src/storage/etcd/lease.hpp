#pragma once
// etcd::LeaseKeeper: one etcd lease (SPEC §11), granted at Start and kept alive by a service loop
// of the engine's thread pool that renews it every third of its TTL. The lease is *lost* when etcd
// answers that it expired, or when no renewal succeeded for a whole TTL (etcd may then have expired
// it: from here on the holder must assume it did). Losing it is final: on_lost is called once, from
// the keeper's thread, and alive() answers an error from then on. Keys put with the lease (locks,
// staging owners) vanish when etcd expires it; a write fenced by such a key then fails, so a
// holder that was paused past its TTL cannot commit even before this thread notices.
//
// Thread-safety: safe for concurrent use. The destructor stops the thread and revokes the
// lease (best effort: etcd expires it anyway after the TTL).

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/thread_pool.hpp"
#include "storage/etcd/client.hpp"

namespace strata::storage::etcd {

class LeaseKeeper {
 public:
  // Grants a lease of `ttl_s` seconds and starts keeping it alive. Errors: the client's.
  // The keep-alive loop is a service of `pool`, which must outlive the keeper.
  static Result<std::unique_ptr<LeaseKeeper>> Start(common::ThreadPool& pool,
                                                    std::shared_ptr<Client> client, int64_t ttl_s,
                                                    std::function<void(const Status&)> on_lost);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  int64_t id() const { return id_; }
  int64_t ttl_s() const { return ttl_s_; }
  // Ok while the lease is believed alive; kStorageError saying why once it was lost.
  Status alive() const;
  // Revokes the lease now (its keys are deleted by etcd); the keeper then reports it lost.
  Status revoke();
  // Records that etcd no longer knows the lease (a request using it was refused).
  void mark_lost(Status why) { lose(std::move(why)); }

 private:
  LeaseKeeper(std::shared_ptr<Client> client, int64_t id, int64_t ttl_s,
              std::function<void(const Status&)> on_lost);
  void run();
  void lose(Status why);

  std::shared_ptr<Client> client_;
  const int64_t id_;
  const int64_t ttl_s_;
  std::function<void(const Status&)> on_lost_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Status lost_;  // ok while alive
  common::Service keeper_;  // the keep-alive loop
};

}  // namespace strata::storage::etcd
