// A model-based property test of rollback with live data (SPEC §4.7–§4.9, issue 12).
//
// Random migrations (ADD / UPDATE / DELETE DOCUMENTS, destructive ones included) interleave
// with random direct writes; at random moments the database is rolled back to a random earlier
// version. A simple in-memory model says what must happen:
//   - a document a rolled-back migration touched and that a direct write changed or deleted
//     after that migration's APPLY is a conflict (unless the migration added it and it is gone:
//     nothing is lost); VALIDATE ROLLBACK lists exactly those documents and APPLY ROLLBACK
//     refuses with ROLLBACK_CONFLICT, changing nothing;
//   - without conflicts (or with FORCE) every document a rolled-back migration touched comes
//     back exactly as it was before the earliest of them touched it, and every other document
//     — later direct writes included — stays as it is;
//   - VALIDATE ROLLBACK says canRollback exactly when APPLY ROLLBACK then succeeds.
// After every step the documents equal the model's and every index agrees with the documents
// (Engine::check_consistency, a full scan). Emails are never reused, so unique_taken (covered
// by tests/cases/rollback_conflicts.test) does not arise here.
//
// Size: STRATA_PROPERTY_SEEDS seeds × STRATA_PROPERTY_STEPS steps (defaults 4 × 60, a few
// seconds; bench/ or a soak sets more).

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

using nlohmann::json;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// One document as the model keeps it: its values (DocumentID aside).
struct Doc {
  int64_t id = 0;
  std::string email;
  std::string v;
  // The model's write stamp: which write left this copy (each direct write its own, a
  // migration one for all it wrote; a rollback restores the copy with its old stamp).
  uint64_t stamp = 0;
  bool operator==(const Doc& o) const { return id == o.id && email == o.email && v == o.v; }
};
using State = std::map<std::string, Doc>;  // by DocumentID

struct AppliedMigration {
  uint64_t version = 0;
  uint64_t stamp = 0;             // the stamp of every copy it wrote
  State before;                   // the documents before its APPLY
  std::set<std::string> touched;  // documents it added, changed or deleted
  std::set<std::string> added;    // of those, the ones it added
  std::set<std::string> deleted;  // of those, the ones it left deleted
};

class Walk {
 public:
  Walk(engine::Engine& e, engine::Session& s, uint32_t seed) : e_(e), s_(s), rng_(seed) {}

  void setup() {
    must(e_, s_, "CREATE DATABASE \"p\"");
    must(e_, s_, "USE \"p\"");
    json started = must(e_, s_,
                        "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"id\", INT, true, "
                        "true}, {\"email\", STRING, true, true}, {\"v\", STRING, false, false}) "
                        "COMMIT");
    base_version_ = started["migration"]["Version"].get<uint64_t>();
    must(e_, s_, "APPLY MIGRATION WITH VERSION " + std::to_string(base_version_));
    for (int i = 0; i < 8; ++i) direct_add();
  }

  void step() {
    const int pick = static_cast<int>(rng_() % 10);
    if (pick < 4) {
      direct_writes();
    } else if (pick < 8 || applied_.empty()) {
      migrate();
    } else {
      roll_back();
    }
    check();
  }

 private:
  std::string text(const Doc& d) const {
    return "{\"id\": " + std::to_string(d.id) + ", \"email\": \"" + d.email + "\", \"v\": \"" +
           d.v + "\"}";
  }
  std::string fresh_value() { return "v" + std::to_string(rng_() % 100000); }
  Doc fresh_doc() {
    Doc d;
    d.id = next_id_++;
    d.email = "u" + std::to_string(d.id) + "@x";
    d.v = fresh_value();
    return d;
  }
  std::optional<std::string> random_live(const State& state) {
    if (state.empty()) return std::nullopt;
    auto it = state.begin();
    std::advance(it, static_cast<long>(rng_() % state.size()));
    return it->first;
  }
  void direct_add() {
    Doc d = fresh_doc();
    d.stamp = ++stamps_;
    json r = must(e_, s_, "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES (" + text(d) + ")");
    model_[r["DocumentID"].get<std::string>()] = d;
  }

  void direct_writes() {
    const int n = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < n; ++i) {
      const int kind = static_cast<int>(rng_() % 3);
      auto target = random_live(model_);
      if (kind == 0 || !target) {
        direct_add();
      } else if (kind == 1) {
        const std::string value = fresh_value();
        must(e_, s_,
             "UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"" + value + "\") WHERE id == " +
                 std::to_string(model_[*target].id));
        model_[*target].v = value;
        model_[*target].stamp = ++stamps_;
      } else {
        must(e_, s_,
             "DELETE DOCUMENTS FROM BUNDLE \"T\" WHERE id == " +
                 std::to_string(model_[*target].id));
        model_.erase(*target);
      }
    }
  }

  void migrate() {
    // The commands, and what they will do, planned on a copy of the model.
    State after = model_;
    std::vector<std::string> commands;
    std::vector<Doc> added;  // DocumentIDs are known only after the APPLY (so later commands
                             // of the same migration never target them)
    std::set<std::string> touched;
    const int n = 1 + static_cast<int>(rng_() % 5);
    for (int i = 0; i < n; ++i) {
      const int kind = static_cast<int>(rng_() % 3);
      auto target = random_live(after);
      if (kind == 0 || !target) {
        Doc d = fresh_doc();
        commands.push_back("ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES (" + text(d) + ")");
        added.push_back(d);
      } else if (kind == 1) {
        const std::string value = fresh_value();
        commands.push_back("UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"" + value +
                           "\") WHERE id == " + std::to_string(after[*target].id));
        after[*target].v = value;
        touched.insert(*target);
      } else {
        commands.push_back("DELETE DOCUMENTS FROM BUNDLE \"T\" WHERE id == " +
                           std::to_string(after[*target].id));
        after.erase(*target);
        touched.insert(*target);
      }
    }
    std::string body;
    for (const auto& c : commands) body += c + ";\n";
    json started = must(e_, s_, "START MIGRATION\n" + body + "COMMIT");
    AppliedMigration m;
    m.version = started["migration"]["Version"].get<uint64_t>();
    m.stamp = ++stamps_;
    m.before = model_;
    must(e_, s_, "APPLY MIGRATION WITH VERSION " + std::to_string(m.version) + " FORCE");
    // The added documents' ids, found by their unique id values.
    for (const Doc& d : added) {
      json r = must(e_, s_, "SELECT * FROM \"T\" WHERE id == " + std::to_string(d.id));
      REQUIRE(r["Result"].size() == 1);
      const std::string doc = r["Result"][0]["DocumentID"].get<std::string>();
      after[doc] = d;
      touched.insert(doc);
      m.added.insert(doc);
    }
    for (const auto& doc : touched) {
      if (after.count(doc) == 0) {
        m.deleted.insert(doc);
      } else {
        after[doc].stamp = m.stamp;
      }
    }
    m.touched = touched;
    model_ = after;
    applied_.push_back(std::move(m));
  }

  void roll_back() {
    const size_t keep = rng_() % applied_.size();  // migrations kept: applied_[0, keep)
    const uint64_t target = keep == 0 ? base_version_ : applied_[keep - 1].version;
    // Undone latest first, as the rollback does. A document the migration wrote and left in
    // place must still carry its stamp (else a later write changed or deleted it: a
    // conflict); one it added and that is gone by now is no conflict (nothing is lost).
    std::set<std::string> conflicts;
    State expected = model_;
    for (size_t i = applied_.size(); i-- > keep;) {
      const AppliedMigration& m = applied_[i];
      for (const auto& d : m.touched) {
        if (m.deleted.count(d) != 0) continue;
        auto now = expected.find(d);
        if (now == expected.end() ? m.added.count(d) == 0 : now->second.stamp != m.stamp) {
          conflicts.insert(d);
        }
      }
      for (const auto& d : m.touched) {
        auto was = m.before.find(d);
        if (was == m.before.end()) {
          expected.erase(d);
        } else {
          expected[d] = was->second;
        }
      }
    }
    const std::string to = std::to_string(target);
    INFO("rollback to " << to << ", expected conflicts " << conflicts.size());

    json report = must(e_, s_, "VALIDATE ROLLBACK TO VERSION " + to)["report"];
    std::set<std::string> reported;
    for (const auto& c : report["conflicts"]) reported.insert(c["DocumentID"].get<std::string>());
    CHECK(reported == conflicts);
    CHECK(report["canRollback"] == conflicts.empty());
    CHECK(report["canRollbackWithForce"] == true);

    json r = e_.execute_text(s_, "APPLY ROLLBACK TO VERSION " + to);
    if (!conflicts.empty()) {
      INFO(r.dump().substr(0, 600));
      REQUIRE(r["error"]["code"] == "ROLLBACK_CONFLICT");
      std::set<std::string> refused;
      for (const auto& c : r["conflicts"]) refused.insert(c["DocumentID"].get<std::string>());
      CHECK(refused == conflicts);
      check();  // nothing changed
      if (rng_() % 2 == 0) return;
      r = e_.execute_text(s_, "APPLY ROLLBACK TO VERSION " + to + " FORCE");
    }
    INFO(r.dump().substr(0, 600));
    REQUIRE(r.value("success", false));
    model_ = expected;
    // The rolled-back versions leave the ledger, so new migrations can follow.
    for (size_t i = applied_.size(); i-- > keep;) {
      must(e_, s_, "DROP MIGRATION WITH VERSION " + std::to_string(applied_[i].version));
    }
    applied_.resize(keep);
  }

  void check() {
    json r = must(e_, s_, "SELECT * FROM \"T\"");
    State seen;
    for (const auto& row : r["Result"]) {
      Doc d;
      d.id = row["id"].get<int64_t>();
      d.email = row["email"].get<std::string>();
      d.v = row.value("v", "");
      seen[row["DocumentID"].get<std::string>()] = d;
    }
    REQUIRE(seen.size() == model_.size());
    for (const auto& [doc, d] : model_) {
      INFO("document " << doc);
      REQUIRE(seen.count(doc) == 1);
      CHECK(seen[doc] == d);
    }
    auto consistency = e_.check_consistency("p");
    REQUIRE(consistency.ok());
    INFO(consistency->dump());
    REQUIRE((*consistency)["ok"] == true);
  }

  engine::Engine& e_;
  engine::Session& s_;
  std::mt19937 rng_;
  State model_;
  std::vector<AppliedMigration> applied_;
  uint64_t base_version_ = 0;
  int64_t next_id_ = 1;
  uint64_t stamps_ = 0;
};

TEST_CASE("rollback property: random migrations, later writes and rollbacks match the model") {
  const int seeds = env_int("STRATA_PROPERTY_SEEDS", 4);
  const int steps = env_int("STRATA_PROPERTY_STEPS", 60);
  for (int seed = 1; seed <= seeds; ++seed) {
    DYNAMIC_SECTION("seed " << seed) {
      TempDir dir;
      auto e = open_engine(dir.path());
      auto s = e->open_embedded_session();
      Walk walk(*e, s, static_cast<uint32_t>(seed));
      walk.setup();
      for (int i = 0; i < steps; ++i) {
        INFO("step " << i);
        walk.step();
      }
    }
  }
}

}  // namespace
}  // namespace strata::testing
