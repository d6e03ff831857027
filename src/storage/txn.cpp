// Txn: a WriteSet read on top of a snapshot (read-your-writes), STYLE §10. The same for every
// store: the store provides the snapshot and commits the WriteSet.

#include <algorithm>

#include "storage/store.hpp"
#include "storage/write_set.hpp"

namespace strata::storage {

// A Txn's state: its writes, indexed for read-your-writes, and the snapshot it reads on.
struct Txn::Impl {
  explicit Impl(std::shared_ptr<const Snapshot> s) : snapshot(std::move(s)) {}

  std::shared_ptr<const Snapshot> snapshot;
  WriteSet writes;
};

namespace {

// Merges a Txn's written keys of one Space over a snapshot iterator of the same range. A key
// the Txn wrote hides the store's; a key it deleted is skipped. The written keys are read
// through their sorted list by index; when a nested scan rebuilds that list (its generation
// changes) the position is found again from the last key returned, so the order holds.
class TxnIterator final : public Iterator {
 public:
  TxnIterator(WriteSet& writes, Space space, std::string_view begin, std::string_view end,
              std::unique_ptr<Iterator> base)
      : writes_(writes), space_(space), end_(end), base_(std::move(base)) {
    const auto& sorted = writes_.sorted(space_);
    generation_ = writes_.generation(space_);
    pos_ = static_cast<size_t>(
        std::lower_bound(sorted.begin(), sorted.end(), begin,
                         [this](WriteSet::Slot k, std::string_view b) { return key(k) < b; }) -
        sorted.begin());
    settle();
  }

  bool valid() const override { return valid_; }

  void next() override {
    if (!valid_) return;
    if (!on_write_) base_->next();
    if (writes_.generation(space_) != generation_) {
      const auto& sorted = writes_.sorted_view(space_);
      generation_ = writes_.generation(space_);
      pos_ = static_cast<size_t>(
          std::upper_bound(sorted.begin(), sorted.end(), current_,
                           [this](const std::string& c, WriteSet::Slot k) { return c < key(k); }) -
          sorted.begin());
    } else if (on_write_) {
      ++pos_;
    }
    settle();
  }

  std::string_view key() const override { return current_; }
  std::string_view value() const override {
    return on_write_ ? *writes_.entry(space_, slot_).value : base_->value();
  }
  Status status() const override { return base_->status(); }

 private:
  std::string_view key(WriteSet::Slot slot) const { return writes_.entry(space_, slot).key; }

  // Stands on the smaller of the next written key and the next stored key (a written key
  // hides the stored one; a deleted one hides both).
  void settle() {
    const auto& sorted = writes_.sorted_view(space_);
    for (;;) {
      std::optional<WriteSet::Entry> written;
      if (pos_ < sorted.size()) {
        written = writes_.entry(space_, sorted[pos_]);
        if (!end_.empty() && written->key >= end_) written.reset();
      }
      const bool base_valid = base_->valid();
      if (!written && !base_valid) {
        valid_ = false;
        return;
      }
      if (written && (!base_valid || written->key <= base_->key())) {
        if (base_valid && written->key == base_->key()) base_->next();
        if (!written->value) {  // deleted in this Txn
          ++pos_;
          continue;
        }
        current_ = written->key;
        slot_ = sorted[pos_];
        on_write_ = true;
      } else {
        current_ = base_->key();
        on_write_ = false;
      }
      valid_ = true;
      return;
    }
  }

  WriteSet& writes_;
  Space space_;
  std::string end_;
  std::unique_ptr<Iterator> base_;
  uint64_t generation_ = 0;
  size_t pos_ = 0;          // next unvisited index in the sorted written keys
  std::string current_;     // the key stood on
  WriteSet::Slot slot_ = 0;  // its slot, when on a written key
  bool on_write_ = false;   // current_ comes from the written keys
  bool valid_ = false;
};

}  // namespace

Txn::Txn(std::shared_ptr<const Snapshot> snapshot)
    : impl_(std::make_unique<Impl>(std::move(snapshot))) {}
Txn::~Txn() = default;

const std::shared_ptr<const Snapshot>& Txn::snapshot() const { return impl_->snapshot; }

WriteSet& Store::writes(Txn& txn) { return txn.impl_->writes; }

void Store::rebase(Txn& txn, std::shared_ptr<const Snapshot> snapshot) {
  txn.impl_->snapshot = std::move(snapshot);
}

Result<std::optional<std::string>> Txn::get(Space space, std::string_view key) const {
  Impl& t = *impl_;
  if (auto written = t.writes.find(space, key)) {
    if (!written->value) return std::optional<std::string>();
    return std::optional<std::string>(*written->value);
  }
  return t.snapshot->get(space, key);
}

std::optional<std::optional<std::string_view>> Txn::own_write(Space space,
                                                              std::string_view key) const {
  auto written = impl_->writes.find(space, key);
  if (!written) return std::nullopt;
  return written->value;
}

std::unique_ptr<Iterator> Txn::scan(Space space, std::string_view begin,
                                    std::string_view end) const {
  Impl& t = *impl_;
  std::unique_ptr<Iterator> base = t.snapshot->scan(space, begin, end);
  if (t.writes.empty(space)) return base;
  return std::make_unique<TxnIterator>(t.writes, space, begin, end, std::move(base));
}

std::unique_ptr<Iterator> Txn::scan_prefix(Space space, std::string_view prefix) const {
  return scan(space, prefix, prefix_end(prefix));
}

void Txn::put(Space space, std::string_view key, std::string_view value) {
  impl_->writes.put(space, key, value);
}

void Txn::put(Space space, std::string_view key, std::span<const std::string_view> pieces) {
  impl_->writes.put(space, key, pieces);
}

void Txn::del(Space space, std::string_view key) { impl_->writes.del(space, key); }

size_t Txn::count() const { return impl_->writes.count(); }

size_t Txn::bytes() const { return impl_->writes.bytes(); }

}  // namespace strata::storage
