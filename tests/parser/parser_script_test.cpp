// Scripts as a whole: separators, comments, empty scripts; source positions of statements,
// commands, fields and conditions (counted from their statement's first token); JSON number
// types; and the helpers at the end of ast.hpp.

#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "parser/parser.hpp"

using namespace strata::ast;  // NOLINT: tests read better unqualified
using strata::Json;

TEST_CASE("script: a script of several statements, separators and comments", "[parser]") {
  const auto r = strata::parser::parse(R"(;; -- leading comment
USE "a"; /* block
comment */ PING ;;
START MIGRATION CREATE BUNDLE "B" WITH FIELDS ({"f", STRING, true, false}) COMMIT
SHOW BUNDLES)");
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 4);
  CHECK(std::holds_alternative<UseDatabase>(r.script()[0]));
  CHECK(std::holds_alternative<Ping>(r.script()[1]));
  CHECK(std::holds_alternative<StartMigration>(r.script()[2]));
  CHECK(std::holds_alternative<ShowBundles>(r.script()[3]));
  for (const Statement& s : r.script()) {  // each counts from its own first token
    CHECK(position_of(s).line == 1);
    CHECK(position_of(s).column == 1);
  }
}

TEST_CASE("script: empty and comment-only text is an empty script", "[parser]") {
  for (const char* text : {"", "   \n\t", "-- nothing", "/* nothing */", ";;;"}) {
    const auto r = strata::parser::parse(text);
    REQUIRE(r.ok());
    CHECK(r.script().empty());
  }
}

TEST_CASE("script: positions of statements, commands, fields and comparisons", "[parser]") {
  const auto r = strata::parser::parse(
      "USE \"x\";\n"
      "START MIGRATION\n"
      "  CREATE BUNDLE \"B\" WITH FIELDS (\n"
      "    {\"f\", STRING, true, false});\n"
      "  DELETE DOCUMENTS FROM BUNDLE \"B\" WHERE f == 1\n"
      "COMMIT");
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 2);
  const auto& m = std::get<StartMigration>(r.script()[1]);
  // Counted from the migration's START (line 1, column 1), SPEC §2.
  CHECK(m.pos.line == 1);
  CHECK(m.pos.column == 1);
  REQUIRE(m.up.size() == 2);
  CHECK(m.up[0].pos.line == 2);
  CHECK(m.up[0].pos.column == 3);
  REQUIRE(m.up[0].statement);
  const auto& create = std::get<CreateBundle>(*m.up[0].statement);
  CHECK(create.fields[0].pos.line == 3);
  CHECK(create.fields[0].pos.column == 5);
  REQUIRE(m.up[1].statement);
  const auto& del = std::get<DeleteDocuments>(*m.up[1].statement);
  REQUIRE(del.where.has_value());
  CHECK(del.where->pos.line == 4);
  CHECK(del.where->pos.column == 42);
}

TEST_CASE("script: every statement's positions count from its own first token", "[parser]") {
  const auto r = strata::parser::parse(
      "  PING; USE \"a\";\n  SHOW USERS;\n-- c\n  START MIGRATION\n    DROP INDEX \"i\"\nCOMMIT");
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 4);
  for (const Statement& s : r.script()) {
    CHECK(position_of(s).line == 1);
    CHECK(position_of(s).column == 1);
  }
  // A migration's commands count from its START.
  const auto& m = std::get<StartMigration>(r.script()[3]);
  REQUIRE(m.up.size() == 1);
  CHECK(m.up[0].pos.line == 2);
  CHECK(m.up[0].pos.column == 5);
}

TEST_CASE("script: JSON literal numbers follow nlohmann's types", "[parser]") {
  const auto r = strata::parser::parse(
      R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a": 5, "b": -5, "c": 18446744073709551615,
         "d": 18446744073709551616, "e": -9223372036854775809, "f": 1.0, "g": 2E-2,
         "s": "\ud83d\ude00\t", "o": {"k": [1, {"z": null}]}}))");
  REQUIRE(r.ok());
  const Json& v = std::get<AddDocument>(r.script()[0]).values;
  CHECK(v["a"].is_number_unsigned());
  CHECK(v["b"].is_number_integer());
  CHECK(v["b"].get<int64_t>() == -5);
  CHECK(v["c"].get<uint64_t>() == 18446744073709551615ULL);
  CHECK(v["d"].is_number_float());
  CHECK(v["e"].is_number_float());
  CHECK(v["f"].is_number_float());
  CHECK(v["g"].get<double>() == Approx(0.02));
  CHECK(v["s"].get<std::string>() == "\xF0\x9F\x98\x80\t");
  CHECK(v["o"] == Json::parse(R"({"k": [1, {"z": null}]})"));
}

TEST_CASE("script: helpers of ast.hpp", "[parser]") {
  const auto r = strata::parser::parse(
      R"(USE "a"; SELECT * FROM "B"; DROP BUNDLE "B"; ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({});
         START MIGRATION COMMIT)");
  REQUIRE(r.ok());
  const auto& s = r.script();
  CHECK(std::string(statement_name(s[0])) == "USE");
  CHECK(std::string(statement_name(s[1])) == "SELECT DOCUMENTS");
  CHECK(std::string(statement_name(s[2])) == "DROP BUNDLE");
  CHECK_FALSE(allowed_in_migration(s[0], false));
  CHECK_FALSE(allowed_in_migration(s[1], false));
  CHECK(allowed_in_migration(s[2], false));
  CHECK(allowed_in_migration(s[3], false));
  CHECK_FALSE(allowed_in_migration(s[4], false));
  const Statement restore = RestoreDocuments{"B", 1, {}};
  CHECK_FALSE(allowed_in_migration(restore, false));
  CHECK(allowed_in_migration(restore, true));
}
