// Where `strata migrate` sends its statements (migrate.hpp MigrateTarget): a server reached
// with the connection flags of `strata run` (AUTH with the password from --password-env or
// the terminal, then USE --db), or, with --data DIR, an engine opened on that store in this
// process (no server; the store must not be in use by one). Either way one statement in, one
// response object out.
#include <filesystem>
#include <iostream>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"
#include "cli/wire_client.hpp"
#include "engine/engine.hpp"

namespace strata::cli {

namespace {

Json lost_connection() {
  return Json{{"status", "error"},
              {"success", false},
              {"message", "the server closed the connection"},
              {"error", {{"code", "CONNECTION_LOST"}, {"message", "the server closed the connection"}}}};
}

class ServerTarget final : public MigrateTarget {
 public:
  explicit ServerTarget(std::unique_ptr<WireClient> client) : client_(std::move(client)) {}
  Json ask(const std::string& statement) override {
    std::optional<std::string> line = client_->ask(statement, /*newline=*/false);
    if (!line) return lost_connection();
    Json r = Json::parse(*line, nullptr, false);
    return r.is_discarded() ? lost_connection() : r;
  }

 private:
  std::unique_ptr<WireClient> client_;
};

class EmbeddedTarget final : public MigrateTarget {
 public:
  explicit EmbeddedTarget(std::unique_ptr<engine::Engine> engine)
      : engine_(std::move(engine)), session_(engine_->open_embedded_session()) {}
  ~EmbeddedTarget() override { engine_->close_session(session_); }
  Json ask(const std::string& statement) override {
    return engine_->execute_text(session_, statement);
  }

 private:
  std::unique_ptr<engine::Engine> engine_;
  engine::Session session_;
};

// How to create the database the folder follows, on this target: the folder follows a
// database's ledger; it does not create the database.
std::string create_hint(const MigrateOptions& o) {
  std::string cmd = "strata ";
  if (!o.data.empty()) {
    cmd += "exec --data " + o.data;
  } else {
    cmd += "run";
    if (o.host != "127.0.0.1") cmd += " --host " + o.host;
    if (o.port != 1776) cmd += " --port " + std::to_string(o.port);
  }
  return "create it first, e.g. " + cmd + " - <<< 'CREATE DATABASE " + Json(o.db).dump() + ";'";
}

}  // namespace

std::unique_ptr<MigrateTarget> open_target(const MigrateOptions& o, const char* who) {
  if (o.db.empty()) {
    std::cerr << who << ": --db NAME is required (the database whose ledger the folder "
              << "follows)\n";
    return nullptr;
  }
  std::unique_ptr<MigrateTarget> target;
  std::optional<std::string> password;
  if (!o.data.empty()) {
    engine::EngineOptions options;
    options.data_dir = o.data;
    options.create_if_missing = false;  // a typo in --data must not leave an empty store
    auto engine = engine::Engine::Open(options);
    if (!engine.ok()) {
      std::cerr << who << ": cannot open store " << o.data << ": " << engine.status().message()
                << "\n";
      if (!std::filesystem::exists(o.data) || std::filesystem::is_empty(o.data))
        std::cerr << who << ": " << create_hint(o) << "\n";
      return nullptr;
    }
    target = std::make_unique<EmbeddedTarget>(std::move(*engine));
  } else {
    auto client = connect_client(o);
    if (!client.ok()) {
      std::cerr << who << ": " << client.status().message() << "\n";
      return nullptr;
    }
    target = std::make_unique<ServerTarget>(std::move(*client));
    password = obtain_password(o.password_env, o.user);
    if (password && !password->empty()) {
      Json r = target->ask(auth_statement(o.user, *password));
      if (!r.value("success", false)) {
        std::cerr << who << ": " << response_problem(r) << "\n";
        return nullptr;
      }
    }
  }
  Json r = target->ask(use_statement(o.db));
  if (!r.value("success", false)) {
    std::cerr << who << ": " << response_problem(r) << "\n";
    if (error_code(r) == "DATABASE_NOT_FOUND")
      std::cerr << who << ": " << create_hint(o) << "\n";
    if (o.data.empty() && (!password || password->empty()) && needs_authentication(r)) {
      std::cerr << who << ": " << password_hint(o) << "\n";
    }
    return nullptr;
  }
  return target;
}

}  // namespace strata::cli
