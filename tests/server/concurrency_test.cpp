// Concurrency (SPEC §6): many clients at once, a slow statement stalls no one, a client that
// does not read its answers stalls only itself.
#include <fcntl.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/fake_handler.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"
#include "test_time.hpp"

using namespace strata::server;
using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("32 concurrent clients each get their own answers - in order") {
  FakeHandler handler;
  InProcessServer server(handler);
  constexpr int kClients = 32, kStatements = 300;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      TestClient client(server.port());
      std::string script;
      for (int i = 0; i < kStatements; ++i) {
        script += "ECHO " + std::to_string(c) + "-" + std::to_string(i) + ";";
      }
      client.send(script);
      auto lines = client.read_lines(kStatements, 30000ms);
      if (lines.size() != kStatements) return;
      for (int i = 0; i < kStatements; ++i) {
        if (json::parse(lines[i]).at("echo") !=
            "ECHO " + std::to_string(c) + "-" + std::to_string(i)) {
          return;
        }
      }
      good.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good.load() == kClients);
}

TEST_CASE("one slow statement does not stall other connections") {
  FakeHandler handler;
  auto options = test_options();
  options.threads = 1;  // even with one I/O thread, the statement runs on a worker
  InProcessServer server(handler, options);
  TestClient slow(server.port());
  // Allowances scale for sanitizer builds (test_time.hpp), the slow statement with them.
  REQUIRE(slow.send("SLEEP " + std::to_string(strata::testing::scaled(1500ms).count()) + ";"));
  std::this_thread::sleep_for(50ms);
  TestClient fast(server.port());
  auto start = std::chrono::steady_clock::now();
  REQUIRE(fast.send("PING;"));
  auto line = fast.read_line();
  REQUIRE(line);
  CHECK(std::chrono::steady_clock::now() - start < strata::testing::scaled(1000ms));
  REQUIRE(slow.read_line());
}

TEST_CASE("a client that stops reading stalls only itself") {
  FakeHandler handler;
  auto options = test_options();
  options.max_pending_bytes = 1 << 20;
  InProcessServer server(handler, options);
  TestClient hog(server.port());
  int flags = fcntl(hog.fd(), F_GETFL);
  fcntl(hog.fd(), F_SETFL, flags | O_NONBLOCK);
  // Floods statements whose answers are large, and never reads; the server stops reading
  // from it once its answers back up, so the flood ends with a full socket buffer.
  const std::string statement = "ECHO " + std::string(8000, 'y') + ";";
  size_t sent = 0;
  auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(3s);
  int stalls = 0;
  while (std::chrono::steady_clock::now() < deadline && stalls < 50) {
    ssize_t n = ::send(hog.fd(), statement.data(), statement.size(), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      stalls = 0;
    } else {
      ++stalls;
      std::this_thread::sleep_for(10ms);
    }
  }
  CHECK(stalls >= 50);  // the server pushed back
  for (int i = 0; i < 5; ++i) {
    TestClient other(server.port());
    auto start = std::chrono::steady_clock::now();
    REQUIRE(other.send("PING;"));
    REQUIRE(other.read_line());
    CHECK(std::chrono::steady_clock::now() - start < strata::testing::scaled(1000ms));
  }
}
