#pragma once
// ReadSession: the console's way into the data (SPEC §12). Every page reads through the
// engine's gate like any client: an engine Session of the logged-in user (so roles and rules
// are the engine's), running ordinary read statements — SHOW DATABASES, SHOW MIGRATIONS FOR,
// USE, SHOW MIGRATION, VALIDATE ROLLBACK (which changes nothing), VERIFY MIGRATIONS, SHOW
// SCHEMA — and
// nothing else: the class has no way to run any other statement. Answers are the statements'
// JSON responses (errors included, as SPEC §5 shapes).
//
// Thread-safety: one per request, on one thread; the Engine is shared.

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.hpp"
#include "common/status.hpp"
#include "engine/engine.hpp"

namespace strata::console {

class ReadSession {
 public:
  ReadSession(engine::Engine& engine, const std::string& user, ast::Role role);
  ~ReadSession();
  ReadSession(const ReadSession&) = delete;
  ReadSession& operator=(const ReadSession&) = delete;

  Json show_databases();
  Json show_migrations(const std::string& database);
  // USE database: SHOW MIGRATION, VALIDATE ROLLBACK and VERIFY run on it afterwards.
  Json use(const std::string& database);
  Json show_migration(uint64_t version);
  Json validate_rollback(uint64_t target_version);
  Json verify_migrations();
  // SHOW SCHEMA [AT VERSION n] (the live schema without n).
  Json show_schema(std::optional<uint64_t> version);

 private:
  Json run(const ast::Statement& statement);

  engine::Engine& engine_;
  engine::Session session_;
};

}  // namespace strata::console
