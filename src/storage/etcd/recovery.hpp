#pragma once
// Private to src/storage/etcd: rolling back a staged commit that will never be published
// (docs/CLUSTER.md "Recovery"). Its writer either gave it up (and rolls it back itself) or is
// gone: its owner key expired with its lease, so its own Txns, which compare that key, can no
// longer write. The roll-back reads every key the staging records name at the revision before
// the staging began (F - 1, which Strata's compaction keeps), writes those values back (a key
// absent then is deleted, with its chunks), in Txns that all compare the staging flags (so a
// second roll-back of the same commit, racing this one, writes the same values and stops as
// soon as one of them cleared the flags), then clears the flags, the records and the owner key
// in one Txn: the publish keys then hold rolled_back_marker(commit).
// Thread-safety: safe for concurrent use (every step is a compare-guarded etcd Txn).

#include <string>

#include "storage/etcd/backend.hpp"

namespace strata::storage::etcd {

// True when the writer of staged commit `commit` is gone (its owner key expired).
Result<bool> staging_abandoned(Backend& b, const std::string& commit);
// Rolls back staged commit `commit`; ok also when it was not (or no longer) staging.
Status roll_back(Backend& b, const std::string& commit);
// What a publish key holds after `commit` was rolled back.
std::string rolled_back_marker(const std::string& commit);

}  // namespace strata::storage::etcd
