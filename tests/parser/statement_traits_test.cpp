// The statement table (src/parser/statement_traits.hpp): the rows the gate and the migration
// rules read, checked against the lists of SPEC §3.5 and §6 they replace. (That every statement
// kind has a row is checked by the compiler: the header's static_assert.)

#include "parser/statement_traits.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "parser/parser.hpp"

namespace strata::parser {
namespace {

const StatementInfo& info_of(const std::string& text) {
  ParseResult r = parse(text);
  INFO(text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 1);
  return statement_info(r.script().front());
}

ast::Statement one(const std::string& text) {
  ParseResult r = parse(text);
  REQUIRE(r.ok());
  return r.script().front();
}

}  // namespace

TEST_CASE("statement table: roles (SPEC §6)", "[parser][traits]") {
  // A reader runs SHOW, SELECT, DESCRIBE, VALIDATE, and USE / PING / AUTH.
  for (const char* text :
       {"SHOW DATABASES", "USE \"d\"", "PING", "AUTH \"u\" \"p\"", "SHOW BUNDLES",
        "DESCRIBE BUNDLE \"B\"", "SHOW INDEXES", "SHOW SETTINGS", "SELECT * FROM \"B\"",
        "SELECT COUNT FROM \"B\"", "SHOW MIGRATIONS", "SHOW MIGRATION 1", "SHOW SCHEMA",
        "SHOW LOCKS", "VALIDATE MIGRATION WITH VERSION 1", "VALIDATE MIGRATIONS UP TO VERSION 2",
        "VALIDATE ROLLBACK TO VERSION 0", "CANCEL SESSION 1 \"k\""}) {
    INFO(text);
    CHECK(info_of(text).role == ast::Role::kReader);
  }
  // Only an admin manages users, drops databases, changes settings and approves.
  for (const char* text :
       {"CREATE USER \"u\" WITH PASSWORD \"p\"", "ALTER USER \"u\" SET PASSWORD \"p\"",
        "ALTER USER \"u\" SET ROLE admin", "DROP USER \"u\"", "SHOW USERS", "DROP DATABASE \"d\"",
        "SET MaxMigrationCommands = 3", "APPROVE MIGRATION WITH VERSION 1 FORCE",
        "APPROVE MIGRATIONS UP TO VERSION 2 FORCE", "APPROVE PENDING MIGRATIONS FORCE",
        "APPROVE ROLLBACK TO VERSION 0"}) {
    INFO(text);
    CHECK(info_of(text).role == ast::Role::kAdmin);
  }
  for (const char* text :
       {"CREATE DATABASE \"d\"", "DROP BUNDLE \"B\"", "ADD DOCUMENT TO BUNDLE \"B\" WITH ({})",
        "START MIGRATION COMMIT", "APPLY MIGRATION WITH VERSION 1", "APPLY PENDING MIGRATIONS",
        "APPLY ROLLBACK TO VERSION 0", "RESET MIGRATION WITH VERSION 1", "VERIFY MIGRATIONS",
        "BACKUP DATABASE \"d\" TO \"f\"", "RESTORE DATABASE FROM \"f\" AS \"g\""}) {
    INFO(text);
    CHECK(info_of(text).role == ast::Role::kMigrator);
  }
  CHECK(role_at_least(ast::Role::kAdmin, ast::Role::kMigrator));
  CHECK(role_at_least(ast::Role::kMigrator, ast::Role::kMigrator));
  CHECK_FALSE(role_at_least(ast::Role::kReader, ast::Role::kMigrator));
  CHECK_FALSE(role_at_least(ast::Role::kMigrator, ast::Role::kAdmin));
}

TEST_CASE("statement table: authentication, database, family, access", "[parser][traits]") {
  // Only these may be sent before authenticating (SPEC §6).
  for (const char* text : {"AUTH \"u\" \"p\"", "PING", "STATUS", "CANCEL SESSION 3 \"k\"",
                           "PROTOCOL_VERSION 2", "syndrdb://h:1:d:u:p"}) {
    INFO(text);
    CHECK_FALSE(info_of(text).needs_auth);
  }
  CHECK(info_of("SHOW DATABASES").needs_auth);
  CHECK(info_of("SELECT * FROM \"B\"").needs_auth);

  CHECK(needs_active_database(one("SHOW BUNDLES")));
  CHECK_FALSE(needs_active_database(one("SHOW BUNDLES FOR \"d\"")));
  CHECK(needs_active_database(one("SHOW MIGRATIONS")));
  CHECK_FALSE(needs_active_database(one("SHOW MIGRATIONS FOR \"d\"")));
  for (const char* text : {"CREATE DATABASE \"d\"", "USE \"d\"", "SHOW DATABASES", "SHOW USERS",
                           "BACKUP DATABASE \"d\" TO \"f\"", "SHOW LOCKS", "CANCEL SESSION 1 \"k\""}) {
    INFO(text);
    CHECK_FALSE(needs_active_database(one(text)));
  }
  for (const char* text : {"SHOW SETTINGS", "SET X = 1", "SHOW SCHEMA", "APPLY PENDING MIGRATIONS",
                           "DESCRIBE BUNDLE \"B\"", "START MIGRATION COMMIT"}) {
    INFO(text);
    CHECK(needs_active_database(one(text)));
  }

  // The schema family is exactly §3.2 (the statements AllowDirectSchemaChanges governs).
  for (const char* text :
       {"CREATE BUNDLE \"B\" WITH FIELDS ({\"f\", INT, false, false})", "UPDATE BUNDLE \"B\" SET "
        "NAME = \"C\"", "DROP BUNDLE \"B\"", "CREATE INDEX HASH ON BUNDLE \"B\" WITH FIELD \"f\"",
        "DROP INDEX \"i\""}) {
    INFO(text);
    CHECK(info_of(text).family == Family::kSchema);
    CHECK(info_of(text).access == Access::kWrite);
  }
  CHECK(info_of("UPDATE DOCUMENTS IN BUNDLE \"B\" (\"f\" = 1) WHERE f == 2").family ==
        Family::kDocument);
  CHECK(info_of("SHOW USERS").family == Family::kUser);
  CHECK(info_of("SHOW SCHEMA").family == Family::kMigration);
  CHECK(info_of("SELECT * FROM \"B\"").access == Access::kRead);
}

TEST_CASE("statement table: migration commands and names (SPEC §3.5)", "[parser][traits]") {
  CHECK(ast::allowed_in_migration(one("DROP INDEX \"i\""), false));
  CHECK(ast::allowed_in_migration(one("DELETE DOCUMENTS FROM BUNDLE \"B\""), true));
  CHECK_FALSE(ast::allowed_in_migration(one("SELECT * FROM \"B\""), false));
  CHECK_FALSE(ast::allowed_in_migration(one("APPLY PENDING MIGRATIONS"), true));
  const ast::Statement restore = ast::RestoreDocuments{"B", 1, {}};
  CHECK(statement_info(restore).in_migration == InMigration::kDownOnly);
  CHECK_FALSE(ast::allowed_in_migration(restore, false));
  CHECK(ast::allowed_in_migration(restore, true));

  CHECK(std::string(ast::statement_name(one("APPLY PENDING MIGRATIONS"))) == "APPLY MIGRATIONS");
  CHECK(std::string(ast::statement_name(one("ALTER USER \"u\" SET ROLE reader"))) ==
        "ALTER USER");
  CHECK(std::string(ast::statement_name(one("syndrdb://h:1:d:u:p"))) == "CONNECTION STRING");
  // The distinct names: one per kind but ALTER USER, which two kinds share.
  std::set<std::string> names;
  for (const char* n : statement_names()) CHECK(names.insert(n).second);
  CHECK(names.size() + 1 == std::variant_size_v<ast::Statement>);
  CHECK(names.count("VALIDATE MIGRATIONS") == 1);
}

}  // namespace strata::parser
