// SPEC §4.7–§4.9: VALIDATE ROLLBACK TO VERSION t and APPLY ROLLBACK TO VERSION t [FORCE].
//
// Both plan the same way: t must be below currentVersion; every migration from currentVersion
// down to t+1 needs a DOWN list (explicit, or generated at APPLY; an irreversible command
// refuses) whose DOWN list and undo snapshot still match the apply checksum (SPEC §4.6). Both
// then run, migration by migration, the conflict check (conflicts.hpp) and the DOWN commands
// on a WriteContext, counting the exact data impact from the data as they go: VALIDATE on a
// scratch one that is never committed, APPLY on the real one, with the ledger changes and the
// new schema checksum, committed by Engine::write as one synced write. A failing DOWN command
// aborts the whole rollback (ROLLBACK_FAILED) and nothing changes; so does any conflict
// (ROLLBACK_CONFLICT) unless FORCE overrides every one (never a unique_taken), in which case
// the documents FORCE overwrote are kept in the ledger with the rollback's event.
#include <chrono>

#include "common/status_details.hpp"
#include "engine/approvals.hpp"
#include "engine/conflicts.hpp"
#include "engine/documents.hpp"
#include "engine/exec_migration.hpp"
#include "engine/executors.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/undo.hpp"
#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "storage/keys.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace {

namespace keys = storage::keys;
namespace lk = storage::ledger_keys;

struct Plan {
  uint64_t current = 0;
  std::vector<MigrationRecord> reverse;        // currentVersion first
  std::vector<std::vector<std::string>> down;  // per reversed migration
  std::vector<std::string> errors;
  std::optional<Status> tampered;  // a DOWN list or undo snapshot no longer matches
  Json down_json = Json::object();
};

Result<Plan> plan_rollback(const Reader& reader, uint32_t db, uint64_t target) {
  Plan plan;
  auto records = load_records(reader, db);
  if (!records.ok()) return records.status();
  plan.current = current_version(*records);
  if (target >= plan.current) {
    return with_details(Status(Code::kInvalidTargetVersion, "invalid target version"),
                        Json{{"currentVersion", plan.current}, {"targetVersion", target}});
  }
  for (uint64_t v = plan.current; v > target; --v) {
    const MigrationRecord& r = (*records)[v - 1];
    auto down = effective_down(reader, db, r);
    if (!down.ok()) return down.status();
    if (!r.has_explicit_down && !r.irreversible.empty()) {
      plan.errors.push_back("Cannot auto-generate DOWN for irreversible operation: " +
                            r.irreversible);
    } else if (r.has_explicit_down ? down->empty() : !r.down_generated) {
      // A generated list may be empty (the migration changed nothing); a missing one is not.
      plan.errors.push_back("Migration version " + std::to_string(v) +
                            " is missing DOWN commands");
    }
    if (!r.apply_checksum.empty()) {
      auto digest = undo_digest(reader, db, v);
      if (!digest.ok()) return digest.status();
      if (apply_checksum(r.checksum, *down, *digest) != r.apply_checksum) {
        std::string m = "checksum mismatch: the DOWN list or undo snapshot of migration " +
                        std::to_string(v) + " changed after it was applied (apply checksum " +
                        r.apply_checksum + ")";
        plan.errors.push_back(m);
        if (!plan.tampered) plan.tampered = Status(Code::kChecksumMismatch, m);
      }
    }
    plan.down_json[std::to_string(v)] = *down;
    plan.reverse.push_back(r);
    plan.down.push_back(std::move(*down));
  }
  return plan;
}

Result<std::vector<ast::Statement>> parse_down(const std::vector<std::string>& texts) {
  if (texts.empty()) return std::vector<ast::Statement>();
  std::string text = "START MIGRATION DOWN\n";
  for (const auto& t : texts) text += t + ";\n";
  text += "COMMIT";
  auto parsed = parser::parse(text);
  if (!parsed.ok()) {
    return Status(Code::kRollbackFailed, "rollback failed: a stored DOWN command does not parse: " +
                                             parsed.error().message);
  }
  // A DOWN command keeps its whole AST (ast::MigrationCommand).
  std::vector<ast::Statement> out;
  for (const auto& c : std::get<ast::StartMigration>(parsed.script().front()).down)
    out.push_back(*c.statement);
  return out;
}

struct Impact {
  Json bundles_dropped = Json::array();
  Json fields_removed = Json::array();
  Json relationships_removed = Json::array();
  Json indexes_dropped = Json::array();
  uint64_t documents_deleted = 0;
  uint64_t values_removed = 0;
  uint64_t documents_restored = 0;
  uint64_t added_after_apply = 0;    // documents others added to bundles the rollback drops
  uint64_t written_after_apply = 0;  // values others wrote into fields the rollback removes
  std::vector<std::string> loss;
  // What others wrote after an apply that the rollback removes (SPEC §4.7: kept in the
  // rollback's event record): {"kind":"added_after_apply","bundle","DocumentID","document"}
  // and {"kind":"written_after_apply","bundle","field","DocumentID","value"}, by version.
  std::vector<std::pair<uint64_t, Json>> removed_after_apply;
  Json warnings = Json::array();
  // warnings[warnings_from[m] .. warnings_from[m + 1]) are about plan.reverse[m] (its event
  // keeps those alone: a rollback of M migrations writes M events, not M copies of all).
  std::vector<size_t> warnings_from;
  std::vector<Conflict> conflicts;

  Json warnings_of(size_t m) const {
    Json out = Json::array();
    const size_t end = m + 1 < warnings_from.size() ? warnings_from[m + 1] : warnings.size();
    for (size_t i = m < warnings_from.size() ? warnings_from[m] : end; i < end; ++i)
      out.push_back(warnings[i]);
    return out;
  }

  Json data_impact() const {
    std::string text;
    for (const auto& l : loss) text += (text.empty() ? "" : "; ") + l;
    return {{"bundlesDropped", bundles_dropped},
            {"fieldsRemoved", fields_removed},
            {"relationshipsRemoved", relationships_removed},
            {"indexesDropped", indexes_dropped},
            {"documentsDeleted", documents_deleted},
            {"valuesRemoved", values_removed},
            {"documentsRestored", documents_restored},
            {"documentsAddedAfterApply", added_after_apply},
            {"valuesWrittenAfterApply", written_after_apply},
            {"estimatedDataLoss", text.empty() ? "none" : text}};
  }
};

std::string ids_text(const std::vector<uint64_t>& seqs) {
  return seqs.empty() ? "" : " (DocumentIDs " + id_list(seqs) + ")";
}

// Counts what DOWN command `cmd` of migration `rec` is about to destroy (before it runs), and
// what of that others wrote after the apply.
Status measure(WriteContext& ctx, const MigrationRecord& rec, const ast::Statement& cmd,
               Impact* im) {
  const std::string after = " after migration " + std::to_string(rec.version) + " was applied";
  auto later = [&](uint64_t seq, std::string_view bytes) {
    return (seq < rec.start_seq || seq >= rec.end_seq) && written_after(bytes, rec);
  };
  if (auto* d = std::get_if<ast::DropBundle>(&cmd)) {
    const Bundle* b = ctx.schema().bundle(d->bundle);
    if (!b) return Status::Ok();
    uint64_t n = 0;
    std::vector<uint64_t> added;
    STRATA_RETURN_IF_ERROR(for_each_stored(ctx.reader(), ctx.db_id(), b->id,
                                           [&](uint64_t seq, std::string_view bytes) -> Status {
      ++n;
      if (!later(seq, bytes)) return Status::Ok();
      added.push_back(seq);
      auto doc = parse_document(bytes);
      if (!doc.ok()) return doc.status();
      im->removed_after_apply.emplace_back(
          rec.version, Json{{"kind", "added_after_apply"}, {"bundle", b->name},
                            {"DocumentID", keys::document_id(seq)}, {"document", *doc}});
      return Status::Ok();
    }));
    im->bundles_dropped.push_back(b->name);
    im->documents_deleted += n;
    im->loss.push_back(std::to_string(n) + " documents in bundle " + b->name);
    im->warnings.push_back("Rollback will delete bundle " + b->name + " and its " +
                           std::to_string(n) + " documents");
    if (!added.empty()) {
      im->added_after_apply += added.size();
      im->warnings.push_back("Rollback will delete " + std::to_string(added.size()) +
                             " documents added to bundle " + b->name + after + ids_text(added));
    }
  } else if (auto* u = std::get_if<ast::UpdateBundle>(&cmd)) {
    const Bundle* b = ctx.schema().bundle(u->bundle);
    if (!b) return Status::Ok();
    for (const auto& ch : u->changes) {
      if (auto* rf = std::get_if<ast::RemoveField>(&ch)) {
        uint64_t values = 0;
        std::vector<uint64_t> written;
        // A document written after the apply still holding the field's default (which ADD
        // FIELD filled in) kept the migration's value, not one of its writer's.
        const Field* field = b->field(rf->field);
        const Json none;
        const Json& fill = field != nullptr ? field->default_value : none;
        STRATA_RETURN_IF_ERROR(for_each_stored(ctx.reader(), ctx.db_id(), b->id,
                                               [&](uint64_t seq, std::string_view bytes) -> Status {
          auto doc = parse_document(bytes);
          if (!doc.ok()) return doc.status();
          auto it = doc->find(rf->field);
          if (it == doc->end() || it->is_null()) return Status::Ok();
          ++values;
          if (!later(seq, bytes) || (!fill.is_null() && *it == fill)) return Status::Ok();
          written.push_back(seq);
          im->removed_after_apply.emplace_back(
              rec.version,
              Json{{"kind", "written_after_apply"}, {"bundle", b->name}, {"field", rf->field},
                   {"DocumentID", keys::document_id(seq)}, {"value", *it}});
          return Status::Ok();
        }));
        const std::string name = b->name + "." + rf->field;
        im->fields_removed.push_back(name);
        im->values_removed += values;
        if (values > 0) {
          im->loss.push_back(std::to_string(values) + " values of " + name);
          im->warnings.push_back("Rollback will remove field " + name + " and its " +
                                 std::to_string(values) + " values");
        }
        if (!written.empty()) {
          im->written_after_apply += written.size();
          im->warnings.push_back("Rollback will remove " + std::to_string(written.size()) +
                                 " values of " + name + " written" + after + ids_text(written));
        }
      } else if (auto* rr = std::get_if<ast::RemoveRelationship>(&ch)) {
        im->relationships_removed.push_back(b->name + "." + rr->name);
      }
    }
  } else if (auto* di = std::get_if<ast::DropIndex>(&cmd)) {
    im->indexes_dropped.push_back(di->name);
  }
  return Status::Ok();
}

// Runs, migration by migration, the conflict check and every DOWN command of the plan on ctx,
// counting into `impact`. Stops when the session's interrupt says so: CANCELLED, or TIMEOUT
// after the deadline APPLY ROLLBACK set (MigrationTimeoutSeconds, `timeout_s`).
Status run_down(WriteContext& ctx, const Plan& plan, Impact* impact, int64_t timeout_s) {
  auto stopped = [&](const Status& stop) {
    if (stop.code() == Code::kTimeout) {
      return Status(Code::kTimeout, "rollback timed out after " + std::to_string(timeout_s) +
                                        "s; nothing was changed");
    }
    return Status(Code::kCancelled, "rollback cancelled; nothing was changed");
  };
  for (size_t m = 0; m < plan.reverse.size(); ++m) {
    const MigrationRecord& rec = plan.reverse[m];
    impact->warnings_from.push_back(impact->warnings.size());
    STRATA_RETURN_IF_ERROR(find_conflicts(ctx, rec, &impact->conflicts));
    auto commands = parse_down(plan.down[m]);
    if (!commands.ok()) return commands.status();
    for (size_t i = 0; i < commands->size(); ++i) {
      const ast::Statement& cmd = (*commands)[i];
      auto fail = [&](const Status& st) {
        return Status(Code::kRollbackFailed,
                      "rollback failed: migration " + std::to_string(rec.version) +
                          " DOWN command " + std::to_string(i + 1) + " (" + plan.down[m][i] +
                          "): " + st.message());
      };
      if (Status stop = ctx.checkpoint(); !stop.ok()) return stopped(stop);
      Status st = measure(ctx, rec, cmd, impact);
      if (!st.ok()) return fail(st);
      Json response = Json::object();
      if (auto* r = std::get_if<ast::RestoreDocuments>(&cmd)) {
        // The migration's own undo snapshot (validation refuses another's; a DOWN list stored
        // before it did is refused here, not run).
        if (r->migration != rec.version) {
          return fail(restore_of_other_migration(r->migration, rec.version));
        }
        uint64_t restored = 0;
        st = restore_documents(ctx, *r, rec, &restored, &impact->conflicts);
        impact->documents_restored += restored;
      } else {
        st = exec_command(ctx, cmd, &response);
        if (st.ok() && std::holds_alternative<ast::DeleteDocuments>(cmd)) {
          impact->documents_deleted += response.value("affected", uint64_t{0});
        }
      }
      if (st.code() == Code::kCancelled || st.code() == Code::kTimeout) return stopped(st);
      if (!st.ok()) return fail(st);
    }
  }
  return Status::Ok();
}

Json versions_json(const Plan& plan) {
  Json v = Json::array();
  for (const auto& r : plan.reverse) v.push_back(r.version);
  return v;
}

// What the rollback of `version` destroyed of the writes made after its apply, as kept with
// its event: the documents FORCE overwrote (the conflicts), then the documents and values it
// removed (Impact::removed_after_apply).
Json kept_json(const Impact& impact, uint64_t version) {
  Json out = Json::array();
  for (const auto& [v, entry] : impact.removed_after_apply)
    if (v == version) out.push_back(entry);
  for (const auto& c : impact.conflicts) {
    if (c.version != version) continue;
    Json entry = c.to_json();
    entry["document"] = nullptr;
    if (c.current) {
      auto doc = parse_document(*c.current);
      if (doc.ok()) entry["document"] = std::move(*doc);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

Status exec_validate_rollback(Engine& e, Session& s, const ast::ValidateRollback& x,
                              Json* out) {
  return e.write(s, s.database, /*sync=*/false, nullptr, [&](WriteContext& ctx) -> Status {
    auto plan = plan_rollback(ctx.reader(), ctx.db_id(), x.version);
    if (!plan.ok()) return plan.status();
    Impact impact;
    Json errors = Json::array();
    for (const auto& err : plan->errors) errors.push_back(err);
    if (plan->errors.empty()) {
      auto scratch = e.store().begin();
      auto base = std::make_shared<const DatabaseSchema>(ctx.schema());
      WriteContext sim(*scratch, base, ctx.counters(), s, e.options().settings, nullptr,
                       /*scratch=*/true);
      Status st = run_down(sim, *plan, &impact, 0);
      if (st.code() == Code::kCancelled) return st;
      if (!st.ok()) errors.push_back(st.message());
    }
    const bool clean = errors.empty();
    // Drift is never adopted silently (SPEC §4.10): the rollback records the live schema as
    // version t's, drift included, and says so here as it does in its response and events.
    auto drift = named_drift(ctx.reader(), ctx.schema());
    if (!drift.ok()) return drift.status();
    for (const auto& m : drift_messages(*drift, "Schema drift: ")) {
      impact.warnings.push_back(m + " (the rollback adopts it: version " +
                                std::to_string(x.version) + "'s recorded schema will hold it)");
    }
    (*out)["message"] = "Rollback to version " + std::to_string(x.version) +
                        " validation complete";
    (*out)["targetVersion"] = x.version;
    (*out)["report"] = {
        {"canRollback", clean && impact.conflicts.empty()},
        {"canRollbackWithForce", clean && all_forceable(impact.conflicts)},
        {"currentVersion", plan->current},
        {"targetVersion", x.version},
        {"migrationsToReverse", versions_json(*plan)},
        {"downCommands", plan->down_json},
        {"dataImpact", impact.data_impact()},
        {"conflicts", conflicts_json(impact.conflicts)},
        {"warnings", impact.warnings},
        {"errors", errors}};
    if (!drift->empty()) (*out)["report"]["adoptedDrift"] = *drift;
    return Status::Ok();
  });
}

Status exec_apply_rollback(Engine& e, Session& s, const ast::ApplyRollback& x, Json* out) {
  const auto started = std::chrono::steady_clock::now();
  const std::string statement = parser::canonical(ast::Statement(x));
  return e.write(s, s.database, /*sync=*/true, nullptr, [&](WriteContext& ctx) -> Status {
    const uint32_t db = ctx.db_id();
    auto plan = plan_rollback(ctx.reader(), db, x.version);
    if (!plan.ok()) return plan.status();
    if (plan->tampered) return *plan->tampered;
    if (!plan->errors.empty()) {
      return with_details(Status(Code::kMissingDownCommands, plan->errors.front()),
                          Json{{"errors", plan->errors}});
    }
    auto approval = ApprovalCheck::begin(e, ctx, x.approval, {"ROLLBACK", x.version, x.force});
    if (!approval.ok()) return approval.status();  // SPEC §4.13
    const int64_t timeout = settings_of(e, ctx.schema()).migration_timeout_seconds;
    auto drift = named_drift(ctx.reader(), ctx.schema());  // kept by the rollback's events
    if (!drift.ok()) return drift.status();
    std::string target_checksum;  // the migration the rollback leaves current ("" for 0)
    if (x.version > 0) {
      auto target = load_record(ctx.reader(), db, x.version);
      if (!target.ok()) return target.status();
      if (*target) target_checksum = (*target)->checksum;
    }
    Impact impact;
    s.interrupt->set_deadline(deadline_after(started, timeout));
    STRATA_RETURN_IF_ERROR(run_down(ctx, *plan, &impact, timeout));
    STRATA_RETURN_IF_ERROR(approval->match_plan(
        rollback_plan_checksum(plan->down_json, conflicts_json(impact.conflicts))));
    const bool forced = !impact.conflicts.empty();
    if (forced && (!x.force || !all_forceable(impact.conflicts))) {
      const bool forceable = all_forceable(impact.conflicts);
      return with_details(
          Status(Code::kRollbackConflict,
                 "rollback conflicts with " + std::to_string(impact.conflicts.size()) +
                     " later write" + (impact.conflicts.size() == 1 ? "" : "s") +
                     (forceable ? "; APPLY ROLLBACK ... FORCE restores the pre-migration "
                                  "documents and keeps the overwritten copies"
                                : "; a unique value is taken and FORCE cannot override it: "
                                  "resolve it first")),
          Json{{"conflicts", conflicts_json(impact.conflicts)},
               {"canRollbackWithForce", forceable}});
    }
    for (size_t m = 0; m < plan->reverse.size(); ++m) {
      MigrationRecord& r = plan->reverse[m];
      STRATA_RETURN_IF_ERROR(erase_undo(ctx.txn(), ctx.reader(), db, r.version));
      uint32_t rollbacks = 0;
      for (const auto& ev : r.events)
        if (ev.value("To", "") == kRolledBack) ++rollbacks;
      record_event(&r, s.user, statement, kRolledBack);
      Json& event = r.events.back();
      approval->spend(ctx, &event);
      if (Json own = impact.warnings_of(m); !own.empty()) event["warnings"] = std::move(own);
      if (!drift->empty()) event["adoptedDrift"] = *drift;
      Json kept = kept_json(impact, r.version);
      if (!kept.empty()) {
        size_t overwritten = 0;
        for (const auto& c : impact.conflicts) overwritten += c.version == r.version;
        if (overwritten > 0) {
          event["force"] = true;
          event["overwrittenDocuments"] = overwritten;
        }
        if (kept.size() > overwritten) event["removedAfterApplyCount"] = kept.size() - overwritten;
        ctx.txn().put(storage::Space::kLedger, lk::overwritten_key(db, r.version, rollbacks),
                      kept.dump());
      }
      r.rolled_back_at = utc_now();
      r.rolled_back_by = s.user;
      r.apply_checksum.clear();
      r.apply_chain_checksum.clear();
      store_record(ctx.txn(), db, r);
    }
    DatabaseSchema& schema = ctx.mutable_schema();
    schema.schema_checksum = schema_checksum(schema);
    ctx.note_checksum(schema.schema_checksum);
    STRATA_RETURN_IF_ERROR(record_rollback_schema(ctx.txn(), db, x.version, target_checksum,
                                                  schema, schema.schema_checksum));
    if (!drift->empty()) (*out)["adoptedDrift"] = *drift;
    (*out)["message"] = "Database rolled back to version " + std::to_string(x.version) +
                        " successfully";
    (*out)["targetVersion"] = x.version;
    (*out)["rolledBackVersions"] = versions_json(*plan);
    if (forced) (*out)["overriddenConflicts"] = conflicts_json(impact.conflicts);
    if (!impact.warnings.empty()) (*out)["warnings"] = impact.warnings;
    return Status::Ok();
  });
}

}  // namespace strata::engine
