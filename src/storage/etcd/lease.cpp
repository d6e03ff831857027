// etcd::LeaseKeeper: grant, keep-alive loop, loss detection, revoke (lease.hpp).

#include "storage/etcd/lease.hpp"

#include <chrono>

namespace strata::storage::etcd {

namespace {
using Clock = std::chrono::steady_clock;
}

Result<std::unique_ptr<LeaseKeeper>> LeaseKeeper::Start(
    common::ThreadPool& pool, std::shared_ptr<Client> client, int64_t ttl_s,
    std::function<void(const Status&)> on_lost) {
  if (ttl_s < 1) return Status(Code::kInvalidValue, "a lease TTL must be at least 1 second");
  auto granted = client->lease_grant(ttl_s);
  if (!granted.ok()) return granted.status();
  if (!granted->error().empty()) {
    return Status(Code::kStorageError, "etcd refused a lease: " + granted->error());
  }
  std::unique_ptr<LeaseKeeper> keeper(
      new LeaseKeeper(std::move(client), granted->id(), granted->ttl(), std::move(on_lost)));
  keeper->keeper_ =
      pool.spawn_service("etcd-lease", [k = keeper.get()](std::stop_token) { k->run(); });
  return keeper;
}

LeaseKeeper::LeaseKeeper(std::shared_ptr<Client> client, int64_t id, int64_t ttl_s,
                         std::function<void(const Status&)> on_lost)
    : client_(std::move(client)), id_(id), ttl_s_(ttl_s), on_lost_(std::move(on_lost)) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  keeper_.join();
  bool was_alive;
  {
    std::lock_guard lk(mu_);
    was_alive = lost_.ok();
  }
  if (was_alive) (void)client_->lease_revoke(id_);
}

Status LeaseKeeper::alive() const {
  std::lock_guard lk(mu_);
  return lost_;
}

Status LeaseKeeper::revoke() {
  Status s = client_->lease_revoke(id_);
  if (s.ok()) lose(Status(Code::kStorageError, "the etcd lease was revoked"));
  return s;
}

void LeaseKeeper::lose(Status why) {
  {
    std::lock_guard lk(mu_);
    if (!lost_.ok()) return;
    lost_ = std::move(why);
  }
  wake_.notify_all();
  if (on_lost_) on_lost_(alive());
}

void LeaseKeeper::run() {
  const auto ttl = std::chrono::seconds(ttl_s_);
  const auto period = std::max<Clock::duration>(ttl / 3, std::chrono::milliseconds(300));
  auto last_renewed = Clock::now();
  for (;;) {
    {
      std::unique_lock lk(mu_);
      wake_.wait_for(lk, period, [&] { return stopping_ || !lost_.ok(); });
      if (stopping_ || !lost_.ok()) return;
    }
    auto renewed = client_->lease_keep_alive(id_);
    const auto now = Clock::now();
    if (renewed.ok()) {
      if (renewed->ttl() <= 0) {
        lose(Status(Code::kStorageError, "the etcd lease " + std::to_string(id_) +
                                             " expired (its TTL is " + std::to_string(ttl_s_) +
                                             " s)"));
        return;
      }
      last_renewed = now;
    } else if (renewed.status().code() == Code::kStorageError) {
      lose(Status(Code::kStorageError, "the etcd lease " + std::to_string(id_) +
                                           " was lost: " + renewed.status().message()));
      return;
    }
    // A pause of this process (or a long outage) past the TTL: etcd may have expired it.
    if (now - last_renewed >= ttl) {
      lose(Status(Code::kStorageError, "the etcd lease " + std::to_string(id_) +
                                           " was not renewed for " + std::to_string(ttl_s_) +
                                           " s and must be taken as expired"));
      return;
    }
  }
}

}  // namespace strata::storage::etcd
