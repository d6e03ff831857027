// SPEC §3.3: ADD DOCUMENT, SELECT DOCUMENTS / SELECT *, SELECT COUNT, UPDATE DOCUMENTS,
// DELETE DOCUMENTS.
#include "engine/documents.hpp"
#include "engine/engine.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {

Status check_where(const Bundle& b, const std::optional<ast::Condition>& where) {
  return where ? check_condition_fields(b, *where) : Status::Ok();
}

// UPDATE / DELETE stop when their session's statement is cancelled or times out.
QueryOptions interruptible(WriteContext& ctx) {
  QueryOptions o;
  o.interrupt = ctx.session().interrupt.get();
  return o;
}

}  // namespace

Status exec_add_document(WriteContext& ctx, const ast::AddDocument& s, Json* response) {
  const Bundle* b = ctx.schema().bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  auto doc = prepare_for_insert(*b, s.values);
  if (!doc.ok()) return doc.status();
  const uint64_t seq = ctx.allocate_doc_seq();
  STRATA_RETURN_IF_ERROR(insert_document(ctx, *b, seq, *doc));
  (*response)["message"] = "Document added";
  (*response)["DocumentID"] = keys::document_id(seq);
  return Status::Ok();
}

Status exec_add_prepared(WriteContext& ctx, const Bundle& bundle, const PreparedDocument& doc) {
  return insert_document(ctx, bundle, ctx.allocate_doc_seq(), doc);
}

Status exec_update_documents(WriteContext& ctx, const ast::UpdateDocuments& s, Json* response) {
  const Bundle* b = ctx.schema().bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  STRATA_RETURN_IF_ERROR(check_condition_fields(*b, s.where));
  for (const auto& a : s.assignments) {
    if (a.field == "DocumentID") {
      return Status(Code::kConstraintViolation,
                    "DocumentID is assigned by the server and cannot be set");
    }
    if (!b->field(a.field)) return field_not_found(a.field, b->name);
  }
  // Matches are computed first, so a write never re-matches a document it changed.
  const QueryOptions query = interruptible(ctx);
  auto seqs = matching_documents(ctx.reader(), ctx.schema(), *b, &s.where, query);
  if (!seqs.ok()) return seqs.status();
  InterruptPoll poll(query.interrupt);
  for (uint64_t seq : *seqs) {
    STRATA_RETURN_IF_ERROR(poll.tick());
    auto old = load_document(ctx.reader(), ctx.db_id(), b->id, seq);
    if (!old.ok()) return old.status();
    if (!old->has_value()) continue;
    Json merged = **old;
    for (const auto& a : s.assignments) {
      if (a.value.is_null())
        merged.erase(a.field);
      else
        merged[a.field] = a.value;
    }
    auto doc = prepare_document(*b, merged);
    if (!doc.ok()) {
      Status st = doc.status();
      return Status(st.code(), st.message() + " (DocumentID " + keys::document_id(seq) + ")",
                    st.details());
    }
    if (*doc == **old) continue;
    STRATA_RETURN_IF_ERROR(replace_document(ctx, *b, seq, **old, *doc));
  }
  (*response)["message"] = "Documents updated";
  (*response)["affected"] = seqs->size();
  return Status::Ok();
}

Status exec_delete_documents(WriteContext& ctx, const ast::DeleteDocuments& s, Json* response) {
  const Bundle* b = ctx.schema().bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  STRATA_RETURN_IF_ERROR(check_where(*b, s.where));
  const QueryOptions query = interruptible(ctx);
  auto seqs = matching_documents(ctx.reader(), ctx.schema(), *b, s.where ? &*s.where : nullptr,
                                 query);
  if (!seqs.ok()) return seqs.status();
  InterruptPoll poll(query.interrupt);
  for (uint64_t seq : *seqs) {
    STRATA_RETURN_IF_ERROR(poll.tick());
    auto old = load_document(ctx.reader(), ctx.db_id(), b->id, seq);
    if (!old.ok()) return old.status();
    if (old->has_value()) erase_document(ctx, *b, seq, **old);
  }
  (*response)["message"] = "Documents deleted";
  (*response)["affected"] = seqs->size();
  return Status::Ok();
}

Status exec_select_documents(const ReadContext& ctx, const ast::SelectDocuments& s,
                             Json* response) {
  const Bundle* b = ctx.schema.bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  STRATA_RETURN_IF_ERROR(check_where(*b, s.where));
  if (s.order_by && s.order_by->field != "DocumentID" && !b->field(s.order_by->field))
    return field_not_found(s.order_by->field, b->name);
  Json result = Json::array();
  Status st = run_query(ctx.reader, ctx.schema, *b, s.where ? &*s.where : nullptr, s.order_by,
                        s.limit, ctx.query, [&](uint64_t seq, Json& doc) -> Result<bool> {
                          doc["DocumentID"] = keys::document_id(seq);
                          result.push_back(std::move(doc));
                          return true;
                        });
  STRATA_RETURN_IF_ERROR(st);
  (*response)["ResultCount"] = result.size();
  (*response)["Result"] = std::move(result);
  return Status::Ok();
}

Status exec_select_count(const ReadContext& ctx, const ast::SelectCount& s, Json* response) {
  const Bundle* b = ctx.schema.bundle(s.bundle);
  if (!b) return bundle_not_found(s.bundle);
  STRATA_RETURN_IF_ERROR(check_where(*b, s.where));
  uint64_t n = 0;
  if (!s.where) {
    auto count = count_bundle(ctx.reader, ctx.schema.id, b->id);
    if (!count.ok()) return count.status();
    n = *count;
  } else {
    STRATA_RETURN_IF_ERROR(run_query(ctx.reader, ctx.schema, *b, &*s.where, std::nullopt,
                                     std::nullopt, ctx.query, [&](uint64_t, Json&) -> Result<bool> {
                                       ++n;
                                       return true;
                                     }));
  }
  (*response)["ResultCount"] = n;
  return Status::Ok();
}

Status exec_command(WriteContext& ctx, const ast::Statement& s, Json* response) {
  return std::visit(
      [&](const auto& st) -> Status {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, ast::CreateBundle>)
          return exec_create_bundle(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::UpdateBundle>)
          return exec_update_bundle(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::DropBundle>)
          return exec_drop_bundle(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::CreateIndex>)
          return exec_create_index(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::DropIndex>)
          return exec_drop_index(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::AddDocument>)
          return exec_add_document(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::UpdateDocuments>)
          return exec_update_documents(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::DeleteDocuments>)
          return exec_delete_documents(ctx, st, response);
        else if constexpr (std::is_same_v<T, ast::SetSetting>)
          return exec_set_setting(ctx, st, response);
        else
          return Status(Code::kUnsupported,
                        std::string(ast::statement_name(s)) + " cannot run as a write command");
      },
      s);
}

}  // namespace strata::engine
