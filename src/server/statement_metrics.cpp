#include "server/statement_metrics.hpp"

#include <array>
#include <atomic>
#include <variant>

#include "common/metrics.hpp"

namespace strata::server {

namespace {

constexpr size_t kKinds = std::variant_size_v<ast::Statement>;

struct StatementFamilies {
  metrics::Family<metrics::Counter>& statements = metrics::default_registry().counter(
      "strata_statements_total", "Statements answered, by kind and outcome (success or code)",
      {"kind", "outcome"});
  metrics::Family<metrics::Histogram>& duration = metrics::default_registry().histogram(
      "strata_statement_duration_seconds", "Time the engine took to answer a statement",
      {"kind"}, metrics::latency_buckets());
  // The children of each statement type, looked up on first use.
  std::array<std::atomic<metrics::Counter*>, kKinds> succeeded{};
  std::array<std::atomic<metrics::Histogram*>, kKinds> latency{};
};

StatementFamilies& families() {
  static StatementFamilies* f = new StatementFamilies();  // used until the process ends
  return *f;
}

template <class T, class Make>
T& cached(std::atomic<T*>& slot, Make make) {
  T* child = slot.load(std::memory_order_acquire);
  if (child == nullptr) {
    child = &make();
    slot.store(child, std::memory_order_release);
  }
  return *child;
}

}  // namespace

void record_statement(const ast::Statement& statement, const engine::Answer& answer) {
  StatementFamilies& f = families();
  const size_t kind = statement.index();
  const char* name = ast::statement_name(statement);
  if (answer.success()) {
    cached(f.succeeded[kind], [&]() -> metrics::Counter& {
      return f.statements.with({name, "success"});
    }).inc();
    return;
  }
  const Json response = answer.json();
  std::string code = "INTERNAL";
  if (auto it = response.find("error"); it != response.end() && it->is_object()) {
    code = it->value("code", code);
  }
  f.statements.with({name, code}).inc();
}

void record_latency(int index, const char* name, double seconds) {
  if (index < 0 || static_cast<size_t>(index) >= kKinds) return;
  StatementFamilies& f = families();
  cached(f.latency[index], [&]() -> metrics::Histogram& { return f.duration.with({name}); })
      .observe(seconds);
}

void record_unparsed(std::string_view code) {
  families().statements.with({"unparsed", std::string(code)}).inc();
}

}  // namespace strata::server
