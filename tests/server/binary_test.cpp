// The real `strata serve` binary as a process (SPEC §6, §7): handshake and AUTH against the
// engine, roles at the gate, the first admin, --auth off, --config, nc piping a script,
// garbage, SIGTERM with exit code 0 and a restart that shows what was answered.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "parser/splitter.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"

using namespace strata::server::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json ask(TestClient& client, const std::string& statement) {
  client.send(statement + ";");
  auto line = client.read_line(20000ms);
  REQUIRE(line);
  return json::parse(*line);
}

std::string code_of(const json& response) {
  return response.contains("error") ? response["error"].value("code", "") : "";
}

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

}  // namespace

TEST_CASE("binary: the handshake authenticates against the user store and USEs the database") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  {
    TestClient client(server.port());
    client.send("syndrdb://127.0.0.1:" + std::to_string(server.port()) + ":main:admin:admin-pw;");
    auto lines = client.read_lines(2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("S0001") != std::string::npos);
    CHECK(json::parse(lines[1]).at("message") == "Authentication successful");
    CHECK(ask(client, "SET AllowDirectSchemaChanges = true").at("success") == true);
    CHECK(ask(client, "CREATE BUNDLE \"B\" WITH FIELDS ({\"a\", STRING, false, false})")
              .at("success") == true);
  }
  {
    TestClient client(server.port());
    client.send("syndrdb://127.0.0.1:1:main:admin:nope\x04");
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(json::parse(*line)) == "AUTH_FAILED");
    CHECK(client.closed_by_peer());
  }
  {
    TestClient client(server.port());
    client.send("syndrdb://127.0.0.1:1:nodb:admin:admin-pw\x04");
    auto line = client.read_line();
    REQUIRE(line);
    CHECK(code_of(json::parse(*line)) == "DATABASE_NOT_FOUND");
    CHECK(client.closed_by_peer());
  }
  CHECK(server.log().find("admin-pw") == std::string::npos);
  CHECK(server.log().find("nope") == std::string::npos);
}

TEST_CASE("binary: AUTH - then roles are enforced at the gate") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  TestClient admin(server.port());
  CHECK(code_of(ask(admin, "SHOW DATABASES")) == "PERMISSION_DENIED");
  CHECK(ask(admin, "PING").at("message") == "PONG");
  CHECK(code_of(ask(admin, "AUTH \"admin\" \"wrong\"")) == "AUTH_FAILED");
  CHECK(ask(admin, "AUTH \"admin\" \"admin-pw\"").at("success") == true);
  CHECK(ask(admin, "CREATE USER \"rita\" WITH PASSWORD \"r-secret\" ROLE reader").at("success") ==
        true);
  CHECK(ask(admin, "CREATE USER \"mig\" WITH PASSWORD \"m-secret\" ROLE migrator").at("success") ==
        true);
  CHECK(code_of(ask(admin, "CREATE USER \"rita\" WITH PASSWORD \"x\"")) == "USER_EXISTS");
  json users = ask(admin, "SHOW USERS");
  CHECK(users.at("ResultCount") == 3);
  CHECK(users.dump().find("secret") == std::string::npos);

  CHECK(ask(admin, "USE \"main\"").at("success") == true);
  CHECK(ask(admin, "SET AllowDirectSchemaChanges = true").at("success") == true);
  TestClient reader(server.port());
  CHECK(ask(reader, "AUTH \"rita\" \"r-secret\"").at("role") == "reader");
  CHECK(ask(reader, "USE \"main\"").at("success") == true);
  CHECK(ask(reader, "SHOW BUNDLES").at("success") == true);
  CHECK(code_of(ask(reader, "CREATE BUNDLE \"X\" WITH FIELDS ({\"a\", STRING, false, false})")) ==
        "PERMISSION_DENIED");
  CHECK(code_of(ask(reader, "SHOW USERS")) == "PERMISSION_DENIED");

  TestClient migrator(server.port());
  CHECK(ask(migrator, "AUTH \"mig\" \"m-secret\"").at("role") == "migrator");
  CHECK(ask(migrator, "USE \"main\"").at("success") == true);
  CHECK(ask(migrator, "CREATE BUNDLE \"X\" WITH FIELDS ({\"a\", STRING, false, false})")
            .at("success") == true);
  CHECK(code_of(ask(migrator, "CREATE USER \"z\" WITH PASSWORD \"z\"")) == "PERMISSION_DENIED");
  CHECK(code_of(ask(migrator, "DROP DATABASE \"main\"")) == "PERMISSION_DENIED");

  CHECK(ask(admin, "ALTER USER \"rita\" SET ROLE migrator").at("success") == true);
  TestClient rita2(server.port());
  CHECK(ask(rita2, "AUTH \"rita\" \"r-secret\"").at("role") == "migrator");
  CHECK(ask(admin, "DROP USER \"rita\"").at("success") == true);
  TestClient rita3(server.port());
  CHECK(code_of(ask(rita3, "AUTH \"rita\" \"r-secret\"")) == "AUTH_FAILED");
  const std::string log = server.log();
  CHECK(log.find("r-secret") == std::string::npos);
  CHECK(log.find("m-secret") == std::string::npos);
  CHECK(log.find("wrong") == std::string::npos);
}

TEST_CASE("binary: the first start prints a generated admin password once") {
  TempDir dir;
  std::string password;
  {
    ServerProcess server({}, "", &dir);
    REQUIRE(server.port() != 0);
    std::smatch m;
    std::string log = server.log();
    REQUIRE(std::regex_search(log, m, std::regex("created user 'admin' with password (\\S+)")));
    password = m[1];
    TestClient client(server.port());
    CHECK(ask(client, "AUTH \"admin\" \"" + password + "\"").at("success") == true);
    server.signal(SIGTERM);
    REQUIRE(server.exited(10000ms));
  }
  ServerProcess again({}, "", &dir);
  REQUIRE(again.port() != 0);
  CHECK(again.log().find(password) == std::string::npos);
  TestClient client(again.port());
  CHECK(ask(client, "AUTH \"admin\" \"" + password + "\"").at("success") == true);
}

TEST_CASE("binary: --auth off is refused on a non-loopback address - allowed on loopback") {
  ServerProcess refused({"--host", "0.0.0.0", "--auth", "off"});
  CHECK(refused.port() == 0);
  REQUIRE(refused.exited(10000ms));
  CHECK(refused.exit_code() == 2);
  CHECK(refused.log().find("loopback") != std::string::npos);

  ServerProcess open({"--auth", "off"});
  REQUIRE(open.port() != 0);
  TestClient client(open.port());
  CHECK(ask(client, "SHOW DATABASES").at("success") == true);
  TestClient driver(open.port());  // a driver's handshake: any credentials, still an admin
  driver.send("syndrdb://127.0.0.1:1:main:someone:anything\x04");
  auto lines = driver.read_lines(2);
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1]).at("role") == "admin");
  CHECK(ask(driver, "SHOW BUNDLES").at("database") == "main");
}

TEST_CASE("binary: options come from --config too - command-line flags win") {
  TempDir dir;
  {
    std::ofstream config(dir.path() + "/strata.ini");
    config << "# server settings\nauth = off\nmax-statement-bytes = 64\nhost = 127.0.0.1\n";
  }
  ServerProcess server({"--config", dir.path() + "/strata.ini", "--max-statement-bytes", "100"});
  REQUIRE(server.port() != 0);
  TestClient client(server.port());
  CHECK(ask(client, "SHOW DATABASES").at("success") == true);  // auth off from the file
  CHECK(code_of(ask(client, "PING /*" + std::string(80, ' ') + "*/")) != "FRAME_TOO_LARGE");
  CHECK(code_of(ask(client, "PING /*" + std::string(200, ' ') + "*/")) == "FRAME_TOO_LARGE");
}

TEST_CASE("binary: nc piping an example script gets one response per statement") {
  ServerProcess server({"--auth", "off"});
  REQUIRE(server.port() != 0);
  const std::string file = std::string(STRATA_SOURCE_DIR) + "/examples/01_create_database.sql";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  strata::parser::StatementSplitter splitter;
  splitter.feed(text.str());
  splitter.finish();
  size_t statements = 0;
  while (splitter.next()) ++statements;
  REQUIRE(statements > 0);
  std::string out =
      shell_output("timeout 20 nc -N 127.0.0.1 " + std::to_string(server.port()) + " < " + file);
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  CHECK(lines == statements);
  for (size_t pos = 0, next; (next = out.find('\n', pos)) != std::string::npos; pos = next + 1) {
    CHECK(json::parse(out.substr(pos, next - pos)).contains("status"));
  }
}

TEST_CASE("binary: garbage and half-sent migrations leave the server and the data intact") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  std::mt19937 rng(42);
  for (int round = 0; round < 10; ++round) {
    TestClient client(server.port());
    std::string bytes(2048, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    client.send(bytes + ";AUTH \"admin\" \"admin-pw\";");
    client.shutdown_write();
    client.closed_by_peer(10000ms);
  }
  {
    TestClient client(server.port());
    ask(client, "AUTH \"admin\" \"admin-pw\"");
    ask(client, "USE \"main\"");
    client.send("START MIGRATION CREATE BUNDLE \"Half\" WITH FIELDS ({\"a\", STRING, tr");
  }  // disconnects mid-migration
  TestClient client(server.port());
  ask(client, "AUTH \"admin\" \"admin-pw\"");
  ask(client, "USE \"main\"");
  json bundles = ask(client, "SHOW BUNDLES");
  CHECK(bundles.at("success") == true);
  CHECK(bundles.dump().find("Half") == std::string::npos);
}

TEST_CASE("binary: SIGTERM stops gracefully with exit code 0 - a restart shows what was answered") {
  TempDir dir;
  {
    ServerProcess server({}, "admin-pw", &dir);
    REQUIRE(server.port() != 0);
    TestClient client(server.port());
    ask(client, "AUTH \"admin\" \"admin-pw\"");
    ask(client, "USE \"main\"");
    ask(client, "SET AllowDirectSchemaChanges = true");
    REQUIRE(ask(client, "CREATE BUNDLE \"Kept\" WITH FIELDS ({\"n\", INT, false, false})")
                .at("success") == true);
    std::string adds;
    for (int i = 0; i < 200; ++i) {
      adds += "ADD DOCUMENT TO BUNDLE \"Kept\" WITH VALUES ({\"n\": " + std::to_string(i) + "});";
    }
    client.send(adds);
    auto answers = client.read_lines(200);
    REQUIRE(answers.size() == 200);
    server.signal(SIGTERM);
    CHECK(client.closed_by_peer(10000ms));
    REQUIRE(server.exited(15000ms));
    CHECK(server.exit_code() == 0);
    CHECK(server.log().find("strata stopped") != std::string::npos);
  }
  ServerProcess again({}, "admin-pw", &dir);
  REQUIRE(again.port() != 0);
  TestClient client(again.port());
  ask(client, "AUTH \"admin\" \"admin-pw\"");
  ask(client, "USE \"main\"");
  CHECK(ask(client, "SELECT COUNT FROM \"Kept\"").at("ResultCount") == 200);
}

TEST_CASE("binary: 32 concurrent clients against the engine") {
  ServerProcess server({"--auth", "off"});
  REQUIRE(server.port() != 0);
  {
    TestClient setup(server.port());
    ask(setup, "USE \"main\"");
    ask(setup, "SET AllowDirectSchemaChanges = true");
    ask(setup, "CREATE BUNDLE \"C\" WITH FIELDS ({\"client\", INT, false, false})");
  }
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < 32; ++c) {
    threads.emplace_back([&, c] {
      TestClient client(server.port());
      std::string script = "USE \"main\";";
      for (int i = 0; i < 20; ++i) {
        script += "ADD DOCUMENT TO BUNDLE \"C\" WITH VALUES ({\"client\": " + std::to_string(c) +
                  "});PING;";
      }
      script += "SELECT COUNT FROM \"C\" WHERE client == " + std::to_string(c) + ";";
      client.send(script);
      auto lines = client.read_lines(42, 30000ms);
      if (lines.size() == 42 && json::parse(lines.back()).value("ResultCount", -1) == 20) {
        good.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good.load() == 32);
}
