// Validation phase 4 (SPEC §4.4): estimated duration from a cost model, command count, index
// builds over existing documents. Never blocking.
//
// The model (its inputs are what the report shows; its coefficients are not):
//   seconds = (kPerApply + unit * (documents_added * kPerAdded + documents_changed * kPerChanged
//           + (index_entries - index_build_documents) * kPerIndexEntry
//           + index_build_documents * kPerIndexedDocument)) * sqrt(load)
// `unit` is this machine's CPU time for one document of the engine's own per-document code
// (cost_probe.cpp: parse, bind, serialize, index keys, read back), so the coefficients are
// ratios between the engine's code paths — how many probe documents an added document, a
// changed one, an index entry cost at APPLY (its ADD DOCUMENT command parsed, checked and
// written; a changed one read, its undo pre-image kept, rewritten) — not this machine's
// speed. `load` is how much longer than its CPU time a thread takes on the machine as it is
// loaded now (1 when idle; measured by the validator over its own simulation, see
// load_since). It counts by its square root, as measured: on a loaded machine the unit itself
// rises (the probe's CPU time per document went from 3.0 to 4.9 us at load average 17: shared
// caches), and an APPLY's commit (file writes, syncs) and its second thread slow down less
// than one busy thread; at load averages 10-18 the full load over-estimated every shape 1.4-3.5x,
// its square root gave 0.54-1.55x (2026-12-05, migration_phases_bench cost 20000 and 100000). The coefficients are measured by `bench/migration_phases_bench cost N`
// (Release; it prints them, from APPLY times with the time the APPLY thread waited for a CPU
// taken out, so a loaded machine measures them as well as an idle one); the engine test
// "phase 4: the estimate stays within 2x of the measured APPLY" and bench/run's row "cost
// model" re-measure the three shapes SPEC §9 names (W1, an index build, a bulk UPDATE).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/validate/phases.hpp"

namespace strata::engine::validate {

namespace {
// COEFFICIENTS, in probe documents (kPerApply in seconds), see the file comment.
constexpr double kPerApply = 2.0e-3;
constexpr double kPerAdded = 1.1;
constexpr double kPerChanged = 2.6;
constexpr double kPerIndexEntry = 0.33;
constexpr double kPerIndexedDocument = 0.65;
// Below this much work (at load 1) the load cannot matter against any threshold: not probed.
constexpr double kLoadFrom = 0.1;
}  // namespace

std::string format_seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, seconds < 0.1 && seconds > 0 ? "%.3fs" : "%.1fs", seconds);
  return buf;
}

CostReport estimate_cost(const CostInput& in, const SettingValues& settings) {
  CostReport r;
  const uint64_t changed = in.documents_touched - std::min(in.documents_touched, in.documents_added);
  const uint64_t entries = in.index_entries - std::min(in.index_entries, in.index_build_documents);
  const double work = static_cast<double>(in.documents_added) * kPerAdded +
                      static_cast<double>(changed) * kPerChanged +
                      static_cast<double>(entries) * kPerIndexEntry +
                      static_cast<double>(in.index_build_documents) * kPerIndexedDocument;
  const double idle = kPerApply + work * (work > 0 ? cost_unit_seconds() : 0);
  const double load = in.machine_load > 0 ? in.machine_load
                      : idle >= kLoadFrom ? probe_load()
                                          : 1.0;
  r.seconds = idle * std::sqrt(load);
  r.estimate = {{"commands", in.commands},
                {"documentsTouched", in.documents_touched},
                {"documentsAdded", in.documents_added},
                {"documentsChanged", changed},
                {"indexEntries", in.index_entries},
                {"indexBuilds", in.index_builds},
                {"indexedDocuments", in.index_build_documents},
                {"machineLoad", std::round(load * 100) / 100}};
  if (static_cast<int64_t>(in.commands) > settings.max_migration_commands) {
    r.warnings.push_back({"Migration contains " + std::to_string(in.commands) +
                              " commands, exceeds threshold of " +
                              std::to_string(settings.max_migration_commands),
                          0});
  }
  if (r.seconds > settings.migration_performance_threshold) {
    r.warnings.push_back({"Migration estimated to take " + format_seconds(r.seconds) +
                              ", exceeds threshold of " +
                              format_seconds(settings.migration_performance_threshold),
                          0});
  }
  for (const auto& [command, name, docs] : in.builds) {
    r.warnings.push_back({"Index rebuild required: index '" + name + "' is built over " +
                              std::to_string(docs) + " existing documents",
                          command});
  }
  return r;
}

}  // namespace strata::engine::validate
