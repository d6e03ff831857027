// Parsing throughput (SPEC §9: "parsing migration text, one core", >= 50 MB/s, aim 200 MB/s).
// A deterministic ~50 MiB script of START MIGRATION ... COMMIT blocks of about 1000 commands
// each (CREATE BUNDLE, UPDATE BUNDLE ADD FIELD, ADD DOCUMENT with nested JSON values) is
// measured through the statement splitter alone, through parser::parse per statement, and
// through both, as a server reading a script would.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "parser/parser.hpp"
#include "parser/splitter.hpp"

namespace {

// Size of the generated script: 50 MiB, or PARSE_BENCH_MB MiB when that is set (bench/run quick).
size_t target_bytes() {
  const char* mb = std::getenv("PARSE_BENCH_MB");
  return (mb && std::atoi(mb) > 0 ? size_t(std::atoi(mb)) : size_t{50}) << 20;
}
constexpr int kCommandsPerMigration = 1000;

// A seeded standard generator (its sequence is fixed by the C++ standard): every run uses
// the same inputs.
struct Rng {
  explicit Rng(uint64_t seed) : engine(seed) {}
  std::mt19937_64 engine;
  uint64_t below(uint64_t n) { return n == 0 ? 0 : engine() % n; }
};

const char* const kTypes[] = {"STRING", "TEXT", "INT", "FLOAT", "BOOLEAN", "DATETIME", "JSON"};

void append_command(std::string& out, Rng& rng, uint64_t serial) {
  const std::string bundle = "Bundle" + std::to_string(serial % 97);
  const uint64_t kind = rng.below(10);
  if (kind == 0) {
    out += "    CREATE BUNDLE \"B" + std::to_string(serial) + "\" WITH FIELDS (\n";
    for (int f = 0; f < 5; ++f) {
      out += "        {\"field_" + std::to_string(f) + "\", " + kTypes[rng.below(7)] + ", " +
             (rng.below(2) ? "true" : "false") + ", " + (f == 0 ? "true" : "false") + "}" +
             (f < 4 ? ",\n" : "\n");
    }
    out += "    );\n";
  } else if (kind <= 2) {
    out += "    UPDATE BUNDLE \"" + bundle + "\" ADD FIELD {\"extra_" + std::to_string(serial) +
           "\", " + kTypes[rng.below(7)] + ", false, false};\n";
  } else {
    out += "    ADD DOCUMENT TO BUNDLE \"" + bundle + "\" WITH VALUES ({\"id\": \"doc-" +
           std::to_string(serial) + "\", \"name\": \"Customer " +
           std::to_string(rng.below(1000000)) +
           " \\\"VIP\\\"\", \"age\": " + std::to_string(rng.below(100)) +
           ", \"score\": " + std::to_string(rng.below(10000)) + "." +
           std::to_string(rng.below(100)) + ", \"active\": " + (rng.below(2) ? "true" : "false") +
           ", \"address\": {\"city\": \"Springfield\", \"zip\": \"" +
           std::to_string(10000 + rng.below(90000)) + "\", \"geo\": [" +
           std::to_string(rng.below(180)) + ".5, -" + std::to_string(rng.below(90)) +
           ".25]}, \"tags\": [\"a\", \"b\", \"c" + std::to_string(rng.below(10)) +
           "\"], \"created_at\": \"2024-01-10T10:00:00Z\", \"note\": null});\n";
  }
}

const std::string& script() {
  static const std::string text = [] {
    std::string out;
    const size_t target = target_bytes();
    out.reserve(target + (1 << 20));
    Rng rng{42};
    uint64_t serial = 0;
    for (int m = 1; out.size() < target; ++m) {
      out += "-- migration " + std::to_string(m) + "\nSTART MIGRATION WITH DESCRIPTION \"Batch " +
             std::to_string(m) + "\"\n";
      for (int c = 0; c < kCommandsPerMigration; ++c) append_command(out, rng, serial++);
      out += "COMMIT;\n";
    }
    return out;
  }();
  return text;
}

std::vector<strata::parser::SplitStatement> split(const std::string& text) {
  strata::parser::StatementSplitter splitter;
  std::vector<strata::parser::SplitStatement> out;
  constexpr size_t kChunk = 1 << 16;
  for (size_t at = 0; at < text.size(); at += kChunk) {
    splitter.feed(std::string_view(text).substr(at, kChunk));
    while (auto s = splitter.next()) out.push_back(std::move(*s));
  }
  splitter.finish();
  while (auto s = splitter.next()) out.push_back(std::move(*s));
  return out;
}

void BM_Splitter(benchmark::State& state) {
  const std::string& text = script();
  for (auto _ : state) {
    strata::parser::StatementSplitter splitter;
    size_t statements = 0;
    constexpr size_t kChunk = 1 << 16;
    for (size_t at = 0; at < text.size(); at += kChunk) {
      splitter.feed(std::string_view(text).substr(at, kChunk));
      while (auto s = splitter.next()) ++statements;
    }
    splitter.finish();
    while (auto s = splitter.next()) ++statements;
    benchmark::DoNotOptimize(statements);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Splitter)->Unit(benchmark::kMillisecond);

void BM_Parse(benchmark::State& state) {
  static const std::vector<strata::parser::SplitStatement> statements = split(script());
  size_t bytes = 0;
  for (const auto& s : statements) bytes += s.text.size();
  for (auto _ : state) {
    size_t ok = 0;
    for (const auto& s : statements) {
      strata::parser::ParseResult r = strata::parser::parse(s.text);
      ok += r.ok();
    }
    if (ok != statements.size()) state.SkipWithError("a generated statement did not parse");
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["statements"] = static_cast<double>(statements.size());
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);

void BM_SplitAndParse(benchmark::State& state) {
  const std::string& text = script();
  for (auto _ : state) {
    strata::parser::StatementSplitter splitter;
    size_t ok = 0;
    auto drain = [&] {
      while (auto s = splitter.next()) ok += strata::parser::parse(s->text).ok();
    };
    constexpr size_t kChunk = 1 << 16;
    for (size_t at = 0; at < text.size(); at += kChunk) {
      splitter.feed(std::string_view(text).substr(at, kChunk));
      drain();
    }
    splitter.finish();
    drain();
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_SplitAndParse)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
