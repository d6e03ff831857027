// Validation phase 1 without a database (src/parser/syntax_check.hpp): type resolution, value
// matching, RFC 3339, and every issue of syntax_check with its position and command index.
#include "parser/syntax_check.hpp"

#include <catch2/catch.hpp>
#include <limits>

#include "parser/migration_command.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_stream.hpp"

namespace strata::parser {
namespace {

ast::FieldDef field(std::string name, std::string type, Json def = nullptr, uint32_t line = 1,
                    uint32_t column = 1) {
  ast::FieldDef f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.default_value = std::move(def);
  f.pos = {line, column};
  return f;
}

ast::CreateBundle bundle(std::string name, std::vector<ast::FieldDef> fields) {
  ast::CreateBundle b;
  b.bundle = std::move(name);
  b.fields = std::move(fields);
  return b;
}

}  // namespace

TEST_CASE("syntax_check: resolve_type knows the types and their aliases", "[syntax_check]") {
  CHECK(resolve_type("STRING") == FieldType::kString);
  CHECK(resolve_type("string") == FieldType::kString);
  CHECK(resolve_type("Text") == FieldType::kText);
  CHECK(resolve_type("INT") == FieldType::kInt);
  CHECK(resolve_type("INTEGER") == FieldType::kInt);
  CHECK(resolve_type("FLOAT") == FieldType::kFloat);
  CHECK(resolve_type("double") == FieldType::kFloat);
  CHECK(resolve_type("BOOLEAN") == FieldType::kBoolean);
  CHECK(resolve_type("bool") == FieldType::kBoolean);
  CHECK(resolve_type("DATETIME") == FieldType::kDateTime);
  CHECK(resolve_type("json") == FieldType::kJson);
  CHECK_FALSE(resolve_type("VARCHAR").has_value());
  CHECK_FALSE(resolve_type("").has_value());
  CHECK_FALSE(resolve_type("INT ").has_value());
  CHECK(std::string(type_name(FieldType::kInt)) == "INT");
  CHECK(std::string(type_name(FieldType::kFloat)) == "FLOAT");
  CHECK(std::string(type_name(FieldType::kBoolean)) == "BOOLEAN");
}

TEST_CASE("syntax_check: value_matches follows SPEC §1", "[syntax_check]") {
  CHECK(value_matches(FieldType::kString, "x"));
  CHECK_FALSE(value_matches(FieldType::kString, 1));
  CHECK(value_matches(FieldType::kText, ""));
  CHECK(value_matches(FieldType::kInt, -3));
  CHECK(value_matches(FieldType::kInt, std::numeric_limits<int64_t>::max()));
  CHECK(value_matches(FieldType::kInt, std::numeric_limits<int64_t>::min()));
  CHECK_FALSE(value_matches(FieldType::kInt, uint64_t{1} << 63));
  CHECK_FALSE(value_matches(FieldType::kInt, 2.5));
  CHECK_FALSE(value_matches(FieldType::kInt, 1.0));
  CHECK_FALSE(value_matches(FieldType::kInt, "1"));
  CHECK(value_matches(FieldType::kFloat, 2.5));
  CHECK(value_matches(FieldType::kFloat, 3));
  CHECK_FALSE(value_matches(FieldType::kFloat, true));
  CHECK(value_matches(FieldType::kBoolean, false));
  CHECK_FALSE(value_matches(FieldType::kBoolean, 0));
  CHECK(value_matches(FieldType::kDateTime, "2024-01-10T10:00:00Z"));
  CHECK_FALSE(value_matches(FieldType::kDateTime, "yesterday"));
  CHECK_FALSE(value_matches(FieldType::kDateTime, 1704880800));
  CHECK(value_matches(FieldType::kJson, Json::parse(R"({"a":[1,2]})")));
  CHECK(value_matches(FieldType::kJson, 1));
}

TEST_CASE("syntax_check: is_rfc3339 is strict", "[syntax_check]") {
  for (const char* good : {"2024-01-10T10:00:00Z", "2024-01-10t10:00:00z", "2024-02-29T23:59:60Z",
                           "2000-02-29T00:00:00+01:00", "2024-12-31T23:59:59.123456-05:30",
                           "1999-06-30T12:00:00.5Z"}) {
    INFO(good);
    CHECK(is_rfc3339(good));
  }
  for (const char* bad : {"",
                          "2024-01-10",
                          "2024-01-10T10:00:00",
                          "2024-01-10 10:00:00Z",
                          "2023-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z",
                          "2024-13-01T00:00:00Z",
                          "2024-00-01T00:00:00Z",
                          "2024-04-31T00:00:00Z",
                          "2024-01-10T24:00:00Z",
                          "2024-01-10T10:60:00Z",
                          "2024-01-10T10:00:61Z",
                          "2024-01-10T10:00:00.Z",
                          "2024-01-10T10:00:00+1:00",
                          "2024-01-10T10:00:00+24:00",
                          "2024-01-10T10:00:00+01:60",
                          "2024-01-10T10:00:00Zx",
                          "2024-01-10T10:00:00+01:00x",
                          "24-01-10T10:00:00Z",
                          "2024/01/10T10:00:00Z",
                          "2024-1-10T10:00:00Z",
                          "２024-01-10T10:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(is_rfc3339(bad));
  }
}

TEST_CASE("syntax_check: a clean statement has no issues", "[syntax_check]") {
  CHECK(syntax_check(ast::Ping{}).empty());
  CHECK(syntax_check(bundle("Users", {field("id", "STRING"), field("n", "INTEGER", 5),
                                      field("at", "DATETIME", "2024-01-10T10:00:00Z"),
                                      field("f", "DOUBLE", 1), field("j", "JSON", {1, 2})}))
            .empty());
}

TEST_CASE("syntax_check: unknown types, defaults and duplicates in CREATE BUNDLE",
          "[syntax_check]") {
  const auto issues = syntax_check(bundle(
      "Users", {field("id", "STRING", nullptr, 2, 5), field("name", "VARCHAR", nullptr, 3, 5),
                field("id", "INT", 1, 4, 5), field("age", "INT", "old", 5, 9),
                field("at", "DATETIME", "2024-13-01T00:00:00Z", 6, 7)}));
  REQUIRE(issues.size() == 4);
  CHECK(issues[0].code == Code::kUnknownType);
  CHECK(issues[0].message == "Unknown type 'VARCHAR' for field 'name'");
  CHECK(issues[0].pos.line == 3);
  CHECK(issues[0].pos.column == 5);
  CHECK(issues[0].command == 0);
  CHECK(issues[1].code == Code::kFieldExists);
  CHECK(issues[1].message == "Duplicate field 'id' in bundle 'Users'");
  CHECK(issues[1].pos.line == 4);
  CHECK(issues[2].code == Code::kTypeMismatch);
  CHECK(issues[2].message == "Default value \"old\" of field 'age' is not a valid INT");
  CHECK(issues[2].pos.line == 5);
  CHECK(issues[2].pos.column == 9);
  CHECK(issues[3].code == Code::kTypeMismatch);
  CHECK(issues[3].pos.line == 6);
}

TEST_CASE("syntax_check: ADD FIELD and MODIFY FIELD definitions", "[syntax_check]") {
  ast::UpdateBundle u;
  u.bundle = "Users";
  u.changes.push_back(ast::AddField{field("phone", "PHONE", nullptr, 1, 30)});
  u.changes.push_back(ast::RemoveField{"x"});
  u.changes.push_back(ast::ModifyField{field("flag", "BOOL", "yes", 1, 60)});
  const auto issues = syntax_check(u);
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].code == Code::kUnknownType);
  CHECK(issues[0].pos.column == 30);
  CHECK(issues[1].code == Code::kTypeMismatch);
  CHECK(issues[1].message == "Default value \"yes\" of field 'flag' is not a valid BOOLEAN");
}

TEST_CASE("syntax_check: ADD DOCUMENT values must be an object", "[syntax_check]") {
  ast::AddDocument d;
  d.bundle = "B";
  d.pos = {7, 3};
  CHECK(syntax_check(d).empty());
  d.values = Json::array({1, 2});
  const auto issues = syntax_check(d);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == Code::kInvalidValue);
  CHECK(issues[0].message == "Document values for bundle 'B' must be a JSON object");
  CHECK(issues[0].pos.line == 7);
  CHECK(issues[0].pos.column == 3);
}

TEST_CASE("syntax_check: migrations: empty, description length, command indexes",
          "[syntax_check]") {
  ast::StartMigration m;
  m.pos = {10, 1};
  {
    const auto issues = syntax_check(m);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].code == Code::kEmptyMigration);
    CHECK(issues[0].message == "migration must contain at least one command");
    CHECK(issues[0].pos.line == 10);
    CHECK(issues[0].command == 0);
  }
  add_command(&m, ast::DropIndex{"i"}, false);
  m.description = std::string(500, 'x');
  CHECK(syntax_check(m).empty());
  std::string accents;  // 500 code points, 1000 bytes: still fine
  for (int i = 0; i < 500; ++i) accents += "\xc3\xa9";
  m.description = accents;
  CHECK(syntax_check(m).empty());
  m.description = accents + "!";
  {
    const auto issues = syntax_check(m);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].code == Code::kDescriptionTooLong);
    CHECK(issues[0].message == "description exceeds 500 character limit");
  }
  m.description.reset();
  add_command(&m, bundle("A", {field("x", "NUMBER", nullptr, 12, 9)}), false);
  ast::AddDocument bad_doc;
  bad_doc.values = 5;
  bad_doc.pos = {13, 5};
  add_command(&m, bad_doc, false);
  m.has_down = true;
  add_command(&m, ast::DropIndex{"i"}, true);
  add_command(
      &m, bundle("C", {field("y", "INT", nullptr, 15, 5), field("y", "INT", nullptr, 16, 5)}),
      true);
  const auto issues = syntax_check(m);
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].code == Code::kUnknownType);
  CHECK(issues[0].command == 2);
  CHECK(issues[0].pos.line == 12);
  CHECK(issues[1].code == Code::kInvalidValue);
  CHECK(issues[1].command == 3);
  CHECK(issues[1].pos.line == 13);
  CHECK(issues[2].code == Code::kFieldExists);
  CHECK(issues[2].command == 5);  // DOWN commands continue the count after UP
  CHECK(issues[2].pos.line == 16);
}

TEST_CASE("syntax_check: positions of parsed text are stream positions", "[syntax_check]") {
  // The seed's validation-failure migration, with a bad type in command 2, fed through the
  // splitter and parsed at its stream position as `strata check` and the server do.
  const std::string stream =
      "USE \"production\";\n"
      "START MIGRATION WITH DESCRIPTION \"Add user ratings\"\n"
      "    UPDATE BUNDLE \"Users\"\n"
      "    ADD FIELD {\"rating\", INTEGER, true, false};\n"
      "    UPDATE BUNDLE \"NonexistentBundle\"\n"
      "    ADD FIELD {\"test\", STRNG, false, false};\n"
      "DOWN\n"
      "    UPDATE BUNDLE \"Users\" REMOVE FIELD \"rating\";\n"
      "    CREATE BUNDLE \"X\" WITH FIELDS ({\"a\", INT, false, false}, {\"a\", INT, false, "
      "false});\n"
      "COMMIT\n";
  StatementSplitter splitter;
  splitter.feed(stream);
  splitter.finish();
  REQUIRE(splitter.next().has_value());  // USE
  const auto migration = splitter.next();
  REQUIRE(migration.has_value());
  CHECK(migration->line == 2);
  CHECK(migration->column == 1);
  const ParseResult r = parse(migration->text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 1);
  const auto issues = syntax_check(r.script().front());
  REQUIRE(issues.size() == 2);
  // Positions count from the migration's START; position_in_stream adds where it starts.
  CHECK(issues[0].code == Code::kUnknownType);
  CHECK(issues[0].message == "Unknown type 'STRNG' for field 'test'");
  CHECK(issues[0].command == 2);
  CHECK(issues[0].pos.line == 5);
  CHECK(issues[0].pos.column == 15);
  const StreamPosition first = position_in_stream(*migration, 5, 15);
  CHECK(first.line == 6);
  CHECK(first.column == 15);
  CHECK(issues[1].code == Code::kFieldExists);
  CHECK(issues[1].command == 4);
  CHECK(issues[1].pos.line == 8);
  CHECK(issues[1].pos.column == 62);
  const StreamPosition on_first_line = position_in_stream(*migration, 1, 7);
  CHECK(on_first_line.line == 2);
  CHECK(on_first_line.column == 7);
}

}  // namespace strata::parser
