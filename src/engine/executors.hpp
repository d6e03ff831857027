#pragma once
// The executors: one function per statement, one file per statement family (STYLE §3):
//   exec_schema.cpp, exec_schema_fields.cpp   SPEC §3.2  (bundles, fields, relationships, indexes)
//   exec_document.cpp                         SPEC §3.3  (ADD / SELECT / COUNT / UPDATE / DELETE)
//   exec_admin.cpp                            SPEC §3.4  (SHOW BUNDLES ... SET) and describe.cpp
//   exec_session.cpp, backup.cpp              Engine members (databases, BACKUP / RESTORE)
//
// Contract: the gate (Engine::execute) has already checked role, active database and
// settings; executors never repeat those checks. Mutating executors only stage writes into
// ctx.txn() and mutate ctx.mutable_schema(); on error the caller discards the txn, so a
// failed statement changes nothing. On success they fill `response` with the fields of SPEC
// §5.1 (status/success are added by response.hpp). Read executors work on a snapshot.
//
// exec_command() runs any command allowed inside a migration (§3.2 and §3.3 but SELECT) on a
// WriteContext: the migration work applies N commands by calling it N times on ONE context.
// Thread-safety: see WriteContext / ReadContext.

#include "engine/catalog.hpp"
#include "engine/documents.hpp"
#include "engine/query.hpp"
#include "engine/reader.hpp"
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

// §3.2
Status exec_create_bundle(WriteContext& ctx, const ast::CreateBundle& s, Json* response);
Status exec_update_bundle(WriteContext& ctx, const ast::UpdateBundle& s, Json* response);
Status exec_drop_bundle(WriteContext& ctx, const ast::DropBundle& s, Json* response);
Status exec_create_index(WriteContext& ctx, const ast::CreateIndex& s, Json* response);
Status exec_drop_index(WriteContext& ctx, const ast::DropIndex& s, Json* response);
// The field changes of UPDATE BUNDLE (exec_schema_fields.cpp), applied to bundle `bundle_id`.
Status exec_add_field(WriteContext& ctx, uint32_t bundle_id, const ast::AddField& c);
Status exec_remove_field(WriteContext& ctx, uint32_t bundle_id, const ast::RemoveField& c);
Status exec_rename_field(WriteContext& ctx, uint32_t bundle_id, const ast::RenameField& c);
Status exec_modify_field(WriteContext& ctx, uint32_t bundle_id, const ast::ModifyField& c);

// §3.3
Status exec_add_document(WriteContext& ctx, const ast::AddDocument& s, Json* response);
// The ADD DOCUMENT of a migration whose document was prepared ahead against this schema
// (validate/command_stream.hpp): exec_add_document without the preparation or a response.
Status exec_add_prepared(WriteContext& ctx, const Bundle& bundle, const PreparedDocument& doc);
Status exec_update_documents(WriteContext& ctx, const ast::UpdateDocuments& s, Json* response);
Status exec_delete_documents(WriteContext& ctx, const ast::DeleteDocuments& s, Json* response);
Status exec_select_documents(const ReadContext& ctx, const ast::SelectDocuments& s, Json* response);
Status exec_select_count(const ReadContext& ctx, const ast::SelectCount& s, Json* response);

// §3.4 (the database-level ones are Engine members)
Status exec_show_bundles(const ReadContext& ctx, Json* response);
Status exec_describe_bundle(const ReadContext& ctx, const ast::DescribeBundle& s, Json* response);
Status exec_show_indexes(const ReadContext& ctx, const ast::ShowIndexes& s, Json* response);
Status exec_show_settings(const ReadContext& ctx, Json* response);
Status exec_set_setting(WriteContext& ctx, const ast::SetSetting& s, Json* response);

// Any §3.2 / §3.3-write statement on `ctx` (UNSUPPORTED for anything else).
Status exec_command(WriteContext& ctx, const ast::Statement& s, Json* response);

// SPEC §5.1 shapes (describe.cpp).
Json index_json(const DatabaseSchema& schema, const IndexDef& index);
Result<Json> bundle_json(const Reader& reader, const DatabaseSchema& schema, const Bundle& b);
// Number of documents of a bundle (keys only, streamed).
Result<uint64_t> count_bundle(const Reader& reader, uint32_t db, uint32_t bundle_id);

}  // namespace strata::engine
