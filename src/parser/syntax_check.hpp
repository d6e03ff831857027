#pragma once
// The checks of validation phase 1 (SPEC §4.4) that need no database, shared by
// `strata check`, direct execution and VALIDATE MIGRATION:
//   - type names are known (STRING TEXT INT INTEGER FLOAT DOUBLE BOOLEAN BOOL DATETIME JSON);
//   - no duplicate field names in one CREATE BUNDLE;
//   - a migration description is at most 500 characters (Unicode code points), its NAME at
//     most 200 (NAME_TOO_LONG, "migration name exceeds 200 character limit");
//   - values are well-formed: a default matches its field's type, DATETIME strings are
//     RFC 3339, INT values fit int64, ADD DOCUMENT values are an object;
//   - a START MIGRATION has at least one command;
//   - a rollback's target version is not negative (INVALID_TARGET_VERSION, SPEC §4.8).
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "parser/ast.hpp"

namespace strata::parser {

enum class FieldType { kString, kText, kInt, kFloat, kBoolean, kDateTime, kJson };

// Resolves a type name (any case, aliases included); nullopt when unknown.
std::optional<FieldType> resolve_type(std::string_view name);
// The canonical name of a type: "STRING", "INT", "FLOAT", "BOOLEAN", ...
const char* type_name(FieldType type);
// What a field type is checked against: the kind of a JSON value. kInteger: an integer that
// fits an int64; kNumber: any other number (a fraction, an exponent, a huge unsigned).
enum class ValueKind { kNull, kBoolean, kInteger, kNumber, kString, kArray, kObject };
// The type rule of SPEC §1, once: true if a value of `kind` is acceptable for `type`; `text` is
// a string value's text (DATETIME checks it). Used for JSON values (value_matches) and for the
// members of a flat document read straight from its text (engine/documents.hpp).
bool kind_matches(FieldType type, ValueKind kind, std::string_view text = {});
// kind_matches for `value` (non-null).
bool value_matches(FieldType type, const Json& value);
// True for "2024-01-10T10:00:00Z"-style RFC 3339 date-times.
bool is_rfc3339(std::string_view s);

// A finding: code, message, position, and the 1-based command index inside a migration.
using SyntaxIssue = ast::SyntaxIssue;

// Every phase-1 problem of one statement (for a StartMigration: its own, then those of each of
// its commands, with `command` set, which the parser found while it built the migration). Empty
// when clean.
std::vector<SyntaxIssue> syntax_check(const ast::Statement& statement);

}  // namespace strata::parser
