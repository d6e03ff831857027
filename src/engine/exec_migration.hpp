#pragma once
// The migration statements of SPEC §3.5 (semantics §4), entered from the gate
// (Engine::dispatch) once role, active database and syntax checks have passed (STYLE §14):
//   exec_migration.cpp   START ... COMMIT, SHOW MIGRATION, RESET, DROP
//   exec_show_migrations.cpp  SHOW MIGRATIONS, kept serialized per ledger state
//   exec_validate.cpp    VALIDATE MIGRATION (the simulation; validate/validator.hpp)
//   exec_apply.cpp       APPLY MIGRATION [FORCE]: one atomic synced write
//   exec_apply_batch.cpp APPLY MIGRATIONS UP TO / APPLY PENDING (one write), VALIDATE MIGRATIONS
//   exec_rollback.cpp    VALIDATE ROLLBACK, APPLY ROLLBACK: one atomic synced write
//   verify.cpp           VERIFY MIGRATIONS and the check run when the engine opens
//   exec_show_schema.cpp SHOW SCHEMA [AT VERSION n] (recorded_schema.hpp)
// Every change of a database's ledger goes through Engine::write, so it is serialized with
// every other change of that database (SPEC §4.2) and committed atomically.
// Thread-safety: as Engine::execute.

#include "common/json.hpp"
#include "engine/engine.hpp"
#include "engine/ledger.hpp"
#include "engine/response.hpp"

namespace strata::engine {

// SPEC §4.10 at open: verifies every database's ledger and schema checksum and logs each
// problem to stderr. Never fails the open.
void check_ledgers_at_open(Engine& engine);

// SHOW MIGRATIONS as the gate answers it: the whole success response, serialized, taken from
// the database's AnswerCache while no commit has changed the database since it was built.
// Errors: DATABASE_NOT_FOUND, INVALID_VALUE (a bad WHERE), storage errors.
Result<Answer::Text> show_migrations_text(Engine& e, Session& s, const ast::ShowMigrations& x);
// The same text only if it is cached and valid now (no storage access, no wait); else null.
Answer::Text cached_show_migrations(Engine& e, Session& s, const ast::ShowMigrations& x);

// The executors of the migration statements, called by the gate (gate.cpp), and entry
// points shared by the exec_* files of the migration work.
// SHOW MIGRATIONS' fields ({"database","currentVersion","schemaDrift","migrations"}), built
// from a fresh read view (no cache).
Status exec_show_migrations(Engine& e, Session& s, const ast::ShowMigrations& x, Json* out);
Status exec_start_migration(Engine& e, Session& s, const ast::StartMigration& x, Json* out);
Status exec_show_migration(Engine& e, Session& s, const ast::ShowMigration& x, Json* out);
Status exec_reset_migration(Engine& e, Session& s, const ast::ResetMigration& x, Json* out);
Status exec_drop_migration(Engine& e, Session& s, const ast::DropMigration& x, Json* out);
Status exec_validate_migration(Engine& e, Session& s, const ast::ValidateMigration& x,
                               Json* out);
Status exec_apply_migration(Engine& e, Session& s, const ast::ApplyMigration& x, Json* out);
Status exec_apply_migrations(Engine& e, Session& s, const ast::ApplyMigrations& x, Json* out);
// The members of APPLY MIGRATIONS UP TO VERSION `up_to` (nullopt: APPLY PENDING MIGRATIONS):
// the PENDING versions above currentVersion, with their migration checksums, in order.
// MIGRATION_NOT_FOUND for an `up_to` beyond the highest version, MIGRATION_NOT_PENDING naming
// a version in the range that is not PENDING.
Result<std::vector<std::pair<uint64_t, std::string>>> batch_members(
    const Reader& reader, uint32_t db, std::optional<uint64_t> up_to);
Status exec_validate_migrations(Engine& e, Session& s, const ast::ValidateMigrations& x,
                                Json* out);
// Marks a migration FAILED after its APPLY failed (its own synced write); ok when it is no
// longer PENDING. The engine's FailedMarks retry it while the store refuses writes.
Status write_failed_mark(Engine& e, const FailedMarks::Mark& mark);
Status exec_validate_rollback(Engine& e, Session& s, const ast::ValidateRollback& x, Json* out);
Status exec_apply_rollback(Engine& e, Session& s, const ast::ApplyRollback& x, Json* out);
Status exec_verify_migrations(Engine& e, Session& s, Json* out);
// SHOW SCHEMA [AT VERSION n] (exec_show_schema.cpp).
Status exec_show_schema(Engine& e, Session& s, const ast::ShowSchema& x, Json* out);
// VERIFY's findings for one database: {"checksumsValid","chainValid","schemaDrift",
// "problems","migrations","currentVersion"}.
// `deep` also recomputes every applied migration's apply checksum (its DOWN list and undo
// snapshot; SPEC §4.6): VERIFY MIGRATIONS does, the check at open does not.
Result<Json> verify_ledger(const Reader& reader, const DatabaseSchema& schema, bool deep);

// The common errors.
Status migration_not_found();
Status migration_not_pending();
// The effective settings of a database.
SettingValues settings_of(const Engine& e, const DatabaseSchema& schema);

}  // namespace strata::engine
