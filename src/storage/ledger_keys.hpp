#pragma once
// The key layout of the migration ledger (SPEC §4) inside Space::kLedger. Every key starts
// with the database's 4-byte prefix (keys.hpp), so DROP DATABASE, BACKUP and RESTORE carry
// the ledger with the database's data.
//
//   key                                              value
//   -----------------------------------------------  -------------------------------------------
//   <db u32> 'V'                                     u64 BE highest version in the ledger
//   <db u32> 'B'                                     u64 BE last batch number (SPEC §4.14)
//   <db u32> 'M' <version u64>                       migration record header (JSON, small)
//   <db u32> 'C' <version u64>                       commands: UP, explicit DOWN, positions (text);
//   <db u32> 'C' <version u64> <chunk u32>           the record's bytes from chunk * 1 MiB on, when
//                                                    longer than 1 MiB (chunk 1, 2, ...)
//   <db u32> 'G' <version u64>                       generated DOWN list (JSON array of strings)
//   <db u32> 'L' <version u64>                       last validation report (JSON)
//   <db u32> 'U' <version u64> <bundle u32> <seq u64>  undo pre-image: stored document bytes
//   <db u32> 'X' <version u64>                       sequences of the undo entries the migration
//                                                    left deleted (u64 BE each, ascending)
//   <db u32> 'O' <version u64> <rollback u32>        what a rollback of the version destroyed that
//                                                    was written after its apply: documents FORCE
//                                                    overwrote, documents added to bundles it
//                                                    dropped, values in fields it removed (JSON)
//   <db u32> 'A' <nonce>                             an approval token spent (JSON: by, at, action)
//   <db u32> 'S' <version u64>                       the schema the last APPLY of, or ROLLBACK
//                                                    to, the version left (JSON, recorded_schema.hpp)
//
// 'U' entries hold the pre-migration bytes of every document of a pre-existing bundle that
// the migration overwrote or deleted (the bundle id is the id before the migration).
// Thread-safety: pure functions.

#include <cstdint>
#include <string>

#include "storage/keys.hpp"

namespace strata::storage::ledger_keys {

inline std::string ledger_prefix(uint32_t db, char kind) {
  std::string k = keys::database_prefix(db);
  k.push_back(kind);
  return k;
}
inline std::string versioned(uint32_t db, char kind, uint64_t version) {
  std::string k = ledger_prefix(db, kind);
  keys::put_u64(&k, version);
  return k;
}

inline std::string highest_key(uint32_t db) { return ledger_prefix(db, 'V'); }
inline std::string batch_key(uint32_t db) { return ledger_prefix(db, 'B'); }
inline std::string header_prefix(uint32_t db) { return ledger_prefix(db, 'M'); }
inline std::string header_key(uint32_t db, uint64_t version) { return versioned(db, 'M', version); }
inline std::string commands_key(uint32_t db, uint64_t version) {
  return versioned(db, 'C', version);
}
// Chunk `chunk` (>= 1) of a commands record longer than one chunk; commands_key holds chunk 0,
// and every chunk key of a version starts with its commands_key.
inline std::string commands_chunk_key(uint32_t db, uint64_t version, uint32_t chunk) {
  std::string k = commands_key(db, version);
  keys::put_u32(&k, chunk);
  return k;
}
inline std::string generated_down_key(uint32_t db, uint64_t version) {
  return versioned(db, 'G', version);
}
inline std::string last_validation_key(uint32_t db, uint64_t version) {
  return versioned(db, 'L', version);
}
inline std::string recorded_schema_key(uint32_t db, uint64_t version) {
  return versioned(db, 'S', version);
}
// The version of a header key.
inline uint64_t header_key_version(std::string_view key) {
  return keys::get_u64(key.substr(5, 8));
}

// Undo snapshot of one migration, of one (pre-migration) bundle, of one document.
inline std::string undo_prefix(uint32_t db, uint64_t version) {
  return versioned(db, 'U', version);
}
inline std::string undo_bundle_prefix(uint32_t db, uint64_t version, uint32_t bundle) {
  std::string k = undo_prefix(db, version);
  keys::put_u32(&k, bundle);
  return k;
}
inline std::string undo_deleted_key(uint32_t db, uint64_t version) {
  return versioned(db, 'X', version);
}
inline std::string overwritten_prefix(uint32_t db, uint64_t version) {
  return versioned(db, 'O', version);
}
inline std::string overwritten_key(uint32_t db, uint64_t version, uint32_t rollback) {
  std::string k = overwritten_prefix(db, version);
  keys::put_u32(&k, rollback);
  return k;
}
// An approval token (SPEC §4.13) that an APPLY has used, by its nonce.
inline std::string approval_spent_key(uint32_t db, std::string_view nonce) {
  std::string k = ledger_prefix(db, 'A');
  k.append(nonce);
  return k;
}
inline std::string undo_key(uint32_t db, uint64_t version, uint32_t bundle, uint64_t seq) {
  std::string k = undo_bundle_prefix(db, version, bundle);
  keys::put_u64(&k, seq);
  return k;
}

}  // namespace strata::storage::ledger_keys
