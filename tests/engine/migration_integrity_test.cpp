// SPEC §4.2, §4.6, §4.10: checksums and the chain, tampering (CHECKSUM_MISMATCH), schema drift,
// the ledger across a restart and a BACKUP / RESTORE, and per-database serialization of APPLY.
#include <atomic>
#include <thread>

#include "engine/ledger.hpp"
#include "engine/migration_harness.hpp"
#include "storage/ledger_keys.hpp"

using strata::Json;
using strata::engine::testing::MigrationHarness;

namespace {

void two_migrations(MigrationHarness& h) {
  h.ok("START MIGRATION WITH DESCRIPTION \"one\" CREATE BUNDLE \"A\" WITH FIELDS "
       "({\"a\", INT, false, false}) COMMIT");
  h.ok("START MIGRATION WITH DESCRIPTION \"two\" ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES "
       "({\"a\":1}) COMMIT");
}

// Rewrites the stored commands of `version` (as an attacker with disk access would).
void tamper(MigrationHarness& h, uint64_t version) {
  auto view = h.engine().read("prod");
  REQUIRE(view.ok());
  const uint32_t db = view->schema->id;
  const std::string key = strata::storage::ledger_keys::commands_key(db, version);
  auto value = h.engine().store().get(strata::storage::Space::kLedger, key);
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  // The record: a header line, then one command per line; replace the first command.
  std::string record = **value;
  const size_t first = record.find('\n') + 1;
  const size_t end = record.find('\n', first);
  record.replace(first, end - first, "ADD DOCUMENT TO BUNDLE \"A\" WITH VALUES ({\"a\":666})");
  auto txn = h.engine().store().begin();
  txn->put(strata::storage::Space::kLedger, key, record);
  REQUIRE(h.engine().store().commit(*txn, true).ok());
}

}  // namespace

TEST_CASE("checksums chain from 32 zero bytes (SPEC 4.6)") {
  MigrationHarness h;
  two_migrations(h);
  Json m1 = h.ok("SHOW MIGRATION 1")["migration"];
  Json m2 = h.ok("SHOW MIGRATION 2")["migration"];
  using strata::engine::chain_checksum;
  using strata::engine::zero_chain;
  CHECK(m1["ChainChecksum"] == chain_checksum(zero_chain(), m1["Checksum"]));
  CHECK(m2["ChainChecksum"] == chain_checksum(m1["ChainChecksum"], m2["Checksum"]));
  Json v = h.ok("VERIFY MIGRATIONS");
  CHECK(v["checksumsValid"] == true);
  CHECK(v["chainValid"] == true);
  CHECK(v["schemaDrift"] == false);
}

TEST_CASE("a tampered stored command fails VALIDATE and APPLY (SPEC 4.6)") {
  MigrationHarness h;
  two_migrations(h);
  h.ok("APPLY MIGRATION WITH VERSION 1");
  tamper(h, 2);
  Json r = h.ok("VALIDATE MIGRATION WITH VERSION 2")["report"];
  CHECK(r["syntaxPhase"]["passed"] == false);
  CHECK(r["overallResult"] == "FAIL");
  Json e = h.fail("APPLY MIGRATION WITH VERSION 2", "CHECKSUM_MISMATCH");
  CHECK(h.select("A").empty());
  Json v = h.ok("VERIFY MIGRATIONS");
  CHECK(v["checksumsValid"] == false);
  CHECK(v["problems"][0] == "migration 2: checksum mismatch (stored commands altered)");
}

TEST_CASE("direct DDL is named schema drift until the next APPLY or ROLLBACK (SPEC 4.10)") {
  MigrationHarness h;
  two_migrations(h);
  h.ok("APPLY MIGRATION WITH VERSION 1");
  CHECK(h.ok("SHOW MIGRATIONS")["schemaDrift"] == false);
  h.fail("CREATE BUNDLE \"No\" WITH FIELDS ({\"x\", INT, false, false})",
         "DIRECT_SCHEMA_CHANGES_DISABLED");  // the default (SPEC 4.11)
  h.ok("SET AllowDirectSchemaChanges = true");
  h.ok("CREATE BUNDLE \"Direct\" WITH FIELDS ({\"x\", INT, false, false})");
  CHECK(h.ok("SHOW MIGRATIONS")["schemaDrift"] == true);
  Json v = h.ok("VERIFY MIGRATIONS");
  CHECK(v["schemaDrift"] == true);
  REQUIRE(v["drift"].size() == 1);
  CHECK(v["drift"][0]["object"] == "bundle");
  CHECK(v["drift"][0]["name"] == "Direct");
  CHECK(v["drift"][0]["change"] == "added");
  // Drift is never adopted silently: the next APPLY needs FORCE and its event names it.
  h.fail("APPLY MIGRATION WITH VERSION 2", "WARNINGS_REQUIRE_FORCE");
  h.ok("APPLY MIGRATION WITH VERSION 2 FORCE");
  CHECK(h.ok("SHOW MIGRATIONS")["schemaDrift"] == false);
  Json events = h.ok("SHOW MIGRATION 2")["migration"]["Events"];
  CHECK(events.back()["adoptedDrift"][0]["name"] == "Direct");
  h.ok("DROP BUNDLE \"Direct\"");
  CHECK(h.ok("SHOW MIGRATIONS")["schemaDrift"] == true);
  h.ok("APPLY ROLLBACK TO VERSION 1");
  CHECK(h.ok("SHOW MIGRATIONS")["schemaDrift"] == false);
  h.ok("SET AllowDirectSchemaChanges = false");
  h.fail("CREATE BUNDLE \"No\" WITH FIELDS ({\"x\", INT, false, false})",
         "DIRECT_SCHEMA_CHANGES_DISABLED");
}

TEST_CASE("the ledger survives a restart and travels with BACKUP / RESTORE") {
  MigrationHarness h;
  two_migrations(h);
  h.ok("APPLY MIGRATION WITH VERSION 1");
  h.ok("APPLY MIGRATION WITH VERSION 2");
  h.reopen();
  Json s = h.ok("SHOW MIGRATIONS");
  CHECK(s["currentVersion"] == 2);
  h.ok("BACKUP DATABASE \"prod\" TO \"p.sdb\"");
  h.ok("RESTORE DATABASE FROM \"p.sdb\" AS \"copy\"");
  h.ok("USE \"copy\"");
  CHECK(h.ok("SHOW MIGRATIONS")["migrations"].size() == 2);
  CHECK(h.ok("VERIFY MIGRATIONS")["problems"].empty());
  h.ok("APPLY ROLLBACK TO VERSION 0");
  h.fail("SELECT * FROM \"A\"", "BUNDLE_NOT_FOUND");
  h.ok("USE \"prod\"");
  CHECK(h.select("A").size() == 1);
}

TEST_CASE("two sessions racing to APPLY the same version: exactly one succeeds (SPEC 4.2)",
          "[concurrency]") {
  for (int round = 0; round < 5; ++round) {
    MigrationHarness h;
    std::string text = "START MIGRATION CREATE BUNDLE \"R\" WITH FIELDS ({\"a\", INT, false, false});";
    for (int i = 0; i < 200; ++i) {
      text += " ADD DOCUMENT TO BUNDLE \"R\" WITH VALUES ({\"a\":" + std::to_string(i) + "});";
    }
    h.ok(text + " COMMIT");
    std::atomic<int> successes{0}, not_pending{0};
    auto racer = [&] {
      strata::engine::Session s = h.engine().open_embedded_session();
      h.engine().execute_text(s, "USE \"prod\"");
      Json r = h.engine().execute_text(s, "APPLY MIGRATION WITH VERSION 1");
      if (r["status"] == "success") ++successes;
      else if (r["message"] == "migration not in PENDING state") ++not_pending;
    };
    std::thread a(racer), b(racer);
    a.join();
    b.join();
    CHECK(successes == 1);
    CHECK(not_pending == 1);
    CHECK(h.select("R").size() == 200);
  }
}

namespace {

// Every key of the commands record of `version` (chunk 0 first), with its value.
std::vector<std::pair<std::string, std::string>> record_chunks(MigrationHarness& h,
                                                               uint64_t version) {
  auto view = h.engine().read("prod");
  REQUIRE(view.ok());
  const std::string prefix =
      strata::storage::ledger_keys::commands_key(view->schema->id, version);
  std::vector<std::pair<std::string, std::string>> out;
  auto it = view->reader->scan_prefix(strata::storage::Space::kLedger, prefix);
  for (; it->valid(); it->next()) out.emplace_back(it->key(), it->value());
  REQUIRE(it->status().ok());
  return out;
}

// A migration of a bundle and `docs` documents (about 150 bytes of record each, one of 2.5 MB).
std::string big_migration(int docs) {
  std::string text = "START MIGRATION WITH DESCRIPTION \"big\" CREATE BUNDLE \"B\" WITH FIELDS "
                     "({\"n\", INT, false, true}, {\"pad\", STRING, false, false});";
  const std::string pad(100, 'x');
  for (int i = 0; i < docs; ++i) {
    // One command longer than a chunk (2.5 MB): it is stored across chunks.
    const std::string p = i == docs / 2 ? std::string(2'500'000, 'y') : pad;
    text += "\nADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"n\":" + std::to_string(i) +
            ",\"pad\":\"" + p + "\"});";
  }
  return text + "\nCOMMIT";
}

}  // namespace

TEST_CASE("a commands record longer than 1 MiB is stored in chunks and reads back whole") {
  MigrationHarness h;
  h.ok(big_migration(30000));  // ~4.4 MB of canonical text
  auto chunks = record_chunks(h, 1);
  REQUIRE(chunks.size() >= 6);
  size_t bytes = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    bytes += chunks[i].second.size();
    if (i + 1 < chunks.size()) CHECK(chunks[i].second.size() == (1u << 20));  // full but the last
  }
  CHECK(bytes > 6'900'000);
  CHECK(h.ok("VALIDATE MIGRATION WITH VERSION 1")["report"]["overallResult"] != "FAIL");

  SECTION("applied, verified, rolled back, after a restart") {
    h.reopen();
    h.ok("APPLY MIGRATION WITH VERSION 1 FORCE");
    CHECK(h.ok("SELECT COUNT FROM \"B\"")["ResultCount"] == 30000);
    Json longest = h.ok("SELECT * FROM \"B\" WHERE n == 15000")["Result"];
    REQUIRE(longest.size() == 1);
    CHECK(longest[0]["pad"] == std::string(2'500'000, 'y'));
    Json v = h.ok("VERIFY MIGRATIONS");
    CHECK(v["checksumsValid"] == true);
    h.ok("APPLY ROLLBACK TO VERSION 0 FORCE");
    h.fail("SELECT COUNT FROM \"B\"", "BUNDLE_NOT_FOUND");
  }
  SECTION("DROP MIGRATION removes every chunk") {
    h.ok("DROP MIGRATION WITH VERSION 1");
    CHECK(record_chunks(h, 1).empty());
    // The version is free again: a small migration takes it, one chunk, nothing left over.
    h.ok("START MIGRATION CREATE BUNDLE \"S\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT");
    CHECK(record_chunks(h, 1).size() == 1);
    h.ok("APPLY MIGRATION WITH VERSION 1");
    CHECK(h.ok("VERIFY MIGRATIONS")["checksumsValid"] == true);
  }
  SECTION("a record written whole (before chunks) still reads") {
    std::string whole;
    for (const auto& [key, value] : chunks) whole += value;
    auto txn = h.engine().store().begin();
    for (size_t i = 1; i < chunks.size(); ++i)
      txn->del(strata::storage::Space::kLedger, chunks[i].first);
    txn->put(strata::storage::Space::kLedger, chunks[0].first, whole);
    REQUIRE(h.engine().store().commit(*txn, true).ok());
    REQUIRE(record_chunks(h, 1).size() == 1);
    h.ok("APPLY MIGRATION WITH VERSION 1 FORCE");
    CHECK(h.ok("SELECT COUNT FROM \"B\"")["ResultCount"] == 30000);
    CHECK(h.ok("VERIFY MIGRATIONS")["checksumsValid"] == true);
  }
  SECTION("a lost chunk is a storage error, never a shorter migration") {
    auto txn = h.engine().store().begin();
    txn->del(strata::storage::Space::kLedger, chunks[2].first);
    REQUIRE(h.engine().store().commit(*txn, true).ok());
    Json r = h.run("APPLY MIGRATION WITH VERSION 1 FORCE");
    CHECK(r["status"] == "error");
    CHECK(r["error"]["code"] == "STORAGE_ERROR");
    CHECK(r.dump().find("chunk is missing") != std::string::npos);
    h.fail("SELECT COUNT FROM \"B\"", "BUNDLE_NOT_FOUND");
  }
}

TEST_CASE("a commands record from before DOWN positions were kept still loads and validates") {
  // Older stores keep only the UP commands' positions: the record loads, VALIDATE runs, and
  // an explicit DOWN command's diagnostic has no line (nothing to point at).
  MigrationHarness h;
  h.ok("START MIGRATION CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false})\n"
       "DOWN\n  DROP BUNDLE \"Nope\"\nCOMMIT");
  auto view = h.engine().read("prod");
  REQUIRE(view.ok());
  const std::string key =
      strata::storage::ledger_keys::commands_key(view->schema->id, 1);
  auto value = h.engine().store().get(strata::storage::Space::kLedger, key);
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  std::string record = **value;
  // Today's record ends with "1,17 3,3\n": drop the DOWN command's position.
  const size_t last = record.rfind(' ');
  REQUIRE(last != std::string::npos);
  CHECK(record.substr(last) == " 3,3\n");
  record = record.substr(0, last) + "\n";
  auto txn = h.engine().store().begin();
  txn->put(strata::storage::Space::kLedger, key, record);
  REQUIRE(h.engine().store().commit(*txn, true).ok());
  Json report = h.ok("VALIDATE MIGRATION WITH VERSION 1")["report"];
  CHECK(report["overallResult"] == "FAIL");
  const Json& d = report["diagnostics"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["command"] == 2);
  CHECK(d[0]["line"].is_null());
  CHECK(h.ok("SHOW MIGRATION 1")["migration"]["DownCommands"] ==
        Json::array({"DROP BUNDLE \"Nope\""}));
}
