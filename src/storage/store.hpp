#pragma once
// Store: the one interface between Strata and its storage (SPEC §8, §11; STYLE §10).
//
// Two implementations: the embedded RocksDB store (Store::Open, the default; store_internal.hpp,
// store*.cpp, txn.cpp, ingest.cpp) and the etcd cluster store (etcd/etcd_store.hpp). The engine
// sees only this header. The interface is deliberately small: point reads, ordered range scans,
// consistent snapshots, one atomic write of a Txn (optionally synced, optionally fenced by a
// lock), plus what cluster mode needs — named locks with an owner, a TTL and a fencing token,
// and notifications of the commits made by anyone. Every backend error is converted to a
// strata::Status at this edge: kStorageError, or kStoreUnavailable when the store cannot be
// reached (etcd: no quorum, no endpoint, deadline).
//
// A Txn gathers the writes of one statement (or one whole migration / rollback) and lets the
// statement read its own writes on top of the snapshot it began on (write_set.hpp: an arena
// with a hash table per Space, sorted lazily for scans). Store::commit makes all of its writes
// visible at once, to every reader of the store (on every server, for etcd), or none of them.
//
// Domains: the unit of atomic publication and of change notification. Every key of a
// per-database Space (kCatalog, kDocs, kIndex, kLedger) belongs to the domain named by its first
// 4 bytes (keys.hpp: the database id; a shorter key is a domain of its own); kMeta and kSystem
// form the global domain.
//
// Thread-safety: a Store is safe for concurrent use. A Txn and an Iterator belong to one
// thread. Writers are serialized by the engine (per database, and across servers with a Lock),
// not by the Store; a commit whose snapshot is stale for a domain it writes fails instead of
// overwriting (etcd; RocksDB relies on the engine).
//
// Lifetimes: Snapshots and Store iterators keep their store's backend open, so they may outlive
// the Store. A Txn's iterator reads the Txn's writes: it must not outlive the Txn nor be used
// after a commit. A put/del on the Txn while scanning (even of the current key) is allowed: it
// only invalidates the views key()/value() returned so far; next() carries on in order (keys put
// ahead of the iterator may be visited).
//
// Ranges: every scan covers [begin, end) in byte order; an empty `end` means "no upper bound"
// (so scan_prefix works for prefixes of 0xFF bytes, whose prefix_end is "").

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "common/thread_pool.hpp"

namespace strata::storage {

// The column families (RocksDB) / key spaces (etcd). Their key layouts are defined in keys.hpp.
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

// Options of the embedded RocksDB store (Store::Open).
struct Options {
  std::string path;               // data directory; created when missing
  bool create_if_missing = true;  // false: a missing store is an error
  size_t block_cache_bytes = 64u << 20;
  size_t write_buffer_bytes = 64u << 20;
  // A commit of at least this many keys (Txn::count), or of at least this many bytes
  // (Txn::bytes: a big migration's START, its commands record), is written as SST files
  // ingested atomically instead of one WAL batch (ingest.cpp): no batch, WAL record and
  // memtable copy of it, and no flush later. 0: never.
  size_t ingest_from_keys = 1u << 16;
  size_t ingest_from_bytes = 8u << 20;
  // The engine's thread pool: a commit's big sorts and table builds are spread over it, and a
  // DB::Resume() that may hang runs on a service of it (write_errors.cpp). Null (tests, tools):
  // all of it on the committing thread, and a Resume() without a time limit. Must outlive
  // the store.
  common::ThreadPool* pool = nullptr;
};

// See "Domains" above.
struct Domain {
  bool global = true;
  std::string prefix;  // the key bytes naming a database domain (4, or fewer for a short key)

  static Domain Global() { return Domain{}; }
  static Domain Of(std::string_view prefix) { return Domain{false, std::string(prefix)}; }
  // The database id of a 4-byte domain.
  std::optional<uint32_t> database() const;
  bool operator==(const Domain&) const = default;
  auto operator<=>(const Domain&) const = default;
};
// The domain of `key` in `space`.
Domain domain_of(Space space, std::string_view key);
// True for the Spaces whose keys belong to database domains.
bool per_database(Space space);

// A forward iterator over one Space, bounded to a key range [begin, end).
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Non-ok when the scan stopped on an error (valid() is then false): kStorageError for I/O or
  // corruption, kStoreUnavailable when the store cannot be reached.
  virtual Status status() const = 0;
};

// A consistent read view of the whole store (every Space, every domain). Released by dropping
// the last shared_ptr. Taking one never fails: a snapshot the store could not take (etcd
// unreachable) answers every read with that error.
class Snapshot : public std::enable_shared_from_this<Snapshot> {
 public:
  virtual ~Snapshot() = default;
  // The value of `key`, or nullopt when absent; an error status on failure.
  virtual Result<std::optional<std::string>> get(Space space, std::string_view key) const = 0;
  // Keys in [begin, end) in byte order. The iterator keeps this snapshot alive.
  virtual std::unique_ptr<Iterator> scan(Space space, std::string_view begin,
                                         std::string_view end) const = 0;
  // A number that grows whenever a commit touches `domain`, as of this snapshot: equal numbers
  // mean the domain did not change between two snapshots. 0 when the store does not track it
  // (RocksDB: one process, which sees its own commits).
  virtual uint64_t version(const Domain& domain) const { return 0; }
};

class WriteSet;

// A read-your-writes transaction: reads see the snapshot taken at creation plus this Txn's
// own puts and deletes. Not visible to anyone else until Store::commit.
class Txn {
 public:
  explicit Txn(std::shared_ptr<const Snapshot> snapshot);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // The value of `key`, or nullopt when absent; an error status on failure.
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
  // A put whose value is `pieces` end to end (a large value made of parts, copied once).
  void put(Space space, std::string_view key, std::span<const std::string_view> pieces);
  void del(Space space, std::string_view key);

  // Number of puts/deletes recorded, and an estimate of their bytes.
  // A put/del that the store refuses (e.g. an oversized key) is reported by Store::commit.
  size_t count() const;
  size_t bytes() const;
  bool empty() const { return count() == 0; }

  // The snapshot this Txn reads on.
  const std::shared_ptr<const Snapshot>& snapshot() const;

 private:
  friend class Store;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Who holds a lock (SPEC §11: server, session, statement, since).
struct LockOwner {
  std::string server;     // e.g. "host:port" or a process name
  std::string session;    // e.g. "17"
  std::string statement;  // e.g. "APPLY MIGRATION WITH VERSION 3"
};

// A held lock, as SHOW LOCKS lists it.
struct LockInfo {
  std::string name;
  LockOwner owner;
  int64_t since_ms = 0;  // Unix time, milliseconds, when it was taken
  uint64_t token = 0;    // its fencing token
  int64_t ttl_s = -1;    // seconds left before it expires unless kept alive; -1: no TTL
};

// A lock held by this Store (Store::lock). Released by release() or on destruction.
// Thread-safety: safe for concurrent use.
class Lock {
 public:
  virtual ~Lock() = default;
  virtual const std::string& name() const = 0;
  // The fencing token: greater for every new holder of the same name.
  virtual uint64_t token() const = 0;
  // Ok while the lock is held; an error once it was lost (etcd: its lease expired, e.g. the
  // process was paused past the TTL) or released. A commit fenced by a lost lock fails.
  virtual Status held() const = 0;
  // Releases the lock (no-op when already released or lost).
  virtual Status release() = 0;
};

// A commit seen by Store::watch: `domain` changed; `version` is Snapshot::version's new value
// (0 for RocksDB).
struct Change {
  Domain domain;
  uint64_t version = 0;
};

// A registration of Store::watch; the callback is not called after destruction returns.
class Watch {
 public:
  virtual ~Watch() = default;
};

class Store {
 public:
  // Opens (or creates) the embedded RocksDB store at options.path. Errors: kStorageError with
  // a message such as "store at ./data was written by format version 7; this strata reads
  // version 2", "store at ./data is corrupted: ...", "./data is not a Strata store".
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  virtual ~Store();

  // Point read on the latest state (or on `snapshot` when given, which must come from this
  // Store).
  virtual Result<std::optional<std::string>> get(Space space, std::string_view key,
                                                 const Snapshot* snapshot = nullptr) const = 0;
  // Range scan [begin, end) on the latest state (or `snapshot`). The iterator keeps what it
  // reads alive.
  virtual std::unique_ptr<Iterator> scan(Space space, std::string_view begin,
                                         std::string_view end,
                                         const Snapshot* snapshot = nullptr) const = 0;
  std::unique_ptr<Iterator> scan_prefix(Space space, std::string_view prefix,
                                        const Snapshot* snapshot = nullptr) const;

  virtual std::shared_ptr<const Snapshot> snapshot() const = 0;

  // A new transaction reading on a fresh snapshot.
  virtual std::unique_ptr<Txn> begin() const;
  // begin() for a statement that took `lock` first, from this Store: its snapshot may be the
  // state as of the instant the lock was taken — every commit acknowledged before is in it
  // (etcd: the lock's own Txn read the publish keys, so no second round trip).
  virtual std::unique_ptr<Txn> begin_under(const Lock& lock) const {
    (void)lock;
    return begin();
  }

  // Makes every put/delete of `txn` visible at once, or none of them; with `sync`, durable on
  // return (RocksDB: fsync of the WAL; etcd: always, a commit is acknowledged by a quorum).
  // With `fence`, the commit happens only while that lock is held (etcd: compared in the same
  // transaction). The txn is emptied and may be reused (it then reads the new state).
  // On error nothing was written and the txn's writes are dropped (it is empty, as after a
  // commit, but still reads its old snapshot). Errors: kStorageError (also: a fence no longer
  // held, or a domain changed since the txn's snapshot); kStoreUnavailable (etcd unreachable or
  // past its deadline: nothing was written). REQUIRES: `txn` was begun on this Store.
  Status commit(Txn& txn, bool sync) { return commit(txn, sync, nullptr); }
  virtual Status commit(Txn& txn, bool sync, const Lock* fence) = 0;
  // commit(txn, sync, &lock), then lock.release() — whatever the commit's outcome. etcd: a
  // commit of one Txn deletes the lock key in that Txn (one round trip and one fsync fewer
  // per write statement); the lock then reports released.
  virtual Status commit_and_release(Txn& txn, bool sync, Lock& lock) {
    Status s = commit(txn, sync, &lock);
    (void)lock.release();
    return s;
  }

  // Optimistic writes (etcd; docs/CLUSTER.md "Optimistic writes"). A store that answers true
  // lets a write statement run without taking its lock first and commit with
  // commit_unless_locked(); false (RocksDB: one process, in-process locks): take the lock.
  virtual bool optimistic() const { return false; }
  enum class Race { kWon, kLost };
  // Commits `txn` only if the lock `lock_name` is free and no domain the txn writes changed
  // since its snapshot: kWon, or kLost with nothing written (the caller then runs its
  // statement again under the lock, on a fresh snapshot). A commit too big for one request
  // first takes the lock for `owner` (waiting up to `wait`) and commits fenced by it, with the
  // same compares, then releases it. `held`: the lock `lock_name` itself, which the statement
  // took while it ran (a long one, so that SHOW LOCKS shows it and no other writer makes it
  // start over): the commit is fenced by it instead, with the same compares (a domain changed
  // before it was taken: kLost), and releases it. Errors as commit() (and lock()'s). The
  // default answers kInternal: only a store whose optimistic() is true implements it.
  virtual Result<Race> commit_unless_locked(Txn& txn, const std::string& lock_name,
                                            const LockOwner& owner,
                                            std::chrono::milliseconds wait,
                                            Lock* held = nullptr);

  // Takes the lock `name` for `owner`, waiting up to `wait` while someone else holds it.
  // Errors: kTimeout naming the holder; kStoreUnavailable. A lock is not reentrant: a second
  // lock() of a held name waits, even from the same Store.
  virtual Result<std::unique_ptr<Lock>> lock(const std::string& name, const LockOwner& owner,
                                             std::chrono::milliseconds wait) = 0;
  // Every lock held now (by anyone, on any server), by name.
  virtual Result<std::vector<LockInfo>> locks() const = 0;

  // Calls `on_change` after every commit that touches a domain (made by anyone on this store;
  // for etcd, by any server), once per domain touched, from a background thread, in commit
  // order. RocksDB: called by the committing thread right after the commit.
  virtual Result<std::unique_ptr<Watch>> watch(std::function<void(const Change&)> on_change) = 0;

  // "store at DIR" / "etcd store etcd://h1:2379,... prefix /strata": for messages.
  virtual std::string describe() const = 0;

 protected:
  Store() = default;
  // For implementations: the writes of a Txn, and replacing the snapshot it reads on.
  static WriteSet& writes(Txn& txn);
  static void rebase(Txn& txn, std::shared_ptr<const Snapshot> snapshot);
};

// The smallest key greater than every key starting with `prefix` ("" when none exists).
std::string prefix_end(std::string_view prefix);

}  // namespace strata::storage
