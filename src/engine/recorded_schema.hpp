#pragma once
// Recorded schemas and named drift (SPEC §4.10). Every APPLY and APPLY ROLLBACK records, in the
// same synced write, the schema it leaves under the version it leaves (ledger key 'S'<v>,
// storage/ledger_keys.hpp), bound to that migration's checksum (so a record never outlives a
// dropped and re-started version). From the records:
//   - SHOW SCHEMA [AT VERSION n]: the schema as JSON and as canonical CREATE statements;
//   - named drift: every difference between the live schema and the one recorded for the
//     current version, as {"object","name","change","message"} items (VERIFY MIGRATIONS, the
//     check at open, VALIDATE's semantic warnings, the adopting APPLY's event).
// A record is a header line {"migrationChecksum","schemaChecksum","kind","fullBytes"[,
// "checkpoint","chainBytes"]} and a body. A full record's body is the checksum's canonical
// text (schema_checksum.hpp) with fields in declaration order. An APPLY without drift records
// a delta instead: the bundles and indexes it added or changed (canonical entries) and the
// names of those it removed, against the record of the version before; a full record starts
// a new chain once the chain outgrows the last full record (or 8 KiB), so the ledger grows
// with the changes, not with the schema times the migrations, and a version reads back with
// one range scan of its chain. Reading a delta checks the result against its schema checksum
// (a chain that no longer leads to it reads as no record). A rollback that changes the
// record of its target writes the next version's record in full first (its chain started
// there). Records of the format before deltas (one JSON object) still read. The schema JSON shown by
// SHOW SCHEMA names objects (no internal ids): bundles by name, each with its fields in
// declaration order, its relationships by name and its indexes by name; documents excluded.
// Thread-safety: pure functions over a Reader / Txn owned by the caller.

#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/reader.hpp"

namespace strata::engine {

// {"Bundles":[{"Name","Fields":[{"Name","Type","Required","Unique","Default"}],
//   "Relationships":[{"Name","To","Cardinality","FromField","ToField"}],
//   "Indexes":[{"Name","Kind","Fields","Unique","Implicit"}]}]}, bundles by name.
Json schema_json(const DatabaseSchema& schema);
// One field as schema_json() and DESCRIBE BUNDLE show it: {"Name","Type","Required","Unique",
// "Default"}.
Json field_json(const Field& f);
// One field as a statement declares it (CREATE BUNDLE, ADD FIELD).
ast::FieldDef field_def(const Field& f);
// The schema a schema_json() describes (ids assigned afresh); kStorageError when malformed.
Result<DatabaseSchema> schema_from_json(const Json& json);
// Canonical statements that re-create the schema on an empty database: each CREATE BUNDLE
// (fields in order), then every explicit index, then every relationship.
std::vector<std::string> schema_statements(const DatabaseSchema& schema);

// Stages the record of the schema an APPLY leaves at `version`; `migration_checksum` is that
// migration's checksum, `checksum` the schema's (schema_checksum()). `before` is the schema the
// APPLY started from when it had no drift (the record of version - 1 then describes it, and
// a delta against it is recorded), else nullptr (a full record).
Status record_schema(storage::Txn& txn, uint32_t db, uint64_t version,
                     const std::string& migration_checksum, const DatabaseSchema& schema,
                     const std::string& checksum, const DatabaseSchema* before);
// Stages the record of the schema an APPLY ROLLBACK leaves at `version` ("" checksum of the
// migration for version 0): nothing when the record there already describes it.
Status record_rollback_schema(storage::Txn& txn, uint32_t db, uint64_t version,
                              const std::string& migration_checksum,
                              const DatabaseSchema& schema, const std::string& checksum);
// The schema recorded for `version`, if a record exists and belongs to the migration whose
// checksum is `migration_checksum`. Version 0 without a record is the empty schema.
Result<std::optional<DatabaseSchema>> load_recorded_schema(const Reader& reader, uint32_t db,
                                                           uint64_t version,
                                                           const std::string& migration_checksum);

// The differences between the schema recorded for the current version and `live`, as
// [{"object":"bundle","name":"Tmp","change":"added","message":"bundle 'Tmp' exists but no
// applied migration created it"}, ...]; empty when `live` has the recorded checksum. Without a
// record to compare with, one item with object "schema".
Result<Json> named_drift(const Reader& reader, const DatabaseSchema& live);
// The messages of named_drift()'s items, each prefixed by `prefix`.
std::vector<std::string> drift_messages(const Json& drift, const std::string& prefix = "");

}  // namespace strata::engine
