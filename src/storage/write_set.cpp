// WriteSet: a Txn's pending writes in an arena, hashed for point access, sorted on demand.

#include "storage/write_set.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>

namespace strata::storage {

namespace {

// Arena blocks start small and double up to kBlockBytes: most transactions write a few small
// records, and each block's pages are touched as it fills (allocated without zeroing).
constexpr size_t kFirstBlockBytes = 16u << 10;
constexpr size_t kBlockBytes = 1u << 20;
constexpr size_t kParallelSortFrom = 1u << 16;  // fewer keys: one thread sorts faster
constexpr uint32_t kTombstone = UINT32_MAX;
// Record layout: u32 key length, u32 value length or kTombstone, u8 space, u8 live (0 once a
// later write of the key supersedes it), 2 bytes padding, key bytes, value bytes; records
// start at multiples of 8.
constexpr size_t kHeader = 12;
constexpr size_t kSpaceAt = 8;
constexpr size_t kLiveAt = 9;

size_t padded(size_t n) { return (n + 7) & ~size_t{7}; }

uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }
// The high half of a key's hash: kept in its table cell, it both places the key (so a table
// grows without reading any key) and filters probes before a key comparison.
uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

}  // namespace

std::string_view WriteSet::key_of(const char* record) {
  uint32_t key_size;
  std::memcpy(&key_size, record, sizeof key_size);
  return {record + kHeader, key_size};
}

WriteSet::Entry WriteSet::decode(const char* record) {
  uint32_t key_size, value_size;
  std::memcpy(&key_size, record, sizeof key_size);
  std::memcpy(&value_size, record + sizeof key_size, sizeof value_size);
  Entry e{{record + kHeader, key_size}, std::nullopt};
  if (value_size != kTombstone) e.value.emplace(record + kHeader + key_size, value_size);
  return e;
}

size_t WriteSet::record_size(const char* record) {
  const Entry e = decode(record);
  return padded(kHeader + e.key.size() + (e.value ? e.value->size() : 0));
}

Space WriteSet::space_of(const char* record) { return static_cast<Space>(record[kSpaceAt]); }

bool WriteSet::live(const char* record) { return record[kLiveAt] != 0; }

size_t WriteSet::Value::size() const {
  size_t n = 0;
  for (std::string_view p : pieces) n += p.size();
  return n;
}

char* WriteSet::append(Space space, std::string_view key, const Value& value) {
  const size_t value_size = value.size();
  const size_t need = padded(kHeader + key.size() + value_size);
  if (need > room_) {
    const size_t next = blocks_.empty() ? kFirstBlockBytes
                                        : std::min(kBlockBytes, 2 * blocks_.back().size);
    const size_t size = std::max(next, need);
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), 0, size});
    cursor_ = blocks_.back().bytes.get();
    room_ = size;
  }
  char* record = cursor_;
  record[kSpaceAt] = static_cast<char>(space);
  record[kLiveAt] = 1;
  record[kLiveAt + 1] = record[kLiveAt + 2] = 0;
  const auto key_size = static_cast<uint32_t>(key.size());
  const uint32_t value_tag = value.deleted ? kTombstone : static_cast<uint32_t>(value_size);
  std::memcpy(record, &key_size, sizeof key_size);
  std::memcpy(record + sizeof key_size, &value_tag, sizeof value_tag);
  std::memcpy(record + kHeader, key.data(), key.size());
  char* to = record + kHeader + key.size();
  for (std::string_view p : value.pieces) {
    if (p.empty()) continue;
    std::memcpy(to, p.data(), p.size());
    to += p.size();
  }
  cursor_ += need;
  room_ -= need;
  blocks_.back().used += need;
  return record;
}

size_t WriteSet::probe(const PerSpace& s, std::string_view key, uint64_t hash) const {
  const size_t mask = s.table.size() - 1;
  const uint32_t tag = tag_of(hash);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const uint64_t cell = s.table[i];
    if (cell == 0) return i;
    if (static_cast<uint32_t>(cell >> 32) == tag &&
        key_of(s.latest[static_cast<uint32_t>(cell) - 1]) == key) {
      return i;
    }
  }
}

void WriteSet::grow(PerSpace& s) {
  std::vector<uint64_t> old;
  old.swap(s.table);
  s.table.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const size_t mask = s.table.size() - 1;
  for (uint64_t cell : old) {
    if (cell == 0) continue;
    size_t i = (cell >> 32) & mask;  // the position comes from the stored tag: no key is read
    while (s.table[i] != 0) i = (i + 1) & mask;
    s.table[i] = cell;
  }
}

std::optional<WriteSet::Entry> WriteSet::find(Space space, std::string_view key) const {
  const PerSpace& s = spaces_[index(space)];
  if (s.latest.empty()) return std::nullopt;
  const uint64_t cell = s.table[probe(s, key, hash_of(key))];
  if (cell == 0) return std::nullopt;
  return decode(s.latest[static_cast<uint32_t>(cell) - 1]);
}

void WriteSet::write(Space space, std::string_view key, const Value& value) {
  PerSpace& s = spaces_[index(space)];
  ++count_;
  bytes_ += kHeader + key.size() + value.size();
  if ((s.latest.size() + 1) * 2 > s.table.size()) grow(s);  // load factor at most 1/2
  const uint64_t hash = hash_of(key);
  const size_t at = probe(s, key, hash);
  char* record = append(space, key, value);
  if (s.table[at] != 0) {
    char*& latest = s.latest[static_cast<uint32_t>(s.table[at]) - 1];
    latest[kLiveAt] = 0;  // superseded: drain() skips it
    latest = record;
    return;
  }
  const auto slot = static_cast<Slot>(s.latest.size());
  s.latest.push_back(record);
  s.table[at] = (static_cast<uint64_t>(tag_of(hash)) << 32) | (slot + 1);
  s.pending.push_back(slot);
}

void WriteSet::put(Space space, std::string_view key, std::string_view value) {
  write(space, key, Value{{&value, 1}});
}

void WriteSet::put(Space space, std::string_view key, std::span<const std::string_view> pieces) {
  write(space, key, Value{pieces});
}

void WriteSet::del(Space space, std::string_view key) { write(space, key, Value{{}, true}); }

namespace {

// Sixteen bytes of a key from some offset, big-endian and zero-padded, and how many of them
// the key has: ordering by (bytes, count) orders the keys by those bytes (a key that ends
// there sorts before its extensions). Equal digits of 16 real bytes need the next sixteen.
constexpr size_t kDigitBytes = 16;
struct Digit {
  uint64_t high;
  uint64_t low;
  WriteSet::Slot slot;
  uint32_t count;
  bool operator<(const Digit& o) const {
    if (high != o.high) return high < o.high;
    if (low != o.low) return low < o.low;
    return count < o.count;
  }
  bool tied_with(const Digit& o) const {
    return high == o.high && low == o.low && count == kDigitBytes && o.count == kDigitBytes;
  }
};

Digit digit_of(std::string_view key, size_t offset, WriteSet::Slot slot) {
  const size_t n = key.size() > offset ? std::min(kDigitBytes, key.size() - offset) : 0;
  uint64_t word[2] = {0, 0};
  for (size_t i = 0; i < kDigitBytes; ++i) {
    uint64_t& w = word[i / 8];
    w = (w << 8) | (i < n ? static_cast<unsigned char>(key[offset + i]) : 0u);
  }
  return Digit{word[0], word[1], slot, static_cast<uint32_t>(n)};
}

// Calls fn(begin, end) for every run of two or more tied digits in d[lo, hi) (sorted).
template <typename Fn>
void for_each_tie(const std::vector<Digit>& d, size_t lo, size_t hi, Fn&& fn) {
  for (size_t i = lo; i < hi;) {
    size_t j = i + 1;
    while (j < hi && d[i].tied_with(d[j])) ++j;
    if (j - i > 1) fn(i, j);
    i = j;
  }
}

}  // namespace

void WriteSet::sort_slots(const PerSpace& s, std::vector<Slot>& slots) const {
  auto less = [&s](Slot a, Slot b) { return key_of(s.latest[a]) < key_of(s.latest[b]); };
  // Keys often arrive in order (document sequences, ascending unique values): check first.
  if (std::is_sorted(slots.begin(), slots.end(), less)) return;
  if (slots.size() < kParallelSortFrom) {
    std::sort(slots.begin(), slots.end(), less);
    return;
  }
  // A migration's commit: hundreds of thousands of keys whose records lie all over the arena,
  // many alike for dozens of bytes (one index's entries for one value). Comparing them in
  // place costs a cache miss or two per comparison, so they are sorted most significant digit
  // first: each key is read once per 16-byte digit, the digits are sorted in a compact array,
  // and only runs of equal digits go on to their next 16 bytes. The first digits are sorted in
  // one part per core of the pool and merged; the runs left are then shared between the cores.
  std::vector<Digit> d(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) d[i].slot = slots[i];
  auto sort_digits = [&](size_t lo, size_t hi, size_t offset) {
    for (size_t i = lo; i < hi; ++i) d[i] = digit_of(key_of(s.latest[d[i].slot]), offset, d[i].slot);
    std::sort(d.begin() + static_cast<ptrdiff_t>(lo), d.begin() + static_cast<ptrdiff_t>(hi));
  };
  std::function<void(size_t, size_t, size_t)> refine = [&](size_t lo, size_t hi, size_t offset) {
    sort_digits(lo, hi, offset);
    for_each_tie(d, lo, hi, [&](size_t a, size_t b) { refine(a, b, offset + kDigitBytes); });
  };

  // One part per core (the caller and pool_->size()-1 workers), merged pairwise after.
  const size_t parts = pool_ == nullptr ? 1 : std::max<size_t>(1, pool_->size());
  std::vector<size_t> bound(parts + 1);
  for (size_t p = 0; p <= parts; ++p) bound[p] = d.size() * p / parts;
  std::atomic<size_t> part{0};
  common::parallel(pool_, [&] {
    for (size_t p; (p = part++) < parts;) sort_digits(bound[p], bound[p + 1], 0);
  });
  for (size_t width = 1; width < parts; width *= 2) {
    for (size_t p = 0; p + width < parts; p += 2 * width) {
      const size_t hi = bound[std::min(parts, p + 2 * width)];
      std::inplace_merge(d.begin() + static_cast<ptrdiff_t>(bound[p]),
                         d.begin() + static_cast<ptrdiff_t>(bound[p + width]),
                         d.begin() + static_cast<ptrdiff_t>(hi));
    }
  }
  std::vector<std::pair<size_t, size_t>> ties;
  for_each_tie(d, 0, d.size(), [&](size_t a, size_t b) { ties.emplace_back(a, b); });
  std::atomic<size_t> next{0};
  common::parallel(pool_, [&] {
    for (size_t k; (k = next++) < ties.size();) {
      refine(ties[k].first, ties[k].second, kDigitBytes);
    }
  });
  for (size_t i = 0; i < d.size(); ++i) slots[i] = d[i].slot;
}

const std::vector<WriteSet::Slot>& WriteSet::sorted(Space space) {
  PerSpace& s = spaces_[index(space)];
  if (s.pending.empty()) return s.sorted;
  sort_slots(s, s.pending);
  auto less = [&s](Slot a, Slot b) { return key_of(s.latest[a]) < key_of(s.latest[b]); };
  if (s.sorted.empty()) {
    s.sorted.swap(s.pending);
  } else {
    const auto middle = static_cast<ptrdiff_t>(s.sorted.size());
    s.sorted.insert(s.sorted.end(), s.pending.begin(), s.pending.end());
    std::inplace_merge(s.sorted.begin(), s.sorted.begin() + middle, s.sorted.end(), less);
    s.pending.clear();
  }
  ++s.generation;
  return s.sorted;
}

void WriteSet::clear() {
  for (PerSpace& s : spaces_) {
    s.latest.clear();
    s.table.clear();
    s.sorted.clear();
    s.pending.clear();
    ++s.generation;
  }
  blocks_.clear();
  cursor_ = nullptr;
  room_ = 0;
  count_ = 0;
  bytes_ = 0;
}

}  // namespace strata::storage
