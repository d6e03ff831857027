// Validation phase 4 (SPEC §4.4): estimated duration from a cost model, command count, index
// builds over existing documents. Never blocking.
//
// The model (its inputs are what the report shows; its coefficients are not):
//   seconds = (kPerApply + unit * (documents_added * kPerAdded + documents_changed * kPerChanged
//           + (index_entries - index_build_documents) * kPerIndexEntry
//           + index_build_documents * kPerIndexedDocument)) * load
// `unit` is this machine's CPU time for one document of the engine's own per-document code
// (cost_probe.cpp: parse, bind, serialize, index keys, read back), so the coefficients are
// ratios between the engine's code paths — how many probe documents an added document, a
// changed one, an index entry cost at APPLY (its ADD DOCUMENT command parsed, checked and
// written; a changed one read, its undo pre-image kept, rewritten) — not this machine's
// speed. `load` is how much longer than its CPU time a thread takes on the machine as it is
// loaded now (1 when idle; measured by the validator over its own simulation, see
// load_since). Both are measured, not assumed: the unit rises when a hyperthread sibling or
// the shared caches are busy, the load when threads wait for a CPU.
// The coefficients are measured by `chrt -r 10 bench/migration_phases_bench cost N DIR 3`
// (Release; real-time priority makes a shared machine idle for it; it prints them); figures
// and conditions in src/engine/MIGRATION.md "The cost model". bench/run's `cost` rows and the
// engine test "phase 4: the estimate stays within 2x of the measured APPLY" re-measure the
// three shapes SPEC §9 names (W1, an index build, a bulk UPDATE).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/validate/phases.hpp"

namespace strata::engine::validate {

namespace {
// COEFFICIENTS, in probe documents (kPerApply in seconds), see the file comment.
constexpr double kPerApply = 2.0e-3;
constexpr double kPerAdded = 0.5;
constexpr double kPerChanged = 2.6;
constexpr double kPerIndexEntry = 0.33;
constexpr double kPerIndexedDocument = 0.65;
// Below this much work (probe documents) the estimate is a few ms on any machine: it is
// counted at a typical unit (the project VM's), not probed, so a small APPLY never pays for
// the probe and its report does not depend on the moment.
constexpr double kProbeFrom = 5000;
constexpr double kTypicalUnit = 3e-6;
// Below this much work (at load 1) the load cannot matter against any threshold: not probed.
constexpr double kLoadFrom = 0.02;
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
  const double idle = kPerApply + work * (work >= kProbeFrom ? cost_unit_seconds() : kTypicalUnit);
  // A small migration reports load 1: its estimate (and so its report) does not depend on
  // the moment.
  const double load = idle < kLoadFrom      ? 1.0
                      : in.machine_load > 0 ? in.machine_load
                                            : probe_load();
  r.seconds = idle * load;
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
                              std::to_string(docs) +
                              (docs == 1 ? " existing document" : " existing documents"),
                          command});
  }
  return r;
}

}  // namespace strata::engine::validate
