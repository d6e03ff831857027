// common/metrics: values, concurrency, and the text format checked by a strict reader
// (exposition.hpp).
#include "common/metrics.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "common/exposition.hpp"

using namespace strata::metrics;
using strata::testing::parse_exposition;

TEST_CASE("counters, gauges and histograms expose in the Prometheus text format", "[metrics]") {
  Registry r;
  auto& statements = r.counter("t_statements_total", "Statements\nby kind", {"kind", "outcome"});
  statements.with({"PING", "success"}).inc();
  statements.with({"PING", "success"}).inc(2);
  statements.with({"SELECT \"x\"\\y", "SYNTAX_ERROR"}).inc();
  r.gauge("t_open", "Open things").get().set(7);
  auto& latency = r.histogram("t_latency_seconds", "Latency", {"kind"}, {0.001, 0.01, 0.1});
  for (double v : {0.0005, 0.001, 0.002, 0.05, 3.0}) latency.with({"PING"}).observe(v);
  auto handle = r.add_collector([](Writer& w) {
    w.family("t_collected", "From a collector", Type::kGauge);
    w.sample("t_collected", {{"database", "a\nb"}}, 1.5);
  });

  const std::string text = r.expose();
  auto e = parse_exposition(text);
  INFO(text);
  for (const auto& err : e.errors) UNSCOPED_INFO(err);
  REQUIRE(e.ok());
  CHECK(e.types["t_statements_total"] == "counter");
  CHECK(e.types["t_open"] == "gauge");
  CHECK(e.types["t_latency_seconds"] == "histogram");
  CHECK(e.helps["t_statements_total"] == "Statements\\nby kind");
  CHECK(e.value("t_statements_total", {{"kind", "PING"}, {"outcome", "success"}}) == 3);
  // Quotes, backslashes and newlines in label values are escaped and read back intact.
  CHECK(e.value("t_statements_total", {{"kind", "SELECT \"x\"\\y"}}) == 1);
  CHECK(e.value("t_collected", {{"database", "a\nb"}}) == 1.5);
  CHECK(e.value("t_open") == 7);
  CHECK(e.value("t_latency_seconds_bucket", {{"le", "0.001"}}) == 2);  // le is inclusive
  CHECK(e.value("t_latency_seconds_bucket", {{"le", "0.01"}}) == 3);
  CHECK(e.value("t_latency_seconds_bucket", {{"le", "0.1"}}) == 4);
  CHECK(e.value("t_latency_seconds_bucket", {{"le", "+Inf"}}) == 5);
  CHECK(e.value("t_latency_seconds_count") == 5);
  CHECK(e.value("t_latency_seconds_sum").value() == Approx(3.0535));

  handle.reset();  // the collector is gone with its handle
  CHECK(parse_exposition(r.expose()).value("t_collected") == std::nullopt);
}

TEST_CASE("a family without children writes nothing; names are reused, types are not",
          "[metrics]") {
  Registry r;
  r.counter("t_unused_total", "Never incremented", {"kind"});
  CHECK(r.expose().empty());
  auto& a = r.counter("t_total", "A");
  auto& b = r.counter("t_total", "A");
  CHECK(&a == &b);
  CHECK_THROWS_AS(r.gauge("t_total", "A"), std::logic_error);
  CHECK_THROWS_AS(a.with({"unexpected"}), std::logic_error);
}

TEST_CASE("updates from many threads are all counted", "[metrics]") {
  Registry r;
  Counter& c = r.counter("t_total", "Counted").get();
  Histogram& h = r.histogram("t_seconds", "Observed", {}, latency_buckets()).get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c.inc();
        h.observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.value() == 800000);
  const Histogram::Snapshot s = h.snapshot();
  CHECK(s.count == 800000);
  CHECK(s.sum == Approx(800.0));
  CHECK(parse_exposition(r.expose()).ok());
}

TEST_CASE("sample values print as Prometheus reads them", "[metrics]") {
  CHECK(format_value(3) == "3");
  CHECK(format_value(-2) == "-2");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(1e300) == "1e+300");
  CHECK(format_value(INFINITY) == "+Inf");
  CHECK(format_value(-INFINITY) == "-Inf");
  CHECK(format_value(NAN) == "NaN");
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}
