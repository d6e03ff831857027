// The check of a store's logs before RocksDB opens it (store_internal.hpp check_logs; the
// reasoning is in docs/RELIABILITY.md).
//
// RocksDB opens with WALRecoveryMode::kTolerateCorruptedTailRecords: a record cut short by a
// crash at the end of a log is dropped, any other damaged record refuses the open. Measured
// on RocksDB 7.8, that mode still drops acknowledged records silently in one case: a damaged
// LENGTH field in the last 32 KiB block of a log (a small log is one block) makes a whole
// record claim to run past the end of the file, which RocksDB takes for a record cut short, so
// it drops that record and everything after it, and opens. A damaged record at the end of the
// MANIFEST is taken the same way (the version edit of a flush or an ingested migration lost).
//
// So every live WAL (NNNNNN.log) and the MANIFEST named by CURRENT are read here first, record
// by record, with the same format rules as RocksDB's log reader (32 KiB blocks, a 7-byte
// header: masked CRC32C of type and payload, length, type; FULL or FIRST MIDDLE… LAST
// fragments). A record that runs past the end of the file is accepted as cut short by a crash
// only when nothing proves it was complete:
//   - a writer never lets a record cross its block, so a length reaching past the block is
//     damage;
//   - a valid record found after it means the log went on: damage;
//   - the bytes up to the end of the file carrying the header's checksum at some length, or
//     (a WAL) parsing exactly as a write batch's entries, means the record was whole: damage.
// Anything else damaged is reported with the file and offset. The cost is one sequential read
// of the logs (bounded by Options::max_total_wal_size) and a CRC over them (the CPU's CRC32C
// instruction where there is one).
//
// Thread-safety: pure functions over files; nothing is shared.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store_internal.hpp"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
enum RecordType : uint8_t {
  kZero = 0,
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
  kSetCompressionType = 9,
};

// CRC32C (Castagnoli), as RocksDB computes it: reflected polynomial 0x82F63B78.
struct Crc32cTable {
  uint32_t t[256];
  constexpr Crc32cTable() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
      t[i] = c;
    }
  }
};
constexpr Crc32cTable kCrcTable;

#if defined(__x86_64__)
// The same register update with the CPU's CRC32C instruction (SSE 4.2), 8 bytes at a time.
__attribute__((target("sse4.2"))) uint32_t crc_update_hw(uint32_t state, std::string_view data) {
  const char* p = data.data();
  size_t n = data.size();
  uint64_t wide = state;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    wide = __builtin_ia32_crc32di(wide, v);
  }
  state = static_cast<uint32_t>(wide);
  for (; n > 0; ++p, --n) state = __builtin_ia32_crc32qi(state, static_cast<unsigned char>(*p));
  return state;
}
#endif

// Runs the CRC register `state` (not finalized) over `data`.
uint32_t crc_update(uint32_t state, std::string_view data) {
#if defined(__x86_64__)
  static const bool hw = __builtin_cpu_supports("sse4.2");
  if (hw) return crc_update_hw(state, data);
#endif
  for (unsigned char c : data) state = kCrcTable.t[(state ^ c) & 0xFFu] ^ (state >> 8);
  return state;
}

// The stored form of a record checksum (RocksDB's crc32c::Mask).
uint32_t masked(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

uint32_t decode32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // little-endian hosts only, as RocksDB's own files
  return v;
}

struct Header {
  uint32_t crc;
  size_t length;
  uint8_t type;
};

Header header_at(std::string_view block, size_t pos) {
  const char* h = block.data() + pos;
  return {decode32(h),
          static_cast<size_t>(static_cast<unsigned char>(h[4])) |
              (static_cast<size_t>(static_cast<unsigned char>(h[5])) << 8),
          static_cast<uint8_t>(h[6])};
}

bool known_type(uint8_t t) { return (t >= kFull && t <= kLast) || t == kSetCompressionType; }

// True when a complete, valid record starts at `pos` of `block`.
bool valid_record_at(std::string_view block, size_t pos) {
  if (pos + kHeaderSize > block.size()) return false;
  Header h = header_at(block, pos);
  if (!known_type(h.type) || pos + kHeaderSize + h.length > block.size()) return false;
  uint32_t state = crc_update(0xFFFFFFFFu, std::string_view(block.data() + pos + 6, 1));
  state = crc_update(state, block.substr(pos + kHeaderSize, h.length));
  return masked(state ^ 0xFFFFFFFFu) == h.crc;
}

// True when some prefix of `payload` carries the checksum `crc` with record type `type`.
bool some_prefix_matches(uint8_t type, uint32_t crc, std::string_view payload) {
  const char t = static_cast<char>(type);
  uint32_t state = crc_update(0xFFFFFFFFu, std::string_view(&t, 1));
  if (masked(state ^ 0xFFFFFFFFu) == crc) return true;
  for (unsigned char c : payload) {
    state = kCrcTable.t[(state ^ c) & 0xFFu] ^ (state >> 8);
    if (masked(state ^ 0xFFFFFFFFu) == crc) return true;
  }
  return false;
}

bool read_varint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

bool skip_slice(std::string_view* in) {
  uint64_t n = 0;
  if (!read_varint(in, &n) || n > in->size()) return false;
  in->remove_prefix(n);
  return true;
}

// True when `payload` (a WAL record's body: 8-byte sequence, 4-byte count, entries) holds
// entries of the kinds this store writes — puts and deletes, in the default or a named column
// family — that end exactly where the payload ends. The sequence and count are not trusted
// (a damaged header usually damages them too).
bool whole_write_batch(std::string_view payload) {
  if (payload.size() < 12 + 2) return false;
  std::string_view in = payload.substr(12);
  int entries = 0;
  while (!in.empty()) {
    const auto tag = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    uint64_t cf = 0;
    if ((tag == 0x4 || tag == 0x5) && !read_varint(&in, &cf)) return false;
    if (tag > 0x5 || tag == 0x2 || tag == 0x3) return false;
    if (!skip_slice(&in)) return false;                                      // key
    if ((tag == 0x1 || tag == 0x5) && !skip_slice(&in)) return false;        // value
    ++entries;
  }
  return entries > 0;
}

// Reads a log file (WAL or MANIFEST) and returns what is damaged in it, if anything.
class LogScanner {
 public:
  LogScanner(const fs::path& file, bool is_wal) : file_(file), is_wal_(is_wal) {}

  std::optional<std::string> scan() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return "cannot be read";
    std::string block(kBlockSize, '\0');
    for (uint64_t block_start = 0;; block_start += kBlockSize) {
      in.read(block.data(), kBlockSize);
      const auto got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      const bool last = got < kBlockSize || in.peek() == std::char_traits<char>::eof();
      const std::string_view data(block.data(), got);
      if (zeros_from_) {  // past a zeroed header, only zeros may follow
        if (std::any_of(data.begin(), data.end(), [](char c) { return c != 0; })) {
          return damage(*zeros_from_, "zeroed header");
        }
        continue;
      }
      std::optional<std::string> problem = scan_block(data, block_start, last);
      if (problem || stop_) return problem;
      if (got < kBlockSize) break;
    }
    if (in.bad()) return "cannot be read";
    return std::nullopt;  // a fragmented record left open at the end was cut by a crash
  }

 private:
  std::optional<std::string> damage(uint64_t offset, const std::string& what) const {
    return "damaged record at offset " + std::to_string(offset) + " (" + what + ")";
  }

  std::optional<std::string> scan_block(std::string_view block, uint64_t start, bool last) {
    size_t pos = 0;
    while (pos < block.size()) {
      const size_t left = block.size() - pos;
      if (left < kHeaderSize) return std::nullopt;  // block trailer, or a header cut at the end
      const Header h = header_at(block, pos);
      if (h.type == kZero && h.length == 0) {
        // Zeros: what a preallocated file holds past its data. Only acceptable as the end.
        std::string_view rest = block.substr(pos);
        if (std::any_of(rest.begin(), rest.end(), [](char c) { return c != 0; })) {
          return damage(start + pos, "zeroed header");
        }
        zeros_from_ = start + pos;
        return std::nullopt;
      }
      if (kHeaderSize + h.length > left) {
        if (!last) return damage(start + pos, "bad record length");
        if (std::optional<std::string> p = check_cut_tail(block, pos, start, h)) return p;
        stop_ = true;  // cut short by a crash: RocksDB drops it too
        return std::nullopt;
      }
      if (!valid_record_at(block, pos)) {
        return damage(start + pos, known_type(h.type) ? "checksum mismatch"
                                                      : "unknown record type");
      }
      switch (h.type) {
        case kFull:
          if (in_fragment_) return damage(start + pos, "record without its last fragment");
          break;
        case kFirst:
          if (in_fragment_) return damage(start + pos, "record without its last fragment");
          in_fragment_ = true;
          break;
        case kMiddle:
        case kLast:
          if (!in_fragment_) return damage(start + pos, "fragment without its first part");
          in_fragment_ = h.type == kMiddle;
          break;
        default:
          break;
      }
      pos += kHeaderSize + h.length;
    }
    return std::nullopt;
  }

  // A record at `pos` of the last block claims more bytes than the file holds: a crash cut it,
  // unless something proves it was whole (see the file comment).
  std::optional<std::string> check_cut_tail(std::string_view block, size_t pos, uint64_t start,
                                            const Header& h) const {
    if (pos + kHeaderSize + h.length > kBlockSize) {
      return damage(start + pos, "record length runs past its block");
    }
    for (size_t q = pos + 1; q + kHeaderSize <= block.size(); ++q) {
      if (valid_record_at(block, q)) {
        return damage(start + pos, "bad record length; the log goes on after it");
      }
    }
    std::string_view payload = block.substr(pos + kHeaderSize);
    if (some_prefix_matches(h.type, h.crc, payload)) {
      return damage(start + pos, "bad record length; the record is whole");
    }
    if (is_wal_ && !in_fragment_ && whole_write_batch(payload)) {
      return damage(start + pos, "damaged header; the record is whole");
    }
    return std::nullopt;
  }

  fs::path file_;
  bool is_wal_;
  bool in_fragment_ = false;
  bool stop_ = false;  // the tail was cut by a crash: nothing after it is read
  std::optional<uint64_t> zeros_from_;  // where a zero-filled end of the file begins
};

bool is_wal_name(const std::string& name) {
  return name.size() > 4 && name.ends_with(".log") &&
         std::all_of(name.begin(), name.end() - 4, [](char c) { return c >= '0' && c <= '9'; });
}

Status corrupted(const std::string& path, const std::string& what) {
  return Status(Code::kStorageError, "store at " + path + " is corrupted: " + what);
}

}  // namespace

Status check_logs(const std::string& path) {
  std::error_code ec;
  std::vector<fs::path> wals;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (is_wal_name(entry.path().filename().string())) wals.push_back(entry.path());
  }
  if (ec) return Status(Code::kStorageError, "store at " + path + ": " + ec.message());
  std::sort(wals.begin(), wals.end());
  for (const fs::path& wal : wals) {
    if (auto problem = LogScanner(wal, /*is_wal=*/true).scan()) {
      return corrupted(path, "write-ahead log " + wal.filename().string() + ": " + *problem);
    }
  }

  std::ifstream current(fs::path(path) / "CURRENT", std::ios::binary);
  std::string name;
  if (!current || !std::getline(current, name)) {
    return corrupted(path, "its CURRENT file cannot be read");
  }
  const bool well_formed =
      name.starts_with("MANIFEST-") && name.size() > 9 &&
      std::all_of(name.begin() + 9, name.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed || !fs::is_regular_file(fs::path(path) / name, ec)) {
    std::string shown = name.substr(0, 64);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    }
    return corrupted(path, "its CURRENT file names no MANIFEST file (\"" + shown + "\")");
  }
  if (auto problem = LogScanner(fs::path(path) / name, /*is_wal=*/false).scan()) {
    return corrupted(path, name + ": " + *problem);
  }
  return Status::Ok();
}

}  // namespace strata::storage
