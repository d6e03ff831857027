// ReadCache (read_cache.hpp).

#include "storage/etcd/read_cache.hpp"

namespace strata::storage::etcd {

namespace {

size_t entry_bytes(const std::string& slot, const std::optional<std::string>& value) {
  return slot.size() + (value ? value->size() : 0);
}

}  // namespace

std::string ReadCache::slot(Space space, std::string_view key) {
  std::string s;
  s.reserve(1 + key.size());
  s.push_back(static_cast<char>(space));
  s.append(key);
  return s;
}

void ReadCache::set(Entries& e, std::string slot, const std::optional<std::string>& value) {
  auto [it, inserted] = e.values.try_emplace(std::move(slot));
  if (!inserted) {
    e.bytes -= entry_bytes(it->first, it->second);
    bytes_ -= entry_bytes(it->first, it->second);
  }
  it->second = value;
  e.bytes += entry_bytes(it->first, it->second);
  bytes_ += entry_bytes(it->first, it->second);
}

void ReadCache::erase(std::map<Domain, Entries>::iterator it) {
  bytes_ -= it->second.bytes;
  domains_.erase(it);
}

void ReadCache::trim(std::map<Domain, Entries>::iterator it) {
  if (it->second.bytes > kMaxDomainBytes) erase(it);
  if (bytes_ > kMaxBytes) {
    domains_.clear();
    bytes_ = 0;
  }
}

size_t ReadCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::optional<std::optional<std::string>> ReadCache::find(const Domain& d, int64_t published,
                                                          Space space,
                                                          std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = domains_.find(d);
  if (it == domains_.end() || it->second.published != published) return std::nullopt;
  auto v = it->second.values.find(slot(space, key));
  if (v == it->second.values.end()) return std::nullopt;
  return v->second;
}

void ReadCache::put(const Domain& d, int64_t published, Space space, std::string_view key,
                    const std::optional<std::string>& value) {
  if (published <= 0 || (value && value->size() > kMaxValue)) return;
  std::lock_guard lock(mu_);
  auto it = domains_.find(d);
  if (it == domains_.end()) {
    if (domains_.size() >= kMaxDomains) {
      domains_.clear();
      bytes_ = 0;
    }
    it = domains_.emplace(d, Entries{}).first;
  }
  Entries& e = it->second;
  if (e.published > published) return;  // a newer state is kept
  if (e.published < published) {
    bytes_ -= e.bytes;
    e = Entries{published, 0, {}};
  }
  set(e, slot(space, key), value);
  trim(it);
}

void ReadCache::committed(const Domain& d, int64_t expected, int64_t committed,
                          WriteSet& writes) {
  std::lock_guard lock(mu_);
  auto it = domains_.find(d);
  if (it == domains_.end()) return;
  Entries& e = it->second;
  if (e.published != expected || committed <= expected) {
    erase(it);
    return;
  }
  for (int i = 0; i < kSpaceCount; ++i) {
    const Space space = static_cast<Space>(i);
    if (writes.empty(space)) continue;
    for (WriteSet::Slot s : writes.sorted(space)) {
      const WriteSet::Entry w = writes.entry(space, s);
      if (!(domain_of(space, w.key) == d)) continue;
      std::string key = slot(space, w.key);
      if (w.value && w.value->size() > kMaxValue) {
        // Too big to keep: forget what was known of it.
        auto old = e.values.find(key);
        if (old != e.values.end()) {
          e.bytes -= entry_bytes(old->first, old->second);
          bytes_ -= entry_bytes(old->first, old->second);
          e.values.erase(old);
        }
        continue;
      }
      set(e, std::move(key),
          w.value ? std::optional<std::string>(std::string(*w.value)) : std::nullopt);
    }
  }
  e.published = committed;
  trim(it);
}

void ReadCache::drop(const Domain& d) {
  std::lock_guard lock(mu_);
  auto it = domains_.find(d);
  if (it != domains_.end()) erase(it);
}

}  // namespace strata::storage::etcd
