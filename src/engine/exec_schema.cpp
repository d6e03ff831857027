// SPEC §3.2 executors: CREATE / UPDATE / DROP BUNDLE, CREATE / DROP INDEX. Each applies the
// bound command's catalog change (schema_change.hpp) to the statement's schema copy, then does
// the data work it implies: index entries built or deleted, documents of a dropped bundle
// erased. The field changes of UPDATE BUNDLE are in exec_schema_fields.cpp.
#include "engine/documents.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"
#include "engine/schema_change.hpp"

namespace strata::engine {

namespace {

Status drop_entries(WriteContext& ctx, const schema_change::Effect& effect) {
  for (const auto& idx : effect.dropped) STRATA_RETURN_IF_ERROR(drop_index_entries(ctx, idx));
  return Status::Ok();
}

Status build_entries(WriteContext& ctx, const schema_change::Effect& effect) {
  for (const auto& idx : effect.created) STRATA_RETURN_IF_ERROR(build_index(ctx, idx));
  return Status::Ok();
}

}  // namespace

Status exec_create_bundle(WriteContext& ctx, const bound::CreateBundle& c, Json* response) {
  schema_change::apply(&ctx.mutable_schema(), c);  // a new bundle: no documents to index
  (*response)["message"] = "Bundle '" + c.bundle.name + "' created";
  return Status::Ok();
}

Status exec_update_bundle(WriteContext& ctx, const bound::UpdateBundle& c, Json* response) {
  for (const auto& change : c.changes) {
    schema_change::Effect effect;
    schema_change::apply_change(&ctx.mutable_schema(), c.bundle, change, &effect);
    STRATA_RETURN_IF_ERROR(change_field_data(ctx, c.bundle, change, effect));
  }
  (*response)["message"] = "Bundle '" + ctx.schema().bundle_by_id(c.bundle)->name + "' updated";
  return Status::Ok();
}

Status exec_drop_bundle(WriteContext& ctx, const bound::DropBundle& c, Json* response) {
  const Bundle bundle = *ctx.schema().bundle_by_id(c.bundle);
  schema_change::Effect effect;
  schema_change::apply(&ctx.mutable_schema(), c, &effect);
  if (!ctx.scratch()) {
    // A scratch context is never committed, and the ids of a dropped bundle and its indexes
    // are never reused: its documents and entries are unreachable there, nothing to erase.
    STRATA_RETURN_IF_ERROR(for_each_stored(
        ctx.reader(), ctx.db_id(), bundle.id, [&](uint64_t seq, std::string_view bytes) {
          return erase_document_keeping_indexes(ctx, bundle, seq, bytes);
        }));
    STRATA_RETURN_IF_ERROR(drop_entries(ctx, effect));
  }
  (*response)["message"] = "Bundle '" + bundle.name + "' dropped";
  return Status::Ok();
}

Status exec_create_index(WriteContext& ctx, const bound::CreateIndex& c, Json* response) {
  schema_change::Effect effect;
  schema_change::apply(&ctx.mutable_schema(), c, &effect);
  STRATA_RETURN_IF_ERROR(build_entries(ctx, effect));
  (*response)["message"] = "Index '" + c.index.name + "' created";
  return Status::Ok();
}

Status exec_drop_index(WriteContext& ctx, const bound::DropIndex& c, Json* response) {
  schema_change::Effect effect;
  schema_change::apply(&ctx.mutable_schema(), c, &effect);
  if (!ctx.scratch()) STRATA_RETURN_IF_ERROR(drop_entries(ctx, effect));
  (*response)["message"] = "Index '" + c.index.name + "' dropped";
  return Status::Ok();
}

}  // namespace strata::engine
