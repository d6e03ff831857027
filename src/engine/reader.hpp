#pragma once
// Reader: the read side shared by queries, index maintenance and executors. Two kinds:
//   - TxnReader: reads through a statement's storage::Txn (sees its own staged writes);
//   - SnapshotReader: reads a consistent storage snapshot (SELECT, SHOW, DESCRIBE, BACKUP).
// So the same query code serves direct reads, writes that must see earlier writes of the same
// statement (or migration), and the validator's simulations.
// Thread-safety: a Reader belongs to one thread; a SnapshotReader over a shared Store is
// independent of other threads' writes.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace strata::engine {

class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<std::optional<std::string>> get(storage::Space space,
                                                 std::string_view key) const = 0;
  virtual std::unique_ptr<storage::Iterator> scan(storage::Space space, std::string_view begin,
                                                  std::string_view end) const = 0;
  std::unique_ptr<storage::Iterator> scan_prefix(storage::Space space,
                                                 std::string_view prefix) const {
    return scan(space, prefix, storage::prefix_end(prefix));
  }
};

class TxnReader final : public Reader {
 public:
  explicit TxnReader(const storage::Txn& txn) : txn_(txn) {}
  Result<std::optional<std::string>> get(storage::Space space,
                                         std::string_view key) const override {
    return txn_.get(space, key);
  }
  std::unique_ptr<storage::Iterator> scan(storage::Space space, std::string_view begin,
                                          std::string_view end) const override {
    return txn_.scan(space, begin, end);
  }

 private:
  const storage::Txn& txn_;
};

class SnapshotReader final : public Reader {
 public:
  SnapshotReader(const storage::Store& store, std::shared_ptr<const storage::Snapshot> snap)
      : store_(store), snap_(std::move(snap)) {}
  Result<std::optional<std::string>> get(storage::Space space,
                                         std::string_view key) const override {
    return store_.get(space, key, snap_.get());
  }
  std::unique_ptr<storage::Iterator> scan(storage::Space space, std::string_view begin,
                                          std::string_view end) const override {
    return store_.scan(space, begin, end, snap_.get());
  }

 private:
  const storage::Store& store_;
  std::shared_ptr<const storage::Snapshot> snap_;
};

}  // namespace strata::engine
