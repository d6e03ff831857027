// SPEC §4.1-§4.3, §4.12: START ... COMMIT, SHOW MIGRATION, RESET MIGRATION, DROP MIGRATION,
// and the dispatch of every §3.5 statement (SHOW MIGRATIONS: exec_show_migrations.cpp).
#include "engine/exec_migration.hpp"

#include "common/status_details.hpp"
#include "engine/approvals.hpp"
#include "engine/binder.hpp"
#include "engine/down.hpp"
#include "engine/schema_change.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/validate/phases.hpp"
#include "parser/canonical.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace {

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n;
}

std::string start_statement_text(const ast::StartMigration& x) {
  std::string text = "START MIGRATION";
  if (x.version) text += " VERSION " + std::to_string(*x.version);
  if (x.name) text += " NAME " + parser::quote(*x.name);
  if (x.description) text += " WITH DESCRIPTION " + parser::quote(*x.description);
  return text;
}

// SPEC §4.14: START ... VERSION n when n is not the next version (highest + 1). The same text
// again (equal checksum) answers the existing migration and creates nothing; another text is
// CHECKSUM_MISMATCH naming both checksums; a version beyond the next is OUT_OF_ORDER.
Status start_existing(const WriteContext& ctx, uint64_t n, uint64_t highest,
                      const std::string& checksum, Json* out) {
  const std::string v = std::to_string(n);
  if (n == 0 || n > highest + 1) {
    return with_details(
        Status(Code::kOutOfOrder, "cannot start migration version " + v + ": the next version is " +
                                      std::to_string(highest + 1)),
        Json{{"version", n}, {"nextVersion", highest + 1}});
  }
  auto rec = load_record(ctx.reader(), ctx.db_id(), n);
  if (!rec.ok()) return rec.status();
  if (!*rec) return migration_not_found();
  const MigrationRecord& r = **rec;
  if (r.checksum != checksum) {
    return with_details(
        Status(Code::kChecksumMismatch, "migration version " + v +
                                            " already exists with checksum " + r.checksum +
                                            " but this text has checksum " + checksum),
        Json{{"version", n}, {"existingChecksum", r.checksum}, {"checksum", checksum}});
  }
  Json m = summary_json(r);
  m["Checksum"] = r.checksum;
  (*out)["message"] = "Migration version " + v + " already exists (same checksum); nothing created";
  (*out)["existing"] = true;
  (*out)["migration"] = std::move(m);
  return Status::Ok();
}

}  // namespace

Status exec_show_migration(Engine& e, Session& s, const ast::ShowMigration& x, Json* out) {
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  const uint32_t db = view->schema->id;
  auto rec = load_record(*view->reader, db, x.version);
  if (!rec.ok()) return rec.status();
  if (!*rec) return migration_not_found();
  auto commands = load_commands(*view->reader, db, x.version);
  if (!commands.ok()) return commands.status();
  auto down = effective_down(*view->reader, db, **rec);
  if (!down.ok()) return down.status();
  auto report = load_last_validation(*view->reader, db, x.version);
  if (!report.ok()) return report.status();
  (*rec)->last_validation = std::move(*report);
  Json m = full_json(**rec, *commands, *down);
  // What each rollback destroyed of the writes made after the apply is shown with its event
  // (SPEC §4.7): the documents FORCE overwrote ("overwritten"), the documents added to
  // bundles it dropped and the values written into fields it removed ("removedAfterApply").
  uint32_t rollback = 0;
  for (auto& ev : m["Events"]) {
    if (ev.value("To", "") != kRolledBack) continue;
    auto kept = view->reader->get(storage::Space::kLedger,
                                  storage::ledger_keys::overwritten_key(db, x.version, rollback++));
    if (!kept.ok()) return kept.status();
    if (!kept->has_value()) continue;
    Json entries = Json::parse(**kept, nullptr, false);
    if (!entries.is_array()) continue;
    Json overwritten = Json::array(), removed = Json::array();
    for (auto& entry : entries) {
      const std::string kind = entry.value("kind", "");
      (kind == "added_after_apply" || kind == "written_after_apply" ? removed : overwritten)
          .push_back(std::move(entry));
    }
    if (!overwritten.empty()) ev["overwritten"] = std::move(overwritten);
    if (!removed.empty()) ev["removedAfterApply"] = std::move(removed);
  }
  (*out)["migration"] = std::move(m);
  return Status::Ok();
}

// RESET: FAILED or ROLLED_BACK -> PENDING.
Status exec_reset_migration(Engine& e, Session& s, const ast::ResetMigration& x, Json* out) {
  return e.write(s, s.database, /*sync=*/true, nullptr, [&](WriteContext& ctx) -> Status {
    auto rec = load_record(ctx.reader(), ctx.db_id(), x.version);
    if (!rec.ok()) return rec.status();
    if (!*rec) return migration_not_found();
    MigrationRecord& r = **rec;
    if (r.status != kFailed && r.status != kRolledBack) {
      return Status(Code::kMigrationNotPending,
                    "cannot reset migration " + std::to_string(x.version) + ": it is " +
                        r.status + " (only FAILED or ROLLED_BACK migrations can be reset)");
    }
    record_event(&r, s.user, parser::canonical(ast::Statement(x)), kPending);
    // The columns describe the current state: a PENDING migration has no apply, rollback or
    // failure (the Events list keeps them).
    r.failure_reason.clear();
    r.applied_at.clear();
    r.applied_by.clear();
    r.batch = 0;
    r.execution_time_ms.reset();
    r.rolled_back_at.clear();
    r.rolled_back_by.clear();
    store_record(ctx.txn(), ctx.db_id(), r);
    (*out)["message"] = "Migration version " + std::to_string(x.version) + " reset to PENDING";
    (*out)["version"] = x.version;
    return Status::Ok();
  });
}

// DROP: only the highest version, only if not APPLIED.
Status exec_drop_migration(Engine& e, Session& s, const ast::DropMigration& x, Json* out) {
  return e.write(s, s.database, /*sync=*/true, nullptr, [&](WriteContext& ctx) -> Status {
    auto rec = load_record(ctx.reader(), ctx.db_id(), x.version);
    if (!rec.ok()) return rec.status();
    if (!*rec) return migration_not_found();
    auto highest = highest_version(ctx.reader(), ctx.db_id());
    if (!highest.ok()) return highest.status();
    if (x.version != *highest) {
      return Status(Code::kOutOfOrder, "cannot drop migration " + std::to_string(x.version) +
                                           ": only the highest version (" +
                                           std::to_string(*highest) + ") can be dropped");
    }
    if ((*rec)->status == kApplied) {
      return Status(Code::kMigrationNotPending,
                    "cannot drop migration " + std::to_string(x.version) +
                        ": it is APPLIED (roll it back first)");
    }
    STRATA_RETURN_IF_ERROR(erase_migration(ctx.txn(), ctx.reader(), ctx.db_id(), x.version));
    StateChangeLog::note({x.version, (*rec)->status, "DROPPED", s.user, {}});
    (*out)["message"] = "Migration version " + std::to_string(x.version) + " dropped";
    (*out)["version"] = x.version;
    return Status::Ok();
  });
}


Status migration_not_found() { return Status(Code::kMigrationNotFound, "migration not found"); }
Status migration_not_pending() {
  return Status(Code::kMigrationNotPending, "migration not in PENDING state");
}

SettingValues settings_of(const Engine& e, const DatabaseSchema& schema) {
  return effective_settings(e.options().settings, schema.settings);
}

Status exec_start_migration(Engine& e, Session& s, const ast::StartMigration& x, Json* out) {
  if (x.up.empty()) {
    return Status(Code::kEmptyMigration, "migration must contain at least one command");
  }
  if (x.description && code_points(*x.description) > 500) {
    return Status(Code::kDescriptionTooLong, "description exceeds 500 character limit");
  }
  if (x.name && code_points(*x.name) > 200) {  // SPEC §4.14
    return Status(Code::kNameTooLong, "migration name exceeds 200 character limit");
  }
  EncodedCommands commands = encode_commands(x);
  return e.write(s, s.database, /*sync=*/true, nullptr, [&](WriteContext& ctx) -> Status {
    const uint32_t db = ctx.db_id();
    auto highest = highest_version(ctx.reader(), db);
    if (!highest.ok()) return highest.status();
    if (x.version && *x.version != *highest + 1) {
      return start_existing(ctx, *x.version, *highest, commands.checksum, out);
    }
    MigrationRecord r;
    r.version = *highest + 1;
    std::string previous_chain = zero_chain();
    if (r.version > 1) {
      auto prev = load_record(ctx.reader(), db, r.version - 1);
      if (!prev.ok()) return prev.status();
      if (*prev) previous_chain = (*prev)->chain_checksum;
    }
    r.description = x.description;
    r.name = x.name;
    r.created_at = utc_now();
    r.created_by = s.user;
    r.command_count = commands.up_count;
    r.has_explicit_down = x.has_down;
    r.checksum = commands.checksum;
    r.chain_checksum = chain_checksum(previous_chain, r.checksum);
    record_event(&r, s.user, start_statement_text(x), kPending);

    // The preliminary DOWN list, from the schema of this moment.
    std::vector<std::string> down;
    const SettingValues settings = settings_of(e, ctx.schema());
    // Lower PENDING migrations run first: their schema effects are part of "this moment".
    auto pending_list = pending_above_current(ctx.reader(), db);
    if (!pending_list.ok()) return pending_list.status();
    std::optional<DatabaseSchema> with_pending;  // copied only when there are any
    if (!pending_list->empty()) with_pending = ctx.schema();
    for (const auto& pending : *pending_list) {
      auto cmds = load_commands(ctx.reader(), db, pending.version);
      if (!cmds.ok()) return cmds.status();
      for (const auto& text : cmds->up) {
        std::optional<ast::Statement> parsed;
        if (!validate::check_syntax(text, 0, &parsed).empty() || !parsed) continue;
        if (std::holds_alternative<ast::AddDocument>(*parsed)) continue;  // no schema effect
        auto command = bind_command(*with_pending, std::move(*parsed));
        if (command.ok()) schema_change::apply(&*with_pending, *command);
      }
    }
    const DatabaseSchema& base = with_pending ? *with_pending : ctx.schema();
    DatabaseSchema overlay = base;
    DownBuilder builder(r.version, base);
    uint64_t next_seq = ctx.next_doc_seq();
    for (const auto& c : x.up) {
      if (!c.statement) {
        // An ADD DOCUMENT, kept as its bundle name only (ast::MigrationCommand): all its DOWN
        // step needs. START ignores findings (VALIDATE reports them).
        if (const Bundle* b = overlay.bundle(x.bundle_of(c))) {
          builder.add_document(overlay, b->id, next_seq);
        }
        ++next_seq;
        continue;
      }
      const ast::Statement& st = *c.statement;
      std::optional<uint64_t> seq;
      if (std::holds_alternative<ast::AddDocument>(st)) seq = next_seq++;
      auto command = bind_command(overlay, st);
      if (!command.ok()) continue;
      builder.add(overlay, *command, seq);
      schema_change::apply(&overlay, *command);
    }
    r.irreversible = builder.irreversible();
    if (!x.has_down && !settings.require_explicit_down_commands && r.irreversible.empty()) {
      std::vector<std::string> restores;
      for (const auto& b : base.bundles)
        if (builder.predicted_restores().count(b.name)) restores.push_back(b.name);
      down = builder.finish(restores);
    }
    store_highest_version(ctx.txn(), db, r.version);
    store_commands_record(ctx.txn(), db, r.version, commands);
    store_generated_down(ctx.txn(), db, r.version, down);
    store_record(ctx.txn(), db, r);
    (*out)["message"] = "Migration created successfully";
    Json m = {{"Version", r.version},
              {"Status", r.status},
              {"Name", r.name ? Json(*r.name) : Json(nullptr)},
              {"Description", r.description ? Json(*r.description) : Json(nullptr)},
              {"CreatedAt", r.created_at},
              {"CreatedBy", r.created_by},
              {"CommandCount", r.command_count},
              {"Checksum", r.checksum},
              {"DownCommands", x.has_down ? Json(commands.down) : Json(down)}};
    if (!r.irreversible.empty() && !x.has_down) {
      m["Irreversible"] = "Cannot auto-generate DOWN for irreversible operation: " + r.irreversible;
    }
    (*out)["migration"] = std::move(m);
    return Status::Ok();
  });
}

}  // namespace strata::engine
