// The data work of UPDATE BUNDLE's field changes (SPEC §3.2), after schema_change applied the
// change to the catalog: ADD FIELD backfills its default (refused when required without a
// default on a bundle that holds documents), REMOVE FIELD deletes the values, RENAME FIELD
// rewrites the documents, MODIFY FIELD converts values or refuses naming the documents that
// do not convert; implicit unique indexes are dropped and built as the change says.
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/status_details.hpp"
#include "engine/documents.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"
#include "engine/schema_change.hpp"

namespace strata::engine {

namespace {

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


// Rewrites every document of `bundle` that `edit` changes (edit returns true), keeping index
// entries and stamps: for field changes no index key depends on (rewrite_field_of_document).
enum class Rewrite { kReshapes, kRemovesValues };
template <typename Edit>
Status rewrite_documents(WriteContext& ctx, const Bundle& bundle, Rewrite what, Edit&& edit) {
  return for_each_stored(ctx.reader(), ctx.db_id(), bundle.id,
                         [&](uint64_t seq, std::string_view bytes) -> Status {
                           auto doc = parse_document(bytes);
                           if (!doc.ok()) return doc.status();
                           if (!edit(*doc)) return Status::Ok();
                           rewrite_field_of_document(ctx, bundle, seq, bytes, *doc,
                                                     what == Rewrite::kRemovesValues);
                           return Status::Ok();
                         });
}

Status add_field_data(WriteContext& ctx, const Bundle& bundle, const Field& f) {
  auto has_docs = bundle_has_documents(ctx.reader(), ctx.db_id(), bundle.id);
  if (!has_docs.ok()) return has_docs.status();
  if (!*has_docs) return Status::Ok();
  if (f.required && f.default_value.is_null()) {
    return Status(Code::kConstraintViolation, "Cannot add required field '" + f.name +
                                                  "' without a default to bundle '" +
                                                  bundle.name + "': it already holds documents");
  }
  if (f.default_value.is_null()) return Status::Ok();
  // No index uses the new field before its implicit index is built, after this.
  return rewrite_documents(ctx, bundle, Rewrite::kReshapes, [&](Json& doc) {
    doc[f.name] = f.default_value;
    return true;
  });
}

Status modify_field_data(WriteContext& ctx, const Bundle& bundle, const bound::ModifyField& c,
                         const schema_change::Effect& effect) {
  const Field& after = c.after;
  // Convert first (to know every failure), then write.
  std::vector<uint64_t> bad_type, missing;
  STRATA_RETURN_IF_ERROR(for_each_stored(
      ctx.reader(), ctx.db_id(), bundle.id, [&](uint64_t seq, std::string_view bytes) -> Status {
        auto doc = parse_document(bytes);
        if (!doc.ok()) return doc.status();
        auto it = doc->find(after.name);
        Json updated = *doc;
        if (it == doc->end()) {
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
        return replace_document(ctx, bundle, seq, bytes, *doc, updated, &effect.created);
      }));
  if (!bad_type.empty()) {
    return with_details(
        Status(Code::kTypeMismatch, "Cannot modify field '" + after.name + "' of bundle '" +
                                        bundle.name + "' to " + parser::type_name(after.type) +
                                        ": " + std::to_string(bad_type.size()) +
                                        " documents hold values that do not convert (DocumentIDs " +
                                        id_list(bad_type) + ")"),
        Json{{"documentCount", bad_type.size()}});
  }
  if (!missing.empty()) {
    return with_details(
        Status(Code::kConstraintViolation,
               "Cannot make field '" + after.name + "' of bundle '" + bundle.name +
                   "' required: " + std::to_string(missing.size()) +
                   " documents have no value and the field has no default (DocumentIDs " +
                   id_list(missing) + ")"),
        Json{{"documentCount", missing.size()}});
  }
  for (const auto& idx : effect.created) STRATA_RETURN_IF_ERROR(build_index(ctx, idx));
  return Status::Ok();
}

}  // namespace

Status change_field_data(WriteContext& ctx, uint32_t bundle_id, const bound::BundleChange& change,
                         const schema_change::Effect& effect) {
  const Bundle& bundle = *ctx.schema().bundle_by_id(bundle_id);
  for (const auto& idx : effect.dropped) STRATA_RETURN_IF_ERROR(drop_index_entries(ctx, idx));
  Status st = std::visit(
      [&](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, bound::AddField>) {
          return add_field_data(ctx, bundle, c.field);
        } else if constexpr (std::is_same_v<T, bound::RemoveField>) {
          return rewrite_documents(ctx, bundle, Rewrite::kRemovesValues, [&](Json& doc) {
            return doc.erase(c.field.name) > 0;
          });
        } else if constexpr (std::is_same_v<T, bound::RenameField>) {
          // Index keys hold values only, so every entry stays valid.
          return rewrite_documents(ctx, bundle, Rewrite::kReshapes, [&](Json& doc) {
            auto it = doc.find(c.from);
            if (it == doc.end()) return false;
            Json value = std::move(*it);
            doc.erase(c.from);
            doc[c.to] = std::move(value);
            return true;
          });
        } else if constexpr (std::is_same_v<T, bound::ModifyField>) {
          return modify_field_data(ctx, bundle, c, effect);
        } else {
          return Status::Ok();  // names and relationships: the catalog change is all
        }
      },
      change);
  STRATA_RETURN_IF_ERROR(st);
  if (std::holds_alternative<bound::ModifyField>(change)) return Status::Ok();  // built there
  for (const auto& idx : effect.created) STRATA_RETURN_IF_ERROR(build_index(ctx, idx));
  return Status::Ok();
}

}  // namespace strata::engine
