#pragma once
// The validator (SPEC §4.4): runs the five phases (phases.hpp) over a migration, command by
// command, and assembles the report.
//
// It works on a WriteContext: for VALIDATE MIGRATION a scratch one whose transaction is never
// committed (the simulation); for APPLY the real one, so the constraint phase's dry run IS the
// execution and a migration is never run twice. The context's schema copy is the simulation's
// catalog. The lower-numbered PENDING migrations are simulated first (their own findings are
// not reported), then this migration's commands: phase 1 re-parses, phase 2 binds (binder.hpp;
// the bound command's catalog change is then applied by its executor), phase 3 is the
// executor's data work on the context, phases 4 and 5 run at the end. A command that fails
// phase 1 or 2 is not executed; everything else still runs, so one VALIDATE shows every
// problem it can find.
// Thread-safety: one validation per WriteContext, under the database's writer mutex.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "common/thread_pool.hpp"
#include "engine/down.hpp"
#include "engine/ledger.hpp"
#include "engine/settings.hpp"
#include "engine/undo.hpp"
#include "engine/write_context.hpp"

namespace strata::engine::validate {

struct PendingMigration {
  MigrationRecord record;
  MigrationCommands commands;
};

struct Request {
  const MigrationRecord* record = nullptr;
  const MigrationCommands* commands = nullptr;
  SettingValues settings;
  std::string user;
  std::vector<PendingMigration> lower_pending;  // simulated first, in version order
  // APPLY: stop at the first command that fails for a reason other than validation. Both
  // APPLY and VALIDATE stop when the session's interrupt says so (interrupt.hpp: CANCEL, the
  // MigrationTimeoutSeconds deadline APPLY sets on it).
  bool apply = false;
  DownBuilder* down = nullptr;  // fed every executed command (APPLY's final DOWN list)
  // VALIDATE: the recorder of the simulation's undo snapshot, bound by run() once the lower
  // PENDING migrations have run; with it, phase 5 runs the DOWN list on the simulation's
  // documents (down_check.hpp). APPLY binds its own and checks the DOWN list on the catalog.
  UndoRecorder* undo = nullptr;
  // The schema before the simulation (its bundles hold the existing documents); nullptr: the
  // context's schema at the start.
  const DatabaseSchema* live = nullptr;
  bool checksum_verified = false;  // the caller already compared text and checksum
  // Parses a large migration's commands ahead of the phases (CommandStream); null: inline.
  common::ThreadPool* pool = nullptr;
};

struct Outcome {
  Json report;
  bool errors = false;
  bool warnings = false;
  // APPLY: a command failed outside validation: the command's error, its message naming the
  // command. APPLY and VALIDATE: TIMEOUT or CANCELLED from the session's interrupt. Nothing
  // may be committed.
  std::optional<Status> failure;
  // The schema drift the migration would adopt (recorded_schema.hpp named_drift items).
  Json drift = Json::array();
};

Outcome run(const Request& request, WriteContext& ctx);

}  // namespace strata::engine::validate
