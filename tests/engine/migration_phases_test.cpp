// The pure pieces of the migration work, without an engine: the binder and schema_change over
// a catalog (phase 2), the other validation phases (validate/phases.hpp), DOWN generation
// (down.hpp), the schema checksum and the ledger's checksum chain.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "engine/binder.hpp"
#include "engine/down.hpp"
#include "engine/schema_change.hpp"
#include "engine/ledger.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/validate/phases.hpp"
#include "engine/validate/simulated_adds.hpp"
#include "parser/parser.hpp"

using namespace strata;
using namespace strata::engine;

namespace {

ast::Statement one(const std::string& text) {
  auto r = parser::parse(text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 1);
  return r.script().front();
}

// What phase 2 does to the simulation's catalog: bind, then apply the change. Returns the
// refusal's message ("" when the command binds).
std::string change(DatabaseSchema* s, const std::string& text) {
  auto command = bind_command(*s, one(text));
  if (!command.ok()) return command.status().message();
  schema_change::apply(s, *command);
  return "";
}

DatabaseSchema users_schema() {
  DatabaseSchema s;
  REQUIRE(change(&s, "CREATE BUNDLE \"Users\" WITH FIELDS ({\"name\", STRING, true, false}, "
                     "{\"email\", STRING, false, true})") == "");
  return s;
}

}  // namespace

TEST_CASE("phase 1: stored text re-parses, types are known, one allowed command") {
  std::optional<ast::Statement> parsed;
  CHECK(validate::check_syntax("CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false})", 1,
                               &parsed).empty());
  CHECK(parsed.has_value());
  parsed.reset();
  auto f = validate::check_syntax("CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", VARCHAR, false, false})",
                                  2, &parsed);
  REQUIRE(f.size() == 1);
  CHECK(f[0].command == 2);
  CHECK(validate::check_syntax("SELECT * FROM \"A\"", 3, &parsed).size() == 1);
  CHECK(validate::check_syntax("CREATE BUNDLE", 4, &parsed).size() == 1);
  CHECK(validate::check_checksum("a", "a").empty());
  CHECK(validate::check_checksum("a", "b").size() == 1);
}

TEST_CASE("phase 2: the catalog advances command by command and never on failure") {
  DatabaseSchema s = users_schema();
  const DatabaseSchema published = s;
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" RENAME FIELD \"name\" TO \"email\"") ==
        "Field 'email' already exists in bundle 'Users'");
  CHECK(s == published);
  // A statement whose second change fails changes nothing.
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" ADD FIELD {\"x\", INT, false, false}, "
                   "RENAME FIELD \"x\" TO \"name\"") ==
        "Field 'name' already exists in bundle 'Users'");
  CHECK(s == published);
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" ADD FIELD {\"x\", INT, false, false}, "
                   "RENAME FIELD \"x\" TO \"y\"") == "");
  CHECK(s.bundle("Users")->field("y") != nullptr);
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" SET NAME = \"People\"") == "");
  CHECK(s.bundle("People") != nullptr);
  CHECK(s.index("People_email_unique") != nullptr);
  CHECK(change(&s, "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({})") ==
        "Bundle 'Users' does not exist");
  CHECK(change(&s, "CREATE INDEX \"i\" HASH ON BUNDLE \"People\" WITH FIELDS (\"name\")") ==
        "");
  CHECK(change(&s, "UPDATE BUNDLE \"People\" REMOVE FIELD \"name\"").find(
            "drop the index first") != std::string::npos);
  CHECK(change(&s, "CREATE BUNDLE \"O\" WITH FIELDS ({\"a\", INT, false, false})") == "");
  CHECK(change(&s, "UPDATE BUNDLE \"O\" ADD RELATIONSHIP \"r\" FROM BUNDLE \"O\" TO BUNDLE "
                   "\"People\"") == "");
  CHECK(change(&s, "DROP BUNDLE \"People\"").find("WITH FORCE") != std::string::npos);
  CHECK(change(&s, "DROP BUNDLE \"People\" WITH FORCE") == "");
  CHECK(s.bundle("O")->relationships.empty());
  CHECK(change(&s, "DROP INDEX \"O_a_unique\"") == "Index 'O_a_unique' does not exist");
}

TEST_CASE("phase 2: a field added AT POSITION takes its place") {
  DatabaseSchema s = users_schema();
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" ADD FIELD {\"a\", INT, false, false} AT POSITION 1") ==
        "");
  CHECK(s.bundle("Users")->fields[0].name == "a");
  CHECK(change(&s, "UPDATE BUNDLE \"Users\" ADD FIELD {\"b\", INT, false, false} AT POSITION 9")
            .find("outside 1..4") != std::string::npos);
}

TEST_CASE("phase 3 owns the refusals about documents") {
  CHECK(validate::constraint_finding(Status(Code::kConstraintViolation, "x"), 3)->command == 3);
  CHECK(validate::constraint_finding(Status(Code::kTypeMismatch, "x"), 1).has_value());
  CHECK_FALSE(validate::constraint_finding(Status(Code::kBundleNotFound, "x"), 1).has_value());
  CHECK_FALSE(validate::constraint_finding(Status::Ok(), 1).has_value());
}

TEST_CASE("phase 4: the cost model and its warnings") {
  SettingValues settings;
  validate::CostInput in;
  in.commands = 3;
  auto r = validate::estimate_cost(in, settings);
  CHECK(r.warnings.empty());
  CHECK(r.estimate["commands"] == 3);
  in.commands = 200000;
  in.documents_touched = 200000;
  in.documents_added = 100000;
  in.index_entries = 50000000;  // well above any machine's second
  in.builds.emplace_back(2, "idx", 50);
  r = validate::estimate_cost(in, settings);
  REQUIRE(r.warnings.size() == 3);
  CHECK(r.warnings[0].message == "Migration contains 200000 commands, exceeds threshold of 1000");
  CHECK(r.warnings[1].message.rfind("Migration estimated to take ", 0) == 0);
  CHECK(r.warnings[2].command == 2);
  CHECK(validate::format_seconds(0.3) == "0.3s");
}

TEST_CASE("phase 5: reversibility") {
  validate::ReversibilityInput in;
  CHECK(validate::check_reversibility(in).down_generated);
  in.irreversible.emplace_back(4, "DROP BUNDLE \"X\" WITH FORCE");
  auto r = validate::check_reversibility(in);
  CHECK_FALSE(r.down_generated);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].command == 4);
  in = {};
  in.require_explicit = true;
  CHECK(validate::check_reversibility(in).warnings.size() == 1);
  in.has_explicit_down = true;
  in.explicit_down_count = 1;
  CHECK(validate::check_reversibility(in).warnings.empty());
}

TEST_CASE("DOWN: reversed steps, then restores, then deferred MODIFY") {
  DatabaseSchema base = users_schema();
  DownBuilder down(7, base);
  DatabaseSchema cur = base;
  for (const char* text : {"UPDATE BUNDLE \"Users\" REMOVE FIELD \"name\"",
                           "CREATE BUNDLE \"T\" WITH FIELDS ({\"a\", INT, false, false})",
                           "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"a\":1})",
                           "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({})",
                           "DELETE DOCUMENTS FROM BUNDLE \"Users\""}) {
    ast::Statement st = one(text);
    const bool add = std::holds_alternative<ast::AddDocument>(st);
    auto command = bind_command(cur, st);
    REQUIRE(command.ok());
    down.add(cur, *command, add ? std::optional<uint64_t>(9) : std::nullopt);
    schema_change::apply(&cur, *command);
  }
  CHECK(down.predicted_restores() == std::set<std::string>{"Users"});
  auto list = down.finish({"Users"});
  CHECK(list == std::vector<std::string>{
                    "DELETE DOCUMENTS FROM BUNDLE \"Users\" WHERE \"DocumentID\" == \"9\"",
                    "DROP BUNDLE \"T\"",
                    "UPDATE BUNDLE \"Users\" ADD FIELD {\"name\", STRING, false, false} AT POSITION 1",
                    "RESTORE DOCUMENTS TO BUNDLE \"Users\" FROM MIGRATION 7",
                    "UPDATE BUNDLE \"Users\" MODIFY FIELD {\"name\", STRING, true, false}"});
  DownBuilder forced(8, base);
  forced.add(base, *bind_command(base, one("DROP BUNDLE \"Users\" WITH FORCE")), std::nullopt);
  CHECK(forced.irreversible() == "DROP BUNDLE \"Users\" WITH FORCE");
}

TEST_CASE("schema checksum: deterministic, order-free, drift") {
  DatabaseSchema a = users_schema();
  DatabaseSchema b;
  REQUIRE(change(&b, "CREATE BUNDLE \"Users\" WITH FIELDS ({\"email\", STRING, false, true}, "
                     "{\"name\", STRING, true, false})") == "");
  CHECK(schema_checksum(a) == schema_checksum(b));  // field order is not schema
  CHECK(schema_checksum(a).size() == 64);
  CHECK(schema_drift(a));          // nothing recorded: differs from the empty schema
  CHECK_FALSE(schema_drift(DatabaseSchema{}));
  a.schema_checksum = schema_checksum(a);
  CHECK_FALSE(schema_drift(a));
}

TEST_CASE("migration checksum and chain") {
  MigrationCommands c;
  c.up = {"DROP BUNDLE \"A\""};
  const std::string one_sum = migration_checksum(c, std::nullopt);
  CHECK(one_sum != migration_checksum(c, std::string("d")));
  c.down = {"X"};
  CHECK(one_sum != migration_checksum(c, std::nullopt));
  CHECK(zero_chain() == std::string(64, '0'));
  CHECK(chain_checksum(zero_chain(), one_sum) != chain_checksum(one_sum, one_sum));
  auto parsed = parser::parse("START MIGRATION DROP BUNDLE \"A\" DOWN X_IS_NOT_VALID COMMIT");
  CHECK_FALSE(parsed.ok());
  auto m = parser::parse("START MIGRATION WITH DESCRIPTION \"d\" DROP BUNDLE \"A\" COMMIT");
  REQUIRE(m.ok());
  auto enc = encode_commands(std::get<ast::StartMigration>(m.script().front()));
  MigrationCommands plain;
  plain.up = {"DROP BUNDLE \"A\""};
  CHECK(enc.checksum == migration_checksum(plain, std::string("d")));
}

TEST_CASE("START's commands record: canonical texts, positions, checksum, byte for byte") {
  // The record START stores: header, one canonical command per line (UP then DOWN), the UP
  // then the DOWN positions relative to the START keyword (stores written before DOWN
  // positions were kept hold the UP ones only; load_commands reads both).
  auto m = parser::parse(
      "PING; START MIGRATION WITH DESCRIPTION \"d\" ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES "
      "({\"b\": 2, \"a\": [1, {\"d\": null, \"c\": 1.5}]});\n"
      "  CREATE INDEX \"i\" HASH ON BUNDLE \"A\" WITH FIELDS (\"a\");\n"
      "    ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({})\n"
      "DOWN\n"
      "  DROP INDEX \"i\"; ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES ({\"x\": \"y\"})\n"
      "COMMIT");
  REQUIRE(m.ok());
  const auto enc = encode_commands(std::get<ast::StartMigration>(m.script()[1]));
  MigrationCommands plain;
  plain.up = {R"(ADD DOCUMENT TO BUNDLE "A" WITH VALUES ({"a":[1,{"c":1.5,"d":null}],"b":2}))",
              R"(CREATE INDEX "i" HASH ON BUNDLE "A" WITH FIELDS ("a"))",
              R"(ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({}))"};
  plain.down = {R"(DROP INDEX "i")", R"(ADD DOCUMENT TO BUNDLE "A" WITH VALUES ({"x":"y"}))"};
  std::string expected = "C1 3 2\n";
  for (const auto& c : plain.up) (expected += c) += '\n';
  for (const auto& c : plain.down) (expected += c) += '\n';
  expected += "1,38 2,3 3,5 5,3 5,19\n";
  CHECK(enc.record() == expected);
  CHECK(enc.up_count == 3);
  CHECK(enc.down == plain.down);
  CHECK(enc.checksum == migration_checksum(plain, std::string("d")));
}

TEST_CASE("phase 3: simulated adds against a model (unique keys, all or nothing)") {
  // A bundle the simulation created, two unique fields over small domains so that clashes
  // are frequent; the model is one std::set per unique index. A refused document leaves both
  // sets as they were; the sets grow far past their first table.
  DatabaseSchema s;
  REQUIRE(change(&s, "CREATE BUNDLE \"U\" WITH FIELDS ({\"a\", INT, false, true}, "
                     "{\"b\", STRING, false, true}, {\"c\", INT, false, false})") == "");
  const uint32_t bundle = s.bundle("U")->id;
  validate::SimulatedAdds adds;
  adds.created(bundle);
  std::set<int> as;
  std::set<std::string> bs;
  std::vector<size_t> accepted;
  std::mt19937 rng(11);
  for (size_t i = 1; i <= 30000; ++i) {
    Json values = Json::object();
    const bool with_a = rng() % 10 != 0, with_b = rng() % 10 != 0;  // a missing value: no key
    const int a = static_cast<int>(rng() % 40000);
    const std::string b = "v" + std::to_string(rng() % 40000);
    if (with_a) values["a"] = a;
    if (with_b) values["b"] = b;
    values["c"] = static_cast<int>(i);
    auto bound = bind_add_document(s, "U", std::move(values));
    REQUIRE(bound.ok());
    const Status st = adds.add(s, *bound, i);
    const bool a_clash = with_a && as.count(a), b_clash = with_b && bs.count(b);
    if (a_clash) {
      CHECK(st.message().find("field 'a'") != std::string::npos);
    } else if (b_clash) {
      CHECK(st.message().find("field 'b' in bundle 'U' already has value \"" + b + "\"") !=
            std::string::npos);
    }
    REQUIRE(st.ok() == !(a_clash || b_clash));
    if (!st.ok()) {
      CHECK(st.code() == Code::kConstraintViolation);
      continue;
    }
    if (with_a) as.insert(a);
    if (with_b) bs.insert(b);
    accepted.push_back(i);
  }
  CHECK(accepted.size() > 10000);
  CHECK(adds.take(bundle) == accepted);
  CHECK_FALSE(adds.tracks(bundle));
}
