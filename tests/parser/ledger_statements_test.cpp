// The statements of SPEC §3.5's second half, §4.13, §4.14, §6 and §11 (migration identity and
// batches, approvals, SHOW SCHEMA / LOCKS, CANCEL SESSION, PROTOCOL_VERSION and the driver's
// connection string): each parses to the expected AST, prints as its exact canonical text,
// and parses back from it.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "parser/canonical.hpp"
#include "parser/migration_command.hpp"
#include "parser/parser.hpp"
#include "parser/syntax_check.hpp"

namespace strata::parser {
namespace {

using namespace ast;  // NOLINT: test tables read better unqualified

struct Case {
  std::string text;       // as a user may write it
  Statement expected;     // the AST
  std::string canonical;  // its canonical text
};

template <typename T>
T with(uint64_t version) {
  T s;
  s.version = version;
  return s;
}

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({R"(cancel session 42 "abc")", CancelSession{42, "abc", {}},
               R"(CANCEL SESSION 42 "abc")"});
  c.push_back({"PROTOCOL_VERSION 2", with<ProtocolVersion>(2), "PROTOCOL_VERSION 2"});
  c.push_back({"  SyndrDB://10.0.0.1:1776:main:admin:p:a\"s -- s/*x  ",
               Connect{"10.0.0.1", "1776", "main", "admin", "p:a\"s -- s/*x", {}},
               "syndrdb://10.0.0.1:1776:main:admin:p:a\"s -- s/*x"});
  c.push_back({"syndrdb://::db:u:", Connect{"", "", "db", "u", "", {}}, "syndrdb://::db:u:"});
  c.push_back({"show locks", ShowLocks{}, "SHOW LOCKS"});
  c.push_back({"SHOW SCHEMA", ShowSchema{}, "SHOW SCHEMA"});
  c.push_back({"show schema at version 0", ShowSchema{0, {}}, "SHOW SCHEMA AT VERSION 0"});
  c.push_back({"VALIDATE MIGRATIONS UP TO VERSION 5", ValidateMigrations{5, {}},
               "VALIDATE MIGRATIONS UP TO VERSION 5"});
  {
    ApplyMigrations a;
    a.up_to = 5;
    c.push_back({"APPLY MIGRATIONS UP TO VERSION 5", a, "APPLY MIGRATIONS UP TO VERSION 5"});
    a.force = true;
    a.approval = "t";
    c.push_back({R"(apply migrations up to version 5 force with approval "t")", a,
                 R"(APPLY MIGRATIONS UP TO VERSION 5 FORCE WITH APPROVAL "t")"});
    a.up_to.reset();
    c.push_back({R"(APPLY PENDING MIGRATIONS FORCE WITH APPROVAL "t")", a,
                 R"(APPLY PENDING MIGRATIONS FORCE WITH APPROVAL "t")"});
    a.force = false;
    a.approval.reset();
    c.push_back({"APPLY PENDING MIGRATIONS", a, "APPLY PENDING MIGRATIONS"});
  }
  {
    ApplyMigration a;
    a.version = 3;
    a.approval = "tok\"en";
    c.push_back({R"(APPLY MIGRATION WITH VERSION 3 WITH APPROVAL "tok\"en")", a,
                 R"(APPLY MIGRATION WITH VERSION 3 WITH APPROVAL "tok\"en")"});
    a.force = true;
    c.push_back({R"(APPLY MIGRATION WITH VERSION 3 FORCE WITH APPROVAL "tok\"en")", a,
                 R"(APPLY MIGRATION WITH VERSION 3 FORCE WITH APPROVAL "tok\"en")"});
  }
  {
    ApplyRollback a;
    a.version = 2;
    c.push_back({"APPLY ROLLBACK TO VERSION 2", a, "APPLY ROLLBACK TO VERSION 2"});
    a.force = true;
    c.push_back({"apply rollback to version 2 force", a, "APPLY ROLLBACK TO VERSION 2 FORCE"});
    a.approval = "t";
    c.push_back({R"(APPLY ROLLBACK TO VERSION 2 FORCE WITH APPROVAL "t")", a,
                 R"(APPLY ROLLBACK TO VERSION 2 FORCE WITH APPROVAL "t")"});
  }
  c.push_back({"APPROVE MIGRATION WITH VERSION 4 FORCE", with<ApproveMigration>(4),
               "APPROVE MIGRATION WITH VERSION 4 FORCE"});
  c.push_back({"approve migrations up to version 3 force", ApproveMigrations{3, {}},
               "APPROVE MIGRATIONS UP TO VERSION 3 FORCE"});
  c.push_back({"APPROVE PENDING MIGRATIONS FORCE", ApproveMigrations{std::nullopt, {}},
               "APPROVE PENDING MIGRATIONS FORCE"});
  c.push_back({"approve rollback to version 1", ApproveRollback{1, false, {}},
               "APPROVE ROLLBACK TO VERSION 1"});
  c.push_back({"approve rollback to version -2", ApproveRollback{2, false, {}, true},
               "APPROVE ROLLBACK TO VERSION -2"});
  c.push_back({"APPROVE ROLLBACK TO VERSION 1 FORCE", ApproveRollback{1, true, {}},
               "APPROVE ROLLBACK TO VERSION 1 FORCE"});
  {
    ShowMigrations s;
    s.filters = {{"name", CompareOp::kEq, "003_add_phone"}, {"Batch", CompareOp::kGt, 1}};
    c.push_back({R"(SHOW MIGRATIONS WHERE name = "003_add_phone" AND Batch > 1)", s,
                 R"(SHOW MIGRATIONS WHERE name == "003_add_phone" AND Batch > 1)"});
  }
  {
    StartMigration m;
    m.version = 3;
    m.name = "003_add_phone";
    c.push_back({"start migration version 3 name \"003_add_phone\" commit", m,
                 "START MIGRATION VERSION 3 NAME \"003_add_phone\"\nCOMMIT"});
    m.description = "Add phone";
    UpdateBundle u;
    u.bundle = "Users";
    u.changes.push_back(RemoveField{"phone"});
    add_command(&m, u, false);
    c.push_back({"START MIGRATION VERSION 3 NAME \"003_add_phone\" WITH DESCRIPTION \"Add "
                 "phone\"\n  UPDATE BUNDLE \"Users\" REMOVE FIELD \"phone\"\nCOMMIT",
                 m,
                 "START MIGRATION VERSION 3 NAME \"003_add_phone\" WITH DESCRIPTION \"Add "
                 "phone\"\n  UPDATE BUNDLE \"Users\" REMOVE FIELD \"phone\";\nCOMMIT"});
  }
  return c;
}

}  // namespace

TEST_CASE("ledger statements: parse, canonical text, round trip", "[parser][canonical]") {
  for (const Case& c : cases()) {
    INFO(c.text);
    const ParseResult r = parse(c.text);
    if (!r.ok()) FAIL_CHECK(r.error().message);
    REQUIRE(r.ok());
    REQUIRE(r.script().size() == 1);
    CHECK(r.script()[0].index() == c.expected.index());
    CHECK(r.script()[0] == c.expected);
    CHECK(canonical(c.expected) == c.canonical);
    const ParseResult back = parse(c.canonical);
    REQUIRE(back.ok());
    REQUIRE(back.script().size() == 1);
    CHECK(back.script()[0] == c.expected);
  }
}

TEST_CASE("ledger statements: VERSION and NAME of START MIGRATION", "[parser]") {
  // Equality sees them: a different version or name is a different migration.
  const ParseResult a = parse("START MIGRATION VERSION 1 NAME \"a\" COMMIT");
  const ParseResult b = parse("START MIGRATION VERSION 2 NAME \"a\" COMMIT");
  const ParseResult c = parse("START MIGRATION VERSION 1 NAME \"b\" COMMIT");
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK_FALSE(a.script()[0] == b.script()[0]);
  CHECK_FALSE(a.script()[0] == c.script()[0]);
  // The order is fixed: VERSION, NAME, WITH DESCRIPTION.
  CHECK_FALSE(parse("START MIGRATION NAME \"a\" VERSION 1 COMMIT").ok());
  // The syntax phase bounds the name at 200 characters (code points), as the description at 500.
  const std::string name200 = std::string(198, 'n') + "\xc3\xa9\xc3\xa9";
  const ParseResult ok = parse("START MIGRATION NAME \"" + name200 + "\" DROP INDEX \"i\" COMMIT");
  REQUIRE(ok.ok());
  CHECK(syntax_check(ok.script()[0]).empty());
  const ParseResult long_name =
      parse("START MIGRATION NAME \"" + name200 + "x\" DROP INDEX \"i\" COMMIT");
  REQUIRE(long_name.ok());
  const std::vector<SyntaxIssue> issues = syntax_check(long_name.script()[0]);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == Code::kNameTooLong);
  CHECK(issues[0].message == "migration name exceeds 200 character limit");
}

TEST_CASE("ledger statements: a connection string is a statement of its own", "[parser]") {
  // Its password runs to the ';' that ends it; the next statement is parsed as usual.
  const ParseResult r = parse("syndrdb://h:1:db:u:p w;\n PING");
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 2);
  CHECK(std::get<Connect>(r.script()[0]).password == "p w");
  CHECK(std::holds_alternative<Ping>(r.script()[1]));
  CHECK(position_of(r.script()[1]).line == 1);  // counted from PING itself
  CHECK(position_of(r.script()[1]).column == 1);
  // Inside a word it is no scheme: `xsyndrdb://...` is not a statement.
  CHECK_FALSE(parse("xsyndrdb://h:1:db:u:p").ok());
}

}  // namespace strata::parser
