// EtcdStore::commit: one Txn for a commit that fits in one etcd request, the staging protocol
// for a bigger one, and the settling of writes whose outcome etcd left unknown
// (docs/CLUSTER.md "Commits").

#include <functional>
#include <map>
#include <set>
#include <thread>

#include "common/json.hpp"
#include "storage/etcd/etcd_store.hpp"
#include "storage/etcd/lock.hpp"
#include "storage/etcd/ops.hpp"
#include "storage/etcd/pack.hpp"
#include "storage/etcd/recovery.hpp"
#include "storage/etcd/snapshot.hpp"
#include "storage/store_local.hpp"
#include "storage/write_set.hpp"

namespace strata::storage::etcd {

// An optimistic commit (Store::commit_unless_locked): it applies only while the lock key is
// absent; a commit too big for one request takes the lock with `take` first. One whose
// statement took the lock while it ran has it as its fence from the start (no `take`, no
// compare of the key's absence).
struct Optimistic {
  std::string lock_key;
  std::function<Result<std::unique_ptr<Lock>>()> take;
};

namespace {

using Clock = std::chrono::steady_clock;

class Committer {
 public:
  // With `release`, a commit of one Txn also deletes the fence's lock key (sets *released).
  // With `optimistic`, no fence or the lock the statement took late: see Optimistic; lost()
  // then tells a race lost.
  Committer(Backend& b, WriteSet& writes, const EtcdSnapshot& snap, const EtcdLock* fence,
            bool* released = nullptr, const Optimistic* optimistic = nullptr)
      : b_(b), writes_(writes), snap_(snap), fence_(fence), released_(released),
        optimistic_(optimistic), deadline_(Clock::now() + b.options.commit_deadline) {}
  ~Committer() {
    if (taken_) (void)taken_->release();
  }

  // The revision of a commit of one Txn (0: not known, or a staged commit).
  int64_t committed_at() const { return committed_at_; }
  // The domains the commit wrote (their publish keys now have revision committed_at()).
  const std::vector<Domain>& domains() const { return domains_; }
  // The publish revision of domain `d` the commit compared (before it).
  int64_t expected(const Domain& d) const {
    auto it = expected_.find(d);
    return it == expected_.end() ? 0 : it->second;
  }
  // An optimistic commit found the lock held, a domain changed since the snapshot, or
  // another commit staging there: nothing was written (run() answered an error).
  bool lost() const { return lost_; }

  Status run() {
    STRATA_RETURN_IF_ERROR(snap_.status());
    if (fence_ != nullptr) STRATA_RETURN_IF_ERROR(fence_->held());
    domains_ = touched_domains(writes_);
    STRATA_RETURN_IF_ERROR(settle_domains());
    id_ = b_.new_commit_id(b_.lease_id());
    // In one request, every written key also deletes the chunks it may have had (a delete of
    // an empty range costs etcd next to nothing), so no request asks which have some.
    clean_every_key_ = true;
    {
      OpSource source(b_, [this](PlainWrite* w) { return next_write(w); });
      Packed first;
      auto done = fill(b_, source, top_level_ops(), &first);
      if (!done.ok()) return done.status();
      if (*done) return commit_one(first);
    }
    // Staged: only the keys that have chunks delete them (twice the ops otherwise).
    STRATA_RETURN_IF_ERROR(probe_chunks());
    clean_every_key_ = false;
    space_ = 0;
    slot_ = 0;
    OpSource source(b_, [this](PlainWrite* w) { return next_write(w); });
    Packed first;
    auto done = fill(b_, source, top_level_ops(), &first);
    if (!done.ok()) return done.status();
    if (optimistic_ != nullptr && fence_ == nullptr) {
      // Too big for one request: staged under the lock, with this snapshot's compares.
      auto lock = optimistic_->take();
      if (!lock.ok()) return lock.status();
      taken_ = std::move(*lock);
      fence_ = dynamic_cast<const EtcdLock*>(taken_.get());
      if (fence_ == nullptr) return Status(Code::kInternal, "a lock of another store");
    }
    return commit_staged(first, source);
  }

 private:
  int top_level_ops() const { return static_cast<int>(domains_.size()) + 5; }
  std::string pub(const Domain& d) const { return b_.layout.publish_key(d); }

  // The expected publish revision of every domain written; a staging left by a writer that is
  // gone is rolled back first (its domains then read as they were before it, as this txn's
  // snapshot did).
  Status settle_domains() {
    for (const Domain& d : domains_) {
      const DomainState* s = snap_.domain(d);
      if (s == nullptr) {
        expected_[d] = 0;
        continue;
      }
      if (!s->staging) {
        expected_[d] = s->mod_revision;
        continue;
      }
      auto gone = staging_abandoned(b_, s->commit);
      if (!gone.ok()) return gone.status();
      if (!*gone) {
        lost_ = optimistic_ != nullptr;  // under the lock, the statement waits for that commit
        return Status(Code::kStorageError,
                      "another server is committing to this database (commit " + s->commit +
                          " in progress); retry when it is done");
      }
      STRATA_RETURN_IF_ERROR(roll_back(b_, s->commit));
      rolled_back_ = true;
      // After the roll-back the domain is as this snapshot read it, at the roll-back's
      // revision; anything later is another writer's.
      auto now = b_.client->range(ops::range(pub(d)));
      if (!now.ok()) return now.status();
      if (now->kvs_size() == 0 || now->kvs(0).value() != rolled_back_marker(s->commit)) {
        lost_ = optimistic_ != nullptr;
        return changed_error();
      }
      expected_[d] = now->kvs(0).mod_revision();
    }
    return Status::Ok();
  }

  // Which written keys have chunks now (their stale chunks are deleted with them). Read at the
  // snapshot's revision: the commit compares every written domain's publish key with the one
  // that snapshot read, so if it applies, no key of those domains changed in between — unless
  // a staging was rolled back here (its keys then hold what they held before it): read the
  // newest state then.
  Status probe_chunks() {
    const int64_t at = rolled_back_ ? 0 : snap_.revision();
    etcdserverpb::TxnRequest t;
    std::vector<Space> spaces;
    for (int i = 0; i < kSpaceCount; ++i) {
      const Space s = static_cast<Space>(i);
      if (writes_.empty(s)) continue;
      const auto& sorted = writes_.sorted(s);
      std::string_view lo = writes_.entry(s, sorted.front()).key;
      std::string_view hi = writes_.entry(s, sorted.back()).key;
      *t.add_success() = ops::op(ops::range(
          b_.layout.chunk_begin(s, lo),
          {.end = b_.layout.chunk_end(s, hi), .revision = at, .keys_only = true}));
      spaces.push_back(s);
    }
    auto r = b_.client->txn(t);
    if (!r.ok()) return r.status();
    for (size_t i = 0; i < spaces.size(); ++i) {
      for (const mvccpb::KeyValue& kv : r->responses(static_cast<int>(i)).response_range().kvs()) {
        if (auto owner = b_.layout.chunk_owner(spaces[i], kv.key())) {
          chunked_.emplace(spaces[i], std::move(*owner));
        }
      }
    }
    return Status::Ok();
  }

  // The writes in Space order, then key order.
  bool next_write(PlainWrite* w) {
    while (space_ < kSpaceCount) {
      const Space s = static_cast<Space>(space_);
      const auto& sorted = writes_.sorted(s);
      if (slot_ < sorted.size()) {
        const WriteSet::Entry e = writes_.entry(s, sorted[slot_++]);
        w->space = s;
        w->key = e.key;
        w->value = e.value;
        w->clean_chunks = clean_every_key_ || chunked_.count({s, std::string(e.key)}) != 0;
        return true;
      }
      ++space_;
      slot_ = 0;
    }
    return false;
  }

  void add_fence(etcdserverpb::TxnRequest* t) const {
    if (fence_ == nullptr) return;
    *t->add_compare() = ops::compare_create(fence_->key(), fence_->create_revision());
    *t->add_failure() = ops::op(ops::range(fence_->key()));
  }

  // Explains a Txn whose compares failed.
  Status failed(const etcdserverpb::TxnResponse& r) {
    if (fence_ != nullptr && r.responses_size() > 0) {
      const auto& kvs = r.responses(0).response_range().kvs();
      if (kvs.empty() || kvs[0].create_revision() != fence_->create_revision()) {
        return Status(Code::kStorageError, "lock '" + fence_->name() +
                                               "' was lost (its lease expired): this server "
                                               "cannot commit; nothing was written");
      }
    }
    lost_ = optimistic_ != nullptr;  // the lock was held, or a domain changed
    return changed_error();
  }
  static Status changed_error() {
    return Status(Code::kStorageError,
                  "the database changed since this statement began (another writer committed "
                  "first); nothing was written");
  }

  // A commit that fits in one request: one Txn.
  Status commit_one(Packed& packed) {
    etcdserverpb::TxnRequest t;
    add_fence(&t);
    if (optimistic_ != nullptr && fence_ == nullptr) {
      *t.add_compare() = ops::compare_version(optimistic_->lock_key, 0);
    }
    for (const Domain& d : domains_) {
      *t.add_compare() = ops::compare_mod(pub(d), expected_[d]);
      *t.add_failure() = ops::op(ops::range(pub(d)));
    }
    add_groups(packed, &t);
    const std::string marker = std::string(1, layout::kPublished) + id_;
    for (const Domain& d : domains_) *t.add_success() = ops::op(ops::put(pub(d), marker));
    const bool release = released_ != nullptr && fence_ != nullptr;
    if (release) *t.add_success() = ops::op(ops::del(fence_->key()));  // compared above
    auto r = b_.client->txn(t);
    bool happened = r.ok() && r->succeeded();
    if (!r.ok()) {
      if (!Client::outcome_unknown(r.status())) return r.status();
      auto settled = settle_unknown(marker, r.status());
      if (!settled.ok()) return settled.status();
      if (!*settled) return unavailable_nothing_written(r.status());
      happened = true;
    }
    if (!happened) return failed(*r);
    if (r.ok()) committed_at_ = r->header().revision();
    if (release) *released_ = true;  // the Txn deleted the lock key with the writes
    return Status::Ok();
  }

  // After a write whose answer was lost: did it happen (the first domain's publish key holds
  // `marker`)? When it did not, a Txn that moves that key on makes sure it never will.
  Result<bool> settle_unknown(const std::string& marker, const Status& first_error) {
    const Domain& d = domains_.front();
    const auto until = Clock::now() + b_.options.client.deadline * 3;
    while (Clock::now() < until) {
      auto now = b_.client->range(ops::range(pub(d)));
      if (!now.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      const bool present = now->kvs_size() > 0;
      if (present && now->kvs(0).value() == marker) {
        committed_at_ = now->kvs(0).mod_revision();
        return true;
      }
      const int64_t mod = present ? now->kvs(0).mod_revision() : 0;
      if (mod != expected_[d]) return false;  // someone else's commit: ours can never apply
      etcdserverpb::TxnRequest fence;
      *fence.add_compare() = ops::compare_mod(pub(d), expected_[d]);
      *fence.add_success() = ops::op(ops::put(
          pub(d), present ? now->kvs(0).value() : std::string(1, layout::kPublished) + "-"));
      auto f = b_.client->txn(fence);
      if (f.ok() && f->succeeded()) return false;
    }
    return Status(Code::kStoreUnavailable, first_error.message());
  }

  static Status unavailable_nothing_written(const Status& s) {
    std::string m = s.message();
    const size_t at = m.find(" (outcome unknown)");
    if (at != std::string::npos) m.erase(at);
    return Status(Code::kStoreUnavailable, m + "; nothing was written");
  }

  // A commit bigger than one request: flag, stage, publish (docs/CLUSTER.md).
  Status commit_staged(Packed& first, OpSource& source) {
    Status flagged;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto lease = b_.lease();
      if (!lease.ok()) return lease.status();
      id_ = b_.new_commit_id((*lease)->id());
      flagged = set_flags((*lease)->id());
      // Our lease had expired (this process was paused?): once more with a new one.
      if (!b_.lease_refused(flagged, (*lease)->id())) break;
    }
    STRATA_RETURN_IF_ERROR(flagged);
    Packed packed = std::move(first);
    bool ended = false;
    for (uint32_t n = 0;; ++n) {
      Status staged = stage(packed, n);
      if (!staged.ok()) return abandon(staged);
      if (b_.staging_hook) b_.staging_hook(n);
      if (ended) break;
      packed = Packed();
      auto done = fill(b_, source, top_level_ops(), &packed);
      if (!done.ok()) return abandon(done.status());
      ended = *done;
      if (packed.ops == 0) break;
    }
    Status published = publish();
    return published.ok() ? published : abandon(published);
  }

  Status set_flags(int64_t lease) {
    etcdserverpb::TxnRequest t;
    add_fence(&t);
    for (const Domain& d : domains_) {
      *t.add_compare() = ops::compare_mod(pub(d), expected_[d]);
      *t.add_failure() = ops::op(ops::range(pub(d)));
    }
    const std::string flag = std::string(1, layout::kStaging) + id_;
    for (const Domain& d : domains_) *t.add_success() = ops::op(ops::put(pub(d), flag));
    Json owner = {{"server", b_.options.server}, {"domains", domains_.size()}};
    *t.add_success() = ops::op(ops::put(b_.layout.owner_key(id_), owner.dump(), lease));
    auto r = b_.client->txn(t);
    if (r.ok()) {
      if (!r->succeeded()) return failed(*r);
      flagged_at_ = r->header().revision();
      return Status::Ok();
    }
    if (!Client::outcome_unknown(r.status())) return r.status();
    auto happened = settle_unknown(flag, r.status());
    if (!happened.ok()) return happened.status();
    if (!*happened) return unavailable_nothing_written(r.status());
    auto now = b_.client->range(ops::range(pub(domains_.front())));
    if (!now.ok()) return abandon(now.status());
    if (now->kvs_size() == 0) return abandon(changed_error());
    flagged_at_ = now->kvs(0).mod_revision();
    return Status::Ok();
  }

  // The compares of every staging and publishing Txn: the flags are still ours, our lease
  // (owner key) lives, and the fence holds.
  void add_staging_compares(etcdserverpb::TxnRequest* t) const {
    add_fence(t);
    for (const Domain& d : domains_) *t->add_compare() = ops::compare_mod(pub(d), flagged_at_);
    *t->add_compare() = ops::compare_create(b_.layout.owner_key(id_), flagged_at_);
  }

  // Sends request `n` of the staging; a lost answer is retried (the request is idempotent
  // while the compares hold).
  Status stage(Packed& packed, uint32_t n) {
    if (packed.ops == 0) return Status::Ok();
    etcdserverpb::TxnRequest t;
    add_staging_compares(&t);
    *t.add_success() = ops::op(ops::put(b_.layout.staging_key(id_, n), packed.record));
    add_groups(packed, &t);
    return send_until_done(t);
  }

  Status publish() {
    etcdserverpb::TxnRequest t;
    add_staging_compares(&t);
    const std::string marker = std::string(1, layout::kPublished) + id_;
    for (const Domain& d : domains_) *t.add_success() = ops::op(ops::put(pub(d), marker));
    *t.add_success() = ops::op(ops::del(b_.layout.owner_key(id_)));
    const std::string records = b_.layout.staging_prefix(id_);
    *t.add_success() = ops::op(ops::del(records, ops::prefix_range_end(records)));
    for (;;) {
      Status s = send_until_done(t);
      if (s.ok() || !Client::outcome_unknown(s)) return s;
      // Published already? (then the compares of a resend fail)
      auto now = b_.client->range(ops::range(pub(domains_.front())));
      if (now.ok() && now->kvs_size() > 0 && now->kvs(0).value() == marker) return Status::Ok();
      if (Clock::now() >= deadline_) return s;
    }
  }

  Status send_until_done(const etcdserverpb::TxnRequest& t) {
    for (;;) {
      auto r = b_.client->txn(t);
      if (r.ok()) {
        if (r->succeeded()) return Status::Ok();
        return Status(Code::kStorageError,
                      fence_ != nullptr && !fence_->held().ok()
                          ? "lock '" + fence_->name() + "' was lost (its lease expired) while "
                            "the commit was being written; nothing was published"
                          : "the commit was interrupted (its lease expired or it was rolled "
                            "back); nothing was published");
      }
      if (!Client::outcome_unknown(r.status()) || Clock::now() >= deadline_) return r.status();
    }
  }

  // Gives up a staged commit: rolls back what was staged (best effort: if this fails, the next
  // writer of these domains does it once this store's lease expired).
  Status abandon(Status why) {
    (void)roll_back(b_, id_);
    return why;
  }

  Backend& b_;
  WriteSet& writes_;
  const EtcdSnapshot& snap_;
  const EtcdLock* fence_;
  bool* released_;
  const Optimistic* optimistic_;
  std::unique_ptr<Lock> taken_;  // the lock an optimistic commit took to stage
  bool lost_ = false;
  bool clean_every_key_ = false;  // next_write: every write deletes the key's chunks
  int64_t committed_at_ = 0;
  const Clock::time_point deadline_;
  std::vector<Domain> domains_;
  std::map<Domain, int64_t> expected_;
  std::set<std::pair<Space, std::string>> chunked_;
  std::string id_;
  int64_t flagged_at_ = 0;
  bool rolled_back_ = false;  // settle_domains rolled back an abandoned staging
  int space_ = 0;
  size_t slot_ = 0;
};

// The fence of a commit is free after it: deleted in the commit's own Txn (`released`), or
// released now.
void after_fenced_commit(Lock& fence, bool released) {
  auto* etcd_lock = dynamic_cast<EtcdLock*>(&fence);
  if (released && etcd_lock != nullptr) {
    etcd_lock->released_by_commit();
  } else {
    (void)fence.release();
  }
}

}  // namespace

// etcd acknowledges a commit once a quorum has it: every commit is durable, `sync` or not.
Status EtcdStore::commit(Txn& txn, bool /*sync*/, const Lock* fence) {
  return commit_with(txn, fence, nullptr);
}

Result<Store::Race> EtcdStore::commit_unless_locked(Txn& txn, const std::string& lock_name,
                                                    const LockOwner& owner,
                                                    std::chrono::milliseconds wait,
                                                    Lock* held) {
  Optimistic o{backend_->layout.lock_key(lock_name),
               [&] { return acquire_lock(backend_, lock_name, owner, wait); }};
  bool lost = false;
  bool released = false;
  Status s = commit_with(txn, held, held != nullptr ? &released : nullptr, &o, &lost);
  if (held != nullptr) after_fenced_commit(*held, released);
  if (lost) return Race::kLost;
  STRATA_RETURN_IF_ERROR(s);
  return Race::kWon;
}

Status EtcdStore::commit_and_release(Txn& txn, bool /*sync*/, Lock& lock) {
  bool released = false;
  Status s = commit_with(txn, &lock, &released);
  after_fenced_commit(lock, released);
  return s;
}

Status EtcdStore::commit_with(Txn& txn, const Lock* fence, bool* released,
                              const Optimistic* optimistic, bool* lost) {
  WriteSet& writes = Store::writes(txn);
  if (writes.count() == 0) return Status::Ok();
  const auto* snap = dynamic_cast<const EtcdSnapshot*>(txn.snapshot().get());
  const auto* lock = dynamic_cast<const EtcdLock*>(fence);
  Status s;
  int64_t committed_at = 0;
  std::vector<Domain> written;
  if (snap == nullptr || (fence != nullptr && lock == nullptr)) {
    s = Status(Code::kInternal, "a txn or lock of another store was given to " + describe());
  } else {
    try {
      Committer c(*backend_, writes, *snap, lock, released, optimistic);
      s = c.run();
      if (lost != nullptr) *lost = c.lost();
      committed_at = c.committed_at();
      written = c.domains();
      // The read cache follows a commit of one Txn; a staged one starts its domains afresh.
      for (const Domain& d : written) {
        if (s.ok() && committed_at > 0) {
          backend_->read_cache.committed(d, c.expected(d), committed_at, writes);
        } else if (s.ok()) {
          backend_->read_cache.drop(d);
        }
      }
    } catch (const std::exception& e) {
      s = Status(Code::kStorageError, describe() + ": commit failed: " + e.what());
    }
  }
  writes.clear();
  STRATA_RETURN_IF_ERROR(s);
  // The txn then reads the state its commit made. When no lock is held after the commit (it
  // released it, or was optimistic), another writer may commit at once: the view is pinned
  // to this commit's revision, so the caller's Snapshot::version is its own commit's, never a
  // later one's.
  const bool unlocked = optimistic != nullptr || (released != nullptr && *released);
  rebase(txn, unlocked && committed_at > 0
                  ? EtcdSnapshot::At(backend_, committed_at, std::move(written))
                  : EtcdSnapshot::Take(backend_, /*lazy=*/true));
  return Status::Ok();
}

}  // namespace strata::storage::etcd
