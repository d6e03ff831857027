#pragma once
// The five validation phases of SPEC §4.4, as pure functions, one file each (STYLE §13):
//   phase_syntax.cpp         1 re-parse, type names, duplicate fields, values, checksum
//                            2 semantics: the binder (binder.hpp) — every catalog rule of
//                              SPEC §3.2 lives there once, for VALIDATE and execution alike —
//                              and schema_change::apply on the simulation's catalog
//   phase_constraint.cpp     3 classifies what the dry run of a command on the real documents
//                              (plus those the simulation added) refused
//   phase_performance.cpp    4 cost model
//   phase_reversibility.cpp  5 DOWN commands exist or can be generated
// validator.cpp runs them command by command and assembles the report.
//
// The simulation's catalog is the WriteContext's schema copy (copy-on-write: the published
// schema is never touched). Thread-safety: pure functions over values owned by the caller.

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/settings.hpp"
#include "parser/ast.hpp"

namespace strata::engine::validate {

// One problem found in one command (command is 1-based; 0: the migration as a whole).
struct Finding {
  Finding(std::string message, size_t command = 0, std::string did_you_mean = {})
      : message(std::move(message)), command(command), did_you_mean(std::move(did_you_mean)) {}
  std::string message;
  size_t command = 0;
  std::string did_you_mean;  // a name not found: the nearest existing one ("" : none)
};

// Phase 1. `text` is the stored canonical command; on success `parsed` receives its AST.
std::vector<Finding> check_syntax(std::string_view text, size_t command,
                                  std::optional<ast::Statement>* parsed);
// Phase 1, whole migration: the stored checksum against one recomputed from the stored text.
std::vector<Finding> check_checksum(const std::string& stored, const std::string& recomputed);

// Phase 3. The verdict of the dry run of command `index`: a constraint finding when `status`
// is a refusal about documents (types, required, unique, conversions); nullopt otherwise.
std::optional<Finding> constraint_finding(const Status& status, size_t index);
// True for the codes that phase 3 owns.
bool is_constraint_code(Code code);

// Phase 4.
struct CostInput {
  size_t commands = 0;
  uint64_t documents_touched = 0;   // documents written or deleted, index builds excluded
  uint64_t documents_added = 0;     // of those, added by ADD DOCUMENT
  uint64_t index_entries = 0;       // index entries written or removed, builds included
  uint64_t index_builds = 0;        // indexes built over existing documents
  uint64_t index_build_documents = 0;  // documents those builds read
  // (command, index name, documents) of every index built over a non-empty bundle.
  std::vector<std::tuple<size_t, std::string, uint64_t>> builds;
  // How much longer than its CPU time a thread takes now (1: idle); 0: the probe's.
  double machine_load = 0;
};
struct CostReport {
  double seconds = 0;
  std::vector<Finding> warnings;
  // The estimate's inputs: {"commands","documentsTouched","documentsAdded","documentsChanged",
  // "indexEntries","indexBuilds","indexedDocuments","machineLoad"}.
  Json estimate;
};
CostReport estimate_cost(const CostInput& input, const SettingValues& settings);
std::string format_seconds(double seconds);  // "0.3s"
// The cost model's calibration (cost_probe.cpp). Thread-safe.
// The unit: this machine's CPU seconds for one document of the engine's own per-document code
// (parse, bind, serialize, index keys, read back), the fastest of five runs over a small
// sample (about 4 ms in all), re-measured at most every 2 s.
double cost_unit_seconds();
// The machine's load now (see load_since) from 20 ms of CPU time of that sample, re-measured
// at most every 2 s.
double probe_load();
// A thread's CPU time and the time it waited for a CPU while runnable, as the kernel counts
// them (zeros where it does not say), at a moment of the steady clock; all in ns.
struct RunClock {
  uint64_t run_ns = 0;
  uint64_t wait_ns = 0;
  uint64_t at_ns = 0;
};
RunClock thread_run_clock();
// (run + wait) / run of this thread since `start`: 1 on an idle machine, 2 when a runnable
// thread gets half a core. `otherwise` when the window says nothing about the load: under
// 20 ms of CPU time, or a thread that slept for more than a fifth of it.
double load_since(const RunClock& start, double otherwise);

// Phase 5.
struct ReversibilityInput {
  bool has_explicit_down = false;
  size_t explicit_down_count = 0;
  bool require_explicit = false;
  std::vector<std::pair<size_t, std::string>> irreversible;  // (command, canonical text)
};
struct ReversibilityReport {
  std::vector<Finding> warnings;
  bool down_generated = false;
};
ReversibilityReport check_reversibility(const ReversibilityInput& input);

}  // namespace strata::engine::validate
