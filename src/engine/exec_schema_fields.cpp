// SPEC §3.2 field changes of UPDATE BUNDLE: ADD FIELD (backfills its default), REMOVE FIELD
// (deletes the values; refused while an explicit index uses the field), RENAME FIELD
// (rewrites documents, index definitions and relationship fields), MODIFY FIELD (converts
// values or refuses naming the documents that do not convert).
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/documents.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"

namespace strata::engine {

namespace {

Status field_exists(std::string_view field, std::string_view bundle) {
  return Status(Code::kFieldExists, "Field '" + std::string(field) +
                                        "' already exists in bundle '" + std::string(bundle) + "'");
}

// Converts a value for MODIFY FIELD; nullopt when it does not convert.
std::optional<Json> convert_value(const Json& v, FieldType to) {
  if (parser::value_matches(to, v)) return v;
  switch (to) {
    case FieldType::kString:
    case FieldType::kText:
      return Json(v.is_string() ? v.get<std::string>() : v.dump());
    case FieldType::kJson:
      return v;
    case FieldType::kInt: {
      if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) return Json(static_cast<int64_t>(d));
        return std::nullopt;
      }
      if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        int64_t out = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return Json(out);
      }
      return std::nullopt;
    }
    case FieldType::kFloat: {
      if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        double out = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc() && p == s.data() + s.size() && !s.empty() && std::isfinite(out))
          return Json(out);
      }
      return std::nullopt;
    }
    case FieldType::kBoolean:
      if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (strcasecmp(s.c_str(), "true") == 0) return Json(true);
        if (strcasecmp(s.c_str(), "false") == 0) return Json(false);
      }
      return std::nullopt;
    case FieldType::kDateTime:
      return std::nullopt;  // only RFC 3339 strings, which value_matches accepted
  }
  return std::nullopt;
}

// Explicit (non-implicit) indexes of the bundle that use `field`.
const IndexDef* explicit_index_using(const DatabaseSchema& schema, uint32_t bundle_id,
                                     const std::string& field) {
  for (const auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle_id || idx.implicit) continue;
    if (std::find(idx.fields.begin(), idx.fields.end(), field) != idx.fields.end()) return &idx;
  }
  return nullptr;
}

Status drop_implicit_index(WriteContext& ctx, uint32_t bundle_id, const std::string& field) {
  const IndexDef* idx = ctx.schema().implicit_index(bundle_id, field);
  if (!idx) return Status::Ok();
  const IndexDef copy = *idx;
  STRATA_RETURN_IF_ERROR(drop_index_entries(ctx, copy));
  std::erase_if(ctx.mutable_schema().indexes, [&](const IndexDef& i) { return i.id == copy.id; });
  return Status::Ok();
}

Status create_implicit_index(WriteContext& ctx, uint32_t bundle_id, const std::string& field) {
  DatabaseSchema& schema = ctx.mutable_schema();
  add_implicit_index(&schema, *schema.bundle_by_id(bundle_id), field);
  return build_index(ctx, schema.indexes.back());
}

}  // namespace

Status exec_add_field(WriteContext& ctx, uint32_t bundle_id, const ast::AddField& c) {
  const Bundle* b = ctx.schema().bundle_by_id(bundle_id);
  if (b->field(c.field.name)) return field_exists(c.field.name, b->name);
  auto f = bind_field(c.field, b->name);
  if (!f.ok()) return f.status();
  if (f->name == "DocumentID" || f->name.empty()) {
    return Status(Code::kInvalidValue, "Field name '" + f->name + "' is not allowed");
  }
  auto has_docs = bundle_has_documents(ctx.reader(), ctx.db_id(), bundle_id);
  if (!has_docs.ok()) return has_docs.status();
  if (f->required && f->default_value.is_null() && *has_docs) {
    return Status(Code::kConstraintViolation, "Cannot add required field '" + f->name +
                                                  "' without a default to bundle '" + b->name +
                                                  "': it already holds documents");
  }
  Bundle* mb = ctx.mutable_schema().bundle_by_id(bundle_id);
  mb->fields.push_back(*f);
  const Bundle& bundle = *mb;
  if (!f->default_value.is_null() && *has_docs) {
    STRATA_RETURN_IF_ERROR(for_each_document(
        ctx.reader(), ctx.db_id(), bundle_id, [&](uint64_t seq, Json& doc) -> Status {
          Json updated = doc;
          updated[f->name] = f->default_value;
          put_document_keeping_indexes(ctx, bundle, seq, doc, updated);  // no index uses it yet
          return Status::Ok();
        }));
  }
  if (f->unique) STRATA_RETURN_IF_ERROR(create_implicit_index(ctx, bundle_id, f->name));
  return Status::Ok();
}

Status exec_remove_field(WriteContext& ctx, uint32_t bundle_id, const ast::RemoveField& c) {
  const Bundle* b = ctx.schema().bundle_by_id(bundle_id);
  const Field* f = b->field(c.field);
  if (!f) return field_not_found(c.field, b->name);
  if (const IndexDef* idx = explicit_index_using(ctx.schema(), bundle_id, c.field)) {
    return Status(Code::kFieldIndexed, "Field '" + c.field + "' of bundle '" + b->name +
                                           "' is used by index '" + idx->name +
                                           "'; drop the index first");
  }
  if (ctx.undo()) ctx.undo()->schema_dropped("field", b->name, field_to_json(*f));
  STRATA_RETURN_IF_ERROR(drop_implicit_index(ctx, bundle_id, c.field));
  Bundle* mb = ctx.mutable_schema().bundle_by_id(bundle_id);
  std::erase_if(mb->fields, [&](const Field& x) { return x.name == c.field; });
  for (auto& r : mb->relationships)
    if (r.from_field == c.field) r.from_field.clear();
  for (auto& other : ctx.mutable_schema().bundles)
    for (auto& r : other.relationships)
      if (r.to_bundle == bundle_id && r.to_field == c.field) r.to_field.clear();
  const Bundle& bundle = *ctx.schema().bundle_by_id(bundle_id);
  return for_each_document(
      ctx.reader(), ctx.db_id(), bundle_id, [&](uint64_t seq, Json& doc) -> Status {
        if (!doc.contains(c.field)) return Status::Ok();
        Json updated = doc;
        updated.erase(c.field);
        put_document_keeping_indexes(ctx, bundle, seq, doc, updated);  // no index uses it now
        return Status::Ok();
      });
}

Status exec_rename_field(WriteContext& ctx, uint32_t bundle_id, const ast::RenameField& c) {
  const Bundle* b = ctx.schema().bundle_by_id(bundle_id);
  if (!b->field(c.from)) return field_not_found(c.from, b->name);
  if (b->field(c.to)) return field_exists(c.to, b->name);
  if (c.to.empty() || c.to == "DocumentID") {
    return Status(Code::kInvalidValue, "Field name '" + c.to + "' is not allowed");
  }
  DatabaseSchema& schema = ctx.mutable_schema();
  Bundle* mb = schema.bundle_by_id(bundle_id);
  mb->field(c.from)->name = c.to;
  for (auto& r : mb->relationships)
    if (r.from_field == c.from) r.from_field = c.to;
  for (auto& other : schema.bundles)
    for (auto& r : other.relationships)
      if (r.to_bundle == bundle_id && r.to_field == c.from) r.to_field = c.to;
  for (auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle_id) continue;
    for (auto& f : idx.fields)
      if (f == c.from) f = c.to;
    if (idx.implicit && idx.fields[0] == c.to) {
      std::string wanted = mb->name + "_" + c.to + "_unique";
      if (idx.name != wanted && !schema.index(wanted)) idx.name = wanted;
    }
  }
  const Bundle& bundle = *mb;
  // Index keys hold values only, so every entry stays valid.
  return for_each_document(ctx.reader(), ctx.db_id(), bundle_id,
                           [&](uint64_t seq, Json& doc) -> Status {
                             auto it = doc.find(c.from);
                             if (it == doc.end()) return Status::Ok();
                             Json updated = doc;
                             updated[c.to] = *it;
                             updated.erase(c.from);
                             put_document_keeping_indexes(ctx, bundle, seq, doc, updated);
                             return Status::Ok();
                           });
}

Status exec_modify_field(WriteContext& ctx, uint32_t bundle_id, const ast::ModifyField& c) {
  const Bundle* b = ctx.schema().bundle_by_id(bundle_id);
  const Field* old_field = b->field(c.field.name);
  if (!old_field) return field_not_found(c.field.name, b->name);
  auto nf = bind_field(c.field, b->name);
  if (!nf.ok()) return nf.status();
  const Field before = *old_field;
  const Field after = *nf;
  // Convert first (to know every failure), then write.
  std::vector<uint64_t> bad_type, missing;
  const std::string bundle_name = b->name;
  if (before.unique && !after.unique)
    STRATA_RETURN_IF_ERROR(drop_implicit_index(ctx, bundle_id, after.name));
  *ctx.mutable_schema().bundle_by_id(bundle_id)->field(after.name) = after;
  const Bundle& bundle = *ctx.schema().bundle_by_id(bundle_id);
  STRATA_RETURN_IF_ERROR(for_each_document(
      ctx.reader(), ctx.db_id(), bundle_id, [&](uint64_t seq, Json& doc) -> Status {
        auto it = doc.find(after.name);
        Json updated = doc;
        if (it == doc.end()) {
          if (!after.required) return Status::Ok();
          if (after.default_value.is_null()) {
            missing.push_back(seq);
            return Status::Ok();
          }
          updated[after.name] = after.default_value;
        } else {
          auto converted = convert_value(*it, after.type);
          if (!converted) {
            bad_type.push_back(seq);
            return Status::Ok();
          }
          if (*converted == *it && converted->type() == it->type()) return Status::Ok();
          updated[after.name] = *converted;
        }
        if (!bad_type.empty() || !missing.empty()) return Status::Ok();
        return replace_document(ctx, bundle, seq, doc, updated);
      }));
  if (!bad_type.empty()) {
    return Status(Code::kTypeMismatch,
                  "Cannot modify field '" + after.name + "' of bundle '" + bundle_name + "' to " +
                      parser::type_name(after.type) + ": " + std::to_string(bad_type.size()) +
                      " documents hold values that do not convert (DocumentIDs " +
                      id_list(bad_type) + ")",
                  Json{{"documentCount", bad_type.size()}});
  }
  if (!missing.empty()) {
    return Status(Code::kConstraintViolation,
                  "Cannot make field '" + after.name + "' of bundle '" + bundle_name +
                      "' required: " + std::to_string(missing.size()) +
                      " documents have no value and the field has no default (DocumentIDs " +
                      id_list(missing) + ")",
                  Json{{"documentCount", missing.size()}});
  }
  if (after.unique && !before.unique) {
    STRATA_RETURN_IF_ERROR(create_implicit_index(ctx, bundle_id, after.name));
  }
  return Status::Ok();
}

}  // namespace strata::engine
