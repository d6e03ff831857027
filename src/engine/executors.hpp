#pragma once
// The executors: one function per statement, one file per statement family (STYLE §3):
//   exec_schema.cpp, exec_schema_fields.cpp   SPEC §3.2  (bundles, fields, relationships, indexes)
//   exec_document.cpp                         SPEC §3.3  (ADD / SELECT / COUNT / UPDATE / DELETE)
//   exec_admin.cpp                            SPEC §3.4  (SHOW BUNDLES ... SET) and describe.cpp
//   exec_session.cpp, backup.cpp              Engine members (databases, BACKUP / RESTORE)
//
// Contract: the gate (Engine::execute) has already checked role, active database and
// settings; executors never repeat those checks. Write commands come BOUND (binder.hpp): names
// resolved, catalog rules checked; their executor applies the catalog change
// (schema_change.hpp) to ctx.mutable_schema() and stages the data work into ctx.txn(). On
// error the caller discards the txn, so a failed statement changes nothing. On success they
// fill `response` with the fields of SPEC §5.1 (status/success are added by response.hpp).
// Read executors work on a snapshot.
//
// execute_command() runs any bound command but RESTORE DOCUMENTS (which needs its migration's
// undo snapshot: undo.hpp) on a WriteContext: the migration work applies N commands by calling
// it N times on ONE context. exec_command() binds a parsed command first.
// Thread-safety: see WriteContext / ReadContext.

#include "common/json.hpp"
#include "engine/binder.hpp"
#include "engine/catalog.hpp"
#include "engine/documents.hpp"
#include "engine/query.hpp"
#include "engine/reader.hpp"
#include "engine/schema_change.hpp"
#include "engine/settings.hpp"
#include "engine/write_context.hpp"
#include "parser/ast.hpp"

namespace strata::engine {

// What a read statement sees: one snapshot and the schema published with it.
struct ReadContext {
  const Reader& reader;
  const DatabaseSchema& schema;
  const SettingValues& server_settings;
  QueryOptions query;
};

// §3.2 (exec_schema.cpp)
Status exec_create_bundle(WriteContext& ctx, const bound::CreateBundle& c, Json* response);
Status exec_update_bundle(WriteContext& ctx, const bound::UpdateBundle& c, Json* response);
Status exec_drop_bundle(WriteContext& ctx, const bound::DropBundle& c, Json* response);
Status exec_create_index(WriteContext& ctx, const bound::CreateIndex& c, Json* response);
Status exec_drop_index(WriteContext& ctx, const bound::DropIndex& c, Json* response);
// The data work of one field change of UPDATE BUNDLE, after its catalog change
// (exec_schema_fields.cpp).
Status change_field_data(WriteContext& ctx, uint32_t bundle_id, const bound::BundleChange& change,
                         const schema_change::Effect& effect);

// §3.3 (exec_document.cpp)
Status exec_add_document(WriteContext& ctx, bound::AddDocument& c, Json* response);
Status exec_update_documents(WriteContext& ctx, const bound::UpdateDocuments& c, Json* response);
Status exec_delete_documents(WriteContext& ctx, const bound::DeleteDocuments& c, Json* response);
Status exec_select_documents(const ReadContext& ctx, const ast::SelectDocuments& s, Json* response);
Status exec_select_count(const ReadContext& ctx, const ast::SelectCount& s, Json* response);

// §3.4 (the database-level ones are Engine members)
Status exec_show_bundles(const ReadContext& ctx, Json* response);
Status exec_describe_bundle(const ReadContext& ctx, const ast::DescribeBundle& s, Json* response);
Status exec_show_indexes(const ReadContext& ctx, const ast::ShowIndexes& s, Json* response);
Status exec_show_settings(const ReadContext& ctx, Json* response);
Status exec_set_setting(WriteContext& ctx, const ast::SetSetting& s, Json* response);

// Any bound command on `ctx` (RESTORE DOCUMENTS: UNSUPPORTED, see file comment).
Status execute_command(WriteContext& ctx, bound::Command& command, Json* response);
// bind_command against ctx.schema(), then execute_command.
Status exec_command(WriteContext& ctx, const ast::Statement& s, Json* response);

// SPEC §5.1 shapes (describe.cpp).
Json index_json(const DatabaseSchema& schema, const IndexDef& index);
Result<Json> bundle_json(const Reader& reader, const DatabaseSchema& schema, const Bundle& b);

}  // namespace strata::engine
