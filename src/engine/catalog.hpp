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
// Persistence: the whole schema is one JSON record (keys.hpp catalog_key); to_json/from_json
// convert, and from_json refuses a malformed record with kStorageError.
// Thread-safety: plain values; a published schema is shared read-only between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "parser/ast.hpp"
#include "parser/syntax_check.hpp"

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

struct DatabaseSchema {
  uint32_t id = 0;
  std::string name;
  std::vector<Bundle> bundles;     // creation order
  std::vector<IndexDef> indexes;   // creation order
  Json settings = Json::object();  // per-database overrides, canonical setting names
  std::string schema_checksum;     // SHA-256 hex recorded by APPLY / ROLLBACK (SPEC §4.10)
  uint32_t next_bundle_id = 1;
  uint32_t next_index_id = 1;

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

// "Bundle 'B' does not exist" as a BUNDLE_NOT_FOUND status, and friends.
Status bundle_not_found(std::string_view name);
Status field_not_found(std::string_view field, std::string_view bundle);

// Resolves an AST field definition: the type must be known (UNKNOWN_TYPE) and a non-null
// default must match it (TYPE_MISMATCH).
Result<Field> bind_field(const ast::FieldDef& def, std::string_view bundle);

// Adds `field`'s implicit unique hash index to `schema` (name "<Bundle>_<field>_unique").
void add_implicit_index(DatabaseSchema* schema, const Bundle& bundle, const std::string& field);

Json to_json(const DatabaseSchema& schema);
Result<DatabaseSchema> schema_from_json(const Json& json);

const char* kind_name(ast::IndexKind kind);  // "HASH" / "BTREE"

}  // namespace strata::engine
