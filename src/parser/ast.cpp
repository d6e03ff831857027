// The statement-level helpers declared at the end of ast.hpp: positions, the migration
// command set of SPEC §3.5, and keyword-level statement names for messages.

#include "parser/ast.hpp"

#include <type_traits>

namespace strata::ast {
namespace {

template <typename T, typename... Ts>
constexpr bool is_one_of = (std::is_same_v<T, Ts> || ...);

}  // namespace

Pos position_of(const Statement& s) {
  return std::visit([](const auto& st) { return st.pos; }, s);
}

bool allowed_in_migration(const Statement& s, bool in_down) {
  return std::visit(
      [in_down](const auto& st) {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, RestoreDocuments>) {
          return in_down;
        } else {
          return is_one_of<T, CreateBundle, UpdateBundle, DropBundle, CreateIndex, DropIndex,
                           AddDocument, UpdateDocuments, DeleteDocuments>;
        }
      },
      s);
}

const char* statement_name(const Statement& s) {
  struct Namer {
    const char* operator()(const CreateDatabase&) const { return "CREATE DATABASE"; }
    const char* operator()(const DropDatabase&) const { return "DROP DATABASE"; }
    const char* operator()(const UseDatabase&) const { return "USE"; }
    const char* operator()(const ShowDatabases&) const { return "SHOW DATABASES"; }
    const char* operator()(const Auth&) const { return "AUTH"; }
    const char* operator()(const Ping&) const { return "PING"; }
    const char* operator()(const CreateBundle&) const { return "CREATE BUNDLE"; }
    const char* operator()(const UpdateBundle&) const { return "UPDATE BUNDLE"; }
    const char* operator()(const DropBundle&) const { return "DROP BUNDLE"; }
    const char* operator()(const CreateIndex&) const { return "CREATE INDEX"; }
    const char* operator()(const DropIndex&) const { return "DROP INDEX"; }
    const char* operator()(const AddDocument&) const { return "ADD DOCUMENT"; }
    const char* operator()(const SelectDocuments&) const { return "SELECT DOCUMENTS"; }
    const char* operator()(const SelectCount&) const { return "SELECT COUNT"; }
    const char* operator()(const UpdateDocuments&) const { return "UPDATE DOCUMENTS"; }
    const char* operator()(const DeleteDocuments&) const { return "DELETE DOCUMENTS"; }
    const char* operator()(const RestoreDocuments&) const { return "RESTORE DOCUMENTS"; }
    const char* operator()(const ShowBundles&) const { return "SHOW BUNDLES"; }
    const char* operator()(const DescribeBundle&) const { return "DESCRIBE BUNDLE"; }
    const char* operator()(const ShowIndexes&) const { return "SHOW INDEXES"; }
    const char* operator()(const ShowSettings&) const { return "SHOW SETTINGS"; }
    const char* operator()(const SetSetting&) const { return "SET"; }
    const char* operator()(const BackupDatabase&) const { return "BACKUP DATABASE"; }
    const char* operator()(const RestoreDatabase&) const { return "RESTORE DATABASE"; }
    const char* operator()(const CreateUser&) const { return "CREATE USER"; }
    const char* operator()(const AlterUserPassword&) const { return "ALTER USER"; }
    const char* operator()(const AlterUserRole&) const { return "ALTER USER"; }
    const char* operator()(const DropUser&) const { return "DROP USER"; }
    const char* operator()(const ShowUsers&) const { return "SHOW USERS"; }
    const char* operator()(const StartMigration&) const { return "START MIGRATION"; }
    const char* operator()(const ShowMigrations&) const { return "SHOW MIGRATIONS"; }
    const char* operator()(const ShowMigration&) const { return "SHOW MIGRATION"; }
    const char* operator()(const ValidateMigration&) const { return "VALIDATE MIGRATION"; }
    const char* operator()(const ApplyMigration&) const { return "APPLY MIGRATION"; }
    const char* operator()(const ValidateRollback&) const { return "VALIDATE ROLLBACK"; }
    const char* operator()(const ApplyRollback&) const { return "APPLY ROLLBACK"; }
    const char* operator()(const ResetMigration&) const { return "RESET MIGRATION"; }
    const char* operator()(const DropMigration&) const { return "DROP MIGRATION"; }
    const char* operator()(const VerifyMigrations&) const { return "VERIFY MIGRATIONS"; }
  };
  return std::visit(Namer{}, s);
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kMigrator:
      return "migrator";
    case Role::kReader:
      return "reader";
  }
  return "reader";
}

}  // namespace strata::ast
