#pragma once
// The syntax-error message table (STYLE §7, like PEGTL's json_errors.hpp): for every rule that
// can fail under must<>, what was expected there, e.g. error_message<grammar::bundle_name> =
// "a bundle name (a double-quoted string)". Keywords and punctuation get their text
// ("BUNDLE", "'('") from partial specializations. `control` raises a parse_error carrying the
// message only from must<> (never on a plain failure), so alternatives backtrack normally.
// Thread-safety: constants only.

#include <tao/pegtl.hpp>

#include "parser/grammar/strata.hpp"

namespace strata::parser {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

template <char... Cs>
struct keyword_text {
  static constexpr char value[] = {Cs..., '\0'};
};
template <char... Cs>
inline constexpr const char* error_message<grammar::kw<tao::pegtl::ascii::istring<Cs...>>> =
    keyword_text<Cs...>::value;

template <char C>
struct punctuation_text {
  static constexpr char value[] = {'\'', C, '\'', '\0'};
};
template <char C>
inline constexpr const char* error_message<grammar::tok<C>> = punctuation_text<C>::value;

#define STRATA_ERROR(rule, text) \
  template <>                    \
  inline constexpr const char* error_message<grammar::rule> = text

// Lexical rules and values.
STRATA_ERROR(block_comment_end, "'*/' closing the comment");  // parse() reports it at '/*'
STRATA_ERROR(escape_code, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
STRATA_ERROR(closing_quote, "'\"' closing the string (control characters must be escaped)");
STRATA_ERROR(database_name, "a database name (a double-quoted string)");
STRATA_ERROR(bundle_name, "a bundle name (a double-quoted string)");
STRATA_ERROR(field_name, "a field name (a double-quoted string)");
STRATA_ERROR(index_name, "an index name (a double-quoted string)");
STRATA_ERROR(relationship_name, "a relationship name (a double-quoted string)");
STRATA_ERROR(user_name, "a user name (a double-quoted string)");
STRATA_ERROR(password, "a password (a double-quoted string)");
STRATA_ERROR(file_name, "a file name (a double-quoted string)");
STRATA_ERROR(description, "a description (a double-quoted string)");
STRATA_ERROR(digits, "digits");
STRATA_ERROR(array_element, "a value (string, number, true, false, null, object or array)");
STRATA_ERROR(array_close, "',' or ']'");
STRATA_ERROR(object_member, "an object member (\"key\": value)");
STRATA_ERROR(member_value, "a value (string, number, true, false, null, object or array)");
STRATA_ERROR(object_close, "',' or '}'");
STRATA_ERROR(literal, "a value (string, number, true, false, null, object or array)");
STRATA_ERROR(compare_op, "a comparison operator (==, !=, <, <=, >, >=)");
STRATA_ERROR(field_ref, "a field name (a double-quoted string or an identifier)");
STRATA_ERROR(unsigned_integer, "an unsigned integer");

// Schema.
STRATA_ERROR(field_type, "a field type (e.g. STRING, INT, \"FLOAT\")");
STRATA_ERROR(field_required, "TRUE or FALSE (required)");
STRATA_ERROR(field_unique, "TRUE or FALSE (unique)");
STRATA_ERROR(field_default, "a default value (string, number, true, false, null, object or array)");
STRATA_ERROR(field_def_close, "',' or '}'");
STRATA_ERROR(field_def, "a field definition ({\"name\", TYPE, required, unique [, default]})");
STRATA_ERROR(field_list, "'(' starting the field list");
STRATA_ERROR(field_list_close, "',' or ')'");
STRATA_ERROR(set_target, "NAME = \"new name\" or '(' starting a list of field changes");
STRATA_ERROR(syndr_change,
             "a field change ({ADD|MODIFY|REMOVE \"f\" = \"f\", TYPE, req, uniq, default})");
STRATA_ERROR(syndr_change_kind, "ADD, MODIFY or REMOVE");
STRATA_ERROR(syndr_new_name, "a field name (a double-quoted string)");
STRATA_ERROR(add_target, "FIELD or RELATIONSHIP");
STRATA_ERROR(remove_target, "FIELD or RELATIONSHIP");
STRATA_ERROR(rel_from_bundle, "a bundle name (a double-quoted string)");
STRATA_ERROR(rel_to_bundle, "a bundle name (a double-quoted string)");
STRATA_ERROR(rel_from_field, "a field name (a double-quoted string)");
STRATA_ERROR(rel_to_field, "a field name (a double-quoted string)");
STRATA_ERROR(rel_cardinality, "a cardinality (\"1to1\", \"1toMany\" or \"ManyToMany\")");
STRATA_ERROR(relationship_def, "a relationship name (a double-quoted string) or '('");
STRATA_ERROR(relationship_entry,
             "a relationship (\"name\" {\"cardinality\", \"A\", \"id\", \"B\", \"a_id\"})");
STRATA_ERROR(bundle_change, "a bundle change (SET, ADD, REMOVE, RENAME or MODIFY)");
STRATA_ERROR(index_kind, "an index kind (HASH, BTREE or B-TREE)");
STRATA_ERROR(index_definition, "an index kind (HASH, BTREE or B-TREE) or an index name");
STRATA_ERROR(index_target, "ON BUNDLE \"name\" WITH FIELDS (...)");
STRATA_ERROR(index_entries, "FIELDS (...) or FIELD \"name\"");
STRATA_ERROR(index_entry, "an index field (\"f\", {\"f\", unique} or {\"f\", required, unique})");
STRATA_ERROR(index_field, "a field name (a double-quoted string)");
STRATA_ERROR(index_flag, "TRUE or FALSE");
STRATA_ERROR(index_entry_close, "',' or '}'");
STRATA_ERROR(index_entries_close, "',' or ')'");
STRATA_ERROR(syndr_index_kind, "HASH INDEX, BTREE INDEX, B-INDEX or H-INDEX");

// Documents and conditions.
STRATA_ERROR(condition, "a condition (field op value, NOT, or '(')");
STRATA_ERROR(or_condition, "a condition (field op value, NOT, or '(')");
STRATA_ERROR(and_condition, "a condition (field op value, NOT, or '(')");
STRATA_ERROR(not_condition, "a condition (field op value, NOT, or '(')");
STRATA_ERROR(group_close, "')' closing the condition group");
STRATA_ERROR(document_member, "a document field (\"f\": value or \"f\" = value)");
STRATA_ERROR(member_separator, "':' or '='");
STRATA_ERROR(document_object, "'{' starting a document");
STRATA_ERROR(document_values, "'(' starting the document values");
STRATA_ERROR(document_values_close, "',' or ')'");
STRATA_ERROR(order_direction, "ASC or DESC");
STRATA_ERROR(limit_count, "a row limit (an unsigned integer)");
STRATA_ERROR(source_bundle, "a bundle name (a double-quoted string)");
STRATA_ERROR(select_target, "DOCUMENTS, * or COUNT");
STRATA_ERROR(where_clause, "WHERE and a condition");
STRATA_ERROR(assignment, "an assignment (\"field\" = value)");
STRATA_ERROR(assignments_close, "',' or ')'");
STRATA_ERROR(restore_version, "a migration version (an unsigned integer)");
STRATA_ERROR(field_place, "a field position (an unsigned integer)");

// Administration.
STRATA_ERROR(setting_name, "a setting name (e.g. MaxMigrationCommands)");
STRATA_ERROR(role_name, "a role (ADMIN, MIGRATOR or READER)");
STRATA_ERROR(alter_target, "PASSWORD \"p\" or ROLE r");

// Sessions and the wire protocol.
STRATA_ERROR(session_id, "a session id (an unsigned integer)");
STRATA_ERROR(cancel_key, "a cancel key (a double-quoted string)");
STRATA_ERROR(protocol_number, "a protocol version (an unsigned integer)");
STRATA_ERROR(connection_parts,
             "HOST:PORT:DATABASE:USER:PASSWORD after syndrdb:// (DATABASE and USER not empty)");

// Migrations and the top level.
STRATA_ERROR(migration_number, "a migration version (an unsigned integer)");
STRATA_ERROR(migration_name_text, "a migration name (a double-quoted string)");
STRATA_ERROR(with_version, "WITH VERSION n");
STRATA_ERROR(to_version, "TO VERSION n");
STRATA_ERROR(up_to_version, "UP TO VERSION n");
STRATA_ERROR(rollback_to, "TO VERSION n");
STRATA_ERROR(rollback_version, "a target version (an integer)");
STRATA_ERROR(approval_token, "an approval token (a double-quoted string)");
STRATA_ERROR(approve_force, "FORCE (an approval of a migration is for applying it with FORCE)");
STRATA_ERROR(migration_filter,
             "a filter (Status, Version, Name, Description, CreatedBy or Batch op value)");
STRATA_ERROR(up_command,
             "a migration command (CREATE BUNDLE, UPDATE BUNDLE, DROP BUNDLE, CREATE INDEX, "
             "DROP INDEX, ADD DOCUMENT, UPDATE DOCUMENTS, DELETE DOCUMENTS), DOWN or COMMIT");
STRATA_ERROR(down_command,
             "a DOWN command (CREATE BUNDLE, UPDATE BUNDLE, DROP BUNDLE, CREATE INDEX, "
             "DROP INDEX, ADD DOCUMENT, UPDATE DOCUMENTS, DELETE DOCUMENTS, RESTORE DOCUMENTS) "
             "or COMMIT");
STRATA_ERROR(command_end, "';', DOWN or COMMIT");
STRATA_ERROR(migration_begin, "START MIGRATION");
STRATA_ERROR(create_target, "DATABASE, BUNDLE, INDEX, UNIQUE INDEX, HASH INDEX, B-INDEX or USER");
STRATA_ERROR(drop_target, "DATABASE, BUNDLE, INDEX, USER or MIGRATION");
STRATA_ERROR(show_target,
             "DATABASES, BUNDLES, INDEXES, SETTINGS, USERS, LOCKS, MIGRATIONS, MIGRATION or SCHEMA");
STRATA_ERROR(update_target, "BUNDLE or DOCUMENTS");
STRATA_ERROR(restore_target, "DATABASE");
STRATA_ERROR(validate_target, "MIGRATION, MIGRATIONS or ROLLBACK");
STRATA_ERROR(apply_target, "MIGRATION, MIGRATIONS UP TO, PENDING MIGRATIONS or ROLLBACK");
STRATA_ERROR(approve_target, "MIGRATION, MIGRATIONS UP TO, PENDING MIGRATIONS or ROLLBACK");
STRATA_ERROR(statement_end, "';' or end of input");
STRATA_ERROR(end_of_input, "a statement");

#undef STRATA_ERROR

// What was expected where `Rule` failed under must<>. Rules without an entry (an opt<> or
// star<> under if_must<>, which cannot fail) fall back to a neutral text; tests check that
// no reachable error uses it.
inline constexpr const char* kFallbackExpected = "valid syntax";

template <typename Rule>
const char* expected_text() {
  const char* text = error_message<Rule>;
  return text != nullptr ? text : kFallbackExpected;
}

// The control class of the parse (like must_if<> of json_errors.hpp, with the table looked
// up when raising): must<Rule> failing throws a parse_error whose message is the expected
// text; plain failures only backtrack.
template <typename Rule>
struct control : tao::pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&... /*unused*/) {
    throw tao::pegtl::parse_error(expected_text<Rule>(), in);
  }
};

}  // namespace strata::parser
