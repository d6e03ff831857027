// The gate (STYLE §14, SPEC §6): Engine::answer is the one door every statement passes —
// AUTH, CANCEL SESSION, the driver handshake and PROTOCOL_VERSION included. In order:
//   1. a statement of an abandoned session (its connection is gone) is refused;
//   2. access: authentication and role, from the statement table (statement_traits.hpp);
//   3. phase-1 syntax checks and the active database;
//   4. AllowDirectSchemaChanges for the §3.2 statements outside a migration;
//   5. one exhaustive std::visit to the statement's executor. There is no catch-all: a new
//      statement kind does not compile until it has its line here.
// Nothing throws past the gate: an exception becomes INTERNAL and commits nothing.
// Thread-safety: as Engine::answer (one statement per Session at a time).

#include <chrono>

#include "common/overloaded.hpp"
#include "common/status_details.hpp"
#include "engine/approvals.hpp"
#include "engine/engine.hpp"
#include "engine/engine_metrics.hpp"
#include "engine/exec_migration.hpp"
#include "engine/executors.hpp"
#include "engine/response.hpp"
#include "parser/statement_traits.hpp"
#include "parser/syntax_check.hpp"

namespace strata::engine {
namespace {

// Authentication, then role — both from the statement table.
std::optional<Json> access_refusal(const Session& session, const ast::Statement& st) {
  const parser::StatementInfo& info = parser::statement_info(st);
  if (!session.authenticated && info.needs_auth) {
    return error(Status(Code::kPermissionDenied, "authentication required"));
  }
  if (session.role == ast::Role::kReader && info.role != ast::Role::kReader) {
    return error(Status(
        Code::kPermissionDenied,
        std::string("permission denied: role reader cannot run ") + ast::statement_name(st)));
  }
  if (session.role != ast::Role::kAdmin && info.role == ast::Role::kAdmin) {
    return error(Status(Code::kPermissionDenied, std::string("permission denied: role ") +
                                                     ast::role_name(session.role) +
                                                     " cannot run " + ast::statement_name(st)));
  }
  return std::nullopt;
}

// Phase-1 syntax checks, then the active database.
std::optional<Json> statement_refusal(const Session& session, const ast::Statement& st) {
  if (!std::holds_alternative<ast::StartMigration>(st)) {
    auto issues = parser::syntax_check(st);
    if (!issues.empty()) {
      const auto& i = issues.front();
      return error(with_details(Status(i.code, i.message),
                                Json{{"line", i.pos.line}, {"column", i.pos.column}}));
    }
  }
  if (parser::needs_active_database(st) && session.database.empty()) {
    return error(Status(Code::kNoActiveDatabase, "no active database"));
  }
  return std::nullopt;
}

Status unsupported(const ast::Statement& st) {
  return Status(Code::kUnsupported,
                std::string(ast::statement_name(st)) + " is not available in this build");
}

// Cluster mode: the statements whose first write commits optimistically (docs/CLUSTER.md
// "Optimistic writes") — every one but APPLY ROLLBACK, which holds its database's lock from
// its start: it may compute for long what to restore, no write should make it start over, and
// SHOW LOCKS shows it the whole time.
bool optimistic_first(const ast::Statement& st) {
  return !std::holds_alternative<ast::ApplyRollback>(st);
}

Answer reply(const Status& status, Json response) {
  return status.ok() ? success(std::move(response)) : error(status);
}

}  // namespace

Json Engine::execute(Session& session, const ast::Statement& st) {
  return answer(session, st).json();
}

Answer Engine::answer(Session& session, const ast::Statement& st) {
  session.interrupt->begin_statement();
  session.statement = ast::statement_name(st);
  if (session.interrupt->abandoned()) {
    return error(Status(Code::kCancelled, "statement cancelled: its connection is gone"));
  }
  if (auto refused = access_refusal(session, st)) return std::move(*refused);
  if (auto refused = statement_refusal(session, st)) return std::move(*refused);
  if (parser::statement_info(st).family == parser::Family::kSchema) {
    auto view = read(session.database);
    if (!view.ok()) return error(view.status());
    if (!effective_settings(options_.settings, view->schema->settings)
             .allow_direct_schema_changes) {
      return error(Status(Code::kDirectSchemaChangesDisabled,
                          std::string(ast::statement_name(st)) +
                              " outside a migration is disabled (AllowDirectSchemaChanges = "
                              "false); use START MIGRATION"));
    }
  }
  try {
    // Cluster mode: the first write commits optimistically; a lost race wrote nothing, and
    // the statement runs once more under its database's lock, on a fresh snapshot.
    session.write_optimistic = store_->optimistic() && optimistic_first(st);
    session.write_lost = false;
    Answer answer = dispatch(session, st);
    if (session.write_lost) {
      session.write_optimistic = session.write_lost = false;
      answer = dispatch(session, st);
    }
    session.write_optimistic = false;
    return answer;
  } catch (const std::exception& e) {
    // The edge of the engine: nothing throws past it. A statement that threw committed
    // nothing (its txn is discarded, its locks released by RAII).
    return error(Status(Code::kInternal, std::string("internal error: ") + e.what()));
  }
}

Answer Engine::dispatch(Session& s, const ast::Statement& st) {
  Json response = Json::object();
  // A statement whose executor fills `response` and answers a Status.
  auto run = [&](auto&& executor) {
    const Status status = executor(&response);  // before `response` is moved from
    return reply(status, std::move(response));
  };
  auto write_command = [&](bool sync) {
    return run([&](Json* out) {
      return write(s, s.database, sync, nullptr,
                   [&](WriteContext& ctx) { return exec_command(ctx, st, out); });
    });
  };
  auto timed_read = [&](const std::string& db, auto fn) {
    return run([&](Json* out) {
      auto start = std::chrono::steady_clock::now();
      Status status = run_read(s, db, [&](const ReadContext& c) { return fn(c, out); });
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      if (status.ok()) (*out)["ExecutionTimeMS"] = static_cast<double>(us) / 1000.0;
      return status;
    });
  };
  auto timed_migration = [&](auto executor) {
    const auto started = std::chrono::steady_clock::now();
    Status status = executor(&response);
    if (!s.write_lost) observe_migration(st, status, started);  // else it runs again
    return reply(status, std::move(response));
  };
  return std::visit(
      Overloaded{
          // §3.1 sessions and databases, §6 the wire protocol
          [&](const ast::CreateDatabase& x) {
            return run([&](Json* out) { return exec_create_database(s, x, out); });
          },
          [&](const ast::DropDatabase& x) {
            return run([&](Json* out) { return exec_drop_database(s, x, out); });
          },
          [&](const ast::UseDatabase& x) {
            return run([&](Json* out) { return exec_use_database(s, x, out); });
          },
          [&](const ast::ShowDatabases&) {
            return run([&](Json* out) { return exec_show_databases(out); });
          },
          [&](const ast::Auth& x) { return authenticate(s, x.user, x.password, nullptr); },
          [&](const ast::Connect& x) { return authenticate(s, x.user, x.password, &x.database); },
          [&](const ast::Ping&) -> Answer { return success_message("PONG"); },
          [&](const ast::CancelSession& x) -> Answer {
            // The key is the credential: a second connection need not log in.
            Status sent = cancel_session(x.session, x.key);
            if (!sent.ok()) return error(sent);
            return success({{"message", "Cancel request sent"}, {"session", x.session}});
          },
          [&](const ast::ProtocolVersion& x) -> Answer {
            if (x.version != kProtocolVersion) {
              return error(Status(Code::kUnsupported,
                                  "unsupported protocol version; this server speaks version " +
                                      std::to_string(kProtocolVersion)));
            }
            return success({{"message", "PROTOCOL_OK"}, {"protocolVersion", kProtocolVersion}});
          },
          // §3.2 schema (here outside a migration)
          [&](const ast::CreateBundle&) { return write_command(true); },
          [&](const ast::UpdateBundle&) { return write_command(true); },
          [&](const ast::DropBundle&) { return write_command(true); },
          [&](const ast::CreateIndex&) { return write_command(true); },
          [&](const ast::DropIndex&) { return write_command(true); },
          // §3.3 documents
          [&](const ast::AddDocument&) { return write_command(options_.sync_data_writes); },
          [&](const ast::UpdateDocuments&) { return write_command(options_.sync_data_writes); },
          [&](const ast::DeleteDocuments&) { return write_command(options_.sync_data_writes); },
          [&](const ast::SelectDocuments& x) {
            return timed_read(s.database, [&](const ReadContext& c, Json* out) {
              return exec_select_documents(c, x, out);
            });
          },
          [&](const ast::SelectCount& x) {
            return timed_read(s.database, [&](const ReadContext& c, Json* out) {
              return exec_select_count(c, x, out);
            });
          },
          [&](const ast::RestoreDocuments&) -> Answer {
            // A DOWN command only: the parser refuses it anywhere else.
            return error(unsupported(st));
          },
          // §3.4 introspection, settings, backup, users; §11 locks
          [&](const ast::ShowBundles& x) {
            return run([&](Json* out) {
              return run_read(s, x.database.value_or(s.database),
                              [&](const ReadContext& c) { return exec_show_bundles(c, out); });
            });
          },
          [&](const ast::DescribeBundle& x) {
            return run([&](Json* out) {
              return run_read(s, s.database, [&](const ReadContext& c) {
                return exec_describe_bundle(c, x, out);
              });
            });
          },
          [&](const ast::ShowIndexes& x) {
            return run([&](Json* out) {
              return run_read(s, s.database, [&](const ReadContext& c) {
                return exec_show_indexes(c, x, out);
              });
            });
          },
          [&](const ast::ShowSettings&) {
            return run([&](Json* out) {
              return run_read(s, s.database,
                              [&](const ReadContext& c) { return exec_show_settings(c, out); });
            });
          },
          [&](const ast::SetSetting& x) {
            return run([&](Json* out) {
              return write(s, s.database, /*sync=*/true, nullptr,
                           [&](WriteContext& ctx) { return exec_set_setting(ctx, x, out); });
            });
          },
          [&](const ast::BackupDatabase& x) {
            return run([&](Json* out) { return exec_backup(s, x, out); });
          },
          [&](const ast::RestoreDatabase& x) {
            return run([&](Json* out) { return exec_restore(s, x, out); });
          },
          [&](const ast::ShowLocks&) {
            return run([&](Json* out) { return exec_show_locks(out); });
          },
          [&](const ast::CreateUser& x) -> Answer { return exec_user_statement(*users_, x); },
          [&](const ast::AlterUserPassword& x) -> Answer {
            return exec_user_statement(*users_, x);
          },
          [&](const ast::AlterUserRole& x) -> Answer { return exec_user_statement(*users_, x); },
          [&](const ast::DropUser& x) -> Answer { return exec_user_statement(*users_, x); },
          [&](const ast::ShowUsers& x) -> Answer { return exec_user_statement(*users_, x); },
          // §3.5 migrations (semantics §4; exec_migration.hpp)
          [&](const ast::StartMigration& x) {
            return run([&](Json* out) { return exec_start_migration(*this, s, x, out); });
          },
          [&](const ast::ShowMigrations& x) -> Answer {
            // Kept serialized per ledger state (exec_show_migrations.cpp).
            auto text = show_migrations_text(*this, s, x);
            if (!text.ok()) return error(text.status());
            return Answer(std::move(*text));
          },
          [&](const ast::ShowMigration& x) {
            return run([&](Json* out) { return exec_show_migration(*this, s, x, out); });
          },
          [&](const ast::ShowSchema& x) {
            return run([&](Json* out) { return exec_show_schema(*this, s, x, out); });
          },
          [&](const ast::ValidateMigration& x) {
            return run([&](Json* out) { return exec_validate_migration(*this, s, x, out); });
          },
          [&](const ast::ValidateMigrations& x) {
            return run([&](Json* out) { return exec_validate_migrations(*this, s, x, out); });
          },
          [&](const ast::ApplyMigration& x) {
            return timed_migration([&](Json* out) {
              return exec_apply_migration(*this, s, x, out);
            });
          },
          [&](const ast::ApplyMigrations& x) {
            return run([&](Json* out) { return exec_apply_migrations(*this, s, x, out); });
          },
          [&](const ast::ValidateRollback& x) {
            return run([&](Json* out) { return exec_validate_rollback(*this, s, x, out); });
          },
          [&](const ast::ApplyRollback& x) {
            return timed_migration([&](Json* out) {
              return exec_apply_rollback(*this, s, x, out);
            });
          },
          [&](const ast::ApproveMigration& x) {
            return run([&](Json* out) { return exec_approve_migration(*this, s, x, out); });
          },
          [&](const ast::ApproveMigrations& x) {
            return run([&](Json* out) { return exec_approve_migrations(*this, s, x, out); });
          },
          [&](const ast::ApproveRollback& x) {
            return run([&](Json* out) { return exec_approve_rollback(*this, s, x, out); });
          },
          [&](const ast::ResetMigration& x) {
            return run([&](Json* out) { return exec_reset_migration(*this, s, x, out); });
          },
          [&](const ast::DropMigration& x) {
            return run([&](Json* out) { return exec_drop_migration(*this, s, x, out); });
          },
          [&](const ast::VerifyMigrations&) {
            return run([&](Json* out) { return exec_verify_migrations(*this, s, out); });
          }},
      st);
}

Answer Engine::authenticate(Session& s, const std::string& user, const std::string& password,
                            const std::string* database) {
  // A session opened with authentication off (Session::credentials_checked false) is an
  // admin whatever the handshake's credentials say; AUTH still checks them.
  ast::Role role = s.role;
  if (database == nullptr || s.credentials_checked || !s.authenticated) {
    auto checked = users_->authenticate(user, password);
    if (!checked.ok()) return error(checked.status());
    role = *checked;
  }
  s.authenticated = true;
  s.user = user;
  s.role = role;
  Json answer{{"message", "Authentication successful"},
              {"user", user},
              {"role", ast::role_name(role)}};
  if (database != nullptr) {
    Json used = Json::object();
    Status st = exec_use_database(s, ast::UseDatabase{*database, {}}, &used);
    if (!st.ok()) return error(st);
    answer["database"] = *database;
  }
  answer["session"] = session_json(s);
  return success(std::move(answer));
}

}  // namespace strata::engine
