// SPEC §4.14: APPLY MIGRATIONS UP TO VERSION n [FORCE], APPLY PENDING MIGRATIONS [FORCE] and
// VALIDATE MIGRATIONS UP TO VERSION n.
//
// A batch is the PENDING migrations currentVersion+1 .. n (n = the highest version for
// APPLY PENDING). APPLY runs apply_step (apply_step.hpp, the single APPLY's path) for each, in
// order, on ONE WriteContext, and Engine::write commits once with sync: all members are
// APPLIED with the same batch number, or none is. A failing member (refused by validation, a
// command failing, the timeout, CANCEL) drops the whole transaction; the answer names it, and
// it alone gets what a single APPLY would leave (FAILED mark, or its stored report). A version
// in the range that is not PENDING (ROLLED_BACK, FAILED) refuses the batch before anything
// runs, naming it and the way out. Nothing to apply (n <= currentVersion, no PENDING) is a
// success that applies nothing, so running a folder of migration files twice is harmless.
//
// VALIDATE MIGRATIONS runs VALIDATE MIGRATION on each member (each simulated on top of the
// lower PENDING ones, exec_validate.cpp) and answers every report and the overall result.
#include <chrono>
#include <deque>

#include "common/status_details.hpp"
#include "engine/apply_step.hpp"
#include "engine/approvals.hpp"
#include "engine/exec_migration.hpp"
#include "parser/canonical.hpp"

namespace strata::engine {

namespace {

// The context's UndoLog during a batch: forwards to the recorder of the member running.
class BatchUndo final : public UndoLog {
 public:
  void document_before(const Bundle& bundle, uint64_t seq,
                       const std::string_view* before) override {
    if (target) target->document_before(bundle, seq, before);
  }
  void document_reshaped(const Bundle& bundle, uint64_t seq, std::string_view before) override {
    if (target) target->document_reshaped(bundle, seq, before);
  }
  UndoLog* target = nullptr;
};

Json versions_json(const std::vector<uint64_t>& versions) {
  Json out = Json::array();
  for (uint64_t v : versions) out.push_back(v);
  return out;
}

}  // namespace

Result<std::vector<std::pair<uint64_t, std::string>>> batch_members(
    const Reader& reader, uint32_t db, std::optional<uint64_t> up_to) {
  auto records = load_records(reader, db);
  if (!records.ok()) return records.status();
  const uint64_t current = current_version(*records);
  const uint64_t highest = records->empty() ? 0 : records->back().version;
  const uint64_t last = up_to.value_or(highest);
  if (last > highest) {
    return with_details(
        Status(Code::kMigrationNotFound, "migration not found: version " + std::to_string(last) +
                                             " does not exist (the highest version is " +
                                             std::to_string(highest) + ")"),
        Json{{"version", last}});
  }
  std::vector<std::pair<uint64_t, std::string>> members;
  for (const auto& rec : *records) {
    if (rec.version <= current || rec.version > last) continue;
    if (rec.status != kPending) {
      const std::string v = std::to_string(rec.version);
      return with_details(Status(Code::kMigrationNotPending,
                                 "migration not in PENDING state: version " + v + " is " +
                                     rec.status + "; RESET MIGRATION WITH VERSION " + v +
                                     " and apply it, or drop the versions above it"),
                          Json{{"version", rec.version}, {"state", rec.status}});
    }
    members.emplace_back(rec.version, rec.checksum);
  }
  return members;
}

Status exec_apply_migrations(Engine& e, Session& s, const ast::ApplyMigrations& x, Json* out) {
  const auto started = std::chrono::steady_clock::now();
  const std::string statement = parser::canonical(ast::Statement(x));
  BatchUndo undo;
  std::deque<ApplyStep> steps;  // stable addresses: each recorder points at its step's base
  ApplyStep* running = nullptr;
  std::vector<uint64_t> members;
  uint64_t batch = 0;

  Status st = e.write(s, s.database, /*sync=*/true, &undo, [&](WriteContext& ctx) -> Status {
    const uint32_t db = ctx.db_id();
    auto range = batch_members(ctx.reader(), db, x.up_to);
    if (!range.ok()) return range.status();
    for (const auto& m : *range) members.push_back(m.first);
    // One token for the batch (SPEC §4.13): checked before any work, against every member's
    // checksum; a token given to a batch that has nothing to apply is checked all the same.
    uint64_t target = members.empty() ? 0 : members.back();
    if (members.empty() && x.approval) {  // the batch a token for it would have named
      auto current = current_version_of(ctx.reader(), db);
      if (!current.ok()) return current.status();
      target = x.up_to.value_or(*current);
    }
    auto approval = ApprovalCheck::begin(e, ctx, x.approval, {"MIGRATIONS", target, x.force});
    if (!approval.ok()) return approval.status();
    STRATA_RETURN_IF_ERROR(approval->match_plan(batch_plan_checksum(*range)));
    if (members.empty()) return Status::Ok();  // nothing staged: nothing committed
    auto last = last_batch(ctx.reader(), db);
    if (!last.ok()) return last.status();
    batch = *last + 1;
    store_last_batch(ctx.txn(), db, batch);
    for (uint64_t v : members) {
      ApplyStep& step = steps.emplace_back();
      step.version = v;
      step.force = x.force;
      step.batch = batch;
      step.statement = statement;
      step.batch_approval = &*approval;
      running = &step;
      undo.target = &step.undo;
      Status one = apply_step(e, s, ctx, started, &step);
      if (!one.ok()) return one;
    }
    running = nullptr;  // every member staged: a failure now is the commit's
    return Status::Ok();
  });

  if (!st.ok()) {
    Json d = details_of(st);
    d["batch"] = versions_json(members);
    d["applied"] = Json::array();
    if (running) {
      after_failed_apply(e, s, *running, st);
      d["version"] = running->version;
      return with_details(
          Status(st.code(), "batch not applied: migration version " +
                                std::to_string(running->version) + ": " + st.message()),
          std::move(d));
    }
    return with_details(st, std::move(d));
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  Json warnings = Json::array();
  for (const auto& step : steps)
    for (const auto& w : step.warnings) warnings.push_back(w);
  if (members.empty()) {
    (*out)["message"] = "No pending migrations to apply";
  } else {
    (*out)["message"] = std::to_string(members.size()) + " migration" +
                        (members.size() == 1 ? "" : "s") + " applied successfully (versions " +
                        std::to_string(members.front()) + ".." +
                        std::to_string(members.back()) + ", batch " + std::to_string(batch) +
                        ")";
    (*out)["batch"] = batch;
    (*out)["schemaChecksum"] = steps.back().checksum;
  }
  (*out)["versions"] = versions_json(members);
  (*out)["force"] = x.force;
  (*out)["durationMs"] = ms;
  if (!warnings.empty()) (*out)["warnings"] = warnings;
  return Status::Ok();
}

Status exec_validate_migrations(Engine& e, Session& s, const ast::ValidateMigrations& x,
                                Json* out) {
  std::vector<uint64_t> members;
  {
    auto view = e.read(s.database);
    if (!view.ok()) return view.status();
    auto records = load_records(*view->reader, view->schema->id);
    if (!records.ok()) return records.status();
    const uint64_t highest = records->empty() ? 0 : records->back().version;
    if (x.up_to > highest) {
      return with_details(
          Status(Code::kMigrationNotFound,
                 "migration not found: version " + std::to_string(x.up_to) +
                     " does not exist (the highest version is " + std::to_string(highest) + ")"),
          Json{{"version", x.up_to}});
    }
    for (const auto& r : *records)
      if (r.version <= x.up_to && r.status == kPending) members.push_back(r.version);
  }
  Json reports = Json::array();
  bool fail = false, warn = false;
  for (uint64_t v : members) {
    Json one = Json::object();
    ast::ValidateMigration single;
    single.version = v;
    Status st = exec_validate_migration(e, s, single, &one);
    if (!st.ok()) return st;  // cancelled, or the ledger changed under it
    const std::string overall = one["report"].value("overallResult", "FAIL");
    fail = fail || overall == "FAIL";
    warn = warn || overall == "PASS_WITH_WARNINGS";
    reports.push_back(std::move(one["report"]));
  }
  const char* overall = fail ? "FAIL" : warn ? "PASS_WITH_WARNINGS" : "PASS";
  (*out)["message"] = "Migrations up to version " + std::to_string(x.up_to) +
                      " validation complete";
  (*out)["versions"] = versions_json(members);
  (*out)["reports"] = std::move(reports);
  (*out)["overallResult"] = overall;
  (*out)["canApply"] = !fail && !warn;
  (*out)["canApplyWithForce"] = !fail;
  return Status::Ok();
}

}  // namespace strata::engine
