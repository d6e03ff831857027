#include "engine/validate/simulated_adds.hpp"

#include <cstring>
#include <functional>
#include <stdexcept>

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
    if (t.keys_of(keys[k].index_id).insert(keys[k].key)) continue;
    for (size_t before = 0; before < k; ++before) {
      if (!keys[before].needs_seq) t.keys_of(keys[before].index_id).erase_last(keys[before].key);
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

SimulatedAdds::KeySet& SimulatedAdds::Tracked::keys_of(uint32_t index_id) {
  for (auto& [id, keys] : unique_values)
    if (id == index_id) return keys;
  return unique_values.emplace_back(index_id, KeySet()).second;
}

namespace {

constexpr uint64_t kErased = ~uint64_t{0};
uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }
uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

}  // namespace

std::string_view SimulatedAdds::KeySet::key_at(uint64_t cell) const {
  const size_t at = static_cast<uint32_t>(cell) - 1;
  uint32_t size;
  std::memcpy(&size, bytes_.data() + at, sizeof size);
  return std::string_view(bytes_.data() + at + sizeof size, size);
}

size_t SimulatedAdds::KeySet::find(std::string_view key, uint64_t hash) const {
  const size_t mask = cells_.size() - 1;
  const uint32_t tag = tag_of(hash);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const uint64_t cell = cells_[i];
    if (cell == 0) return i;
    if (cell != kErased && static_cast<uint32_t>(cell >> 32) == tag && key_at(cell) == key) {
      return i;
    }
  }
}

void SimulatedAdds::KeySet::grow() {
  std::vector<uint64_t> old;
  old.swap(cells_);
  cells_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const size_t mask = cells_.size() - 1;
  used_ = 0;
  for (uint64_t cell : old) {
    if (cell == 0 || cell == kErased) continue;
    size_t i = (cell >> 32) & mask;  // placed by the stored tag: no key is read
    while (cells_[i] != 0) i = (i + 1) & mask;
    cells_[i] = cell;
    ++used_;
  }
}

bool SimulatedAdds::KeySet::insert(std::string_view key) {
  if ((used_ + 1) * 2 > cells_.size()) grow();  // load factor at most 1/2
  if (bytes_.size() + sizeof(uint32_t) + key.size() >= UINT32_MAX) {
    throw std::length_error("SimulatedAdds: more than 4 GiB of unique keys");
  }
  const uint64_t hash = hash_of(key);
  const size_t at = find(key, hash);
  if (cells_[at] != 0) return false;
  const size_t offset = bytes_.size();
  const auto size = static_cast<uint32_t>(key.size());
  bytes_.append(reinterpret_cast<const char*>(&size), sizeof size);
  bytes_.append(key);
  cells_[at] = (static_cast<uint64_t>(tag_of(hash)) << 32) | (offset + 1);
  ++used_;
  return true;
}

void SimulatedAdds::KeySet::erase_last(std::string_view key) {
  if (cells_.empty()) return;
  const size_t at = find(key, hash_of(key));
  if (cells_[at] == 0) return;
  const size_t offset = static_cast<uint32_t>(cells_[at]) - 1;
  cells_[at] = kErased;  // probes for other keys still pass over it
  if (offset + sizeof(uint32_t) + key.size() == bytes_.size()) bytes_.resize(offset);
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
