#pragma once
// `strata migrate` (SPEC §7): a folder of migration files kept in step with a database's
// ledger (SPEC §4.14). The pieces the subcommands share:
//   - MigrationFile / load_folder (migrate_files.cpp): the files `NNN_name.sql` of a folder,
//     each parsed into the START MIGRATION VERSION NNN NAME "NNN_name" statement it stands
//     for (a file holds a whole START … COMMIT, or only the commands between them), with the
//     checksum the ledger would store: canonical text, so formatting and comments never count;
//   - Ledger / load_ledger: SHOW MIGRATIONS by version;
//   - MigrateTarget (migrate_target.cpp): one statement in, one response out, against a server
//     (the connection flags of `strata run`) or an embedded store (--data DIR);
//   - Plan / plan_apply (migrate_plan.cpp): what apply would do, and every check it makes
//     before it sends anything — shared by apply, apply --dry-run and validate;
//   - the subcommands: new, status, rollback (migrate.cpp), apply (migrate_apply.cpp),
//     validate (migrate_validate.cpp, with the printing of VALIDATE reports).
// Exit codes: 0 success; 1 a statement failed, a VALIDATE reported FAIL, or files and ledger
// disagree (a changed file names the file and both checksums; a ledger version without its
// file, a gap in the numbering, an empty new file); 2 usage errors
// (unknown flag, no --db, unreadable folder, a badly named or duplicate file).
// Thread-safety: called once from main.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/json.hpp"
#include "parser/ast.hpp"

namespace strata::cli {

struct MigrateOptions : ClientOptions {
  std::string dir = "./migrations";
  std::string data;                 // --data DIR: embedded store instead of a server
  bool json = false;                // one JSON object per step on stdout
  std::optional<uint64_t> to;       // apply: up to this version; rollback: the target
  bool batch = false;               // apply: one atomic batch
  bool dry_run = false;             // apply: start and validate only; rollback: plan only
  bool force = false;               // FORCE on APPLY / APPLY ROLLBACK
  bool yes = false;                 // rollback: no confirmation question
  std::string name;                 // new: the migration's name
};

struct MigrationFile {
  uint64_t version = 0;
  std::string name;  // the file name without ".sql": NNN_name
  std::string path;
  ast::StartMigration start;  // VERSION and NAME filled from the file name
  std::string statement;      // the START statement sent (canonical text)
  std::string checksum;       // the ledger checksum of `start` (engine encode_commands)
  // Where each command starts in the file (1-based line, byte column): the UP commands, then
  // the DOWN ones — the numbering of a VALIDATE report's "command".
  std::vector<ast::Pos> command_at;
  ast::Pos start_at;  // where its START is (1:1 for a file of commands only)
};

// The files of `dir`, by version. Errors are printed (file:line:col for syntax errors) and
// answered as an exit code: 2 for naming and usage problems, 1 for files that do not parse.
struct Folder {
  std::vector<MigrationFile> files;
  int exit_code = kExitOk;
};
Folder load_folder(const std::string& dir, const char* who);

// A database's ledger as SHOW MIGRATIONS lists it, by version.
struct LedgerEntry {
  uint64_t version = 0;
  std::string status, name, checksum, applied_at, applied_by;
  Json batch;
};
struct Ledger {
  uint64_t current = 0;
  uint64_t highest = 0;
  std::map<uint64_t, LedgerEntry> entries;
};

// One statement at a time to a server or an embedded engine.
class MigrateTarget {
 public:
  virtual ~MigrateTarget() = default;
  // The response to `statement` (an error response when the connection is gone).
  virtual Json ask(const std::string& statement) = 0;
};
// Opens the target the options name (embedded with --data), logged in and using --db.
// nullptr after printing why (exit 2).
std::unique_ptr<MigrateTarget> open_target(const MigrateOptions& options, const char* who);

// SHOW MIGRATIONS; nullopt after printing why.
std::optional<Ledger> load_ledger(MigrateTarget& target, const char* who);

// How a file whose version `entry` records with another checksum is described: "changed after
// apply", or "changed after it was started" for a PENDING version.
std::string changed_since(const LedgerEntry& entry);

// Files whose version the ledger records with another checksum, printed as
// "FILE: changed after apply: ledger checksum X, file checksum Y"; true when there is one.
bool report_changed(const std::vector<MigrationFile>& files, const Ledger& ledger,
                    const char* who);

// What `strata migrate apply` would do up to `goal`, in its order: RESET the ROLLED_BACK
// versions whose files are here, START the new files (beyond the ledger's highest version),
// then apply every version of `order` (PENDING, reset or new, above currentVersion).
struct Plan {
  uint64_t goal = 0;                        // --to, else the highest file
  std::vector<uint64_t> reset;              // ROLLED_BACK versions with their files, ascending
  std::vector<const MigrationFile*> start;  // new files, ascending
  std::vector<uint64_t> order;              // the versions apply would apply, ascending
};
// The plan, after the checks apply makes before it sends anything, each problem printed on
// stderr: a changed file (report_changed); a ledger version whose file is missing (any
// version: files and ledger disagree); a FAILED version up to the goal; among the new files
// up to the goal, a gap in the numbering (OUT_OF_ORDER at START) or a migration START would
// refuse (no command: "FILE:LINE:COL: error: migration must contain at least one command").
// nullopt when there is a problem (exit 1).
std::optional<Plan> plan_apply(const Folder& folder, const Ledger& ledger,
                               std::optional<uint64_t> to, const MigrateOptions& options,
                               const char* who);

// What status, validate and apply start from: the folder, the target, the ledger. nullopt
// after printing why, with `*exit_code` set (the folder's code, 2 for the target, 1 for the
// ledger).
struct Workspace {
  Folder folder;
  std::unique_ptr<MigrateTarget> target;
  Ledger ledger;
};
std::optional<Workspace> open_workspace(const MigrateOptions& options, const char* who,
                                        int* exit_code);

// What a VALIDATE MIGRATIONS covers: the file each ledger version stands for (its own; for
// validate's simulation, the file a temporary version copies), and the versions apply would
// RESET first — a report whose only blocker (SPEC §4.4 "Version n is ROLLED_BACK") is one of
// them is judged without that error, as apply would reset it.
struct Simulation {
  std::map<uint64_t, const MigrationFile*> file_of;
  std::vector<uint64_t> reset;
};
// VALIDATE MIGRATIONS UP TO VERSION `up_to`: one step per report ("NAME: RESULT"; the name of
// its file, else the ledger's, else "version n"), then, for a FAIL or PASS_WITH_WARNINGS,
// every error and warning at its place in the file (report_diagnostics). kExitProblems on
// any FAIL.
int validate_pending(MigrateTarget& target, const MigrateOptions& options, const Ledger& ledger,
                     const Simulation& simulation, uint64_t up_to, const char* who);
// The Simulation of the versions as they are: each ledger version with its own file.
Simulation as_recorded(const std::vector<MigrationFile>& files);

// The errors and warnings of a VALIDATE report, one line each, compiler style:
// "FILE:LINE:COL: warning: MESSAGE (PHASE phase)" at the start of the command in `file`, or
// at its START with "command K: " before the message when the command is not in the file (a
// generated DOWN command) or none is named; "version N[, command K]: …" when there is no file.
std::vector<std::string> report_diagnostics(const Json& report, const MigrationFile* file);
// The file of `version` among `files`, or null.
const MigrationFile* file_of(const std::vector<MigrationFile>& files, uint64_t version);

// Prints one step: a JSON object on stdout with --json, else `text` on stdout.
void print_step(const MigrateOptions& options, const Json& step, const std::string& text);
// The failure line of a response ("CODE: message", with the first error of its report).
std::string response_problem(const Json& response);
// The first error diagnostic of a VALIDATE report ("command 2: …"), or "".
std::string first_report_error(const Json& report);

CLI::App* add_migrate_command(CLI::App& app, MigrateOptions& options);
// Runs the subcommand that was parsed.
int run_migrate(CLI::App* migrate, const MigrateOptions& options);
int run_migrate_apply(const MigrateOptions& options);
int run_migrate_validate(const MigrateOptions& options);

}  // namespace strata::cli
