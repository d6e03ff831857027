#include "engine/validate/validator.hpp"
#include "engine/engine.hpp"

#include <algorithm>

#include "common/status_details.hpp"
#include "engine/down.hpp"
#include "engine/executors.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/validate/command_stream.hpp"
#include "engine/validate/data_impact.hpp"
#include "engine/validate/down_check.hpp"
#include "engine/validate/phases.hpp"
#include "engine/validate/simulated_adds.hpp"
#include "parser/canonical.hpp"

namespace strata::engine::validate {

namespace {

constexpr size_t kMaxDiagnostics = 1000;

struct Collector {
  const MigrationCommands& commands;
  bool explicit_down = false;  // the DOWN list phase 5 checks is commands.down
  Json diagnostics = Json::array();
  size_t dropped = 0;
  Json phase[5] = {Json::array(), Json::array(), Json::array(), Json::array(), Json::array()};
  static constexpr const char* kNames[5] = {"syntax", "semantic", "constraint", "performance",
                                            "reversibility"};

  void add(int p, const char* severity, const Finding& f) {
    if (phase[p].size() < kMaxDiagnostics) phase[p].push_back(f.message);
    diagnostic(p, severity, f);
  }
  // A diagnostic only (the phase's list is kept by the caller).
  void diagnostic(int p, const char* severity, const Finding& f) {
    if (diagnostics.size() >= kMaxDiagnostics) {
      ++dropped;
      return;
    }
    Json d = {{"phase", kNames[p]}, {"severity", severity}, {"command", nullptr},
              {"line", nullptr},    {"column", nullptr},    {"message", f.message}};
    if (f.command > 0) {
      d["command"] = f.command;
      // Commands after the UP ones are the explicit DOWN commands (phase 5's numbering).
      const size_t up = commands.positions.size();
      const ast::Pos* at = nullptr;
      if (f.command <= up) {
        at = &commands.positions[f.command - 1];
      } else if (f.command - up <= commands.down_positions.size() && explicit_down) {
        at = &commands.down_positions[f.command - up - 1];
      }
      if (at != nullptr) {
        d["line"] = at->line;
        d["column"] = at->column;
      }
    }
    if (!f.did_you_mean.empty()) d["didYouMean"] = f.did_you_mean;
    diagnostics.push_back(std::move(d));
  }
  void add_all(int p, const char* severity, const std::vector<Finding>& fs) {
    for (const auto& f : fs) add(p, severity, f);
  }
  // A refusal of command `i`: phase 3 when it is about documents, else phase 2.
  void refusal(const Status& st, size_t i) {
    if (auto f = constraint_finding(st, i)) add(2, "error", *f);
    else add(1, "error", Finding{st.message(), i, details_of(st).value("didYouMean", "")});
  }
};

// The bundle a command rewrites wholesale (its documents are all touched), and whether it
// builds an index there.
struct Touch {
  uint32_t bundle = 0;  // 0: none
  const char* index = nullptr;
};

Touch whole_bundle_touch(const bound::Command& command) {
  Touch t;
  if (auto* d = std::get_if<bound::DropBundle>(&command)) t.bundle = d->bundle;
  if (auto* c = std::get_if<bound::CreateIndex>(&command)) {
    t.bundle = c->index.bundle_id;
    t.index = c->index.name.c_str();
  }
  if (auto* u = std::get_if<bound::UpdateBundle>(&command)) {
    for (const auto& ch : u->changes) {
      bool rewrites = std::holds_alternative<bound::RemoveField>(ch) ||
                      std::holds_alternative<bound::RenameField>(ch) ||
                      std::holds_alternative<bound::ModifyField>(ch);
      if (auto* a = std::get_if<bound::AddField>(&ch)) rewrites = !a->field.default_value.is_null();
      if (rewrites) t.bundle = u->bundle;
    }
  }
  return t;
}

// The bundle a bound command works on (0 for none).
uint32_t target_bundle(const bound::Command& command) {
  return std::visit(
      [](const auto& c) -> uint32_t {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::CreateBundle>) return 0;
        else if constexpr (std::is_same_v<T, bound::CreateIndex> ||
                           std::is_same_v<T, bound::DropIndex>)
          return c.index.bundle_id;
        else return c.bundle;
      },
      command);
}

// Phase 5's messages but its errors.
Json phase_warnings(const Json& messages, const Json& errors) {
  Json out = Json::array();
  for (const auto& m : messages)
    if (std::find(errors.begin(), errors.end(), m) == errors.end()) out.push_back(m);
  return out;
}

// Parses and binds a stored command afresh against ctx's schema.
Result<bound::Command> bind_text(std::string_view text, size_t index, const WriteContext& ctx) {
  std::optional<ast::Statement> parsed;
  auto syntax = check_syntax(text, index, &parsed);
  if (!syntax.empty() || !parsed) return Status(Code::kSyntaxError, "stored command does not parse");
  return bind_command(ctx.schema(), std::move(*parsed));
}

// Replays the recorded ADD DOCUMENT commands of a simulated bundle on the scratch context.
void materialize(SimulatedAdds* adds, uint32_t bundle_id, const MigrationCommands& commands,
                 WriteContext& ctx) {
  for (size_t index : adds->take(bundle_id)) {
    auto command = bind_text(commands.up[index - 1], index, ctx);
    if (!command.ok()) continue;
    Json ignored;
    (void)execute_command(ctx, *command, &ignored);
  }
}

// The failure of a migration its session's interrupt stopped at command `i`: TIMEOUT
// (MigrationTimeoutSeconds) or CANCELLED.
Status interrupted(const Status& stop, const Request& req, size_t i) {
  const std::string where =
      "at command " + std::to_string(i) + " of " + std::to_string(req.commands->up.size());
  if (stop.code() == Code::kTimeout) {
    return Status(Code::kTimeout, "migration timed out after " +
                                      std::to_string(req.settings.migration_timeout_seconds) +
                                      "s " + where);
  }
  return Status(Code::kCancelled, "migration cancelled " + where + "; nothing was changed");
}

// A lower PENDING migration: its commands run on ctx first; their findings are its own.
void simulate_pending(const PendingMigration& m, WriteContext& ctx) {
  for (size_t i = 0; i < m.commands.up.size(); ++i) {
    auto command = bind_text(m.commands.up[i], i + 1, ctx);
    if (!command.ok()) continue;
    Json ignored;
    (void)execute_command(ctx, *command, &ignored);
  }
}

// The number of indexes on a bundle, for the cost model's index entries; kept while the
// schema does not change (one lookup per ADD DOCUMENT would be wasted work).
class IndexCounts {
 public:
  uint64_t of(const WriteContext& ctx, uint32_t bundle) {
    if (bundle != bundle_ || ctx.schema_generation() != generation_ || !known_) {
      bundle_ = bundle;
      generation_ = ctx.schema_generation();
      known_ = true;
      count_ = ctx.schema().indexes_of(bundle).size();
    }
    return count_;
  }

 private:
  uint32_t bundle_ = 0;
  uint64_t generation_ = 0;
  bool known_ = false;
  uint64_t count_ = 0;
};

}  // namespace

Outcome run(const Request& req, WriteContext& ctx) {
  Outcome out;
  const RunClock clock = thread_run_clock();  // phase 4's machine load: over this simulation
  Collector c{*req.commands, req.record->has_explicit_down};
  // SPEC §4.10: drift is never adopted silently: each drifted object is a semantic warning.
  if (auto drift = named_drift(ctx.reader(), ctx.schema()); drift.ok()) out.drift = *drift;
  Json semantic_warnings = Json::array();
  for (const auto& m : drift_messages(out.drift, "Schema drift: ")) {
    semantic_warnings.push_back(m);
    c.diagnostic(1, "warning", Finding{m, 0});
  }
  for (const auto& m : req.lower_pending) simulate_pending(m, ctx);
  // The documents that exist before the migration live in the bundles of this schema.
  const std::shared_ptr<const DatabaseSchema> now = ctx.schema_now();
  const DatabaseSchema& live = req.live ? *req.live : *now;
  // The schema before this migration's commands: what its DOWN list must bring back.
  const DatabaseSchema& before_up = *now;
  std::optional<DownBuilder> own_down;  // VALIDATE: the list APPLY would generate
  DownBuilder* down = req.down;
  if (req.undo && !req.apply) {
    req.undo->bind(ctx.txn(), ctx.db_id(), req.record->version, before_up, ctx.next_doc_seq());
    if (!down) down = &own_down.emplace(req.record->version, before_up);
  }

  if (!req.checksum_verified) {
    c.add_all(0, "error", check_checksum(req.record->checksum,
                                         migration_checksum(*req.commands,
                                                            req.record->description,
                                                            req.record->name)));
  }
  CostInput cost;
  cost.commands = req.commands->up.size();
  IndexCounts index_counts;
  ReversibilityInput rev;
  rev.has_explicit_down = req.record->has_explicit_down;
  rev.explicit_down_count = req.commands->down.size();
  rev.require_explicit = req.settings.require_explicit_down_commands;
  SimulatedAdds adds;  // VALIDATE only: documents added to bundles the simulation created
  DataImpact impact;

  CommandStream stream(req.commands->up, req.pool);
  // A large migration's stream binds ADD DOCUMENTs against a published copy of the schema,
  // republished (at most once a chunk) when the schema has moved on. A bound document is used
  // only while the schema is still the one it was bound against.
  uint64_t publication = 0;
  uint64_t published_generation = 0;
  size_t published_at = 0;
  auto publish = [&](size_t at) {
    publication = stream.publish(std::make_shared<const DatabaseSchema>(ctx.schema()));
    published_generation = ctx.schema_generation();
    published_at = at;
  };
  if (stream.threaded()) publish(0);
  for (size_t i = 1; i <= req.commands->up.size(); ++i) {
    if (Status stop = ctx.checkpoint(); !stop.ok()) {
      out.failure = interrupted(stop, req, i);
      break;
    }
    if (stream.threaded() && ctx.schema_generation() != published_generation &&
        i - published_at >= CommandStream::kChunk) {
      publish(i);
    }
    ParsedCommand parsed = stream.next(i);
    // Phase 1.
    c.add_all(0, "error", parsed.syntax);
    if (!parsed.statement || !parsed.syntax.empty()) continue;  // not run: phase 1 said why
    if (auto* d = std::get_if<ast::DropBundle>(&*parsed.statement); d && d->force) {
      rev.irreversible.emplace_back(i, parser::canonical(*parsed.statement));
    }
    // Phase 2: bind (a refused document's errors belong to phase 3).
    std::optional<Result<bound::Command>> bound;
    if (parsed.prepared && parsed.prepared->publication == publication &&
        ctx.schema_generation() == published_generation) {
      bound.emplace(bound::Command(std::move(parsed.prepared->add)));
    } else if (parsed.prepared) {
      // Bound against a schema that has moved on: its values went into that document.
      bound.emplace(bind_text(req.commands->up[i - 1], i, ctx));
    } else {
      bound.emplace(bind_command(ctx.schema(), std::move(*parsed.statement)));
    }
    if (!bound->ok()) {
      c.refusal(bound->status(), i);
      continue;
    }
    bound::Command& command = **bound;

    const uint32_t target = target_bundle(command);
    if (!req.apply && target != 0 && adds.tracks(target)) {
      if (auto* a = std::get_if<bound::AddDocument>(&command)) {
        Status st = adds.add(ctx.schema(), *a, i);
        if (!st.ok()) c.refusal(st, i);
        cost.documents_touched += 1;
        cost.documents_added += 1;
        cost.index_entries += index_counts.of(ctx, target);
        continue;
      }
      materialize(&adds, target, *req.commands, ctx);
    }
    Touch touch = whole_bundle_touch(command);
    uint64_t touched = 0;
    if (touch.bundle != 0) {
      auto n = count_bundle(ctx.reader(), ctx.db_id(), touch.bundle);
      if (n.ok()) touched = *n;
    }
    std::optional<uint64_t> seq;
    if (std::holds_alternative<bound::AddDocument>(command)) seq = ctx.next_doc_seq();
    if (down) down->add(ctx.schema(), command, seq);
    impact.before(ctx, command);

    // Phase 3: the command on the documents.
    Json response = Json::object();
    Status st = execute_command(ctx, command, &response);
    impact.after(st.ok(), response);
    if (st.code() == Code::kCancelled || st.code() == Code::kTimeout) {
      out.failure = interrupted(st, req, i);  // stopped inside the command
      break;
    }
    if (!st.ok()) {
      if (req.apply && !is_constraint_code(st.code())) {
        out.failure = Status(st.code(), "command " + std::to_string(i) + " failed: " +
                                            st.message());
        break;
      }
      c.refusal(st, i);
    } else if (auto* cb = std::get_if<bound::CreateBundle>(&command); cb && !req.apply) {
      if (const Bundle* b = ctx.schema().bundle(cb->bundle.name)) adds.created(b->id);
    } else if (touch.index) {
      ++cost.index_builds;
      cost.index_build_documents += touched;
      cost.index_entries += touched;
      if (touched > 0 && live.bundle_by_id(touch.bundle)) {
        cost.builds.emplace_back(i, touch.index, touched);
      }
    } else {
      uint64_t documents = touched;
      if (seq) cost.documents_added += 1;
      if (seq) documents += 1;
      if (response.contains("affected")) documents += response["affected"].get<uint64_t>();
      cost.documents_touched += documents;
      if (target != 0) cost.index_entries += documents * index_counts.of(ctx, target);
    }
  }

  cost.machine_load = load_since(clock, 0);
  CostReport perf = estimate_cost(cost, req.settings);
  c.add_all(3, "warning", perf.warnings);
  ReversibilityReport reversibility = check_reversibility(rev);
  c.add_all(4, "warning", reversibility.warnings);
  // Phase 5's proof: the DOWN list runs after the UP commands and brings the schema back. Only
  // on a migration whose UP commands all ran (else the simulated state is not APPLY's).
  const bool up_ran = !out.failure && c.phase[0].empty() && c.phase[1].empty() &&
                      c.phase[2].empty();
  const bool has_down = req.record->has_explicit_down || reversibility.down_generated;
  Json reversibility_errors = Json::array();
  if (up_ran && has_down && down) {
    std::vector<std::string> texts =
        req.record->has_explicit_down
            ? req.commands->down
            : down->finish(req.undo ? req.undo->touched_bundles() : std::vector<std::string>());
    const size_t first = req.commands->up.size() + 1;
    DownCheck check;
    if (!req.apply && req.undo) {
      MigrationRecord snapshot = *req.record;
      snapshot.undo_bundles = req.undo->undo_bundles();
      check = check_down(ctx, texts, snapshot, before_up, first);
    } else {
      check = check_down_catalog(ctx.schema(), texts, before_up, req.record->version, first);
    }
    for (const auto& f : check.errors) {
      c.add(4, "error", f);
      reversibility_errors.push_back(f.message);
    }
    c.add_all(4, "warning", check.warnings);
  }
  // An explicit DOWN list that does not restore what the UP commands overwrote or deleted
  // loses it at rollback: said, and the data impact is not recoverable.
  if (up_ran && req.record->has_explicit_down && req.undo) {
    for (const std::string& bundle : req.undo->touched_bundles()) {
      const std::string step = restore_step(bundle, req.record->version);
      const auto& down_list = req.commands->down;
      if (std::find(down_list.begin(), down_list.end(), step) != down_list.end()) continue;
      c.add(4, "warning",
            Finding{"the DOWN commands do not restore the undo snapshot of bundle \"" + bundle +
                        "\" (the documents and values the UP commands overwrite or delete): "
                        "unless they write them back themselves, a rollback loses them (add " +
                        step + ")",
                    0});
      impact.not_restored("the documents and values overwritten or deleted in bundle " +
                          bundle + " (the DOWN commands do not restore them)");
    }
  }

  out.errors = !c.phase[0].empty() || !c.phase[1].empty() || !c.phase[2].empty() ||
               !reversibility_errors.empty();
  out.warnings = !semantic_warnings.empty() || !c.phase[3].empty() ||
                 !phase_warnings(c.phase[4], reversibility_errors).empty();
  const char* overall = out.errors ? "FAIL" : out.warnings ? "PASS_WITH_WARNINGS" : "PASS";
  Json report = {
      {"migrationVersion", req.record->version},
      {"validatedAt", utc_now()},
      {"validatedBy", req.user},
      {"syntaxPhase", {{"passed", c.phase[0].empty()}, {"errors", c.phase[0]}}},
      {"semanticPhase", {{"passed", c.phase[1].empty()}, {"errors", c.phase[1]},
                         {"warnings", semantic_warnings}}},
      {"constraintPhase", {{"passed", c.phase[2].empty()}, {"errors", c.phase[2]}}},
      {"performancePhase",
       {{"passed", c.phase[3].empty()},
        {"warnings", c.phase[3]},
        {"estimatedDuration", format_seconds(perf.seconds)},
        {"estimate", perf.estimate},
        {"commandCount", req.commands->up.size()}}},
      {"reversibilityPhase",
       {{"passed", c.phase[4].empty()},
        {"warnings", phase_warnings(c.phase[4], reversibility_errors)},
        {"errors", reversibility_errors},
        {"downCommandsGenerated", reversibility.down_generated}}},
      {"dataImpact", impact.json()},
      {"diagnostics", c.diagnostics},
      {"overallResult", overall},
      {"canApply", !out.errors && !out.warnings},
      {"canApplyWithForce", !out.errors}};
  if (c.dropped > 0) report["diagnosticsOmitted"] = c.dropped;
  out.report = std::move(report);
  return out;
}

}  // namespace strata::engine::validate
