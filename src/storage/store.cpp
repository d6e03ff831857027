// RocksStore: reads, scans, snapshots and the atomic commit of a Txn (STYLE §10); the parts of
// store.hpp every store shares (space names, domains, prefix_end).

#include "storage/store.hpp"

#include <rocksdb/db.h>

#include <exception>

#include "storage/store_internal.hpp"
#include "storage/store_local.hpp"

namespace strata::storage {

const char* space_name(Space s) {
  switch (s) {
    case Space::kMeta:
      return "default";
    case Space::kCatalog:
      return "catalog";
    case Space::kDocs:
      return "docs";
    case Space::kIndex:
      return "index";
    case Space::kLedger:
      return "ledger";
    case Space::kSystem:
      return "system";
  }
  return "unknown";
}

bool per_database(Space space) { return space != Space::kMeta && space != Space::kSystem; }

Domain domain_of(Space space, std::string_view key) {
  if (!per_database(space)) return Domain::Global();
  return Domain::Of(key.substr(0, 4));
}

std::optional<uint32_t> Domain::database() const {
  if (global || prefix.size() != 4) return std::nullopt;
  uint32_t id = 0;
  for (char c : prefix) id = (id << 8) | static_cast<uint8_t>(c);
  return id;
}

std::unique_ptr<Iterator> Store::scan_prefix(Space space, std::string_view prefix,
                                             const Snapshot* snapshot) const {
  return scan(space, prefix, prefix_end(prefix), snapshot);
}

std::unique_ptr<Txn> Store::begin() const { return std::make_unique<Txn>(snapshot()); }

Store::~Store() = default;

Result<Store::Race> Store::commit_unless_locked(Txn&, const std::string&, const LockOwner&,
                                                std::chrono::milliseconds, Lock*) {
  return Status(Code::kInternal, describe() + " makes no optimistic commits; take the lock");
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

DbHandle::~DbHandle() {
  if (db == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : all_handles) db->DestroyColumnFamilyHandle(h);
  db->Close().PermitUncheckedError();
  delete db;
}

Status storage_error(const std::string& path, const rocksdb::Status& s) {
  if (s.IsCorruption()) {
    const char* detail = s.getState();  // the message without the "Corruption: " prefix
    return Status(Code::kStorageError,
                  "store at " + path + " is corrupted: " + (detail ? detail : s.ToString()));
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return Status(
        Code::kStorageError,
        "store at " + path + " is in use (locked by another Store or process): " + s.ToString());
  }
  return Status(Code::kStorageError, "store at " + path + ": " + s.ToString());
}

Status storage_error(const DbHandle& handle, const rocksdb::Status& s) {
  return storage_error(handle.path, s);
}

rocksdb::ReadOptions read_options(const RocksSnapshot* snapshot) {
  rocksdb::ReadOptions ro;
  if (snapshot != nullptr) ro.snapshot = snapshot->raw();
  return ro;
}

RocksStore::RocksStore(Options options, std::shared_ptr<DbHandle> handle)
    : options_(std::move(options)),
      handle_(std::move(handle)),
      local_(std::make_shared<LocalCoordination>()) {}
RocksStore::~RocksStore() = default;

namespace {

// One key's value. Read straight into the string (RocksDB fills it in place): a migration's
// command text is megabytes, and a PinnableSlice copied out again doubled the copy.
Result<std::optional<std::string>> get_value(const DbHandle& h, const rocksdb::ReadOptions& ro,
                                             Space space, std::string_view key) {
  std::optional<std::string> value(std::in_place);
  rocksdb::Status s = h.db->Get(ro, h.cf(space), key, &*value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error(h, s);
  return value;
}

}  // namespace

Result<std::optional<std::string>> RocksSnapshot::get(Space space, std::string_view key) const {
  return get_value(*handle_, read_options(this), space, key);
}

std::unique_ptr<Iterator> RocksSnapshot::scan(Space space, std::string_view begin,
                                              std::string_view end) const {
  rocksdb::DB* db = handle_->db;
  rocksdb::ColumnFamilyHandle* cf = handle_->cf(space);
  // The iterator holds the DB and this snapshot (always made by make_shared) alive.
  return std::make_unique<RangeIterator>(
      handle_, std::static_pointer_cast<const RocksSnapshot>(shared_from_this()), begin, end,
      [&](rocksdb::ReadOptions& ro) { return db->NewIterator(ro, cf); });
}

Result<std::optional<std::string>> RocksStore::get(Space space, std::string_view key,
                                                   const Snapshot* snapshot) const {
  if (snapshot != nullptr) return snapshot->get(space, key);
  const std::shared_ptr<DbHandle> handle = current();
  return get_value(*handle, rocksdb::ReadOptions(), space, key);
}

std::unique_ptr<Iterator> RocksStore::scan(Space space, std::string_view begin,
                                           std::string_view end, const Snapshot* snapshot) const {
  if (snapshot != nullptr) return snapshot->scan(space, begin, end);
  std::shared_ptr<DbHandle> h = current();
  rocksdb::DB* db = h->db;
  rocksdb::ColumnFamilyHandle* cf = h->cf(space);
  return std::make_unique<RangeIterator>(
      std::move(h), nullptr, begin, end,
      [&](rocksdb::ReadOptions& ro) { return db->NewIterator(ro, cf); });
}

std::shared_ptr<const Snapshot> RocksStore::snapshot() const {
  const std::shared_ptr<DbHandle> h = current();
  return std::make_shared<const RocksSnapshot>(h, h->db->GetSnapshot());
}

std::unique_ptr<Txn> RocksStore::begin() const {
  // After a failed write: resume, or reopen a DB stopped for good.
  recover_writes(options_, mu_, handle_);
  std::unique_ptr<Txn> txn = Store::begin();
  writes(*txn).set_pool(options_.pool);  // its big sorts use every core of the pool
  return txn;
}

namespace {

// Above this many bytes of writes, a commit drains the write set in write order (freeing it
// as the batch fills) rather than sorting it: the memory of a huge migration is not doubled.
constexpr size_t kSortedCommitBytes = 64u << 20;

// Writes `writes` as one WriteBatch.
Status write_batch(const DbHandle& h, WriteSet& writes, bool sync) {
  // Room for every record plus its tag and length prefixes: the batch never reallocates.
  rocksdb::WriteBatch batch(writes.bytes() + 16 * writes.count() + 64);
  auto add = [&](Space space, const WriteSet::Entry& e) -> Status {
    rocksdb::ColumnFamilyHandle* cf = h.cf(space);
    rocksdb::Status s = e.value ? batch.Put(cf, e.key, *e.value) : batch.Delete(cf, e.key);
    return s.ok() ? Status::Ok() : storage_error(h, s);
  };
  if (writes.bytes() > kSortedCommitBytes) {
    STRATA_RETURN_IF_ERROR(writes.drain(add));
  } else {
    // Every Space in key order: RocksDB's memtable inserts sorted keys cheaply.
    for (int i = 0; i < kSpaceCount; ++i) {
      const Space space = static_cast<Space>(i);
      for (WriteSet::Slot slot : writes.sorted(space)) {
        STRATA_RETURN_IF_ERROR(add(space, writes.entry(space, slot)));
      }
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = h.db->Write(wo, &batch);
  return s.ok() ? Status::Ok() : write_error(h, s);
}

}  // namespace

Status RocksStore::commit(Txn& txn, bool sync, const Lock* fence) {
  WriteSet& writes = Store::writes(txn);
  const std::shared_ptr<DbHandle> handle = current();
  const DbHandle& h = *handle;
  if (writes.count() > 0) {
    if (fence != nullptr) {
      Status held = fence->held();
      if (!held.ok()) {
        writes.clear();
        return held;
      }
    }
    std::vector<Domain> touched;
    if (local_->watched()) touched = touched_domains(writes);
    Status written = prepare_write(h);  // resumes writes stopped by a former failure
    try {
      if (written.ok()) {
        const bool many = (h.ingest_from_keys > 0 && writes.count() >= h.ingest_from_keys) ||
                          (h.ingest_from_bytes > 0 && writes.bytes() >= h.ingest_from_bytes);
        written = many ? ingest_write_set(h, writes) : write_batch(h, writes, sync);
      }
    } catch (const std::exception& e) {
      written = Status(Code::kStorageError, "store at " + h.path + ": write failed: " + e.what());
    }
    writes.clear();
    STRATA_RETURN_IF_ERROR(written);
    local_->notify(touched);
  }
  rebase(txn, snapshot());
  return Status::Ok();
}

Result<std::unique_ptr<Lock>> RocksStore::lock(const std::string& name, const LockOwner& owner,
                                               std::chrono::milliseconds wait) {
  return local_->lock(name, owner, wait);
}

Result<std::vector<LockInfo>> RocksStore::locks() const { return local_->locks(); }

Result<std::unique_ptr<Watch>> RocksStore::watch(std::function<void(const Change&)> on_change) {
  return local_->watch(std::move(on_change));
}

}  // namespace strata::storage
