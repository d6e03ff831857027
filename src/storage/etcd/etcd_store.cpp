// EtcdStore: opening, reads, locks, watches and compaction (etcd_store.hpp); commits are in
// commit.cpp, the roll-back of abandoned stagings in recovery.cpp.

#include "storage/etcd/etcd_store.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "storage/etcd/backend.hpp"
#include "storage/etcd/lock.hpp"
#include "storage/etcd/ops.hpp"
#include "storage/etcd/snapshot.hpp"
#include "storage/etcd/watch.hpp"
#include "storage/write_set.hpp"

namespace strata::storage::etcd {

namespace {

using Clock = std::chrono::steady_clock;

Status check_format(Backend& b) {
  const std::string key = b.layout.format_key();
  etcdserverpb::TxnRequest t;
  *t.add_compare() = ops::compare_version(key, 0);
  *t.add_success() = ops::op(ops::put(key, layout::kFormat));
  *t.add_failure() = ops::op(ops::range(key));
  auto r = b.client->txn(t);
  if (!r.ok() && Client::outcome_unknown(r.status())) {
    // Whether or not that put happened, read what is there now.
    etcdserverpb::TxnRequest read;
    *read.add_success() = ops::op(ops::range(key));
    r = b.client->txn(read);
  }
  if (!r.ok()) return r.status();
  if (r->succeeded() && r->responses_size() > 0 && r->responses(0).has_response_put()) {
    return Status::Ok();  // a new store
  }
  const auto& kvs = r->responses(0).response_range().kvs();
  if (kvs.empty() || kvs[0].value() != layout::kFormat) {
    return Status(Code::kStorageError,
                  "etcd prefix " + b.options.prefix + " holds a store of another format (" +
                      (kvs.empty() ? std::string("none") : kvs[0].value()) + "); this strata " +
                      "reads \"" + std::string(layout::kFormat) + "\"");
  }
  return Status::Ok();
}

class EtcdWatch final : public Watch {
 public:
  explicit EtcdWatch(std::unique_ptr<WatchStream> stream) : stream_(std::move(stream)) {}

 private:
  std::unique_ptr<WatchStream> stream_;
};

}  // namespace

Result<std::unique_ptr<EtcdStore>> EtcdStore::Open(const EtcdStoreOptions& options) {
  if (options.prefix.empty() || options.prefix[0] != '/' || options.prefix.back() == '/') {
    return Status(Code::kInvalidValue, "an etcd store prefix starts with '/' and does not end "
                                       "with one, as in /strata (got '" + options.prefix + "')");
  }
  if (options.pool == nullptr) {
    return Status(Code::kInvalidValue,
                  "an etcd store needs a thread pool (EtcdStoreOptions::pool)");
  }
  if (options.lock_ttl_s < 2) {
    return Status(Code::kInvalidValue, "the lock TTL must be at least 2 seconds");
  }
  if (options.client.max_txn_ops < 16 || options.client.max_request_bytes < (128u << 10)) {
    return Status(Code::kInvalidValue,
                  "etcd limits too small for Strata: --max-txn-ops must be at least 16 and "
                  "--max-request-bytes at least 128 KiB");
  }
  auto client = Client::Create(options.client);
  if (!client.ok()) return client.status();
  auto backend =
      std::make_shared<Backend>(options, std::shared_ptr<Client>(std::move(*client)));
  STRATA_RETURN_IF_ERROR(check_format(*backend));
  auto lease = backend->lease();
  if (!lease.ok()) return lease.status();
  std::unique_ptr<EtcdStore> store(new EtcdStore(backend));
  if (options.compact_interval.count() > 0) {
    store->compaction_ = options.pool->spawn_service(
        "etcd-compact", [s = store.get()](std::stop_token) { s->compaction_loop(); });
  }
  return store;
}

EtcdStore::EtcdStore(std::shared_ptr<Backend> backend) : backend_(std::move(backend)) {}

EtcdStore::~EtcdStore() {
  {
    std::lock_guard lk(compaction_mu_);
    stopping_ = true;
  }
  compaction_wake_.notify_all();
  compaction_.join();
}

std::unique_ptr<Txn> EtcdStore::begin() const {
  std::unique_ptr<Txn> txn = Store::begin();
  writes(*txn).set_pool(backend_->options.pool);  // its big sorts use every core of the pool
  return txn;
}

std::unique_ptr<Txn> EtcdStore::begin_under(const Lock& lock) const {
  const auto* held = dynamic_cast<const EtcdLock*>(&lock);
  if (held == nullptr || !held->taken_at()) return begin();
  auto txn = std::make_unique<Txn>(EtcdSnapshot::With(backend_, held->taken_at()));
  writes(*txn).set_pool(backend_->options.pool);
  return txn;
}

std::string EtcdStore::describe() const {
  return "etcd store " + backend_->client->describe() + " prefix " + backend_->options.prefix;
}

Client& EtcdStore::client() { return *backend_->client; }
int64_t EtcdStore::lease_id() const { return backend_->lease_id(); }
void EtcdStore::set_staging_hook(std::function<void(size_t)> hook) {
  backend_->staging_hook = std::move(hook);
}

std::shared_ptr<const Snapshot> EtcdStore::snapshot() const {
  return EtcdSnapshot::Take(backend_);
}

Result<std::optional<std::string>> EtcdStore::get(Space space, std::string_view key,
                                                  const Snapshot* snapshot) const {
  if (snapshot != nullptr) return snapshot->get(space, key);
  return EtcdSnapshot::Take(backend_)->get(space, key);
}

std::unique_ptr<Iterator> EtcdStore::scan(Space space, std::string_view begin,
                                          std::string_view end, const Snapshot* snapshot) const {
  if (snapshot != nullptr) return snapshot->scan(space, begin, end);
  return EtcdSnapshot::Take(backend_)->scan(space, begin, end);
}

Result<std::unique_ptr<Lock>> EtcdStore::lock(const std::string& name, const LockOwner& owner,
                                              std::chrono::milliseconds wait) {
  return acquire_lock(backend_, name, owner, wait);
}

Result<std::vector<LockInfo>> EtcdStore::locks() const { return list_locks(*backend_); }

Result<std::unique_ptr<Watch>> EtcdStore::watch(std::function<void(const Change&)> on_change) {
  std::shared_ptr<Backend> b = backend_;
  const std::string prefix = b->layout.publish_prefix();
  auto deliver = [prefix, on_change](const mvccpb::KeyValue& kv) {
    if (kv.value().empty() || kv.value()[0] != layout::kPublished) return;  // a staging flag
    on_change(Change{layout::Layout::domain_from_name(
                         std::string_view(kv.key()).substr(prefix.size())),
                     static_cast<uint64_t>(kv.mod_revision())});
  };
  WatchOptions o;
  o.key = prefix;
  o.range_end = ops::prefix_range_end(prefix);
  auto on_events = [deliver](const std::vector<mvccpb::Event>& events, int64_t) {
    for (const mvccpb::Event& e : events) {
      if (e.type() == mvccpb::Event::PUT) deliver(e.kv());
    }
  };
  // History lost: every domain may have changed; report each as it is now.
  auto on_restart = [b, prefix, deliver](int64_t) {
    auto r = b->client->range(ops::range(prefix, {.end = ops::prefix_range_end(prefix)}));
    if (!r.ok()) return;
    for (const mvccpb::KeyValue& kv : r->kvs()) deliver(kv);
  };
  auto stream = WatchStream::Start(*b->options.pool, b->client, o, on_events, on_restart);
  // Return once the watch is in place, so a commit made after watch() returns is seen.
  const auto deadline = Clock::now() + b->options.client.deadline;
  while (!stream->started() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!stream->started()) {
    return Status(Code::kStoreUnavailable, "etcd is unavailable: could not start a watch within " +
                                               std::to_string(b->options.client.deadline.count()) +
                                               " ms");
  }
  return std::unique_ptr<Watch>(new EtcdWatch(std::move(stream)));
}

Result<int64_t> EtcdStore::compact(std::chrono::seconds retention) {
  Backend& b = *backend_;
  int64_t target = b.revision_older_than(retention);
  // Never past the revision a staging in progress would roll back to.
  auto snap = EtcdSnapshot::Take(backend_);
  STRATA_RETURN_IF_ERROR(snap->status());
  if (retention.count() == 0) target = snap->revision();
  for (const auto& [domain, state] : snap->domains()) {
    if (state.staging) target = std::min(target, state.mod_revision - 1);
  }
  if (target <= 1) return int64_t{0};
  auto r = b.client->compact(target, false);
  if (!r.ok()) {
    if (Client::compacted(r.status())) return int64_t{0};  // someone compacted further already
    return r.status();
  }
  return target;
}

void EtcdStore::compaction_loop() {
  for (;;) {
    {
      std::unique_lock lk(compaction_mu_);
      compaction_wake_.wait_for(lk, backend_->options.compact_interval, [&] { return stopping_; });
      if (stopping_) return;
    }
    (void)compact(backend_->options.compact_retention);  // retried at the next interval
  }
}

}  // namespace strata::storage::etcd
