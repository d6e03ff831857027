#pragma once
// The console tests' world: a store with a demo ledger, built with the engine itself, then
// served by the real `strata serve --http-port 0` binary (ServerProcess), and an HTTP client
// for it (cpp-httplib's). Thread-safety: one per test, on the test thread.
//
// The demo, as users milo (migrator) and admin made it:
//   shop: v1-v4 APPLIED (customers, orders, seed documents, loyalty points), v5 FAILED
//         (shipping addresses: applied, rolled back, reset, then timed out), v6 ROLLED_BACK
//         (phone numbers), v7 PENDING and validated;
//   lab:  v1 APPLIED with a bundle named <script>alert(1)</script> and a description that is
//         an <img onerror> attempt, then a bundle created outside migrations (schema drift).
// Users: admin/admin-pw (admin), milo/milo-pw (migrator), rita/rita-pw (reader).

#include <httplib.h>

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "server/server_process.hpp"

namespace strata::console::testing {

using server::testing::ServerProcess;
using server::testing::TempDir;

inline const char* const kXssBundle = "<script>alert(1)</script>";
inline const char* const kXssDescription = "<img src=x onerror=alert(2)>";

// Runs `script` (statements) on `engine` as `session`; every statement must succeed.
inline void run_ok(engine::Engine& engine, engine::Session& session, const std::string& script) {
  Json answer = engine.execute_text(session, script);
  INFO(script);
  INFO(answer.dump());
  REQUIRE(engine::is_success(answer));
}

inline void build_demo_store(const std::string& data_dir) {
  engine::EngineOptions options;
  options.data_dir = data_dir;
  {
    auto opened = engine::Engine::Open(options);
    REQUIRE(opened.ok());
    engine::Engine& e = **opened;
    REQUIRE(e.users().ensure_admin("admin-pw").ok());
    REQUIRE(e.users().create("milo", "milo-pw", ast::Role::kMigrator).ok());
    REQUIRE(e.users().create("rita", "rita-pw", ast::Role::kReader).ok());
    engine::Session admin = e.open_session("admin", ast::Role::kAdmin);
    run_ok(e, admin, "CREATE DATABASE \"shop\"; CREATE DATABASE \"lab\";");
    engine::Session milo = e.open_session("milo", ast::Role::kMigrator);
    run_ok(e, milo, "USE \"shop\";");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Create customers"
        CREATE BUNDLE "Customers" WITH FIELDS ({"id", STRING, true, true}, {"email", STRING, true, true});
      COMMIT; APPLY MIGRATION WITH VERSION 1;)");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Orders and their customers"
        CREATE BUNDLE "Orders" WITH FIELDS ({"id", STRING, true, true}, {"customer", STRING, true, false}, {"total", FLOAT, true, false});
        UPDATE BUNDLE "Orders" ADD RELATIONSHIP "customer_orders" FROM BUNDLE "Orders" TO BUNDLE "Customers";
        CREATE INDEX HASH ON BUNDLE "Orders" WITH FIELD "customer";
      COMMIT; APPLY MIGRATION WITH VERSION 2;)");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Seed the first customers"
        ADD DOCUMENT TO BUNDLE "Customers" WITH VALUES ({"id": "c1", "email": "ada@example.com"});
        ADD DOCUMENT TO BUNDLE "Customers" WITH VALUES ({"id": "c2", "email": "grace@example.com"});
      COMMIT; APPLY MIGRATION WITH VERSION 3;)");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Loyalty points"
        UPDATE BUNDLE "Customers" ADD FIELD {"points", INT, false, false};
      COMMIT; VALIDATE MIGRATION WITH VERSION 4; APPLY MIGRATION WITH VERSION 4;)");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Shipping addresses"
        UPDATE BUNDLE "Orders" ADD FIELD {"address", TEXT, false, false};
      COMMIT; APPLY MIGRATION WITH VERSION 5;)");
    run_ok(e, milo, R"(START MIGRATION WITH DESCRIPTION "Phone numbers"
        UPDATE BUNDLE "Customers" ADD FIELD {"phone", STRING, false, false};
      COMMIT; APPLY MIGRATION WITH VERSION 6; APPLY ROLLBACK TO VERSION 4;
      RESET MIGRATION WITH VERSION 5;)");
    run_ok(e, admin, "USE \"lab\"; SET AllowDirectSchemaChanges = true;");
    run_ok(e, admin, std::string("START MIGRATION WITH DESCRIPTION \"") + kXssDescription +
                         "\" CREATE BUNDLE \"" + kXssBundle +
                         "\" WITH FIELDS ({\"x\", STRING, false, false}); COMMIT;"
                         " APPLY MIGRATION WITH VERSION 1;");
    run_ok(e, admin, "CREATE BUNDLE \"Scratch\" WITH FIELDS ({\"y\", INT, false, false});");
    e.close_session(admin);
    e.close_session(milo);
  }
  options.settings.migration_timeout_seconds = 0;  // so the next APPLY times out: FAILED
  {
    auto opened = engine::Engine::Open(options);
    REQUIRE(opened.ok());
    engine::Engine& e = **opened;
    engine::Session milo = e.open_session("milo", ast::Role::kMigrator);
    run_ok(e, milo, R"(USE "shop";)");
    Json failed = e.execute_text(milo, "APPLY MIGRATION WITH VERSION 5");
    REQUIRE(failed["error"]["code"] == "TIMEOUT");
    e.close_session(milo);
  }
  options.settings.migration_timeout_seconds = 300;
  {
    auto opened = engine::Engine::Open(options);
    REQUIRE(opened.ok());
    engine::Engine& e = **opened;
    engine::Session milo = e.open_session("milo", ast::Role::kMigrator);
    run_ok(e, milo, R"(USE "shop"; START MIGRATION WITH DESCRIPTION "Gift cards"
        CREATE BUNDLE "GiftCards" WITH FIELDS ({"code", STRING, true, true}, {"balance", FLOAT, true, false});
      COMMIT; VALIDATE MIGRATION WITH VERSION 7;)");
    e.close_session(milo);
  }
}

// `strata serve --http-port 0` on a store (the demo unless `demo` is false).
class ConsoleServer {
 public:
  explicit ConsoleServer(std::vector<std::string> extra = {}, bool demo = true) {
    if (demo) build_demo_store(dir_.path() + "/data");
    extra.insert(extra.begin(), {"--http-port", "0"});
    server_ = std::make_unique<ServerProcess>(extra, "admin-pw", &dir_, /*init_main=*/!demo);
    static const std::regex console(R"(audit console at http://[^/]+:(\d+)/)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string log = server_->log();
      if (std::regex_search(log, m, console)) {
        http_port_ = static_cast<uint16_t>(std::stoi(m[1]));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(server_->log());
    REQUIRE(http_port_ != 0);
  }

  uint16_t http_port() const { return http_port_; }
  uint16_t port() const { return server_->port(); }
  ServerProcess& process() { return *server_; }
  const TempDir& dir() const { return dir_; }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", http_port_);
    c.set_read_timeout(30, 0);
    return c;
  }

  // Logs in; returns the "strata_session=<token>" cookie pair.
  std::string login(const std::string& user, const std::string& password) const {
    httplib::Client c = client();
    auto res = c.Post("/login", httplib::Params{{"user", user}, {"password", password}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 303);
    const std::string set = res->get_header_value("Set-Cookie");
    REQUIRE(set.rfind("strata_session=", 0) == 0);
    return set.substr(0, set.find(';'));
  }

  // GET `path` with the session `cookie` ("" for none).
  httplib::Result get(const std::string& path, const std::string& cookie = "") const {
    httplib::Client c = client();
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return c.Get(path.c_str(), headers);
  }

 private:
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  uint16_t http_port_ = 0;
};

}  // namespace strata::console::testing
