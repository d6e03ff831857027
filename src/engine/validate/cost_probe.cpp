// The cost model's calibration on the machine it runs on, as it is loaded now (SPEC §4.4, §9):
//
// - speed: cost_unit_seconds() times the engine's own per-document code on a small sample —
//   parse an ADD DOCUMENT of W1's shape, bind it against a W1 bundle with its two indexes
//   (complete, check, serialize, index keys), then read the stored bytes back and serialize
//   them again (what an UPDATE does to each document). The thread's CPU time of the fastest of
//   five runs of 200 documents, after one warm-up run (cold caches say nothing about the
//   work); re-measured at most every 2 s. CPU time, not the clock: a run the scheduler
//   interrupted counts only its work. What the CPU time does count is what slows the APPLY
//   too: a busy hyperthread sibling, busy shared caches (on the project VM the unit nearly
//   doubles while the other vCPU spins).
// - load: how much longer than its CPU time a thread takes now, from the kernel's own account
//   of the time it waited for a CPU while runnable (/proc/thread-self/schedstat): 1 on an idle
//   machine, 2 when a runnable thread gets half a core. The validator measures it over its own
//   simulation (the same kind of work as the APPLY to come, moments before it) when that
//   thread was busy throughout; otherwise probe_load() runs the sample for 20 ms of CPU time
//   (re-measured at most every 2 s).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

#include "engine/binder.hpp"
#include "engine/documents.hpp"
#include "engine/schema_change.hpp"
#include "engine/validate/phases.hpp"
#include "parser/parser.hpp"

namespace strata::engine::validate {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kProbeDocuments = 200;
// A load window needs this much CPU time to say anything (the scheduler's slices are ms).
constexpr uint64_t kLoadWindowNs = 20'000'000;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

ast::Statement parsed(const std::string& text) {
  auto r = parser::parse(text);
  return std::move(r.script().front());
}

// W1's bundle and its two secondary indexes, made by the engine's own binder and catalog code.
DatabaseSchema w1_schema() {
  DatabaseSchema schema;
  for (const char* text :
       {"CREATE BUNDLE \"P\" WITH FIELDS ({\"id\", STRING, true, false}, {\"email\", STRING, "
        "false, true}, {\"name\", STRING, false, false}, {\"age\", INT, false, false}, "
        "{\"created\", DATETIME, false, false})",
        "CREATE INDEX HASH ON BUNDLE \"P\" WITH FIELD \"name\"",
        "CREATE INDEX BTREE ON BUNDLE \"P\" WITH FIELD \"age\""}) {
    auto bound = bind_command(schema, parsed(text));
    if (bound.ok()) schema_change::apply(&schema, *bound);
  }
  return schema;
}

struct Sample {
  DatabaseSchema schema = w1_schema();
  std::vector<std::string> texts;
  Sample() {
    for (int i = 0; i < kProbeDocuments; ++i) {
      texts.push_back("ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"id\":\"u" +
                      std::to_string(i) + "\",\"email\":\"user" + std::to_string(i) +
                      "@example.com\",\"name\":\"name " + std::to_string(i % 400) +
                      "\",\"age\":" + std::to_string(18 + i % 70) +
                      ",\"created\":\"2026-01-01T00:00:00Z\"})");
    }
  }
};

// One run over the sample; returns the thread's CPU seconds.
double probe_once(const Sample& sample) {
  const double start = thread_cpu_seconds();
  size_t bytes = 0;
  for (const auto& text : sample.texts) {
    auto statement = parser::parse(text);
    if (!statement.ok()) continue;
    auto bound = bind_command(sample.schema, std::move(statement.script().front()));
    if (!bound.ok()) continue;
    const auto* add = std::get_if<bound::AddDocument>(&*bound);
    if (add == nullptr) continue;
    auto doc = parse_document(add->document.bytes);
    if (!doc.ok()) continue;
    (*doc)["created"] = "2026-02-01T00:00:00Z";
    bytes += stored_bytes(1, *doc).size() + add->document.index_keys.size();
  }
  static std::atomic<size_t> sink;
  sink.store(bytes, std::memory_order_relaxed);  // the work is not optimised away
  return thread_cpu_seconds() - start;
}

const Sample& sample() {
  static const Sample s;
  return s;
}

std::mutex mu;
double unit = 0;  // guarded by mu
Clock::time_point unit_at;
double probed_load = 1;
Clock::time_point load_at;

}  // namespace

RunClock thread_run_clock() {
  RunClock c;
  c.at_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
  if (FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
    unsigned long long run = 0, wait = 0;
    if (std::fscanf(f, "%llu %llu", &run, &wait) == 2) {
      c.run_ns = run;
      c.wait_ns = wait;
    }
    std::fclose(f);
  }
  return c;
}

double load_since(const RunClock& start, double otherwise) {
  const RunClock now = thread_run_clock();
  const uint64_t run = now.run_ns - start.run_ns;
  const uint64_t wait = now.wait_ns - start.wait_ns;
  // Too little CPU time, or a thread that slept (waiting for its parsing thread, for the
  // disk): its waits then count the wake-ups' latency, not the share of a CPU it gets.
  if (run < kLoadWindowNs || static_cast<double>(run + wait) <
                                 0.8 * static_cast<double>(now.at_ns - start.at_ns)) {
    return otherwise;
  }
  return std::clamp(static_cast<double>(run + wait) / static_cast<double>(run), 1.0, 16.0);
}

double cost_unit_seconds() {
  std::lock_guard lock(mu);
  if (unit == 0 || Clock::now() - unit_at > std::chrono::seconds(2)) {
    probe_once(sample());  // warm-up: cold caches say nothing about the work
    double best = probe_once(sample());
    for (int i = 0; i < 4; ++i) best = std::min(best, probe_once(sample()));
    unit = best / kProbeDocuments;
    unit_at = Clock::now();
  }
  return unit;
}

double probe_load() {
  std::lock_guard lock(mu);
  if (load_at == Clock::time_point() || Clock::now() - load_at > std::chrono::seconds(2)) {
    // The sample's work, over and over, for at least kLoadWindowNs of CPU time (at most
    // 200 ms of the clock).
    const RunClock start = thread_run_clock();
    const auto deadline = Clock::now() + std::chrono::milliseconds(200);
    double load = 0;
    // Without the kernel's account (no schedstat) there is nothing to measure: load 1.
    while (start.run_ns > 0 && load == 0 && Clock::now() < deadline) {
      probe_once(sample());
      load = load_since(start, 0);
    }
    probed_load = load > 0 ? load : 1;
    load_at = Clock::now();
  }
  return probed_load;
}

}  // namespace strata::engine::validate
