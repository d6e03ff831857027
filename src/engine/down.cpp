#include "engine/down.hpp"

#include <algorithm>

#include "engine/validate/phases.hpp"
#include "parser/canonical.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace {

ast::FieldDef field_def(const Field& f) {
  ast::FieldDef d;
  d.name = f.name;
  d.type = parser::type_name(f.type);
  d.required = f.required;
  d.unique = f.unique;
  d.default_value = f.default_value;
  return d;
}

std::string update(const std::string& bundle, ast::BundleChange change) {
  ast::UpdateBundle u;
  u.bundle = bundle;
  u.changes.push_back(std::move(change));
  return parser::canonical(ast::Statement(std::move(u)));
}

ast::RelationshipDef relationship_def(const DatabaseSchema& s, const Bundle& from,
                                      const Relationship& r) {
  const Bundle* to = s.bundle_by_id(r.to_bundle);
  return {r.name, from.name, to ? to->name : "", r.cardinality, r.from_field, r.to_field};
}

bool in_base(const DatabaseSchema& base, uint32_t bundle_id) {
  return base.bundle_by_id(bundle_id) != nullptr;
}

}  // namespace

DownBuilder::DownBuilder(uint64_t version, const DatabaseSchema& base)
    : version_(version), base_(base) {}

void DownBuilder::predict_restore(const DatabaseSchema& before, uint32_t bundle_id) {
  if (const Bundle* b = base_.bundle_by_id(bundle_id)) predicted_restores_.insert(b->name);
}

void DownBuilder::reverse_change(const DatabaseSchema& cur, std::string* name,
                                 const ast::BundleChange& change,
                                 std::vector<std::string>* steps) {
  const Bundle* b = cur.bundle(*name);
  if (!b) return;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ast::SetBundleName>) {
          steps->push_back(update(c.new_name, ast::SetBundleName{*name}));
          *name = c.new_name;
        } else if constexpr (std::is_same_v<T, ast::AddField>) {
          steps->push_back(update(*name, ast::RemoveField{c.field.name}));
          if (!c.field.default_value.is_null()) predict_restore(cur, b->id);
        } else if constexpr (std::is_same_v<T, ast::RemoveField>) {
          const Field* f = b->field(c.field);
          if (!f) return;
          ast::FieldDef def = field_def(*f);
          if (f->required && f->default_value.is_null()) {
            def.required = false;
            const Bundle* old = base_.bundle_by_id(b->id);
            const Field* orig = old ? old->field(f->name) : nullptr;
            if (orig && *orig == *f) {
              deferred_.push_back(update(old->name, ast::ModifyField{field_def(*f)}));
            }
          }
          steps->push_back(update(*name, ast::AddField{def}));
          predict_restore(cur, b->id);
        } else if constexpr (std::is_same_v<T, ast::RenameField>) {
          steps->push_back(update(*name, ast::RenameField{c.to, c.from}));
          predict_restore(cur, b->id);
        } else if constexpr (std::is_same_v<T, ast::ModifyField>) {
          const Field* f = b->field(c.field.name);
          if (!f) return;
          steps->push_back(update(*name, ast::ModifyField{field_def(*f)}));
          predict_restore(cur, b->id);
        } else if constexpr (std::is_same_v<T, ast::AddRelationship>) {
          steps->push_back(update(*name, ast::RemoveRelationship{c.rel.name}));
        } else {
          const Relationship* r = b->relationship(c.name);
          if (!r) return;
          steps->push_back(update(*name, ast::AddRelationship{relationship_def(cur, *b, *r)}));
        }
      },
      change);
}

void DownBuilder::add(const DatabaseSchema& before, const ast::Statement& command,
                      std::optional<uint64_t> assigned_seq) {
  std::vector<std::string> steps;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ast::CreateBundle>) {
          steps.push_back(parser::canonical(ast::Statement(ast::DropBundle{c.bundle, false, {}})));
        } else if constexpr (std::is_same_v<T, ast::DropBundle>) {
          const Bundle* b = before.bundle(c.bundle);
          if (!b) return;
          if (c.force) {
            if (irreversible_.empty()) irreversible_ = parser::canonical(command);
            return;
          }
          // CREATE BUNDLE, then its indexes, then its relationships.
          ast::CreateBundle create;
          create.bundle = b->name;
          for (const auto& f : b->fields) create.fields.push_back(field_def(f));
          std::vector<std::string> forward{parser::canonical(ast::Statement(create))};
          for (const IndexDef* idx : before.indexes_of(b->id)) {
            if (idx->implicit) continue;
            forward.push_back(parser::canonical(ast::Statement(
                ast::CreateIndex{idx->name, idx->kind, b->name, idx->fields, idx->unique, {}})));
          }
          for (const auto& r : b->relationships) {
            forward.push_back(update(b->name, ast::AddRelationship{relationship_def(before, *b, r)}));
          }
          steps = std::move(forward);
          predict_restore(before, b->id);
        } else if constexpr (std::is_same_v<T, ast::UpdateBundle>) {
          // Later changes of the statement see the earlier ones (names may move).
          std::string name = c.bundle;
          std::vector<std::string> forward;
          if (c.changes.size() == 1) {
            reverse_change(before, &name, c.changes[0], &forward);
            steps = std::move(forward);
            return;
          }
          DatabaseSchema cur = before;
          for (const auto& change : c.changes) {
            std::string before_name = name;
            reverse_change(cur, &name, change, &forward);
            ast::UpdateBundle one;
            one.bundle = before_name;
            one.changes.push_back(change);
            (void)validate::check_semantics(&cur, ast::Statement(std::move(one)), 0);
          }
          steps.assign(forward.rbegin(), forward.rend());
        } else if constexpr (std::is_same_v<T, ast::CreateIndex>) {
          steps.push_back(parser::canonical(ast::Statement(ast::DropIndex{c.name, {}})));
        } else if constexpr (std::is_same_v<T, ast::DropIndex>) {
          const IndexDef* idx = before.index(c.name);
          const Bundle* b = idx ? before.bundle_by_id(idx->bundle_id) : nullptr;
          if (!b) return;
          steps.push_back(parser::canonical(ast::Statement(
              ast::CreateIndex{idx->name, idx->kind, b->name, idx->fields, idx->unique, {}})));
        } else if constexpr (std::is_same_v<T, ast::AddDocument>) {
          if (assigned_seq) document_step(before, c.bundle, *assigned_seq, &steps);
        } else if constexpr (std::is_same_v<T, ast::UpdateDocuments> ||
                             std::is_same_v<T, ast::DeleteDocuments>) {
          if (const Bundle* b = before.bundle(c.bundle)) predict_restore(before, b->id);
        }
      },
      command);
  if (!steps.empty()) steps_.push_back(std::move(steps));
}

void DownBuilder::add_document(const DatabaseSchema& before, const std::string& bundle,
                               uint64_t assigned_seq) {
  std::vector<std::string> steps;
  document_step(before, bundle, assigned_seq, &steps);
  if (!steps.empty()) steps_.push_back(std::move(steps));
}

// ADD DOCUMENT -> DELETE DOCUMENTS ... WHERE DocumentID == id, unless the bundle is new (its
// DROP BUNDLE removes the document).
void DownBuilder::document_step(const DatabaseSchema& before, const std::string& bundle,
                                uint64_t assigned_seq, std::vector<std::string>* steps) const {
  const Bundle* b = before.bundle(bundle);
  if (!b || !in_base(base_, b->id)) return;
  ast::DeleteDocuments del;
  del.bundle = b->name;
  ast::Condition where;
  where.compare = {"DocumentID", ast::CompareOp::kEq,
                   Json(storage::keys::document_id(assigned_seq)), {}};
  del.where = where;
  steps->push_back(parser::canonical(ast::Statement(std::move(del))));
}

std::vector<std::string> DownBuilder::finish(const std::vector<std::string>& restores) const {
  std::vector<std::string> out;
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
    out.insert(out.end(), it->begin(), it->end());
  }
  for (const auto& bundle : restores) {
    out.push_back(parser::canonical(ast::Statement(ast::RestoreDocuments{bundle, version_, {}})));
  }
  out.insert(out.end(), deferred_.begin(), deferred_.end());
  return out;
}

}  // namespace strata::engine
