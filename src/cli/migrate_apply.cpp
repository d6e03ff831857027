// `strata migrate apply` (SPEC §7): makes the database match the folder.
//   1. The checks of plan_apply (migrate_plan.cpp), before anything is sent: a changed file,
//      a ledger version whose file is missing, a FAILED version up to the target (its file
//      needs fixing, then RESET or DROP MIGRATION), a gap in the numbering of the new files or
//      a new file START would refuse (no command) stops everything with exit 1.
//   2. A ROLLED_BACK version whose file is still there is RESET to PENDING, in order, so it
//      is applied again and folder and ledger agree.
//   3. Files beyond the ledger's highest version are started in order (START … VERSION n
//      NAME "NNN_name", SPEC §4.14).
//   4. The PENDING versions up to the target (--to, else the highest file) are applied: one
//      APPLY MIGRATION each, stopping at the first failure, or with --batch one APPLY
//      MIGRATIONS UP TO VERSION n (all or nothing). --dry-run does steps 2 and 3 as apply
//      would (so it judges what apply would run), then runs VALIDATE MIGRATIONS instead,
//      printing the reports (exit 1 on a FAIL).
// Nothing to do (everything applied) prints so and exits 0: running it twice is harmless.
// On a terminal, each step is announced on stderr as it starts.
#include <unistd.h>

#include <iostream>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"

namespace strata::cli {

namespace {

constexpr const char* kWho = "strata migrate apply";

class Progress {
 public:
  explicit Progress(bool json) : on_(isatty(2) && !json) {}
  void say(const std::string& text) {
    if (on_) std::cerr << "… " << text << "\n" << std::flush;
  }

 private:
  bool on_;
};

std::string name_of(const std::map<uint64_t, const MigrationFile*>& files, const Ledger& ledger,
                    uint64_t v) {
  if (auto f = files.find(v); f != files.end()) return f->second->name;
  if (auto e = ledger.entries.find(v); e != ledger.entries.end() && !e->second.name.empty())
    return e->second.name;
  return "version " + std::to_string(v);
}

// Sends `statement`; prints the step, and when it failed the problem on stderr: with the
// errors and warnings of the VALIDATE report(s) it carries at their places in the files. False
// when it failed.
bool step(MigrateTarget& target, const MigrateOptions& o, const std::vector<MigrationFile>& files,
          const char* kind, uint64_t version, const std::string& name,
          const std::string& statement, const std::string& done) {
  Json r = target.ask(statement);
  const bool ok = r.value("success", false);
  print_step(o, Json{{"step", kind}, {"version", version}, {"name", name}, {"response", r}},
             ok ? name + ": " + done : "");
  if (ok) return true;
  std::cerr << kWho << ": " << name << ": " << response_problem(r) << "\n";
  std::vector<Json> reports;
  if (r.contains("report") && r["report"].is_object()) reports.push_back(r["report"]);
  for (const Json& report : r.value("reports", Json::array()))
    if (report.is_object()) reports.push_back(report);
  for (const Json& report : reports) {
    const uint64_t v = report.value("migrationVersion", uint64_t{0});
    for (const std::string& line : report_diagnostics(report, file_of(files, v)))
      std::cerr << "  " << line << "\n";
  }
  if (error_code(r) == "WARNINGS_REQUIRE_FORCE")
    std::cerr << kWho << ": to apply despite these warnings, run it again with --force\n";
  return false;
}

}  // namespace

int run_migrate_apply(const MigrateOptions& o) {
  int rc = kExitOk;
  auto w = open_workspace(o, kWho, &rc);
  if (!w) return rc;
  const Folder& folder = w->folder;
  MigrateTarget* target = w->target.get();
  std::optional<Ledger> ledger = std::move(w->ledger);
  const std::optional<Plan> plan = plan_apply(folder, *ledger, o.to, o, kWho);
  if (!plan) return kExitProblems;

  std::map<uint64_t, const MigrationFile*> files;
  for (const auto& f : folder.files)
    if (f.version <= plan->goal) files[f.version] = &f;
  const uint64_t goal = plan->goal;
  Progress progress(o.json);

  // 2. ROLLED_BACK with its file comes back to PENDING.
  for (uint64_t v : plan->reset) {
    const std::string name = name_of(files, *ledger, v);
    progress.say("resetting " + name);
    if (!step(*target, o, folder.files, "reset", v, name,
              "RESET MIGRATION WITH VERSION " + std::to_string(v),
              "rolled back, reset to PENDING"))
      return kExitProblems;
  }

  // 3. New files.
  for (const MigrationFile* f : plan->start) {
    progress.say("starting " + f->name);
    if (!step(*target, o, folder.files, "start", f->version, f->name, f->statement,
              "started (PENDING)"))
      return kExitProblems;
  }

  // 4. Apply (or validate) what is PENDING up to the goal.
  ledger = load_ledger(*target, kWho);
  if (!ledger) return kExitProblems;
  std::vector<uint64_t> pending;
  for (const auto& [v, e] : ledger->entries)
    if (v <= goal && v > ledger->current && e.status == "PENDING") pending.push_back(v);
  if (pending.empty()) {
    print_step(o, Json{{"step", "done"}, {"currentVersion", ledger->current}, {"applied", Json::array()}},
               "nothing to apply: the database is at version " +
                   std::to_string(ledger->current));
    return kExitOk;
  }
  const std::string up_to = std::to_string(pending.back());
  if (o.dry_run) {
    progress.say("validating up to version " + up_to);
    return validate_pending(*target, o, *ledger, as_recorded(folder.files), pending.back(), kWho);
  }
  const std::string force = o.force ? " FORCE" : "";
  if (o.batch) {
    progress.say("applying versions " + std::to_string(pending.front()) + ".." + up_to +
                 " as one batch");
    const bool ok = step(*target, o, folder.files, "apply", pending.back(),
                         "versions " + std::to_string(pending.front()) + ".." + up_to,
                         "APPLY MIGRATIONS UP TO VERSION " + up_to + force,
                         "applied as one batch");
    return ok ? kExitOk : kExitProblems;
  }
  size_t n = 0;
  for (uint64_t v : pending) {
    const std::string name = name_of(files, *ledger, v);
    progress.say("[" + std::to_string(++n) + "/" + std::to_string(pending.size()) +
                 "] applying " + name);
    if (!step(*target, o, folder.files, "apply", v, name,
              "APPLY MIGRATION WITH VERSION " + std::to_string(v) + force, "applied"))
      return kExitProblems;
  }
  return kExitOk;
}

}  // namespace strata::cli
