#pragma once
// Store: the only door to RocksDB in the project (SPEC §8, STYLE §10).
//
// One RocksDB instance per data directory, with a fixed set of column families (Space). The
// interface is deliberately small: point reads, prefix/range scans, consistent snapshots,
// and one atomic batch write with an optional sync. Every rocksdb::Status is converted to a
// strata::Status at this edge (Code::kStorageError, or kNotFound-style optionals).
//
// A Txn gathers the writes of one statement (or one whole migration / rollback) and lets the
// statement read its own writes on top of a snapshot (write_set.hpp: an arena with a hash
// table per Space, sorted lazily for scans). Commit() writes it as ONE atomic RocksDB batch,
// or, for a txn of many keys, as SST files ingested in one atomic step (ingest.cpp). Nothing
// is visible to other readers before Commit().
//
// Format: the store carries a format-version record (keys.hpp). Open() refuses a store of an
// unknown (newer) version, a corrupted store, or a directory that is not a Strata store, with
// a clear message, never a crash.
//
// Thread-safety: Store is safe for concurrent use. A Txn and an Iterator belong to one thread.
// Writers are serialized by the engine (per database), not by the Store.
//
// Lifetimes: Snapshots and Store iterators keep the underlying DB open, so they may outlive
// the Store (the DB closes when the last of them goes). A Txn's iterator reads the Txn's batch:
// it must not outlive the Txn nor be used after a commit. A put/del on the Txn while scanning
// (even of the current key) is allowed: it only invalidates the views key()/value() returned
// so far; next() carries on in order (keys put ahead of the iterator may be visited).
//
// Ranges: every scan covers [begin, end) in byte order; an empty `end` means "no upper
// bound" (so scan_prefix works for prefixes of 0xFF bytes, whose prefix_end is "").

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace strata::storage {

// The column families. Their key layouts are defined in keys.hpp.
enum class Space : int {
  kMeta = 0,   // "default": format version, id counters
  kCatalog,    // database / bundle / index / relationship definitions, settings
  kDocs,       // documents
  kIndex,      // secondary index entries (hash and btree)
  kLedger,     // migrations, their events and undo snapshots
  kSystem,     // users and server-wide records
};
inline constexpr int kSpaceCount = 6;
const char* space_name(Space s);

struct Options {
  std::string path;               // data directory; created when missing
  bool create_if_missing = true;  // false: a missing store is an error
  size_t block_cache_bytes = 64u << 20;
  size_t write_buffer_bytes = 64u << 20;
  // A commit of at least this many keys (Txn::count) is written as SST files ingested
  // atomically instead of one WAL batch (ingest.cpp); 0: never. Fewer, larger values (a
  // migration's command record) are cheaper through the WAL.
  size_t ingest_from_keys = 1u << 16;
};

class Snapshot;  // a consistent read view; release by dropping the shared_ptr

// A forward iterator over one Space, bounded to a key range [begin, end).
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Non-ok when the scan stopped on an I/O or corruption error (valid() is then false).
  virtual Status status() const = 0;
};

class Store;

// A read-your-writes transaction: reads see the snapshot taken at creation plus this Txn's
// own puts and deletes. Not visible to anyone else until Store::Commit.
class Txn {
 public:
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // The value of `key`, or nullopt when absent; an error status on I/O failure.
  Result<std::optional<std::string>> get(Space space, std::string_view key) const;
  // Iterates keys in [begin, end) in byte order, merging this Txn's writes.
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin, std::string_view end) const;
  std::unique_ptr<Iterator> scan_prefix(Space space, std::string_view prefix) const;

  // This Txn's own write of `key`, reading nothing from the store: nullopt when it wrote
  // nothing there, an empty inner optional when it deleted the key. The view lasts until the
  // next commit.
  std::optional<std::optional<std::string_view>> own_write(Space space,
                                                           std::string_view key) const;

  void put(Space space, std::string_view key, std::string_view value);
  void del(Space space, std::string_view key);

  // Number of puts/deletes recorded, and an estimate of their bytes (the batch's size).
  // A put/del that RocksDB refuses (e.g. an oversized key) is reported by Store::commit.
  size_t count() const;
  size_t bytes() const;
  bool empty() const { return count() == 0; }

 private:
  friend class Store;
  struct Impl;
  explicit Txn(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Store {
 public:
  // Opens (or creates) the store at options.path. Errors: kStorageError with a message such
  // as "store at ./data was written by format version 7; this strata reads version 2",
  // "store at ./data is corrupted: ...", "./data is not a Strata store".
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  ~Store();

  // Point read on the latest state (or on `snapshot` when given, which must come from this
  // Store; a scan's iterator keeps its snapshot alive).
  Result<std::optional<std::string>> get(Space space, std::string_view key,
                                         const Snapshot* snapshot = nullptr) const;
  // Range scan [begin, end) on the latest state (or `snapshot`).
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin, std::string_view end,
                                 const Snapshot* snapshot = nullptr) const;
  std::unique_ptr<Iterator> scan_prefix(Space space, std::string_view prefix,
                                        const Snapshot* snapshot = nullptr) const;

  std::shared_ptr<const Snapshot> snapshot() const;

  // A new transaction reading on a fresh snapshot.
  std::unique_ptr<Txn> begin() const;
  // Writes every put/delete of `txn` as one atomic batch; with `sync`, durable on return
  // (fsync of the WAL). A large txn (Options::ingest_from_keys) becomes SST files added in
  // one atomic step instead, durable on return even without `sync`. The txn is emptied and
  // may be reused (it then reads the new state).
  // On error (kStorageError) nothing was written and the txn's writes are dropped (it is
  // empty, as after a commit, but still reads its old snapshot).
  // REQUIRES: `txn` was begun on this Store.
  Status commit(Txn& txn, bool sync);

  const std::string& path() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Txn;
};

// The smallest key greater than every key starting with `prefix` ("" when none exists).
std::string prefix_end(std::string_view prefix);

}  // namespace strata::storage
