#pragma once
// The bound catalog of one database (SPEC §1): bundles, fields, relationships, indexes,
// settings overrides and counters, resolved from the AST into engine types (DuckDB's parsed vs
// bound split: types are resolved FieldType values, relationship targets are bundle ids).
//
// A DatabaseSchema is immutable once published: the engine holds it as
// std::shared_ptr<const DatabaseSchema>. A change copies it (copy-on-write), mutates the copy
// inside one statement's WriteContext, and publishes the copy only after its commit
// succeeded. The same copy is the overlay on which the validator simulates migrations.
//
// Persistence (keys.hpp): a header record (name, settings, checksum, next ids), one record
// per bundle (with its fields and relationships) and one per index, all JSON. stage_catalog
// writes only the records a change touched (so a schema change costs what it changed, not the
// size of the catalog); CatalogRecords reassembles a schema from its records and refuses a
// malformed one with kStorageError.
// Thread-safety: plain values; a published schema is shared read-only between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"
#include "parser/ast.hpp"
#include "parser/syntax_check.hpp"
#include "storage/store.hpp"

namespace strata::engine {

using parser::FieldType;

struct Field {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  bool unique = false;
  Json default_value;  // null: no default
  bool operator==(const Field&) const = default;
};

struct Relationship {
  std::string name;
  uint32_t to_bundle = 0;   // target bundle id (renames follow automatically)
  std::string cardinality;  // "" when unspecified
  std::string from_field;
  std::string to_field;
  bool operator==(const Relationship&) const = default;
};

struct Bundle {
  uint32_t id = 0;
  std::string name;
  std::vector<Field> fields;  // declaration order
  std::vector<Relationship> relationships;

  const Field* field(std::string_view name) const;
  Field* field(std::string_view name);
  const Relationship* relationship(std::string_view name) const;
  bool operator==(const Bundle&) const = default;
};

struct IndexDef {
  uint32_t id = 0;
  std::string name;
  ast::IndexKind kind = ast::IndexKind::kHash;
  uint32_t bundle_id = 0;
  std::vector<std::string> fields;
  bool unique = false;
  bool implicit = false;  // the implicit unique hash index of a unique field
  bool operator==(const IndexDef&) const = default;
};

// The checksum of a schema that will not change again (schema_checksum.hpp seal_checksum: the
// engine seals a schema when it publishes it). A copy starts unsealed, so a copy being changed
// never carries its original's checksum; equality ignores it.
class SealedChecksum {
 public:
  SealedChecksum() = default;
  SealedChecksum(const SealedChecksum&) {}
  SealedChecksum& operator=(const SealedChecksum&) {
    value_.clear();
    return *this;
  }
  bool operator==(const SealedChecksum&) const { return true; }
  const std::string& value() const { return value_; }  // "" when unsealed
  void set(std::string checksum) { value_ = std::move(checksum); }

 private:
  std::string value_;
};

struct DatabaseSchema {
  uint32_t id = 0;
  std::string name;
  std::vector<Bundle> bundles;     // creation order
  std::vector<IndexDef> indexes;   // creation order
  Json settings = Json::object();  // per-database overrides, canonical setting names
  std::string schema_checksum;     // SHA-256 hex recorded by APPLY / ROLLBACK (SPEC §4.10)
  uint32_t next_bundle_id = 1;
  uint32_t next_index_id = 1;
  SealedChecksum sealed;  // schema_checksum() of this schema once published

  const Bundle* bundle(std::string_view name) const;
  Bundle* bundle(std::string_view name);
  const Bundle* bundle_by_id(uint32_t id) const;
  Bundle* bundle_by_id(uint32_t id);
  const IndexDef* index(std::string_view name) const;
  // Indexes of a bundle, in creation order.
  std::vector<const IndexDef*> indexes_of(uint32_t bundle_id) const;
  // The implicit unique index of a field, if any.
  const IndexDef* implicit_index(uint32_t bundle_id, std::string_view field) const;
  // A fresh index name based on `base` that no index uses yet.
  std::string free_index_name(const std::string& base) const;
  bool operator==(const DatabaseSchema&) const = default;
};

// "Bundle 'B' does not exist" as a BUNDLE_NOT_FOUND status, and friends. Given what exists,
// the status carries the nearest name as its "didYouMean" detail when one is near enough
// (common/suggest.hpp): "Userz" → "Users", "users" → "Users".
Status bundle_not_found(std::string_view name, const DatabaseSchema* schema = nullptr);
Status field_not_found(std::string_view field, std::string_view bundle);
Status field_not_found(std::string_view field, const Bundle& bundle);
// `status` with the name among `candidates` nearest to `name` as its "didYouMean" detail, if
// one is near enough.
Status with_suggestion(Status status, std::string_view name,
                       const std::vector<std::string>& candidates);

// Resolves an AST field definition: the type must be known (UNKNOWN_TYPE) and a non-null
// default must match it (TYPE_MISMATCH).
Result<Field> bind_field(const ast::FieldDef& def, std::string_view bundle);

// The catalog records' JSON (keys.hpp catalog_key, catalog_bundle_key, catalog_index_key).
Json header_to_json(const DatabaseSchema& schema);  // all but bundles and indexes
Json field_to_json(const Field& field);  // {"name","type","required","unique","default"}
Json bundle_to_json(const Bundle& bundle);
Json index_to_json(const IndexDef& index);
// Sets the header fields of `schema` from a header record (kStorageError when malformed).
Status header_from_json(const Json& json, DatabaseSchema* schema);
Result<Bundle> bundle_from_json(const Json& json);
Result<IndexDef> index_from_json(const Json& json);

// Stages into `txn` the catalog records of `now` that differ from `base` (the schema as
// stored; nullptr when nothing is stored yet, e.g. CREATE DATABASE): the header if any header
// field changed, each added or changed bundle and index (matched by id), and a delete for each
// bundle and index of `base` that `now` no longer has. Cost: O(size of the catalog) to compare,
// plus the serialization of what changed.
void stage_catalog(storage::Txn& txn, const DatabaseSchema* base, const DatabaseSchema& now);

// Reassembles one database's schema from its kCatalog records, fed in any order.
class CatalogRecords {
 public:
  // `suffix` is the record's key without the 4-byte database prefix. Keys that are not
  // catalog records (the document counter) are ignored. kStorageError on a record that is
  // not JSON ("unreadable catalog record") or is malformed.
  Status add(std::string_view suffix, std::string_view value);
  bool has_header() const { return has_header_; }
  // The schema, bundles and indexes in id (= creation) order; kStorageError without header.
  Result<DatabaseSchema> build() &&;

 private:
  DatabaseSchema schema_;
  bool has_header_ = false;
};

const char* kind_name(ast::IndexKind kind);  // "HASH" / "BTREE"

}  // namespace strata::engine
