// START MIGRATION keeps its commands in compact form (ast::MigrationCommand,
// parser/migration_command.hpp): canonical text, position, and a tree only where START needs
// one. A migration of many ADD DOCUMENT commands must cost its text, not its trees.

#include "parser/migration_command.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <variant>

#include "common/thread_pool.hpp"
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

// A text of 1 MiB or more is assembled on the pool the caller gives (CommandAssembler): the
// migrations must be exactly those assembled inline, with every worker free, with one worker,
// and with the only worker busy (the parse then assembles what waits itself, and must not
// wait for the worker).
TEST_CASE("migration commands: assembled on a thread pool, the migrations are those made inline",
          "[parser][migration]") {
  std::string text;
  for (int m = 0; m < 2; ++m) {  // two migrations in one text: the assembler moves on
    text += "START MIGRATION WITH DESCRIPTION \"bulk " + std::to_string(m) + "\"\n";
    for (size_t i = 0; i < 12000; ++i) text += "  " + document(i + m) + ";\n";
    text += "  CREATE BUNDLE \"C\" WITH FIELDS ({\"y\", NUMBER, false, false})\n";
    text += "DOWN\n  DROP BUNDLE \"C\"\nCOMMIT;\n";
  }
  REQUIRE(text.size() >= (1u << 20));
  const ParseResult inline_result = parse(text);
  REQUIRE(inline_result.ok());
  REQUIRE(inline_result.script().size() == 2);
  auto same = [&](const ParseResult& r) {
    REQUIRE(r.ok());
    REQUIRE(r.script().size() == 2);
    for (size_t k = 0; k < 2; ++k) {
      const auto& a = std::get<ast::StartMigration>(inline_result.script()[k]);
      const auto& b = std::get<ast::StartMigration>(r.script()[k]);
      CHECK(b.text == a.text);
      CHECK(b.bundles == a.bundles);
      REQUIRE(b.up.size() == a.up.size());
      REQUIRE(b.down.size() == a.down.size());
      for (size_t i = 0; i < a.up.size(); ++i) {
        if (b.up[i].pos.line != a.up[i].pos.line || b.up[i].text_begin != a.up[i].text_begin) {
          FAIL("command " << i + 1 << " differs");
        }
      }
      REQUIRE(b.issues.size() == 1);  // NUMBER is no type
      CHECK(b.issues[0].command == a.issues[0].command);
      CHECK(b.issues[0].pos.line == a.issues[0].pos.line);
      CHECK(b == a);
    }
  };
  SECTION("two workers") {
    common::ThreadPool pool(2);
    same(parse(text, &pool));
  }
  SECTION("one worker") {
    common::ThreadPool pool(1);
    same(parse(text, &pool));
  }
  SECTION("the only worker busy: the parse assembles by itself") {
    common::ThreadPool pool(1);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    common::TaskGroup busy(&pool);
    busy.run([&] { released.wait(); });
    same(parse(text, &pool));
    release.set_value();
    busy.wait();
  }
  SECTION("a migration that fails after a megabyte of commands leaves nothing running") {
    // Cut inside the first migration: batches are still queued when the parse fails.
    const std::string bad_text =
        text.substr(0, text.find("  CREATE BUNDLE")) + "  ADD DOCUMENT TO\nCOMMIT";
    REQUIRE(bad_text.size() >= (1u << 20));
    common::ThreadPool pool(2);
    const ParseResult bad = parse(bad_text, &pool);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == parse(bad_text).error());
    CHECK(bad.error().line == 12003);  // COMMIT, where the bundle name should be
  }
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

namespace strata::parser {

TEST_CASE("migration commands: a large migration's text is reserved from its statement, and a "
          "script of several keeps no more than each text needs",
          "[parser][migration]") {
  // Three migrations of ~150 KB in one input: each reserves up to the end of the input, and
  // gives back what its text did not use.
  std::string text;
  for (int m = 0; m < 3; ++m) {
    text += "START MIGRATION\n";
    for (size_t i = 0; i < 1500; ++i) text += document(i) + ";\n";
    text += "COMMIT;\n";
  }
  const ParseResult r = parse(text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 3);
  for (const auto& st : r.script()) {
    const auto& m = std::get<ast::StartMigration>(st);
    CHECK(m.up.size() == 1500);
    CHECK(m.text.size() > 64u << 10);
    CHECK(m.text.capacity() <= m.text.size() + m.text.size() / 4);
    CHECK(m.text_of(m.up.back()) == canonical_alone(document(1499)));
  }
}

}  // namespace strata::parser
