// Concurrency: writers on two databases in parallel, readers that never see a half-applied
// statement (each UPDATE sets one value on a whole group of documents), and schema changes
// racing with reads.
#include <atomic>
#include <set>
#include <thread>

#include "engine/engine_fixture.hpp"

namespace strata::testing {
namespace {

using nlohmann::json;

TEST_CASE("parallel writers and snapshot readers", "[engine][concurrency]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  {
    auto s = e->open_embedded_session();
    for (const char* db : {"one", "two"}) {
      must(*e, s, std::string("CREATE DATABASE \"") + db + "\"");
      must(*e, s, std::string("USE \"") + db + "\"");
      must(
          *e, s,
          "CREATE BUNDLE \"G\" WITH FIELDS ({\"g\", INT, true, false}, {\"v\", INT, true, false})");
      must(*e, s, "CREATE INDEX BTREE ON BUNDLE \"G\" WITH FIELD \"v\"");
      for (int g = 0; g < 10; ++g)
        for (int i = 0; i < 4; ++i)
          must(*e, s,
               "ADD DOCUMENT TO BUNDLE \"G\" WITH VALUES ({\"g\": " + std::to_string(g) +
                   ", \"v\": 0})");
    }
    e->close_session(s);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0}, failures{0};
  auto writer = [&](const std::string& db) {
    auto s = e->open_embedded_session();
    e->execute_text(s, "USE \"" + db + "\"");
    for (int i = 1; i <= 300; ++i) {
      json r = e->execute_text(s, "UPDATE DOCUMENTS IN BUNDLE \"G\" (\"v\" = " + std::to_string(i) +
                                      ") WHERE g == " + std::to_string(i % 10));
      if (!r.value("success", false)) ++failures;
      if (i % 50 == 0) {
        r = e->execute_text(
            s, "UPDATE BUNDLE \"G\" ADD FIELD {\"f" + std::to_string(i) + "\", INT, false, false}");
        if (!r.value("success", false)) ++failures;
      }
    }
    e->close_session(s);
  };
  auto reader = [&](const std::string& db) {
    auto s = e->open_session("reader", ast::Role::kReader);
    e->execute_text(s, "USE \"" + db + "\"");
    while (!stop) {
      json r = e->execute_text(s, "SELECT DOCUMENTS FROM \"G\" WHERE v >= 0");
      if (!r.value("success", false)) {
        ++failures;
        continue;
      }
      std::map<int, std::set<int>> values;
      for (const auto& d : r["Result"]) values[d["g"].get<int>()].insert(d["v"].get<int>());
      for (const auto& [g, v] : values)
        if (v.size() != 1) ++torn;
      if (r["ResultCount"] != 40) ++torn;
    }
    e->close_session(s);
  };
  std::thread r1(reader, "one"), r2(reader, "two");
  std::thread w1(writer, "one"), w2(writer, "two");
  w1.join();
  w2.join();
  stop = true;
  r1.join();
  r2.join();
  CHECK(failures == 0);
  CHECK(torn == 0);
  for (const char* db : {"one", "two"}) {
    auto report = e->check_consistency(db);
    REQUIRE(report.ok());
    CHECK((*report)["ok"].get<bool>());
  }
}

}  // namespace
}  // namespace strata::testing
