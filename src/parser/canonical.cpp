// The canonical printer (canonical.hpp): one seed-form spelling for every AST.
#include "parser/canonical.hpp"

#include <charconv>
#include <cstdio>
#include <type_traits>

namespace strata::parser {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_literal_word(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return u == "TRUE" || u == "FALSE" || u == "NULL";
}

// A bare word when the grammar reads it back as the same identifier, else a quoted string.
std::string word_or_quoted(std::string_view s) {
  return is_identifier(s) && !is_literal_word(s) ? std::string(s) : quote(s);
}

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);  // other bytes pass through, so any name prints back unchanged
        }
    }
  }
  out.push_back('"');
}

// Compact JSON with sorted keys (nlohmann's object is ordered by key). Strings go through
// append_quoted so that bytes which are not UTF-8 still print (nlohmann's dump would throw);
// numbers use nlohmann's shortest round-trip form, which keeps 1.0 a float.
void append_json(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, value] : v.items()) {
        if (!first) out.push_back(',');
        first = false;
        append_quoted(out, key);
        out.push_back(':');
        append_json(out, value);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& value : v) {
        if (!first) out.push_back(',');
        first = false;
        append_json(out, value);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::string:
      append_quoted(out, v.get_ref<const std::string&>());
      return;
    // What dump() prints, without building a serializer per value (migrations print
    // millions of these).
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      char buf[24];
      const auto r = v.is_number_unsigned()
                         ? std::to_chars(buf, buf + sizeof buf, v.get<uint64_t>())
                         : std::to_chars(buf, buf + sizeof buf, v.get<int64_t>());
      out.append(buf, r.ptr);
      return;
    }
    default:
      out += v.dump();
      return;
  }
}

std::string json(const Json& v) {
  std::string out;
  append_json(out, v);
  return out;
}

const char* op_text(ast::CompareOp op) {
  switch (op) {
    case ast::CompareOp::kEq:
      return "==";
    case ast::CompareOp::kNe:
      return "!=";
    case ast::CompareOp::kLt:
      return "<";
    case ast::CompareOp::kLe:
      return "<=";
    case ast::CompareOp::kGt:
      return ">";
    case ast::CompareOp::kGe:
      return ">=";
  }
  return "==";
}

// Precedence NOT > AND > OR: a child is parenthesized when printing it bare would bind
// differently or flatten into its parent (an AND inside an AND keeps its own node).
void append_condition(std::string& out, const ast::Condition& c);

void append_child(std::string& out, const ast::Condition& parent, const ast::Condition& child) {
  using Kind = ast::Condition::Kind;
  const bool group =
      child.kind == Kind::kOr || (child.kind == Kind::kAnd && parent.kind != Kind::kOr);
  if (group) out.push_back('(');
  append_condition(out, child);
  if (group) out.push_back(')');
}

void append_condition(std::string& out, const ast::Condition& c) {
  using Kind = ast::Condition::Kind;
  switch (c.kind) {
    case Kind::kCompare:
      append_quoted(out, c.compare.field);
      out.push_back(' ');
      out += op_text(c.compare.op);
      out.push_back(' ');
      append_json(out, c.compare.value);
      return;
    case Kind::kNot:
      out += "NOT ";
      if (!c.children.empty()) append_child(out, c, c.children.front());
      return;
    case Kind::kAnd:
    case Kind::kOr: {
      const char* joiner = c.kind == Kind::kAnd ? " AND " : " OR ";
      for (size_t i = 0; i < c.children.size(); ++i) {
        if (i > 0) out += joiner;
        append_child(out, c, c.children[i]);
      }
      return;
    }
  }
}

std::string relationship(const ast::RelationshipDef& r) {
  std::string out = "ADD RELATIONSHIP " + quote(r.name) + " FROM BUNDLE " + quote(r.from_bundle);
  if (!r.from_field.empty()) out += " FIELD " + quote(r.from_field);
  out += " TO BUNDLE " + quote(r.to_bundle);
  if (!r.to_field.empty()) out += " FIELD " + quote(r.to_field);
  if (!r.cardinality.empty()) out += " CARDINALITY " + quote(r.cardinality);
  return out;
}

std::string change(const ast::BundleChange& c) {
  return std::visit(
      [](const auto& ch) -> std::string {
        using T = std::decay_t<decltype(ch)>;
        if constexpr (std::is_same_v<T, ast::SetBundleName>) {
          return "SET NAME = " + quote(ch.new_name);
        } else if constexpr (std::is_same_v<T, ast::AddField>) {
          std::string out = "ADD FIELD " + canonical(ch.field);
          if (ch.position) out += " AT POSITION " + std::to_string(*ch.position);
          return out;
        } else if constexpr (std::is_same_v<T, ast::RemoveField>) {
          return "REMOVE FIELD " + quote(ch.field);
        } else if constexpr (std::is_same_v<T, ast::RenameField>) {
          return "RENAME FIELD " + quote(ch.from) + " TO " + quote(ch.to);
        } else if constexpr (std::is_same_v<T, ast::ModifyField>) {
          return "MODIFY FIELD " + canonical(ch.field);
        } else if constexpr (std::is_same_v<T, ast::AddRelationship>) {
          return relationship(ch.rel);
        } else {
          static_assert(std::is_same_v<T, ast::RemoveRelationship>);
          return "REMOVE RELATIONSHIP " + quote(ch.name);
        }
      },
      c);
}

std::string where(const std::optional<ast::Condition>& c) {
  return c ? " WHERE " + canonical(*c) : std::string();
}

std::string version(const char* prefix, uint64_t v) { return prefix + std::to_string(v); }
// A rollback's target, which may have been written negative.
template <typename T>
std::string target(const char* prefix, const T& s) {
  return prefix + std::string(s.negative ? "-" : "") + std::to_string(s.version);
}

// " WITH APPROVAL "token"" when there is one.
std::string approval(const std::optional<std::string>& token) {
  return token ? " WITH APPROVAL " + quote(*token) : std::string();
}

std::string migration(const ast::StartMigration& m) {
  std::string out = "START MIGRATION";
  if (m.version) out += version(" VERSION ", *m.version);
  if (m.name) out += " NAME " + quote(*m.name);
  if (m.description) out += " WITH DESCRIPTION " + quote(*m.description);
  out.push_back('\n');
  // The commands' canonical texts were made when they were parsed (migration_command.hpp).
  out.reserve(out.size() + m.text.size() + 3 * (m.up.size() + m.down.size()) + 16);
  const auto command = [&](const ast::MigrationCommand& c) {
    out += "  ";
    out += m.text_of(c);
    out += ";\n";
  };
  for (const ast::MigrationCommand& c : m.up) command(c);
  if (m.has_down) {
    out += "DOWN\n";
    for (const ast::MigrationCommand& c : m.down) command(c);
  }
  out += "COMMIT";
  return out;
}

}  // namespace

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_quoted(out, s);
  return out;
}

std::string canonical(const ast::Condition& condition) {
  std::string out;
  append_condition(out, condition);
  return out;
}

std::string canonical(const ast::FieldDef& f) {
  std::string out = "{" + quote(f.name) + ", " + word_or_quoted(f.type) + ", " +
                    (f.required ? "true" : "false") + ", " + (f.unique ? "true" : "false");
  if (!f.default_value.is_null()) out += ", " + json(f.default_value);
  return out + "}";
}

namespace {

// ADD DOCUMENT TO BUNDLE "b" WITH VALUES (<values>), the values printed by values(out).
template <typename PrintValues>
void print_add_document(std::string& out, std::string_view bundle, PrintValues&& values) {
  out += "ADD DOCUMENT TO BUNDLE ";
  append_quoted(out, bundle);
  out += " WITH VALUES (";
  values(out);
  out.push_back(')');
}

void print_add_document(std::string& out, const ast::AddDocument& d) {
  print_add_document(out, d.bundle, [&d](std::string& o) { append_json(o, d.values); });
}

}  // namespace

void append_add_document(std::string& out, std::string_view bundle, std::string_view values) {
  print_add_document(out, bundle, [values](std::string& o) { o += values; });
}

void append_canonical(std::string& out, const ast::Statement& statement) {
  // ADD DOCUMENT, the bulk of large migrations, is printed in place.
  if (const auto* d = std::get_if<ast::AddDocument>(&statement)) {
    print_add_document(out, *d);
    return;
  }
  out += canonical(statement);
}

std::string canonical(const ast::Statement& statement) {
  return std::visit(
      [](const auto& s) -> std::string {
        using T = std::decay_t<decltype(s)>;
        using namespace ast;
        if constexpr (std::is_same_v<T, CreateDatabase>) {
          return "CREATE DATABASE " + quote(s.name);
        } else if constexpr (std::is_same_v<T, DropDatabase>) {
          return "DROP DATABASE " + quote(s.name);
        } else if constexpr (std::is_same_v<T, UseDatabase>) {
          return "USE " + quote(s.name);
        } else if constexpr (std::is_same_v<T, ShowDatabases>) {
          return "SHOW DATABASES";
        } else if constexpr (std::is_same_v<T, Auth>) {
          return "AUTH " + quote(s.user) + " " + quote(s.password);
        } else if constexpr (std::is_same_v<T, Ping>) {
          return "PING";
        } else if constexpr (std::is_same_v<T, CancelSession>) {
          return version("CANCEL SESSION ", s.session) + " " + quote(s.key);
        } else if constexpr (std::is_same_v<T, ProtocolVersion>) {
          return version("PROTOCOL_VERSION ", s.version);
        } else if constexpr (std::is_same_v<T, Connect>) {
          // Raw text, as the driver writes it (its parts are not strings of the language).
          return "syndrdb://" + s.host + ":" + s.port + ":" + s.database + ":" + s.user + ":" +
                 s.password;
        } else if constexpr (std::is_same_v<T, CreateBundle>) {
          std::string out = "CREATE BUNDLE " + quote(s.bundle) + " WITH FIELDS (";
          for (size_t i = 0; i < s.fields.size(); ++i) {
            out += (i > 0 ? ", " : "") + canonical(s.fields[i]);
          }
          return out + ")";
        } else if constexpr (std::is_same_v<T, UpdateBundle>) {
          std::string out = "UPDATE BUNDLE " + quote(s.bundle);
          for (size_t i = 0; i < s.changes.size(); ++i) {
            out += (i > 0 ? ", " : " ") + change(s.changes[i]);
          }
          return out;
        } else if constexpr (std::is_same_v<T, DropBundle>) {
          return "DROP BUNDLE " + quote(s.bundle) + (s.force ? " WITH FORCE" : "");
        } else if constexpr (std::is_same_v<T, CreateIndex>) {
          std::string out = s.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
          out += quote(s.name) + (s.kind == IndexKind::kHash ? " HASH" : " BTREE");
          out += " ON BUNDLE " + quote(s.bundle) + " WITH FIELDS (";
          for (size_t i = 0; i < s.fields.size(); ++i) {
            out += (i > 0 ? ", " : "") + quote(s.fields[i]);
          }
          return out + ")";
        } else if constexpr (std::is_same_v<T, DropIndex>) {
          return "DROP INDEX " + quote(s.name);
        } else if constexpr (std::is_same_v<T, AddDocument>) {
          std::string out;
          print_add_document(out, s);
          return out;
        } else if constexpr (std::is_same_v<T, SelectDocuments>) {
          std::string out = "SELECT DOCUMENTS FROM " + quote(s.bundle) + where(s.where);
          if (s.order_by) {
            out +=
                " ORDER BY " + quote(s.order_by->field) + (s.order_by->descending ? " DESC" : "");
          }
          if (s.limit) out += " LIMIT " + std::to_string(*s.limit);
          return out;
        } else if constexpr (std::is_same_v<T, SelectCount>) {
          return "SELECT COUNT FROM " + quote(s.bundle) + where(s.where);
        } else if constexpr (std::is_same_v<T, UpdateDocuments>) {
          std::string out = "UPDATE DOCUMENTS IN BUNDLE " + quote(s.bundle) + " (";
          for (size_t i = 0; i < s.assignments.size(); ++i) {
            out += (i > 0 ? ", " : "") + quote(s.assignments[i].field) + " = " +
                   json(s.assignments[i].value);
          }
          return out + ") WHERE " + canonical(s.where);
        } else if constexpr (std::is_same_v<T, DeleteDocuments>) {
          return "DELETE DOCUMENTS FROM BUNDLE " + quote(s.bundle) + where(s.where);
        } else if constexpr (std::is_same_v<T, RestoreDocuments>) {
          return "RESTORE DOCUMENTS TO BUNDLE " + quote(s.bundle) +
                 version(" FROM MIGRATION ", s.migration);
        } else if constexpr (std::is_same_v<T, ShowBundles>) {
          return std::string("SHOW BUNDLES") + (s.database ? " FOR " + quote(*s.database) : "");
        } else if constexpr (std::is_same_v<T, DescribeBundle>) {
          return "DESCRIBE BUNDLE " + quote(s.bundle);
        } else if constexpr (std::is_same_v<T, ShowIndexes>) {
          return std::string("SHOW INDEXES") + (s.bundle ? " ON BUNDLE " + quote(*s.bundle) : "");
        } else if constexpr (std::is_same_v<T, ShowSettings>) {
          return "SHOW SETTINGS";
        } else if constexpr (std::is_same_v<T, ShowLocks>) {
          return "SHOW LOCKS";
        } else if constexpr (std::is_same_v<T, SetSetting>) {
          return "SET " + word_or_quoted(s.name) + " = " + json(s.value);
        } else if constexpr (std::is_same_v<T, BackupDatabase>) {
          return "BACKUP DATABASE " + quote(s.database) + " TO " + quote(s.file);
        } else if constexpr (std::is_same_v<T, RestoreDatabase>) {
          return "RESTORE DATABASE FROM " + quote(s.file) + " AS " + quote(s.new_name);
        } else if constexpr (std::is_same_v<T, CreateUser>) {
          std::string out = "CREATE USER " + quote(s.user) + " WITH PASSWORD " + quote(s.password);
          if (s.role) out += std::string(" ROLE ") + ast::role_name(*s.role);
          return out;
        } else if constexpr (std::is_same_v<T, AlterUserPassword>) {
          return "ALTER USER " + quote(s.user) + " SET PASSWORD " + quote(s.password);
        } else if constexpr (std::is_same_v<T, AlterUserRole>) {
          return "ALTER USER " + quote(s.user) + " SET ROLE " + ast::role_name(s.role);
        } else if constexpr (std::is_same_v<T, DropUser>) {
          return "DROP USER " + quote(s.user);
        } else if constexpr (std::is_same_v<T, ShowUsers>) {
          return "SHOW USERS";
        } else if constexpr (std::is_same_v<T, StartMigration>) {
          return migration(s);
        } else if constexpr (std::is_same_v<T, ShowMigrations>) {
          std::string out = "SHOW MIGRATIONS";
          if (s.database) out += " FOR " + quote(*s.database);
          for (size_t i = 0; i < s.filters.size(); ++i) {
            out += (i == 0 ? " WHERE " : " AND ") + word_or_quoted(s.filters[i].field) + " " +
                   op_text(s.filters[i].op) + " " + json(s.filters[i].value);
          }
          return out;
        } else if constexpr (std::is_same_v<T, ShowMigration>) {
          return version("SHOW MIGRATION ", s.version);
        } else if constexpr (std::is_same_v<T, ShowSchema>) {
          return "SHOW SCHEMA" + (s.version ? version(" AT VERSION ", *s.version) : "");
        } else if constexpr (std::is_same_v<T, ValidateMigration>) {
          return version("VALIDATE MIGRATION WITH VERSION ", s.version);
        } else if constexpr (std::is_same_v<T, ValidateMigrations>) {
          return version("VALIDATE MIGRATIONS UP TO VERSION ", s.up_to);
        } else if constexpr (std::is_same_v<T, ApplyMigration>) {
          return version("APPLY MIGRATION WITH VERSION ", s.version) + (s.force ? " FORCE" : "") +
                 approval(s.approval);
        } else if constexpr (std::is_same_v<T, ApplyMigrations>) {
          return (s.up_to ? version("APPLY MIGRATIONS UP TO VERSION ", *s.up_to)
                          : std::string("APPLY PENDING MIGRATIONS")) +
                 (s.force ? " FORCE" : "") + approval(s.approval);
        } else if constexpr (std::is_same_v<T, ValidateRollback>) {
          return target("VALIDATE ROLLBACK TO VERSION ", s);
        } else if constexpr (std::is_same_v<T, ApplyRollback>) {
          return target("APPLY ROLLBACK TO VERSION ", s) + (s.force ? " FORCE" : "") +
                 approval(s.approval);
        } else if constexpr (std::is_same_v<T, ApproveMigration>) {
          return version("APPROVE MIGRATION WITH VERSION ", s.version) + " FORCE";
        } else if constexpr (std::is_same_v<T, ApproveMigrations>) {
          return (s.up_to ? version("APPROVE MIGRATIONS UP TO VERSION ", *s.up_to)
                          : std::string("APPROVE PENDING MIGRATIONS")) +
                 " FORCE";
        } else if constexpr (std::is_same_v<T, ApproveRollback>) {
          return target("APPROVE ROLLBACK TO VERSION ", s) + (s.force ? " FORCE" : "");
        } else if constexpr (std::is_same_v<T, ResetMigration>) {
          return version("RESET MIGRATION WITH VERSION ", s.version);
        } else if constexpr (std::is_same_v<T, DropMigration>) {
          return version("DROP MIGRATION WITH VERSION ", s.version);
        } else {
          static_assert(std::is_same_v<T, VerifyMigrations>);
          return "VERIFY MIGRATIONS";
        }
      },
      statement);
}

}  // namespace strata::parser
