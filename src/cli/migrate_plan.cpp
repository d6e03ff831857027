// What `strata migrate apply` would do (migrate.hpp Plan), worked out before anything is sent,
// with every check apply makes first — shared by apply, apply --dry-run and validate, so the
// CI gate refuses what apply would refuse (SPEC §7: exit 1 whenever files and ledger disagree).
#include <iostream>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"
#include "parser/syntax_check.hpp"

namespace strata::cli {

namespace {

std::string name_in_ledger(const LedgerEntry& e) {
  return e.name.empty() ? "version " + std::to_string(e.version) : e.name;
}

// "FILE:LINE:COL: error: MESSAGE" for the problems START would refuse the file for: those of
// the migration as a whole (no command, a description or a name too long). The findings of
// its commands are VALIDATE's syntax phase.
bool report_unstartable(const MigrationFile& f, const char* who) {
  bool found = false;
  for (const parser::SyntaxIssue& issue : parser::syntax_check(ast::Statement(f.start))) {
    if (issue.command > 0) continue;
    std::cerr << who << ": " << f.path << ":" << f.start_at.line << ":" << f.start_at.column
              << ": error: " << issue.message << "\n";
    found = true;
  }
  return found;
}

}  // namespace

std::optional<Plan> plan_apply(const Folder& folder, const Ledger& ledger,
                               std::optional<uint64_t> to, const MigrateOptions& o,
                               const char* who) {
  bool ok = !report_changed(folder.files, ledger, who);
  std::map<uint64_t, const MigrationFile*> files;
  for (const auto& f : folder.files) files[f.version] = &f;
  Plan plan;
  plan.goal = to ? *to : (files.empty() ? 0 : files.rbegin()->first);

  for (const auto& [v, e] : ledger.entries) {
    if (!files.count(v)) {
      std::cerr << who << ": " << name_in_ledger(e) << " is " << e.status
                << " in the ledger, but its file is missing from " << o.dir
                << (e.status == "APPLIED" ? ": restore it"
                                          : ": restore it, or DROP MIGRATION WITH VERSION " +
                                                std::to_string(v) + " when it is the highest")
                << "\n";
      ok = false;
      continue;
    }
    if (v > plan.goal) continue;
    if (e.status == "FAILED") {
      std::cerr << who << ": " << files[v]->name
                << " is FAILED: fix it, then RESET MIGRATION WITH VERSION " << v
                << " (or DROP MIGRATION WITH VERSION " << v << " when it is the highest)\n";
      ok = false;
    } else if (e.status == "ROLLED_BACK") {
      plan.reset.push_back(v);
    }
    if (v > ledger.current && (e.status == "PENDING" || e.status == "ROLLED_BACK"))
      plan.order.push_back(v);
  }

  uint64_t next = ledger.highest + 1;
  for (const auto& [v, f] : files) {
    if (v <= ledger.highest || v > plan.goal) continue;
    if (v != next) {
      std::cerr << who << ": " << f->path << ": version " << v << ", but the next version is "
                << next << ": no file and no ledger entry has version " << next
                << " (START would answer OUT_OF_ORDER)\n";
      ok = false;
      break;
    }
    if (report_unstartable(*f, who)) ok = false;
    plan.start.push_back(f);
    plan.order.push_back(v);
    ++next;
  }
  if (!ok) return std::nullopt;
  return plan;
}

}  // namespace strata::cli
