#pragma once
// The key layout of every column family (STYLE §10): the one place that says how Strata's
// state is laid out in RocksDB. Every other file builds keys only through these functions.
//
//   Space     key                                              value
//   --------  -----------------------------------------------  --------------------------------
//   kMeta     "format_version"                                 u32 BE format version
//   kMeta     "next_db_id"                                     u32 BE next database id
//   kCatalog  <db u32> 'S'                                     catalog header (JSON): id, name,
//                                                              settings, checksum, next ids
//   kCatalog  <db u32> 'B' <bundle u32>                        one bundle (JSON): its fields and
//                                                              relationships
//   kCatalog  <db u32> 'I' <index u32>                         one index definition (JSON)
//   kCatalog  <db u32> 'N'                                     u64 BE next document sequence
//   kDocs     <db u32> <bundle u32> <seq u64>                  document (compact JSON object)
//   kIndex    <db u32> <index u32> <value>... [<seq u64>]      u64 BE doc seq (one per document)
//   kLedger   <db u32> ...                                     migration ledger (migration work)
//   kSystem   anything not tied to one database (users, ...)
//
// Integers are big-endian, so byte order is numeric order. <value> is
// storage::encode_ordered of the (key-normalized) field value: order-preserving and
// prefix-free. Every key of a database in kCatalog, kDocs, kIndex and kLedger starts with
// its 4-byte id: a database is exactly those four prefixes (DROP DATABASE, BACKUP and RESTORE
// rely on it; a backup stores keys without the id, RESTORE prefixes a fresh one).
// Index entries end with <seq> except in a unique index when every value is non-null: there
// the key is the values alone (at most one document can hold them), so a uniqueness check is
// one point read. Every entry's value is the document's seq, so scans never parse keys.
// The catalog is split per bundle and per index so a schema change rewrites only the records
// of what it changed (format version 2; version 1 held the whole catalog in the 'S' record).
// Bundle and index ids grow in creation order, so a prefix scan yields them in that order.
// A DocumentID is the decimal text of <seq>: per database, monotonic, never reused.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace strata::storage::keys {

inline constexpr uint32_t kFormatVersion = 2;
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr std::string_view kNextDbIdKey = "next_db_id";

// The spaces holding per-database keys, all prefixed by the database id.
inline constexpr Space kDatabaseSpaces[] = {Space::kCatalog, Space::kDocs, Space::kIndex,
                                            Space::kLedger};

inline void put_u32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline void put_u64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline uint32_t get_u32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline uint64_t get_u64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline std::string u32_value(uint32_t v) {
  std::string s;
  put_u32(&s, v);
  return s;
}
inline std::string u64_value(uint64_t v) {
  std::string s;
  put_u64(&s, v);
  return s;
}

// <db>: the prefix of every key of a database in kDatabaseSpaces.
inline std::string database_prefix(uint32_t db) { return u32_value(db); }

// The catalog record tags: the byte after <db> in kCatalog.
inline constexpr char kCatalogHeaderTag = 'S';
inline constexpr char kCatalogBundleTag = 'B';
inline constexpr char kCatalogIndexTag = 'I';
inline constexpr char kDocCounterTag = 'N';

// The catalog header record.
inline std::string catalog_key(uint32_t db) {
  std::string k = database_prefix(db);
  k.push_back(kCatalogHeaderTag);
  return k;
}
inline std::string catalog_bundle_key(uint32_t db, uint32_t bundle) {
  std::string k = database_prefix(db);
  k.push_back(kCatalogBundleTag);
  put_u32(&k, bundle);
  return k;
}
inline std::string catalog_index_key(uint32_t db, uint32_t index) {
  std::string k = database_prefix(db);
  k.push_back(kCatalogIndexTag);
  put_u32(&k, index);
  return k;
}
inline std::string doc_counter_key(uint32_t db) {
  std::string k = database_prefix(db);
  k.push_back(kDocCounterTag);
  return k;
}

// kDocs
inline std::string bundle_prefix(uint32_t db, uint32_t bundle) {
  std::string k = database_prefix(db);
  put_u32(&k, bundle);
  return k;
}
inline std::string doc_key(uint32_t db, uint32_t bundle, uint64_t seq) {
  std::string k = bundle_prefix(db, bundle);
  put_u64(&k, seq);
  return k;
}
// The sequence of a kDocs key.
inline uint64_t doc_key_seq(std::string_view key) { return get_u64(key.substr(key.size() - 8)); }

// kIndex: entries are index_prefix + encoded values [+ u64 seq]; the value is the u64 seq.
inline std::string index_prefix(uint32_t db, uint32_t index) {
  std::string k = database_prefix(db);
  put_u32(&k, index);
  return k;
}
inline uint64_t index_entry_seq(std::string_view value) { return get_u64(value); }

// DocumentID <-> sequence. Only the canonical decimal form ("17", never "017") parses.
inline std::string document_id(uint64_t seq) { return std::to_string(seq); }
inline std::optional<uint64_t> parse_document_id(std::string_view id) {
  if (id.empty() || id.size() > 20 || (id.size() > 1 && id[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t next = v * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != v) return std::nullopt;
    v = next;
  }
  return v;
}

}  // namespace strata::storage::keys
