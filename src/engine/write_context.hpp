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
// absence) of every document they add, overwrite or delete. Schema objects need no report:
// the bound commands carry the definitions they remove (binder.hpp). Direct statements pass
// nullptr; the migration work records an undo snapshot with it.
//
// Every document the context writes carries its write stamp (documents.hpp): one per commit,
// from a per-database counter that finish() stores. A scratch context (validation's
// simulation) is never committed: executors may skip work whose only effect would be
// unreachable there (the documents of a dropped bundle).
//
// Thread-safety: one WriteContext per statement, on one thread, while the database's writer
// mutex is held.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/catalog.hpp"
#include "engine/reader.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/settings.hpp"
#include "storage/store.hpp"

namespace strata::engine {

struct Session;

class UndoLog {
 public:
  virtual ~UndoLog() = default;
  // Called before document `seq` of `bundle` is written or deleted. `before` is its stored
  // bytes (stamp header included) or nullptr when the document did not exist (an ADD).
  virtual void document_before(const Bundle& bundle, uint64_t seq,
                               const std::string_view* before) = 0;
  // Called before a field change only reshapes document `seq` (ADD FIELD's default, RENAME
  // FIELD): nothing of it is lost, the reverse schema change undoes it exactly. `before` as
  // above.
  virtual void document_reshaped(const Bundle& bundle, uint64_t seq, std::string_view before) = 0;
};

class WriteContext;

// The counters record of a database (keys.hpp doc_counter_key): the next document sequence and
// the next write stamp. A record of 8 bytes predates stamps (next stamp 1).
struct Counters {
  uint64_t next_doc_seq = 1;
  uint64_t next_stamp = 1;
};
std::string encode_counters(const Counters& counters);
// nullopt when `value` is no counters record.
std::optional<Counters> decode_counters(std::string_view value);

class WriteContext {
 public:
  WriteContext(storage::Txn& txn, std::shared_ptr<const DatabaseSchema> base, Counters counters,
               Session& session, const SettingValues& server_settings, UndoLog* undo = nullptr,
               bool scratch = false)
      : txn_(txn),
        reader_(txn),
        base_(std::move(base)),
        session_(session),
        server_settings_(server_settings),
        undo_(undo),
        next_doc_seq_(counters.next_doc_seq),
        start_doc_seq_(counters.next_doc_seq),
        stamp_(counters.next_stamp),
        scratch_(scratch) {}

  storage::Txn& txn() { return txn_; }
  const storage::Txn& txn() const { return txn_; }
  const Reader& reader() const { return reader_; }
  Session& session() { return session_; }
  UndoLog* undo() { return undo_; }
  const SettingValues& server_settings() const { return server_settings_; }
  uint32_t db_id() const { return base_->id; }
  bool scratch() const { return scratch_; }
  // The write stamp of this commit (SPEC §4.7): every document it writes carries it.
  uint64_t stamp() {
    stamp_used_ = true;
    return stamp_;
  }
  // The counters as they stand (for a scratch context simulating on top of this one).
  Counters counters() const { return {next_doc_seq_, stamp_}; }
  // The counters after this commit (for the next one).
  Counters counters_after() const { return {next_doc_seq_, stamp_used_ ? stamp_ + 1 : stamp_}; }

  // The schema as this statement sees it: the copy once mutated, else the published one.
  const DatabaseSchema& schema() const { return copy_ ? *copy_ : *base_; }
  // schema() as it is now, unaffected by what this statement changes later: the published
  // schema itself while unchanged (no copy), else a copy.
  std::shared_ptr<const DatabaseSchema> schema_now() const {
    return copy_ ? std::make_shared<const DatabaseSchema>(*copy_) : base_;
  }
  // The mutable copy (made on first use): marks the schema as changed.
  DatabaseSchema& mutable_schema() {
    if (!copy_) copy_ = std::make_unique<DatabaseSchema>(*base_);
    ++schema_generation_;
    return *copy_;
  }
  // Changes whenever mutable_schema() is called: equal generations, equal schema().
  uint64_t schema_generation() const { return schema_generation_; }
  bool schema_changed() const { return copy_ != nullptr; }
  // Remembers that schema() as it is now has schema checksum `checksum` (APPLY computes it
  // anyway): take_schema() seals with it unless mutable_schema() was called since.
  void note_checksum(std::string checksum) {
    noted_checksum_ = std::move(checksum);
    noted_generation_ = schema_generation_;
  }
  // The changed schema to publish after commit, sealed (schema_checksum.hpp); nullptr when
  // unchanged.
  std::shared_ptr<const DatabaseSchema> take_schema() {
    if (!copy_) return nullptr;
    seal_checksum(*copy_, noted_generation_ == schema_generation_ ? std::move(noted_checksum_)
                                                                  : std::string());
    return std::shared_ptr<const DatabaseSchema>(std::move(copy_));
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
  // (stage_catalog) and the counters (if they moved).
  void finish();

  // Long work calls this between its steps (each migration command, every few hundred
  // documents of an UPDATE / DELETE): the session interrupt's check(), and, once `delay` has
  // passed since take_lock_after(), its `take` — cluster mode's optimistic write (Engine::
  // write) takes its database's lock there, so that SHOW LOCKS shows a long statement and no
  // other writer makes it start over. `take` answers whether it took the lock; while it does
  // not, it is tried again `delay` later.
  Status checkpoint();
  void take_lock_after(std::chrono::milliseconds delay, std::function<bool()> take) {
    take_lock_delay_ = delay;
    take_lock_at_ = std::chrono::steady_clock::now() + delay;
    take_lock_ = std::move(take);
  }

 private:
  storage::Txn& txn_;
  TxnReader reader_;
  std::shared_ptr<const DatabaseSchema> base_;
  std::unique_ptr<DatabaseSchema> copy_;
  std::string noted_checksum_;
  uint64_t noted_generation_ = ~uint64_t{0};
  Session& session_;
  const SettingValues& server_settings_;
  UndoLog* undo_;
  uint64_t next_doc_seq_;
  uint64_t start_doc_seq_;
  uint64_t stamp_;
  bool stamp_used_ = false;
  bool counters_staged_ = false;
  bool scratch_;
  uint64_t schema_generation_ = 0;
  std::chrono::milliseconds take_lock_delay_{0};
  std::chrono::steady_clock::time_point take_lock_at_;
  std::function<bool()> take_lock_;
};

}  // namespace strata::engine
