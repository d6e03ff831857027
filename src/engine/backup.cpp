// SPEC §3.4 BACKUP DATABASE / RESTORE DATABASE (Engine members).
//
// File format (version 2: the store's format-2 catalog records), in <backup dir>/<file>:
//   "STRATABK"  u32 format version  u32 name length  name (the source database, informative)
//   records:    u8 space  u32 key length  key  u32 value length  value
//               (every key of the database in keys::kDatabaseSpaces, WITHOUT its 4-byte
//               database id: catalog records, counter, documents, index entries, ledger)
//   end:        u8 0xFF  u64 record count
//   trailer:    32-byte SHA-256 of every byte before it
// Integers big-endian. Written to a temp file, fsynced, renamed, directory fsynced. RESTORE
// verifies the checksum over the whole file BEFORE creating anything, then writes every
// record under a fresh database id in one synced batch (the catalog header gets the new id
// and name), so the restored database is identical to the original.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/sha256.hpp"
#include "engine/database_state.hpp"
#include "engine/engine.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "STRATABK";
constexpr uint32_t kBackupVersion = 2;
constexpr uint8_t kEndMarker = 0xFF;

Status invalid(const std::string& why) { return Status(Code::kInvalidBackup, why); }

Status check_file_name(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
      name.find("..") != std::string::npos || name.find('\0') != std::string::npos) {
    return Status(Code::kInvalidValue, "invalid backup file name '" + name +
                                           "': it must not contain '/', '\\', '..' or NUL");
  }
  return Status::Ok();
}

// Writes bytes to a FILE and to the running checksum.
class BackupWriter {
 public:
  explicit BackupWriter(FILE* f) : f_(f) {}
  void write(std::string_view bytes) {
    if (fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size()) failed_ = true;
    hash_.update(bytes);
  }
  void u8(uint8_t v) { write(std::string_view(reinterpret_cast<const char*>(&v), 1)); }
  void u32(uint32_t v) { write(keys::u32_value(v)); }
  void u64(uint64_t v) { write(keys::u64_value(v)); }
  void finish() {
    Digest d = hash_.finish();
    if (fwrite(d.data(), 1, d.size(), f_) != d.size()) failed_ = true;
  }
  bool failed() const { return failed_; }

 private:
  FILE* f_;
  Sha256 hash_;
  bool failed_ = false;
};

// Reads a verified backup's bytes sequentially.
class BackupReader {
 public:
  BackupReader(std::ifstream& in, uint64_t limit) : in_(in), left_(limit) {}
  bool read(size_t n, std::string* out) {
    if (n > left_) return false;
    out->resize(n);
    in_.read(out->data(), static_cast<std::streamsize>(n));
    left_ -= n;
    return static_cast<size_t>(in_.gcount()) == n;
  }
  bool u8(uint8_t* v) {
    std::string s;
    if (!read(1, &s)) return false;
    *v = static_cast<uint8_t>(s[0]);
    return true;
  }
  bool u32(uint32_t* v) {
    std::string s;
    if (!read(4, &s)) return false;
    *v = keys::get_u32(s);
    return true;
  }
  bool u64(uint64_t* v) {
    std::string s;
    if (!read(8, &s)) return false;
    *v = keys::get_u64(s);
    return true;
  }

 private:
  std::ifstream& in_;
  uint64_t left_;
};

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Status Engine::exec_backup(Session&, const ast::BackupDatabase& st, Json* response) {
  STRATA_RETURN_IF_ERROR(check_file_name(st.file));
  auto view = read(st.database);
  if (!view.ok()) return view.status();
  const fs::path dir = backup_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path target = dir / st.file;
  if (fs::exists(target, ec)) {
    return Status(Code::kBackupExists, "backup file '" + st.file + "' already exists");
  }
  std::random_device rd;
  const fs::path tmp = dir / (".tmp-" + std::to_string(rd()) + "-" + st.file);
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status(Code::kStorageError, "cannot write backup file in " + dir.string());
  BackupWriter w(f);
  w.write(kMagic);
  w.u32(kBackupVersion);
  w.u32(static_cast<uint32_t>(st.database.size()));
  w.write(st.database);
  uint64_t records = 0;
  const std::string prefix = keys::database_prefix(view->schema->id);
  Status status = Status::Ok();
  for (storage::Space space : keys::kDatabaseSpaces) {
    auto it = view->reader->scan_prefix(space, prefix);
    for (; it->valid(); it->next()) {
      std::string_view k = it->key().substr(prefix.size());
      w.u8(static_cast<uint8_t>(space));
      w.u32(static_cast<uint32_t>(k.size()));
      w.write(k);
      w.u32(static_cast<uint32_t>(it->value().size()));
      w.write(it->value());
      ++records;
    }
    if (!it->status().ok()) status = it->status();
  }
  w.u8(kEndMarker);
  w.u64(records);
  w.finish();
  bool ok = !w.failed() && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  std::fclose(f);
  if (status.ok() && !ok) status = Status(Code::kStorageError, "writing the backup file failed");
  if (status.ok()) {
    fs::rename(tmp, target, ec);
    if (ec) status = Status(Code::kStorageError, "cannot rename backup file: " + ec.message());
  }
  if (!status.ok()) {
    fs::remove(tmp, ec);
    return status;
  }
  fsync_dir(dir);
  (*response)["message"] = "Database '" + st.database + "' backed up to '" + st.file + "'";
  (*response)["file"] = st.file;
  (*response)["records"] = records;
  return Status::Ok();
}

Status Engine::exec_restore(Session&, const ast::RestoreDatabase& st, Json* response) {
  STRATA_RETURN_IF_ERROR(check_file_name(st.file));
  if (find(st.new_name)) {
    return Status(Code::kDatabaseExists, "Database '" + st.new_name + "' already exists");
  }
  const fs::path path = fs::path(backup_dir()) / st.file;
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return invalid("backup file '" + st.file + "' cannot be read: " + ec.message());
  const uint64_t minimum = kMagic.size() + 4 + 4 + 1 + 8 + 32;
  if (size < minimum) return invalid("backup file '" + st.file + "' is truncated");
  std::ifstream in(path, std::ios::binary);
  // Pass 1: the checksum, before anything is created.
  {
    Sha256 hash;
    std::string buf(1 << 16, '\0');
    uint64_t left = size - 32;
    while (left > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
      in.read(buf.data(), static_cast<std::streamsize>(n));
      if (static_cast<size_t>(in.gcount()) != n)
        return invalid("backup file '" + st.file + "' cannot be read");
      hash.update(std::string_view(buf.data(), n));
      left -= n;
    }
    std::string trailer(32, '\0');
    in.read(trailer.data(), 32);
    Digest d = hash.finish();
    if (in.gcount() != 32 || std::memcmp(d.data(), trailer.data(), 32) != 0) {
      return invalid("backup file '" + st.file +
                     "' is damaged: its checksum does not match (truncated or altered)");
    }
  }
  // Pass 2: the records, into one batch under a fresh database id.
  in.clear();
  in.seekg(0);
  BackupReader r(in, size - 32);
  std::string magic, name;
  uint32_t version = 0, name_len = 0;
  if (!r.read(kMagic.size(), &magic) || magic != kMagic)
    return invalid("'" + st.file + "' is not a Strata backup");
  if (!r.u32(&version) || version != kBackupVersion) {
    return invalid("backup file '" + st.file + "' has format version " + std::to_string(version) +
                   "; this strata reads version " + std::to_string(kBackupVersion));
  }
  if (!r.u32(&name_len) || !r.read(name_len, &name)) return invalid("backup header is malformed");
  uint64_t records = 0;
  auto fill = [&](storage::Txn& txn, uint32_t id) -> Status {
    const std::string prefix = keys::database_prefix(id);
    std::string key, value;
    for (;;) {
      uint8_t space = 0;
      uint32_t klen = 0, vlen = 0;
      if (!r.u8(&space)) return invalid("backup file is malformed: missing end marker");
      if (space == kEndMarker) break;
      if (space < 1 || space > 4 || !r.u32(&klen) || !r.read(klen, &key) || !r.u32(&vlen) ||
          !r.read(vlen, &value)) {
        return invalid("backup file is malformed: bad record");
      }
      auto sp = static_cast<storage::Space>(space);
      if (sp == storage::Space::kCatalog && key == std::string(1, keys::kCatalogHeaderTag)) {
        DatabaseSchema header;
        Json j = Json::parse(value, nullptr, false);
        if (j.is_discarded() || !header_from_json(j, &header).ok())
          return invalid("backup holds a malformed catalog record");
        header.id = id;
        header.name = st.new_name;
        value = header_to_json(header).dump();
      }
      txn.put(sp, prefix + key, value);
      ++records;
    }
    uint64_t count = 0;
    if (!r.u64(&count) || count != records)
      return invalid("backup file is malformed: record count");
    return Status::Ok();
  };
  STRATA_RETURN_IF_ERROR(create_database_from(st.new_name, fill, nullptr));
  (*response)["message"] = "Database '" + st.new_name + "' restored from '" + st.file + "'";
  (*response)["database"] = st.new_name;
  (*response)["records"] = records;
  return Status::Ok();
}

}  // namespace strata::engine
