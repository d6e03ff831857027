#include "engine/schema_checksum.hpp"

#include <algorithm>

#include "common/sha256.hpp"

namespace strata::engine {

std::string canonical_schema_text(const DatabaseSchema& schema) {
  std::vector<const Bundle*> bundles;
  for (const auto& b : schema.bundles) bundles.push_back(&b);
  std::sort(bundles.begin(), bundles.end(),
            [](const Bundle* a, const Bundle* b) { return a->name < b->name; });
  Json out = {{"bundles", Json::array()}, {"indexes", Json::array()}};
  for (const Bundle* b : bundles) {
    // Fields by name: a rollback re-adds a removed field at the end, and the schema it restores
    // is the same schema.
    std::vector<const Field*> sorted;
    for (const auto& f : b->fields) sorted.push_back(&f);
    std::sort(sorted.begin(), sorted.end(),
              [](const Field* x, const Field* y) { return x->name < y->name; });
    Json fields = Json::array();
    for (const Field* fp : sorted) {
      const Field& f = *fp;
      fields.push_back({f.name, parser::type_name(f.type), f.required, f.unique,
                        f.default_value});
    }
    std::vector<const Relationship*> rels;
    for (const auto& r : b->relationships) rels.push_back(&r);
    std::sort(rels.begin(), rels.end(),
              [](const Relationship* x, const Relationship* y) { return x->name < y->name; });
    Json rj = Json::array();
    for (const Relationship* r : rels) {
      const Bundle* to = schema.bundle_by_id(r->to_bundle);
      rj.push_back({r->name, to ? to->name : "", r->cardinality, r->from_field, r->to_field});
    }
    out["bundles"].push_back({{"name", b->name}, {"fields", fields}, {"relationships", rj}});
  }
  std::vector<const IndexDef*> idx;
  for (const auto& i : schema.indexes) idx.push_back(&i);
  std::sort(idx.begin(), idx.end(),
            [](const IndexDef* a, const IndexDef* b) { return a->name < b->name; });
  for (const IndexDef* i : idx) {
    const Bundle* b = schema.bundle_by_id(i->bundle_id);
    out["indexes"].push_back(
        {i->name, kind_name(i->kind), b ? b->name : "", i->fields, i->unique, i->implicit});
  }
  return out.dump();
}

std::string schema_checksum(const DatabaseSchema& schema) {
  return sha256_hex(canonical_schema_text(schema));
}

bool schema_drift(const DatabaseSchema& schema) {
  const std::string live = schema_checksum(schema);
  if (schema.schema_checksum.empty()) return live != schema_checksum(DatabaseSchema{});
  return live != schema.schema_checksum;
}

}  // namespace strata::engine
