// Atomicity of APPLY and APPLY ROLLBACK with real processes (SPEC §4.5, §4.9, §8):
// `strata exec` runs APPLY of a 100,002-command migration, or APPLY ROLLBACK of it, and is
// killed with SIGKILL at a random moment (fixed seed), several times on the same store. After
// each restart the migration is wholly applied or wholly not, every index agrees with the
// documents, and VERIFY MIGRATIONS finds nothing.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

constexpr int kBase = 1000;      // documents before the big migration
constexpr int kAdded = 100000;   // ADD DOCUMENT commands of the big migration

Json must(engine::Engine& e, engine::Session& s, const std::string& text) {
  Json r = e.execute_text(s, text);
  INFO(text.substr(0, 200) << " -> " << r.dump().substr(0, 2000));
  REQUIRE(r["status"] == "success");
  return r;
}

// Reopens the store; checks all-or-nothing, indexes and VERIFY. Returns the status of 2.
std::string check(const std::string& data) {
  auto e = open_engine(data);
  auto s = e->open_embedded_session();
  must(*e, s, "USE \"c\"");
  const std::string status = must(*e, s, "SHOW MIGRATION 2")["migration"]["Status"];
  const uint64_t all = must(*e, s, "SELECT COUNT FROM \"K\"")["ResultCount"];
  const uint64_t updated = must(*e, s, "SELECT COUNT FROM \"K\" WHERE v == 1")["ResultCount"];
  const uint64_t added = must(*e, s, "SELECT COUNT FROM \"K\" WHERE v == 2")["ResultCount"];
  INFO("status " << status);
  if (status == "APPLIED") {
    CHECK(all == kBase + kAdded);
    CHECK(updated == kBase);
    CHECK(added == kAdded);
    CHECK(must(*e, s, "SHOW MIGRATIONS")["currentVersion"] == 2);
  } else {
    CHECK((status == "PENDING" || status == "ROLLED_BACK"));
    CHECK(all == kBase);
    CHECK(updated == 0);
    CHECK(added == 0);
    CHECK(must(*e, s, "SHOW MIGRATIONS")["currentVersion"] == 1);
  }
  auto report = e->check_consistency("c");
  REQUIRE(report.ok());
  INFO(report->dump());
  CHECK((*report)["ok"] == true);
  Json verify = must(*e, s, "VERIFY MIGRATIONS");
  CHECK(verify["problems"].empty());
  return status;
}

void in_process(const std::string& data, const std::string& text) {
  auto e = open_engine(data);
  auto s = e->open_embedded_session();
  must(*e, s, "USE \"c\"");
  must(*e, s, text);
}

TEST_CASE("kill -9 during APPLY and APPLY ROLLBACK: all or nothing", "[migration][crash]") {
  signal(SIGPIPE, SIG_IGN);
  TempDir dir;
  const std::string data = dir.sub("data");
  {
    auto e = open_engine(data);
    auto s = e->open_embedded_session();
    must(*e, s, "CREATE DATABASE \"c\"");
    must(*e, s, "USE \"c\"");
    std::string v1 = "START MIGRATION CREATE BUNDLE \"K\" WITH FIELDS ({\"g\", INT, true, false},"
                     " {\"v\", INT, true, false}); CREATE INDEX BTREE ON BUNDLE \"K\" WITH FIELD "
                     "\"v\";";
    for (int i = 0; i < kBase; ++i) {
      v1 += " ADD DOCUMENT TO BUNDLE \"K\" WITH VALUES ({\"g\":" + std::to_string(i) +
            ",\"v\":0});";
    }
    must(*e, s, v1 + " COMMIT");
    must(*e, s, "APPLY MIGRATION WITH VERSION 1 FORCE");
    std::string v2 = "START MIGRATION WITH DESCRIPTION \"big\"\n"
                     "UPDATE DOCUMENTS IN BUNDLE \"K\" (\"v\" = 1) WHERE g >= 0;\n";
    v2.reserve(8 << 20);
    for (int i = 0; i < kAdded; ++i) {
      v2 += "ADD DOCUMENT TO BUNDLE \"K\" WITH VALUES ({\"g\":" + std::to_string(kBase + i) +
            ",\"v\":2});\n";
    }
    v2 += "UPDATE DOCUMENTS IN BUNDLE \"K\" (\"v\" = 1) WHERE g < 0\nCOMMIT";
    must(*e, s, v2);
  }
  const std::string apply = dir.sub("apply.sql");
  const std::string rollback = dir.sub("rollback.sql");
  std::ofstream(apply) << "USE \"c\";\nAPPLY MIGRATION WITH VERSION 2 FORCE;\n";
  std::ofstream(rollback) << "USE \"c\";\nAPPLY ROLLBACK TO VERSION 1;\n";

  std::mt19937 rng(20261121);
  int applied_by_child = 0, rolled_back_by_child = 0;
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    run_exec(data, apply, 100 + static_cast<int>(rng() % 3000));
    if (check(data) == "APPLIED") {
      ++applied_by_child;
    } else {
      in_process(data, "APPLY MIGRATION WITH VERSION 2 FORCE");
    }
    run_exec(data, rollback, 100 + static_cast<int>(rng() % 2500));
    if (check(data) == "ROLLED_BACK") {
      ++rolled_back_by_child;
    } else {
      in_process(data, "APPLY ROLLBACK TO VERSION 1");
    }
    CHECK(check(data) == "ROLLED_BACK");
    in_process(data, "RESET MIGRATION WITH VERSION 2");
  }
  // Uninterrupted runs complete.
  run_exec(data, apply, -1);
  CHECK(check(data) == "APPLIED");
  run_exec(data, rollback, -1);
  CHECK(check(data) == "ROLLED_BACK");
  WARN("children completed " << applied_by_child << " APPLYs and " << rolled_back_by_child
                             << " ROLLBACKs before their kill");
}

}  // namespace
}  // namespace strata::testing
