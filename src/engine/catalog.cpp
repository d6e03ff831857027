#include "engine/catalog.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/status_details.hpp"
#include "common/suggest.hpp"
#include "storage/keys.hpp"

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

Status with_suggestion(Status status, std::string_view name,
                       const std::vector<std::string>& candidates) {
  auto near = nearest(name, candidates);
  if (!near || *near == name) return status;
  return with_details(std::move(status), Json{{"didYouMean", *near}});
}

Status bundle_not_found(std::string_view name, const DatabaseSchema* schema) {
  Status status(Code::kBundleNotFound, "Bundle '" + std::string(name) + "' does not exist");
  if (!schema) return status;
  std::vector<std::string> names;
  for (const Bundle& b : schema->bundles) names.push_back(b.name);
  return with_suggestion(std::move(status), name, names);
}
Status field_not_found(std::string_view field, std::string_view bundle) {
  return Status(
      Code::kFieldNotFound,
      "Field '" + std::string(field) + "' does not exist in bundle '" + std::string(bundle) + "'");
}
Status field_not_found(std::string_view field, const Bundle& bundle) {
  std::vector<std::string> names = {"DocumentID"};
  for (const Field& f : bundle.fields) names.push_back(f.name);
  return with_suggestion(field_not_found(field, bundle.name), field, names);
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

const char* kind_name(ast::IndexKind kind) {
  return kind == ast::IndexKind::kHash ? "HASH" : "BTREE";
}

namespace {

namespace keys = storage::keys;

Status malformed(const std::string& what) {
  return Status(Code::kStorageError, "catalog record is malformed: " + what);
}

// The header fields of a schema: everything but its bundles and indexes.
bool same_header(const DatabaseSchema& a, const DatabaseSchema& b) {
  return a.id == b.id && a.name == b.name && a.settings == b.settings &&
         a.schema_checksum == b.schema_checksum && a.next_bundle_id == b.next_bundle_id &&
         a.next_index_id == b.next_index_id;
}

// Stages the records of `now` that differ from `base` (matched by id) and deletes those of
// objects `base` has and `now` lacks. `key` builds a record key from an object id.
template <typename T, typename KeyFn, typename JsonFn>
void stage_records(storage::Txn& txn, const std::vector<T>* base, const std::vector<T>& now,
                   KeyFn key, JsonFn to_json_fn) {
  std::unordered_map<uint32_t, const T*> before;
  if (base) {
    before.reserve(base->size());
    for (const auto& x : *base) before.emplace(x.id, &x);
  }
  for (const auto& x : now) {
    auto it = before.find(x.id);
    if (it != before.end()) {
      const bool same = *it->second == x;
      before.erase(it);
      if (same) continue;
    }
    txn.put(storage::Space::kCatalog, key(x.id), to_json_fn(x).dump());
  }
  for (const auto& [id, x] : before) txn.del(storage::Space::kCatalog, key(id));
}

}  // namespace

Json field_to_json(const Field& f) {
  return {{"name", f.name},
          {"type", parser::type_name(f.type)},
          {"required", f.required},
          {"unique", f.unique},
          {"default", f.default_value}};
}

Json bundle_to_json(const Bundle& b) {
  Json fields = Json::array();
  for (const auto& f : b.fields) fields.push_back(field_to_json(f));
  Json rels = Json::array();
  for (const auto& r : b.relationships) {
    rels.push_back({{"name", r.name},
                    {"to", r.to_bundle},
                    {"cardinality", r.cardinality},
                    {"from_field", r.from_field},
                    {"to_field", r.to_field}});
  }
  return {{"id", b.id}, {"name", b.name}, {"fields", fields}, {"relationships", rels}};
}

Json index_to_json(const IndexDef& i) {
  return {{"id", i.id},
          {"name", i.name},
          {"kind", kind_name(i.kind)},
          {"bundle", i.bundle_id},
          {"fields", i.fields},
          {"unique", i.unique},
          {"implicit", i.implicit}};
}

Json header_to_json(const DatabaseSchema& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"settings", s.settings},
          {"schema_checksum", s.schema_checksum},
          {"next_bundle_id", s.next_bundle_id},
          {"next_index_id", s.next_index_id}};
}

Status header_from_json(const Json& j, DatabaseSchema* s) {
  try {
    s->id = j.at("id").get<uint32_t>();
    s->name = j.at("name").get<std::string>();
    s->settings = j.at("settings");
    s->schema_checksum = j.at("schema_checksum").get<std::string>();
    s->next_bundle_id = j.at("next_bundle_id").get<uint32_t>();
    s->next_index_id = j.at("next_index_id").get<uint32_t>();
    return Status::Ok();
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
}

Result<Bundle> bundle_from_json(const Json& jb) {
  try {
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
    return b;
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
}

Result<IndexDef> index_from_json(const Json& ji) {
  try {
    IndexDef i;
    i.id = ji.at("id").get<uint32_t>();
    i.name = ji.at("name").get<std::string>();
    i.kind = ji.at("kind").get<std::string>() == "HASH" ? ast::IndexKind::kHash
                                                        : ast::IndexKind::kBtree;
    i.bundle_id = ji.at("bundle").get<uint32_t>();
    i.fields = ji.at("fields").get<std::vector<std::string>>();
    i.unique = ji.at("unique").get<bool>();
    i.implicit = ji.at("implicit").get<bool>();
    return i;
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
}

void stage_catalog(storage::Txn& txn, const DatabaseSchema* base, const DatabaseSchema& now) {
  if (!base || !same_header(*base, now))
    txn.put(storage::Space::kCatalog, keys::catalog_key(now.id), header_to_json(now).dump());
  const uint32_t db = now.id;
  stage_records(
      txn, base ? &base->bundles : nullptr, now.bundles,
      [db](uint32_t id) { return keys::catalog_bundle_key(db, id); }, bundle_to_json);
  stage_records(
      txn, base ? &base->indexes : nullptr, now.indexes,
      [db](uint32_t id) { return keys::catalog_index_key(db, id); }, index_to_json);
}

Status CatalogRecords::add(std::string_view suffix, std::string_view value) {
  if (suffix.empty()) return Status::Ok();
  const char tag = suffix[0];
  const bool header = suffix.size() == 1 && tag == keys::kCatalogHeaderTag;
  const bool object =
      suffix.size() == 5 && (tag == keys::kCatalogBundleTag || tag == keys::kCatalogIndexTag);
  if (!header && !object) return Status::Ok();  // the document counter, or not a catalog record
  Json j = Json::parse(value, nullptr, false);
  if (j.is_discarded()) return Status(Code::kStorageError, "unreadable catalog record");
  if (header) {
    STRATA_RETURN_IF_ERROR(header_from_json(j, &schema_));
    has_header_ = true;
  } else if (tag == keys::kCatalogBundleTag) {
    auto b = bundle_from_json(j);
    if (!b.ok()) return b.status();
    schema_.bundles.push_back(std::move(*b));
  } else {
    auto i = index_from_json(j);
    if (!i.ok()) return i.status();
    schema_.indexes.push_back(std::move(*i));
  }
  return Status::Ok();
}

Result<DatabaseSchema> CatalogRecords::build() && {
  if (!has_header_) return Status(Code::kStorageError, "catalog header record missing");
  auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
  std::stable_sort(schema_.bundles.begin(), schema_.bundles.end(), by_id);
  std::stable_sort(schema_.indexes.begin(), schema_.indexes.end(), by_id);
  return std::move(schema_);
}

}  // namespace strata::engine
