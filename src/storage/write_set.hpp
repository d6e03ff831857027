#pragma once
// Private to src/storage: the pending writes of one Txn, per Space (STYLE §10).
//
// A migration's Txn can hold millions of writes (W1: 100,000 documents, ~5 keys each), so the
// structure is chosen for that case:
//   - every write is appended to an arena as one record (key, value or tombstone); nothing is
//     allocated per write beyond the arena's 1 MiB blocks;
//   - each Space has an open-addressing hash table from key to the key's latest record, so
//     put/del/find cost one probe, not an ordered insert;
//   - the ordered view a scan needs is built lazily: keys first written since the last scan
//     wait in a "pending" list and are merged into the sorted list (sort the new ones, one
//     linear merge) only when a scan of that Space asks for it;
//   - commit walks every Space in key order: RocksDB's memtable receives sorted inserts, or,
//     for a commit of many keys, the keys go straight into sorted SST files (ingest.cpp); a
//     very large batch commit is instead drained in write order, each arena block freed as
//     soon as its records are in the batch, so the writes are not held twice.
// A rewritten key gets a new record and the old one is marked superseded (it stays in the
// arena until clear()); records never move, so views into them stay valid until clear().
//
// Thread-safety: none; a WriteSet belongs to its Txn's thread.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_pool.hpp"
#include "storage/store.hpp"

namespace strata::storage {

class WriteSet {
 public:
  // A key's latest write: its value, or deleted in this Txn.
  struct Entry {
    std::string_view key;
    std::optional<std::string_view> value;  // nullopt: deleted
  };
  using Slot = uint32_t;  // a key's number within its Space, stable until clear()

  // The latest write of `key` in `space`, or nullopt when this Txn did not write it.
  std::optional<Entry> find(Space space, std::string_view key) const;
  void put(Space space, std::string_view key, std::string_view value);
  // A put whose value is `pieces` end to end: a large value made of parts is copied once.
  void put(Space space, std::string_view key, std::span<const std::string_view> pieces);
  void del(Space space, std::string_view key);

  // Every written key of `space` in byte order (pending keys merged in first). Calling it may
  // rebuild the list; generation(space) then changes, so holders of an index re-seek.
  const std::vector<Slot>& sorted(Space space);
  // The sorted list as of the last sorted() call, without merging pending keys.
  const std::vector<Slot>& sorted_view(Space space) const { return spaces_[index(space)].sorted; }
  uint64_t generation(Space space) const { return spaces_[index(space)].generation; }
  Entry entry(Space space, Slot slot) const { return decode(spaces_[index(space)].latest[slot]); }

  // Hands every key's latest write to `fn(space, entry)` in write order, freeing the arena as
  // it goes; the WriteSet is empty afterwards. Stops at the first non-ok status fn returns.
  template <typename Fn>
  Status drain(Fn&& fn);

  size_t count() const { return count_; }
  size_t bytes() const { return bytes_; }
  bool empty(Space space) const { return spaces_[index(space)].latest.empty(); }
  void clear();
  // The pool a big sort is spread over (common/thread_pool.hpp parallel); null: this thread.
  void set_pool(common::ThreadPool* pool) { pool_ = pool; }

 private:
  struct PerSpace {
    std::vector<char*> latest;  // per slot: its latest record
    std::vector<uint64_t> table;      // open addressing: (hash high 32 bits << 32) | slot + 1
    std::vector<Slot> sorted;         // slots in key order, as of the last sorted()
    std::vector<Slot> pending;        // slots added since, in write order
    uint64_t generation = 0;
  };
  static size_t index(Space s) { return static_cast<size_t>(s); }
  // Sorts `slots` (slots of `s`) by key.
  void sort_slots(const PerSpace& s, std::vector<Slot>& slots) const;
  static Entry decode(const char* record);
  static std::string_view key_of(const char* record);
  // The table position holding `key`, or the empty position where it would go.
  size_t probe(const PerSpace& s, std::string_view key, uint64_t hash) const;
  void grow(PerSpace& s);
  // A value to write: the concatenation of `pieces`, or a delete.
  struct Value {
    std::span<const std::string_view> pieces;
    bool deleted = false;
    size_t size() const;
  };
  char* append(Space space, std::string_view key, const Value& value);
  void write(Space space, std::string_view key, const Value& value);

  std::array<PerSpace, kSpaceCount> spaces_;
  common::ThreadPool* pool_ = nullptr;
  struct Block {
    std::unique_ptr<char[]> bytes;
    size_t used = 0;
    size_t size = 0;
  };
  static size_t record_size(const char* record);
  static Space space_of(const char* record);
  static bool live(const char* record);

  std::vector<Block> blocks_;
  char* cursor_ = nullptr;  // free room in the last block
  size_t room_ = 0;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

template <typename Fn>
Status WriteSet::drain(Fn&& fn) {
  Status status;
  for (Block& block : blocks_) {
    for (size_t at = 0; status.ok() && at < block.used;) {
      const char* record = block.bytes.get() + at;
      if (live(record)) status = fn(space_of(record), decode(record));
      at += record_size(record);
    }
    block.bytes.reset();
    if (!status.ok()) break;
  }
  clear();
  return status;
}

}  // namespace strata::storage
