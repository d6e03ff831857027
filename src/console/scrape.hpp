#pragma once
// What /metrics and /healthz answer (SPEC §12).
//
// metrics_document(): the process's registry (common/metrics.hpp: statements, latencies,
// lock waits, migration durations, connections) followed by what is read at scrape time:
//   strata_migrations{database,state}          gauge: migrations per state, from the ledgers
//   strata_migration_current_version{database} gauge
//   strata_schema_drift{database}              gauge: 1 when SHOW MIGRATIONS says schemaDrift
//   strata_store_bytes{kind="sst"|"wal"}       gauge: RocksDB's table files and write-ahead log
//                                              in the data directory
//   strata_console_sessions                    gauge: console logins alive
// The ledgers are read through the gate as the scraping user (SHOW DATABASES, SHOW MIGRATIONS).
//
// store_health(): one cheap point read of the store (its format record); its error otherwise.
// Thread-safety: safe for concurrent use.

#include <string>

#include "common/status.hpp"
#include "engine/engine.hpp"

namespace strata::console {

std::string metrics_document(engine::Engine& engine, const std::string& user, ast::Role role,
                             size_t console_sessions);
Status store_health(engine::Engine& engine);

}  // namespace strata::console
