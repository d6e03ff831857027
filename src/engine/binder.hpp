#pragma once
// The binder (STYLE §12, DuckDB's Bind): a parsed command becomes a bound command, resolved
// against one catalog view. Every rule of SPEC §3.2 that depends only on the catalog — and its
// error text — lives here, once: the objects a command names exist (or, for CREATE, do not),
// renames land on free names, field definitions have known types and matching defaults, a
// field an explicit index uses cannot be removed, a relationship target cannot be dropped
// without WITH FORCE, an implicit index cannot be dropped on its own, WHERE and SET name
// declared fields. Rules that depend on the documents (types of values, required fields on a
// non-empty bundle, unique values, conversions) are the executors' data work.
//
// A bound command names bundles and indexes by id and carries the definitions it replaces or
// removes, so the catalog change (schema_change.hpp), the data work (executors.hpp), the
// validator's phases, START's preview and the DOWN builder consume it without looking a name
// up again. Binding never changes the catalog; schema_change::apply() does, and cannot fail
// on a command bound against the same catalog.
//
// ADD DOCUMENT is bound together with its preparation (documents.hpp prepare_document): its
// bound form is the prepared document, so a document is checked, serialized and indexed once.
//
// Thread-safety: pure functions over a catalog the caller does not change meanwhile.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/documents.hpp"
#include "parser/ast.hpp"

namespace strata::engine {
namespace bound {

// The changes of UPDATE BUNDLE, each bound against the bundle as the earlier changes of the
// same statement left it.
struct SetBundleName {
  std::string from;
  std::string to;
};
struct AddField {
  Field field;
  size_t position = 0;  // 0-based place in the field list (the end unless a DOWN says where)
};
struct RemoveField {
  Field field;          // the definition removed
  size_t position = 0;  // where it stood
  std::optional<IndexDef> implicit_index;  // the unique field's index, dropped with it
};
struct RenameField {
  std::string from;
  std::string to;
};
struct ModifyField {
  Field before;
  Field after;
  std::optional<IndexDef> dropped_index;  // unique -> not unique: the implicit index
};
struct AddRelationship {
  Relationship relationship;  // target resolved to its bundle id
};
struct RemoveRelationship {
  Relationship relationship;  // the definition removed
};
using BundleChange = std::variant<SetBundleName, AddField, RemoveField, RenameField, ModifyField,
                                  AddRelationship, RemoveRelationship>;

struct CreateBundle {
  Bundle bundle;  // fields bound; id 0 until applied
};
struct UpdateBundle {
  uint32_t bundle = 0;
  std::vector<BundleChange> changes;
};
struct DropBundle {
  uint32_t bundle = 0;
  bool force = false;
  // WITH FORCE: the relationships of other bundles that target it, (source bundle id, def).
  std::vector<std::pair<uint32_t, Relationship>> referencing;
};
struct CreateIndex {
  IndexDef index;  // bundle resolved; id 0 until applied
};
struct DropIndex {
  IndexDef index;  // the definition dropped
};
struct AddDocument {
  uint32_t bundle = 0;
  PreparedDocument document;
};
struct UpdateDocuments {
  uint32_t bundle = 0;
  std::vector<ast::Assignment> assignments;  // every field declared, never DocumentID
  ast::Condition where;                      // fields declared
};
struct DeleteDocuments {
  uint32_t bundle = 0;
  std::optional<ast::Condition> where;
};
struct RestoreDocuments {
  uint32_t bundle = 0;
  uint64_t migration = 0;
};

// Every command a migration may hold (SPEC §3.5), bound.
using Command = std::variant<CreateBundle, UpdateBundle, DropBundle, CreateIndex, DropIndex,
                             AddDocument, UpdateDocuments, DeleteDocuments, RestoreDocuments>;

// True for the commands that change the catalog.
bool is_schema_change(const Command& command);

}  // namespace bound

// Binds `statement`, a §3.2 / §3.3 write command or RESTORE DOCUMENTS, against `schema`.
// Errors: the rule it breaks (BUNDLE_NOT_FOUND, BUNDLE_EXISTS, FIELD_NOT_FOUND, FIELD_EXISTS,
// FIELD_INDEXED, BUNDLE_REFERENCED, INDEX_NOT_FOUND, INDEX_EXISTS, INDEX_IMPLICIT,
// RELATIONSHIP_*, UNKNOWN_TYPE, INVALID_VALUE, and for ADD DOCUMENT the document's own
// CONSTRAINT_VIOLATION / TYPE_MISMATCH); UNSUPPORTED for any other statement.
// The rvalue overload moves the values out of an ADD DOCUMENT instead of copying them.
Result<bound::Command> bind_command(const DatabaseSchema& schema, const ast::Statement& statement);
Result<bound::Command> bind_command(const DatabaseSchema& schema, ast::Statement&& statement);

// ADD DOCUMENT TO BUNDLE `bundle` with `values`: the bundle resolved, the document prepared.
Result<bound::AddDocument> bind_add_document(const DatabaseSchema& schema,
                                             std::string_view bundle, Json&& values);

// bind_add_document for a flat document read straight from its text
// (parser::scan_add_document_text), without building its values: nullopt when the bundle is
// unknown or the document needs the general route (documents.hpp prepare_flat_document), which
// then decides and reports.
std::optional<bound::AddDocument> bind_flat_add_document(const DatabaseSchema& schema,
                                                         const parser::FastAddDocumentText& doc);

// The bundle called `name` (BUNDLE_NOT_FOUND).
Result<const Bundle*> bind_bundle(const DatabaseSchema& schema, std::string_view name);
// The fields a WHERE condition names are declared in `bundle` (DocumentID always is).
Status bind_condition(const Bundle& bundle, const ast::Condition& condition);

}  // namespace strata::engine
