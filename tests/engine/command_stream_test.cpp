// CommandStream (engine/validate/command_stream.hpp), the parse-and-bind stage VALIDATE and
// APPLY read a large migration through: whoever parses a chunk — the pool's worker, or the
// consumer while it would otherwise wait for the worker — every command comes out in order,
// exactly as phase 1 alone makes it, and each ADD DOCUMENT bound in advance was bound against
// a publication the consumer had made by then and equals what binding it here gives.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <random>
#include <thread>

#include "common/thread_pool.hpp"
#include "engine/binder.hpp"
#include "engine/schema_change.hpp"
#include "engine/validate/command_stream.hpp"
#include "engine/validate/phases.hpp"
#include "parser/parser.hpp"

using namespace strata;
using namespace strata::engine;

namespace {

void change(DatabaseSchema* s, const std::string& text) {
  auto r = parser::parse(text);
  REQUIRE(r.ok());
  auto command = bind_command(*s, r.script().front());
  REQUIRE(command.ok());
  schema_change::apply(s, *command);
}

// A migration's stored commands: mostly ADD DOCUMENTs (some refused when bound: a missing
// required field, an undeclared field, a type mismatch), some that do not parse, some schema
// commands.
std::vector<std::string> commands_of(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string id = "\"u" + std::to_string(i) + "\"";
    switch (rng() % 20) {
      case 0: out.push_back("ADD DOCUMENT TO BUNDLE \"users\" WITH VALUES ({\"age\":3})"); break;
      case 1:
        out.push_back("ADD DOCUMENT TO BUNDLE \"users\" WITH VALUES ({\"id\":" + id +
                      ",\"nope\":1})");
        break;
      case 2:
        out.push_back("ADD DOCUMENT TO BUNDLE \"users\" WITH VALUES ({\"id\":" + id +
                      ",\"age\":\"old\"})");
        break;
      case 3: out.push_back("ADD DOCUMENT TO BUNDLE \"users\" WITH VALUES ({\"id\":"); break;
      case 4: out.push_back("CREATE INDEX \"i" + std::to_string(i) +
                            "\" HASH ON BUNDLE \"users\" WITH FIELDS (\"age\")"); break;
      case 5: out.push_back("ADD DOCUMENT TO BUNDLE \"ghost\" WITH VALUES ({\"id\":" + id + "})");
        break;
      default:
        out.push_back("ADD DOCUMENT TO BUNDLE \"users\" WITH VALUES ({\"id\":" + id +
                      ",\"age\":" + std::to_string(rng() % 90) + "})");
    }
  }
  return out;
}

// Reads every command of `texts` through a stream over `pool`, the consumer pausing now and
// then (`slow`: often, so the worker runs ahead; otherwise the consumer outruns it and parses
// chunks itself), publishing a new schema at `republish_at`; checks each against phase 1 alone.
void read_all(const std::vector<std::string>& texts, common::ThreadPool* pool, bool slow,
              size_t republish_at) {
  DatabaseSchema first;
  change(&first, "CREATE BUNDLE \"users\" WITH FIELDS ({\"id\", STRING, true, true}, "
                 "{\"age\", INT, false, false})");
  DatabaseSchema second = first;
  change(&second, "CREATE INDEX \"by_age\" BTREE ON BUNDLE \"users\" WITH FIELDS (\"age\")");
  const std::vector<const DatabaseSchema*> by_publication = {nullptr, &first, &second};

  std::vector<std::string_view> views(texts.begin(), texts.end());
  validate::CommandStream stream(views, pool);
  CHECK(stream.threaded() == (pool != nullptr));
  uint64_t current = stream.publish(std::make_shared<const DatabaseSchema>(first));
  CHECK(current == 1);
  std::mt19937 rng(7);
  size_t prepared = 0;
  for (size_t i = 1; i <= texts.size(); ++i) {
    if (i == republish_at) {
      current = stream.publish(std::make_shared<const DatabaseSchema>(second));
      CHECK(current == 2);
    }
    validate::ParsedCommand got = stream.next(i);
    std::optional<ast::Statement> want;
    const auto findings = validate::check_syntax(texts[i - 1], i, &want);
    REQUIRE(got.syntax.size() == findings.size());
    for (size_t f = 0; f < findings.size(); ++f) {
      CHECK(got.syntax[f].message == findings[f].message);
      CHECK(got.syntax[f].command == i);
    }
    REQUIRE(got.statement.has_value() == want.has_value());
    if (!got.prepared) {
      if (want) CHECK(*got.statement == *want);
      continue;
    }
    ++prepared;
    // Bound in advance: against a publication made by now, equal to binding it now.
    REQUIRE(got.prepared->publication >= 1);
    REQUIRE(got.prepared->publication <= current);
    auto* add = std::get_if<ast::AddDocument>(&*want);
    REQUIRE(add != nullptr);
    auto bound = bind_add_document(*by_publication[got.prepared->publication], add->bundle,
                                   std::move(add->values));
    REQUIRE(bound.ok());
    CHECK(got.prepared->add.bundle == bound->bundle);
    CHECK(got.prepared->add.document.bytes == bound->document.bytes);
    REQUIRE(got.prepared->add.document.index_keys.size() == bound->document.index_keys.size());
    for (size_t k = 0; k < bound->document.index_keys.size(); ++k) {
      CHECK(got.prepared->add.document.index_keys[k].index_id ==
            bound->document.index_keys[k].index_id);
      CHECK(got.prepared->add.document.index_keys[k].key == bound->document.index_keys[k].key);
      CHECK(got.prepared->add.document.index_keys[k].needs_seq ==
            bound->document.index_keys[k].needs_seq);
    }
    // The statement a prepared command carries is the ADD DOCUMENT of its bundle.
    auto* got_add = std::get_if<ast::AddDocument>(&*got.statement);
    REQUIRE(got_add != nullptr);
    CHECK(got_add->bundle == add->bundle);
    if (slow && rng() % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  // Most ADD DOCUMENTs bind in advance, on whichever thread.
  if (pool) CHECK(prepared > texts.size() / 2);
}

}  // namespace

TEST_CASE("command stream: every command as phase 1 makes it, whoever parses its chunk") {
  const auto texts = commands_of(12 * validate::CommandStream::kChunk + 17, 1);
  SECTION("no pool: parsed inline") { read_all(texts, nullptr, false, 5000); }
  SECTION("one worker, consumer faster than the worker") {
    common::ThreadPool pool(1);
    read_all(texts, &pool, false, 1500);
  }
  SECTION("one worker, a slow consumer") {
    common::ThreadPool pool(1);
    read_all(texts, &pool, true, 2500);
  }
  SECTION("every worker busy: the consumer parses every chunk") {
    common::ThreadPool pool(1);
    std::promise<void> release;
    common::TaskGroup blocker(&pool);
    auto released = release.get_future().share();
    blocker.run([released] { released.wait(); });
    // Released however the section ends (a failed REQUIRE throws), before blocker waits.
    struct Release {
      std::promise<void>* p;
      ~Release() { p->set_value(); }
    } guard{&release};
    read_all(texts, &pool, false, 700);
  }
  SECTION("three workers") {
    common::ThreadPool pool(3);
    for (uint32_t seed = 2; seed < 5; ++seed)
      read_all(commands_of(9 * validate::CommandStream::kChunk, seed), &pool, seed % 2, 1200);
  }
}

TEST_CASE("command stream: dropped half-way, it stops and joins (an APPLY that fails)") {
  const auto texts = commands_of(40 * validate::CommandStream::kChunk, 9);
  std::vector<std::string_view> views(texts.begin(), texts.end());
  common::ThreadPool pool(2);
  for (size_t stop : {1u, 300u, 2048u, 5000u}) {
    validate::CommandStream stream(views, &pool);
    DatabaseSchema s;
    change(&s, "CREATE BUNDLE \"users\" WITH FIELDS ({\"id\", STRING, true, true}, "
               "{\"age\", INT, false, false})");
    stream.publish(std::make_shared<const DatabaseSchema>(s));
    for (size_t i = 1; i <= stop; ++i) (void)stream.next(i);
  }
  SUCCEED("every stream was destroyed without waiting for the rest of its chunks");
}
