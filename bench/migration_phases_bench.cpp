// Migration benchmarks inside one process (SPEC §9), each statement timed on its own:
//   w1      START, VALIDATE, APPLY FORCE of the W1 migration (DIR/strata/w1.strata from
//           `python3 bench/harness/workloads.py w1 N DIR`: one bundle with 5 fields, one
//           unique, 2 indexes, N ADD DOCUMENT), separately and total
//   w2w3    M migrations each creating a bundle, START + APPLY each (every APPLY synced),
//           then APPLY ROLLBACK TO VERSION 0 of all of them
//   big     VALIDATE of a 1,000-command migration (ADD DOCUMENT) over a bundle of D documents,
//           REPEATS times (default 1), each time printed
//   open    Engine::Open of a store whose ledger holds L applied migrations (each adds one
//           document; the chain and every checksum are verified at open)
//   show    SHOW MIGRATIONS latency over a ledger of L migrations (one thread)
//   rollback  VALIDATE ROLLBACK and APPLY ROLLBACK of an APPLY that updated D documents, with
//           1,000 later writes to check, REPEATS times, each beside that APPLY's time
//   cost    the performance phase's coefficients (validate/phase_performance.cpp): APPLY of
//           W1 with N documents (with and without its indexes), CREATE INDEX over N documents,
//           a bulk UPDATE of N documents; then ROUNDS times each one's estimate beside its time
// usage: migration_phases_bench w1 FILE | w2w3 M | big D | open L | show L | cost N [DATA_DIR [ROUNDS]]
//        migration_phases_bench big|rollback D DATA_DIR REPEATS
//        migration_phases_bench cost N DATA_DIR ROUNDS
// bench/run (the harness) uses `big`, `rollback` and `open`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cost_shapes.hpp"
#include "engine/engine.hpp"
#include "engine/validate/phases.hpp"
#include "parser/splitter.hpp"

using namespace strata;
using namespace strata::engine;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Bench {
  std::unique_ptr<Engine> engine;
  Session session;
  explicit Bench(const std::string& dir) {
    std::filesystem::remove_all(dir);
    EngineOptions o;
    o.data_dir = dir;
    engine = std::move(Engine::Open(o).value());
    session = engine->open_embedded_session();
  }
  Json run(const std::string& text) {
    Json r = engine->execute_text(session, text);
    if (r.value("status", "") != "success") {
      std::cerr << "FAILED: " << text.substr(0, 120) << "\n" << r.dump().substr(0, 600) << "\n";
      std::exit(1);
    }
    return r;
  }
  double timed(const std::string& text) {
    auto t = Clock::now();
    run(text);
    return since(t);
  }
};

std::string add(const std::string& bundle, int i) {
  return "ADD DOCUMENT TO BUNDLE \"" + bundle + "\" WITH VALUES ({\"g\":" + std::to_string(i) +
         ",\"s\":\"value " + std::to_string(i) + "\"});\n";
}

int w1(const std::string& file, const std::string& dir) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // The statements: everything up to START, the migration block, VALIDATE, APPLY.
  const size_t start = text.find("START MIGRATION");
  const size_t commit = text.find("COMMIT;", start);
  const size_t validate = text.find("VALIDATE MIGRATION", commit);
  Bench b(dir);
  b.run(text.substr(0, start));
  double t_start = b.timed(text.substr(start, commit + 6 - start));
  double t_validate = b.timed("VALIDATE MIGRATION WITH VERSION 1");
  double t_apply = b.timed("APPLY MIGRATION WITH VERSION 1 FORCE");
  (void)validate;
  std::printf("W1 START %.3f s  VALIDATE %.3f s  APPLY %.3f s  total %.3f s\n", t_start,
              t_validate, t_apply, t_start + t_validate + t_apply);
  return 0;
}

int w2w3(int m, const std::string& dir) {
  Bench b(dir);
  b.run("CREATE DATABASE \"bench\"; USE \"bench\"");
  auto t = Clock::now();
  for (int i = 1; i <= m; ++i) {
    b.run("START MIGRATION CREATE BUNDLE \"t_" + std::to_string(i) +
          "\" WITH FIELDS ({\"id\", INT, true, true}, {\"name\", STRING, false, false}, "
          "{\"val\", INT, false, false}) COMMIT");
    b.run("APPLY MIGRATION WITH VERSION " + std::to_string(i));
  }
  double t2 = since(t);
  double t3 = b.timed("APPLY ROLLBACK TO VERSION 0");
  std::printf("W2 %d x (START + APPLY) %.3f s (%.2f ms each)\nW3 APPLY ROLLBACK TO VERSION 0 "
              "%.3f s\n", m, t2, t2 * 1000 / m, t3);
  return 0;
}

int big(int docs, const std::string& dir, int repeats) {
  Bench b(dir);
  // The fixture's bundle is made directly (untimed; direct schema changes are off by default).
  b.run("CREATE DATABASE \"bench\"; USE \"bench\"; SET AllowDirectSchemaChanges = true");
  b.run("CREATE BUNDLE \"Big\" WITH FIELDS ({\"g\", INT, false, true}, {\"s\", STRING, false, "
        "false})");
  const int chunk = 50000;
  for (int from = 0; from < docs; from += chunk) {
    std::string m = "START MIGRATION\n";
    for (int i = from; i < std::min(docs, from + chunk); ++i) m += add("Big", i);
    b.run(m + "COMMIT");
  }
  Json list = b.run("SHOW MIGRATIONS")["migrations"];
  for (const auto& r : list) b.run("APPLY MIGRATION WITH VERSION " + r["Version"].dump() + " FORCE");
  std::string m = "START MIGRATION\n";
  for (int i = 0; i < 1000; ++i) m += add("Big", docs + i);
  b.run(m + "COMMIT");
  const std::string v = std::to_string(list.size() + 1);
  for (int r = 0; r < repeats; ++r) {  // VALIDATE changes nothing: the migration stays PENDING
    double t = b.timed("VALIDATE MIGRATION WITH VERSION " + v);
    std::printf("VALIDATE 1,000 commands over a %d-document bundle: %.3f s\n", docs, t);
    std::fflush(stdout);
  }
  return 0;
}

// SPEC §9's rollback row: V1 loads D documents (untimed); V2 updates every one of them (its
// APPLY timed); then 1,000 later direct writes (new documents, which the rollback must check
// and keep); then VALIDATE ROLLBACK TO VERSION 1 and APPLY ROLLBACK TO VERSION 1, each timed.
// REPEATS rounds, each on a fresh store, each printed on one line.
int rollback(int docs, const std::string& dir, int repeats) {
  for (int r = 0; r < repeats; ++r) {
    Bench b(dir);
    b.run("CREATE DATABASE \"bench\"; USE \"bench\"");
    std::string m =
        "START MIGRATION CREATE BUNDLE \"Big\" WITH FIELDS ({\"g\", INT, false, true}, "
        "{\"s\", STRING, false, false});\n";
    for (int i = 0; i < docs; ++i) m += add("Big", i);
    b.run(m + "COMMIT");
    b.run("APPLY MIGRATION WITH VERSION 1 FORCE");
    b.run("START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"Big\" (\"s\" = \"changed\") "
          "WHERE g >= 0 COMMIT");
    const double apply = b.timed("APPLY MIGRATION WITH VERSION 2 FORCE");
    for (int i = 0; i < 1000; ++i) b.run(add("Big", docs + i));
    const double validate = b.timed("VALIDATE ROLLBACK TO VERSION 1");
    const double roll = b.timed("APPLY ROLLBACK TO VERSION 1");
    Json left = b.run("SELECT COUNT FROM \"Big\" WHERE s == \"changed\"");
    Json all = b.run("SELECT COUNT FROM \"Big\"");
    if (left["ResultCount"] != 0 || all["ResultCount"] != docs + 1000) {
      std::cerr << "FAILED: after the rollback " << left.dump() << " " << all.dump() << "\n";
      return 1;
    }
    std::printf("rollback of a %d-document APPLY with 1,000 later writes: APPLY %.3f s  "
                "VALIDATE ROLLBACK %.3f s  APPLY ROLLBACK %.3f s\n",
                docs, apply, validate, roll);
    std::fflush(stdout);
  }
  return 0;
}

int open_ledger(int migrations, const std::string& dir) {
  {
    Bench b(dir);
    b.run("CREATE DATABASE \"bench\"; USE \"bench\"");
    for (int i = 1; i <= migrations; ++i) {
      // The first migration also creates the bundle (a bundle made outside a migration would
      // be drift, which APPLY refuses).
      const std::string create =
          i == 1 ? "CREATE BUNDLE \"t\" WITH FIELDS ({\"a\", INT, false, false});\n" : "";
      b.run("START MIGRATION WITH DESCRIPTION \"m" + std::to_string(i) + "\" " + create +
            "ADD DOCUMENT TO BUNDLE \"t\" WITH VALUES ({\"a\":" + std::to_string(i) +
            "}) COMMIT");
      b.run("APPLY MIGRATION WITH VERSION " + std::to_string(i));
    }
  }
  EngineOptions o;
  o.data_dir = dir;
  auto t = Clock::now();
  auto e = Engine::Open(o);
  std::printf("open with a %d-migration ledger (chain verified): %.3f s\n", migrations, since(t));
  return e.ok() ? 0 : 1;
}

int show(int migrations, const std::string& dir) {
  Bench b(dir);
  b.run("CREATE DATABASE \"bench\"; USE \"bench\"");
  for (int i = 1; i <= migrations; ++i) {
    b.run("START MIGRATION WITH DESCRIPTION \"m" + std::to_string(i) + "\" CREATE BUNDLE \"t_" +
          std::to_string(i) + "\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT");
    b.run("APPLY MIGRATION WITH VERSION " + std::to_string(i));
  }
  std::vector<double> us;
  for (int i = 0; i < 2000; ++i) us.push_back(b.timed("SHOW MIGRATIONS") * 1e6);
  std::sort(us.begin(), us.end());
  std::printf("SHOW MIGRATIONS over %d migrations, one thread: p50 %.0f us, p99 %.0f us\n",
              migrations, us[us.size() / 2], us[us.size() * 99 / 100]);
  return 0;
}

// The performance phase's coefficients (validate/phase_performance.cpp) from APPLY times, each
// less the time the APPLY thread waited for a CPU (run it as `chrt -r 10 … cost N DIR 3` on a
// shared machine: real-time priority leaves it alone on its cores, as on an idle machine): a
// one-command APPLY (fixed), W1 without indexes (per added document), W1 (per index entry),
// CREATE INDEX over N documents (per indexed document), a bulk UPDATE of N documents (per
// changed document, besides its index entries). Then, ROUNDS times in a fresh database, each
// shape's estimate (from its VALIDATE report's inputs) beside its measured APPLY:
//   cost model W1: estimate 0.412 s, measured 0.398 s, ratio 1.04, load 1.20
struct Applied {
  double seconds = 0;   // the clock
  double waited = 0;    // of which the APPLY thread waited for a CPU
  double estimate = 0;  // VALIDATE's estimate
  double load = 0;      // the load it saw
};

int cost(int n, const std::string& dir, int rounds) {
  namespace v = strata::engine::validate;
  Bench b(dir);
  int database = 0;
  int version = 0;
  auto fresh = [&] {
    const std::string name = "bench" + std::to_string(++database);
    b.run("CREATE DATABASE \"" + name + "\"; USE \"" + name + "\"");
    version = 0;
  };
  // START, VALIDATE (the estimate), APPLY FORCE (timed).
  auto apply = [&](const std::string& migration) {
    b.run(migration);
    ++version;
    Applied a;
    const Json e = b.run("VALIDATE MIGRATION WITH VERSION " + std::to_string(version))
                       ["report"]["performancePhase"]["estimate"];
    a.estimate = strata::bench::estimate_from_report(e);
    a.load = e["machineLoad"].get<double>();
    const v::RunClock before = v::thread_run_clock();
    a.seconds = b.timed("APPLY MIGRATION WITH VERSION " + std::to_string(version) + " FORCE");
    a.waited = static_cast<double>(v::thread_run_clock().wait_ns - before.wait_ns) * 1e-9;
    return a;
  };
  auto idle = [](const Applied& a) { return a.seconds - a.waited; };
  fresh();
  const Applied fixed = apply("START MIGRATION CREATE BUNDLE \"F\" WITH FIELDS ({\"a\", INT, "
                              "false, false}) COMMIT");
  const Applied plain = apply(strata::bench::w1_migration("P", n, false));
  const Applied w1 = apply(strata::bench::w1_migration("W", n, true));
  const Applied index = apply(strata::bench::index_build_migration("W"));
  const Applied update = apply(strata::bench::bulk_update_migration("W"));
  const double unit = v::cost_unit_seconds();
  const double per_added = (idle(plain) - idle(fixed)) / n;
  const double per_entry = (idle(w1) - idle(plain)) / (3.0 * n);
  const double per_indexed = (idle(index) - idle(fixed)) / n;
  const double per_changed = (idle(update) - idle(fixed)) / n - 4 * per_entry;
  std::printf("cost model, N=%d, waits for a CPU taken out: fixed APPLY %.3f ms; per added "
              "document %.3f us; per index entry %.3f us; per indexed document %.3f us; per "
              "changed document %.3f us\n", n, idle(fixed) * 1e3, per_added * 1e6,
              per_entry * 1e6, per_indexed * 1e6, per_changed * 1e6);
  std::printf("in probe documents (probe %.3f us a document, load %.2f): per added %.2f, per "
              "entry %.2f, per indexed %.2f, per changed %.2f\n", unit * 1e6, v::probe_load(),
              per_added / unit, per_entry / unit, per_indexed / unit, per_changed / unit);
  for (int r = 0; r < rounds; ++r) {
    fresh();
    const Applied shapes[] = {apply(strata::bench::w1_migration("W", n, true)),
                              apply(strata::bench::index_build_migration("W")),
                              apply(strata::bench::bulk_update_migration("W"))};
    const char* names[] = {"W1", "index build", "bulk UPDATE"};
    for (int i = 0; i < 3; ++i) {
      std::printf("cost model %s: estimate %.3f s, measured %.3f s, ratio %.2f, load %.2f\n",
                  names[i], shapes[i].estimate, shapes[i].seconds,
                  shapes[i].estimate / shapes[i].seconds, shapes[i].load);
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s w1 FILE | w2w3 M | big D | open L | show L | cost N [DATA_DIR [ROUNDS]]\n",
                 argv[0]);
    return 2;
  }
  const std::string what = argv[1];
  const std::string dir = argc > 3 ? argv[3] : "/tmp/strata_migration_bench";
  if (what == "w1") return w1(argv[2], dir);
  const int n = std::atoi(argv[2]);
  if (what == "w2w3") return w2w3(n, dir);
  if (what == "big") return big(n, dir, argc > 4 ? std::atoi(argv[4]) : 1);
  if (what == "open") return open_ledger(n, dir);
  if (what == "rollback") return rollback(n, dir, argc > 4 ? std::atoi(argv[4]) : 1);
  if (what == "cost") return cost(n, dir, argc > 4 ? std::atoi(argv[4]) : 1);
  if (what == "show") return show(n, dir);
  return 2;
}
