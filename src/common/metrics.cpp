#include "common/metrics.hpp"

#include <charconv>
#include <cmath>
#include <new>
#include <stdexcept>

namespace strata::metrics {

namespace {

std::atomic<size_t> next_shard{0};

void append_labels(std::string* out, const std::vector<std::string>& names,
                   const LabelValues& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    out->append(names[i]).append("=\"").append(escape_label_value(values[i])).push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out->push_back(',');
    out->append(extra_name).append("=\"").append(extra_value).push_back('"');
  }
  out->push_back('}');
}

void append_header(std::string* out, std::string_view name, std::string_view help, Type type) {
  static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
  out->append("# HELP ").append(name).push_back(' ');
  out->append(escape_help(help)).push_back('\n');
  out->append("# TYPE ").append(name).push_back(' ');
  out->append(kTypeNames[static_cast<int>(type)]).push_back('\n');
}

void append_sample(std::string* out, std::string_view name, const std::vector<std::string>& names,
                   const LabelValues& values, double value, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  out->append(name);
  append_labels(out, names, values, extra_name, extra_value);
  out->push_back(' ');
  out->append(format_value(value)).push_back('\n');
}

}  // namespace

size_t shard_index() {
  thread_local const size_t index = next_shard.fetch_add(1, std::memory_order_relaxed) % kShards;
  return index;
}

uint64_t Counter::value() const {
  uint64_t total = 0;
  for (const Slot& s : slots_) total += s.v.load(std::memory_order_relaxed);
  return total;
}

Buckets latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5, 10};
}

Buckets duration_buckets() {
  return {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300};
}

void Histogram::AlignedFree::operator()(std::atomic<uint64_t>* p) const {
  ::operator delete[](p, std::align_val_t(64));
}

Histogram::Histogram(Buckets bounds)
    : bounds_(std::move(bounds)), stride_((bounds_.size() + 1 + 7) / 8 * 8) {
  const size_t n = kShards * stride_;
  auto* raw = static_cast<std::atomic<uint64_t>*>(
      ::operator new[](n * sizeof(std::atomic<uint64_t>), std::align_val_t(64)));
  for (size_t i = 0; i < n; ++i) new (raw + i) std::atomic<uint64_t>(0);
  counts_.reset(raw);
}

void Histogram::observe(double v) {
  size_t bucket = 0;
  while (bucket < bounds_.size() && v > bounds_[bucket]) ++bucket;
  const size_t shard = shard_index();
  count(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  sums_[shard].v.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  std::vector<uint64_t> counts(bounds_.size() + 1, 0);
  for (size_t shard = 0; shard < kShards; ++shard) {
    for (size_t i = 0; i < counts.size(); ++i) {
      counts[i] += count(shard, i).load(std::memory_order_relaxed);
    }
    snap.sum += sums_[shard].v.load(std::memory_order_relaxed);
  }
  uint64_t running = 0;
  for (uint64_t c : counts) {
    running += c;
    snap.cumulative.push_back(running);
  }
  snap.count = running;
  return snap;
}

template <class T>
T& Family<T>::with(const LabelValues& values) {
  if (values.size() != labels_.size()) {
    throw std::logic_error("metric " + name_ + ": wrong number of label values");
  }
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<T> child;
  if constexpr (std::is_same_v<T, Histogram>) {
    child = std::make_unique<Histogram>(bounds_);
  } else {
    child = std::make_unique<T>();
  }
  return *children_.emplace(values, std::move(child)).first->second;
}

template <class T>
void Family<T>::expose(std::string* out) const {
  std::lock_guard lock(mu_);
  if (children_.empty()) return;
  append_header(out, name_, help_, type_);
  for (const auto& [values, child] : children_) {
    if constexpr (std::is_same_v<T, Histogram>) {
      const Histogram::Snapshot snap = child->snapshot();
      for (size_t i = 0; i < snap.cumulative.size(); ++i) {
        const std::string le = i < bounds_.size() ? format_value(bounds_[i]) : "+Inf";
        append_sample(out, name_ + "_bucket", labels_, values,
                      static_cast<double>(snap.cumulative[i]), "le", le);
      }
      append_sample(out, name_ + "_sum", labels_, values, snap.sum);
      append_sample(out, name_ + "_count", labels_, values, static_cast<double>(snap.count));
    } else {
      append_sample(out, name_, labels_, values, static_cast<double>(child->value()));
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Writer::family(std::string_view name, std::string_view help, Type type) {
  append_header(out_, name, help, type);
}

void Writer::sample(std::string_view name,
                    const std::vector<std::pair<std::string, std::string>>& labels, double value) {
  std::vector<std::string> names;
  LabelValues values;
  for (const auto& [n, v] : labels) {
    names.push_back(n);
    values.push_back(v);
  }
  append_sample(out_, name, names, values, value);
}

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& o) noexcept {
  if (this != &o) {
    reset();
    registry_ = o.registry_;
    id_ = o.id_;
    o.registry_ = nullptr;
  }
  return *this;
}

void CollectorHandle::reset() {
  if (registry_) registry_->remove_collector(id_);
  registry_ = nullptr;
}

template <class T>
Family<T>& Registry::family(const std::string& name, const std::string& help,
                            std::vector<std::string> labels, Type type, Buckets bounds) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto created = std::make_unique<Family<T>>(name, help, std::move(labels), type,
                                               std::move(bounds));
    it = families_.emplace(name, std::move(created)).first;
  }
  auto* family = dynamic_cast<Family<T>*>(it->second.get());
  if (family == nullptr || family->type() != type) {
    throw std::logic_error("metric " + name + " registered twice with different types");
  }
  return *family;
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels) {
  return family<Counter>(name, help, std::move(labels), Type::kCounter, {});
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labels) {
  return family<Gauge>(name, help, std::move(labels), Type::kGauge, {});
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, Buckets bounds) {
  return family<Histogram>(name, help, std::move(labels), Type::kHistogram, std::move(bounds));
}

CollectorHandle Registry::add_collector(Collector collector) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collector));
  return CollectorHandle(this, id);
}

void Registry::remove_collector(uint64_t id) {
  std::lock_guard lock(mu_);
  collectors_.erase(id);
}

std::string Registry::expose() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->expose(&out);
  Writer writer(&out);
  for (const auto& [id, collector] : collectors_) collector(writer);
  return out;
}

Registry& default_registry() {
  static Registry* registry = new Registry();  // never destroyed: used until the process ends
  return *registry;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

}  // namespace strata::metrics
