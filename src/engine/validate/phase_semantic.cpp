// Validation phase 2 (SPEC §4.4): every object a command names exists (or, for CREATE, does
// not); renames land on free names; relationships name existing bundles; DROP of a
// relationship target needs WITH FORCE; REMOVE FIELD of a field an explicit index uses.
// The messages are the executors' own (SPEC §3.2), so VALIDATE and direct execution agree.
// A command that passes has its schema effect applied to the overlay; one that fails leaves
// the overlay as it was, so later commands are judged on what would really be there.
#include <algorithm>
#include <set>

#include "engine/validate/phases.hpp"
#include "parser/syntax_check.hpp"

namespace strata::engine::validate {

namespace {

// The phase needs a field's shape, not its validity (phase 1 judges types and defaults).
Field lenient_field(const ast::FieldDef& d) {
  Field f;
  f.name = d.name;
  f.type = parser::resolve_type(d.type).value_or(FieldType::kJson);
  f.required = d.required;
  f.unique = d.unique;
  f.default_value = d.default_value;
  return f;
}

std::string field_exists(const std::string& f, const std::string& b) {
  return "Field '" + f + "' already exists in bundle '" + b + "'";
}

void check_condition(const Bundle& b, const ast::Condition& c, std::vector<std::string>* out) {
  if (c.kind == ast::Condition::Kind::kCompare) {
    if (c.compare.field != "DocumentID" && !b.field(c.compare.field)) {
      out->push_back(field_not_found(c.compare.field, b.name).message());
    }
    return;
  }
  for (const auto& child : c.children) check_condition(b, child, out);
}

const IndexDef* explicit_index_using(const DatabaseSchema& s, uint32_t bundle,
                                     const std::string& field) {
  for (const auto& idx : s.indexes) {
    if (idx.implicit || idx.bundle_id != bundle) continue;
    if (std::find(idx.fields.begin(), idx.fields.end(), field) != idx.fields.end()) return &idx;
  }
  return nullptr;
}

void drop_implicit(DatabaseSchema* s, uint32_t bundle, const std::string& field) {
  std::erase_if(s->indexes, [&](const IndexDef& i) {
    return i.implicit && i.bundle_id == bundle && i.fields[0] == field;
  });
}

// One change of UPDATE BUNDLE on bundle `id` of `s` (already a private copy).
void update_change(DatabaseSchema* s, uint32_t id, const ast::BundleChange& change,
                   std::vector<std::string>* out) {
  Bundle* b = s->bundle_by_id(id);
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ast::SetBundleName>) {
          if (s->bundle(c.new_name)) return out->push_back("Bundle '" + c.new_name + "' already exists");
          b->name = c.new_name;
          for (auto& idx : s->indexes) {
            if (!idx.implicit || idx.bundle_id != id) continue;
            std::string wanted = b->name + "_" + idx.fields[0] + "_unique";
            if (idx.name != wanted) idx.name = s->free_index_name(wanted);
          }
        } else if constexpr (std::is_same_v<T, ast::AddField>) {
          if (b->field(c.field.name)) return out->push_back(field_exists(c.field.name, b->name));
          b->fields.push_back(lenient_field(c.field));
          if (c.field.unique) add_implicit_index(s, *b, c.field.name);
        } else if constexpr (std::is_same_v<T, ast::RemoveField>) {
          if (!b->field(c.field)) return out->push_back(field_not_found(c.field, b->name).message());
          if (const IndexDef* idx = explicit_index_using(*s, id, c.field)) {
            return out->push_back("Field '" + c.field + "' of bundle '" + b->name +
                                  "' is used by index '" + idx->name + "'; drop the index first");
          }
          drop_implicit(s, id, c.field);
          std::erase_if(b->fields, [&](const Field& f) { return f.name == c.field; });
          for (auto& r : b->relationships)
            if (r.from_field == c.field) r.from_field.clear();
          for (auto& other : s->bundles)
            for (auto& r : other.relationships)
              if (r.to_bundle == id && r.to_field == c.field) r.to_field.clear();
        } else if constexpr (std::is_same_v<T, ast::RenameField>) {
          if (!b->field(c.from)) return out->push_back(field_not_found(c.from, b->name).message());
          if (b->field(c.to)) return out->push_back(field_exists(c.to, b->name));
          b->field(c.from)->name = c.to;
          for (auto& r : b->relationships)
            if (r.from_field == c.from) r.from_field = c.to;
          for (auto& other : s->bundles)
            for (auto& r : other.relationships)
              if (r.to_bundle == id && r.to_field == c.from) r.to_field = c.to;
          for (auto& idx : s->indexes) {
            if (idx.bundle_id != id) continue;
            for (auto& f : idx.fields)
              if (f == c.from) f = c.to;
            if (idx.implicit && idx.fields[0] == c.to) {
              std::string wanted = b->name + "_" + c.to + "_unique";
              if (idx.name != wanted && !s->index(wanted)) idx.name = wanted;
            }
          }
        } else if constexpr (std::is_same_v<T, ast::ModifyField>) {
          Field* f = b->field(c.field.name);
          if (!f) return out->push_back(field_not_found(c.field.name, b->name).message());
          const bool was_unique = f->unique;
          *f = lenient_field(c.field);
          if (was_unique && !f->unique) drop_implicit(s, id, f->name);
          if (!was_unique && f->unique) add_implicit_index(s, *b, f->name);
        } else if constexpr (std::is_same_v<T, ast::AddRelationship>) {
          const ast::RelationshipDef& r = c.rel;
          if (b->relationship(r.name)) {
            return out->push_back("Relationship '" + r.name + "' already exists in bundle '" +
                                  b->name + "'");
          }
          const Bundle* to = s->bundle(r.to_bundle);
          if (!to) return out->push_back(bundle_not_found(r.to_bundle).message());
          if (!r.from_field.empty() && !b->field(r.from_field))
            return out->push_back(field_not_found(r.from_field, b->name).message());
          if (!r.to_field.empty() && !to->field(r.to_field))
            return out->push_back(field_not_found(r.to_field, to->name).message());
          b->relationships.push_back({r.name, to->id, r.cardinality, r.from_field, r.to_field});
        } else {
          auto it = std::find_if(b->relationships.begin(), b->relationships.end(),
                                 [&](const Relationship& r) { return r.name == c.name; });
          if (it == b->relationships.end()) {
            return out->push_back("Relationship '" + c.name + "' does not exist in bundle '" +
                                  b->name + "'");
          }
          b->relationships.erase(it);
        }
      },
      change);
}

void drop_bundle(DatabaseSchema* s, const ast::DropBundle& d, std::vector<std::string>* out) {
  const Bundle* b = s->bundle(d.bundle);
  if (!b) return out->push_back(bundle_not_found(d.bundle).message());
  const uint32_t id = b->id;
  for (auto& other : s->bundles) {
    if (other.id == id) continue;
    for (const auto& r : other.relationships) {
      if (r.to_bundle == id && !d.force) {
        return out->push_back("Bundle '" + d.bundle + "' is referenced by relationship '" +
                              r.name + "' of bundle '" + other.name + "'; use DROP BUNDLE \"" +
                              d.bundle + "\" WITH FORCE to drop it and the relationship");
      }
    }
  }
  for (auto& other : s->bundles)
    std::erase_if(other.relationships, [&](const Relationship& r) { return r.to_bundle == id; });
  std::erase_if(s->indexes, [&](const IndexDef& i) { return i.bundle_id == id; });
  std::erase_if(s->bundles, [&](const Bundle& x) { return x.id == id; });
}

std::vector<std::string> semantics(DatabaseSchema* s, const ast::Statement& command) {
  std::vector<std::string> out;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ast::CreateBundle>) {
          if (s->bundle(c.bundle)) return out.push_back("Bundle '" + c.bundle + "' already exists");
          Bundle b;
          b.name = c.bundle;
          for (const auto& def : c.fields)
            if (!b.field(def.name)) b.fields.push_back(lenient_field(def));
          b.id = s->next_bundle_id++;
          s->bundles.push_back(b);
          for (const auto& f : b.fields)
            if (f.unique) add_implicit_index(s, b, f.name);
        } else if constexpr (std::is_same_v<T, ast::UpdateBundle>) {
          const Bundle* b = s->bundle(c.bundle);
          if (!b) return out.push_back(bundle_not_found(c.bundle).message());
          const uint32_t id = b->id;
          DatabaseSchema copy = *s;  // a failing change leaves the whole statement unapplied
          for (const auto& change : c.changes) {
            update_change(&copy, id, change, &out);
            if (!out.empty()) return;
          }
          *s = std::move(copy);
        } else if constexpr (std::is_same_v<T, ast::DropBundle>) {
          drop_bundle(s, c, &out);
        } else if constexpr (std::is_same_v<T, ast::CreateIndex>) {
          if (s->index(c.name)) return out.push_back("Index '" + c.name + "' already exists");
          const Bundle* b = s->bundle(c.bundle);
          if (!b) return out.push_back(bundle_not_found(c.bundle).message());
          for (const auto& f : c.fields)
            if (!b->field(f)) out.push_back(field_not_found(f, b->name).message());
          if (!out.empty()) return;
          s->indexes.push_back({s->next_index_id++, c.name, c.kind, b->id, c.fields, c.unique,
                                false});
        } else if constexpr (std::is_same_v<T, ast::DropIndex>) {
          const IndexDef* idx = s->index(c.name);
          if (!idx) return out.push_back("Index '" + c.name + "' does not exist");
          if (idx->implicit) {
            return out.push_back("Index '" + c.name +
                                 "' is the implicit index of a unique field and cannot be "
                                 "dropped on its own");
          }
          const uint32_t id = idx->id;
          std::erase_if(s->indexes, [&](const IndexDef& i) { return i.id == id; });
        } else if constexpr (std::is_same_v<T, ast::AddDocument>) {
          const Bundle* b = s->bundle(c.bundle);
          if (!b) return out.push_back(bundle_not_found(c.bundle).message());
          if (!c.values.is_object()) return;
          for (const auto& [key, value] : c.values.items())
            if (!b->field(key)) out.push_back(field_not_found(key, b->name).message());
        } else if constexpr (std::is_same_v<T, ast::UpdateDocuments>) {
          const Bundle* b = s->bundle(c.bundle);
          if (!b) return out.push_back(bundle_not_found(c.bundle).message());
          for (const auto& a : c.assignments)
            if (!b->field(a.field)) out.push_back(field_not_found(a.field, b->name).message());
          check_condition(*b, c.where, &out);
        } else if constexpr (std::is_same_v<T, ast::DeleteDocuments>) {
          const Bundle* b = s->bundle(c.bundle);
          if (!b) return out.push_back(bundle_not_found(c.bundle).message());
          if (c.where) check_condition(*b, *c.where, &out);
        } else {
          out.push_back(std::string(ast::statement_name(command)) +
                        " is not allowed inside a migration");
        }
      },
      command);
  return out;
}

}  // namespace

std::vector<Finding> check_semantics(DatabaseSchema* overlay, const ast::Statement& command,
                                     size_t index) {
  std::vector<Finding> out;
  for (auto& m : semantics(overlay, command)) out.push_back({std::move(m), index});
  return out;
}

}  // namespace strata::engine::validate
