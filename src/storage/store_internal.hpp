#pragma once
// Private to src/storage: the embedded RocksDB store — the RocksDB handles shared by a
// RocksStore, its Snapshots and Iterators, and the conversion of rocksdb::Status into
// strata::Status (STYLE §8, §10). The store behind store.hpp's interface when Store::Open is used.
//
// Lifetime: the DB is closed when the last holder of its DbHandle goes away, so a Snapshot or
// an Iterator that outlives its Store stays valid. Thread-safety: DbHandle is immutable after
// Open (but for its write-recovery state, atomic or under its own mutex) and RocksDB's DB is
// thread-safe; Iterators belong to one thread.

#include <rocksdb/comparator.h>
#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"
#include "storage/write_set.hpp"

namespace strata::storage {

// The format of the records this build writes and reads (the "format_version" key of kMeta).
inline constexpr uint32_t kStoreFormatVersion = 2;  // keys.hpp kFormatVersion
inline constexpr std::string_view kFormatVersionKey = "format_version";

// An open RocksDB instance with one handle per Space (plus any unknown column family that had
// to be opened with it). Closes the DB on destruction.
struct DbHandle {
  ~DbHandle();
  rocksdb::DB* db = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, kSpaceCount> spaces{};
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles;  // every handle opened, owned
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::Logger> info_log;  // RocksDB's LOG (info_log.cpp)
  std::string path;
  size_t ingest_from_keys = 0;   // Options::ingest_from_keys
  size_t ingest_from_bytes = 0;  // Options::ingest_from_bytes
  common::ThreadPool* pool = nullptr;  // Options::pool
  bool read_only = false;       // opened read-only: the medium or directory is not writable

  // Write recovery (write_errors.cpp): set when a write failed on an I/O error, which stops
  // RocksDB's writes until DB::Resume(); the next commit tries to resume first.
  mutable std::atomic<bool> writes_stopped{false};
  // Set when RocksDB stopped writes for good (a fatal background error: Resume() cannot lift
  // it); only reopening the DB brings writes back (recover_writes).
  mutable std::atomic<bool> dead{false};
  mutable std::mutex resume_mu;
  mutable std::chrono::steady_clock::time_point last_reopen{};  // guarded by resume_mu

  rocksdb::ColumnFamilyHandle* cf(Space s) const { return spaces[static_cast<int>(s)]; }
};

// Converts a non-ok rocksdb::Status into kStorageError naming the store ("store at DIR is
// corrupted: ..." for corruption). `s` must not be ok.
Status storage_error(const DbHandle& handle, const rocksdb::Status& s);
Status storage_error(const std::string& path, const rocksdb::Status& s);

// The error of a failed write (commit or ingestion) of `handle`: STORE_FULL when the disk is
// full, STORE_READ_ONLY when the store cannot be written (read-only medium, lost permission),
// else storage_error(). Marks the handle's writes stopped when RocksDB stops them.
Status write_error(const DbHandle& handle, const rocksdb::Status& s);
// Before a write: when a former write failed on an I/O error, asks RocksDB to resume writes
// (DB::Resume) once the file system has room and the directory is writable. Returns
// STORE_READ_ONLY for a store opened read-only or a directory still not writable.
Status prepare_write(const DbHandle& handle);

// Before a new transaction, when a former write failed: resumes writes (prepare_write); when
// RocksDB stopped them for good (a fatal error) and nothing uses the DB (no transaction,
// snapshot or iterator), closes it and opens the store again — once its directory takes a new
// file (probed), at most once a second — so writes work again without a restart.
// `handle` is the Store's current DB, guarded by `mu` (Store::Impl's members).
void recover_writes(const Options& options, std::shared_mutex& mu,
                    std::shared_ptr<DbHandle>& handle);

// The listener that keeps `handle`'s write recovery informed of background errors and leaves
// resuming to prepare_write (write_errors.cpp). `handle` must outlive the DB.
std::shared_ptr<rocksdb::EventListener> write_error_listener(const DbHandle* handle);

// Checks every live write-ahead log and the current MANIFEST of the store at `path` record by
// record before RocksDB opens it (log_check.cpp): ok, or kStorageError "store at P is
// corrupted: <file>: damaged record at offset N (...)". A record cut short at the end of a log
// by a crash is accepted (RocksDB drops it).
Status check_logs(const std::string& path);

// RocksDB's informational log for the store in `dir` (DIR/LOG), written so that a full or
// read-only disk loses log lines instead of aborting the process (info_log.cpp).
std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir);

// Commits `writes` by building SST files of its sorted keys and ingesting them into every
// Space at once (ingest.cpp): atomic and durable. On error nothing was written. `writes` is
// left as it was (sorted); the caller clears it.
Status ingest_write_set(const DbHandle& handle, WriteSet& writes);
// Removes the temporary files of an ingestion a crash interrupted, in the store at `path`.
void remove_ingest_leftovers(const std::string& path);

// A consistent read view of the whole store (all Spaces). Released on destruction.
class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(std::shared_ptr<DbHandle> handle, const rocksdb::Snapshot* raw)
      : handle_(std::move(handle)), raw_(raw) {}
  ~RocksSnapshot() override { handle_->db->ReleaseSnapshot(raw_); }
  RocksSnapshot(const RocksSnapshot&) = delete;
  RocksSnapshot& operator=(const RocksSnapshot&) = delete;

  const rocksdb::Snapshot* raw() const { return raw_; }

  Result<std::optional<std::string>> get(Space space, std::string_view key) const override;
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin,
                                 std::string_view end) const override;

 private:
  std::shared_ptr<DbHandle> handle_;
  const rocksdb::Snapshot* raw_;
};

// In-process locks and commit notifications of a RocksStore (store_local.cpp): one process
// owns the store, so a lock is a named mutex with an owner and a token, and a watch is a
// callback the committing thread calls.
class LocalCoordination;

// Opens the store options.path (store_open.cpp; Store::Open's work).
Result<std::shared_ptr<DbHandle>> open_handle(const Options& options);

// The embedded store: store.cpp (reads, commit), store_open.cpp (Open), ingest.cpp. Its open
// DB is replaced by a reopen after a fatal write error (recover_writes); every use takes the
// current one.
class RocksStore final : public Store {
 public:
  RocksStore(Options options, std::shared_ptr<DbHandle> handle);
  ~RocksStore() override;

  Result<std::optional<std::string>> get(Space space, std::string_view key,
                                         const Snapshot* snapshot) const override;
  std::unique_ptr<Iterator> scan(Space space, std::string_view begin, std::string_view end,
                                 const Snapshot* snapshot) const override;
  std::shared_ptr<const Snapshot> snapshot() const override;
  using Store::commit;
  Status commit(Txn& txn, bool sync, const Lock* fence) override;
  Result<std::unique_ptr<Lock>> lock(const std::string& name, const LockOwner& owner,
                                     std::chrono::milliseconds wait) override;
  Result<std::vector<LockInfo>> locks() const override;
  Result<std::unique_ptr<Watch>> watch(std::function<void(const Change&)> on_change) override;
  std::unique_ptr<Txn> begin() const override;
  std::string describe() const override { return "store at " + options_.path; }

 private:
  std::shared_ptr<DbHandle> current() const {
    std::shared_lock lock(mu_);
    return handle_;
  }

  Options options_;
  mutable std::shared_mutex mu_;  // guards handle_
  mutable std::shared_ptr<DbHandle> handle_;
  std::shared_ptr<LocalCoordination> local_;
};

// Builds the read options of a scan or get: `snapshot` may be null (latest state).
rocksdb::ReadOptions read_options(const RocksSnapshot* snapshot);

// An Iterator over [begin, end) ("" end: unbounded) wrapping a RocksDB iterator, which may be a
// plain DB iterator or a batch-with-base iterator of a Txn. Owns the bound strings the
// RocksDB read options point to and keeps the DB and snapshot alive.
class RangeIterator final : public Iterator {
 public:
  // Creates the iterator; `make` receives read options whose bounds point into this object
  // and returns the RocksDB iterator to wrap (ownership passes to this object).
  template <typename Make>
  RangeIterator(std::shared_ptr<DbHandle> handle, std::shared_ptr<const RocksSnapshot> snapshot,
                std::string_view begin, std::string_view end, Make make)
      : handle_(std::move(handle)), snapshot_(std::move(snapshot)), begin_(begin), end_(end) {
    options_ = read_options(snapshot_.get());
    lower_ = rocksdb::Slice(begin_);
    upper_ = rocksdb::Slice(end_);
    options_.iterate_lower_bound = &lower_;
    if (!end_.empty()) options_.iterate_upper_bound = &upper_;
    if (!end_.empty() && begin_ >= end_) return;  // an empty range: no RocksDB iterator
    it_.reset(make(options_));
    it_->Seek(lower_);
    settle();
  }

  bool valid() const override { return valid_; }
  void next() override {
    if (!valid_) return;
    it_->Next();
    settle();
  }
  std::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return {v.data(), v.size()};
  }
  Status status() const override {
    if (!it_) return Status::Ok();
    rocksdb::Status s = it_->status();
    return s.ok() ? Status::Ok() : storage_error(*handle_, s);
  }

 private:
  // Recomputes valid_: the RocksDB iterator is positioned on a key below end_.
  void settle() { valid_ = it_->Valid() && (end_.empty() || it_->key().compare(upper_) < 0); }

  // Declaration order matters: it_ is destroyed first, before the bounds and the DB.
  std::shared_ptr<DbHandle> handle_;
  std::shared_ptr<const RocksSnapshot> snapshot_;
  std::string begin_, end_;
  rocksdb::Slice lower_, upper_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> it_;  // null for an empty range
  bool valid_ = false;
};

}  // namespace strata::storage
