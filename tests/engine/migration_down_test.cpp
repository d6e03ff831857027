// SPEC §4.7: every row of the DOWN table, each followed by APPLY ROLLBACK, which must restore
// the exact prior state: schema (fields, relationships, indexes) and every document byte for
// byte, DocumentIDs included; indexes agree with documents; no schema drift.
#include <algorithm>

#include "engine/migration_harness.hpp"

using strata::Json;
using strata::engine::testing::MigrationHarness;

namespace {

Json sorted_by_name(Json a) {
  std::vector<Json> v(a.begin(), a.end());
  std::sort(v.begin(), v.end(), [](const Json& x, const Json& y) {
    return x.value("Name", "") < y.value("Name", "");
  });
  return Json(v);
}

// Everything a user can observe of the database, in a comparable form.
Json observe(MigrationHarness& h) {
  Json out = Json::object();
  Json bundles = h.ok("SHOW BUNDLES")["Result"];
  for (const auto& b : bundles) {
    const std::string name = b["Name"];
    Json d = h.ok("DESCRIBE BUNDLE \"" + name + "\"")["bundle"];
    d["Fields"] = sorted_by_name(d["Fields"]);
    d["Relationships"] = sorted_by_name(d["Relationships"]);
    d["Indexes"] = sorted_by_name(d["Indexes"]);
    d["Documents"] = h.select(name);
    out[name] = d;
  }
  out["#indexes"] = sorted_by_name(h.ok("SHOW INDEXES")["Result"]);
  return out;
}

void setup(MigrationHarness& h) {
  h.ok("START MIGRATION WITH DESCRIPTION \"base\"\n"
       "CREATE BUNDLE \"Users\" WITH FIELDS ({\"name\", STRING, true, false},"
       " {\"email\", STRING, false, true}, {\"age\", INT, false, false},"
       " {\"tag\", STRING, false, false});\n"
       "CREATE BUNDLE \"Orders\" WITH FIELDS ({\"total\", FLOAT, true, false},"
       " {\"user\", STRING, false, false});\n"
       "CREATE INDEX \"orders_total\" BTREE ON BUNDLE \"Orders\" WITH FIELDS (\"total\");\n"
       "UPDATE BUNDLE \"Orders\" ADD RELATIONSHIP \"buyer\" FROM BUNDLE \"Orders\" TO BUNDLE "
       "\"Users\";\n"
       "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"ann\",\"email\":\"a@x\","
       "\"age\":31,\"tag\":\"x\"});\n"
       "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"bob\",\"email\":\"b@x\","
       "\"age\":42});\n"
       "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"cy\"});\n"
       "ADD DOCUMENT TO BUNDLE \"Orders\" WITH VALUES ({\"total\":9.5,\"user\":\"1\"});\n"
       "ADD DOCUMENT TO BUNDLE \"Orders\" WITH VALUES ({\"total\":20});\n"
       "COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 1");
}

// Applies `migration` as version 2 (FORCE: index builds warn), checks `after` on the applied
// state, rolls back to 1 and requires the exact prior state.
template <class After>
Json round_trip(MigrationHarness& h, const std::string& migration, After after) {
  const Json before = observe(h);
  h.ok(migration);
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  after(h);
  Json down = h.ok("SHOW MIGRATION 2")["migration"]["DownCommands"];
  Json v = h.ok("VALIDATE ROLLBACK TO VERSION 1");
  CHECK(v["report"]["canRollback"] == true);
  h.ok("APPLY ROLLBACK TO VERSION 1");
  CHECK(observe(h) == before);
  auto consistency = h.engine().check_consistency("prod");
  REQUIRE(consistency.ok());
  CHECK((*consistency)["ok"] == true);
  Json verify = h.ok("VERIFY MIGRATIONS");
  CHECK(verify["problems"].empty());
  CHECK(verify["schemaDrift"] == false);
  // And forward again: RESET + APPLY works after a rollback.
  h.ok("RESET MIGRATION WITH VERSION 2");
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  after(h);
  h.ok("APPLY ROLLBACK TO VERSION 1");
  CHECK(observe(h) == before);
  return down;
}

}  // namespace

TEST_CASE("DOWN: CREATE BUNDLE -> DROP BUNDLE") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION CREATE BUNDLE \"New\" WITH FIELDS ({\"a\", INT, false, true});"
      " ADD DOCUMENT TO BUNDLE \"New\" WITH VALUES ({\"a\":1}) COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("New").size() == 1); });
  CHECK(down == Json::array({"DROP BUNDLE \"New\""}));
}

TEST_CASE("DOWN: DROP BUNDLE -> CREATE BUNDLE, indexes, relationships, documents restored") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h, "START MIGRATION DROP BUNDLE \"Orders\" COMMIT",
                         [](MigrationHarness& m) { m.fail("SELECT * FROM \"Orders\"", "BUNDLE_NOT_FOUND"); });
  REQUIRE(down.size() == 4);
  INFO(down.dump());
  CHECK(down[0].get<std::string>().rfind("CREATE BUNDLE \"Orders\"", 0) == 0);
  CHECK(down[1] == "CREATE INDEX \"orders_total\" BTREE ON BUNDLE \"Orders\" WITH FIELDS (\"total\")");
  CHECK(down[2].get<std::string>().find("ADD RELATIONSHIP \"buyer\"") != std::string::npos);
  CHECK(down[3] == "RESTORE DOCUMENTS TO BUNDLE \"Orders\" FROM MIGRATION 2");
}

TEST_CASE("DOWN: ADD FIELD -> REMOVE FIELD (backfilled default values restored)") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Users\" ADD FIELD {\"score\", INT, true, false, 7} COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("Users")[0]["score"] == 7); });
  CHECK(down[0] == "UPDATE BUNDLE \"Users\" REMOVE FIELD \"score\"");
}

TEST_CASE("DOWN: REMOVE FIELD -> ADD FIELD, removed values restored, required again") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Users\" REMOVE FIELD \"name\";"
      " UPDATE BUNDLE \"Users\" REMOVE FIELD \"email\" COMMIT",
      [](MigrationHarness& m) { CHECK(!m.select("Users")[0].contains("name")); });
  CHECK(down.back() == "UPDATE BUNDLE \"Users\" MODIFY FIELD {\"name\", STRING, true, false}");
}

TEST_CASE("DOWN: RENAME FIELD and SET NAME -> the reverse renames") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Users\" RENAME FIELD \"age\" TO \"years\";"
      " UPDATE BUNDLE \"Users\" SET NAME = \"People\" COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("People")[0]["years"] == 31); });
  CHECK(down[0] == "UPDATE BUNDLE \"People\" SET NAME = \"Users\"");
  CHECK(down[1] == "UPDATE BUNDLE \"Users\" RENAME FIELD \"years\" TO \"age\"");
}

TEST_CASE("DOWN: MODIFY FIELD -> MODIFY FIELD back, prior values restored") {
  MigrationHarness h;
  setup(h);
  round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Users\" MODIFY FIELD {\"age\", STRING, false, false};"
      " UPDATE BUNDLE \"Orders\" MODIFY FIELD {\"total\", STRING, false, false} COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("Users")[0]["age"] == "31"); });
}

TEST_CASE("DOWN: ADD / REMOVE RELATIONSHIP") {
  MigrationHarness h;
  setup(h);
  round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Orders\" REMOVE RELATIONSHIP \"buyer\";"
      " UPDATE BUNDLE \"Users\" ADD RELATIONSHIP \"orders\" FROM BUNDLE \"Users\" TO BUNDLE "
      "\"Orders\" COMMIT",
      [](MigrationHarness&) {});
}

TEST_CASE("DOWN: CREATE INDEX / DROP INDEX") {
  MigrationHarness h;
  setup(h);
  round_trip(h,
      "START MIGRATION DROP INDEX \"orders_total\";"
      " CREATE UNIQUE INDEX \"users_name\" HASH ON BUNDLE \"Users\" WITH FIELDS (\"name\") COMMIT",
      [](MigrationHarness&) {});
}

TEST_CASE("DOWN: ADD DOCUMENT -> DELETE DOCUMENTS WHERE DocumentID") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"name\":\"dee\"}) COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("Users").size() == 4); });
  INFO(down.dump());
  CHECK(down[0].get<std::string>().rfind(
            "DELETE DOCUMENTS FROM BUNDLE \"Users\" WHERE \"DocumentID\" == \"", 0) == 0);
}

TEST_CASE("DOWN: UPDATE / DELETE DOCUMENTS -> prior documents restored, unique values swapped") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION\n"
      " UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"email\" = \"tmp\") WHERE name == \"ann\";\n"
      " UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"email\" = \"a@x\") WHERE name == \"bob\";\n"
      " UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"email\" = \"b@x\", \"age\" = 1) WHERE name == \"ann\";\n"
      " DELETE DOCUMENTS FROM BUNDLE \"Orders\" WHERE total > 10;\n"
      " DELETE DOCUMENTS FROM BUNDLE \"Users\" WHERE name == \"cy\"\n"
      "COMMIT",
      [](MigrationHarness& m) { CHECK(m.select("Users").size() == 2); });
  CHECK(down == Json::array({"RESTORE DOCUMENTS TO BUNDLE \"Users\" FROM MIGRATION 2",
                             "RESTORE DOCUMENTS TO BUNDLE \"Orders\" FROM MIGRATION 2"}));
}

TEST_CASE("VALIDATE ROLLBACK reports the exact data impact (SPEC 4.8)") {
  MigrationHarness h;
  setup(h);
  h.ok("START MIGRATION CREATE BUNDLE \"NewFeature\" WITH FIELDS ({\"a\", INT, false, false});"
       " ADD DOCUMENT TO BUNDLE \"NewFeature\" WITH VALUES ({\"a\":1});"
       " ADD DOCUMENT TO BUNDLE \"NewFeature\" WITH VALUES ({\"a\":2}) COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 2");
  h.ok("START MIGRATION UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, false} COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 3");
  h.ok("UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"phone\" = \"555\") WHERE age > 0");
  Json r = h.ok("VALIDATE ROLLBACK TO VERSION 1");
  CHECK(r["message"] == "Rollback to version 1 validation complete");
  const Json& rep = r["report"];
  CHECK(rep["canRollback"] == true);
  CHECK(rep["currentVersion"] == 3);
  CHECK(rep["migrationsToReverse"] == Json::array({3, 2}));
  CHECK(rep["downCommands"]["3"] == Json::array({"UPDATE BUNDLE \"Users\" REMOVE FIELD \"phone\""}));
  CHECK(rep["dataImpact"]["bundlesDropped"] == Json::array({"NewFeature"}));
  CHECK(rep["dataImpact"]["fieldsRemoved"] == Json::array({"Users.phone"}));
  CHECK(rep["dataImpact"]["documentsDeleted"] == 2);
  CHECK(rep["dataImpact"]["valuesRemoved"] == 2);
  CHECK(rep["dataImpact"]["estimatedDataLoss"] ==
        "2 values of Users.phone; 2 documents in bundle NewFeature");
  // The two losses, and which of them are writes made after the apply (SPEC §4.7).
  REQUIRE(rep["warnings"].size() == 3);
  CHECK(rep["warnings"][1].get<std::string>().rfind(
            "Rollback will remove 2 values of Users.phone written after migration 3 was applied",
            0) == 0);
  CHECK(rep["dataImpact"]["valuesWrittenAfterApply"] == 2);
  CHECK(h.select("NewFeature").size() == 2);  // changed nothing
  Json e = h.fail("VALIDATE ROLLBACK TO VERSION 3", "INVALID_TARGET_VERSION");
  CHECK(e["message"] == "invalid target version");
  h.fail("APPLY ROLLBACK TO VERSION 5", "INVALID_TARGET_VERSION");
}

TEST_CASE("APPLY ROLLBACK is all or nothing: a failing DOWN changes nothing (SPEC 4.9)") {
  MigrationHarness h;
  setup(h);
  // The DOWN list validates (it adds a field the UP did not remove: a warning), but a direct
  // change after the apply makes its second command fail.
  h.ok("START MIGRATION CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false}) "
       "DOWN DROP BUNDLE \"A\"; UPDATE BUNDLE \"Users\" ADD FIELD {\"extra\", INT, false, false} "
       "COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  h.ok("SET AllowDirectSchemaChanges = true");
  h.ok("UPDATE BUNDLE \"Users\" ADD FIELD {\"extra\", STRING, false, false}");
  Json before = observe(h);
  Json v = h.ok("VALIDATE ROLLBACK TO VERSION 0")["report"];
  CHECK(v["canRollback"] == false);
  Json e = h.fail("APPLY ROLLBACK TO VERSION 0", "ROLLBACK_FAILED");
  CHECK(e["message"].get<std::string>().rfind("rollback failed: ", 0) == 0);
  CHECK(observe(h) == before);
  CHECK(h.ok("SHOW MIGRATIONS")["currentVersion"] == 2);
}

TEST_CASE("missing DOWN commands refuse the rollback (SPEC 4.8)") {
  MigrationHarness h;
  setup(h);
  h.ok("SET RequireExplicitDownCommands = true");
  h.ok("START MIGRATION CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  Json e = h.fail("APPLY ROLLBACK TO VERSION 1", "MISSING_DOWN_COMMANDS");
  CHECK(e["message"] == "Migration version 2 is missing DOWN commands");
  CHECK(h.ok("VALIDATE ROLLBACK TO VERSION 1")["report"]["errors"][0] ==
        "Migration version 2 is missing DOWN commands");
}

TEST_CASE("a migration that changed nothing has an empty generated DOWN and rolls back") {
  MigrationHarness h;
  setup(h);
  h.ok("START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"age\" = 1) WHERE age > 1000 COMMIT");
  h.ok("APPLY MIGRATION WITH VERSION 2");
  CHECK(h.ok("SHOW MIGRATION 2")["migration"]["DownCommands"].empty());
  CHECK(h.ok("APPLY ROLLBACK TO VERSION 1")["rolledBackVersions"] == Json::array({2}));
}

TEST_CASE("DOWN: one SyndrQL UPDATE BUNDLE with several changes reverses them in reverse order") {
  MigrationHarness h;
  setup(h);
  Json down = round_trip(h,
      "START MIGRATION UPDATE BUNDLE \"Users\" SET ("
      "{ADD \"x\" = \"x\", \"INT\", FALSE, FALSE, 5},"
      " {MODIFY \"age\" = \"years\", \"STRING\", FALSE, FALSE, NULL},"
      " {REMOVE \"tag\" = \"\", \"\", FALSE, FALSE, NULL}) COMMIT",
      [](MigrationHarness& m) {
        Json ann = m.select("Users")[0];
        CHECK(ann["years"] == "31");
        CHECK(ann["x"] == 5);
        CHECK(!ann.contains("tag"));
      });
  INFO(down.dump());
  // Structural steps in reverse (the removed field back at its place), the restore, then the
  // modified field's definition back once its values are.
  REQUIRE(down.size() == 5);
  CHECK(down[0] == "UPDATE BUNDLE \"Users\" ADD FIELD {\"tag\", STRING, false, false} AT POSITION 4");
  CHECK(down[1] == "UPDATE BUNDLE \"Users\" RENAME FIELD \"years\" TO \"age\"");
  CHECK(down[2] == "UPDATE BUNDLE \"Users\" REMOVE FIELD \"x\"");
  CHECK(down[3] == "RESTORE DOCUMENTS TO BUNDLE \"Users\" FROM MIGRATION 2");
  CHECK(down[4] == "UPDATE BUNDLE \"Users\" MODIFY FIELD {\"age\", INT, false, false}");
}
