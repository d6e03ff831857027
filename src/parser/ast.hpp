#pragma once
// The abstract syntax tree of Strata's statement language (SPEC §2, §3).
//
// Plain structs in a std::variant (STYLE §4): std::visit makes the compiler point at every
// layer that forgot a statement. Both spellings of a statement (seed form and SyndrQL form)
// produce the same structs; the canonical printer (canonical.hpp) turns them back into
// seed-form text. Every struct carries the position of its first token.
//
// Equality (operator==) compares meaning, not position: Pos always compares equal, so that
// parse(canonical(x)) == x holds although the canonical text lays tokens out differently.
// Tests that care about positions compare `pos.line` / `pos.column` explicitly.
//
// Names are stored exactly as written (case-sensitive, unescaped). Type names are stored
// upper-cased but not resolved: an unknown type is reported by the syntax phase
// (syntax_check.hpp), not by the parser (SPEC §1). Literal values are nlohmann::json.
//
// Thread-safety: plain values.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::ast {

// 1-based line and column of a token in the parsed text (columns count bytes).
struct Pos {
  uint32_t line = 1;
  uint32_t column = 1;
  friend bool operator==(const Pos&, const Pos&) { return true; }  // see file comment
};

// ---------------------------------------------------------------------------------------
// Shared pieces

// { "name", TYPE, required, unique [, default] }. A NULL default means "no default".
struct FieldDef {
  std::string name;
  std::string type;  // upper-cased as written: "STRING", "INTEGER", "VARCHAR" (unknown), ...
  bool required = false;
  bool unique = false;
  Json default_value;  // null: no default
  Pos pos;
  bool operator==(const FieldDef&) const = default;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// field op literal. `field` may be "DocumentID".
struct Comparison {
  std::string field;
  CompareOp op = CompareOp::kEq;
  Json value;
  Pos pos;
  bool operator==(const Comparison&) const = default;
};

// A WHERE condition: a comparison, or AND / OR over two or more children, or NOT of one.
// Parenthesized groups are represented by the tree shape only.
struct Condition {
  enum class Kind { kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  Comparison compare;               // kCompare
  std::vector<Condition> children;  // kAnd/kOr: >= 2, kNot: exactly 1
  Pos pos;
  bool operator==(const Condition&) const = default;
};

enum class IndexKind { kHash, kBtree };

// ---------------------------------------------------------------------------------------
// §3.1 Sessions and databases

struct CreateDatabase { std::string name; Pos pos; bool operator==(const CreateDatabase&) const = default; };
struct DropDatabase { std::string name; Pos pos; bool operator==(const DropDatabase&) const = default; };
struct UseDatabase { std::string name; Pos pos; bool operator==(const UseDatabase&) const = default; };
struct ShowDatabases { Pos pos; bool operator==(const ShowDatabases&) const = default; };
struct Auth {
  std::string user;
  std::string password;
  Pos pos;
  bool operator==(const Auth&) const = default;
};
struct Ping { Pos pos; bool operator==(const Ping&) const = default; };  // also STATUS
// CANCEL SESSION n "key" (SPEC §6): stops session n's running statement.
struct CancelSession {
  uint64_t session = 0;
  std::string key;
  Pos pos;
  bool operator==(const CancelSession&) const = default;
};
// PROTOCOL_VERSION n: a driver announcing its protocol version (SPEC §6).
struct ProtocolVersion {
  uint64_t version = 0;
  Pos pos;
  bool operator==(const ProtocolVersion&) const = default;
};
// The SyndrDB driver's connection string syndrdb://HOST:PORT:DATABASE:USER:PASSWORD (SPEC §6):
// log in as `user` and USE `database`. Its parts are kept as written; `database` and `user`
// are not empty.
struct Connect {
  std::string host;
  std::string port;
  std::string database;
  std::string user;
  std::string password;
  Pos pos;
  bool operator==(const Connect&) const = default;
};

// ---------------------------------------------------------------------------------------
// §3.2 Schema

struct CreateBundle {
  std::string bundle;
  std::vector<FieldDef> fields;
  Pos pos;
  bool operator==(const CreateBundle&) const = default;
};

// UPDATE BUNDLE "B" <change> [, <change> ...]. The seed form writes one change (or several,
// comma-separated); the SyndrQL form `SET ( {ADD ...}, {MODIFY ...} )` and
// `ADD RELATIONSHIP ( "r" {...}, "s" {...} )` write several. Changes apply in order, as one
// statement. `{MODIFY "old" = "new", ...}` with a new name is a RenameField followed by a
// ModifyField of the new name.
struct SetBundleName { std::string new_name; bool operator==(const SetBundleName&) const = default; };
struct AddField {
  FieldDef field;
  std::optional<uint32_t> position;  // AT POSITION n: 1-based place; unset: at the end
  bool operator==(const AddField&) const = default;
};
struct RemoveField { std::string field; bool operator==(const RemoveField&) const = default; };
struct RenameField {
  std::string from;
  std::string to;
  bool operator==(const RenameField&) const = default;
};
struct ModifyField { FieldDef field; bool operator==(const ModifyField&) const = default; };

// A relationship definition. Seed form:
//   ADD RELATIONSHIP "r" FROM BUNDLE "A" [FIELD "id"] TO BUNDLE "B" [FIELD "a_id"]
//       [CARDINALITY "1toMany"]
// SyndrQL: ADD RELATIONSHIP ( "r" {"1toMany", "A", "id", "B", "a_id"} [, ...] )
struct RelationshipDef {
  std::string name;
  std::string from_bundle;
  std::string to_bundle;
  std::string cardinality;  // "" (unspecified), "1to1", "1toMany" or "ManyToMany"
  std::string from_field;   // "" when unspecified
  std::string to_field;     // "" when unspecified
  bool operator==(const RelationshipDef&) const = default;
};
struct AddRelationship { RelationshipDef rel; bool operator==(const AddRelationship&) const = default; };
struct RemoveRelationship { std::string name; bool operator==(const RemoveRelationship&) const = default; };

using BundleChange = std::variant<SetBundleName, AddField, RemoveField, RenameField, ModifyField,
                                  AddRelationship, RemoveRelationship>;

struct UpdateBundle {
  std::string bundle;
  std::vector<BundleChange> changes;  // at least one
  Pos pos;
  bool operator==(const UpdateBundle&) const = default;
};

struct DropBundle {
  std::string bundle;
  bool force = false;
  Pos pos;
  bool operator==(const DropBundle&) const = default;
};

// CREATE [UNIQUE] INDEX "name" HASH|BTREE ON BUNDLE "B" WITH FIELDS ("f", ...).
// The short seed form `CREATE INDEX HASH ON BUNDLE "B" WITH FIELD "f"` gets the generated
// name "B_f_hash" / "B_f_btree" from the parser, so both forms give the same AST.
struct CreateIndex {
  std::string name;
  IndexKind kind = IndexKind::kHash;
  std::string bundle;
  std::vector<std::string> fields;
  bool unique = false;
  Pos pos;
  bool operator==(const CreateIndex&) const = default;
};
struct DropIndex { std::string name; Pos pos; bool operator==(const DropIndex&) const = default; };

// ---------------------------------------------------------------------------------------
// §3.3 Documents

// ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({...}); `values` is a JSON object.
struct AddDocument {
  std::string bundle;
  Json values = Json::object();
  Pos pos;
  bool operator==(const AddDocument&) const = default;
};

struct OrderBy {
  std::string field;
  bool descending = false;
  bool operator==(const OrderBy&) const = default;
};

// SELECT DOCUMENTS FROM "B" ... / SELECT * FROM "B" ...
struct SelectDocuments {
  std::string bundle;
  std::optional<Condition> where;
  std::optional<OrderBy> order_by;
  std::optional<uint64_t> limit;
  Pos pos;
  bool operator==(const SelectDocuments&) const = default;
};

struct SelectCount {
  std::string bundle;
  std::optional<Condition> where;
  Pos pos;
  bool operator==(const SelectCount&) const = default;
};

struct Assignment {
  std::string field;
  Json value;
  bool operator==(const Assignment&) const = default;
};

// UPDATE DOCUMENTS IN BUNDLE "B" ("f" = v, ...) WHERE cond. WHERE is required.
struct UpdateDocuments {
  std::string bundle;
  std::vector<Assignment> assignments;
  Condition where;
  Pos pos;
  bool operator==(const UpdateDocuments&) const = default;
};

struct DeleteDocuments {
  std::string bundle;
  std::optional<Condition> where;
  Pos pos;
  bool operator==(const DeleteDocuments&) const = default;
};

// RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n: puts back the documents and values of
// bundle B that migration n removed or overwrote, from the undo snapshot (SPEC §4.7). Valid
// only as a DOWN command; the parser refuses it anywhere else.
struct RestoreDocuments {
  std::string bundle;
  uint64_t migration = 0;
  Pos pos;
  bool operator==(const RestoreDocuments&) const = default;
};

// ---------------------------------------------------------------------------------------
// §3.4 Introspection and administration

struct ShowBundles {
  std::optional<std::string> database;
  Pos pos;
  bool operator==(const ShowBundles&) const = default;
};
struct DescribeBundle { std::string bundle; Pos pos; bool operator==(const DescribeBundle&) const = default; };
struct ShowIndexes {
  std::optional<std::string> bundle;
  Pos pos;
  bool operator==(const ShowIndexes&) const = default;
};
struct ShowSettings { Pos pos; bool operator==(const ShowSettings&) const = default; };
// SHOW LOCKS: the per-database locks held (SPEC §11).
struct ShowLocks { Pos pos; bool operator==(const ShowLocks&) const = default; };
// SET Name = value. `name` is stored as written; the engine resolves it case-insensitively.
struct SetSetting {
  std::string name;
  Json value;
  Pos pos;
  // A number value as written (`99999999999999999999999`, which `value` holds as a double):
  // what INVALID_SETTING quotes back. Not part of the statement's identity (==, canonical).
  std::string written;
  bool operator==(const SetSetting& o) const {
    return name == o.name && value == o.value && pos == o.pos;
  }
};
struct BackupDatabase {
  std::string database;
  std::string file;
  Pos pos;
  bool operator==(const BackupDatabase&) const = default;
};
struct RestoreDatabase {
  std::string file;
  std::string new_name;
  Pos pos;
  bool operator==(const RestoreDatabase&) const = default;
};

enum class Role { kAdmin, kMigrator, kReader };

struct CreateUser {
  std::string user;
  std::string password;
  std::optional<Role> role;  // unset: reader
  Pos pos;
  bool operator==(const CreateUser&) const = default;
};
struct AlterUserPassword {
  std::string user;
  std::string password;
  Pos pos;
  bool operator==(const AlterUserPassword&) const = default;
};
struct AlterUserRole {
  std::string user;
  Role role = Role::kReader;
  Pos pos;
  bool operator==(const AlterUserRole&) const = default;
};
struct DropUser { std::string user; Pos pos; bool operator==(const DropUser&) const = default; };
struct ShowUsers { Pos pos; bool operator==(const ShowUsers&) const = default; };

// ---------------------------------------------------------------------------------------
// §3.5 Migrations

// A filter of SHOW MIGRATIONS ... WHERE: Status / Version / Name / Description / CreatedBy /
// Batch, stored with the field name as written.
struct MigrationFilter {
  std::string field;
  CompareOp op = CompareOp::kEq;
  Json value;
  bool operator==(const MigrationFilter&) const = default;
};

struct ShowMigrations {
  std::optional<std::string> database;
  std::vector<MigrationFilter> filters;  // ANDed
  Pos pos;
  bool operator==(const ShowMigrations&) const = default;
};
struct ShowMigration { uint64_t version = 0; Pos pos; bool operator==(const ShowMigration&) const = default; };
// SHOW SCHEMA [AT VERSION n]: the schema version n had; the live one without AT (SPEC §4.10).
struct ShowSchema {
  std::optional<uint64_t> version;
  Pos pos;
  bool operator==(const ShowSchema&) const = default;
};
struct ValidateMigration { uint64_t version = 0; Pos pos; bool operator==(const ValidateMigration&) const = default; };
// VALIDATE MIGRATIONS UP TO VERSION n (SPEC §4.14).
struct ValidateMigrations {
  uint64_t up_to = 0;
  Pos pos;
  bool operator==(const ValidateMigrations&) const = default;
};
// APPLY MIGRATION WITH VERSION n [FORCE] [WITH APPROVAL "token"]. `approval` is the token of
// SPEC §4.13, when written.
struct ApplyMigration {
  uint64_t version = 0;
  bool force = false;
  Pos pos;
  std::optional<std::string> approval;
  bool operator==(const ApplyMigration&) const = default;
};
// APPLY MIGRATIONS UP TO VERSION n [FORCE] [WITH APPROVAL "t"]; without `up_to`: APPLY PENDING
// MIGRATIONS [FORCE] [WITH APPROVAL "t"], up to the highest version (SPEC §4.14).
struct ApplyMigrations {
  std::optional<uint64_t> up_to;
  bool force = false;
  std::optional<std::string> approval;
  Pos pos;
  bool operator==(const ApplyMigrations&) const = default;
};
// VALIDATE / APPLY / APPROVE ROLLBACK TO VERSION t: `negative` when t was written below 0
// (`version` is then -t); the gate refuses it, INVALID_TARGET_VERSION (SPEC §4.8), before
// it runs (parser/syntax_check.hpp).
struct ValidateRollback {
  uint64_t version = 0;
  Pos pos;
  bool negative = false;
  bool operator==(const ValidateRollback&) const = default;
};
// APPLY ROLLBACK TO VERSION n [FORCE] [WITH APPROVAL "token"] (FORCE: despite conflicts, §4.7).
struct ApplyRollback {
  uint64_t version = 0;
  Pos pos;
  bool force = false;
  std::optional<std::string> approval;
  bool negative = false;
  bool operator==(const ApplyRollback&) const = default;
};
// APPROVE MIGRATION WITH VERSION n FORCE: a token for applying n with FORCE (SPEC §4.13).
struct ApproveMigration {
  uint64_t version = 0;
  Pos pos;
  bool operator==(const ApproveMigration&) const = default;
};
// APPROVE MIGRATIONS UP TO VERSION n FORCE / APPROVE PENDING MIGRATIONS FORCE (up_to empty):
// a token for that FORCEd batch (SPEC §4.13, §4.14).
struct ApproveMigrations {
  std::optional<uint64_t> up_to;
  Pos pos;
  bool operator==(const ApproveMigrations&) const = default;
};
// APPROVE ROLLBACK TO VERSION n [FORCE]: a token for that rollback (SPEC §4.13).
struct ApproveRollback {
  uint64_t version = 0;
  bool force = false;
  Pos pos;
  bool negative = false;
  bool operator==(const ApproveRollback&) const = default;
};
struct ResetMigration { uint64_t version = 0; Pos pos; bool operator==(const ResetMigration&) const = default; };
struct DropMigration { uint64_t version = 0; Pos pos; bool operator==(const DropMigration&) const = default; };
struct VerifyMigrations { Pos pos; bool operator==(const VerifyMigrations&) const = default; };

struct StartMigration;

// Every statement kind. A new one also needs its row in the statement table
// (parser/statement_traits.hpp), its grammar rule, action and canonical form.
using Statement = std::variant<
    // §3.1, §6
    CreateDatabase, DropDatabase, UseDatabase, ShowDatabases, Auth, Ping, CancelSession,
    ProtocolVersion, Connect,
    // §3.2
    CreateBundle, UpdateBundle, DropBundle, CreateIndex, DropIndex,
    // §3.3
    AddDocument, SelectDocuments, SelectCount, UpdateDocuments, DeleteDocuments, RestoreDocuments,
    // §3.4, §11
    ShowBundles, DescribeBundle, ShowIndexes, ShowSettings, SetSetting, BackupDatabase,
    RestoreDatabase, ShowLocks, CreateUser, AlterUserPassword, AlterUserRole, DropUser, ShowUsers,
    // §3.5, §4
    StartMigration, ShowMigrations, ShowMigration, ShowSchema, ValidateMigration,
    ValidateMigrations, ApplyMigration, ApplyMigrations, ValidateRollback, ApplyRollback,
    ApproveMigration, ApproveMigrations, ApproveRollback, ResetMigration, DropMigration, VerifyMigrations>;

// A phase-1 finding of parser::syntax_check (syntax_check.hpp documents the checks). Defined
// here because a StartMigration carries those of its commands (see MigrationCommand).
struct SyntaxIssue {
  Code code;            // kUnknownType, kFieldExists, kDescriptionTooLong, kEmptyMigration, ...
  std::string message;  // e.g. "Unknown type 'VARCHAR' for field 'name'"
  Pos pos;              // where in the text
  size_t command = 0;   // 1-based command index inside a migration (DOWN commands continue
                        // the count after the UP commands); 0 for a plain statement
};

// One command of a START MIGRATION body in the compact form the parser keeps it in: a
// migration may hold a million ADD DOCUMENT commands, and what START stores is their canonical
// text, not their tree (SPEC §4.3). The parser turns each command into this as soon as it is
// parsed (parser/migration_command.hpp):
//   - its canonical text (parser::canonical) lies in StartMigration::text at
//     [text_begin, text_begin + text_size), followed by '\n';
//   - `pos` is where it starts in the source;
//   - `statement` is its full AST, kept for every command except an ADD DOCUMENT of the UP
//     section, for which only the bundle name is kept (StartMigration::bundles[bundle]): it is
//     all START's execution needs of one (DOWN generation, SPEC §4.7). Anything else re-parses
//     the text.
struct MigrationCommand {
  Pos pos;
  uint32_t text_size = 0;
  uint32_t bundle = 0;
  size_t text_begin = 0;
  std::shared_ptr<const Statement> statement;  // null only for an UP ADD DOCUMENT
};

// START MIGRATION [VERSION n] [NAME "n"] [WITH DESCRIPTION "d"] up... [DOWN down...] COMMIT.
// `up` and `down` hold only commands allowed inside a migration (SPEC §3.5: the §3.2 and §3.3
// statements except SELECT; RestoreDocuments only in `down`), in the compact form above.
// Build one with parser::add_command (migration_command.hpp), never by hand.
//
// Equality compares meaning: version, name, description, DOWN section, and the canonical text
// of every command (which determines its AST).
struct StartMigration {
  std::optional<uint64_t> version;  // VERSION n: the version START must assign (SPEC §4.14)
  std::optional<std::string> name;  // NAME "..." (at most 200 characters, syntax_check.hpp)
  std::optional<std::string> description;
  std::vector<MigrationCommand> up;
  bool has_down = false;  // a DOWN section was written (possibly empty)
  std::vector<MigrationCommand> down;
  Pos pos;
  // The canonical text of every UP command, then of every DOWN command, each followed by
  // '\n': the body of the stored commands record (engine/ledger.hpp), byte for byte.
  std::string text;
  std::vector<std::string> bundles;  // the distinct bundle names of UP ADD DOCUMENT commands
  // The phase-1 findings of the commands (syntax_check on each command's AST while it
  // existed), in command order, `command` set.
  std::vector<SyntaxIssue> issues;

  std::string_view text_of(const MigrationCommand& c) const {
    return std::string_view(text).substr(c.text_begin, c.text_size);
  }
  // The bundle an UP ADD DOCUMENT command (null `statement`) adds to.
  const std::string& bundle_of(const MigrationCommand& c) const { return bundles[c.bundle]; }

  bool operator==(const StartMigration& o) const {
    return version == o.version && name == o.name && description == o.description &&
           has_down == o.has_down && up.size() == o.up.size() &&
           down.size() == o.down.size() && text == o.text;
  }
};

// A parsed script: statements in source order.
using Script = std::vector<Statement>;

// The position of any statement.
Pos position_of(const Statement& s);

// True for the commands SPEC §3.5 allows inside START MIGRATION (§3.2 and §3.3 minus SELECT).
// RestoreDocuments counts as allowed only when `in_down` is true. From the statement table
// (statement_traits.hpp).
bool allowed_in_migration(const Statement& s, bool in_down);

// "admin" / "migrator" / "reader".
const char* role_name(Role role);

// The keyword-level name of a statement kind, e.g. "CREATE BUNDLE", "SELECT DOCUMENTS";
// used in error messages ("USE is not allowed inside a migration"). From the statement table.
const char* statement_name(const Statement& s);

}  // namespace strata::ast
