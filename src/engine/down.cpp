#include "engine/down.hpp"

#include "engine/recorded_schema.hpp"
#include "engine/schema_change.hpp"
#include "parser/canonical.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace {

std::string text(ast::Statement statement) { return parser::canonical(statement); }

std::string update(const std::string& bundle, ast::BundleChange change) {
  ast::UpdateBundle u;
  u.bundle = bundle;
  u.changes.push_back(std::move(change));
  return text(std::move(u));
}

ast::RelationshipDef relationship_def(const DatabaseSchema& s, const std::string& from,
                                      const Relationship& r) {
  const Bundle* to = s.bundle_by_id(r.to_bundle);
  return {r.name, from, to ? to->name : "", r.cardinality, r.from_field, r.to_field};
}

bool same_definition(const Field& a, const Field& b) {
  return a.type == b.type && a.required == b.required && a.unique == b.unique &&
         a.default_value == b.default_value;
}

}  // namespace

std::string restore_step(const std::string& bundle, uint64_t version) {
  return text(ast::RestoreDocuments{bundle, version, {}});
}

DownBuilder::DownBuilder(uint64_t version, const DatabaseSchema& base)
    : version_(version), base_(base) {}

std::map<std::string, std::string>& DownBuilder::names_of(uint32_t bundle_id) {
  auto [it, added] = field_names_.try_emplace(bundle_id);
  if (added) {
    if (const Bundle* b = base_.bundle_by_id(bundle_id))
      for (const auto& f : b->fields) it->second.emplace(f.name, f.name);
  }
  return it->second;
}

void DownBuilder::predict_restore(uint32_t bundle_id) {
  if (const Bundle* b = base_.bundle_by_id(bundle_id)) predicted_restores_.insert(b->name);
}

std::string DownBuilder::base_field(uint32_t bundle_id, const std::string& name) const {
  auto b = field_names_.find(bundle_id);
  if (b == field_names_.end()) {  // no field of it renamed or removed yet
    const Bundle* base = base_.bundle_by_id(bundle_id);
    return base && base->field(name) ? name : "";
  }
  auto f = b->second.find(name);
  return f == b->second.end() ? "" : f->second;
}

void DownBuilder::reverse_change(const DatabaseSchema& before, uint32_t bundle_id,
                                 const bound::BundleChange& change,
                                 std::vector<std::string>* steps) {
  const std::string& name = before.bundle_by_id(bundle_id)->name;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::SetBundleName>) {
          steps->push_back(update(c.to, ast::SetBundleName{c.from}));
        } else if constexpr (std::is_same_v<T, bound::AddField>) {
          // Its default filled in is taken out again: nothing to restore (undo.hpp).
          steps->push_back(update(name, ast::RemoveField{c.field.name}));
        } else if constexpr (std::is_same_v<T, bound::RemoveField>) {
          ast::FieldDef def = field_def(c.field);
          // A required field without default can only come back as optional to a bundle that
          // may hold documents; step 3 makes it required again once its values are back.
          if (def.required && def.default_value.is_null()) def.required = false;
          ast::AddField add{def};
          add.position = c.position + 1;
          steps->push_back(update(name, std::move(add)));
          predict_restore(bundle_id);
          const std::string original = base_field(bundle_id, c.field.name);
          if (!original.empty()) {
            names_of(bundle_id).erase(c.field.name);
            const Field* was = base_.bundle_by_id(bundle_id)->field(original);
            Field back = c.field;
            back.required = def.required;
            if (!was || !same_definition(*was, back)) redefine_.emplace(bundle_id, original);
          }
        } else if constexpr (std::is_same_v<T, bound::RenameField>) {
          steps->push_back(update(name, ast::RenameField{c.to, c.from}));
          auto& names = names_of(bundle_id);
          if (auto it = names.find(c.from); it != names.end()) {
            names[c.to] = it->second;
            names.erase(it);
          }
        } else if constexpr (std::is_same_v<T, bound::ModifyField>) {
          predict_restore(bundle_id);
          const std::string original = base_field(bundle_id, c.before.name);
          if (!original.empty()) redefine_.emplace(bundle_id, original);
        } else if constexpr (std::is_same_v<T, bound::AddRelationship>) {
          steps->push_back(update(name, ast::RemoveRelationship{c.relationship.name}));
        } else {
          steps->push_back(
              update(name, ast::AddRelationship{relationship_def(before, name, c.relationship)}));
        }
      },
      change);
}

void DownBuilder::add(const DatabaseSchema& before, const bound::Command& command,
                      std::optional<uint64_t> assigned_seq) {
  std::vector<std::string> steps;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::CreateBundle>) {
          steps.push_back(text(ast::DropBundle{c.bundle.name, false, {}}));
        } else if constexpr (std::is_same_v<T, bound::DropBundle>) {
          const Bundle& b = *before.bundle_by_id(c.bundle);
          if (c.force) {
            if (irreversible_.empty()) irreversible_ = text(ast::DropBundle{b.name, true, {}});
            return;
          }
          // CREATE BUNDLE, then its indexes, then its relationships.
          ast::CreateBundle create;
          create.bundle = b.name;
          for (const auto& f : b.fields) create.fields.push_back(field_def(f));
          steps.push_back(text(create));
          for (const IndexDef* idx : before.indexes_of(b.id)) {
            if (idx->implicit) continue;
            steps.push_back(
                text(ast::CreateIndex{idx->name, idx->kind, b.name, idx->fields, idx->unique, {}}));
          }
          for (const auto& r : b.relationships) {
            steps.push_back(update(b.name, ast::AddRelationship{relationship_def(before, b.name, r)}));
          }
          predict_restore(b.id);
        } else if constexpr (std::is_same_v<T, bound::UpdateBundle>) {
          // Each change is reversed on the schema just before it; the reversals run in the
          // opposite order.
          std::vector<std::vector<std::string>> reversed;
          if (c.changes.size() == 1) {
            reversed.emplace_back();
            reverse_change(before, c.bundle, c.changes[0], &reversed.back());
          } else {
            DatabaseSchema cur = before;
            for (const auto& change : c.changes) {
              reversed.emplace_back();
              reverse_change(cur, c.bundle, change, &reversed.back());
              schema_change::apply_change(&cur, c.bundle, change);
            }
          }
          for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
            steps.insert(steps.end(), it->begin(), it->end());
        } else if constexpr (std::is_same_v<T, bound::CreateIndex>) {
          steps.push_back(text(ast::DropIndex{c.index.name, {}}));
        } else if constexpr (std::is_same_v<T, bound::DropIndex>) {
          const Bundle* b = before.bundle_by_id(c.index.bundle_id);
          steps.push_back(text(ast::CreateIndex{c.index.name, c.index.kind, b ? b->name : "",
                                                c.index.fields, c.index.unique, {}}));
        } else if constexpr (std::is_same_v<T, bound::AddDocument>) {
          if (assigned_seq) document_step(before, c.bundle, *assigned_seq, &steps);
        } else if constexpr (std::is_same_v<T, bound::UpdateDocuments> ||
                             std::is_same_v<T, bound::DeleteDocuments>) {
          predict_restore(c.bundle);
        }
        // RESTORE DOCUMENTS is no UP command.
      },
      command);
  if (!steps.empty()) steps_.push_back(std::move(steps));
}

void DownBuilder::add_document(const DatabaseSchema& before, uint32_t bundle_id,
                               uint64_t assigned_seq) {
  std::vector<std::string> steps;
  document_step(before, bundle_id, assigned_seq, &steps);
  if (!steps.empty()) steps_.push_back(std::move(steps));
}

// ADD DOCUMENT -> DELETE DOCUMENTS ... WHERE DocumentID == id, unless the bundle is new (its
// DROP BUNDLE removes the document).
void DownBuilder::document_step(const DatabaseSchema& before, uint32_t bundle_id,
                                uint64_t assigned_seq, std::vector<std::string>* steps) const {
  const Bundle* b = before.bundle_by_id(bundle_id);
  if (!b || !base_.bundle_by_id(bundle_id)) return;
  ast::DeleteDocuments del;
  del.bundle = b->name;
  ast::Condition where;
  where.compare = {"DocumentID", ast::CompareOp::kEq,
                   Json(storage::keys::document_id(assigned_seq)), {}};
  del.where = where;
  steps->push_back(text(std::move(del)));
}

std::vector<std::string> DownBuilder::finish(const std::vector<std::string>& restores) const {
  std::vector<std::string> out;
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
    out.insert(out.end(), it->begin(), it->end());
  }
  for (const auto& bundle : restores) out.push_back(restore_step(bundle, version_));
  for (const auto& [bundle_id, field] : redefine_) {
    const Bundle* b = base_.bundle_by_id(bundle_id);
    const Field* f = b ? b->field(field) : nullptr;
    if (f) out.push_back(update(b->name, ast::ModifyField{field_def(*f)}));
  }
  return out;
}

}  // namespace strata::engine
