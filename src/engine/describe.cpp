// SPEC §5.1 shapes of bundles and indexes, shared by SHOW BUNDLES, DESCRIBE BUNDLE and
// SHOW INDEXES. A bundle also carries `BundleMetadata`, the same schema keyed by name in the
// shape SyndrDB's own drivers read (their schema sync and type generation), so they work
// unmodified: FieldDefinitions, Indexes (IndexType "hash" / "btree" with a HashIndexField or
// BTreeIndexField naming the index's first field) and Relationships.
#include "engine/executors.hpp"
#include "engine/recorded_schema.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {
Json or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }
}  // namespace

Json index_json(const DatabaseSchema& schema, const IndexDef& idx) {
  const Bundle* b = schema.bundle_by_id(idx.bundle_id);
  return {{"Name", idx.name},     {"Kind", kind_name(idx.kind)}, {"Bundle", b ? b->name : ""},
          {"Fields", idx.fields}, {"Unique", idx.unique},        {"Implicit", idx.implicit}};
}

namespace {

// SPEC §5.1's BundleMetadata of bundle `b`.
Json bundle_metadata(const DatabaseSchema& schema, const Bundle& b) {
  Json fields = Json::object();
  for (const auto& f : b.fields) {
    fields[f.name] = {{"Name", f.name},
                      {"Type", parser::type_name(f.type)},
                      {"Required", f.required},
                      {"Unique", f.unique},
                      {"DefaultValue", f.default_value}};
  }
  Json indexes = Json::object();
  for (const auto* idx : schema.indexes_of(b.id)) {
    const bool hash = idx->kind == ast::IndexKind::kHash;
    Json field = {{"FieldName", idx->fields.empty() ? std::string() : idx->fields.front()},
                  {"IsUnique", idx->unique}};
    indexes[idx->name] = {{"IndexName", idx->name},
                          {"IndexType", hash ? "hash" : "btree"},
                          {hash ? "HashIndexField" : "BTreeIndexField", std::move(field)}};
  }
  Json rels = Json::object();
  for (const auto& r : b.relationships) {
    const Bundle* to = schema.bundle_by_id(r.to_bundle);
    rels[r.name] = {{"Name", r.name},
                    {"FromBundle", b.name},
                    {"ToBundle", to ? to->name : ""},
                    {"Cardinality", or_null(r.cardinality)}};
  }
  return {{"Name", b.name},
          {"DocumentStructure", {{"FieldDefinitions", std::move(fields)}}},
          {"Indexes", std::move(indexes)},
          {"Relationships", std::move(rels)}};
}

}  // namespace

Result<Json> bundle_json(const Reader& reader, const DatabaseSchema& schema, const Bundle& b) {
  Json fields = Json::array();
  for (const auto& f : b.fields) fields.push_back(field_json(f));
  Json rels = Json::array();
  for (const auto& r : b.relationships) {
    const Bundle* to = schema.bundle_by_id(r.to_bundle);
    rels.push_back({{"Name", r.name},
                    {"From", b.name},
                    {"To", to ? to->name : ""},
                    {"Cardinality", or_null(r.cardinality)},
                    {"FromField", or_null(r.from_field)},
                    {"ToField", or_null(r.to_field)}});
  }
  Json indexes = Json::array();
  for (const auto* idx : schema.indexes_of(b.id)) indexes.push_back(index_json(schema, *idx));
  auto count = count_bundle(reader, schema.id, b.id);
  if (!count.ok()) return count.status();
  return Json{{"Name", b.name},
              {"Fields", fields},
              {"Relationships", rels},
              {"Indexes", indexes},
              {"DocumentCount", *count},
              {"BundleMetadata", bundle_metadata(schema, b)}};
}

}  // namespace strata::engine
