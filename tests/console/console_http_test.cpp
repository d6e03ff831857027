// The audit console over real HTTP against the real `strata serve --http-port` (SPEC §12):
// every page, every auth rule, escaping, /healthz, and the console's place in shutdown.
#include <signal.h>

#include "console/console_fixture.hpp"
#include "server/test_client.hpp"

using strata::console::testing::ConsoleServer;
using strata::console::testing::kXssBundle;
using strata::console::testing::kXssDescription;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every page the console has, for the demo store.
const std::vector<std::string> kPages = {
    "/", "/db?name=shop", "/db?name=lab", "/migration?db=shop&version=4",
    "/migration?db=shop&version=5", "/migration?db=lab&version=1", "/rollback?db=shop&to=2",
    "/rollback?db=lab&to=0", "/schema?db=lab", "/schema?db=lab&version=1",
    "/diff?db=lab&from=0&to=1", "/schema?db=shop&version=2", "/diff?db=shop&from=3&to=4"};

}  // namespace

TEST_CASE("without a login every page redirects to /login and /metrics answers 401",
          "[console]") {
  ConsoleServer s;
  for (const std::string& path : kPages) {
    auto res = s.get(path);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location").rfind("/login?next=", 0) == 0);
    CHECK(!contains(res->body, "shop"));
  }
  auto unknown = s.get("/no/such/page");
  REQUIRE(unknown);
  CHECK(unknown->status == 303);  // even a 404 says nothing before a login
  auto metrics = s.get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 401);
  CHECK(contains(metrics->get_header_value("WWW-Authenticate"), "Basic"));
  auto forged = s.get("/", "strata_session=" + std::string(64, 'a'));
  REQUIRE(forged);
  CHECK(forged->status == 303);
  auto form = s.get("/login");
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(contains(form->body, "name=\"password\""));
}

TEST_CASE("/healthz answers without a login", "[console]") {
  ConsoleServer s;
  auto res = s.get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "\"status\":\"ok\""));
}

TEST_CASE("a login sets an HttpOnly SameSite=Strict cookie and logout ends the session",
          "[console]") {
  ConsoleServer s;
  httplib::Client c = s.client();
  auto res = c.Post("/login", httplib::Params{{"user", "admin"},
                                              {"password", "admin-pw"},
                                              {"next", "/db?name=shop"}});
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/db?name=shop");
  const std::string set = res->get_header_value("Set-Cookie");
  CHECK(contains(set, "HttpOnly"));
  CHECK(contains(set, "SameSite=Strict"));
  CHECK(contains(set, "Path=/"));
  const std::string cookie = set.substr(0, set.find(';'));
  CHECK(cookie.size() == std::string("strata_session=").size() + 64);

  auto page = s.get("/", cookie);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "<b>admin</b>"));

  httplib::Headers headers = {{"Cookie", cookie}};
  auto out = c.Post("/logout", headers, "", "application/x-www-form-urlencoded");
  REQUIRE(out);
  CHECK(out->status == 303);
  CHECK(contains(out->get_header_value("Set-Cookie"), "Max-Age=0"));
  auto after = s.get("/", cookie);  // the old cookie no longer opens anything
  REQUIRE(after);
  CHECK(after->status == 303);

  // An open redirect through `next` is refused: it stays on this site.
  auto away = c.Post("/login", httplib::Params{{"user", "admin"},
                                               {"password", "admin-pw"},
                                               {"next", "//evil.example/"}});
  REQUIRE(away);
  CHECK(away->get_header_value("Location") == "/");
}

TEST_CASE("failed logins are throttled per address like AUTH", "[console]") {
  ConsoleServer s;
  auto failures_logged = [&] {
    const std::string log = s.process().log();
    size_t n = 0;
    for (size_t at = log.find("console: authentication failed"); at != std::string::npos;
         at = log.find("console: authentication failed", at + 1)) {
      ++n;
    }
    return n;
  };
  httplib::Client c = s.client();
  // Each failure is answered after the address's delay: 100, 200, 400 ms, …
  for (int i = 0; i < 3; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto bad = c.Post("/login", httplib::Params{{"user", "admin"}, {"password", "wrong"}});
    REQUIRE(bad);
    CHECK(bad->status == 401);
    CHECK(contains(bad->body, "Wrong user name or password"));
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(100 << i));
  }
  // While the fourth failure's 800 ms run, another attempt from the address is refused
  // without its password being looked at — even the right one.
  std::thread guess([&] {
    httplib::Client other = s.client();
    auto bad = other.Post("/login", httplib::Params{{"user", "admin"}, {"password", "wrong"}});
    CHECK((bad && bad->status == 401));
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (failures_logged() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto refused = c.Post("/login", httplib::Params{{"user", "admin"}, {"password", "admin-pw"}});
  guess.join();
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(!refused->get_header_value("Retry-After").empty());
  CHECK(refused->get_header_value("Set-Cookie").empty());
  CHECK(contains(refused->body, "Too many failed sign-ins"));
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  CHECK(!s.login("admin", "admin-pw").empty());  // after the delay the right one works
}

TEST_CASE("a cross-site POST is refused", "[console]") {
  ConsoleServer s;
  httplib::Client c = s.client();
  httplib::Headers headers = {{"Origin", "http://evil.example"}};
  auto res = c.Post("/login", headers, httplib::Params{{"user", "admin"}, {"password", "admin-pw"}});
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(res->get_header_value("Set-Cookie").empty());
}

TEST_CASE("the databases page and the timeline show the ledgers", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("admin", "admin-pw");
  auto home = s.get("/", cookie);
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(contains(home->body, "href=\"/db?name=shop\""));
  CHECK(contains(home->body, "href=\"/db?name=lab\""));
  CHECK(contains(home->body, "schema drift"));  // lab's card
  CHECK(contains(home->get_header_value("Content-Security-Policy"), "default-src 'none'"));

  auto shop = s.get("/db?name=shop", cookie);
  REQUIRE(shop);
  CHECK(shop->status == 200);
  const std::string& t = shop->body;
  for (const char* text : {"Create customers", "Orders and their customers", "Loyalty points",
                           "Phone numbers", "Shipping addresses", "Gift cards"}) {
    CHECK(contains(t, text));
  }
  for (const char* state : {"state-applied\">APPLIED", "state-rolled_back\">ROLLED_BACK",
                            "state-failed\">FAILED", "state-pending\">PENDING"}) {
    CHECK(contains(t, state));
  }
  CHECK(contains(t, "created by <b>milo</b>"));
  CHECK(contains(t, "mark-current\">current"));
  CHECK(contains(t, "timed out"));  // v6's FailureReason, fetched for the timeline
  CHECK(contains(t, "href=\"/migration?db=shop&amp;version=7\""));
  CHECK(contains(t, "href=\"/rollback?db=shop&amp;to=2\""));
  // Newest first.
  CHECK(t.find("Gift cards") < t.find("Create customers"));

  auto lab = s.get("/db?name=lab", cookie);
  REQUIRE(lab);
  CHECK(contains(lab->body, "Schema drift"));
  // VERIFY MIGRATIONS's problems are listed (an admin may run it), drift named by object.
  CHECK(contains(lab->body, "<li>schema drift: bundle &#39;Scratch&#39; exists but no applied "
                            "migration created it"));
}

TEST_CASE("a migration page shows commands, DOWN, checksums, validation and events",
          "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("milo", "milo-pw");
  auto res = s.get("/migration?db=shop&version=4", cookie);
  REQUIRE(res);
  CHECK(res->status == 200);
  const std::string& b = res->body;
  CHECK(contains(b, "UPDATE BUNDLE &quot;Customers&quot; ADD FIELD {&quot;points&quot;, INT"));
  CHECK(contains(b, "UPDATE BUNDLE &quot;Customers&quot; REMOVE FIELD &quot;points&quot;"));
  CHECK(contains(b, "Generated by Strata"));
  std::smatch checksum;
  CHECK(std::regex_search(b, checksum, std::regex("<code>[0-9a-f]{64}</code>")));
  for (const char* phase : {"Syntax", "Semantic", "Constraints", "Performance", "Reversibility"}) {
    CHECK(contains(b, std::string("<td>") + phase + "</td>"));
  }
  CHECK(contains(b, "state-pass\">PASS"));
  CHECK(contains(b, "APPLY MIGRATION WITH VERSION 4"));  // an event
  auto failed = s.get("/migration?db=shop&version=5", cookie);
  REQUIRE(failed);
  CHECK(contains(failed->body, "callout-error\"><b>Failed:</b>"));
}

TEST_CASE("the rollback plan is read from VALIDATE ROLLBACK and changes nothing", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("rita", "rita-pw");  // a reader may look
  auto res = s.get("/rollback?db=shop&to=2", cookie);
  REQUIRE(res);
  CHECK(res->status == 200);
  const std::string& b = res->body;
  CHECK(contains(b, "Can roll back."));
  CHECK(contains(b, ">v4</a>, <a href=\"/migration?db=shop&amp;version=3\">v3</a>"));
  CHECK(contains(b, "Documents deleted"));
  CHECK(contains(b, "REMOVE FIELD &quot;points&quot;"));
  auto bad = s.get("/rollback?db=shop&to=9", cookie);
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(contains(bad->body, "INVALID_TARGET_VERSION"));
  // Nothing changed: the timeline still says version 4.
  auto shop = s.get("/db?name=shop", cookie);
  REQUIRE(shop);
  CHECK(contains(shop->body, "<div class=\"k\">Current version</div><div class=\"v\">4</div>"));
}

TEST_CASE("names and descriptions render as text, never as markup", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("admin", "admin-pw");
  for (const std::string& path : kPages) {
    auto res = s.get(path, cookie);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == 200);
    CHECK(!contains(res->body, "<script"));
    CHECK(!contains(res->body, "<img"));
  }
  auto lab = s.get("/db?name=lab", cookie);
  REQUIRE(lab);
  CHECK(contains(lab->body, "&lt;img src=x onerror=alert(2)&gt;"));
  auto m = s.get("/migration?db=lab&version=1", cookie);
  REQUIRE(m);
  CHECK(contains(m->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  // A database name in the query string is escaped too.
  auto odd = s.get("/db?name=%3Cscript%3Ex", cookie);
  REQUIRE(odd);
  CHECK(odd->status == 404);
  CHECK(contains(odd->body, "&lt;script&gt;x"));
  CHECK(!contains(odd->body, "<script"));
}

TEST_CASE("bad requests and unknown things get clear pages", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("admin", "admin-pw");
  const std::vector<std::pair<std::string, int>> cases = {
      {"/db", 400},
      {"/db?name=nope", 404},
      {"/migration?db=shop", 400},
      {"/migration?db=shop&version=x1", 400},
      {"/migration?db=shop&version=-1", 400},
      {"/migration?db=shop&version=99", 404},
      {"/migration?db=nope&version=1", 404},
      {"/rollback?db=shop", 400},
      {"/no/such/page", 404},
  };
  for (const auto& [path, status] : cases) {
    auto res = s.get(path, cookie);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == status);
    CHECK(contains(res->body, "<h1>"));
  }
}

TEST_CASE("a reader sees what the engine lets a reader see", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("rita", "rita-pw");
  auto lab = s.get("/db?name=lab", cookie);
  REQUIRE(lab);
  CHECK(lab->status == 200);
  CHECK(contains(lab->body, "<b>rita</b> · reader"));
  // VERIFY MIGRATIONS is not a reader's statement: the drift is shown, its details refused.
  CHECK(contains(lab->body, "Schema drift"));
  CHECK(contains(lab->body, "permission denied"));
}

TEST_CASE("a dropped user's console session ends", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("rita", "rita-pw");
  {
    strata::server::testing::TestClient tcp(s.port());
    tcp.send("AUTH \"admin\" \"admin-pw\";\nDROP USER \"rita\";\n");
    auto lines = tcp.read_lines(2);
    REQUIRE(lines.size() == 2);
    CHECK(contains(lines[1], "\"success\":true"));
  }
  auto res = s.get("/", cookie);
  REQUIRE(res);
  CHECK(res->status == 303);
}

TEST_CASE("with --auth off the console needs no login", "[console]") {
  ConsoleServer s({"--auth", "off"});
  auto res = s.get("/db?name=shop");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "Gift cards"));
  CHECK(!contains(res->body, "Log out"));
  auto metrics = s.get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
}

TEST_CASE("the console stops with the server and is off without --http-port", "[console]") {
  ConsoleServer s;
  s.process().signal(SIGTERM);
  REQUIRE(s.process().exited(std::chrono::milliseconds(15000)));
  INFO("server log:\n" << s.process().log());
  CHECK(s.process().exit_code() == 0);
  CHECK(contains(s.process().log(), "strata audit console stopped"));
  httplib::Client c = s.client();
  c.set_connection_timeout(1, 0);
  CHECK(!c.Get("/healthz"));

  strata::server::testing::ServerProcess plain;
  CHECK(plain.port() != 0);
  CHECK(!contains(plain.log(), "audit console"));
}

TEST_CASE("long ledgers are paged and long migrations capped", "[console]") {
  ConsoleServer s;
  {
    strata::server::testing::TestClient tcp(s.port());
    std::string script = "AUTH \"admin\" \"admin-pw\";\nCREATE DATABASE \"many\";\nUSE \"many\";\n"
                         "START MIGRATION CREATE BUNDLE \"B\" WITH FIELDS ({\"n\", INT, false, false}); "
                         "COMMIT;\nSTART MIGRATION\n";
    for (int i = 0; i < 1005; ++i) {
      script += "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"n\": " + std::to_string(i) + "});\n";
    }
    script += "COMMIT;\n";
    for (int v = 3; v <= 105; ++v) {
      script += "START MIGRATION WITH DESCRIPTION \"step " + std::to_string(v) +
                "\" UPDATE BUNDLE \"B\" ADD FIELD {\"f" + std::to_string(v) +
                "\", INT, false, false}; COMMIT;\n";
    }
    tcp.send(script);
    auto lines = tcp.read_lines(3 + 105, std::chrono::milliseconds(120000));
    REQUIRE(lines.size() == 108);
    CHECK(contains(lines.back(), "\"Version\":105"));
  }
  const std::string cookie = s.login("admin", "admin-pw");
  auto first = s.get("/db?name=many", cookie);
  REQUIRE(first);
  CHECK(contains(first->body, ">v105</a>"));
  CHECK(contains(first->body, ">v6</a>"));
  CHECK(!contains(first->body, ">v5</a>"));
  CHECK(contains(first->body, "href=\"/db?name=many&amp;before=6\">older migrations"));
  auto older = s.get("/db?name=many&before=6", cookie);
  REQUIRE(older);
  CHECK(contains(older->body, ">v5</a>"));
  CHECK(contains(older->body, ">v1</a>"));
  CHECK(!contains(older->body, ">v6</a>"));
  CHECK(!contains(older->body, "older migrations"));
  CHECK(contains(older->body, "newest migrations"));
  auto bad = s.get("/db?name=many&before=x", cookie);
  REQUIRE(bad);
  CHECK(bad->status == 400);

  auto big = s.get("/migration?db=many&version=2", cookie);
  REQUIRE(big);
  CHECK(contains(big->body, "{&quot;n&quot;:999}"));
  CHECK(!contains(big->body, "{&quot;n&quot;:1000}"));
  CHECK(contains(big->body, "… and 5 more, not shown here."));
}

TEST_CASE("the schema at a version and the diff between two versions", "[console]") {
  ConsoleServer s;
  const std::string cookie = s.login("rita", "rita-pw");  // a reader may look
  auto v2 = s.get("/schema?db=shop&version=2", cookie);
  REQUIRE(v2);
  CHECK(v2->status == 200);
  CHECK(contains(v2->body, "CREATE BUNDLE &quot;Orders&quot; WITH FIELDS"));
  CHECK(contains(v2->body, "ADD RELATIONSHIP &quot;customer_orders&quot;"));
  CHECK(!contains(v2->body, "points"));
  auto v4 = s.get("/schema?db=shop&version=4", cookie);
  REQUIRE(v4);
  CHECK(contains(v4->body, "{&quot;points&quot;, INT, false, false}"));
  // The live schema: v6 (phone) was rolled back, so no phone; shop has no drift.
  auto live = s.get("/schema?db=shop", cookie);
  REQUIRE(live);
  CHECK(live->status == 200);
  CHECK(contains(live->body, "points"));
  CHECK(!contains(live->body, "phone"));
  CHECK(!contains(live->body, "Schema drift"));
  auto diff = s.get("/diff?db=shop&from=3&to=4", cookie);
  REQUIRE(diff);
  CHECK(diff->status == 200);
  CHECK(contains(diff->body, "field &#39;Customers.points&#39; added"));
  auto none = s.get("/diff?db=shop&from=4&to=4", cookie);
  REQUIRE(none);
  CHECK(contains(none->body, "No differences."));
  // lab's bundle created outside migrations is named as drift.
  auto lab = s.get("/schema?db=lab", cookie);
  REQUIRE(lab);
  CHECK(contains(lab->body, "Schema drift"));
  CHECK(contains(lab->body, "bundle &#39;Scratch&#39; exists but no applied migration created it"));
  // The server named it in its log when it opened the store (SPEC 4.10).
  CHECK(contains(s.process().log(), "database 'lab': schema drift: bundle 'Scratch' exists but no "
                                    "applied migration created it"));
  // Versions without a recorded schema, and bad requests.
  auto pending = s.get("/schema?db=shop&version=7", cookie);
  REQUIRE(pending);
  CHECK(pending->status == 404);
  CHECK(contains(pending->body, "SCHEMA_NOT_RECORDED"));
  auto missing = s.get("/schema?db=shop&version=99", cookie);
  REQUIRE(missing);
  CHECK(missing->status == 404);
  for (const char* bad : {"/schema?db=shop&version=x", "/diff?db=shop&from=1", "/schema"}) {
    auto res = s.get(bad, cookie);
    REQUIRE(res);
    INFO(bad);
    CHECK(res->status == 400);
  }
  // The timeline and the migration page link to them.
  auto timeline = s.get("/db?name=shop", cookie);
  REQUIRE(timeline);
  CHECK(contains(timeline->body, "href=\"/schema?db=shop&amp;version=4\""));
  CHECK(contains(timeline->body, "href=\"/diff?db=shop&amp;from=3&amp;to=4\""));
  CHECK(contains(timeline->body, "href=\"/schema?db=shop\""));
  auto migration = s.get("/migration?db=shop&version=4", cookie);
  REQUIRE(migration);
  CHECK(contains(migration->body, "href=\"/schema?db=shop&amp;version=4\""));
}
