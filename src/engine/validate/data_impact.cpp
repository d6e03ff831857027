#include "engine/validate/data_impact.hpp"

#include "engine/documents.hpp"
#include "parser/canonical.hpp"

namespace strata::engine::validate {

namespace {

// Documents of `bundle` holding a value of `field` (stored documents keep non-null values only).
uint64_t values_of(const WriteContext& ctx, uint32_t bundle, const std::string& field) {
  uint64_t n = 0;
  (void)for_each_document(ctx.reader(), ctx.db_id(), bundle, [&](uint64_t, Json& doc) {
    auto it = doc.find(field);
    if (it != doc.end() && !it->is_null()) ++n;
    return Status::Ok();
  });
  return n;
}

uint64_t sum(const std::map<std::string, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void DataImpact::before(const WriteContext& ctx, const bound::Command& command) {
  pending_ = Pending{};
  const DatabaseSchema& schema = ctx.schema();
  auto name_of = [&](uint32_t id) {
    const Bundle* b = schema.bundle_by_id(id);
    return b ? b->name : std::string();
  };
  if (auto* d = std::get_if<bound::DropBundle>(&command)) {
    pending_.active = true;
    pending_.bundle = name_of(d->bundle);
    auto n = count_bundle(ctx.reader(), ctx.db_id(), d->bundle);
    if (n.ok()) pending_.counts.documents_deleted = *n;
    pending_.dropped_bundles.push_back(pending_.bundle);
    if (d->force) {
      pending_.irreversible.push_back(
          parser::canonical(ast::Statement(ast::DropBundle{pending_.bundle, true, {}})));
    }
  } else if (auto* del = std::get_if<bound::DeleteDocuments>(&command)) {
    pending_.active = true;
    pending_.bundle = name_of(del->bundle);
    pending_.deletes_affected = true;
  } else if (auto* up = std::get_if<bound::UpdateDocuments>(&command)) {
    pending_.active = true;
    pending_.bundle = name_of(up->bundle);
    for (const auto& a : up->assignments) pending_.overwrites_affected.push_back(a.field);
  } else if (auto* ub = std::get_if<bound::UpdateBundle>(&command)) {
    pending_.bundle = name_of(ub->bundle);
    for (const auto& change : ub->changes) {
      if (auto* r = std::get_if<bound::RemoveField>(&change)) {
        pending_.active = true;
        pending_.counts.removed[r->field.name] += values_of(ctx, ub->bundle, r->field.name);
        pending_.removed_fields.push_back(pending_.bundle + "." + r->field.name);
      } else if (auto* m = std::get_if<bound::ModifyField>(&change);
                 m && m->before.type != m->after.type) {
        pending_.active = true;
        pending_.counts.overwritten[m->before.name] +=
            values_of(ctx, ub->bundle, m->before.name);
      }
    }
  }
}

void DataImpact::after(bool ok, const Json& response) {
  if (!ok || !pending_.active) return;
  const uint64_t affected =
      response.contains("affected") ? response["affected"].get<uint64_t>() : 0;
  Counts& c = bundles_[pending_.bundle];
  c.documents_deleted += pending_.counts.documents_deleted;
  if (pending_.deletes_affected) c.documents_deleted += affected;
  for (const auto& [f, n] : pending_.counts.removed) c.removed[f] += n;
  for (const auto& [f, n] : pending_.counts.overwritten) c.overwritten[f] += n;
  for (const auto& f : pending_.overwrites_affected) c.overwritten[f] += affected;
  auto append = [](std::vector<std::string>* into, const std::vector<std::string>& from) {
    into->insert(into->end(), from.begin(), from.end());
  };
  append(&dropped_bundles_, pending_.dropped_bundles);
  append(&removed_fields_, pending_.removed_fields);
  append(&irreversible_, pending_.irreversible);
  pending_ = Pending{};
}

Json DataImpact::json() const {
  uint64_t deleted = 0, removed = 0, overwritten = 0;
  Json by_bundle = Json::object();
  std::string loss;
  auto note = [&](const std::string& s) { loss += (loss.empty() ? "" : "; ") + s; };
  for (const auto& [bundle, c] : bundles_) {
    const uint64_t r = sum(c.removed), o = sum(c.overwritten);
    if (c.documents_deleted == 0 && r == 0 && o == 0) continue;
    deleted += c.documents_deleted;
    removed += r;
    overwritten += o;
    Json entry = {{"documentsDeleted", c.documents_deleted},
                  {"valuesRemoved", Json::object()},
                  {"valuesOverwritten", Json::object()}};
    for (const auto& [f, n] : c.removed) {
      if (n == 0) continue;
      entry["valuesRemoved"][f] = n;
      note(plural(n, "value", "values") + " of " + bundle + "." + f + " removed");
    }
    for (const auto& [f, n] : c.overwritten) {
      if (n == 0) continue;
      entry["valuesOverwritten"][f] = n;
      note(plural(n, "value", "values") + " of " + bundle + "." + f + " overwritten");
    }
    if (c.documents_deleted > 0) {
      note(plural(c.documents_deleted, "document", "documents") + " deleted from bundle " +
           bundle);
    }
    by_bundle[bundle] = std::move(entry);
  }
  return {{"documentsDeleted", deleted},
          {"valuesRemoved", removed},
          {"valuesOverwritten", overwritten},
          {"bundlesDropped", dropped_bundles_},
          {"fieldsRemoved", removed_fields_},
          {"byBundle", std::move(by_bundle)},
          {"irreversible", irreversible_},
          {"recoverable", irreversible_.empty()},
          {"estimatedDataLoss", loss.empty() ? std::string("none") : loss}};
}

}  // namespace strata::engine::validate
