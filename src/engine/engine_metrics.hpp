#pragma once
// The engine's metrics (SPEC §12, /metrics; common/metrics.hpp):
//   strata_writer_lock_wait_seconds                       histogram: how long a change waited
//                                                         for its database's writer lock
//   strata_migration_duration_seconds{operation,outcome}  histogram: APPLY MIGRATION (operation
//                                                         "apply") and APPLY ROLLBACK
//                                                         ("rollback"), outcome "success" or
//                                                         the error code
//   strata_optimistic_writes_total{outcome}               counter: cluster mode's optimistic
//                                                         commits (docs/CLUSTER.md), outcome
//                                                         "won", or "lost" (the statement ran
//                                                         again under its database's lock)
// Thread-safety: safe for concurrent use.

#include <chrono>

#include "common/status.hpp"
#include "parser/ast.hpp"

namespace strata::engine {

void observe_writer_lock_wait(std::chrono::steady_clock::duration waited);
void observe_optimistic_write(bool won);
// Records `statement`'s duration when it is an APPLY MIGRATION or APPLY ROLLBACK.
void observe_migration(const ast::Statement& statement, const Status& status,
                       std::chrono::steady_clock::time_point started);

}  // namespace strata::engine
