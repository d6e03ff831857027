#pragma once
// The undo snapshot of SPEC §4.7: what a migration's UP commands overwrote or deleted, written
// in the same atomic write as the migration (ledger_keys.hpp 'U' entries), and RESTORE
// DOCUMENTS, the DOWN step that puts it back.
//
// UndoRecorder implements the executors' UndoLog seam (write_context.hpp). It keeps the FIRST
// pre-image of every document of a bundle that existed before the migration: the stored bytes
// exactly, keyed by the bundle's pre-migration id and the document's sequence. Documents the
// migration added (sequence >= the migration's first sequence) need no entry: their absence is
// implied, and the DOWN list deletes them. Schema objects need no entry either: the DOWN list
// recreates them from their definitions.
//
// restore_documents() runs after the DOWN list has put the schema back: for every entry of the
// bundle it removes the index entries of the document now stored (if any), then writes the
// pre-image bytes and their index entries, so unique values swapped by the migration do not
// collide midway. DocumentIDs come back unchanged.
// Thread-safety: used on one thread under the database's writer mutex.

#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/catalog.hpp"
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

  void document_before(const Bundle& bundle, uint64_t seq, const Json* before) override;
  void schema_dropped(const std::string& kind, const std::string& bundle,
                      const Json& definition) override {}

  // Pre-migration names of the bundles with at least one pre-image, in catalog order, and
  // the {name: pre-migration id} map stored with the record.
  std::vector<std::string> touched_bundles() const;
  Json undo_bundles() const;
  uint64_t entries() const { return entries_; }

 private:
  storage::Txn* txn_ = nullptr;
  const DatabaseSchema* base_ = nullptr;
  uint32_t db_ = 0;
  uint64_t version_ = 0;
  uint64_t start_seq_ = 0;
  uint64_t entries_ = 0;
  std::set<uint32_t> touched_;
  std::unordered_set<uint64_t> seen_;  // sequences are unique per database
};

// RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n, on `ctx`. `record` is migration n's.
// Errors: BUNDLE_NOT_FOUND when B does not exist now; storage errors.
Status restore_documents(WriteContext& ctx, const ast::RestoreDocuments& command,
                         const MigrationRecord& record, uint64_t* restored);

}  // namespace strata::engine
