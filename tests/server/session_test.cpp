// Sessions (SPEC §6) with the fake handler: handshake, AUTH and its limits, oversized
// statements, garbage, idle timeout, connection limit, disconnects, graceful stop.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "server/fake_handler.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"
#include "test_time.hpp"

using namespace strata::server;
using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string code_of(const std::string& line) { return json::parse(line).at("error").at("code"); }

bool pings(uint16_t port) {
  TestClient client(port);
  client.send("PING;");
  auto line = client.read_line();
  return line && line->find("PONG") != std::string::npos;
}

}  // namespace

TEST_CASE("the SyndrDB handshake authenticates and USEs the database") {
  FakeHandler handler(/*require_auth=*/true);
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("syndrdb://127.0.0.1:" + std::to_string(server.port()) +
                      ":main:admin:secret;ECHO after\x04"));
  auto lines = client.read_lines(3);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find("S0001") != std::string::npos);
  auto welcome = json::parse(lines[1]);
  CHECK(welcome.at("status") == "success");
  CHECK(welcome.at("message") == "Authentication successful");
  CHECK(json::parse(lines[2]).at("echo") == "ECHO after");
}

TEST_CASE("a handshake with a bad password or database gets one error line and a close") {
  FakeHandler handler(true);
  InProcessServer server(handler);
  {
    TestClient client(server.port());
    REQUIRE(client.send("syndrdb://127.0.0.1:1776:main:admin:wrong;PING;"));
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(*line) == "AUTH_FAILED");
    CHECK(line->find("wrong") == std::string::npos);  // the password is never echoed
    CHECK(client.closed_by_peer());
  }
  {
    TestClient client(server.port());
    REQUIRE(client.send("syndrdb://127.0.0.1:1776:nope:admin:secret\x04"));
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(*line) == "DATABASE_NOT_FOUND");
    CHECK(client.closed_by_peer());
  }
  {
    TestClient client(server.port());
    REQUIRE(client.send("syndrdb://garbage;"));
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(*line) == "AUTH_FAILED");
    CHECK(client.closed_by_peer());
  }
}

TEST_CASE("before AUTH only AUTH and PING run - three failed AUTHs close - slower each time") {
  FakeHandler handler(true);
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("ECHO x; PING;"));
  auto lines = client.read_lines(2);
  REQUIRE(lines.size() == 2);
  CHECK(code_of(lines[0]) == "PERMISSION_DENIED");
  CHECK(json::parse(lines[0]).at("message") == "authentication required");
  CHECK(lines[1].find("PONG") != std::string::npos);

  std::vector<std::chrono::steady_clock::duration> waits;
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    REQUIRE(client.send("AUTH \"admin\" \"bad\";"));
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(*line) == "AUTH_FAILED");
    waits.push_back(std::chrono::steady_clock::now() - start);
  }
  CHECK(waits[1] > waits[0]);
  CHECK(waits[2] > waits[1]);
  CHECK(client.closed_by_peer());

  TestClient good(server.port());
  REQUIRE(good.send("AUTH \"admin\" \"secret\"; ECHO in;"));
  auto ok = good.read_lines(2);
  REQUIRE(ok.size() == 2);
  CHECK(json::parse(ok[0]).at("status") == "success");
  CHECK(json::parse(ok[1]).at("echo") == "ECHO in");
}

TEST_CASE("a statement over --max-statement-bytes gets FRAME_TOO_LARGE and a close") {
  FakeHandler handler;
  auto options = test_options();
  options.max_statement_bytes = 1024;
  InProcessServer server(handler, options);
  TestClient client(server.port());
  REQUIRE(client.send("ECHO small;"));
  REQUIRE(client.send("ECHO " + std::string(4096, 'x')));  // no terminator: still too large
  auto lines = client.read_lines(2);
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[0]).at("echo") == "ECHO small");
  CHECK(code_of(lines[1]) == "FRAME_TOO_LARGE");
  CHECK(client.closed_by_peer());
  CHECK(pings(server.port()));
}

TEST_CASE("random bytes get error or echo responses - never a crash") {
  FakeHandler handler(true);
  InProcessServer server(handler);
  std::mt19937 rng(1776);
  for (int round = 0; round < 20; ++round) {
    TestClient client(server.port());
    std::string bytes(4096, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    bytes += "\x04;PING;";
    client.send(bytes);
    client.shutdown_write();
    client.closed_by_peer(10000ms);  // whatever came back, the server stays up
  }
  CHECK(pings(server.port()));
}

TEST_CASE("a client that disconnects mid-statement harms no one") {
  FakeHandler handler;
  InProcessServer server(handler);
  for (int i = 0; i < 10; ++i) {
    TestClient client(server.port());
    client.send("START MIGRATION CREATE BUNDLE \"half");  // and vanishes
  }
  {
    TestClient client(server.port());
    client.send("SLEEP 200;");  // vanishes while its statement runs
  }
  CHECK(pings(server.port()));
  auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(5s);
  while (server.server().connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(server.server().connections() == 0);
}

TEST_CASE("idle connections close after --idle-timeout - a long statement is not idleness") {
  FakeHandler handler;
  auto options = test_options();
  options.idle_timeout_s = 0.3;
  InProcessServer server(handler, options);
  TestClient busy(server.port());
  REQUIRE(busy.send("SLEEP 700;"));
  TestClient idle(server.port());
  auto start = std::chrono::steady_clock::now();
  CHECK(idle.closed_by_peer(5000ms));
  CHECK(std::chrono::steady_clock::now() - start >= 250ms);
  auto line = busy.read_line();
  REQUIRE(line);
  CHECK(line->find("slept") != std::string::npos);
}

TEST_CASE("the connection limit (--max-connections) turns further clients away with an error line") {
  FakeHandler handler;
  auto options = test_options();
  options.max_connections = 2;
  InProcessServer server(handler, options);
  TestClient a(server.port()), b(server.port());
  a.send("PING;");
  b.send("PING;");
  REQUIRE(a.read_line());
  REQUIRE(b.read_line());
  TestClient c(server.port());
  auto line = c.read_line();
  REQUIRE(line);
  CHECK(line->find("too many connections") != std::string::npos);
  CHECK(c.closed_by_peer());
}

TEST_CASE("stop() lets running statements finish and answers them - then closes") {
  FakeHandler handler;
  auto server = std::make_unique<InProcessServer>(handler);
  TestClient client(server->port());
  REQUIRE(client.send("SLEEP 400;"));
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  server->server().stop();
  auto line = client.read_line();
  REQUIRE(line);
  CHECK(line->find("slept") != std::string::npos);
  CHECK(client.closed_by_peer());
  CHECK(server->server().wait());
  CHECK(std::chrono::steady_clock::now() - start < strata::testing::scaled(4s));
  server.reset();
}
