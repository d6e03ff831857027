// SPEC §3.4 statements on one database's catalog: SHOW BUNDLES, DESCRIBE BUNDLE,
// SHOW INDEXES, SHOW SETTINGS, SET. Responses carrying `Result` carry ExecutionTimeMS
// (SPEC §5.1). (Databases, BACKUP and RESTORE are Engine members:
// exec_session.cpp and backup.cpp.)
#include "engine/executors.hpp"
#include "engine/response.hpp"

namespace strata::engine {

Status exec_show_bundles(const ReadContext& ctx, Json* response) {
  const auto started = std::chrono::steady_clock::now();
  Json result = Json::array();
  for (const auto& b : ctx.schema.bundles) {
    auto j = bundle_json(ctx.reader, ctx.schema, b);
    if (!j.ok()) return j.status();
    result.push_back(std::move(*j));
  }
  (*response)["database"] = ctx.schema.name;
  (*response)["ResultCount"] = result.size();
  (*response)["Result"] = std::move(result);
  (*response)["ExecutionTimeMS"] = elapsed_ms(started);
  return Status::Ok();
}

Status exec_describe_bundle(const ReadContext& ctx, const ast::DescribeBundle& s, Json* response) {
  const Bundle* b = ctx.schema.bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle, &ctx.schema);
  auto j = bundle_json(ctx.reader, ctx.schema, *b);
  if (!j.ok()) return j.status();
  (*response)["bundle"] = std::move(*j);
  return Status::Ok();
}

Status exec_show_indexes(const ReadContext& ctx, const ast::ShowIndexes& s, Json* response) {
  const auto started = std::chrono::steady_clock::now();
  const Bundle* only = nullptr;
  if (s.bundle) {
    only = ctx.schema.bundle(*s.bundle);
    if (!only) return bundle_not_found(*s.bundle, &ctx.schema);
  }
  Json result = Json::array();
  for (const auto& idx : ctx.schema.indexes) {
    if (only && idx.bundle_id != only->id) continue;
    result.push_back(index_json(ctx.schema, idx));
  }
  (*response)["ResultCount"] = result.size();
  (*response)["Result"] = std::move(result);
  (*response)["ExecutionTimeMS"] = elapsed_ms(started);
  return Status::Ok();
}

Status exec_show_settings(const ReadContext& ctx, Json* response) {
  (*response)["database"] = ctx.schema.name;
  (*response)["settings"] = describe_settings(ctx.server_settings, ctx.schema.settings);
  return Status::Ok();
}

Status exec_set_setting(WriteContext& ctx, const ast::SetSetting& s, Json* response) {
  auto name = canonical_setting_name(s.name);
  if (!name.ok()) return name.status();
  auto value = validate_setting(*name, s.value, s.written);
  if (!value.ok()) return value.status();
  ctx.mutable_schema().settings[*name] = *value;
  (*response)["message"] = "Setting " + *name + " set to " + value->dump();
  return Status::Ok();
}

}  // namespace strata::engine
