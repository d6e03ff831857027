#pragma once
// check_store_files: an offline check of every checksum of a store's files, for
// `strata store check` (SPEC §8, docs/RELIABILITY.md). It checks:
//   - every live write-ahead log and the current MANIFEST, record by record (the check a
//     Store::Open runs first: damage is reported with the file and offset);
//   - every table file (.sst): all its blocks against their checksums (RocksDB's
//     SstFileReader::VerifyChecksum), and that every table file the MANIFEST lists exists.
// Nothing is written but lines of RocksDB's informational LOG.
// Thread-safety: a pure function over files. Run it on a store no server has open: files
// compacted away under a running server would be reported missing.

#include <string>
#include <vector>

#include "common/status.hpp"

namespace strata::storage {

struct FileCheck {
  std::vector<std::string> problems;  // one sentence each, naming the file
  size_t logs = 0;                    // write-ahead logs and MANIFEST checked
  size_t tables = 0;                  // table files checked
};

// The findings for the store at `path`. Errors: kStorageError when `path` is no store at all.
Result<FileCheck> check_store_files(const std::string& path);

}  // namespace strata::storage
