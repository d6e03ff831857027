#pragma once
// PEGTL actions that assemble the session, document and admin statements (grammar/session.peg,
// document.peg, admin.peg) from the values their sub-rules left in ParseState, and the emit
// helpers the migration actions (actions_migration.hpp) share. Thread-safety: per ParseState.

#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "common/json.hpp"
#include "parser/actions_schema.hpp"
#include "parser/fast_add_document.hpp"

namespace strata::parser {

// Emits a statement of type T whose only field besides `pos` is one string popped from the
// stack (CREATE DATABASE "x", USE "x", DESCRIBE BUNDLE "x", ...).
template <typename T, std::string T::*Member>
struct emit_named {
  static void apply0(ParseState& st) {
    T s;
    s.*Member = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
// Emits a statement of type T without operands (SHOW DATABASES, PING, ...).
template <typename T>
struct emit_plain {
  static void apply0(ParseState& st) {
    T s;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
// Emits a statement of type T whose operand is the version number just parsed.
template <typename T>
struct emit_version {
  static void apply0(ParseState& st) {
    T s;
    s.version = st.number_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

// ---- §3.1 sessions and databases

template <>
struct action<g::create_database> : emit_named<ast::CreateDatabase, &ast::CreateDatabase::name> {};
template <>
struct action<g::drop_database> : emit_named<ast::DropDatabase, &ast::DropDatabase::name> {};
template <>
struct action<g::use_database> : emit_named<ast::UseDatabase, &ast::UseDatabase::name> {};
template <>
struct action<g::show_databases> : emit_plain<ast::ShowDatabases> {};
template <>
struct action<g::ping> : emit_plain<ast::Ping> {};
template <>
struct action<g::auth> {
  static void apply0(ParseState& st) {
    ast::Auth s;
    s.password = st.pop_string();
    s.user = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::cancel_session> {
  static void apply0(ParseState& st) {
    ast::CancelSession s;
    s.session = st.number_;
    s.key = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::protocol_version> : emit_version<ast::ProtocolVersion> {};

// The raw parts of a connection string, pushed as they are (no unescaping).
struct push_raw {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.strings_.emplace_back(in.string_view());
  }
};
template <>
struct action<g::connection_host> : push_raw {};
template <>
struct action<g::connection_port> : push_raw {};
template <>
struct action<g::connection_database> : push_raw {};
template <>
struct action<g::connection_user> : push_raw {};
template <>
struct action<g::connection_password> : push_raw {};
template <>
struct action<g::connect> {
  static void apply0(ParseState& st) {
    ast::Connect s;
    s.password = st.pop_string();
    while (!s.password.empty() && std::isspace(static_cast<unsigned char>(s.password.back()))) {
      s.password.pop_back();  // the statement's trailing whitespace is not part of it
    }
    s.user = st.pop_string();
    s.database = st.pop_string();
    s.port = st.pop_string();
    s.host = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

// ---- §3.3 documents

template <>
struct action<g::document_member> {
  static void apply0(ParseState& st) {
    Json v = st.pop_value();
    st.set_member(st.document_, std::move(v));
  }
};
template <>
struct action<g::add_document> {
  static void apply0(ParseState& st) {
    Json values = st.document_.is_null() ? Json::object() : std::move(st.document_);
    // Aggregate initialization: no default Json::object() allocated only to be overwritten.
    st.emit(ast::AddDocument{st.pop_string(), std::move(values), st.statement_pos()});
  }
};
// add_document's fast path (grammar::fast_add_document): the scanner, unless the parse runs
// the grammar alone, and the AddDocument add_document's actions would emit. In the UP section
// of START MIGRATION, where only a document's canonical text is kept, a flat document is read
// straight into that text (scan_add_document_text).
struct FastAdd {
  std::optional<FastAddDocument> document;
  std::optional<FastAddDocumentText> text;
  size_t size = 0;  // bytes matched
};
template <>
struct action<g::fast_add_document> : tao::pegtl::nothing<g::fast_add_document> {
  static std::optional<FastAdd> scan(const char* begin, const char* end, const ParseState& st) {
    if (!st.fast_paths_) return std::nullopt;
    if (st.in_migration_ && !st.in_down_) {
      if (auto text = scan_add_document_text(begin, end)) {
        const size_t size = text->size;
        return FastAdd{std::nullopt, std::move(text), size};
      }
    }
    if (auto doc = scan_add_document(begin, end)) {
      const size_t size = doc->size;
      return FastAdd{std::move(doc), std::nullopt, size};
    }
    return std::nullopt;
  }
  static void emit(FastAdd&& add, ParseState& st) {
    if (add.text) {
      st.emit_document_text(std::move(add.text->bundle), std::move(add.text->values));
    } else {
      st.emit(ast::AddDocument{std::move(add.document->bundle), std::move(add.document->values),
                               st.statement_pos()});
    }
  }
};
template <>
struct action<g::order_direction> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.descending_ = starts_with_letter(in, 'D');
  }
};
template <>
struct action<g::order_by> {
  static void apply0(ParseState& st) {
    st.order_by_ = ast::OrderBy{st.pop_string(), st.descending_};
  }
};
template <>
struct action<g::limit_count> {
  static void apply0(ParseState& st) { st.limit_ = st.number_; }
};
template <>
struct action<g::select_documents> {
  static void apply0(ParseState& st) {
    ast::SelectDocuments s;
    s.bundle = st.pop_string();
    s.where = std::move(st.where_);
    s.order_by = std::move(st.order_by_);
    s.limit = st.limit_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::select_count> {
  static void apply0(ParseState& st) {
    ast::SelectCount s;
    s.bundle = st.pop_string();
    s.where = std::move(st.where_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::assignment> {
  static void apply0(ParseState& st) {
    Json v = st.pop_value();
    std::string field = st.pop_string();
    st.assignments_.push_back(ast::Assignment{std::move(field), std::move(v)});
  }
};
template <>
struct action<g::update_documents> {
  static void apply0(ParseState& st) {
    ast::UpdateDocuments s;
    s.bundle = st.pop_string();
    s.assignments = std::move(st.assignments_);
    if (st.where_) s.where = std::move(*st.where_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::delete_documents> {
  static void apply0(ParseState& st) {
    ast::DeleteDocuments s;
    s.bundle = st.pop_string();
    s.where = std::move(st.where_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::restore_documents> {
  static void apply0(ParseState& st) {
    ast::RestoreDocuments s;
    s.bundle = st.pop_string();
    s.migration = st.number_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

// ---- §3.4 introspection and administration

template <>
struct action<g::show_bundles> {
  static void apply0(ParseState& st) {
    ast::ShowBundles s;
    s.database = st.pop_optional_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::describe_bundle> : emit_named<ast::DescribeBundle, &ast::DescribeBundle::bundle> {
};
template <>
struct action<g::show_indexes> {
  static void apply0(ParseState& st) {
    ast::ShowIndexes s;
    s.bundle = st.pop_optional_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::show_settings> : emit_plain<ast::ShowSettings> {};
template <>
struct action<g::show_locks> : emit_plain<ast::ShowLocks> {};
template <>
struct action<g::set_setting> {
  static void apply0(ParseState& st) {
    ast::SetSetting s;
    s.value = st.pop_value();
    if (s.value.is_number()) s.written = std::string(st.number_text_);
    s.name = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::backup_database> {
  static void apply0(ParseState& st) {
    ast::BackupDatabase s;
    s.file = st.pop_string();
    s.database = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::restore_database> {
  static void apply0(ParseState& st) {
    ast::RestoreDatabase s;
    s.new_name = st.pop_string();
    s.file = st.pop_string();
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::role_name> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    if (starts_with_letter(in, 'A')) {
      st.role_ = ast::Role::kAdmin;
    } else if (starts_with_letter(in, 'M')) {
      st.role_ = ast::Role::kMigrator;
    } else {
      st.role_ = ast::Role::kReader;
    }
  }
};
template <>
struct action<g::create_user> {
  static void apply0(ParseState& st) {
    ast::CreateUser s;
    s.password = st.pop_string();
    s.user = st.pop_string();
    s.role = st.role_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::alter_user> {
  static void apply0(ParseState& st) {
    if (st.role_) {
      ast::AlterUserRole s;
      s.role = *st.role_;
      s.user = st.pop_string();
      s.pos = st.statement_pos();
      st.emit(std::move(s));
    } else {
      ast::AlterUserPassword s;
      s.password = st.pop_string();
      s.user = st.pop_string();
      s.pos = st.statement_pos();
      st.emit(std::move(s));
    }
  }
};
template <>
struct action<g::drop_user> : emit_named<ast::DropUser, &ast::DropUser::user> {};
template <>
struct action<g::show_users> : emit_plain<ast::ShowUsers> {};

}  // namespace strata::parser
