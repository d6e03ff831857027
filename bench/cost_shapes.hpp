#pragma once
// The migration shapes whose APPLY time the performance phase's cost model predicts (SPEC §9):
// W1 (a bundle of 5 fields, email unique, 2 secondary indexes — 3 index entries per document —
// created by the migration that loads it), an index build, a bulk UPDATE. Shared by
// `migration_phases_bench cost` (which measures the model's coefficients) and the engine test
// that checks the estimate against the measured APPLY at reduced size; estimate_from_report
// recomputes the estimate from the inputs a VALIDATE report shows.
#include <string>

#include "engine/validate/phases.hpp"

namespace strata::bench {

// W1's bundle (5 fields, email unique, 2 secondary indexes: 3 index entries per document),
// created in the migration that loads it, as in W1.
inline std::string w1_migration(const std::string& bundle, int n, bool indexed) {
  std::string m = "START MIGRATION\nCREATE BUNDLE \"" + bundle +
                  "\" WITH FIELDS ({\"id\", STRING, true, false}, {\"email\", STRING, false, " +
                  (indexed ? "true" : "false") +
                  "}, {\"name\", STRING, false, false}, {\"age\", INT, false, false}, "
                  "{\"created\", DATETIME, false, false});\n";
  if (indexed) {
    m += "CREATE INDEX HASH ON BUNDLE \"" + bundle + "\" WITH FIELD \"name\";\n";
    m += "CREATE INDEX BTREE ON BUNDLE \"" + bundle + "\" WITH FIELD \"age\";\n";
  }
  for (int i = 0; i < n; ++i) {
    m += "ADD DOCUMENT TO BUNDLE \"" + bundle + "\" WITH VALUES ({\"id\":\"u" +
         std::to_string(i) + "\",\"email\":\"user" + std::to_string(i) +
         "@example.com\",\"name\":\"name " + std::to_string(i % 400) +
         "\",\"age\":" + std::to_string(18 + i % 70) +
         ",\"created\":\"2026-01-01T00:00:00Z\"});\n";
  }
  return m + "COMMIT";
}

inline std::string index_build_migration(const std::string& bundle) {
  return "START MIGRATION CREATE INDEX BTREE ON BUNDLE \"" + bundle +
         "\" WITH FIELD \"created\" COMMIT";
}

// Rewrites one value (`created`) of every document of a W1 bundle.
inline std::string bulk_update_migration(const std::string& bundle) {
  return "START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"" + bundle +
         "\" (\"created\" = \"2026-02-01T00:00:00Z\") WHERE age >= 0 COMMIT";
}

// The estimate, in seconds, from the inputs a VALIDATE report shows ("performancePhase" ->
// "estimate"): the same figure as the report's estimatedDuration, unrounded.
inline double estimate_from_report(const Json& e) {
  engine::validate::CostInput in;
  in.commands = e["commands"].get<size_t>();
  in.documents_touched = e["documentsTouched"].get<uint64_t>();
  in.documents_added = e["documentsAdded"].get<uint64_t>();
  in.index_entries = e["indexEntries"].get<uint64_t>();
  in.index_builds = e["indexBuilds"].get<uint64_t>();
  in.index_build_documents = e["indexedDocuments"].get<uint64_t>();
  in.machine_load = e["machineLoad"].get<double>();
  return engine::validate::estimate_cost(in, engine::SettingValues{}).seconds;
}

}  // namespace strata::bench
