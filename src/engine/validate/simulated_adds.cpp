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

Status SimulatedAdds::add(const DatabaseSchema& schema, const bound::AddDocument& add,
                          size_t index) {
  if (!last_ || last_bundle_ != add.bundle) {
    last_ = &bundles_[add.bundle];
    last_bundle_ = add.bundle;
  }
  Tracked& t = *last_;
  const auto& keys = add.document.index_keys;
  // Each unique index's key goes into its set at once (one hash); a clash takes back those
  // of the indexes before it, so a refused document leaves every set as it was.
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].needs_seq) continue;  // not unique, or a value missing
    if (t.keys_of(keys[k].index_id).insert(keys[k].key).second) continue;
    for (size_t before = 0; before < k; ++before) {
      if (!keys[before].needs_seq) t.keys_of(keys[before].index_id).erase(keys[before].key);
    }
    const IndexDef* idx = nullptr;
    for (const auto& i : schema.indexes)
      if (i.id == keys[k].index_id) idx = &i;
    auto tree = parse_document(add.document.bytes);
    if (!tree.ok()) return tree.status();
    return clash(*idx, *schema.bundle_by_id(add.bundle), *tree);
  }
  t.commands.push_back(index);
  return Status::Ok();
}

std::unordered_set<std::string>& SimulatedAdds::Tracked::keys_of(uint32_t index_id) {
  for (auto& [id, keys] : unique_values)
    if (id == index_id) return keys;
  return unique_values.emplace_back(index_id, std::unordered_set<std::string>()).second;
}

std::vector<size_t> SimulatedAdds::take(uint32_t bundle_id) {
  auto it = bundles_.find(bundle_id);
  if (it == bundles_.end() || it->second.commands.empty()) return {};  // nothing to replay
  std::vector<size_t> out = std::move(it->second.commands);
  bundles_.erase(it);
  last_ = nullptr;
  return out;
}

std::vector<uint32_t> SimulatedAdds::tracked() const {
  std::vector<uint32_t> out;
  for (const auto& [id, t] : bundles_) out.push_back(id);
  return out;
}

}  // namespace strata::engine::validate
