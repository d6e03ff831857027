#pragma once
// Statements of every form of SPEC §3, in both spellings (seed form and SyndrQL form), with
// odd casing, comments and escapes. Shared by the canonical round-trip test and the fuzz
// targets' seed corpus (tests/fuzz/seeds.hpp). Every entry is one valid statement.

#include <string>
#include <vector>

namespace strata::testing {

inline const std::vector<std::string>& statement_corpus() {
  static const std::vector<std::string> corpus = {
      // §3.1
      R"(CREATE DATABASE "production")",
      R"(create database "we\"ird \\ name \u00e9 \n tab\t")",
      R"(DROP DATABASE "old")",
      R"(USE "production")",
      R"(SHOW DATABASES)",
      R"(AUTH "admin" "s3cret")",
      R"(PING)",
      R"(STATUS)",
      R"(CANCEL SESSION 12 "0123456789abcdef0123456789abcdef")",
      R"(PROTOCOL_VERSION 2)",
      R"(syndrdb://127.0.0.1:1776:production:admin:pa:ss"--/*word)",
      R"(SyndrDB://::db:u:)",
      // §3.2
      R"(CREATE BUNDLE "Users" WITH FIELDS ({"id", STRING, true, true}, {"age", INT, false, false, 18}, {"score", FLOAT, false, false, 1.0}, {"meta", JSON, false, false, {"b": [1, 2.5, null], "a": true}}))",
      R"(CREATE BUNDLE "T" WITH FIELDS ({"x", "VARCHAR", TRUE, FALSE, NULL}, {"y", "string", FALSE, TRUE, "dflt"}))",
      R"(create bundle "T" with fields ({"d", datetime, false, false, "2024-01-10T10:00:00Z"}, {"n", Integer, True, False, -3}))",
      R"(CREATE BUNDLE "T" WITH FIELDS ({"f", DOUBLE, false, false, 1e3}, {"g", BOOL, false, false, false}, {"h", TEXT, false, false, 0.1}))",
      R"(UPDATE BUNDLE "Users" SET NAME = "People")",
      R"(UPDATE BUNDLE "Users" ADD FIELD {"phone", STRING, false, false})",
      R"(UPDATE BUNDLE "Users" REMOVE FIELD "phone")",
      R"(UPDATE BUNDLE "Users" RENAME FIELD "a" TO "b")",
      R"(UPDATE BUNDLE "Users" MODIFY FIELD {"age", INTEGER, true, false, 0})",
      R"(UPDATE BUNDLE "Users" ADD FIELD {"a", STRING, false, false}, REMOVE FIELD "b", RENAME FIELD "c" TO "d")",
      R"(UPDATE BUNDLE "B" SET ( {ADD "f" = "f", "STRING", TRUE, FALSE, NULL}, {MODIFY "old" = "new", "INT", FALSE, FALSE, 0}, {REMOVE "g" = "", "", FALSE, FALSE, NULL} ))",
      R"(UPDATE BUNDLE "Orders" ADD RELATIONSHIP "product_orders" FROM BUNDLE "Orders" TO BUNDLE "Products")",
      R"(UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" FIELD "id" TO BUNDLE "B" FIELD "a_id" CARDINALITY "1toMany")",
      R"(UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" TO BUNDLE "B" CARDINALITY "1to1")",
      R"(UPDATE BUNDLE "A" REMOVE RELATIONSHIP "r")",
      R"(UPDATE BUNDLE "A" ADD RELATIONSHIP ( "r" {"1toMany", "A", "id", "B", "a_id"}, "s" {"ManyToMany", "A", "x", "C", "y"} ))",
      R"(DROP BUNDLE "B")",
      R"(DROP BUNDLE "B" WITH FORCE)",
      R"(CREATE INDEX HASH ON BUNDLE "B" WITH FIELD "f")",
      R"(CREATE INDEX BTREE ON BUNDLE "B" WITH FIELD "f")",
      R"(CREATE INDEX B-TREE ON BUNDLE "B" WITH FIELD "f")",
      R"(CREATE UNIQUE INDEX "ix" HASH ON BUNDLE "B" WITH FIELDS ("f", "g"))",
      R"(CREATE INDEX "ix" BTREE ON BUNDLE "B" WITH FIELDS ("f"))",
      R"(CREATE HASH INDEX "n" ON BUNDLE "B" WITH FIELDS ("f"))",
      R"(CREATE B-INDEX "n" ON BUNDLE "B" WITH FIELDS ({"f", true, false}, {"g", false, true}))",
      R"(CREATE H-INDEX "n" ON BUNDLE "B" WITH FIELDS ({"f", true}))",
      R"(DROP INDEX "ix")",
      // §3.3
      R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"name": "x\"y", "n": 1, "f": 2.5, "big": 9223372036854775807, "neg": -9223372036854775808, "nested": {"z": [1, {"y": null}], "a": "\u00e9"}}))",
      R"(ADD DOCUMENT TO BUNDLE "B" WITH ( {"f" = "v"}, {"g" = 2}, {"h" = [1, 2]} ))",
      R"(SELECT DOCUMENTS FROM "B")",
      R"(SELECT * FROM "B" WHERE Status == "PENDING" ORDER BY created_at DESC LIMIT 10)",
      R"(SELECT DOCUMENTS FROM "B" WHERE a > 3 AND (b = "x" OR NOT c <= 2.5) ORDER BY "n" ASC)",
      R"(SELECT DOCUMENTS FROM "B" WHERE NOT (a == 1 AND b != 2) OR c >= -1e3)",
      R"(SELECT DOCUMENTS FROM "B" WHERE (a == 1 OR b == 2) AND (c == 3 OR d == 4) AND e < 5)",
      R"(SELECT DOCUMENTS FROM "B" WHERE a == 1 OR b == 2 AND c == 3 OR NOT NOT d == true)",
      R"(SELECT DOCUMENTS FROM "B" WHERE DocumentID == "abc" LIMIT 1)",
      R"(SELECT COUNT FROM "B")",
      R"(SELECT COUNT FROM "B" WHERE active == true AND deleted == null)",
      R"(UPDATE DOCUMENTS IN BUNDLE "B" ("f" = 1, "g" = "x", "h" = {"k": [true]}) WHERE DocumentID == "d1")",
      R"(DELETE DOCUMENTS FROM BUNDLE "B")",
      R"(DELETE DOCUMENTS FROM BUNDLE "B" WHERE n < 0)",
      // §3.4
      R"(SHOW BUNDLES)",
      R"(SHOW BUNDLES FOR "db")",
      R"(DESCRIBE BUNDLE "B")",
      R"(SHOW INDEXES)",
      R"(SHOW INDEXES ON BUNDLE "B")",
      R"(SHOW SETTINGS)",
      R"(SHOW LOCKS)",
      R"(SET MaxMigrationCommands = 5)",
      R"(SET MigrationPerformanceThreshold = 2.5)",
      R"(SET RequireExplicitDownCommands = true)",
      R"(BACKUP DATABASE "db" TO "f.sdb")",
      R"(RESTORE DATABASE FROM "f.sdb" AS "db2")",
      R"(CREATE USER "u" WITH PASSWORD "p")",
      R"(CREATE USER "u" WITH PASSWORD "p" ROLE migrator)",
      R"(CREATE USER "u" WITH PASSWORD "p" ROLE READER)",
      R"(ALTER USER "u" SET PASSWORD "q")",
      R"(ALTER USER "u" SET ROLE admin)",
      R"(DROP USER "u")",
      R"(SHOW USERS)",
      // §3.5
      "START MIGRATION WITH DESCRIPTION \"Add Users\"\n"
      "  CREATE BUNDLE \"Users\" WITH FIELDS ({\"id\", STRING, true, true});\n"
      "  -- a comment; with a semicolon\n"
      "  UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, false};\n"
      "  ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"id\": \"u1\"});\n"
      "  UPDATE DOCUMENTS IN BUNDLE \"Users\" (\"phone\" = \"1\") WHERE id == \"u1\";\n"
      "  DELETE DOCUMENTS FROM BUNDLE \"Users\" WHERE id == \"u2\"\n"
      "COMMIT",
      "START MIGRATION COMMIT",
      "start migration with description \"x\" drop index \"i\" down create index \"i\" hash on "
      "bundle \"B\" with fields (\"f\"); restore documents to bundle \"B\" from migration 5; "
      "commit",
      "START MIGRATION DROP INDEX \"i\"; DOWN COMMIT",
      "START MIGRATION VERSION 3 NAME \"003_add_phone\" WITH DESCRIPTION \"Add phone\"\n"
      "  UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, false}\n"
      "COMMIT",
      "start migration name \"only a name\" commit",
      "START MIGRATION VERSION 7\n"
      "  UPDATE DOCUMENTS IN BUNDLE \"B\" (\"x\" = 1) WHERE commit == 1 AND NOT commit > 2\n"
      "COMMIT",
      R"(SHOW MIGRATIONS)",
      R"(SHOW MIGRATIONS FOR "production" WHERE Status == "PENDING")",
      R"(SHOW MIGRATIONS WHERE Version >= 2 AND CreatedBy != "bob" AND Description == "x")",
      R"(SHOW MIGRATIONS WHERE Name == "003_add_phone" AND Batch >= 2)",
      R"(SHOW SCHEMA)",
      R"(SHOW SCHEMA AT VERSION 4)",
      R"(VALIDATE MIGRATIONS UP TO VERSION 5)",
      R"(APPLY MIGRATIONS UP TO VERSION 5)",
      R"(APPLY MIGRATIONS UP TO VERSION 5 FORCE WITH APPROVAL "tok")",
      R"(APPLY PENDING MIGRATIONS)",
      R"(apply pending migrations force with approval "t\"k")",
      R"(APPLY MIGRATION WITH VERSION 3 WITH APPROVAL "tok")",
      R"(APPLY ROLLBACK TO VERSION 2 FORCE)",
      R"(APPLY ROLLBACK TO VERSION 2 WITH APPROVAL "tok")",
      R"(APPROVE MIGRATION WITH VERSION 3 FORCE)",
      R"(APPROVE MIGRATIONS UP TO VERSION 5 FORCE)",
      R"(approve pending migrations force)",
      R"(APPROVE ROLLBACK TO VERSION 1)",
      R"(APPROVE ROLLBACK TO VERSION 0 FORCE)",
      R"(SHOW MIGRATION 3)",
      R"(VALIDATE MIGRATION WITH VERSION 3)",
      R"(APPLY MIGRATION WITH VERSION 3)",
      R"(APPLY MIGRATION WITH VERSION 3 FORCE)",
      R"(VALIDATE ROLLBACK TO VERSION 0)",
      R"(APPLY ROLLBACK TO VERSION 2)",
      R"(RESET MIGRATION WITH VERSION 4)",
      R"(DROP MIGRATION WITH VERSION 4)",
      R"(VERIFY MIGRATIONS)",
  };
  return corpus;
}

}  // namespace strata::testing
