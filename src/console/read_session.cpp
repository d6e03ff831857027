#include "console/read_session.hpp"

namespace strata::console {

ReadSession::ReadSession(engine::Engine& engine, const std::string& user, ast::Role role)
    : engine_(engine), session_(engine.open_session(user, role)) {}

ReadSession::~ReadSession() { engine_.close_session(session_); }

Json ReadSession::run(const ast::Statement& statement) {
  return engine_.execute(session_, statement);
}

Json ReadSession::show_databases() { return run(ast::ShowDatabases{}); }

Json ReadSession::show_migrations(const std::string& database) {
  ast::ShowMigrations show;
  show.database = database;
  return run(show);
}

Json ReadSession::use(const std::string& database) { return run(ast::UseDatabase{database, {}}); }

Json ReadSession::show_migration(uint64_t version) {
  return run(ast::ShowMigration{version, {}});
}

Json ReadSession::validate_rollback(uint64_t target_version) {
  return run(ast::ValidateRollback{target_version, {}});
}

Json ReadSession::verify_migrations() { return run(ast::VerifyMigrations{}); }

Json ReadSession::show_schema(std::optional<uint64_t> version) {
  return run(ast::ShowSchema{version, {}});
}

}  // namespace strata::console
