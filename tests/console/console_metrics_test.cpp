// GET /metrics of the real server (SPEC §12): Basic auth as a Strata user, the exposition
// format read by a strict parser, and each family counting what the server really did.
#include "common/exposition.hpp"
#include "console/console_fixture.hpp"
#include "server/test_client.hpp"

using strata::console::testing::ConsoleServer;
using strata::server::testing::TestClient;
using strata::testing::parse_exposition;

namespace {

httplib::Result scrape(const ConsoleServer& s, const std::string& user,
                       const std::string& password) {
  httplib::Client c = s.client();
  c.set_basic_auth(user.c_str(), password.c_str());
  return c.Get("/metrics");
}

}  // namespace

TEST_CASE("/metrics counts statements, durations, connections, ledgers and the store",
          "[console][metrics]") {
  ConsoleServer s;
  auto before = scrape(s, "admin", "admin-pw");
  REQUIRE(before);
  REQUIRE(before->status == 200);
  CHECK(parse_exposition(before->body).value("strata_schema_drift", {{"database", "lab"}}) == 1);
  TestClient tcp(s.port());
  tcp.send("AUTH \"admin\" \"admin-pw\";\nPING;\nPING;\nPING;\nNOT A STATEMENT;\nUSE \"nope\";\n");
  REQUIRE(tcp.read_lines(6).size() == 6);
  tcp.send(R"(USE "lab";
START MIGRATION WITH DESCRIPTION "Notes" CREATE BUNDLE "Notes" WITH FIELDS ({"t", TEXT, false, false}); COMMIT;
APPLY MIGRATION WITH VERSION 2 FORCE;
APPLY ROLLBACK TO VERSION 1;
)");
  auto lines = tcp.read_lines(4);
  REQUIRE(lines.size() == 4);
  for (const auto& line : lines) CHECK(line.find("\"success\":true") != std::string::npos);

  auto res = scrape(s, "rita", "rita-pw");  // any role may scrape
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  auto e = parse_exposition(res->body);
  INFO(res->body);
  for (const auto& err : e.errors) UNSCOPED_INFO(err);
  REQUIRE(e.ok());

  CHECK(e.types["strata_statements_total"] == "counter");
  CHECK(e.value("strata_statements_total", {{"kind", "PING"}, {"outcome", "success"}}) == 3);
  CHECK(e.value("strata_statements_total", {{"kind", "AUTH"}, {"outcome", "success"}}) == 1);
  CHECK(e.value("strata_statements_total", {{"kind", "unparsed"}, {"outcome", "SYNTAX_ERROR"}}) == 1);
  CHECK(e.value("strata_statements_total", {{"kind", "USE"}, {"outcome", "DATABASE_NOT_FOUND"}}) == 1);
  CHECK(e.types["strata_statement_duration_seconds"] == "histogram");
  CHECK(e.value("strata_statement_duration_seconds_count", {{"kind", "PING"}}) == 3);
  CHECK(e.value("strata_connections_open") == 1);
  CHECK(e.value("strata_migration_duration_seconds_count",
                {{"operation", "apply"}, {"outcome", "success"}}) == 1);
  CHECK(e.value("strata_migration_duration_seconds_count",
                {{"operation", "rollback"}, {"outcome", "success"}}) == 1);
  CHECK(e.value("strata_writer_lock_wait_seconds_count").value_or(0) >= 3);
  CHECK(e.value("strata_migrations", {{"database", "shop"}, {"state", "APPLIED"}}) == 4);
  CHECK(e.value("strata_migrations", {{"database", "shop"}, {"state", "PENDING"}}) == 1);
  CHECK(e.value("strata_migrations", {{"database", "shop"}, {"state", "FAILED"}}) == 1);
  CHECK(e.value("strata_migrations", {{"database", "shop"}, {"state", "ROLLED_BACK"}}) == 1);
  CHECK(e.value("strata_migrations", {{"database", "lab"}, {"state", "ROLLED_BACK"}}) == 1);
  CHECK(e.value("strata_migration_current_version", {{"database", "shop"}}) == 4);
  CHECK(e.value("strata_schema_drift", {{"database", "lab"}}) == 0);  // the FORCE adopted it
  CHECK(e.value("strata_schema_drift", {{"database", "shop"}}) == 0);
  CHECK(e.value("strata_store_bytes", {{"kind", "sst"}}).value_or(0) +
            e.value("strata_store_bytes", {{"kind", "wal"}}).value_or(0) >
        0);
  CHECK(e.value("strata_console_sessions") == 0);
}

TEST_CASE("/metrics needs valid Basic credentials", "[console][metrics]") {
  ConsoleServer s;
  auto wrong = scrape(s, "admin", "nope");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(wrong->body.find("strata_") == std::string::npos);
  httplib::Client c = s.client();
  auto garbled = c.Get("/metrics", httplib::Headers{{"Authorization", "Basic !!!"}});
  REQUIRE(garbled);
  CHECK(garbled->status == 401);
  auto bearer = c.Get("/metrics", httplib::Headers{{"Authorization", "Bearer x"}});
  REQUIRE(bearer);
  CHECK(bearer->status == 401);
  // A session cookie is no scraper's credential.
  const std::string cookie = s.login("admin", "admin-pw");
  auto with_cookie = s.get("/metrics", cookie);
  REQUIRE(with_cookie);
  CHECK(with_cookie->status == 401);
}
