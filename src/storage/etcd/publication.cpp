// PublicationReader: concurrent snapshots share one linearizable Range (publication.hpp).

#include "storage/etcd/publication.hpp"

namespace strata::storage::etcd {

std::shared_ptr<const Publication> PublicationReader::read(const Fetch& fetch) {
  std::unique_lock lk(mu_);
  // A fetch in flight may have started before this call: only the next one will do.
  const uint64_t need = launched_ + 1;
  while (done_ < need) {
    if (in_flight_) {
      done_cv_.wait(lk);
      continue;
    }
    // No fetch in flight and none done since this call: start it (launched_ == need - 1).
    in_flight_ = true;
    const uint64_t mine = ++launched_;
    lk.unlock();
    std::shared_ptr<const Publication> got;
    try {
      got = fetch();
    } catch (...) {
      lk.lock();
      in_flight_ = false;
      done_cv_.notify_all();
      throw;
    }
    lk.lock();
    latest_ = std::move(got);
    done_ = mine;
    in_flight_ = false;
    done_cv_.notify_all();
  }
  return latest_;
}

}  // namespace strata::storage::etcd
