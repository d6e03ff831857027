#pragma once
// SimulatedAdds: the small overlay maps of the constraint phase (SPEC §4.4) for documents that
// a VALIDATE adds to a bundle the same simulation created. Such a bundle has no real documents,
// so ADD DOCUMENT into it is checked without writing anything: the document, bound and
// prepared against the bundle (binder.hpp: types, required fields, defaults, undeclared keys),
// has its unique index keys looked up in, then added to, one key set per unique index. Only
// the command numbers are kept, not the documents.
//
// When a later command needs the bundle's documents (anything but another ADD DOCUMENT into
// it), the validator takes the command numbers back (take()) and replays those commands on
// the scratch transaction first, so that command sees exactly what it would see at APPLY.
// Thread-safety: one per validation.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog.hpp"
#include "engine/binder.hpp"

namespace strata::engine::validate {

class SimulatedAdds {
 public:
  // The simulation created bundle `id`: its adds are tracked from now on.
  void created(uint32_t bundle_id) {
    bundles_[bundle_id];
    last_ = nullptr;
  }
  bool tracks(uint32_t bundle_id) const { return bundles_.count(bundle_id) > 0; }

  // Checks command `index`, ADD DOCUMENT `add` bound against `schema` into a tracked bundle,
  // and records it. Returns the refusal, if any (CONSTRAINT_VIOLATION on a unique clash).
  Status add(const DatabaseSchema& schema, const bound::AddDocument& add, size_t index);

  // Stops tracking `bundle_id` and returns the commands recorded for it, in order. A bundle
  // with no recorded command stays tracked (there is nothing to replay).
  std::vector<size_t> take(uint32_t bundle_id);
  // Every tracked bundle's id.
  std::vector<uint32_t> tracked() const;

 private:
  // A set of byte strings for millions of short keys: the keys laid end to end in one buffer,
  // an open-addressing table of (hash tag, offset) over it. Two allocations however many keys,
  // none per key; nothing to free key by key.
  class KeySet {
   public:
    // False when `key` is already in the set.
    bool insert(std::string_view key);
    // Removes `key`, the most recent insert (a refused document's earlier indexes).
    void erase_last(std::string_view key);

   private:
    size_t find(std::string_view key, uint64_t hash) const;  // its cell, or the empty one
    std::string_view key_at(uint64_t cell) const;
    void grow();
    std::string bytes_;           // per key: its u32 length, then its bytes
    std::vector<uint64_t> cells_;  // (tag << 32) | (offset + 1); 0: empty; kErased: erased
    size_t used_ = 0;             // cells not empty (erased ones included)
  };
  struct Tracked {
    std::vector<size_t> commands;
    // Per unique index (few per bundle: searched in order), the keys added so far.
    std::vector<std::pair<uint32_t, KeySet>> unique_values;
    KeySet& keys_of(uint32_t index_id);
  };
  std::map<uint32_t, Tracked> bundles_;
  // The bundle of the last add (a migration adds its documents in runs per bundle).
  uint32_t last_bundle_ = 0;
  Tracked* last_ = nullptr;
};

}  // namespace strata::engine::validate
