#include "engine/validate/down_check.hpp"

#include "engine/binder.hpp"
#include "engine/executors.hpp"
#include "engine/schema_change.hpp"
#include "engine/schema_diff.hpp"
#include "engine/undo.hpp"
#include "parser/parser.hpp"

namespace strata::engine::validate {

namespace {

Finding would_fail(size_t command, const std::string& text, const std::string& why) {
  return {"DOWN command " + text + " would fail: " + why, command};
}

// A DOWN list restores its own migration's undo snapshot only: another migration's would undo
// that one's changes while it stays APPLIED, and leave this one's in place.
Status own_snapshot(const ast::RestoreDocuments& r, uint64_t version) {
  if (r.migration == version) return Status::Ok();
  return restore_of_other_migration(r.migration, version);
}

void compare(const DatabaseSchema& before, const DatabaseSchema& after, DownCheck* out) {
  // The usual outcome, the same objects with the same ids, is told without schema_diff's
  // name maps.
  if (before.bundles == after.bundles && before.indexes == after.indexes) return;
  for (const auto& d : schema_diff(before, after)) {
    out->warnings.push_back({"the DOWN commands leave the schema different: " + describe(d), 0});
  }
}

// Parses one stored DOWN command (DOWN-only statements such as RESTORE DOCUMENTS allowed).
std::optional<ast::Statement> parse_down(const std::string& text) {
  auto parsed = parser::parse("START MIGRATION DOWN\n" + text + "\nCOMMIT");
  if (!parsed.ok() || parsed.script().size() != 1) return std::nullopt;
  const auto& m = std::get<ast::StartMigration>(parsed.script().front());
  if (m.down.size() != 1 || !m.down.front().statement) return std::nullopt;
  return *m.down.front().statement;
}

// Runs `step(statement)` on each DOWN command in order, stopping at the first that does not
// parse or fails: the commands after it would run on a state the rollback never reaches.
template <typename Step>
void each_command(const std::vector<std::string>& down, size_t first_command, DownCheck* out,
                  Step&& step) {
  for (size_t i = 0; i < down.size(); ++i) {
    auto st = parse_down(down[i]);
    Status result = st ? step(*st) : Status(Code::kSyntaxError, "it does not parse");
    if (!result.ok()) {
      out->errors.push_back(would_fail(first_command + i, down[i], result.message()));
      return;
    }
  }
}

}  // namespace

DownCheck check_down(WriteContext& ctx, const std::vector<std::string>& down,
                     const MigrationRecord& record, const DatabaseSchema& before,
                     size_t first_command) {
  DownCheck out;
  each_command(down, first_command, &out, [&](const ast::Statement& st) -> Status {
    if (auto* r = std::get_if<ast::RestoreDocuments>(&st)) {
      STRATA_RETURN_IF_ERROR(own_snapshot(*r, record.version));
      uint64_t restored = 0;
      std::vector<Conflict> conflicts;
      Status result = restore_documents(ctx, *r, record, &restored, &conflicts);
      if (result.ok() && !conflicts.empty()) {
        return Status(Code::kRollbackConflict, "a restored unique value is taken");
      }
      return result;
    }
    Json response;
    return exec_command(ctx, st, &response);
  });
  if (out.errors.empty()) compare(before, ctx.schema(), &out);
  return out;
}

DownCheck check_down_catalog(const DatabaseSchema& after_up, const std::vector<std::string>& down,
                             const DatabaseSchema& before, uint64_t version,
                             size_t first_command) {
  DownCheck out;
  DatabaseSchema schema = after_up;
  each_command(down, first_command, &out, [&](const ast::Statement& st) -> Status {
    if (auto* r = std::get_if<ast::RestoreDocuments>(&st)) {
      STRATA_RETURN_IF_ERROR(own_snapshot(*r, version));
    }
    if (std::holds_alternative<ast::RestoreDocuments>(st) ||
        std::holds_alternative<ast::AddDocument>(st) ||
        std::holds_alternative<ast::UpdateDocuments>(st) ||
        std::holds_alternative<ast::DeleteDocuments>(st)) {
      // Documents are not the catalog's business; their bundle must exist.
      std::string bundle = std::visit(
          [](const auto& c) -> std::string {
            if constexpr (requires { c.bundle; }) {
              if constexpr (std::is_convertible_v<decltype(c.bundle), std::string>) return c.bundle;
            }
            return "";
          },
          st);
      return schema.bundle(bundle) ? Status::Ok() : bundle_not_found(bundle);
    }
    auto bound = bind_command(schema, st);
    if (!bound.ok()) return bound.status();
    schema_change::apply(&schema, *bound);
    return Status::Ok();
  });
  if (out.errors.empty()) compare(before, schema, &out);
  return out;
}

}  // namespace strata::engine::validate
