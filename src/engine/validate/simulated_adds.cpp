#include "engine/validate/simulated_adds.hpp"

#include "engine/documents.hpp"
#include "engine/index.hpp"

namespace strata::engine::validate {

namespace {

Status clash(const IndexDef& idx, const Bundle& bundle, const Json& doc) {
  Json values = Json::array();
  for (const auto& f : idx.fields) values.push_back(doc.at(f));
  const std::string what = idx.fields.size() == 1 ? "field '" + idx.fields[0] + "'"
                                                   : "fields " + Json(idx.fields).dump();
  return Status(Code::kConstraintViolation,
                "Unique constraint violated: " + what + " in bundle '" + bundle.name +
                    "' already has value " +
                    (values.size() == 1 ? values[0].dump() : values.dump()) +
                    " (added earlier in this migration)");
}

}  // namespace

Status SimulatedAdds::add(const DatabaseSchema& schema, const Bundle& bundle,
                          const ast::AddDocument& add, size_t index,
                          const PreparedDocument* prepared) {
  std::optional<Result<Json>> made;
  const Json* doc = nullptr;  // the document's tree, unless it was prepared flat
  if (prepared == nullptr) {
    made.emplace(prepare_document(bundle, add.values));
    if (!made->ok()) return made->status();
    doc = &**made;
  } else if (!prepared->flat()) {
    doc = &prepared->doc;
  }
  // The key a unique index gives the document (its entry's key), or nullopt when a value is
  // missing (no uniqueness applies then). A flat document brought its keys along.
  auto unique_key = [&](const IndexDef& idx) -> std::optional<std::string> {
    if (doc == nullptr) {
      for (const IndexKey& k : prepared->index_keys) {
        if (k.index_id == idx.id && !k.needs_seq) return k.key;
      }
      return std::nullopt;
    }
    IndexKey k = index_key(schema.id, idx, *doc);
    return k.needs_seq ? std::nullopt : std::optional<std::string>(std::move(k.key));
  };
  Tracked& t = bundles_[bundle.id];
  // Each unique index's key goes into its set at once (one hash); a clash takes back those
  // of the indexes before it, so a refused document leaves every set as it was.
  for (auto idx = schema.indexes.begin(); idx != schema.indexes.end(); ++idx) {
    if (idx->bundle_id != bundle.id || !idx->unique) continue;
    std::optional<std::string> key = unique_key(*idx);
    if (!key) continue;
    if (t.unique_values[idx->id].insert(std::move(*key)).second) continue;
    for (auto before = schema.indexes.begin(); before != idx; ++before) {
      if (before->bundle_id != bundle.id || !before->unique) continue;
      if (auto k = unique_key(*before)) t.unique_values[before->id].erase(*k);
    }
    if (doc != nullptr) return clash(*idx, bundle, *doc);
    auto tree = parse_document(prepared->bytes);
    if (!tree.ok()) return tree.status();
    return clash(*idx, bundle, *tree);
  }
  t.commands.push_back(index);
  return Status::Ok();
}

std::vector<size_t> SimulatedAdds::take(uint32_t bundle_id) {
  auto it = bundles_.find(bundle_id);
  if (it == bundles_.end() || it->second.commands.empty()) return {};  // nothing to replay
  std::vector<size_t> out = std::move(it->second.commands);
  bundles_.erase(it);
  return out;
}

std::vector<uint32_t> SimulatedAdds::tracked() const {
  std::vector<uint32_t> out;
  for (const auto& [id, t] : bundles_) out.push_back(id);
  return out;
}

}  // namespace strata::engine::validate
