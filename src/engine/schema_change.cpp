// schema_change: every catalog change of SPEC §3.2, applied from a bound command.
#include "engine/schema_change.hpp"

#include <algorithm>

namespace strata::engine::schema_change {

namespace {

// The implicit unique hash index of `field` (a new id, a name free in `schema`).
void add_implicit_index(DatabaseSchema* schema, const Bundle& bundle, const std::string& field,
                        Effect* effect) {
  IndexDef idx;
  idx.id = schema->next_index_id++;
  idx.name = schema->free_index_name(implicit_index_name(bundle.name, field));
  idx.kind = ast::IndexKind::kHash;
  idx.bundle_id = bundle.id;
  idx.fields = {field};
  idx.unique = true;
  idx.implicit = true;
  if (effect) effect->created.push_back(idx);
  schema->indexes.push_back(std::move(idx));
}

void drop_index(DatabaseSchema* schema, uint32_t index_id, Effect* effect) {
  auto it = std::find_if(schema->indexes.begin(), schema->indexes.end(),
                         [&](const IndexDef& i) { return i.id == index_id; });
  if (it == schema->indexes.end()) return;
  if (effect) effect->dropped.push_back(*it);
  schema->indexes.erase(it);
}

// After a bundle rename: its implicit indexes take names that follow the bundle's.
void rename_implicit_indexes(DatabaseSchema* schema, uint32_t bundle_id) {
  const std::string bundle = schema->bundle_by_id(bundle_id)->name;
  for (auto& idx : schema->indexes) {
    if (!idx.implicit || idx.bundle_id != bundle_id) continue;
    std::string wanted = implicit_index_name(bundle, idx.fields[0]);
    if (idx.name != wanted) idx.name = schema->free_index_name(wanted);
  }
}

// Every relationship field reference to `from` of bundle `bundle_id` becomes `to` ("" clears).
void rename_relationship_fields(DatabaseSchema* schema, uint32_t bundle_id,
                                const std::string& from, const std::string& to) {
  for (auto& r : schema->bundle_by_id(bundle_id)->relationships)
    if (r.from_field == from) r.from_field = to;
  for (auto& other : schema->bundles)
    for (auto& r : other.relationships)
      if (r.to_bundle == bundle_id && r.to_field == from) r.to_field = to;
}

}  // namespace

std::string implicit_index_name(const std::string& bundle, const std::string& field) {
  return bundle + "_" + field + "_unique";
}

void apply_change(DatabaseSchema* schema, uint32_t bundle_id, const bound::BundleChange& change,
                  Effect* effect) {
  if (effect) effect->bundle = bundle_id;
  Bundle* b = schema->bundle_by_id(bundle_id);
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::SetBundleName>) {
          b->name = c.to;
          rename_implicit_indexes(schema, bundle_id);
        } else if constexpr (std::is_same_v<T, bound::AddField>) {
          const size_t at = std::min(c.position, b->fields.size());
          b->fields.insert(b->fields.begin() + static_cast<std::ptrdiff_t>(at), c.field);
          if (c.field.unique) add_implicit_index(schema, *b, c.field.name, effect);
        } else if constexpr (std::is_same_v<T, bound::RemoveField>) {
          if (c.implicit_index) drop_index(schema, c.implicit_index->id, effect);
          std::erase_if(b->fields, [&](const Field& f) { return f.name == c.field.name; });
          rename_relationship_fields(schema, bundle_id, c.field.name, "");
        } else if constexpr (std::is_same_v<T, bound::RenameField>) {
          b->field(c.from)->name = c.to;
          rename_relationship_fields(schema, bundle_id, c.from, c.to);
          for (auto& idx : schema->indexes) {
            if (idx.bundle_id != bundle_id) continue;
            for (auto& f : idx.fields)
              if (f == c.from) f = c.to;
            if (idx.implicit && idx.fields[0] == c.to) {
              std::string wanted = implicit_index_name(b->name, c.to);
              if (idx.name != wanted && !schema->index(wanted)) idx.name = wanted;
            }
          }
        } else if constexpr (std::is_same_v<T, bound::ModifyField>) {
          *b->field(c.before.name) = c.after;
          if (c.dropped_index) drop_index(schema, c.dropped_index->id, effect);
          if (!c.before.unique && c.after.unique) {
            add_implicit_index(schema, *b, c.after.name, effect);
          }
        } else if constexpr (std::is_same_v<T, bound::AddRelationship>) {
          b->relationships.push_back(c.relationship);
        } else {
          std::erase_if(b->relationships,
                        [&](const Relationship& r) { return r.name == c.relationship.name; });
        }
      },
      change);
}

void apply(DatabaseSchema* schema, const bound::Command& command, Effect* effect) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::CreateBundle>) {
          Bundle b = c.bundle;
          b.id = schema->next_bundle_id++;
          if (effect) effect->bundle = b.id;
          schema->bundles.push_back(b);
          for (const auto& f : b.fields)
            if (f.unique) add_implicit_index(schema, b, f.name, effect);
        } else if constexpr (std::is_same_v<T, bound::UpdateBundle>) {
          for (const auto& change : c.changes) apply_change(schema, c.bundle, change, effect);
        } else if constexpr (std::is_same_v<T, bound::DropBundle>) {
          if (effect) effect->bundle = c.bundle;
          for (const auto& [source, r] : c.referencing) {
            // (`name` rather than the binding `r`: Clang 14 cannot capture a structured binding.)
            const std::string& name = r.name;
            std::erase_if(schema->bundle_by_id(source)->relationships,
                          [&](const Relationship& x) { return x.name == name; });
          }
          for (auto it = schema->indexes.begin(); it != schema->indexes.end();) {
            if (it->bundle_id != c.bundle) {
              ++it;
              continue;
            }
            if (effect) effect->dropped.push_back(*it);
            it = schema->indexes.erase(it);
          }
          std::erase_if(schema->bundles, [&](const Bundle& b) { return b.id == c.bundle; });
        } else if constexpr (std::is_same_v<T, bound::CreateIndex>) {
          IndexDef idx = c.index;
          idx.id = schema->next_index_id++;
          if (effect) {
            effect->bundle = idx.bundle_id;
            effect->created.push_back(idx);
          }
          schema->indexes.push_back(std::move(idx));
        } else if constexpr (std::is_same_v<T, bound::DropIndex>) {
          if (effect) effect->bundle = c.index.bundle_id;
          drop_index(schema, c.index.id, effect);
        }
        // Document commands change no catalog.
      },
      command);
}

}  // namespace strata::engine::schema_change
