// The canonical printer (src/parser/canonical.hpp): exact seed-form text for hand-built ASTs,
// and the round trip parse(canonical(x)) == x for every statement form of SPEC §3 (both
// spellings), for every statement of every examples/*.sql, and for ASTs the parser would only
// produce through odd inputs (nested conditions, floats, escapes).
#include "parser/canonical.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parser/migration_command.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_corpus.hpp"

namespace strata::parser {
namespace {

ast::Statement parse_one(const std::string& text) {
  ParseResult r = parse(text);
  INFO("text: " << text);
  if (!r.ok())
    FAIL("parse error " << r.error().line << ":" << r.error().column << ": " << r.error().message);
  REQUIRE(r.script().size() == 1);
  return r.script().front();
}

// parse(canonical(x)) == x, canonical is deterministic and a fixed point.
void check_round_trip(const ast::Statement& x) {
  const std::string text = canonical(x);
  INFO("canonical: " << text);
  CHECK(canonical(x) == text);
  const ast::Statement back = parse_one(text);
  CHECK(back == x);
  CHECK(canonical(back) == text);
}

ast::Condition cmp(std::string field, ast::CompareOp op, Json value) {
  ast::Condition c;
  c.compare = ast::Comparison{std::move(field), op, std::move(value), {}};
  return c;
}

ast::Condition node(ast::Condition::Kind kind, std::vector<ast::Condition> children) {
  ast::Condition c;
  c.kind = kind;
  c.children = std::move(children);
  return c;
}

using K = ast::Condition::Kind;
using Op = ast::CompareOp;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("canonical: exact text of hand-built statements", "[canonical]") {
  ast::CreateBundle b;
  b.bundle = "Users";
  b.fields.push_back({"id", "STRING", true, true, nullptr, {}});
  b.fields.push_back({"score", "FLOAT", false, false, 1.0, {}});
  b.fields.push_back(
      {"x", "VAR CHAR", false, false, Json::parse(R"({"b":1,"a":[true,null]})"), {}});
  CHECK(
      canonical(b) ==
      R"(CREATE BUNDLE "Users" WITH FIELDS ({"id", STRING, true, true}, {"score", FLOAT, false, false, 1.0}, {"x", "VAR CHAR", false, false, {"a":[true,null],"b":1}}))");

  ast::UpdateBundle u;
  u.bundle = "A";
  u.changes.push_back(ast::AddField{{"p", "INT", false, false, nullptr, {}}});
  u.changes.push_back(ast::RemoveField{"q"});
  u.changes.push_back(ast::AddRelationship{{"r", "A", "B", "1toMany", "id", "a_id"}});
  u.changes.push_back(ast::AddRelationship{{"s", "A", "C", "", "", ""}});
  CHECK(
      canonical(u) ==
      R"(UPDATE BUNDLE "A" ADD FIELD {"p", INT, false, false}, REMOVE FIELD "q", ADD RELATIONSHIP "r" FROM BUNDLE "A" FIELD "id" TO BUNDLE "B" FIELD "a_id" CARDINALITY "1toMany", ADD RELATIONSHIP "s" FROM BUNDLE "A" TO BUNDLE "C")");

  CHECK(canonical(ast::RestoreDocuments{"Users", 5, {}}) ==
        R"(RESTORE DOCUMENTS TO BUNDLE "Users" FROM MIGRATION 5)");
  CHECK(
      canonical(ast::CreateIndex{"Reviews_product_id_hash",
                                 ast::IndexKind::kHash,
                                 "Reviews",
                                 {"product_id"},
                                 false,
                                 {}}) ==
      R"(CREATE INDEX "Reviews_product_id_hash" HASH ON BUNDLE "Reviews" WITH FIELDS ("product_id"))");
  CHECK(canonical(ast::DropBundle{"B", true, {}}) == R"(DROP BUNDLE "B" WITH FORCE)");
  CHECK(canonical(ast::ApplyMigration{3, true, {}, {}}) == "APPLY MIGRATION WITH VERSION 3 FORCE");

  ast::StartMigration m;
  m.description = "d";
  add_command(&m, ast::DropIndex{"i", {}}, false);
  add_command(&m, ast::DropBundle{"B", false, {}}, false);
  m.has_down = true;
  add_command(&m, ast::RestoreDocuments{"B", 2, {}}, true);
  CHECK(canonical(m) ==
        "START MIGRATION WITH DESCRIPTION \"d\"\n  DROP INDEX \"i\";\n  DROP BUNDLE \"B\";\nDOWN\n"
        "  RESTORE DOCUMENTS TO BUNDLE \"B\" FROM MIGRATION 2;\nCOMMIT");
  CHECK(canonical(ast::StartMigration{}) == "START MIGRATION\nCOMMIT");
}

TEST_CASE("canonical: quoting and JSON values", "[canonical]") {
  CHECK(quote("plain") == "\"plain\"");
  CHECK(quote("a\"b\\c\n\t\x01") == R"("a\"b\\c\n\t\u0001")");
  CHECK(quote("\xc3\xa9") == "\"\xc3\xa9\"");
  CHECK(quote(std::string("\xff\x00", 2)) == std::string("\"\xff\\u0000\"", 9));
  ast::AddDocument d;
  d.bundle = "B";
  d.values = Json::parse(
      R"({"z": 1.0, "a": -0.5, "m": 1e300, "i": -7, "u": 18446744073709551615, "s": "x\u0001"})");
  CHECK(
      canonical(d) ==
      R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a":-0.5,"i":-7,"m":1e+300,"s":"x\u0001","u":18446744073709551615,"z":1.0}))");
  ast::Statement bad_utf8 = ast::AddDocument{"B", Json{{"k", std::string("\xff")}}, {}};
  CHECK(canonical(bad_utf8) == "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"k\":\"\xff\"})");
}

TEST_CASE("canonical: conditions are parenthesized by precedence NOT > AND > OR", "[canonical]") {
  const auto a = cmp("a", Op::kEq, 1), b = cmp("b", Op::kNe, "x"), c = cmp("c", Op::kLt, 2.5),
             d = cmp("d", Op::kGe, -3);
  CHECK(canonical(node(K::kOr, {a, node(K::kAnd, {b, c})})) ==
        R"("a" == 1 OR "b" != "x" AND "c" < 2.5)");
  CHECK(canonical(node(K::kAnd, {node(K::kOr, {a, b}), c})) ==
        R"(("a" == 1 OR "b" != "x") AND "c" < 2.5)");
  CHECK(canonical(node(K::kNot, {node(K::kAnd, {a, b})})) == R"(NOT ("a" == 1 AND "b" != "x"))");
  CHECK(canonical(node(K::kNot, {node(K::kNot, {a})})) == R"(NOT NOT "a" == 1)");
  CHECK(canonical(node(K::kAnd, {node(K::kNot, {a}), d})) == R"(NOT "a" == 1 AND "d" >= -3)");
  CHECK(canonical(node(K::kAnd, {node(K::kAnd, {a, b}), c})) ==
        R"(("a" == 1 AND "b" != "x") AND "c" < 2.5)");
}

TEST_CASE("canonical: round trip of every statement form, both spellings", "[canonical]") {
  for (const std::string& text : testing::statement_corpus()) {
    INFO("input: " << text);
    check_round_trip(parse_one(text));
  }
}

TEST_CASE("canonical: both spellings print the same canonical text", "[canonical]") {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {R"(CREATE BUNDLE "T" WITH FIELDS ({"x", "STRING", TRUE, FALSE, NULL}))",
       R"(CREATE BUNDLE "T" WITH FIELDS ({"x", STRING, true, false}))"},
      {R"(UPDATE BUNDLE "A" ADD RELATIONSHIP ( "r" {"1toMany", "A", "id", "B", "a_id"} ))",
       R"(UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" FIELD "id" TO BUNDLE "B" FIELD "a_id" CARDINALITY "1toMany")"},
      {R"(CREATE HASH INDEX "n" ON BUNDLE "B" WITH FIELDS ("f"))",
       R"(CREATE INDEX "n" HASH ON BUNDLE "B" WITH FIELDS ("f"))"},
      {R"(ADD DOCUMENT TO BUNDLE "B" WITH ( {"f" = "v"}, {"g" = 2} ))",
       R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"g": 2, "f": "v"}))"},
      {R"(CREATE INDEX HASH ON BUNDLE "B" WITH FIELD "f")",
       R"(CREATE INDEX "B_f_hash" HASH ON BUNDLE "B" WITH FIELDS ("f"))"},
      {"STATUS", "PING"},
      {R"(SELECT * FROM "B")", R"(SELECT DOCUMENTS FROM "B")"},
  };
  for (const auto& [syndrql, seed] : pairs) {
    INFO(syndrql << "  vs  " << seed);
    CHECK(canonical(parse_one(syndrql)) == canonical(parse_one(seed)));
  }
}

TEST_CASE("canonical: round trip of every statement of every example", "[canonical]") {
  size_t statements = 0;
  for (const auto& e : std::filesystem::directory_iterator(STRATA_SOURCE_DIR "/examples")) {
    if (e.path().extension() != ".sql") continue;
    INFO(e.path().string());
    StatementSplitter splitter;
    splitter.feed(read_file(e.path()));
    splitter.finish();
    while (auto s = splitter.next()) {
      ParseResult r = parse(s->text);
      INFO("statement at " << s->line << ":" << s->column << ": " << s->text);
      REQUIRE(r.ok());
      for (const ast::Statement& x : r.script()) {
        check_round_trip(x);
        ++statements;
      }
    }
  }
  CHECK(statements > 60);
}

TEST_CASE("canonical: round trip of hand-built ASTs", "[canonical]") {
  const auto a = cmp("a", Op::kEq, 1), b = cmp("b b", Op::kNe, "x\"y"),
             c = cmp("DocumentID", Op::kLt, 2.0), d = cmp("d", Op::kGe, -1e-7);
  const std::vector<ast::Condition> conditions = {
      a,
      node(K::kOr, {a, node(K::kAnd, {b, c}), d}),
      node(K::kAnd, {node(K::kOr, {a, b}), node(K::kOr, {c, d})}),
      node(K::kNot, {node(K::kOr, {a, node(K::kNot, {b})})}),
      node(K::kAnd, {node(K::kAnd, {a, b}), c}),
      node(K::kOr, {node(K::kOr, {a, b}), node(K::kNot, {node(K::kNot, {c})})}),
  };
  for (const ast::Condition& cond : conditions) {
    ast::SelectDocuments s;
    s.bundle = "B";
    s.where = cond;
    s.order_by = ast::OrderBy{"created at", true};
    s.limit = 7;
    check_round_trip(s);
    check_round_trip(ast::DeleteDocuments{"B", cond, {}});
  }
  for (const Json& v :
       {Json(1.0), Json(0.1), Json(-0.0), Json(1e300), Json(5e-324), Json(123456789.125),
        Json(-9223372036854775807LL - 1), Json(18446744073709551615ULL), Json("\u00e9\x01\x7f"),
        Json::parse(R"({"k":[1,2.0,{"n":null}],"e":{}, "a":[]})")}) {
    INFO(v.dump());
    check_round_trip(ast::AddDocument{"B", Json{{"v", v}}, {}});
    check_round_trip(ast::SetSetting{"MigrationPerformanceThreshold", v, {}});
    ast::CreateBundle b;
    b.bundle = "B";
    b.fields.push_back({"f", "JSON", true, false, v, {}});
    check_round_trip(b);
    const ast::Statement back = parse_one(canonical(ast::AddDocument{"B", Json{{"v", v}}, {}}));
    CHECK(std::get<ast::AddDocument>(back).values["v"].type() == v.type());
  }
  ast::UpdateBundle u;
  u.bundle = "Users";
  u.changes = {ast::SetBundleName{"People"},
               ast::AddField{{"a", "DATETIME", true, false, "2024-01-10T10:00:00Z", {}}},
               ast::RenameField{"a", "b"},
               ast::ModifyField{{"b", "UNKNOWNTYPE", false, true, nullptr, {}}},
               ast::AddRelationship{{"r", "Users", "Orders", "ManyToMany", "", "uid"}},
               ast::RemoveRelationship{"old"},
               ast::RemoveField{"c"}};
  check_round_trip(u);
  const auto migration = [&](bool has_down, bool with_down_commands) {
    ast::StartMigration m;
    m.description = std::string("multi\nline \"quoted\"");
    add_command(&m, u, false);
    add_command(&m, ast::AddDocument{"Users", Json{{"id", "u1"}}, {}}, false);
    m.has_down = has_down;
    if (with_down_commands) {
      add_command(&m, ast::RestoreDocuments{"Users", 12, {}}, true);
      add_command(&m, ast::DropBundle{"People", false, {}}, true);
    }
    return m;
  };
  check_round_trip(migration(true, true));
  check_round_trip(migration(true, false));  // an empty DOWN section stays a DOWN section
  check_round_trip(migration(false, false));
  CHECK_FALSE(migration(true, true) == migration(true, false));
  CHECK_FALSE(migration(true, false) == migration(false, false));
  check_round_trip(ast::CreateUser{"u", "p w", ast::Role::kMigrator, {}});
  check_round_trip(ast::AlterUserRole{"u", ast::Role::kReader, {}});
  check_round_trip(
      ast::ShowMigrations{"db", {{"Status", Op::kNe, "APPLIED"}, {"Version", Op::kLe, 3}}, {}});
}

}  // namespace strata::parser
