// Every statement form of SPEC §3, in the seed spelling and the SyndrQL spelling, parses to
// the expected AST (table-driven). Positions compare equal by design (ast.hpp), so a few
// cases check line and column explicitly.

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "parser/migration_command.hpp"
#include "parser/parser.hpp"

namespace {

using namespace strata::ast;  // NOLINT: test tables read better unqualified
using strata::Json;

FieldDef fd(std::string name, std::string type, bool required, bool unique,
            Json default_value = nullptr) {
  FieldDef f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  f.unique = unique;
  f.default_value = std::move(default_value);
  return f;
}

Condition cmp(std::string field, CompareOp op, Json value) {
  Condition c;
  c.kind = Condition::Kind::kCompare;
  c.compare.field = std::move(field);
  c.compare.op = op;
  c.compare.value = std::move(value);
  return c;
}

Condition node(Condition::Kind kind, std::vector<Condition> children) {
  Condition c;
  c.kind = kind;
  c.children = std::move(children);
  return c;
}

RelationshipDef rel(std::string name, std::string from, std::string to,
                    std::string cardinality = "", std::string from_field = "",
                    std::string to_field = "") {
  RelationshipDef r;
  r.name = std::move(name);
  r.from_bundle = std::move(from);
  r.to_bundle = std::move(to);
  r.cardinality = std::move(cardinality);
  r.from_field = std::move(from_field);
  r.to_field = std::move(to_field);
  return r;
}

UpdateBundle update(std::string bundle, std::vector<BundleChange> changes) {
  UpdateBundle u;
  u.bundle = std::move(bundle);
  u.changes = std::move(changes);
  return u;
}

CreateIndex index(std::string name, IndexKind kind, std::string bundle,
                  std::vector<std::string> fields, bool unique) {
  CreateIndex i;
  i.name = std::move(name);
  i.kind = kind;
  i.bundle = std::move(bundle);
  i.fields = std::move(fields);
  i.unique = unique;
  return i;
}

SelectDocuments select(std::string bundle, std::optional<Condition> where = std::nullopt,
                       std::optional<OrderBy> order = std::nullopt,
                       std::optional<uint64_t> limit = std::nullopt) {
  SelectDocuments s;
  s.bundle = std::move(bundle);
  s.where = std::move(where);
  s.order_by = std::move(order);
  s.limit = limit;
  return s;
}

template <typename T>
T named(std::string T::*member, std::string value) {
  T t;
  t.*member = std::move(value);
  return t;
}

template <typename T>
T versioned(uint64_t v) {
  T t;
  t.version = v;
  return t;
}

struct Case {
  std::string text;
  Statement expected;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  // §3.1 sessions and databases
  c.push_back({R"(CREATE DATABASE "shop")", named(&CreateDatabase::name, "shop")});
  c.push_back({R"(create database "shop";)", named(&CreateDatabase::name, "shop")});
  c.push_back({R"(DROP DATABASE "shop")", named(&DropDatabase::name, "shop")});
  c.push_back({R"(USE "production")", named(&UseDatabase::name, "production")});
  c.push_back({R"(use "db \"x\" \u00e9")", named(&UseDatabase::name, "db \"x\" \xc3\xa9")});
  c.push_back({"SHOW DATABASES", ShowDatabases{}});
  c.push_back({R"(AUTH "admin" "s3cret")", Auth{"admin", "s3cret", {}}});
  c.push_back({"PING", Ping{}});
  c.push_back({"status", Ping{}});

  // §3.2 CREATE BUNDLE, seed and SyndrQL
  {
    CreateBundle b;
    b.bundle = "Users";
    b.fields = {fd("id", "STRING", true, true), fd("age", "INT", false, false, 18),
                fd("tags", "JSON", false, false, Json::array({"a", 1})),
                fd("name", "VARCHAR", true, false)};
    c.push_back({R"(CREATE BUNDLE "Users" WITH FIELDS (
        {"id", STRING, true, true}, {"age", int, FALSE, False, 18},
        {"tags", Json, false, false, ["a", 1]}, {"name", varchar, TRUE, false}))",
                 b});
    c.push_back({R"(CREATE BUNDLE "Users" WITH FIELDS ({"id", "STRING", TRUE, TRUE, NULL},
        {"age", "int", FALSE, FALSE, 18}, {"tags", "JSON", FALSE, FALSE, ["a", 1]},
        {"name", "VARCHAR", TRUE, FALSE, NULL}))",
                 b});
  }

  // UPDATE BUNDLE, seed forms
  c.push_back(
      {R"(UPDATE BUNDLE "Users" SET NAME = "People")", update("Users", {SetBundleName{"People"}})});
  c.push_back({R"(UPDATE BUNDLE "Users" ADD FIELD {"phone", STRING, false, false})",
               update("Users", {AddField{fd("phone", "STRING", false, false)}})});
  c.push_back(
      {R"(UPDATE BUNDLE "Users" REMOVE FIELD "phone")", update("Users", {RemoveField{"phone"}})});
  c.push_back({R"(UPDATE BUNDLE "Users" RENAME FIELD "phone" TO "mobile")",
               update("Users", {RenameField{"phone", "mobile"}})});
  c.push_back({R"(UPDATE BUNDLE "Users" MODIFY FIELD {"age", FLOAT, true, false, 0.5})",
               update("Users", {ModifyField{fd("age", "FLOAT", true, false, 0.5)}})});
  c.push_back({R"(UPDATE BUNDLE "Users" ADD FIELD {"a", TEXT, false, false},
                  REMOVE FIELD "b", RENAME FIELD "c" TO "d", SET NAME = "E")",
               update("Users", {AddField{fd("a", "TEXT", false, false)}, RemoveField{"b"},
                                RenameField{"c", "d"}, SetBundleName{"E"}})});
  // UPDATE BUNDLE, SyndrQL SET list
  c.push_back(
      {R"(UPDATE BUNDLE "Users" SET (
        {ADD "phone" = "phone", "STRING", FALSE, FALSE, NULL},
        {MODIFY "age" = "years", "INT", TRUE, FALSE, 0},
        {MODIFY "name" = "name", "TEXT", FALSE, FALSE, NULL},
        {REMOVE "old" = "", "", FALSE, FALSE, NULL}))",
       update("Users", {AddField{fd("phone", "STRING", false, false)}, RenameField{"age", "years"},
                        ModifyField{fd("years", "INT", true, false, 0)},
                        ModifyField{fd("name", "TEXT", false, false)}, RemoveField{"old"}})});
  // Relationships
  c.push_back({R"(UPDATE BUNDLE "Orders" ADD RELATIONSHIP "product_orders"
                  FROM BUNDLE "Orders" TO BUNDLE "Products")",
               update("Orders", {AddRelationship{rel("product_orders", "Orders", "Products")}})});
  c.push_back({R"(UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" FIELD "id"
                  TO BUNDLE "B" FIELD "a_id" CARDINALITY "1tomany")",
               update("A", {AddRelationship{rel("r", "A", "B", "1toMany", "id", "a_id")}})});
  c.push_back({R"(UPDATE BUNDLE "A" ADD RELATIONSHIP ( "r" {"1toMany", "A", "id", "B", "a_id"},
                  "s" {"ManyToMany", "A", "id", "C", "a_id"} ))",
               update("A", {AddRelationship{rel("r", "A", "B", "1toMany", "id", "a_id")},
                            AddRelationship{rel("s", "A", "C", "ManyToMany", "id", "a_id")}})});
  c.push_back(
      {R"(UPDATE BUNDLE "A" REMOVE RELATIONSHIP "r")", update("A", {RemoveRelationship{"r"}})});
  // DROP BUNDLE
  c.push_back({R"(DROP BUNDLE "B")", DropBundle{"B", false, {}}});
  c.push_back({R"(DROP BUNDLE "B" WITH FORCE)", DropBundle{"B", true, {}}});
  // Indexes: short seed forms
  c.push_back(
      {R"(CREATE INDEX HASH ON BUNDLE "Reviews" WITH FIELD "product_id")",
       index("Reviews_product_id_hash", IndexKind::kHash, "Reviews", {"product_id"}, false)});
  c.push_back({R"(CREATE INDEX BTREE ON BUNDLE "B" WITH FIELD "f")",
               index("B_f_btree", IndexKind::kBtree, "B", {"f"}, false)});
  c.push_back({R"(create index b-tree on bundle "B" with field "f")",
               index("B_f_btree", IndexKind::kBtree, "B", {"f"}, false)});
  // named seed forms
  c.push_back({R"(CREATE UNIQUE INDEX "by_email" HASH ON BUNDLE "Users" WITH FIELDS ("email"))",
               index("by_email", IndexKind::kHash, "Users", {"email"}, true)});
  c.push_back({R"(CREATE INDEX "by_name" BTREE ON BUNDLE "Users" WITH FIELDS ("last", "first"))",
               index("by_name", IndexKind::kBtree, "Users", {"last", "first"}, false)});
  c.push_back({R"(CREATE INDEX "u" HASH ON BUNDLE "U" WITH FIELDS ("a", {"b", true}))",
               index("u", IndexKind::kHash, "U", {"a", "b"}, true)});
  // SyndrQL forms
  c.push_back({R"(CREATE HASH INDEX "n" ON BUNDLE "B" WITH FIELDS ("f"))",
               index("n", IndexKind::kHash, "B", {"f"}, false)});
  c.push_back(
      {R"(CREATE B-INDEX "n" ON BUNDLE "B" WITH FIELDS ({"f", true, false}, {"g", false, false}))",
       index("n", IndexKind::kBtree, "B", {"f", "g"}, false)});
  c.push_back({R"(CREATE B-INDEX "n" ON BUNDLE "B" WITH FIELDS ({"f", false, true}))",
               index("n", IndexKind::kBtree, "B", {"f"}, true)});
  c.push_back({R"(CREATE H-INDEX "n" ON BUNDLE "B" WITH FIELDS ("f"))",
               index("n", IndexKind::kHash, "B", {"f"}, false)});
  c.push_back({R"(DROP INDEX "n")", named(&DropIndex::name, "n")});

  // §3.3 documents
  {
    AddDocument d;
    d.bundle = "Roles";
    d.values = {{"id", "admin"},
                {"n", -3},
                {"x", 2.5},
                {"e", 1e3},
                {"ok", true},
                {"none", nullptr},
                {"permissions", Json::array({"*"})}};
    c.push_back({R"(ADD DOCUMENT TO BUNDLE "Roles" WITH VALUES (
        {"id": "admin", "n": -3, "x": 2.5, "e": 1e3, "ok": TRUE, "none": null,
         "permissions": ["*"]}))",
                 d});
    c.push_back({R"(ADD DOCUMENT TO BUNDLE "Roles" WITH ({"id" = "admin"}, {"n" = -3},
        {"x" = 2.5}, {"e" = 1E3}, {"ok" = true}, {"none" = NULL}, {"permissions" = ["*"]}))",
                 d});
  }
  c.push_back({R"(SELECT DOCUMENTS FROM "Users")", select("Users")});
  c.push_back({R"(SELECT * FROM "Users")", select("Users")});
  c.push_back({R"(SELECT * FROM BUNDLE "Users" WHERE age >= 3)",
               select("Users", cmp("age", CompareOp::kGe, 3))});
  c.push_back(
      {R"(SELECT DOCUMENTS FROM "Orders" WHERE Status = "PENDING" ORDER BY created_at DESC LIMIT 10)",
       select("Orders", cmp("Status", CompareOp::kEq, "PENDING"), OrderBy{"created_at", true},
              10)});
  c.push_back({R"(SELECT * FROM "O" ORDER BY "total" ASC)",
               select("O", std::nullopt, OrderBy{"total", false})});
  c.push_back(
      {R"(SELECT * FROM "O" WHERE a == 1 OR b != 2 AND NOT c < 3)",
       select("O", node(Condition::Kind::kOr,
                        {cmp("a", CompareOp::kEq, 1),
                         node(Condition::Kind::kAnd,
                              {cmp("b", CompareOp::kNe, 2),
                               node(Condition::Kind::kNot, {cmp("c", CompareOp::kLt, 3)})})}))});
  c.push_back({R"(SELECT * FROM "O" WHERE (a <= 1 OR "b" > 2) AND DocumentID == "d1" AND x = null)",
               select("O", node(Condition::Kind::kAnd,
                                {node(Condition::Kind::kOr,
                                      {cmp("a", CompareOp::kLe, 1), cmp("b", CompareOp::kGt, 2)}),
                                 cmp("DocumentID", CompareOp::kEq, "d1"),
                                 cmp("x", CompareOp::kEq, nullptr)}))});
  {
    SelectCount s;
    s.bundle = "Users";
    c.push_back({R"(SELECT COUNT FROM "Users")", s});
    s.where = cmp("active", CompareOp::kEq, true);
    c.push_back({R"(SELECT COUNT FROM "Users" WHERE active == TRUE)", s});
  }
  {
    UpdateDocuments u;
    u.bundle = "Users";
    u.assignments = {{"status", "active"}, {"score", 1.5}};
    u.where = cmp("id", CompareOp::kEq, "u1");
    c.push_back(
        {R"(UPDATE DOCUMENTS IN BUNDLE "Users" ("status" = "active", "score" = 1.5) WHERE id == "u1")",
         u});
  }
  {
    DeleteDocuments d;
    d.bundle = "Users";
    c.push_back({R"(DELETE DOCUMENTS FROM BUNDLE "Users")", d});
    d.where = cmp("age", CompareOp::kLt, -1);
    c.push_back({R"(DELETE DOCUMENTS FROM BUNDLE "Users" WHERE age < -1)", d});
  }

  // §3.4 introspection and administration
  c.push_back({"SHOW BUNDLES", ShowBundles{}});
  c.push_back({R"(SHOW BUNDLES FOR "shop")", ShowBundles{"shop", {}}});
  c.push_back({R"(DESCRIBE BUNDLE "Users")", named(&DescribeBundle::bundle, "Users")});
  c.push_back({"SHOW INDEXES", ShowIndexes{}});
  c.push_back({R"(SHOW INDEXES ON BUNDLE "Users")", ShowIndexes{"Users", {}}});
  c.push_back({"SHOW SETTINGS", ShowSettings{}});
  c.push_back({"SET MaxMigrationCommands = 500", SetSetting{"MaxMigrationCommands", 500, {}}});
  c.push_back({"SET RequireExplicitDownCommands = TRUE",
               SetSetting{"RequireExplicitDownCommands", true, {}}});
  c.push_back({R"(SET "MigrationPerformanceThreshold" = 2.5)",
               SetSetting{"MigrationPerformanceThreshold", 2.5, {}}});
  c.push_back({R"(BACKUP DATABASE "production" TO "prod.sdb")",
               BackupDatabase{"production", "prod.sdb", {}}});
  c.push_back({R"(RESTORE DATABASE FROM "prod.sdb" AS "recovery")",
               RestoreDatabase{"prod.sdb", "recovery", {}}});
  c.push_back({R"(CREATE USER "bob" WITH PASSWORD "pw")", CreateUser{"bob", "pw", {}, {}}});
  c.push_back({R"(CREATE USER "bob" WITH PASSWORD "pw" ROLE migrator)",
               CreateUser{"bob", "pw", Role::kMigrator, {}}});
  c.push_back({R"(CREATE USER "root" WITH PASSWORD "pw" ROLE ADMIN)",
               CreateUser{"root", "pw", Role::kAdmin, {}}});
  c.push_back({R"(ALTER USER "bob" SET PASSWORD "new")", AlterUserPassword{"bob", "new", {}}});
  c.push_back({R"(ALTER USER "bob" SET ROLE reader)", AlterUserRole{"bob", Role::kReader, {}}});
  c.push_back({R"(DROP USER "bob")", named(&DropUser::user, "bob")});
  c.push_back({"SHOW USERS", ShowUsers{}});

  // §3.5 migrations
  {
    ShowMigrations s;
    c.push_back({"SHOW MIGRATIONS", s});
    s.database = "production";
    c.push_back({R"(SHOW MIGRATIONS FOR "production")", s});
    s.filters = {{"Status", CompareOp::kEq, "PENDING"}, {"Version", CompareOp::kGe, 2}};
    c.push_back(
        {R"(SHOW MIGRATIONS FOR "production" WHERE Status == "PENDING" AND Version >= 2)", s});
  }
  c.push_back({"SHOW MIGRATION 3", versioned<ShowMigration>(3)});
  c.push_back({"VALIDATE MIGRATION WITH VERSION 3", versioned<ValidateMigration>(3)});
  c.push_back({"APPLY MIGRATION WITH VERSION 3", ApplyMigration{3, false, {}, {}}});
  c.push_back({"APPLY MIGRATION WITH VERSION 4 FORCE", ApplyMigration{4, true, {}, {}}});
  c.push_back({"VALIDATE ROLLBACK TO VERSION 2", versioned<ValidateRollback>(2)});
  c.push_back({"APPLY ROLLBACK TO VERSION 0", versioned<ApplyRollback>(0)});
  c.push_back({"RESET MIGRATION WITH VERSION 5", versioned<ResetMigration>(5)});
  c.push_back({"DROP MIGRATION WITH VERSION 5", versioned<DropMigration>(5)});
  c.push_back({"VERIFY MIGRATIONS", VerifyMigrations{}});
  {
    StartMigration m;
    c.push_back({"START MIGRATION COMMIT", m});
    m.description = "Add phone";
    strata::parser::add_command(
        &m, update("Users", {AddField{fd("phone", "STRING", false, false)}}), false);
    c.push_back({R"(START MIGRATION WITH DESCRIPTION "Add phone"
        UPDATE BUNDLE "Users" ADD FIELD {"phone", STRING, false, false}
      COMMIT;)",
                 m});
    m.has_down = true;
    strata::parser::add_command(&m, update("Users", {RemoveField{"phone"}}), true);
    strata::parser::add_command(&m, RestoreDocuments{"Users", 7, {}}, true);
    c.push_back({R"(START MIGRATION WITH DESCRIPTION "Add phone"
        UPDATE BUNDLE "Users" ADD FIELD {"phone", STRING, false, false};
      DOWN
        UPDATE BUNDLE "Users" REMOVE FIELD "phone";
        RESTORE DOCUMENTS TO BUNDLE "Users" FROM MIGRATION 7
      COMMIT)",
                 m});
  }
  return c;
}

}  // namespace

TEST_CASE("statements: every form of SPEC §3 parses to the expected AST", "[parser]") {
  for (const Case& c : cases()) {
    INFO(c.text);
    const strata::parser::ParseResult r = strata::parser::parse(c.text);
    if (!r.ok()) FAIL_CHECK(r.error().message);
    REQUIRE(r.ok());
    REQUIRE(r.script().size() == 1);
    CHECK(r.script()[0].index() == c.expected.index());
    CHECK(r.script()[0] == c.expected);
  }
}
