// The binder: SPEC §3.2's catalog rules and their error texts, once (binder.hpp).
#include "engine/binder.hpp"

#include <algorithm>
#include <set>

#include "engine/schema_change.hpp"

namespace strata::engine {

namespace {

Status bundle_exists(std::string_view name) {
  return Status(Code::kBundleExists, "Bundle '" + std::string(name) + "' already exists");
}
Status field_exists(std::string_view field, std::string_view bundle) {
  return Status(Code::kFieldExists, "Field '" + std::string(field) +
                                        "' already exists in bundle '" + std::string(bundle) + "'");
}
Status not_empty(std::string_view what, std::string_view name) {
  if (name.empty())
    return Status(Code::kInvalidValue, std::string(what) + " name must not be empty");
  return Status::Ok();
}
// A name a new or renamed field may take: not empty, not the reserved DocumentID.
Status field_name_allowed(std::string_view name) {
  if (name.empty() || name == "DocumentID") {
    return Status(Code::kInvalidValue, "Field name '" + std::string(name) + "' is not allowed");
  }
  return Status::Ok();
}

// The explicit (non-implicit) index of the bundle that uses `field`, if any.
const IndexDef* explicit_index_using(const DatabaseSchema& schema, uint32_t bundle_id,
                                     std::string_view field) {
  for (const auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle_id || idx.implicit) continue;
    if (std::find(idx.fields.begin(), idx.fields.end(), field) != idx.fields.end()) return &idx;
  }
  return nullptr;
}

std::optional<IndexDef> implicit_of(const DatabaseSchema& schema, uint32_t bundle_id,
                                    std::string_view field) {
  const IndexDef* idx = schema.implicit_index(bundle_id, field);
  return idx ? std::optional<IndexDef>(*idx) : std::nullopt;
}

// One change of UPDATE BUNDLE on bundle `b` of `schema`.
Result<bound::BundleChange> bind_change(const DatabaseSchema& schema, const Bundle& b,
                                        const ast::BundleChange& change) {
  return std::visit(
      [&](const auto& c) -> Result<bound::BundleChange> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ast::SetBundleName>) {
          STRATA_RETURN_IF_ERROR(not_empty("bundle", c.new_name));
          if (schema.bundle(c.new_name)) return bundle_exists(c.new_name);
          return bound::BundleChange(bound::SetBundleName{b.name, c.new_name});
        } else if constexpr (std::is_same_v<T, ast::AddField>) {
          if (b.field(c.field.name)) return field_exists(c.field.name, b.name);
          auto f = bind_field(c.field, b.name);
          if (!f.ok()) return f.status();
          STRATA_RETURN_IF_ERROR(field_name_allowed(f->name));
          size_t position = b.fields.size();
          if (c.position) {
            if (*c.position < 1 || *c.position > b.fields.size() + 1) {
              return Status(Code::kInvalidValue,
                            "Field position " + std::to_string(*c.position) + " is outside 1.." +
                                std::to_string(b.fields.size() + 1) + " in bundle '" + b.name +
                                "'");
            }
            position = *c.position - 1;
          }
          return bound::BundleChange(bound::AddField{std::move(*f), position});
        } else if constexpr (std::is_same_v<T, ast::RemoveField>) {
          const Field* f = b.field(c.field);
          if (!f) return field_not_found(c.field, b);
          if (const IndexDef* idx = explicit_index_using(schema, b.id, c.field)) {
            return Status(Code::kFieldIndexed, "Field '" + c.field + "' of bundle '" + b.name +
                                                   "' is used by index '" + idx->name +
                                                   "'; drop the index first");
          }
          const size_t position = static_cast<size_t>(f - b.fields.data());
          return bound::BundleChange(
              bound::RemoveField{*f, position, implicit_of(schema, b.id, c.field)});
        } else if constexpr (std::is_same_v<T, ast::RenameField>) {
          if (!b.field(c.from)) return field_not_found(c.from, b);
          if (b.field(c.to)) return field_exists(c.to, b.name);
          STRATA_RETURN_IF_ERROR(field_name_allowed(c.to));
          return bound::BundleChange(bound::RenameField{c.from, c.to});
        } else if constexpr (std::is_same_v<T, ast::ModifyField>) {
          const Field* f = b.field(c.field.name);
          if (!f) return field_not_found(c.field.name, b);
          auto after = bind_field(c.field, b.name);
          if (!after.ok()) return after.status();
          std::optional<IndexDef> dropped;
          if (f->unique && !after->unique) dropped = implicit_of(schema, b.id, f->name);
          return bound::BundleChange(bound::ModifyField{*f, std::move(*after), dropped});
        } else if constexpr (std::is_same_v<T, ast::AddRelationship>) {
          const ast::RelationshipDef& r = c.rel;
          STRATA_RETURN_IF_ERROR(not_empty("relationship", r.name));
          if (b.relationship(r.name)) {
            return Status(Code::kRelationshipExists, "Relationship '" + r.name +
                                                         "' already exists in bundle '" + b.name +
                                                         "'");
          }
          if (!r.from_bundle.empty() && r.from_bundle != b.name) {
            return Status(Code::kInvalidValue, "Relationship '" + r.name +
                                                   "' must start from bundle '" + b.name +
                                                   "', not '" + r.from_bundle + "'");
          }
          const Bundle* to = schema.bundle(r.to_bundle);
          if (!to) return bundle_not_found(r.to_bundle, &schema);
          static const std::set<std::string> kCardinalities = {"", "1to1", "1toMany",
                                                               "ManyToMany"};
          if (!kCardinalities.count(r.cardinality)) {
            return Status(Code::kInvalidValue, "Unknown cardinality '" + r.cardinality +
                                                   "' (expected 1to1, 1toMany or ManyToMany)");
          }
          if (!r.from_field.empty() && !b.field(r.from_field))
            return field_not_found(r.from_field, b);
          if (!r.to_field.empty() && !to->field(r.to_field))
            return field_not_found(r.to_field, *to);
          return bound::BundleChange(bound::AddRelationship{
              Relationship{r.name, to->id, r.cardinality, r.from_field, r.to_field}});
        } else {
          const Relationship* r = b.relationship(c.name);
          if (!r) {
            return Status(Code::kRelationshipNotFound, "Relationship '" + c.name +
                                                           "' does not exist in bundle '" +
                                                           b.name + "'");
          }
          return bound::BundleChange(bound::RemoveRelationship{*r});
        }
      },
      change);
}

Result<bound::Command> bind_update_bundle(const DatabaseSchema& schema,
                                          const ast::UpdateBundle& s) {
  auto b = bind_bundle(schema, s.bundle);
  if (!b.ok()) return b.status();
  bound::UpdateBundle out{(*b)->id, {}};
  if (s.changes.size() == 1) {
    auto change = bind_change(schema, **b, s.changes.front());
    if (!change.ok()) return change.status();
    out.changes.push_back(std::move(*change));
    return bound::Command(std::move(out));
  }
  // Each change sees the ones before it (a field added, then renamed): bind against a copy
  // that the earlier changes have been applied to.
  DatabaseSchema scratch = schema;
  for (const auto& c : s.changes) {
    auto change = bind_change(scratch, *scratch.bundle_by_id(out.bundle), c);
    if (!change.ok()) return change.status();
    schema_change::apply_change(&scratch, out.bundle, *change);
    out.changes.push_back(std::move(*change));
  }
  return bound::Command(std::move(out));
}

Result<bound::Command> bind_create_bundle(const DatabaseSchema& schema,
                                          const ast::CreateBundle& s) {
  STRATA_RETURN_IF_ERROR(not_empty("bundle", s.bundle));
  if (schema.bundle(s.bundle)) return bundle_exists(s.bundle);
  bound::CreateBundle out;
  out.bundle.name = s.bundle;
  for (const auto& def : s.fields) {
    auto f = bind_field(def, s.bundle);
    if (!f.ok()) return f.status();
    if (f->name == "DocumentID") {
      return Status(Code::kInvalidValue, "Field name 'DocumentID' is reserved");
    }
    if (out.bundle.field(f->name)) return field_exists(f->name, s.bundle);
    out.bundle.fields.push_back(std::move(*f));
  }
  return bound::Command(std::move(out));
}

Result<bound::Command> bind_drop_bundle(const DatabaseSchema& schema, const ast::DropBundle& s) {
  auto b = bind_bundle(schema, s.bundle);
  if (!b.ok()) return b.status();
  bound::DropBundle out{(*b)->id, s.force, {}};
  for (const auto& other : schema.bundles) {
    if (other.id == out.bundle) continue;
    for (const auto& r : other.relationships) {
      if (r.to_bundle != out.bundle) continue;
      if (!s.force) {
        return Status(Code::kBundleReferenced,
                      "Bundle '" + s.bundle + "' is referenced by relationship '" + r.name +
                          "' of bundle '" + other.name + "'; use DROP BUNDLE \"" + s.bundle +
                          "\" WITH FORCE to drop it and the relationship");
      }
      out.referencing.emplace_back(other.id, r);
    }
  }
  return bound::Command(std::move(out));
}

Result<bound::Command> bind_create_index(const DatabaseSchema& schema, const ast::CreateIndex& s) {
  STRATA_RETURN_IF_ERROR(not_empty("index", s.name));
  if (schema.index(s.name)) {
    return Status(Code::kIndexExists, "Index '" + s.name + "' already exists");
  }
  auto b = bind_bundle(schema, s.bundle);
  if (!b.ok()) return b.status();
  if (s.fields.empty()) return Status(Code::kInvalidValue, "an index needs at least one field");
  std::set<std::string> seen;
  for (const auto& f : s.fields) {
    if (!(*b)->field(f)) return field_not_found(f, **b);
    if (!seen.insert(f).second) {
      return Status(Code::kInvalidValue,
                    "Field '" + f + "' appears twice in index '" + s.name + "'");
    }
  }
  return bound::Command(
      bound::CreateIndex{IndexDef{0, s.name, s.kind, (*b)->id, s.fields, s.unique, false}});
}

Result<bound::Command> bind_drop_index(const DatabaseSchema& schema, const ast::DropIndex& s) {
  const IndexDef* idx = schema.index(s.name);
  if (!idx) {
    std::vector<std::string> names;
    for (const IndexDef& i : schema.indexes) names.push_back(i.name);
    return with_suggestion(Status(Code::kIndexNotFound, "Index '" + s.name + "' does not exist"),
                           s.name, names);
  }
  if (idx->implicit) {
    const Bundle* b = schema.bundle_by_id(idx->bundle_id);
    return Status(Code::kIndexImplicit,
                  "Index '" + s.name + "' is the implicit index of unique field '" +
                      idx->fields[0] + "' of bundle '" + (b ? b->name : "") +
                      "'; it goes away with the field's unique constraint");
  }
  return bound::Command(bound::DropIndex{*idx});
}

Result<bound::Command> bind_update_documents(const DatabaseSchema& schema,
                                             const ast::UpdateDocuments& s) {
  auto b = bind_bundle(schema, s.bundle);
  if (!b.ok()) return b.status();
  STRATA_RETURN_IF_ERROR(bind_condition(**b, s.where));
  for (const auto& a : s.assignments) {
    if (a.field == "DocumentID") {
      return Status(Code::kConstraintViolation,
                    "DocumentID is assigned by the server and cannot be set");
    }
    if (!(*b)->field(a.field)) return field_not_found(a.field, **b);
  }
  return bound::Command(bound::UpdateDocuments{(*b)->id, s.assignments, s.where});
}

Result<bound::Command> bind_delete_documents(const DatabaseSchema& schema,
                                             const ast::DeleteDocuments& s) {
  auto b = bind_bundle(schema, s.bundle);
  if (!b.ok()) return b.status();
  if (s.where) STRATA_RETURN_IF_ERROR(bind_condition(**b, *s.where));
  return bound::Command(bound::DeleteDocuments{(*b)->id, s.where});
}

template <typename Statement>
Result<bound::Command> bind_any(const DatabaseSchema& schema, Statement&& statement) {
  return std::visit(
      [&](auto&& s) -> Result<bound::Command> {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, ast::CreateBundle>) {
          return bind_create_bundle(schema, s);
        } else if constexpr (std::is_same_v<T, ast::UpdateBundle>) {
          return bind_update_bundle(schema, s);
        } else if constexpr (std::is_same_v<T, ast::DropBundle>) {
          return bind_drop_bundle(schema, s);
        } else if constexpr (std::is_same_v<T, ast::CreateIndex>) {
          return bind_create_index(schema, s);
        } else if constexpr (std::is_same_v<T, ast::DropIndex>) {
          return bind_drop_index(schema, s);
        } else if constexpr (std::is_same_v<T, ast::AddDocument>) {
          Json values = std::forward<decltype(s)>(s).values;  // moved when the statement is
          auto add = bind_add_document(schema, s.bundle, std::move(values));
          if (!add.ok()) return add.status();
          return bound::Command(std::move(*add));
        } else if constexpr (std::is_same_v<T, ast::UpdateDocuments>) {
          return bind_update_documents(schema, s);
        } else if constexpr (std::is_same_v<T, ast::DeleteDocuments>) {
          return bind_delete_documents(schema, s);
        } else if constexpr (std::is_same_v<T, ast::RestoreDocuments>) {
          auto b = bind_bundle(schema, s.bundle);
          if (!b.ok()) return b.status();
          return bound::Command(bound::RestoreDocuments{(*b)->id, s.migration});
        } else {
          return Status(Code::kUnsupported, std::string(ast::statement_name(statement)) +
                                                " cannot run as a write command");
        }
      },
      std::forward<Statement>(statement));
}

}  // namespace

bool bound::is_schema_change(const Command& command) {
  return std::holds_alternative<CreateBundle>(command) ||
         std::holds_alternative<UpdateBundle>(command) ||
         std::holds_alternative<DropBundle>(command) ||
         std::holds_alternative<CreateIndex>(command) || std::holds_alternative<DropIndex>(command);
}

Result<bound::Command> bind_command(const DatabaseSchema& schema, const ast::Statement& statement) {
  return bind_any(schema, statement);
}

Result<bound::Command> bind_command(const DatabaseSchema& schema, ast::Statement&& statement) {
  return bind_any(schema, std::move(statement));
}

Result<bound::AddDocument> bind_add_document(const DatabaseSchema& schema,
                                             std::string_view bundle, Json&& values) {
  auto b = bind_bundle(schema, bundle);
  if (!b.ok()) return b.status();
  auto doc = prepare_document(schema, **b, std::move(values));
  if (!doc.ok()) return doc.status();
  return bound::AddDocument{(*b)->id, std::move(*doc)};
}

std::optional<bound::AddDocument> bind_flat_add_document(const DatabaseSchema& schema,
                                                         const parser::FastAddDocumentText& doc) {
  const Bundle* b = schema.bundle(doc.bundle);
  if (!b) return std::nullopt;
  auto prepared = prepare_flat_document(schema, *b, doc.members, doc.values);
  if (!prepared) return std::nullopt;
  return bound::AddDocument{b->id, std::move(*prepared)};
}

Result<const Bundle*> bind_bundle(const DatabaseSchema& schema, std::string_view name) {
  const Bundle* b = schema.bundle(name);
  if (!b) return bundle_not_found(name, &schema);
  return b;
}

Status bind_condition(const Bundle& bundle, const ast::Condition& c) {
  if (c.kind == ast::Condition::Kind::kCompare) {
    if (c.compare.field != "DocumentID" && !bundle.field(c.compare.field))
      return field_not_found(c.compare.field, bundle);
    return Status::Ok();
  }
  for (const auto& child : c.children) STRATA_RETURN_IF_ERROR(bind_condition(bundle, child));
  return Status::Ok();
}

}  // namespace strata::engine
