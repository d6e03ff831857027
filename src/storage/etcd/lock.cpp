// EtcdLock: acquiring, checking, releasing and listing etcd lease locks (lock.hpp).

#include "storage/etcd/lock.hpp"

#include <nlohmann/json.hpp>

#include <random>
#include <thread>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "storage/etcd/ops.hpp"
#include "storage/etcd/snapshot.hpp"

namespace strata::storage::etcd {

namespace {

using Clock = std::chrono::steady_clock;

std::string random_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

LockInfo parse_lock(const std::string& name, const mvccpb::KeyValue& kv) {
  LockInfo info;
  info.name = name;
  info.token = static_cast<uint64_t>(kv.create_revision());
  Json j = Json::parse(kv.value(), nullptr, false);
  if (j.is_object()) {
    info.owner.server = j.value("server", "");
    info.owner.session = j.value("session", "");
    info.owner.statement = j.value("statement", "");
    info.since_ms = j.value("since", int64_t{0});
  }
  return info;
}

Status held_by(const LockInfo& h) {
  return Status(Code::kTimeout, "lock '" + h.name + "' is held by server " + h.owner.server +
                                    ", session " + h.owner.session + " (" + h.owner.statement +
                                    ")");
}

}  // namespace

EtcdLock::EtcdLock(std::shared_ptr<Backend> backend, std::shared_ptr<LeaseKeeper> lease,
                   std::string name, int64_t token, std::shared_ptr<const Publication> taken_at)
    : backend_(std::move(backend)),
      lease_(std::move(lease)),
      name_(std::move(name)),
      key_(backend_->layout.lock_key(name_)),
      token_(token),
      taken_at_(std::move(taken_at)) {}

EtcdLock::~EtcdLock() { (void)release(); }

Status EtcdLock::held() const {
  {
    std::lock_guard lk(mu_);
    if (released_) return Status(Code::kStorageError, "lock '" + name_ + "' was released");
  }
  Status alive = lease_->alive();
  if (alive.ok()) return alive;
  return Status(Code::kStorageError, "lock '" + name_ + "' was lost: " + alive.message());
}

Status EtcdLock::release() {
  {
    std::lock_guard lk(mu_);
    if (released_) return Status::Ok();
    released_ = true;
  }
  etcdserverpb::TxnRequest t;
  *t.add_compare() = ops::compare_create(key_, token_);
  *t.add_success() = ops::op(ops::del(key_));
  auto r = backend_->client->txn(t);
  return r.ok() || Client::outcome_unknown(r.status()) ? Status::Ok() : r.status();
}

Result<std::unique_ptr<Lock>> acquire_lock(const std::shared_ptr<Backend>& backend,
                                           const std::string& name, const LockOwner& owner,
                                           std::chrono::milliseconds wait) {
  if (name.empty()) return Status(Code::kInvalidValue, "a lock needs a name");
  Backend& b = *backend;
  const std::string key = b.layout.lock_key(name);
  const auto deadline = Clock::now() + wait;
  for (;;) {
    auto lease = b.lease();
    if (!lease.ok()) return lease.status();
    const std::string id = random_id();
    Json value = {{"server", owner.server}, {"session", owner.session},
                  {"statement", owner.statement}, {"since", unix_ms()}, {"id", id}};
    etcdserverpb::TxnRequest t;
    *t.add_compare() = ops::compare_create(key, 0);
    *t.add_success() = ops::op(ops::put(key, value.dump(), (*lease)->id()));
    // The publish keys as of the lock: the holder's statement reads on them (EtcdStore::
    // begin_under) instead of asking for them again.
    const std::string publish = b.layout.publish_prefix();
    *t.add_success() =
        ops::op(ops::range(publish, {.end = ops::prefix_range_end(publish)}));
    *t.add_failure() = ops::op(ops::range(key));
    auto r = b.client->txn(t);
    std::optional<mvccpb::KeyValue> holder;
    if (r.ok() && r->succeeded()) {
      const int64_t at = r->header().revision();
      return std::unique_ptr<Lock>(new EtcdLock(
          backend, *lease, name, at, publication_from(b, r->responses(1).response_range(), at)));
    }
    if (r.ok()) {
      const auto& kvs = r->responses(0).response_range().kvs();
      if (!kvs.empty()) holder = kvs[0];
    } else if (Client::outcome_unknown(r.status())) {
      // Did that put happen? The key's id says.
      auto now = b.client->range(ops::range(key));
      if (!now.ok()) return now.status();
      if (now->kvs_size() > 0) {
        holder = now->kvs(0);
        Json j = Json::parse(holder->value(), nullptr, false);
        if (j.is_object() && j.value("id", "") == id) {
          return std::unique_ptr<Lock>(
              new EtcdLock(backend, *lease, name, holder->create_revision()));
        }
      }
    } else if (b.lease_refused(r.status(), (*lease)->id())) {
      continue;  // our lease had expired (e.g. this process was paused): take a new one
    } else {
      return r.status();
    }
    if (Clock::now() >= deadline) {
      if (holder) return held_by(parse_lock(name, *holder));
      return Status(Code::kTimeout, "lock '" + name + "' could not be taken in time");
    }
    std::this_thread::sleep_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
  }
}

Result<std::vector<LockInfo>> list_locks(Backend& b) {
  const std::string prefix = b.layout.lock_prefix();
  auto r = b.client->range(ops::range(prefix, {.end = ops::prefix_range_end(prefix)}));
  if (!r.ok()) return r.status();
  std::vector<LockInfo> out;
  for (const mvccpb::KeyValue& kv : r->kvs()) {
    LockInfo info = parse_lock(kv.key().substr(prefix.size()), kv);
    if (kv.lease() != 0) {
      auto ttl = b.client->lease_time_to_live(kv.lease());
      if (ttl.ok()) info.ttl_s = ttl->ttl();
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace strata::storage::etcd
