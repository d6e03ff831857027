#include "engine/validate/simulated_adds.hpp"

#include "engine/documents.hpp"
#include "engine/index.hpp"

namespace strata::engine::validate {

Status SimulatedAdds::add(const DatabaseSchema& schema, const Bundle& bundle,
                          const ast::AddDocument& add, size_t index, const Json* prepared) {
  std::optional<Result<Json>> made;
  if (!prepared) {
    made.emplace(prepare_document(bundle, add.values));
    if (!made->ok()) return made->status();
    prepared = &**made;
  }
  const Json* doc = prepared;
  Tracked& t = bundles_[bundle.id];
  std::vector<std::pair<std::unordered_set<std::string>*, std::string>> inserts;
  for (const IndexDef* idx : schema.indexes_of(bundle.id)) {
    if (!idx->unique) continue;
    std::string key;
    bool complete = true;
    Json values = Json::array();
    for (const auto& f : idx->fields) {
      auto it = doc->find(f);
      if (it == doc->end() || it->is_null()) {
        complete = false;
        break;
      }
      key += key_value(*it);
      values.push_back(*it);
    }
    if (!complete) continue;
    auto& set = t.unique_values[idx->id];
    if (set.count(key)) {
      const std::string what = idx->fields.size() == 1 ? "field '" + idx->fields[0] + "'"
                                                       : "fields " + Json(idx->fields).dump();
      return Status(Code::kConstraintViolation,
                    "Unique constraint violated: " + what + " in bundle '" + bundle.name +
                        "' already has value " +
                        (values.size() == 1 ? values[0].dump() : values.dump()) +
                        " (added earlier in this migration)");
    }
    inserts.emplace_back(&set, std::move(key));
  }
  for (auto& [set, key] : inserts) set->insert(std::move(key));
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
