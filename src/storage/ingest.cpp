// Store::commit's path for a large write set: sorted SST files, ingested atomically
// (store_internal.hpp ingest_write_set).
//
// A migration's Txn can hold half a million keys (W1) or millions. Through a WriteBatch each
// key is copied into the batch, written to the WAL (whose CRC32C this RocksDB build computes
// byte by byte), inserted into a skip list, and later flushed to an SST file anyway. Here the
// sorted write set becomes SST files directly — built on the pool's cores, a file per slice of a
// Space — and DB::IngestExternalFiles adds all of them, across every Space, in ONE atomic
// version edit: after a crash either every file is in the store or none is. The files are
// synced before the edit is logged, and the edit itself is synced, so the commit is durable
// on return whatever `sync` asked. Readers holding older snapshots keep not seeing the files
// (their keys get a sequence number above every snapshot). A file whose key range overlaps a
// memtable makes RocksDB flush that memtable first, which is correct, only slower.
//
// The files are written into the store's directory as strata-ingest-*.tmp (same filesystem,
// so RocksDB links them in rather than copying) and unlinked by RocksDB once ingested; a crash
// before that leaves them behind, and Store::Open removes them (remove_ingest_leftovers).

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <vector>

#include "storage/store_internal.hpp"

namespace strata::storage {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTempPrefix = "strata-ingest-";
constexpr std::string_view kTempSuffix = ".tmp";
// A Space's keys are cut into slices of at least this many keys, so every core builds files.
constexpr size_t kMinSliceKeys = 1u << 15;

// One SST file to build: keys sorted[begin, end) of `space`.
struct Slice {
  Space space;
  size_t begin;
  size_t end;
  std::string file;
  rocksdb::Status status;
};

std::string temp_file(const std::string& dir) {
  static std::atomic<uint64_t> counter{0};
  return dir + "/" + std::string(kTempPrefix) + std::to_string(counter++) +
         std::string(kTempSuffix);
}

void build(const DbHandle& h, WriteSet& writes, const std::vector<WriteSet::Slot>& sorted,
           Slice* slice) {
  rocksdb::ColumnFamilyHandle* cf = h.cf(slice->space);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), h.db->GetOptions(cf), cf);
  rocksdb::Status s = writer.Open(slice->file);
  for (size_t i = slice->begin; s.ok() && i < slice->end; ++i) {
    const WriteSet::Entry e = writes.entry(slice->space, sorted[i]);
    s = e.value ? writer.Put(e.key, *e.value) : writer.Delete(e.key);
  }
  if (s.ok()) s = writer.Finish();  // syncs the file
  slice->status = s;
}

void remove_files(const std::vector<Slice>& slices) {
  std::error_code ec;
  for (const Slice& s : slices) fs::remove(s.file, ec);
}

}  // namespace

Status ingest_write_set(const DbHandle& h, WriteSet& writes) {
  std::array<const std::vector<WriteSet::Slot>*, kSpaceCount> sorted{};
  size_t total = 0;
  for (int i = 0; i < kSpaceCount; ++i) {
    const Space space = static_cast<Space>(i);
    if (writes.empty(space)) continue;
    sorted[i] = &writes.sorted(space);
    total += sorted[i]->size();
  }
  // Slices of about an eighth of all keys: small Spaces are one file, big ones several.
  const size_t slice_keys = std::max(kMinSliceKeys, total / 8);
  std::vector<Slice> slices;
  for (int i = 0; i < kSpaceCount; ++i) {
    if (sorted[i] == nullptr) continue;
    const size_t n = sorted[i]->size();
    const size_t count = (n + slice_keys - 1) / slice_keys;
    for (size_t k = 0; k < count; ++k) {
      slices.push_back(Slice{static_cast<Space>(i), n * k / count, n * (k + 1) / count,
                             temp_file(h.path), rocksdb::Status()});
    }
  }

  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k; (k = next++) < slices.size();) {
      Slice& slice = slices[k];
      try {  // nothing may escape a thread: an allocation failure becomes the commit's error
        build(h, writes, *sorted[static_cast<int>(slice.space)], &slice);
      } catch (const std::exception& e) {
        slice.status = rocksdb::Status::Aborted("building a table file", e.what());
      }
    }
  };
  common::parallel(h.pool, work);  // the table files are built on every core of the pool

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const Slice& slice : slices) {
    if (!slice.status.ok()) {
      remove_files(slices);
      return write_error(h, slice.status);
    }
    if (args.empty() || args.back().column_family != h.cf(slice.space)) {
      rocksdb::IngestExternalFileArg arg;
      arg.column_family = h.cf(slice.space);
      arg.options.move_files = true;
      arg.options.verify_checksums_before_ingest = false;  // built just now, by us
      args.push_back(std::move(arg));
    }
    args.back().external_files.push_back(slice.file);
  }
  rocksdb::Status s = h.db->IngestExternalFiles(args);
  if (!s.ok()) {
    remove_files(slices);
    return write_error(h, s);
  }
  return Status::Ok();
}

void remove_ingest_leftovers(const std::string& path) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > kTempPrefix.size() + kTempSuffix.size() && name.starts_with(kTempPrefix) &&
        name.ends_with(kTempSuffix)) {
      fs::remove(entry.path(), ec);
    }
  }
}

}  // namespace strata::storage
