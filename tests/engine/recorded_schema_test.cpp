// Recorded schemas (SPEC §4.10, engine/recorded_schema.hpp): SHOW SCHEMA AT VERSION n gives back
// the schema that was live when the ledger last arrived at n, whatever mix of changes, drift,
// rollbacks and re-started versions came between, and the records grow with the changes, not
// with the schema times the migrations.
#include <map>
#include <random>

#include "engine/engine_fixture.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"

namespace strata::testing {
namespace {

using nlohmann::json;

// What SHOW SCHEMA answers about a schema, without the keys that name the version asked.
json shown(const json& r) {
  return {{"schema", r["schema"]}, {"statements", r["statements"]},
          {"schemaChecksum", r["schemaChecksum"]}};
}

// One random schema statement over `live` (SHOW SCHEMA's "schema"): mostly about bundles,
// fields and indexes that exist, sometimes not (a command that fails makes START or APPLY fail,
// and the test drops that migration).
std::string random_change(std::mt19937& rng, const json& live) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const json& bundles = live["Bundles"];
  auto any_bundle = [&]() -> std::string {
    if (bundles.empty() || pick(8) == 0) return "B" + std::to_string(pick(8));
    return bundles[pick(static_cast<int>(bundles.size()))]["Name"].get<std::string>();
  };
  auto field_of = [&](const std::string& b) -> std::string {
    for (const auto& jb : bundles) {
      if (jb["Name"] != b || jb["Fields"].empty()) continue;
      return jb["Fields"][pick(static_cast<int>(jb["Fields"].size()))]["Name"];
    }
    return std::string(1, static_cast<char>('p' + pick(4)));
  };
  const std::string b = any_bundle(), c = any_bundle();
  const std::string fresh = std::string(1, static_cast<char>('p' + pick(6)));
  switch (pick(10)) {
    case 0:
    case 1:
      return "CREATE BUNDLE \"B" + std::to_string(pick(8)) + "\" WITH FIELDS ({\"" + fresh +
             "\", INT, false, false}, {\"k\", STRING, false, true})";
    case 2:
      return "DROP BUNDLE \"" + b + "\"";
    case 3:
      return "UPDATE BUNDLE \"" + b + "\" ADD FIELD {\"" + fresh + "\", STRING, false, false}";
    case 4:
      return "UPDATE BUNDLE \"" + b + "\" REMOVE FIELD \"" + field_of(b) + "\"";
    case 5:
      return "UPDATE BUNDLE \"" + b + "\" RENAME FIELD \"" + field_of(b) + "\" TO \"" + fresh +
             "\"";
    case 6:
      return "UPDATE BUNDLE \"" + b + "\" SET NAME = \"B" + std::to_string(pick(8)) + "\"";
    case 7:
      return "CREATE INDEX \"i" + std::to_string(pick(4)) + "\" BTREE ON BUNDLE \"" + b +
             "\" WITH FIELD \"" + field_of(b) + "\"";
    case 8:
      return "DROP INDEX \"i" + std::to_string(pick(4)) + "\"";
    default:
      return "UPDATE BUNDLE \"" + b + "\" ADD RELATIONSHIP \"r" + std::to_string(pick(2)) +
             "\" FROM BUNDLE \"" + b + "\" TO BUNDLE \"" + c + "\"";
  }
}

TEST_CASE("recorded schema: every version reads back as it was, through random changes, drift, "
          "rollbacks and re-started versions",
          "[engine][recorded_schema]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    TempDir dir;
    auto e = open_engine(dir.path());
    auto s = e->open_embedded_session();
    use_new_database(*e, s, "r");
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    std::map<uint64_t, json> expected;  // version -> SHOW SCHEMA when the ledger arrived there
    expected[0] = shown(must(*e, s, "SHOW SCHEMA"));
    uint64_t current = 0, highest = 0;
    auto check_all = [&]() {
      for (const auto& [v, want] : expected) {
        json r = e->execute_text(s, "SHOW SCHEMA AT VERSION " + std::to_string(v));
        INFO("SHOW SCHEMA AT VERSION " << v << " -> " << r.dump());
        REQUIRE(r.value("success", false));
        CHECK(shown(r) == want);
      }
    };
    int applied = 0, rollbacks = 0, drifts = 0;
    for (int step = 0; step < 200; ++step) {
      const int action = pick(10);
      if (action == 0 && current > 0) {
        // Roll back to a lower version; the versions above stay readable until dropped.
        const uint64_t back = 1 + static_cast<uint64_t>(pick(3));
        const uint64_t to = current > back ? current - back : 0;
        json r = e->execute_text(s, "APPLY ROLLBACK TO VERSION " + std::to_string(to) + " FORCE");
        if (!r.value("success", false)) {
          // A DOWN command that drift made impossible (its bundle renamed outside migrations):
          // the rollback changed nothing.
          INFO(r.dump());
          CHECK(r["error"]["code"] == "ROLLBACK_FAILED");
          check_all();
          continue;
        }
        ++rollbacks;
        current = to;
        expected[to] = shown(must(*e, s, "SHOW SCHEMA"));
        check_all();
        // Continue from `to`: the rolled-back migrations are dropped, top first.
        for (uint64_t v = highest; v > to; --v) {
          must(*e, s, "DROP MIGRATION WITH VERSION " + std::to_string(v));
          expected.erase(v);
        }
        highest = to;
      } else if (action == 1) {
        // Drift: a change outside migrations, adopted by the next APPLY (FORCE).
        const json live = must(*e, s, "SHOW SCHEMA")["schema"];
        if (e->execute_text(s, random_change(rng, live)).value("success", false)) ++drifts;
      } else {
        std::string text = "START MIGRATION ";
        const json live = must(*e, s, "SHOW SCHEMA")["schema"];
        const int n = 1 + pick(2);
        for (int i = 0; i < n; ++i) text += (i ? ";\n" : "") + random_change(rng, live);
        json started = e->execute_text(s, text + " COMMIT");
        if (!started.value("success", false)) continue;
        const uint64_t v = started["migration"]["Version"].get<uint64_t>();
        REQUIRE(v == highest + 1);
        highest = v;
        json r = e->execute_text(s, "APPLY MIGRATION WITH VERSION " + std::to_string(v) + " FORCE");
        if (!r.value("success", false)) {
          must(*e, s, "DROP MIGRATION WITH VERSION " + std::to_string(v));
          highest = v - 1;
          continue;
        }
        ++applied;
        current = v;
        expected[v] = shown(must(*e, s, "SHOW SCHEMA"));
      }
      if (step % 20 == 19) check_all();
    }
    check_all();
    INFO("applied " << applied << ", rollbacks " << rollbacks << ", drifts " << drifts);
    CHECK(applied > 40);
    CHECK(rollbacks >= 3);
    CHECK(drifts > 3);
    // And after a restart (the records are read back from the store, not from memory).
    e->close_session(s);
    e.reset();
    e = open_engine(dir.path());
    s = e->open_embedded_session();
    must(*e, s, "USE \"r\"");
    check_all();
  }
}

TEST_CASE("recorded schema: the records grow with the changes, not with the schema times the "
          "migrations",
          "[engine][recorded_schema]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  use_new_database(*e, s, "w");
  const int m = 400;
  for (int i = 1; i <= m; ++i) {
    const std::string name = "t_" + std::to_string(i);
    must(*e, s, "START MIGRATION CREATE BUNDLE \"" + name +
                    "\" WITH FIELDS ({\"id\", INT, true, true}, {\"name\", STRING, false, false}) "
                    "COMMIT");
    must(*e, s, "APPLY MIGRATION WITH VERSION " + std::to_string(i));
  }
  size_t total = 0, largest = 0, count = 0;
  const std::string prefix = storage::keys::database_prefix(1) + "S";
  auto it = e->store().snapshot()->scan(storage::Space::kLedger, prefix,
                                        storage::prefix_end(prefix));
  for (; it->valid(); it->next()) {
    total += it->value().size();
    largest = std::max(largest, it->value().size());
    ++count;
  }
  REQUIRE(it->status().ok());
  CHECK(count == m);
  // One full record of the whole schema is about `largest`; recording it at every APPLY
  // would write m / 2 times that.
  INFO("records: " << total << " bytes in all, largest " << largest);
  CHECK(total < 6 * largest);
  // Every version still reads back, the first, a middle one and the last.
  for (int v : {1, m / 2, m - 1, m}) {
    json r = must(*e, s, "SHOW SCHEMA AT VERSION " + std::to_string(v));
    CHECK(r["schema"]["Bundles"].size() == static_cast<size_t>(v));
  }
  // A rollback to 0 leaves nothing to record (the empty schema is version 0's), and the
  // rolled-back versions still read back.
  must(*e, s, "APPLY ROLLBACK TO VERSION 0");
  json r = must(*e, s, "SHOW SCHEMA AT VERSION " + std::to_string(m));
  CHECK(r["schema"]["Bundles"].size() == static_cast<size_t>(m));
  CHECK(must(*e, s, "SHOW SCHEMA AT VERSION 0")["schema"]["Bundles"].empty());
}

TEST_CASE("recorded schema: records of the format before deltas still read, and the next APPLY "
          "records in full after one",
          "[engine][recorded_schema]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  use_new_database(*e, s, "o");
  must(*e, s, "START MIGRATION CREATE BUNDLE \"A\" WITH FIELDS ({\"z\", INT, false, false}, "
              "{\"a\", STRING, false, false}) COMMIT");
  must(*e, s, "APPLY MIGRATION WITH VERSION 1");
  const json v1 = shown(must(*e, s, "SHOW SCHEMA AT VERSION 1"));
  // Rewrite version 1's record as the older format wrote it: one JSON object.
  const std::string key = storage::keys::database_prefix(1) + "S" + std::string(7, '\0') + "\1";
  auto stored = e->store().snapshot()->get(storage::Space::kLedger, key);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  const std::string& text = **stored;
  const size_t nl = text.find('\n');
  REQUIRE(nl != std::string::npos);
  const json header = json::parse(text.substr(0, nl));
  CHECK(header["kind"] == "delta");  // version 1 against the empty version 0
  // The canonical text of the schema, fields in declaration order, as the old record held it.
  const json old = {{"migrationChecksum", header["migrationChecksum"]},
                    {"schema",
                     {{"bundles",
                       {{{"name", "A"},
                         {"fields", {{"z", "INT", false, false, nullptr},
                                     {"a", "STRING", false, false, nullptr}}},
                         {"relationships", json::array()}}}},
                      {"indexes", json::array()}}}};
  auto txn = e->store().begin();
  txn->put(storage::Space::kLedger, key, old.dump());
  REQUIRE(e->store().commit(*txn, true).ok());
  CHECK(shown(must(*e, s, "SHOW SCHEMA AT VERSION 1")) == v1);
  must(*e, s, "START MIGRATION UPDATE BUNDLE \"A\" ADD FIELD {\"b\", INT, false, false} COMMIT");
  must(*e, s, "APPLY MIGRATION WITH VERSION 2");
  const json v2 = shown(must(*e, s, "SHOW SCHEMA"));
  CHECK(shown(must(*e, s, "SHOW SCHEMA AT VERSION 2")) == v2);
  CHECK(shown(must(*e, s, "SHOW SCHEMA AT VERSION 1")) == v1);
  must(*e, s, "APPLY ROLLBACK TO VERSION 1");
  CHECK(shown(must(*e, s, "SHOW SCHEMA AT VERSION 1")) == v1);
  CHECK(shown(must(*e, s, "SHOW SCHEMA AT VERSION 2")) == v2);
  CHECK(must(*e, s, "VERIFY MIGRATIONS")["problems"].empty());
}

}  // namespace
}  // namespace strata::testing
