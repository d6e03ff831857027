#pragma once
// The migration ledger of one database (SPEC §4.1, §4.2, §4.6, §4.12): migration records, their
// commands, their DOWN lists and their event logs, stored in Space::kLedger under the
// database's prefix (storage/ledger_keys.hpp), so BACKUP / RESTORE / DROP DATABASE carry it.
//
// A record is split so that listing stays cheap whatever a migration's size: the header (state,
// audit fields, events, last validation) is small; the commands ('C') and the generated DOWN
// list ('G') are read only by the statements that need them.
//
// Checksums (SPEC §4.6): checksum = SHA-256 over the canonical UP text, the explicit DOWN text
// and the description; chain_n = SHA-256(chain_{n-1} || checksum_n) over the binary digests,
// chain_0 = 32 zero bytes.
//
// Thread-safety: pure functions over a Reader / Txn owned by the caller; writers hold the
// database's writer mutex (Engine::write).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/status.hpp"
#include "engine/reader.hpp"
#include "parser/ast.hpp"
#include "storage/store.hpp"

namespace strata::engine {

inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kApplied = "APPLIED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kRolledBack = "ROLLED_BACK";

struct MigrationRecord {
  uint64_t version = 0;
  std::string status = kPending;
  std::optional<std::string> description;
  std::optional<std::string> name;  // NAME "…" of START (SPEC §4.14), part of the checksum
  uint64_t batch = 0;               // batch number of the last APPLY (0: never applied)
  std::string created_at, created_by;
  std::string applied_at, applied_by;          // "" when never applied
  std::string rolled_back_at, rolled_back_by;  // "" when never rolled back
  uint64_t command_count = 0;
  std::string checksum;        // 64 hex
  std::string chain_checksum;  // 64 hex
  std::optional<int64_t> execution_time_ms;
  std::string failure_reason;
  Json last_validation;  // stored apart (key 'L'); null when not loaded or never validated
  Json events = Json::array();     // [{"At","By","Statement","From","To"}]
  bool has_explicit_down = false;
  bool down_generated = false;  // APPLY generated the DOWN list (which may be empty)
  std::string irreversible;  // canonical text of the first irreversible UP command, or ""
  uint64_t start_seq = 0;    // first document sequence of the last APPLY
  uint64_t end_seq = 0;      // first sequence after the documents the last APPLY added
  uint64_t apply_stamp = 0;  // write stamp of the last APPLY's commit (0: not recorded)
  Json undo_bundles = Json::object();  // pre-migration bundle name -> its id (undo snapshot)
  Json added_bundles = Json::array();  // ids of the bundles the last APPLY added documents to
  // SPEC §4.6: SHA-256 over the checksum, the final DOWN list and the undo snapshot's digest,
  // and its chain over the applied migrations ("" when not applied since they exist).
  std::string apply_checksum;
  std::string apply_chain_checksum;
};

// The texts of a migration: canonical UP commands, their positions in the migration as
// written, and the explicit DOWN commands (empty when there was no DOWN section).
// `up` views either the loaded ledger record (held by `text`) or strings that outlive it (a
// test's literals): a million-command migration is not copied line by line (SPEC §9 memory).
struct MigrationCommands {
  std::shared_ptr<const std::string> text;  // the record `up` points into, when loaded
  std::vector<std::string_view> up;
  std::vector<ast::Pos> positions;
  std::vector<std::string> down;
  std::vector<ast::Pos> down_positions;  // of the explicit DOWN commands (empty: not recorded)
};

// Reads. Missing records give nullopt; an unreadable one kStorageError.
Result<std::optional<MigrationRecord>> load_record(const Reader& reader, uint32_t db,
                                                   uint64_t version);
// Every record in version order.
Result<std::vector<MigrationRecord>> load_records(const Reader& reader, uint32_t db);
Result<MigrationCommands> load_commands(const Reader& reader, uint32_t db, uint64_t version);
// The last validation report (null when none). Headers do not carry it, so listing and the
// check at open stay cheap.
Result<Json> load_last_validation(const Reader& reader, uint32_t db, uint64_t version);
Result<std::vector<std::string>> load_generated_down(const Reader& reader, uint32_t db,
                                                     uint64_t version);
// The highest version in the ledger (0 when empty).
Result<uint64_t> highest_version(const Reader& reader, uint32_t db);
void store_highest_version(storage::Txn& txn, uint32_t db, uint64_t version);
// currentVersion without reading the whole ledger: the APPLIED migrations are exactly
// 1..currentVersion (SPEC §4.2), so it is the highest APPLIED version, found walking down.
Result<uint64_t> current_version_of(const Reader& reader, uint32_t db);
// The PENDING migrations above currentVersion, in version order.
Result<std::vector<MigrationRecord>> pending_above_current(const Reader& reader, uint32_t db);

// The commands record and checksum of a migration being created, from the canonical text the
// parser already made of each command (ast::MigrationCommand): START of a 1,000,000-command
// migration holds that text and the transaction its copy, never the commands' trees.
struct EncodedCommands {
  // The stored form (ledger.cpp load_commands) as three pieces, stored in chunks taken
  // straight from them, never joined in memory: the header, the migration's canonical text
  // (a view of ast::StartMigration::text, which must outlive this), the UP positions.
  std::string header;
  std::string_view text;
  std::string positions;
  std::string record() const { return header + std::string(text) + positions; }
  std::string checksum;             // = migration_checksum of the decoded commands
  std::vector<std::string> down;    // canonical explicit DOWN commands
  size_t up_count = 0;
};
EncodedCommands encode_commands(const ast::StartMigration& migration);
void store_commands_record(storage::Txn& txn, uint32_t db, uint64_t version,
                           const EncodedCommands& commands);

// Staged writes. store_record also writes record.last_validation when it is not null.
void store_record(storage::Txn& txn, uint32_t db, const MigrationRecord& record);
void store_generated_down(storage::Txn& txn, uint32_t db, uint64_t version,
                          const std::vector<std::string>& down);
// Deletes the undo snapshot of `version` (read through `reader`, the txn's own view).
Status erase_undo(storage::Txn& txn, const Reader& reader, uint32_t db, uint64_t version);
// Deletes a migration wholly: header, commands, DOWN list and undo snapshot.
Status erase_migration(storage::Txn& txn, const Reader& reader, uint32_t db, uint64_t version);

// The DOWN list that APPLY ROLLBACK runs: the explicit one when written, else the generated.
Result<std::vector<std::string>> effective_down(const Reader& reader, uint32_t db,
                                                const MigrationRecord& record);

// The last batch number given to an APPLY (0 when none); batch numbers only grow (§4.14).
Result<uint64_t> last_batch(const Reader& reader, uint32_t db);
void store_last_batch(storage::Txn& txn, uint32_t db, uint64_t batch);

// Checksums (hex). `name` (SPEC §4.14) counts only when written, so migrations created
// without NAME keep the checksums they had.
std::string migration_checksum(const MigrationCommands& commands,
                               const std::optional<std::string>& description,
                               const std::optional<std::string>& name = std::nullopt);
// SPEC §4.6's apply checksum: over the migration checksum, the final DOWN list's canonical text
// and the digest of the undo snapshot (undo.hpp undo_digest).
std::string apply_checksum(const std::string& checksum, const std::vector<std::string>& down,
                           const std::string& undo_digest);
std::string chain_checksum(const std::string& previous_chain_hex, const std::string& checksum_hex);
std::string zero_chain();

// currentVersion (SPEC §4.2): highest v with 1..v all APPLIED.
uint64_t current_version(const std::vector<MigrationRecord>& records);

// Records a state change in the record's event log and sets its status, and notes it for
// the log (StateChangeLog; `reason`: why, for FAILED).
void record_event(MigrationRecord* record, const std::string& user, const std::string& statement,
                  const std::string& to_status, const std::string& reason = {});

// The log of migration state changes (SPEC §6 Logs: "migration state change with duration").
// Engine::write keeps one for each write: record_event (and DROP MIGRATION, which removes a
// record) note each state change the write stages, and once its commit succeeded write()
// logs them at info, one line per change (the members of a batch or of a rollback that made
// the same change share a line): database, version(s), from -> to, user, and the write's
// duration for APPLIED and ROLLED_BACK, or the reason for FAILED. A write that does not
// commit logs nothing.
// Thread-safety: a log collects the changes of its own thread (the write runs its executors
// there); logs nest, the innermost collects.
class StateChangeLog {
 public:
  struct Change {
    uint64_t version = 0;
    std::string from;  // "" for a new migration
    std::string to;    // a status, or "DROPPED"
    std::string user;
    std::string reason;
  };
  StateChangeLog();
  ~StateChangeLog();
  StateChangeLog(const StateChangeLog&) = delete;
  StateChangeLog& operator=(const StateChangeLog&) = delete;

  // Notes a change for the innermost log of this thread (none alive: nothing happens).
  static void note(Change change);
  // After the commit: the lines for database `database`, the write having taken `took`.
  void write(const std::string& database, std::chrono::milliseconds took) const;
  // The lines write() logs.
  std::vector<std::string> lines(const std::string& database,
                                 std::chrono::milliseconds took) const;

 private:
  std::vector<Change> changes_;
  StateChangeLog* outer_;
};

// The record as SHOW MIGRATIONS lists it, and in full as SHOW MIGRATION shows it.
Json summary_json(const MigrationRecord& record);
Json full_json(const MigrationRecord& record, const MigrationCommands& commands,
               const std::vector<std::string>& down);

}  // namespace strata::engine
