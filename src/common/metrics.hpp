#pragma once
// Metrics: counters, gauges and histograms, and their exposition in the Prometheus text format
// 0.0.4 (SPEC §12: GET /metrics). Debian ships no C++ Prometheus client, so this is a small
// writer of our own, tested against the format (tests/common/metrics_test.cpp).
//
// A metric family has a name (`strata_…`), a help text and label names; its children are the
// label-value combinations, created on first use and never destroyed (hold on to the reference
// a family returns: lookups take a mutex, updates never do). Updates are relaxed atomic adds on
// one of kShards cache-line-sized slots chosen per thread, so two cores updating the same
// counter do not fight over one cache line (the statement path of the server runs this per
// statement). Values are read, summed over the slots, only when exposed.
//
// Collectors are callbacks a Registry calls at exposition time for values that live elsewhere
// (open connections, migrations by state, store size); they write whole families through a
// Writer. A collector is registered for the lifetime of the handle that add_collector returns.
//
// Thread-safety: everything here is safe for concurrent use.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace strata::metrics {

inline constexpr size_t kShards = 8;

// The slot of the calling thread (stable for its lifetime).
size_t shard_index();

class Counter {
 public:
  void inc(uint64_t n = 1) { slots_[shard_index()].v.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const;

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> v{0};
  };
  std::array<Slot, kShards> slots_;
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// Bucket upper bounds, ascending (the +Inf bucket is implicit).
using Buckets = std::vector<double>;
// 100 µs … 10 s: statement latencies.
Buckets latency_buckets();
// 1 ms … 300 s (MigrationTimeoutSeconds' default): migration and lock-wait durations.
Buckets duration_buckets();

class Histogram {
 public:
  explicit Histogram(Buckets bounds);
  void observe(double v);
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const Buckets& bounds() const { return bounds_; }

 private:
  struct alignas(64) Sum {
    std::atomic<double> v{0};
  };
  struct AlignedFree {
    void operator()(std::atomic<uint64_t>* p) const;
  };
  std::atomic<uint64_t>& count(size_t shard, size_t bucket) {
    return counts_.get()[shard * stride_ + bucket];
  }
  const std::atomic<uint64_t>& count(size_t shard, size_t bucket) const {
    return counts_.get()[shard * stride_ + bucket];
  }

  Buckets bounds_;
  size_t stride_;  // bounds + 1 (the last is +Inf), rounded up to a cache line
  std::unique_ptr<std::atomic<uint64_t>, AlignedFree> counts_;  // kShards rows of stride_
  std::array<Sum, kShards> sums_;
};

enum class Type { kCounter, kGauge, kHistogram };

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(label_names)),
        type_(type) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  Type type() const { return type_; }
  // Appends this family in the text format (nothing when it has no child yet).
  virtual void expose(std::string* out) const = 0;

 protected:
  std::string name_, help_;
  std::vector<std::string> labels_;
  Type type_;
  mutable std::mutex mu_;
};

template <class T>
class Family : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels, Type type,
         Buckets bounds = {})
      : FamilyBase(std::move(name), std::move(help), std::move(labels), type),
        bounds_(std::move(bounds)) {}
  // The child for `values` (as many as the family has label names), created on first use.
  // The reference stays valid as long as the family (that is, the registry).
  T& with(const LabelValues& values);
  T& get() { return with({}); }
  void expose(std::string* out) const override;

 private:
  Buckets bounds_;
  std::map<LabelValues, std::unique_ptr<T>> children_;  // guarded by mu_
};

// Writes families at exposition time (for collectors).
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  // Starts a family: its # HELP and # TYPE lines.
  void family(std::string_view name, std::string_view help, Type type);
  // One sample of the current family. `labels` are name/value pairs.
  void sample(std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
              double value);

 private:
  std::string* out_;
};

class Registry;

// Keeps a collector registered; unregisters it on destruction.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(Registry* registry, uint64_t id) : registry_(registry), id_(id) {}
  CollectorHandle(CollectorHandle&& o) noexcept : registry_(o.registry_), id_(o.id_) {
    o.registry_ = nullptr;
  }
  CollectorHandle& operator=(CollectorHandle&& o) noexcept;
  ~CollectorHandle() { reset(); }
  void reset();

 private:
  Registry* registry_ = nullptr;
  uint64_t id_ = 0;
};

class Registry {
 public:
  using Collector = std::function<void(Writer&)>;

  // The family of that name, created on first call (later calls with the same name return the
  // same family; a name registered with another type or labels is a programmer error and
  // throws std::logic_error).
  Family<Counter>& counter(const std::string& name, const std::string& help,
                           std::vector<std::string> labels = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help,
                       std::vector<std::string> labels = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<std::string> labels, Buckets bounds);

  CollectorHandle add_collector(Collector collector);
  void remove_collector(uint64_t id);

  // Every family (by name), then every collector's, in the text format.
  std::string expose() const;

 private:
  template <class T>
  Family<T>& family(const std::string& name, const std::string& help,
                    std::vector<std::string> labels, Type type, Buckets bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
  std::map<uint64_t, Collector> collectors_;
  uint64_t next_collector_ = 1;
};

// The process's registry: what GET /metrics exposes.
Registry& default_registry();

// The text format's escaping: label values (\\, \", \n) and help texts (\\, \n).
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);
// A sample value: integers without exponent, "+Inf", "-Inf", "NaN", else the shortest form.
std::string format_value(double v);

// The Content-Type of the text format.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace strata::metrics
