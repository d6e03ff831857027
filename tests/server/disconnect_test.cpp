// A client that goes away (SPEC §6; issue 10): its queued statements are dropped and its
// running statement is cancelled at its next check, so the server's worker is free again at
// once — here the only worker, which another connection's PING needs. Before, a slow reader
// that reset its connection kept its session busy for seconds finishing its SELECT * batch.
// The real engine behind the real server, in process, on 127.0.0.1.

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "engine/engine.hpp"
#include "server/engine_handler.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"

using namespace strata;
using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kDocs = 40000;

// An engine whose database "d" holds kDocs documents in bundle T (a scan takes a while).
std::unique_ptr<engine::Engine> loaded_engine(const std::string& dir) {
  engine::EngineOptions options;
  options.data_dir = dir;
  auto opened = engine::Engine::Open(options);
  REQUIRE(opened.ok());
  auto e = std::move(*opened);
  engine::Session s = e->open_embedded_session();
  std::string m = "CREATE DATABASE \"d\"; USE \"d\"; START MIGRATION CREATE BUNDLE \"T\" WITH "
                  "FIELDS ({\"n\", INT, true, false}, {\"v\", STRING, false, false});\n";
  for (int i = 0; i < kDocs; ++i) {
    m += "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + std::to_string(i) +
         ", \"v\": \"a value long enough to cost something\"});\n";
  }
  m += "COMMIT; APPLY MIGRATION WITH VERSION 1 FORCE";
  json r = e->execute_text(s, m);
  INFO(r.dump().substr(0, 300));
  REQUIRE(r.value("success", false));
  e->close_session(s);
  return e;
}

}  // namespace

TEST_CASE("disconnect: a reset connection's queued and running statements stop at once") {
  TempDir dir;
  auto engine = loaded_engine(dir.path() + "/data");
  strata::server::EngineHandler handler(*engine, /*auth=*/false);
  auto options = test_options();
  options.auth = false;
  options.workers = 1;  // one worker: a busy one shows at once

  // While reading, the reset is seen by the read; with a paused reader (its queue full), by
  // the periodic look at the socket.
  for (size_t max_pending : {size_t{4096}, size_t{8}}) {
    DYNAMIC_SECTION("at most " << max_pending << " queued statements") {
      options.max_pending_statements = max_pending;
      InProcessServer server(handler, options);
      {
        TestClient warm(server.port());  // the worker answers quickly when idle
        REQUIRE(warm.send("PING;"));
        REQUIRE(warm.read_line());
      }
      TestClient slow(server.port());  // sends, never reads, then vanishes
      // 600 scans of every document (small answers): tens of seconds of work for the worker.
      std::string script = "USE \"d\";";
      for (int i = 0; i < 600; ++i) script += "SELECT COUNT FROM \"T\" WHERE v == \"none\";";
      REQUIRE(slow.send(script));
      std::this_thread::sleep_for(400ms);  // the worker is deep in the batch

      TestClient other(server.port());
      slow.reset();
      const auto reset_at = std::chrono::steady_clock::now();
      REQUIRE(other.send("PING;"));
      auto line = other.read_line(20000ms);
      const auto waited = std::chrono::steady_clock::now() - reset_at;
      REQUIRE(line);
      CHECK(json::parse(*line)["message"] == "PONG");
      INFO("the worker was free after "
           << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms");
      CHECK(waited < 1000ms);
    }
  }
}

TEST_CASE("disconnect: the handshake's answer carries the session's id and cancel key") {
  TempDir dir;
  engine::EngineOptions eo;
  eo.data_dir = dir.path() + "/data";
  auto opened = engine::Engine::Open(eo);
  REQUIRE(opened.ok());
  auto e = std::move(*opened);
  engine::Session s = e->open_embedded_session();
  REQUIRE(e->execute_text(s, "CREATE DATABASE \"main\"").value("success", false));
  strata::server::EngineHandler handler(*e, /*auth=*/false);
  auto options = test_options();
  options.auth = false;
  InProcessServer server(handler, options);
  TestClient client(server.port());
  REQUIRE(client.send("syndrdb://127.0.0.1:1776:main:admin:x;"));
  auto welcome = client.read_line();
  REQUIRE(welcome);
  CHECK(welcome->find("S0001") != std::string::npos);
  auto answer = client.read_line();
  REQUIRE(answer);
  json j = json::parse(*answer);
  CHECK(j["session"]["id"].is_number_unsigned());
  CHECK(j["session"]["cancelKey"].get<std::string>().size() == 32);
  // The key cancels that session (and no other).
  const uint64_t id = j["session"]["id"];
  CHECK(e->cancel_session(id, j["session"]["cancelKey"].get<std::string>()).ok());
  CHECK_FALSE(e->cancel_session(id, std::string(32, '0')).ok());
}
