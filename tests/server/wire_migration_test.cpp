// Migrations over the wire (SPEC §4.2, §6): two connections racing to APPLY one version, a
// client that vanishes in the middle of a migration, and a migration that arrives in many tiny
// TCP packets. The real engine behind the real server, in process on 127.0.0.1 with an
// ephemeral port (so the test can see the server's connection count).
#include <algorithm>
#include <barrier>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "server/engine_handler.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"
#include "test_time.hpp"

using namespace strata;
using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The real engine on a fresh data directory, served with --auth off (every connection is an
// admin; loopback only) by an InProcessServer. Members are destroyed server first.
class EngineServer {
 public:
  EngineServer() {
    engine::EngineOptions options;
    options.data_dir = dir_.path() + "/data";
    auto opened = engine::Engine::Open(options);
    REQUIRE(opened.ok());
    engine_ = std::move(*opened);
    handler_ = std::make_unique<strata::server::EngineHandler>(*engine_, /*auth=*/false);
    auto server_options = test_options();
    server_options.auth = false;
    server_ = std::make_unique<InProcessServer>(*handler_, server_options);
  }
  ~EngineServer() {
    server_.reset();
    handler_.reset();
    engine_.reset();
  }

  uint16_t port() const { return server_->port(); }
  size_t connections() { return server_->server().connections(); }

  // Waits (bounded) until the server holds at most `count` connections.
  bool wait_connections_at_most(size_t count, std::chrono::milliseconds timeout = 10000ms) {
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
      if (connections() <= count) return true;
      std::this_thread::yield();
      std::this_thread::sleep_for(1ms);  // polling a condition, not ordering events
    }
    return connections() <= count;
  }

 private:
  TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<strata::server::EngineHandler> handler_;
  std::unique_ptr<InProcessServer> server_;
};

bool succeeded(const json& answer) { return answer.value("status", "") == "success"; }

std::string error_code(const json& answer) {
  if (!answer.contains("error") || !answer["error"].is_object()) return "";
  return answer["error"].value("code", "");
}

// Sends one statement framed by EOT and returns its parsed answer (discarded JSON when the
// server did not answer in time).
json ask(TestClient& client, const std::string& statement,
         std::chrono::milliseconds timeout = 20000ms) {
  if (!client.send(statement + "\x04")) return json::value_t::discarded;
  auto line = client.read_line(timeout);
  if (!line) return json::value_t::discarded;
  return json::parse(*line, nullptr, false);
}

void use_database(TestClient& client, const std::string& name, bool create) {
  if (create) REQUIRE(succeeded(ask(client, "CREATE DATABASE \"" + name + "\"")));
  REQUIRE(succeeded(ask(client, "USE \"" + name + "\"")));
}

std::string migration_text(int version, const std::string& tag) {
  const std::string v = std::to_string(version);
  return "START MIGRATION WITH DESCRIPTION \"" + tag + " " + v + "\"\n" +
         "    CREATE BUNDLE \"" + tag + v + "a\" WITH FIELDS ({\"n\", INT, false, false});\n" +
         "    CREATE BUNDLE \"" + tag + v + "b\" WITH FIELDS ({\"m\", STRING, false, false});\n" +
         "COMMIT";
}

// The entries of SHOW MIGRATIONS with `version` (normally zero or one).
std::vector<json> entries(const json& shown, int version) {
  std::vector<json> found;
  if (!shown.contains("migrations")) return found;
  for (const auto& m : shown["migrations"]) {
    if (m.value("Version", -1) == version) found.push_back(m);
  }
  return found;
}

bool bundle_exists(TestClient& client, const std::string& name) {
  json shown = ask(client, "SHOW BUNDLES");
  REQUIRE(succeeded(shown));
  return shown.dump().find("\"" + name + "\"") != std::string::npos;
}

void require_ledger_verified(TestClient& client) {
  json verified = ask(client, "VERIFY MIGRATIONS");
  INFO("VERIFY MIGRATIONS: " << verified.dump());
  REQUIRE(succeeded(verified));
  CHECK(verified.value("checksumsValid", false));
  CHECK(verified.value("chainValid", false));
  CHECK_FALSE(verified.value("schemaDrift", true));
}

}  // namespace

TEST_CASE("wire migrations: two clients racing to APPLY one version get one success",
          "[wire]") {
  EngineServer server;
  TestClient first(server.port());
  TestClient second(server.port());
  use_database(first, "race", /*create=*/true);
  use_database(second, "race", /*create=*/false);
  constexpr int kRounds = 5;
  for (int version = 1; version <= kRounds; ++version) {
    INFO("round " << version);
    json created = ask(first, migration_text(version, "R"));
    INFO("START: " << created.dump());
    REQUIRE(succeeded(created));
    REQUIRE(created["migration"].value("Version", 0) == version);

    // Both send APPLY once both are at the barrier; each thread then reads its own answer.
    std::barrier start_line(2);
    json answers[2];
    TestClient* clients[2] = {&first, &second};
    std::vector<std::thread> threads;
    for (int c = 0; c < 2; ++c) {
      threads.emplace_back([&, c] {
        start_line.arrive_and_wait();
        answers[c] = ask(*clients[c], "APPLY MIGRATION WITH VERSION " + std::to_string(version));
      });
    }
    for (auto& t : threads) t.join();
    INFO("answers: " << answers[0].dump() << " / " << answers[1].dump());
    REQUIRE_FALSE(answers[0].is_discarded());
    REQUIRE_FALSE(answers[1].is_discarded());
    const int winners = int(succeeded(answers[0])) + int(succeeded(answers[1]));
    REQUIRE(winners == 1);
    const json& loser = succeeded(answers[0]) ? answers[1] : answers[0];
    CHECK(error_code(loser) == "MIGRATION_NOT_PENDING");
    CHECK(loser.value("message", "") == "migration not in PENDING state");
    const json& winner = succeeded(answers[0]) ? answers[0] : answers[1];
    CHECK(winner.value("version", 0) == version);
  }

  TestClient observer(server.port());
  use_database(observer, "race", /*create=*/false);
  json shown = ask(observer, "SHOW MIGRATIONS");
  INFO("SHOW MIGRATIONS: " << shown.dump());
  REQUIRE(succeeded(shown));
  CHECK(shown.value("currentVersion", -1) == kRounds);
  REQUIRE(shown["migrations"].size() == static_cast<size_t>(kRounds));
  for (int version = 1; version <= kRounds; ++version) {
    auto found = entries(shown, version);
    REQUIRE(found.size() == 1);
    CHECK(found[0].value("Status", "") == "APPLIED");
    const std::string bundle = std::string("R").append(std::to_string(version)).append("a");
    CHECK(bundle_exists(observer, bundle));
  }
  require_ledger_verified(observer);
}

TEST_CASE("wire migrations: a client cut off inside START MIGRATION leaves no migration",
          "[wire]") {
  EngineServer server;
  TestClient observer(server.port());
  use_database(observer, "cut", /*create=*/true);
  const std::string text = migration_text(1, "C");
  // Cut points inside the body: in the first command, between the commands, in the second
  // field list, and just before COMMIT.
  const size_t cuts[] = {text.find("CREATE") + 10, text.find(";") + 1,
                         text.rfind("STRING") + 3, text.rfind("COMMIT")};
  for (size_t cut : cuts) {
    INFO("cut at byte " << cut);
    {
      TestClient quitter(server.port());
      REQUIRE(quitter.send("USE \"cut\"\x04"));
      REQUIRE(quitter.read_line());
      REQUIRE(quitter.send(text.substr(0, cut)));
      if (cut % 2 == 0) quitter.shutdown_write();  // half-close first on some rounds
    }  // closed here without the rest of the statement
    REQUIRE(server.wait_connections_at_most(1));  // the observer's only
    json shown = ask(observer, "SHOW MIGRATIONS");
    INFO("SHOW MIGRATIONS: " << shown.dump());
    REQUIRE(succeeded(shown));
    CHECK(shown.value("currentVersion", -1) == 0);
    CHECK(shown["migrations"].empty());
    CHECK_FALSE(bundle_exists(observer, "C1a"));
    json pong = ask(observer, "PING");
    CHECK(succeeded(pong));
    CHECK(pong.value("message", "") == "PONG");
  }
  // A fresh connection is served as well.
  TestClient late(server.port());
  CHECK(ask(late, "PING").value("message", "") == "PONG");
  require_ledger_verified(observer);
}

TEST_CASE("wire migrations: a client gone after START and APPLY leaves all or nothing",
          "[wire]") {
  EngineServer server;
  TestClient observer(server.port());
  use_database(observer, "gone", /*create=*/true);
  constexpr int kRounds = 5;
  int current = 0;
  for (int round = 1; round <= kRounds; ++round) {
    const int version = current + 1;
    INFO("round " << round << ", version " << version);
    {
      TestClient quitter(server.port());
      // One round trip, so the server holds the connection before it goes.
      REQUIRE(quitter.send("USE \"gone\"\x04"));
      REQUIRE(quitter.read_line());
      // Pipelined and never read: START … COMMIT and APPLY; then the socket closes.
      REQUIRE(quitter.send(migration_text(version, "G") + "\x04" +
                           "APPLY MIGRATION WITH VERSION " + std::to_string(version) + "\x04"));
    }
    // Once the server has dropped the connection, nothing of it runs any more.
    REQUIRE(server.wait_connections_at_most(1));
    json shown = ask(observer, "SHOW MIGRATIONS");
    INFO("SHOW MIGRATIONS: " << shown.dump());
    REQUIRE(succeeded(shown));
    auto found = entries(shown, version);
    const std::string v = std::to_string(version);
    const bool a = bundle_exists(observer, "G" + v + "a");
    const bool b = bundle_exists(observer, "G" + v + "b");
    if (found.empty()) {
      // The connection went before its START was read: nothing of it may exist.
      CHECK(shown.value("currentVersion", -1) == current);
      CHECK_FALSE(a);
      CHECK_FALSE(b);
    } else {
      REQUIRE(found.size() == 1);
      const std::string state = found[0].value("Status", "");
      if (state == "APPLIED") {
        CHECK(shown.value("currentVersion", -1) == version);
        CHECK(a);
        CHECK(b);
        current = version;
      } else {
        CHECK(state == "PENDING");
        CHECK(shown.value("currentVersion", -1) == current);
        CHECK_FALSE(a);
        CHECK_FALSE(b);
        // Still applicable in one piece from another connection.
        json applied = ask(observer, "APPLY MIGRATION WITH VERSION " + v);
        INFO("APPLY: " << applied.dump());
        REQUIRE(succeeded(applied));
        CHECK(bundle_exists(observer, "G" + v + "a"));
        CHECK(bundle_exists(observer, "G" + v + "b"));
        current = version;
      }
    }
    require_ledger_verified(observer);
  }
  CHECK(ask(observer, "PING").value("message", "") == "PONG");
}

TEST_CASE("wire migrations: a migration in many tiny packets with EOT gets one answer",
          "[wire]") {
  EngineServer server;
  TestClient client(server.port());
  use_database(client, "tiny", /*create=*/true);
  const std::string frame = migration_text(1, "T") + "\x04";
  // Chunks of 1, 2, 3, 1, 2, 3 … bytes, each its own send() with TCP_NODELAY on.
  size_t chunk = 1;
  int sends = 0;
  for (size_t at = 0; at < frame.size(); at += chunk, chunk = chunk % 3 + 1) {
    REQUIRE(client.send(std::string_view(frame).substr(at, chunk)));
    ++sends;
  }
  CHECK(sends > 50);
  auto line = client.read_line();
  REQUIRE(line);
  json created = json::parse(*line, nullptr, false);
  INFO("START: " << created.dump());
  REQUIRE(succeeded(created));
  CHECK(created["migration"].value("Version", 0) == 1);
  CHECK(created["migration"].value("CommandCount", 0) == 2);
  // Exactly one answer: the next line is PING's.
  json pong = ask(client, "PING");
  CHECK(pong.value("message", "") == "PONG");
  json shown = ask(client, "SHOW MIGRATIONS");
  REQUIRE(succeeded(shown));
  CHECK(shown["migrations"].size() == 1);
}

TEST_CASE("wire migrations: pipelined SHOW MIGRATIONS around writes answer in order, never stale",
          "[wire]") {
  // A cached SHOW MIGRATIONS and the writes between go through one gate. Sent in one burst, the answers must still come in order
  // and each SHOW must see every write before it, on this connection and on another one.
  EngineServer server;
  TestClient client(server.port());
  TestClient watcher(server.port());
  use_database(client, "pipe", /*create=*/true);
  use_database(watcher, "pipe", /*create=*/false);
  REQUIRE(succeeded(ask(client, "SHOW MIGRATIONS")));  // cached from here on
  std::string burst;
  for (int v = 1; v <= 3; ++v) {
    burst += "SHOW MIGRATIONS\x04" + migration_text(v, "P") + "\x04" + "SHOW MIGRATIONS\x04" +
             "APPLY MIGRATION WITH VERSION " + std::to_string(v) + "\x04";
  }
  burst += "SHOW MIGRATIONS\x04";
  REQUIRE(client.send(burst));
  auto lines = client.read_lines(13);
  REQUIRE(lines.size() == 13);
  for (int v = 1; v <= 3; ++v) {
    const size_t at = static_cast<size_t>(4 * (v - 1));
    json before = json::parse(lines[at]), created = json::parse(lines[at + 1]),
         after = json::parse(lines[at + 2]), applied = json::parse(lines[at + 3]);
    INFO("version " << v << ": " << before.dump() << "\n" << after.dump());
    REQUIRE(succeeded(created));
    REQUIRE(succeeded(applied));
    CHECK(before["migrations"].size() == static_cast<size_t>(v - 1));
    CHECK(before["currentVersion"] == v - 1);
    CHECK(after["migrations"].size() == static_cast<size_t>(v));
    CHECK(entries(after, v).at(0)["Status"] == "PENDING");
    json seen = ask(watcher, "SHOW MIGRATIONS WHERE Status == \"APPLIED\"");
    CHECK(seen["migrations"].size() == 3);  // the whole burst is answered by now
  }
  json last = json::parse(lines[12]);
  CHECK(last["currentVersion"] == 3);
  CHECK(last == ask(watcher, "SHOW MIGRATIONS"));
}
