// LocalCoordination: in-process locks and commit notifications of the embedded store
// (store_local.hpp).

#include "storage/store_local.hpp"

#include <algorithm>
#include <chrono>

#include "common/clock.hpp"

namespace strata::storage {

namespace {

class LocalLock final : public Lock {
 public:
  LocalLock(std::shared_ptr<LocalCoordination> owner, std::string name, uint64_t token)
      : owner_(std::move(owner)), name_(std::move(name)), token_(token) {}
  ~LocalLock() override { (void)release(); }

  const std::string& name() const override { return name_; }
  uint64_t token() const override { return token_; }
  Status held() const override {
    if (owner_->holds(name_, token_)) return Status::Ok();
    return Status(Code::kStorageError, "lock '" + name_ + "' is no longer held");
  }
  Status release() override {
    owner_->release(name_, token_);
    return Status::Ok();
  }

 private:
  std::shared_ptr<LocalCoordination> owner_;
  std::string name_;
  uint64_t token_;
};

}  // namespace

struct LocalCoordination::Watcher {
  std::mutex run;  // held while the callback runs, and by the Watch's destructor
  bool active = true;
  std::function<void(const Change&)> fn;
};

namespace {

class LocalWatch final : public Watch {
 public:
  LocalWatch(std::function<void()> unregister) : unregister_(std::move(unregister)) {}
  ~LocalWatch() override { unregister_(); }

 private:
  std::function<void()> unregister_;
};

}  // namespace

Result<std::unique_ptr<Lock>> LocalCoordination::lock(const std::string& name,
                                                      const LockOwner& owner,
                                                      std::chrono::milliseconds wait) {
  std::unique_lock lk(mu_);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (held_.count(name) != 0) {
    if (freed_.wait_until(lk, deadline) == std::cv_status::timeout && held_.count(name) != 0) {
      const LockInfo& h = held_.at(name);
      return Status(Code::kTimeout, "lock '" + name + "' is held by server " + h.owner.server +
                                        ", session " + h.owner.session + " (" +
                                        h.owner.statement + ")");
    }
  }
  LockInfo info;
  info.name = name;
  info.owner = owner;
  info.since_ms = unix_ms();
  info.token = next_token_++;
  held_[name] = info;
  return std::unique_ptr<Lock>(new LocalLock(shared_from_this(), name, info.token));
}

Result<std::vector<LockInfo>> LocalCoordination::locks() const {
  std::lock_guard lk(mu_);
  std::vector<LockInfo> out;
  for (const auto& [name, info] : held_) out.push_back(info);
  return out;
}

void LocalCoordination::release(const std::string& name, uint64_t token) {
  {
    std::lock_guard lk(mu_);
    auto it = held_.find(name);
    if (it == held_.end() || it->second.token != token) return;
    held_.erase(it);
  }
  freed_.notify_all();
}

bool LocalCoordination::holds(const std::string& name, uint64_t token) const {
  std::lock_guard lk(mu_);
  auto it = held_.find(name);
  return it != held_.end() && it->second.token == token;
}

std::unique_ptr<Watch> LocalCoordination::watch(std::function<void(const Change&)> on_change) {
  auto w = std::make_shared<Watcher>();
  w->fn = std::move(on_change);
  {
    std::lock_guard lk(mu_);
    watchers_.push_back(w);
  }
  std::weak_ptr<LocalCoordination> self = weak_from_this();
  return std::make_unique<LocalWatch>([self, w] {
    {
      std::lock_guard run(w->run);
      w->active = false;
    }
    if (auto me = self.lock()) {
      std::lock_guard lk(me->mu_);
      std::erase(me->watchers_, w);
    }
  });
}

bool LocalCoordination::watched() const {
  std::lock_guard lk(mu_);
  return !watchers_.empty();
}

void LocalCoordination::notify(const std::vector<Domain>& domains) {
  if (domains.empty()) return;
  std::vector<std::shared_ptr<Watcher>> watchers;
  {
    std::lock_guard lk(mu_);
    watchers = watchers_;
  }
  for (const auto& w : watchers) {
    std::lock_guard run(w->run);
    if (!w->active) continue;
    for (const Domain& d : domains) w->fn(Change{d, 0});
  }
}

std::vector<Domain> touched_domains(WriteSet& writes) {
  std::vector<Domain> out;
  for (int i = 0; i < kSpaceCount; ++i) {
    const Space space = static_cast<Space>(i);
    if (writes.empty(space)) continue;
    if (!per_database(space)) {
      out.push_back(Domain::Global());
      continue;
    }
    // Sorted keys: each domain is one run.
    for (WriteSet::Slot slot : writes.sorted(space)) {
      Domain d = domain_of(space, writes.entry(space, slot).key);
      if (out.empty() || out.back() != d) out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace strata::storage
