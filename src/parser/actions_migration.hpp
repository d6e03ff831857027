#pragma once
// PEGTL actions of the migration statements (grammar/migration.peg, SPEC §3.5, §4.13, §4.14):
// the ledger statements, START MIGRATION's UP / DOWN sinks, and the actions that refuse a
// command that may not stand inside a migration and a COMMIT outside one.
// Thread-safety: per ParseState.

#include <cctype>
#include <string>
#include <utility>

#include "parser/actions_statements.hpp"

namespace strata::parser {

// ---- §3.5 migrations

template <>
struct action<g::migration_filter> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    ast::MigrationFilter f;
    f.value = st.pop_value();
    f.field = st.pop_string();
    f.op = st.op_;
    std::string lower;
    for (char c : f.field)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower != "status" && lower != "version" && lower != "name" && lower != "description" &&
        lower != "createdby" && lower != "batch") {
      throw ActionError{ParseState::text_pos(in),
                        "a migration field (Status, Version, Name, Description, CreatedBy or "
                        "Batch)",
                        "unknown migration field '" + f.field +
                            "'; expected Status, Version, Name, Description, CreatedBy or Batch"};
    }
    st.filters_.push_back(std::move(f));
  }
};
template <>
struct action<g::show_migrations> {
  static void apply0(ParseState& st) {
    ast::ShowMigrations s;
    s.database = st.pop_optional_string();
    s.filters = std::move(st.filters_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::show_migration> : emit_version<ast::ShowMigration> {};
template <>
struct action<g::schema_version> {
  static void apply0(ParseState& st) { st.version_ = st.number_; }
};
template <>
struct action<g::show_schema> {
  static void apply0(ParseState& st) {
    ast::ShowSchema s;
    s.version = st.version_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
// Emits a VALIDATE / APPLY / APPROVE statement of type T: the version just parsed (as
// `up_to` when UpTo; none for APPLY PENDING), and FORCE and WITH APPROVAL where T has them.
template <typename T, bool UpTo = false>
struct emit_ledger_statement {
  static void apply0(ParseState& st) {
    T s;
    if constexpr (requires { s.up_to; }) {
      if (UpTo) s.up_to = st.number_;
    } else {
      s.version = st.number_;
    }
    if constexpr (requires { s.force; }) s.force = st.force_;
    if constexpr (requires { s.approval; }) s.approval = std::move(st.approval_);
    if constexpr (requires { s.negative; }) s.negative = st.negative_ && st.number_ != 0;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::target_minus> {
  static void apply0(ParseState& st) { st.negative_ = true; }
};
template <>
struct action<g::apply_force> {
  static void apply0(ParseState& st) { st.force_ = true; }
};
template <>
struct action<g::approval_token> {
  static void apply0(ParseState& st) { st.approval_ = st.pop_string(); }
};
template <>
struct action<g::validate_migration> : emit_version<ast::ValidateMigration> {};
template <>
struct action<g::validate_migrations>
    : emit_ledger_statement<ast::ValidateMigrations, /*UpTo=*/true> {};
template <>
struct action<g::apply_migration> : emit_ledger_statement<ast::ApplyMigration> {};
template <>
struct action<g::apply_migrations> : emit_ledger_statement<ast::ApplyMigrations, true> {};
template <>
struct action<g::apply_pending> : emit_ledger_statement<ast::ApplyMigrations, false> {};
template <>
struct action<g::validate_rollback> : emit_ledger_statement<ast::ValidateRollback> {};
template <>
struct action<g::apply_rollback> : emit_ledger_statement<ast::ApplyRollback> {};
template <>
struct action<g::approve_migration> : emit_version<ast::ApproveMigration> {};
template <>
struct action<g::approve_migrations> : emit_ledger_statement<ast::ApproveMigrations, true> {};
template <>
struct action<g::approve_pending> : emit_ledger_statement<ast::ApproveMigrations, false> {};
template <>
struct action<g::approve_rollback> : emit_ledger_statement<ast::ApproveRollback> {};
template <>
struct action<g::reset_migration> : emit_version<ast::ResetMigration> {};
template <>
struct action<g::drop_migration> : emit_version<ast::DropMigration> {};
template <>
struct action<g::verify_migrations> : emit_plain<ast::VerifyMigrations> {};

// Migrations whose statement is longer than this reserve their canonical text up front.
inline constexpr size_t kReserveMigrationTextFrom = 64u << 10;

template <>
struct action<g::migration_begin> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.migration_ = ast::StartMigration();
    // The canonical text is about as long as the statement: a large migration's text is
    // reserved once instead of grown by doubling (each doubling copies and faults in fresh
    // pages). The input may hold more statements than this one: start_migration gives back
    // what the text did not use.
    const auto rest = static_cast<size_t>(in.input().end() - in.begin());
    if (rest > kReserveMigrationTextFrom) st.migration_.text.reserve(rest);
    st.migration_.pos = st.statement_pos();
    st.in_migration_ = true;
    st.in_down_ = false;
    st.reset_statement();
  }
};
template <>
struct action<g::migration_version> {
  static void apply0(ParseState& st) { st.migration_.version = st.number_; }
};
template <>
struct action<g::migration_name_text> {
  static void apply0(ParseState& st) { st.migration_.name = st.pop_string(); }
};
template <>
struct action<g::description> {
  static void apply0(ParseState& st) { st.migration_.description = st.pop_string(); }
};
template <>
struct action<g::down_keyword> {
  static void apply0(ParseState& st) {
    st.migration_.has_down = true;
    st.in_down_ = true;
  }
};
template <>
struct action<g::start_migration> {
  static void apply0(ParseState& st) {
    st.assembler_.finish();
    st.in_migration_ = false;
    st.in_down_ = false;
    std::string& text = st.migration_.text;
    const size_t slack = text.capacity() - text.size();
    if (text.capacity() > kReserveMigrationTextFrom && slack > text.size() / 4)
      text.shrink_to_fit();
    st.script_.push_back(std::move(st.migration_));
    st.migration_ = ast::StartMigration();
    st.reset_statement();
  }
};

template <>
struct action<g::refused_command> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    const std::string name = refused_statement_name(in.begin(), in.input().end());
    if (name == "RESTORE DOCUMENTS") {
      throw ActionError{st.statement_at_, "a migration command",
                        "RESTORE DOCUMENTS is only allowed in the DOWN section of a migration"};
    }
    throw ActionError{st.statement_at_, "a migration command",
                      name + " is not allowed inside a migration"};
  }
};
template <>
struct action<g::stray_commit> {
  static void apply0(ParseState& st) {
    throw ActionError{st.statement_at_, "a statement", "COMMIT without START MIGRATION"};
  }
};
template <>
struct action<g::refused_restore_documents> {
  static void apply0(ParseState& st) {
    throw ActionError{st.statement_at_, "DATABASE",
                      "RESTORE DOCUMENTS is only allowed in the DOWN section of a migration"};
  }
};

}  // namespace strata::parser
