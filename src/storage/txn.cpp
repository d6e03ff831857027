// Txn: a WriteBatchWithIndex read on top of a snapshot (read-your-writes), STYLE §10.

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "storage/store.hpp"
#include "storage/store_internal.hpp"

namespace strata::storage {

Txn::Txn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Txn::~Txn() = default;

Result<std::optional<std::string>> Txn::get(Space space, std::string_view key) const {
  Impl& t = *impl_;
  const DbHandle& h = *t.handle;
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      t.batch.GetFromBatchAndDB(h.db, read_options(t.snapshot.get()), h.cf(space), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error(h, s);
  return std::optional<std::string>(value.ToString());
}

std::unique_ptr<Iterator> Txn::scan(Space space, std::string_view begin,
                                    std::string_view end) const {
  Impl& t = *impl_;
  rocksdb::DB* db = t.handle->db;
  rocksdb::ColumnFamilyHandle* cf = t.handle->cf(space);
  rocksdb::WriteBatchWithIndex* batch = &t.batch;
  return std::make_unique<RangeIterator>(
      t.handle, t.snapshot, begin, end, [&](rocksdb::ReadOptions& ro) {
        return batch->NewIteratorWithBase(cf, db->NewIterator(ro, cf), &ro);
      });
}

std::unique_ptr<Iterator> Txn::scan_prefix(Space space, std::string_view prefix) const {
  return scan(space, prefix, prefix_end(prefix));
}

void Txn::put(Space space, std::string_view key, std::string_view value) {
  rocksdb::Status s = impl_->batch.Put(impl_->handle->cf(space), key, value);
  if (!s.ok() && impl_->deferred.ok()) impl_->deferred = storage_error(*impl_->handle, s);
}

void Txn::del(Space space, std::string_view key) {
  rocksdb::Status s = impl_->batch.Delete(impl_->handle->cf(space), key);
  if (!s.ok() && impl_->deferred.ok()) impl_->deferred = storage_error(*impl_->handle, s);
}

size_t Txn::count() const { return impl_->batch.GetWriteBatch()->Count(); }

size_t Txn::bytes() const { return impl_->batch.GetWriteBatch()->GetDataSize(); }

}  // namespace strata::storage
