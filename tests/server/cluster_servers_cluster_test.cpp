// Cluster mode end to end (SPEC §11, docs/CLUSTER.md): two real `strata serve --store etcd://…`
// processes over a real 3-member etcd cluster on loopback, driven over TCP like any client.
// Checks: a change through one server is seen by the very next statement on the other; two
// servers racing to APPLY one version give one success; SHOW LOCKS names the holder; a server
// killed with SIGKILL in the middle of a big APPLY or APPLY ROLLBACK leaves it wholly done or
// wholly not, its lock frees after the TTL and the other server finishes it (one line per kill
// on stderr: delay, whether it came mid-statement, what the other server saw, its time);
// quorum lost answers STORE_UNAVAILABLE, then service comes back; every tests/cases file with
// its statements alternating between the two servers. The servers: cluster_servers.hpp.
#include <array>
#include <barrier>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cctype>
#include <map>
#include <optional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/case_file.hpp"
#include "parser/splitter.hpp"
#include "server/cluster_servers.hpp"

using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string two_bundles(int version) {
  const std::string v = std::to_string(version);
  return "START MIGRATION WITH DESCRIPTION \"v" + v + "\"\n" + "    CREATE BUNDLE \"B" + v +
         "\" WITH FIELDS ({\"n\", INT, false, false});\nCOMMIT";
}

// A migration that creates bundle "Big" and adds `docs` documents to it.
std::string big_migration(int docs) {
  std::string text =
      "START MIGRATION WITH DESCRIPTION \"big\"\n"
      "    CREATE BUNDLE \"Big\" WITH FIELDS ({\"n\", INT, false, false}, "
      "{\"s\", STRING, false, false});\n";
  text.reserve(text.size() + static_cast<size_t>(docs) * 90);
  for (int i = 0; i < docs; ++i) {
    text += "    ADD DOCUMENT TO BUNDLE \"Big\" WITH VALUES ({\"n\":" + std::to_string(i) +
            ",\"s\":\"document number " + std::to_string(i) + "\"});\n";
  }
  return text + "COMMIT";
}

// The documents in `bundle`; -1 when it does not exist (BUNDLE_NOT_FOUND). A STORE_UNAVAILABLE
// (a read past etcd's 5 s deadline, seen on this 2-core machine under heavy load) is asked
// again, at most 3 times; any other answer is -2. Both are said on stderr.
int64_t count_of(TestClient& c, const std::string& bundle) {
  for (int attempt = 0;; ++attempt) {
    json r = ask(c, "SELECT COUNT FROM " + quoted(bundle));
    if (succeeded(r)) return r.value("ResultCount", int64_t{-2});
    if (error_code(r) == "BUNDLE_NOT_FOUND") return -1;
    std::fprintf(stderr, "  SELECT COUNT FROM %s answered %s\n", bundle.c_str(),
                 r.dump().substr(0, 300).c_str());
    if (error_code(r) != "STORE_UNAVAILABLE" || attempt == 3) return -2;
    std::this_thread::sleep_for(1s);
  }
}

std::string migration_status(TestClient& c, int version) {
  json shown = ask(c, "SHOW MIGRATIONS");
  if (!succeeded(shown)) return "error: " + shown.dump();
  for (const auto& m : shown["migrations"]) {
    if (m.value("Version", -1) == version) return m.value("Status", "");
  }
  return "";
}

}  // namespace

TEST_CASE("cluster servers: a change through one server is seen by the next statement on the other") {
  TwoServers s;
  auto a = s.connect(0);
  auto b = s.connect(1);
  REQUIRE(succeeded(ask(*a, "CREATE DATABASE \"shared\"")));
  // Created through A, known to B at once.
  REQUIRE(succeeded(ask(*b, "USE \"shared\"")));
  REQUIRE(succeeded(ask(*a, "USE \"shared\"")));
  for (int v = 1; v <= 3; ++v) {
    TestClient& writer = v % 2 ? *a : *b;
    TestClient& reader = v % 2 ? *b : *a;
    REQUIRE(succeeded(ask(writer, two_bundles(v))));
    json applied = ask(writer, "APPLY MIGRATION WITH VERSION " + std::to_string(v));
    INFO(applied.dump());
    REQUIRE(succeeded(applied));
    CHECK(migration_status(reader, v) == "APPLIED");  // the answer cache of the reader is stale
    json added = ask(reader, "ADD DOCUMENT TO BUNDLE \"B" + std::to_string(v) +
                                 "\" WITH VALUES ({\"n\":" + std::to_string(v) + "})");
    INFO(added.dump());
    CHECK(succeeded(added));  // the reader's schema knows the new bundle
    CHECK(count_of(writer, "B" + std::to_string(v)) == 1);
  }
  json locks = ask(*a, "SHOW LOCKS");
  INFO(locks.dump());
  REQUIRE(succeeded(locks));
  CHECK(locks["locks"].is_array());
}

TEST_CASE("cluster servers: two servers racing to APPLY one version get one success") {
  TwoServers s;
  auto setup = s.connect(0);
  REQUIRE(succeeded(ask(*setup, "CREATE DATABASE \"race\"")));
  auto a = s.connect(0, "race");
  auto b = s.connect(1, "race");
  for (int v = 1; v <= 3; ++v) {
    INFO("round " << v);
    REQUIRE(succeeded(ask(v % 2 ? *a : *b, two_bundles(v))));
    const std::string apply = "APPLY MIGRATION WITH VERSION " + std::to_string(v);
    const auto answers = ask_at_once({a.get(), b.get()}, {apply, apply});
    INFO(answers[0].dump() << " / " << answers[1].dump());
    REQUIRE(int(succeeded(answers[0])) + int(succeeded(answers[1])) == 1);
    const json& loser = succeeded(answers[0]) ? answers[1] : answers[0];
    CHECK(error_code(loser) == "MIGRATION_NOT_PENDING");
    CHECK(migration_status(*a, v) == "APPLIED");
    CHECK(migration_status(*b, v) == "APPLIED");
  }
}

TEST_CASE("cluster servers: a long APPLY holds its database lock while it runs, a write through the other server waits") {
  // A statement's first write runs without its lock (docs/CLUSTER.md "Optimistic writes");
  // one still running after Engine::kLockLongWritesAfter takes it: SHOW LOCKS through the
  // other server names it, and a write there waits for the APPLY's commit instead of making
  // it start over.
  TwoServers s;
  auto setup = s.connect(0);
  REQUIRE(succeeded(ask(*setup, "CREATE DATABASE \"long\"")));
  auto a = s.connect(0, "long");
  auto b = s.connect(1, "long");
  REQUIRE(succeeded(ask(*a, two_bundles(1))));
  REQUIRE(succeeded(ask(*a, "APPLY MIGRATION WITH VERSION 1")));
  // Version 2 fills B1; version 3 computes long (each command scans B1) but writes almost
  // nothing: its commit is one small Txn, so without the early lock it would never hold one.
  std::string fill = "START MIGRATION\n";
  for (int i = 0; i < 2000; ++i) {
    fill += "  ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\": " + std::to_string(i) + "});\n";
  }
  REQUIRE(succeeded(ask(*a, fill + "COMMIT", 600s)));
  REQUIRE(succeeded(ask(*a, "APPLY MIGRATION WITH VERSION 2 FORCE", 600s)));
  std::string scans = "START MIGRATION\n";
  for (int i = 0; i < 300; ++i) {
    scans += "  UPDATE DOCUMENTS IN BUNDLE \"B1\" (\"n\" = 0) WHERE n == -1;\n";
  }
  REQUIRE(succeeded(ask(*a, scans + "COMMIT", 600s)));
  REQUIRE(a->send("APPLY MIGRATION WITH VERSION 3 FORCE\x04\n"));
  json holder;
  std::optional<std::string> answer;  // A's, if it came before a lock was seen
  const auto give_up = std::chrono::steady_clock::now() + strata::testing::scaled(120s);
  while (holder.is_null() && !answer && std::chrono::steady_clock::now() < give_up) {
    json locks = ask(*b, "SHOW LOCKS");
    REQUIRE(succeeded(locks));
    for (const auto& l : locks["locks"]) {
      if (l.value("database", json()) == "long") holder = l;
    }
    if (holder.is_null()) answer = a->read_line(20ms);
  }
  INFO("the holder SHOW LOCKS named: " << holder.dump() << "; A's answer before it: "
                                       << answer.value_or("none"));
  REQUIRE(holder.is_object());
  CHECK(holder.value("statement", "") == "APPLY MIGRATION");
  CHECK(!holder.value("server", "").empty());
  // While A holds it, a write through B waits for A's commit, then runs on what A made.
  json added = ask(*b, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\": -7})", 600s);
  INFO("ADD through B: " << added.dump());
  CHECK(succeeded(added));
  auto line = a->read_line(600s);
  REQUIRE(line);
  json applied = json::parse(*line, nullptr, false);
  INFO("APPLY through A: " << applied.dump());
  REQUIRE(succeeded(applied));
  CHECK(migration_status(*b, 3) == "APPLIED");
  CHECK(count_of(*a, "B1") == 2001);
  json locks = ask(*b, "SHOW LOCKS");
  REQUIRE(succeeded(locks));
  CHECK(locks["locks"].empty());
}

TEST_CASE("cluster servers: concurrent writes through both servers lose nothing and keep unique values unique") {
  // Every write statement commits optimistically first (docs/CLUSTER.md "Optimistic writes"):
  // a lost race runs again under the lock, on the state the winner made.
  TwoServers s;
  auto setup = s.connect(0);
  REQUIRE(succeeded(ask(*setup, "CREATE DATABASE \"busy\"")));
  REQUIRE(succeeded(ask(*setup, "USE \"busy\"")));
  REQUIRE(succeeded(ask(*setup, "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS "
                                "({\"n\", INT, true, true}, {\"w\", INT, false, false}) COMMIT")));
  REQUIRE(succeeded(ask(*setup, "APPLY MIGRATION WITH VERSION 1")));
  constexpr int kWriters = 4, kEach = 25;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int w = 0; w < kWriters; ++w) clients.push_back(s.connect(w % 2, "busy"));
  std::barrier line(kWriters);
  std::vector<std::vector<json>> answers(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      line.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        // Distinct values from every writer, and one value every writer adds: unique.
        const int n = i % 5 == 0 ? 100000 + i : w * 1000 + i;
        answers[w].push_back(ask(*clients[w], "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES "
                                              "({\"n\":" + std::to_string(n) + ",\"w\":" +
                                              std::to_string(w) + "})"));
      }
    });
  }
  for (auto& t : threads) t.join();
  int added = 0;
  std::map<int, int> shared_wins;  // the value all writers tried -> successes
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEach; ++i) {
      const json& a = answers[w][i];
      INFO("writer " << w << " statement " << i << ": " << a.dump());
      if (i % 5 == 0) {
        if (succeeded(a)) ++shared_wins[100000 + i];
        else CHECK(error_code(a) == "CONSTRAINT_VIOLATION");
      } else {
        CHECK(succeeded(a));
      }
      added += succeeded(a) ? 1 : 0;
    }
  }
  for (int i = 0; i < kEach; i += 5) CHECK(shared_wins[100000 + i] == 1);
  CHECK(added == kWriters * (kEach - kEach / 5) + kEach / 5);
  CHECK(count_of(*clients[0], "T") == added);
  CHECK(count_of(*clients[1], "T") == added);
  json locks = ask(*clients[1], "SHOW LOCKS");
  REQUIRE(succeeded(locks));
  CHECK(locks["locks"].empty());
}

TEST_CASE("cluster servers: users change under one lock: first starts at once, racing user statements") {
  TwoServers s;
  // Two servers starting together on an empty store: both come up, one "admin" (no server
  // died of the other's first-start commit).
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    s.fresh_store_at_once();
    auto a = s.connect(0);
    auto b = s.connect(1);
    json users = ask(*b, "SHOW USERS");
    REQUIRE(succeeded(users));
    CHECK(users["Result"].size() == 1);
  }
  auto a = s.connect(0);
  auto b = s.connect(1);
  // The same user created through both at once: one success, one USER_EXISTS.
  for (int round = 0; round < 3; ++round) {
    const std::string name = quoted("dev" + std::to_string(round));
    auto answers = ask_at_once({a.get(), b.get()},
                               {"CREATE USER " + name + " WITH PASSWORD \"p1\" ROLE admin",
                                "CREATE USER " + name + " WITH PASSWORD \"p2\" ROLE reader"});
    INFO(answers[0].dump() << "\n" << answers[1].dump());
    CHECK(succeeded(answers[0]) != succeeded(answers[1]));
    CHECK(error_code(answers[succeeded(answers[0]) ? 1 : 0]) == "USER_EXISTS");
  }
  // The two remaining admins dropped at once, one through each server: one is refused
  // ("cannot drop the last admin"), an admin stays.
  REQUIRE(succeeded(ask(*a, "CREATE USER \"ops\" WITH PASSWORD \"p\" ROLE admin")));
  for (const char* u : {"dev0", "dev1", "dev2"}) ask(*a, std::string("DROP USER ") + quoted(u));
  auto dropped = ask_at_once({a.get(), b.get()}, {"DROP USER \"admin\"", "DROP USER \"ops\""});
  INFO(dropped[0].dump() << "\n" << dropped[1].dump());
  CHECK(succeeded(dropped[0]) != succeeded(dropped[1]));
  json users = ask(*b, "SHOW USERS");
  REQUIRE(succeeded(users));
  size_t admins = 0;
  for (const auto& u : users["Result"]) admins += u.value("Role", "") == "admin";
  CHECK(admins == 1);
}

TEST_CASE("cluster servers: a server killed mid APPLY or mid ROLLBACK leaves all or nothing") {
  const int docs = std::getenv("STRATA_CLUSTER_FULL") ? 100000 : 20000;
  const int rounds = std::getenv("STRATA_CLUSTER_FULL") ? 10 : 2;
  TwoServers s;
  auto setup = s.connect(1);
  REQUIRE(succeeded(ask(*setup, "CREATE DATABASE \"kill\"")));
  {
    auto a = s.connect(0, "kill");
    REQUIRE(succeeded(ask(*a, big_migration(docs), 600s)));
  }
  // Sends `statement` through A, kills A after `delay`, and restarts it. Returns whether A
  // still held the database's lock for it just before the kill (SHOW LOCKS through B): the
  // kill then came in the middle of the statement, not after it.
  auto kill_during = [&](const std::string& statement, std::chrono::milliseconds delay) {
    auto a = s.connect(0, "kill");
    auto b = s.connect(1, "kill");
    REQUIRE(a->send(statement + "\x04\n"));
    std::this_thread::sleep_for(delay);
    json locks = ask(*b, "SHOW LOCKS");
    INFO("SHOW LOCKS during " << statement << ": " << locks.dump());
    CHECK(succeeded(locks));
    bool held = false;
    if (succeeded(locks)) {
      for (const auto& l : locks["locks"]) {
        held = held || (l.value("database", json()) == "kill" &&
                        l.value("statement", "").rfind(statement.substr(0, 14), 0) == 0);
      }
    }
    s.kill9(0);
    s.start(0);
    return held;
  };
  // One line per killed statement on stderr (scripts/cluster-test shows them): round, delay,
  // whether the kill came mid-statement, what B saw, and how long B took to finish the job.
  auto report = [&](int round, const char* what, std::chrono::milliseconds delay, bool mid,
                    const std::string& seen, std::chrono::steady_clock::duration finish) {
    std::fprintf(stderr, "kill round %d, %s: killed after %lld ms (%s), seen from B: %s%s\n",
                 round, what, static_cast<long long>(delay.count()),
                 mid ? "mid-statement: lock held"
                     : "lock not held: before it was taken or after the end",
                 seen.c_str(),
                 finish.count() == 0
                     ? ""
                     : (", B finished it in " +
                        std::to_string(std::chrono::duration<double>(finish).count()).substr(0, 5) +
                        " s")
                           .c_str());
  };
  // How long an uninterrupted APPLY and APPLY ROLLBACK take here (through B): round r kills
  // at (r + 0.5) / rounds of that time, so the kills spread over the statement whatever the
  // machine's speed (a fixed delay lands after the end on a fast machine). An APPLY, which
  // starts without its lock (docs/CLUSTER.md "Optimistic writes"), holds it from
  // Engine::kLockLongWritesAfter on.
  std::chrono::milliseconds apply_time, rollback_time;
  {
    auto b = s.connect(1, "kill");
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(succeeded(ask(*b, "APPLY MIGRATION WITH VERSION 1 FORCE", 600s)));
    apply_time = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    t0 = std::chrono::steady_clock::now();
    REQUIRE(succeeded(ask(*b, "APPLY ROLLBACK TO VERSION 0", 600s)));
    rollback_time = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    REQUIRE(succeeded(ask(*b, "RESET MIGRATION WITH VERSION 1")));
    std::fprintf(stderr, "kill test, %d documents: APPLY takes %lld ms, APPLY ROLLBACK %lld ms\n",
                 docs, static_cast<long long>(apply_time.count()),
                 static_cast<long long>(rollback_time.count()));
  }
  auto at = [&](std::chrono::milliseconds whole, int round) {
    return std::chrono::milliseconds(whole.count() * (2 * round + 1) / (2 * rounds));
  };
  // B finishes the job: `statement`, which leaves migration 1 `done` (from `before`). The two
  // answers SPEC §11 gives a server that stalls — STORE_UNAVAILABLE (an etcd call past its 5 s
  // deadline, the outcome unknown) and a lost lock (B's own lease not renewed within the 3 s
  // TTL; nothing published) — both seen on this 2-core machine under heavy load, are checked
  // (the migration is still whole, `before` or `done`) and the statement asked again unless it
  // was done, at most twice. Returns the time taken.
  auto finish_on_b = [&](TestClient& b, const std::string& statement, const std::string& before,
                         const std::string& done) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
      json answer = ask(b, statement, 600s);
      INFO(statement << " through B, attempt " << attempt << ": " << answer.dump());
      if (succeeded(answer)) break;
      const std::string message = answer.value("message", "");
      const bool stalled = error_code(answer) == "STORE_UNAVAILABLE" ||
                           (error_code(answer) == "STORAGE_ERROR" &&
                            message.find("was lost") != std::string::npos);
      REQUIRE(stalled);
      REQUIRE(attempt < 2);
      const std::string status = migration_status(b, 1);
      std::fprintf(stderr, "  %s through B answered %s; migration 1 then %s\n",
                   statement.c_str(), message.substr(0, 160).c_str(), status.c_str());
      INFO("after it: " << status);
      REQUIRE((status == before || status == done));
      CHECK(count_of(b, "Big") == (status == "APPLIED" ? docs : -1));
      if (status == done) break;
    }
    return std::chrono::steady_clock::now() - t0;
  };
  int mid_applies = 0, mid_rollbacks = 0;
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    auto b = s.connect(1, "kill");
    // APPLY killed: seen from B, wholly applied or not at all.
    auto delay = at(apply_time, round);
    bool mid = kill_during("APPLY MIGRATION WITH VERSION 1 FORCE", delay);
    mid_applies += mid;
    std::string status = migration_status(*b, 1);
    INFO("after the killed APPLY: " << status << ", documents " << count_of(*b, "Big"));
    REQUIRE((status == "APPLIED" || status == "PENDING"));
    CHECK(count_of(*b, "Big") == (status == "APPLIED" ? docs : -1));
    auto finish = std::chrono::steady_clock::duration::zero();
    if (status != "APPLIED") {
      // B writes once A's lock is gone (its lease expires within the TTL), and applies it.
      finish = finish_on_b(*b, "APPLY MIGRATION WITH VERSION 1 FORCE", "PENDING", "APPLIED");
      CHECK(count_of(*b, "Big") == docs);
    }
    report(round, "APPLY", delay, mid, status, finish);
    // APPLY ROLLBACK killed: wholly rolled back or not at all.
    delay = at(rollback_time, round);
    mid = kill_during("APPLY ROLLBACK TO VERSION 0", delay);
    mid_rollbacks += mid;
    status = migration_status(*b, 1);
    INFO("after the killed ROLLBACK: " << status << ", documents " << count_of(*b, "Big"));
    REQUIRE((status == "APPLIED" || status == "ROLLED_BACK"));
    CHECK(count_of(*b, "Big") == (status == "APPLIED" ? docs : -1));
    finish = std::chrono::steady_clock::duration::zero();
    if (status == "APPLIED") {
      finish = finish_on_b(*b, "APPLY ROLLBACK TO VERSION 0", "APPLIED", "ROLLED_BACK");
    }
    report(round, "APPLY ROLLBACK", delay, mid, status, finish);
    CHECK(count_of(*b, "Big") == -1);
    REQUIRE(succeeded(ask(*b, "RESET MIGRATION WITH VERSION 1")));  // ROLLED_BACK -> PENDING
  }
  // The kills tested what they claim: at least a third came in the middle of the statement
  // (the lock still held), not after it.
  INFO("kills mid-APPLY " << mid_applies << ", mid-ROLLBACK " << mid_rollbacks << " of "
                          << rounds);
  CHECK(3 * mid_applies >= rounds);
  CHECK(3 * mid_rollbacks >= rounds);
}

TEST_CASE("cluster servers: a server paused past the lock TTL cannot commit") {
  TwoServers s;
  auto setup = s.connect(1);
  REQUIRE(succeeded(ask(*setup, "CREATE DATABASE \"pause\"")));
  auto a = s.connect(0, "pause");
  auto b = s.connect(1, "pause");
  REQUIRE(succeeded(ask(*a, big_migration(20000), 600s)));
  REQUIRE(a->send("APPLY MIGRATION WITH VERSION 1 FORCE\x04\n"));
  std::this_thread::sleep_for(500ms);
  s.server(0).signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(kLockTtl + 3));
  // A's lease has expired: B takes the lock and applies.
  json applied = ask(*b, "APPLY MIGRATION WITH VERSION 1 FORCE", 600s);
  INFO("B: " << applied.dump());
  s.server(0).signal(SIGCONT);
  auto line = a->read_line(600s);
  REQUIRE(line);
  json answer = json::parse(*line, nullptr, false);
  INFO("A: " << answer.dump());
  // Exactly one of them applied it (A only if it had committed before the pause), and the
  // documents are there once.
  CHECK(int(succeeded(applied)) + int(succeeded(answer)) == 1);
  CHECK(migration_status(*b, 1) == "APPLIED");
  CHECK(count_of(*b, "Big") == 20000);
  CHECK(count_of(*a, "Big") == 20000);
}

TEST_CASE("cluster servers: quorum lost answers STORE_UNAVAILABLE, then service comes back") {
  TwoServers s;
  auto a = s.connect(0);
  REQUIRE(succeeded(ask(*a, "CREATE DATABASE \"q\"")));
  REQUIRE(succeeded(ask(*a, "USE \"q\"")));
  REQUIRE(succeeded(ask(*a, two_bundles(1))));
  REQUIRE(succeeded(ask(*a, "APPLY MIGRATION WITH VERSION 1 FORCE")));
  REQUIRE(succeeded(ask(*a, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\":1})")));
  // One member down: service goes on.
  s.etcd().kill(2);
  REQUIRE(succeeded(ask(*a, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\":2})")));
  CHECK(count_of(*a, "B1") == 2);
  // Two down: every statement that needs the store says so, none answers wrongly.
  s.etcd().kill(1);
  json added = ask(*a, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\":3})");
  INFO(added.dump());
  CHECK(error_code(added) == "STORE_UNAVAILABLE");
  json selected = ask(*a, "SELECT * FROM \"B1\"");
  INFO(selected.dump());
  CHECK(error_code(selected) == "STORE_UNAVAILABLE");
  json shown = ask(*a, "SHOW MIGRATIONS");
  INFO(shown.dump());
  CHECK(error_code(shown) == "STORE_UNAVAILABLE");
  // Quorum back: the same connection works again, nothing lost.
  s.etcd().restart(1);
  s.etcd().restart(2);
  REQUIRE(s.etcd().wait_ready(60s));
  json again;
  for (int i = 0; i < 30 && !succeeded(again); ++i) {
    again = ask(*a, "ADD DOCUMENT TO BUNDLE \"B1\" WITH VALUES ({\"n\":3})");
    if (!succeeded(again)) std::this_thread::sleep_for(1s);
  }
  INFO(again.dump());
  CHECK(succeeded(again));
  CHECK(count_of(*a, "B1") == 3);
  auto b = s.connect(1, "q");
  CHECK(count_of(*b, "B1") == 3);
}

namespace {

// The case files (tests/cases) over two servers: each statement block goes to the server the
// previous one did not. A case-file session is a connection to each server, kept in the same
// state: USE and AUTH go to both, and a DROP DATABASE of the session's active database
// reconnects its other connection (which then has no active database either).
class AlternatingReplay {
 public:
  explicit AlternatingReplay(TwoServers& s) : s_(s) { connect("main", "admin", "admin-pw"); }

  // @reopen: both servers stopped (SIGTERM) and started again; every session starts afresh.
  void reopen() {
    connections_.clear();
    active_.clear();
    for (int i = 0; i < 2; ++i) {
      s_.stop(i);
      s_.start(i);
    }
    connect("main", "admin", "admin-pw");
  }

  void session(const std::string& name, const std::string& role) {
    if (!connections_.count(name)) {
      if (!users_.count(name)) {
        json created = ask(*connections_.at("main")[0],
                           "CREATE USER " + quoted(name) + " WITH PASSWORD \"case-pw\" ROLE " +
                               (role.empty() ? "admin" : role));
        REQUIRE(succeeded(created));
        users_.insert(name);
      }
      connect(name, name, "case-pw");
    }
    current_ = name;
  }

  json execute(const std::string& text) {
    strata::parser::StatementSplitter splitter;
    splitter.feed(text);
    splitter.finish();
    std::vector<std::string> statements;
    while (auto st = splitter.next()) statements.push_back(st->text);
    const size_t count = statements.size();
    const int side = next_++ % 2;
    TestClient& client = *connections_.at(current_)[side];
    client.send(text + "\x04\n");
    if (count == 0) return json();
    auto lines = client.read_lines(count, 120s);
    REQUIRE(lines.size() == count);
    // What the other connection must follow: every USE and AUTH (repeated there), and a
    // DROP DATABASE that succeeded (not one refused as DATABASE_IN_USE).
    json answer;
    std::vector<std::string> mirrored;
    std::optional<std::string> dropped;
    for (size_t i = 0; i < count; ++i) {
      json line = json::parse(lines[i]);
      const std::string& text = statements[i];
      if (text.rfind("USE ", 0) == 0 || text.rfind("AUTH ", 0) == 0) mirrored.push_back(text);
      if (text.rfind("DROP DATABASE ", 0) == 0 && succeeded(line)) {
        dropped = name_in(text.substr(14));
      }
      if (i == 0 || succeeded(answer)) answer = line;
    }
    TestClient& other = *connections_.at(current_)[1 - side];
    for (const auto& statement : mirrored) {
      json mirror = ask(other, statement);
      if (statement.rfind("AUTH ", 0) == 0 && succeeded(mirror)) auth_[current_] = statement;
      if (statement.rfind("USE ", 0) == 0 && succeeded(mirror)) {
        active_[current_] = name_in(statement.substr(4));
      }
    }
    if (dropped && active_[current_] == *dropped) {
      auto fresh = std::make_unique<TestClient>(s_.server(1 - side).port());
      REQUIRE(succeeded(ask(*fresh, auth_.at(current_))));
      connections_[current_][1 - side] = std::move(fresh);
      active_[current_].clear();
    }
    return answer;
  }

 private:
  void connect(const std::string& name, const std::string& user, const std::string& password) {
    auth_[name] = "AUTH " + quoted(user) + " " + quoted(password);
    for (int i = 0; i < 2; ++i) {
      auto c = std::make_unique<TestClient>(s_.server(i).port());
      REQUIRE(succeeded(ask(*c, auth_[name])));
      connections_[name][i] = std::move(c);
    }
    current_ = name;
  }

  // A database name as written after USE / DROP DATABASE: quoted (JSON string) or bare.
  static std::string name_in(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (!text.empty() && text.front() == '"') {
      json parsed = json::parse(text, nullptr, false);
      if (parsed.is_string()) return parsed.get<std::string>();
    }
    return text;
  }

  TwoServers& s_;
  std::map<std::string, std::array<std::unique_ptr<TestClient>, 2>> connections_;
  std::set<std::string> users_;
  std::map<std::string, std::string> auth_;    // per session: the AUTH its connections ran last
  std::map<std::string, std::string> active_;  // per session: its active database
  std::string current_ = "main";
  size_t next_ = 0;
};

// Replays one case file through both servers of `s`, over an empty store of their own.
void replay_alternating(TwoServers& s, const fs::path& file) {
  std::vector<strata::testing::CaseBlock> blocks;
  std::string error;
  INFO("case file " << file.filename().string() << ": " << error);
  REQUIRE(strata::testing::load_case_file(file, &blocks, &error));
  s.fresh_store();
  AlternatingReplay replay(s);
  strata::testing::Captures captures;
  for (const auto& b : blocks) {
    INFO(file.filename().string() << ":" << b.line);
    if (b.kind == strata::testing::CaseBlock::Kind::kDirective) {
      const auto [verb, name, role] = strata::testing::directive_of(b);
      if (verb == "session") replay.session(name, role);
      if (verb == "reopen") replay.reopen();
      if (verb == "sleep") std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(name)));
      continue;
    }
    auto r = strata::testing::run_case_statement(
        b, &captures, [&](const std::string& statement) { return replay.execute(statement); });
    INFO(r.report);
    REQUIRE(r.expected_valid);
    CHECK(r.ok);
  }
}

}  // namespace

TEST_CASE("cluster servers: the case files answer the same with statements alternating between two servers") {
  fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  // One etcd cluster for all files (starting one per file was most of the time); each file
  // gets two servers over a fresh prefix, an empty store.
  TwoServers s;
  for (const auto& f : files) replay_alternating(s, f);
}
