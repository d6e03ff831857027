#pragma once
// SimulatedAdds: the small overlay maps of the constraint phase (SPEC §4.4) for documents that
// a VALIDATE adds to a bundle the same simulation created. Such a bundle has no real documents,
// so ADD DOCUMENT into it is checked without writing anything: the document, bound and
// prepared against the bundle (binder.hpp: types, required fields, defaults, undeclared keys),
// has its unique index keys looked up in, then added to, one hash set per unique index. Only
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
#include <unordered_set>
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
  struct Tracked {
    std::vector<size_t> commands;
    // Per unique index (few per bundle: searched in order), the keys added so far.
    std::vector<std::pair<uint32_t, std::unordered_set<std::string>>> unique_values;
    std::unordered_set<std::string>& keys_of(uint32_t index_id);
  };
  std::map<uint32_t, Tracked> bundles_;
  // The bundle of the last add (a migration adds its documents in runs per bundle).
  uint32_t last_bundle_ = 0;
  Tracked* last_ = nullptr;
};

}  // namespace strata::engine::validate
