// `strata migrate validate` (SPEC §7, a CI gate) and the printing of VALIDATE reports that
// validate, `apply --dry-run` and a refused apply share (migrate.hpp).
//
// validate judges the folder as apply would, and leaves the ledger as it found it:
//   1. the checks apply makes before it sends anything (plan_apply: changed or missing files,
//      FAILED versions, gaps, empty new files): any of them is exit 1;
//   2. the versions apply would apply, in its order (rolled-back ones it would RESET, PENDING
//      ones, new files), are validated against the database's real schema and documents by
//      the engine's own VALIDATE (SPEC §4.4 simulates, on a transaction never committed).
//      The engine validates only migrations in its ledger, and offers no way to validate a
//      text without storing it; so what apply would START — the new files, and in place of
//      the ROLLED_BACK versions apply would RESET (the engine cannot put a version back to
//      ROLLED_BACK once reset) copies of their files — is started at the top of the ledger
//      (START VERSION n, checked not to exist yet), validated with VALIDATE MIGRATIONS UP
//      TO VERSION n, and dropped again (DROP MIGRATION, highest first). A temporary version
//      that copies another file's text carries no NAME. The PENDING versions below them
//      are simulated first, as apply would apply them first.
//      A PENDING version above a rolled-back one cannot be simulated that way (it would run
//      before the copy of the version below it): validate then says so and exits 1; `apply
//      --dry-run`, which resets as apply does, can judge it.
// It needs the role that may START and DROP a migration (migrator) when there is something
// new to validate. If it is interrupted between START and DROP, the temporary versions stay
// PENDING: `strata migrate status` shows them, DROP MIGRATION removes them.
#include <algorithm>
#include <iostream>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"
#include "parser/canonical.hpp"

namespace strata::cli {

namespace {

constexpr const char* kWho = "strata migrate validate";

// Judges `report` without the error "Version n is ROLLED_BACK: …" (SPEC §4.4) when n is one
// of `reset` (apply would reset it first): the report's results are recomputed from the
// diagnostics that remain.
void unblock(Json* report, const std::vector<uint64_t>& reset) {
  if (!report->contains("blockedBy") || !(*report)["blockedBy"].is_number_unsigned()) return;
  const uint64_t blocker = (*report)["blockedBy"].get<uint64_t>();
  if (std::find(reset.begin(), reset.end(), blocker) == reset.end()) return;
  const std::string prefix = "Version " + std::to_string(blocker) + " is ROLLED_BACK";
  auto blocked = [&](const Json& m) {
    return m.is_string() && m.get<std::string>().rfind(prefix, 0) == 0;
  };
  Json& diagnostics = (*report)["diagnostics"];
  Json kept = Json::array();
  bool errors = false, warnings = false;
  for (const Json& d : diagnostics) {
    if (d.is_object() && d.value("command", Json()).is_null() &&
        blocked(d.value("message", Json())))
      continue;
    errors = errors || d.value("severity", "") == "error";
    warnings = warnings || d.value("severity", "") == "warning";
    kept.push_back(d);
  }
  diagnostics = std::move(kept);
  Json& phase = (*report)["semanticPhase"];
  if (phase.is_object() && phase["errors"].is_array()) {
    Json left = Json::array();
    for (const Json& m : phase["errors"])
      if (!blocked(m)) left.push_back(m);
    phase["passed"] = left.empty();
    phase["errors"] = std::move(left);
  }
  report->erase("blockedBy");
  const std::string overall = errors ? "FAIL" : warnings ? "PASS_WITH_WARNINGS" : "PASS";
  (*report)["overallResult"] = overall;
  (*report)["canApply"] = overall == "PASS";
  (*report)["canApplyWithForce"] = overall != "FAIL";
}

}  // namespace

Simulation as_recorded(const std::vector<MigrationFile>& files) {
  Simulation simulation;
  for (const MigrationFile& f : files) simulation.file_of[f.version] = &f;
  return simulation;
}

int validate_pending(MigrateTarget& target, const MigrateOptions& o, const Ledger& ledger,
                     const Simulation& simulation, uint64_t up_to, const char* who) {
  Json r = target.ask("VALIDATE MIGRATIONS UP TO VERSION " + std::to_string(up_to));
  if (!r.value("success", false)) {
    std::cerr << who << ": VALIDATE MIGRATIONS: " << response_problem(r) << "\n";
    return kExitProblems;
  }
  int rc = kExitOk;
  for (Json report : r.value("reports", Json::array())) {
    const uint64_t v = report.value("migrationVersion", uint64_t{0});
    auto file = simulation.file_of.find(v);
    const MigrationFile* f = file != simulation.file_of.end() ? file->second : nullptr;
    unblock(&report, simulation.reset);
    Json step = {{"step", "validate"}, {"version", f ? f->version : v}};
    if (f && f->version != v) {  // a temporary copy: the report is the file's
      step["simulatedAs"] = v;
      report["migrationVersion"] = f->version;
    }
    const std::string overall = report.value("overallResult", "FAIL");
    auto entry = ledger.entries.find(v);
    std::string text = (f ? f->name
                        : entry != ledger.entries.end() && !entry->second.name.empty()
                            ? entry->second.name
                            : "version " + std::to_string(v)) +
                       ": " + overall;
    if (overall == "FAIL") rc = kExitProblems;
    if (overall == "PASS_WITH_WARNINGS") text += " (apply needs --force)";
    for (const std::string& line : report_diagnostics(report, f)) text += "\n  " + line;
    step["report"] = std::move(report);
    print_step(o, step, text);
  }
  return rc;
}

const MigrationFile* file_of(const std::vector<MigrationFile>& files, uint64_t version) {
  for (const MigrationFile& f : files)
    if (f.version == version) return &f;
  return nullptr;
}

std::vector<std::string> report_diagnostics(const Json& report, const MigrationFile* file) {
  std::vector<std::string> out;
  const uint64_t version = report.value("migrationVersion", uint64_t{0});
  for (const Json& d : report.value("diagnostics", Json::array())) {
    if (!d.is_object()) continue;
    const size_t command =
        d.contains("command") && d["command"].is_number_unsigned() ? d["command"].get<size_t>() : 0;
    std::string where, what;
    if (file && command >= 1 && command <= file->command_at.size()) {
      const ast::Pos at = file->command_at[command - 1];
      where = file->path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    } else if (file) {  // the migration as a whole, or a generated DOWN command
      where = file->path + ":" + std::to_string(file->start_at.line) + ":" +
              std::to_string(file->start_at.column);
      if (command) what = "command " + std::to_string(command) + ": ";
    } else {
      where = "version " + std::to_string(version);
      if (command) where += ", command " + std::to_string(command);
    }
    std::string line =
        where + ": " + d.value("severity", "error") + ": " + what + d.value("message", "");
    if (d.contains("didYouMean") && d["didYouMean"].is_string())
      line += " — did you mean " + d["didYouMean"].dump() + "?";
    if (const std::string phase = d.value("phase", ""); !phase.empty())
      line += " (" + phase + " phase)";
    out.push_back(std::move(line));
  }
  return out;
}

int run_migrate_validate(const MigrateOptions& o) {
  int rc = kExitOk;
  auto w = open_workspace(o, kWho, &rc);
  if (!w) return rc;
  const Ledger& ledger = w->ledger;
  const std::optional<Plan> plan = plan_apply(w->folder, ledger, std::nullopt, o, kWho);
  if (!plan) return kExitProblems;
  std::map<uint64_t, const MigrationFile*> files;
  for (const auto& f : w->folder.files) files[f.version] = &f;

  // Apply's order: the PENDING versions before anything apply would reset or start are
  // simulated where they are; everything from there on is started at the top.
  Simulation simulation;
  simulation.reset = plan->reset;
  std::vector<const MigrationFile*> to_start;
  for (uint64_t v : plan->order) {
    auto e = ledger.entries.find(v);
    const bool pending = e != ledger.entries.end() && e->second.status == "PENDING";
    if (pending && to_start.empty()) {
      simulation.file_of[v] = files[v];
    } else if (pending) {
      std::cerr << kWho << ": " << files[v]->name << " is PENDING above " << to_start.front()->name
                << ", which is ROLLED_BACK: validate cannot judge "
                << "them in apply's order without resetting it; 'strata migrate apply "
                << "--dry-run' resets it as apply would, and validates\n";
      return kExitProblems;
    } else {
      to_start.push_back(files[v]);
    }
  }
  if (plan->order.empty()) return kExitOk;

  std::vector<uint64_t> started;
  uint64_t top = ledger.highest;
  for (const MigrationFile* f : to_start) {
    ++top;
    std::string statement = f->statement;
    if (f->version != top) {  // in place of a version apply would reset, or after one
      ast::StartMigration copy = f->start;
      copy.version = top;
      copy.name.reset();
      statement = parser::canonical(ast::Statement(std::move(copy)));
    }
    Json r = w->target->ask(statement);
    if (!r.value("success", false) || r.value("existing", false)) {
      std::cerr << kWho << ": " << f->name << ": cannot start it to validate it: "
                << (r.value("success", false)
                        ? "version " + std::to_string(top) + " exists already (another client?)"
                        : response_problem(r))
                << "\n";
      rc = kExitProblems;
      break;
    }
    started.push_back(top);
    simulation.file_of[top] = f;
  }
  if (rc == kExitOk) {
    const uint64_t up_to = started.empty() ? plan->order.back() : started.back();
    rc = validate_pending(*w->target, o, ledger, simulation, up_to, kWho);
  }
  // Leave the ledger as it was: the temporary versions go, highest first.
  for (auto v = started.rbegin(); v != started.rend(); ++v) {
    Json r = w->target->ask("DROP MIGRATION WITH VERSION " + std::to_string(*v));
    if (!r.value("success", false)) {
      std::cerr << kWho << ": cannot drop version " << *v << ", started to validate "
                << simulation.file_of[*v]->name << ": " << response_problem(r) << "\n";
      rc = kExitProblems;
    }
  }
  return rc;
}

}  // namespace strata::cli
