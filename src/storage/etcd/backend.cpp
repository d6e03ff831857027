// Backend: resolved limits, the store's lease, commit ids and revision samples (backend.hpp).

#include "storage/etcd/backend.hpp"

#include <algorithm>
#include <cstdio>

namespace strata::storage::etcd {

namespace {
using Clock = std::chrono::steady_clock;
// Room left in every request for its compares, publish puts, record and etcd's own envelope.
constexpr size_t kRequestMargin = 48u << 10;
}  // namespace

Backend::Backend(const EtcdStoreOptions& o, std::shared_ptr<Client> c)
    : options(o), client(std::move(c)), layout(o.prefix) {
  const size_t max_bytes = o.client.max_request_bytes;
  request_bytes = max_bytes > 2 * kRequestMargin ? max_bytes - kRequestMargin : max_bytes / 2;
  chunk_bytes = o.chunk_bytes > 0 ? std::min(o.chunk_bytes, request_bytes / 2)
                                  : std::min<size_t>(512u << 10, request_bytes / 2);
  // etcd checks a nested Txn against max_txn_ops minus its parent's op count: with G nested
  // Txns and X other ops on the top level, each nested Txn may hold M - (G + X) ops.
  const int m = o.client.max_txn_ops;
  const int extra = 8;  // top-level puts and deletes besides the nested Txns (and compares)
  groups = std::max(1, (m - extra) / 2);
  group_ops = std::max(1, m - (groups + extra));
}

Result<std::shared_ptr<LeaseKeeper>> Backend::lease() {
  std::lock_guard lk(mu_);
  if (lease_ && lease_->alive().ok()) return lease_;
  auto keeper = LeaseKeeper::Start(*options.pool, client, options.lock_ttl_s, nullptr);
  if (!keeper.ok()) return keeper.status();
  lease_ = std::shared_ptr<LeaseKeeper>(std::move(*keeper));
  return lease_;
}

int64_t Backend::lease_id() const {
  std::lock_guard lk(mu_);
  return lease_ ? lease_->id() : 0;
}

bool Backend::lease_refused(const Status& status, int64_t id) {
  if (status.ok() || status.message().find("lease not found") == std::string::npos) return false;
  std::lock_guard lk(mu_);
  if (lease_ && lease_->id() == id) {
    lease_->mark_lost(Status(Code::kStorageError,
                             "the etcd lease " + std::to_string(id) + " expired"));
  }
  return true;
}

std::string Backend::new_commit_id(int64_t lease_id) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016llx-%llu", static_cast<unsigned long long>(lease_id),
                static_cast<unsigned long long>(next_commit_++));
  return buf;
}

void Backend::sample(int64_t revision) {
  const auto now = Clock::now();
  std::lock_guard lk(mu_);
  if (!samples_.empty() && now - samples_.back().first < std::chrono::seconds(1)) return;
  samples_.emplace_back(now, revision);
  // Keep about two retention periods of samples.
  const auto keep = std::max<Clock::duration>(2 * options.compact_retention, std::chrono::seconds(10));
  while (samples_.size() > 2 && now - samples_[1].first > keep) samples_.pop_front();
}

int64_t Backend::revision_older_than(Clock::duration age) const {
  const auto cutoff = Clock::now() - age;
  std::lock_guard lk(mu_);
  int64_t out = 0;
  for (const auto& [when, revision] : samples_) {
    if (when > cutoff) break;
    out = revision;
  }
  return out;
}

}  // namespace strata::storage::etcd
