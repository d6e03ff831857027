// SPEC §4.5: APPLY MIGRATION WITH VERSION n [FORCE].
//
// Checks in order: the migration exists, is PENDING, is next (§4.2), its stored text matches
// its checksum (CHECKSUM_MISMATCH), then full validation. Validation and execution are one
// pass on ONE WriteContext (validate/validator.hpp): the constraint phase's dry run is the
// execution, the UndoRecorder captures the undo snapshot as the executors report what they
// overwrite, and the DownBuilder sees the real pre-apply schema of every command. If the
// report fails, or warns without FORCE, the transaction is dropped. Otherwise the final DOWN
// list, the undo snapshot, the ledger record and the new schema checksum join the commands'
// effects, and Engine::write commits everything once, with sync.
//
// A command that fails outside validation, the MigrationTimeoutSeconds deadline (set on the
// session's interrupt, checked by the validator and inside long commands), or a failed commit
// leave nothing visible; the migration is then marked FAILED (FailureReason names the
// command) by a second, small synced write. When the store refuses that write too (a full
// disk), the mark waits in the engine's FailedMarks and is written once the store accepts
// writes again. A cancelled APPLY (CANCEL SESSION, the connection gone) changes nothing: the
// migration stays PENDING.
//
// The work on the context is apply_step (apply_step.hpp), shared with the batches of
// exec_apply_batch.cpp; a single APPLY is a batch of one and takes the next batch number.
#include <chrono>
#include <spdlog/spdlog.h>

#include "common/status_details.hpp"
#include "engine/apply_step.hpp"
#include "engine/approvals.hpp"
#include "engine/down.hpp"
#include "engine/exec_migration.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/undo.hpp"
#include "engine/validate/validator.hpp"
#include "parser/canonical.hpp"

namespace strata::engine {

namespace {

// Marks `version` FAILED with `reason`; when the store refuses the write, the engine keeps
// the mark and writes it once the store accepts writes again.
void mark_failed(Engine& e, Session& s, uint64_t version, const std::string& statement,
                 const std::string& reason) {
  FailedMarks::Mark mark{s.database, version, s.user, statement, reason};
  Status st = write_failed_mark(e, mark);
  if (st.ok()) return;
  spdlog::warn(
      "migration {} of database '{}' cannot be marked FAILED yet ({}); it will be once the "
      "store accepts writes again",
      version, s.database, st.ToString());
  e.failed_marks().add(std::move(mark));
}

// Stores a refused APPLY's report as LastValidation (the migration stays PENDING).
void store_report(Engine& e, Session& s, uint64_t version, const Json& report) {
  (void)e.write(s, s.database, /*sync=*/false, nullptr, [&](WriteContext& ctx) -> Status {
    auto rec = load_record(ctx.reader(), ctx.db_id(), version);
    if (!rec.ok() || !*rec) return Status::Ok();
    (*rec)->last_validation = report;
    store_record(ctx.txn(), ctx.db_id(), **rec);
    return Status::Ok();
  });
}

}  // namespace

Status write_failed_mark(Engine& e, const FailedMarks::Mark& mark) {
  Session s;
  s.user = mark.user;
  s.database = mark.database;
  return e.write(s, s.database, /*sync=*/true, nullptr, [&](WriteContext& ctx) -> Status {
    auto rec = load_record(ctx.reader(), ctx.db_id(), mark.version);
    if (!rec.ok()) return rec.status();
    if (!*rec || (*rec)->status != kPending) return Status::Ok();
    record_event(&**rec, mark.user, mark.statement, kFailed, mark.reason);
    (*rec)->failure_reason = mark.reason;
    store_record(ctx.txn(), ctx.db_id(), **rec);
    return Status::Ok();
  });
}

Status apply_step(Engine& e, Session& s, WriteContext& ctx,
                  std::chrono::steady_clock::time_point started, ApplyStep* step) {
  const std::string& statement = step->statement;
  UndoRecorder& undo = step->undo;
  Json& report = step->report;
  const uint32_t db = ctx.db_id();
  auto rec = load_record(ctx.reader(), db, step->version);
  if (!rec.ok()) return rec.status();
  if (!*rec) return migration_not_found();
  MigrationRecord& r = **rec;
  if (r.status != kPending) return migration_not_pending();
  auto current = current_version_of(ctx.reader(), db);
  if (!current.ok()) return current.status();
  if (step->version != *current + 1) {
    return Status(Code::kOutOfOrder, "cannot apply version " + std::to_string(step->version) +
                                         ": version " + std::to_string(step->version - 1) +
                                         " is not applied");
  }
  auto commands = load_commands(ctx.reader(), db, step->version);
  if (!commands.ok()) return commands.status();
  if (migration_checksum(*commands, r.description, r.name) != r.checksum) {
    return Status(Code::kChecksumMismatch,
                  "checksum mismatch: the stored commands of migration " +
                      std::to_string(step->version) + " no longer match checksum " + r.checksum);
  }
  std::optional<ApprovalCheck> own;  // SPEC §4.13; a batch checked its own token
  const ApprovalCheck* approval = step->batch_approval;
  if (approval == nullptr) {
    auto checked =
        ApprovalCheck::begin(e, ctx, step->approval, {"MIGRATION", step->version, step->force});
    if (!checked.ok()) return checked.status();
    STRATA_RETURN_IF_ERROR(checked->match_plan(r.checksum));
    approval = &own.emplace(std::move(*checked));
  }
  STRATA_RETURN_IF_ERROR(erase_undo(ctx.txn(), ctx.reader(), db, step->version));

  step->base = ctx.schema_now();
  const DatabaseSchema& base = *step->base;
  undo.bind(ctx.txn(), db, step->version, base, ctx.next_doc_seq());
  const uint64_t start_seq = ctx.next_doc_seq();
  DownBuilder down(step->version, base);
  validate::Request req;
  req.record = &r;
  req.commands = &*commands;
  req.settings = settings_of(e, base);
  req.user = s.user;
  req.apply = true;
  s.interrupt->set_deadline(deadline_after(started, req.settings.migration_timeout_seconds));
  req.down = &down;
  req.undo = &undo;
  req.live = &base;
  req.checksum_verified = true;
  req.pool = &e.pool();
  validate::Outcome outcome = validate::run(req, ctx);
  report = outcome.report;
  if (outcome.failure) {
    step->failure = outcome.failure;
    return *outcome.failure;
  }
  if (outcome.errors) {
    return with_details(Status(Code::kValidationFailed, "validation failed"),
                        Json{{"report", report}});
  }
  if (outcome.warnings && !step->force) {
    return with_details(Status(Code::kWarningsRequireForce, "validation warnings require FORCE"),
                        Json{{"report", report}});
  }
  for (const char* phase : {"semanticPhase", "performancePhase", "reversibilityPhase"}) {
    for (const auto& w : report[phase]["warnings"]) step->warnings.push_back(w);
  }

  const bool generate = !r.has_explicit_down && !req.settings.require_explicit_down_commands &&
                        down.irreversible().empty();
  std::vector<std::string> final_down;
  if (generate) final_down = down.finish(undo.touched_bundles());
  if (!r.has_explicit_down) store_generated_down(ctx.txn(), db, step->version, final_down);
  auto digest = undo.finish(ctx.reader());
  if (!digest.ok()) return digest.status();
  // SPEC §4.6: the apply checksum covers the DOWN list that a rollback will run and the undo
  // snapshot it will restore, chained over the applied migrations.
  std::string previous_apply_chain = zero_chain();
  if (step->version > 1) {
    auto prev = load_record(ctx.reader(), db, step->version - 1);
    if (!prev.ok()) return prev.status();
    if (*prev && !(*prev)->apply_chain_checksum.empty())
      previous_apply_chain = (*prev)->apply_chain_checksum;
  }
  r.apply_checksum = apply_checksum(r.checksum, r.has_explicit_down ? commands->down : final_down,
                                    *digest);
  r.apply_chain_checksum = chain_checksum(previous_apply_chain, r.apply_checksum);

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  record_event(&r, s.user, statement, kApplied);
  approval->spend(ctx, &r.events.back());
  if (!outcome.drift.empty()) r.events.back()["adoptedDrift"] = outcome.drift;
  r.applied_at = utc_now();
  r.applied_by = s.user;
  r.rolled_back_at.clear();  // a re-apply: the rollback before it is in Events only
  r.rolled_back_by.clear();
  r.execution_time_ms = elapsed.count();
  r.failure_reason.clear();
  r.last_validation = report;
  r.irreversible = down.irreversible();
  r.down_generated = generate;
  r.start_seq = start_seq;
  r.end_seq = ctx.next_doc_seq();
  r.apply_stamp = ctx.stamp();
  r.undo_bundles = undo.undo_bundles();
  r.added_bundles = undo.added_bundles();
  r.batch = step->batch;
  store_record(ctx.txn(), db, r);

  DatabaseSchema& schema = ctx.mutable_schema();
  step->checksum = schema_checksum(schema);
  schema.schema_checksum = step->checksum;
  ctx.note_checksum(step->checksum);
  STRATA_RETURN_IF_ERROR(record_schema(ctx.txn(), db, step->version, r.checksum, schema,
                                       step->checksum, outcome.drift.empty() ? &base : nullptr));
  step->executed = true;
  return Status::Ok();
}

void after_failed_apply(Engine& e, Session& s, const ApplyStep& step, const Status& st) {
  if (st.code() == Code::kCancelled) {
    // Cancelled: nothing changed, the migration stays PENDING.
  } else if (step.failure || step.executed) {
    mark_failed(e, s, step.version, step.statement, st.message());
  } else if (st.code() == Code::kValidationFailed || st.code() == Code::kWarningsRequireForce) {
    store_report(e, s, step.version, step.report);
  }
}

Status exec_apply_migration(Engine& e, Session& s, const ast::ApplyMigration& x, Json* out) {
  const auto started = std::chrono::steady_clock::now();
  ApplyStep step;
  step.version = x.version;
  step.force = x.force;
  step.approval = x.approval;
  step.statement = parser::canonical(ast::Statement(x));

  Status st = e.write(s, s.database, /*sync=*/true, &step.undo, [&](WriteContext& ctx) -> Status {
    auto batch = last_batch(ctx.reader(), ctx.db_id());
    if (!batch.ok()) return batch.status();
    step.batch = *batch + 1;  // a single APPLY is a batch of one (SPEC §4.14)
    store_last_batch(ctx.txn(), ctx.db_id(), step.batch);
    return apply_step(e, s, ctx, started, &step);
  });

  if (!st.ok()) {
    after_failed_apply(e, s, step, st);
    return with_details(st, Json{{"version", x.version}});
  }
  const Json& warnings = step.warnings;
  if (!warnings.empty()) {
    spdlog::warn("migration {} of database '{}' applied with FORCE despite warnings: {}",
                 x.version, s.database, warnings.dump());
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  (*out)["message"] = "Migration version " + std::to_string(x.version) + " applied successfully";
  (*out)["version"] = x.version;
  (*out)["force"] = x.force;
  (*out)["durationMs"] = ms;
  (*out)["schemaChecksum"] = step.checksum;
  (*out)["batch"] = step.batch;
  if (!warnings.empty()) (*out)["warnings"] = warnings;
  return Status::Ok();
}

}  // namespace strata::engine
