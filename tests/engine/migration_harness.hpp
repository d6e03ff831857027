#pragma once
// MigrationHarness: an Engine on a fresh temporary store with an embedded admin session that
// USEs database "prod", for the migration tests. ok() requires success, fail() requires an
// error with the given code; both return the response. Not thread-safe (one per test).

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "storage/temp_dir.hpp"

namespace strata::engine::testing {

class MigrationHarness {
 public:
  // `server`: the server-wide setting defaults (flags), unchecked, so tests may use 0.
  explicit MigrationHarness(SettingValues server = {}) : server_(server) {
    open();
    ok("CREATE DATABASE \"prod\"");
    ok("USE \"prod\"");
  }

  void open() {
    EngineOptions options;
    options.data_dir = dir_.sub("data");
    options.settings = server_;
    auto engine = Engine::Open(options);
    REQUIRE(engine.ok());
    engine_ = std::move(*engine);
    session_ = engine_->open_embedded_session();
    session_.user = "admin";
  }
  // Closes and reopens the store (a restart), USEing "prod" again.
  void reopen() {
    engine_.reset();
    open();
    ok("USE \"prod\"");
  }

  Json run(const std::string& text) { return engine_->execute_text(session_, text); }
  Json ok(const std::string& text) {
    Json r = run(text);
    INFO(text << "\n-> " << r.dump());
    REQUIRE(r.value("status", "") == "success");
    return r;
  }
  Json fail(const std::string& text, const std::string& code) {
    Json r = run(text);
    INFO(text << "\n-> " << r.dump());
    REQUIRE(r.value("status", "") == "error");
    REQUIRE(r["error"]["code"] == code);
    return r;
  }
  // Sets up a schema as users must (SPEC 4.11: no direct DDL by default): `commands` as one
  // migration, applied.
  void seed(const std::string& commands) {
    Json r = ok("START MIGRATION WITH DESCRIPTION \"seed\" " + commands + " COMMIT");
    ok("APPLY MIGRATION WITH VERSION " +
       std::to_string(r["migration"]["Version"].get<uint64_t>()));
  }
  // SELECT * FROM bundle ORDER BY DocumentID as a JSON array (DocumentIDs included).
  Json select(const std::string& bundle) {
    return ok("SELECT * FROM \"" + bundle + "\"")["Result"];
  }
  Engine& engine() { return *engine_; }
  Session& session() { return session_; }
  const std::string& dir() const { return dir_.path(); }

 private:
  SettingValues server_;
  storage::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  Session session_;
};

}  // namespace strata::engine::testing
