#pragma once
// The differences between two schemas, object by object: what named drift reports (SPEC §4.10:
// the live schema against the one the ledger recorded) and what validation's reversibility
// phase reports when a DOWN list would not bring the schema back (§4.4 phase 5). Objects are
// matched by name — ids are internal — bundles, their fields (definition and place),
// relationships, and indexes.
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "engine/catalog.hpp"

namespace strata::engine {

struct SchemaDifference {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind = Kind::kChanged;
  std::string object;  // "bundle 'Tmp'", "field 'Users.nick'", "index 'i'", "relationship 'A.r'"
  std::string detail;  // kChanged: what changed, e.g. "type INT -> FLOAT", "position 3 -> 1"
};

// What `actual` has that `expected` has not (kAdded), the reverse (kRemoved), and what both
// have differently (kChanged), in a deterministic order.
std::vector<SchemaDifference> schema_diff(const DatabaseSchema& expected,
                                          const DatabaseSchema& actual);

// "bundle 'Tmp' added", "field 'Users.age' changed: type INT -> FLOAT".
std::string describe(const SchemaDifference& difference);

}  // namespace strata::engine
