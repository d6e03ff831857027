// Malformed statements give a SyntaxError at the exact line and column of the offending token,
// with a useful "expected" text and the token found (SPEC §5), and never a C++ rule name.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/status_details.hpp"
#include "parser/parser.hpp"

namespace {

struct ErrorCase {
  std::string text;
  uint32_t line;
  uint32_t column;
  std::string expected;  // a substring of SyntaxError::expected ("" to skip)
  std::string found;     // SyntaxError::found exactly ("" to skip)
  std::string message;   // a substring of SyntaxError::message
};

const std::vector<ErrorCase> kCases = {
    {"CREATE BUNDLE Users", 1, 15, "a bundle name (a double-quoted string)", "'Users'",
     "expected a bundle name (a double-quoted string), found 'Users'"},
    {R"(CREATE BUNDLE "Users" WITH FIELDS ({"id", STRING, true}))", 1, 55, "','", "'}'",
     "expected ','"},
    {R"(CREATE BUNDLE "Users" WITH FIELDS ({"id" STRING, true, true}))", 1, 42, "','", "'STRING'",
     "found 'STRING'"},
    {R"(CREATE BUNDLE "U" WITH FIELDS ({"id", STRING, yes, true}))", 1, 47, "TRUE or FALSE",
     "'yes'", "required"},
    {R"(CREATE BUNDLE "U" WITH FIELDS ({"id", STRING, true, true})", 1, 58, "',' or ')'",
     "end of input", "found end of input"},
    {R"(CREATE BUNDLE "U" FIELDS ())", 1, 19, "WITH", "'FIELDS'", "expected WITH"},
    {R"(CREATE TABLE "x")", 1, 8, "BUNDLE", "'TABLE'", "DATABASE, BUNDLE, INDEX"},
    {R"(SELEC * FROM "x")", 1, 1, "a statement", "'SELEC'", "expected a statement"},
    {R"(SELECT * FORM "x")", 1, 10, "FROM", "'FORM'", "expected FROM, found 'FORM'"},
    {R"(SELECT * FROM "x" WHERE)", 1, 24, "a condition", "end of input", "a condition"},
    {R"(SELECT * FROM "x" WHERE a >)", 1, 28, "a value", "end of input", "a value"},
    {R"(SELECT * FROM "x" WHERE a 5)", 1, 27, "a comparison operator", "'5'", "operator"},
    {R"(SELECT * FROM "x" WHERE (a == 1)", 1, 32, "')'", "end of input", "condition group"},
    {R"(SELECT * FROM "x" LIMIT -1)", 1, 25, "unsigned integer", "'-1'", "row limit"},
    {R"(SELECT * FROM "x" LIMIT 99999999999999999999999)", 1, 25, "", "", "out of range"},
    {R"(USE "x" PING)", 1, 9, "';' or end of input", "'PING'", "found 'PING'"},
    {"USE \"unterminated", 1, 5, "closing the string", "'\"unterminated'",
     "unterminated string"},
    {"USE \"unterminated\\", 1, 5, "closing the string", "", "unterminated string"},
    {"PING /* never\nclosed", 1, 6, "'*/' closing the comment", "'/*'", "unterminated comment"},
    {"START MIGRATION\n  DROP INDEX \"i\" /* open\n  DROP INDEX \"j\"; COMMIT", 2, 18, "'*/'",
     "'/*'", "unterminated comment"},
    {R"(USE "bad \q escape")", 1, 11, "an escape", "'q'", "escape"},
    {"USE \"a\";\nSTART MIGRATION\n  USE \"b\";\nCOMMIT", 2, 3, "a migration command", "'USE'",
     "USE is not allowed inside a migration"},
    {"START MIGRATION\n  SELECT * FROM \"x\"\nCOMMIT", 2, 3, "", "'SELECT'",
     "SELECT is not allowed inside a migration"},
    {"START MIGRATION\n  CREATE DATABASE \"x\"\nCOMMIT", 2, 3, "", "'CREATE'",
     "CREATE DATABASE is not allowed inside a migration"},
    {"START MIGRATION\n  START MIGRATION COMMIT\nCOMMIT", 2, 3, "", "'START'",
     "START MIGRATION is not allowed inside a migration"},
    {"START MIGRATION\n  show migrations\nCOMMIT", 2, 3, "", "'show'",
     "SHOW MIGRATIONS is not allowed inside a migration"},
    {"START MIGRATION\n  CREATE USER \"u\" WITH PASSWORD \"p\"\nCOMMIT", 2, 3, "", "",
     "CREATE USER is not allowed inside a migration"},
    {"START MIGRATION\n  DROP BUNDLE \"A\";\nDOWN\n  ALTER USER \"u\" SET ROLE admin\nCOMMIT", 4, 3,
     "", "", "ALTER USER is not allowed inside a migration"},
    {"START MIGRATION\n  RESTORE DOCUMENTS TO BUNDLE \"B\" FROM MIGRATION 1\nCOMMIT", 2, 3, "",
     "'RESTORE'", "RESTORE DOCUMENTS is only allowed in the DOWN section of a migration"},
    {R"(RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION 1)", 1, 1, "", "'RESTORE'",
     "only allowed in the DOWN section"},
    {"START MIGRATION\n  DROP BUNDLE \"A\"\n  DROP BUNDLE \"B\"\nCOMMIT", 3, 3,
     "';', DOWN or COMMIT", "'DROP'", "found 'DROP'"},
    {"START MIGRATION\n  DROP BUNDLE \"A\";", 2, 19, "COMMIT", "end of input",
     "a migration command"},
    {"START MIGRATION WITH DESCRIPTION", 1, 33, "a description", "end of input", "description"},
    {"APPLY MIGRATION 3", 1, 17, "WITH VERSION n", "'3'", "WITH VERSION"},
    {"APPLY MIGRATION WITH VERSION x", 1, 30, "a migration version", "'x'", "version"},
    {R"(SHOW MIGRATIONS WHERE Owner == "x")", 1, 23, "a migration field", "'Owner'",
     "unknown migration field 'Owner'"},
    {R"(UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" TO BUNDLE "B" CARDINALITY "many")",
     1, 82, "a cardinality", "'\"many\"'", "unknown cardinality"},
    {R"(UPDATE BUNDLE "A")", 1, 18, "a bundle change", "end of input", "bundle change"},
    {R"(UPDATE BUNDLE "A" DELETE FIELD "x")", 1, 19, "a bundle change", "'DELETE'",
     "SET, ADD, REMOVE, RENAME or MODIFY"},
    {R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a": 1,}))", 1, 49, "a document field", "'}'",
     "document field"},
    {R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a": [1, 2}))", 1, 52, "',' or ']'", "'}'",
     "',' or ']'"},
    {R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a": 01}))", 1, 48, "',' or '}'", "'1'",
     "found '1'"},
    {R"(CREATE USER "u" WITH PASSWORD "p" ROLE root)", 1, 40, "a role", "'root'", "MIGRATOR"},
    {"COMMIT", 1, 1, "a statement", "'COMMIT'", "COMMIT without START MIGRATION"},
    {"PING;\n  commit;", 1, 1, "a statement", "'commit'", "COMMIT without START MIGRATION"},
    {"START MIGRATON\n  DROP INDEX \"i\";\nCOMMIT", 1, 7, "MIGRATION", "'MIGRATON'",
     "expected MIGRATION, found 'MIGRATON'"},
    {"START;\n  DROP INDEX \"i\";\nCOMMIT", 1, 6, "MIGRATION", "';'", "expected MIGRATION"},
    {"USE \"a\";\n/* never closed", 2, 1, "'*/'", "'/*'", "unterminated comment"},
    {"\x01\x02\xff", 1, 1, "a statement", "'\\x01'", "found '\\x01'"},
    {"PING;\n\xff\xfe", 1, 1, "a statement", "'\\xFF'", "found '\\xFF'"},
    {"USE \"bad \xff utf8\"", 1, 10, "closing the string", "'\\xFF'", ""},
    {R"(CREATE INDEX "i" ON BUNDLE "B" WITH FIELDS ("f"))", 1, 18, "an index kind", "'ON'",
     "HASH, BTREE or B-TREE"},
    {R"(CREATE INDEX HASH ON BUNDLE "B" WITH FIELDS ())", 1, 46, "an index field", "')'",
     "index field"},
    {R"(ADD DOCUMENT TO BUNDLE "B" WITH ({"a" 1}))", 1, 39, "':' or '='", "'1'", "found '1'"},
    {R"(SELECT * FROM "B" WHERE a == == 1)", 1, 30, "a value", "'=='", "found '=='"},
    {"SET x", 1, 6, "'='", "end of input", "expected '='"},
    {R"(ALTER USER "u" SET NAME "x")", 1, 20, "PASSWORD", "'NAME'", "ROLE"},
    {R"(DROP "x")", 1, 6, "DATABASE, BUNDLE, INDEX, USER or MIGRATION", "'\"x\"'", "found"},
    {"SHOW TABLES", 1, 6, "DATABASES, BUNDLES", "'TABLES'", "found 'TABLES'"},
    {"SHOW SCHEMA AT 3", 1, 16, "VERSION", "'3'", "expected VERSION"},
    {"APPLY MIGRATIONS TO VERSION 3", 1, 18, "UP TO VERSION n", "'TO'", "UP TO VERSION"},
    {"APPLY PENDING", 1, 14, "MIGRATIONS", "end of input", "MIGRATIONS"},
    {"APPLY ROLLBACK TO VERSION 2 WITH \"t\"", 1, 34, "APPROVAL", "'\"t\"'", "APPROVAL"},
    {"APPLY MIGRATION WITH VERSION 2 FORCE WITH APPROVAL t", 1, 52, "an approval token",
     "'t'", "approval token"},
    {"APPROVE MIGRATION WITH VERSION 2", 1, 33, "FORCE", "end of input", "FORCE"},
    {"APPROVE SCHEMA", 1, 9, "MIGRATION, MIGRATIONS UP TO, PENDING MIGRATIONS or ROLLBACK",
     "'SCHEMA'", "found 'SCHEMA'"},
    {"VALIDATE MIGRATIONS UP TO 3", 1, 27, "VERSION", "'3'", "expected VERSION"},
    {"CANCEL SESSION \"7\" \"k\"", 1, 16, "a session id", "'\"7\"'", "session id"},
    {"CANCEL SESSION 7", 1, 17, "a cancel key", "end of input", "cancel key"},
    {"PROTOCOL_VERSION two", 1, 18, "a protocol version", "'two'", "protocol version"},
    {"syndrdb://host:1776:db", 1, 23, "HOST:PORT:DATABASE:USER:PASSWORD", "end of input",
     "HOST:PORT"},
    {"syndrdb://host:1776::user:pw", 1, 21, "DATABASE and USER not empty", "", "HOST:PORT"},
    {"START MIGRATION NAME 3 COMMIT", 1, 22, "a migration name", "'3'", "migration name"},
    {"START MIGRATION VERSION x COMMIT", 1, 25, "a migration version", "'x'", "version"},
    {"START MIGRATION\n  APPROVE ROLLBACK TO VERSION 1\nCOMMIT", 2, 3, "", "'APPROVE'",
     "APPROVE ROLLBACK is not allowed inside a migration"},
    {"START MIGRATION\n  CANCEL SESSION 1 \"k\"\nCOMMIT", 2, 3, "", "'CANCEL'",
     "CANCEL SESSION is not allowed inside a migration"},
    {"START MIGRATION\n  DESCRIBE \"x\"\nCOMMIT", 2, 3, "", "'DESCRIBE'",
     "DESCRIBE BUNDLE is not allowed inside a migration"},
    {"START MIGRATION\n  STATUS\nCOMMIT", 2, 3, "", "'STATUS'",
     "PING is not allowed inside a migration"},
    {R"(SHOW MIGRATIONS WHERE Owner == "x" AND Batch == 1)", 1, 23, "a migration field",
     "'Owner'", "Name, Description, CreatedBy or Batch"},
    {R"(UPDATE DOCUMENTS IN BUNDLE "B" ("a" = 1))", 1, 41, "WHERE", "end of input", "WHERE"},
    {"PING;\n\n   DESCRIBE BUNDLE \"B\" EXTRA", 1, 21, "';' or end of input", "'EXTRA'",
     "found 'EXTRA'"},
    {"-- a comment\n  /* and another */ SELECT * FORM \"x\"", 1, 10, "FROM", "'FORM'",
     "found 'FORM'"},
    {"PING;\n  START MIGRATION\n    DROP INDEX \"i\"\n    DROP INDEX \"j\"\n  COMMIT", 3, 5,
     "';', DOWN or COMMIT", "'DROP'", "found 'DROP'"},
};

}  // namespace

TEST_CASE("errors: malformed statements report line, column, expected and found",
          "[parser][errors]") {
  REQUIRE(kCases.size() >= 25);
  for (const ErrorCase& c : kCases) {
    INFO(c.text);
    const strata::parser::ParseResult r = strata::parser::parse(c.text);
    REQUIRE_FALSE(r.ok());
    const strata::parser::SyntaxError& e = r.error();
    INFO("got " << e.line << ":" << e.column << " expected=[" << e.expected << "] found=["
                << e.found << "] message=[" << e.message << "]");
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    if (!c.expected.empty()) CHECK(e.expected.find(c.expected) != std::string::npos);
    if (!c.found.empty()) CHECK(e.found == c.found);
    CHECK(e.message.find(c.message) != std::string::npos);
    CHECK(e.expected.find("::") == std::string::npos);            // never a C++ rule name
    CHECK(e.expected.find("valid syntax") == std::string::npos);  // every must<> has a message
  }
}

TEST_CASE("errors: positions count from the statement; to_status carries the details",
          "[parser][errors]") {
  // Whitespace, comments and earlier statements before a statement never shift its positions
  // (SPEC §2): line 1, column 1 is its first token.
  for (const std::string prefix : {"", "\n\n   ", "-- c\n/* d */ ", "PING;\nPING; "}) {
    const auto r = strata::parser::parse(prefix + "CREATE BUNDLE Users");
    INFO("prefix: " << prefix);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().line == 1);
    CHECK(r.error().column == 15);
    const strata::Status st = strata::parser::to_status(r.error());
    CHECK(st.code() == strata::Code::kSyntaxError);
    CHECK(strata::details_of(st)["line"] == 1);
    CHECK(strata::details_of(st)["column"] == 15);
    CHECK(strata::details_of(st)["found"] == "'Users'");
    CHECK(st.message().find("line 1, column 15") != std::string::npos);
    CHECK(st.message().find("expected a bundle name") != std::string::npos);
  }
  const auto r2 = strata::parser::parse("PING;\n  CREATE BUNDLE\n    Users");
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().line == 2);
  CHECK(r2.error().column == 5);  // a later line keeps its own column
}
