#include "engine/recorded_schema.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

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
  // Translated to the canonical form (indexes listed apart, naming their bundle), which has
  // the one reader.
  Json canonical = {{"bundles", Json::array()}, {"indexes", Json::array()}};
  try {
    for (const auto& jb : json.at("Bundles")) {
      Json fields = Json::array(), rels = Json::array();
      for (const auto& f : jb.at("Fields"))
        fields.push_back({f.at("Name"), f.at("Type"), f.at("Required"), f.at("Unique"),
                          f.at("Default")});
      for (const auto& r : jb.at("Relationships"))
        rels.push_back({r.at("Name"), r.at("To"), r.at("Cardinality"), r.at("FromField"),
                        r.at("ToField")});
      for (const auto& i : jb.at("Indexes"))
        canonical["indexes"].push_back({i.at("Name"), i.at("Kind"), jb.at("Name"),
                                        i.at("Fields"), i.at("Unique"), i.at("Implicit")});
      canonical["bundles"].push_back(
          {{"name", jb.at("Name")}, {"fields", std::move(fields)}, {"relationships", std::move(rels)}});
    }
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
  return schema_from_canonical(canonical);
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

namespace {

// A stored record: a header line, then the body (recorded_schema.hpp). Records written before
// deltas existed are one JSON object {"migrationChecksum","schema"}: full, no schema checksum.
struct StoredRecord {
  std::string migration_checksum;
  std::string schema_checksum;  // "" in records written before deltas
  bool delta = false;
  uint64_t checkpoint = 0;   // delta: the version whose full record starts its chain
  uint64_t chain_bytes = 0;  // delta: bytes of the deltas since that full record, this one too
  uint64_t full_bytes = 0;   // the size of that full record (a full record: its own)
  Json body;                 // parsed only when asked for
};

Result<StoredRecord> read_record(std::string_view stored, bool with_body) {
  StoredRecord r;
  const size_t nl = stored.find('\n');
  if (nl == std::string_view::npos) {  // the format before deltas
    Json j = Json::parse(stored, nullptr, false);
    if (!j.is_object() || !j.contains("schema")) return malformed("unreadable record");
    r.migration_checksum = j.value("migrationChecksum", "");
    r.full_bytes = stored.size();
    r.body = std::move(j["schema"]);
    return r;
  }
  Json h = Json::parse(stored.substr(0, nl), nullptr, false);
  if (!h.is_object()) return malformed("unreadable record header");
  try {
    r.migration_checksum = h.at("migrationChecksum").get<std::string>();
    r.schema_checksum = h.at("schemaChecksum").get<std::string>();
    r.delta = h.at("kind").get<std::string>() == "delta";
    r.full_bytes = h.at("fullBytes").get<uint64_t>();
    if (r.delta) {
      r.checkpoint = h.at("checkpoint").get<uint64_t>();
      r.chain_bytes = h.at("chainBytes").get<uint64_t>();
    }
  } catch (const std::exception& e) {
    return malformed(e.what());
  }
  if (with_body) {
    r.body = Json::parse(stored.substr(nl + 1), nullptr, false);
    if (!r.body.is_object()) return malformed("unreadable record body");
  }
  return r;
}

// The canonical form being rebuilt from a chain: bundle and index entries by name.
struct Canonical {
  std::map<std::string, Json> bundles, indexes;

  Status reset(const Json& full) {
    bundles.clear();
    indexes.clear();
    return apply(full);
  }
  Status apply(const Json& body) {
    try {
      for (const auto& n : body.value("dropBundles", Json::array()))
        bundles.erase(n.get<std::string>());
      for (const auto& n : body.value("dropIndexes", Json::array()))
        indexes.erase(n.get<std::string>());
      for (const auto& b : body.at("bundles")) bundles[b.at("name").get<std::string>()] = b;
      for (const auto& i : body.at("indexes")) indexes[i.at(0).get<std::string>()] = i;
    } catch (const std::exception& e) {
      return malformed(e.what());
    }
    return Status::Ok();
  }
  Json json() const {
    Json out = {{"bundles", Json::array()}, {"indexes", Json::array()}};
    for (const auto& [name, b] : bundles) out["bundles"].push_back(b);
    for (const auto& [name, i] : indexes) out["indexes"].push_back(i);
    return out;
  }
};

// The versions first..last of the chain a delta record of `last` closes, each with its stored
// record (missing versions absent). Extends the start back while it is itself a delta.
Result<std::vector<std::pair<uint64_t, std::string>>> read_chain(const Reader& reader, uint32_t db,
                                                                  uint64_t first, uint64_t last) {
  std::vector<std::pair<uint64_t, std::string>> out;
  for (;;) {
    std::vector<std::pair<uint64_t, std::string>> part;
    auto it = reader.scan(storage::Space::kLedger, lk::recorded_schema_key(db, first),
                          lk::recorded_schema_key(db, out.empty() ? last + 1 : out.front().first));
    for (; it->valid(); it->next())
      part.emplace_back(lk::header_key_version(it->key()), std::string(it->value()));
    STRATA_RETURN_IF_ERROR(it->status());
    part.insert(part.end(), std::make_move_iterator(out.begin()),
                std::make_move_iterator(out.end()));
    out = std::move(part);
    if (out.empty() || out.front().first != first) return out;  // the chain starts empty
    auto head = read_record(out.front().second, /*with_body=*/false);
    if (!head.ok()) return head.status();
    if (!head->delta || head->checkpoint >= first) return out;
    first = head->checkpoint;
  }
}

// The schema a delta record of `version` describes, or nullopt when its chain no longer
// leads to it (a version in it was recorded again since: a rollback and a new apply).
Result<std::optional<DatabaseSchema>> load_delta(const Reader& reader, uint32_t db,
                                                 uint64_t version, const StoredRecord& top) {
  auto chain = read_chain(reader, db, top.checkpoint, version);
  if (!chain.ok()) return chain.status();
  Canonical state;
  uint64_t expected = 0;
  for (size_t n = 0; n < chain->size(); ++n) {
    const auto& [v, stored] = (*chain)[n];
    auto r = read_record(stored, /*with_body=*/true);
    if (!r.ok()) return r.status();
    if (n == 0 && r->delta && v != 1) return std::optional<DatabaseSchema>();  // base missing
    if (n > 0 && v != expected) return std::optional<DatabaseSchema>();        // a gap
    STRATA_RETURN_IF_ERROR(r->delta ? state.apply(r->body) : state.reset(r->body));
    expected = v + 1;
  }
  if (expected != version + 1) return std::optional<DatabaseSchema>();
  auto schema = schema_from_canonical(state.json());
  if (!schema.ok()) return schema.status();
  if (schema_checksum(*schema) != top.schema_checksum) return std::optional<DatabaseSchema>();
  return std::optional<DatabaseSchema>(std::move(*schema));
}

std::string record_text(const Json& header, const std::string& body) {
  return header.dump() + "\n" + body;
}

std::string full_record(const std::string& migration_checksum, const std::string& checksum,
                        const DatabaseSchema& schema) {
  std::string body = canonical_schema_text(schema, /*fields_by_name=*/false);
  return record_text({{"migrationChecksum", migration_checksum},
                      {"schemaChecksum", checksum},
                      {"kind", "full"},
                      {"fullBytes", body.size()}},
                     body);
}

// What changed from `before` to `after`, as the body of a delta record: the bundles and indexes
// added or changed (whole canonical entries) and the names of those gone. A bundle whose
// relationship targets a renamed bundle changed (its entry names the target), and so did an
// index of a renamed bundle.
std::string delta_body(const DatabaseSchema& before, const DatabaseSchema& after) {
  std::unordered_map<uint32_t, const Bundle*> old_bundles;
  for (const auto& b : before.bundles) old_bundles.emplace(b.id, &b);
  std::unordered_map<uint32_t, const IndexDef*> old_indexes;
  for (const auto& i : before.indexes) old_indexes.emplace(i.id, &i);
  std::unordered_set<uint32_t> renamed;  // ids whose name changed or that are gone
  {
    std::unordered_map<uint32_t, const std::string*> now;
    for (const auto& b : after.bundles) now.emplace(b.id, &b.name);
    for (const auto& b : before.bundles) {
      auto it = now.find(b.id);
      if (it == now.end() || *it->second != b.name) renamed.insert(b.id);
    }
  }
  const BundleNames names(after);
  std::string put, drop;
  auto sep = [](std::string* s) {
    if (!s->empty()) *s += ',';
  };
  for (const auto& b : before.bundles) {
    if (renamed.count(b.id)) {
      sep(&drop);
      drop += Json(b.name).dump();
    }
  }
  for (const auto& b : after.bundles) {
    auto it = old_bundles.find(b.id);
    bool changed = it == old_bundles.end() || !(*it->second == b);
    for (const auto& r : b.relationships) changed = changed || renamed.count(r.to_bundle);
    if (!changed) continue;
    sep(&put);
    append_canonical_bundle(&put, b, names, /*fields_by_name=*/false);
  }
  std::string body = "{\"bundles\":[" + put + "],\"dropBundles\":[" + drop + "]";
  put.clear();
  drop.clear();
  std::unordered_set<uint32_t> kept;
  for (const auto& i : after.indexes) {
    auto it = old_indexes.find(i.id);
    if (it != old_indexes.end() && it->second->name == i.name) kept.insert(i.id);
    if (it != old_indexes.end() && *it->second == i && !renamed.count(i.bundle_id)) continue;
    sep(&put);
    append_canonical_index(&put, i, names);
  }
  for (const auto& i : before.indexes) {
    if (kept.count(i.id)) continue;
    sep(&drop);
    drop += Json(i.name).dump();
  }
  return body + ",\"indexes\":[" + put + "],\"dropIndexes\":[" + drop + "]}";
}

// A chain of deltas may grow to this many bytes, or to the size of its full record if larger,
// before a full record starts a new one: the full records written grow geometrically (the
// ledger stays linear in the schema changes), and reading a version reads at most about twice
// its schema.
constexpr uint64_t kMinChainBytes = 8192;

}  // namespace

Status record_schema(storage::Txn& txn, uint32_t db, uint64_t version,
                     const std::string& migration_checksum, const DatabaseSchema& schema,
                     const std::string& checksum, const DatabaseSchema* before) {
  const std::string key = lk::recorded_schema_key(db, version);
  if (before && version > 0) {
    auto prev = txn.get(storage::Space::kLedger, lk::recorded_schema_key(db, version - 1));
    if (!prev.ok()) return prev.status();
    std::optional<StoredRecord> base;
    if (prev->has_value()) {
      auto r = read_record(**prev, /*with_body=*/false);
      if (!r.ok()) return r.status();
      // The previous record must describe `before` exactly (no drift, and not a record of the
      // format before deltas, which has no checksum to tell).
      if (!r->schema_checksum.empty() && r->schema_checksum == before->schema_checksum)
        base = std::move(*r);
    } else if (version == 1 && before->bundles.empty() && before->indexes.empty()) {
      base = StoredRecord{};  // version 0 unrecorded: the empty schema
    }
    if (base) {
      std::string body = delta_body(*before, schema);
      const uint64_t chain = (base->delta ? base->chain_bytes : 0) + body.size();
      const uint64_t full = base->full_bytes;
      if (chain <= std::max(full, kMinChainBytes)) {
        txn.put(storage::Space::kLedger, key,
                record_text({{"migrationChecksum", migration_checksum},
                             {"schemaChecksum", checksum},
                             {"kind", "delta"},
                             {"checkpoint", base->delta ? base->checkpoint : version - 1},
                             {"chainBytes", chain},
                             {"fullBytes", full}},
                            body));
        return Status::Ok();
      }
    }
  }
  txn.put(storage::Space::kLedger, key, full_record(migration_checksum, checksum, schema));
  return Status::Ok();
}

Status record_rollback_schema(storage::Txn& txn, uint32_t db, uint64_t version,
                              const std::string& migration_checksum, const DatabaseSchema& schema,
                              const std::string& checksum) {
  const TxnReader reader(txn);
  auto existing = load_recorded_schema(reader, db, version, migration_checksum);
  if (!existing.ok()) return existing.status();
  if (*existing && schema_checksum(**existing) == checksum) return Status::Ok();
  // The record changes: the delta of the next version, if any, is based on it. Written in
  // full first, so SHOW SCHEMA AT VERSION of the versions rolled back still answers.
  auto next = txn.get(storage::Space::kLedger, lk::recorded_schema_key(db, version + 1));
  if (!next.ok()) return next.status();
  if (next->has_value()) {
    auto r = read_record(**next, /*with_body=*/false);
    if (!r.ok()) return r.status();
    if (r->delta) {
      auto old = load_delta(reader, db, version + 1, *r);
      if (!old.ok()) return old.status();
      if (*old) {
        txn.put(storage::Space::kLedger, lk::recorded_schema_key(db, version + 1),
                full_record(r->migration_checksum, r->schema_checksum, **old));
      }
    }
  }
  txn.put(storage::Space::kLedger, lk::recorded_schema_key(db, version),
          full_record(migration_checksum, checksum, schema));
  return Status::Ok();
}

Result<std::optional<DatabaseSchema>> load_recorded_schema(
    const Reader& reader, uint32_t db, uint64_t version, const std::string& migration_checksum) {
  auto v = reader.get(storage::Space::kLedger, lk::recorded_schema_key(db, version));
  if (!v.ok()) return v.status();
  if (!v->has_value()) {
    if (version == 0) return std::optional<DatabaseSchema>(DatabaseSchema{});
    return std::optional<DatabaseSchema>();
  }
  auto r = read_record(**v, /*with_body=*/false);
  if (!r.ok()) return r.status();
  if (r->migration_checksum != migration_checksum) return std::optional<DatabaseSchema>();
  if (r->delta) return load_delta(reader, db, version, *r);
  if (r->body.is_null()) {  // a full record's body (the older format's came with its header)
    r = read_record(**v, /*with_body=*/true);
    if (!r.ok()) return r.status();
  }
  auto schema = schema_from_canonical(r->body);
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
