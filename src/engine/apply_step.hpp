#pragma once
// One migration's APPLY on a WriteContext that may carry other migrations of the same batch
// (SPEC §4.5, §4.14). APPLY MIGRATION runs one step in its own write; APPLY MIGRATIONS UP TO /
// APPLY PENDING MIGRATIONS (exec_apply_batch.cpp) run one step per member, in version order,
// on ONE WriteContext committed once: each member sees the effects of the ones before it
// (the transaction reads its own writes, the ledger records included).
// Thread-safety: under the database's writer mutex (Engine::write), on one thread.

#include <chrono>
#include <optional>
#include <string>

#include "common/json.hpp"
#include "engine/approvals.hpp"
#include "engine/engine.hpp"
#include "engine/ledger.hpp"
#include "engine/undo.hpp"

namespace strata::engine {

struct ApplyStep {
  // In.
  uint64_t version = 0;
  bool force = false;
  uint64_t batch = 0;     // the batch number stored with the record (SPEC §4.14)
  std::string statement;  // the canonical statement recorded in the migration's event
  std::optional<std::string> approval;  // WITH APPROVAL "token" (SPEC §4.13)
  // A batch's: its one approval, checked for the whole batch, which this step spends and
  // names in its event instead of checking `approval` (null: a single APPLY).
  const ApprovalCheck* batch_approval = nullptr;
  // Working state. The context's UndoLog must forward to `undo` while the step runs; `base`
  // is the pre-migration schema `undo` is bound to (so a step must not move while used): the
  // published schema itself on a first step (no copy).
  UndoRecorder undo;
  std::shared_ptr<const DatabaseSchema> base;
  // Out.
  std::optional<Status> failure;  // a command failed outside validation, or the interrupt
  Json report;                    // the validation report (null when validation did not run)
  bool executed = false;          // every effect is staged; only the commit remains
  std::string checksum;           // the schema checksum after this migration
  Json warnings = Json::array();  // the warnings FORCE applied it despite
};

// Checks (exists, PENDING, next, checksum), validates and executes step->version on `ctx`,
// staging the ledger record (APPLIED, batch, checksums, DOWN list, undo snapshot). The
// MigrationTimeoutSeconds deadline runs from `started`. On an error nothing may be committed.
Status apply_step(Engine& e, Session& s, WriteContext& ctx,
                  std::chrono::steady_clock::time_point started, ApplyStep* step);

// After the write carrying `step` failed with `st`: marks the migration FAILED when a command
// failed (or the commit did), stores the report when validation refused it, nothing when
// cancelled — as APPLY MIGRATION does.
void after_failed_apply(Engine& e, Session& s, const ApplyStep& step, const Status& st);

}  // namespace strata::engine
