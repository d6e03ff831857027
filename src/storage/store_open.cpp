// Store::Open: RocksDB options, column families, the check of the logs (log_check.cpp), a
// read-only open when the store is not writable, and the format-version check (SPEC §8).

#include <unistd.h>

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>

#include "storage/store.hpp"
#include "storage/store_internal.hpp"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

Status open_error(const std::string& path, std::string what) {
  return Status(Code::kStorageError, "store at " + path + ": " + what);
}

Status not_strata(const std::string& path, std::string_view why) {
  return Status(Code::kStorageError, path + " is not a Strata store (" + std::string(why) + ")");
}

rocksdb::DBOptions db_options(const Options& options, const DbHandle& handle) {
  rocksdb::DBOptions o;
  o.IncreaseParallelism(2);  // background flushes and compactions sized for a 2-core host
  o.max_background_jobs = 2;
  o.paranoid_checks = true;
  o.max_open_files = 512;  // well under the usual 1024 descriptors, leaving room for sockets
  o.db_write_buffer_size = options.write_buffer_bytes;  // memtables of all Spaces together
  o.max_total_wal_size = 4 * static_cast<uint64_t>(options.write_buffer_bytes);
  o.bytes_per_sync = 1u << 20;
  o.enable_pipelined_write = true;
  // A record cut short at the end of a log (a crash during a write) is dropped; any other
  // damaged record refuses the open: acknowledged, synced data is never dropped silently
  // (docs/RELIABILITY.md; check_logs covers the case this mode misses).
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // RocksDB's own file logger aborts the process when a full disk failed one of its writes.
  o.info_log = handle.info_log;
  // Failed writes: no automatic recovery, the next commit resumes (write_errors.cpp).
  o.listeners.push_back(write_error_listener(&handle));
  return o;
}

// kDocs and kIndex take the write load and the point lookups: bloom filters and the level
// compaction preset. The other Spaces are small.
rocksdb::ColumnFamilyOptions space_options(Space s, const Options& options,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.block_size = 16u << 10;
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  // Block checksums: XXH3 rather than the default CRC32C, which this RocksDB build computes
  // without the CPU's CRC instruction (flushes, compactions and ingested files pay for it).
  // Each file records its own checksum type, so files of older builds still read.
  t.checksum = rocksdb::kXXH3;
  if (s == Space::kDocs || s == Space::kIndex) {
    o.OptimizeLevelStyleCompaction(options.write_buffer_bytes);
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  } else {
    o.write_buffer_size = std::max<size_t>(options.write_buffer_bytes / 16, 1u << 20);
  }
  o.level_compaction_dynamic_level_bytes = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// True when `dir` holds files only RocksDB writes (a store that lost its CURRENT file).
bool looks_like_rocksdb(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name == "IDENTITY" || name.rfind("MANIFEST-", 0) == 0 || name.rfind("OPTIONS-", 0) == 0 ||
        entry.path().extension() == ".sst") {
      return true;
    }
  }
  return false;
}

// True when opening failed because the store's files cannot be written.
bool not_writable(const rocksdb::Status& s) {
  const std::string text = s.ToString();
  return text.find("Read-only file system") != std::string::npos ||
         text.find("Permission denied") != std::string::npos;
}

int space_of(const std::string& cf_name) {
  for (int i = 0; i < kSpaceCount; ++i) {
    if (cf_name == space_name(static_cast<Space>(i))) return i;
  }
  return -1;
}

// Fills handle->spaces from handle->all_handles by name.
void map_spaces(DbHandle* handle) {
  for (rocksdb::ColumnFamilyHandle* h : handle->all_handles) {
    int i = space_of(h->GetName());
    if (i >= 0) handle->spaces[i] = h;
  }
}

Status write_format_version(DbHandle* handle) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = handle->db->Put(wo, handle->cf(Space::kMeta), kFormatVersionKey,
                                      std::to_string(kStoreFormatVersion));
  return s.ok() ? Status::Ok() : storage_error(*handle, s);
}

// True when every column family of the DB holds no key (an interrupted creation).
Result<bool> all_empty(DbHandle* handle) {
  for (rocksdb::ColumnFamilyHandle* h : handle->all_handles) {
    std::unique_ptr<rocksdb::Iterator> it(handle->db->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToFirst();
    if (!it->status().ok()) return storage_error(*handle, it->status());
    if (it->Valid()) return false;
  }
  return true;
}

// Creates a new store in the empty directory `path`.
Result<std::shared_ptr<DbHandle>> create_store(const Options& options,
                                               std::shared_ptr<DbHandle> handle) {
  rocksdb::DBOptions dbo = db_options(options, *handle);
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kSpaceCount; ++i) {
    Space s = static_cast<Space>(i);
    descs.emplace_back(space_name(s), space_options(s, options, handle->block_cache));
  }
  rocksdb::Status s =
      rocksdb::DB::Open(dbo, handle->path, descs, &handle->all_handles, &handle->db);
  if (!s.ok()) return storage_error(handle->path, s);
  map_spaces(handle.get());
  STRATA_RETURN_IF_ERROR(write_format_version(handle.get()));
  return handle;
}

// Opens the existing RocksDB at `path` and checks that it is a Strata store of our format.
Result<std::shared_ptr<DbHandle>> open_existing(const Options& options,
                                                std::shared_ptr<DbHandle> handle) {
  const std::string& path = handle->path;
  STRATA_RETURN_IF_ERROR(check_logs(path));  // damage RocksDB would take for a crash's cut
  rocksdb::DBOptions dbo = db_options(options, *handle);
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, path, &names);
  if (!s.ok()) return storage_error(path, s);
  // Every existing column family must be opened; unknown ones get default options.
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  bool only_ours = true;
  for (const std::string& name : names) {
    int i = space_of(name);
    if (i < 0) only_ours = false;
    descs.emplace_back(name,
                       i < 0 ? rocksdb::ColumnFamilyOptions()
                             : space_options(static_cast<Space>(i), options, handle->block_cache));
  }
  // A store whose directory or medium is not writable opens read-only: reads work, every
  // write answers STORE_READ_ONLY (write_errors.cpp).
  handle->read_only = ::access(path.c_str(), W_OK) != 0;
  s = handle->read_only
          ? rocksdb::DB::OpenForReadOnly(dbo, path, descs, &handle->all_handles, &handle->db)
          : rocksdb::DB::Open(dbo, path, descs, &handle->all_handles, &handle->db);
  if (!s.ok() && !handle->read_only && not_writable(s)) {
    handle->all_handles.clear();
    handle->read_only = true;
    s = rocksdb::DB::OpenForReadOnly(dbo, path, descs, &handle->all_handles, &handle->db);
  }
  if (!s.ok()) return storage_error(path, s);
  map_spaces(handle.get());

  std::string version;
  s = handle->db->Get(rocksdb::ReadOptions(), handle->cf(Space::kMeta), kFormatVersionKey,
                      &version);
  bool fresh = false;
  if (s.IsNotFound()) {
    // No version record: an empty RocksDB (e.g. a creation cut short) becomes a Strata store;
    // anything else is someone else's data.
    Result<bool> empty = all_empty(handle.get());
    if (!empty.ok()) return empty.status();
    if (!only_ours || !*empty) return not_strata(path, "it has no format_version record");
    fresh = true;
  } else if (!s.ok()) {
    return storage_error(*handle, s);
  } else {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), v);
    if (ec != std::errc() || end != version.data() + version.size()) {
      return Status(Code::kStorageError,
                    "store at " + path + " is corrupted: unreadable format_version record");
    }
    if (v != kStoreFormatVersion) {
      return Status(Code::kStorageError, "store at " + path + " was written by format version " +
                                             std::to_string(v) + "; this strata reads version " +
                                             std::to_string(kStoreFormatVersion));
    }
  }
  if (fresh && handle->read_only) {
    return open_error(path, "the store was never initialised and it is not writable");
  }
  for (int i = 0; i < kSpaceCount; ++i) {
    if (handle->spaces[i] != nullptr) continue;
    Space sp = static_cast<Space>(i);
    if (!fresh) {
      return Status(Code::kStorageError, "store at " + path + " is corrupted: column family " +
                                             space_name(sp) + " is missing");
    }
    rocksdb::ColumnFamilyHandle* h = nullptr;
    s = handle->db->CreateColumnFamily(space_options(sp, options, handle->block_cache),
                                       space_name(sp), &h);
    if (!s.ok()) return storage_error(*handle, s);
    handle->all_handles.push_back(h);
    handle->spaces[i] = h;
  }
  if (fresh) STRATA_RETURN_IF_ERROR(write_format_version(handle.get()));
  return handle;
}

}  // namespace

Result<std::shared_ptr<DbHandle>> open_handle(const Options& options) {
  const std::string& path = options.path;
  if (path.empty()) return Status(Code::kStorageError, "no data directory given");
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  bool fresh = false;
  if (!fs::exists(st)) {
    if (!options.create_if_missing) return open_error(path, "no store there");
    fs::create_directories(path, ec);
    if (ec) return open_error(path, "cannot create the directory: " + ec.message());
    fresh = true;
  } else if (!fs::is_directory(st)) {
    return not_strata(path, "not a directory");
  } else {
    bool empty = fs::is_empty(path, ec);
    if (ec) return open_error(path, "cannot read the directory: " + ec.message());
    if (empty) {
      if (!options.create_if_missing) return open_error(path, "no store there");
      fresh = true;
    } else if (!fs::exists(fs::path(path) / "CURRENT", ec)) {
      if (looks_like_rocksdb(path)) {
        return Status(Code::kStorageError,
                      "store at " + path + " is corrupted: its CURRENT file is missing");
      }
      return not_strata(path, "it holds files but no RocksDB CURRENT file");
    }
  }

  if (!fresh) remove_ingest_leftovers(path);
  auto handle = std::make_shared<DbHandle>();
  handle->path = path;
  handle->info_log = open_info_log(path);
  handle->ingest_from_keys = options.ingest_from_keys;
  handle->ingest_from_bytes = options.ingest_from_bytes;
  handle->pool = options.pool;
  handle->block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  return fresh ? create_store(options, handle) : open_existing(options, handle);
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  try {
    Result<std::shared_ptr<DbHandle>> handle = open_handle(options);
    if (!handle.ok()) return handle.status();
    return std::unique_ptr<Store>(new RocksStore(options, std::move(handle).value()));
  } catch (const std::exception& e) {
    return open_error(options.path, std::string("cannot open: ") + e.what());
  } catch (...) {
    return open_error(options.path, "cannot open: unknown failure");
  }
}

}  // namespace strata::storage
