// EtcdSnapshot: the publish-key view, point reads, chunked values and paged range scans split
// by domain revision (snapshot.hpp).

#include "storage/etcd/snapshot.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "storage/etcd/ops.hpp"

namespace strata::storage::etcd {

namespace {

// One piece of a scan: [begin, end) ("" end: unbounded) read at one revision.
struct Segment {
  std::string begin;
  std::string end;
  int64_t revision;
};

// The key range a domain covers in a per-database Space.
std::pair<std::string, std::string> domain_range(const Domain& d) {
  if (d.prefix.size() >= 4) return {d.prefix, prefix_end(d.prefix)};
  return {d.prefix, d.prefix + '\0'};  // a short key is a domain of its own
}

bool before(std::string_view a, std::string_view end) { return end.empty() || a < end; }

// Splits [begin, end) of `space` where domains read at another revision than H lie.
std::vector<Segment> segments(const EtcdSnapshot& snap, Space space, std::string_view begin,
                              std::string_view end) {
  if (!per_database(space)) {
    return {Segment{std::string(begin), std::string(end), snap.read_revision(Domain::Global())}};
  }
  std::vector<Segment> out;
  std::string at(begin);
  for (const auto& [domain, state] : snap.domains()) {  // in domain order = key order
    if (domain.global || !state.staging) continue;
    auto [lo, hi] = domain_range(domain);
    if (!before(lo, end) || (!hi.empty() && hi <= at)) continue;
    std::string from = std::max(lo, at);
    if (at < from) out.push_back(Segment{at, from, snap.revision()});
    std::string to = hi;
    if (!end.empty() && (to.empty() || std::string_view(to) > end)) to = std::string(end);
    out.push_back(Segment{from, to, state.mod_revision - 1});
    at = to;
    if (at.empty()) return out;
  }
  if (before(at, end)) out.push_back(Segment{at, std::string(end), snap.revision()});
  return out;
}

class EtcdIterator final : public Iterator {
 public:
  EtcdIterator(std::shared_ptr<const EtcdSnapshot> snap, Space space,
               std::vector<Segment> segments)
      : snap_(std::move(snap)), space_(space), segments_(std::move(segments)) {
    load_next_page();
    settle();
  }

  bool valid() const override { return status_.ok() && index_ < page_.kvs_size(); }
  void next() override {
    if (!valid()) return;
    ++index_;
    settle();
  }
  std::string_view key() const override {
    return snap_->backend()->layout.user_key(space_, page_.kvs(index_).key());
  }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_; }

 private:
  // Fetches the next page of the current segment, or of the next one.
  void load_next_page() {
    const Backend& b = *snap_->backend();
    for (;;) {
      if (segment_ >= segments_.size()) {
        page_.Clear();
        index_ = 0;
        return;
      }
      const Segment& s = segments_[segment_];
      if (!s.end.empty() && s.begin >= s.end) {
        ++segment_;
        continue;
      }
      std::string from = resume_.empty() ? b.layout.data_key(space_, s.begin) : resume_;
      std::string to = s.end.empty() ? ops::prefix_range_end(b.layout.data_space(space_))
                                     : b.layout.data_key(space_, s.end);
      auto r = b.client->range(ops::range(from, {.end = to, .revision = s.revision,
                                                  .limit = b.page_keys}));
      if (!r.ok()) {
        status_ = read_error(r.status());
        page_.Clear();
        return;
      }
      page_ = std::move(*r);
      index_ = 0;
      if (page_.more() && page_.kvs_size() > 0) {
        resume_ = page_.kvs(page_.kvs_size() - 1).key() + '\0';
      } else {
        resume_.clear();
        ++segment_;
      }
      if (page_.kvs_size() > 0) return;
    }
  }

  // Moves past an exhausted page and decodes the value stood on.
  void settle() {
    while (status_.ok() && index_ >= page_.kvs_size() && segment_ < segments_.size()) {
      load_next_page();
    }
    if (!valid()) return;
    const mvccpb::KeyValue& kv = page_.kvs(index_);
    std::string_view stored = kv.value();
    if (!stored.empty() && stored[0] == layout::kInline) {
      value_ = stored.substr(1);
      return;
    }
    const Segment& s = segments_[resume_.empty() ? segment_ - 1 : segment_];
    auto v = decode_value(*snap_->backend(), space_, key(), stored, s.revision);
    if (!v.ok()) {
      status_ = v.status();
      return;
    }
    big_ = std::move(*v);
    value_ = big_;
  }

  std::shared_ptr<const EtcdSnapshot> snap_;
  Space space_;
  std::vector<Segment> segments_;
  size_t segment_ = 0;
  std::string resume_;  // the next page of the current segment starts here ("": a new segment)
  etcdserverpb::RangeResponse page_;
  int index_ = 0;
  std::string big_;  // a chunked value, reassembled
  std::string_view value_;
  Status status_;
};

// A scan the read cache held.
class CachedIterator final : public Iterator {
 public:
  explicit CachedIterator(ReadCache::Scan kvs) : kvs_(std::move(kvs)) {}
  bool valid() const override { return at_ < kvs_.size(); }
  void next() override { ++at_; }
  std::string_view key() const override { return kvs_[at_].first; }
  std::string_view value() const override { return kvs_[at_].second; }
  Status status() const override { return Status::Ok(); }

 private:
  ReadCache::Scan kvs_;
  size_t at_ = 0;
};

// Reads through to etcd and, when its reader went through the whole range and it was small,
// gives the read cache what it held.
class RecordingIterator final : public Iterator {
 public:
  using Done = std::function<void(ReadCache::Scan)>;
  RecordingIterator(std::unique_ptr<Iterator> inner, Done done)
      : inner_(std::move(inner)), done_(std::move(done)) {
    settle();
  }
  bool valid() const override { return inner_->valid(); }
  void next() override {
    inner_->next();
    settle();
  }
  std::string_view key() const override { return inner_->key(); }
  std::string_view value() const override { return inner_->value(); }
  Status status() const override { return inner_->status(); }

 private:
  void settle() {
    if (!done_) return;
    if (inner_->valid()) {
      bytes_ += inner_->key().size() + inner_->value().size();
      if (bytes_ > ReadCache::kMaxScan) {
        done_ = nullptr;  // too big to keep
        kvs_.clear();
        return;
      }
      kvs_.emplace_back(inner_->key(), inner_->value());
      return;
    }
    if (inner_->status().ok()) done_(std::move(kvs_));
    done_ = nullptr;
  }

  std::unique_ptr<Iterator> inner_;
  Done done_;
  ReadCache::Scan kvs_;
  size_t bytes_ = 0;
};

class FailedIterator final : public Iterator {
 public:
  explicit FailedIterator(Status s) : status_(std::move(s)) {}
  bool valid() const override { return false; }
  void next() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return status_; }

 private:
  Status status_;
};

}  // namespace

Status read_error(const Status& s) {
  if (Client::compacted(s)) {
    return Status(Code::kStorageError,
                  "snapshot too old: etcd compacted the revision this statement reads; retry it");
  }
  return s;
}

Result<std::string> decode_value(const Backend& b, Space space, std::string_view key,
                                 std::string_view stored, int64_t revision) {
  if (!stored.empty() && stored[0] == layout::kInline) return std::string(stored.substr(1));
  if (stored.size() != 13 || stored[0] != layout::kChunked) {
    return Status(Code::kStorageError, "etcd store: malformed value under " +
                                           b.layout.data_key(space, key));
  }
  const uint64_t chunks = layout::get_uint(stored.substr(1), 4);
  const uint64_t size = layout::get_uint(stored.substr(5), 8);
  std::string out;
  out.reserve(size);
  std::string from = b.layout.chunk_key(space, key, 0);
  const std::string to = b.layout.chunk_key(space, key, static_cast<uint32_t>(chunks));
  while (out.size() < size) {
    auto r = b.client->range(ops::range(from, {.end = to, .revision = revision, .limit = 8}));
    if (!r.ok()) return read_error(r.status());
    for (const mvccpb::KeyValue& kv : r->kvs()) out.append(kv.value());
    if (!r->more() || r->kvs_size() == 0) break;
    from = r->kvs(r->kvs_size() - 1).key() + '\0';
  }
  if (out.size() != size) {
    return Status(Code::kStorageError, "etcd store: the chunks of " +
                                           b.layout.data_key(space, key) + " are incomplete");
  }
  return out;
}

std::shared_ptr<EtcdSnapshot> EtcdSnapshot::Take(std::shared_ptr<Backend> backend, bool lazy) {
  std::shared_ptr<EtcdSnapshot> s(new EtcdSnapshot(std::move(backend)));
  if (!lazy) s->ensure();
  return s;
}

std::shared_ptr<EtcdSnapshot> EtcdSnapshot::At(std::shared_ptr<Backend> backend,
                                               int64_t revision, std::vector<Domain> written) {
  std::shared_ptr<EtcdSnapshot> s(new EtcdSnapshot(std::move(backend)));
  s->at_ = revision;
  s->written_ = std::move(written);
  return s;
}

std::shared_ptr<EtcdSnapshot> EtcdSnapshot::With(std::shared_ptr<Backend> backend,
                                                 std::shared_ptr<const Publication> view) {
  std::shared_ptr<EtcdSnapshot> s(new EtcdSnapshot(std::move(backend)));
  std::call_once(s->once_, [&] { s->view_ = std::move(view); });
  return s;
}

std::shared_ptr<const Publication> publication_from(Backend& b,
                                                    const etcdserverpb::RangeResponse& r,
                                                    int64_t revision) {
  auto view = std::make_shared<Publication>();
  const std::string prefix = b.layout.publish_prefix();
  view->revision = revision;
  for (const mvccpb::KeyValue& kv : r.kvs()) {
    DomainState d;
    d.mod_revision = kv.mod_revision();
    d.value = kv.value();
    d.staging = !d.value.empty() && d.value[0] == layout::kStaging;
    d.commit = d.value.empty() ? "" : d.value.substr(1);
    view->domains[layout::Layout::domain_from_name(
        std::string_view(kv.key()).substr(prefix.size()))] = std::move(d);
  }
  b.sample(view->revision);
  return view;
}

namespace {

// One linearizable Range of every publish key: the newest (`at` 0) or as of revision `at`.
std::shared_ptr<const Publication> fetch_publication(Backend& b, int64_t at = 0) {
  const std::string prefix = b.layout.publish_prefix();
  auto r = b.client->range(
      ops::range(prefix, {.end = ops::prefix_range_end(prefix), .revision = at}));
  if (!r.ok()) {
    auto view = std::make_shared<Publication>();
    view->status = read_error(r.status());
    return view;
  }
  return publication_from(b, *r, at > 0 ? at : r->header().revision());
}

}  // namespace

void EtcdSnapshot::take() const {
  Backend& b = *backend_;
  if (at_ > 0) {
    view_ = fetch_publication(b, at_);
  } else {
    view_ = b.publications.read([&b] { return fetch_publication(b); });
  }
}

Status EtcdSnapshot::status() const {
  ensure();
  return view_->status;
}

int64_t EtcdSnapshot::revision() const {
  ensure();
  return view_->revision;
}

const std::map<Domain, DomainState>& EtcdSnapshot::domains() const {
  ensure();
  return view_->domains;
}

const DomainState* EtcdSnapshot::domain(const Domain& d) const {
  ensure();
  auto it = view_->domains.find(d);
  return it == view_->domains.end() ? nullptr : &it->second;
}

int64_t EtcdSnapshot::read_revision(const Domain& d) const {
  const DomainState* s = domain(d);
  return s != nullptr && s->staging ? s->mod_revision - 1 : view_->revision;
}

int64_t EtcdSnapshot::cache_revision(const Domain& d) const {
  // The domain as of its publish revision, unless a staging hides its newest state.
  const DomainState* s = domain(d);
  return s != nullptr && !s->staging ? s->mod_revision : 0;
}

uint64_t EtcdSnapshot::version(const Domain& d) const {
  // A domain the commit behind an At() view wrote: its publish key has that commit's revision.
  if (std::find(written_.begin(), written_.end(), d) != written_.end()) {
    return static_cast<uint64_t>(at_);
  }
  const DomainState* s = domain(d);
  return s == nullptr ? 0 : static_cast<uint64_t>(s->mod_revision);
}

Result<std::optional<std::string>> EtcdSnapshot::get(Space space, std::string_view key) const {
  ensure();
  if (!view_->status.ok()) return view_->status;
  Backend& b = *backend_;
  const Domain d = domain_of(space, key);
  const int64_t rev = read_revision(d);
  const int64_t published = cache_revision(d);
  if (published > 0) {
    if (auto known = b.read_cache.find(d, published, space, key)) return std::move(*known);
  }
  auto r = b.client->range(ops::range(b.layout.data_key(space, key), {.end = {}, .revision = rev}));
  if (!r.ok()) return read_error(r.status());
  std::optional<std::string> value;
  if (r->kvs_size() > 0) {
    auto v = decode_value(b, space, key, r->kvs(0).value(), rev);
    if (!v.ok()) return v.status();
    value = std::move(*v);
  }
  if (published > 0) b.read_cache.put(d, published, space, key, value);
  return value;
}

std::unique_ptr<Iterator> EtcdSnapshot::scan(Space space, std::string_view begin,
                                             std::string_view end) const {
  ensure();
  if (!view_->status.ok()) return std::make_unique<FailedIterator>(view_->status);
  auto from_etcd = [&]() -> std::unique_ptr<Iterator> {
    return std::make_unique<EtcdIterator>(
        std::static_pointer_cast<const EtcdSnapshot>(shared_from_this()), space,
        segments(*this, space, begin, end));
  };
  // A range inside one database's domain, as of its publish revision: the read cache's.
  const bool one_domain = per_database(space) && begin.size() >= 4 && end.size() >= 4 &&
                          begin.substr(0, 4) == end.substr(0, 4);
  if (!one_domain) return from_etcd();
  const Domain d = domain_of(space, begin);
  const int64_t published = cache_revision(d);
  if (published <= 0) return from_etcd();
  if (auto known = backend_->read_cache.find_scan(d, published, space, begin, end)) {
    return std::make_unique<CachedIterator>(std::move(*known));
  }
  return std::make_unique<RecordingIterator>(
      from_etcd(), [backend = backend_, d, published, space, from = std::string(begin),
                        to = std::string(end)](ReadCache::Scan kvs) {
        backend->read_cache.put_scan(d, published, space, from, to, std::move(kvs));
      });
}

}  // namespace strata::storage::etcd
