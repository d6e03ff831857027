#include "engine/validate/validator.hpp"
#include "engine/engine.hpp"

#include "engine/executors.hpp"
#include "engine/validate/command_stream.hpp"
#include "engine/validate/phases.hpp"
#include "engine/validate/simulated_adds.hpp"
#include "parser/canonical.hpp"

namespace strata::engine::validate {

namespace {

constexpr size_t kMaxDiagnostics = 1000;

struct Collector {
  const MigrationCommands& commands;
  Json diagnostics = Json::array();
  size_t dropped = 0;
  Json phase[5] = {Json::array(), Json::array(), Json::array(), Json::array(), Json::array()};
  static constexpr const char* kNames[5] = {"syntax", "semantic", "constraint", "performance",
                                            "reversibility"};

  void add(int p, const char* severity, const Finding& f) {
    if (phase[p].size() < kMaxDiagnostics) phase[p].push_back(f.message);
    if (diagnostics.size() >= kMaxDiagnostics) {
      ++dropped;
      return;
    }
    Json d = {{"phase", kNames[p]}, {"severity", severity}, {"command", nullptr},
              {"line", nullptr},    {"column", nullptr},    {"message", f.message}};
    if (f.command > 0) {
      d["command"] = f.command;
      if (f.command <= commands.positions.size()) {
        d["line"] = commands.positions[f.command - 1].line;
        d["column"] = commands.positions[f.command - 1].column;
      }
    }
    diagnostics.push_back(std::move(d));
  }
  void add_all(int p, const char* severity, const std::vector<Finding>& fs) {
    for (const auto& f : fs) add(p, severity, f);
  }
};

// The id of the bundle a command rewrites wholesale, and whether it builds an index.
struct Touch {
  const Bundle* bundle = nullptr;
  uint32_t bundle_id = 0;
  const char* index = nullptr;
};

Touch whole_bundle_touch(const DatabaseSchema& s, const ast::Statement& st) {
  Touch t;
  if (auto* d = std::get_if<ast::DropBundle>(&st)) t.bundle = s.bundle(d->bundle);
  if (auto* c = std::get_if<ast::CreateIndex>(&st)) {
    t.bundle = s.bundle(c->bundle);
    t.index = c->name.c_str();
  }
  if (auto* u = std::get_if<ast::UpdateBundle>(&st)) {
    for (const auto& ch : u->changes) {
      bool rewrites = std::holds_alternative<ast::RemoveField>(ch) ||
                      std::holds_alternative<ast::RenameField>(ch) ||
                      std::holds_alternative<ast::ModifyField>(ch);
      if (auto* a = std::get_if<ast::AddField>(&ch)) rewrites = !a->field.default_value.is_null();
      if (rewrites) t.bundle = s.bundle(u->bundle);
    }
  }
  if (t.bundle) t.bundle_id = t.bundle->id;
  return t;
}

// The bundle a command names first (its target), or "".
std::string target_bundle(const ast::Statement& st) {
  return std::visit(
      [](const auto& c) -> std::string {
        if constexpr (requires { c.bundle; }) {
          if constexpr (std::is_convertible_v<decltype(c.bundle), std::string>) return c.bundle;
        }
        return "";
      },
      st);
}

// Replays the recorded ADD DOCUMENT commands of a simulated bundle on the scratch context.
void materialize(SimulatedAdds* adds, uint32_t bundle_id, const MigrationCommands& commands,
                 WriteContext& ctx) {
  for (size_t index : adds->take(bundle_id)) {
    std::optional<ast::Statement> parsed;
    if (!check_syntax(commands.up[index - 1], index, &parsed).empty() || !parsed) continue;
    Json ignored;
    (void)exec_command(ctx, *parsed, &ignored);
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

void simulate_pending(const PendingMigration& m, DatabaseSchema* overlay, WriteContext& ctx) {
  for (size_t i = 0; i < m.commands.up.size(); ++i) {
    std::optional<ast::Statement> parsed;
    if (!check_syntax(m.commands.up[i], i + 1, &parsed).empty() || !parsed) continue;
    if (!check_semantics(overlay, *parsed, i + 1).empty()) continue;
    Json ignored;
    (void)exec_command(ctx, *parsed, &ignored);
  }
}

}  // namespace

Outcome run(const Request& req, WriteContext& ctx) {
  Outcome out;
  Collector c{*req.commands};
  DatabaseSchema overlay = ctx.schema();
  std::optional<DatabaseSchema> live_copy;  // bundles holding existing documents
  if (!req.live) live_copy = ctx.schema();
  const DatabaseSchema& live = req.live ? *req.live : *live_copy;
  for (const auto& m : req.lower_pending) simulate_pending(m, &overlay, ctx);

  if (!req.checksum_verified) {
    c.add_all(0, "error", check_checksum(req.record->checksum,
                                         migration_checksum(*req.commands,
                                                            req.record->description)));
  }
  CostInput cost;
  cost.commands = req.commands->up.size();
  ReversibilityInput rev;
  rev.has_explicit_down = req.record->has_explicit_down;
  rev.explicit_down_count = req.commands->down.size();
  rev.require_explicit = req.settings.require_explicit_down_commands;
  bool desynced = false;  // an executed command failed: the context no longer follows the overlay
  SimulatedAdds adds;     // VALIDATE only: documents added to bundles the simulation created

  CommandStream stream(req.commands->up);
  // A large migration's stream prepares ADD DOCUMENTs against a published copy of the schema,
  // republished (at most once a chunk) when the schema has moved on. A prepared document is
  // used only while the schema is still the one it was prepared against.
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
    if (Status stop = ctx.session().interrupt->check(); !stop.ok()) {
      out.failure = interrupted(stop, req, i);
      break;
    }
    if (stream.threaded() && ctx.schema_generation() != published_generation &&
        i - published_at >= CommandStream::kChunk) {
      publish(i);
    }
    ParsedCommand command = stream.next(i);
    const PreparedAdd* ready = command.prepared && command.prepared->publication == publication &&
                                       ctx.schema_generation() == published_generation
                                   ? &*command.prepared
                                   : nullptr;
    const Bundle* ready_bundle = ready ? ctx.schema().bundle_by_id(ready->bundle_id) : nullptr;
    if (ready_bundle == nullptr ||
        ready_bundle->name != std::get<ast::AddDocument>(*command.statement).bundle) {
      ready = nullptr;
      ready_bundle = nullptr;
    }
    if (command.prepared && !ready) {
      // Prepared against a schema that has moved on since. Its values went into that
      // document, so the command is parsed again.
      command.prepared.reset();
      command.statement.reset();
      command.syntax = check_syntax(req.commands->up[i - 1], i, &command.statement);
    }
    const std::vector<Finding>& syntax = command.syntax;
    std::optional<ast::Statement>& parsed = command.statement;
    c.add_all(0, "error", syntax);
    if (!parsed) continue;
    if (auto* d = std::get_if<ast::DropBundle>(&*parsed); d && d->force) {
      rev.irreversible.emplace_back(i, parser::canonical(*parsed));
    }
    auto semantic = check_semantics(&overlay, *parsed, i);
    c.add_all(1, "error", semantic);
    if (!semantic.empty() || !syntax.empty()) continue;

    if (!req.apply) {
      const Bundle* target = ctx.schema().bundle(target_bundle(*parsed));
      if (target && adds.tracks(target->id)) {
        if (auto* a = std::get_if<ast::AddDocument>(&*parsed)) {
          // A ready document's bundle is `target`: the same name in the same schema.
          Status st = adds.add(ctx.schema(), *target, *a, i, ready ? &ready->document : nullptr);
          if (auto f = constraint_finding(st, i)) c.add(2, "error", *f);
          else if (!st.ok()) c.add(1, "error", Finding{st.message(), i});
          cost.documents_touched += 1;
          continue;
        }
        materialize(&adds, target->id, *req.commands, ctx);
      }
    }
    Touch touch = whole_bundle_touch(ctx.schema(), *parsed);
    uint64_t touched = 0;
    if (touch.bundle) {
      auto n = count_bundle(ctx.reader(), ctx.db_id(), touch.bundle->id);
      if (n.ok()) touched = *n;
    }
    std::optional<uint64_t> seq;
    if (std::holds_alternative<ast::AddDocument>(*parsed)) seq = ctx.next_doc_seq();
    if (req.down) req.down->add(ctx.schema(), *parsed, seq);

    Json response = Json::object();
    Status st = ready_bundle ? exec_add_prepared(ctx, *ready_bundle, ready->document)
                             : exec_command(ctx, *parsed, &response);
    if (st.code() == Code::kCancelled || st.code() == Code::kTimeout) {
      out.failure = interrupted(st, req, i);  // stopped inside the command
      break;
    }
    if (!st.ok()) {
      if (auto f = constraint_finding(st, i)) {
        c.add(2, "error", *f);
      } else if (req.apply) {
        out.failure = Status(st.code(), "command " + std::to_string(i) + " failed: " +
                                            st.message());
        break;
      } else if (!desynced) {
        c.add(1, "error", Finding{st.message(), i});
      }
      desynced = true;
    } else if (auto* cb = std::get_if<ast::CreateBundle>(&*parsed); cb && !req.apply) {
      if (const Bundle* b = ctx.schema().bundle(cb->bundle)) adds.created(b->id);
    } else if (touch.index) {
      ++cost.index_builds;
      cost.index_build_documents += touched;
      if (touched > 0 && live.bundle_by_id(touch.bundle_id)) {
        cost.builds.emplace_back(i, touch.index, touched);
      }
    } else {
      cost.documents_touched += touched;
      if (seq) cost.documents_touched += 1;
      if (response.contains("affected")) {
        cost.documents_touched += response["affected"].get<uint64_t>();
      }
    }
  }

  CostReport perf = estimate_cost(cost, req.settings);
  c.add_all(3, "warning", perf.warnings);
  ReversibilityReport reversibility = check_reversibility(rev);
  c.add_all(4, "warning", reversibility.warnings);

  out.errors = !c.phase[0].empty() || !c.phase[1].empty() || !c.phase[2].empty();
  out.warnings = !c.phase[3].empty() || !c.phase[4].empty();
  const char* overall = out.errors ? "FAIL" : out.warnings ? "PASS_WITH_WARNINGS" : "PASS";
  Json report = {
      {"migrationVersion", req.record->version},
      {"validatedAt", utc_now()},
      {"validatedBy", req.user},
      {"syntaxPhase", {{"passed", c.phase[0].empty()}, {"errors", c.phase[0]}}},
      {"semanticPhase", {{"passed", c.phase[1].empty()}, {"errors", c.phase[1]}}},
      {"constraintPhase", {{"passed", c.phase[2].empty()}, {"errors", c.phase[2]}}},
      {"performancePhase",
       {{"passed", c.phase[3].empty()},
        {"warnings", c.phase[3]},
        {"estimatedDuration", format_seconds(perf.seconds)},
        {"estimate", perf.estimate},
        {"commandCount", req.commands->up.size()}}},
      {"reversibilityPhase",
       {{"passed", c.phase[4].empty()},
        {"warnings", c.phase[4]},
        {"downCommandsGenerated", reversibility.down_generated}}},
      {"diagnostics", c.diagnostics},
      {"overallResult", overall},
      {"canApply", !out.errors && !out.warnings},
      {"canApplyWithForce", !out.errors}};
  if (c.dropped > 0) report["diagnosticsOmitted"] = c.dropped;
  out.report = std::move(report);
  return out;
}

}  // namespace strata::engine::validate
