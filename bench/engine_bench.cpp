// Engine benchmarks (issue 3), Google Benchmark over the Engine API:
//   - point lookup by a unique field, and a 100-document range by a BTREE field, over
//     1,000,000 documents: microseconds per query, indexed vs forced scan;
//   - 100,000 ADD DOCUMENT commands staged in ONE WriteContext and committed once: the shape
//     APPLY MIGRATION gives the W1 load (SPEC §9), without the per-statement commit.
// The 1M-document store is built once under $STRATA_BENCH_DIR (default
// /tmp/strata_engine_bench) and reused by later runs.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "engine/engine.hpp"
#include "engine/executors.hpp"

namespace strata::engine {
namespace {

constexpr int kDocs = 1000000;

std::string bench_dir() {
  const char* d = std::getenv("STRATA_BENCH_DIR");
  return d ? d : "/tmp/strata_engine_bench";
}

ast::AddDocument add_for(const std::string& bundle, int i) {
  ast::AddDocument a;
  a.bundle = bundle;
  a.values = {{"id", "u" + std::to_string(i)},
              {"n", i},
              {"city", "city" + std::to_string(i % 97)},
              {"payload", "some text of a document number " + std::to_string(i)}};
  return a;
}

Status load(Engine& e, Session& s, const std::string& bundle, int count, int chunk) {
  for (int start = 0; start < count; start += chunk) {
    Status st = e.write(s, "bench", false, nullptr, [&](WriteContext& ctx) {
      for (int i = start; i < std::min(count, start + chunk); ++i) {
        Json response;
        STRATA_RETURN_IF_ERROR(exec_command(ctx, ast::Statement(add_for(bundle, i)), &response));
      }
      return Status::Ok();
    });
    STRATA_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Engine& engine() {
  static std::unique_ptr<Engine> e = [] {
    EngineOptions o;
    o.data_dir = bench_dir();
    auto opened = Engine::Open(o);
    if (!opened.ok()) {
      std::cerr << opened.status().ToString() << "\n";
      std::exit(1);
    }
    auto eng = std::move(*opened);
    Session s = eng->open_embedded_session();
    if (!eng->read("bench").ok()) {
      auto t0 = std::chrono::steady_clock::now();
      eng->execute_text(s, "CREATE DATABASE \"bench\"");
      eng->execute_text(s, "USE \"bench\"");
      eng->execute_text(s,
                        "CREATE BUNDLE \"D\" WITH FIELDS ({\"id\", STRING, true, true}, "
                        "{\"n\", INT, false, false}, {\"city\", STRING, false, false}, "
                        "{\"payload\", STRING, false, false})");
      eng->execute_text(s, "CREATE INDEX BTREE ON BUNDLE \"D\" WITH FIELD \"n\"");
      Status st = load(*eng, s, "D", kDocs, 20000);
      if (!st.ok()) {
        std::cerr << st.ToString() << "\n";
        std::exit(1);
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cerr << "built " << kDocs << " documents in " << secs << " s\n";
    }
    eng->close_session(s);
    return eng;
  }();
  return *e;
}

void run_select(benchmark::State& state, bool use_indexes, bool range) {
  Engine& e = engine();
  std::mt19937 rng(7);
  uint64_t results = 0;
  for (auto _ : state) {
    auto view = e.read("bench");
    ReadContext ctx{*view->reader, *view->schema, e.options().settings, QueryOptions{use_indexes}};
    int k = static_cast<int>(rng() % (kDocs - 100));
    ast::SelectDocuments q;
    q.bundle = "D";
    ast::Condition c;
    if (range) {
      ast::Condition lo, hi;
      lo.compare = {"n", ast::CompareOp::kGe, k, {}};
      hi.compare = {"n", ast::CompareOp::kLt, k + 100, {}};
      c.kind = ast::Condition::Kind::kAnd;
      c.children = {lo, hi};
    } else {
      c.compare = {"id", ast::CompareOp::kEq, "u" + std::to_string(k), {}};
    }
    q.where = c;
    Json response;
    Status st = exec_select_documents(ctx, q, &response);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    results += response["ResultCount"].get<uint64_t>();
  }
  state.counters["results/query"] = static_cast<double>(results) / state.iterations();
}

void BM_PointLookup_UniqueIndex(benchmark::State& s) { run_select(s, true, false); }
void BM_PointLookup_ForcedScan(benchmark::State& s) { run_select(s, false, false); }
void BM_Range100_BtreeIndex(benchmark::State& s) { run_select(s, true, true); }
void BM_Range100_ForcedScan(benchmark::State& s) { run_select(s, false, true); }
BENCHMARK(BM_PointLookup_UniqueIndex)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PointLookup_ForcedScan)->Unit(benchmark::kMicrosecond)->Iterations(3);
BENCHMARK(BM_Range100_BtreeIndex)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Range100_ForcedScan)->Unit(benchmark::kMicrosecond)->Iterations(3);

// 100,000 ADD DOCUMENT in one WriteContext, one commit (synced), into a fresh bundle with the
// W1 shape: 5 fields, two unique (implicit indexes), two BTREE indexes.
void BM_Load100k_OneWrite(benchmark::State& state) {
  Engine& e = engine();
  Session s = e.open_embedded_session();
  e.execute_text(s, "USE \"bench\"");
  int round = 0;
  for (auto _ : state) {
    std::string b = "W" + std::to_string(round++) + "_" + std::to_string(std::rand());
    e.execute_text(s, "CREATE BUNDLE \"" + b +
                          "\" WITH FIELDS ({\"id\", STRING, true, true}, "
                          "{\"n\", INT, false, true}, {\"city\", STRING, false, false}, "
                          "{\"payload\", STRING, false, false})");
    e.execute_text(s, "CREATE INDEX BTREE ON BUNDLE \"" + b + "\" WITH FIELD \"city\"");
    e.execute_text(s, "CREATE INDEX BTREE ON BUNDLE \"" + b + "\" WITH FIELD \"payload\"");
    Status st = e.write(s, "bench", true, nullptr, [&](WriteContext& ctx) {
      for (int i = 0; i < 100000; ++i) {
        Json response;
        STRATA_RETURN_IF_ERROR(exec_command(ctx, ast::Statement(add_for(b, i)), &response));
      }
      return Status::Ok();
    });
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    state.PauseTiming();
    e.execute_text(s, "DROP BUNDLE \"" + b + "\"");
    state.ResumeTiming();
  }
  e.close_session(s);
}
BENCHMARK(BM_Load100k_OneWrite)->Unit(benchmark::kMillisecond)->Iterations(2);

// One ADD DOCUMENT statement per commit, as the gate runs it: without sync (the default for
// data statements: atomic, survives kill -9, not a machine crash) and with sync.
void run_add_statement(benchmark::State& state, bool sync) {
  Engine& e = engine();
  Session s = e.open_embedded_session();
  e.execute_text(s, "USE \"bench\"");
  std::string b = std::string("S") + (sync ? "sync" : "nosync") + std::to_string(std::rand());
  e.execute_text(s, "CREATE BUNDLE \"" + b +
                        "\" WITH FIELDS ({\"id\", STRING, true, true}, "
                        "{\"n\", INT, false, false}, {\"city\", STRING, false, false}, "
                        "{\"payload\", STRING, false, false})");
  int i = 0;
  for (auto _ : state) {
    Status st = e.write(s, "bench", sync, nullptr, [&](WriteContext& ctx) {
      Json response;
      return exec_command(ctx, ast::Statement(add_for(b, i++)), &response);
    });
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  e.execute_text(s, "DROP BUNDLE \"" + b + "\"");
  e.close_session(s);
}
void BM_AddStatement_NoSync(benchmark::State& s) { run_add_statement(s, false); }
void BM_AddStatement_Sync(benchmark::State& s) { run_add_statement(s, true); }
BENCHMARK(BM_AddStatement_NoSync)->Unit(benchmark::kMicrosecond)->Iterations(20000);
BENCHMARK(BM_AddStatement_Sync)->Unit(benchmark::kMicrosecond)->Iterations(2000);

}  // namespace
}  // namespace strata::engine

BENCHMARK_MAIN();
