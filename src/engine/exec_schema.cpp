// SPEC §3.2: CREATE BUNDLE, UPDATE BUNDLE (dispatch; SET NAME and relationships here, field
// changes in exec_schema_fields.cpp), DROP BUNDLE, CREATE INDEX, DROP INDEX.
#include <algorithm>
#include <set>

#include "engine/documents.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"

namespace strata::engine {

namespace {

Status bundle_exists(std::string_view name) {
  return Status(Code::kBundleExists, "Bundle '" + std::string(name) + "' already exists");
}

Status check_name(std::string_view what, std::string_view name) {
  if (name.empty())
    return Status(Code::kInvalidValue, std::string(what) + " name must not be empty");
  return Status::Ok();
}

// Regenerates the names of a bundle's implicit indexes after a rename.
void rename_implicit_indexes(DatabaseSchema& schema, uint32_t bundle_id) {
  const Bundle* b = schema.bundle_by_id(bundle_id);
  for (auto& idx : schema.indexes) {
    if (!idx.implicit || idx.bundle_id != bundle_id) continue;
    std::string wanted = b->name + "_" + idx.fields[0] + "_unique";
    if (idx.name == wanted) continue;
    idx.name = schema.free_index_name(wanted);
  }
}

Status set_bundle_name(WriteContext& ctx, uint32_t bundle_id, const ast::SetBundleName& c) {
  STRATA_RETURN_IF_ERROR(check_name("bundle", c.new_name));
  DatabaseSchema& schema = ctx.mutable_schema();
  if (schema.bundle(c.new_name)) return bundle_exists(c.new_name);
  schema.bundle_by_id(bundle_id)->name = c.new_name;
  rename_implicit_indexes(schema, bundle_id);
  return Status::Ok();
}

Status add_relationship(WriteContext& ctx, uint32_t bundle_id, const ast::AddRelationship& c) {
  const ast::RelationshipDef& r = c.rel;
  STRATA_RETURN_IF_ERROR(check_name("relationship", r.name));
  DatabaseSchema& schema = ctx.mutable_schema();
  Bundle* from = schema.bundle_by_id(bundle_id);
  if (from->relationship(r.name)) {
    return Status(Code::kRelationshipExists,
                  "Relationship '" + r.name + "' already exists in bundle '" + from->name + "'");
  }
  if (!r.from_bundle.empty() && r.from_bundle != from->name) {
    return Status(Code::kInvalidValue, "Relationship '" + r.name + "' must start from bundle '" +
                                           from->name + "', not '" + r.from_bundle + "'");
  }
  const Bundle* to = schema.bundle(r.to_bundle);
  if (!to) return bundle_not_found(r.to_bundle);
  static const std::set<std::string> kCardinalities = {"", "1to1", "1toMany", "ManyToMany"};
  if (!kCardinalities.count(r.cardinality)) {
    return Status(Code::kInvalidValue, "Unknown cardinality '" + r.cardinality +
                                           "' (expected 1to1, 1toMany or ManyToMany)");
  }
  if (!r.from_field.empty() && !from->field(r.from_field))
    return field_not_found(r.from_field, from->name);
  if (!r.to_field.empty() && !to->field(r.to_field)) return field_not_found(r.to_field, to->name);
  from->relationships.push_back({r.name, to->id, r.cardinality, r.from_field, r.to_field});
  return Status::Ok();
}

Json relationship_json(const DatabaseSchema& schema, const Bundle& b, const Relationship& r) {
  const Bundle* to = schema.bundle_by_id(r.to_bundle);
  return {{"name", r.name},
          {"from", b.name},
          {"to", to ? to->name : ""},
          {"cardinality", r.cardinality},
          {"from_field", r.from_field},
          {"to_field", r.to_field}};
}

Status remove_relationship(WriteContext& ctx, uint32_t bundle_id,
                           const ast::RemoveRelationship& c) {
  DatabaseSchema& schema = ctx.mutable_schema();
  Bundle* b = schema.bundle_by_id(bundle_id);
  auto it = std::find_if(b->relationships.begin(), b->relationships.end(),
                         [&](const Relationship& r) { return r.name == c.name; });
  if (it == b->relationships.end()) {
    return Status(Code::kRelationshipNotFound,
                  "Relationship '" + c.name + "' does not exist in bundle '" + b->name + "'");
  }
  if (ctx.undo())
    ctx.undo()->schema_dropped("relationship", b->name, relationship_json(schema, *b, *it));
  b->relationships.erase(it);
  return Status::Ok();
}

}  // namespace

Status exec_create_bundle(WriteContext& ctx, const ast::CreateBundle& s, Json* response) {
  STRATA_RETURN_IF_ERROR(check_name("bundle", s.bundle));
  if (ctx.schema().bundle(s.bundle)) return bundle_exists(s.bundle);
  Bundle b;
  b.name = s.bundle;
  for (const auto& def : s.fields) {
    auto f = bind_field(def, s.bundle);
    if (!f.ok()) return f.status();
    if (f->name == "DocumentID") {
      return Status(Code::kInvalidValue, "Field name 'DocumentID' is reserved");
    }
    if (b.field(f->name)) {
      return Status(Code::kFieldExists,
                    "Field '" + f->name + "' already exists in bundle '" + s.bundle + "'");
    }
    b.fields.push_back(std::move(*f));
  }
  DatabaseSchema& schema = ctx.mutable_schema();
  b.id = schema.next_bundle_id++;
  schema.bundles.push_back(b);
  for (const auto& f : b.fields)
    if (f.unique) add_implicit_index(&schema, b, f.name);
  (*response)["message"] = "Bundle '" + s.bundle + "' created";
  return Status::Ok();
}

Status exec_update_bundle(WriteContext& ctx, const ast::UpdateBundle& s, Json* response) {
  const Bundle* b = ctx.schema().bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  const uint32_t id = b->id;
  for (const auto& change : s.changes) {
    Status st = std::visit(
        [&](const auto& c) -> Status {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, ast::SetBundleName>)
            return set_bundle_name(ctx, id, c);
          else if constexpr (std::is_same_v<T, ast::AddField>)
            return exec_add_field(ctx, id, c);
          else if constexpr (std::is_same_v<T, ast::RemoveField>)
            return exec_remove_field(ctx, id, c);
          else if constexpr (std::is_same_v<T, ast::RenameField>)
            return exec_rename_field(ctx, id, c);
          else if constexpr (std::is_same_v<T, ast::ModifyField>)
            return exec_modify_field(ctx, id, c);
          else if constexpr (std::is_same_v<T, ast::AddRelationship>)
            return add_relationship(ctx, id, c);
          else
            return remove_relationship(ctx, id, c);
        },
        change);
    STRATA_RETURN_IF_ERROR(st);
  }
  (*response)["message"] = "Bundle '" + ctx.schema().bundle_by_id(id)->name + "' updated";
  return Status::Ok();
}

Status exec_drop_bundle(WriteContext& ctx, const ast::DropBundle& s, Json* response) {
  const Bundle* found = ctx.schema().bundle(s.bundle);
  if (!found) return bundle_not_found(s.bundle);
  const uint32_t id = found->id;
  DatabaseSchema& schema = ctx.mutable_schema();
  // Relationships of other bundles that target this one.
  for (auto& other : schema.bundles) {
    if (other.id == id) continue;
    for (auto it = other.relationships.begin(); it != other.relationships.end();) {
      if (it->to_bundle != id) {
        ++it;
        continue;
      }
      if (!s.force) {
        return Status(Code::kBundleReferenced,
                      "Bundle '" + s.bundle + "' is referenced by relationship '" + it->name +
                          "' of bundle '" + other.name + "'; use DROP BUNDLE \"" + s.bundle +
                          "\" WITH FORCE to drop it and the relationship");
      }
      if (ctx.undo())
        ctx.undo()->schema_dropped("relationship", other.name,
                                   relationship_json(schema, other, *it));
      it = other.relationships.erase(it);
    }
  }
  const Bundle bundle = *schema.bundle_by_id(id);
  if (ctx.undo()) {
    // The whole definition: fields, relationships (with target names) and indexes.
    Json fields = Json::array();
    for (const auto& f : bundle.fields) fields.push_back(field_to_json(f));
    Json rels = Json::array();
    for (const auto& r : bundle.relationships) rels.push_back(relationship_json(schema, bundle, r));
    Json idxs = Json::array();
    for (const auto* idx : schema.indexes_of(id)) idxs.push_back(index_json(schema, *idx));
    ctx.undo()->schema_dropped(
        "bundle", bundle.name,
        Json{
            {"name", bundle.name}, {"fields", fields}, {"relationships", rels}, {"indexes", idxs}});
  }
  STRATA_RETURN_IF_ERROR(
      for_each_document(ctx.reader(), ctx.db_id(), id, [&](uint64_t seq, Json& doc) -> Status {
        erase_document_keeping_indexes(ctx, bundle, seq, doc);
        return Status::Ok();
      }));
  for (const auto* idx : schema.indexes_of(id))
    STRATA_RETURN_IF_ERROR(drop_index_entries(ctx, *idx));
  std::erase_if(schema.indexes, [&](const IndexDef& i) { return i.bundle_id == id; });
  std::erase_if(schema.bundles, [&](const Bundle& b) { return b.id == id; });
  (*response)["message"] = "Bundle '" + s.bundle + "' dropped";
  return Status::Ok();
}

Status exec_create_index(WriteContext& ctx, const ast::CreateIndex& s, Json* response) {
  STRATA_RETURN_IF_ERROR(check_name("index", s.name));
  if (ctx.schema().index(s.name)) {
    return Status(Code::kIndexExists, "Index '" + s.name + "' already exists");
  }
  const Bundle* b = ctx.schema().bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  if (s.fields.empty()) return Status(Code::kInvalidValue, "an index needs at least one field");
  std::set<std::string> seen;
  for (const auto& f : s.fields) {
    if (!b->field(f)) return field_not_found(f, b->name);
    if (!seen.insert(f).second) {
      return Status(Code::kInvalidValue,
                    "Field '" + f + "' appears twice in index '" + s.name + "'");
    }
  }
  DatabaseSchema& schema = ctx.mutable_schema();
  IndexDef idx{schema.next_index_id++, s.name, s.kind, b->id, s.fields, s.unique, false};
  schema.indexes.push_back(idx);
  STRATA_RETURN_IF_ERROR(build_index(ctx, idx));
  (*response)["message"] = "Index '" + s.name + "' created";
  return Status::Ok();
}

Status exec_drop_index(WriteContext& ctx, const ast::DropIndex& s, Json* response) {
  const IndexDef* found = ctx.schema().index(s.name);
  if (!found) return Status(Code::kIndexNotFound, "Index '" + s.name + "' does not exist");
  if (found->implicit) {
    const Bundle* b = ctx.schema().bundle_by_id(found->bundle_id);
    return Status(Code::kIndexImplicit,
                  "Index '" + s.name + "' is the implicit index of unique field '" +
                      found->fields[0] + "' of bundle '" + (b ? b->name : "") +
                      "'; it goes away with the field's unique constraint");
  }
  const IndexDef idx = *found;
  if (ctx.undo()) {
    const Bundle* b = ctx.schema().bundle_by_id(idx.bundle_id);
    ctx.undo()->schema_dropped("index", b ? b->name : "", index_json(ctx.schema(), idx));
  }
  STRATA_RETURN_IF_ERROR(drop_index_entries(ctx, idx));
  std::erase_if(ctx.mutable_schema().indexes, [&](const IndexDef& i) { return i.id == idx.id; });
  (*response)["message"] = "Index '" + s.name + "' dropped";
  return Status::Ok();
}

}  // namespace strata::engine
