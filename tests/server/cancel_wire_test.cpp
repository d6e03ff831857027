// CANCEL over the wire (SPEC §4.5, §6 "Cancel"): the real `strata serve` binary; one
// connection logs in (AUTH answers its session id and cancel key) and runs a long APPLY; a
// second connection, never logged in, sends CANCEL SESSION with that id and key. The APPLY
// answers CANCELLED within a second of the cancel, the migration stays PENDING and no document
// changed; the first connection goes on working: a CANCEL with a wrong key does not stop the
// same APPLY, which runs to the end (and took longer than the cancelled one).
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "server/server_process.hpp"
#include "server/test_client.hpp"

using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kDocs = 20000;
constexpr int kScans = 400;

// One statement framed by EOT; its parsed answer.
json ask(TestClient& client, const std::string& statement,
         std::chrono::milliseconds timeout = 60000ms) {
  REQUIRE(client.send(statement + "\x04"));
  auto line = client.read_line(timeout);
  REQUIRE(line);
  return json::parse(*line);
}

json must(TestClient& client, const std::string& statement) {
  json r = ask(client, statement);
  INFO(statement.substr(0, 200) << " -> " << r.dump().substr(0, 300));
  REQUIRE(r.value("status", "") == "success");
  return r;
}

}  // namespace

TEST_CASE("cancel over the wire: CANCEL SESSION from a second connection stops a long APPLY") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  TestClient runner(server.port());
  json auth = must(runner, "AUTH \"admin\" \"admin-pw\"");
  const uint64_t id = auth["session"]["id"];
  const std::string key = auth["session"]["cancelKey"];
  must(runner, "USE \"main\"");
  std::string load = "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, true, false}, "
                     "{\"v\", STRING, false, false});\n";
  for (int i = 0; i < kDocs; ++i) {
    load += "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + std::to_string(i) +
            ", \"v\": \"some text to make documents less tiny\"});\n";
  }
  must(runner, load + "COMMIT");
  must(runner, "APPLY MIGRATION WITH VERSION 1 FORCE");
  // A long APPLY: every document rewritten, then kScans scans of all of them (seconds).
  std::string work = "START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"y\") WHERE "
                     "n >= 0;\n";
  for (int i = 0; i < kScans; ++i) {
    work += "UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"z\") WHERE v == \"none " +
            std::to_string(i) + "\";\n";
  }
  must(runner, work + "COMMIT");

  REQUIRE(runner.send("APPLY MIGRATION WITH VERSION 2 FORCE\x04"));
  const auto applied_at = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(500ms);  // the APPLY is under way
  TestClient canceller(server.port());
  const auto cancelled_at = std::chrono::steady_clock::now();
  json sent = ask(canceller, "CANCEL SESSION " + std::to_string(id) + " \"" + key + "\"");
  CHECK(sent.value("message", "") == "Cancel request sent");
  auto line = runner.read_line(60000ms);
  const auto answered_at = std::chrono::steady_clock::now();
  REQUIRE(line);
  json answer = json::parse(*line);
  const double after_cancel =
      std::chrono::duration<double>(answered_at - cancelled_at).count();
  const double in_all = std::chrono::duration<double>(answered_at - applied_at).count();
  INFO(answer.dump().substr(0, 300));
  WARN("APPLY answered " << after_cancel << " s after CANCEL SESSION (" << in_all
                         << " s after it started)");
  REQUIRE(answer.contains("error"));
  CHECK(answer["error"]["code"] == "CANCELLED");
  CHECK(after_cancel < 1.0);

  // Nothing changed, seen from a third connection; the runner's session goes on.
  TestClient reader(server.port());
  must(reader, "AUTH \"admin\" \"admin-pw\"");
  must(reader, "USE \"main\"");
  CHECK(must(reader, "SHOW MIGRATION 2")["migration"]["Status"] == "PENDING");
  CHECK(must(reader, "SELECT COUNT FROM \"T\" WHERE v == \"y\"")["ResultCount"] == 0);
  CHECK(must(runner, "SELECT COUNT FROM \"T\"")["ResultCount"] == kDocs);
  // A wrong key cancels nothing and says so; the same APPLY, left alone, runs to the end and
  // takes longer than the cancelled one did.
  REQUIRE(runner.send("APPLY MIGRATION WITH VERSION 2 FORCE\x04"));
  const auto whole_started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(200ms);
  json wrong = ask(canceller, "CANCEL SESSION " + std::to_string(id) + " \"" +
                                  std::string(32, '0') + "\"");
  CHECK(wrong["error"]["code"] == "PERMISSION_DENIED");
  line = runner.read_line(120000ms);
  REQUIRE(line);
  const double whole =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - whole_started).count();
  INFO(line->substr(0, 300));
  CHECK(json::parse(*line).value("status", "") == "success");
  WARN("the APPLY left alone took " << whole << " s");
  CHECK(whole > in_all);
  CHECK(must(reader, "SELECT COUNT FROM \"T\" WHERE v == \"y\"")["ResultCount"] == kDocs);
}
