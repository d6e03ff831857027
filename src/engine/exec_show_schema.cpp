// SPEC §4.10: SHOW SCHEMA [AT VERSION n]. Without AT: the live schema (with its drift, if
// any). AT VERSION n: the schema the ledger recorded when it last arrived at version n (its
// APPLY, or a ROLLBACK to it; recorded_schema.hpp); version 0 without a record is the empty
// schema. Answers
//   {"database","version","source":"live"|"recorded","currentVersion","schemaChecksum",
//    "statements":[canonical CREATE text, ...],"schema":{"Bundles":[...]},"drift":[...]}
// Errors: MIGRATION_NOT_FOUND (no migration n), SCHEMA_NOT_RECORDED (n never applied).
#include "common/status_details.hpp"
#include "engine/exec_migration.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/schema_checksum.hpp"

namespace strata::engine {

Status exec_show_schema(Engine& e, Session& s, const ast::ShowSchema& x, Json* out) {
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  const Reader& reader = *view->reader;
  const DatabaseSchema& live = *view->schema;
  auto current = current_version_of(reader, live.id);
  if (!current.ok()) return current.status();

  DatabaseSchema shown;
  if (!x.version) {
    shown = live;
    auto drift = named_drift(reader, live);
    if (!drift.ok()) return drift.status();
    (*out)["source"] = "live";
    (*out)["drift"] = *drift;
  } else {
    const uint64_t n = *x.version;
    std::string checksum;
    if (n > 0) {
      auto rec = load_record(reader, live.id, n);
      if (!rec.ok()) return rec.status();
      if (!*rec)
        return with_details(Status(Code::kMigrationNotFound, "migration not found"),
                            Json{{"version", n}});
      checksum = (*rec)->checksum;
    }
    auto recorded = load_recorded_schema(reader, live.id, n, checksum);
    if (!recorded.ok()) return recorded.status();
    if (!*recorded) {
      return with_details(Status(Code::kSchemaNotRecorded,
                                 "no schema is recorded for version " + std::to_string(n) +
                                     ": it was never applied (or rolled back to)"),
                          Json{{"version", n}});
    }
    shown = std::move(**recorded);
    (*out)["source"] = "recorded";
  }
  (*out)["message"] = x.version ? "Schema at version " + std::to_string(*x.version)
                                : std::string("Live schema");
  (*out)["database"] = live.name;
  (*out)["version"] = x.version ? *x.version : *current;
  (*out)["currentVersion"] = *current;
  (*out)["schemaChecksum"] = schema_checksum(shown);
  (*out)["statements"] = schema_statements(shown);
  (*out)["schema"] = schema_json(shown);
  return Status::Ok();
}

}  // namespace strata::engine
