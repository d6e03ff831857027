#pragma once
// WriteContext: everything one mutating statement (or one whole migration / rollback) works
// on. Executors only STAGE writes into `txn` and mutate the schema copy; the gate commits the
// txn once and publishes the schema copy only after the commit succeeded (STYLE §10, §14).
//
// To run N commands atomically (APPLY MIGRATION, APPLY ROLLBACK): build one WriteContext,
// call the exec_* functions of executors.hpp for each command in order (each sees the writes
// and schema changes of the ones before: the txn reads its own writes, schema() returns the
// copy), call finish(), commit the txn once with sync, then publish mutable copy.
//
// UndoLog is the seam through which executors report what they destroy: the pre-image (or
// absence) of every document they add, overwrite or delete, and every schema object they
// drop. Direct statements pass nullptr; the migration work records an undo snapshot with it.
//
// Thread-safety: one WriteContext per statement, on one thread, while the database's writer
// mutex is held.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/catalog.hpp"
#include "engine/reader.hpp"
#include "engine/settings.hpp"
#include "storage/store.hpp"

namespace strata::engine {

struct Session;

class UndoLog {
 public:
  virtual ~UndoLog() = default;
  // Called before document `seq` of `bundle` is written or deleted. `before` is the stored
  // document (without DocumentID) or nullptr when the document did not exist (an ADD).
  virtual void document_before(const Bundle& bundle, uint64_t seq, const Json* before) = 0;
  // Called when a schema object is dropped: kind is "bundle", "field", "index" or
  // "relationship"; `definition` is its catalog JSON (for a bundle: the bundle with its
  // fields and relationships, and "indexes": its index definitions).
  virtual void schema_dropped(const std::string& kind, const std::string& bundle,
                              const Json& definition) = 0;
};

class WriteContext {
 public:
  WriteContext(storage::Txn& txn, std::shared_ptr<const DatabaseSchema> base, uint64_t next_doc_seq,
               Session& session, const SettingValues& server_settings, UndoLog* undo = nullptr)
      : txn_(txn),
        reader_(txn),
        base_(std::move(base)),
        session_(session),
        server_settings_(server_settings),
        undo_(undo),
        next_doc_seq_(next_doc_seq),
        start_doc_seq_(next_doc_seq) {}

  storage::Txn& txn() { return txn_; }
  const storage::Txn& txn() const { return txn_; }
  const Reader& reader() const { return reader_; }
  Session& session() { return session_; }
  UndoLog* undo() { return undo_; }
  const SettingValues& server_settings() const { return server_settings_; }
  uint32_t db_id() const { return base_->id; }

  // The schema as this statement sees it: the copy once mutated, else the published one.
  const DatabaseSchema& schema() const { return copy_ ? *copy_ : *base_; }
  // The mutable copy (made on first use): marks the schema as changed.
  DatabaseSchema& mutable_schema() {
    if (!copy_) copy_ = std::make_unique<DatabaseSchema>(*base_);
    ++schema_generation_;
    return *copy_;
  }
  // Changes whenever mutable_schema() is called: equal generations, equal schema().
  uint64_t schema_generation() const { return schema_generation_; }
  bool schema_changed() const { return copy_ != nullptr; }
  // The changed schema to publish after commit (nullptr when unchanged).
  std::shared_ptr<const DatabaseSchema> take_schema() {
    return copy_ ? std::shared_ptr<const DatabaseSchema>(std::move(copy_)) : nullptr;
  }

  // True when index `id` did not exist when this statement began (created by it): the store
  // holds no entry of it, so only this statement's own writes can clash with a new entry.
  // (Index ids are never reused while entries exist: dropping an index deletes its entries
  // in the same batch.)
  bool index_is_new(uint32_t id) const {
    for (const auto& idx : base_->indexes)
      if (idx.id == id) return false;
    return true;
  }

  // Document sequences: allocate() hands out the next one.
  uint64_t allocate_doc_seq() { return next_doc_seq_++; }
  uint64_t next_doc_seq() const { return next_doc_seq_; }

  // Stages the catalog records the schema copy changed against the published schema
  // (stage_catalog) and the document counter (if it moved).
  void finish();

 private:
  storage::Txn& txn_;
  TxnReader reader_;
  std::shared_ptr<const DatabaseSchema> base_;
  std::unique_ptr<DatabaseSchema> copy_;
  Session& session_;
  const SettingValues& server_settings_;
  UndoLog* undo_;
  uint64_t next_doc_seq_;
  uint64_t start_doc_seq_;
  uint64_t schema_generation_ = 0;
};

}  // namespace strata::engine
