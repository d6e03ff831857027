#pragma once
// Rollback conflicts (SPEC §4.7): writes made after a migration was applied that its rollback
// would silently destroy.
//
// Every document carries the write stamp of the commit that last wrote its values
// (documents.hpp; stamps grow with every commit of a database, and a field change keeps them),
// and a migration's record holds its APPLY's stamp, the range of sequences it added and, in
// its undo snapshot, the documents it overwrote or deleted. find_conflicts() compares that
// with the documents as they are when the rollback reaches the migration (after the later
// migrations of the same rollback were reversed):
//   - modified_after_apply: a document the migration added or overwrote carries a newer stamp
//     (written_after);
//   - deleted_after_apply: a document the migration overwrote is gone;
// (a document the migration added and someone deleted since is no conflict: the rollback
// would delete it anyway). unique_taken — a value the rollback would restore into a unique
// field or index is held by another document — is found while restoring (undo.hpp).
// APPLY ROLLBACK refuses on any conflict (ROLLBACK_CONFLICT); FORCE overrides the first two
// kinds, keeping each overwritten current copy in the rollback's record, never unique_taken.
// Thread-safety: pure functions over a WriteContext used by one thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "engine/ledger.hpp"
#include "engine/write_context.hpp"

namespace strata::engine {

struct Conflict {
  uint64_t version = 0;
  std::string bundle;
  uint64_t seq = 0;
  std::string kind;  // modified_after_apply, deleted_after_apply, unique_taken
  // unique_taken: the field(s), the value and the document holding it now.
  std::string field;
  Json value;
  uint64_t held_by = 0;
  // modified_after_apply: the document as it is now (what FORCE overwrites).
  std::optional<std::string> current;

  bool forceable() const { return kind != "unique_taken"; }
  // {"version","bundle","DocumentID","kind"[,"field","value","heldBy"]}
  Json to_json() const;
};

// Whether stored document bytes were written after `record`'s APPLY (never, for a record from
// before write stamps).
bool written_after(std::string_view stored, const MigrationRecord& record);

// The modified_after_apply / deleted_after_apply conflicts of `record` on ctx, appended to
// `out`. Nothing when the record predates write stamps (apply_stamp 0).
Status find_conflicts(WriteContext& ctx, const MigrationRecord& record, std::vector<Conflict>* out);

// The conflicts as a JSON array, and whether FORCE would override every one.
Json conflicts_json(const std::vector<Conflict>& conflicts);
bool all_forceable(const std::vector<Conflict>& conflicts);

}  // namespace strata::engine
