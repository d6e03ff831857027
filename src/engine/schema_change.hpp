#pragma once
// schema_change: the only code that changes a catalog (SPEC §3.2).
//
// apply() makes a bound command's change to a DatabaseSchema: the executors apply it to their
// statement's schema copy and then do the data work (executors.hpp); validation phase 2
// applies it to the simulation's catalog; START's preview and the DOWN builder apply it to
// theirs; the binder applies the earlier changes of an UPDATE BUNDLE to a scratch copy to bind
// the later ones. A command bound against a catalog always applies to that catalog (the binder
// checked every rule), so apply() cannot fail.
//
// What apply() decided that the data work needs (the ids it gave, the indexes it created or
// dropped) comes back in an Effect.
// Thread-safety: pure functions over values the caller owns.

#include <cstdint>
#include <vector>

#include "engine/binder.hpp"
#include "engine/catalog.hpp"

namespace strata::engine::schema_change {

struct Effect {
  uint32_t bundle = 0;               // the bundle created or changed (its id)
  std::vector<IndexDef> created;     // indexes created: their entries are to be built
  std::vector<IndexDef> dropped;     // indexes dropped: their entries are to be deleted
};

// Applies a bound schema command (CREATE / UPDATE / DROP BUNDLE, CREATE / DROP INDEX) to
// `schema`; document commands change no catalog. REQUIRES: `command` was bound against
// `schema` as it is now.
void apply(DatabaseSchema* schema, const bound::Command& command, Effect* effect = nullptr);

// One change of an UPDATE BUNDLE on bundle `bundle_id`.
void apply_change(DatabaseSchema* schema, uint32_t bundle_id, const bound::BundleChange& change,
                  Effect* effect = nullptr);

// The name of the implicit unique index of `field` of `bundle` (made free of clashes with the
// names `schema` uses when it is created).
std::string implicit_index_name(const std::string& bundle, const std::string& field);

}  // namespace strata::engine::schema_change
