#pragma once
// The canonical printer (STYLE §5): AST -> seed-form text, deterministic (the same AST always
// prints the same bytes). It is the only producer of statement text for checksums (SPEC §4.6),
// DOWN commands (§4.7) and SHOW MIGRATION. parse(canonical(x)) == x for every statement.
//
// Layout: one statement on one line, single spaces between tokens, keywords upper-case, names
// and strings double-quoted with JSON escapes, JSON values compact with sorted keys, no
// trailing ';'. A StartMigration prints its commands one per line, each ending in ';'.
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "parser/ast.hpp"

namespace strata::parser {

std::string canonical(const ast::Statement& statement);
// Appends canonical(statement) to `out`.
void append_canonical(std::string& out, const ast::Statement& statement);
// Appends the canonical text of ADD DOCUMENT TO BUNDLE `bundle` whose values' canonical JSON
// (json()) is `values`, made by whoever read them.
void append_add_document(std::string& out, std::string_view bundle, std::string_view values);
std::string canonical(const ast::Condition& condition);
std::string canonical(const ast::FieldDef& field);
// A double-quoted string with JSON escapes: "a\"b".
std::string quote(std::string_view s);

}  // namespace strata::parser
