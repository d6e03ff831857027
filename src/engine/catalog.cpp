#include "engine/catalog.hpp"

#include <algorithm>

namespace strata::engine {

const Field* Bundle::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}
Field* Bundle::field(std::string_view n) {
  for (auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}
const Relationship* Bundle::relationship(std::string_view n) const {
  for (const auto& r : relationships)
    if (r.name == n) return &r;
  return nullptr;
}

const Bundle* DatabaseSchema::bundle(std::string_view n) const {
  for (const auto& b : bundles)
    if (b.name == n) return &b;
  return nullptr;
}
Bundle* DatabaseSchema::bundle(std::string_view n) {
  for (auto& b : bundles)
    if (b.name == n) return &b;
  return nullptr;
}
const Bundle* DatabaseSchema::bundle_by_id(uint32_t id) const {
  for (const auto& b : bundles)
    if (b.id == id) return &b;
  return nullptr;
}
Bundle* DatabaseSchema::bundle_by_id(uint32_t id) {
  for (auto& b : bundles)
    if (b.id == id) return &b;
  return nullptr;
}
const IndexDef* DatabaseSchema::index(std::string_view n) const {
  for (const auto& i : indexes)
    if (i.name == n) return &i;
  return nullptr;
}
std::vector<const IndexDef*> DatabaseSchema::indexes_of(uint32_t bundle_id) const {
  std::vector<const IndexDef*> out;
  for (const auto& i : indexes)
    if (i.bundle_id == bundle_id) out.push_back(&i);
  return out;
}
const IndexDef* DatabaseSchema::implicit_index(uint32_t bundle_id, std::string_view f) const {
  for (const auto& i : indexes)
    if (i.implicit && i.bundle_id == bundle_id && i.fields.size() == 1 && i.fields[0] == f)
      return &i;
  return nullptr;
}
std::string DatabaseSchema::free_index_name(const std::string& base) const {
  if (!index(base)) return base;
  for (int n = 2;; ++n) {
    std::string candidate = base + "_" + std::to_string(n);
    if (!index(candidate)) return candidate;
  }
}

Status bundle_not_found(std::string_view name) {
  return Status(Code::kBundleNotFound, "Bundle '" + std::string(name) + "' does not exist");
}
Status field_not_found(std::string_view field, std::string_view bundle) {
  return Status(
      Code::kFieldNotFound,
      "Field '" + std::string(field) + "' does not exist in bundle '" + std::string(bundle) + "'");
}

Result<Field> bind_field(const ast::FieldDef& def, std::string_view bundle) {
  auto type = parser::resolve_type(def.type);
  if (!type) {
    return Status(Code::kUnknownType,
                  "Unknown type '" + def.type + "' for field '" + def.name + "'");
  }
  if (def.name.empty()) return Status(Code::kInvalidValue, "field name must not be empty");
  Field f{def.name, *type, def.required, def.unique, def.default_value};
  if (!f.default_value.is_null() && !parser::value_matches(*type, f.default_value)) {
    return Status(Code::kTypeMismatch, "Default value " + f.default_value.dump() + " of field '" +
                                           def.name + "' in bundle '" + std::string(bundle) +
                                           "' is not a " + parser::type_name(*type));
  }
  return f;
}

void add_implicit_index(DatabaseSchema* schema, const Bundle& bundle, const std::string& field) {
  IndexDef idx;
  idx.id = schema->next_index_id++;
  idx.name = schema->free_index_name(bundle.name + "_" + field + "_unique");
  idx.kind = ast::IndexKind::kHash;
  idx.bundle_id = bundle.id;
  idx.fields = {field};
  idx.unique = true;
  idx.implicit = true;
  schema->indexes.push_back(std::move(idx));
}

const char* kind_name(ast::IndexKind kind) {
  return kind == ast::IndexKind::kHash ? "HASH" : "BTREE";
}

Json to_json(const DatabaseSchema& s) {
  Json bundles = Json::array();
  for (const auto& b : s.bundles) {
    Json fields = Json::array();
    for (const auto& f : b.fields) {
      fields.push_back({{"name", f.name},
                        {"type", parser::type_name(f.type)},
                        {"required", f.required},
                        {"unique", f.unique},
                        {"default", f.default_value}});
    }
    Json rels = Json::array();
    for (const auto& r : b.relationships) {
      rels.push_back({{"name", r.name},
                      {"to", r.to_bundle},
                      {"cardinality", r.cardinality},
                      {"from_field", r.from_field},
                      {"to_field", r.to_field}});
    }
    bundles.push_back(
        {{"id", b.id}, {"name", b.name}, {"fields", fields}, {"relationships", rels}});
  }
  Json indexes = Json::array();
  for (const auto& i : s.indexes) {
    indexes.push_back({{"id", i.id},
                       {"name", i.name},
                       {"kind", kind_name(i.kind)},
                       {"bundle", i.bundle_id},
                       {"fields", i.fields},
                       {"unique", i.unique},
                       {"implicit", i.implicit}});
  }
  return {{"id", s.id},
          {"name", s.name},
          {"bundles", bundles},
          {"indexes", indexes},
          {"settings", s.settings},
          {"schema_checksum", s.schema_checksum},
          {"next_bundle_id", s.next_bundle_id},
          {"next_index_id", s.next_index_id}};
}

Result<DatabaseSchema> schema_from_json(const Json& j) {
  try {
    DatabaseSchema s;
    s.id = j.at("id").get<uint32_t>();
    s.name = j.at("name").get<std::string>();
    for (const auto& jb : j.at("bundles")) {
      Bundle b;
      b.id = jb.at("id").get<uint32_t>();
      b.name = jb.at("name").get<std::string>();
      for (const auto& jf : jb.at("fields")) {
        auto type = parser::resolve_type(jf.at("type").get<std::string>());
        if (!type) return Status(Code::kStorageError, "catalog holds an unknown field type");
        b.fields.push_back({jf.at("name").get<std::string>(), *type, jf.at("required").get<bool>(),
                            jf.at("unique").get<bool>(), jf.at("default")});
      }
      for (const auto& jr : jb.at("relationships")) {
        b.relationships.push_back({jr.at("name").get<std::string>(), jr.at("to").get<uint32_t>(),
                                   jr.at("cardinality").get<std::string>(),
                                   jr.at("from_field").get<std::string>(),
                                   jr.at("to_field").get<std::string>()});
      }
      s.bundles.push_back(std::move(b));
    }
    for (const auto& ji : j.at("indexes")) {
      IndexDef i;
      i.id = ji.at("id").get<uint32_t>();
      i.name = ji.at("name").get<std::string>();
      i.kind = ji.at("kind").get<std::string>() == "HASH" ? ast::IndexKind::kHash
                                                          : ast::IndexKind::kBtree;
      i.bundle_id = ji.at("bundle").get<uint32_t>();
      i.fields = ji.at("fields").get<std::vector<std::string>>();
      i.unique = ji.at("unique").get<bool>();
      i.implicit = ji.at("implicit").get<bool>();
      s.indexes.push_back(std::move(i));
    }
    s.settings = j.at("settings");
    s.schema_checksum = j.at("schema_checksum").get<std::string>();
    s.next_bundle_id = j.at("next_bundle_id").get<uint32_t>();
    s.next_index_id = j.at("next_index_id").get<uint32_t>();
    return s;
  } catch (const std::exception& e) {
    return Status(Code::kStorageError, std::string("catalog record is malformed: ") + e.what());
  }
}

}  // namespace strata::engine
