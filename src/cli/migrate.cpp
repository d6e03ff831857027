// `strata migrate new | status | rollback` (SPEC §7) and the declaration of every `strata
// migrate` flag; `apply` is migrate_apply.cpp, `validate` migrate_validate.cpp. Shared
// pieces: migrate.hpp.
//   new NAME     writes DIR/NNN_NAME.sql (the next free number) holding a START MIGRATION
//                VERSION n NAME "NNN_NAME" … COMMIT skeleton; creates DIR when missing.
//   status       one row per version in files or ledger: state, applied at/by, batch, and
//                whether file and ledger agree (ok, changed after apply — or after it was
//                started, for a PENDING version —, file missing, not yet started); exit 1 when
//                a file changed or is missing.
//   rollback     VALIDATE ROLLBACK, the plan (DOWN commands, data impact) and its conflicts, a
//                confirmation on a terminal (--yes skips it), then APPLY ROLLBACK.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <utility>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"

namespace strata::cli {

namespace {

constexpr const char* kWho = "strata migrate";

void add_target_options(CLI::App* cmd, MigrateOptions& o) {
  cmd->add_option("--dir", o.dir, "Folder of NNN_name.sql files")->capture_default_str();
  add_client_options(cmd, o, "Database whose ledger the folder follows (required)");
  cmd->add_option("--data", o.data, "Embedded store directory (no server)");
  cmd->add_flag("--json", o.json, "One JSON object per step on stdout");
}

// --to is a version: "-1" is a usage error, not 2^64-1 (which would mean "everything").
CLI::Validator version_number() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (!value.empty() && value[0] == '-')
          return "a version is a number, 0 or higher (got " + value + ")";
        return "";
      },
      "VERSION");
}

std::string lower_state(const std::string& status) {
  std::string s;
  for (char c : status) s.push_back(c == '_' ? ' ' : static_cast<char>(std::tolower(c)));
  return s;
}

int run_new(const MigrateOptions& o) {
  static const std::regex name_pattern(R"(^[A-Za-z0-9_.-]+$)");
  if (!std::regex_match(o.name, name_pattern)) {
    std::cerr << kWho << " new: a name is letters, digits, '_', '.' and '-' (got '" << o.name
              << "')\n";
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) {
    std::cerr << kWho << " new: cannot create " << o.dir << ": " << ec.message() << "\n";
    return kExitUsage;
  }
  Folder folder = load_folder(o.dir, "strata migrate new");
  if (folder.exit_code == kExitUsage) return kExitUsage;
  uint64_t next = 1;
  for (const auto& f : folder.files) next = std::max(next, f.version + 1);
  std::string number = std::to_string(next);
  if (number.size() < 3) number.insert(0, 3 - number.size(), '0');
  const std::string name = number + "_" + o.name;
  const std::string path = (std::filesystem::path(o.dir) / (name + ".sql")).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "-- " << name << "\n"
      << "START MIGRATION VERSION " << next << " NAME \"" << name << "\"\n"
      << "  -- the commands, separated by ';', e.g.\n"
      << "  -- CREATE BUNDLE \"Users\" WITH FIELDS ({\"email\", STRING, true, true});\n"
      << "-- DOWN  (optional: explicit DOWN commands; else they are generated)\n"
      << "COMMIT\n";
  out.close();
  if (!out) {
    std::cerr << kWho << " new: cannot write " << path << "\n";
    return kExitUsage;
  }
  print_step(o, Json{{"step", "new"}, {"version", next}, {"file", path}}, "created " + path);
  return kExitOk;
}

int run_status(const MigrateOptions& o) {
  int rc = kExitOk;
  auto w = open_workspace(o, kWho, &rc);
  if (!w) return rc;
  const Folder& folder = w->folder;
  Ledger* ledger = &w->ledger;
  std::map<uint64_t, const MigrationFile*> files;
  for (const auto& f : folder.files) files[f.version] = &f;
  std::set<uint64_t> versions;
  for (const auto& [v, f] : files) versions.insert(v);
  for (const auto& [v, e] : ledger->entries) versions.insert(v);
  std::vector<std::vector<std::string>> rows = {
      {"VERSION", "NAME", "STATE", "APPLIED AT", "BY", "BATCH", "FILE"}};
  for (uint64_t v : versions) {
    const MigrationFile* f = files.count(v) ? files[v] : nullptr;
    const LedgerEntry* e = ledger->entries.count(v) ? &ledger->entries[v] : nullptr;
    std::string agreement = "ok";
    if (!e) agreement = "not yet started";
    else if (!f) agreement = "file missing";
    else if (e->checksum != f->checksum) agreement = changed_since(*e);
    if (agreement != "ok" && agreement != "not yet started") rc = kExitProblems;
    const std::string name = f ? f->name : e->name;
    const std::string state = e ? lower_state(e->status) : "not started";
    const std::string batch = e && e->batch.is_number() ? e->batch.dump() : "";
    Json step = {{"step", "status"}, {"version", v},  {"name", name},
                 {"state", state},   {"file", agreement}, {"path", f ? Json(f->path) : Json()},
                 {"appliedAt", e && !e->applied_at.empty() ? Json(e->applied_at) : Json()},
                 {"appliedBy", e && !e->applied_by.empty() ? Json(e->applied_by) : Json()},
                 {"batch", e ? e->batch : Json()}};
    if (f && e && e->checksum != f->checksum) {
      step["ledgerChecksum"] = e->checksum;
      step["fileChecksum"] = f->checksum;
    }
    if (o.json) print_step(o, step, "");
    rows.push_back({std::to_string(v), name, state, e ? e->applied_at : "",
                    e ? e->applied_by : "", batch, agreement});
  }
  if (!o.json) {
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
      }
      std::cout << line << "\n";
    }
    std::cout << "currentVersion " << ledger->current << "\n";
  }
  return rc;
}

// The dataImpact of VALIDATE ROLLBACK (SPEC §4.8), a line per item: what is dropped and
// removed, the counts, and the data lost. Lists and the counts of restored or later-written
// data are shown when not empty.
std::string data_impact_text(const Json& impact) {
  using Item = std::pair<const char*, const char*>;  // key, label
  auto names = [&](const char* key) {
    std::string list;
    for (const Json& n : impact.value(key, Json::array()))
      list += (list.empty() ? "" : ", ") + (n.is_string() ? n.get<std::string>() : n.dump());
    return list;
  };
  auto count = [&](const char* key) { return impact.value(key, uint64_t{0}); };
  std::string text = "\nData impact:";
  for (const Item& item :
       {Item{"bundlesDropped", "bundles dropped"}, Item{"fieldsRemoved", "fields removed"},
        Item{"relationshipsRemoved", "relationships removed"},
        Item{"indexesDropped", "indexes dropped"}}) {
    const std::string list = names(item.first);
    if (!list.empty()) text += "\n  " + std::string(item.second) + ": " + list;
  }
  text += "\n  documents deleted: " + std::to_string(count("documentsDeleted"));
  text += "\n  values removed: " + std::to_string(count("valuesRemoved"));
  for (const Item& item : {Item{"documentsRestored", "documents restored"},
                           Item{"documentsAddedAfterApply", "documents added after the apply"},
                           Item{"valuesWrittenAfterApply", "values written after the apply"}}) {
    if (count(item.first) > 0)
      text += "\n  " + std::string(item.second) + ": " + std::to_string(count(item.first));
  }
  text += "\n  estimated data loss: " + impact.value("estimatedDataLoss", std::string("none"));
  return text;
}

bool confirm(const std::string& question) {
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

int run_rollback(const MigrateOptions& o) {
  if (!o.to) {
    std::cerr << kWho << " rollback: --to N is required (the version to go back to)\n";
    return kExitUsage;
  }
  auto target = open_target(o, kWho);
  if (!target) return kExitUsage;
  const std::string to = std::to_string(*o.to);
  Json plan = target->ask("VALIDATE ROLLBACK TO VERSION " + to);
  if (!plan.value("success", false)) {
    std::cerr << kWho << ": VALIDATE ROLLBACK: " << response_problem(plan) << "\n";
    if (error_code(plan) == "INVALID_TARGET_VERSION") {
      // Say where the database is, so the user sees which --to would do.
      if (auto ledger = load_ledger(*target, kWho)) {
        std::cerr << kWho << ": the database is at version " << ledger->current
                  << (ledger->current == 0 ? ": there is nothing to roll back"
                                           : "; --to must be lower (0 reverses every version)")
                  << "\n";
      }
    }
    return kExitProblems;
  }
  const Json report = plan.value("report", Json::object());
  std::string text = "Rollback to version " + to + " reverses versions";
  const Json reverse = report.value("migrationsToReverse", Json::array());
  for (const Json& v : reverse) text += " " + v.dump();
  const Json down = report.value("downCommands", Json::object());
  for (const Json& v : reverse) {  // in the order they run
    for (const Json& c : down.value(v.dump(), Json::array()))
      text += "\n  " + v.dump() + ": " + c.get<std::string>();
  }
  for (const Json& w : report.value("warnings", Json::array()))
    text += "\n  warning: " + w.get<std::string>();
  for (const Json& e : report.value("errors", Json::array()))
    text += "\n  error: " + e.get<std::string>();
  for (const Json& c : report.value("conflicts", Json::array())) text += "\n  conflict: " + c.dump();
  text += data_impact_text(report.value("dataImpact", Json::object()));
  print_step(o, Json{{"step", "plan"}, {"targetVersion", *o.to}, {"report", report}}, text);
  const bool can = report.value("canRollback", false);
  const bool can_force = report.value("canRollbackWithForce", false);
  if (!can && !(o.force && can_force)) {
    std::cerr << kWho << ": the rollback cannot run"
              << (can_force ? " without --force" : "") << "\n";
    return kExitProblems;
  }
  if (o.dry_run) return kExitOk;
  if (!o.yes && isatty(0) && !confirm("Roll back to version " + to + "?")) {
    std::cerr << kWho << ": not confirmed; nothing changed\n";
    return kExitProblems;
  }
  Json r = target->ask("APPLY ROLLBACK TO VERSION " + to + (o.force ? " FORCE" : ""));
  print_step(o, Json{{"step", "rollback"}, {"response", r}},
             r.value("success", false) ? r.value("message", "") : "");
  if (!r.value("success", false)) {
    std::cerr << kWho << ": APPLY ROLLBACK: " << response_problem(r) << "\n";
    return kExitProblems;
  }
  return kExitOk;
}

}  // namespace

CLI::App* add_migrate_command(CLI::App& app, MigrateOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Keep a folder of migration files (NNN_name.sql) and a database in step");
  cmd->require_subcommand(1);
  CLI::App* create = cmd->add_subcommand("new", "Write the next NNN_NAME.sql skeleton");
  create->add_option("name", o.name, "The migration's name")->required();
  create->add_option("--dir", o.dir, "Folder of NNN_name.sql files")->capture_default_str();
  create->add_flag("--json", o.json, "One JSON object per step on stdout");
  CLI::App* status = cmd->add_subcommand("status", "Every version in files or ledger, compared");
  add_target_options(status, o);
  CLI::App* apply = cmd->add_subcommand("apply", "Start, validate and apply the new files");
  add_target_options(apply, o);
  apply->add_option("--to", o.to, "Apply up to this version")->check(version_number());
  apply->add_flag("--batch", o.batch, "Apply everything as one atomic batch");
  apply->add_flag("--dry-run", o.dry_run,
                  "Reset and start as apply would, then only validate; print the reports");
  apply->add_flag("--force", o.force, "Apply despite validation warnings");
  CLI::App* validate = cmd->add_subcommand("validate", "Check files and ledger; exit 1 on FAIL");
  add_target_options(validate, o);
  CLI::App* rollback = cmd->add_subcommand("rollback", "Roll the database back to --to N");
  add_target_options(rollback, o);
  rollback->add_option("--to", o.to, "The version to go back to")
      ->required()
      ->check(version_number());
  rollback->add_flag("--force", o.force, "Roll back despite conflicts FORCE may override");
  rollback->add_flag("--yes", o.yes, "Do not ask for confirmation");
  rollback->add_flag("--dry-run", o.dry_run, "Show the plan only");
  return cmd;
}

int run_migrate(CLI::App* migrate, const MigrateOptions& o) {
  if (migrate->got_subcommand("new")) return run_new(o);
  if (migrate->got_subcommand("status")) return run_status(o);
  if (migrate->got_subcommand("apply")) return run_migrate_apply(o);
  if (migrate->got_subcommand("validate")) return run_migrate_validate(o);
  if (migrate->got_subcommand("rollback")) return run_rollback(o);
  std::cerr << kWho << ": a subcommand is required: new, status, apply, validate, rollback\n";
  return kExitUsage;
}

}  // namespace strata::cli
