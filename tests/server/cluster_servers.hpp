#pragma once
// Cluster-mode test servers (SPEC §11) for tests/server/*_cluster_test.cpp: two real
// `strata serve --store etcd://…` processes over a real 3-member etcd cluster on loopback
// (storage/etcd_cluster.hpp), each in its own directory, logged in as admin over TCP; and the
// few helpers those tests share to ask a statement and read its answer.
// Thread-safety: one TwoServers per test, used from the test thread; each TestClient from one
// thread at a time.

#include <array>
#include <barrier>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "server/server_process.hpp"
#include "server/test_client.hpp"
#include "storage/etcd_cluster.hpp"

namespace strata::server::testing {

using nlohmann::json;
using namespace std::chrono_literals;

// --lock-ttl of the test servers: a dead server's lock frees fast.
inline constexpr int kLockTtl = 3;

inline std::string quoted(const std::string& s) { return json(s).dump(); }
inline bool succeeded(const json& a) { return a.is_object() && a.value("status", "") == "success"; }
inline std::string error_code(const json& a) {
  if (!a.is_object() || !a.contains("error") || !a["error"].is_object()) return "";
  return a["error"].value("code", "");
}

inline json ask(TestClient& client, const std::string& statement,
                std::chrono::milliseconds timeout = 60s) {
  if (!client.send(statement + "\x04\n")) return json::value_t::discarded;
  auto line = client.read_line(timeout);
  if (!line) return json::value_t::discarded;
  return json::parse(*line, nullptr, false);
}

// Sends statements[i] through clients[i], both released at the same instant (a barrier), and
// returns both answers: a race between two servers.
inline std::array<json, 2> ask_at_once(const std::array<TestClient*, 2>& clients,
                                       const std::array<std::string, 2>& statements) {
  std::barrier line(2);
  std::array<json, 2> answers;
  std::vector<std::thread> threads;
  for (size_t c = 0; c < 2; ++c) {
    threads.emplace_back([&, c] {
      line.arrive_and_wait();
      answers[c] = ask(*clients[c], statements[c]);
    });
  }
  for (auto& t : threads) t.join();
  return answers;
}

// Two `strata serve --store etcd://…` processes sharing one etcd prefix (and one backup
// directory), each in its own directory.
class TwoServers {
 public:
  TwoServers() : prefix_(random_prefix()) {
    for (int i = 0; i < 2; ++i) start(i);
  }
  // Stops both servers and starts them over a new prefix: an empty store on the same members.
  void fresh_store() {
    for (int i = 0; i < 2; ++i) stop(i);
    prefix_ = random_prefix();
    for (int i = 0; i < 2; ++i) start(i);
  }
  // fresh_store(), with both servers started at the same instant (each one's first start
  // creates the admin user unless the other did).
  void fresh_store_at_once() {
    for (int i = 0; i < 2; ++i) stop(i);
    prefix_ = random_prefix();
    std::barrier line(2);
    std::vector<std::thread> starting;
    for (int i = 0; i < 2; ++i) {
      starting.emplace_back([&, i] {
        line.arrive_and_wait();
        servers_[i] = std::make_unique<ServerProcess>(
            std::vector<std::string>{"--store", etcd_.url(), "--store-prefix", prefix_,
                                     "--lock-ttl", std::to_string(kLockTtl), "--backup-dir",
                                     backups_.path()},
            "admin-pw", &dirs_[i], /*init_main=*/false);
      });
    }
    for (auto& t : starting) t.join();
    for (int i = 0; i < 2; ++i) {
      INFO("server " << i << " log:\n" << servers_[i]->log());
      REQUIRE(servers_[i]->port() != 0);
    }
  }
  void start(int i) {
    servers_[i] = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--store", etcd_.url(), "--store-prefix", prefix_, "--lock-ttl",
                                 std::to_string(kLockTtl), "--backup-dir", backups_.path()},
        "admin-pw", &dirs_[i], /*init_main=*/false);
    INFO("server log:\n" << servers_[i]->log());
    REQUIRE(servers_[i]->port() != 0);
  }
  void kill9(int i) {
    servers_[i]->signal(SIGKILL);
    REQUIRE(servers_[i]->exited(10s));
  }
  void stop(int i) {
    servers_[i]->signal(SIGTERM);
    REQUIRE(servers_[i]->exited(30s));
  }
  ServerProcess& server(int i) { return *servers_[i]; }
  storage::testing::EtcdCluster& etcd() { return etcd_; }
  // A logged-in admin connection to server i, using `db` when given.
  std::unique_ptr<TestClient> connect(int i, const std::string& db = "") {
    auto c = std::make_unique<TestClient>(servers_[i]->port());
    REQUIRE(succeeded(ask(*c, "AUTH \"admin\" \"admin-pw\"")));
    if (!db.empty()) REQUIRE(succeeded(ask(*c, "USE " + quoted(db))));
    return c;
  }

 private:
  static std::string random_prefix() { return "/t" + std::to_string(std::random_device{}()); }

  storage::testing::EtcdCluster etcd_{3};
  std::string prefix_;
  TempDir dirs_[2];
  TempDir backups_;
  std::unique_ptr<ServerProcess> servers_[2];
};

}  // namespace strata::server::testing
