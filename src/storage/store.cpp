// Store: reads, scans, snapshots and the atomic commit of a Txn (STYLE §10).

#include "storage/store.hpp"

#include <rocksdb/db.h>

#include <exception>

#include "storage/store_internal.hpp"

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

rocksdb::ReadOptions read_options(const Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  if (snapshot != nullptr) ro.snapshot = snapshot->raw();
  return ro;
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->options.path; }

Result<std::optional<std::string>> Store::get(Space space, std::string_view key,
                                              const Snapshot* snapshot) const {
  const std::shared_ptr<DbHandle> handle = impl_->current();
  const DbHandle& h = *handle;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = h.db->Get(read_options(snapshot), h.cf(space), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error(h, s);
  return std::optional<std::string>(value.ToString());
}

std::unique_ptr<Iterator> Store::scan(Space space, std::string_view begin, std::string_view end,
                                      const Snapshot* snapshot) const {
  std::shared_ptr<DbHandle> h = impl_->current();
  rocksdb::DB* db = h->db;
  rocksdb::ColumnFamilyHandle* cf = h->cf(space);
  // The iterator holds the DB and the snapshot (always made by make_shared) alive.
  std::shared_ptr<const Snapshot> snap = snapshot ? snapshot->shared_from_this() : nullptr;
  return std::make_unique<RangeIterator>(
      std::move(h), std::move(snap), begin, end,
      [&](rocksdb::ReadOptions& ro) { return db->NewIterator(ro, cf); });
}

std::unique_ptr<Iterator> Store::scan_prefix(Space space, std::string_view prefix,
                                             const Snapshot* snapshot) const {
  return scan(space, prefix, prefix_end(prefix), snapshot);
}

std::shared_ptr<const Snapshot> Store::snapshot() const {
  const std::shared_ptr<DbHandle> h = impl_->current();
  return std::make_shared<const Snapshot>(h, h->db->GetSnapshot());
}

std::unique_ptr<Txn> Store::begin() const {
  // After a failed write: resume, or reopen a DB stopped for good.
  recover_writes(impl_->options, impl_->mu, impl_->handle);
  auto impl = std::make_unique<Txn::Impl>(impl_->current(), snapshot());
  return std::unique_ptr<Txn>(new Txn(std::move(impl)));
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

Status Store::commit(Txn& txn, bool sync) {
  Txn::Impl& t = *txn.impl_;
  const std::shared_ptr<DbHandle> handle = impl_->current();
  const DbHandle& h = *handle;
  if (t.writes.count() > 0) {
    Status written = prepare_write(h);  // resumes writes stopped by a former failure
    try {
      if (written.ok()) {
        written = h.ingest_from_keys > 0 && t.writes.count() >= h.ingest_from_keys
                      ? ingest_write_set(h, t.writes)
                      : write_batch(h, t.writes, sync);
      }
    } catch (const std::exception& e) {
      written = Status(Code::kStorageError, "store at " + h.path + ": write failed: " + e.what());
    }
    t.writes.clear();
    STRATA_RETURN_IF_ERROR(written);
  }
  t.snapshot = snapshot();
  return Status::Ok();
}

}  // namespace strata::storage
