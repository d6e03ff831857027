// SPEC §3.3: ADD DOCUMENT, SELECT DOCUMENTS / SELECT *, SELECT COUNT, UPDATE DOCUMENTS,
// DELETE DOCUMENTS; and execute_command(), the one dispatch of every bound write command.
#include "common/overloaded.hpp"
#include "engine/documents.hpp"
#include "engine/engine.hpp"
#include "engine/executors.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {

// UPDATE / DELETE stop when their session's statement is cancelled or times out.
QueryOptions interruptible(WriteContext& ctx) {
  QueryOptions o;
  o.interrupt = ctx.session().interrupt.get();
  return o;
}

// Calls fn(seq, stored bytes, parsed document) for every document of `b` matching `where`
// (null: all). Matches are computed first, so a write never re-matches a document it changed;
// the loop stops when the session's statement is interrupted. Sets *count to the matches.
template <typename Fn>
Status for_each_match(WriteContext& ctx, const Bundle& b, const ast::Condition* where,
                      size_t* count, Fn&& fn) {
  const QueryOptions query = interruptible(ctx);
  auto seqs = matching_documents(ctx.reader(), ctx.schema(), b, where, query);
  if (!seqs.ok()) return seqs.status();
  *count = seqs->size();
  uint32_t done = 0;
  for (uint64_t seq : *seqs) {
    if (++done % 256 == 0) STRATA_RETURN_IF_ERROR(ctx.checkpoint());
    auto bytes = load_stored(ctx.reader(), ctx.db_id(), b.id, seq);
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;
    auto old = parse_document(**bytes);
    if (!old.ok()) return old.status();
    STRATA_RETURN_IF_ERROR(fn(seq, **bytes, *old));
  }
  return Status::Ok();
}

}  // namespace

Status exec_add_document(WriteContext& ctx, bound::AddDocument& c, Json* response) {
  const Bundle& b = *ctx.schema().bundle_by_id(c.bundle);
  const uint64_t seq = ctx.allocate_doc_seq();
  STRATA_RETURN_IF_ERROR(insert_document(ctx, b, seq, c.document));
  (*response)["message"] = "Document added";
  (*response)["DocumentID"] = keys::document_id(seq);
  return Status::Ok();
}

Status exec_update_documents(WriteContext& ctx, const bound::UpdateDocuments& c, Json* response) {
  const Bundle& b = *ctx.schema().bundle_by_id(c.bundle);
  size_t affected = 0;
  STRATA_RETURN_IF_ERROR(for_each_match(
      ctx, b, &c.where, &affected,
      [&](uint64_t seq, const std::string& bytes, const Json& old) -> Status {
        Json merged = old;
        for (const auto& a : c.assignments) {
          if (a.value.is_null())
            merged.erase(a.field);
          else
            merged[a.field] = a.value;
        }
        auto doc = complete_document(b, std::move(merged));
        if (!doc.ok()) {
          Status st = doc.status();
          Status named(st.code(), st.message() + " (DocumentID " + keys::document_id(seq) + ")");
          named.set_details(st.details());
          return named;
        }
        if (*doc == old) return Status::Ok();
        return replace_document(ctx, b, seq, bytes, old, *doc);
      }));
  (*response)["message"] = "Documents updated";
  (*response)["affected"] = affected;
  return Status::Ok();
}

Status exec_delete_documents(WriteContext& ctx, const bound::DeleteDocuments& c, Json* response) {
  const Bundle& b = *ctx.schema().bundle_by_id(c.bundle);
  size_t affected = 0;
  STRATA_RETURN_IF_ERROR(for_each_match(
      ctx, b, c.where ? &*c.where : nullptr, &affected,
      [&](uint64_t seq, const std::string& bytes, const Json& old) -> Status {
        erase_document(ctx, b, seq, bytes, old);
        return Status::Ok();
      }));
  (*response)["message"] = "Documents deleted";
  (*response)["affected"] = affected;
  return Status::Ok();
}

Status exec_select_documents(const ReadContext& ctx, const ast::SelectDocuments& s,
                             Json* response) {
  auto found = bind_bundle(ctx.schema, s.bundle);
  if (!found.ok()) return found.status();
  const Bundle* b = *found;
  if (s.where) STRATA_RETURN_IF_ERROR(bind_condition(*b, *s.where));
  if (s.order_by && s.order_by->field != "DocumentID" && !b->field(s.order_by->field))
    return field_not_found(s.order_by->field, *b);
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
  auto found = bind_bundle(ctx.schema, s.bundle);
  if (!found.ok()) return found.status();
  const Bundle* b = *found;
  if (s.where) STRATA_RETURN_IF_ERROR(bind_condition(*b, *s.where));
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

Status execute_command(WriteContext& ctx, bound::Command& command, Json* response) {
  return std::visit(
      Overloaded{
          [&](const bound::CreateBundle& c) { return exec_create_bundle(ctx, c, response); },
          [&](const bound::UpdateBundle& c) { return exec_update_bundle(ctx, c, response); },
          [&](const bound::DropBundle& c) { return exec_drop_bundle(ctx, c, response); },
          [&](const bound::CreateIndex& c) { return exec_create_index(ctx, c, response); },
          [&](const bound::DropIndex& c) { return exec_drop_index(ctx, c, response); },
          [&](bound::AddDocument& c) { return exec_add_document(ctx, c, response); },
          [&](const bound::UpdateDocuments& c) { return exec_update_documents(ctx, c, response); },
          [&](const bound::DeleteDocuments& c) { return exec_delete_documents(ctx, c, response); },
          [&](const bound::RestoreDocuments&) {
            return Status(Code::kUnsupported,
                          "RESTORE DOCUMENTS runs only as a DOWN command of APPLY ROLLBACK");
          }},
      command);
}

Status exec_command(WriteContext& ctx, const ast::Statement& s, Json* response) {
  auto command = bind_command(ctx.schema(), s);
  if (!command.ok()) return command.status();
  return execute_command(ctx, *command, response);
}

}  // namespace strata::engine
