// The statement-level helpers declared at the end of ast.hpp: positions, and the migration
// command set and keyword-level names of SPEC §3.5, both read from the statement table
// (statement_traits.hpp).

#include "parser/ast.hpp"

#include "parser/statement_traits.hpp"

namespace strata::ast {

Pos position_of(const Statement& s) {
  return std::visit([](const auto& st) { return st.pos; }, s);
}

bool allowed_in_migration(const Statement& s, bool in_down) {
  switch (parser::statement_info(s).in_migration) {
    case parser::InMigration::kUpAndDown:
      return true;
    case parser::InMigration::kDownOnly:
      return in_down;
    case parser::InMigration::kNo:
      return false;
  }
  return false;
}

const char* statement_name(const Statement& s) { return parser::statement_info(s).name; }

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
