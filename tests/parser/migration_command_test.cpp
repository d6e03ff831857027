// START MIGRATION keeps its commands in compact form (ast::MigrationCommand,
// parser/migration_command.hpp): canonical text, position, and a tree only where START needs
// one. A migration of many ADD DOCUMENT commands must cost its text, not its trees.

#include "parser/migration_command.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "parser/syntax_check.hpp"

namespace strata::parser {
namespace {

// The canonical text of one statement parsed on its own.
std::string canonical_alone(const std::string& text) {
  const ParseResult r = parse(text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 1);
  return canonical(r.script().front());
}

std::string document(size_t i) {
  // Keys out of order and spaced out: the canonical text sorts and compacts them.
  return "ADD DOCUMENT TO BUNDLE \"" + std::string(i % 3 == 0 ? "B" : "A") +
         "\" WITH VALUES ({ \"z\": " + std::to_string(i) + ", \"a\" : \"doc " +
         std::to_string(i) + "\", \"m\": [1, {\"y\": null, \"x\": true}] })";
}

}  // namespace

TEST_CASE("migration commands: one compact command per ADD DOCUMENT, canonical text and position",
          "[parser][migration]") {
  constexpr size_t kDocs = 20000;
  std::string text = "USE \"db\"; START MIGRATION WITH DESCRIPTION \"bulk\"\n";
  text += "  CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", STRING, false, false});\n";
  for (size_t i = 0; i < kDocs; ++i) text += "  " + document(i) + ";\n";
  text += "DOWN\n  " + document(7) + ";\n  DROP BUNDLE \"A\"\nCOMMIT";
  const ParseResult r = parse(text);
  if (!r.ok()) FAIL(r.error().message);
  REQUIRE(r.script().size() == 2);
  const auto& m = std::get<ast::StartMigration>(r.script()[1]);
  CHECK(m.pos.line == 1);  // its own first token (SPEC §2)
  CHECK(m.pos.column == 1);
  REQUIRE(m.up.size() == kDocs + 1);
  REQUIRE(m.down.size() == 2);

  // Non-document commands keep their tree; UP documents only their bundle.
  REQUIRE(m.up[0].statement);
  CHECK(std::holds_alternative<ast::CreateBundle>(*m.up[0].statement));
  CHECK(m.bundles == std::vector<std::string>{"B", "A"});
  std::string expected_text = canonical_alone(
                                  "CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", STRING, false, false})") +
                              "\n";
  CHECK(std::string(m.text_of(m.up[0])) + "\n" == expected_text);
  for (size_t i = 0; i < kDocs; ++i) {
    const ast::MigrationCommand& c = m.up[i + 1];
    INFO("document " << i);
    CHECK_FALSE(c.statement);
    CHECK(m.bundle_of(c) == (i % 3 == 0 ? "B" : "A"));
    CHECK(c.pos.line == i + 3);
    CHECK(c.pos.column == 3);
    const std::string canon = canonical_alone(document(i));
    if (i < 3) CHECK(m.text_of(c) == canon);  // spot checks in full; all via expected_text
    expected_text += canon + "\n";
  }
  // DOWN commands keep their tree, ADD DOCUMENT included.
  REQUIRE(m.down[0].statement);
  CHECK(std::holds_alternative<ast::AddDocument>(*m.down[0].statement));
  CHECK(m.down[0].pos.line == kDocs + 4);
  CHECK(m.down[0].pos.column == 3);
  expected_text += canonical_alone(document(7)) + "\n" + "DROP BUNDLE \"A\"\n";
  CHECK(m.text == expected_text);
  CHECK(m.issues.empty());

  // canonical(StartMigration) prints the stored texts, and parses back to the same migration.
  const std::string printed = canonical(r.script()[1]);
  CHECK(printed.rfind("START MIGRATION WITH DESCRIPTION \"bulk\"\n  CREATE BUNDLE", 0) == 0);
  const ParseResult back = parse(printed);
  REQUIRE(back.ok());
  CHECK(back.script().front() == r.script()[1]);

  // A few words per command besides its text: no tree, no per-command string object.
  CHECK(sizeof(ast::MigrationCommand) <= 48);
}

TEST_CASE("migration commands: phase-1 findings are kept with command index and position",
          "[parser][migration][syntax_check]") {
  const ParseResult r = parse(
      "START MIGRATION\n"
      "  ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES ({\"a\": 1});\n"
      "  CREATE BUNDLE \"B\" WITH FIELDS ({\"x\", NUMBER, false, false});\n"
      "DOWN\n"
      "  CREATE BUNDLE \"C\" WITH FIELDS ({\"y\", INT, false, false}, {\"y\", INT, false, false})\n"
      "COMMIT");
  REQUIRE(r.ok());
  const auto issues = syntax_check(r.script().front());
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].code == Code::kUnknownType);
  CHECK(issues[0].message == "Unknown type 'NUMBER' for field 'x'");
  CHECK(issues[0].command == 2);
  CHECK(issues[0].pos.line == 3);
  CHECK(issues[0].pos.column == 34);  // the field's "{"
  CHECK(issues[1].code == Code::kFieldExists);
  CHECK(issues[1].command == 3);  // DOWN continues the count
  CHECK(issues[1].pos.line == 5);
}

}  // namespace strata::parser
