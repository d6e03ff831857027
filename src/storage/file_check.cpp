// check_store_files (file_check.hpp): logs record by record, table files block by block.

#include "storage/file_check.hpp"

#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "storage/store_internal.hpp"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

bool is_table(const fs::path& p) { return p.extension() == ".sst"; }

// The table files the MANIFEST lists, by opening the store read-only (the WAL is replayed into
// memory only; nothing is written). Damaged log records are skipped here: check_logs reports
// them. nullopt when the store cannot be opened even so.
std::optional<std::set<std::string>> live_tables(const std::string& path, std::string* error) {
  rocksdb::DBOptions dbo;
  dbo.info_log = open_info_log(path);
  dbo.wal_recovery_mode = rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, path, &names);
  if (!s.ok()) {
    *error = s.ToString();
    return std::nullopt;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(dbo, path, descs, &handles, &raw);
  if (!s.ok()) {
    *error = s.ToString();
    return std::nullopt;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::set<std::string> out;
  for (const auto& f : files) out.insert(fs::path(f.name).filename().string());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return out;
}

}  // namespace

Result<FileCheck> check_store_files(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec) || !fs::exists(fs::path(path) / "CURRENT", ec)) {
    return Status(Code::kStorageError, path + " is not a Strata store (no RocksDB CURRENT file)");
  }
  FileCheck out;
  for (const auto& e : fs::directory_iterator(path, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".log") || name.starts_with("MANIFEST-")) ++out.logs;
  }
  if (Status logs = check_logs(path); !logs.ok()) out.problems.push_back(logs.message());

  std::string error;
  std::optional<std::set<std::string>> live = live_tables(path, &error);
  if (!live) out.problems.push_back("store at " + path + " cannot be opened to list its table "
                                    "files (" + error + "); every table file present is checked");
  std::vector<fs::path> tables;
  for (const auto& e : fs::directory_iterator(path, ec)) {
    if (is_table(e.path())) tables.push_back(e.path());
  }
  std::sort(tables.begin(), tables.end());
  if (live) {
    for (const std::string& name : *live) {
      if (!fs::exists(fs::path(path) / name, ec)) {
        out.problems.push_back("table file " + name + " is listed in the MANIFEST but missing");
      }
    }
  }
  rocksdb::Options options;
  for (const fs::path& table : tables) {
    if (live && !live->count(table.filename().string())) continue;  // not part of the store
    ++out.tables;
    rocksdb::SstFileReader reader(options);
    rocksdb::Status s = reader.Open(table.string());
    if (s.ok()) s = reader.VerifyChecksum();
    if (!s.ok()) {
      out.problems.push_back("table file " + table.filename().string() + " is damaged: " +
                             s.ToString());
    }
  }
  return out;
}

}  // namespace strata::storage
