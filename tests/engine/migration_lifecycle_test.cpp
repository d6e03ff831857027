// SPEC §4.1-§4.5, §4.12: START, SHOW, VALIDATE, APPLY, RESET, DROP — every state transition
// and every error message, through the gate.
#include "engine/migration_harness.hpp"

using strata::Json;
using strata::engine::testing::MigrationHarness;

namespace {

const char* kUsers =
    "START MIGRATION WITH DESCRIPTION \"Add Users bundle\"\n"
    "  CREATE BUNDLE \"Users\" WITH FIELDS ({\"name\", STRING, true, false},\n"
    "    {\"email\", STRING, false, true}, {\"age\", INT, false, false});\n"
    "  CREATE INDEX BTREE ON BUNDLE \"Users\" WITH FIELD \"age\";\n"
    "  ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"ann\",\"email\":\"a@x\"});\n"
    "COMMIT";

}  // namespace

TEST_CASE("START answers the created migration (SPEC 4.3)") {
  MigrationHarness h;
  Json r = h.ok(kUsers);
  CHECK(r["message"] == "Migration created successfully");
  const Json& m = r["migration"];
  CHECK(m["Version"] == 1);
  CHECK(m["Status"] == "PENDING");
  CHECK(m["Description"] == "Add Users bundle");
  CHECK(m["CreatedBy"] == "admin");
  CHECK(m["CommandCount"] == 3);
  CHECK(m["Checksum"].get<std::string>().size() == 64);
  CHECK(m["DownCommands"] ==
        Json::array({"DROP INDEX \"Users_age_btree\"", "DROP BUNDLE \"Users\""}));
  CHECK(h.ok("START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"a\", INT, false, false}) "
             "COMMIT")["migration"]["Version"] == 2);
}

TEST_CASE("START errors: no database, empty, description too long, syntax (SPEC 4.3)") {
  MigrationHarness h;
  Json e = h.fail("START MIGRATION COMMIT", "EMPTY_MIGRATION");
  CHECK(e["message"] == "migration must contain at least one command");
  e = h.fail("START MIGRATION WITH DESCRIPTION \"" + std::string(501, 'x') +
                 "\" CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT",
             "DESCRIPTION_TOO_LONG");
  CHECK(e["message"] == "description exceeds 500 character limit");
  h.ok("START MIGRATION WITH DESCRIPTION \"" + std::string(500, 'x') +
       "\" CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT");
  e = h.fail("START MIGRATION\n  CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false});\n"
             "  USE \"x\";\nCOMMIT",
             "SYNTAX_ERROR");
  CHECK(e["line"] == 3);
  CHECK(h.ok("SHOW MIGRATIONS")["migrations"].size() == 1);  // nothing created by the failures
  strata::engine::Session other = h.engine().open_embedded_session();
  Json r = h.engine().execute_text(other, kUsers);
  CHECK(r["error"]["code"] == "NO_ACTIVE_DATABASE");
  CHECK(r["message"] == "no active database");
}

TEST_CASE("PENDING -> APPLIED -> ROLLED_BACK -> PENDING -> APPLIED, with events (SPEC 4.1)") {
  MigrationHarness h;
  h.ok(kUsers);
  Json v = h.ok("VALIDATE MIGRATION WITH VERSION 1");
  CHECK(v["message"] == "Migration version 1 validation complete");
  CHECK(v["report"]["overallResult"] == "PASS");
  CHECK(v["report"]["canApply"] == true);
  Json a = h.ok("APPLY MIGRATION WITH VERSION 1");
  CHECK(a["message"] == "Migration version 1 applied successfully");
  CHECK(a["version"] == 1);
  CHECK(a["force"] == false);
  CHECK(a["schemaChecksum"].get<std::string>().size() == 64);
  CHECK(h.select("Users").size() == 1);
  Json e = h.fail("APPLY MIGRATION WITH VERSION 1", "MIGRATION_NOT_PENDING");
  CHECK(e["message"] == "migration not in PENDING state");
  e = h.fail("VALIDATE MIGRATION WITH VERSION 1", "MIGRATION_NOT_PENDING");
  Json rb = h.ok("APPLY ROLLBACK TO VERSION 0");
  CHECK(rb["message"] == "Database rolled back to version 0 successfully");
  CHECK(rb["rolledBackVersions"] == Json::array({1}));
  h.fail("SELECT * FROM \"Users\"", "BUNDLE_NOT_FOUND");
  Json m = h.ok("SHOW MIGRATION 1")["migration"];
  CHECK(m["Status"] == "ROLLED_BACK");
  CHECK(m["RolledBackBy"] == "admin");
  h.ok("RESET MIGRATION WITH VERSION 1");
  h.ok("APPLY MIGRATION WITH VERSION 1");
  m = h.ok("SHOW MIGRATION 1")["migration"];
  CHECK(m["Status"] == "APPLIED");
  REQUIRE(m["Events"].size() == 5);
  CHECK(m["Events"][0]["To"] == "PENDING");
  CHECK(m["Events"][1]["To"] == "APPLIED");
  CHECK(m["Events"][2]["To"] == "ROLLED_BACK");
  CHECK(m["Events"][3]["To"] == "PENDING");
  CHECK(m["Events"][4]["Statement"] == "APPLY MIGRATION WITH VERSION 1");
  CHECK(m["Events"][4]["By"] == "admin");
  for (const char* k : {"Commands", "DownCommands", "Checksum", "ChainChecksum", "AppliedBy",
                        "RolledBackAt", "RolledBackBy", "ExecutionTimeMs", "FailureReason",
                        "LastValidation", "Events", "AppliedAt", "CreatedAt", "CreatedBy"}) {
    CHECK(m.contains(k));
  }
  CHECK(m["LastValidation"]["overallResult"] == "PASS");
}

TEST_CASE("PENDING -> FAILED on timeout with nothing visible, then RESET (SPEC 4.5)") {
  strata::engine::SettingValues server;
  server.migration_timeout_seconds = 0;
  MigrationHarness h(server);
  h.ok(kUsers);
  Json e = h.fail("APPLY MIGRATION WITH VERSION 1", "TIMEOUT");
  CHECK(e["message"].get<std::string>().find("command 1 of 3") != std::string::npos);
  h.fail("SELECT * FROM \"Users\"", "BUNDLE_NOT_FOUND");
  Json m = h.ok("SHOW MIGRATION 1")["migration"];
  CHECK(m["Status"] == "FAILED");
  CHECK(m["FailureReason"].get<std::string>().find("timed out") != std::string::npos);
  h.fail("APPLY MIGRATION WITH VERSION 1", "MIGRATION_NOT_PENDING");
  h.ok("SET MigrationTimeoutSeconds = 300");
  h.ok("RESET MIGRATION WITH VERSION 1");
  h.fail("RESET MIGRATION WITH VERSION 1", "MIGRATION_NOT_PENDING");
  h.fail("RESET MIGRATION WITH VERSION 9", "MIGRATION_NOT_FOUND");
  h.ok("APPLY MIGRATION WITH VERSION 1");
  CHECK(h.ok("SHOW MIGRATION 1")["migration"]["FailureReason"].is_null());
}

TEST_CASE("ordering, not found, DROP MIGRATION rules (SPEC 4.1, 4.2)") {
  MigrationHarness h;
  h.fail("APPLY MIGRATION WITH VERSION 1", "MIGRATION_NOT_FOUND");
  h.fail("SHOW MIGRATION 1", "MIGRATION_NOT_FOUND")["message"] == "migration not found";
  h.ok(kUsers);
  h.ok("START MIGRATION ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"bo\"}) COMMIT");
  Json e = h.fail("APPLY MIGRATION WITH VERSION 2", "OUT_OF_ORDER");
  CHECK(e["message"] == "cannot apply version 2: version 1 is not applied");
  // VALIDATE of 2 simulates 1 first.
  CHECK(h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"]["overallResult"] == "PASS");
  h.fail("DROP MIGRATION WITH VERSION 1", "OUT_OF_ORDER");
  h.ok("DROP MIGRATION WITH VERSION 2");
  h.ok("APPLY MIGRATION WITH VERSION 1");
  h.fail("DROP MIGRATION WITH VERSION 1", "MIGRATION_NOT_PENDING");
  Json s = h.ok("START MIGRATION ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"cy\"}) "
                "COMMIT");
  CHECK(s["migration"]["Version"] == 2);  // the dropped number is reused
  h.ok("APPLY MIGRATION WITH VERSION 2");
  CHECK(h.ok("SHOW MIGRATIONS")["currentVersion"] == 2);
}

TEST_CASE("SHOW MIGRATIONS [FOR] [WHERE] (SPEC 4.12)") {
  MigrationHarness h;
  h.ok(kUsers);
  h.ok("APPLY MIGRATION WITH VERSION 1");
  h.ok("START MIGRATION WITH DESCRIPTION \"second\" ADD DOCUMENT TO BUNDLE \"Users\" WITH "
       "VALUES ({\"name\":\"bo\"}) COMMIT");
  Json all = h.ok("SHOW MIGRATIONS");
  CHECK(all["database"] == "prod");
  CHECK(all["currentVersion"] == 1);
  CHECK(all["schemaDrift"] == false);
  REQUIRE(all["migrations"].size() == 2);
  CHECK(all["migrations"][0]["Status"] == "APPLIED");
  CHECK(all["migrations"][0]["AppliedAt"].is_string());
  CHECK(h.ok("SHOW MIGRATIONS WHERE Status == \"PENDING\"")["migrations"].size() == 1);
  CHECK(h.ok("SHOW MIGRATIONS WHERE Version >= 2")["migrations"][0]["Version"] == 2);
  CHECK(h.ok("SHOW MIGRATIONS WHERE Version < 2 AND CreatedBy == \"admin\"")["migrations"]
            .size() == 1);
  CHECK(h.ok("SHOW MIGRATIONS WHERE Description != \"second\"")["migrations"].size() == 1);
  CHECK(h.ok("SHOW MIGRATIONS FOR \"prod\"")["migrations"].size() == 2);
  h.ok("CREATE DATABASE \"other\"");
  CHECK(h.ok("SHOW MIGRATIONS FOR \"other\"")["migrations"].empty());
  h.fail("SHOW MIGRATIONS FOR \"nope\"", "DATABASE_NOT_FOUND");
}

TEST_CASE("VALIDATE shows every problem with phase, command, line and column (SPEC 4.4)") {
  MigrationHarness h;
  h.seed("CREATE BUNDLE \"Users\" WITH FIELDS ({\"name\", STRING, false, false})");
  h.ok("START MIGRATION WITH DESCRIPTION \"Add user ratings\"\n"
       "    UPDATE BUNDLE \"Users\"\n"
       "    ADD FIELD {\"rating\", INTEGER, true, false};\n"
       "\n"
       "    -- Error: NonexistentBundle doesn't exist\n"
       "    UPDATE BUNDLE \"NonexistentBundle\"\n"
       "    ADD FIELD {\"test\", STRING, false, false};\n"
       "    CREATE BUNDLE \"X\" WITH FIELDS ({\"a\", VARCHAR, false, false});\n"
       "COMMIT");
  Json r = h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"];
  CHECK(r["overallResult"] == "FAIL");
  CHECK(r["canApply"] == false);
  CHECK(r["canApplyWithForce"] == false);
  CHECK(r["semanticPhase"]["passed"] == false);
  CHECK(r["semanticPhase"]["errors"] == Json::array({"Bundle 'NonexistentBundle' does not exist"}));
  CHECK(r["syntaxPhase"]["passed"] == false);  // VARCHAR
  CHECK(r["constraintPhase"]["passed"] == true);  // Users is empty
  bool found = false;
  for (const auto& d : r["diagnostics"]) {
    if (d["phase"] == "semantic") {
      found = true;
      CHECK(d["command"] == 2);
      CHECK(d["line"] == 6);
      CHECK(d["column"] == 5);
      CHECK(d["severity"] == "error");
    }
  }
  CHECK(found);
  Json e = h.fail("APPLY MIGRATION WITH VERSION 2", "VALIDATION_FAILED");
  CHECK(e["message"] == "validation failed");
  CHECK(e["report"]["overallResult"] == "FAIL");
  CHECK(h.ok("SHOW MIGRATION 2")["migration"]["Status"] == "PENDING");
}

TEST_CASE("constraint phase sees real documents and simulated adds (SPEC 4.4)") {
  MigrationHarness h;
  h.seed("CREATE BUNDLE \"P\" WITH FIELDS ({\"sku\", STRING, true, true}, {\"n\", INT, false, false});"
         "ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"sku\":\"a\",\"n\":1})");
  h.ok("START MIGRATION\n"
       "  ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"sku\":\"a\"});\n"
       "  ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"sku\":\"b\"});\n"
       "  ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"sku\":\"b\"});\n"
       "  ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"n\":\"x\",\"sku\":\"c\"});\n"
       "  ADD DOCUMENT TO BUNDLE \"P\" WITH VALUES ({\"n\":2});\n"
       "  UPDATE BUNDLE \"P\" ADD FIELD {\"req\", STRING, true, false};\n"
       "COMMIT");
  Json r = h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"];
  CHECK(r["constraintPhase"]["passed"] == false);
  std::vector<int> commands;
  for (const auto& d : r["diagnostics"])
    if (d["phase"] == "constraint") commands.push_back(d["command"].get<int>());
  CHECK(commands == std::vector<int>{1, 3, 4, 5, 6});
  CHECK(h.select("P").size() == 1);  // validation never changes data
}

TEST_CASE("performance warnings need FORCE and FORCE applies (SPEC 4.4, seed example)") {
  MigrationHarness h;
  h.seed("CREATE BUNDLE \"Products\" WITH FIELDS ({\"name\", STRING, false, false})");
  h.ok("SET MaxMigrationCommands = 100");
  std::string text = "START MIGRATION WITH DESCRIPTION \"Import 500 seed records\"\n";
  for (int i = 0; i < 500; ++i) {
    text += "ADD DOCUMENT TO BUNDLE \"Products\" WITH VALUES ({\"name\":\"p" +
            std::to_string(i) + "\"});\n";
  }
  h.ok(text + "COMMIT");
  Json r = h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"];
  CHECK(r["overallResult"] == "PASS_WITH_WARNINGS");
  CHECK(r["canApply"] == false);
  CHECK(r["canApplyWithForce"] == true);
  CHECK(r["performancePhase"]["passed"] == false);
  CHECK(r["performancePhase"]["commandCount"] == 500);
  CHECK(r["performancePhase"]["warnings"][0] ==
        "Migration contains 500 commands, exceeds threshold of 100");
  CHECK(r["performancePhase"]["estimate"]["documentsTouched"] == 500);
  Json e = h.fail("APPLY MIGRATION WITH VERSION 2", "WARNINGS_REQUIRE_FORCE");
  CHECK(e["message"] == "validation warnings require FORCE");
  CHECK(h.select("Products").empty());
  Json a = h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  CHECK(a["force"] == true);
  CHECK(h.select("Products").size() == 500);
  h.ok("SET MigrationPerformanceThreshold = 0.0001");
  h.ok("START MIGRATION ADD DOCUMENT TO BUNDLE \"Products\" WITH VALUES ({\"name\":\"z\"}) COMMIT");
  r = h.ok("VALIDATE MIGRATION WITH VERSION 3")["report"];
  CHECK(r["performancePhase"]["warnings"][0].get<std::string>().rfind(
            "Migration estimated to take", 0) == 0);
}

TEST_CASE("reversibility warnings: WITH FORCE and RequireExplicitDownCommands (SPEC 4.4, 4.7)") {
  MigrationHarness h;
  h.seed("CREATE BUNDLE \"X\" WITH FIELDS ({\"a\", INT, false, false})");
  h.ok("START MIGRATION DROP BUNDLE \"X\" WITH FORCE COMMIT");
  Json r = h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"];
  CHECK(r["reversibilityPhase"]["warnings"][0] ==
        "Cannot auto-generate DOWN for irreversible operation: DROP BUNDLE \"X\" WITH FORCE");
  CHECK(r["reversibilityPhase"]["downCommandsGenerated"] == false);
  CHECK(r["diagnostics"][0]["command"] == 1);
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  Json e = h.fail("APPLY ROLLBACK TO VERSION 0", "MISSING_DOWN_COMMANDS");
  CHECK(e["message"] ==
        "Cannot auto-generate DOWN for irreversible operation: DROP BUNDLE \"X\" WITH FORCE");
  Json v = h.ok("VALIDATE ROLLBACK TO VERSION 0")["report"];
  CHECK(v["canRollback"] == false);

  h.ok("SET RequireExplicitDownCommands = true");
  h.ok("START MIGRATION CREATE BUNDLE \"Y\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT");
  r = h.ok("VALIDATE MIGRATION WITH VERSION 3")["report"];
  CHECK(r["reversibilityPhase"]["passed"] == false);
  h.ok("APPLY MIGRATION WITH VERSION 3 FORCE");
  CHECK(h.ok("SHOW MIGRATION 3")["migration"]["DownCommands"].empty());
  h.ok("START MIGRATION CREATE BUNDLE \"Z\" WITH FIELDS ({\"a\", INT, false, false}) "
       "DOWN DROP BUNDLE \"Z\" COMMIT");
  CHECK(h.ok("VALIDATE MIGRATION WITH VERSION 4")["report"]["overallResult"] == "PASS");
}

// A migration large enough to be parsed on the engine's thread pool (validate/command_stream.hpp):
// findings still name the right command, line and column, and APPLY still refuses.
TEST_CASE("a 5000-command migration reports the bad command by number and line") {
  MigrationHarness h;
  std::string text = "START MIGRATION\n  CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, false, true})";
  for (int i = 1; i <= 5000; ++i) {
    const std::string value = i == 4321 ? "\"oops\"" : i == 4999 ? "7" : std::to_string(i);
    text += ";\n  ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + value + "})";
  }
  text += "\nCOMMIT";
  h.ok(text);
  Json report = h.run("VALIDATE MIGRATION WITH VERSION 1")["report"];
  INFO(report.dump());
  REQUIRE(report["overallResult"] == "FAIL");
  // The cost model may add an estimated-duration warning on a loaded machine (it scales by
  // the load): the rest is fixed.
  Json diagnostics = Json::array();
  for (const Json& d : report["diagnostics"]) {
    if (d["message"].get<std::string>().find("estimated to take") == std::string::npos) {
      diagnostics.push_back(d);
    }
  }
  REQUIRE(diagnostics.size() == 3);  // two errors and the command-count warning
  CHECK(diagnostics[0]["command"] == 4322);  // command 1 is CREATE BUNDLE
  CHECK(diagnostics[0]["line"] == 4323);
  CHECK(diagnostics[0]["column"] == 3);
  CHECK(diagnostics[0]["message"] == "Field 'n' in bundle 'T' expects INT, got \"oops\"");
  CHECK(diagnostics[1]["command"] == 5000);
  CHECK(diagnostics[1]["line"] == 5001);
  CHECK(diagnostics[1]["phase"] == "constraint");
  CHECK(diagnostics[2]["phase"] == "performance");
  Json applied = h.fail("APPLY MIGRATION WITH VERSION 1 FORCE", "VALIDATION_FAILED");
  CHECK(h.ok("SHOW BUNDLES")["Result"].empty());
}

// A large migration's documents are prepared ahead against a copy of the schema
// (validate/command_stream.hpp). A schema change half-way must apply to every document after
// it: one whose field just became INT is refused, and the new field's default is filled in.
TEST_CASE("a schema change half-way through a 5000-command migration governs the documents after it") {
  MigrationHarness h;
  auto adds = [](int from, int to, const std::string& extra) {
    std::string text;
    for (int i = from; i < to; ++i) {
      text += ";\n  ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + std::to_string(i) + extra +
              "})";
    }
    return text;
  };
  const std::string head =
      "START MIGRATION\n  CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, false, false}, "
      "{\"tag\", STRING, false, false})" +
      adds(0, 3000, "");
  // Version 1: tag becomes INT at command 3002; command 3003 still gives it a string.
  h.ok(head + ";\n  UPDATE BUNDLE \"T\" MODIFY FIELD {\"tag\", INT, false, false}" +
       adds(3000, 3001, ", \"tag\": \"late\"") + adds(3001, 5000, "") + "\nCOMMIT");
  Json report = h.run("VALIDATE MIGRATION WITH VERSION 1")["report"];
  INFO(report.dump().substr(0, 2000));
  REQUIRE(report["overallResult"] == "FAIL");
  CHECK(report["diagnostics"][0]["command"] == 3003);
  CHECK(report["diagnostics"][0]["message"] == "Field 'tag' in bundle 'T' expects INT, got \"late\"");
  h.fail("APPLY MIGRATION WITH VERSION 1 FORCE", "VALIDATION_FAILED");
  h.ok("DROP MIGRATION WITH VERSION 1");

  // Version 1 again: a field with a default arrives at command 3002.
  h.ok(head + ";\n  UPDATE BUNDLE \"T\" ADD FIELD {\"flag\", BOOLEAN, false, false, true}" +
       adds(3000, 5000, "") + "\nCOMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 1 FORCE");
  CHECK(h.ok("SELECT COUNT FROM \"T\"")["ResultCount"] == 5000);
  CHECK(h.ok("SELECT COUNT FROM \"T\" WHERE flag == true")["ResultCount"] == 5000);
  Json late = h.ok("SELECT DOCUMENTS FROM \"T\" WHERE n == 4999")["Result"];
  REQUIRE(late.size() == 1);
  CHECK(late[0]["flag"] == true);
}

// VALIDATE simulates a large migration's ADD DOCUMENTs into an existing bundle on its scratch
// transaction, so the commands after them read those documents whole (flat ones and ones with
// an escaped string, which take different paths), index entries included.
TEST_CASE("VALIDATE of a 3000-document migration into an existing bundle sees the documents it adds") {
  MigrationHarness h;
  h.ok("START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, false, false}, "
       "{\"v\", INT, false, false}, {\"s\", STRING, false, false}); "
       "CREATE INDEX BTREE ON BUNDLE \"T\" WITH FIELD \"n\"; "
       "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": -1, \"v\": 0}) COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 1");
  std::string text = "START MIGRATION";
  for (int i = 0; i < 3000; ++i) {
    text += "\n  ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + std::to_string(i) +
            ", \"v\": 0" + (i % 2 ? ", \"s\": \"a\\\"b\"" : "") + "});";
  }
  text += "\n  UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = 7) WHERE n >= 2990;"
          "\n  UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = 8) WHERE v == 0 AND n < 10\nCOMMIT";
  h.ok(text);
  Json report = h.run("VALIDATE MIGRATION WITH VERSION 2")["report"];
  INFO(report.dump().substr(0, 2000));
  CHECK(report["overallResult"] == "PASS_WITH_WARNINGS");  // the command count
  CHECK(report["semanticPhase"]["passed"] == true);
  CHECK(report["constraintPhase"]["passed"] == true);
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  CHECK(h.ok("SELECT COUNT FROM \"T\"")["ResultCount"] == 3001);
  CHECK(h.ok("SELECT COUNT FROM \"T\" WHERE v == 7")["ResultCount"] == 10);
  CHECK(h.ok("SELECT COUNT FROM \"T\" WHERE v == 8")["ResultCount"] == 11);
  CHECK(h.ok("SELECT COUNT FROM \"T\" WHERE n >= 0")["ResultCount"] == 3000);
  CHECK(h.ok("SELECT COUNT FROM \"T\" WHERE s == \"a\\\"b\"")["ResultCount"] == 1500);
}
