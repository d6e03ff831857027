// Server-wide settings on the real `strata serve` binary (SPEC §4.11): `--setting Name=Value`
// (repeatable) and a `[settings]` table in the --config file set defaults that SHOW SETTINGS
// marks "server" (the command line wins over the file, SET on a database over both); an
// unknown name or a bad value stops the start with exit code 2 and a message naming it.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

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

struct Exit {
  int code = -1;
  std::string log;
};

// Runs `strata serve` with `args` on a fresh data directory; it must exit by itself.
Exit serve_expecting_exit(const TempDir& dir, const std::string& args) {
  const std::string log = dir.path() + "/serve.log";
  const std::string command = "timeout 20 " + std::string(STRATA_BINARY) + " serve --data " +
                              dir.path() + "/data --port 0 " + args + " >" + log + " 2>&1";
  const int status = std::system(command.c_str());
  Exit out;
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  out.log.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return out;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE(
    "binary: --setting and the config file settings table give server-wide defaults - SHOW "
    "SETTINGS names the source") {
  TempDir dir;
  write_file(dir.path() + "/strata.toml",
             "auth = off\n[settings]\nMigrationTimeoutSeconds = 7\nMaxMigrationCommands = 99\n"
             "MigrationPerformanceThreshold = 2.5\n");
  ServerProcess server({"--config", dir.path() + "/strata.toml", "--setting",
                        "MaxMigrationCommands=10", "--setting", "requireapproval=true",
                        "--setting", "RequireExplicitDownCommands=false"});
  REQUIRE(server.port() != 0);
  TestClient client(server.port());
  REQUIRE(ask(client, "USE \"main\"").value("success", false));
  json s = ask(client, "SHOW SETTINGS")["settings"];
  CHECK(s["MaxMigrationCommands"] == json({{"value", 10}, {"source", "server"}}));
  CHECK(s["MigrationTimeoutSeconds"] == json({{"value", 7}, {"source", "server"}}));
  CHECK(s["MigrationPerformanceThreshold"] == json({{"value", 2.5}, {"source", "server"}}));
  CHECK(s["RequireApproval"] == json({{"value", true}, {"source", "server"}}));
  // Set on the command line to its built-in value: still the server's choice.
  CHECK(s["RequireExplicitDownCommands"] == json({{"value", false}, {"source", "server"}}));
  CHECK(s["ApprovalExpirySeconds"] == json({{"value", 3600}, {"source", "default"}}));

  REQUIRE(ask(client, "SET MaxMigrationCommands = 3").value("success", false));
  s = ask(client, "SHOW SETTINGS")["settings"];
  CHECK(s["MaxMigrationCommands"] == json({{"value", 3}, {"source", "database"}}));
  // The server default applies where no database overrides it.
  REQUIRE(ask(client, "CREATE DATABASE \"other\"").value("success", false));
  REQUIRE(ask(client, "USE \"other\"").value("success", false));
  s = ask(client, "SHOW SETTINGS")["settings"];
  CHECK(s["MaxMigrationCommands"] == json({{"value", 10}, {"source", "server"}}));
  // ... and is what the engine enforces: FORCE now needs an approval.
  REQUIRE(ask(client, "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"a\", INT, false, false}) "
                      "COMMIT")
              .value("success", false));
  CHECK(ask(client, "APPLY MIGRATION WITH VERSION 1 FORCE")["error"]["code"] ==
        "APPROVAL_REQUIRED");
}

TEST_CASE("binary: a bad --setting or settings-table line is a start-up error naming it") {
  TempDir dir;
  struct Bad {
    std::string args, names;
  };
  write_file(dir.path() + "/bad_value.toml", "[settings]\nRequireApproval = \"maybe\"\n");
  write_file(dir.path() + "/bad_name.toml", "[settings]\nMaxMigrationCommandz = 5\n");
  write_file(dir.path() + "/bad_section.toml", "[setings]\nMaxMigrationCommands = 5\n");
  const std::vector<Bad> bad = {
      {"--setting NoSuchSetting=1", "Unknown setting 'NoSuchSetting'"},
      {"--setting MaxMigrationCommands=many", "MaxMigrationCommands"},
      {"--setting MaxMigrationCommands=0", "expected a positive integer"},
      {"--setting MigrationTimeoutSeconds=1.5", "MigrationTimeoutSeconds"},
      {"--setting AllowDirectSchemaChanges=yes", "expected true or false"},
      {"--setting RequireApproval", "expected Name=Value"},
      {"--config " + dir.path() + "/bad_value.toml", "RequireApproval"},
      {"--config " + dir.path() + "/bad_name.toml", "Unknown setting 'MaxMigrationCommandz'"},
      {"--config " + dir.path() + "/bad_section.toml", "unknown section 'setings'"},
  };
  for (const Bad& b : bad) {
    INFO(b.args);
    Exit e = serve_expecting_exit(dir, b.args);
    INFO(e.log);
    CHECK(e.code == 2);
    CHECK(e.log.find(b.names) != std::string::npos);
    CHECK(e.log.find("listening") == std::string::npos);
  }
}
