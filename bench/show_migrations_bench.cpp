// show_migrations_bench (SPEC §9): SHOW MIGRATIONS on a 100-migration ledger from 32
// concurrent connections; prints throughput and p50 / p99 / max latency.
//
//   show_migrations_bench [--port 1776[,1777,…]] [--connections 32] [--requests 20000]
//                         [--migrations 100]
//
// Against `strata serve --auth off`: creates database "bench_ledger" (unless it exists) and
// that many migrations, each START MIGRATION … COMMIT + APPLY, then every connection USEs it
// and runs SHOW MIGRATIONS back to back, one request in flight each; the clock starts once
// every connection is open and has asked once (set-up is not latency). Several ports (servers
// sharing one cluster store, SPEC §11) share the connections round-robin; the ledger is built
// through the first. Exit 3 when the server cannot build the ledger (e.g. a build without
// migrations), printing its answer. bench/run (rows show, cluster) starts servers and runs it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/wire_client.hpp"

namespace {

// A connection that ends the benchmark (exit 2) when the server cannot be reached or goes away.
class Connection {
 public:
  explicit Connection(int port) {
    auto client = strata::cli::WireClient::Connect("127.0.0.1", static_cast<uint16_t>(port));
    if (!client.ok()) {
      std::fprintf(stderr, "show_migrations_bench: %s\n", client.status().message().c_str());
      std::exit(2);
    }
    client_ = std::move(*client);
  }

  // Sends `statement` + EOT and returns its answer line.
  std::string ask(const std::string& statement) {
    auto line = client_->ask(statement);
    if (!line) std::exit(2);
    return *line;
  }

 private:
  std::unique_ptr<strata::cli::WireClient> client_;
};

bool ok(const std::string& line) { return line.find("\"success\":true") != std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
  int connections = 32, migrations = 100;
  std::vector<int> ports;
  long requests = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") {
      std::string list = argv[i + 1];
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        ports.push_back(std::atoi(list.substr(at, comma - at).c_str()));  // 0 fails to connect
        at = comma + 1;
      }
    } else if (flag == "--connections")
      connections = std::atoi(argv[i + 1]);
    else if (flag == "--requests")
      requests = std::atol(argv[i + 1]);
    else if (flag == "--migrations")
      migrations = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "show_migrations_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (ports.empty()) ports.push_back(1776);
  {
    Connection setup(ports[0]);
    setup.ask("CREATE DATABASE \"bench_ledger\"");
    std::string used = setup.ask("USE \"bench_ledger\"");
    std::string shown = setup.ask("SHOW MIGRATIONS");
    if (!ok(shown)) {
      std::fprintf(stderr, "show_migrations_bench: SHOW MIGRATIONS fails: %s\n", shown.c_str());
      return 3;
    }
    for (int v = 1;
         v <= migrations && shown.find("\"Version\":" + std::to_string(v)) == std::string::npos;
         ++v) {
      std::string created = setup.ask(
          "START MIGRATION WITH DESCRIPTION \"bench " + std::to_string(v) + "\" CREATE BUNDLE \"B" +
          std::to_string(v) + "\" WITH FIELDS ({\"n\", INT, false, false}) COMMIT");
      std::string applied = setup.ask("APPLY MIGRATION WITH VERSION " + std::to_string(v));
      if (!ok(created) || !ok(applied)) {
        std::fprintf(stderr, "show_migrations_bench: cannot build the ledger:\n%s\n%s\n",
                     created.c_str(), applied.c_str());
        return 3;
      }
    }
  }
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  std::atomic<long> next{0};
  // Every connection is open, has USEd the database and asked once (untimed) before the clock
  // starts: connection set-up is not part of the latency being measured.
  std::latch ready(connections + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(ports[static_cast<size_t>(c) % ports.size()]);
      conn.ask("USE \"bench_ledger\"");
      if (!ok(conn.ask("SHOW MIGRATIONS"))) std::exit(4);
      ready.count_down();
      go.wait();
      while (next.fetch_add(1) < requests) {
        const auto t0 = std::chrono::steady_clock::now();
        std::string line = conn.ask("SHOW MIGRATIONS");
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (!ok(line)) std::exit(4);
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = std::chrono::steady_clock::now();
  go.count_down();
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[std::min(all.size() - 1, size_t(p * all.size()))]; };
  std::printf(
      "SHOW MIGRATIONS (%d migrations), %d connections to %zu server(s): %.0f requests per "
      "second, p50 %.3f ms, p99 %.3f ms, max %.3f ms (%zu requests)\n",
      migrations, connections, ports.size(), static_cast<double>(all.size()) / seconds, pct(0.5),
      pct(0.99), all.back(), all.size());
  return 0;
}
