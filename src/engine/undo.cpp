#include "engine/undo.hpp"

#include "common/sha256.hpp"
#include "engine/documents.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;
namespace lk = storage::ledger_keys;
using storage::Space;

void UndoRecorder::bind(storage::Txn& txn, uint32_t db, uint64_t version,
                        const DatabaseSchema& base, uint64_t start_seq) {
  txn_ = &txn;
  db_ = db;
  version_ = version;
  base_ = &base;
  start_seq_ = start_seq;
}

void UndoRecorder::document_before(const Bundle& bundle, uint64_t seq,
                                   const std::string_view* before) {
  if (!txn_) return;
  if (!before) {
    added_.insert(bundle.id);
    return;
  }
  if (seq >= start_seq_ || !base_->bundle_by_id(bundle.id)) return;
  if (!seen_.emplace(seq, bundle.id).second) return;
  touched_.insert(bundle.id);
  ++entries_;
  // A document reshaped earlier in the migration: its pre-migration image.
  auto reshaped = reshaped_.find(seq);
  if (reshaped != reshaped_.end()) {
    txn_->put(Space::kLedger, lk::undo_key(db_, version_, bundle.id, seq), reshaped->second);
    reshaped_.erase(reshaped);
    return;
  }
  txn_->put(Space::kLedger, lk::undo_key(db_, version_, bundle.id, seq), *before);
}

void UndoRecorder::document_reshaped(const Bundle& bundle, uint64_t seq,
                                     std::string_view before) {
  if (!txn_ || seq >= start_seq_ || !base_->bundle_by_id(bundle.id)) return;
  if (seen_.count(seq)) return;  // its pre-image is an entry already
  reshaped_.try_emplace(seq, before);  // the first image is the pre-migration one
}

Result<std::string> UndoRecorder::finish(const Reader& reader) {
  reshaped_.clear();  // reshaped only: undone by the DOWN list's schema commands
  if (txn_ && !seen_.empty()) {
    std::string deleted;
    for (const auto& [seq, bundle] : seen_) {  // ascending sequences
      auto now = txn_->own_write(Space::kDocs, keys::doc_key(db_, bundle, seq));
      if (now && !now->has_value()) keys::put_u64(&deleted, seq);
    }
    if (!deleted.empty()) txn_->put(Space::kLedger, lk::undo_deleted_key(db_, version_), deleted);
  }
  return undo_digest(reader, db_, version_);
}

std::vector<std::string> UndoRecorder::touched_bundles() const {
  std::vector<std::string> out;
  if (!base_) return out;
  for (const auto& b : base_->bundles)
    if (touched_.count(b.id)) out.push_back(b.name);
  return out;
}

Json UndoRecorder::undo_bundles() const {
  Json out = Json::object();
  if (!base_) return out;
  for (const auto& b : base_->bundles)
    if (touched_.count(b.id)) out[b.name] = b.id;
  return out;
}

Json UndoRecorder::added_bundles() const { return Json(added_); }

Result<std::string> undo_digest(const Reader& reader, uint32_t db, uint64_t version) {
  Sha256 h;
  const std::string prefix = lk::undo_prefix(db, version);
  auto it = reader.scan_prefix(Space::kLedger, prefix);
  for (; it->valid(); it->next()) {
    std::string entry(it->key().substr(prefix.size()));
    keys::put_u64(&entry, it->value().size());
    h.update(entry);
    h.update(it->value());
  }
  STRATA_RETURN_IF_ERROR(it->status());
  auto deleted = reader.get(Space::kLedger, lk::undo_deleted_key(db, version));
  if (!deleted.ok()) return deleted.status();
  h.update("DELETED\n");
  if (deleted->has_value()) h.update(**deleted);
  return to_hex(h.finish());
}

Result<std::set<uint64_t>> load_left_deleted(const Reader& reader, uint32_t db,
                                             uint64_t version) {
  auto v = reader.get(Space::kLedger, lk::undo_deleted_key(db, version));
  if (!v.ok()) return v.status();
  std::set<uint64_t> out;
  if (!v->has_value()) return out;
  const std::string& bytes = **v;
  for (size_t i = 0; i + 8 <= bytes.size(); i += 8) out.insert(keys::get_u64(bytes.substr(i, 8)));
  return out;
}

Status restore_of_other_migration(uint64_t named, uint64_t own) {
  const std::string v = std::to_string(own);
  return Status(Code::kInvalidValue,
                "RESTORE DOCUMENTS in the DOWN commands of migration " + v +
                    " can restore only its own undo snapshot (FROM MIGRATION " + v +
                    "), not migration " + std::to_string(named) + "'s");
}

namespace {

constexpr size_t kChunk = 1024;

// Calls fn(seq, bytes) for every undo entry under `prefix`, in chunks, closing the iterator
// before each batch so fn may write to the txn.
Status for_each_entry(const Reader& reader, const std::string& prefix,
                      const std::function<Status(uint64_t, const std::string&)>& fn) {
  std::string from = prefix;
  const std::string end = storage::prefix_end(prefix);
  while (true) {
    std::vector<std::pair<uint64_t, std::string>> chunk;
    {
      auto it = reader.scan(Space::kLedger, from, end);
      for (; it->valid() && chunk.size() < kChunk; it->next()) {
        chunk.emplace_back(keys::get_u64(it->key().substr(it->key().size() - 8)),
                           std::string(it->value()));
        from = std::string(it->key()) + '\0';
      }
      STRATA_RETURN_IF_ERROR(it->status());
    }
    for (const auto& [seq, bytes] : chunk) STRATA_RETURN_IF_ERROR(fn(seq, bytes));
    if (chunk.size() < kChunk) return Status::Ok();
  }
}

// The unique_taken conflict of pre-image `doc` (document `seq`), if another document holds one
// of its unique values now.
Result<std::optional<Conflict>> unique_taken(WriteContext& ctx, const Bundle& bundle,
                                             uint64_t seq, const Json& doc, uint64_t version) {
  for (const IndexDef* idx : ctx.schema().indexes_of(bundle.id)) {
    if (!idx->unique) continue;
    IndexKey k = index_key(ctx.db_id(), *idx, doc);
    if (k.needs_seq) continue;  // a value missing: no uniqueness applies
    auto holder = unique_holder(ctx, idx->id, k.key, seq);
    if (!holder.ok()) return holder.status();
    if (!holder->has_value()) continue;
    Conflict c;
    c.version = version;
    c.bundle = bundle.name;
    c.seq = seq;
    c.kind = "unique_taken";
    Json values = Json::array();
    for (const auto& f : idx->fields) values.push_back(field_value(doc, seq, f));
    c.field = idx->fields.size() == 1 ? idx->fields[0] : Json(idx->fields).dump();
    c.value = values.size() == 1 ? values[0] : values;
    c.held_by = **holder;
    return std::optional<Conflict>(std::move(c));
  }
  return std::optional<Conflict>();
}

}  // namespace

Status restore_documents(WriteContext& ctx, const ast::RestoreDocuments& command,
                         const MigrationRecord& record, uint64_t* restored,
                         std::vector<Conflict>* conflicts) {
  const Bundle* b = ctx.schema().bundle(command.bundle);
  if (!b) return bundle_not_found(command.bundle);
  *restored = 0;
  auto id = record.undo_bundles.find(command.bundle);
  if (id == record.undo_bundles.end()) return Status::Ok();
  const Bundle bundle = *b;
  const std::string prefix =
      lk::undo_bundle_prefix(ctx.db_id(), record.version, id->get<uint32_t>());
  // Pass 1: take the current documents out of every index.
  STRATA_RETURN_IF_ERROR(for_each_entry(ctx.reader(), prefix,
                                        [&](uint64_t seq, const std::string&) -> Status {
    auto current = load_document(ctx.reader(), ctx.db_id(), bundle.id, seq);
    if (!current.ok()) return current.status();
    if (*current) remove_index_entries(ctx.txn(), ctx.schema(), bundle.id, **current, seq);
    return Status::Ok();
  }));
  // Pass 2: the pre-images, byte for byte, and their index entries — unless a unique value
  // of theirs is taken: then the document is left out and the conflict reported.
  return for_each_entry(ctx.reader(), prefix,
                        [&](uint64_t seq, const std::string& bytes) -> Status {
    auto doc = parse_document(bytes);
    if (!doc.ok()) return doc.status();
    auto taken = unique_taken(ctx, bundle, seq, *doc, record.version);
    if (!taken.ok()) return taken.status();
    if (taken->has_value()) {
      conflicts->push_back(std::move(**taken));
      return Status::Ok();
    }
    ctx.txn().put(Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), bytes);
    add_index_entries(ctx.txn(), ctx.schema(), bundle.id, *doc, seq);
    ++*restored;
    return Status::Ok();
  });
}

}  // namespace strata::engine
