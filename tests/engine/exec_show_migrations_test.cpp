// SPEC §4.12, §9: SHOW MIGRATIONS answered from the per-database AnswerCache
// (exec_show_migrations.cpp, answer_cache.hpp): one shared serialized answer per ledger state,
// byte-identical to a fresh build, never stale after a ledger or schema change — from any
// session, and under concurrent readers and a writer.
#include <atomic>
#include <thread>
#include <vector>

#include "engine/exec_migration.hpp"
#include "engine/migration_harness.hpp"
#include "parser/parser.hpp"

using strata::Json;
using strata::engine::Answer;
using strata::engine::Engine;
using strata::engine::Session;
using strata::engine::testing::MigrationHarness;

namespace {

strata::ast::Statement statement(const std::string& text) {
  auto parsed = strata::parser::parse(text);
  REQUIRE(parsed.ok());
  REQUIRE(parsed.script().size() == 1);
  return parsed.script().front();
}

Answer show(Engine& e, Session& s, const std::string& text = "SHOW MIGRATIONS") {
  Answer a = e.answer(s, statement(text));
  REQUIRE(a.success());
  REQUIRE(a.text());
  return a;
}

// The same statement built from scratch, without the cache, serialized the way the server
// wrote every response before the cache existed.
std::string fresh(Engine& e, Session& s, const std::string& text = "SHOW MIGRATIONS") {
  Json fields = Json::object();
  auto st = statement(text);
  REQUIRE(strata::engine::exec_show_migrations(e, s, std::get<strata::ast::ShowMigrations>(st),
                                               &fields)
              .ok());
  return strata::engine::success(std::move(fields))
      .dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string create(int v) {
  return "START MIGRATION WITH DESCRIPTION \"m" + std::to_string(v) + "\" CREATE BUNDLE \"B" +
         std::to_string(v) + "\" WITH FIELDS ({\"n\", INT, false, false}) COMMIT";
}

Session other_session(MigrationHarness& h) {
  Session s = h.engine().open_embedded_session();
  s.user = "other";
  REQUIRE(h.engine().execute_text(s, "USE \"prod\"").value("success", false));
  return s;
}

}  // namespace

TEST_CASE("SHOW MIGRATIONS: one shared answer per ledger state, byte-identical to a fresh build") {
  MigrationHarness h;
  for (int v = 1; v <= 5; ++v) {
    h.ok(create(v));
    if (v <= 3) h.ok("APPLY MIGRATION WITH VERSION " + std::to_string(v));
  }
  Engine& e = h.engine();
  Session& s = h.session();
  Answer first = show(e, s);
  Answer second = show(e, s);
  CHECK(first.text() == second.text());  // the same immutable text, not a copy
  CHECK(*first.text() == fresh(e, s));
  // Re-dumping the parsed answer gives the same bytes: execute() and the wire agree.
  CHECK(strata::engine::serialize(first.json()) == *first.text());
  CHECK(first.json() == h.ok("SHOW MIGRATIONS"));
  CHECK(first.json()["currentVersion"] == 3);
  CHECK(first.json()["migrations"].size() == 5);

  const std::string filtered = "SHOW MIGRATIONS WHERE Status == \"PENDING\" AND Version >= 5";
  Answer f1 = show(e, s, filtered);
  CHECK(f1.text() == show(e, s, filtered).text());
  CHECK(f1.text() != first.text());
  CHECK(*f1.text() == fresh(e, s, filtered));
  CHECK(f1.json()["migrations"].size() == 1);
  // FOR the active database is the same answer.
  CHECK(*show(e, s, "SHOW MIGRATIONS FOR \"prod\"").text() == *first.text());

  Session other = other_session(h);
  REQUIRE(e.execute_text(other, create(6)).value("success", false));
  Answer after = show(e, s);
  CHECK(after.text() != first.text());
  CHECK(*after.text() == fresh(e, s));
  CHECK(after.json()["migrations"].size() == 6);
  CHECK(*show(e, s, filtered).text() == fresh(e, s, filtered));
  CHECK(show(e, s, filtered).json()["migrations"].size() == 2);
}

TEST_CASE("SHOW MIGRATIONS sees every ledger change of another session at once") {
  MigrationHarness h;
  Engine& e = h.engine();
  Session other = other_session(h);
  auto other_ok = [&](const std::string& text) {
    Json r = e.execute_text(other, text);
    INFO(text << " -> " << r.dump());
    REQUIRE(r.value("success", false));
  };
  auto listed = [&] {  // h.engine(), not e: h.reopen() below replaces the engine
    Json r = show(h.engine(), h.session()).json();
    std::string out = std::to_string(r["currentVersion"].get<int>()) + ":";
    for (const auto& m : r["migrations"]) out += " " + m["Status"].get<std::string>();
    return out + (r["schemaDrift"].get<bool>() ? " drift" : "");
  };
  CHECK(listed() == "0:");
  other_ok(create(1));
  CHECK(listed() == "0: PENDING");
  other_ok("VALIDATE MIGRATION WITH VERSION 1");
  CHECK(listed() == "0: PENDING");
  other_ok("APPLY MIGRATION WITH VERSION 1");
  CHECK(listed() == "1: APPLIED");
  other_ok(create(2));
  other_ok("APPLY MIGRATION WITH VERSION 2");
  CHECK(listed() == "2: APPLIED APPLIED");
  other_ok("APPLY ROLLBACK TO VERSION 1");
  CHECK(listed() == "1: APPLIED ROLLED_BACK");
  other_ok("RESET MIGRATION WITH VERSION 2");
  CHECK(listed() == "1: APPLIED PENDING");
  other_ok("SET AllowDirectSchemaChanges = true");
  other_ok("CREATE BUNDLE \"Direct\" WITH FIELDS ({\"d\", INT, false, false})");
  CHECK(listed() == "1: APPLIED PENDING drift");
  // Adopting drift needs FORCE (SPEC 4.10); the APPLY records the live schema: no drift.
  other_ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  CHECK(listed() == "2: APPLIED APPLIED");
  other_ok("APPLY ROLLBACK TO VERSION 0");
  CHECK(listed() == "0: ROLLED_BACK ROLLED_BACK");
  other_ok("DROP MIGRATION WITH VERSION 2");
  CHECK(listed() == "0: ROLLED_BACK");
  h.reopen();
  CHECK(listed() == "0: ROLLED_BACK");
}

TEST_CASE("a failed APPLY's FAILED state shows in the next SHOW MIGRATIONS") {
  strata::engine::SettingValues server;
  server.migration_timeout_seconds = 0;  // every APPLY times out and marks FAILED
  MigrationHarness h(server);
  Engine& e = h.engine();
  Session other = other_session(h);
  h.ok(create(1));
  CHECK(show(e, h.session()).json()["migrations"][0]["Status"] == "PENDING");
  Json r = e.execute_text(other, "APPLY MIGRATION WITH VERSION 1");
  REQUIRE(r["error"]["code"] == "TIMEOUT");
  Answer a = show(e, h.session());
  CHECK(a.json()["migrations"][0]["Status"] == "FAILED");
  CHECK(show(e, h.session(), "SHOW MIGRATIONS WHERE Status == \"FAILED\"")
            .json()["migrations"]
            .size() == 1);
  CHECK(*a.text() == fresh(e, h.session()));
}

TEST_CASE("SHOW MIGRATIONS under concurrent readers never lags a finished write",
          "[engine][concurrency]") {
  MigrationHarness h;
  Engine& e = h.engine();
  constexpr int kMigrations = 40;
  // done = 2v - 1 once START of v answered, 2v once its APPLY answered.
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0}, errors{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      Session s = e.open_embedded_session();
      e.execute_text(s, "USE \"prod\"");
      const auto show_all = statement("SHOW MIGRATIONS");
      const auto show_applied = statement("SHOW MIGRATIONS WHERE Status == \"APPLIED\"");
      while (!stop.load()) {
        const int before = done.load();
        const bool filtered = reads.fetch_add(1) % 2 == 1;
        Answer a = e.answer(s, filtered ? show_applied : show_all);
        if (!a.success() || !a.text()) {
          ++errors;
          continue;
        }
        const Json r = a.json();
        const int created = (before + 1) / 2, applied = before / 2;
        const int listed = static_cast<int>(r["migrations"].size());
        if ((filtered ? listed : r["currentVersion"].get<int>()) < applied) ++stale;
        if (!filtered && listed < created) ++stale;
      }
      e.close_session(s);
    });
  }
  for (int v = 1; v <= kMigrations; ++v) {
    h.ok(create(v));
    done.store(2 * v - 1);
    h.ok("APPLY MIGRATION WITH VERSION " + std::to_string(v));
    done.store(2 * v);
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  CHECK(errors.load() == 0);
  CHECK(stale.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(show(e, h.session()).json()["currentVersion"] == kMigrations);
}
