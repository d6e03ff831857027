// Crash safety with real processes (SPEC §8): `strata exec --data DIR -` is fed a large
// generated load through a pipe and killed with SIGKILL at random moments (fixed seed),
// several times on the same data directory. After each kill the store is reopened and must
// show: every index agreeing with the documents (Engine::check_consistency), no statement
// half-visible (each UPDATE touches the five documents of a group: all or none), and
// DocumentIDs that keep growing.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

constexpr int kGroupSize = 5;

// The statements of one round: groups of kGroupSize documents sharing `g`, then updates that
// set `v` on a whole group, and deletes of whole groups.
std::string make_load(int round, int groups, std::mt19937& rng) {
  std::string s =
      "CREATE DATABASE \"c\";\nUSE \"c\";\nSET AllowDirectSchemaChanges = true;\n"
      "CREATE BUNDLE \"K\" WITH FIELDS ({\"g\", INT, true, false}, {\"v\", INT, true, false}, "
      "{\"u\", STRING, false, true});\n"
      "CREATE INDEX BTREE ON BUNDLE \"K\" WITH FIELD \"v\";\n"
      "CREATE INDEX HASH ON BUNDLE \"K\" WITH FIELD \"g\";\n";
  const int base = round * 100000;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < kGroupSize; ++i) {
      s += "ADD DOCUMENT TO BUNDLE \"K\" WITH VALUES ({\"g\": " + std::to_string(base + g) +
           ", \"v\": 0, \"u\": \"r" + std::to_string(round) + "-" + std::to_string(g) + "-" +
           std::to_string(i) + "\"});\n";
    }
    if (g > 0 && rng() % 2 == 0) {
      int target = base + static_cast<int>(rng() % g);
      s += "UPDATE DOCUMENTS IN BUNDLE \"K\" (\"v\" = " + std::to_string(rng() % 1000 + 1) +
           ") WHERE g == " + std::to_string(target) + ";\n";
    }
    if (g > 0 && rng() % 10 == 0) {
      s += "DELETE DOCUMENTS FROM BUNDLE \"K\" WHERE g == " +
           std::to_string(base + static_cast<int>(rng() % g)) + ";\n";
    }
  }
  return s;
}

// Runs `strata exec --continue --data dir -` on `load`; kills it after `kill_after_ms`
// (never when < 0). Returns the child's wait status.
int run_exec(const std::string& dir, const std::string& load, int kill_after_ms) {
  int in[2];
  REQUIRE(pipe(in) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    close(in[0]);
    close(in[1]);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execl(STRATA_BINARY, STRATA_BINARY, "exec", "--continue", "--data", dir.c_str(), "-",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  std::thread feeder([fd = in[1], &load] {
    size_t off = 0;
    while (off < load.size()) {
      ssize_t n = write(fd, load.data() + off, std::min<size_t>(65536, load.size() - off));
      if (n <= 0) break;  // the child died: EPIPE
      off += static_cast<size_t>(n);
    }
    close(fd);
  });
  if (kill_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  feeder.join();
  return status;
}

// Reopens the store and checks the invariants; returns the highest DocumentID.
uint64_t check_store(const std::string& dir, uint64_t previous_max) {
  auto engine = open_engine(dir);
  auto report = engine->check_consistency("c");
  if (!report.ok() && report.status().code() == Code::kDatabaseNotFound) return previous_max;
  REQUIRE(report.ok());
  INFO(report->dump());
  REQUIRE((*report)["ok"].get<bool>());
  auto s = engine->open_embedded_session();
  nlohmann::json use = engine->execute_text(s, "USE \"c\"");
  REQUIRE(use["success"].get<bool>());
  nlohmann::json all = engine->execute_text(s, "SELECT DOCUMENTS FROM \"K\"");
  if (!all["success"].get<bool>()) return previous_max;  // killed before CREATE BUNDLE
  std::map<int64_t, std::set<int64_t>> values_by_group;
  uint64_t max_id = previous_max;
  for (const auto& d : all["Result"]) {
    values_by_group[d["g"].get<int64_t>()].insert(d["v"].get<int64_t>());
    max_id = std::max<uint64_t>(max_id, std::stoull(d["DocumentID"].get<std::string>()));
  }
  for (const auto& [g, values] : values_by_group) {
    INFO("group " << g);
    CHECK(values.size() == 1);  // an UPDATE of a group is all or nothing
  }
  // Indexed and scanned answers agree.
  nlohmann::json by_index = engine->execute_text(s, "SELECT COUNT FROM \"K\" WHERE v >= 0");
  nlohmann::json by_scan = engine->execute_text(s, "SELECT COUNT FROM \"K\"");
  CHECK(by_index["ResultCount"] == by_scan["ResultCount"]);
  // New documents get larger ids than every stored one.
  nlohmann::json add =
      engine->execute_text(s, "ADD DOCUMENT TO BUNDLE \"K\" WITH VALUES ({\"g\": -1, \"v\": 0})");
  REQUIRE(add["success"].get<bool>());
  uint64_t id = std::stoull(add["DocumentID"].get<std::string>());
  CHECK(id > max_id);
  engine->execute_text(s, "DELETE DOCUMENTS FROM BUNDLE \"K\" WHERE g == -1");
  return id;
}

TEST_CASE("kill -9 during a load leaves a consistent store", "[engine][crash]") {
  signal(SIGPIPE, SIG_IGN);
  TempDir dir;
  const std::string data = dir.sub("data");
  std::mt19937 rng(20261121);
  uint64_t max_id = 0;
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    std::string load = make_load(round, 4000, rng);
    int delay = 80 + static_cast<int>(rng() % 500);
    int status = run_exec(data, load, delay);
    (void)status;
    max_id = check_store(data, max_id);
  }
  // A final uninterrupted run completes and leaves everything consistent.
  std::string load = make_load(99, 50, rng);
  int status = run_exec(data, load, -1);
  CHECK(WIFEXITED(status));
  max_id = check_store(data, max_id);
  CHECK(max_id > 0);
}

}  // namespace
}  // namespace strata::testing
