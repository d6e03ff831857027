#include "engine/engine_metrics.hpp"

#include <string>

#include "common/metrics.hpp"

namespace strata::engine {

void observe_writer_lock_wait(std::chrono::steady_clock::duration waited) {
  static metrics::Histogram& wait =
      metrics::default_registry()
          .histogram("strata_writer_lock_wait_seconds",
                     "Time a change waited for its database's writer lock", {},
                     {0.00001, 0.0001, 0.001, 0.01, 0.1, 1, 10, 60, 300})
          .get();
  wait.observe(std::chrono::duration<double>(waited).count());
}

void observe_optimistic_write(bool won) {
  static metrics::Family<metrics::Counter>& writes = metrics::default_registry().counter(
      "strata_optimistic_writes_total",
      "Optimistic commits of cluster mode, won, or lost (run again under the lock)", {"outcome"});
  static metrics::Counter& won_count = writes.with({"won"});
  static metrics::Counter& lost_count = writes.with({"lost"});
  (won ? won_count : lost_count).inc();
}

void observe_migration(const ast::Statement& statement, const Status& status,
                       std::chrono::steady_clock::time_point started) {
  const char* operation = nullptr;
  if (std::holds_alternative<ast::ApplyMigration>(statement)) operation = "apply";
  if (std::holds_alternative<ast::ApplyRollback>(statement)) operation = "rollback";
  if (operation == nullptr) return;
  static metrics::Family<metrics::Histogram>& durations = metrics::default_registry().histogram(
      "strata_migration_duration_seconds",
      "Duration of APPLY MIGRATION (apply) and APPLY ROLLBACK (rollback) statements",
      {"operation", "outcome"}, metrics::duration_buckets());
  const std::string outcome = status.ok() ? "success" : std::string(code_name(status.code()));
  durations.with({operation, outcome})
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace strata::engine
