#pragma once
// The statement table: one row per statement kind (ast::Statement's alternatives) with
// everything the layers ask about a kind before running it (SPEC §3, §6, issue 11):
//   name          the keyword-level name used in messages ("CREATE BUNDLE", "ALTER USER");
//   family        session, schema, document, admin, user or migration;
//   in_migration  whether it may stand inside START MIGRATION: no, in UP and DOWN, DOWN only;
//   role          the least role that may run it (reader < migrator < admin);
//   access        whether it may change what is stored (write) or only reads;
//   database      whether it needs the session's active database (or only when it names none);
//   needs_auth    false for the statements an unauthenticated connection may send (AUTH,
//                 PING, CANCEL SESSION, PROTOCOL_VERSION, the connection string).
// StatementTraits has a specialization per AST type and no primary definition, and the
// static_assert below visits every alternative: a new statement does not compile until it
// has its row here. Thread-safety: constants only.

#include <type_traits>
#include <variant>
#include <vector>

#include "parser/ast.hpp"

namespace strata::parser {

enum class Family { kSession, kSchema, kDocument, kAdmin, kUser, kMigration };
enum class InMigration { kNo, kUpAndDown, kDownOnly };
enum class Access { kRead, kWrite };
// kActiveUnlessNamed: needs the active database unless it names one (SHOW BUNDLES FOR "db").
enum class Database { kNone, kActive, kActiveUnlessNamed };

struct StatementInfo {
  const char* name;
  Family family;
  InMigration in_migration;
  ast::Role role;
  Access access;
  Database database;
  bool needs_auth;
};

// One specialization per statement kind (below); deliberately no primary definition.
template <typename T>
struct StatementTraits;

#define STRATA_STATEMENT(T, name, family, in_migration, role, access, database, auth)    \
  template <>                                                                            \
  struct StatementTraits<ast::T> {                                                       \
    static constexpr StatementInfo info{name,           Family::family,                  \
                                        InMigration::in_migration, ast::Role::role,      \
                                        Access::access, Database::database, auth};       \
  }

// clang-format off
//               type               name                  family      in migration role       access  database            auth
// §3.1 sessions and databases, §6 the wire protocol
STRATA_STATEMENT(CreateDatabase,    "CREATE DATABASE",    kSession,   kNo,        kMigrator, kWrite, kNone,              true);
STRATA_STATEMENT(DropDatabase,      "DROP DATABASE",      kSession,   kNo,        kAdmin,    kWrite, kNone,              true);
STRATA_STATEMENT(UseDatabase,       "USE",                kSession,   kNo,        kReader,   kRead,  kNone,              true);
STRATA_STATEMENT(ShowDatabases,     "SHOW DATABASES",     kSession,   kNo,        kReader,   kRead,  kNone,              true);
STRATA_STATEMENT(Auth,              "AUTH",               kSession,   kNo,        kReader,   kRead,  kNone,              false);
STRATA_STATEMENT(Ping,              "PING",               kSession,   kNo,        kReader,   kRead,  kNone,              false);
STRATA_STATEMENT(CancelSession,     "CANCEL SESSION",     kSession,   kNo,        kReader,   kRead,  kNone,              false);
STRATA_STATEMENT(ProtocolVersion,   "PROTOCOL_VERSION",   kSession,   kNo,        kReader,   kRead,  kNone,              false);
STRATA_STATEMENT(Connect,           "CONNECTION STRING",  kSession,   kNo,        kReader,   kRead,  kNone,              false);
// §3.2 schema
STRATA_STATEMENT(CreateBundle,      "CREATE BUNDLE",      kSchema,    kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(UpdateBundle,      "UPDATE BUNDLE",      kSchema,    kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(DropBundle,        "DROP BUNDLE",        kSchema,    kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(CreateIndex,       "CREATE INDEX",       kSchema,    kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(DropIndex,         "DROP INDEX",         kSchema,    kUpAndDown, kMigrator, kWrite, kActive,            true);
// §3.3 documents
STRATA_STATEMENT(AddDocument,       "ADD DOCUMENT",       kDocument,  kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(SelectDocuments,   "SELECT DOCUMENTS",   kDocument,  kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(SelectCount,       "SELECT COUNT",       kDocument,  kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(UpdateDocuments,   "UPDATE DOCUMENTS",   kDocument,  kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(DeleteDocuments,   "DELETE DOCUMENTS",   kDocument,  kUpAndDown, kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(RestoreDocuments,  "RESTORE DOCUMENTS",  kDocument,  kDownOnly,  kMigrator, kWrite, kActive,            true);
// §3.4 introspection and administration, §11
STRATA_STATEMENT(ShowBundles,       "SHOW BUNDLES",       kAdmin,     kNo,        kReader,   kRead,  kActiveUnlessNamed, true);
STRATA_STATEMENT(DescribeBundle,    "DESCRIBE BUNDLE",    kAdmin,     kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ShowIndexes,       "SHOW INDEXES",       kAdmin,     kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ShowSettings,      "SHOW SETTINGS",      kAdmin,     kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(SetSetting,        "SET",                kAdmin,     kNo,        kAdmin,    kWrite, kActive,            true);
STRATA_STATEMENT(BackupDatabase,    "BACKUP DATABASE",    kAdmin,     kNo,        kMigrator, kRead,  kNone,              true);
STRATA_STATEMENT(RestoreDatabase,   "RESTORE DATABASE",   kAdmin,     kNo,        kMigrator, kWrite, kNone,              true);
STRATA_STATEMENT(ShowLocks,         "SHOW LOCKS",         kAdmin,     kNo,        kReader,   kRead,  kNone,              true);
// §3.4 users
STRATA_STATEMENT(CreateUser,        "CREATE USER",        kUser,      kNo,        kAdmin,    kWrite, kNone,              true);
STRATA_STATEMENT(AlterUserPassword, "ALTER USER",         kUser,      kNo,        kAdmin,    kWrite, kNone,              true);
STRATA_STATEMENT(AlterUserRole,     "ALTER USER",         kUser,      kNo,        kAdmin,    kWrite, kNone,              true);
STRATA_STATEMENT(DropUser,          "DROP USER",          kUser,      kNo,        kAdmin,    kWrite, kNone,              true);
STRATA_STATEMENT(ShowUsers,         "SHOW USERS",         kUser,      kNo,        kAdmin,    kRead,  kNone,              true);
// §3.5, §4 migrations
STRATA_STATEMENT(StartMigration,    "START MIGRATION",    kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(ShowMigrations,    "SHOW MIGRATIONS",    kMigration, kNo,        kReader,   kRead,  kActiveUnlessNamed, true);
STRATA_STATEMENT(ShowMigration,     "SHOW MIGRATION",     kMigration, kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ShowSchema,        "SHOW SCHEMA",        kMigration, kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ValidateMigration, "VALIDATE MIGRATION", kMigration, kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ValidateMigrations,"VALIDATE MIGRATIONS",kMigration, kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ApplyMigration,    "APPLY MIGRATION",    kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(ApplyMigrations,   "APPLY MIGRATIONS",   kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(ValidateRollback,  "VALIDATE ROLLBACK",  kMigration, kNo,        kReader,   kRead,  kActive,            true);
STRATA_STATEMENT(ApplyRollback,     "APPLY ROLLBACK",     kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(ApproveMigration,  "APPROVE MIGRATION",  kMigration, kNo,        kAdmin,    kWrite, kActive,            true);
STRATA_STATEMENT(ApproveMigrations, "APPROVE MIGRATIONS", kMigration, kNo,        kAdmin,    kWrite, kActive,            true);
STRATA_STATEMENT(ApproveRollback,   "APPROVE ROLLBACK",   kMigration, kNo,        kAdmin,    kWrite, kActive,            true);
STRATA_STATEMENT(ResetMigration,    "RESET MIGRATION",    kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(DropMigration,     "DROP MIGRATION",     kMigration, kNo,        kMigrator, kWrite, kActive,            true);
STRATA_STATEMENT(VerifyMigrations,  "VERIFY MIGRATIONS",  kMigration, kNo,        kMigrator, kRead,  kActive,            true);
// clang-format on

#undef STRATA_STATEMENT

namespace detail {
template <typename... Ts>
constexpr bool every_statement_has_a_row(const std::variant<Ts...>*) {
  return ((StatementTraits<Ts>::info.name != nullptr) && ...);
}
}  // namespace detail
static_assert(detail::every_statement_has_a_row(static_cast<const ast::Statement*>(nullptr)),
              "every ast::Statement alternative needs its row in the statement table");

// The row of a statement's kind.
inline const StatementInfo& statement_info(const ast::Statement& s) {
  return std::visit(
      [](const auto& st) -> const StatementInfo& {
        return StatementTraits<std::decay_t<decltype(st)>>::info;
      },
      s);
}

// True when `have` is at least `need` (reader < migrator < admin).
constexpr bool role_at_least(ast::Role have, ast::Role need) {
  const auto rank = [](ast::Role r) {
    return r == ast::Role::kAdmin ? 2 : r == ast::Role::kMigrator ? 1 : 0;
  };
  return rank(have) >= rank(need);
}

// Whether `s` needs the session's active database: its row's `database`, and for
// kActiveUnlessNamed whether it names no database (its `database` member is empty).
inline bool needs_active_database(const ast::Statement& s) {
  return std::visit(
      [](const auto& st) {
        using T = std::decay_t<decltype(st)>;
        constexpr Database kDatabase = StatementTraits<T>::info.database;
        if constexpr (kDatabase == Database::kActiveUnlessNamed) {
          return !st.database.has_value();
        } else {
          return kDatabase == Database::kActive;
        }
      },
      s);
}

// The distinct names of the table, in table order (for messages about statements not parsed,
// e.g. a command refused inside a migration).
const std::vector<const char*>& statement_names();

}  // namespace strata::parser
