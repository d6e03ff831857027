#pragma once
// How a command parsed inside START MIGRATION becomes an ast::MigrationCommand (ast.hpp): its
// canonical text, its position, its phase-1 findings and — except for an UP ADD DOCUMENT —
// its AST. The parser calls this once per command, as soon as the command is parsed, so a
// migration's memory is its canonical text plus a few words per command, not its tree.
// Thread-safety: pure functions over the migration passed in.

#include "parser/ast.hpp"

namespace strata::parser {

// Appends `command` to `migration`'s UP section (`down` false) or DOWN section (`down` true).
// REQUIRES: every UP command is added before the first DOWN command (the text buffer holds
// UP commands first).
void add_command(ast::StartMigration* migration, ast::Statement command, bool down);

}  // namespace strata::parser
