#pragma once
// The undo snapshot of SPEC §4.7: what a migration's UP commands overwrote or deleted, written
// in the same atomic write as the migration (ledger_keys.hpp 'U' and 'X' entries), and
// RESTORE DOCUMENTS, the DOWN step that puts it back.
//
// UndoRecorder implements the executors' UndoLog seam (write_context.hpp). It keeps the FIRST
// pre-image of every document of a bundle that existed before the migration: the stored bytes
// exactly (write stamp included), keyed by the bundle's pre-migration id and the document's
// sequence. Documents the migration added (sequence >= the migration's first sequence) need
// no entry: their absence is implied, and the DOWN list deletes them; the recorder notes which
// bundles received them. A document a field change only reshaped (ADD FIELD's default, RENAME
// FIELD: the DOWN list's reverse schema change undoes it exactly) needs none either: its
// pre-image is held in memory and becomes an entry only if a later command of the migration
// overwrites or deletes the document (the entry is then that pre-migration image, not the
// reshaped one the later command saw). So a rollback of an ADD FIELD or a RENAME restores
// nothing and finds no conflict in later writes to the bundle (SPEC §4.7's table). finish() records which pre-imaged documents the migration left
// deleted ('X'): every other one it left holding its write stamp, so a later write to it is
// seen at rollback as a conflict (conflicts.hpp). Schema objects need no entry: the DOWN list
// recreates them from their definitions.
//
// restore_documents() runs after the DOWN list has put the schema back: for every entry of the
// bundle it removes the index entries of the document now stored (if any), then writes the
// pre-image bytes and their index entries, so unique values swapped by the migration do not
// collide midway. DocumentIDs come back unchanged. A pre-image whose unique value another
// document holds now is a `unique_taken` conflict: never written over, always reported.
// Thread-safety: used on one thread under the database's writer mutex.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/conflicts.hpp"
#include "engine/ledger.hpp"
#include "engine/write_context.hpp"

namespace strata::engine {

class UndoRecorder final : public UndoLog {
 public:
  UndoRecorder() = default;
  // Starts recording migration `version` into `txn`. `base` is the pre-migration schema and
  // `start_seq` the first document sequence the migration may allocate. Events before bind()
  // are ignored.
  void bind(storage::Txn& txn, uint32_t db, uint64_t version, const DatabaseSchema& base,
            uint64_t start_seq);

  void document_before(const Bundle& bundle, uint64_t seq,
                       const std::string_view* before) override;
  void document_reshaped(const Bundle& bundle, uint64_t seq, std::string_view before) override;

  // After the last command: stages the 'X' entry (the pre-imaged documents the migration left
  // deleted, read from the txn's own writes). Returns the snapshot's digest (undo_digest).
  Result<std::string> finish(const Reader& reader);

  // Pre-migration names of the bundles with at least one pre-image, in catalog order, and
  // the {name: pre-migration id} map stored with the record.
  std::vector<std::string> touched_bundles() const;
  Json undo_bundles() const;
  // Ids of the bundles documents were added to.
  Json added_bundles() const;
  uint64_t entries() const { return entries_; }

 private:
  storage::Txn* txn_ = nullptr;
  const DatabaseSchema* base_ = nullptr;
  uint32_t db_ = 0;
  uint64_t version_ = 0;
  uint64_t start_seq_ = 0;
  uint64_t entries_ = 0;
  std::set<uint32_t> touched_;
  std::set<uint32_t> added_;
  std::map<uint64_t, uint32_t> seen_;  // pre-imaged sequence -> its bundle id
  std::unordered_map<uint64_t, std::string> reshaped_;  // sequence -> pre-image, no entry yet
};

// The digest of migration `version`'s undo snapshot as stored: every 'U' entry in key order,
// then the 'X' entry (SPEC §4.6's apply checksum covers it).
Result<std::string> undo_digest(const Reader& reader, uint32_t db, uint64_t version);

// The sequences of `record`'s pre-imaged documents that it left deleted.
Result<std::set<uint64_t>> load_left_deleted(const Reader& reader, uint32_t db,
                                             uint64_t version);

// RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n, on `ctx`. `record` is migration n's.
// Unique values another document holds now are appended to `conflicts` (unique_taken) and
// those documents are left as they are; the caller refuses the rollback when any was found.
// Errors: BUNDLE_NOT_FOUND when B does not exist now; storage errors.
// The error of a RESTORE DOCUMENTS FROM MIGRATION `named` in migration `own`'s DOWN list: a
// DOWN list restores its own migration's undo snapshot only (INVALID_VALUE).
Status restore_of_other_migration(uint64_t named, uint64_t own);

Status restore_documents(WriteContext& ctx, const ast::RestoreDocuments& command,
                         const MigrationRecord& record, uint64_t* restored,
                         std::vector<Conflict>* conflicts);

}  // namespace strata::engine
