// SPEC §4.4: VALIDATE MIGRATION WITH VERSION n. The simulation runs on a scratch WriteContext
// whose transaction is never committed (it reads the live documents through a snapshot plus
// its own simulated writes); the only thing written is the report, stored as LastValidation.
// A lower version that is ROLLED_BACK or FAILED blocks the migration (APPLY would answer
// OUT_OF_ORDER): the report then carries a semantic error naming it and the way out, so
// canApply never promises what APPLY refuses (SPEC §4.4).
#include "engine/exec_migration.hpp"
#include "engine/undo.hpp"
#include "engine/validate/validator.hpp"
#include "parser/canonical.hpp"

namespace strata::engine {

namespace {

// Turns `report` into a FAIL that names `blocker`, the lower version APPLY would stop at.
void report_blocked(const MigrationRecord& blocker, uint64_t version, Json* report) {
  const std::string b = std::to_string(blocker.version);
  const std::string message =
      "Version " + b + " is " + blocker.status + ": APPLY of version " +
      std::to_string(version) + " would answer OUT_OF_ORDER; RESET MIGRATION WITH VERSION " + b +
      " and apply it, or drop the versions above it";
  Json& phase = (*report)["semanticPhase"];
  phase["passed"] = false;
  phase["errors"].insert(phase["errors"].begin(), message);
  Json& diagnostics = (*report)["diagnostics"];
  diagnostics.insert(diagnostics.begin(),
                     Json{{"phase", "semantic"}, {"severity", "error"}, {"command", nullptr},
                          {"line", nullptr}, {"column", nullptr}, {"message", message}});
  (*report)["blockedBy"] = blocker.version;
  (*report)["overallResult"] = "FAIL";
  (*report)["canApply"] = false;
  (*report)["canApplyWithForce"] = false;
}

}  // namespace

Status exec_validate_migration(Engine& e, Session& s, const ast::ValidateMigration& x,
                               Json* out) {
  return e.write(s, s.database, /*sync=*/false, nullptr, [&](WriteContext& ctx) -> Status {
    const uint32_t db = ctx.db_id();
    auto records = load_records(ctx.reader(), db);
    if (!records.ok()) return records.status();
    MigrationRecord* rec = nullptr;
    const MigrationRecord* blocker = nullptr;  // the lowest ROLLED_BACK / FAILED below it
    validate::Request req;
    for (auto& r : *records) {
      if (r.version == x.version) rec = &r;
      if (r.version < x.version && !blocker && (r.status == kRolledBack || r.status == kFailed))
        blocker = &r;
      if (r.version < x.version && r.status == kPending) {
        auto c = load_commands(ctx.reader(), db, r.version);
        if (!c.ok()) return c.status();
        req.lower_pending.push_back({r, std::move(*c)});
      }
    }
    if (!rec) return migration_not_found();
    if (rec->status != kPending) return migration_not_pending();
    auto commands = load_commands(ctx.reader(), db, x.version);
    if (!commands.ok()) return commands.status();
    req.record = rec;
    req.commands = &*commands;
    req.settings = settings_of(e, ctx.schema());
    req.user = s.user;
    req.pool = &e.pool();

    auto scratch = e.store().begin();
    auto base = std::make_shared<const DatabaseSchema>(ctx.schema());
    UndoRecorder undo;  // the simulation's undo snapshot: phase 5 restores from it
    WriteContext sim(*scratch, base, ctx.counters(), s, e.options().settings, &undo,
                     /*scratch=*/true);
    req.undo = &undo;
    validate::Outcome outcome = validate::run(req, sim);
    if (outcome.failure) return *outcome.failure;  // cancelled: nothing is stored
    if (blocker) report_blocked(*blocker, x.version, &outcome.report);

    rec->last_validation = outcome.report;
    store_record(ctx.txn(), db, *rec);
    (*out)["message"] = "Migration version " + std::to_string(x.version) + " validation complete";
    (*out)["report"] = std::move(outcome.report);
    return Status::Ok();
  });
}

}  // namespace strata::engine
