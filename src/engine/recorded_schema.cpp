#include "engine/recorded_schema.hpp"

#include <algorithm>
#include <map>

#include "engine/ledger.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/schema_diff.hpp"
#include "parser/canonical.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace lk = storage::ledger_keys;

namespace {

template <typename T>
std::vector<const T*> by_name(const std::vector<T>& items) {
  std::vector<const T*> out;
  for (const auto& x : items) out.push_back(&x);
  std::sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->name < b->name; });
  return out;
}

Status malformed(const std::string& what) {
  return Status(Code::kStorageError, "recorded schema is malformed: " + what);
}

// "bundle 'Tmp'" -> ("bundle", "Tmp").
std::pair<std::string, std::string> split_object(const std::string& object) {
  const size_t space = object.find(' ');
  if (space == std::string::npos) return {object, ""};
  std::string name = object.substr(space + 1);
  if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'')
    name = name.substr(1, name.size() - 2);
  return {object.substr(0, space), name};
}

Json drift_item(const SchemaDifference& d) {
  auto [object, name] = split_object(d.object);
  std::string change, message;
  switch (d.kind) {
    case SchemaDifference::Kind::kAdded:
      change = "added";
      message = d.object + " exists but no applied migration created it";
      break;
    case SchemaDifference::Kind::kRemoved:
      change = "removed";
      message = d.object + " was removed outside migrations (the last applied migration left it)";
      break;
    case SchemaDifference::Kind::kChanged:
      change = "changed";
      message = d.object + " was changed outside migrations: " + d.detail;
      break;
  }
  return {{"object", object}, {"name", name}, {"change", change}, {"message", message}};
}

// The schema of canonical_schema_text(): {"bundles":[{"name","fields":[[name,type,required,
// unique,default]],"relationships":[[name,to,cardinality,from_field,to_field]]}],
// "indexes":[[name,kind,bundle,fields,unique,implicit]]}.
Result<DatabaseSchema> schema_from_canonical(const Json& json) {
  DatabaseSchema s;
  try {
    const Json& bundles = json.at("bundles");
    for (const auto& jb : bundles) {
      Bundle b;
      b.id = s.next_bundle_id++;
      b.name = jb.at("name").get<std::string>();
      for (const auto& jf : jb.at("fields")) {
        auto type = parser::resolve_type(jf.at(1).get<std::string>());
        if (!type) return malformed("unknown field type");
        b.fields.push_back({jf.at(0).get<std::string>(), *type, jf.at(2).get<bool>(),
                            jf.at(3).get<bool>(), jf.at(4)});
      }
      s.bundles.push_back(std::move(b));
    }
    for (size_t n = 0; n < bundles.size(); ++n) {
      for (const auto& jr : bundles[n].at("relationships")) {
        const Bundle* to = s.bundle(jr.at(1).get<std::string>());
        s.bundles[n].relationships.push_back(
            {jr.at(0).get<std::string>(), to ? to->id : 0, jr.at(2).get<std::string>(),
             jr.at(3).get<std::string>(), jr.at(4).get<std::string>()});
      }
    }
    for (const auto& ji : json.at("indexes")) {
      const Bundle* b = s.bundle(ji.at(2).get<std::string>());
      if (!b) return malformed("an index names an unknown bundle");
      IndexDef i;
      i.id = s.next_index_id++;
      i.name = ji.at(0).get<std::string>();
      i.kind = ji.at(1).get<std::string>() == "HASH" ? ast::IndexKind::kHash
                                                     : ast::IndexKind::kBtree;
      i.bundle_id = b->id;
      i.fields = ji.at(3).get<std::vector<std::string>>();
      i.unique = ji.at(4).get<bool>();
      i.implicit = ji.at(5).get<bool>();
      s.indexes.push_back(std::move(i));
    }
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
  return s;
}

}  // namespace

ast::FieldDef field_def(const Field& f) {
  ast::FieldDef d;
  d.name = f.name;
  d.type = parser::type_name(f.type);
  d.required = f.required;
  d.unique = f.unique;
  d.default_value = f.default_value;
  return d;
}

Json field_json(const Field& f) {
  return {{"Name", f.name},
          {"Type", parser::type_name(f.type)},
          {"Required", f.required},
          {"Unique", f.unique},
          {"Default", f.default_value}};
}

Json schema_json(const DatabaseSchema& schema) {
  Json bundles = Json::array();
  for (const Bundle* b : by_name(schema.bundles)) {
    Json fields = Json::array();
    for (const auto& f : b->fields) fields.push_back(field_json(f));
    Json rels = Json::array();
    for (const Relationship* r : by_name(b->relationships)) {
      const Bundle* to = schema.bundle_by_id(r->to_bundle);
      rels.push_back({{"Name", r->name},
                      {"To", to ? to->name : ""},
                      {"Cardinality", r->cardinality},
                      {"FromField", r->from_field},
                      {"ToField", r->to_field}});
    }
    std::vector<const IndexDef*> own = schema.indexes_of(b->id);
    std::sort(own.begin(), own.end(),
              [](const IndexDef* x, const IndexDef* y) { return x->name < y->name; });
    Json indexes = Json::array();
    for (const IndexDef* i : own) {
      indexes.push_back({{"Name", i->name},
                         {"Kind", kind_name(i->kind)},
                         {"Fields", i->fields},
                         {"Unique", i->unique},
                         {"Implicit", i->implicit}});
    }
    bundles.push_back({{"Name", b->name},
                       {"Fields", std::move(fields)},
                       {"Relationships", std::move(rels)},
                       {"Indexes", std::move(indexes)}});
  }
  return {{"Bundles", std::move(bundles)}};
}

Result<DatabaseSchema> schema_from_json(const Json& json) {
  DatabaseSchema s;
  try {
    const Json& bundles = json.at("Bundles");
    for (const auto& jb : bundles) {
      Bundle b;
      b.id = s.next_bundle_id++;
      b.name = jb.at("Name").get<std::string>();
      for (const auto& jf : jb.at("Fields")) {
        auto type = parser::resolve_type(jf.at("Type").get<std::string>());
        if (!type) return malformed("unknown field type");
        b.fields.push_back({jf.at("Name").get<std::string>(), *type,
                            jf.at("Required").get<bool>(), jf.at("Unique").get<bool>(),
                            jf.at("Default")});
      }
      s.bundles.push_back(std::move(b));
    }
    // Relationships and indexes name bundles: resolved once every bundle has its id.
    for (size_t n = 0; n < bundles.size(); ++n) {
      const Json& jb = bundles[n];
      for (const auto& jr : jb.at("Relationships")) {
        const Bundle* to = s.bundle(jr.at("To").get<std::string>());
        s.bundles[n].relationships.push_back(
            {jr.at("Name").get<std::string>(), to ? to->id : 0,
             jr.at("Cardinality").get<std::string>(), jr.at("FromField").get<std::string>(),
             jr.at("ToField").get<std::string>()});
      }
      for (const auto& ji : jb.at("Indexes")) {
        IndexDef i;
        i.id = s.next_index_id++;
        i.name = ji.at("Name").get<std::string>();
        i.kind = ji.at("Kind").get<std::string>() == "HASH" ? ast::IndexKind::kHash
                                                            : ast::IndexKind::kBtree;
        i.bundle_id = s.bundles[n].id;
        i.fields = ji.at("Fields").get<std::vector<std::string>>();
        i.unique = ji.at("Unique").get<bool>();
        i.implicit = ji.at("Implicit").get<bool>();
        s.indexes.push_back(std::move(i));
      }
    }
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
  return s;
}

std::vector<std::string> schema_statements(const DatabaseSchema& schema) {
  std::vector<std::string> out;
  const auto bundles = by_name(schema.bundles);
  for (const Bundle* b : bundles) {
    ast::CreateBundle create;
    create.bundle = b->name;
    for (const auto& f : b->fields) create.fields.push_back(field_def(f));
    out.push_back(parser::canonical(ast::Statement(std::move(create))));
  }
  for (const IndexDef* i : by_name(schema.indexes)) {
    if (i->implicit) continue;  // comes with its unique field
    const Bundle* b = schema.bundle_by_id(i->bundle_id);
    out.push_back(parser::canonical(ast::Statement(
        ast::CreateIndex{i->name, i->kind, b ? b->name : "", i->fields, i->unique, {}})));
  }
  for (const Bundle* b : bundles) {
    for (const Relationship* r : by_name(b->relationships)) {
      const Bundle* to = schema.bundle_by_id(r->to_bundle);
      ast::UpdateBundle u;
      u.bundle = b->name;
      u.changes.push_back(ast::AddRelationship{
          {r->name, b->name, to ? to->name : "", r->cardinality, r->from_field, r->to_field}});
      out.push_back(parser::canonical(ast::Statement(std::move(u))));
    }
  }
  return out;
}

void record_schema(storage::Txn& txn, uint32_t db, uint64_t version,
                   const std::string& migration_checksum, const DatabaseSchema& schema) {
  // Built as text (the checksum's canonical form, fields in declaration order): APPLY records
  // the whole schema every time, so no JSON tree is built for it.
  std::string record = "{\"migrationChecksum\":" + Json(migration_checksum).dump() +
                       ",\"schema\":" + canonical_schema_text(schema, /*fields_by_name=*/false) +
                       "}";
  txn.put(storage::Space::kLedger, lk::recorded_schema_key(db, version), record);
}

Result<std::optional<DatabaseSchema>> load_recorded_schema(
    const Reader& reader, uint32_t db, uint64_t version, const std::string& migration_checksum) {
  auto v = reader.get(storage::Space::kLedger, lk::recorded_schema_key(db, version));
  if (!v.ok()) return v.status();
  if (!v->has_value()) {
    if (version == 0) return std::optional<DatabaseSchema>(DatabaseSchema{});
    return std::optional<DatabaseSchema>();
  }
  Json j = Json::parse(**v, nullptr, false);
  if (!j.is_object() || !j.contains("schema")) return malformed("unreadable record");
  if (j.value("migrationChecksum", "") != migration_checksum)
    return std::optional<DatabaseSchema>();
  auto schema = schema_from_canonical(j["schema"]);
  if (!schema.ok()) return schema.status();
  return std::optional<DatabaseSchema>(std::move(*schema));
}

Result<Json> named_drift(const Reader& reader, const DatabaseSchema& live) {
  Json out = Json::array();
  if (!schema_drift(live)) return out;
  auto current = current_version_of(reader, live.id);
  if (!current.ok()) return current.status();
  std::string checksum;
  if (*current > 0) {
    auto rec = load_record(reader, live.id, *current);
    if (!rec.ok()) return rec.status();
    if (*rec) checksum = (*rec)->checksum;
  }
  auto recorded = load_recorded_schema(reader, live.id, *current, checksum);
  if (!recorded.ok()) return recorded.status();
  if (*recorded) {
    for (const auto& d : schema_diff(**recorded, live)) out.push_back(drift_item(d));
  }
  if (out.empty()) {
    out.push_back({{"object", "schema"},
                   {"name", live.name},
                   {"change", "changed"},
                   {"message", "the schema was changed outside migrations since the last APPLY "
                               "or ROLLBACK (no recorded schema names the difference)"}});
  }
  return out;
}

std::vector<std::string> drift_messages(const Json& drift, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& d : drift) out.push_back(prefix + d.value("message", ""));
  return out;
}

}  // namespace strata::engine
