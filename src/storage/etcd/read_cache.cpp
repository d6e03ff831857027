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

std::string ReadCache::scan_slot(Space space, std::string_view begin, std::string_view end) {
  std::string s = std::to_string(begin.size()) + ':';  // keys are binary: no separator byte
  s.append(slot(space, begin));
  s.append(end);
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

void ReadCache::apply_to_scans(Entries& e, Space space, std::string_view key,
                               const std::optional<std::string_view>& value) {
  const std::string at = slot(space, key);
  for (auto r = e.scans.begin(); r != e.scans.end();) {
    Range& range = r->second;
    if (at < range.begin || at >= range.end) {
      ++r;
      continue;
    }
    if (value && value->size() > kMaxValue) {  // too big to keep: forget the scan
      e.bytes -= range.bytes;
      bytes_ -= range.bytes;
      r = e.scans.erase(r);
      continue;
    }
    auto old = range.kvs.find(std::string(key));
    if (old != range.kvs.end()) {
      const size_t gone = old->first.size() + old->second.size();
      range.bytes -= gone;
      e.bytes -= gone;
      bytes_ -= gone;
      range.kvs.erase(old);
    }
    if (value) {
      const size_t added = key.size() + value->size();
      range.kvs.emplace(std::string(key), std::string(*value));
      range.bytes += added;
      e.bytes += added;
      bytes_ += added;
    }
    if (range.bytes > kMaxScan) {  // grown past what a scan may keep (each hit copies it)
      e.bytes -= range.bytes;
      bytes_ -= range.bytes;
      r = e.scans.erase(r);
      continue;
    }
    ++r;
  }
}

void ReadCache::forget_scans(Entries& e) {
  for (const auto& [slot, range] : e.scans) {
    e.bytes -= range.bytes;
    bytes_ -= range.bytes;
  }
  e.scans.clear();
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

ReadCache::Entries* ReadCache::at(const Domain& d, int64_t published,
                                   std::map<Domain, Entries>::iterator* where) {
  auto it = domains_.find(d);
  if (it == domains_.end()) {
    if (domains_.size() >= kMaxDomains) {
      domains_.clear();
      bytes_ = 0;
    }
    it = domains_.emplace(d, Entries{}).first;
  }
  Entries& e = it->second;
  if (e.published > published) return nullptr;  // a newer state is kept
  if (e.published < published) {
    bytes_ -= e.bytes;
    e = Entries{};
    e.published = published;
  }
  *where = it;
  return &e;
}

void ReadCache::put(const Domain& d, int64_t published, Space space, std::string_view key,
                    const std::optional<std::string>& value) {
  if (published <= 0 || (value && value->size() > kMaxValue)) return;
  std::lock_guard lock(mu_);
  std::map<Domain, Entries>::iterator it;
  Entries* e = at(d, published, &it);
  if (e == nullptr) return;
  set(*e, slot(space, key), value);
  trim(it);
}

std::optional<ReadCache::Scan> ReadCache::find_scan(const Domain& d, int64_t published,
                                                    Space space, std::string_view begin,
                                                    std::string_view end) const {
  std::lock_guard lock(mu_);
  auto it = domains_.find(d);
  if (it == domains_.end() || it->second.published != published) return std::nullopt;
  auto r = it->second.scans.find(scan_slot(space, begin, end));
  if (r == it->second.scans.end()) return std::nullopt;
  return Scan(r->second.kvs.begin(), r->second.kvs.end());
}

void ReadCache::put_scan(const Domain& d, int64_t published, Space space, std::string_view begin,
                         std::string_view end, Scan scan) {
  if (published <= 0) return;
  size_t size = 0;
  for (const auto& [k, v] : scan) size += k.size() + v.size();
  if (size > kMaxScan) return;
  std::lock_guard lock(mu_);
  std::map<Domain, Entries>::iterator it;
  Entries* e = at(d, published, &it);
  if (e == nullptr) return;
  if (e->scans.size() >= kMaxScans) forget_scans(*e);
  std::string key = scan_slot(space, begin, end);
  auto old = e->scans.find(key);
  if (old != e->scans.end()) {
    e->bytes -= old->second.bytes;
    bytes_ -= old->second.bytes;
    e->scans.erase(old);
  }
  Range range;
  range.begin = slot(space, begin);
  range.end = slot(space, end);
  range.bytes = key.size() + size;
  for (auto& [k, v] : scan) range.kvs.emplace(std::move(k), std::move(v));
  e->bytes += range.bytes;
  bytes_ += range.bytes;
  e->scans.emplace(std::move(key), std::move(range));
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
      if (!e.scans.empty()) apply_to_scans(e, space, w.key, w.value);
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
